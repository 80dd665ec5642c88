package dracoon

import (
	"context"
	"net/http"
)

// AuthService holds the endpoints for people who cannot log in (yet):
// recovering a forgotten user name, resetting a forgotten password, and
// the unauthenticated ping. None of its calls sends a bearer token, so
// they work on a Client that never connected.
type AuthService service

// authPath is the prefix of the unauthenticated account endpoints.
const authPath = "/api/v4/auth"

// RecoverUserNameRequest asks DRACOON to mail the user names registered
// for an e-mail address.
type RecoverUserNameRequest struct {
	Email string `json:"email"`
	// CreatorLanguage is the IETF language tag of the mail, such as
	// "de-DE"; empty lets the server choose.
	CreatorLanguage string `json:"creatorLanguage,omitempty"`
}

// Validate refuses an e-mail address that is not one.
func (r *RecoverUserNameRequest) Validate() error { return checkEmail("email", r.Email) }

// ResetPasswordRequest asks DRACOON to mail a password reset link to the
// user with this user name.
type ResetPasswordRequest struct {
	UserName string `json:"userName"`
	// CreatorLanguage is the IETF language tag of the mail; empty lets
	// the server choose.
	CreatorLanguage string `json:"creatorLanguage,omitempty"`
}

// Validate refuses an empty user name.
func (r *ResetPasswordRequest) Validate() error { return checkNotBlank("userName", r.UserName) }

// ResetPasswordTokenInfo describes the user a password reset token
// belongs to, and the rules the new password must follow.
type ResetPasswordTokenInfo struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Title     string `json:"title,omitempty"`
	// Gender is deprecated by DRACOON and may be empty.
	Gender                        string                 `json:"gender,omitempty"`
	LoginPasswordPolicies         *LoginPasswordPolicies `json:"loginPasswordPolicies,omitempty"`
	AllowSystemGlobalWeakPassword bool                   `json:"allowSystemGlobalWeakPassword,omitempty"`
}

// Ping asks the server whether it is up, without logging in
// (GET /api/v4/auth/ping), and returns its answer text.
func (s *AuthService) Ping(ctx context.Context) (string, error) {
	var pong string
	err := s.client.do(ctx, &apiCall{method: http.MethodGet, path: authPath + "/ping", public: true, accept: "text/plain, application/json"}, &pong)
	return pong, err
}

// RecoverUserName asks DRACOON to mail the user names registered for an
// e-mail address to that address (POST /api/v4/auth/recover_username).
func (s *AuthService) RecoverUserName(ctx context.Context, req *RecoverUserNameRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: authPath + "/recover_username", jsonBody: req, public: true}, nil)
}

// RequestPasswordReset asks DRACOON to mail a reset link to the user with
// the given user name; only users who log in with a DRACOON password can
// reset it (POST /api/v4/auth/reset_password). The link carries the token that
// ValidateResetToken and ResetPassword take.
func (s *AuthService) RequestPasswordReset(ctx context.Context, req *ResetPasswordRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: authPath + "/reset_password", jsonBody: req, public: true}, nil)
}

// ValidateResetToken checks a password reset token and returns whose it is
// and the password rules (GET /api/v4/auth/reset_password/{token}). The
// token is a secret: it appears in no error this method returns.
func (s *AuthService) ValidateResetToken(ctx context.Context, token string) (*ResetPasswordTokenInfo, error) {
	if err := checkPathSegment("token", token); err != nil {
		return nil, err
	}
	return doJSON[ResetPasswordTokenInfo](ctx, s.client, &apiCall{method: http.MethodGet, path: authPath + "/reset_password/" + token,
		public: true, secrets: []string{token}})
}

// ResetPassword sets a new login password with a reset token
// (PUT /api/v4/auth/reset_password/{token}). Neither the token nor the
// password appears in errors or logs of the client.
func (s *AuthService) ResetPassword(ctx context.Context, token, newPassword string) error {
	if err := firstError(checkPathSegment("token", token), func() error {
		if newPassword == "" {
			return invalid("password", "must not be empty")
		}
		return nil
	}()); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: authPath + "/reset_password/" + token, public: true,
		jsonBody: map[string]string{"password": newPassword}, secrets: []string{token, newPassword}}, nil)
}
