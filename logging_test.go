package dracoon

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

// TestDebugLogsHoldNoSecrets logs a whole session at debug level — login,
// calls, a refresh, retries, a server that echoes secrets in error bodies,
// logout — and checks that no secret appears in the log or in any error.
func TestDebugLogsHoldNoSecrets(t *testing.T) {
	const password, clientSecret = "Pa55-w0rd-SECRET", "client-SECRET-42"
	f := newFakeOAuth("ada", password)
	mux := f.mux()
	echo := func(w http.ResponseWriter, r *http.Request) {
		// A misbehaving proxy that reflects the request's credentials.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html>bad gateway for " + r.Header.Get("Authorization") + "</html>"))
	}
	mux.HandleFunc("/api/v4/echo", echo)
	mux.HandleFunc("POST /api/v4/echo-json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"code": 400, "message": "Bad Request", "debugInfo": "token " + r.Header.Get("Authorization")[7:] + " rejected"})
	})
	var logs testutil.SyncBuffer
	var clk clock
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, mux, WithLogger(logger), WithClientSecret(clientSecret))
	c.now = clk.now
	ctx := context.Background()

	var errs []error
	errs = append(errs, c.Connect(ctx, PasswordFlow("ada", "wrong-"+password)))
	connect(t, c, f)
	first := c.Token()
	if _, err := c.Account.Get(ctx); err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Hour)
	if _, err := c.Account.Get(ctx); err != nil {
		t.Fatal(err)
	}
	second := c.Token()
	errs = append(errs,
		c.do(ctx, &apiCall{method: http.MethodGet, path: "/api/v4/echo"}, nil),
		c.do(ctx, &apiCall{method: http.MethodPost, path: "/api/v4/echo-json"}, nil),
	)
	if err := c.Logout(ctx, true); err != nil {
		t.Fatal(err)
	}
	if f.grantCount("refresh_token") != 1 || first.AccessToken == second.AccessToken {
		t.Fatal("the session did not include a refresh")
	}
	secrets := []string{password, clientSecret, first.AccessToken, first.RefreshToken, second.AccessToken, second.RefreshToken}
	out := logs.String()
	if !strings.Contains(out, `"level":"DEBUG"`) || !strings.Contains(out, "/oauth/token") || !strings.Contains(out, "token refreshed") {
		t.Fatalf("the log does not cover the session:\n%s", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log contains secret %q", s)
		}
	}
	for _, err := range errs {
		if err == nil {
			t.Fatal("expected an error")
		}
		if containsAny(err.Error(), secrets...) {
			t.Errorf("error contains a secret: %v", err)
		}
	}
}
