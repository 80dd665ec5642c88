package emulator

import (
	"time"

	"github.com/go-chi/chi/v5"
)

// adminState is the state of the administration areas: event log,
// webhooks, policies and settings, system configuration, provisioning,
// reports and branding. It lives in state.admin, behind Emulator.mu.
type adminState struct {
	eventSeq sequence
	events   []*logEvent

	webhookSeq sequence
	webhooks   map[int64]*webhook

	policies passwordPolicies
	// clientMeta completes the OAuth clients (oauthclients.go);
	// rescueKeyPairs are the system rescue key pairs (rescuekeys.go).
	clientMeta     map[string]clientMeta
	rescueKeyPairs []*keyPair
	// passwordSetAt is when a user last changed their password (absent:
	// since the account was created); loginFailures counts failed logins
	// in a row and lockedUntil ends a lockout (password policy rules).
	passwordSetAt map[int64]time.Time
	loginFailures map[int64]int
	lockedUntil   map[int64]time.Time
	settings      customerSettings
	sysconf       *sysConfig

	customerSeq sequence
	customers   map[int64]*tenantCustomer

	reportSeq sequence
	reports   map[int64]*report

	branding *branding
}

func newAdminState(now time.Time, adminID int64) *adminState {
	return &adminState{
		webhooks:      map[int64]*webhook{},
		policies:      defaultPasswordPolicies(now, adminID),
		clientMeta:    map[string]clientMeta{},
		passwordSetAt: map[int64]time.Time{},
		loginFailures: map[int64]int{},
		lockedUntil:   map[int64]time.Time{},
		sysconf:       newSysConfig(),
		customers:     map[int64]*tenantCustomer{},
		reports:       map[int64]*report{},
		branding:      defaultBranding(now),
	}
}

// systemAdminRoutes registers the authenticated administration endpoints:
// event log, customer webhooks, customer settings, password policies and
// system configuration.
func (e *Emulator) systemAdminRoutes(r chi.Router) {
	e.eventlogRoutes(r)
	e.webhookRoutes(r, "/settings", e.customerWebhooks())
	e.settingsRoutes(r)
	e.policyRoutes(r)
	e.sysconfigRoutes(r)
	e.oauthClientRoutes(r)
	e.rescueKeyRoutes(r)
}

// deref0 returns *s, or "" for nil.
func deref0(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
