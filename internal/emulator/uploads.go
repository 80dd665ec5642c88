package emulator

import (
	"cmp"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// Upload channels, classic transport: POST /nodes/files/uploads (open),
// POST|PUT|DELETE /uploads/{token} (chunk, complete, cancel; no auth),
// the deprecated authenticated POST|PUT|DELETE
// /nodes/files/uploads/{upload_id} that the Java SDK uses, and GET
// /nodes/files/uploads/{upload_id} (status). Direct S3 is in s3.go,
// downloads in downloads.go, file keys in filekeys.go.
//
// Chunks are streamed into the blob store, one blob per chunk, and placed
// by their Content-Range when it is meaningful; the Python client's
// constant "bytes 0-0/<size>" and chunks without a range are appended in
// arrival order (emulator-spec §4.3).

// Errors of the transfer endpoints (4.26.7 error catalogue).
var (
	errUploadNotFound   = newAPIError(404, -20501, "Upload not found")
	errUploadClosed     = newAPIError(400, -20503, "Upload channel is closed")
	errBadContentRange  = newAPIError(400, -80021, "Incorrect upload Content-Range")
	errS3Enforced       = newAPIError(400, -90033, "S3 direct upload is enforced")
	errS3UploadNotFound = newAPIError(404, -90034, "Corresponding S3 upload ID not found")
	errInvalidEtags     = newAPIError(400, -80045, "Invalid Etag(s)")
	errFileKeyRequired  = newAPIError(400, -40763, "File key must be set for an upload into an encrypted room")
	errRoomQuota        = newAPIError(507, -40200, "Exceeds the free node quota in room")
	errCustomerQuota    = newAPIError(507, -90200, "Exceeds the free customer quota")
	errUploadConflict   = newAPIError(409, -40010, "File with the same name already exists")
)

// Channel states.
const (
	chanOpen      = "open"      // taking chunks or parts
	chanFinishing = "finishing" // S3 completion accepted, node not yet made
	chanDone      = "done"
	chanError     = "error"
)

// transfers holds upload channels and download tokens. Guarded by e.mu.
type transfers struct {
	uploads   map[string]*uploadChannel // by upload id
	byToken   map[string]*uploadChannel // by channel token
	downloads map[secretHash]*downloadToken
	presigned map[secretHash]*presignedURL // s3.go
	zips      map[secretHash]*zipToken     // zip.go
	gc        blobSweeper                  // blobgc.go
}

func newTransfers() *transfers {
	return &transfers{
		uploads:   map[string]*uploadChannel{},
		byToken:   map[string]*uploadChannel{},
		downloads: map[secretHash]*downloadToken{},
		presigned: map[secretHash]*presignedURL{},
		zips:      map[secretHash]*zipToken{},
		gc:        blobSweeper{last: time.Now()},
	}
}

// uploadChannel is one upload (emulator-spec §3.6).
type uploadChannel struct {
	id, token      string
	userID         int64
	parentID       int64
	name           string
	size           int64 // announced size, -1 when not given
	classification int   // 0: the room's
	expireAt       time.Time
	notes          string
	tsCreation     time.Time // zero: completion time
	tsModification time.Time
	s3             bool
	state          string
	createdAt      time.Time
	touched        time.Time // last chunk, part or URL request (emulator clock)

	// Classic: the chunks by offset; next is where an appended chunk goes.
	pieces []piece
	next   int64
	// S3 (s3.go): uploaded parts by number, and the completion in flight.
	parts   map[int]*s3Part
	pending *pendingS3
	// Outcome: the node made, or the error an S3 completion ended with.
	nodeID int64
	err    *apiError
}

// piece is a stored chunk at an offset of the file.
type piece struct {
	off int64
	seg segment
	sum string // MD5 hex
}

// createFileUploadRequest is CreateFileUploadRequest.
type createFileUploadRequest struct {
	ParentID              *int64          `json:"parentId"`
	Name                  *string         `json:"name"`
	Classification        *int            `json:"classification"`
	Size                  *int64          `json:"size"`
	Expiration            *expirationJSON `json:"expiration"`
	Notes                 *string         `json:"notes"`
	DirectS3Upload        *bool           `json:"directS3Upload"`
	TimestampCreation     *string         `json:"timestampCreation"`
	TimestampModification *string         `json:"timestampModification"`
}

type createFileUploadResponse struct {
	UploadURL string `json:"uploadUrl"`
	UploadID  string `json:"uploadId"`
	Token     string `json:"token"`
}

type chunkUploadResponse struct {
	Size int64  `json:"size"`
	Hash string `json:"hash"`
}

// fileKeyJSON is FileKey: an encrypted file key, stored as sent.
type fileKeyJSON struct {
	Key     string `json:"key"`
	IV      string `json:"iv"`
	Version string `json:"version"`
	Tag     string `json:"tag"`
}

// completeUploadRequest is CompleteUploadRequest and, with Parts,
// CompleteS3FileUploadRequest.
type completeUploadRequest struct {
	ResolutionStrategy *string      `json:"resolutionStrategy"`
	KeepShareLinks     *bool        `json:"keepShareLinks"`
	FileName           *string      `json:"fileName"`
	FileKey            *fileKeyJSON `json:"fileKey"`
	Parts              []s3PartJSON `json:"parts"`
}

// transferPublicRoutes registers the token URLs, which need no
// authentication (the token is the credential).
func (e *Emulator) transferPublicRoutes(r chi.Router) {
	r.Post("/uploads/{token}", produces(mediaJSON, e.handleChunkByToken))
	r.Put("/uploads/{token}", produces(mediaJSON, e.handleCompleteByToken))
	r.Delete("/uploads/{token}", produces(mediaJSON, e.handleCancelByToken))
	r.Get("/downloads/{token}", e.handleDownloadByToken)
	r.Get("/downloads/zip/{token}", e.handleZipByToken)
}

// transferRoutes registers the authenticated transfer endpoints.
func (e *Emulator) transferRoutes(r chi.Router) {
	j := func(h http.HandlerFunc) http.HandlerFunc { return produces(mediaJSON, h) }
	r.Post("/nodes/files/uploads", j(e.handleCreateUpload))
	r.Get("/nodes/files/uploads/{upload_id}", j(e.handleUploadStatus))
	r.Post("/nodes/files/uploads/{upload_id}", j(e.handleChunkByID))
	r.Put("/nodes/files/uploads/{upload_id}", j(e.handleCompleteByID))
	r.Delete("/nodes/files/uploads/{upload_id}", j(e.handleCancelByID))
	r.Post("/nodes/files/uploads/{upload_id}/s3_urls", j(e.handleS3URLs))
	r.Put("/nodes/files/uploads/{upload_id}/s3", j(e.handleCompleteS3))
	r.Post("/nodes/files/{file_id}/downloads", j(e.handleCreateDownload))
	r.Get("/nodes/files/{file_id}/downloads", e.handleDownloadByID)
	e.fileKeyRoutes(r)
	e.zipRoutes(r)
}

func (e *Emulator) handleCreateUpload(w http.ResponseWriter, r *http.Request) {
	var req createFileUploadRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.ParentID == nil || req.Name == nil {
		writeError(w, errMandatory)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.maybeSweepBlobs()
	ch, err := e.openChannel(r, uid, &req)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, createFileUploadResponse{
		UploadURL: e.baseURL(r) + "/api/v4/uploads/" + ch.token,
		UploadID:  ch.id,
		Token:     ch.token,
	})
}

// openChannel validates a CreateFileUploadRequest and opens a channel.
// Callers hold e.mu.
func (e *Emulator) openChannel(r *http.Request, uid int64, req *createFileUploadRequest) (*uploadChannel, *apiError) {
	st := e.st
	parent, err := st.lookupNode(*req.ParentID, uid, errContainerNotFound)
	if err != nil {
		return nil, err
	}
	if parent.typ == typeFile {
		return nil, errContainerNotFound
	}
	if !st.permissions(parent, uid).Create {
		return nil, errForbidden
	}
	if err := validateNodeName(*req.Name); err != nil {
		return nil, err
	}
	if err := st.checkPathLength(parent, *req.Name); err != nil {
		return nil, err
	}
	if err := checkClassification(req.Classification); err != nil {
		return nil, err
	}
	if err := checkNotes(req.Notes); err != nil {
		return nil, err
	}
	ch := &uploadChannel{
		id: randomString(32), token: randomString(32), userID: uid,
		parentID: parent.id, name: *req.Name, size: -1, state: chanOpen,
		createdAt: e.clock.now(), touched: e.clock.now(),
	}
	if err := parseTimestamps(timestampPair(req.TimestampCreation, &ch.tsCreation), timestampPair(req.TimestampModification, &ch.tsModification)); err != nil {
		return nil, err
	}
	if req.Expiration != nil {
		if ch.expireAt, err = req.Expiration.resolve(e.clock.now()); err != nil {
			return nil, err
		}
	}
	if req.Classification != nil {
		ch.classification = *req.Classification
	}
	if req.Notes != nil {
		ch.notes = *req.Notes
	}
	if req.Size != nil {
		if *req.Size < 0 {
			return nil, errPositiveNumber
		}
		ch.size = *req.Size
		if err := e.checkQuota(parent, *req.Size); err != nil {
			return nil, err
		}
	}
	ch.s3 = req.DirectS3Upload != nil && *req.DirectS3Upload
	switch {
	case ch.s3 && !e.useS3():
		return nil, errInvalidParameter.withDebug("Direct S3 upload is not available: the storage is not S3")
	case !ch.s3 && e.useS3() && e.cfg.S3EnforceDirectUpload:
		return nil, errS3Enforced
	}
	if st.roomOf(parent).isEncrypted && st.keyPairOf(uid, "") == nil {
		return nil, errCallerNoKeyPair
	}
	if ch.s3 {
		ch.parts = map[int]*s3Part{}
	}
	e.xfer.uploads[ch.id] = ch
	e.xfer.byToken[ch.token] = ch
	return ch, nil
}

// checkQuota reports whether add more bytes fit below parent: every room
// above it with a quota, and the customer's space limit.
func (e *Emulator) checkQuota(parent *node, add int64) *apiError {
	st := e.st
	for n := st.roomOf(parent); n != nil; n = st.roomOf(st.nodes[n.parentID]) {
		if n.quota > 0 && st.treeSize(n)+add > n.quota {
			return errRoomQuota
		}
		if n.parentID == 0 {
			break
		}
	}
	if limit := st.customer.spaceLimit; limit > 0 {
		var used int64
		for _, top := range st.children(0) {
			used += st.treeSize(top)
		}
		if used+add > limit {
			return errCustomerQuota
		}
	}
	return nil
}

// channelByToken finds an open-for-lookup channel by its token. Callers
// hold e.mu.
func (e *Emulator) channelByToken(r *http.Request) (*uploadChannel, *apiError) {
	ch := e.xfer.byToken[chi.URLParam(r, "token")]
	if ch == nil || e.channelExpired(ch) {
		return nil, errUploadNotFound
	}
	return ch, nil
}

// UploadChannelLifetime is how long an open upload channel lives without
// a chunk, a part or a URL request; then it is gone (404 -20501) with its
// bytes. The real value is not documented.
const UploadChannelLifetime = 24 * time.Hour

// channelExpired drops ch when it has been idle too long and reports
// whether it did. Callers hold e.mu.
func (e *Emulator) channelExpired(ch *uploadChannel) bool {
	if ch.state != chanOpen || e.clock.now().Sub(ch.touched) < UploadChannelLifetime {
		return false
	}
	e.closeChannel(ch, true)
	return true
}

// channelByID finds the caller's channel by upload id. Callers hold e.mu.
func (e *Emulator) channelByID(r *http.Request) (*uploadChannel, *apiError) {
	ch := e.xfer.uploads[chi.URLParam(r, "upload_id")]
	if ch == nil || ch.userID != callerID(r) || e.channelExpired(ch) {
		return nil, errUploadNotFound
	}
	return ch, nil
}

func (e *Emulator) handleChunkByToken(w http.ResponseWriter, r *http.Request) {
	e.uploadChunk(w, r, e.channelByToken)
}

func (e *Emulator) handleChunkByID(w http.ResponseWriter, r *http.Request) {
	e.uploadChunk(w, r, e.channelByID)
}

// contentRangeRE matches "bytes start-end/total" with total a number or
// "*" (the Java SDK's unknown total).
var contentRangeRE = regexp.MustCompile(`^bytes (\d{1,18})-(\d{1,18})/(\d{1,18}|\*)$`)

// chunkPlacement reads a chunk's Content-Range: append reports that the
// chunk goes after the bytes received so far (no header, or a range whose
// start equals its end: the Python client sends "bytes 0-0/<size>" on
// every plain chunk and "bytes <prevEnd>-<prevEnd>/<size>" on encrypted
// ones); otherwise start is the chunk's offset, so that chunks sent
// concurrently land where they belong.
func chunkPlacement(h string) (start int64, appendIt bool, err *apiError) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, true, nil
	}
	m := contentRangeRE.FindStringSubmatch(h)
	if m == nil {
		return 0, false, errBadContentRange
	}
	start, _ = strconv.ParseInt(m[1], 10, 64)
	end, _ := strconv.ParseInt(m[2], 10, 64)
	if end < start {
		return 0, false, errBadContentRange
	}
	if start == end {
		return 0, true, nil
	}
	return start, false, nil
}

// chunkBody returns the chunk's bytes: the "file" part of a multipart
// body (other parts are skipped), else the raw body.
func chunkBody(r *http.Request) (io.Reader, *apiError) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return r.Body, nil
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, errMandatory.withDebug("multipart body without a file part")
		}
		if p.FormName() == "file" {
			return p, nil
		}
	}
}

// uploadChunk stores one chunk. The channel is looked up twice: before
// the body is read (so that unknown channels cost nothing) and after it is
// stored, to place it; the body itself is streamed without the lock.
func (e *Emulator) uploadChunk(w http.ResponseWriter, r *http.Request, find func(*http.Request) (*uploadChannel, *apiError)) {
	start, appendIt, aerr := chunkPlacement(r.Header.Get("Content-Range"))
	e.mu.Lock()
	ch, err := find(r)
	if err == nil && (ch.state != chanOpen || ch.s3) {
		err = errUploadClosed
	}
	if err == nil && aerr != nil {
		err = aerr
	}
	var parent *node
	if err == nil {
		parent = e.st.nodes[ch.parentID]
		if parent == nil {
			err = errContainerNotFound
		} else if qerr := e.checkQuota(parent, max(r.ContentLength, 0)+ch.next); qerr != nil {
			err = qerr
		}
	}
	e.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	body, err := chunkBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	id, n, sum, werr := e.store.write(body, -1)
	if werr != nil {
		writeError(w, errInvalidParameter.withDebug("Chunk could not be read"))
		return
	}
	p := piece{seg: segment{blob: id, size: n}, sum: hex.EncodeToString(sum[:])}
	e.mu.Lock()
	if ch.state != chanOpen || e.xfer.uploads[ch.id] != ch {
		err = errUploadClosed
	} else {
		err = ch.place(p, start, appendIt)
		ch.touched = e.clock.now()
	}
	if err == nil && parent != nil {
		err = e.checkQuota(parent, ch.next)
	}
	e.mu.Unlock()
	if err != nil {
		e.store.remove(id)
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, chunkUploadResponse{Size: n, Hash: p.sum})
}

// place puts p at start (or at the end when appendIt). A chunk sent again
// at the same offset replaces the earlier one; other overlaps are errors.
func (ch *uploadChannel) place(p piece, start int64, appendIt bool) *apiError {
	p.off = start
	if appendIt {
		p.off = ch.next
	}
	end := p.off + p.seg.size
	for i, q := range ch.pieces {
		if q.off == p.off {
			ch.pieces[i] = p
			ch.recomputeNext()
			return nil
		}
		if p.seg.size > 0 && q.seg.size > 0 && p.off < q.off+q.seg.size && q.off < end {
			return errBadContentRange
		}
	}
	i, _ := slices.BinarySearchFunc(ch.pieces, p.off, func(q piece, off int64) int { return cmp.Compare(q.off, off) })
	ch.pieces = slices.Insert(ch.pieces, i, p)
	ch.next = max(ch.next, end)
	return nil
}

func (ch *uploadChannel) recomputeNext() {
	ch.next = 0
	for _, q := range ch.pieces {
		ch.next = max(ch.next, q.off+q.seg.size)
	}
}

// assemble turns the classic chunks into file content; a gap is -80021.
func (ch *uploadChannel) assemble() (*fileData, string, *apiError) {
	d := &fileData{}
	var off int64
	for _, q := range ch.pieces {
		if q.off != off {
			return nil, "", errBadContentRange.withDebug("Incorrect upload Content-Range: bytes missing at " + strconv.FormatInt(off, 10))
		}
		if q.seg.size > 0 {
			d.segs = append(d.segs, q.seg)
		}
		off += q.seg.size
	}
	d.size = off
	sum := ""
	switch {
	case len(d.segs) == 0:
		sum = emptyMD5
	case len(ch.pieces) == 1:
		sum = ch.pieces[0].sum
	}
	return d, sum, nil
}

// completion is a checked completion request.
type completion struct {
	strategy string
	name     string
	fileKey  *fileKeyJSON
}

// checkCompletion validates a completion body against the channel's
// target. Callers hold e.mu.
func (e *Emulator) checkCompletion(ch *uploadChannel, req *completeUploadRequest) (*completion, *apiError) {
	st := e.st
	strategy, err := parseResolution(req.ResolutionStrategy, req.KeepShareLinks)
	if err != nil {
		return nil, err
	}
	c := &completion{strategy: strategy, name: ch.name, fileKey: req.FileKey}
	if req.FileName != nil && *req.FileName != "" {
		c.name = *req.FileName
	}
	if err := validateNodeName(c.name); err != nil {
		return nil, err
	}
	parent := st.nodes[ch.parentID]
	if parent == nil || !st.permissions(parent, ch.userID).Create {
		return nil, errContainerNotFound
	}
	encrypted := st.roomOf(parent).isEncrypted
	switch {
	case encrypted && c.fileKey == nil:
		return nil, errFileKeyRequired
	case !encrypted && c.fileKey != nil:
		return nil, errRoomNotEncrypted
	case c.fileKey != nil && (c.fileKey.Key == "" || c.fileKey.IV == "" || c.fileKey.Tag == "" || c.fileKey.Version == ""):
		return nil, errMandatory
	}
	if old := st.childNamed(parent.id, c.name); old != nil {
		switch {
		case strategy == resolveFail:
			return nil, errUploadConflict
		case strategy == resolveOverwrite && old.typ != typeFile:
			return nil, errNoOverwrite
		case strategy == resolveOverwrite && !st.permissions(old, ch.userID).Delete:
			return nil, errForbidden
		}
	}
	return c, nil
}

// finishUpload creates the file of a completed channel: name conflicts
// resolved, quota checked, the uploader's file key stored. Callers hold
// e.mu and ran checkCompletion.
func (e *Emulator) finishUpload(ch *uploadChannel, c *completion, data *fileData, sum string) (*node, *apiError) {
	st := e.st
	parent := st.nodes[ch.parentID]
	if parent == nil {
		return nil, errContainerNotFound
	}
	name := c.name
	var replaced *node
	if old := st.childNamed(parent.id, name); old != nil {
		switch c.strategy {
		case resolveFail:
			return nil, errUploadConflict
		case resolveOverwrite:
			if old.typ != typeFile {
				return nil, errNoOverwrite
			}
			replaced = old
		default:
			name = st.autorename(parent.id, name, typeFile)
		}
	}
	add := data.size
	if replaced != nil {
		add -= replaced.size
	}
	if err := e.checkQuota(parent, add); err != nil {
		return nil, err
	}
	now := e.clock.now()
	if replaced != nil {
		st.recycle(replaced, ch.userID, now)
	}
	n := e.newFile(parent, name, data, sum, ch.userID)
	if replaced != nil {
		n.referenceID = replaced.referenceID
	}
	if ch.classification != 0 {
		n.classification = ch.classification
	}
	n.notes, n.expireAt = ch.notes, ch.expireAt
	if !ch.tsCreation.IsZero() {
		n.tsCreation = ch.tsCreation
	}
	if !ch.tsModification.IsZero() {
		n.tsModification = ch.tsModification
	}
	if c.fileKey != nil {
		st.setFileKey(n, ch.userID, *c.fileKey)
	}
	st.attach(n)
	st.touch(parent, ch.userID, now)
	st.bumpBranch(n, now)
	ch.state, ch.nodeID = chanDone, n.id
	return n, nil
}

func (e *Emulator) handleCompleteByToken(w http.ResponseWriter, r *http.Request) {
	e.completeClassic(w, r, e.channelByToken)
}

func (e *Emulator) handleCompleteByID(w http.ResponseWriter, r *http.Request) {
	e.completeClassic(w, r, e.channelByID)
}

// completeClassic is PUT /uploads/{token}: 201 with the node. A fail
// conflict is 409 and leaves the channel open for another fileName.
func (e *Emulator) completeClassic(w http.ResponseWriter, r *http.Request, find func(*http.Request) (*uploadChannel, *apiError)) {
	var req completeUploadRequest
	if err := decodeJSON(r, &req, true); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	ch, err := find(r)
	if err == nil && (ch.state != chanOpen || ch.s3) {
		err = errUploadClosed
	}
	var c *completion
	if err == nil {
		c, err = e.checkCompletion(ch, &req)
	}
	var data *fileData
	var sum string
	if err == nil {
		data, sum, err = ch.assemble()
	}
	if err == nil && e.cfg.NoContentHashes && data.size > 0 {
		sum = "" // the pieces' tags are random
	}
	var n *node
	if err == nil {
		n, err = e.finishUpload(ch, c, data, sum)
	}
	if err != nil {
		e.mu.Unlock()
		writeError(w, err)
		return
	}
	defer e.mu.Unlock()
	if sum == "" {
		e.hashInBackground(data)
	}
	e.closeChannel(ch, false)
	e.emit(r, opFileCreated, n.id, n.name)
	writeJSON(w, http.StatusCreated, e.st.view(n, ch.userID).toJSON(false))
}

// closeChannel forgets ch; with dropBlobs its stored bytes go too
// (cancel). A completed S3 channel stays readable by id for status polls.
func (e *Emulator) closeChannel(ch *uploadChannel, dropBlobs bool) {
	delete(e.xfer.byToken, ch.token)
	if !ch.s3 || dropBlobs {
		delete(e.xfer.uploads, ch.id)
	}
	if dropBlobs {
		for _, p := range ch.pieces {
			e.store.remove(p.seg.blob)
		}
		for _, p := range ch.parts {
			e.store.remove(p.seg.blob)
		}
		for k, u := range e.xfer.presigned {
			if u.channel == ch {
				delete(e.xfer.presigned, k)
			}
		}
	}
	ch.pieces, ch.parts = nil, nil
}

func (e *Emulator) handleCancelByToken(w http.ResponseWriter, r *http.Request) {
	e.cancelUpload(w, r, e.channelByToken)
}

func (e *Emulator) handleCancelByID(w http.ResponseWriter, r *http.Request) {
	e.cancelUpload(w, r, e.channelByID)
}

// cancelUpload deletes a channel and its stored bytes: 204.
func (e *Emulator) cancelUpload(w http.ResponseWriter, r *http.Request, find func(*http.Request) (*uploadChannel, *apiError)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ch, err := find(r)
	if err == nil && (ch.state == chanDone || ch.state == chanFinishing) {
		err = errUploadClosed
	}
	if err != nil {
		writeError(w, err)
		return
	}
	e.closeChannel(ch, true)
	w.WriteHeader(http.StatusNoContent)
}

// s3StatusJSON is S3FileUploadStatus.
type s3StatusJSON struct {
	Status       string     `json:"status"`
	Node         *nodeJSON  `json:"node,omitempty"`
	ErrorDetails *errorBody `json:"errorDetails,omitempty"`
}

// handleUploadStatus is GET /nodes/files/uploads/{upload_id}: transfer
// until an S3 completion is accepted, finishing while the content is
// assembled (at least one poll), then done with the node or error.
func (e *Emulator) handleUploadStatus(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ch, err := e.channelByID(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if ch.state == chanFinishing {
		e.advanceS3(r, ch)
	}
	out := s3StatusJSON{Status: "transfer"}
	switch ch.state {
	case chanFinishing:
		out.Status = "finishing"
	case chanDone:
		out.Status = "done"
		if n := e.st.nodes[ch.nodeID]; n != nil {
			j := e.st.view(n, ch.userID).toJSON(false)
			out.Node = &j
		}
	case chanError:
		out.Status = "error"
		body := errorBody{Code: ch.err.status, Message: http.StatusText(ch.err.status), DebugInfo: ch.err.debugInfo}
		if ch.err.errorCode != 0 {
			code := ch.err.errorCode
			body.ErrorCode = &code
		}
		out.ErrorDetails = &body
	}
	writeJSON(w, http.StatusOK, out)
}
