package main

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func TestLastAdminRoomsExample(t *testing.T) {
	srv := dracoontest.NewServer(t)
	getenv, admin := exampleenv.Admin(t, srv)
	ctx := t.Context()
	kim, _, err := srv.CreateUser("kim", nil)
	if err != nil {
		t.Fatal(err)
	}
	lee, _, err := srv.CreateUser("lee", nil)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := srv.CreateRoom("Kim alone", &dracoontest.RoomOptions{AdminIDs: []int64{kim}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CreateRoom("Shared", &dracoontest.RoomOptions{AdminIDs: []int64{kim, lee}}); err != nil {
		t.Fatal(err)
	}
	team, err := srv.CreateGroup("Kim's team", []int64{kim})
	if err != nil {
		t.Fatal(err)
	}
	byGroup, err := admin.Rooms.Create(ctx, &dracoon.CreateRoomRequest{Name: "Team room", AdminGroupIDs: []int64{team}})
	if err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := run(ctx, getenv, "kim", &out); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d /Kim alone\n%d /Team room (as the last member of group %d)\n", alone, byGroup.ID, team)
	if out.String() != want {
		t.Errorf("kim:\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	if err := run(ctx, getenv, "lee", &out); err != nil || out.String() != "lee is nowhere the last admin\n" {
		t.Errorf("lee: %q, %v", out.String(), err)
	}
	if err := run(ctx, getenv, "nobody", &out); err == nil {
		t.Error("an unknown login was accepted")
	}
}
