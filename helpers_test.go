package dracoon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastRetries keeps retry tests quick: tiny jittered waits.
var fastRetries = RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Minute}

// newTestClient starts an httptest server with mux and a client for it.
func newTestClient(t *testing.T, mux http.Handler, opts ...Option) *Client {
	t.Helper()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts = append([]Option{WithRetryPolicy(fastRetries)}, opts...)
	c, err := New(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fakeOAuth is a minimal token endpoint: it accepts one user and issues
// numbered tokens, counting grants by type.
type fakeOAuth struct {
	user, password string
	expiresIn      int
	delay          time.Duration // before answering a refresh

	mu      sync.Mutex
	seq     int
	valid   map[string]bool // access tokens accepted by the API handler
	grants  map[string]int
	revoked []string
	lastRT  string
}

func newFakeOAuth(user, password string) *fakeOAuth {
	return &fakeOAuth{user: user, password: password, expiresIn: 3600, valid: map[string]bool{}, grants: map[string]int{}}
}

func (f *fakeOAuth) grantCount(kind string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.grants[kind]
}

// issue mints a token pair; f.mu must be held.
func (f *fakeOAuth) issue(w http.ResponseWriter) {
	f.seq++
	at := "access-" + strconv.Itoa(f.seq) + "-s3cr3tAT"
	rt := "refresh-" + strconv.Itoa(f.seq) + "-s3cr3tRT"
	f.valid[at] = true
	f.lastRT = rt
	writeJSON(w, 200, map[string]any{"access_token": at, "refresh_token": rt, "token_type": "bearer", "expires_in": f.expiresIn, "scope": "all"})
}

func (f *fakeOAuth) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid_request"})
		return
	}
	if id, _, ok := r.BasicAuth(); !ok || id == "" {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	gt := r.PostForm.Get("grant_type")
	f.mu.Lock()
	f.grants[gt]++
	f.mu.Unlock()
	if gt == "refresh_token" && f.delay > 0 {
		time.Sleep(f.delay)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch gt {
	case "password":
		if r.PostForm.Get("username") != f.user || r.PostForm.Get("password") != f.password {
			writeJSON(w, 401, map[string]string{"error": "unauthorized", "error_description": "Authentication failed."})
			return
		}
	case "refresh_token":
		if r.PostForm.Get("refresh_token") != f.lastRT {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
			return
		}
	default:
		writeJSON(w, 400, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	f.issue(w)
}

func (f *fakeOAuth) revoke(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.revoked = append(f.revoked, r.PostForm.Get("token_type_hint"))
	delete(f.valid, r.PostForm.Get("token"))
	f.mu.Unlock()
	w.WriteHeader(200)
}

// authorized checks the bearer token of an API request.
func (f *fakeOAuth) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if len(h) < 8 || h[:7] != "Bearer " {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.valid[h[7:]]
}

// mux returns a mux with the OAuth endpoints and an account endpoint that
// checks tokens; extra handlers may be added by the caller.
func (f *fakeOAuth) mux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /oauth/token", f.token)
	m.HandleFunc("POST /oauth/revoke", f.revoke)
	m.HandleFunc("GET /api/v4/user/account", func(w http.ResponseWriter, r *http.Request) {
		if !f.authorized(r) {
			writeJSON(w, 401, map[string]any{"code": 401, "message": "Unauthorized", "debugInfo": "Wrong token", "errorCode": -10012})
			return
		}
		writeJSON(w, 200, map[string]any{"id": 7, "userName": f.user, "firstName": "Ada", "lastName": "L"})
	})
	return m
}

// connect logs c in through f.
func connect(t *testing.T, c *Client, f *fakeOAuth) {
	t.Helper()
	if err := c.Connect(context.Background(), PasswordFlow(f.user, f.password)); err != nil {
		t.Fatalf("Connect: %v", err)
	}
}

// clock is a settable time source for Client.now.
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) advance(d time.Duration) { c.off.Add(int64(d)) }

// fmtAll prints v with every common verb.
func fmtAll(v any) string {
	return fmt.Sprintf("%v %+v %#v %s %q", v, v, v, v, v)
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
