package dracoon

import (
	"context"
	"testing"
)

// TestEmulatorAuthPingWithoutLogin pings the emulator, under the contract
// validator, from a client that never connected and from one that did.
func TestEmulatorAuthPingWithoutLogin(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	fresh := emulatorClient(t, srv)
	if pong, err := fresh.Auth.Ping(ctx); err != nil || pong == "" {
		t.Fatalf("ping without login: %q, %v", pong, err)
	}
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	if pong, err := c.Auth.Ping(ctx); err != nil || pong == "" {
		t.Fatalf("ping after login: %q, %v", pong, err)
	}
}
