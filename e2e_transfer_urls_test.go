package dracoon

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// TestEmulatorTokenURLs covers the calls on token URLs: HEAD on a download
// URL, cancelling an upload channel through its upload URL, and a user's
// avatar image, none of which send the bearer token.
func TestEmulatorTokenURLs(t *testing.T) {
	srv := newEmulator(t, dracoontest.WithCrypto(false))
	ctx := context.Background()
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	room, err := c.Rooms.Create(ctx, &CreateRoomRequest{Name: "Tokens", AdminIDs: []int64{srv.AdminID}})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("seventeen bytes!!")
	node, err := c.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(room.ID), &UploadOptions{Name: "t.txt"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.Transfers.DownloadURL(ctx, node.ID)
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.Transfers.HeadDownload(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Get("Content-Length"); got != strconv.Itoa(len(data)) {
		t.Errorf("HEAD Content-Length %q, want %d", got, len(data))
	}

	var ch struct {
		UploadURL string `json:"uploadUrl"`
	}
	if err := c.do(ctx, &apiCall{method: http.MethodPost, path: nodesPath + "/files/uploads",
		jsonBody: map[string]any{"parentId": room.ID, "name": "never.txt"}}, &ch); err != nil {
		t.Fatal(err)
	}
	if n := srv.OpenUploadChannels(); n != 1 {
		t.Fatalf("%d open channels before cancelling, want 1", n)
	}
	if err := c.Transfers.CancelUploadURL(ctx, ch.UploadURL); err != nil {
		t.Fatal(err)
	}
	if n := srv.OpenUploadChannels(); n != 0 {
		t.Errorf("%d open channels after cancelling", n)
	}

	av, err := c.Account.Avatar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	ct, err := c.Users.DownloadAvatar(ctx, srv.AdminID, av.AvatarUUID, &img)
	if err != nil {
		t.Fatal(err)
	}
	// The document declares application/octet-stream for the image.
	if ct != "application/octet-stream" || !bytes.HasPrefix(img.Bytes(), []byte("\x89PNG")) {
		t.Errorf("avatar %q, %d bytes starting %q", ct, img.Len(), img.Bytes()[:min(8, img.Len())])
	}
	if _, err := c.Users.DownloadAvatar(ctx, -1, "x", &img); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("a negative id: %v", err)
	}
}
