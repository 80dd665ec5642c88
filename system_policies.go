package dracoon

import (
	"context"
	"fmt"
	"net/http"
)

// Password kinds of SystemService.PasswordPolicy.
const (
	PasswordTypeLogin      = "login"
	PasswordTypeEncryption = "encryption"
	PasswordTypeShares     = "shares"
)

// Character classes of CharacterRules.MustContainCharacters.
const (
	CharsAlpha     = "alpha"
	CharsUppercase = "uppercase"
	CharsLowercase = "lowercase"
	CharsNumeric   = "numeric"
	CharsSpecial   = "special"
	CharsAll       = "all"
	CharsNone      = "none"
)

// UpdatePasswordPoliciesRequest changes password policies; a nil policy
// stays as it is.
type UpdatePasswordPoliciesRequest struct {
	LoginPasswordPolicies      *UpdateLoginPasswordPolicies `json:"loginPasswordPolicies,omitempty"`
	SharesPasswordPolicies     *UpdatePasswordPolicy        `json:"sharesPasswordPolicies,omitempty"`
	EncryptionPasswordPolicies *UpdatePasswordPolicy        `json:"encryptionPasswordPolicies,omitempty"`
}

// UpdatePasswordPolicy changes the common rules of a policy; nil fields
// stay as they are. Encryption passwords have no dictionary check, so
// RejectDictionaryWords must stay nil there.
type UpdatePasswordPolicy struct {
	CharacterRules         *CharacterRules `json:"characterRules,omitempty"`
	MinLength              *int            `json:"minLength,omitempty"`
	RejectDictionaryWords  *bool           `json:"rejectDictionaryWords,omitempty"`
	RejectUserInfo         *bool           `json:"rejectUserInfo,omitempty"`
	RejectKeyboardPatterns *bool           `json:"rejectKeyboardPatterns,omitempty"`
}

// UpdateLoginPasswordPolicies adds the rules only login passwords have.
type UpdateLoginPasswordPolicies struct {
	UpdatePasswordPolicy
	// NumberOfArchivedPasswords (1–10) old passwords may not be reused.
	NumberOfArchivedPasswords *int                `json:"numberOfArchivedPasswords,omitempty"`
	PasswordExpiration        *PasswordExpiration `json:"passwordExpiration,omitempty"`
	UserLockout               *UserLockout        `json:"userLockout,omitempty"`
	// EnforceLoginPasswordChange makes every user choose a new password.
	EnforceLoginPasswordChange *bool `json:"enforceLoginPasswordChange,omitempty"`
}

// PasswordExpiration makes login passwords expire after MaxPasswordAge
// days.
type PasswordExpiration struct {
	Enabled        bool `json:"enabled"`
	MaxPasswordAge int  `json:"maxPasswordAge,omitempty"`
}

// UserLockout locks a user out for LockoutPeriod minutes after
// MaxNumberOfLoginFailures failed logins.
type UserLockout struct {
	Enabled                  bool `json:"enabled"`
	MaxNumberOfLoginFailures int  `json:"maxNumberOfLoginFailures,omitempty"`
	LockoutPeriod            int  `json:"lockoutPeriod,omitempty"`
}

// Validate checks every policy the request changes.
func (r *UpdatePasswordPoliciesRequest) Validate() error {
	if r.LoginPasswordPolicies == nil && r.SharesPasswordPolicies == nil && r.EncryptionPasswordPolicies == nil {
		return invalid("request", "changes no policy")
	}
	var errs []error
	if p := r.LoginPasswordPolicies; p != nil {
		errs = append(errs, p.UpdatePasswordPolicy.check("loginPasswordPolicies."))
		if n := p.NumberOfArchivedPasswords; n != nil && (*n < 1 || *n > 10) {
			errs = append(errs, invalid("loginPasswordPolicies.numberOfArchivedPasswords", "must lie between 1 and 10, got %d", *n))
		}
	}
	if p := r.SharesPasswordPolicies; p != nil {
		errs = append(errs, p.check("sharesPasswordPolicies."))
	}
	if p := r.EncryptionPasswordPolicies; p != nil {
		errs = append(errs, p.check("encryptionPasswordPolicies."))
		if p.RejectDictionaryWords != nil {
			errs = append(errs, invalid("encryptionPasswordPolicies.rejectDictionaryWords", "is not a rule of encryption passwords"))
		}
	}
	return firstError(errs...)
}

// check validates the common rules; prefix names the policy.
func (p *UpdatePasswordPolicy) check(prefix string) error {
	if p.MinLength != nil && (*p.MinLength < 1 || *p.MinLength > 1024) {
		return invalid(prefix+"minLength", "must lie between 1 and 1024, got %d", *p.MinLength)
	}
	if cr := p.CharacterRules; cr != nil {
		if cr.NumberOfCharacteristicsToEnforce < 0 || cr.NumberOfCharacteristicsToEnforce > 4 {
			return invalid(prefix+"characterRules.numberOfCharacteristicsToEnforce", "must lie between 0 and 4, got %d", cr.NumberOfCharacteristicsToEnforce)
		}
		for i, c := range cr.MustContainCharacters {
			if err := checkOneOf(fmt.Sprintf("%scharacterRules.mustContainCharacters[%d]", prefix, i), c,
				CharsAlpha, CharsUppercase, CharsLowercase, CharsNumeric, CharsSpecial, CharsAll, CharsNone); err != nil {
				return err
			}
		}
	}
	return nil
}

// passwordPoliciesPath is the password policy configuration.
const passwordPoliciesPath = systemPath + "/policies/passwords"

// PasswordPolicies returns all password policies
// (GET /api/v4/system/config/policies/passwords).
func (s *SystemService) PasswordPolicies(ctx context.Context) (*PasswordPolicies, error) {
	return getAt[PasswordPolicies](ctx, s.client, passwordPoliciesPath)
}

// PasswordPolicy returns the policy of one kind of password
// (PasswordTypeLogin, PasswordTypeEncryption or PasswordTypeShares); only
// that policy is set in the answer
// (GET /api/v4/system/config/policies/passwords/{password_type}).
func (s *SystemService) PasswordPolicy(ctx context.Context, passwordType string) (*PasswordPolicies, error) {
	if err := checkOneOf("password_type", passwordType, PasswordTypeLogin, PasswordTypeEncryption, PasswordTypeShares); err != nil {
		return nil, err
	}
	return getAt[PasswordPolicies](ctx, s.client, passwordPoliciesPath+"/"+passwordType)
}

// UpdatePasswordPolicies changes password policies and returns all of
// them (PUT /api/v4/system/config/policies/passwords).
func (s *SystemService) UpdatePasswordPolicies(ctx context.Context, req *UpdatePasswordPoliciesRequest) (*PasswordPolicies, error) {
	return sendChecked[PasswordPolicies](ctx, s.client, http.MethodPut, passwordPoliciesPath, req)
}

// EnforcePasswordChange makes every user with a local password choose a
// new one at the next login
// (POST /api/v4/system/config/policies/passwords/enforce_change).
func (s *SystemService) EnforcePasswordChange(ctx context.Context) error {
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: passwordPoliciesPath + "/enforce_change", idempotent: true}, nil)
}
