package emulator

import (
	"net/http"
	"time"
)

// Folders: POST /nodes/folders, PUT /nodes/folders/{folder_id}.

// createFolderRequest is CreateFolderRequest.
type createFolderRequest struct {
	ParentID              *int64  `json:"parentId"`
	Name                  string  `json:"name"`
	Notes                 *string `json:"notes"`
	TimestampCreation     *string `json:"timestampCreation"`
	TimestampModification *string `json:"timestampModification"`
}

// updateFolderRequest is UpdateFolderRequest; nil means unchanged.
type updateFolderRequest struct {
	Name                  *string `json:"name"`
	Notes                 *string `json:"notes"`
	TimestampCreation     *string `json:"timestampCreation"`
	TimestampModification *string `json:"timestampModification"`
}

// createFolder validates and creates a folder in parent for uid (no
// permission check). Callers hold e.mu.
func (e *Emulator) createFolder(parent *node, uid int64, name string, notes, tsc, tsm *string) (*node, *apiError) {
	st := e.st
	if parent.typ == typeFile {
		return nil, errContainerNotFound
	}
	if err := validateNodeName(name); err != nil {
		return nil, err
	}
	if err := checkNotes(notes); err != nil {
		return nil, err
	}
	if err := st.checkPathLength(parent, name); err != nil {
		return nil, err
	}
	now := e.clock.now()
	tsCreation, tsModification := now, now
	if err := parseTimestamps(timestampPair(tsc, &tsCreation), timestampPair(tsm, &tsModification)); err != nil {
		return nil, err
	}
	if st.childNamed(parent.id, name) != nil {
		return nil, errNodeNameExists
	}
	n := &node{
		id: st.nodeSeq.next(), parentID: parent.id, typ: typeFolder, name: name,
		createdAt: now, createdBy: uid, updatedAt: now, updatedBy: uid,
		tsCreation: tsCreation, tsModification: tsModification,
		classification: st.roomOf(parent).classification,
		isEncrypted:    st.roomOf(parent).isEncrypted,
	}
	if notes != nil {
		n.notes = *notes
	}
	st.attach(n)
	st.bumpBranch(n, now)
	return n, nil
}

func (e *Emulator) handleCreateFolder(w http.ResponseWriter, r *http.Request) {
	var req createFolderRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.ParentID == nil {
		writeError(w, errMandatory)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	parent, err := e.st.lookupNode(*req.ParentID, uid, errContainerNotFound)
	if err != nil {
		writeError(w, err)
		return
	}
	if parent.typ != typeFile && !e.st.permissions(parent, uid).Create {
		writeError(w, errForbidden)
		return
	}
	n, err := e.createFolder(parent, uid, req.Name, req.Notes, req.TimestampCreation, req.TimestampModification)
	if err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opFolderCreated, n.id, n.name)
	writeJSON(w, http.StatusCreated, e.st.view(n, uid).toJSON(false))
}

func (e *Emulator) handleUpdateFolder(w http.ResponseWriter, r *http.Request) {
	id, err := urlID(r, "folder_id")
	if err != nil {
		writeError(w, err)
		return
	}
	var req updateFolderRequest
	if err := decodeJSON(r, &req, true); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.st.lookupNode(id, uid, errNodeNotFound)
	if err == nil && n.typ != typeFolder {
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
	if err := e.applyNodeUpdate(n, uid, req.Name, req.Notes, req.TimestampCreation, req.TimestampModification); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.st.view(n, uid).toJSON(false))
}

// applyNodeUpdate validates and applies the common metadata changes of
// rooms, folders and files: name (with the parent's conflict rule), notes
// and the external timestamps. Nothing changes when a check fails.
func (e *Emulator) applyNodeUpdate(n *node, uid int64, name, notes, tsc, tsm *string) *apiError {
	st := e.st
	if name != nil {
		if err := validateNodeName(*name); err != nil {
			return err
		}
		if err := st.checkPathLength(st.nodes[n.parentID], *name); err != nil {
			return err
		}
	}
	if err := checkNotes(notes); err != nil {
		return err
	}
	tsCreation, tsModification := n.tsCreation, n.tsModification
	if err := parseTimestamps(timestampPair(tsc, &tsCreation), timestampPair(tsm, &tsModification)); err != nil {
		return err
	}
	if name != nil {
		if c := st.childNamed(n.parentID, *name); c != nil && c != n {
			return errNodeNameExists
		}
		n.name = *name
	}
	if notes != nil {
		n.notes = *notes
	}
	n.tsCreation, n.tsModification = tsCreation, tsModification
	st.touch(n, uid, e.clock.now())
	return nil
}

// checkExpiration validates an ObjectExpiration, whose enableExpiration
// is mandatory here, and returns the new expireAt (zero = none).
func (e *Emulator) checkExpiration(x *expirationJSON) (time.Time, *apiError) {
	if x.EnableExpiration == nil {
		return time.Time{}, errMandatory
	}
	return x.resolve(e.clock.now())
}
