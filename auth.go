package dracoon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// refreshTimeout bounds one token refresh. A refresh runs detached from the
// context of the call that started it, so that one caller giving up does
// not fail everyone waiting for the same refresh.
const refreshTimeout = time.Minute

// maxUnauthorizedRetries bounds how often one call answered 401 refreshes
// (or takes a token refreshed meanwhile) and tries again.
const maxUnauthorizedRetries = 3

// authState holds the tokens and the one refresh in progress.
type authState struct {
	mu         sync.Mutex
	token      Token
	issuedAt   time.Time
	refreshing *refreshCall
	// session counts logins and logouts, so that a refresh that started
	// before one knows its result is stale.
	session uint64
}

// refreshCall is a refresh in progress; done closes when err is set.
type refreshCall struct {
	done chan struct{}
	err  error
}

// AuthFlow is an OAuth grant Connect can perform. Create one with
// PasswordFlow, AuthCodeFlow or RefreshTokenFlow.
type AuthFlow interface {
	// form returns the grant's form fields and the strings to keep out of
	// logs and errors.
	form(c *Client) (url.Values, []string)
	// repeatable reports whether the grant may be sent twice.
	repeatable() bool
}

type passwordFlow struct{ username, password string }

func (f passwordFlow) form(*Client) (url.Values, []string) {
	return url.Values{"grant_type": {"password"}, "username": {f.username}, "password": {f.password}}, []string{f.password}
}
func (passwordFlow) repeatable() bool { return true }

type authCodeFlow struct{ code string }

func (f authCodeFlow) form(c *Client) (url.Values, []string) {
	return url.Values{"grant_type": {"authorization_code"}, "code": {f.code}, "redirect_uri": {c.redirectURI}}, []string{f.code}
}

// An authorization code is single use: never send it twice.
func (authCodeFlow) repeatable() bool { return false }

type refreshTokenFlow struct{ refreshToken string }

func (f refreshTokenFlow) form(*Client) (url.Values, []string) {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {f.refreshToken}}, []string{f.refreshToken}
}

// Refresh tokens stay valid after use, so a refresh may be repeated.
func (refreshTokenFlow) repeatable() bool { return true }

// PasswordFlow logs in with a user's login name and password (the OAuth
// resource-owner password grant). It works for local and Active Directory
// users; OpenID Connect users need AuthCodeFlow.
func PasswordFlow(username, password string) AuthFlow { return passwordFlow{username, password} }

// AuthCodeFlow exchanges an authorization code obtained through the URL
// from AuthCodeURL. The code is single use.
func AuthCodeFlow(code string) AuthFlow { return authCodeFlow{code} }

// RefreshTokenFlow logs in with a refresh token saved from an earlier
// session.
func RefreshTokenFlow(refreshToken string) AuthFlow { return refreshTokenFlow{refreshToken} }

// AuthCodeURL returns the address to open in a browser to start the
// authorization-code flow. After login DRACOON redirects to the redirect URI
// with a code (and state, if not empty) to pass to AuthCodeFlow.
func (c *Client) AuthCodeURL(state string) string {
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {c.clientID},
		"redirect_uri":  {c.redirectURI},
		"scope":         {"all"},
	}
	if state != "" {
		q.Set("state", state)
	}
	return c.endpoint("/oauth/authorize") + "?" + q.Encode()
}

// Connect logs in with flow and keeps the tokens for all later calls,
// replacing every token held before (a refresh token the new reply lacks
// is not carried over from an earlier session). Calls waiting for a
// refresh that was in progress continue with the new tokens, and the
// tokens that refresh obtains are revoked. A wrong password yields an
// error matching ErrBadRequest or ErrUnauthorized (as the server decides)
// that carries the server's OAuth error. The grant goes to the token
// endpoint (POST /oauth/token), as do the refreshes later.
func (c *Client) Connect(ctx context.Context, flow AuthFlow) error {
	if flow == nil {
		return errors.New("dracoon: Connect: nil AuthFlow")
	}
	form, secrets := flow.form(c)
	for _, v := range form {
		if len(v) == 1 && v[0] == "" {
			return fmt.Errorf("dracoon: Connect: empty credential")
		}
	}
	tok, err := c.grant(ctx, form, secrets, flow.repeatable())
	if err != nil {
		return err
	}
	c.auth.mu.Lock()
	c.auth.session++
	tok = c.setTokenLocked(tok, false)
	c.auth.mu.Unlock()
	c.logger.LogAttrs(ctx, slog.LevelInfo, "dracoon: connected", slog.Any("token", tok))
	c.notifyToken(tok)
	return nil
}

// grant calls the token endpoint.
func (c *Client) grant(ctx context.Context, form url.Values, secrets []string, repeatable bool) (Token, error) {
	var resp tokenResponse
	issued := c.now()
	call := &apiCall{method: http.MethodPost, path: "/oauth/token", form: form, oauth: true, idempotent: repeatable, secrets: secrets, secretReply: true}
	if err := c.do(ctx, call, &resp); err != nil {
		return Token{}, err
	}
	if resp.AccessToken == "" {
		return Token{}, &ResponseError{Method: call.method, URL: c.endpoint(call.path), StatusCode: http.StatusOK,
			ContentType: "application/json", Err: errors.New("token response without access_token")}
	}
	return resp.token(issued), nil
}

// setTokenLocked stores a new token set and returns it; c.auth.mu must be
// held. A refresh reply without a refresh token keeps the current one
// (keepRefreshToken); a login replaces the whole set, so that no refresh
// token of an earlier session survives it.
func (c *Client) setTokenLocked(t Token, keepRefreshToken bool) Token {
	if t.RefreshToken == "" && keepRefreshToken {
		t.RefreshToken = c.auth.token.RefreshToken
	}
	c.auth.token = t
	c.auth.issuedAt = c.now()
	return t
}

// notifyToken calls the token hook, if any.
func (c *Client) notifyToken(t Token) {
	if c.tokenHook != nil {
		c.tokenHook(t)
	}
}

// Token returns the current tokens, for example to save the refresh token.
// The zero Token means the client is not connected.
func (c *Client) Token() Token {
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	return c.auth.token
}

// Connected reports, without any I/O, whether the client holds an access
// token that has not expired, or a refresh token to get a new one.
func (c *Client) Connected() bool {
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	t := c.auth.token
	return t.RefreshToken != "" || (t.AccessToken != "" && (t.Expiry.IsZero() || c.now().Before(t.Expiry)))
}

// TestConnection checks the login: first locally (is there a usable token),
// then with an authenticated ping to the server (GET /api/v4/user/ping),
// refreshing the access token first if it is about to expire.
func (c *Client) TestConnection(ctx context.Context) error {
	if !c.Connected() {
		return fmt.Errorf("dracoon: test connection: %w", ErrNotConnected)
	}
	var pong string
	return c.do(ctx, &apiCall{method: http.MethodGet, path: "/api/v4/user/ping", accept: "text/plain, application/json"}, &pong)
}

// needsRefreshLocked reports whether the access token is missing or within
// the refresh margin of its expiry; c.auth.mu must be held.
func (c *Client) needsRefreshLocked() bool {
	t := c.auth.token
	if t.AccessToken == "" {
		return true
	}
	if t.Expiry.IsZero() {
		return false
	}
	margin := c.refreshMargin
	if life := t.Expiry.Sub(c.auth.issuedAt); life > 0 && margin > life/10 {
		margin = life / 10
	}
	return !c.now().Before(t.Expiry.Add(-margin))
}

// canRefresh reports whether a refresh token is available.
func (c *Client) canRefresh() bool {
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	return c.auth.token.RefreshToken != ""
}

// accessToken returns a usable access token, refreshing it first when it is
// close to expiry. Concurrent callers share one refresh.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	for {
		c.auth.mu.Lock()
		t := c.auth.token
		if t.AccessToken == "" && t.RefreshToken == "" {
			c.auth.mu.Unlock()
			return "", fmt.Errorf("dracoon: %w", ErrNotConnected)
		}
		if !c.needsRefreshLocked() {
			c.auth.mu.Unlock()
			return t.AccessToken, nil
		}
		if t.RefreshToken == "" {
			c.auth.mu.Unlock()
			if t.AccessToken != "" && c.now().Before(t.Expiry) {
				return t.AccessToken, nil // inside the margin, but still valid
			}
			return "", fmt.Errorf("dracoon: access token expired and no refresh token: %w", ErrNotConnected)
		}
		call := c.startRefreshLocked(ctx)
		c.auth.mu.Unlock()
		select {
		case <-call.done:
			if call.err != nil {
				return "", call.err
			}
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// refreshAfterUnauthorized refreshes after a 401 for usedToken, unless
// another goroutine has already replaced that token.
func (c *Client) refreshAfterUnauthorized(ctx context.Context, usedToken string) error {
	c.auth.mu.Lock()
	if c.auth.token.AccessToken != usedToken {
		c.auth.mu.Unlock()
		return nil
	}
	c.auth.token.AccessToken = "" // forces needsRefresh for everyone
	call := c.startRefreshLocked(ctx)
	c.auth.mu.Unlock()
	select {
	case <-call.done:
		return call.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startRefreshLocked returns the refresh in progress or starts one;
// c.auth.mu must be held.
func (c *Client) startRefreshLocked(ctx context.Context) *refreshCall {
	if c.auth.refreshing != nil {
		return c.auth.refreshing
	}
	call := &refreshCall{done: make(chan struct{})}
	c.auth.refreshing = call
	refreshToken, session := c.auth.token.RefreshToken, c.auth.session
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	go func() {
		defer cancel()
		form, secrets := refreshTokenFlow{refreshToken}.form(c)
		tok, err := c.grant(rctx, form, secrets, true)
		c.auth.mu.Lock()
		stale := c.auth.session != session
		switch {
		case stale && c.auth.token.AccessToken == "" && c.auth.token.RefreshToken == "":
			err = fmt.Errorf("dracoon: token refresh: %w", ErrNotConnected) // logged out meanwhile
		case stale:
			err = nil // a Connect meanwhile stored tokens: the waiters use those
		case err != nil:
			err = fmt.Errorf("dracoon: token refresh: %w", err)
		default:
			tok = c.setTokenLocked(tok, true)
		}
		c.auth.refreshing = nil
		call.err = err
		c.auth.mu.Unlock()
		switch {
		case err != nil:
			c.logger.LogAttrs(rctx, slog.LevelWarn, "dracoon: token refresh failed", slog.String("error", c.redact(err.Error(), nil)))
		case !stale:
			c.logger.LogAttrs(rctx, slog.LevelInfo, "dracoon: token refreshed", slog.Any("token", tok))
			c.notifyToken(tok)
		default:
			c.logger.LogAttrs(rctx, slog.LevelInfo, "dracoon: token refresh overtaken by a new login; its tokens are discarded")
		}
		close(call.done)
		if stale && tok.AccessToken != "" {
			c.discardTokens(rctx, tok, refreshToken)
		}
	}()
	return call
}

// discardTokens revokes tokens a refresh obtained after a Connect or
// Logout had replaced the session it refreshed: nobody will use them, and
// after a Logout they must not stay valid. The refresh token the refresh
// started from is left alone (a server that does not rotate refresh
// tokens sends it back, and Logout decides about it).
func (c *Client) discardTokens(ctx context.Context, t Token, usedRefreshToken string) {
	current := c.Token()
	secrets := []string{t.AccessToken, t.RefreshToken}
	var errs []error
	if t.AccessToken != current.AccessToken {
		errs = append(errs, c.revoke(ctx, t.AccessToken, "access_token", secrets))
	}
	if t.RefreshToken != "" && t.RefreshToken != usedRefreshToken && t.RefreshToken != current.RefreshToken {
		errs = append(errs, c.revoke(ctx, t.RefreshToken, "refresh_token", secrets))
	}
	if err := errors.Join(errs...); err != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "dracoon: revoking the tokens of a stale refresh failed",
			slog.String("error", c.redact(err.Error(), secrets)))
	}
}

// Logout forgets the tokens, then revokes the access token and, when
// revokeRefreshToken is true, the refresh token too. The client is
// disconnected even when a revocation fails; the error says which one
// did. Calls waiting for a refresh in progress get ErrNotConnected, and
// the tokens that refresh obtains are revoked. Each revocation is one call
// to the revocation endpoint (POST /oauth/revoke).
func (c *Client) Logout(ctx context.Context, revokeRefreshToken bool) error {
	// Forget the tokens first, so that a refresh finishing meanwhile knows
	// its result is stale (and revokes it) instead of storing it.
	c.auth.mu.Lock()
	t := c.auth.token
	if t.AccessToken == "" && t.RefreshToken == "" {
		c.auth.mu.Unlock()
		return fmt.Errorf("dracoon: logout: %w", ErrNotConnected)
	}
	c.auth.session++
	c.auth.token = Token{}
	c.auth.mu.Unlock()
	secrets := []string{t.AccessToken, t.RefreshToken}
	var errs []error
	if t.AccessToken != "" {
		errs = append(errs, c.revoke(ctx, t.AccessToken, "access_token", secrets))
	}
	if revokeRefreshToken && t.RefreshToken != "" {
		errs = append(errs, c.revoke(ctx, t.RefreshToken, "refresh_token", secrets))
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "dracoon: logged out", slog.Bool("refresh_token_revoked", revokeRefreshToken))
	return errors.Join(errs...)
}

// revoke calls the revocation endpoint for one token; secrets are the
// tokens to keep out of errors and logs (the client may no longer hold
// them).
func (c *Client) revoke(ctx context.Context, token, hint string, secrets []string) error {
	form := url.Values{"token": {token}, "token_type_hint": {hint}}
	err := c.do(ctx, &apiCall{method: http.MethodPost, path: "/oauth/revoke", form: form, oauth: true, idempotent: true, secrets: secrets}, nil)
	if err != nil {
		return fmt.Errorf("revoke %s: %w", strings.ReplaceAll(hint, "_", " "), err)
	}
	return nil
}
