package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func TestAcceptPendingExample(t *testing.T) {
	srv := dracoontest.NewServer(t)
	getenv, admin := exampleenv.Admin(t, srv)
	ctx := t.Context()
	staff, err := srv.CreateGroup("Staff", nil)
	if err != nil {
		t.Fatal(err)
	}
	guests, err := srv.CreateGroup("Guests", nil)
	if err != nil {
		t.Fatal(err)
	}
	room, err := admin.Rooms.Create(ctx, &dracoon.CreateRoomRequest{Name: "Shared", AdminIDs: []int64{srv.AdminID}})
	if err != nil {
		t.Fatal(err)
	}
	grants := []dracoon.GroupGrant{
		{ID: staff, Permissions: dracoon.PermissionsRead, NewGroupMemberAcceptance: dracoon.GroupMemberAcceptancePending},
		{ID: guests, Permissions: dracoon.PermissionsRead, NewGroupMemberAcceptance: dracoon.GroupMemberAcceptancePending},
	}
	if err := admin.Rooms.GrantGroups(ctx, room.ID, grants); err != nil {
		t.Fatal(err)
	}
	newcomer := func(login string, group int64) (func(string) string, *dracoon.Client) {
		id, pw, err := srv.CreateUser(login, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.AddGroupMember(group, id); err != nil {
			t.Fatal(err)
		}
		env := func(k string) string {
			return map[string]string{"DRACOON_URL": srv.URL, "DRACOON_USERNAME": login, "DRACOON_PASSWORD": pw}[k]
		}
		c, err := exampleenv.Connect(ctx, env)
		if err != nil {
			t.Fatal(err)
		}
		return env, c
	}
	_, ann := newcomer("ann", staff)
	boEnv, bo := newcomer("bo", guests)
	canRead := func(c *dracoon.Client) bool {
		_, err := c.Nodes.Get(ctx, room.ID)
		if err != nil && !errors.Is(err, dracoon.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	if canRead(ann) || canRead(bo) {
		t.Fatal("pending members read the room before acceptance")
	}

	var out bytes.Buffer
	if err := run(ctx, getenv, "Staff", &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "accepted 1 in room Shared\n" || !canRead(ann) || canRead(bo) {
		t.Fatalf("after accepting Staff: %q", out.String())
	}
	// Bo's own run finds its waiting assignment but may not decide it.
	out.Reset()
	if err := run(ctx, boEnv, "", &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "not an admin of room Shared: 1 left waiting\n" || canRead(bo) {
		t.Fatalf("bo's own run: %q", out.String())
	}
	out.Reset()
	if err := run(ctx, getenv, "", &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "accepted 1 in room Shared\n" || !canRead(bo) {
		t.Errorf("after accepting all: %q", out.String())
	}
}
