package emulator_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Rules that join the node side and the user side of the emulator.

// TestRoomManagerRoleThroughGroup: the room manager role counts when it
// comes from a group, for creating and deleting top-level rooms.
func TestRoomManagerRoleThroughGroup(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	uid, tk := mustUser(t, srv, "viagroup")
	wantError(t, api(t, srv, tk, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Mine","adminIds":[%d]}`, uid)), 403, 0)
	if _, err := srv.CreateGroup("Room managers", []int64{uid}, dracoontest.RoleRoomManager); err != nil {
		t.Fatal(err)
	}
	room := id(ok(t, api(t, srv, tk, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Mine","adminIds":[%d]}`, uid)), 201), "id")
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", room), ""), 204)
}

// TestGroupJoinWaitsForAcceptance: a user added through POST
// /groups/{id}/users to a group granted with "pending" acceptance waits;
// leaving and joining again starts a new wait.
func TestGroupJoinWaitsForAcceptance(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	early := addParty(t, srv, "early")
	late := addParty(t, srv, "late")
	gid, err := srv.CreateGroup("Staff", []int64{early.id})
	if err != nil {
		t.Fatal(err)
	}
	room := mustRoom(t, srv, "Staff room", nil)
	ok(t, api(t, srv, admin, "PUT", fmt.Sprintf("/nodes/rooms/%d/groups", room),
		jsonBody(map[string]any{"items": []any{map[string]any{"id": gid, "permissions": perm("read"), "newGroupMemberAcceptance": "pending"}}})), 204)
	members := fmt.Sprintf("/groups/%d/users", gid)
	waiting := func() []int64 {
		var ids []int64
		for _, it := range items(t, ok(t, api(t, srv, admin, "GET", "/nodes/rooms/pending?filter=state:eq:WAITING", ""), 200)) {
			ids = append(ids, id(it, "userId"))
		}
		return ids
	}
	ok(t, api(t, srv, admin, "POST", members, fmt.Sprintf(`{"ids":[%d]}`, late.id)), 200)
	if got := waiting(); !slices.Equal(got, []int64{late.id}) {
		t.Fatalf("waiting %v, want [%d]", got, late.id)
	}
	wantError(t, getNode(t, srv, late.token, room), 404, -41000)
	accept := jsonBody(map[string]any{"items": []any{map[string]any{"userId": late.id, "groupId": gid, "roomId": room, "roomName": "Staff room", "state": "ACCEPTED"}}})
	ok(t, api(t, srv, admin, "PUT", "/nodes/rooms/pending", accept), 204)
	ok(t, getNode(t, srv, late.token, room), 200)
	if got := waiting(); len(got) != 0 {
		t.Fatalf("still waiting %v", got)
	}
	ok(t, api(t, srv, admin, "DELETE", members, fmt.Sprintf(`{"ids":[%d]}`, late.id)), 200)
	ok(t, api(t, srv, admin, "POST", members, fmt.Sprintf(`{"ids":[%d]}`, late.id)), 200)
	if got := waiting(); !slices.Equal(got, []int64{late.id}) {
		t.Fatalf("after rejoining: waiting %v, want [%d]", got, late.id)
	}
	wantError(t, getNode(t, srv, late.token, room), 404, -41000)
}

// TestPasswordMustChange: until the password is changed, calls outside
// the few the document exempts get 412 -10104.
func TestPasswordMustChange(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if _, _, err := srv.CreateUser("fresh", &dracoontest.UserOptions{Password: "Fresh-Start-1", MustChangePassword: true}); err != nil {
		t.Fatal(err)
	}
	tk := loginAs(t, srv, "fresh", "Fresh-Start-1").Access
	wantError(t, api(t, srv, tk, "GET", "/nodes", ""), 412, -10104)
	wantError(t, api(t, srv, tk, "GET", "/user/account/keypairs", ""), 412, -10104)
	if acc := ok(t, api(t, srv, tk, "GET", "/user/account", ""), 200); acc["needsToChangePassword"] != true {
		t.Errorf("account: needsToChangePassword %v", acc["needsToChangePassword"])
	}
	wantStatus(t, api(t, srv, tk, "GET", "/user/ping", ""), 200)
	wantStatus(t, api(t, srv, tk, "GET", "/config/info/policies/passwords", ""), 200)
	wantStatus(t, api(t, srv, tk, "PUT", "/user/account/password", `{"oldPassword":"Fresh-Start-1","newPassword":"Fresh-Changed-2"}`), 204)
	ok(t, api(t, srv, tk, "GET", "/nodes", ""), 200)
}

// TestKeyPairDeletionKeepsUserWorking: after a user deletes its only key
// pair, the account, the admin's user views and the encryption filter stay
// consistent, and a new pair can be set.
func TestKeyPairDeletionKeepsUserWorking(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	uid, tk := mustUser(t, srv, "keyless")
	wantStatus(t, api(t, srv, tk, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)), 204)
	encrypted := func() int64 {
		return total(ok(t, api(t, srv, admin, "GET", "/users?filter=isEncryptionEnabled:eq:true|userName:cn:keyless", ""), 200))
	}
	if encrypted() != 1 {
		t.Fatal("the user with a key pair is not listed as encrypted")
	}
	wantStatus(t, api(t, srv, tk, "DELETE", "/user/account/keypair", ""), 204)
	if acc := ok(t, api(t, srv, tk, "GET", "/user/account", ""), 200); acc["isEncryptionEnabled"] != false {
		t.Errorf("account after deletion: isEncryptionEnabled %v", acc["isEncryptionEnabled"])
	}
	if u := ok(t, api(t, srv, admin, "GET", fmt.Sprintf("/users/%d", uid), ""), 200); u["publicKeyContainer"] != nil {
		t.Errorf("user data keeps a public key: %v", u["publicKeyContainer"])
	}
	if encrypted() != 0 {
		t.Error("the user without key pair is still listed as encrypted")
	}
	wantError(t, api(t, srv, tk, "GET", "/user/account/keypair", ""), 404, -70020)
	ok(t, api(t, srv, tk, "GET", "/nodes", ""), 200)
	wantStatus(t, api(t, srv, tk, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)), 204)
}
