package dracoon

// End-to-end tests against the emulator (dracoontest). Every request the
// SDK sends and every response the emulator returns passes through the
// contract validator, which checks both against the DRACOON OpenAPI
// document (and the recorded OAuth fixtures for /oauth).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/contract"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// newEmulator starts a contract-checked emulator.
func newEmulator(t *testing.T, opts ...dracoontest.Option) *dracoontest.Server {
	t.Helper()
	return dracoontest.NewServer(t, append([]dracoontest.Option{dracoontest.WithMiddleware(contract.Middleware(t))}, opts...)...)
}

// emulatorClient returns a client for srv using the public client id.
func emulatorClient(t *testing.T, srv *dracoontest.Server, opts ...Option) *Client {
	t.Helper()
	c, err := New(srv.URL, append([]Option{WithRetryPolicy(fastRetries)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEmulatorPasswordFlowAndInfo(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	for _, creds := range []struct{ id, secret string }{{srv.PublicClientID, ""}, {srv.ClientID, srv.ClientSecret}} {
		c := emulatorClient(t, srv, WithClientID(creds.id), WithClientSecret(creds.secret))
		if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
			t.Fatalf("client %s: %v", creds.id, err)
		}
		if err := c.TestConnection(ctx); err != nil {
			t.Fatal(err)
		}
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Account.ID != srv.AdminID || info.Account.UserName != srv.AdminLogin || !info.Account.UserRoles.Has(RoleConfigManager) {
			t.Errorf("account %+v", info.Account)
		}
		if !info.SystemInfo.UseS3Storage || !info.General.UseS3Storage || info.Defaults.LanguageDefault == "" || info.Infrastructure.TenantUUID == "" {
			t.Errorf("instance info %+v / %+v / %+v / %+v", info.SystemInfo, info.General, info.Defaults, info.Infrastructure)
		}
		if info.ADAuth == nil || info.OpenIDAuth == nil {
			t.Error("AD or OpenID info missing")
		}
	}
}

func TestEmulatorEveryInfoEndpoint(t *testing.T) {
	srv := newEmulator(t, dracoontest.WithS3(false), dracoontest.WithCrypto(true))
	c := emulatorClient(t, srv)
	ctx := context.Background()
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	si, err := c.Public.SystemInfo(ctx)
	if err != nil || si.UseS3Storage {
		t.Errorf("system info %+v, %v (S3 off)", si, err)
	}
	g, err := c.Config.General(ctx)
	if err != nil || !g.CryptoEnabled || g.UseS3Storage {
		t.Errorf("general %+v, %v", g, err)
	}
	for name, get := range map[string]func() error{
		"customer":          func() error { _, err := c.Account.Customer(ctx); return err },
		"more info":         func() error { _, err := c.Account.GetMoreInfo(ctx); return err },
		"software version":  func() error { v, err := c.Public.SoftwareVersion(ctx); return check(err, v.RestAPIVersion != "") },
		"time":              func() error { tm, err := c.Public.Time(ctx); return check(err, time.Since(tm).Abs() < time.Hour) },
		"algorithms":        func() error { a, err := c.Config.Algorithms(ctx); return check(err, len(a.KeyPairAlgorithms) > 0) },
		"password policies": func() error { _, err := c.Config.PasswordPolicies(ctx); return err },
		"classification":    func() error { _, err := c.Config.ClassificationPolicies(ctx); return err },
		"packages":          func() error { _, err := c.Config.ProductPackages(ctx); return err },
		"current packages":  func() error { _, err := c.Config.CurrentProductPackages(ctx); return err },
		"s3 tags (S3 off)": func() error {
			if _, err := c.Config.S3Tags(ctx); !errors.Is(err, ErrPreconditionFailed) {
				return fmt.Errorf("want 412, got %v", err)
			}
			return nil
		},
	} {
		if err := get(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	first := "Grace"
	acc, err := c.Account.Update(ctx, &UpdateAccountRequest{FirstName: &first})
	if err != nil || acc.FirstName != "Grace" {
		t.Errorf("update account: %+v, %v", acc, err)
	}
}

// check turns a failed expectation into an error.
func check(err error, ok bool) error {
	if err == nil && !ok {
		return errors.New("unexpected value")
	}
	return err
}

func TestEmulatorWrongPassword(t *testing.T) {
	srv := newEmulator(t)
	c := emulatorClient(t, srv)
	err := c.Connect(context.Background(), PasswordFlow(srv.AdminLogin, "not-"+srv.AdminPassword))
	var ae *APIError
	if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &ae) || ae.OAuthError == "" {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), srv.AdminPassword) {
		t.Error("error repeats the password")
	}
}

func TestEmulatorAuthCodeFlow(t *testing.T) {
	srv := newEmulator(t, dracoontest.WithAutoApprove("admin"))
	c := emulatorClient(t, srv, WithClientID(srv.ClientID), WithClientSecret(srv.ClientSecret))
	ctx := context.Background()

	// The browser step: the emulator approves at once and redirects.
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(c.AuthCodeURL("xyz-state"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || loc.Query().Get("state") != "xyz-state" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if want := srv.URL + "/oauth/callback"; !strings.HasPrefix(loc.String(), want) {
		t.Errorf("redirected to %s, want %s", loc, want)
	}
	code := loc.Query().Get("code")
	if err := c.Connect(ctx, AuthCodeFlow(code)); err != nil {
		t.Fatal(err)
	}
	if acc, err := c.Account.Get(ctx); err != nil || acc.UserName != "admin" {
		t.Fatalf("account after code login: %v, %v", acc, err)
	}
	// Codes are single use.
	c2 := emulatorClient(t, srv, WithClientID(srv.ClientID), WithClientSecret(srv.ClientSecret))
	if err := c2.Connect(ctx, AuthCodeFlow(code)); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("second use of a code: %v", err)
	}
	// A code made through the test control works the same way.
	code, err = srv.AuthorizationCode("admin", srv.ClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.Connect(ctx, AuthCodeFlow(code)); err != nil {
		t.Fatal(err)
	}
}

func TestEmulatorRefreshTokenLoginAndLogout(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	saved := c.Token()
	if err := c.Logout(ctx, false); err != nil {
		t.Fatal(err)
	}
	// The revoked access token is dead on the server.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v4/user/account", nil)
	req.Header.Set("Authorization", "Bearer "+saved.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked access token answered %d", resp.StatusCode)
	}
	// The refresh token was kept: a new session starts from it.
	c2 := emulatorClient(t, srv)
	if err := c2.Connect(ctx, RefreshTokenFlow(saved.RefreshToken)); err != nil {
		t.Fatalf("login with the saved refresh token: %v", err)
	}
	if err := c2.Logout(ctx, true); err != nil {
		t.Fatal(err)
	}
	c3 := emulatorClient(t, srv)
	if err := c3.Connect(ctx, RefreshTokenFlow(saved.RefreshToken)); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("login with a revoked refresh token: %v", err)
	}
}

// countTokenCalls counts POST /oauth/token requests reaching the emulator.
func countTokenCalls(n *atomic.Int32) dracoontest.Option {
	return dracoontest.WithMiddleware(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/oauth/token" {
				n.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
}

func TestEmulatorExpiredTokens(t *testing.T) {
	var tokenCalls atomic.Int32
	srv := newEmulator(t, dracoontest.WithAccessTokenLifetime(time.Hour), countTokenCalls(&tokenCalls))
	ctx := context.Background()
	var clk clock
	c := emulatorClient(t, srv, WithMaxConcurrentRequests(16))
	c.now = clk.now
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}

	// The server expires the token behind the client's back: the 401 leads
	// to one refresh and the call succeeds.
	srv.ExpireAccessTokens()
	if _, err := c.Account.Get(ctx); err != nil {
		t.Fatalf("after server-side expiry: %v", err)
	}
	if tokenCalls.Load() != 2 {
		t.Fatalf("%d token calls, want login + 1 refresh", tokenCalls.Load())
	}

	// Both clocks move past the expiry: 100 goroutines meet the expired
	// token and share one refresh.
	if err := srv.AdvanceClock(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Hour)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 100 {
		wg.Go(func() {
			if _, err := c.Account.Get(ctx); err != nil {
				failed.Add(1)
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if tokenCalls.Load() != 3 {
		t.Errorf("%d token calls, want exactly one more refresh for 100 goroutines", tokenCalls.Load())
	}
}

func TestEmulatorInjectedFaultsAreRetried(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	waits := recordSleeps(c)
	for _, f := range []dracoontest.Fault{
		{Method: "GET", Path: "^/api/v4/user/account$", Count: 2, Status: 429, RetryAfter: 2 * time.Second},
		{Method: "GET", Path: "^/api/v4/user/account$", Count: 2, Status: 503},
		{Method: "GET", Path: "^/api/v4/user/account$", Count: 2, Drop: true},
	} {
		if err := srv.InjectFault(f); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Account.Get(ctx); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
		if srv.PendingFaults() != 0 {
			t.Errorf("%+v: %d faults left", f, srv.PendingFaults())
		}
	}
	// Go's transport may itself resend a GET once on a dropped reused
	// connection, so the drops cost one or two of our retries.
	if len(*waits) < 5 || (*waits)[0] != 2*time.Second || (*waits)[1] != 2*time.Second {
		t.Errorf("waits %v: want 5 or 6, the first two from Retry-After", *waits)
	}

	// A POST whose connection breaks may have been processed: no retry.
	if err := srv.InjectFault(dracoontest.Fault{Method: "POST", Path: "^/api/v4/nodes/rooms$", Count: 1, Drop: true}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Nodes.CreateRoom(ctx, &CreateRoomRequest{Name: "once", AdminIDs: []int64{srv.AdminID}})
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("POST after a dropped connection: %v", err)
	}
	// A 503 on the same POST means it was not processed: retried.
	if err := srv.InjectFault(dracoontest.Fault{Method: "POST", Path: "^/api/v4/nodes/rooms$", Count: 1, Status: 503}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Nodes.CreateRoom(ctx, &CreateRoomRequest{Name: "twice", AdminIDs: []int64{srv.AdminID}}); err != nil {
		t.Fatalf("POST after a 503: %v", err)
	}
}

func TestEmulatorRetryAfterIsReallyWaited(t *testing.T) {
	srv := newEmulator(t)
	c := emulatorClient(t, srv)
	if err := srv.InjectFault(dracoontest.Fault{Path: "^/api/v4/public/system/info$", Count: 1, Status: 429, RetryAfter: time.Second}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.Public.SystemInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("answered after %v, before the Retry-After of 1s", waited)
	}
}

func TestEmulatorRoomPaging(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	const rooms = 250
	for i := range rooms {
		if _, err := srv.CreateRoom(fmt.Sprintf("room-%04d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	page, err := c.Nodes.List(ctx, 0, &ListNodesOptions{ListOptions: ListOptions{Offset: 200, Limit: 40, Sort: "name:asc"}})
	if err != nil {
		t.Fatal(err)
	}
	if page.Range.Total != rooms || page.Range.Offset != 200 || len(page.Items) != 40 || page.Items[0].Name != "room-0200" {
		t.Fatalf("page range %+v, %d items, first %q", page.Range, len(page.Items), page.Items[0].Name)
	}
	i := 0
	for room, err := range c.Nodes.All(ctx, 0, &ListNodesOptions{ListOptions: ListOptions{Limit: 40, Sort: "name:desc"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("room-%04d", rooms-1-i); room.Name != want {
			t.Fatalf("item %d is %q, want %q", i, room.Name, want)
		}
		i++
	}
	if i != rooms {
		t.Errorf("iterated %d rooms, want %d", i, rooms)
	}
	filtered, err := c.Nodes.List(ctx, 0, &ListNodesOptions{ListOptions: ListOptions{Filter: "name:cn:room-01"}})
	if err != nil || filtered.Range.Total != 100 { // room-0100…0199
		t.Errorf("filtered total %+v, %v", filtered.Range, err)
	}
}

func TestEmulatorSessionLogsHoldNoSecrets(t *testing.T) {
	srv := newEmulator(t, dracoontest.WithAccessTokenLifetime(time.Hour))
	var logs testutil.SyncBuffer
	var tokens []Token
	var clk clock
	c := emulatorClient(t, srv,
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		WithClientID(srv.ClientID), WithClientSecret(srv.ClientSecret),
		WithTokenHook(func(tok Token) { tokens = append(tokens, tok) }))
	c.now = clk.now
	ctx := context.Background()
	_ = c.Connect(ctx, PasswordFlow(srv.AdminLogin, "wrong-"+srv.AdminPassword))
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Info(ctx); err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Hour)
	_ = srv.AdvanceClock(2 * time.Hour)
	if _, err := c.Account.Get(ctx); err != nil {
		t.Fatal(err)
	}
	_ = srv.InjectFault(dracoontest.Fault{Path: "^/api/v4/user/account$", Count: 1, Status: 503})
	if _, err := c.Account.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx, true); err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 2 {
		t.Fatalf("%d token grants, want login and refresh", len(tokens))
	}
	out := logs.String()
	if !strings.Contains(out, "level=DEBUG") || !strings.Contains(out, "token refreshed") || !strings.Contains(out, "retrying") {
		t.Fatalf("log does not cover the session:\n%s", out)
	}
	secrets := []string{srv.AdminPassword, srv.ClientSecret}
	for _, tok := range tokens {
		secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log contains a secret (%d characters)", len(s))
		}
	}
}
