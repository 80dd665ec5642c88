package emulator_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

func TestPasswordGrantClientAuthStyles(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	form := url.Values{"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword}}
	withFields := func(id, secret string) url.Values {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("client_id", id)
		f.Set("client_secret", secret)
		return f
	}
	cases := []struct {
		name string
		form url.Values
		hdr  []string
	}{
		{"basic standard base64", form, []string{basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)}},
		{"basic URL-safe base64 without padding", form, []string{basic(srv.ClientID, srv.ClientSecret, base64.RawURLEncoding)}},
		{"basic standard base64 without padding", form, []string{basic(srv.ClientID, srv.ClientSecret, base64.RawStdEncoding)}},
		{"form fields", withFields(srv.ClientID, srv.ClientSecret), nil},
		{"public client, empty secret in Basic", form, []string{basic(srv.PublicClientID, "", base64.StdEncoding)}},
		{"public client, form field without secret", url.Values{"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword}, "client_id": {srv.PublicClientID}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := decodeTokens(t, oauthPost(t, srv, "/oauth/token", c.form, c.hdr...))
			if tk.ExpiresIn != 8*3600 {
				t.Errorf("expires_in %d, want the 8 h default", tk.ExpiresIn)
			}
			if r := api(t, srv, tk.Access, "GET", "/user/ping", ""); r.status != http.StatusOK {
				t.Fatalf("ping with fresh token: %d %s", r.status, r.body)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	good := basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)
	pw := func(user, pass string) url.Values {
		return url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}}
	}
	cases := []struct {
		name   string
		form   url.Values
		hdr    []string
		status int
		code   string
	}{
		{"wrong password", pw(srv.AdminLogin, "wrong"), []string{good}, 400, "invalid_grant"},
		{"unknown user", pw("nobody", "x"), []string{good}, 400, "invalid_grant"},
		{"wrong client secret", pw(srv.AdminLogin, srv.AdminPassword), []string{basic(srv.ClientID, "nope", base64.StdEncoding)}, 400, "invalid_client"},
		{"unknown client", pw(srv.AdminLogin, srv.AdminPassword), []string{basic("ghost", "", base64.StdEncoding)}, 400, "invalid_client"},
		{"no client", pw(srv.AdminLogin, srv.AdminPassword), nil, 400, "invalid_client"},
		{"missing grant type", url.Values{"username": {"a"}}, []string{good}, 400, "invalid_request"},
		{"unsupported grant", url.Values{"grant_type": {"client_credentials"}}, []string{good}, 400, "unsupported_grant_type"},
		{"bad code", url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}}, []string{good}, 400, "invalid_grant"},
		{"bad refresh token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, []string{good}, 400, "invalid_grant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := oauthPost(t, srv, "/oauth/token", c.form, c.hdr...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			if got := r.json(t)["error"]; got != c.code {
				t.Errorf("error %v, want %s", got, c.code)
			}
		})
	}

	t.Run("client without the grant", func(t *testing.T) {
		if err := srv.AddOAuthClient(dracoontest.OAuthClient{ID: "codeonly", Secret: "s", Grants: []string{"authorization_code"}}); err != nil {
			t.Fatal(err)
		}
		r := oauthPost(t, srv, "/oauth/token", pw(srv.AdminLogin, srv.AdminPassword), basic("codeonly", "s", base64.StdEncoding))
		if r.status != 401 || r.json(t)["error"] != "unauthorized_client" {
			t.Fatalf("got %d %s, want 401 unauthorized_client", r.status, r.body)
		}
	})
}

func TestAuthorizationCodeGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cb := srv.URL + "/oauth/callback"
	exchange := func(code, redirect string, hdr ...string) response {
		f := url.Values{"grant_type": {"authorization_code"}, "code": {code}}
		if redirect != "" {
			f.Set("redirect_uri", redirect)
		}
		if len(hdr) == 0 {
			f.Set("client_id", srv.ClientID)
			f.Set("client_secret", srv.ClientSecret)
		}
		return oauthPost(t, srv, "/oauth/token", f, hdr...)
	}

	t.Run("code is single use", func(t *testing.T) {
		code, err := srv.AuthorizationCode(srv.AdminLogin, srv.ClientID, cb)
		if err != nil {
			t.Fatal(err)
		}
		tk := decodeTokens(t, exchange(code, cb))
		if r := api(t, srv, tk.Access, "GET", "/user/account", ""); r.status != 200 || r.json(t)["userName"] != srv.AdminLogin {
			t.Fatalf("account with code-grant token: %d %s", r.status, r.body)
		}
		if r := exchange(code, cb); r.status != 400 || r.json(t)["error"] != "invalid_grant" {
			t.Fatalf("second use of a code: %d %s", r.status, r.body)
		}
	})
	t.Run("redirect URI is bound", func(t *testing.T) {
		code, _ := srv.AuthorizationCode(srv.AdminLogin, srv.ClientID, cb)
		if r := exchange(code, "http://elsewhere.invalid/cb"); r.status != 400 || r.json(t)["error"] != "invalid_grant" {
			t.Fatalf("wrong redirect URI: %d %s", r.status, r.body)
		}
		code, _ = srv.AuthorizationCode(srv.AdminLogin, srv.ClientID, cb)
		if r := exchange(code, ""); r.status != 400 {
			t.Fatalf("missing redirect URI after it was given at authorize: %d %s", r.status, r.body)
		}
	})
	t.Run("client is bound", func(t *testing.T) {
		code, _ := srv.AuthorizationCode(srv.AdminLogin, srv.ClientID, "")
		r := exchange(code, "", basic(srv.PublicClientID, "", base64.StdEncoding))
		if r.status != 400 || r.json(t)["error"] != "invalid_grant" {
			t.Fatalf("code of another client: %d %s", r.status, r.body)
		}
	})
	t.Run("without redirect URI, Basic auth (Java style)", func(t *testing.T) {
		code, _ := srv.AuthorizationCode(srv.AdminLogin, srv.ClientID, "")
		decodeTokens(t, exchange(code, "", basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)))
	})
	t.Run("code expires", func(t *testing.T) {
		code, _ := srv.AuthorizationCode(srv.AdminLogin, srv.ClientID, cb)
		if err := srv.AdvanceClock(11 * time.Minute); err != nil {
			t.Fatal(err)
		}
		if r := exchange(code, cb); r.status != 400 {
			t.Fatalf("expired code: %d %s", r.status, r.body)
		}
	})
	t.Run("unregistered redirect URI is refused", func(t *testing.T) {
		if _, err := srv.AuthorizationCode(srv.AdminLogin, srv.ClientID, "https://evil.invalid/cb"); err == nil {
			t.Fatal("code issued for an unregistered redirect URI")
		}
	})
}

var codeRE = regexp.MustCompile(`<pre id="code">([A-Za-z0-9]+)</pre>`)

func TestAuthorizeLoginForm(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cb := srv.URL + "/oauth/callback"
	// py sends the redirect URI without URL encoding; it must still work.
	q := "branding=full&response_type=code&client_id=" + srv.PublicClientID + "&redirect_uri=" + cb + "&scope=all&state=xyz"
	r := call(t, srv, "GET", "/oauth/authorize?"+q, nil)
	if r.status != 200 || !strings.Contains(string(r.body), `name="password"`) {
		t.Fatalf("authorize page: %d %s", r.status, r.body)
	}
	form := url.Values{"response_type": {"code"}, "client_id": {srv.PublicClientID}, "redirect_uri": {cb}, "scope": {"all"}, "state": {"xyz"},
		"username": {srv.AdminLogin}, "password": {"wrong"}}
	if r := oauthPost(t, srv, "/oauth/authorize", form); r.status != 401 {
		t.Fatalf("wrong password on the form: %d", r.status)
	}
	form.Set("password", srv.AdminPassword)
	r = oauthPost(t, srv, "/oauth/authorize", form)
	if r.status != http.StatusFound {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != cb || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect to %s", loc.Redacted())
	}
	// The callback page shows the code.
	page := call(t, srv, "GET", loc.RequestURI(), nil)
	m := codeRE.FindSubmatch(page.body)
	if page.status != 200 || m == nil || string(m[1]) != loc.Query().Get("code") {
		t.Fatalf("callback page does not show the code: %d", page.status)
	}
	decodeTokens(t, oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {string(m[1])}, "redirect_uri": {cb}, "client_id": {srv.PublicClientID}}))

	t.Run("unknown redirect URI is not redirected to", func(t *testing.T) {
		r := call(t, srv, "GET", "/oauth/authorize?response_type=code&client_id="+srv.PublicClientID+"&redirect_uri=https://evil.invalid/", nil)
		if r.status != 400 || r.header.Get("Location") != "" {
			t.Fatalf("got %d, Location %q", r.status, r.header.Get("Location"))
		}
	})
	t.Run("bad response type is redirected back with an error", func(t *testing.T) {
		r := call(t, srv, "GET", "/oauth/authorize?response_type=token&client_id="+srv.PublicClientID+"&state=s1", nil)
		loc, _ := url.Parse(r.header.Get("Location"))
		if r.status != 302 || loc == nil || loc.Query().Get("error") != "unsupported_response_type" || loc.Query().Get("state") != "s1" {
			t.Fatalf("got %d %q", r.status, r.header.Get("Location"))
		}
	})
}

func TestAuthorizeAutoApprove(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithAutoApprove("admin"))
	r := call(t, srv, "GET", "/oauth/authorize?response_type=code&client_id="+srv.ClientID+"&state=abc", nil)
	if r.status != http.StatusFound {
		t.Fatalf("auto-approve: %d %s", r.status, r.body)
	}
	loc, _ := url.Parse(r.header.Get("Location"))
	if loc.Path != "/oauth/callback" || loc.Query().Get("state") != "abc" {
		t.Fatalf("redirect target %s", loc.Path)
	}
	decodeTokens(t, oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}},
		basic(srv.ClientID, srv.ClientSecret, base64.URLEncoding)))
}

func TestRefreshTokenReuseAndExpiry(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithAccessTokenLifetime(time.Second), dracoontest.WithRefreshTokenLifetime(time.Hour))
	tk := login(t, srv)
	if tk.ExpiresIn != 1 {
		t.Fatalf("expires_in %d, want 1", tk.ExpiresIn)
	}
	refresh := func(rt string) response {
		return oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret}})
	}
	// dco3's token rotation: the same refresh token several times.
	var access []string
	for range 3 {
		n := decodeTokens(t, refresh(tk.Refresh))
		access = append(access, n.Access)
	}
	for _, a := range access {
		if r := api(t, srv, a, "GET", "/user/ping", ""); r.status != 200 {
			t.Fatalf("refreshed token rejected: %d", r.status)
		}
	}
	if err := srv.AdvanceClock(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv, tk.Access, "GET", "/user/account", ""), 401, -10012)
	fresh := decodeTokens(t, refresh(tk.Refresh))
	if r := api(t, srv, fresh.Access, "GET", "/user/ping", ""); r.status != 200 {
		t.Fatalf("token after refresh: %d", r.status)
	}
	if err := srv.AdvanceClock(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if r := refresh(tk.Refresh); r.status != 400 || r.json(t)["error"] != "invalid_grant" {
		t.Fatalf("expired refresh token: %d %s", r.status, r.body)
	}
	t.Run("another client's refresh token", func(t *testing.T) {
		tk := login(t, srv)
		r := oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.Refresh}, "client_id": {srv.PublicClientID}})
		if r.status != 400 {
			t.Fatalf("got %d", r.status)
		}
	})
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	revoke := func(tok, hint string) {
		t.Helper()
		r := oauthPost(t, srv, "/oauth/revoke", url.Values{"token": {tok}, "token_type_hint": {hint}}, basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
		if r.status != 200 || len(r.body) != 0 {
			t.Fatalf("revoke: %d %q", r.status, r.body)
		}
	}
	tk := login(t, srv)
	revoke(tk.Access, "access_token")
	wantError(t, api(t, srv, tk.Access, "GET", "/user/account", ""), 401, -10012)
	// The refresh token still works after revoking only the access token.
	again := decodeTokens(t, oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.Refresh}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)))
	revoke(tk.Refresh, "refresh_token")
	wantError(t, api(t, srv, again.Access, "GET", "/user/ping", ""), 401, -10012)
	r := oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.Refresh}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
	if r.status != 400 {
		t.Fatalf("revoked refresh token still works: %d", r.status)
	}
	revoke("unknown-token", "") // RFC 7009: unknown tokens are fine
	if r := oauthPost(t, srv, "/oauth/revoke", url.Values{"token": {"x"}}); r.status != 400 || r.json(t)["error"] != "invalid_client" {
		t.Fatalf("revoke without client: %d %s", r.status, r.body)
	}

	t.Run("test controls", func(t *testing.T) {
		a, b := login(t, srv), login(t, srv)
		if n := srv.ExpireAccessTokens(); n < 2 {
			t.Fatalf("expired %d tokens", n)
		}
		wantError(t, api(t, srv, a.Access, "GET", "/user/ping", ""), 401, -10012)
		decodeTokens(t, oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {b.Refresh}},
			basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)))
		srv.RevokeAllTokens()
		r := oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {b.Refresh}},
			basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
		if r.status != 400 {
			t.Fatalf("refresh after revoke-all: %d", r.status)
		}
	})
}

func TestAuthHeaderVariants(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	if r := call(t, srv, "GET", "/api/v4/user/ping", nil, "X-Sds-Auth-Token: "+tk.Access); r.status != 200 {
		t.Fatalf("X-Sds-Auth-Token alias: %d", r.status)
	}
	if r := call(t, srv, "GET", "/api/v4/user/ping", nil, "Authorization: bearer "+tk.Access); r.status != 200 {
		t.Fatalf("lower-case scheme: %d", r.status)
	}
	wantError(t, call(t, srv, "GET", "/api/v4/user/account", nil), 401, -10012)
	wantError(t, call(t, srv, "GET", "/api/v4/user/account", nil, "Authorization: Bearer nope"), 401, -10012)
}

func TestConcurrentLogins(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			tk := login(t, srv)
			if r := api(t, srv, tk.Access, "GET", "/user/account", ""); r.status != 200 {
				t.Errorf("account: %d", r.status)
			}
		})
	}
	wg.Wait()
}
