package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func TestSetKeyPairExample(t *testing.T) {
	srv := dracoontest.NewServer(t)
	login, admin := exampleenv.Admin(t, srv)
	const secret = "Encrypt-Me-2026"
	getenv := func(k string) string {
		if k == "DRACOON_ENCRYPTION_PASSWORD" {
			return secret
		}
		return login(k)
	}
	if err := run(t.Context(), login, crypto.KeyPairRSA2048, false, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "DRACOON_ENCRYPTION_PASSWORD") {
		t.Fatalf("without a password: %v", err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), getenv, crypto.KeyPairRSA2048, false, &out); err != nil {
		t.Fatal(err)
	}
	first, err := admin.Account.KeyPair(t.Context(), crypto.KeyPairRSA2048)
	if err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), getenv, crypto.KeyPairRSA2048, false, &out); err == nil || !strings.Contains(err.Error(), "-replace") {
		t.Errorf("second run without -replace: %v", err)
	}
	if err := run(t.Context(), getenv, crypto.KeyPairRSA2048, true, &out); err != nil {
		t.Fatal(err)
	}
	second, err := admin.Account.KeyPair(t.Context(), crypto.KeyPairRSA2048)
	if err != nil || second.PublicKeyContainer.PublicKey == first.PublicKeyContainer.PublicKey {
		t.Errorf("the key pair was not replaced: %v", err)
	}
	if want := "set a new A key pair\ndeleted the old A key pair\nset a new A key pair\n"; out.String() != want {
		t.Errorf("output %q", out.String())
	}
	if strings.Contains(out.String(), secret) {
		t.Error("the password was printed")
	}
}
