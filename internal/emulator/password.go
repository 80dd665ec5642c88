package emulator

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// PUT /user/account/password: a local user changes their own password,
// which also clears mustChangePassword.

var (
	errNotAuthorized   = newAPIError(401, -10006, "User is not authorized to perform this operation")
	errNoPasswordReset = newAPIError(400, -10105, "Password cannot be reset for this user")
)

func (e *Emulator) passwordRoutes(r chi.Router) {
	r.Put("/user/account/password", produces(mediaJSON, e.handleChangePassword))
}

type changePasswordRequest struct {
	OldPassword string `json:"oldPassword"`
	NewPassword string `json:"newPassword"`
}

// handleChangePassword checks the old password (401 -10006 when wrong:
// the catalogue's only code for it, unverified) and the login password
// policy for the new one; reusing the old password counts as not secure
// (the policy keeps archived passwords).
func (e *Emulator) handleChangePassword(w http.ResponseWriter, r *http.Request) {
	var req changePasswordRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.OldPassword == "" || req.NewPassword == "" {
		writeError(w, errMandatory)
		return
	}
	if len(req.NewPassword) > maxAccountField {
		writeError(w, errTooLong)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if u.method() != authBasic {
		writeError(w, errNoPasswordReset)
		return
	}
	if !u.password.matches(req.OldPassword) {
		writeError(w, errNotAuthorized)
		return
	}
	if err := e.st.checkPassword(req.NewPassword, u.login, u.firstName, u.lastName, u.email); err != nil || req.NewPassword == req.OldPassword {
		writeError(w, errPasswordNotSecure)
		return
	}
	u.password = newPasswordHash(req.NewPassword)
	u.mustChangePassword = false
	e.st.passwordChanged(u, e.clock.now())
	w.WriteHeader(http.StatusNoContent)
}
