package emulator_test

import (
	"fmt"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

func TestRoomUpdateAndConfig(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Cfg", nil)
	sub := mustRoom(t, srv, "Sub", &dracoontest.RoomOptions{ParentID: room})
	mustRoom(t, srv, "Taken", nil)

	up := ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d", room), `{"name":"Configured","quota":2048,"notes":"n"}`), 200)
	if up["name"] != "Configured" || up["quota"] != float64(2048) || up["notes"] != "n" {
		t.Errorf("updated room %v", up)
	}
	if n := ok(t, getNode(t, srv, tk, sub), 200); n["parentPath"] != "/Configured/" {
		t.Errorf("sub-room parentPath %v", n["parentPath"])
	}
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d", room), `{"name":"taken"}`), 409, 0)
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d", room), `{"quota":-1}`), 400, -80001)

	cfg := ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", room),
		`{"recycleBinRetentionPeriod":30,"classification":3,"hasActivitiesLog":false,"newGroupMemberAcceptance":"pending"}`), 200)
	if cfg["recycleBinRetentionPeriod"] != float64(30) || cfg["classification"] != float64(3) || cfg["hasActivitiesLog"] != false {
		t.Errorf("configured room %v", cfg)
	}
	gid, err := srv.CreateGroup("Admins", nil)
	if err != nil {
		t.Fatal(err)
	}
	ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", room), fmt.Sprintf(`{"adminGroupIds":[%d]}`, gid)), 200)
	groups := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/rooms/%d/groups?filter=permissionsManage:eq:true", room), ""), 200)
	if it := items(t, groups); len(it) != 1 || id(it[0], "id") != gid || it[0]["newGroupMemberAcceptance"] != "pending" {
		t.Errorf("admin groups %v", it)
	}
	for _, c := range []struct {
		body   string
		status int
		code   int
	}{
		{`{"recycleBinRetentionPeriod":10000}`, 400, -80018},
		{`{"classification":0}`, 400, -40756},
		{`{"hasRecycleBin":false}`, 400, -40011},
		{`{"newGroupMemberAcceptance":"never"}`, 400, -80025},
		{`{"inheritPermissions":true}`, 400, -40017},
		{`{"takeOverPermissions":true}`, 400, -40019},
		{`{"adminIds":[99999]}`, 404, -70501},
		{`{"adminGroupIds":[99999]}`, 404, -30000},
	} {
		wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", room), c.body), c.status, c.code)
	}
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", sub), fmt.Sprintf(`{"adminIds":[%d]}`, srv.AdminID)), 400, -80028)
	file := mustFile(t, srv, room, "f.txt", "x")
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", file), `{}`), 404, -40000)

	// Webhook assignments: none exist yet.
	wh := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/rooms/%d/webhooks?filter=isAssigned:eq:true", room), ""), 200)
	if total(wh) != 0 {
		t.Errorf("webhooks %v", wh)
	}
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/webhooks", room), `{"items":[{"webhookId":1,"isAssigned":true}]}`), 404, -91000)
	reader := addParty(t, srv, "reader")
	ok(t, grantUsers(t, srv, tk, room, reader.id, perm("read")), 204)
	wantError(t, api(t, srv, reader.token, "GET", fmt.Sprintf("/nodes/rooms/%d/webhooks", room), ""), 403, 0)
	wantError(t, api(t, srv, reader.token, "PUT", fmt.Sprintf("/nodes/rooms/%d", room), `{"name":"mine"}`), 403, 0)
}

func TestRoomEncryption(t *testing.T) {
	t.Parallel()
	off := newServer(t, dracoontest.WithCrypto(false))
	wantError(t, api(t, off, login(t, off).Access, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", mustRoom(t, off, "R", nil)), `{"isEncrypted":true}`), 400, -90020)

	srv := newServer(t, dracoontest.WithCrypto(true))
	tk := login(t, srv).Access
	plain := mustRoom(t, srv, "Plain", nil)
	full := mustRoom(t, srv, "Full", nil)
	file := mustFile(t, srv, full, "f.txt", "x")
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", full), `{"isEncrypted":true}`), 400, -40008)
	// A deleted file still blocks: the recycle bin must be empty.
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", file), ""), 204)
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", full), `{"isEncrypted":true}`), 400, -40012)
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d/deleted_nodes", full), ""), 204)

	// Folders are fine and follow the room's state.
	folder := mustFolder(t, srv, full, "Folder")
	enc := ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", full), `{"isEncrypted":true,"useDataSpaceRescueKey":true}`), 200)
	if enc["isEncrypted"] != true {
		t.Fatalf("room not encrypted: %v", enc)
	}
	if n := ok(t, getNode(t, srv, tk, folder), 200); n["isEncrypted"] != true {
		t.Error("folder of an encrypted room is not encrypted")
	}
	secret := mustFile(t, srv, folder, "s.bin", "ciphertext")
	if n := ok(t, getNode(t, srv, tk, secret), 200); n["isEncrypted"] != true {
		t.Error("file in an encrypted room is not encrypted")
	}
	plainFile := mustFile(t, srv, plain, "p.txt", "p")
	wantError(t, api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/copy_to", plain), fmt.Sprintf(`{"items":[{"id":%d}]}`, secret)), 400, -40001)
	wantError(t, api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/move_to", folder), fmt.Sprintf(`{"items":[{"id":%d}]}`, plainFile)), 400, -40002)

	key := `{"privateKeyContainer":{"version":"RSA-4096","privateKey":"-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----"},` +
		`"publicKeyContainer":{"version":"RSA-4096","publicKey":"-----BEGIN PUBLIC KEY-----\ny\n-----END PUBLIC KEY-----"}}`
	keyed := mustRoom(t, srv, "Keyed", nil)
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", keyed), `{"isEncrypted":true,"dataRoomRescueKey":{"privateKeyContainer":{}}}`), 400, -70022)
	ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", keyed), `{"isEncrypted":true,"dataRoomRescueKey":`+key+`}`), 200)
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", keyed), `{"isEncrypted":true,"dataRoomRescueKey":`+key+`}`), 400, -40004)
	// Decrypting an empty room drops its rescue key.
	ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", keyed), `{"isEncrypted":false}`), 200)
	ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", keyed), `{"isEncrypted":true,"dataRoomRescueKey":`+key+`}`), 200)
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", full), `{"isEncrypted":false}`), 400, -40003)
	reader := addParty(t, srv, "reader")
	ok(t, grantUsers(t, srv, tk, full, reader.id, perm("read")), 204)
	wantError(t, api(t, srv, reader.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", full), `{"isEncrypted":false}`), 403, 0)
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", full), `{}`), 400, -80000)
}

// TestRoomPolicies covers GET/PUT /nodes/rooms/{id}/policies, newer than
// the 4.26.7 document (dco3 uses them); no contract middleware for that
// reason.
func TestRoomPolicies(t *testing.T) {
	t.Parallel()
	srv := dracoontest.NewServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "P", nil)
	p := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/rooms/%d/policies", room), ""), 200)
	if p["defaultExpirationPeriod"] != float64(0) || p["isVirusProtectionEnabled"] != false {
		t.Errorf("default policies %v", p)
	}
	ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/policies", room), `{"defaultExpirationPeriod":3600,"virusProtectionEnabled":true}`), 204)
	p = ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/rooms/%d/policies", room), ""), 200)
	if p["defaultExpirationPeriod"] != float64(3600) || p["isVirusProtectionEnabled"] != true {
		t.Errorf("policies %v", p)
	}
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/policies", room), `{"defaultExpirationPeriod":-1}`), 400, -80001)
	reader := addParty(t, srv, "reader")
	ok(t, grantUsers(t, srv, tk, room, reader.id, perm("read")), 204)
	wantError(t, api(t, srv, reader.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/policies", room), `{"defaultExpirationPeriod":1}`), 403, 0)
}
