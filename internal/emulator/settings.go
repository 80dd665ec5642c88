package emulator

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Customer settings: GET|PUT /settings (home rooms). The emulator stores
// them and reports homeRoomsActive in the general settings too; it does
// not create home rooms (no user gets one), so homeRoomParentId stays
// unset.

// customerSettings are the home room settings besides the active flag
// (customer.homeRoomsActive).
type customerSettings struct {
	parentName string
	quota      int64
}

// errInvalidSettings refuses turning home rooms off again.
var errInvalidSettings = newAPIError(400, -90001, "Invalid settings configuration")

type customerSettingsJSON struct {
	HomeRoomsActive    bool   `json:"homeRoomsActive"`
	HomeRoomParentName string `json:"homeRoomParentName,omitempty"`
	HomeRoomQuota      *int64 `json:"homeRoomQuota,omitempty"`
}

type customerSettingsRequest struct {
	HomeRoomParentName *string `json:"homeRoomParentName"`
	HomeRoomQuota      *int64  `json:"homeRoomQuota"`
	HomeRoomsActive    *bool   `json:"homeRoomsActive"`
}

func (st *state) customerSettingsJSON() customerSettingsJSON {
	out := customerSettingsJSON{HomeRoomsActive: st.customer.homeRoomsActive}
	if out.HomeRoomsActive {
		q := st.admin.settings.quota
		out.HomeRoomParentName, out.HomeRoomQuota = st.admin.settings.parentName, &q
	}
	return out
}

func (e *Emulator) settingsRoutes(r chi.Router) {
	r.Get("/settings", produces(mediaJSON, e.handleGetSettings))
	r.Put("/settings", produces(mediaJSON, e.handleUpdateSettings))
}

func (e *Emulator) handleGetSettings(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.st.customerSettingsJSON())
}

func (e *Emulator) handleUpdateSettings(w http.ResponseWriter, r *http.Request) {
	var req customerSettingsRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	st := e.st
	next := st.admin.settings
	active := st.customer.homeRoomsActive
	if req.HomeRoomsActive != nil {
		if active && !*req.HomeRoomsActive {
			writeError(w, errInvalidSettings.withDebug("Invalid settings configuration: home rooms cannot be deactivated"))
			return
		}
		active = *req.HomeRoomsActive
	}
	if req.HomeRoomParentName != nil {
		name := strings.TrimSpace(*req.HomeRoomParentName)
		if err := validateNodeName(name); err != nil {
			writeError(w, err)
			return
		}
		next.parentName = name
	}
	if req.HomeRoomQuota != nil {
		if *req.HomeRoomQuota < 0 {
			writeError(w, errPositiveNumber)
			return
		}
		next.quota = *req.HomeRoomQuota
	}
	if active && next.parentName == "" {
		writeError(w, errMandatory.withDebug("Mandatory fields cannot be empty: homeRoomParentName"))
		return
	}
	if utf8.RuneCountInString(next.parentName) > maxNodeName {
		writeError(w, errTooLong)
		return
	}
	st.admin.settings, st.customer.homeRoomsActive = next, active
	e.emit(r, opSettingsChanged, 0, "settings")
	writeJSON(w, http.StatusOK, st.customerSettingsJSON())
}
