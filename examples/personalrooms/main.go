// Command personalrooms gives every user a personal top-level room named
// after the user's login, with the user as its only admin. Users who have
// one already (a room of that name exists) are skipped, so the command can
// run again after new users arrive.
//
//	go run ./examples/personalrooms
//
// The connection settings come from the environment (see
// examples/internal/exampleenv); the caller needs the USER_MANAGER role to
// list users and the ROOM_MANAGER role to create top-level rooms.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "personalrooms:", err)
		os.Exit(1)
	}
}

// run creates the missing rooms, writing one line per user to w.
func run(ctx context.Context, getenv func(string) string, w io.Writer) error {
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	for u, err := range client.Users.All(ctx, nil) {
		if err != nil {
			return err
		}
		req := &dracoon.CreateRoomRequest{Name: u.UserName, AdminIDs: []int64{u.ID}}
		if err := req.Validate(); err != nil {
			// A login that cannot be a room name (e.g. with '/').
			fmt.Fprintf(w, "skipped %s: %v\n", u.UserName, err)
			continue
		}
		room, err := client.Rooms.Create(ctx, req)
		switch {
		case errors.Is(err, dracoon.ErrConflict):
			fmt.Fprintf(w, "exists %s\n", u.UserName)
		case err != nil:
			return fmt.Errorf("room for %s: %w", u.UserName, err)
		default:
			fmt.Fprintf(w, "created room %d for %s\n", room.ID, u.UserName)
		}
	}
	return nil
}
