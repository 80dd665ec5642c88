package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func TestRoomPermissionsExample(t *testing.T) {
	srv := dracoontest.NewServer(t)
	getenv, admin := exampleenv.Admin(t, srv)
	ctx := t.Context()
	room, err := admin.Rooms.Create(ctx, &dracoon.CreateRoomRequest{Name: "Finance, 2026", AdminIDs: []int64{srv.AdminID}})
	if err != nil {
		t.Fatal(err)
	}
	reader, _, err := srv.CreateUser("reader", nil)
	if err != nil {
		t.Fatal(err)
	}
	group, err := srv.CreateGroup("Auditors \"external\"", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Rooms.GrantUsers(ctx, room.ID, []dracoon.UserGrant{{ID: reader, Permissions: dracoon.PermissionsRead}}); err != nil {
		t.Fatal(err)
	}
	if err := admin.Rooms.GrantGroups(ctx, room.ID, []dracoon.GroupGrant{{ID: group, Permissions: dracoon.PermissionsEdit}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.CreateUser("stranger", nil); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := run(ctx, getenv, "/Finance, 2026", &out); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Equal(rows[0], header) {
		t.Fatalf("rows %q", rows)
	}
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[2]] = r
	}
	checks := map[string][]string{
		srv.AdminLogin:          row("user", srv.AdminID, srv.AdminLogin, &dracoon.PermissionsAdmin),
		"reader":                row("user", reader, "reader", &dracoon.PermissionsRead),
		"Auditors \"external\"": row("group", group, "Auditors \"external\"", &dracoon.PermissionsEdit),
	}
	for name, want := range checks {
		if !slices.Equal(byName[name], want) {
			t.Errorf("%s: %q, want %q", name, byName[name], want)
		}
	}
	if byName["reader"][4] != "true" || byName["reader"][5] != "false" {
		t.Errorf("reader row %q: read, not create", byName["reader"])
	}
	folder, err := srv.CreateFolder(room.ID, "Docs")
	if err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, getenv, "/Finance, 2026/Docs", &out); err == nil {
		t.Errorf("folder %d accepted as a room", folder)
	}
	var pe *dracoon.PathNotFoundError
	if err := run(ctx, getenv, "/Finance", &out); !errors.As(err, &pe) {
		t.Errorf("missing room: %v", err)
	}
}
