// Package emulator is a local, in-memory implementation of the DRACOON
// server API: OAuth 2 (authorization server and token checks), the
// /api/v4 endpoints and test controls (fault injection, clock, reset).
//
// It is a second implementation of DRACOON, not a mock of any client: it
// follows the OpenAPI document 4.26.7 and the behaviour real clients rely
// on. One Emulator serves everything on one http.Handler; all state sits in
// memory behind one mutex.
//
// Layout: one file per API area for the handlers (oauth.go, account.go,
// public.go, config.go, nodes.go, control.go) and small shared helpers
// written once (respond.go for JSON and DRACOON errors, list.go for
// paging/filter/sort, auth.go for the token check, ids.go for ids and
// random strings, clock.go for time and the one date parser, names.go for
// name and text validation, deadlines.go for the connection timeouts that
// cmd/dracoon-emulator and dracoontest apply). Transfers: uploads.go
// (channels, classic chunks, completion), s3.go (presigned parts and the
// object store), downloads.go, filekeys.go, blobstore.go (file contents in
// memory or on disk, never held whole by a handler) and blobgc.go.
//
// Administration lives in admin_state.go and one file per area:
// eventlog.go, webhooks.go, policies.go, settings.go, sysconfig.go,
// provisioning.go, reports.go and branding.go; choices no source settles
// are in unverified_admin.go. Every handler that changes something calls
// e.emit once on its success path: the event lands in the event log and
// reaches the subscribed webhooks, whose deliveries run on background
// workers (stopped by Close).
//
// The self-service areas have their state in selfservice_state.go and one
// file each: password_reset.go (forgotten user names and passwords; the
// mails that DRACOON would send are kept for tests), avatar.go,
// notifications.go, oauth_grants.go, subscriptions.go, and for rooms
// room_keys.go (rescue key pairs through the key pair store of
// keypairs.go) and room_s3tags.go.
//
// Hostile input is refused in the shared helpers, so every handler inherits
// it: decodeJSON (JSON content type, UTF-8, no lone surrogates), parseDate
// and apiTime (years 1–9999), validateNodeName and validateText. The test
// controls need the per-run control token (control.go).
package emulator

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

// Default token lifetimes, the values DRACOON gives newly created OAuth
// clients.
const (
	DefaultAccessTokenLifetime  = 8 * time.Hour
	DefaultRefreshTokenLifetime = 30 * 24 * time.Hour
	// AuthorizationCodeLifetime is how long an authorization code can be
	// exchanged.
	AuthorizationCodeLifetime = 10 * time.Minute
)

// Names of the seeded OAuth clients and the admin user.
const (
	// PublicClientID is the pre-registered public client (empty secret)
	// that the Python client uses by default.
	PublicClientID = "dracoon_legacy_scripting"
	// ConfidentialClientID is the pre-registered confidential client.
	ConfidentialClientID = "dracoon_emulator_confidential"
	// AdminLogin is the login (and user name) of the seeded admin user.
	AdminLogin = "admin"
)

// Config configures an Emulator. The zero value is usable.
type Config struct {
	// AdminPassword is the password of the seeded admin user. When empty a
	// random one is generated; AdminPassword and AdminPasswordGenerated
	// report it.
	AdminPassword string

	// AccessTokenLifetime and RefreshTokenLifetime are the validities of
	// the seeded OAuth clients' tokens (defaults 8 h and 30 d). Lifetimes
	// below a second are allowed; expires_in is rounded up to whole
	// seconds.
	AccessTokenLifetime  time.Duration
	RefreshTokenLifetime time.Duration

	// UseS3Storage reports S3 as the storage back end (useS3Storage in the
	// public system info and general settings, non-empty s3Hosts). Nil
	// means true.
	UseS3Storage *bool
	// S3EnforceDirectUpload reports that direct S3 uploads are mandatory.
	S3EnforceDirectUpload bool
	// CryptoEnabled says whether client-side encryption is enabled for the
	// tenant. Nil means true, as on DRACOON Cloud, where it is on by
	// default; Bool(false) turns it off.
	CryptoEnabled *bool

	// Now is the clock (default time.Now). The test controls can move the
	// emulator's time forward from it.
	Now func() time.Time

	// Logger receives one debug record per request (method, path without
	// query, status, duration) and warnings. Tokens, passwords and
	// Authorization headers are never logged. Nil discards.
	Logger *slog.Logger

	// ExternalURL is the base URL clients reach the emulator at, used for
	// absolute URLs (the OAuth callback, s3Hosts), for the redirect URIs of
	// the seeded OAuth clients and, besides loopback names, as the only Host
	// the test controls accept. When empty, the address of the listener a
	// request arrived on is used; the request's Host header never is.
	// dracoontest and cmd/dracoon-emulator set it from their listener.
	ExternalURL string

	// ControlToken protects the test controls under /_emulator: requests
	// must send it as "Authorization: Bearer <token>" or in the
	// X-Emulator-Control-Token header. When empty a random token is
	// generated; ControlToken reports it.
	ControlToken string

	// AutoApproveLogin, when set to the login of an existing user, makes
	// GET /oauth/authorize skip the login form and redirect at once with a
	// code for that user.
	AutoApproveLogin string

	// DataDir, when set, keeps file contents (blobs) in files below
	// DataDir/blobs instead of in memory, for large transfers. The folder
	// is created when missing; blobs of earlier runs are not reused.
	DataDir string

	// TrustHostHeader makes absolute URLs (upload, download and presigned
	// URLs, OAuth callback, s3Hosts) follow the request's Host header and
	// X-Forwarded-Proto, for an emulator behind a proxy that is reached
	// under several names. Off by default: the Host header is chosen by the
	// client (issue 6).
	TrustHostHeader bool

	// NoContentHashes skips the MD5 digests of uploaded bytes, the
	// emulator's main CPU cost: chunk answers and S3 ETags then carry a
	// random tag of the same shape, and files uploaded in several pieces
	// have no hash. For throughput measurements of the transport only.
	NoContentHashes bool

	// S3MinPartSize is the smallest size of a direct-S3 part other than
	// the last one (default 5 MiB, as S3 requires); completion fails with
	// smaller parts. Tests may lower it.
	S3MinPartSize int64

	// APIVersion is reported as restApiVersion and sdsServerVersion by
	// GET /public/software/version (default "4.26.7", the API document the
	// emulator follows).
	APIVersion string

	// ServiceToken authenticates the provisioning (tenant) API: requests
	// must send it in the X-Sds-Service-Token header. When empty a random
	// token is generated; ServiceToken reports it.
	ServiceToken string

	// WebhookClient posts webhook deliveries (default: a client with a
	// 30 s timeout). Tests use it to reach an httptest TLS server.
	WebhookClient *http.Client
	// WebhookRetryBackoff is the wait before the first retry of a failed
	// webhook delivery; it doubles per retry (default 1 s).
	WebhookRetryBackoff time.Duration
}

// Bool returns a pointer to v, for Config.UseS3Storage and
// Config.CryptoEnabled.
func Bool(v bool) *bool { return &v }

// Emulator is a running DRACOON emulator. Its methods are safe for
// concurrent use.
type Emulator struct {
	cfg           Config
	log           *slog.Logger
	clock         *clock
	adminPassword string
	generatedPass bool
	confSecret    string
	controlToken  string
	// externalHost is ExternalURL's host (with port), "" when unset.
	externalHost string
	faults       *faultSet
	serviceToken string
	delivery     *deliverer
	handler      http.Handler
	router       chi.Router // the API router, for Allow headers and route listings

	// store keeps file contents (blobstore.go); xfer the upload channels
	// and download tokens (uploads.go, downloads.go).
	store blobStore
	xfer  *transfers
	// hashing counts the content hashes running in the background
	// (contenthash.go).
	hashing sync.WaitGroup

	mu sync.Mutex
	st *state
}

// New creates an emulator with seeded state (tenant, admin user, OAuth
// clients).
func New(cfg Config) (*Emulator, error) {
	if cfg.AccessTokenLifetime < 0 || cfg.RefreshTokenLifetime < 0 {
		return nil, errors.New("emulator: token lifetimes must not be negative")
	}
	if cfg.AccessTokenLifetime == 0 {
		cfg.AccessTokenLifetime = DefaultAccessTokenLifetime
	}
	if cfg.RefreshTokenLifetime == 0 {
		cfg.RefreshTokenLifetime = DefaultRefreshTokenLifetime
	}
	if cfg.UseS3Storage == nil {
		cfg.UseS3Storage = Bool(true)
	}
	if cfg.CryptoEnabled == nil {
		cfg.CryptoEnabled = Bool(true)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = "4.26.7"
	}
	if cfg.ExternalURL != "" {
		u, err := url.Parse(cfg.ExternalURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("emulator: external URL must be an absolute http(s) URL")
		}
		cfg.ExternalURL = strings.TrimRight(cfg.ExternalURL, "/")
	}
	if cfg.S3MinPartSize <= 0 {
		cfg.S3MinPartSize = DefaultS3MinPartSize
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Emulator{
		cfg:    cfg,
		log:    log,
		clock:  &clock{base: cfg.Now},
		faults: &faultSet{},
	}
	if cfg.AdminPassword == "" {
		e.adminPassword = randomString(20)
		e.generatedPass = true
	} else {
		e.adminPassword = cfg.AdminPassword
	}
	e.confSecret = randomString(32)
	e.controlToken = cfg.ControlToken
	if e.controlToken == "" {
		e.controlToken = randomString(32)
	}
	e.serviceToken = cfg.ServiceToken
	if e.serviceToken == "" {
		e.serviceToken = randomString(32)
	}
	if cfg.WebhookClient == nil {
		cfg.WebhookClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.WebhookRetryBackoff <= 0 {
		cfg.WebhookRetryBackoff = time.Second
	}
	e.delivery = &deliverer{queue: make(chan delivery, webhookQueueSize), done: make(chan struct{}),
		client: cfg.WebhookClient, backoff: cfg.WebhookRetryBackoff}
	if cfg.ExternalURL != "" {
		u, _ := url.Parse(cfg.ExternalURL)
		e.externalHost = u.Host
	}
	if cfg.DataDir != "" {
		ds, err := newDiskStore(cfg.DataDir, !cfg.NoContentHashes)
		if err != nil {
			return nil, err
		}
		e.store = ds
	} else {
		e.store = newMemStore(!cfg.NoContentHashes)
	}
	e.xfer = newTransfers()
	e.st = e.seed()
	if cfg.AutoApproveLogin != "" && e.st.userByLogin(cfg.AutoApproveLogin) == nil {
		return nil, fmt.Errorf("emulator: auto-approve login %q is not a user", cfg.AutoApproveLogin)
	}
	e.handler = e.routes()
	return e, nil
}

// Handler returns the http.Handler serving OAuth, the API and the test
// controls on one listener.
func (e *Emulator) Handler() http.Handler { return e.handler }

// ControlToken returns the token that the test controls under /_emulator
// require (configured or generated). It is a secret: whoever holds it can
// read the admin password and mint admin codes.
func (e *Emulator) ControlToken() string { return e.controlToken }

// ExternalURL returns the base URL the emulator builds absolute URLs from
// ("" when none is configured and the listener address is used).
func (e *Emulator) ExternalURL() string { return e.cfg.ExternalURL }

// AdminLogin returns the login of the seeded admin user.
func (e *Emulator) AdminLogin() string { return AdminLogin }

// AdminID returns the admin user's id.
func (e *Emulator) AdminID() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	if u := e.st.userByLogin(AdminLogin); u != nil {
		return u.id
	}
	return 0
}

// AdminPassword returns the admin user's password (configured or
// generated).
func (e *Emulator) AdminPassword() string { return e.adminPassword }

// AdminPasswordGenerated reports whether the admin password was generated
// because Config.AdminPassword was empty.
func (e *Emulator) AdminPasswordGenerated() bool { return e.generatedPass }

// ConfidentialClient returns the id and secret of the seeded confidential
// OAuth client (grants password, authorization_code, refresh_token;
// redirect URI <base>/oauth/callback).
func (e *Emulator) ConfidentialClient() (id, secret string) {
	return ConfidentialClientID, e.confSecret
}

// Now returns the emulator's current time (the configured clock plus any
// advance).
func (e *Emulator) Now() time.Time { return e.clock.now() }

// AdvanceClock moves the emulator's clock forward by d (negative values are
// rejected). Tokens and codes expire naturally when their time is passed.
func (e *Emulator) AdvanceClock(d time.Duration) error {
	if d < 0 {
		return errors.New("emulator: the clock only moves forward")
	}
	return e.clock.advance(d)
}

// Reset restores the seeded state: users, OAuth clients, tokens, codes and
// nodes go back to what New created (same admin password and confidential
// client secret); injected faults are cleared and the clock advance is
// undone.
func (e *Emulator) Reset() {
	e.faults.clear()
	e.clock.reset()
	e.mu.Lock()
	e.st = e.seed()
	e.xfer = newTransfers()
	e.store.clear()
	e.mu.Unlock()
}

// ExpireAccessTokens makes every issued access token expired now; refresh
// tokens stay valid, so clients can test their refresh path.
func (e *Emulator) ExpireAccessTokens() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.now()
	n := 0
	for _, t := range e.st.access {
		if t.expiresAt.After(now) {
			t.expiresAt = now
			n++
		}
	}
	return n
}

// RevokeAllTokens deletes every access and refresh token; it returns how
// many were removed.
func (e *Emulator) RevokeAllTokens() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := len(e.st.access) + len(e.st.refresh)
	clear(e.st.access)
	clear(e.st.refresh)
	return n
}

// baseURL is the externally visible base URL (no trailing slash): the
// configured ExternalURL, else the address of the listener the request
// arrived on (http.LocalAddrContextKey), else http://localhost. The
// request's Host header is used only with Config.TrustHostHeader: it is
// chosen by the client, and OAuth redirects and system info built from it
// could point anywhere.
func (e *Emulator) baseURL(r *http.Request) string {
	if e.cfg.TrustHostHeader && validHost(r.Host) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
			scheme = p
		}
		return scheme + "://" + r.Host
	}
	if e.cfg.ExternalURL != "" {
		return e.cfg.ExternalURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && a != nil {
		if ap, err := netip.ParseAddrPort(a.String()); err == nil {
			return scheme + "://" + ap.String()
		}
	}
	return scheme + "://localhost"
}

func (e *Emulator) useS3() bool { return *e.cfg.UseS3Storage }

// AddUser creates an internal user with basic authentication and the
// ordinary USER role (plus the given role ids, see the roles table: 1
// CONFIG_MANAGER … 5 LOG_AUDITOR) and returns its id.
func (e *Emulator) AddUser(login, password string, roles ...int) (int64, error) {
	if strings.TrimSpace(login) == "" || password == "" {
		return 0, errors.New("emulator: login and password must not be empty")
	}
	for _, r := range roles {
		if _, ok := roleTable[r]; !ok {
			return 0, fmt.Errorf("emulator: unknown role id %d", r)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st.userByLogin(login) != nil {
		return 0, fmt.Errorf("emulator: user %q exists", login)
	}
	u := &user{
		id:         e.st.userSeq.next(),
		login:      login,
		firstName:  login,
		lastName:   "User",
		email:      login + "@emulator.invalid",
		language:   "en-US",
		password:   newPasswordHash(password),
		roles:      append(slices.Clone(roles), roleUser),
		avatarUUID: randomUUID(),
		createdAt:  e.clock.now(),
	}
	slices.Sort(u.roles)
	u.roles = slices.Compact(u.roles)
	e.st.users[u.id] = u
	return u.id, nil
}

// validHost reports whether a Host header value is a plain host[:port]
// that can go into a URL unchanged.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	u, err := url.Parse("http://" + h)
	return err == nil && u.Host == h && u.Path == "" && u.User == nil
}
