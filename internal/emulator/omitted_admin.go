package emulator

// init adds the properties of the administration schemas (event log,
// webhooks, settings, policies, provisioning) that stay out when they have
// no value (see OmittedWhenUnset).
func init() {
	for schema, props := range map[string][]string{
		"LogEvent": {
			"userClient",                              // the request named no User-Agent
			"authParentSource",                        // events outside the node tree
			"authParentTarget",                        // no second node (copy/move targets are not logged apart)
			"userIp",                                  // IP logging is off (eventlog settings logIpEnabled)
			"objectId2", "objectType2", "objectName2", // events with one object
			"attribute1", "attribute2", "attribute3", // no extra detail
		},
		"AuditNodeResponse": {
			"nodeParentId",      // top-level room
			"nodeHasRecycleBin", // deprecated since 4.10
		},
		"Webhook": {
			"secret",                 // no secret set
			"createdBy", "updatedBy", // tenant webhooks are made with the service token, by no user
			"failStatus", // delivery never failed
		},
		"CustomerSettingsResponse": {
			"homeRoomParentId",   // home rooms are not created by the emulator
			"homeRoomParentName", // "null if homeRoomsActive is false"
			"homeRoomQuota",      // "null if homeRoomsActive is false"
		},
		"Customer": {
			"trialDaysLeft",      // only for demo customers
			"lastLoginAt",        // nobody of a provisioned customer logs in
			"updatedAt",          // never changed
			"customerAttributes", // only with include_attributes=true
			"providerCustomerId", // none set
			"activationCode",     // deprecated
		},
		"NewCustomerResponse": {
			"trialDays", "customerAttributes", "providerCustomerId", // not given at creation
			"activationCode", // deprecated
		},
		"UpdateCustomerResponse": {
			"trialDays", "customerAttributes", "providerCustomerId", "updatedAt",
			"activationCode", // deprecated
		},
		"FirstAdminUser": {
			"receiverLanguage", "notifyUser", "email", "phone", // not given at creation
			"title", "language", "authMethods", "needsToChangeUserName", "password", "needsToChangePassword", "login", "gender", // deprecated request fields, never answered
		},
		"OAuthClient": {
			"clientSecret", // public clients have none
		},
		"PasswordPoliciesConfig": {
			// GET /system/config/policies/passwords/{password_type} answers
			// the policy of that type only.
			"loginPasswordPolicies", "sharesPasswordPolicies", "encryptionPasswordPolicies",
		},
	} {
		OmittedWhenUnset[schema] = append(OmittedWhenUnset[schema], props...)
	}
}
