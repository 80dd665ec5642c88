package emulator

import (
	"net/http"
	"slices"
	"time"
)

// Node operations: GET /nodes/{node_id}/parents, DELETE /nodes/{node_id},
// DELETE /nodes, POST /nodes/{node_id}/copy_to and move_to.

// nodeParentJSON is NodeParent.
type nodeParentJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	ParentID *int64 `json:"parentId,omitempty"`
}

type nodeParentListJSON struct {
	Items []nodeParentJSON `json:"items"`
}

// handleGetParents lists the ancestors (order: see parentsTopDown).
func (e *Emulator) handleGetParents(w http.ResponseWriter, r *http.Request) {
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
	out := nodeParentListJSON{Items: []nodeParentJSON{}}
	for p := e.st.nodes[n.parentID]; p != nil; p = e.st.nodes[p.parentID] {
		j := nodeParentJSON{ID: p.id, Name: p.name, Type: p.typ}
		if p.parentID != 0 {
			pid := p.parentID
			j.ParentID = &pid
		}
		out.Items = append(out.Items, j)
	}
	if parentsTopDown {
		slices.Reverse(out.Items)
	}
	writeJSON(w, http.StatusOK, out)
}

// canDelete reports whether uid may delete n: delete permission on files
// and folders; for rooms see roomManagerDeletesTopLevelRooms.
func (st *state) canDelete(n *node, uid int64) bool {
	if n.typ != typeRoom {
		return st.permissions(n, uid).Delete
	}
	if n.parentID == 0 {
		return roomManagerDeletesTopLevelRooms && st.hasRole(uid, roleRoomManager)
	}
	return st.permissions(st.nodes[n.parentID], uid).Delete
}

// deleteNode removes n: files and folders go to the recycle bin, rooms
// are removed with their content. The event is recorded first, while n
// is still in the tree. Callers checked permissions.
func (e *Emulator) deleteNode(r *http.Request, n *node, uid int64) {
	e.emit(r, deleteOp(n), n.id, n.name)
	now := e.clock.now()
	parent := e.st.nodes[n.parentID]
	if n.typ == typeRoom {
		if roomDeletePurgesBin {
			e.st.purgeBinOf(n)
		}
		e.st.forget(n)
	} else {
		e.st.recycle(n, uid, now)
	}
	if parent != nil {
		e.st.touch(parent, uid, now)
	}
}

// deleteOp is the event log operation of deleting n.
func deleteOp(n *node) int {
	switch n.typ {
	case typeRoom:
		return opRoomDeleted
	case typeFolder:
		return opFolderDeleted
	}
	return opFileDeleted
}

func (e *Emulator) handleDeleteNode(w http.ResponseWriter, r *http.Request) {
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
	if !e.st.canDelete(n, uid) {
		writeError(w, errForbidden)
		return
	}
	e.deleteNode(r, n, uid)
	w.WriteHeader(http.StatusNoContent)
}

// deleteNodesRequest is DeleteNodesRequest.
type deleteNodesRequest struct {
	NodeIDs []int64 `json:"nodeIds"`
}

// lookupSiblings resolves ids that must share one parent (-41054).
func (st *state) lookupSiblings(ids []int64, uid int64, notFound *apiError) ([]*node, *apiError) {
	nodes := make([]*node, 0, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, errPositiveNumber
		}
		n, err := st.lookupNode(id, uid, notFound)
		if err != nil {
			return nil, err
		}
		if len(nodes) > 0 && nodes[0].parentID != n.parentID {
			return nil, errSameParent
		}
		if !slices.Contains(nodes, n) {
			nodes = append(nodes, n)
		}
	}
	return nodes, nil
}

func (e *Emulator) handleDeleteNodes(w http.ResponseWriter, r *http.Request) {
	var req deleteNodesRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if len(req.NodeIDs) == 0 {
		writeError(w, errMandatory)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	nodes, err := e.st.lookupSiblings(req.NodeIDs, uid, errNodeNotFound)
	if err != nil {
		writeError(w, err)
		return
	}
	for _, n := range nodes {
		if !e.st.canDelete(n, uid) {
			writeError(w, errForbidden)
			return
		}
	}
	for _, n := range nodes {
		e.deleteNode(r, n, uid)
	}
	w.WriteHeader(http.StatusNoContent)
}

// transferItem is CopyNode / MoveNode.
type transferItem struct {
	ID                    int64   `json:"id"`
	Name                  *string `json:"name"`
	TimestampCreation     *string `json:"timestampCreation"`
	TimestampModification *string `json:"timestampModification"`
}

// transferRequest is CopyNodesRequest / MoveNodesRequest; nodeIds is the
// deprecated form the Java SDK still sends.
type transferRequest struct {
	Items              []transferItem `json:"items"`
	ResolutionStrategy *string        `json:"resolutionStrategy"`
	KeepShareLinks     *bool          `json:"keepShareLinks"`
	NodeIDs            []int64        `json:"nodeIds"`
}

// conflictNodeJSON names a node that blocks a copy, move or restore.
type conflictNodeJSON struct {
	NodeID       int64  `json:"nodeId"`
	Name         string `json:"name"`
	ErrorCode    int    `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

// conflictOf is the entry for the incoming node id (a source node or a
// deleted node) that cannot take name in the target.
func conflictOf(id int64, name string) conflictNodeJSON {
	return conflictNodeJSON{NodeID: id, Name: name, ErrorCode: errNodeExists.errorCode, ErrorMessage: errNodeExists.debugInfo}
}

// conflictErrorJSON is ErrorResponse plus the clashing nodes (see
// conflictDetailsInError).
type conflictErrorJSON struct {
	errorBody
	ErrorInfos struct {
		ConflictNodes []conflictNodeJSON `json:"conflictNodes"`
	} `json:"errorInfos"`
}

// writeConflict answers a "fail" conflict, with details when configured.
func writeConflict(w http.ResponseWriter, clashes []conflictNodeJSON) {
	if !conflictDetailsInError {
		writeError(w, errNodeExists)
		return
	}
	code := errNodeExists.errorCode
	body := conflictErrorJSON{errorBody: errorBody{Code: errNodeExists.status, Message: http.StatusText(errNodeExists.status), DebugInfo: errNodeExists.debugInfo, ErrorCode: &code}}
	body.ErrorInfos.ConflictNodes = append([]conflictNodeJSON{}, clashes...)
	writeJSON(w, errNodeExists.status, body)
}

// placement is where one incoming node lands: its final name and the
// file it overwrites (nil for none).
type placement struct {
	name     string
	replaces *node
}

// place applies the resolution strategy to an incoming node of type typ
// called name in parentID; self is the node itself when it is already
// there (a move within one parent). clash is set for "fail" conflicts.
func (st *state) place(parentID int64, name, typ, strategy string, self *node) (p placement, clash *node, err *apiError) {
	existing := st.childNamed(parentID, name)
	if existing == nil || existing == self {
		return placement{name: name}, nil, nil
	}
	switch strategy {
	case resolveFail:
		return placement{}, existing, errNodeExists
	case resolveOverwrite:
		if existing.typ != typeFile || typ != typeFile {
			return placement{}, nil, errNoOverwrite
		}
		return placement{name: name, replaces: existing}, nil, nil
	}
	return placement{name: st.autorename(parentID, name, typ)}, nil, nil
}

// transfer is the shared part of copy_to and move_to.
func (e *Emulator) transfer(w http.ResponseWriter, r *http.Request, move bool) {
	targetID, err := urlID(r, "node_id")
	if err != nil {
		writeError(w, err)
		return
	}
	var req transferRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if len(req.Items) == 0 {
		// The deprecated form; the Java SDK sends both with the same ids.
		for _, id := range req.NodeIDs {
			req.Items = append(req.Items, transferItem{ID: id})
		}
	}
	if len(req.Items) == 0 {
		writeError(w, errMandatory)
		return
	}
	strategy, err := parseResolution(req.ResolutionStrategy, req.KeepShareLinks)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	target, err := st.lookupNode(targetID, uid, errTargetNotFound)
	if err != nil {
		writeError(w, err)
		return
	}
	if target.typ == typeFile {
		writeError(w, errFileTarget)
		return
	}
	ids := make([]int64, len(req.Items))
	for i, it := range req.Items {
		ids[i] = it.ID
	}
	sources, err := st.lookupSiblings(ids, uid, errSourceNotFound)
	if err != nil {
		writeError(w, err)
		return
	}
	for _, s := range sources {
		if s.typ == typeRoom {
			writeError(w, errRoomNoCopy)
			return
		}
	}
	srcPerms, dstPerms := st.permissions(sources[0], uid), st.permissions(target, uid)
	if !srcPerms.Read || (move && !srcPerms.Delete) || !dstPerms.Create {
		writeError(w, errForbidden)
		return
	}
	srcRoom, dstRoom := st.roomOf(sources[0]), st.roomOf(target)
	if srcRoom != dstRoom && srcRoom.isEncrypted != dstRoom.isEncrypted {
		if srcRoom.isEncrypted {
			writeError(w, errRoomNotEncrypted)
		} else {
			writeError(w, errRoomEncrypted)
		}
		return
	}
	// Validate every item and find "fail" conflicts before changing
	// anything.
	var clashes []conflictNodeJSON
	claimed := batchNames{}
	byID := map[int64]*node{}
	for _, s := range sources {
		byID[s.id] = s
	}
	for _, it := range req.Items {
		s := byID[it.ID]
		if st.isWithin(target, s) {
			writeError(w, errIntoChild)
			return
		}
		name := s.name
		if it.Name != nil {
			if err := validateNodeName(*it.Name); err != nil {
				writeError(w, err)
				return
			}
			name = *it.Name
		}
		if err := st.checkPathLength(target, name); err != nil {
			writeError(w, err)
			return
		}
		var tc, tm time.Time
		if err := parseTimestamps(timestampPair(it.TimestampCreation, &tc), timestampPair(it.TimestampModification, &tm)); err != nil {
			writeError(w, err)
			return
		}
		self := (*node)(nil)
		if move {
			self = s
		}
		_, clash, err := st.place(target.id, name, s.typ, strategy, self)
		if clash != nil {
			clashes = append(clashes, conflictOf(s.id, name))
			continue
		}
		if err != nil {
			writeError(w, err)
			return
		}
		if !claimed.claim(target.id, name) && strategy == resolveFail {
			// Two items of this request would take one name.
			writeConflict(w, append(clashes, conflictOf(s.id, name)))
			return
		}
	}
	if len(clashes) > 0 {
		writeConflict(w, clashes)
		return
	}
	now := e.clock.now()
	for _, it := range req.Items {
		s := byID[it.ID]
		name := s.name
		if it.Name != nil {
			name = *it.Name
		}
		self := (*node)(nil)
		if move {
			self = s
		}
		p, _, _ := st.place(target.id, name, s.typ, strategy, self)
		if p.replaces != nil {
			st.recycle(p.replaces, uid, now)
		}
		var n *node
		if move {
			n = st.moveNode(s, target, p.name)
		} else {
			n = e.copyTree(s, target, p.name, uid)
		}
		if p.replaces != nil && overwriteKeepsReferenceID {
			n.referenceID = p.replaces.referenceID
		}
		_ = parseTimestamps(timestampPair(it.TimestampCreation, &n.tsCreation), timestampPair(it.TimestampModification, &n.tsModification))
		st.touch(n, uid, now)
		e.emit(r, pick(move, opNodeMoved, opNodeCopied), n.id, n.name)
	}
	if move {
		st.touch(st.nodes[sources[0].parentID], uid, now)
		writeJSON(w, http.StatusOK, st.view(target, uid).toJSON(false))
		return
	}
	writeJSON(w, http.StatusCreated, st.view(target, uid).toJSON(false))
}

// moveNode re-parents n below target under name.
func (st *state) moveNode(n, target *node, name string) *node {
	st.detach(n)
	n.parentID, n.name = target.id, name
	st.attach(n)
	return n
}

// copyTree copies n and its descendants below target (new ids; files get
// a new referenceId and share the immutable content).
func (e *Emulator) copyTree(n, target *node, name string, uid int64) *node {
	st := e.st
	now := e.clock.now()
	var cp func(src *node, parentID int64, name string) *node
	cp = func(src *node, parentID int64, name string) *node {
		c := &node{
			id: st.nodeSeq.next(), parentID: parentID, typ: src.typ, name: name,
			createdAt: now, createdBy: uid, updatedAt: now, updatedBy: uid,
			tsCreation: src.tsCreation, tsModification: src.tsModification,
			notes: src.notes, classification: src.classification, expireAt: src.expireAt,
			data: src.data, fileKeys: cloneFileKeys(src.fileKeys), size: src.size, hash: src.hash, isEncrypted: src.isEncrypted,
		}
		c.referenceID = c.id
		st.attach(c)
		for _, k := range slices.Clone(st.children(src.id)) {
			cp(k, c.id, k.name)
		}
		return c
	}
	return cp(n, target.id, name)
}

func (e *Emulator) handleCopyNodes(w http.ResponseWriter, r *http.Request) { e.transfer(w, r, false) }
func (e *Emulator) handleMoveNodes(w http.ResponseWriter, r *http.Request) { e.transfer(w, r, true) }
