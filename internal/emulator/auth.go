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

// requireAuth admits requests with a valid, unexpired access token and
// stores the user id in the context; everything else gets 401 -10012.
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
		if at != nil {
			if !at.expiresAt.After(e.clock.now()) {
				delete(e.st.access, h)
				at = nil
			} else if u := e.st.users[at.userID]; u != nil {
				uid = u.id
			}
		}
		e.mu.Unlock()
		if uid == 0 {
			writeError(w, errWrongToken)
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
