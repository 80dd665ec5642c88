// Command filerequest asks a stranger for a file: it creates a password
// protected upload share (a file request) on a room, then plays the
// stranger, who uploads a local file through the public share API without
// logging in, and lists what arrived.
//
//	filerequest ROOM-PATH FILE
//
// It reads the connection settings of examples/internal/exampleenv and
// the share password from DRACOON_SHARE_PASSWORD. Into an encrypted room
// the stranger's client encrypts the file and its key for every room
// member with a key pair; nobody else, the server included, can read it.
//
// Try it offline against the emulator:
//
//	go run ./cmd/dracoon-emulator --addr 127.0.0.1:8080 --admin-password secret &
//	DRACOON_URL=http://127.0.0.1:8080 DRACOON_USERNAME=admin DRACOON_PASSWORD=secret \
//	  DRACOON_SHARE_PASSWORD='Share-Secret-1' go run ./examples/filerequest /Team invoice.pdf
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
	if err := run(context.Background(), os.Getenv, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "filerequest:", err)
		os.Exit(1)
	}
}

// run does the work with settings from getenv and the arguments args,
// writing to w.
func run(ctx context.Context, getenv func(string) string, args []string, w io.Writer) error {
	if len(args) != 2 {
		return errors.New("usage: filerequest ROOM-PATH FILE")
	}
	roomPath, local := args[0], args[1]
	password := getenv("DRACOON_SHARE_PASSWORD")
	if password == "" {
		return errors.New("set DRACOON_SHARE_PASSWORD")
	}
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	defer client.Logout(ctx, false) //nolint:errcheck // keep the refresh token usable

	room, err := client.Nodes.Resolve(ctx, roomPath)
	if err != nil {
		return err
	}
	share, err := client.Shares.CreateUploadShare(ctx, &dracoon.CreateUploadShareRequest{
		TargetID: room.ID, Name: "Files for " + room.Name, Password: password, MaxSlots: 5,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "file request at %s/public/upload-shares/%s\n", client.BaseURL(), share.AccessKey)

	// The stranger: no login, only the link and the password.
	stranger, err := dracoon.New(getenv("DRACOON_URL"))
	if err != nil {
		return err
	}
	up, err := stranger.Public.UploadFileToShare(ctx, share.AccessKey, password, local, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "the stranger uploaded %s (%d bytes)\n", up.Name, up.Size)

	for n, err := range client.Nodes.All(ctx, room.ID, nil) {
		if err != nil {
			return err
		}
		if n.Type == dracoon.NodeTypeFile {
			fmt.Fprintf(w, "in %s: %s (%d bytes, encrypted: %v)\n", room.Name, n.Name, n.Size, n.IsEncrypted)
		}
	}
	return nil
}
