package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func TestPersonalRoomsExample(t *testing.T) {
	srv := dracoontest.NewServer(t)
	getenv, admin := exampleenv.Admin(t, srv)
	var ids []int64
	for _, login := range []string{"kim", "lee"} {
		id, _, err := srv.CreateUser(login, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var out bytes.Buffer
	if err := run(t.Context(), getenv, &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "created room"); n != 3 { // admin, kim, lee
		t.Fatalf("output %q", out.String())
	}
	// The room manager who created them is no member; each user is the
	// room's only admin.
	for i, login := range []string{"kim", "lee"} {
		rooms, err := admin.Users.LastAdminRooms(t.Context(), ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if len(rooms) != 1 || rooms[0].Name != login || rooms[0].ParentPath != "/" {
			t.Errorf("%s is the last admin of %+v", login, rooms)
		}
	}
	out.Reset()
	if err := run(t.Context(), getenv, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "created") || strings.Count(out.String(), "exists") != 3 {
		t.Errorf("second run %q", out.String())
	}
}
