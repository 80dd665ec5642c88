package emulator

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Own profile attributes: GET|PUT|POST /user/profileAttributes and
// DELETE /user/profileAttributes/{key}. Any authenticated user manages
// their own.

func (e *Emulator) profileRoutes(r chi.Router) {
	r.Get("/user/profileAttributes", produces(mediaJSON, e.handleGetProfileAttributes))
	r.Put("/user/profileAttributes", produces(mediaJSON, e.handleSetProfileAttributes(false)))
	r.Post("/user/profileAttributes", produces(mediaJSON, e.handleSetProfileAttributes(true)))
	r.Delete("/user/profileAttributes/{key}", produces(mediaJSON, e.handleDeleteProfileAttribute))
}

func (e *Emulator) handleGetProfileAttributes(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, attrListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, attributesPage(u.profileAttributes, q))
}

// handleSetProfileAttributes merges (PUT, 200) or replaces (POST,
// deprecated, 201) the caller's profile attributes and answers them
// (ProfileAttributes; its range covers all of them).
func (e *Emulator) handleSetProfileAttributes(replace bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		items, err := decodeAttributes(r)
		if err != nil {
			writeError(w, err)
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		u, err := e.caller(r)
		if err != nil {
			writeError(w, err)
			return
		}
		status := http.StatusOK
		if replace {
			u.profileAttributes.replace(items)
			status = http.StatusCreated
		} else {
			u.profileAttributes.merge(items)
		}
		writeJSON(w, status, attributesPage(u.profileAttributes, listQuery{limit: maxLimit}))
	}
}

func (e *Emulator) handleDeleteProfileAttribute(w http.ResponseWriter, r *http.Request) {
	key := chi.URLParam(r, "key")
	if !validAttrKey(key) {
		writeError(w, errInvalidChars)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if !u.profileAttributes.remove(key) {
		writeError(w, errAttrNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
