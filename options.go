package dracoon

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// DefaultClientID is the OAuth client every DRACOON instance registers for
// scripts; its secret is empty.
const DefaultClientID = "dracoon_legacy_scripting"

// Option configures a Client in New.
type Option func(*Client) error

// WithHTTPClient makes the client send its requests through a copy of hc
// (its transport, cookie jar and timeout). The copy refuses redirects, as
// the default client does (see ErrRedirect), whatever hc.CheckRedirect
// says; hc itself is not modified. The client never sets a global timeout
// of its own; bound calls with their context.
//
// TLS certificates are always verified; there is no option to skip that.
// For a server whose certificate comes from a private CA, pass a client
// whose transport's TLSClientConfig.RootCAs holds that CA; without it the
// calls fail with a *RequestError that says so.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("nil *http.Client")
		}
		c.httpClient = refusingRedirects(hc)
		return nil
	}
}

// WithLogger sends the client's log records to logger. Requests are logged
// at debug level, retries and token refreshes at info or warn level. No
// record ever contains a secret. The default discards everything.
func WithLogger(logger *slog.Logger) Option {
	return func(c *Client) error {
		if logger == nil {
			return errors.New("nil *slog.Logger")
		}
		c.logger = logger
		return nil
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithClientID sets the OAuth client id (default DefaultClientID).
func WithClientID(id string) Option {
	return func(c *Client) error {
		if id == "" {
			return errors.New("empty OAuth client id")
		}
		c.clientID = id
		return nil
	}
}

// WithClientSecret sets the OAuth client secret (default empty, as for
// DefaultClientID).
func WithClientSecret(secret string) Option {
	return func(c *Client) error {
		c.clientSecret = secret
		return nil
	}
}

// WithRedirectURI sets the redirect URI of the authorization-code flow
// (default: the instance's /oauth/callback page, which shows the code so a
// user can paste it into a command-line tool).
func WithRedirectURI(uri string) Option {
	return func(c *Client) error {
		c.redirectURI = uri
		return nil
	}
}

// WithMaxConcurrentRequests limits how many requests the client has in
// flight at once, across all goroutines and calls (default 8). Callers may
// start any number of goroutines; the excess waits for a free slot (or for
// its context to end). n < 1 is an error.
func WithMaxConcurrentRequests(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("maximum concurrent requests must be at least 1, got %d", n)
		}
		c.slots = make(chan struct{}, n)
		return nil
	}
}

// WithRetryPolicy replaces the default retry policy (DefaultRetryPolicy).
// Use RetryPolicy{MaxAttempts: 1} to switch retries off.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithInsecureHTTP allows a plain-http base URL for hosts other than
// loopback addresses. Tokens and passwords then cross the network
// unencrypted; use it only inside trusted test networks.
func WithInsecureHTTP() Option {
	return func(c *Client) error {
		c.allowInsecure = true
		return nil
	}
}

// WithTokenHook registers fn to be called with the new tokens after every
// successful token grant: the login in Connect and every refresh (with the
// refresh token kept when the server sent no new one). Use it to persist a
// rotated refresh token. fn runs synchronously on the goroutine
// that obtained the token; keep it short and do not call the client from
// it.
func WithTokenHook(fn func(Token)) Option {
	return func(c *Client) error {
		c.tokenHook = fn
		return nil
	}
}

// WithRefreshMargin sets how long before its expiry an access token is
// refreshed (default 60 seconds, but never more than a tenth of the
// token's lifetime).
func WithRefreshMargin(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("negative refresh margin %v", d)
		}
		c.refreshMargin = d
		return nil
	}
}
