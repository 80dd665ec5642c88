// Command dracoon is a command-line client for DRACOON, with the commands
// and options of DRACOON Commander (dccmd-rs).
//
// Targets are written "host/path" (https is assumed) or as full URLs such
// as "http://127.0.0.1:8080/Room/folder/"; plain http is accepted for
// loopback hosts only. A trailing slash names a container, and a last
// segment with "*" is a search in its parent.
//
// Credentials come from flags or from the environment variables
// DRACOON_USERNAME, DRACOON_PASSWORD, DRACOON_ENCRYPTION_PASSWORD,
// DRACOON_CLIENT_ID and DRACOON_CLIENT_SECRET. Without them, and with a
// terminal attached, dracoon logs in with the OAuth authorization-code
// flow and keeps the refresh token in the OS keyring, or in a file only
// the user can read when there is no keyring.
//
// Share passwords come from DRACOON_SHARE_PASSWORD or a prompt without
// echo, never from the command line. Transfers show progress bars on a
// terminal (not with --quiet).
//
// Run "dracoon demo" to see the SDK at work against an emulator started
// in the same process: no configuration and no network needed.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/dracoon-go/dracoon"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line with the given environment (KEY=VALUE
// entries, as os.Environ returns them) and streams, and returns the
// process exit code: 0 on success, 1 on failure, 2 on a usage error.
// Errors are written to stderr on one line.
func run(ctx context.Context, args, env []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp(env, stdin, stdout, stderr).execute(ctx, args)
}

// usageError marks an error in the command line or the configuration
// (exit code 2) rather than a failure of the operation.
type usageError struct{ err error }

// Error is the underlying message.
func (e *usageError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), errors.Is(err, dracoon.ErrInvalidRequest):
		return exitUsage
	case strings.HasPrefix(err.Error(), "unknown command"), strings.HasPrefix(err.Error(), "unknown flag"):
		return exitUsage // cobra's own errors
	}
	return exitFailure
}

// errorLine renders err as one line: the SDK's "dracoon:" prefixes go,
// DRACOON's answers are shortened to status, message and error code, and
// line breaks become spaces.
func errorLine(err error) string {
	msg := err.Error()
	var apiErr *dracoon.APIError
	if errors.As(err, &apiErr) {
		if full := apiErr.Error(); strings.HasSuffix(msg, full) {
			msg = strings.TrimSuffix(msg, full) + apiMessage(apiErr)
		}
	}
	msg = strings.ReplaceAll(msg, "dracoon: ", "")
	msg = strings.Join(strings.Fields(msg), " ")
	return "dracoon: " + msg
}

// apiMessage is DRACOON's answer in short: status, message, error code.
func apiMessage(e *dracoon.APIError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", e.StatusCode)
	msg := e.Message
	switch {
	case e.OAuthError != "":
		msg = e.OAuthError
		if e.OAuthDescription != "" {
			msg += " (" + e.OAuthDescription + ")"
		}
	case msg == "":
		msg = e.DebugInfo
	}
	if msg == "" {
		msg = strings.ToLower(http.StatusText(e.StatusCode))
	}
	b.WriteString(" ")
	b.WriteString(msg)
	if e.ErrorCode != 0 {
		fmt.Fprintf(&b, " (error code %d)", e.ErrorCode)
	}
	for _, c := range e.ConflictNodes {
		fmt.Fprintf(&b, "; %q: %s", c.Name, c.ErrorMessage)
	}
	return b.String()
}
