package emulator

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// S3 tags of a room: GET|POST /nodes/rooms/{room_id}/s3_tags, room
// administrators only. The tags are the tenant's (GET|POST
// /system/config/storage/s3/tags, sysconfig.go); a room holds their ids,
// and a tag deleted from the tenant disappears from its rooms. POST
// replaces the room's set and must name every mandatory tag.

var errRoomS3TagNotFound = newAPIError(404, -90029, "S3 tag not found")

func (e *Emulator) roomS3TagRoutes(r chi.Router) {
	r.Get("/nodes/rooms/{room_id}/s3_tags", produces(mediaJSON, e.handleRoomS3Tags))
	r.Post("/nodes/rooms/{room_id}/s3_tags", produces(mediaJSON, e.handleSetRoomS3Tags))
}

// s3TagRoom finds the URL's room for its administrator; S3 storage and
// S3 tags must be on (412 otherwise). Callers hold e.mu.
func (e *Emulator) s3TagRoom(r *http.Request) (*node, *apiError) {
	n, err := e.managedRoom(r, callerID(r))
	switch {
	case err != nil:
		return nil, err
	case !e.useS3():
		return nil, errS3Disabled
	case !e.st.customer.s3TagsEnabled:
		return nil, errS3TagsDisabled
	}
	return n, nil
}

// roomS3TagList renders the room's tags that still exist. Callers hold
// e.mu.
func (st *state) roomS3TagList(n *node) jsonDoc {
	tags := st.admin.sysconf.tags.items
	items := []jsonDoc{}
	for _, id := range st.self().roomTags[n.id] {
		if t, ok := tags[id]; ok {
			items = append(items, cloneDoc(t))
		}
	}
	return jsonDoc{"items": items}
}

func (e *Emulator) handleRoomS3Tags(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.s3TagRoom(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.st.roomS3TagList(n))
}

func (e *Emulator) handleSetRoomS3Tags(w http.ResponseWriter, r *http.Request) {
	var req struct {
		IDs []int64 `json:"ids"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.IDs == nil {
		writeError(w, errMandatory)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.s3TagRoom(r)
	if err != nil {
		writeError(w, err)
		return
	}
	tags := e.st.admin.sysconf.tags.items
	for _, id := range req.IDs {
		if id <= 0 {
			writeError(w, errPositiveNumber)
			return
		}
		if _, ok := tags[id]; !ok {
			writeError(w, errRoomS3TagNotFound)
			return
		}
	}
	for id, t := range tags {
		if mandatory, _ := t["isMandatory"].(bool); mandatory && !slices.Contains(req.IDs, id) {
			writeError(w, errMissingMandatoryTag)
			return
		}
	}
	e.st.self().roomTags[n.id] = slices.Compact(slices.Sorted(slices.Values(req.IDs)))
	e.emit(r, opRoomUpdated, n.id, n.name)
	writeJSON(w, http.StatusCreated, e.st.roomS3TagList(n))
}
