package emulator

import (
	"context"
	"net/http"
	"strings"
)

type ctxKey int

const ctxUserID ctxKey = iota

// bearerToken extracts the access token from "Authorization: Bearer …" or
// the legacy alias header X-Sds-Auth-Token.
func bearerToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
	}
	return strings.TrimSpace(r.Header.Get("X-Sds-Auth-Token"))
}

// errPasswordMustChange answers users who must change their password.
var errPasswordMustChange = newAPIError(http.StatusPreconditionFailed, -10104, "Password must be changed")

// passwordChangeExempt are the authenticated calls a user who must change
// the password may still make: the ones whose responses in the OpenAPI
// document do not list 412 -10104 (all others do).
var passwordChangeExempt = map[string]bool{
	"GET /user/ping":                      true,
	"GET /user/account":                   true,
	"PUT /user/account/password":          true,
	"GET /config/info/policies/passwords": true,
}

// requireAuth admits requests with a valid, unexpired access token and
// stores the user id in the context; everything else gets 401 -10012.
// Users who must change their password get 412 -10104 outside
// passwordChangeExempt.
func (e *Emulator) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := bearerToken(r)
		if tok == "" {
			writeError(w, errWrongToken)
			return
		}
		h := hashSecret(tok)
		e.mu.Lock()
		at := e.st.access[h]
		var uid int64
		var mustChange bool
		if at != nil {
			if !at.expiresAt.After(e.clock.now()) {
				delete(e.st.access, h)
				at = nil
			} else if u := e.st.users[at.userID]; u != nil {
				uid, mustChange = u.id, u.mustChangePassword
			}
		}
		e.mu.Unlock()
		if uid == 0 {
			writeError(w, errWrongToken)
			return
		}
		if mustChange && !passwordChangeExempt[r.Method+" "+strings.TrimPrefix(r.URL.Path, "/api/v4")] {
			writeError(w, errPasswordMustChange)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxUserID, uid)))
	})
}

// callerID returns the authenticated user's id (0 outside requireAuth).
func callerID(r *http.Request) int64 {
	id, _ := r.Context().Value(ctxUserID).(int64)
	return id
}
