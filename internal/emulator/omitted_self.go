package emulator

// init adds the properties of the self-service schemas (password reset,
// OAuth grants) that stay out when they have no value (see
// OmittedWhenUnset).
func init() {
	for schema, props := range map[string][]string{
		"ResetPasswordTokenValidateResponse": {
			"title",                         // deprecated since 4.18, never set
			"gender",                        // deprecated since 4.12
			"allowSystemGlobalWeakPassword", // deprecated since 4.14: loginPasswordPolicies instead
		},
		// The user agent of a login is not recorded (userAgentCategory
		// says "unknown").
		"OAuthAuthorization": {"userAgentType", "userAgentOs", "userAgentInfo"},
	} {
		OmittedWhenUnset[schema] = append(OmittedWhenUnset[schema], props...)
	}
}
