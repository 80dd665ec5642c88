package dracoon

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// TestEmulatorRoomsAndResolve runs room creation and path resolution
// against the contract-checked emulator.
func TestEmulatorRoomsAndResolve(t *testing.T) {
	srv := newEmulator(t)
	c := emulatorClient(t, srv)
	ctx := t.Context()
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	top, err := c.Rooms.Create(ctx, &CreateRoomRequest{Name: "Team €", AdminIDs: []int64{srv.AdminID}, Classification: ClassificationInternal})
	if err != nil {
		t.Fatal(err)
	}
	if top.ParentPath != "/" || top.Classification != ClassificationInternal || !top.Permissions.Manage {
		t.Errorf("room %+v", top)
	}
	for _, name := range []string{"a.pdf.bak", "A 100% #1 + ü", "a.pdf"} {
		if _, err := srv.CreateRoom(name, &dracoontest.RoomOptions{ParentID: top.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for path, want := range map[string]string{"/Team €/a.pdf": "a.pdf", "/Team €/A 100% #1 + ü/": "A 100% #1 + ü", "/Team €": "Team €"} {
		n, err := c.Nodes.Resolve(ctx, path)
		if err != nil || n.Name != want {
			t.Errorf("%q: %+v, %v", path, n, err)
		}
	}
	_, err = c.Nodes.Resolve(ctx, "/Team €/A.pdf/x")
	var pe *PathNotFoundError
	if !errors.As(err, &pe) || pe.Segment != "A.pdf" || pe.Parent != "/Team €/" {
		t.Errorf("look-alike: %v", err)
	}
	if _, err := c.Rooms.Create(ctx, &CreateRoomRequest{Name: "a.pdf", ParentID: top.ID}); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate room: %v", err)
	}
}

// TestEmulatorPaging1200 lists 1,200 sub-rooms from the contract-checked
// emulator, one page at a time and reading ahead, and expects every room
// once, in name order.
func TestEmulatorPaging1200(t *testing.T) {
	const n = 1200
	srv := newEmulator(t)
	parent, err := srv.CreateRoom("Many", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := srv.CreateRoom(fmt.Sprintf("room %04d", i), &dracoontest.RoomOptions{ParentID: parent}); err != nil {
			t.Fatal(err)
		}
	}
	c := emulatorClient(t, srv)
	if err := c.Connect(t.Context(), PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	for _, ahead := range []int{0, 3} {
		i := 0
		for room, err := range c.Nodes.All(t.Context(), parent, &ListNodesOptions{ListOptions: ListOptions{Sort: "name:asc", ReadAhead: ahead}}) {
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("room %04d", i); room.Name != want {
				t.Fatalf("read-ahead %d: item %d is %q, want %q", ahead, i, room.Name, want)
			}
			i++
		}
		if i != n {
			t.Errorf("read-ahead %d: %d rooms, want %d", ahead, i, n)
		}
	}
}
