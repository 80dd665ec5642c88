// Command login logs in to DRACOON and prints the account and the rooms.
//
// It reads its settings from the environment:
//
//	DRACOON_URL            base URL, e.g. https://dracoon.example.com
//	DRACOON_USERNAME       login name  } or DRACOON_REFRESH_TOKEN
//	DRACOON_PASSWORD       password    }
//	DRACOON_CLIENT_ID      OAuth client (default dracoon_legacy_scripting)
//	DRACOON_CLIENT_SECRET  its secret (default empty)
//
// Try it offline against the emulator:
//
//	go run ./cmd/dracoon-emulator --addr 127.0.0.1:8080 --admin-password secret &
//	DRACOON_URL=http://127.0.0.1:8080 DRACOON_USERNAME=admin DRACOON_PASSWORD=secret go run ./examples/login
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "login:", err)
		os.Exit(1)
	}
}

// run does the work with settings from getenv, writing to w.
func run(ctx context.Context, getenv func(string) string, w io.Writer) error {
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	defer client.Logout(ctx, false) //nolint:errcheck // keep the refresh token usable

	account, err := client.Account.Get(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "logged in as %s (%s %s)\n", account.UserName, account.FirstName, account.LastName)
	for room, err := range client.Nodes.All(ctx, 0, nil) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "room %d %s\n", room.ID, room.Name)
	}
	return nil
}
