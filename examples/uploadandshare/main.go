// Command uploadandshare uploads a local file into a room, shares it
// behind a password, and downloads it again as a stranger would: through
// the public share API, without logging in.
//
//	uploadandshare FILE ROOM-PATH DOWNLOAD-DIR
//
// It reads the connection settings of examples/internal/exampleenv and
// the share password from DRACOON_SHARE_PASSWORD. For a file in an
// encrypted room, DRACOON_ENCRYPTION_PASSWORD unlocks the user's key pair:
// the share then gets its own key pair, protected by the share password,
// and the stranger decrypts the download locally.
//
// Try it offline against the emulator:
//
//	go run ./cmd/dracoon-emulator --addr 127.0.0.1:8080 --admin-password secret &
//	DRACOON_URL=http://127.0.0.1:8080 DRACOON_USERNAME=admin DRACOON_PASSWORD=secret \
//	  DRACOON_SHARE_PASSWORD='Share-Secret-1' go run ./examples/uploadandshare report.pdf /Team /tmp
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
		fmt.Fprintln(os.Stderr, "uploadandshare:", err)
		os.Exit(1)
	}
}

// run does the work with settings from getenv and the arguments args,
// writing to w.
func run(ctx context.Context, getenv func(string) string, args []string, w io.Writer) error {
	if len(args) != 3 {
		return errors.New("usage: uploadandshare FILE ROOM-PATH DOWNLOAD-DIR")
	}
	local, room, downloadDir := args[0], args[1], args[2]
	password := getenv("DRACOON_SHARE_PASSWORD")
	if password == "" {
		return errors.New("set DRACOON_SHARE_PASSWORD")
	}
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	defer client.Logout(ctx, false) //nolint:errcheck // keep the refresh token usable
	if kp := getenv("DRACOON_ENCRYPTION_PASSWORD"); kp != "" {
		if _, err := client.Account.UnlockKeyPair(ctx, kp); err != nil {
			return err
		}
	}

	node, err := client.Transfers.UploadFile(ctx, local, dracoon.NodePath(room), nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "uploaded %s (%d bytes)\n", node.Name, node.Size)

	req := &dracoon.CreateDownloadShareRequest{NodeID: node.ID}
	var share *dracoon.DownloadShare
	if node.IsEncrypted {
		share, err = client.Shares.CreateEncryptedDownloadShare(ctx, req, password)
	} else {
		req.Password = password
		share, err = client.Shares.CreateDownloadShare(ctx, req)
	}
	if err != nil {
		return err
	}
	// The link to hand out; the access key in it is the share's secret.
	fmt.Fprintf(w, "shared as %s/public/download-shares/%s\n", client.BaseURL(), share.AccessKey)

	// A stranger's client: it never logs in.
	stranger, err := dracoon.New(getenv("DRACOON_URL"))
	if err != nil {
		return err
	}
	path, err := stranger.Public.DownloadShareFile(ctx, share.AccessKey, password, downloadDir, nil)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "downloaded anonymously to %s (%d bytes)\n", path, st.Size())
	return nil
}
