// Package dracoontest runs a local DRACOON emulator for tests, the way
// net/http/httptest runs a test server: one call gives a running server
// URL plus seeded credentials, and the server stops when the test ends.
//
//	srv := dracoontest.NewServer(t)
//	client, _ := dracoon.New(srv.URL, dracoon.WithClientID(srv.ClientID), dracoon.WithClientSecret(srv.ClientSecret))
//	_ = client.Connect(ctx, dracoon.PasswordFlow(srv.AdminLogin, srv.AdminPassword))
//
// The emulator is an in-memory second implementation of the DRACOON API
// (OAuth and /api/v4); the Server's methods reach its test controls:
// injected faults, clock, authorization codes, quick room creation.
package dracoontest

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/internal/emulator"
)

// Server is a running emulator.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234" (no trailing
	// slash).
	URL string
	// AdminLogin and AdminPassword are the seeded admin user's credentials
	// (the admin holds all admin roles).
	AdminLogin    string
	AdminPassword string
	// AdminID is the admin user's id.
	AdminID int64
	// ClientID and ClientSecret are a confidential OAuth client allowed
	// the password, authorization_code and refresh_token grants, with the
	// redirect URI URL+"/oauth/callback".
	ClientID     string
	ClientSecret string
	// PublicClientID is the pre-registered public client
	// ("dracoon_legacy_scripting", empty secret).
	PublicClientID string
	// ControlToken guards the emulator's HTTP test controls under
	// /_emulator (send it as "Authorization: Bearer <token>" or in the
	// X-Emulator-Control-Token header). The Server's methods need no token.
	ControlToken string
	// ServiceToken authenticates the provisioning (tenant) API: send it in
	// the X-Sds-Service-Token header.
	ServiceToken string

	emu *emulator.Emulator
	hts *httptest.Server
}

type config struct {
	emu        emulator.Config
	middleware []func(http.Handler) http.Handler
	timeouts   emulator.Timeouts
}

// Option configures NewServer.
type Option func(*config)

// WithAccessTokenLifetime sets how long access tokens live (default 8 h);
// tiny values such as one second are fine for testing refresh logic.
func WithAccessTokenLifetime(d time.Duration) Option {
	return func(c *config) { c.emu.AccessTokenLifetime = d }
}

// WithRefreshTokenLifetime sets how long refresh tokens live (default
// 30 days).
func WithRefreshTokenLifetime(d time.Duration) Option {
	return func(c *config) { c.emu.RefreshTokenLifetime = d }
}

// WithS3 says whether the tenant reports S3 storage (default true).
func WithS3(on bool) Option {
	return func(c *config) { c.emu.UseS3Storage = emulator.Bool(on) }
}

// WithS3EnforceDirectUpload makes direct S3 uploads mandatory.
func WithS3EnforceDirectUpload(on bool) Option {
	return func(c *config) { c.emu.S3EnforceDirectUpload = on }
}

// WithCrypto turns the tenant's client-side encryption on or off. It is on
// by default, as on DRACOON Cloud.
func WithCrypto(on bool) Option {
	return func(c *config) { c.emu.CryptoEnabled = emulator.Bool(on) }
}

// WithClock replaces the wall clock, e.g. with a fixed time. AdvanceClock
// still moves the emulator's time forward from it.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.emu.Now = now }
}

// WithLogger sends the emulator's request log to l (default: discarded).
// Tokens, passwords and Authorization headers are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.emu.Logger = l }
}

// WithAdminPassword fixes the admin password (default: random).
func WithAdminPassword(p string) Option {
	return func(c *config) { c.emu.AdminPassword = p }
}

// WithAutoApprove makes GET /oauth/authorize redirect at once with a code
// for the user with this login instead of showing a login form.
func WithAutoApprove(login string) Option {
	return func(c *config) { c.emu.AutoApproveLogin = login }
}

// WithServiceToken fixes the provisioning service token (default:
// random).
func WithServiceToken(token string) Option {
	return func(c *config) { c.emu.ServiceToken = token }
}

// WithWebhookClient sets the HTTP client that delivers webhooks and the
// wait before the first retry of a failed delivery (doubling per retry;
// 0 keeps the default of 1 s).
func WithWebhookClient(client *http.Client, retryBackoff time.Duration) Option {
	return func(c *config) {
		c.emu.WebhookClient = client
		c.emu.WebhookRetryBackoff = retryBackoff
	}
}

// WithMiddleware wraps the emulator's handler, e.g. with a validator that
// checks every exchange. Several middlewares apply in order: the first
// given is the outermost.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(c *config) { c.middleware = append(c.middleware, mw) }
}

// Timeouts bound stalled connections (see WithTimeouts). Zero fields take
// the defaults: 10 s to read a request header, 2 min for an idle
// keep-alive connection, 1 min for each single body read or response write
// that makes no progress. No timeout limits a whole transfer.
type Timeouts struct {
	ReadHeader time.Duration
	Idle       time.Duration
	Progress   time.Duration
}

// WithTimeouts sets the server's connection timeouts, e.g. short ones for
// a test of a stalling client.
func WithTimeouts(t Timeouts) Option {
	return func(c *config) {
		c.timeouts = emulator.Timeouts{ReadHeader: t.ReadHeader, Idle: t.Idle, Progress: t.Progress}
	}
}

// NewServer starts an emulator on a loopback port and stops it when the
// test and its subtests have finished.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("dracoontest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start starts an emulator on a loopback port outside a test (in an
// Example function or a program); the caller must Close it.
func Start(opts ...Option) (*Server, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	// The listener comes first: its address is the emulator's base URL,
	// which OAuth redirects and the control API's Host check rely on.
	hts := httptest.NewUnstartedServer(http.NotFoundHandler())
	c.emu.ExternalURL = "http://" + hts.Listener.Addr().String()
	emu, err := emulator.New(c.emu)
	if err != nil {
		hts.Close()
		return nil, err
	}
	h := emu.Handler()
	for i := len(c.middleware) - 1; i >= 0; i-- {
		h = c.middleware[i](h)
	}
	hts.Config.Handler = h
	emulator.ConfigureServer(hts.Config, c.timeouts)
	hts.Start()
	id, secret := emu.ConfidentialClient()
	return &Server{
		URL:            hts.URL,
		AdminLogin:     emu.AdminLogin(),
		AdminPassword:  emu.AdminPassword(),
		AdminID:        emu.AdminID(),
		ClientID:       id,
		ClientSecret:   secret,
		PublicClientID: emulator.PublicClientID,
		ControlToken:   emu.ControlToken(),
		ServiceToken:   emu.ServiceToken(),
		emu:            emu,
		hts:            hts,
	}, nil
}

// Client returns an *http.Client for the server (plain net/http, no
// DRACOON logic).
func (s *Server) Client() *http.Client { return s.hts.Client() }

// Close stops the server and waits for its background work (webhook
// deliveries, content hashes). NewServer's test cleanup calls it; calling
// it again is harmless.
func (s *Server) Close() {
	s.hts.Close()
	s.emu.Close()
	s.emu.WaitContentHashes()
}

// Fault makes the next Count requests matching Method (empty: any) and
// the Path regular expression misbehave: answer Status (429 with
// Retry-After, or 500/502/503/504), drop the connection, or wait Delay.
type Fault struct {
	Method     string
	Path       string
	Count      int
	Status     int
	RetryAfter time.Duration
	Drop       bool
	Delay      time.Duration
}

// InjectFault registers a fault; faults are counted exactly, also under
// concurrent requests.
func (s *Server) InjectFault(f Fault) error {
	_, err := s.emu.InjectFault(emulator.Fault{
		Method: f.Method, Path: f.Path, Count: f.Count, Status: f.Status,
		RetryAfter: f.RetryAfter, Drop: f.Drop, Delay: f.Delay,
	})
	return err
}

// PendingFaults returns how many faulted requests are still to come,
// summed over all faults.
func (s *Server) PendingFaults() int {
	n := 0
	for _, f := range s.emu.Faults() {
		n += f.Remaining
	}
	return n
}

// ClearFaults removes all injected faults.
func (s *Server) ClearFaults() { s.emu.ClearFaults() }

// AdvanceClock moves the emulator's clock forward; tokens expire when
// their lifetime has passed.
func (s *Server) AdvanceClock(d time.Duration) error { return s.emu.AdvanceClock(d) }

// WaitContentHashes returns when the MD5 hashes of files uploaded in
// several chunks or parts, computed in the background after completion,
// have been given to their nodes.
func (s *Server) WaitContentHashes() { s.emu.WaitContentHashes() }

// Now returns the emulator's current time.
func (s *Server) Now() time.Time { return s.emu.Now() }

// ExpireAccessTokens expires every access token (refresh tokens stay
// valid) and returns how many were affected.
func (s *Server) ExpireAccessTokens() int { return s.emu.ExpireAccessTokens() }

// RevokeAllTokens deletes every access and refresh token.
func (s *Server) RevokeAllTokens() int { return s.emu.RevokeAllTokens() }

// Reset restores the seeded state (same credentials), clears faults and
// undoes clock advances.
func (s *Server) Reset() { s.emu.Reset() }

// AuthorizationCode returns a code for the authorization-code grant as if
// the user with login had approved clientID's request for redirectURI
// (empty when the client has a single registered redirect URI).
func (s *Server) AuthorizationCode(login, clientID, redirectURI string) (string, error) {
	return s.emu.AuthorizationCode(login, clientID, redirectURI)
}

// RoomOptions are optional settings for CreateRoom.
type RoomOptions struct {
	// ParentID creates a sub-room of that room (default: top level).
	ParentID int64
	// AdminIDs get full permissions (default: the admin user for rooms
	// that do not inherit).
	AdminIDs []int64
	// InheritPermissions defaults to false at top level, true below.
	InheritPermissions *bool
	Quota              int64
	Classification     int
	Notes              string
}

// CreateRoom creates a room as the admin user and returns its id.
func (s *Server) CreateRoom(name string, opts *RoomOptions) (int64, error) {
	spec := emulator.RoomSpec{Name: name}
	if opts != nil {
		spec.ParentID = opts.ParentID
		spec.AdminIDs = opts.AdminIDs
		spec.InheritPermissions = opts.InheritPermissions
		spec.Quota = opts.Quota
		spec.Classification = opts.Classification
		spec.Notes = opts.Notes
	}
	return s.emu.CreateRoom(spec)
}

// OAuthClient describes an additional OAuth client for AddOAuthClient.
type OAuthClient struct {
	ID     string
	Secret string
	// Grants defaults to password, authorization_code, refresh_token.
	Grants []string
	// RedirectURIs defaults to URL+"/oauth/callback".
	RedirectURIs         []string
	AccessTokenLifetime  time.Duration
	RefreshTokenLifetime time.Duration
}

// AddOAuthClient registers another OAuth client.
func (s *Server) AddOAuthClient(c OAuthClient) error {
	if c.ID == "" {
		return errors.New("dracoontest: OAuth client id must not be empty")
	}
	return s.emu.AddOAuthClient(emulator.OAuthClient{
		ID: c.ID, Secret: c.Secret, Grants: c.Grants, RedirectURIs: c.RedirectURIs,
		AccessTokenLifetime: c.AccessTokenLifetime, RefreshTokenLifetime: c.RefreshTokenLifetime,
	})
}

// Role ids for AddUser, CreateUser and CreateGroup.
const (
	RoleConfigManager   = 1
	RoleUserManager     = 2
	RoleGroupManager    = 3
	RoleRoomManager     = 4
	RoleLogAuditor      = 5
	RoleNonmemberViewer = 6
)

// AddUser creates a user with local (basic) login, the ordinary USER role
// and the given extra roles, and returns its id.
func (s *Server) AddUser(login, password string, roles ...int) (int64, error) {
	return s.emu.AddUser(login, password, roles...)
}

// UserOptions are optional settings for CreateUser.
type UserOptions struct {
	FirstName string // default: the login
	LastName  string // default: "User"
	Email     string
	// Password of a local user; empty generates one.
	Password string
	// AuthMethod is "basic" (default), "active_directory" or "openid";
	// AD and OpenID users cannot log in with a password.
	AuthMethod         string
	MustChangePassword bool
	// Roles are role ids granted directly (RoleConfigManager …).
	Roles []int
	// GroupIDs are groups the user joins.
	GroupIDs []int64
	ExpireAt time.Time
	Locked   bool
}

// CreateUser creates a user with the validation of POST /users and returns
// its id and password (generated when opts gives none; empty for AD and
// OpenID users). Local users log in with the login and that password.
func (s *Server) CreateUser(login string, opts *UserOptions) (int64, string, error) {
	spec := emulator.UserSpec{Login: login}
	if opts != nil {
		spec.FirstName, spec.LastName, spec.Email = opts.FirstName, opts.LastName, opts.Email
		spec.Password, spec.AuthMethod, spec.MustChangePassword = opts.Password, opts.AuthMethod, opts.MustChangePassword
		spec.Roles, spec.GroupIDs, spec.ExpireAt, spec.Locked = opts.Roles, opts.GroupIDs, opts.ExpireAt, opts.Locked
	}
	return s.emu.CreateUser(spec)
}

// CreateGroup creates a group with the given members and roles and
// returns its id.
func (s *Server) CreateGroup(name string, memberIDs []int64, roles ...int) (int64, error) {
	return s.emu.CreateGroup(emulator.GroupSpec{Name: name, MemberIDs: memberIDs, Roles: roles})
}
