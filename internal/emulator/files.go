package emulator

import (
	"net/http"
	"time"
)

// Files (metadata; uploads come later): PUT /nodes/files/{file_id},
// PUT /nodes/files.

// maxBulkItems bounds the objectIds of bulk requests (-80063).
const maxBulkItems = 500

// updateFileRequest is UpdateFileRequest; null or absent is unchanged
// (the Python client sends null for every unset field).
type updateFileRequest struct {
	Name                  *string         `json:"name"`
	Expiration            *expirationJSON `json:"expiration"`
	Classification        *int            `json:"classification"`
	Notes                 *string         `json:"notes"`
	TimestampCreation     *string         `json:"timestampCreation"`
	TimestampModification *string         `json:"timestampModification"`
}

// updateFilesBulkRequest is UpdateFilesBulkRequest.
type updateFilesBulkRequest struct {
	Classification *int            `json:"classification"`
	Expiration     *expirationJSON `json:"expiration"`
	ObjectIDs      []int64         `json:"objectIds"`
}

func checkClassification(c *int) *apiError {
	if c != nil && (*c < 1 || *c > 4) {
		return errBadClassification
	}
	return nil
}

func (e *Emulator) handleUpdateFile(w http.ResponseWriter, r *http.Request) {
	id, err := urlID(r, "file_id")
	if err != nil {
		writeError(w, err)
		return
	}
	var req updateFileRequest
	if err := decodeJSON(r, &req, true); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.st.lookupNode(id, uid, errNodeNotFound)
	if err == nil && n.typ != typeFile {
		err = errNodeNotFound
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if !e.st.permissions(n, uid).Change {
		writeError(w, errForbidden)
		return
	}
	if err := checkClassification(req.Classification); err != nil {
		writeError(w, err)
		return
	}
	expireAt := n.expireAt
	if req.Expiration != nil {
		if expireAt, err = e.checkExpiration(req.Expiration); err != nil {
			writeError(w, err)
			return
		}
	}
	if err := e.applyNodeUpdate(n, uid, req.Name, req.Notes, req.TimestampCreation, req.TimestampModification); err != nil {
		writeError(w, err)
		return
	}
	if req.Classification != nil {
		n.classification = *req.Classification
	}
	n.expireAt = expireAt
	writeJSON(w, http.StatusOK, e.st.view(n, uid).toJSON(false))
}

func (e *Emulator) handleUpdateFiles(w http.ResponseWriter, r *http.Request) {
	var req updateFilesBulkRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if len(req.ObjectIDs) == 0 {
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
	files := make([]*node, 0, len(req.ObjectIDs))
	for _, id := range req.ObjectIDs {
		n, err := e.st.lookupNode(id, uid, errNodeNotFound)
		if err == nil && n.typ != typeFile {
			err = errNodeNotFound
		}
		if err != nil {
			writeError(w, err)
			return
		}
		files = append(files, n)
	}
	for _, n := range files {
		if !e.st.permissions(n, uid).Change {
			writeError(w, errForbidden)
			return
		}
	}
	if err := checkClassification(req.Classification); err != nil {
		writeError(w, err)
		return
	}
	var expireAt time.Time
	if req.Expiration != nil {
		var err *apiError
		if expireAt, err = e.checkExpiration(req.Expiration); err != nil {
			writeError(w, err)
			return
		}
	}
	now := e.clock.now()
	for _, n := range files {
		if req.Classification != nil {
			n.classification = *req.Classification
		}
		if req.Expiration != nil {
			n.expireAt = expireAt
		}
		e.st.touch(n, uid, now)
	}
	w.WriteHeader(http.StatusNoContent)
}
