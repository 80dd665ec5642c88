package emulator

import "time"

// Behaviour of the user, group, role and key-pair endpoints that neither
// the OpenAPI document 4.26.7 nor the recorded exchanges pin down. Each
// choice is the most plausible one; they sit here so that they are easy to
// find and change once a real server has been observed.

// Role rights: GET /roles lists every role with the rights it grants. The
// right names follow the "Precondition" texts of the document ("read
// users", "change groups", …); their ids and the exact split per role are
// unverified.
const (
	rightReadUsers     = "read users"
	rightChangeUsers   = "change users"
	rightDeleteUsers   = "delete users"
	rightReadGroups    = "read groups"
	rightChangeGroups  = "change groups"
	rightDeleteGroups  = "delete groups"
	rightManageRooms   = "manage top level rooms"
	rightChangeConfig  = "change global config"
	rightReadLogs      = "read audit logs"
	rightViewNonmember = "view users and groups"
)

// rightIDs numbers the rights for the Right objects of GET /roles
// (unverified ids).
var rightIDs = map[string]int{
	rightChangeConfig: 1, rightReadUsers: 2, rightChangeUsers: 3, rightDeleteUsers: 4,
	rightReadGroups: 5, rightChangeGroups: 6, rightDeleteGroups: 7, rightManageRooms: 8,
	rightReadLogs: 9, rightViewNonmember: 10,
}

// roleRights is what each role allows. User managers can read groups (to
// show a user's groups); group managers, room managers and non-member
// viewers can read users and groups (to pick members and grantees).
var roleRights = map[int][]string{
	roleConfigManager:   {rightChangeConfig},
	roleUserManager:     {rightReadUsers, rightChangeUsers, rightDeleteUsers, rightReadGroups},
	roleGroupManager:    {rightReadGroups, rightChangeGroups, rightDeleteGroups, rightReadUsers},
	roleRoomManager:     {rightManageRooms, rightReadUsers, rightReadGroups},
	roleLogAuditor:      {rightReadLogs},
	roleNonmemberViewer: {rightViewNonmember, rightReadUsers, rightReadGroups},
}

// assignableRoles are the roles GET /roles lists and /roles/{id}/users and
// /roles/{id}/groups manage: the six administrative roles. USER (7) is the
// implicit role of every account and cannot be granted or revoked.
var assignableRoles = []int{roleConfigManager, roleUserManager, roleGroupManager, roleRoomManager, roleLogAuditor, roleNonmemberViewer}

// mayGrantRole reports whether a caller may grant or revoke role: it must
// hold the role itself ("grant permission on desired role") and manage the
// kind of grantee (users: USER_MANAGER, groups: GROUP_MANAGER).
func mayGrantRole(callerRoles []int, role int, forGroups bool) bool {
	manager := roleUserManager
	if forGroups {
		manager = roleGroupManager
	}
	return containsInt(callerRoles, role) && containsInt(callerRoles, manager)
}

// Authentication configurations: the emulator has one nominal Active
// Directory configuration and one OpenID Connect provider, both with id 1,
// so that AD and OpenID users can be created (they cannot log in: the
// emulator has no directory and no identity provider). A missing
// adConfigId/oidConfigId means that one; any other id is 404.
const (
	emulatedADConfigID   = 1
	emulatedOIDConfigID  = 1
	minUserPasswordchars = 8 // login password policy minLength (config.go)
)

// forbiddenPasswordChars may not appear in initial passwords (document:
// "Forbidden characters in passwords: [&, ', <, >]").
const forbiddenPasswordChars = "&'<>"

// Key pairs. Versions the server accepts, and the PEM headers it checks
// loosely (the emulator never parses the keys): public keys in SPKI or
// PKCS#1 form, private keys encrypted PKCS#8 (or legacy PKCS#1 PEM, which
// old clients wrote with encryption headers).
var (
	keyPairVersions   = []string{"A", "RSA-4096"}
	publicKeyHeaders  = []string{"-----BEGIN PUBLIC KEY-----", "-----BEGIN RSA PUBLIC KEY-----"}
	privateKeyHeaders = []string{"-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----"}
)

// maxKeyPairs is how many key pairs (of different versions) a user may
// hold at once, for the migration from A to RSA-4096.
const maxKeyPairs = 2

// defaultKeyPairVersion is what GET and DELETE /user/account/keypair use
// without ?version=. The document says DELETE removes version A then; the
// emulator does that and, when the user has no A pair but exactly one
// other, takes that one (older clients that know only one pair keep
// working). GET without version returns the oldest pair.
const defaultKeyPairVersion = "A"

// errNoKeyPair: the document lists 404 for "User does not have a keypair"
// (its example body says 403); the emulator answers the documented
// status 404 with code -70020.
var errNoKeyPair = newAPIError(404, -70020, "User does not have a keypair")

// errBadKeyVersion: an unknown key-pair version, or different versions for
// the private and public key, is reported as an invalid public key.
var errBadKeyVersion = newAPIError(400, -70022, "Invalid public key format")

// Users created without userName take it from the deprecated login, then
// authData.login, then email. Whether the real server derives it like this
// is unverified.

// Deleting a user also removes their room permissions, group memberships,
// key pairs and tokens; rooms are protected by the last-admin rule first.

// Attribute keys are compared case-insensitively ("Characters are
// case-insensitive"); the key keeps the spelling of its last write.

// The own account (GET /user/account) lists the user's effective roles,
// own and through groups, since that is what the user may do; the admin
// view (GET /users/{id}) lists the direct ones unless effective_roles=true
// is asked for, as the document describes.

// Adding a user who already is a member of the group fails with 400
// -70510 (the error catalogue lists it for POST /groups/{id}/users);
// whether the whole batch is refused or only that user skipped is
// unverified: the emulator refuses the batch and changes nothing.

// RADIUS users are refused with -10100: the emulated tenant has RADIUS
// switched off (public system info), and no RADIUS configuration.

// The tenant's accountsLimit is 10,000 (CustomerData, POST /users answers
// 403 -70505 beyond it), enough for paging tests with thousands of users.

// A group with manage on a room counts as the room's admin only while it
// has a member: removing the last member of a room's only admin group, or
// deleting that member, is refused with -40006, and last_admin_rooms lists
// such a user with lastAdminInGroup (the field suggests DRACOON looks at
// the members).
const adminGroupNeedsMember = true

// ---- self service: password reset, avatars, notifications, grants ----

// A password reset token stays valid for a day and is used up by the
// first successful reset (a refused password leaves it usable); a second
// reset request for the same user within five minutes is refused with
// -10107, the catalogue's "Password can only be reset every 5 minutes".
// Unknown user names get the same 204 as known ones, so that the request
// cannot be used to find accounts; unknown, used and expired tokens are
// all 404 "Token not found".
const (
	resetTokenLifetime   = 24 * time.Hour
	resetRequestInterval = 5 * time.Minute
)

// The avatar image is served as application/octet-stream, the media type
// the document gives GET /downloads/avatar/{user_id}/{uuid}; a real server
// may name the image type instead.
const avatarContentType = "application/octet-stream"

// Notification scopes, event types and the configuration catalogue are
// the emulator's own: the document names none. Every user starts with
// every configuration on the e-mail channel (id 1, the tenant's only
// channel).
var (
	notificationScopes = []notificationScopeJSON{
		{1, "rooms_i_administrate"}, {2, "rooms_i_am_member_of"}, {3, "download_shares"}, {4, "upload_shares"},
	}
	notificationCatalogue = []notificationConfigJSON{
		{ID: 1, ScopeID: 1, EventTypeName: "file.created"},
		{ID: 2, ScopeID: 1, EventTypeName: "folder.created"},
		{ID: 3, ScopeID: 2, EventTypeName: "file.created"},
		{ID: 4, ScopeID: 3, EventTypeName: "downloadshare.used"},
		{ID: 5, ScopeID: 4, EventTypeName: "uploadshare.used"},
	}
	defaultNotificationChannels = []int{1}
)

// OAuth authorizations are the user's live refresh tokens; their user
// agent is not recorded, so userAgentCategory is "unknown". An approval
// is recorded whenever an authorization code is issued to the user
// (the emulator's login page is the consent); withdrawing it does not
// revoke tokens already issued. Revoking a client's authorizations of an
// unknown client is 404 -90080.

// Subscribing and unsubscribing are not written to the event log: they
// change the user's notification settings only. A bulk request is
// checked as a whole before anything changes.
