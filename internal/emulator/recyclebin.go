package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Recycle bin: GET /nodes/{node_id}/deleted_nodes (summary), DELETE
// /nodes/{node_id}/deleted_nodes (empty), GET
// /nodes/{node_id}/deleted_nodes/versions, GET
// /nodes/deleted_nodes/{deleted_node_id}, POST
// /nodes/deleted_nodes/actions/restore, DELETE /nodes/deleted_nodes
// (purge); and the file versions of a reference id.

// deletedNode is a deleted file or folder with its subtree.
type deletedNode struct {
	id         int64   // the deleted-node id (see deletedNodeKeepsID)
	n          *node   // the node as it was when deleted
	subtree    []*node // n first, then its descendants, parents first
	roomID     int64   // the room whose recycle bin holds it
	parentPath string  // at deletion time
	deletedAt  time.Time
	deletedBy  int64
	// creator, updater and deleter are "first last" names for sorting,
	// taken when the node was deleted.
	creator, updater, deleter string
}

// recycle moves n (a file or folder) and its subtree into the recycle
// bin of its room.
func (st *state) recycle(n *node, uid int64, now time.Time) {
	st.tree.init()
	d := &deletedNode{n: n, roomID: st.roomOf(n).id, parentPath: st.parentPath(n), deletedAt: now, deletedBy: uid}
	d.subtree = st.subtree(n)
	d.creator, d.updater, d.deleter = userSortName(st, n.createdBy), userSortName(st, n.updatedBy), userSortName(st, uid)
	st.detach(n)
	for _, x := range d.subtree {
		delete(st.nodes, x.id)
		delete(st.kids, x.id)
	}
	d.id = n.id
	if !deletedNodeKeepsID {
		d.id = st.nodeSeq.next()
	}
	st.tree.deleted[d.id] = d
}

// purgeBinOf drops the deleted nodes of room and its sub-rooms.
func (st *state) purgeBinOf(room *node) {
	st.tree.init()
	rooms := map[int64]bool{}
	for _, x := range st.subtree(room) {
		if x.typ == typeRoom {
			rooms[x.id] = true
		}
	}
	for id, d := range st.tree.deleted {
		if rooms[d.roomID] {
			delete(st.tree.deleted, id)
		}
	}
}

// deletedVersionCount counts the deleted nodes with n's parent, name and
// type.
func (st *state) deletedVersionCount(n *node) int {
	if n.typ == typeRoom {
		return 0
	}
	c := 0
	for _, d := range st.tree.deleted {
		if d.n.parentID == n.parentID && d.n.typ == n.typ && sameName(d.n.name, n.name) {
			c++
		}
	}
	return c
}

// binOf returns the deleted nodes a container's recycle bin shows (see
// binSummaryWholeRoom).
func (st *state) binOf(c *node) []*deletedNode {
	var out []*deletedNode
	for _, d := range st.tree.deleted {
		if (c.typ == typeRoom && binSummaryWholeRoom && d.roomID == c.id) || d.n.parentID == c.id {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *deletedNode) int { return cmp.Compare(a.id, b.id) })
	return out
}

// deletedNodeJSON is DeletedNode.
type deletedNodeJSON struct {
	ID             int64        `json:"id"`
	ParentID       int64        `json:"parentId"`
	ParentPath     string       `json:"parentPath"`
	Type           string       `json:"type"`
	Name           string       `json:"name"`
	ReferenceID    int64        `json:"referenceId"` // newer servers send it (not in 4.26.7)
	ExpireAt       *apiTime     `json:"expireAt,omitempty"`
	AccessedAt     *apiTime     `json:"accessedAt,omitempty"`
	IsEncrypted    bool         `json:"isEncrypted"`
	Notes          string       `json:"notes"`
	Size           int64        `json:"size"`
	Classification int          `json:"classification"`
	CreatedAt      apiTime      `json:"createdAt"`
	CreatedBy      userInfoJSON `json:"createdBy"`
	UpdatedAt      apiTime      `json:"updatedAt"`
	UpdatedBy      userInfoJSON `json:"updatedBy"`
	DeletedAt      apiTime      `json:"deletedAt"`
	DeletedBy      userInfoJSON `json:"deletedBy"`
}

func (st *state) deletedJSON(d *deletedNode) deletedNodeJSON {
	n := d.n
	var size int64
	for _, x := range d.subtree {
		size += x.size
	}
	j := deletedNodeJSON{
		ID: d.id, ParentID: n.parentID, ParentPath: d.parentPath, Type: n.typ, Name: n.name, ReferenceID: n.id,
		IsEncrypted: n.isEncrypted, Notes: n.notes, Size: size, Classification: n.classification,
		CreatedAt: apiTime(n.createdAt), CreatedBy: st.userInfo(n.createdBy),
		UpdatedAt: apiTime(n.updatedAt), UpdatedBy: st.userInfo(n.updatedBy),
		DeletedAt: apiTime(d.deletedAt), DeletedBy: st.userInfo(d.deletedBy),
	}
	if n.typ == typeFile {
		j.ReferenceID = n.referenceID
	}
	if !n.expireAt.IsZero() {
		t := apiTime(n.expireAt)
		j.ExpireAt = &t
	}
	return j
}

// deletedSummary is one DeletedNodeSummary group.
type deletedSummary struct {
	parentID   int64
	parentPath string
	name, typ  string
	versions   []*deletedNode
}

func (s *deletedSummary) first() time.Time { return s.versions[0].deletedAt }
func (s *deletedSummary) last() *deletedNode {
	return slices.MaxFunc(s.versions, func(a, b *deletedNode) int {
		return cmp.Or(a.deletedAt.Compare(b.deletedAt), cmp.Compare(a.id, b.id))
	})
}

type deletedSummaryJSON struct {
	ParentID              int64   `json:"parentId"`
	ParentPath            string  `json:"parentPath"`
	Name                  string  `json:"name"`
	Type                  string  `json:"type"`
	CntVersions           int     `json:"cntVersions"`
	FirstDeletedAt        apiTime `json:"firstDeletedAt"`
	LastDeletedAt         apiTime `json:"lastDeletedAt"`
	LastDeletedNodeID     int64   `json:"lastDeletedNodeId"`
	TimestampCreation     apiTime `json:"timestampCreation"`
	TimestampModification apiTime `json:"timestampModification"`
}

func (s *deletedSummary) toJSON() deletedSummaryJSON {
	last := s.last()
	return deletedSummaryJSON{
		ParentID: s.parentID, ParentPath: s.parentPath, Name: s.name, Type: s.typ,
		CntVersions: len(s.versions), FirstDeletedAt: apiTime(s.first()), LastDeletedAt: apiTime(last.deletedAt),
		LastDeletedNodeID: last.id, TimestampCreation: apiTime(last.n.tsCreation), TimestampModification: apiTime(last.n.tsModification),
	}
}

// deletedSummarySpec is the filter/sort table of the summary.
var deletedSummarySpec = &listSpec[*deletedSummary]{
	filters: map[string]filterField[*deletedSummary]{
		"type":                  {kind: kindEnum, ops: []string{"eq"}, enum: []string{typeFolder, typeFile}, str: func(s *deletedSummary) string { return s.typ }},
		"name":                  {kind: kindString, ops: []string{"cn"}, str: func(s *deletedSummary) string { return s.name }},
		"parentPath":            {kind: kindString, ops: []string{"cn"}, str: func(s *deletedSummary) string { return s.parentPath }},
		"timestampCreation":     {kind: kindTime, ops: []string{"ge", "le"}, tm: func(s *deletedSummary) time.Time { return s.last().n.tsCreation }},
		"timestampModification": {kind: kindTime, ops: []string{"ge", "le"}, tm: func(s *deletedSummary) time.Time { return s.last().n.tsModification }},
	},
	sorts: map[string]func(a, b *deletedSummary) int{
		"name":                  func(a, b *deletedSummary) int { return compareFold(a.name, b.name) },
		"cntVersions":           func(a, b *deletedSummary) int { return cmp.Compare(len(a.versions), len(b.versions)) },
		"firstDeletedAt":        func(a, b *deletedSummary) int { return a.first().Compare(b.first()) },
		"lastDeletedAt":         func(a, b *deletedSummary) int { return a.last().deletedAt.Compare(b.last().deletedAt) },
		"parentPath":            func(a, b *deletedSummary) int { return compareFold(a.parentPath, b.parentPath) },
		"timestampCreation":     func(a, b *deletedSummary) int { return a.last().n.tsCreation.Compare(b.last().n.tsCreation) },
		"timestampModification": func(a, b *deletedSummary) int { return a.last().n.tsModification.Compare(b.last().n.tsModification) },
	},
	// "Nodes are sorted by type first, then by sent sort string."
	group:       func(s *deletedSummary) int { return nodeTypeOrder[s.typ] },
	tiebreak:    func(a, b *deletedSummary) int { return cmp.Compare(a.versions[0].id, b.versions[0].id) },
	defaultSort: []sortKey{{field: "name"}},
}

// binContainer looks up the room or folder whose recycle bin is asked for
// and checks perm on it.
func (e *Emulator) binContainer(r *http.Request, uid int64, perm func(perms) bool) (*node, *apiError) {
	id, err := urlID(r, "node_id")
	if err != nil {
		return nil, err
	}
	c, err := e.st.lookupNode(id, uid, errNodeNotFound)
	if err != nil {
		return nil, err
	}
	if c.typ == typeFile {
		return nil, errContainerNotFound
	}
	if !perm(e.st.permissions(c, uid)) {
		return nil, errForbidden
	}
	return c, nil
}

func canReadBin(p perms) bool    { return p.ReadRecycleBin }
func canRestoreBin(p perms) bool { return p.RestoreRecycleBin }
func canDeleteBin(p perms) bool  { return p.DeleteRecycleBin }

type deletedSummaryListJSON struct {
	Range rangeJSON            `json:"range"`
	Items []deletedSummaryJSON `json:"items"`
}

func (e *Emulator) handleDeletedSummary(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r, deletedSummarySpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.tree.init()
	c, err := e.binContainer(r, uid, canReadBin)
	if err != nil {
		writeError(w, err)
		return
	}
	groups := map[[3]string]*deletedSummary{}
	var order []*deletedSummary
	for _, d := range e.st.binOf(c) {
		key := [3]string{d.parentPath, strings.ToLower(d.n.name), d.n.typ}
		g := groups[key]
		if g == nil {
			g = &deletedSummary{parentID: d.n.parentID, parentPath: d.parentPath, name: d.n.name, typ: d.n.typ}
			groups[key] = g
			order = append(order, g)
		}
		g.versions = append(g.versions, d)
	}
	page, rng := deletedSummarySpec.apply(order, lq)
	out := deletedSummaryListJSON{Range: rng, Items: make([]deletedSummaryJSON, 0, len(page))}
	for _, g := range page {
		out.Items = append(out.Items, g.toJSON())
	}
	writeJSON(w, http.StatusOK, out)
}

// deletedVersionsSpec sorts DeletedNodeVersionsList (no filters).
var deletedVersionsSpec = &listSpec[*deletedNode]{
	filters: map[string]filterField[*deletedNode]{},
	sorts: map[string]func(a, b *deletedNode) int{
		"expireAt":       func(a, b *deletedNode) int { return a.n.expireAt.Compare(b.n.expireAt) },
		"accessedAt":     func(a, b *deletedNode) int { return 0 }, // never recorded
		"size":           func(a, b *deletedNode) int { return cmp.Compare(a.n.size, b.n.size) },
		"classification": func(a, b *deletedNode) int { return a.n.classification - b.n.classification },
		"createdAt":      func(a, b *deletedNode) int { return a.n.createdAt.Compare(b.n.createdAt) },
		"createdBy":      func(a, b *deletedNode) int { return compareFold(a.creator, b.creator) },
		"updatedAt":      func(a, b *deletedNode) int { return a.n.updatedAt.Compare(b.n.updatedAt) },
		"updatedBy":      func(a, b *deletedNode) int { return compareFold(a.updater, b.updater) },
		"deletedAt":      func(a, b *deletedNode) int { return a.deletedAt.Compare(b.deletedAt) },
		"deletedBy":      func(a, b *deletedNode) int { return compareFold(a.deleter, b.deleter) },
	},
	tiebreak:    func(a, b *deletedNode) int { return cmp.Compare(a.id, b.id) },
	defaultSort: []sortKey{{field: "deletedAt", desc: true}},
}

type deletedVersionsListJSON struct {
	Range rangeJSON         `json:"range"`
	Items []deletedNodeJSON `json:"items"`
}

func (e *Emulator) handleDeletedVersions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	typ, name := q.Get("type"), q.Get("name")
	if typ == "" || name == "" {
		writeError(w, errMandatory)
		return
	}
	if typ != typeFile && typ != typeFolder {
		writeError(w, errInvalidNodeType)
		return
	}
	lq, err := parseListQuery(r, deletedVersionsSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.tree.init()
	c, err := e.binContainer(r, uid, canReadBin)
	if err != nil {
		writeError(w, err)
		return
	}
	var matches []*deletedNode
	for _, d := range e.st.binOf(c) {
		if d.n.parentID == c.id && d.n.typ == typ && sameName(d.n.name, name) {
			matches = append(matches, d)
		}
	}
	page, rng := deletedVersionsSpec.apply(matches, lq)
	out := deletedVersionsListJSON{Range: rng, Items: make([]deletedNodeJSON, 0, len(page))}
	for _, d := range page {
		out.Items = append(out.Items, e.st.deletedJSON(d))
	}
	writeJSON(w, http.StatusOK, out)
}

// lookupDeleted finds a deleted node whose room grants uid perm.
func (e *Emulator) lookupDeleted(id, uid int64, perm func(perms) bool) (*deletedNode, *apiError) {
	e.st.tree.init()
	d := e.st.tree.deleted[id]
	if d == nil {
		return nil, errDeletedNotFound
	}
	room := e.st.nodes[d.roomID]
	if room == nil || !e.st.visible(room, uid, false) {
		return nil, errDeletedNotFound
	}
	if !perm(e.st.permissions(room, uid)) {
		return nil, errForbidden
	}
	return d, nil
}

func (e *Emulator) handleGetDeletedNode(w http.ResponseWriter, r *http.Request) {
	id, err := urlID(r, "deleted_node_id")
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	d, err := e.lookupDeleted(id, uid, canReadBin)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.st.deletedJSON(d))
}

// deletedIDsRequest is DeleteDeletedNodesRequest.
type deletedIDsRequest struct {
	DeletedNodeIDs []int64 `json:"deletedNodeIds"`
}

func (e *Emulator) handlePurgeDeleted(w http.ResponseWriter, r *http.Request) {
	var req deletedIDsRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if len(req.DeletedNodeIDs) == 0 {
		writeError(w, errMandatory)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range req.DeletedNodeIDs {
		if _, err := e.lookupDeleted(id, uid, canDeleteBin); err != nil {
			writeError(w, err)
			return
		}
	}
	for _, id := range req.DeletedNodeIDs {
		delete(e.st.tree.deleted, id)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleEmptyBin(w http.ResponseWriter, r *http.Request) {
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.tree.init()
	c, err := e.binContainer(r, uid, canDeleteBin)
	if err != nil {
		writeError(w, err)
		return
	}
	for _, d := range e.st.binOf(c) {
		delete(e.st.tree.deleted, d.id)
	}
	w.WriteHeader(http.StatusNoContent)
}

// restoreRequest is RestoreDeletedNodesRequest.
type restoreRequest struct {
	DeletedNodeIDs     []int64 `json:"deletedNodeIds"`
	ResolutionStrategy *string `json:"resolutionStrategy"`
	KeepShareLinks     *bool   `json:"keepShareLinks"`
	ParentID           *int64  `json:"parentId"`
}

func (e *Emulator) handleRestore(w http.ResponseWriter, r *http.Request) {
	var req restoreRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if len(req.DeletedNodeIDs) == 0 {
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
	type job struct {
		d      *deletedNode
		target *node
	}
	var jobs []job
	var clashes []conflictNodeJSON
	claimed := batchNames{}
	for _, id := range req.DeletedNodeIDs {
		d, err := e.lookupDeleted(id, uid, canRestoreBin)
		if err != nil {
			writeError(w, err)
			return
		}
		targetID := d.n.parentID
		if req.ParentID != nil && *req.ParentID != 0 {
			targetID = *req.ParentID
		}
		target, err := st.lookupNode(targetID, uid, errContainerNotFound)
		if err == nil && target.typ == typeFile {
			err = errContainerNotFound
		}
		if err != nil {
			writeError(w, err)
			return
		}
		if !st.permissions(target, uid).Create {
			writeError(w, errForbidden)
			return
		}
		if d.n.isEncrypted && st.roomOf(target).id != d.roomID {
			writeError(w, errEncryptedRestore)
			return
		}
		if _, clash, err := st.place(target.id, d.n.name, d.n.typ, strategy, nil); clash != nil {
			clashes = append(clashes, conflictOf(id, d.n.name))
		} else if err != nil {
			writeError(w, err)
			return
		} else if !claimed.claim(target.id, d.n.name) && strategy == resolveFail {
			// Two versions of one name restored into one parent.
			writeConflict(w, append(clashes, conflictOf(id, d.n.name)))
			return
		}
		jobs = append(jobs, job{d, target})
	}
	if len(clashes) > 0 {
		writeConflict(w, clashes)
		return
	}
	now := e.clock.now()
	for _, j := range jobs {
		p, _, _ := st.place(j.target.id, j.d.n.name, j.d.n.typ, strategy, nil)
		if p.replaces != nil {
			st.recycle(p.replaces, uid, now)
		}
		delete(st.tree.deleted, j.d.id)
		j.d.n.parentID, j.d.n.name = j.target.id, p.name
		for _, x := range j.d.subtree {
			st.attach(x)
		}
		st.touch(j.d.n, uid, now)
	}
	w.WriteHeader(http.StatusNoContent)
}

// fileVersionJSON is an item of FileVersionList (newer than 4.26.7).
type fileVersionJSON struct {
	ID          int64  `json:"id"`
	ReferenceID int64  `json:"referenceId"`
	Name        string `json:"name"`
	ParentID    int64  `json:"parentId"`
	Deleted     bool   `json:"deleted"`
}

type fileVersionListJSON struct {
	Range rangeJSON         `json:"range"`
	Items []fileVersionJSON `json:"items"`
}

// fileVersionSpec pages file versions (no filters or sorts are known).
var fileVersionSpec = &listSpec[fileVersionJSON]{
	filters:  map[string]filterField[fileVersionJSON]{},
	sorts:    map[string]func(a, b fileVersionJSON) int{},
	tiebreak: func(a, b fileVersionJSON) int { return cmp.Compare(a.ID, b.ID) },
}

// handleFileVersions lists the live and deleted files sharing a
// referenceId that the caller can read (GET
// /nodes/files/versions/{reference_id}; not in the 4.26.7 document, used
// by the Python client).
func (e *Emulator) handleFileVersions(w http.ResponseWriter, r *http.Request) {
	ref, err := urlID(r, "reference_id")
	if err != nil {
		writeError(w, err)
		return
	}
	lq, err := parseListQuery(r, fileVersionSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	st.tree.init()
	var items []fileVersionJSON
	for _, n := range st.nodes {
		if n.typ == typeFile && n.referenceID == ref && st.permissions(n, uid).Read {
			items = append(items, fileVersionJSON{ID: n.id, ReferenceID: ref, Name: n.name, ParentID: n.parentID})
		}
	}
	for _, d := range st.tree.deleted {
		room := st.nodes[d.roomID]
		if d.n.typ == typeFile && d.n.referenceID == ref && room != nil && st.permissions(room, uid).ReadRecycleBin {
			items = append(items, fileVersionJSON{ID: d.id, ReferenceID: ref, Name: d.n.name, ParentID: d.n.parentID, Deleted: true})
		}
	}
	if len(items) == 0 {
		writeError(w, errNodeNotFound)
		return
	}
	page, rng := fileVersionSpec.apply(items, lq)
	writeJSON(w, http.StatusOK, fileVersionListJSON{Range: rng, Items: page})
}
