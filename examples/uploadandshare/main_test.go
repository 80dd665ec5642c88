package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func TestUploadAndShareExample(t *testing.T) {
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
	env := map[string]string{"DRACOON_SHARE_PASSWORD": "Share-Secret-1", "DRACOON_ENCRYPTION_PASSWORD": "Key-Password-1"}
	withShare := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return getenv(k)
	}

	for _, room := range []string{"/Team", "/Vault"} {
		local := filepath.Join(t.TempDir(), "report.txt")
		content := []byte("quarterly numbers for " + room)
		if err := os.WriteFile(local, content, 0o600); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		var buf bytes.Buffer
		if err := run(ctx, withShare, []string{local, room, out}, &buf); err != nil {
			t.Fatalf("%s: %v", room, err)
		}
		got, err := os.ReadFile(filepath.Join(out, "report.txt"))
		if err != nil || !bytes.Equal(got, content) {
			t.Fatalf("%s: downloaded %q (%v)", room, got, err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[1], "shared as "+srv.URL+"/public/download-shares/") ||
			!strings.Contains(lines[2], "downloaded anonymously") {
			t.Fatalf("%s: output %q", room, buf.String())
		}
	}

	env["DRACOON_SHARE_PASSWORD"] = ""
	if err := run(ctx, withShare, []string{"a", "/Team", t.TempDir()}, &bytes.Buffer{}); err == nil {
		t.Error("ran without a share password")
	}
	if err := run(ctx, withShare, []string{"a"}, &bytes.Buffer{}); err == nil {
		t.Error("ran without its arguments")
	}
}
