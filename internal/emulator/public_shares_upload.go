package emulator

import (
	"archive/zip"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
)

// Public upload-share transfers on the transfer code's channels
// (uploads.go): a channel opened through a share belongs to no user
// (externalUserID), so the authenticated channel endpoints never find it;
// st.public.channels ties it to its share. Completion creates the file
// with autorename, stores the file keys of userFileKeyList and counts the
// upload on the share. Also the ZIP archive of shared folders and rooms.

// createShareUploadRequest is CreateShareUploadChannelRequest.
type createShareUploadRequest struct {
	Name                  *string `json:"name"`
	Size                  *int64  `json:"size"`
	Password              *string `json:"password"`
	DirectS3Upload        *bool   `json:"directS3Upload"`
	TimestampCreation     *string `json:"timestampCreation"`
	TimestampModification *string `json:"timestampModification"`
}

// createShareUploadResponse is CreateShareUploadChannelResponse (the
// deprecated token is not issued: the channel has no token URL).
type createShareUploadResponse struct {
	UploadID  string `json:"uploadId"`
	UploadURL string `json:"uploadUrl"`
}

// checkShareRoom applies the share's limits to one more file of size
// bytes (-1: unknown) and the encryption precondition. Callers hold e.mu.
func (e *Emulator) checkShareRoom(s *uploadShare, target *node, size int64) *apiError {
	st := e.st
	files, bytes := st.usage(s)
	switch {
	case s.maxSlots > 0 && files+e.openShareChannels(s) >= s.maxSlots:
		return errUploadShareSlots
	case s.maxSize > 0 && size > 0 && bytes+size > s.maxSize:
		return errUploadShareQuota
	case st.roomOf(target).isEncrypted && len(st.recipientKeys(target)) == 0:
		return errNoMemberKeyPair
	}
	if size > 0 {
		return e.checkQuota(target, size)
	}
	return nil
}

// openShareChannels counts the channels open on s, which hold a slot
// each, and forgets the ones the transfer code has closed. Callers hold
// e.mu.
func (e *Emulator) openShareChannels(s *uploadShare) int {
	e.st.public.init()
	n := 0
	for upload, id := range e.st.public.channels {
		switch {
		case e.xfer.uploads[upload] == nil:
			delete(e.st.public.channels, upload)
			delete(e.st.public.s3Keys, upload)
		case id == s.id && e.xfer.uploads[upload].state != chanDone && e.xfer.uploads[upload].state != chanError:
			n++
		}
	}
	return n
}

func (e *Emulator) handlePublicOpenUpload(w http.ResponseWriter, r *http.Request) {
	var req createShareUploadRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ch, err := e.openShareChannel(r, &req)
	if err != nil {
		writeError(w, err)
		return
	}
	url := e.baseURL(r) + "/api/v4/public/shares/uploads/" + chi.URLParam(r, "access_key") + "/" + ch.id
	writeJSON(w, http.StatusCreated, createShareUploadResponse{UploadID: ch.id, UploadURL: url})
}

// openShareChannel validates a channel request on the share of the URL
// and opens the channel. Callers hold e.mu.
func (e *Emulator) openShareChannel(r *http.Request, req *createShareUploadRequest) (*uploadChannel, *apiError) {
	st := e.st
	s, target, err := e.liveUploadShare(r)
	if err != nil {
		return nil, err
	}
	if err := s.tryPassword(req.Password, e.clock.now(), errWrongUploadPassword); err != nil {
		return nil, err
	}
	if req.Name == nil {
		return nil, errMandatory
	}
	if err := validateNodeName(*req.Name); err != nil {
		return nil, err
	}
	if err := st.checkPathLength(target, *req.Name); err != nil {
		return nil, err
	}
	size := int64(-1)
	if req.Size != nil {
		if *req.Size < 0 {
			return nil, errPositiveNumber
		}
		size = *req.Size
	}
	if err := e.checkShareRoom(s, target, size); err != nil {
		return nil, err
	}
	ch := &uploadChannel{
		id: randomString(32), token: randomString(32), userID: externalUserID,
		parentID: target.id, name: *req.Name, size: size, state: chanOpen,
		createdAt: e.clock.now(), touched: e.clock.now(),
	}
	if err := parseTimestamps(timestampPair(req.TimestampCreation, &ch.tsCreation), timestampPair(req.TimestampModification, &ch.tsModification)); err != nil {
		return nil, err
	}
	ch.s3 = isTrue(req.DirectS3Upload)
	switch {
	case ch.s3 && !e.useS3():
		return nil, errInvalidParameter.withDebug("Direct S3 upload is not available: the storage is not S3")
	case !ch.s3 && e.useS3() && e.cfg.S3EnforceDirectUpload:
		return nil, errS3Enforced
	case ch.s3:
		ch.parts = map[int]*s3Part{}
	}
	if s.filesExpiryPeriod > 0 {
		ch.expireAt = e.clock.now().AddDate(0, 0, s.filesExpiryPeriod)
	}
	e.xfer.uploads[ch.id] = ch
	st.public.init()
	st.public.channels[ch.id] = s.id
	return ch, nil
}

// shareChannel finds the channel of the URL opened on the share of the
// URL; idle channels expire as the transfer code's do. Callers hold e.mu.
func (e *Emulator) shareChannel(r *http.Request) (*uploadChannel, *apiError) {
	s, _, err := e.liveUploadShare(r)
	if err != nil {
		return nil, err
	}
	e.st.public.init()
	id := chi.URLParam(r, "upload_id")
	ch := e.xfer.uploads[id]
	if ch == nil || e.st.public.channels[id] != s.id || e.channelExpired(ch) {
		return nil, errUploadNotFound
	}
	return ch, nil
}

func (e *Emulator) handlePublicChunk(w http.ResponseWriter, r *http.Request) {
	e.uploadChunk(w, r, e.shareChannel)
}

// handlePublicCancelUpload cancels through the transfer code; the slot
// is freed when the share's channels are next counted.
func (e *Emulator) handlePublicCancelUpload(w http.ResponseWriter, r *http.Request) {
	e.cancelUpload(w, r, e.shareChannel)
}

// userFileKeyListRequest is UserFileKeyList.
type userFileKeyListRequest struct {
	Items []userFileKeyRequest `json:"items"`
}

// userFileKeyRequest is UserFileKey.
type userFileKeyRequest struct {
	UserID  *int64       `json:"userId"`
	FileKey *fileKeyJSON `json:"fileKey"`
}

// checkShareFileKeys validates userFileKeyList against the target's
// encryption: required (and well formed) for encrypted targets, refused
// for plain ones.
func checkShareFileKeys(encrypted bool, items []userFileKeyRequest) *apiError {
	switch {
	case encrypted && len(items) == 0:
		return errFileKeyRequired
	case !encrypted && len(items) > 0:
		return errRoomNotEncrypted
	}
	for _, it := range items {
		if it.UserID == nil || it.FileKey == nil || it.FileKey.Key == "" || it.FileKey.IV == "" || it.FileKey.Version == "" {
			return errMandatory
		}
	}
	return nil
}

// handlePublicCompleteUpload is the classic completion: 201 with
// PublicUploadedFileData. A file sent in several chunks gets its hash in
// the background, as the transfer code does.
func (e *Emulator) handlePublicCompleteUpload(w http.ResponseWriter, r *http.Request) {
	var req userFileKeyListRequest
	if err := decodeJSON(r, &req, true); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	ch, err := e.shareChannel(r)
	if err == nil && (ch.state != chanOpen || ch.s3) {
		err = errUploadClosed
	}
	var s *uploadShare
	var data *fileData
	var sum string
	if err == nil {
		s = e.st.shares.uploads[e.st.public.channels[ch.id]]
		target := e.st.nodes[ch.parentID]
		err = checkShareFileKeys(e.st.roomOf(target).isEncrypted, req.Items)
		if err == nil {
			data, sum, err = ch.assemble()
		}
		if err == nil {
			err = e.checkShareSize(s, data.size)
		}
	}
	if err == nil && e.cfg.NoContentHashes && data.size > 0 {
		sum = "" // the pieces' tags are random
	}
	var n *node
	if err == nil {
		n, err = e.finishUpload(ch, &completion{strategy: resolveAutorename, name: ch.name}, data, sum)
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
	e.st.recordShareUpload(s, n, req.Items)
	e.emit(r, opUploadShareUsed, n.id, n.name)
	e.closeChannel(ch, false)
	delete(e.st.public.channels, ch.id)
	writeJSON(w, http.StatusCreated, publicUploadedFileJSON{Name: n.name, Size: n.size, CreatedAt: apiTime(n.createdAt), Hash: n.hash})
}

// recordShareUpload counts a finished upload on s and stores the file keys
// for the listed users who can read the file (others are ignored).
func (st *state) recordShareUpload(s *uploadShare, n *node, keys []userFileKeyRequest) {
	if s != nil {
		s.uploads++
		s.files = append(s.files, n.id)
	}
	for _, k := range keys {
		if st.users[*k.UserID] != nil && st.permissions(n, *k.UserID).Read {
			st.setFileKey(n, *k.UserID, *k.FileKey)
		}
	}
}

// serveArchive sends a shared folder or room as a ZIP archive of the
// files below it (sub-rooms excluded, as shares of rooms exclude them),
// paths relative to the shared node. Range requests are not supported for
// archives; HEAD answers the headers only.
func (e *Emulator) serveArchive(w http.ResponseWriter, r *http.Request, root *node) {
	type entry struct {
		path string
		data *fileData
	}
	e.mu.Lock()
	var files []entry
	var walk func(n *node, prefix string)
	walk = func(n *node, prefix string) {
		for _, c := range e.st.children(n.id) {
			switch c.typ {
			case typeFile:
				files = append(files, entry{prefix + c.name, c.data})
			case typeFolder:
				walk(c, prefix+c.name+"/")
			}
		}
	}
	walk(root, "")
	name := root.name
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name+".zip"))
	w.WriteHeader(http.StatusOK)
	if isHead(r) {
		return
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.Create(strings.TrimPrefix(f.path, "/"))
		if err != nil {
			return
		}
		c, err := openContent(e.store, f.data)
		if err != nil {
			return
		}
		_, err = io.Copy(fw, io.NewSectionReader(c, 0, c.size))
		c.Close()
		if err != nil {
			return
		}
	}
	_ = zw.Close()
}

// shareS3Channel finds the open S3 channel of the URL on its share.
// Callers hold e.mu.
func (e *Emulator) shareS3Channel(r *http.Request) (*uploadChannel, *apiError) {
	return openS3(e.shareChannel(r))
}

func (e *Emulator) handlePublicS3URLs(w http.ResponseWriter, r *http.Request) {
	e.presignParts(w, r, e.shareS3Channel)
}

// completeS3ShareRequest is CompleteS3ShareUploadRequest.
type completeS3ShareRequest struct {
	Parts           []s3PartJSON         `json:"parts"`
	UserFileKeyList []userFileKeyRequest `json:"userFileKeyList"`
}

// handlePublicCompleteS3 accepts the part list (202); the file is made at
// a later status poll, when the share's bookkeeping runs too.
func (e *Emulator) handlePublicCompleteS3(w http.ResponseWriter, r *http.Request) {
	var req completeS3ShareRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	ch, err := e.shareS3Channel(r)
	if err == nil {
		err = checkShareFileKeys(st.roomOf(st.nodes[ch.parentID]).isEncrypted, req.UserFileKeyList)
	}
	if err == nil {
		err = e.checkShareSize(st.shares.uploads[st.public.channels[ch.id]], partsSize(ch, req.Parts))
	}
	if err == nil {
		err = e.acceptS3(ch, &completion{strategy: resolveAutorename, name: ch.name}, req.Parts)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	st.public.s3Keys[ch.id] = req.UserFileKeyList
	w.WriteHeader(http.StatusAccepted)
}

// partsSize adds up the sizes of the uploaded parts a completion lists.
func partsSize(ch *uploadChannel, parts []s3PartJSON) int64 {
	var n int64
	for _, p := range parts {
		if up := ch.parts[p.PartNumber]; up != nil {
			n += up.seg.size
		}
	}
	return n
}

// checkShareSize applies the share's maxSize to one more file of size
// bytes. Callers hold e.mu.
func (e *Emulator) checkShareSize(s *uploadShare, size int64) *apiError {
	if s == nil || s.maxSize <= 0 {
		return nil
	}
	if _, used := e.st.usage(s); used+size > s.maxSize {
		return errUploadShareQuota
	}
	return nil
}

// s3ShareStatusJSON is S3ShareUploadStatus.
type s3ShareStatusJSON struct {
	Status       string     `json:"status"`
	FileName     string     `json:"fileName"`
	Size         *int64     `json:"size,omitempty"`
	ErrorDetails *errorBody `json:"errorDetails,omitempty"`
}

// handlePublicUploadStatus is the status poll of an S3 upload through a
// share: transfer, finishing, then done (the file exists, its keys are
// stored and the share counts it) or error.
func (e *Emulator) handlePublicUploadStatus(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	ch, err := e.shareChannel(r)
	if err == nil && !ch.s3 {
		err = errS3UploadNotFound
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if ch.state == chanFinishing {
		e.advanceS3(r, ch)
	}
	out := s3ShareStatusJSON{Status: "transfer", FileName: ch.name}
	switch ch.state {
	case chanFinishing:
		out.Status = "finishing"
	case chanDone:
		out.Status = "done"
		if keys, pending := st.public.s3Keys[ch.id]; pending {
			if n := st.nodes[ch.nodeID]; n != nil {
				st.recordShareUpload(st.shares.uploads[st.public.channels[ch.id]], n, keys)
				e.emit(r, opUploadShareUsed, n.id, n.name)
			}
			delete(st.public.s3Keys, ch.id)
		}
		if n := st.nodes[ch.nodeID]; n != nil {
			out.FileName = n.name
			size := n.size
			out.Size = &size
		}
	case chanError:
		out.Status = "error"
		out.ErrorDetails = errorBodyOf(ch.err)
	}
	writeJSON(w, http.StatusOK, out)
}

// errorBodyOf renders an error for a status answer.
func errorBodyOf(err *apiError) *errorBody {
	b := errorBody{Code: err.status, Message: http.StatusText(err.status), DebugInfo: err.debugInfo}
	if err.errorCode != 0 {
		code := err.errorCode
		b.ErrorCode = &code
	}
	return &b
}
