package dracoon

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestAPIErrorMatchesStatusSentinels(t *testing.T) {
	for status, sentinel := range statusSentinels {
		mux := http.NewServeMux()
		mux.HandleFunc("/api/v4/public/system/info", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, status, map[string]any{"code": status, "message": http.StatusText(status), "debugInfo": "because", "errorCode": -12345})
		})
		c := newTestClient(t, mux, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
		_, err := c.Public.SystemInfo(context.Background())
		if !errors.Is(err, sentinel) {
			t.Errorf("status %d: error %v does not match %v", status, err, sentinel)
		}
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("status %d: %T is not *APIError", status, err)
		}
		if ae.StatusCode != status || ae.Code != status || ae.ErrorCode != -12345 || ae.DebugInfo != "because" || ae.Message != http.StatusText(status) {
			t.Errorf("status %d: decoded %+v", status, ae)
		}
		for other, s := range statusSentinels {
			if other != status && errors.Is(err, s) && !(s == ErrUnauthorized && other == 401) {
				t.Errorf("status %d also matches %v", status, s)
			}
		}
		if !strings.Contains(err.Error(), "GET") || !strings.Contains(err.Error(), "/api/v4/public/system/info") || !strings.Contains(err.Error(), "-12345") {
			t.Errorf("status %d: message %q lacks request or code", status, err)
		}
	}
}

func TestAPIErrorWithoutErrorCode(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v4/public/system/info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 403, map[string]any{"code": 403, "message": "Forbidden"})
	})
	c := newTestClient(t, mux)
	_, err := c.Public.SystemInfo(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || ae.ErrorCode != 0 || !errors.Is(err, ErrForbidden) {
		t.Fatalf("got %v", err)
	}
}

func TestOAuthErrorsDecoded(t *testing.T) {
	tests := []struct {
		status int
		body   map[string]string
		unauth bool
	}{
		{400, map[string]string{"error": "invalid_grant"}, true},
		{400, map[string]string{"error": "invalid_client"}, true},
		{400, map[string]string{"error": "invalid_request"}, false},
		{401, map[string]string{"error": "unauthorized", "error_description": "Authentication failed."}, true},
		{500, map[string]string{"error": "internal_error"}, false},
	}
	for _, tt := range tests {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) })
		c := newTestClient(t, mux, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
		err := c.Connect(context.Background(), PasswordFlow("u", "pw-never-shown"))
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%v: %T", tt.body, err)
		}
		if ae.OAuthError != tt.body["error"] || ae.OAuthDescription != tt.body["error_description"] {
			t.Errorf("decoded %q/%q, want %v", ae.OAuthError, ae.OAuthDescription, tt.body)
		}
		if errors.Is(err, ErrUnauthorized) != tt.unauth {
			t.Errorf("%v: matches ErrUnauthorized = %t", tt.body, !tt.unauth)
		}
		if !strings.Contains(err.Error(), tt.body["error"]) || strings.Contains(err.Error(), "pw-never-shown") {
			t.Errorf("message %q", err)
		}
	}
}

// TestUnusableResponses covers bodies a proxy or a broken server may send.
func TestUnusableResponses(t *testing.T) {
	long := "<html><body>" + strings.Repeat("Gateway trouble. ", 100) + "</body></html>"
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		sentinel    error
		wantInMsg   string
	}{
		{"malformed JSON", 200, "application/json", `{"languageDefault": `, ErrInvalidResponse, "malformed JSON"},
		{"HTML with 200", 200, "text/html", long, ErrInvalidResponse, "<html><body>Gateway trouble."},
		{"empty body", 200, "application/json", "", ErrInvalidResponse, "empty body"},
		{"wrong content type", 200, "text/plain", `{"languageDefault":"de"}`, ErrInvalidResponse, "JSON content type"},
		{"HTML error page", 502, "text/html", long, ErrBadGateway, "unexpected body"},
		{"empty error", 404, "", "", ErrNotFound, "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/api/v4/public/system/info", func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			c := newTestClient(t, mux, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
			_, err := c.Public.SystemInfo(context.Background())
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("error %v does not match %v", err, tt.sentinel)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantInMsg) || !strings.Contains(msg, "GET") || !strings.Contains(msg, "/api/v4/public/system/info") {
				t.Errorf("message %q lacks %q or the request", msg, tt.wantInMsg)
			}
			if len(msg) > 600 {
				t.Errorf("message not truncated: %d bytes", len(msg))
			}
		})
	}
}

func TestUnreachableHostNamesHostAndCause(t *testing.T) {
	c, err := New("http://127.0.0.1:1", WithRetryPolicy(fastRetries))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*1e9)
	defer cancel()
	_, err = c.Public.SystemInfo(ctx)
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("got %T %v", err, err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("message %q does not name host and cause", err)
	}
	if ctx.Err() != nil {
		t.Errorf("gave up only at the deadline")
	}
}
