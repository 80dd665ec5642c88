package emulator

import (
	"cmp"
	"net/http"
	"time"
	"unicode/utf8"
)

// Comments: GET/POST /nodes/{node_id}/comments, PUT/DELETE
// /nodes/comments/{comment_id}. Deleting is soft (isDeleted).

// maxCommentText is the documented text limit.
const maxCommentText = 65535

// comment is a node comment.
type comment struct {
	id        int64
	nodeID    int64
	text      string
	createdAt time.Time
	createdBy int64
	updatedAt time.Time
	updatedBy int64
	isChanged bool
	isDeleted bool
}

// commentJSON is Comment.
type commentJSON struct {
	ID        int64        `json:"id"`
	Text      string       `json:"text"`
	CreatedAt apiTime      `json:"createdAt"`
	CreatedBy userInfoJSON `json:"createdBy"`
	UpdatedAt apiTime      `json:"updatedAt"`
	UpdatedBy userInfoJSON `json:"updatedBy"`
	IsChanged bool         `json:"isChanged"`
	IsDeleted bool         `json:"isDeleted"`
}

type commentListJSON struct {
	Range rangeJSON     `json:"range"`
	Items []commentJSON `json:"items"`
}

var (
	errCommentNotFound = newAPIError(404, -41400, "Comment not found")
	errCommentDeleted  = newAPIError(400, -80039, "Comment was deleted, change is not allowed")
)

func (st *state) commentJSON(c *comment) commentJSON {
	return commentJSON{ID: c.id, Text: c.text, CreatedAt: apiTime(c.createdAt), CreatedBy: st.userInfo(c.createdBy),
		UpdatedAt: apiTime(c.updatedAt), UpdatedBy: st.userInfo(c.updatedBy), IsChanged: c.isChanged, IsDeleted: c.isDeleted}
}

// commentCount counts a node's comments that are not deleted.
func (st *state) commentCount(nodeID int64) int {
	c := 0
	for _, id := range st.tree.commentsByNode[nodeID] {
		if !st.tree.comments[id].isDeleted {
			c++
		}
	}
	return c
}

// commentSpec pages comments in creation order.
var commentSpec = &listSpec[*comment]{
	filters:  map[string]filterField[*comment]{},
	sorts:    map[string]func(a, b *comment) int{},
	tiebreak: func(a, b *comment) int { return cmp.Compare(a.id, b.id) },
}

// commentText checks a comment text.
func commentText(s string) *apiError {
	if s == "" {
		return errMandatory
	}
	if utf8.RuneCountInString(s) > maxCommentText {
		return errTooLong
	}
	return nil
}

// readableNode looks up a node the caller may read.
func (e *Emulator) readableNode(r *http.Request, uid int64) (*node, *apiError) {
	id, err := urlID(r, "node_id")
	if err != nil {
		return nil, err
	}
	n, err := e.st.lookupNode(id, uid, errNodeNotFound)
	if err != nil {
		return nil, err
	}
	if !e.st.permissions(n, uid).Read {
		return nil, errForbidden
	}
	return n, nil
}

func (e *Emulator) handleListComments(w http.ResponseWriter, r *http.Request) {
	hide, _, err := queryBool(r, "hide_deleted")
	if err != nil {
		writeError(w, err)
		return
	}
	lq, err := parseListQuery(r, commentSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.tree.init()
	n, err := e.readableNode(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	var list []*comment
	for _, id := range e.st.tree.commentsByNode[n.id] {
		if c := e.st.tree.comments[id]; !hide || !c.isDeleted {
			list = append(list, c)
		}
	}
	page, rng := commentSpec.apply(list, lq)
	out := commentListJSON{Range: rng, Items: make([]commentJSON, 0, len(page))}
	for _, c := range page {
		out.Items = append(out.Items, e.st.commentJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

// commentRequest is CreateNodeCommentRequest / ChangeNodeCommentRequest.
type commentRequest struct {
	Text string `json:"text"`
}

func (e *Emulator) handleCreateComment(w http.ResponseWriter, r *http.Request) {
	var req commentRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.tree.init()
	n, err := e.readableNode(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := commentText(req.Text); err != nil {
		writeError(w, err)
		return
	}
	now := e.clock.now()
	c := &comment{id: e.st.tree.commentSeq.next(), nodeID: n.id, text: req.Text, createdAt: now, createdBy: uid, updatedAt: now, updatedBy: uid}
	e.st.tree.comments[c.id] = c
	e.st.tree.commentsByNode[n.id] = append(e.st.tree.commentsByNode[n.id], c.id)
	writeJSON(w, http.StatusCreated, e.st.commentJSON(c))
}

// ownComment finds a comment the caller wrote on a node they can read.
func (e *Emulator) ownComment(r *http.Request, uid int64) (*comment, *apiError) {
	id, err := urlID(r, "comment_id")
	if err != nil {
		return nil, err
	}
	e.st.tree.init()
	c := e.st.tree.comments[id]
	if c == nil {
		return nil, errCommentNotFound
	}
	n := e.st.nodes[c.nodeID]
	if n == nil || !e.st.visible(n, uid, false) {
		return nil, errCommentNotFound
	}
	if !e.st.permissions(n, uid).Read || c.createdBy != uid {
		return nil, errForbidden
	}
	if c.isDeleted {
		return nil, errCommentDeleted
	}
	return c, nil
}

func (e *Emulator) handleUpdateComment(w http.ResponseWriter, r *http.Request) {
	var req commentRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.ownComment(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := commentText(req.Text); err != nil {
		writeError(w, err)
		return
	}
	c.text, c.isChanged, c.updatedAt, c.updatedBy = req.Text, true, e.clock.now(), uid
	writeJSON(w, http.StatusOK, e.st.commentJSON(c))
}

func (e *Emulator) handleDeleteComment(w http.ResponseWriter, r *http.Request) {
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.ownComment(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	c.isDeleted, c.updatedAt, c.updatedBy = true, e.clock.now(), uid
	w.WriteHeader(http.StatusNoContent)
}
