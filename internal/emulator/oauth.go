package emulator

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// OAuth 2 authorization server: /oauth/token, /oauth/authorize,
// /oauth/callback, /oauth/revoke (api-flows §1). Errors use the RFC 6749
// shape {"error", "error_description"} with the statuses of the recorded
// fixtures: 400 invalid_request / invalid_client / invalid_grant /
// unsupported_grant_type, 401 unauthorized_client.

type oauthError struct {
	status      int
	code        string
	description string
}

func (e *oauthError) Error() string { return e.code + ": " + e.description }

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	body := map[string]string{"error": e.code}
	if e.description != "" {
		body["error_description"] = e.description
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, e.status, body)
}

func invalidRequest(desc string) *oauthError { return &oauthError{400, "invalid_request", desc} }
func invalidGrant(desc string) *oauthError   { return &oauthError{400, "invalid_grant", desc} }

var errInvalidClient = &oauthError{400, "invalid_client", "Client authentication failed."}

// tokenResponse is the token endpoint's success body (fields as in the
// recorded dco3 fixture auth/dco3/auth_ok.json).
type tokenResponse struct {
	AccessToken       string `json:"access_token"`
	TokenType         string `json:"token_type"`
	RefreshToken      string `json:"refresh_token"`
	ExpiresIn         int64  `json:"expires_in"`
	ExpiresInInactive int64  `json:"expires_in_inactive"`
	Scope             string `json:"scope"`
}

// decodeBasicPart decodes base64 leniently: standard and URL-safe
// alphabets, padded or not (dco3 sends URL-safe without padding).
func decodeBasicPart(s string) ([]byte, bool) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// clientCredentials returns the client id and secret from HTTP Basic or
// the form fields client_id/client_secret. found is false when the request
// names no client at all.
func clientCredentials(r *http.Request) (id, secret string, found bool, err *oauthError) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Basic") {
			raw, ok := decodeBasicPart(rest)
			if !ok {
				return "", "", true, errInvalidClient
			}
			i, s, ok := strings.Cut(string(raw), ":")
			if !ok {
				return "", "", true, errInvalidClient
			}
			// RFC 6749 §2.3.1: both parts are form-encoded before base64.
			if u, err := url.QueryUnescape(i); err == nil {
				i = u
			}
			if u, err := url.QueryUnescape(s); err == nil {
				s = u
			}
			return i, s, true, nil
		}
	}
	if i := r.PostForm.Get("client_id"); i != "" {
		return i, r.PostForm.Get("client_secret"), true, nil
	}
	return "", "", false, nil
}

// authenticateClient checks the client's credentials. Callers hold e.mu.
func (e *Emulator) authenticateClient(r *http.Request) (*oauthClient, *oauthError) {
	id, secret, found, oe := clientCredentials(r)
	if oe != nil {
		return nil, oe
	}
	if !found {
		return nil, &oauthError{400, "invalid_client", "Client credentials are missing."}
	}
	c := e.st.clients[id]
	if c == nil || c.secret != secret {
		return nil, errInvalidClient
	}
	return c, nil
}

// parseForm reads an application/x-www-form-urlencoded body (and the
// query) into r.PostForm / r.Form.
func parseForm(r *http.Request) *oauthError {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return invalidRequest("The request body could not be parsed as a form.")
	}
	return nil
}

// handleToken is POST /oauth/token.
func (e *Emulator) handleToken(w http.ResponseWriter, r *http.Request) {
	if oe := parseForm(r); oe != nil {
		writeOAuthError(w, oe)
		return
	}
	e.mu.Lock()
	resp, oe := e.token(r)
	e.mu.Unlock()
	if oe != nil {
		writeOAuthError(w, oe)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// token runs one grant. Callers hold e.mu.
func (e *Emulator) token(r *http.Request) (*tokenResponse, *oauthError) {
	grant := r.PostForm.Get("grant_type")
	if grant == "" {
		return nil, invalidRequest("Missing grant_type.")
	}
	client, oe := e.authenticateClient(r)
	if oe != nil {
		return nil, oe
	}
	switch grant {
	case "password", "authorization_code", "refresh_token":
	default:
		return nil, &oauthError{400, "unsupported_grant_type", "Unsupported grant type: " + grant}
	}
	if !client.grants[grant] {
		return nil, &oauthError{401, "unauthorized_client", "The client may not use this grant type."}
	}
	now := e.clock.now()
	switch grant {
	case "password":
		login, password := r.PostForm.Get("username"), r.PostForm.Get("password")
		if login == "" || password == "" {
			return nil, invalidRequest("Missing username or password.")
		}
		u := e.st.userByLogin(login)
		if u == nil {
			return nil, invalidGrant("Bad credentials.")
		}
		if e.st.lockedOut(u, now) {
			return nil, invalidGrant("User is locked.")
		}
		if !u.password.matches(password) {
			u.lastLoginFailAt = now
			e.st.loginFailed(u, now)
			e.emitLogin(r, u, false)
			return nil, invalidGrant("Bad credentials.")
		}
		if oe := userCanLogin(u, now); oe != nil {
			return nil, oe
		}
		e.emitLogin(r, u, true)
		return e.issueTokens(client, u, now, nil), nil

	case "authorization_code":
		code := r.PostForm.Get("code")
		if code == "" {
			return nil, invalidRequest("Missing code.")
		}
		h := hashSecret(code)
		ac := e.st.codes[h]
		if ac == nil {
			return nil, invalidGrant("Invalid authorization code.")
		}
		if ac.used {
			// A replayed code: someone else may hold it. RFC 6749 §4.1.2:
			// revoke what its first exchange issued, and forget it.
			delete(e.st.codes, h)
			e.revokeRefreshFamily(ac.issuedRefresh)
			return nil, invalidGrant("Authorization code was already used; the tokens issued for it are revoked.")
		}
		// Single use: a failed exchange consumes the code too.
		delete(e.st.codes, h)
		if !ac.expiresAt.After(now) {
			return nil, invalidGrant("Authorization code expired.")
		}
		if ac.clientID != client.id {
			return nil, invalidGrant("Authorization code was issued to another client.")
		}
		given, present := r.PostForm["redirect_uri"]
		if ac.redirectURI != "" && (!present || given[0] != ac.redirectURI) {
			return nil, invalidGrant("Redirect URI does not match the authorization request.")
		}
		if ac.redirectURI == "" && present && given[0] != "" && !e.redirectAllowed(client, given[0], e.baseURL(r)) {
			return nil, invalidGrant("Redirect URI does not match the authorization request.")
		}
		u := e.st.users[ac.userID]
		if u == nil {
			return nil, invalidGrant("User no longer exists.")
		}
		if oe := userCanLogin(u, now); oe != nil {
			return nil, oe
		}
		// The code goes back on record, marked used, so that a replay can
		// revoke these tokens.
		e.st.codes[h] = ac
		resp := e.issueTokens(client, u, now, nil)
		ac.used, ac.issuedRefresh = true, hashSecret(resp.RefreshToken)
		return resp, nil

	default: // refresh_token
		rt := r.PostForm.Get("refresh_token")
		if rt == "" {
			return nil, invalidRequest("Missing refresh_token.")
		}
		h := hashSecret(rt)
		ref := e.st.refresh[h]
		if ref == nil || ref.clientID != client.id {
			return nil, invalidGrant("Invalid refresh token.")
		}
		if !ref.expiresAt.After(now) {
			delete(e.st.refresh, h)
			return nil, invalidGrant("Refresh token expired.")
		}
		u := e.st.users[ref.userID]
		if u == nil {
			return nil, invalidGrant("User no longer exists.")
		}
		if oe := userCanLogin(u, now); oe != nil {
			return nil, oe
		}
		// The refresh token stays valid and is returned again (clients may
		// use it several times, e.g. dco3's token rotation).
		resp := e.issueTokens(client, u, now, &rt)
		return resp, nil
	}
}

func userCanLogin(u *user, now time.Time) *oauthError {
	if u.isLocked {
		return invalidGrant("User is locked.")
	}
	if !u.expireAt.IsZero() && !u.expireAt.After(now) {
		return invalidGrant("User has expired.")
	}
	return nil
}

// ceilSeconds renders a lifetime as whole seconds, rounding up so that a
// lifetime below a second is still announced as 1.
func ceilSeconds(d time.Duration) int64 { return int64(math.Ceil(d.Seconds())) }

// issueTokens creates an access token (and a refresh token unless an
// existing one is passed). Callers hold e.mu.
func (e *Emulator) issueTokens(c *oauthClient, u *user, now time.Time, existingRefresh *string) *tokenResponse {
	var rt string
	if existingRefresh != nil {
		rt = *existingRefresh
	} else {
		rt = randomString(32)
		e.st.refresh[hashSecret(rt)] = &refreshToken{userID: u.id, clientID: c.id, expiresAt: now.Add(c.refreshLife),
			id: e.st.self().grantSeq.next(), createdAt: now, usedAt: now}
		u.lastLoginSuccessAt = now
		e.st.loginSucceeded(u, now)
	}
	if ref := e.st.refresh[hashSecret(rt)]; ref != nil {
		ref.usedAt = now
	}
	at := randomString(32)
	e.st.access[hashSecret(at)] = &accessToken{userID: u.id, clientID: c.id, refresh: hashSecret(rt), expiresAt: now.Add(c.accessLifetime)}
	return &tokenResponse{
		AccessToken:       at,
		TokenType:         "bearer",
		RefreshToken:      rt,
		ExpiresIn:         ceilSeconds(c.accessLifetime),
		ExpiresInInactive: ceilSeconds(c.accessLifetime),
		Scope:             "all",
	}
}

// handleRevoke is POST /oauth/revoke (RFC 7009): 200 with an empty body
// when the token is revoked or unknown (also expired or already revoked).
// A token issued to another client is not revoked and the request is
// refused with 400 invalid_client (RFC 7009 §2.1: the server verifies that
// the token was issued to the requesting client and refuses otherwise), so
// no caller is told "revoked" for a token that stays valid. Revoking a
// refresh token also revokes the access tokens issued with it.
func (e *Emulator) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if oe := parseForm(r); oe != nil {
		writeOAuthError(w, oe)
		return
	}
	e.mu.Lock()
	oe := e.revoke(r)
	e.mu.Unlock()
	if oe != nil {
		writeOAuthError(w, oe)
		return
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

var errRevokeOtherClient = &oauthError{400, "invalid_client", "The token was issued to another client."}

func (e *Emulator) revoke(r *http.Request) *oauthError {
	client, oe := e.authenticateClient(r)
	if oe != nil {
		return oe
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		return invalidRequest("Missing token.")
	}
	h := hashSecret(tok)
	if at := e.st.access[h]; at != nil {
		if at.clientID != client.id {
			return errRevokeOtherClient
		}
		delete(e.st.access, h)
	}
	if rt := e.st.refresh[h]; rt != nil {
		if rt.clientID != client.id {
			return errRevokeOtherClient
		}
		e.revokeRefreshFamily(h)
	}
	return nil
}

// revokeRefreshFamily deletes a refresh token and every access token
// issued with it. Callers hold e.mu.
func (e *Emulator) revokeRefreshFamily(refresh secretHash) {
	delete(e.st.refresh, refresh)
	for ah, at := range e.st.access {
		if at.refresh == refresh {
			delete(e.st.access, ah)
		}
	}
}

// redirectAllowed reports whether uri is registered for c. The template
// entry <base>/oauth/callback stands for the emulator's own base URL:
// base is e.baseURL(r) (the configured external URL or the listener's
// address, never the request's Host). An empty base with no external URL
// configured means "any http(s) host" and is only used by the Go API
// (AuthorizationCode), whose callers are trusted test code.
func (e *Emulator) redirectAllowed(c *oauthClient, uri, base string) bool {
	for _, reg := range c.redirectURIs {
		if reg != callbackTemplate {
			if reg == uri {
				return true
			}
			continue
		}
		if base != "" && uri == base+"/oauth/callback" {
			return true
		}
		if e.cfg.ExternalURL != "" && uri == e.cfg.ExternalURL+"/oauth/callback" {
			return true
		}
		if base == "" && e.cfg.ExternalURL == "" {
			if u, err := url.Parse(uri); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Path == "/oauth/callback" {
				return true
			}
		}
	}
	return false
}

// lenientQuery parses a raw query the way the real server tolerates it:
// values that are not URL-encoded (py sends redirect_uri raw) are taken as
// they are.
func lenientQuery(raw string) url.Values {
	out := url.Values{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if u, err := url.QueryUnescape(k); err == nil {
			k = u
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		out.Add(k, v)
	}
	return out
}

// authorizeParams are the validated parameters of an authorization
// request.
type authorizeParams struct {
	clientID    string
	redirectURI string // as sent ("" when omitted)
	target      string // where to redirect
	state       string
	scope       string
}

// checkAuthorize validates an authorization request. Errors about the
// client or redirect URI are shown to the user (never redirected, RFC 6749
// §4.1.2.1); a bad response_type is redirected back with error=…
func (e *Emulator) checkAuthorize(r *http.Request, q url.Values) (*authorizeParams, *oauthError, string) {
	p := &authorizeParams{
		clientID:    q.Get("client_id"),
		redirectURI: q.Get("redirect_uri"),
		state:       q.Get("state"),
		scope:       q.Get("scope"),
	}
	e.mu.Lock()
	c := e.st.clients[p.clientID]
	e.mu.Unlock()
	if c == nil {
		return nil, &oauthError{400, "invalid_client", "Unknown client."}, ""
	}
	base := e.baseURL(r)
	switch {
	case p.redirectURI != "":
		if !e.redirectAllowed(c, p.redirectURI, base) {
			return nil, invalidRequest("The redirect URI is not registered for this client."), ""
		}
		p.target = p.redirectURI
	case len(c.redirectURIs) == 1:
		p.target = c.redirectURIs[0]
		if p.target == callbackTemplate {
			p.target = base + "/oauth/callback"
		}
	default:
		return nil, invalidRequest("Missing redirect_uri."), ""
	}
	if q.Get("response_type") != "code" {
		return nil, &oauthError{302, "unsupported_response_type", "Only response_type=code is supported."}, p.target
	}
	if !c.grants["authorization_code"] {
		return nil, &oauthError{302, "unauthorized_client", "The client may not use the authorization code grant."}, p.target
	}
	return p, nil, ""
}

// newCode stores an authorization code. Callers hold e.mu.
func (e *Emulator) newCode(clientID, redirectURI string, userID int64) string {
	code := randomString(24)
	e.st.approve(userID, clientID, e.clock.now())
	e.st.codes[hashSecret(code)] = &authCode{
		clientID:    clientID,
		redirectURI: redirectURI,
		userID:      userID,
		expiresAt:   e.clock.now().Add(AuthorizationCodeLifetime),
	}
	return code
}

// redirectWith adds parameters to target's query and redirects there.
func redirectWith(w http.ResponseWriter, r *http.Request, target string, params url.Values) {
	u, err := url.Parse(target)
	if err != nil {
		writeOAuthError(w, invalidRequest("Bad redirect URI."))
		return
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				q.Set(k, v)
			}
		}
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>DRACOON emulator – sign in</title></head>
<body>
<h1>Sign in</h1>
<p>Client <code>{{.ClientID}}</code> asks for access to your account.</p>
{{if .Message}}<p role="alert">{{.Message}}</p>{{end}}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="response_type" value="code">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="state" value="{{.State}}">
<label>Login <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
</body></html>
`))

func renderLogin(w http.ResponseWriter, status int, p *authorizeParams, message string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, map[string]string{
		"ClientID": p.clientID, "RedirectURI": p.redirectURI, "Scope": p.scope, "State": p.state, "Message": message,
	})
}

// handleAuthorizeForm is GET /oauth/authorize: with AutoApproveLogin it
// redirects at once with a code; otherwise it shows a login form.
func (e *Emulator) handleAuthorizeForm(w http.ResponseWriter, r *http.Request) {
	p, oe, target := e.checkAuthorize(r, lenientQuery(r.URL.RawQuery))
	if oe != nil {
		e.authorizeError(w, r, oe, target, p)
		return
	}
	if e.cfg.AutoApproveLogin != "" {
		e.mu.Lock()
		u := e.st.userByLogin(e.cfg.AutoApproveLogin)
		var code string
		if u != nil {
			code = e.newCode(p.clientID, p.redirectURI, u.id)
		}
		e.mu.Unlock()
		if u != nil {
			redirectWith(w, r, p.target, url.Values{"code": {code}, "state": {p.state}})
			return
		}
	}
	renderLogin(w, http.StatusOK, p, "")
}

// handleAuthorizeLogin is POST /oauth/authorize from the login form.
func (e *Emulator) handleAuthorizeLogin(w http.ResponseWriter, r *http.Request) {
	if oe := parseForm(r); oe != nil {
		writeOAuthError(w, oe)
		return
	}
	p, oe, target := e.checkAuthorize(r, r.PostForm)
	if oe != nil {
		e.authorizeError(w, r, oe, target, p)
		return
	}
	now := e.clock.now()
	e.mu.Lock()
	u := e.st.userByLogin(r.PostForm.Get("username"))
	ok := u != nil && !e.st.lockedOut(u, now) && u.password.matches(r.PostForm.Get("password")) && userCanLogin(u, now) == nil
	var code string
	if ok {
		code = e.newCode(p.clientID, p.redirectURI, u.id)
		e.emitLogin(r, u, true)
	} else if u != nil {
		u.lastLoginFailAt = now
		e.st.loginFailed(u, now)
		e.emitLogin(r, u, false)
	}
	e.mu.Unlock()
	if !ok {
		renderLogin(w, http.StatusUnauthorized, p, "Wrong login or password.")
		return
	}
	redirectWith(w, r, p.target, url.Values{"code": {code}, "state": {p.state}})
}

func (e *Emulator) authorizeError(w http.ResponseWriter, r *http.Request, oe *oauthError, target string, p *authorizeParams) {
	if oe.status == http.StatusFound && target != "" {
		state := r.URL.Query().Get("state")
		if p != nil {
			state = p.state
		}
		redirectWith(w, r, target, url.Values{"error": {oe.code}, "error_description": {oe.description}, "state": {state}})
		return
	}
	writeOAuthError(w, oe)
}

var callbackPage = template.Must(template.New("callback").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>DRACOON emulator – authorization</title></head>
<body>
{{if .Code}}<h1>Authorization code</h1>
<p>Copy this code into your application:</p>
<pre id="code">{{.Code}}</pre>{{else}}<h1>Authorization failed</h1>
<p>{{.Error}}{{if .Description}}: {{.Description}}{{end}}</p>{{end}}
</body></html>
`))

// handleCallback is GET /oauth/callback: shows the code so that a CLI
// user can copy it.
func (e *Emulator) handleCallback(w http.ResponseWriter, r *http.Request) {
	q := lenientQuery(r.URL.RawQuery)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	if q.Get("code") == "" {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_ = callbackPage.Execute(w, map[string]string{
		"Code": q.Get("code"), "Error": q.Get("error"), "Description": q.Get("error_description"),
	})
}

// AuthorizationCode issues an authorization code for the user with the
// given login, as if that user had approved clientID's request with
// redirectURI (may be empty when the client has a single registered URI).
// Tests use it to run the authorization-code grant without a browser.
func (e *Emulator) AuthorizationCode(login, clientID, redirectURI string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.st.clients[clientID]
	if c == nil {
		return "", fmt.Errorf("emulator: unknown OAuth client %q", clientID)
	}
	if !c.grants["authorization_code"] {
		return "", errors.New("emulator: the client may not use the authorization code grant")
	}
	if redirectURI != "" && !e.redirectAllowed(c, redirectURI, "") {
		return "", errors.New("emulator: redirect URI is not registered for the client")
	}
	u := e.st.userByLogin(login)
	if u == nil {
		return "", fmt.Errorf("emulator: unknown user %q", login)
	}
	return e.newCode(clientID, redirectURI, u.id), nil
}

// OAuthClient describes an OAuth client to register with AddOAuthClient.
type OAuthClient struct {
	ID     string
	Secret string // empty for a public client
	// Grants defaults to password, authorization_code and refresh_token.
	Grants []string
	// RedirectURIs are exact URIs; empty means <base>/oauth/callback.
	RedirectURIs []string
	// Token lifetimes; zero takes the emulator's configured defaults.
	AccessTokenLifetime  time.Duration
	RefreshTokenLifetime time.Duration
}

// AddOAuthClient registers (or replaces) an OAuth client.
func (e *Emulator) AddOAuthClient(c OAuthClient) error {
	if c.ID == "" {
		return errors.New("emulator: OAuth client id must not be empty")
	}
	grants := map[string]bool{}
	if len(c.Grants) == 0 {
		c.Grants = []string{"password", "authorization_code", "refresh_token"}
	}
	for _, g := range c.Grants {
		switch g {
		case "password", "authorization_code", "refresh_token":
			grants[g] = true
		default:
			return fmt.Errorf("emulator: unsupported grant type %q", g)
		}
	}
	if grants["refresh_token"] && !grants["password"] && !grants["authorization_code"] {
		return errors.New("emulator: grant type refresh_token needs password or authorization_code")
	}
	uris := c.RedirectURIs
	if len(uris) == 0 {
		uris = []string{callbackTemplate}
	}
	for _, u := range uris {
		if u == callbackTemplate {
			continue
		}
		if p, err := url.Parse(u); err != nil || p.Scheme == "" {
			return fmt.Errorf("emulator: redirect URI %q is not absolute", u)
		}
	}
	al, rl := c.AccessTokenLifetime, c.RefreshTokenLifetime
	if al <= 0 {
		al = e.cfg.AccessTokenLifetime
	}
	if rl <= 0 {
		rl = e.cfg.RefreshTokenLifetime
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.clients[c.ID] = &oauthClient{id: c.ID, secret: c.Secret, grants: grants, redirectURIs: append([]string(nil), uris...), accessLifetime: al, refreshLife: rl}
	return nil
}
