package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func TestFileRequestExample(t *testing.T) {
	srv := dracoontest.NewServer(t, dracoontest.WithCrypto(true))
	ctx := context.Background()
	getenv, admin := exampleenv.Admin(t, srv)
	if _, err := srv.CreateRoom("Team", nil); err != nil {
		t.Fatal(err)
	}
	vault, err := srv.CreateRoom("Vault", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Account.GenerateKeyPair(ctx, "Key-Password-1", crypto.KeyPairRSA2048); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Account.UnlockKeyPair(ctx, "Key-Password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Rooms.Encrypt(ctx, vault, &dracoon.EncryptRoomRequest{IsEncrypted: true}); err != nil {
		t.Fatal(err)
	}
	password := "Share-Secret-1"
	withShare := func(k string) string {
		if k == "DRACOON_SHARE_PASSWORD" {
			return password
		}
		return getenv(k)
	}

	for _, room := range []string{"/Team", "/Vault"} {
		local := filepath.Join(t.TempDir(), "invoice.txt")
		content := []byte("what a stranger sends to " + room)
		if err := os.WriteFile(local, content, 0o600); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := run(ctx, withShare, []string{room, local}, &buf); err != nil {
			t.Fatalf("%s: %v", room, err)
		}
		out := buf.String()
		enc := room == "/Vault"
		if !strings.HasPrefix(out, "file request at "+srv.URL+"/public/upload-shares/") ||
			!strings.Contains(out, "the stranger uploaded invoice.txt") ||
			!strings.Contains(out, fmt.Sprintf("invoice.txt (%d bytes, encrypted: %v)", len(content), enc)) {
			t.Fatalf("%s: output %q", room, out)
		}
		// The room's member reads what the stranger sent.
		var got bytes.Buffer
		if _, err := admin.Transfers.Download(ctx, dracoon.NodePath(room+"/invoice.txt"), &got, nil); err != nil || !bytes.Equal(got.Bytes(), content) {
			t.Fatalf("%s: member reads %q (%v)", room, got.String(), err)
		}
	}

	password = ""
	if err := run(ctx, withShare, []string{"/Team", "x"}, &bytes.Buffer{}); err == nil {
		t.Error("ran without a share password")
	}
}
