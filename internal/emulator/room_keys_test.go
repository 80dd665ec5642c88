package emulator_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// Room rescue key pairs and room S3 tags.

func TestRoomRescueKeyPair(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	wantStatus(t, api(t, srv, admin, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)), 204)
	reader := addParty(t, srv, "keyReader")
	plain := mustRoom(t, srv, "Plain", nil)
	room := encryptedRoom(t, srv, admin, "Vault")
	ok(t, grantUsers(t, srv, admin, room, reader.id, perm("read")), 204)
	path := fmt.Sprintf("/nodes/rooms/%d/keypair", room)

	wantError(t, api(t, srv, admin, "GET", fmt.Sprintf("/nodes/rooms/%d/keypair", plain), ""), 400, -40001)
	wantError(t, api(t, srv, admin, "POST", fmt.Sprintf("/nodes/rooms/%d/keypair", plain), keyPairBody("RSA-4096", testPublicKey, testPrivateKey)), 400, -40001)
	wantError(t, api(t, srv, admin, "GET", path, ""), 404, -40007)

	roomPublic := "-----BEGIN PUBLIC KEY-----\nroom\n-----END PUBLIC KEY-----\n"
	roomPrivate := "-----BEGIN ENCRYPTED PRIVATE KEY-----\nroom\n-----END ENCRYPTED PRIVATE KEY-----\n"
	wantError(t, api(t, srv, reader.token, "POST", path, keyPairBody("RSA-4096", roomPublic, roomPrivate)), 403, 0)
	wantError(t, api(t, srv, admin, "POST", path, keyPairBody("RSA-4096", "no pem", roomPrivate)), 400, -70022)
	ok(t, api(t, srv, admin, "POST", path, keyPairBody("RSA-4096", roomPublic, roomPrivate)), 204)
	wantError(t, api(t, srv, admin, "POST", path, keyPairBody("RSA-4096", roomPublic, roomPrivate)), 400, -70021)

	var got struct {
		PrivateKeyContainer struct{ Version, PrivateKey string }
		PublicKeyContainer  struct{ Version, PublicKey string }
	}
	expect(t, api(t, srv, admin, "GET", path, ""), 200, &got)
	if got.PublicKeyContainer.PublicKey != roomPublic || got.PrivateKeyContainer.PrivateKey != roomPrivate {
		t.Errorf("room key pair came back changed: %+v", got)
	}
	// Readers need a key pair of their own to read it.
	wantError(t, api(t, srv, reader.token, "GET", path, ""), 403, -70020)
	wantStatus(t, api(t, srv, reader.token, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)), 204)
	ok(t, api(t, srv, reader.token, "GET", path, ""), 200)

	// A second version keeps the old one with the previous private key.
	listPath := fmt.Sprintf("/nodes/rooms/%d/keypairs", room)
	preserve := map[string]any{}
	if err := json.Unmarshal([]byte(keyPairBody("A", roomPublic, roomPrivate)), &preserve); err != nil {
		t.Fatal(err)
	}
	preserve["previousPrivateKey"] = map[string]string{"version": "RSA-4096", "privateKey": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nold\n-----END ENCRYPTED PRIVATE KEY-----"}
	ok(t, api(t, srv, admin, "POST", listPath, jsonBody(preserve)), 204)
	if n := len(decodeList(t, api(t, srv, admin, "GET", listPath, ""), 200)); n != 2 {
		t.Fatalf("%d room key pairs, want 2", n)
	}
	expect(t, api(t, srv, admin, "GET", path+"?version=RSA-4096", ""), 200, &got)
	if got.PrivateKeyContainer.PrivateKey == roomPrivate {
		t.Error("the old pair did not get the previous private key")
	}

	wantError(t, api(t, srv, reader.token, "DELETE", path+"?version=A", ""), 403, 0)
	ok(t, api(t, srv, admin, "DELETE", path+"?version=RSA-4096", ""), 204)
	wantError(t, api(t, srv, admin, "DELETE", path+"?version=RSA-4096", ""), 404, -40007)
	if n := len(decodeList(t, api(t, srv, admin, "GET", listPath, ""), 200)); n != 1 {
		t.Errorf("%d room key pairs after deleting one, want 1", n)
	}
	// Switching encryption off drops them (the room is empty).
	ok(t, api(t, srv, admin, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", room), `{"isEncrypted":false}`), 200)
	ok(t, api(t, srv, admin, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", room), `{"isEncrypted":true}`), 200)
	wantError(t, api(t, srv, admin, "GET", path, ""), 404, -40007)
}

func TestRoomS3Tags(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	member := addParty(t, srv, "tagger")
	room := mustRoom(t, srv, "Tagged", nil)
	ok(t, grantUsers(t, srv, admin, room, member.id, perm("read", "create")), 204)
	mandatory := id(ok(t, api(t, srv, admin, "POST", "/system/config/storage/s3/tags", `{"key":"cost","value":"42","isMandatory":true}`), 201), "id")
	optional := id(ok(t, api(t, srv, admin, "POST", "/system/config/storage/s3/tags", `{"key":"team","value":"blue"}`), 201), "id")
	path := fmt.Sprintf("/nodes/rooms/%d/s3_tags", room)

	if got := items(t, ok(t, api(t, srv, admin, "GET", path, ""), 200)); len(got) != 0 {
		t.Errorf("a new room has tags: %v", got)
	}
	wantError(t, api(t, srv, admin, "POST", path, fmt.Sprintf(`{"ids":[%d]}`, optional)), 400, -80000)
	wantError(t, api(t, srv, admin, "POST", path, fmt.Sprintf(`{"ids":[%d,999]}`, mandatory)), 404, -90029)
	wantError(t, api(t, srv, member.token, "GET", path, ""), 403, 0)
	wantError(t, api(t, srv, admin, "POST", path, `{}`), 400, -80000)
	set := items(t, ok(t, api(t, srv, admin, "POST", path, fmt.Sprintf(`{"ids":[%d,%d]}`, optional, mandatory)), 201))
	if len(set) != 2 || set[0]["key"] != "cost" || set[1]["key"] != "team" {
		t.Errorf("room tags after setting: %v", set)
	}
	// A tag deleted from the tenant leaves the room.
	ok(t, api(t, srv, admin, "DELETE", fmt.Sprintf("/system/config/storage/s3/tags/%d", optional), ""), 204)
	left := items(t, ok(t, api(t, srv, admin, "GET", path, ""), 200))
	if len(left) != 1 || id(left[0], "id") != mandatory {
		t.Errorf("room tags after the tenant tag was deleted: %v", left)
	}
}
