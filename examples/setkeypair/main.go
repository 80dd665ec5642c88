// Command setkeypair generates a new encryption key pair for the caller,
// locally, and uploads it with the private key encrypted by the
// encryption password. It then unlocks the uploaded pair once to prove
// that the password opens it.
//
//	DRACOON_ENCRYPTION_PASSWORD=… go run ./examples/setkeypair [-version RSA-4096] [-replace]
//
// -replace deletes an existing key pair of that version first; DRACOON
// deletes the file keys made for it, so files that nobody else can decrypt
// become unreadable. The connection settings come from the environment
// (see examples/internal/exampleenv).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func main() {
	version := flag.String("version", string(dracoon.DefaultKeyPairVersion), "key pair version: RSA-4096, or A for RSA-2048")
	replace := flag.Bool("replace", false, "delete an existing key pair of that version first")
	flag.Parse()
	if err := run(context.Background(), os.Getenv, crypto.KeyPairVersion(*version), *replace, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "setkeypair:", err)
		os.Exit(1)
	}
}

// run sets the key pair and reports to w. The password is read from
// DRACOON_ENCRYPTION_PASSWORD and never printed.
func run(ctx context.Context, getenv func(string) string, version crypto.KeyPairVersion, replace bool, w io.Writer) error {
	password := getenv("DRACOON_ENCRYPTION_PASSWORD")
	if password == "" {
		return errors.New("set DRACOON_ENCRYPTION_PASSWORD")
	}
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	if _, err := client.Account.KeyPair(ctx, version); err == nil {
		if !replace {
			return fmt.Errorf("a %s key pair exists; use -replace to delete it first", version)
		}
		if err := client.Account.DeleteKeyPair(ctx, version); err != nil {
			return err
		}
		fmt.Fprintf(w, "deleted the old %s key pair\n", version)
	} else if !errors.Is(err, dracoon.ErrNotFound) {
		return err
	}
	if _, err := client.Account.GenerateKeyPair(ctx, password, version); err != nil {
		return err
	}
	if _, err := client.Account.UnlockKeyPairVersion(ctx, version, password); err != nil {
		return fmt.Errorf("the new key pair does not open: %w", err)
	}
	fmt.Fprintf(w, "set a new %s key pair\n", version)
	return nil
}
