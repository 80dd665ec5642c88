// Command createusers creates local DRACOON users from a CSV file.
//
// The CSV has a header row with the columns firstName, lastName and email,
// and optionally login (default: the e-mail address). Every row is checked
// before the first user is created, so a bad file changes nothing. New
// users get DRACOON's invitation e-mail and choose their password.
//
//	go run ./examples/createusers users.csv
//
// The connection settings come from the environment (see
// examples/internal/exampleenv); the caller needs the USER_MANAGER role.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/examples/internal/exampleenv"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: createusers users.csv")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err == nil {
		defer f.Close()
		err = run(context.Background(), os.Getenv, f, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "createusers:", err)
		os.Exit(1)
	}
}

// run creates the users of the CSV in r, writing one line per user to w.
func run(ctx context.Context, getenv func(string) string, r io.Reader, w io.Writer) error {
	reqs, err := readUsers(r)
	if err != nil {
		return err
	}
	client, err := exampleenv.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	for _, req := range reqs {
		u, err := client.Users.Create(ctx, req)
		if err != nil {
			return fmt.Errorf("user %s: %w", req.UserName, err)
		}
		fmt.Fprintf(w, "created user %d %s\n", u.ID, u.UserName)
	}
	return nil
}

// readUsers parses and validates every row.
func readUsers(r io.Reader) ([]*dracoon.CreateUserRequest, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read the header: %w", err)
	}
	col := map[string]int{}
	for i, name := range header {
		col[strings.TrimSpace(name)] = i
	}
	for _, need := range []string{"firstName", "lastName", "email"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("the header has no column %q", need)
		}
	}
	field := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var reqs []*dracoon.CreateUserRequest
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return reqs, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		req := dracoon.NewLocalUser(field(row, "firstName"), field(row, "lastName"), field(row, "email"))
		if login := field(row, "login"); login != "" {
			req.UserName = login
		}
		if err := req.Validate(); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		reqs = append(reqs, req)
	}
}
