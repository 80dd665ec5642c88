package dracoon_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// Create a room with the logged-in user as its administrator, then a
// sub-room that inherits its permissions.
func ExampleRoomsService_Create() {
	srv := emulator()
	defer srv.Close()
	ctx := context.Background()
	client, _ := dracoon.New(srv.URL)
	if err := client.Connect(ctx, dracoon.PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		log.Fatal(err)
	}

	room, err := client.Rooms.Create(ctx, &dracoon.CreateRoomRequest{Name: "Projects", AdminIDs: []int64{srv.AdminID}})
	if err != nil {
		log.Fatal(err)
	}
	sub, err := client.Rooms.Create(ctx, &dracoon.CreateRoomRequest{Name: "2026 Q1", ParentID: room.ID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(room.Name, room.ParentPath, room.Permissions.Manage)
	fmt.Println(sub.Name, sub.ParentPath, sub.InheritPermissions)
	// Output:
	// Projects / true
	// 2026 Q1 /Projects/ true
}

// Resolve a path to a node. Every name must match exactly: "Report" does
// not resolve to "Reports", "Report 2026" or "report".
func ExampleNodesService_Resolve() {
	srv := emulator()
	defer srv.Close()
	ctx := context.Background()
	projects, _ := srv.CreateRoom("Projects", nil)
	for _, name := range []string{"Reports (old)", "Reports", "Report 2026", "100% #1 + ü"} {
		if _, err := srv.CreateRoom(name, &dracoontest.RoomOptions{ParentID: projects}); err != nil {
			log.Fatal(err)
		}
	}
	client, _ := dracoon.New(srv.URL)
	if err := client.Connect(ctx, dracoon.PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		log.Fatal(err)
	}

	node, err := client.Nodes.Resolve(ctx, "/Projects/Reports")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(node.Name, node.ParentPath)
	node, err = client.Nodes.Resolve(ctx, "/Projects/100% #1 + ü")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(node.Name)

	_, err = client.Nodes.Resolve(ctx, "/Projects/Report")
	fmt.Println(errors.Is(err, dracoon.ErrNotFound))
	fmt.Println(err)
	// Output:
	// Reports /Projects/
	// 100% #1 + ü
	// true
	// dracoon: resolve "/Projects/Report": no node named "Report" in "/Projects/"
}

// Request types check themselves before anything is sent; the error names
// the field and matches ErrInvalidRequest.
func ExampleCreateFolderRequest_Validate() {
	req := &dracoon.CreateFolderRequest{ParentID: 7, Name: "2026/Q1"}
	err := req.Validate()
	fmt.Println(errors.Is(err, dracoon.ErrInvalidRequest))
	fmt.Println(err)

	var ie *dracoon.InvalidRequestError
	err = dracoon.PermissionsRead.Validate()
	fmt.Println(err, errors.As(dracoon.NodePermissions{Create: true}.Validate(), &ie), ie.Field)
	// Output:
	// true
	// dracoon: invalid request: name: must not contain '/'
	// <nil> true permissions
}

// Copy files and handle a name clash: with ResolutionFail the error lists
// the clashing nodes.
func ExampleNodesService_CopyTo() {
	ctx := context.Background()
	client, _ := dracoon.New("https://dracoon.example.com")
	// … client.Connect(ctx, …)

	err := client.Nodes.CopyTo(ctx, 42, dracoon.NewTransferRequest(dracoon.ResolutionFail, 7, 8))
	var apiErr *dracoon.APIError
	if errors.Is(err, dracoon.ErrConflict) && errors.As(err, &apiErr) {
		for _, n := range apiErr.ConflictNodes {
			fmt.Printf("%s (node %d) exists already in the target\n", n.Name, n.NodeID)
		}
	}
}

// Accept every pending group assignment in the rooms the caller
// administers.
func ExampleRoomsService_AllPending() {
	ctx := context.Background()
	client, _ := dracoon.New("https://dracoon.example.com")
	// … client.Connect(ctx, …)

	var decisions []dracoon.PendingDecision
	for a, err := range client.Rooms.AllPending(ctx, &dracoon.ListOptions{Filter: "state:eq:WAITING"}) {
		if err != nil {
			log.Fatal(err)
		}
		decisions = append(decisions, a.Decision(dracoon.PendingAccepted))
	}
	if len(decisions) > 0 {
		if err := client.Rooms.DecidePending(ctx, decisions); err != nil {
			log.Fatal(err)
		}
	}
}
