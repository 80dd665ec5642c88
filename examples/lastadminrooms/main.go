// Command lastadminrooms lists the rooms where a user is the last admin:
// the rooms that would be left without an admin if the user went, which
// is why DRACOON refuses to delete such a user (error -40006).
//
//	go run ./examples/lastadminrooms <login>
//
// The connection settings come from the environment (see
// examples/internal/exampleenv); the caller needs the USER_MANAGER role.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: lastadminrooms <login>")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Getenv, os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lastadminrooms:", err)
		os.Exit(1)
	}
}

// run writes one line per room to w: its id and path, and the group
// through which the user is its admin, if any.
func run(ctx context.Context, getenv func(string) string, login string, w io.Writer) error {
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	page, err := client.Users.List(ctx, &dracoon.ListUsersOptions{ListOptions: dracoon.ListOptions{Filter: "userName:eq:" + login}})
	if err != nil {
		return err
	}
	if len(page.Items) != 1 {
		return fmt.Errorf("no user %q", login)
	}
	rooms, err := client.Users.LastAdminRooms(ctx, page.Items[0].ID)
	if err != nil {
		return err
	}
	for _, r := range rooms {
		line := fmt.Sprintf("%d %s%s", r.ID, r.ParentPath, r.Name)
		if r.LastAdminInGroup {
			line += fmt.Sprintf(" (as the last member of group %d)", r.LastAdminInGroupID)
		}
		fmt.Fprintln(w, line)
	}
	if len(rooms) == 0 {
		fmt.Fprintf(w, "%s is nowhere the last admin\n", login)
	}
	return nil
}
