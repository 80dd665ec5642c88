package emulator

import (
	"cmp"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// Forgotten credentials, without login: POST /auth/recover_username,
// POST /auth/reset_password, GET|PUT /auth/reset_password/{token}. Both
// requests answer 204 whether or not an account matches, so that they
// cannot be used to find out user names; what DRACOON would mail is
// recorded instead (Emulator.Mails, GET /_emulator/mails).

var (
	errResetTokenNotFound = newAPIError(404, 0, "Token not found")
	errResetTooOften      = newAPIError(400, -10107, "Password can only be reset every 5 minutes")
)

// resetToken is an unused password reset token.
type resetToken struct {
	userID    int64
	createdAt time.Time
	expiresAt time.Time
}

func (e *Emulator) passwordResetRoutes(r chi.Router) {
	r.Post("/auth/recover_username", produces(mediaJSON, e.handleRecoverUserName))
	r.Post("/auth/reset_password", produces(mediaJSON, e.handleRequestPasswordReset))
	r.Get("/auth/reset_password/{token}", produces(mediaJSON, e.handleValidateResetToken))
	r.Put("/auth/reset_password/{token}", produces(mediaJSON, e.handleResetPassword))
}

func (e *Emulator) handleRecoverUserName(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email           string `json:"email"`
		CreatorLanguage string `json:"creatorLanguage"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if strings.TrimSpace(req.Email) == "" {
		writeError(w, errMandatory)
		return
	}
	if a, err := mail.ParseAddress(req.Email); err != nil || a.Address != req.Email {
		writeError(w, errInvalidEmail)
		return
	}
	if err := checkLanguage(&req.CreatorLanguage); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var names []string
	for _, u := range e.st.users {
		if strings.EqualFold(u.email, req.Email) {
			names = append(names, u.login)
		}
	}
	if len(names) > 0 {
		slices.Sort(names)
		e.st.sendMail(Mail{Kind: "recover_username", To: req.Email, UserNames: names, SentAt: e.clock.now()})
	}
	w.WriteHeader(http.StatusNoContent)
}

// resetPasswordRequest is ResetPasswordRequest (login and language are
// the deprecated names).
type resetPasswordRequest struct {
	UserName        string `json:"userName"`
	Login           string `json:"login"`
	CreatorLanguage string `json:"creatorLanguage"`
	Language        string `json:"language"`
}

// handleRequestPasswordReset mails a reset token to a local user. An
// unknown user name gets the same 204 as a known one; a user of another
// authentication method gets -10105, and a second request within
// resetRequestInterval -10107 (both documented for this operation).
func (e *Emulator) handleRequestPasswordReset(w http.ResponseWriter, r *http.Request) {
	var req resetPasswordRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	name := cmp.Or(req.UserName, req.Login)
	if strings.TrimSpace(name) == "" {
		writeError(w, errMandatory)
		return
	}
	if len(name) > maxAccountField {
		writeError(w, errTooLong)
		return
	}
	if err := checkLanguage(&req.CreatorLanguage); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.st.userByLogin(name)
	if u == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if u.method() != authBasic {
		writeError(w, errNoPasswordReset)
		return
	}
	now := e.clock.now()
	s := e.st.self()
	for _, t := range s.resets {
		if t.userID == u.id && now.Before(t.createdAt.Add(resetRequestInterval)) {
			writeError(w, errResetTooOften)
			return
		}
	}
	tok := randomString(32)
	s.resets[hashSecret(tok)] = &resetToken{userID: u.id, createdAt: now, expiresAt: now.Add(resetTokenLifetime)}
	e.st.sendMail(Mail{Kind: "reset_password", To: u.email, UserID: u.id, Token: tok, SentAt: now})
	w.WriteHeader(http.StatusNoContent)
}

// resetTarget returns the user of the URL's reset token; unknown, used
// and expired tokens are 404 "Token not found". Callers hold e.mu.
func (e *Emulator) resetTarget(r *http.Request) (*user, *apiError) {
	h := hashSecret(chi.URLParam(r, "token"))
	s := e.st.self()
	t := s.resets[h]
	if t == nil {
		return nil, errResetTokenNotFound
	}
	if !e.clock.now().Before(t.expiresAt) {
		delete(s.resets, h)
		return nil, errResetTokenNotFound
	}
	u := e.st.users[t.userID]
	if u == nil {
		delete(s.resets, h)
		return nil, errResetTokenNotFound
	}
	return u, nil
}

// resetTokenInfoJSON is ResetPasswordTokenValidateResponse.
type resetTokenInfoJSON struct {
	FirstName             string                    `json:"firstName"`
	LastName              string                    `json:"lastName"`
	LoginPasswordPolicies loginPasswordPoliciesJSON `json:"loginPasswordPolicies"`
}

func (e *Emulator) handleValidateResetToken(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.resetTarget(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, resetTokenInfoJSON{FirstName: u.firstName, LastName: u.lastName,
		LoginPasswordPolicies: e.st.policyJSON().LoginPasswordPolicies})
}

// handleResetPassword sets the new password through the login password
// policy. A refused password leaves the token usable; a successful reset
// uses up every reset token of the user.
func (e *Emulator) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.resetTarget(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if req.Password == "" {
		writeError(w, errMandatory)
		return
	}
	if len(req.Password) > maxAccountField {
		writeError(w, errTooLong)
		return
	}
	if u.method() != authBasic {
		writeError(w, errNoPasswordReset)
		return
	}
	if err := e.st.checkPassword(req.Password, u.login, u.firstName, u.lastName, u.email); err != nil {
		writeError(w, err)
		return
	}
	s := e.st.self()
	for h, t := range s.resets {
		if t.userID == u.id {
			delete(s.resets, h)
		}
	}
	u.password = newPasswordHash(req.Password)
	u.mustChangePassword = false
	e.st.passwordChanged(u, e.clock.now())
	e.record(r, u.id, opUserUpdated, 0, u.id, u.login)
	w.WriteHeader(http.StatusNoContent)
}
