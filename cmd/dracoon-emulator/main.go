// Command dracoon-emulator runs the local DRACOON emulator as a standalone
// HTTP server, for clients in any language.
//
//	dracoon-emulator --addr 127.0.0.1:8080
//
// prints "listening on http://127.0.0.1:8080" as its first line on stdout
// and serves until SIGINT or SIGTERM. The admin user is "admin"; its
// password comes from --admin-password, else $DRACOON_EMULATOR_ADMIN_PASSWORD,
// else it is generated and printed on stderr. The confidential OAuth
// client's credentials and the control token are printed on stderr too.
// The control token ($DRACOON_EMULATOR_CONTROL_TOKEN, else random) guards
// the test controls under /_emulator: send it as
// "Authorization: Bearer <token>" (or X-Emulator-Control-Token); with it,
// GET /_emulator/info returns all credentials as JSON.
//
// The base URL of absolute URLs (OAuth callback, s3Hosts, upload, download
// and presigned URLs) is --external-url, else the listener's address; the
// request's Host header is trusted only with --trust-host-header (behind a
// proxy that sets it). File contents stay in memory unless --data-dir
// names a folder for them; --s3=false makes the tenant use classic
// uploads. Binding beyond loopback (e.g. --addr 0.0.0.0:8080)
// exposes a test server with known credentials: the command warns loudly.
//
// Stalled connections are closed: --read-header-timeout (10 s),
// --idle-timeout (2 min) and --progress-timeout (1 min without progress on
// a single body read or response write). Transfers of any length work as
// long as bytes keep moving.
//
// Random faults, repeatable for the same seed and order of requests:
// --fault-rate (share of requests, spread over --fault-kinds),
// --fault-rates (per kind), --fault-seed, --fault-latency,
// --fault-retry-after, --fault-path, --fault-method and --fault-oauth
// (docs/RELIABILITY.md).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/dracoon-go/dracoon/internal/emuserve"
)

// EnvAdminPassword names the environment variable read when
// --admin-password is not given.
const EnvAdminPassword = emuserve.EnvAdminPassword

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "dracoon-emulator:", err)
		os.Exit(1)
	}
}

// run starts the emulator and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return emuserve.Run(ctx, "dracoon-emulator", args, os.Getenv, stdout, stderr)
}
