package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
)

func TestLoginExample(t *testing.T) {
	srv := dracoontest.NewServer(t)
	if _, err := srv.CreateRoom("Team", nil); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DRACOON_URL": srv.URL, "DRACOON_USERNAME": srv.AdminLogin, "DRACOON_PASSWORD": srv.AdminPassword}
	var out bytes.Buffer
	if err := run(context.Background(), func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	if want := "logged in as admin (Admin Emulator)\nroom 1 Team\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}

	env["DRACOON_PASSWORD"] = "wrong"
	if err := run(context.Background(), func(k string) string { return env[k] }, &out); !errors.Is(err, dracoon.ErrUnauthorized) {
		t.Errorf("wrong password: %v", err)
	}
	if err := run(context.Background(), func(k string) string { return map[string]string{"DRACOON_URL": srv.URL}[k] }, &out); err == nil {
		t.Error("no credentials accepted")
	}
}
