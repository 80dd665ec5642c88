package emulator

// init adds the properties of the user, group, role and key-pair schemas
// that stay out when they have no value (see OmittedWhenUnset); every other
// property of these schemas is always sent.
func init() {
	for schema, props := range map[string][]string{
		"UserItem": {
			"lastLoginSuccessAt", // never logged in
			"expireAt",           // user never expires
			"email",              // no e-mail address set
			"phone",              // no phone number set
			"homeRoomId",         // no home room
			"userAttributes",     // only with include_attributes=true
			"title",              // deprecated since 4.18, never set
			"gender",             // deprecated since 4.12, "will be ignored"
		},
		"UserData": {
			"email", "phone", "expireAt", "lastLoginSuccessAt", "homeRoomId", "title", "gender",
			"publicKeyContainer", // only once the user has a key pair
		},
		"Group": {
			"updatedAt", "updatedBy", // never changed since creation
			"expireAt", // group never expires
		},
		"LastAdminUserRoom": {
			"parentId",           // top-level room
			"lastAdminInGroupId", // "returned only if lastAdminInGroup is true"
		},
		"LastAdminGroupRoom":  {"parentId"},
		"RoomData":            {"parentId", "children"}, // children: deprecated since 4.10
		"PublicKeyContainer":  {"expireAt"},             // key pairs do not expire
		"PrivateKeyContainer": {"expireAt"},
	} {
		OmittedWhenUnset[schema] = append(OmittedWhenUnset[schema], props...)
	}
}
