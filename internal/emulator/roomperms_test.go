package emulator_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// TestMultiUserPermissions plays admin, room manager, plain member, a
// group member and a guest against one room tree.
func TestMultiUserPermissions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	manager := addParty(t, srv, "manager", dracoontest.RoleRoomManager)
	member := addParty(t, srv, "member")
	viaGroup := addParty(t, srv, "grouped")
	guest := addParty(t, srv, "guest")

	// The room manager creates a top-level room; a plain member may not.
	room := id(ok(t, api(t, srv, manager.token, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Team","adminIds":[%d]}`, manager.id)), 201), "id")
	wantError(t, api(t, srv, member.token, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Mine","adminIds":[%d]}`, member.id)), 403, 0)
	folder := id(ok(t, api(t, srv, manager.token, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"Docs"}`, room)), 201), "id")
	file := mustFile(t, srv, folder, "plan.txt", "v1")

	// Nobody else sees the room yet; hidden nodes are 404, not 403.
	for _, p := range []party{member, viaGroup, guest} {
		wantError(t, getNode(t, srv, p.token, room), 404, -41000)
		wantError(t, getNode(t, srv, p.token, file), 404, -41000)
		if list := ok(t, api(t, srv, p.token, "GET", "/nodes?parent_id=0", ""), 200); total(list) != 0 {
			t.Errorf("user %d sees rooms: %v", p.id, itemNames(t, list))
		}
	}

	// Read-only member: can look, cannot change, delete or manage.
	ok(t, grantUsers(t, srv, manager.token, room, member.id, perm("read")), 204)
	got := ok(t, getNode(t, srv, member.token, file), 200)
	if p := got["permissions"].(map[string]any); p["read"] != true || p["delete"] != false || p["manage"] != false {
		t.Errorf("member permissions on the file: %v", p)
	}
	wantError(t, api(t, srv, member.token, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"x"}`, room)), 403, 0)
	wantError(t, api(t, srv, member.token, "PUT", fmt.Sprintf("/nodes/files/%d", file), `{"name":"y.txt"}`), 403, 0)
	wantError(t, api(t, srv, member.token, "DELETE", fmt.Sprintf("/nodes/%d", file), ""), 403, 0)
	wantError(t, grantUsers(t, srv, member.token, room, guest.id, perm("read")), 403, 0)
	wantError(t, api(t, srv, member.token, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Sub","parentId":%d}`, room)), 403, 0)
	wantError(t, api(t, srv, member.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", room), `{"classification":1}`), 403, 0)
	// The member sees the granted users, not the grantable ones.
	users := ok(t, api(t, srv, member.token, "GET", fmt.Sprintf("/nodes/rooms/%d/users?filter=isGranted:eq:any", room), ""), 200)
	if total(users) != 2 {
		t.Errorf("member sees %d room users, want the 2 granted", total(users))
	}
	all := ok(t, api(t, srv, manager.token, "GET", fmt.Sprintf("/nodes/rooms/%d/users?filter=isGranted:eq:any&sort=user:asc", room), ""), 200)
	if total(all) != 5 { // admin, manager, member, grouped, guest
		t.Errorf("manager sees %d users with isGranted:any", total(all))
	}
	managers := ok(t, api(t, srv, manager.token, "GET", fmt.Sprintf("/nodes/rooms/%d/users?filter=permissionsManage:eq:true", room), ""), 200)
	if it := items(t, managers); len(it) != 1 || id(it[0]["userInfo"].(map[string]any), "id") != manager.id {
		t.Errorf("managers: %v", it)
	}

	// A permission set without read is refused; an empty one revokes.
	wantError(t, grantUsers(t, srv, manager.token, room, guest.id, perm("delete")), 400, -92001)

	// Group grant: the member of the group gets in; the direct grant is
	// separate (revoking it does not remove the group's).
	gid, err := srv.CreateGroup("Readers", []int64{viaGroup.id, member.id})
	if err != nil {
		t.Fatal(err)
	}
	ok(t, api(t, srv, manager.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/groups", room),
		jsonBody(map[string]any{"items": []any{map[string]any{"id": gid, "permissions": perm("read", "create")}}})), 204)
	ok(t, getNode(t, srv, viaGroup.token, file), 200)
	ok(t, api(t, srv, manager.token, "DELETE", fmt.Sprintf("/nodes/rooms/%d/users", room), fmt.Sprintf(`{"ids":[%d]}`, member.id)), 204)
	if p := ok(t, getNode(t, srv, member.token, room), 200)["permissions"].(map[string]any); p["create"] != true || p["manage"] != false {
		t.Errorf("member via group: %v", p)
	}
	groups := ok(t, api(t, srv, member.token, "GET", fmt.Sprintf("/nodes/rooms/%d/groups", room), ""), 200)
	if names := itemNames(t, groups); !slices.Equal(names, []string{"Readers"}) {
		t.Errorf("room groups: %v", names)
	}
	// With the group grant, effectivePerm:any lists the member as granted.
	direct := ok(t, api(t, srv, manager.token, "GET", fmt.Sprintf("/nodes/rooms/%d/users?filter=userId:eq:%d", room, member.id), ""), 200)
	viaAny := ok(t, api(t, srv, manager.token, "GET", fmt.Sprintf("/nodes/rooms/%d/users?filter=userId:eq:%d|effectivePerm:eq:any", room, member.id), ""), 200)
	if total(direct) != 0 || total(viaAny) != 1 {
		t.Errorf("member direct %d, effective any %d; want 0 and 1", total(direct), total(viaAny))
	}

	// Inherited permissions: a sub-room inherits while inheritPermissions
	// holds; switching it off drops the inherited grants unless taken over.
	subA := id(ok(t, api(t, srv, manager.token, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"A","parentId":%d}`, room)), 201), "id")
	subB := id(ok(t, api(t, srv, manager.token, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"B","parentId":%d}`, room)), 201), "id")
	ok(t, getNode(t, srv, viaGroup.token, subA), 200)
	wantError(t, api(t, srv, manager.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", subA), `{"inheritPermissions":false}`), 400, -40006)
	ok(t, api(t, srv, manager.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", subA), fmt.Sprintf(`{"inheritPermissions":false,"adminIds":[%d]}`, manager.id)), 200)
	wantError(t, getNode(t, srv, viaGroup.token, subA), 404, -41000)
	ok(t, api(t, srv, manager.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", subB), `{"inheritPermissions":false,"takeOverPermissions":true}`), 200)
	if p := ok(t, getNode(t, srv, viaGroup.token, subB), 200)["permissions"].(map[string]any); p["read"] != true || p["create"] != true {
		t.Errorf("taken-over permissions: %v", p)
	}
	wantError(t, api(t, srv, manager.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/config", room), `{"inheritPermissions":true}`), 400, -40017)

	// Last admin: the manager is the only admin of the room, of A and of
	// B (which took the manager's inherited grant over) ...
	if got := srv.LastAdminRooms(manager.id); !slices.Equal(got, []int64{room, subA, subB}) {
		t.Errorf("last-admin rooms %v, want %d, %d, %d", got, room, subA, subB)
	}
	// ... and cannot drop its own manage permission or revoke itself.
	wantError(t, api(t, srv, manager.token, "DELETE", fmt.Sprintf("/nodes/rooms/%d/users", room), fmt.Sprintf(`{"ids":[%d]}`, manager.id)), 400, -40006)
	wantError(t, grantUsers(t, srv, manager.token, room, manager.id, perm("read")), 400, -40006)
	// ... until a group holds manage.
	ok(t, api(t, srv, manager.token, "PUT", fmt.Sprintf("/nodes/rooms/%d/groups", room),
		jsonBody(map[string]any{"items": []any{map[string]any{"id": gid, "permissions": allPerms()}}})), 204)
	if got := srv.LastAdminRooms(manager.id); !slices.Equal(got, []int64{subA, subB}) {
		t.Errorf("last-admin rooms after the group grant %v, want %d and %d", got, subA, subB)
	}
	ok(t, api(t, srv, manager.token, "DELETE", fmt.Sprintf("/nodes/rooms/%d/users", room), fmt.Sprintf(`{"ids":[%d]}`, manager.id)), 204)
	wantError(t, api(t, srv, member.token, "DELETE", fmt.Sprintf("/nodes/rooms/%d/groups", room), fmt.Sprintf(`{"ids":[%d]}`, gid)), 400, -40006)
	// The manager lost its grant; the room stays browsable for it (it
	// administers sub-room A) but with no permissions.
	seen := ok(t, getNode(t, srv, manager.token, room), 200)
	if seen["isBrowsable"] != true || seen["permissions"].(map[string]any)["read"] != false {
		t.Errorf("room as seen by the former manager: %v %v", seen["isBrowsable"], seen["permissions"])
	}
	// Deleting a top-level room needs the room manager role; the member
	// (admin through the group) has none, the admin does.
	wantError(t, api(t, srv, member.token, "DELETE", fmt.Sprintf("/nodes/%d", room), ""), 403, 0)
	ok(t, api(t, srv, manager.token, "DELETE", fmt.Sprintf("/nodes/%d", room), ""), 204)
	wantError(t, getNode(t, srv, member.token, subB), 404, -41000)
}

// TestPendingAssignments: members who join a group granted with
// "pending" acceptance wait until a room administrator accepts them.
func TestPendingAssignments(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	early := addParty(t, srv, "early")
	late := addParty(t, srv, "late")
	denied := addParty(t, srv, "denied")
	gid, err := srv.CreateGroup("Staff", []int64{early.id})
	if err != nil {
		t.Fatal(err)
	}
	room := mustRoom(t, srv, "Staff room", nil)
	ok(t, api(t, srv, admin, "PUT", fmt.Sprintf("/nodes/rooms/%d/groups", room),
		jsonBody(map[string]any{"items": []any{map[string]any{"id": gid, "permissions": perm("read"), "newGroupMemberAcceptance": "pending"}}})), 204)
	ok(t, getNode(t, srv, early.token, room), 200)
	for _, p := range []party{late, denied} {
		if err := srv.AddGroupMember(gid, p.id); err != nil {
			t.Fatal(err)
		}
		wantError(t, getNode(t, srv, p.token, room), 404, -41000)
	}
	list := ok(t, api(t, srv, admin, "GET", "/nodes/rooms/pending?filter=state:eq:WAITING&sort=userId:asc", ""), 200)
	var waiting []int64
	for _, it := range items(t, list) {
		waiting = append(waiting, id(it, "userId"))
		if it["roomName"] != "Staff room" || id(it["groupInfo"].(map[string]any), "id") != gid {
			t.Errorf("pending item %v", it)
		}
	}
	if !slices.Equal(waiting, []int64{late.id, denied.id}) {
		t.Fatalf("waiting %v, want %d and %d", waiting, late.id, denied.id)
	}
	// A waiting user sees its own assignment; a reader of the room cannot
	// accept it.
	if own := ok(t, api(t, srv, late.token, "GET", "/nodes/rooms/pending", ""), 200); total(own) != 1 {
		t.Errorf("late sees %d assignments", total(own))
	}
	body := func(uid int64, state string) string {
		return jsonBody(map[string]any{"items": []any{map[string]any{"userId": uid, "groupId": gid, "roomId": room, "roomName": "Staff room", "state": state}}})
	}
	wantError(t, api(t, srv, early.token, "PUT", "/nodes/rooms/pending", body(late.id, "ACCEPTED")), 403, 0)
	wantError(t, api(t, srv, admin, "PUT", "/nodes/rooms/pending", body(late.id, "WAITING")), 400, -40301)
	wantError(t, api(t, srv, admin, "PUT", "/nodes/rooms/pending", body(early.id, "ACCEPTED")), 404, -40300)
	ok(t, api(t, srv, admin, "PUT", "/nodes/rooms/pending", body(late.id, "ACCEPTED")), 204)
	ok(t, api(t, srv, admin, "PUT", "/nodes/rooms/pending", body(denied.id, "DENIED")), 204)
	ok(t, getNode(t, srv, late.token, room), 200)
	wantError(t, getNode(t, srv, denied.token, room), 404, -41000)
	rest := ok(t, api(t, srv, admin, "GET", "/nodes/rooms/pending", ""), 200)
	if it := items(t, rest); len(it) != 1 || it[0]["state"] != "DENIED" || id(it[0], "userId") != denied.id {
		t.Errorf("after processing: %v", it)
	}
	wantError(t, api(t, srv, admin, "GET", "/nodes/rooms/pending?filter=state:eq:ACCEPTED", ""), 400, -40301)
}
