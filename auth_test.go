package dracoon

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestConnectAndAuthenticatedCall(t *testing.T) {
	f := newFakeOAuth("ada", "Pa55word!")
	var hooked []Token
	c := newTestClient(t, f.mux(), WithTokenHook(func(tok Token) { hooked = append(hooked, tok) }))
	if c.Connected() {
		t.Fatal("connected before Connect")
	}
	if _, err := c.Account.Get(context.Background()); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("call before Connect: %v", err)
	}
	connect(t, c, f)
	acc, err := c.Account.Get(context.Background())
	if err != nil || acc.UserName != "ada" {
		t.Fatalf("Get: %v, %v", acc, err)
	}
	if len(hooked) != 1 || hooked[0].AccessToken != c.Token().AccessToken || hooked[0].RefreshToken == "" {
		t.Errorf("token hook got %v", hooked)
	}
	if exp := c.Token().Expiry; time.Until(exp) < 59*time.Minute || time.Until(exp) > 61*time.Minute {
		t.Errorf("expiry %v not one hour ahead", exp)
	}
}

func TestWrongPasswordIsUnauthorized(t *testing.T) {
	f := newFakeOAuth("ada", "Pa55word!")
	c := newTestClient(t, f.mux())
	err := c.Connect(context.Background(), PasswordFlow("ada", "wrong-password"))
	var ae *APIError
	if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &ae) || ae.OAuthDescription != "Authentication failed." {
		t.Fatalf("got %v", err)
	}
	if c.Connected() {
		t.Error("connected after a failed login")
	}
}

func TestConnectRejectsEmptyCredentials(t *testing.T) {
	c, _ := New("https://dracoon.example.com")
	for _, flow := range []AuthFlow{PasswordFlow("", "x"), PasswordFlow("x", ""), AuthCodeFlow(""), RefreshTokenFlow(""), nil} {
		if err := c.Connect(context.Background(), flow); err == nil {
			t.Errorf("%T accepted", flow)
		}
	}
}

func TestProactiveRefresh(t *testing.T) {
	f := newFakeOAuth("ada", "pw")
	var clk clock
	var hooked []Token
	c := newTestClient(t, f.mux(), WithTokenHook(func(tok Token) { hooked = append(hooked, tok) }))
	c.now = clk.now
	connect(t, c, f)
	first := c.Token()
	clk.advance(50 * time.Minute) // still 10 minutes left: no refresh
	if _, err := c.Account.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.grantCount("refresh_token") != 0 {
		t.Fatal("refreshed a token with 10 minutes left")
	}
	clk.advance(9*time.Minute + 30*time.Second) // inside the 60 s margin
	if _, err := c.Account.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.grantCount("refresh_token") != 1 {
		t.Fatalf("%d refreshes, want 1", f.grantCount("refresh_token"))
	}
	if c.Token().AccessToken == first.AccessToken || len(hooked) != 2 || hooked[1].RefreshToken != c.Token().RefreshToken {
		t.Errorf("rotated tokens not stored or not reported: hook got %v", hooked)
	}
}

func TestConcurrentRefreshIsSingleFlight(t *testing.T) {
	f := newFakeOAuth("ada", "pw")
	f.delay = 50 * time.Millisecond // let every goroutine meet the expired token
	var clk clock
	c := newTestClient(t, f.mux(), WithMaxConcurrentRequests(16))
	c.now = clk.now
	connect(t, c, f)
	clk.advance(2 * time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Go(func() {
			if _, err := c.Account.Get(context.Background()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := f.grantCount("refresh_token"); n != 1 {
		t.Fatalf("%d refreshes for 100 goroutines, want exactly 1", n)
	}
}

func TestRefreshSurvivesTheCallerGivingUp(t *testing.T) {
	f := newFakeOAuth("ada", "pw")
	f.delay = 100 * time.Millisecond
	var clk clock
	c := newTestClient(t, f.mux())
	c.now = clk.now
	connect(t, c, f)
	clk.advance(2 * time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Account.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("impatient caller: %v", err)
	}
	if _, err := c.Account.Get(context.Background()); err != nil {
		t.Fatalf("patient caller: %v", err)
	}
	if n := f.grantCount("refresh_token"); n != 1 {
		t.Errorf("%d refreshes, want the first one to have finished and been reused", n)
	}
}

func TestUnauthorizedTriggersOneRefresh(t *testing.T) {
	f := newFakeOAuth("ada", "pw")
	c := newTestClient(t, f.mux())
	connect(t, c, f)
	f.mu.Lock()
	clear(f.valid) // the server forgot every access token
	f.mu.Unlock()
	if _, err := c.Account.Get(context.Background()); err != nil {
		t.Fatalf("after a server-side revocation: %v", err)
	}
	if n := f.grantCount("refresh_token"); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	// When the refresh token is dead too, the 401 comes through.
	f.mu.Lock()
	clear(f.valid)
	f.lastRT = "nothing matches"
	f.mu.Unlock()
	if _, err := c.Account.Get(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("dead refresh token: %v", err)
	}
}

func TestExpiredWithoutRefreshToken(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"access_token": "only-access", "token_type": "bearer", "expires_in": 60})
	})
	var clk clock
	c := newTestClient(t, mux)
	c.now = clk.now
	if err := c.Connect(context.Background(), PasswordFlow("a", "b")); err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Minute)
	if c.Connected() {
		t.Error("Connected with an expired access token and no refresh token")
	}
	if err := c.TestConnection(context.Background()); !errors.Is(err, ErrNotConnected) {
		t.Errorf("TestConnection: %v", err)
	}
}

func TestLogoutRevokes(t *testing.T) {
	for _, both := range []bool{false, true} {
		f := newFakeOAuth("ada", "pw")
		c := newTestClient(t, f.mux())
		connect(t, c, f)
		if err := c.Logout(context.Background(), both); err != nil {
			t.Fatal(err)
		}
		want := []string{"access_token"}
		if both {
			want = append(want, "refresh_token")
		}
		if len(f.revoked) != len(want) || f.revoked[0] != want[0] || (both && f.revoked[1] != want[1]) {
			t.Errorf("revoked %v, want %v", f.revoked, want)
		}
		if c.Connected() || c.Token() != (Token{}) {
			t.Error("still connected after logout")
		}
		if _, err := c.Account.Get(context.Background()); !errors.Is(err, ErrNotConnected) {
			t.Errorf("call after logout: %v", err)
		}
		if err := c.Logout(context.Background(), both); !errors.Is(err, ErrNotConnected) {
			t.Errorf("second logout: %v", err)
		}
	}
}

func TestTokenNeverPrintsSecrets(t *testing.T) {
	tok := Token{AccessToken: "AT-secret-value", RefreshToken: "RT-secret-value", Expiry: time.Unix(1e9, 0)}
	for _, s := range []string{
		tok.String(), tok.GoString(),
		fmtAll(tok), fmtAll(&tok), fmtAll([]Token{tok}), fmtAll(struct{ T Token }{tok}),
	} {
		if containsAny(s, "AT-secret-value", "RT-secret-value") {
			t.Errorf("printed a secret: %s", s)
		}
	}
}
