package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func TestCreateUsersExample(t *testing.T) {
	srv := dracoontest.NewServer(t)
	getenv, admin := exampleenv.Admin(t, srv)

	// A bad row stops the run before anything is created.
	bad := "firstName,lastName,email\nAda,Lovelace,ada@example.com\nBob,,bob@example.com\n"
	if err := run(t.Context(), getenv, strings.NewReader(bad), &bytes.Buffer{}); !errors.Is(err, dracoon.ErrInvalidRequest) || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("bad CSV: %v", err)
	}
	if n := countUsers(t, admin, "userName:cn:example.com"); n != 0 {
		t.Fatalf("%d users created from a bad file", n)
	}

	good := "firstName, lastName, email, login\nAda,Lovelace,ada@example.com,\n\"Grace, Rear Admiral\",Hopper,grace@example.com,ghopper\n"
	var out bytes.Buffer
	if err := run(t.Context(), getenv, strings.NewReader(good), &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "created user"); got != 2 {
		t.Errorf("output %q", out.String())
	}
	for login, first := range map[string]string{"ada@example.com": "Ada", "ghopper": "Grace, Rear Admiral"} {
		page, err := admin.Users.List(t.Context(), &dracoon.ListUsersOptions{ListOptions: dracoon.ListOptions{Filter: "userName:eq:" + login}})
		if err != nil || len(page.Items) != 1 || page.Items[0].FirstName != first {
			t.Errorf("user %s: %+v, %v", login, page, err)
		}
	}
	// Running again fails on the first existing user.
	if err := run(t.Context(), getenv, strings.NewReader(good), &out); !errors.Is(err, dracoon.ErrConflict) {
		t.Errorf("second run: %v", err)
	}
}

func countUsers(t *testing.T, c *dracoon.Client, filter string) int64 {
	t.Helper()
	page, err := c.Users.List(t.Context(), &dracoon.ListUsersOptions{ListOptions: dracoon.ListOptions{Filter: filter}})
	if err != nil {
		t.Fatal(err)
	}
	return page.Range.Total
}
