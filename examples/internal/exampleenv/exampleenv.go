// Package exampleenv connects the examples to DRACOON with settings from
// the environment:
//
//	DRACOON_URL            base URL, e.g. https://dracoon.example.com
//	DRACOON_USERNAME       login name  } or DRACOON_REFRESH_TOKEN
//	DRACOON_PASSWORD       password    }
//	DRACOON_CLIENT_ID      OAuth client (default dracoon_legacy_scripting)
//	DRACOON_CLIENT_SECRET  its secret (default empty)
//
// Every example runs offline against the emulator:
//
//	go run ./cmd/dracoon-emulator --addr 127.0.0.1:8080 --admin-password secret &
//	DRACOON_URL=http://127.0.0.1:8080 DRACOON_USERNAME=admin DRACOON_PASSWORD=secret go run ./examples/<name> …
package exampleenv

import (
	"context"
	"errors"

	"github.com/dracoon-go/dracoon"
)

// Connect returns a client logged in with the settings that getenv gives.
func Connect(ctx context.Context, getenv func(string) string, opts ...dracoon.Option) (*dracoon.Client, error) {
	if id := getenv("DRACOON_CLIENT_ID"); id != "" {
		opts = append(opts, dracoon.WithClientID(id), dracoon.WithClientSecret(getenv("DRACOON_CLIENT_SECRET")))
	}
	client, err := dracoon.New(getenv("DRACOON_URL"), opts...)
	if err != nil {
		return nil, err
	}
	var flow dracoon.AuthFlow
	switch {
	case getenv("DRACOON_REFRESH_TOKEN") != "":
		flow = dracoon.RefreshTokenFlow(getenv("DRACOON_REFRESH_TOKEN"))
	case getenv("DRACOON_USERNAME") != "":
		flow = dracoon.PasswordFlow(getenv("DRACOON_USERNAME"), getenv("DRACOON_PASSWORD"))
	default:
		return nil, errors.New("set DRACOON_USERNAME and DRACOON_PASSWORD, or DRACOON_REFRESH_TOKEN")
	}
	if err := client.Connect(ctx, flow); err != nil {
		return nil, err
	}
	return client, nil
}
