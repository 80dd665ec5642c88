package emulator

import "testing"

// TestGroupLastAdmin covers rooms whose admin is a group: the group's
// last_admin_rooms, a user who is the last member of such a group, and
// the refusals when the group or that member would go. Room permissions
// for groups are granted directly on the state (the room-permission
// endpoints are not part of this file's area).
func TestGroupLastAdmin(t *testing.T) {
	t.Parallel()
	e, err := New(Config{AdminPassword: "Admin-Pass-1"})
	if err != nil {
		t.Fatal(err)
	}
	uid, _, err := e.CreateUser(UserSpec{Login: "gina", Password: "Gina-Pass-1"})
	if err != nil {
		t.Fatal(err)
	}
	gid, err := e.CreateGroup(GroupSpec{Name: "Admins", MemberIDs: []int64{uid}})
	if err != nil {
		t.Fatal(err)
	}
	room, err := e.CreateRoom(RoomSpec{Name: "Group Room"})
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	n := st.nodes[room]
	n.userPerms = map[int64]perms{} // only the group administers the room
	n.groupPerms[gid] = fullPerms()
	g := st.groups[gid]

	if rooms := st.lastAdminRoomsOfGroup(g); len(rooms) != 1 || rooms[0].ID != room {
		t.Fatalf("group last admin rooms %+v", rooms)
	}
	rooms := st.lastAdminRoomsOfUser(st.users[uid])
	if len(rooms) != 1 || !rooms[0].LastAdminInGroup || rooms[0].LastAdminInGroupID == nil || *rooms[0].LastAdminInGroupID != gid {
		t.Fatalf("user last admin rooms %+v", rooms)
	}
	if err := e.changeMembers(g, []int64{uid}, false, 1); err != errNeedAdmin {
		t.Fatalf("removing the last member: %v, want -40006", err)
	}
	if !g.members[uid] {
		t.Fatal("the refused removal was not undone")
	}
	if err := e.deleteUser(st.users[uid]); err != errNeedAdmin || st.users[uid] == nil {
		t.Fatalf("deleting the last member: %v", err)
	}
	if err := st.guard(func() { delete(st.groups, gid) }, func() { st.groups[gid] = g }); err != errNeedAdmin || st.groups[gid] == nil {
		t.Fatalf("deleting the admin group: %v", err)
	}
	// A second member makes either one removable.
	other, _, apiErr := e.createUser(1, &createUserRequest{FirstName: ptr("O"), LastName: ptr("M"), UserName: ptr("otto"), NotifyUser: ptr(false)})
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	g.members[other.id] = true
	if got := st.lastAdminRoomsOfUser(st.users[uid]); len(got) != 0 {
		t.Fatalf("with two members gina is no last admin: %+v", got)
	}
	if err := e.changeMembers(g, []int64{uid}, false, 1); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }
