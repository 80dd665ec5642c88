package dracoon

import (
	"errors"
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
