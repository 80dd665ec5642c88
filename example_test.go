package dracoon_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// emulator starts a local DRACOON emulator for the examples. Against a real
// instance, pass its URL (https://…) to dracoon.New instead.
func emulator() *dracoontest.Server {
	srv, err := dracoontest.Start()
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

// Log in with a user name and password and read the own account.
func Example() {
	srv := emulator()
	defer srv.Close()
	ctx := context.Background()

	client, err := dracoon.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Connect(ctx, dracoon.PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		log.Fatal(err)
	}
	defer client.Logout(ctx, true)

	account, err := client.Account.Get(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(account.UserName, account.UserRoles.Has(dracoon.RoleRoomManager))
	// Output: admin true
}

// Iterate over every top-level room; pages are fetched as the loop goes.
func ExampleNodesService_All() {
	srv := emulator()
	defer srv.Close()
	ctx := context.Background()
	for _, name := range []string{"Projects", "Archive", "Marketing"} {
		if _, err := srv.CreateRoom(name, nil); err != nil {
			log.Fatal(err)
		}
	}
	client, _ := dracoon.New(srv.URL)
	if err := client.Connect(ctx, dracoon.PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		log.Fatal(err)
	}

	opts := &dracoon.ListNodesOptions{ListOptions: dracoon.ListOptions{Limit: 2, Sort: "name:asc"}}
	for room, err := range client.Nodes.All(ctx, 0, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(room.ParentPath + room.Name)
	}
	// Output:
	// /Archive
	// /Marketing
	// /Projects
}

// Persist rotated tokens with a hook, and start a later session from the
// saved refresh token instead of a password.
func ExampleWithTokenHook() {
	srv := emulator()
	defer srv.Close()
	ctx := context.Background()

	var saved string
	client, _ := dracoon.New(srv.URL, dracoon.WithTokenHook(func(t dracoon.Token) {
		saved = t.RefreshToken // write it to a keyring or a 0600 file
	}))
	if err := client.Connect(ctx, dracoon.PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		log.Fatal(err)
	}

	later, _ := dracoon.New(srv.URL)
	if err := later.Connect(ctx, dracoon.RefreshTokenFlow(saved)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(later.TestConnection(ctx) == nil)
	// Output: true
}

// Errors from DRACOON match sentinels with errors.Is and carry the details
// in an *APIError.
func ExampleAPIError() {
	srv := emulator()
	defer srv.Close()
	ctx := context.Background()
	client, _ := dracoon.New(srv.URL)
	if err := client.Connect(ctx, dracoon.PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		log.Fatal(err)
	}

	_, err := client.Nodes.Get(ctx, 987654)
	var apiErr *dracoon.APIError
	if errors.Is(err, dracoon.ErrNotFound) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.ErrorCode)
	}
	// Output: 404 -41000
}

// The authorization-code flow: send the user to AuthCodeURL, then exchange
// the code DRACOON hands back.
func ExampleClient_AuthCodeURL() {
	client, _ := dracoon.New("https://dracoon.example.com", dracoon.WithClientID("my-app"))
	fmt.Println(client.AuthCodeURL("random-state"))
	// After login the browser shows a code; then:
	//   err := client.Connect(ctx, dracoon.AuthCodeFlow(code))

	// Output: https://dracoon.example.com/oauth/authorize?client_id=my-app&redirect_uri=https%3A%2F%2Fdracoon.example.com%2Foauth%2Fcallback&response_type=code&scope=all&state=random-state
}
