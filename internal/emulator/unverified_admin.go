package emulator

// Choices of the administration endpoints (event log, webhooks, reports,
// branding, provisioning) that neither the OpenAPI document nor a recorded
// exchange settles. Each is the emulator's own and may differ from
// DRACOON.

// operation is one event log operation: its name, the object type its
// events carry, and the webhook event type it triggers ("" for none).
type operation struct {
	name      string
	objType   int
	eventType string
}

// Operation ids of the event log. The real ids are not published in the
// document (GET /eventlog/operations lists them at run time) and the
// recorded fixtures only hold placeholders; these are the emulator's.
const (
	opUserCreated           = 1
	opUserUpdated           = 2
	opUserDeleted           = 3
	opUserLocked            = 4
	opGroupCreated          = 10
	opGroupUpdated          = 11
	opGroupDeleted          = 12
	opGroupUsersAdded       = 13
	opGroupUsersRemoved     = 14
	opRoleUsersGranted      = 20
	opRoleUsersRevoked      = 21
	opRoleGroupsGranted     = 22
	opRoleGroupsRevoked     = 23
	opKeyPairCreated        = 30
	opKeyPairDeleted        = 31
	opRoomCreated           = 40
	opRoomUpdated           = 41
	opRoomDeleted           = 42
	opFolderCreated         = 43
	opFolderDeleted         = 44
	opFileCreated           = 45
	opFileDeleted           = 46
	opFileDownloaded        = 47
	opNodeMoved             = 48
	opNodeCopied            = 49
	opFileKeysDistributed   = 56
	opDownloadShareCreated  = 50
	opDownloadShareDeleted  = 51
	opDownloadShareUsed     = 52
	opUploadShareCreated    = 53
	opUploadShareDeleted    = 54
	opUploadShareUsed       = 55
	opWebhookCreated        = 60
	opWebhookUpdated        = 61
	opWebhookDeleted        = 62
	opSettingsChanged       = 70
	opPasswordPolicyChanged = 71
	opAuthConfigChanged     = 72
	opCustomerCreated       = 80
	opCustomerUpdated       = 81
	opCustomerDeleted       = 82
	opReportCreated         = 90
	opReportDeleted         = 91
	opBrandingChanged       = 92
	opLogin                 = 100
	opOAuthClientChanged    = 93
	opRescueKeyPairCreated  = 94
	opRescueKeyPairDeleted  = 95
)

// operations is the operation table. The webhook event type names are the
// document's (POST /settings/webhooks lists them); which operation
// triggers which is the emulator's reading of their descriptions.
var operations = map[int]operation{
	opLogin:                 {"User logged in", objUser, ""},
	opUserCreated:           {"User created", objUser, "user.created"},
	opUserUpdated:           {"User changed", objUser, ""},
	opUserDeleted:           {"User deleted", objUser, "user.deleted"},
	opUserLocked:            {"User locked", objUser, "user.locked"},
	opGroupCreated:          {"Group created", objGroup, ""},
	opGroupUpdated:          {"Group changed", objGroup, ""},
	opGroupDeleted:          {"Group deleted", objGroup, ""},
	opGroupUsersAdded:       {"Users added to group", objGroup, ""},
	opGroupUsersRemoved:     {"Users removed from group", objGroup, ""},
	opRoleUsersGranted:      {"Role granted to users", objRole, ""},
	opRoleUsersRevoked:      {"Role revoked from users", objRole, ""},
	opRoleGroupsGranted:     {"Role granted to groups", objRole, ""},
	opRoleGroupsRevoked:     {"Role revoked from groups", objRole, ""},
	opKeyPairCreated:        {"User key pair created", objKeyPair, ""},
	opKeyPairDeleted:        {"User key pair deleted", objKeyPair, ""},
	opRoomCreated:           {"Room created", objNode, "room.created"},
	opRoomUpdated:           {"Room changed", objNode, ""},
	opRoomDeleted:           {"Room deleted", objNode, "room.deleted"},
	opFolderCreated:         {"Folder created", objNode, "folder.created"},
	opFolderDeleted:         {"Folder deleted", objNode, "folder.deleted"},
	opFileCreated:           {"File uploaded", objNode, "file.created"},
	opFileDeleted:           {"File deleted", objNode, "file.deleted"},
	opFileDownloaded:        {"File downloaded", objNode, ""},
	opNodeMoved:             {"Node moved", objNode, ""},
	opNodeCopied:            {"Node copied", objNode, ""},
	opFileKeysDistributed:   {"File keys distributed", objNode, ""},
	opDownloadShareCreated:  {"Download share created", objNode, "downloadshare.created"},
	opDownloadShareDeleted:  {"Download share deleted", objNode, "downloadshare.deleted"},
	opDownloadShareUsed:     {"Download share used", objNode, "downloadshare.used"},
	opUploadShareCreated:    {"Upload share created", objNode, "uploadshare.created"},
	opUploadShareDeleted:    {"Upload share deleted", objNode, "uploadshare.deleted"},
	opUploadShareUsed:       {"File uploaded through upload share", objNode, "uploadshare.used"},
	opWebhookCreated:        {"Webhook created", objWebhook, ""},
	opWebhookUpdated:        {"Webhook changed", objWebhook, ""},
	opWebhookDeleted:        {"Webhook deleted", objWebhook, ""},
	opSettingsChanged:       {"Settings changed", objConfig, ""},
	opPasswordPolicyChanged: {"Password policies changed", objConfig, ""},
	opAuthConfigChanged:     {"Authentication configuration changed", objConfig, ""},
	opCustomerCreated:       {"Customer created", objTenant, "customer.created"},
	opCustomerUpdated:       {"Customer changed", objTenant, ""},
	opCustomerDeleted:       {"Customer deleted", objTenant, "customer.deleted"},
	opReportCreated:         {"Report created", objConfig, ""},
	opReportDeleted:         {"Report deleted", objConfig, ""},
	opBrandingChanged:       {"Branding changed", objConfig, ""},
	opOAuthClientChanged:    {"OAuth client configuration changed", objConfig, ""},
	opRescueKeyPairCreated:  {"System rescue key pair created", objKeyPair, ""},
	opRescueKeyPairDeleted:  {"System rescue key pair deleted", objKeyPair, ""},
}

// Webhook scopes of an event type.
const (
	scopeTenant = 1 << iota
	scopeCustomer
	scopeNode
)

// eventType is an EventType: the names are the document's, the ids and
// the tenant scope of customer.created/deleted are the emulator's.
type eventType struct {
	id    int
	name  string
	scope int
}

var eventTypes = []eventType{
	{1, "user.created", scopeCustomer},
	{2, "user.deleted", scopeCustomer},
	{3, "user.locked", scopeCustomer},
	{4, "webhook.expiring", scopeCustomer | scopeTenant},
	{5, "downloadshare.created", scopeNode},
	{6, "downloadshare.deleted", scopeNode},
	{7, "downloadshare.used", scopeNode},
	{8, "uploadshare.created", scopeNode},
	{9, "uploadshare.deleted", scopeNode},
	{10, "uploadshare.used", scopeNode},
	{11, "file.created", scopeNode},
	{12, "folder.created", scopeNode},
	{13, "room.created", scopeNode},
	{14, "file.deleted", scopeNode},
	{15, "folder.deleted", scopeNode},
	{16, "room.deleted", scopeNode},
	{17, "customer.created", scopeTenant},
	{18, "customer.deleted", scopeTenant},
}

// Webhook delivery. The document says only that the secret is "used for
// event message signatures". Unverified, the emulator's choices:
//
//   - the payload is a JSON object {eventType, timestamp, webhookName,
//     triggeredByUser (UserInfo), tenantId, customerId, object {id, type,
//     name}, roomId (node events)} — see webhookPayload;
//   - a webhook with a secret signs the body with HMAC-SHA256 over the
//     raw body, hex-encoded in the X-Dracoon-Signature header ("sha256="
//     prefix);
//   - the event type is also sent in X-Dracoon-Event;
//   - a delivery that fails (transport error or non-2xx) is retried up to
//     webhookMaxAttempts times in all with doubling backoff; after the
//     last failure the webhook is disabled and failStatus holds the last
//     HTTP status (0 for a transport error);
//   - the lifetime of a webhook (expireAt, renewed by reset_lifetime) is
//     webhookLifetime;
//   - customer webhooks receive events of their subscribed customer-scope
//     types; node-scope events go to webhooks assigned to the event's room
//     (webhook.rooms, maintained by the room webhook endpoints); tenant
//     webhooks receive the tenant-scope types.
const (
	webhookSignatureHeader = "X-Dracoon-Signature"
	webhookEventHeader     = "X-Dracoon-Event"
	webhookMaxAttempts     = 3
	webhookLifetimeDays    = 180
	webhookQueueSize       = 256
	webhookWorkers         = 2
)

// Further choices of the administration areas, all unverified:
//
//   - Event log: logins through OAuth are events (status 0, or 2 for a
//     wrong password); other events record successful changes only
//     (status 0); userClient is the request's User-Agent; the message is
//     "<operation name>: <object name>"; events of provisioning (customer
//     changes, made with the service token by no user) land in the
//     tenant's log with userId 0; the CSV answer (Accept: text/csv) has a
//     header row named after the LogEvent properties. Room events list the
//     events of nodes whose nearest room is the room (the room's own
//     creation included); room administrators and log auditors may read
//     them.
//   - Password policies: mustContainCharacters is met when the password
//     has characters of numberOfCharacteristicsToEnforce of the listed
//     classes (all listed when 0); rejectUserInfo looks for the user name,
//     first and last name and e-mail (3 characters or more) in the
//     password; rejectKeyboardPatterns looks for four neighbouring keys of
//     a keyboard row; the dictionary is a handful of common words. An
//     expired password (passwordExpiration) sets mustChangePassword at the
//     next login; a lockout (userLockout) refuses even the right password
//     with the OAuth error "User is locked.".
//   - Customer settings need CONFIG_MANAGER also for reading; home rooms,
//     once active, cannot be deactivated (-90001); no home room is created.
//   - System configuration documents start with plausible defaults (basic
//     authentication only, event log on with 30 days retention, syslog off,
//     one e-mail notification channel, the nominal AD configuration and
//     OpenID provider of unverified_users.go); the license is "valid" for
//     ten years from the current year.
//   - Provisioning: customer ids start at 2 (1 is the emulator's tenant);
//     a provisioned customer's only user is its first administrator, with
//     id 1 and the five administrative roles; webhooksMax defaults to 350.
//   - Reports need LOG_AUDITOR; a report is "waiting" when created and
//     "finished" once listed later; no file is produced.
//   - Branding: reading needs a login, changing CONFIG_MANAGER; an uploaded
//     image serves every size; only raster image types keep their content
//     type (others are served as application/octet-stream).
