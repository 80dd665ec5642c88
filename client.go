package dracoon

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Version is the version of this SDK, sent in the default User-Agent.
const Version = "0.1.0"

// Client talks to one DRACOON instance. Create it with New, log in with
// Connect, then use the service fields. A Client is safe for concurrent use
// by many goroutines.
type Client struct {
	base          *url.URL // scheme and host, plus an optional path prefix without trailing slash
	httpClient    *http.Client
	logger        *slog.Logger
	userAgent     string
	clientID      string
	clientSecret  string
	redirectURI   string
	allowInsecure bool
	retry         RetryPolicy
	slots         chan struct{} // one element per request in flight
	tokenHook     func(Token)
	refreshMargin time.Duration
	now           func() time.Time                                 // replaced in tests
	sleep         func(ctx context.Context, d time.Duration) error // replaced in tests

	auth authState
	keys keyRing // unlocked user key pairs (keypairs.go)

	serviceToken string // X-Sds-Service-Token of provisioning calls (provisioning.go)

	// Account is the logged-in user's own account.
	Account *AccountService
	// Config holds the read-only configuration views for clients.
	Config *ConfigService
	// Public holds the unauthenticated endpoints: system information and
	// public shares.
	Public *PublicService
	// Settings holds the customer settings (CONFIG_MANAGER role).
	Settings *SettingsService
	// Webhooks administers the customer's webhooks (CONFIG_MANAGER role).
	Webhooks *WebhooksService
	// System holds the system configuration (CONFIG_MANAGER role).
	System *SystemService
	// EventLog reads the event log and the permission audit (LOG_AUDITOR role).
	EventLog *EventLogService
	// Reports manages audit reports of the separate reporting service.
	Reports *ReportsService
	// Branding reads and changes the tenant's branding (separate service).
	Branding *BrandingService
	// Provisioning manages tenants with a service token (WithServiceToken).
	Provisioning *ProvisioningService
	// Nodes holds rooms, folders and files.
	Nodes *NodesService
	// Shares holds download shares and upload shares (file requests).
	Shares *SharesService
	// Users administers users (USER_MANAGER role).
	Users *UsersService
	// Groups administers groups (GROUP_MANAGER role).
	Groups *GroupsService
	// Roles lists roles and grants or revokes them.
	Roles *RolesService
	// Rooms holds room configuration, permissions and policies.
	Rooms *RoomsService
	// Auth holds user name recovery, password reset and the unauthenticated ping.
	Auth *AuthService
	// Subscriptions holds the own notification subscriptions of nodes and shares.
	Subscriptions *SubscriptionsService
	// Transfers uploads and downloads file content.
	Transfers *TransfersService
}

// service is embedded by every API area; it only points back at the client.
type service struct{ client *Client }

// New returns a client for the DRACOON instance at baseURL, for example
// "https://dracoon.example.com". The URL must use https; plain http is
// accepted for loopback hosts (such as a local emulator) or with
// WithInsecureHTTP. New does no I/O.
func New(baseURL string, opts ...Option) (*Client, error) {
	c := &Client{
		httpClient:    refusingRedirects(&http.Client{}),
		logger:        slog.New(slog.DiscardHandler),
		userAgent:     "dracoon-go/" + Version,
		clientID:      DefaultClientID,
		retry:         DefaultRetryPolicy,
		slots:         make(chan struct{}, 8),
		refreshMargin: time.Minute,
		now:           time.Now,
		sleep:         sleep,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("dracoon: %w", err)
		}
	}
	u, err := parseBaseURL(baseURL, c.allowInsecure)
	if err != nil {
		return nil, err
	}
	c.base = u
	if c.redirectURI == "" {
		c.redirectURI = c.endpoint("/oauth/callback")
	}
	c.Account = &AccountService{client: c}
	c.Config = &ConfigService{client: c}
	c.Public = &PublicService{client: c}
	c.Settings = &SettingsService{client: c}
	c.Webhooks = &WebhooksService{client: c}
	c.System = &SystemService{client: c}
	c.EventLog = &EventLogService{client: c}
	c.Reports = &ReportsService{client: c}
	c.Branding = &BrandingService{client: c}
	c.Provisioning = &ProvisioningService{client: c}
	c.Nodes = &NodesService{client: c}
	c.Shares = &SharesService{client: c}
	c.Users = &UsersService{client: c}
	c.Groups = &GroupsService{client: c}
	c.Roles = &RolesService{client: c}
	c.Rooms = &RoomsService{client: c}
	c.Auth = &AuthService{client: c}
	c.Subscriptions = &SubscriptionsService{client: c}
	c.Transfers = &TransfersService{client: c}
	return c, nil
}

// BaseURL returns the base URL the client was created with, normalised.
func (c *Client) BaseURL() string { return c.base.String() }

// parseBaseURL validates and normalises a base URL. Its errors never repeat
// user information (which could hold a password).
func parseBaseURL(raw string, allowInsecure bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("dracoon: invalid base URL: %w", errWithoutURL(err))
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("dracoon: invalid base URL: credentials in the URL are not allowed")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("dracoon: invalid base URL %q: scheme must be https", u.Redacted())
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("dracoon: invalid base URL %q: no host", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("dracoon: invalid base URL %q: query and fragment are not allowed", u.Redacted())
	case u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("dracoon: invalid base URL %q: plain http is only allowed for loopback hosts (use https, or WithInsecureHTTP)", u.Redacted())
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimRight(u.Path, "/")}, nil
}

// errWithoutURL strips the URL from a *url.Error so it cannot leak.
func errWithoutURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// refusingRedirects returns a copy of hc that answers every redirect with
// an error matching ErrRedirect instead of following it. Following one
// would re-send the bearer token to the same host name on another scheme
// or port, and a login form (password, refresh token or code) even to
// another host; the DRACOON API never redirects.
func refusingRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = refuseRedirect
	return &cp
}

// refuseRedirect is the CheckRedirect of every client's HTTP client. Its
// error names the status and the target's scheme and host, but not the
// target's path or query, which may hold anything.
func refuseRedirect(req *http.Request, _ []*http.Request) error {
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	return fmt.Errorf("%w: the server answered %d %s pointing to %s://%s", ErrRedirect, status, http.StatusText(status), req.URL.Scheme, req.URL.Host)
}

// endpoint returns the absolute URL of path (which starts with "/").
func (c *Client) endpoint(path string) string {
	u := *c.base
	u.Path = c.base.Path + path
	return u.String()
}
