// Command dracoon-emulator runs the local DRACOON emulator as a standalone
// HTTP server, for clients in any language.
//
//	dracoon-emulator --addr 127.0.0.1:8080
//
// prints "listening on http://127.0.0.1:8080" as its first line on stdout
// and serves until SIGINT or SIGTERM. The admin user is "admin"; its
// password comes from --admin-password, else $DRACOON_EMULATOR_ADMIN_PASSWORD,
// else it is generated and printed on stderr. The confidential OAuth
// client's credentials are printed on stderr too; GET /_emulator/info
// returns all of them as JSON.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dracoon-go/dracoon/internal/emulator"
)

// EnvAdminPassword names the environment variable read when
// --admin-password is not given.
const EnvAdminPassword = "DRACOON_EMULATOR_ADMIN_PASSWORD"

// shutdownTimeout bounds the graceful shutdown.
const shutdownTimeout = 5 * time.Second

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
	fs := flag.NewFlagSet("dracoon-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (port 0 picks a free port)")
	password := fs.String("admin-password", "", "admin password (default $"+EnvAdminPassword+", else random)")
	s3 := fs.Bool("s3", true, "report S3 as the storage back end")
	s3Enforce := fs.Bool("s3-enforce-direct-upload", false, "make direct S3 uploads mandatory")
	crypto := fs.Bool("crypto", true, "enable client-side encryption for the tenant, as on DRACOON Cloud (--crypto=false turns it off)")
	accessTTL := fs.Duration("access-token-lifetime", emulator.DefaultAccessTokenLifetime, "access token lifetime")
	refreshTTL := fs.Duration("refresh-token-lifetime", emulator.DefaultRefreshTokenLifetime, "refresh token lifetime")
	externalURL := fs.String("external-url", "", "base URL for absolute URLs (default: from each request's Host)")
	verbose := fs.Bool("v", false, "log every request (method, path, status) on stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *password == "" {
		*password = os.Getenv(EnvAdminPassword)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	emu, err := emulator.New(emulator.Config{
		AdminPassword:         *password,
		AccessTokenLifetime:   *accessTTL,
		RefreshTokenLifetime:  *refreshTTL,
		UseS3Storage:          emulator.Bool(*s3),
		S3EnforceDirectUpload: *s3Enforce,
		CryptoEnabled:         emulator.Bool(*crypto),
		Logger:                logger,
		ExternalURL:           *externalURL,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: emu.Handler(), ReadHeaderTimeout: 10 * time.Second}
	// Credentials go to stderr first, so that a reader of the stdout line
	// finds them already written.
	if emu.AdminPasswordGenerated() {
		fmt.Fprintf(stderr, "admin login %q, generated password: %s\n", emu.AdminLogin(), emu.AdminPassword())
	}
	id, secret := emu.ConfidentialClient()
	fmt.Fprintf(stderr, "OAuth clients: %q (public, empty secret) and %q with secret %s\n", emulator.PublicClientID, id, secret)
	if _, err := fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr()); err != nil {
		ln.Close()
		return err
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
