package emulator

import (
	"strings"
	"time"
)

// state is everything the emulator knows. All access goes through
// Emulator.mu.
type state struct {
	customer customer
	// admin is the state of the administration areas (admin_state.go).
	admin *adminState

	userSeq  sequence
	nodeSeq  sequence
	groupSeq sequence
	users    map[int64]*user
	groups   map[int64]*group

	clients map[string]*oauthClient
	codes   map[secretHash]*authCode
	access  map[secretHash]*accessToken
	refresh map[secretHash]*refreshToken

	nodes map[int64]*node
	// kids indexes the nodes by parent id (0 = top level), in id order.
	kids map[int64][]*node
	// branchClock is the last branchVersion handed out; versions are
	// monotonic and look like DRACOON's (milliseconds since the epoch).
	branchClock int64
	// tree holds the recycle bin and comments (tree.go).
	tree treeState
	// selfService holds reset tokens, avatars, notification settings,
	// approvals, subscriptions and room S3 tags (selfservice_state.go).
	selfService selfServiceState
	// shares holds download and upload shares, public their tokens and
	// channels (shares.go, public_shares.go).
	shares shareState
	public publicShareState
}

// customer is the one tenant.
type customer struct {
	id                 int64
	name               string
	spaceLimit         int64
	accountsLimit      int
	cryptoEnabled      bool
	uuid               string
	homeRoomsActive    bool
	eulaEnabled        bool
	s3TagsEnabled      bool
	sharePasswordSMS   bool
	languageDefault    string
	isProviderCustomer bool
}

// Role ids as the Java SDK's role enum lists them; USER is the ordinary
// role real accounts show (user/dco3/user_info_ok.json).
const (
	roleConfigManager   = 1
	roleUserManager     = 2
	roleGroupManager    = 3
	roleRoomManager     = 4
	roleLogAuditor      = 5
	roleNonmemberViewer = 6
	roleUser            = 7
)

// roleTable is the fixed role catalogue (id, name, description).
var roleTable = map[int]struct{ name, description string }{
	roleConfigManager:   {"CONFIG_MANAGER", "Manages global configuration"},
	roleUserManager:     {"USER_MANAGER", "Manages users"},
	roleGroupManager:    {"GROUP_MANAGER", "Manages user groups"},
	roleRoomManager:     {"ROOM_MANAGER", "Manages top level rooms"},
	roleLogAuditor:      {"LOG_AUDITOR", "Reads audit logs"},
	roleNonmemberViewer: {"NONMEMBER_VIEWER", "Views users and groups when holding manage permission in a room"},
	roleUser:            {"USER", "Regular user"},
}

// user is an internal user with basic (local) authentication.
type user struct {
	id                 int64
	login              string // also the userName
	firstName          string
	lastName           string
	email              string
	phone              string
	language           string
	password           passwordHash
	mustChangePassword bool
	isLocked           bool
	expireAt           time.Time
	roles              []int
	avatarUUID         string
	createdAt          time.Time
	lastLoginSuccessAt time.Time
	lastLoginFailAt    time.Time

	// User administration (users.go, keypairs.go, profile.go).
	createdBy   int64
	authMethod  string // authBasic (also when empty), authAD, authOpenID, authRadius
	authLogin   string // login for a non-basic method; basic users log in with login
	adConfigID  int
	oidConfigID int
	mfaEnforced bool
	// attributes are set by user managers, profileAttributes by the user.
	attributes        attrSet
	profileAttributes attrSet
	// keyPairs are the user's key pairs in the order they were set (at
	// most two, one per version).
	keyPairs []*keyPair
}

func (u *user) hasRole(id int) bool {
	for _, r := range u.roles {
		if r == id {
			return true
		}
	}
	return false
}

// oauthClient is a registered OAuth client.
type oauthClient struct {
	id             string
	secret         string // empty for public clients
	grants         map[string]bool
	redirectURIs   []string // exact URIs; callbackTemplate stands for <base>/oauth/callback
	accessLifetime time.Duration
	refreshLife    time.Duration
}

// callbackTemplate in oauthClient.redirectURIs means "<base URL>/oauth/callback".
const callbackTemplate = "{base}/oauth/callback"

type authCode struct {
	clientID    string
	redirectURI string // as given to /oauth/authorize ("" when omitted)
	userID      int64
	expiresAt   time.Time
	// used is set by the first successful exchange, issuedRefresh to the
	// refresh token it issued (revoked with its access tokens on replay).
	used          bool
	issuedRefresh secretHash
}

type accessToken struct {
	userID    int64
	clientID  string
	refresh   secretHash // refresh token this access token came with
	expiresAt time.Time
}

type refreshToken struct {
	userID    int64
	clientID  string
	expiresAt time.Time
	// id, createdAt and usedAt describe the token as an OAuth
	// authorization (GET /user/oauth/authorizations).
	id        int64
	createdAt time.Time
	usedAt    time.Time
}

// seed builds the initial state: one customer, the admin user and the two
// OAuth clients. Callers hold e.mu or own the state exclusively.
func (e *Emulator) seed() *state {
	now := e.clock.now()
	st := &state{
		customer: customer{
			id:              1,
			name:            "DRACOON Emulator",
			spaceLimit:      10 << 40,
			accountsLimit:   10000,
			cryptoEnabled:   *e.cfg.CryptoEnabled,
			uuid:            randomUUID(),
			languageDefault: "en-US",
			s3TagsEnabled:   *e.cfg.UseS3Storage,
		},
		users:   map[int64]*user{},
		groups:  map[int64]*group{},
		clients: map[string]*oauthClient{},
		codes:   map[secretHash]*authCode{},
		access:  map[secretHash]*accessToken{},
		refresh: map[secretHash]*refreshToken{},
		nodes:   map[int64]*node{},
		kids:    map[int64][]*node{},
	}
	admin := &user{
		id:         st.userSeq.next(),
		login:      AdminLogin,
		firstName:  "Admin",
		lastName:   "Emulator",
		email:      "admin@emulator.invalid",
		language:   "en-US",
		password:   newPasswordHash(e.adminPassword),
		roles:      []int{roleConfigManager, roleUserManager, roleGroupManager, roleRoomManager, roleLogAuditor, roleUser},
		avatarUUID: randomUUID(),
		createdAt:  now,
	}
	st.users[admin.id] = admin
	st.admin = newAdminState(now, admin.id)
	allGrants := map[string]bool{"password": true, "authorization_code": true, "refresh_token": true}
	st.clients[PublicClientID] = &oauthClient{
		id:             PublicClientID,
		grants:         allGrants,
		redirectURIs:   []string{callbackTemplate},
		accessLifetime: e.cfg.AccessTokenLifetime,
		refreshLife:    e.cfg.RefreshTokenLifetime,
	}
	st.clients[ConfidentialClientID] = &oauthClient{
		id:             ConfidentialClientID,
		secret:         e.confSecret,
		grants:         allGrants,
		redirectURIs:   []string{callbackTemplate},
		accessLifetime: e.cfg.AccessTokenLifetime,
		refreshLife:    e.cfg.RefreshTokenLifetime,
	}
	return st
}

// userByLogin finds a user by login, case-insensitively as DRACOON does.
func (st *state) userByLogin(login string) *user {
	for _, u := range st.users {
		if strings.EqualFold(u.login, login) {
			return u
		}
	}
	return nil
}

// nextBranchVersion returns a new, strictly increasing branch version.
func (st *state) nextBranchVersion(now time.Time) int64 {
	v := now.UnixMilli()
	if v <= st.branchClock {
		v = st.branchClock + 1
	}
	st.branchClock = v
	return v
}
