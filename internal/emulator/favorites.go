package emulator

import "net/http"

// Favorites: POST/DELETE /nodes/{node_id}/favorite, PUT /nodes/favorites.
// (GET /nodes/favorites is not in the 4.26.7 document; clients list
// favorites with the isFavorite filter of /nodes/search.)

var errNotFavorite = newAPIError(400, -41301, "Node is not set as favorite")

func (n *node) setFavorite(uid int64, on bool) {
	if on {
		if n.favoredBy == nil {
			n.favoredBy = map[int64]bool{}
		}
		n.favoredBy[uid] = true
		return
	}
	delete(n.favoredBy, uid)
}

func (e *Emulator) handleAddFavorite(w http.ResponseWriter, r *http.Request) {
	id, err := urlID(r, "node_id")
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.st.lookupNode(id, uid, errNodeNotFound)
	if err != nil {
		writeError(w, err)
		return
	}
	n.setFavorite(uid, true)
	writeJSON(w, http.StatusCreated, e.st.view(n, uid).toJSON(false))
}

func (e *Emulator) handleRemoveFavorite(w http.ResponseWriter, r *http.Request) {
	id, err := urlID(r, "node_id")
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.st.lookupNode(id, uid, errNodeNotFound)
	if err != nil {
		writeError(w, err)
		return
	}
	if !n.favoredBy[uid] {
		writeError(w, errNotFavorite)
		return
	}
	n.setFavorite(uid, false)
	w.WriteHeader(http.StatusNoContent)
}

// updateFavoritesRequest is UpdateFavoritesBulkRequest.
type updateFavoritesRequest struct {
	IsFavorite *bool   `json:"isFavorite"`
	ObjectIDs  []int64 `json:"objectIds"`
}

func (e *Emulator) handleUpdateFavorites(w http.ResponseWriter, r *http.Request) {
	var req updateFavoritesRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.IsFavorite == nil || len(req.ObjectIDs) == 0 {
		writeError(w, errMandatory)
		return
	}
	if len(req.ObjectIDs) > maxBulkItems {
		writeError(w, errTooManyItems)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	nodes := make([]*node, 0, len(req.ObjectIDs))
	for _, id := range req.ObjectIDs {
		n, err := e.st.lookupNode(id, uid, errNodeNotFound)
		if err != nil {
			writeError(w, err)
			return
		}
		nodes = append(nodes, n)
	}
	for _, n := range nodes {
		n.setFavorite(uid, *req.IsFavorite)
	}
	w.WriteHeader(http.StatusNoContent)
}
