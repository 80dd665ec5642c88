// Command acceptpending accepts the pending group assignments of the rooms
// the caller administers: members who joined a group that a room admits
// only after acceptance (newGroupMemberAcceptance "pending"). With a group
// name as argument, only that group's members are accepted.
//
//	go run ./examples/acceptpending [group]
//
// The connection settings come from the environment (see
// examples/internal/exampleenv). Assignments in rooms the caller does not
// administer (such as its own pending ones) are reported and left alone.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func main() {
	group := ""
	if len(os.Args) > 1 {
		group = os.Args[1]
	}
	if err := run(context.Background(), os.Getenv, group, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "acceptpending:", err)
		os.Exit(1)
	}
}

// run accepts the waiting assignments (of group, when not empty), one
// request per room, writing one line per room to w.
func run(ctx context.Context, getenv func(string) string, group string, w io.Writer) error {
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	byRoom := map[int64][]dracoon.PendingDecision{}
	for p, err := range client.Rooms.AllPending(ctx, &dracoon.ListOptions{Filter: "state:eq:" + dracoon.PendingWaiting}) {
		if err != nil {
			return err
		}
		if group == "" || p.GroupInfo.Name == group {
			byRoom[p.RoomID] = append(byRoom[p.RoomID], p.Decision(dracoon.PendingAccepted))
		}
	}
	rooms := make([]int64, 0, len(byRoom))
	for id := range byRoom {
		rooms = append(rooms, id)
	}
	slices.SortFunc(rooms, cmp.Compare)
	for _, id := range rooms {
		decisions := byRoom[id]
		err := client.Rooms.DecidePending(ctx, decisions)
		switch {
		case errors.Is(err, dracoon.ErrForbidden), errors.Is(err, dracoon.ErrNotFound):
			// DRACOON hides rooms from their pending members (404).
			fmt.Fprintf(w, "not an admin of room %s: %d left waiting\n", decisions[0].RoomName, len(decisions))
		case err != nil:
			return fmt.Errorf("room %s: %w", decisions[0].RoomName, err)
		default:
			fmt.Fprintf(w, "accepted %d in room %s\n", len(decisions), decisions[0].RoomName)
		}
	}
	return nil
}
