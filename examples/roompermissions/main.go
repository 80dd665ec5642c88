// Command roompermissions writes the permissions of a room as CSV: one row
// per user and per group granted in the room, with one column per
// permission.
//
//	go run ./examples/roompermissions "/Room/Sub room" > permissions.csv
//
// The connection settings come from the environment (see
// examples/internal/exampleenv); the caller must be able to read the
// room's users and groups (a room admin).
package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: roompermissions <room path>")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Getenv, os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "roompermissions:", err)
		os.Exit(1)
	}
}

// header names the CSV columns; the permission columns follow the
// fields of dracoon.NodePermissions.
var header = []string{"kind", "id", "name", "manage", "read", "create", "change", "delete",
	"manageDownloadShare", "manageUploadShare", "readRecycleBin", "restoreRecycleBin", "deleteRecycleBin"}

// row renders one grantee.
func row(kind string, id int64, name string, p *dracoon.NodePermissions) []string {
	if p == nil {
		p = &dracoon.NodePermissions{}
	}
	r := []string{kind, strconv.FormatInt(id, 10), name}
	for _, b := range []bool{p.Manage, p.Read, p.Create, p.Change, p.Delete,
		p.ManageDownloadShare, p.ManageUploadShare, p.ReadRecycleBin, p.RestoreRecycleBin, p.DeleteRecycleBin} {
		r = append(r, strconv.FormatBool(b))
	}
	return r
}

// run resolves the room at path and writes its grants to w.
func run(ctx context.Context, getenv func(string) string, path string, w io.Writer) error {
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	room, err := client.Nodes.Resolve(ctx, path)
	if err != nil {
		return err
	}
	if room.Type != dracoon.NodeTypeRoom {
		return fmt.Errorf("%s is a %s, not a room", path, room.Type)
	}
	out := csv.NewWriter(w)
	if err := out.Write(header); err != nil {
		return err
	}
	granted := &dracoon.ListOptions{Filter: "isGranted:eq:true"}
	for u, err := range client.Rooms.AllUsers(ctx, room.ID, granted) {
		if err != nil {
			return err
		}
		if err := out.Write(row("user", u.UserInfo.ID, u.UserInfo.UserName, u.Permissions)); err != nil {
			return err
		}
	}
	for g, err := range client.Rooms.AllGroups(ctx, room.ID, granted) {
		if err != nil {
			return err
		}
		if err := out.Write(row("group", g.ID, g.Name, g.Permissions)); err != nil {
			return err
		}
	}
	out.Flush()
	return out.Error()
}
