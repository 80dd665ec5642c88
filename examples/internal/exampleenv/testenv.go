package exampleenv

import (
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// Admin returns the getenv of the emulator's admin and a client logged in
// as the admin, for the examples' tests.
func Admin(t *testing.T, srv *dracoontest.Server) (func(string) string, *dracoon.Client) {
	t.Helper()
	env := map[string]string{"DRACOON_URL": srv.URL, "DRACOON_USERNAME": srv.AdminLogin, "DRACOON_PASSWORD": srv.AdminPassword}
	getenv := func(k string) string { return env[k] }
	c, err := Connect(t.Context(), getenv)
	if err != nil {
		t.Fatal(err)
	}
	return getenv, c
}
