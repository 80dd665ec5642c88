package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLogPathHidesSecrets(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v4/auth/reset_password/tok":              "/api/v4/auth/reset_password/***",
		"/api/v4/uploads/tok":                          "/api/v4/uploads/***",
		"/api/v4/downloads/tok":                        "/api/v4/downloads/***",
		"/api/v4/downloads/zip/tok":                    "/api/v4/downloads/zip/***",
		"/api/v4/downloads/avatar/3/uuid":              "/api/v4/downloads/avatar/3/uuid",
		"/api/v4/public/shares/downloads/key/tok":      "/api/v4/public/shares/downloads/***/***",
		"/api/v4/public/shares/uploads/key":            "/api/v4/public/shares/uploads/***",
		"/api/v4/nodes/12/comments":                    "/api/v4/nodes/12/comments",
		"/api/v4/user/subscriptions/download_shares/4": "/api/v4/user/subscriptions/download_shares/4",
		"/oauth/token":                                 "/oauth/token",
	} {
		if got := logPath(in); got != want {
			t.Errorf("logPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestResetTokenStaysOutOfTheLog runs a reset with debug logging on.
func TestResetTokenStaysOutOfTheLog(t *testing.T) {
	var buf bytes.Buffer
	e, err := New(Config{Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddUser("logged", "Secret-12345"); err != nil {
		t.Fatal(err)
	}
	send := func(method, path, body string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	if code := send("POST", "/api/v4/auth/reset_password", `{"userName":"logged"}`); code != http.StatusNoContent {
		t.Fatalf("reset request: %d", code)
	}
	m, ok := e.LastMail()
	if !ok {
		t.Fatal("no mail")
	}
	if code := send("GET", "/api/v4/auth/reset_password/"+m.Token, ""); code != http.StatusOK {
		t.Fatalf("token check: %d", code)
	}
	if !strings.Contains(buf.String(), "reset_password/***") || strings.Contains(buf.String(), m.Token) {
		t.Errorf("the request log shows the token or no request: %s", buf.String())
	}
}
