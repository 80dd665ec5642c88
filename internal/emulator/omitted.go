package emulator

// OmittedWhenUnset lists, per response schema of the OpenAPI document,
// the properties the emulator leaves out when they have no value. DRACOON
// serialises with Jackson NON_NULL and the schema has no nullable
// properties, so an unset value is an absent property, never null. Every
// other property of these schemas is always present; the contract tests
// check exactly that.
var OmittedWhenUnset = map[string][]string{
	"ErrorResponse": {
		"errorCode", // cases without a catalogue code (plain 403, 404 of unknown routes, 406, some 409)
	},
	"UserAccount": {
		"needsToAcceptEULA",  // only while the EULA is switched on for the tenant ("Present, if EULA is system global active")
		"expireAt",           // user never expires
		"lastLoginSuccessAt", // never logged in
		"lastLoginFailAt",    // never failed to log in
		"email",              // no e-mail address set
		"phone",              // no phone number set
		"homeRoomId",         // no home room
		"title",              // deprecated since 4.18, never set
		"lastLoginSuccessIp", // deprecated since 4.6, not recorded
		"lastLoginFailIp",    // deprecated since 4.6, not recorded
		"gender",             // deprecated since 4.12, "will be ignored"
	},
	"UserAuthData": {
		"password",    // write-only: never returned
		"adConfigId",  // only for Active Directory users
		"oidConfigId", // only for OpenID Connect users
	},
	"UserAuthMethod": {},
	"Role": {
		"items", // rights are listed by the roles API only; account responses of real servers show none
	},
	"UserInfo": {
		"userName",    // "only returned for internal users"
		"email",       // no e-mail address set
		"title",       // deprecated since 4.18
		"displayName", // deprecated since 4.11
	},
	"Node": {
		"parentId",                  // top-level rooms have no parent
		"expireAt",                  // no expiration set
		"hash",                      // files only
		"fileType",                  // files only
		"mediaType",                 // files only
		"inheritPermissions",        // rooms only
		"encryptionInfo",            // single-node GET only ("EncryptionInfo is NOT provided" in lists)
		"recycleBinRetentionPeriod", // rooms only
		"hasActivitiesLog",          // rooms only
		"quota",                     // rooms only
		"mediaToken",                // no media server
		"isBrowsable",               // rooms only
		"cntRooms",                  // rooms only
		"children",                  // deprecated since 4.10, only when requested
		"hasRecycleBin",             // deprecated since 4.10, rooms only
		"cntAdmins",                 // deprecated since 4.2, rooms only
		"cntUsers",                  // deprecated since 4.2, rooms only
	},
	"NodeParent": {
		"parentId", // top-level rooms have no parent
	},
	"DeletedNode": {
		"expireAt",   // no expiration set
		"accessedAt", // access times are not recorded
	},
	"RoomUser": {
		"publicKeyContainer", // the user has no key pair
	},
	"GeneralSettingsInfo": {
		"homeRoomParentId", // home rooms are not active
	},
}
