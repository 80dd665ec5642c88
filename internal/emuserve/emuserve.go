// Package emuserve is the standalone DRACOON emulator server shared by
// the dracoon-emulator command and "dracoon emulator": one set of flags,
// one way to print the credentials and to serve until cancelled.
//
// The first line on stdout is "listening on http://ADDR". The admin
// user is "admin"; its password comes from --admin-password, else
// $DRACOON_EMULATOR_ADMIN_PASSWORD, else it is generated and printed on
// stderr, with the confidential OAuth client's credentials and the
// control token ($DRACOON_EMULATOR_CONTROL_TOKEN, else random) that
// guards the test controls under /_emulator.
package emuserve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/dracoon-go/dracoon/internal/emulator"
)

// EnvAdminPassword names the environment variable read when
// --admin-password is not given.
const EnvAdminPassword = "DRACOON_EMULATOR_ADMIN_PASSWORD"

// EnvControlToken names the environment variable that fixes the control
// token (default: random per run).
const EnvControlToken = "DRACOON_EMULATOR_CONTROL_TOKEN"

// EnvServiceToken names the environment variable that fixes the
// provisioning service token (X-Sds-Service-Token); a random one is
// generated otherwise.
const EnvServiceToken = "DRACOON_EMULATOR_SERVICE_TOKEN"

// shutdownTimeout bounds the graceful shutdown.
const shutdownTimeout = 5 * time.Second

// UsageError is a mistake in the command line (an unknown flag, a bad
// value, a stray argument), as opposed to a failure to serve.
type UsageError struct{ Err error }

// Error is the flag package's message.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the flag error.
func (e *UsageError) Unwrap() error { return e.Err }

// Run parses the emulator's flags from args, starts the emulator and
// serves until ctx is done. name is the command name shown in usage
// messages; getenv reads the environment (os.Getenv in a program).
// With -h or --help it prints the flags and returns flag.ErrHelp.
func Run(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // a mistake is reported in one line; -h prints the flags
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (port 0 picks a free port)")
	password := fs.String("admin-password", "", "admin password (default $"+EnvAdminPassword+", else random)")
	s3 := fs.Bool("s3", true, "report S3 as the storage back end")
	s3Enforce := fs.Bool("s3-enforce-direct-upload", false, "make direct S3 uploads mandatory")
	crypto := fs.Bool("crypto", true, "enable client-side encryption for the tenant, as on DRACOON Cloud (--crypto=false turns it off)")
	accessTTL := fs.Duration("access-token-lifetime", emulator.DefaultAccessTokenLifetime, "access token lifetime")
	refreshTTL := fs.Duration("refresh-token-lifetime", emulator.DefaultRefreshTokenLifetime, "refresh token lifetime")
	externalURL := fs.String("external-url", "", "base URL clients use (default: http://<listen address>)")
	trustHost := fs.Bool("trust-host-header", false, "build absolute URLs from the request's Host header and X-Forwarded-Proto (behind a proxy); off by default")
	dataDir := fs.String("data-dir", "", "keep file contents in this folder instead of in memory (for large files)")
	noHashes := fs.Bool("no-content-hashes", false, "skip the MD5 digests of uploaded bytes (random chunk hashes and ETags; for throughput measurements)")
	headerTimeout := fs.Duration("read-header-timeout", emulator.DefaultReadHeaderTimeout, "time to read a request header")
	idleTimeout := fs.Duration("idle-timeout", emulator.DefaultIdleTimeout, "time a keep-alive connection may stay idle")
	progressTimeout := fs.Duration("progress-timeout", emulator.DefaultProgressTimeout, "time a single body read or response write may stall")
	faults := addFaultFlags(fs)
	verbose := fs.Bool("v", false, "log every request (method, path, status) on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintf(stderr, "Usage of %s:\n", name)
			fs.PrintDefaults()
			return err
		}
		return &UsageError{err}
	}
	if fs.NArg() > 0 {
		return &UsageError{fmt.Errorf("unexpected arguments: %v", fs.Args())}
	}
	profile, err := faults.profile()
	if err != nil {
		return &UsageError{err}
	}
	if *password == "" {
		*password = getenv(EnvAdminPassword)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := *externalURL
	if base == "" {
		base = listenerURL(ln.Addr())
	}
	emu, err := emulator.New(emulator.Config{
		AdminPassword:         *password,
		AccessTokenLifetime:   *accessTTL,
		RefreshTokenLifetime:  *refreshTTL,
		UseS3Storage:          emulator.Bool(*s3),
		S3EnforceDirectUpload: *s3Enforce,
		CryptoEnabled:         emulator.Bool(*crypto),
		Logger:                logger,
		ExternalURL:           base,
		TrustHostHeader:       *trustHost,
		DataDir:               *dataDir,
		NoContentHashes:       *noHashes,
		ControlToken:          getenv(EnvControlToken),
		ServiceToken:          getenv(EnvServiceToken),
	})
	if err == nil && profile != nil {
		err = emu.SetFaultProfile(profile)
		if err != nil {
			emu.Close()
			err = &UsageError{err}
		}
	}
	if err != nil {
		ln.Close()
		return err
	}
	if profile != nil {
		fmt.Fprintf(stderr, "random faults on (seed %d): %s\n", profile.Seed, describeRates(profile.Rates))
	}
	srv := &http.Server{Handler: emu.Handler()}
	emulator.ConfigureServer(srv, emulator.Timeouts{ReadHeader: *headerTimeout, Idle: *idleTimeout, Progress: *progressTimeout})
	if !isLoopback(ln.Addr()) {
		logger.Warn("listening beyond loopback: anyone who can reach this address can use the seeded credentials; the test controls still need the control token", "addr", ln.Addr().String())
		fmt.Fprintf(stderr, "WARNING: %s listens on %s, beyond loopback. It is a test server with known credentials; keep it off untrusted networks.\n", name, ln.Addr())
	}
	// Credentials go to stderr first, so that a reader of the stdout line
	// finds them already written.
	if emu.AdminPasswordGenerated() {
		fmt.Fprintf(stderr, "admin login %q, generated password: %s\n", emu.AdminLogin(), emu.AdminPassword())
	}
	id, secret := emu.ConfidentialClient()
	fmt.Fprintf(stderr, "OAuth clients: %q (public, empty secret) and %q with secret %s\n", emulator.PublicClientID, id, secret)
	fmt.Fprintf(stderr, "control token for %s/_emulator/* (Authorization: Bearer <token>): %s\n", emu.ExternalURL(), emu.ControlToken())
	fmt.Fprintf(stderr, "provisioning service token (X-Sds-Service-Token): %s\n", emu.ServiceToken())
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
	defer emu.Close() // stops webhook deliveries
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// listenerURL is the default base URL for a listener: its address, with
// 127.0.0.1 in place of an unspecified one (0.0.0.0, ::), which no client
// can connect to (a dual-stack "::" listener accepts IPv4 loopback too).
func listenerURL(a net.Addr) string {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	ip := ap.Addr()
	if ip.IsUnspecified() {
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	return "http://" + netip.AddrPortFrom(ip, ap.Port()).String()
}

// isLoopback reports whether a listener accepts loopback connections only.
func isLoopback(a net.Addr) bool {
	ap, err := netip.ParseAddrPort(a.String())
	return err == nil && ap.Addr().Unmap().IsLoopback()
}
