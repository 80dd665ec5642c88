package dracoon

// Tests for the client findings of the security review (issue 6):
// redirects, secrets in errors and logs, decoding cost, Retry-After
// overflow and Connect during a refresh.

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

// sink records every request a server that must never be reached receives.
type sink struct {
	mu   sync.Mutex
	seen []string // Authorization header and body of each request
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.seen = append(s.seen, r.Header.Get("Authorization")+" "+string(body))
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"access_token": "stolen", "expires_in": 60})
}

func (s *sink) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

// redirectTo answers every request with a 307 to target.
func redirectTo(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	}
}

// TestRedirectsAreRefused checks that neither the bearer token nor a login
// form follows a 307 to another port of the same host (which Go's client
// would send the Authorization header to) or to another host, with the
// default HTTP client and with one passed in by the user, which must not be
// modified.
func TestRedirectsAreRefused(t *testing.T) {
	const password = "Redirect-PW-s3cret"
	other := &sink{}
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()
	otherURL, _ := url.Parse(otherSrv.URL)
	// Same host name (127.0.0.1), another port; the query holds a secret.
	sameHost := otherSrv.URL + "/api/v4/user/account?leak=QUERY-s3cret"
	// Another host name for the same server.
	otherHost := "http://localhost:" + otherURL.Port() + "/oauth/token?leak=QUERY-s3cret"

	clients := map[string]func() []Option{
		"default client": func() []Option { return nil },
		"user client": func() []Option {
			return []Option{WithHTTPClient(&http.Client{})}
		},
		"user client that follows redirects": func() []Option {
			return []Option{WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }})}
		},
	}
	for name, opts := range clients {
		t.Run(name+"/API call", func(t *testing.T) {
			f := newFakeOAuth("ada", password)
			mux := f.mux()
			mux.Handle("GET /api/v4/nodes", redirectTo(sameHost))
			c := newTestClient(t, mux, opts()...)
			connect(t, c, f)
			_, err := c.Nodes.List(context.Background(), 0, nil)
			checkRedirectError(t, err, "127.0.0.1:"+otherURL.Port(), password, c.Token().AccessToken)
		})
		t.Run(name+"/token endpoint", func(t *testing.T) {
			for _, flow := range []AuthFlow{PasswordFlow("ada", password), AuthCodeFlow("CODE-s3cret"), RefreshTokenFlow("RT-s3cret")} {
				mux := http.NewServeMux()
				mux.Handle("POST /oauth/token", redirectTo(otherHost))
				c := newTestClient(t, mux, opts()...)
				err := c.Connect(context.Background(), flow)
				checkRedirectError(t, err, "localhost:"+otherURL.Port(), password, "CODE-s3cret", "RT-s3cret")
			}
		})
	}
	if seen := other.requests(); len(seen) != 0 {
		t.Errorf("the redirect target received %d requests: %q", len(seen), seen)
	}

	t.Run("user client not modified", func(t *testing.T) {
		hc := &http.Client{Timeout: time.Minute}
		c, err := New("https://dracoon.example.com", WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		if hc.CheckRedirect != nil {
			t.Error("WithHTTPClient changed the caller's client")
		}
		if c.httpClient == hc || c.httpClient.Timeout != time.Minute || c.httpClient.CheckRedirect == nil {
			t.Error("the client's copy lacks the caller's settings or the redirect check")
		}
	})
}

// checkRedirectError checks a refused redirect's error.
func checkRedirectError(t *testing.T, err error, wantHost string, secrets ...string) {
	t.Helper()
	var re *RequestError
	if !errors.Is(err, ErrRedirect) || !errors.As(err, &re) {
		t.Fatalf("got %v, want a *RequestError matching ErrRedirect", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "307") || !strings.Contains(msg, wantHost) {
		t.Errorf("error %q does not name the status and the target host %s", msg, wantHost)
	}
	if containsAny(msg, append(secrets, "QUERY-s3cret", "leak=")...) {
		t.Errorf("error %q quotes a secret or the target's query", msg)
	}
}

// echoForms returns s and the encodings under which a server might echo
// it: form and path escaping (also with lower-case hex), HTML and JSON.
func echoForms(s string) []string {
	lowerHex := regexp.MustCompile(`%[0-9A-F]{2}`)
	lower := func(v string) string { return lowerHex.ReplaceAllStringFunc(v, strings.ToLower) }
	js, _ := json.Marshal(s)
	q := url.QueryEscape(s)
	return []string{s, q, lower(q), url.PathEscape(s), lower(url.PathEscape(s)),
		strings.ReplaceAll(q, "+", "%20"), html.EscapeString(s), string(js[1 : len(js)-1])}
}

// TestEncodedSecretsAreRedacted makes the token endpoint echo the password
// in every encoding, as a page and inside an OAuth error, and checks that
// no encoding reaches the error or a debug-level log.
func TestEncodedSecretsAreRedacted(t *testing.T) {
	const password = "p@ss w0rd!:<&>\"ü\tend"
	forms := echoForms(password)
	if !containsAny(strings.Join(forms, " "), "p%40ss+w0rd%21") {
		t.Fatalf("the forms %q lack the review's example", forms)
	}
	echoes := map[string]http.HandlerFunc{
		"raw form body as text": func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(400)
			_, _ = w.Write([]byte("cannot parse " + string(body)))
		},
		"every form in a page": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<p>" + strings.Join(forms, "</p><p>") + "</p>"))
		},
		"every form in an OAuth error": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, map[string]any{"error": "invalid_grant", "error_description": "bad password " + strings.Join(forms, " | ")})
		},
	}
	for name, echo := range echoes {
		t.Run(name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.Handle("POST /oauth/token", echo)
			var logs testutil.SyncBuffer
			c := newTestClient(t, mux, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
				WithRetryPolicy(RetryPolicy{MaxAttempts: 2}))
			c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
			err := c.Connect(context.Background(), PasswordFlow("ada", password))
			if err == nil {
				t.Fatal("login accepted")
			}
			// "w0rd" is in every form, so partial leaks show too.
			checkNoSecrets(t, err, logs.String(), append(forms, "w0rd")...)
			if !strings.Contains(err.Error(), "[REDACTED]") {
				t.Errorf("error %q shows no redaction: did the echo arrive?", err)
			}
		})
	}
}

// TestTokenReplyNeverQuoted sends a 200 token reply that does not decode,
// at login and at a refresh: the error must be ErrInvalidResponse and
// neither it nor any log record may hold the fresh tokens.
func TestTokenReplyNeverQuoted(t *testing.T) {
	const freshAT, freshRT = "AT-fresh-s3cret", "RT-fresh-s3cret"
	malformed := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"` + freshAT + `","refresh_token":"` + freshRT + `","token_type":"bearer","expires_in":"3600"}`))
	}
	t.Run("login", func(t *testing.T) {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) { malformed(w) })
		var logs testutil.SyncBuffer
		c := newTestClient(t, mux, WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		err := c.Connect(context.Background(), PasswordFlow("ada", "pw"))
		if !errors.Is(err, ErrInvalidResponse) {
			t.Fatalf("got %v, want ErrInvalidResponse", err)
		}
		checkNoSecrets(t, err, logs.String(), freshAT, freshRT)
	})
	t.Run("refresh", func(t *testing.T) {
		f := newFakeOAuth("ada", "pw")
		mux := f.mux()
		var refreshes atomic.Int32
		tokenMux := http.NewServeMux()
		tokenMux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
			if r.FormValue("grant_type") == "refresh_token" {
				refreshes.Add(1)
				malformed(w)
				return
			}
			f.token(w, r)
		})
		tokenMux.Handle("/", mux)
		var logs testutil.SyncBuffer
		var clk clock
		c := newTestClient(t, tokenMux, WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		c.now = clk.now
		connect(t, c, f)
		clk.advance(2 * time.Hour)
		_, err := c.Account.Get(context.Background())
		if !errors.Is(err, ErrInvalidResponse) || refreshes.Load() == 0 {
			t.Fatalf("got %v after %d refreshes, want ErrInvalidResponse", err, refreshes.Load())
		}
		if !strings.Contains(logs.String(), "token refresh failed") {
			t.Fatalf("no warning logged:\n%s", logs.String())
		}
		checkNoSecrets(t, err, logs.String(), freshAT, freshRT)
	})
}

// checkNoSecrets fails if err or logs contain one of secrets.
func checkNoSecrets(t *testing.T, err error, logs string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error holds %q: %v", s, err)
		}
		if strings.Contains(logs, s) {
			t.Errorf("log holds %q:\n%s", s, logs)
		}
	}
}

// emptyItemsPage is a page of n empty list items: the review's case for
// n = 2 Mi (6 MiB).
func emptyItemsPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"range":{"offset":0,"limit":500,"total":` + strconv.Itoa(n) + `},"items":[`)
	b.WriteString(strings.Repeat("{},", n-1))
	b.WriteString("{}]}")
	return []byte(b.String())
}

// serveBytes answers every request with body as JSON.
func serveBytes(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}

// decodeCost fetches body as a page of nodes and measures what the call
// allocates in all and what stays live on the heap while the page is held.
func decodeCost(t *testing.T, body []byte) (page *NodeList, allocated, live uint64, err error) {
	t.Helper()
	c := newTestClient(t, serveBytes(body))
	page = new(NodeList)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err = c.do(context.Background(), &apiCall{method: http.MethodGet, path: "/api/v4/nodes", public: true}, page)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(page)
	live = max(after.HeapAlloc, before.HeapAlloc) - before.HeapAlloc
	return page, after.TotalAlloc - before.TotalAlloc, live, err
}

// TestDecodingCostIsBounded fetches the review's page of 2 Mi empty items
// and checks that the client refuses it with ErrInvalidResponse instead of
// building the items; then it measures the largest list the client
// accepts. The figures are logged (go test -v -run DecodingCost).
func TestDecodingCostIsBounded(t *testing.T) {
	body := emptyItemsPage(2 << 20)
	page, allocated, live, err := decodeCost(t, body)
	t.Logf("%d-byte page of 2 Mi empty items: %d items decoded, %d MiB allocated, %d MiB live after the call",
		len(body), len(page.Items), allocated>>20, live>>20)
	if !errors.Is(err, ErrInvalidResponse) {
		t.Fatalf("got %v with %d items, want ErrInvalidResponse", err, len(page.Items))
	}
	if allocated > 64<<20 {
		t.Errorf("refusing the page allocated %d MiB", allocated>>20)
	}

	body = emptyItemsPage(maxJSONArrayItems)
	page, allocated, live, err = decodeCost(t, body)
	t.Logf("%d-byte page of %d empty items (the most accepted): %d MiB allocated, %d MiB live after the call",
		len(body), len(page.Items), allocated>>20, live>>20)
	if err != nil || len(page.Items) != maxJSONArrayItems {
		t.Fatalf("got %v with %d items", err, len(page.Items))
	}
	if live > 64<<20 {
		t.Errorf("the largest accepted page holds %d MiB", live>>20)
	}
}

// TestJSONShapeLimits checks the limits on item counts and nesting at their
// boundaries.
func TestJSONShapeLimits(t *testing.T) {
	items := func(n int) string {
		return `{"range":{"total":1},"items":[` + strings.TrimSuffix(strings.Repeat(`{"id":1},`, n), ",") + `]}`
	}
	nested := func(depth int) string {
		return `{"range":{"total":1},"x":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
	}
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"empty list", items(0), true},
		{"a full page", items(MaxPageSize), true},
		{"the most items in one list", items(maxJSONArrayItems), true},
		{"one item too many", items(maxJSONArrayItems + 1), false},
		{"deepest nesting", nested(maxJSONDepth), true},
		{"one level too deep", nested(maxJSONDepth + 1), false},
		{"brackets in strings do not count", `{"range":{"total":1},"x":"` + strings.Repeat("[", 2*maxJSONDepth) + `\"` + strings.Repeat(",", 2*maxJSONArrayItems) + `"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, serveBytes([]byte(tt.body)))
			var page NodeList
			err := c.do(context.Background(), &apiCall{method: http.MethodGet, path: "/api/v4/nodes", public: true}, &page)
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidResponse)) {
				t.Fatalf("got %v, want ok = %t or ErrInvalidResponse", err, tt.ok)
			}
		})
	}
}

// TestOversizedBodyIsInvalidResponse checks that a body over the cap gives
// an error of the documented kind, not a transport error.
func TestOversizedBodyIsInvalidResponse(t *testing.T) {
	body := []byte(`{"items":[],"x":"` + strings.Repeat("a", maxResponseBody) + `"}`)
	c := newTestClient(t, serveBytes(body))
	var page NodeList
	err := c.do(context.Background(), &apiCall{method: http.MethodGet, path: "/api/v4/nodes", public: true}, &page)
	if !errors.Is(err, ErrInvalidResponse) {
		t.Fatalf("got %v, want ErrInvalidResponse", err)
	}
}

// TestRetryAfterOverflow checks that a huge Retry-After is clamped, not
// wrapped negative, and makes the client give up at once with the 429
// instead of retrying immediately.
func TestRetryAfterOverflow(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, v := range []string{"9999999999", "99999999999999999999999", " 9999999999 ", "Fri, 31 Dec 9999 23:59:59 GMT"} {
		if d := parseRetryAfter(v, now); d < 100*365*24*time.Hour {
			t.Errorf("parseRetryAfter(%q) = %v, want a clamped huge wait", v, d)
		}
	}
	h, n := flaky(100, status(429, "9999999999"))
	mux := http.NewServeMux()
	mux.Handle("/api/v4/public/system/info", h)
	c := newTestClient(t, mux)
	waits := recordSleeps(c)
	_, err := c.Public.SystemInfo(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.RetryAfter <= 0 {
		t.Fatalf("got %v, want the 429 with its Retry-After", err)
	}
	if n.Load() != 1 || len(*waits) != 0 {
		t.Errorf("%d attempts and waits %v, want one attempt and no wait", n.Load(), *waits)
	}

	// A policy that would wait for any Retry-After still gives up at once
	// when the wait outlasts the context's deadline.
	n.Store(0)
	c = newTestClient(t, mux, WithRetryPolicy(RetryPolicy{MaxAttempts: 3, MaxRetryAfter: maxDuration}))
	waits = recordSleeps(c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if _, err := c.Public.SystemInfo(ctx); !errors.Is(err, ErrTooManyRequests) || n.Load() != 1 || len(*waits) != 0 {
		t.Errorf("with a deadline: %v after %d attempts and waits %v", err, n.Load(), *waits)
	}
}

// heldRefresh is a token server whose refresh grants wait until released,
// answering with a fixed "stale" token pair (or invalid_grant).
type heldRefresh struct {
	f                *fakeOAuth
	started, release chan struct{}
	revoked          chan string // the tokens revoked, in order
	succeed          bool
	once             sync.Once
}

func newHeldRefresh(succeed bool) *heldRefresh {
	return &heldRefresh{f: newFakeOAuth("ada", "pw"), started: make(chan struct{}), release: make(chan struct{}),
		revoked: make(chan string, 10), succeed: succeed}
}

func (h *heldRefresh) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("grant_type") != "refresh_token" {
			h.f.token(w, r)
			return
		}
		h.once.Do(func() { close(h.started) })
		<-h.release
		if h.succeed {
			writeJSON(w, 200, map[string]any{"access_token": "stale-AT", "refresh_token": "stale-RT", "token_type": "bearer", "expires_in": 3600})
			return
		}
		writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
	})
	mux.HandleFunc("POST /oauth/revoke", func(w http.ResponseWriter, r *http.Request) {
		h.revoked <- r.FormValue("token")
		h.f.revoke(w, r)
	})
	mux.Handle("/", h.f.mux())
	return mux
}

// startExpiredCall connects c, lets the access token expire and starts a
// call, which starts a refresh; it returns once the server holds the
// refresh, with the channel that will carry the call's error.
func (h *heldRefresh) startExpiredCall(t *testing.T, c *Client, clk *clock) <-chan error {
	t.Helper()
	c.now = clk.now
	connect(t, c, h.f)
	clk.advance(2 * time.Hour)
	result := make(chan error, 1)
	go func() {
		_, err := c.Account.Get(context.Background())
		result <- err
	}()
	<-h.started
	return result
}

// wantRevoked reads n revocations and checks they are the stale tokens.
func (h *heldRefresh) wantRevoked(t *testing.T, want ...string) {
	t.Helper()
	var got []string
	for range want {
		select {
		case tok := <-h.revoked:
			got = append(got, tok)
		case <-time.After(time.Minute): // a guard against hanging, not a speed check
			t.Fatalf("revoked only %q, want %q", got, want)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("revoked %q, want %q", got, want)
	}
}

// TestConnectDuringRefresh holds a refresh on the server until a second
// Connect has stored new tokens: the caller waiting for the refresh must
// get through with the new tokens, whether the stale refresh then succeeds
// (its tokens are revoked, not kept) or fails.
func TestConnectDuringRefresh(t *testing.T) {
	for _, succeed := range []bool{true, false} {
		t.Run(map[bool]string{true: "stale refresh succeeds", false: "stale refresh fails"}[succeed], func(t *testing.T) {
			h := newHeldRefresh(succeed)
			var clk clock
			c := newTestClient(t, h.mux())
			result := h.startExpiredCall(t, c, &clk)
			connect(t, c, h.f) // a second login while the refresh hangs
			fresh := c.Token()
			close(h.release)
			if err := <-result; err != nil {
				t.Fatalf("caller waiting on the refresh: %v", err)
			}
			if succeed {
				h.wantRevoked(t, "stale-AT", "stale-RT")
			}
			if c.Token() != fresh {
				t.Errorf("the stale refresh replaced the new login's tokens")
			}
		})
	}
}

// TestLogoutDuringRefresh logs out while a refresh hangs: the waiting
// caller gets ErrNotConnected, and the tokens the refresh then obtains are
// revoked instead of staying valid and unknown.
func TestLogoutDuringRefresh(t *testing.T) {
	h := newHeldRefresh(true)
	var clk clock
	c := newTestClient(t, h.mux())
	result := h.startExpiredCall(t, c, &clk)
	old := c.Token()
	if err := c.Logout(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	h.wantRevoked(t, old.AccessToken, old.RefreshToken)
	close(h.release)
	if err := <-result; !errors.Is(err, ErrNotConnected) {
		t.Fatalf("caller waiting on the refresh: %v", err)
	}
	h.wantRevoked(t, "stale-AT", "stale-RT")
	if c.Connected() {
		t.Error("connected after logout")
	}
}

// TestConnectReplacesTheWholeTokenSet checks that a login whose reply has
// no refresh token does not keep the previous session's one, while a
// refresh reply without one keeps it (and reports it to the token hook).
func TestConnectReplacesTheWholeTokenSet(t *testing.T) {
	var withRT atomic.Bool
	withRT.Store(true)
	var hooked []Token
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		reply := map[string]any{"access_token": "AT-" + r.FormValue("grant_type"), "token_type": "bearer", "expires_in": 3600}
		if withRT.Load() {
			reply["refresh_token"] = "RT-first-session"
		}
		writeJSON(w, 200, reply)
	})
	mux.HandleFunc("GET /api/v4/user/account", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": 1})
	})
	var clk clock
	c := newTestClient(t, mux, WithTokenHook(func(tok Token) { hooked = append(hooked, tok) }))
	c.now = clk.now
	if err := c.Connect(context.Background(), PasswordFlow("first", "pw")); err != nil {
		t.Fatal(err)
	}
	withRT.Store(false)
	clk.advance(2 * time.Hour)
	if _, err := c.Account.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tok := c.Token(); tok.AccessToken != "AT-refresh_token" || tok.RefreshToken != "RT-first-session" {
		t.Fatalf("after a refresh without a new refresh token: %+v", tok)
	}
	if last := hooked[len(hooked)-1]; last.RefreshToken != "RT-first-session" {
		t.Errorf("the token hook was told of no refresh token after a refresh")
	}
	if err := c.Connect(context.Background(), PasswordFlow("second", "pw")); err != nil {
		t.Fatal(err)
	}
	if tok := c.Token(); tok.RefreshToken != "" {
		t.Errorf("a new login kept the previous session's refresh token")
	}
}

// TestEchoedClientCredentialsAreRedacted makes the token endpoint echo the
// Authorization header of an OAuth call, which carries the client secret
// in base64.
func TestEchoedClientCredentialsAreRedacted(t *testing.T) {
	const clientSecret = "client-s3cret-for-echo"
	mux := http.NewServeMux()
	var header atomic.Value
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		header.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(400)
		_, _ = w.Write([]byte("<p>rejected " + r.Header.Get("Authorization") + "</p>"))
	})
	var logs testutil.SyncBuffer
	c := newTestClient(t, mux, WithClientSecret(clientSecret),
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	err := c.Connect(context.Background(), PasswordFlow("ada", "pw"))
	if err == nil {
		t.Fatal("login accepted")
	}
	basic, _ := header.Load().(string)
	if !strings.HasPrefix(basic, "Basic ") {
		t.Fatalf("no client authentication sent: %q", basic)
	}
	checkNoSecrets(t, err, logs.String(), strings.TrimPrefix(basic, "Basic "), clientSecret)
}

// TestSnippetNeverShowsPartOfASecret quotes bodies where a secret sits at
// every offset around the end of the quoted stretch and of the window the
// client looks at, after runs of other secrets that redaction shortens.
func TestSnippetNeverShowsPartOfASecret(t *testing.T) {
	const secret = "S3CR3T-abcdefghijklmnopqrstuvwxyz-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ-!@#$%^&*()-end"
	c, err := New("https://dracoon.example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, prefixSecrets := range []int{0, 1, 5, 30} {
		for offset := 0; offset < 2000; offset += 7 {
			body := strings.Repeat(url.QueryEscape(secret), prefixSecrets) + strings.Repeat("x", offset) + secret + strings.Repeat("y", 3000)
			got := c.snippet([]byte(body), []string{secret})
			for i := 0; i+8 <= len(secret); i++ {
				if strings.Contains(got, secret[i:i+8]) {
					t.Fatalf("%d secrets then %d bytes: snippet %q shows %q", prefixSecrets, offset, got, secret[i:i+8])
				}
			}
			if !strings.HasSuffix(got, "…") || len([]rune(got)) > maxBodySnippet+1 {
				t.Fatalf("snippet %q not truncated", got)
			}
		}
	}
}

// TestServerTextInErrorsIsTamed sends an error whose texts carry terminal
// control sequences (ESC and the C1 CSI, U+009B) and run to megabytes: the
// error must hold neither the controls nor the whole text.
func TestServerTextInErrorsIsTamed(t *testing.T) {
	const hostile = "\x1b]0;owned\x07\u009b31mred\r\n"
	long := strings.Repeat("a", 1<<20)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v4/public/system/info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"code": 400, "message": hostile, "debugInfo": hostile + long, "errorCode": -1})
	})
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"error": "invalid_grant" + hostile, "error_description": hostile + long})
	})
	c := newTestClient(t, mux)
	_, apiErr := c.Public.SystemInfo(context.Background())
	oauthErr := c.Connect(context.Background(), PasswordFlow("ada", "pw"))
	for _, err := range []error{apiErr, oauthErr} {
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("got %v", err)
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\x1b\x07\u009b\r\n") {
			t.Errorf("error keeps control characters: %q", msg[:min(len(msg), 300)])
		}
		if len(msg) > 16<<10 {
			t.Errorf("error of %d bytes", len(msg))
		}
		if !strings.Contains(ae.Message+ae.OAuthError, "red") {
			t.Errorf("the printable text was lost: %+v", ae)
		}
	}
}

// TestHugeExpiresIn checks that a huge expires_in is clamped instead of
// overflowing into an expiry in the past (which would refresh on every
// call).
func TestHugeExpiresIn(t *testing.T) {
	issued := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, secs := range []int64{9999999999, 1 << 62, 1<<63 - 1} {
		tok := (&tokenResponse{AccessToken: "a", ExpiresIn: secs}).token(issued)
		if !tok.Expiry.After(issued.Add(100 * 365 * 24 * time.Hour)) {
			t.Errorf("expires_in %d: expiry %v", secs, tok.Expiry)
		}
	}
}
