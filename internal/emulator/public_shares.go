package emulator

import (
	"encoding/base64"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Public share access (no authentication; the access key is the
// credential, api-flows §6.3–6.4):
//
//   - GET /public/shares/downloads/{access_key}: what the share offers;
//     for encrypted shares the share's private key container and the file
//     key encrypted for it.
//   - POST /public/shares/downloads/{access_key}: the password check and a
//     download URL /public/shares/downloads/{access_key}/{token}, served
//     by GET|HEAD with the transfer code's Range handling; a download
//     counts when its last byte is served.
//   - GET /public/shares/uploads/{access_key}: what the file request
//     accepts; with the password (X-Sds-Share-Password, base64) the full
//     view; for encrypted targets the public keys to encrypt for.
//   - POST /public/shares/uploads/{access_key}: the password check and an
//     upload channel of the transfer code; chunks, completion (with
//     userFileKeyList for encrypted targets), cancel, and for direct S3
//     uploads part URLs (…/s3_urls), completion (…/s3) and the status
//     under /public/shares/uploads/{access_key}/{upload_id}.

// externalUserID stands for the anonymous uploader of a file request in
// createdBy and updatedBy (unverified_shares.go).
const externalUserID int64 = -1

// publicShareState is the share side of public transfers.
type publicShareState struct {
	// tokens are the download tokens of public download shares.
	tokens map[secretHash]*shareToken
	// channels maps an upload id to the upload share it was opened on;
	// s3Keys holds the userFileKeyList of an accepted S3 completion until
	// the file is made.
	channels map[string]int64
	s3Keys   map[string][]userFileKeyRequest
}

func (p *publicShareState) init() {
	if p.tokens == nil {
		p.tokens = map[secretHash]*shareToken{}
		p.channels = map[string]int64{}
		p.s3Keys = map[string][]userFileKeyRequest{}
	}
}

// shareToken is one download URL of a public download share.
type shareToken struct {
	shareID   int64
	expiresAt time.Time
}

// publicShareRoutes registers the unauthenticated share endpoints.
func (e *Emulator) publicShareRoutes(r chi.Router) {
	j := func(h http.HandlerFunc) http.HandlerFunc { return produces(mediaJSON, h) }
	r.Get("/public/shares/downloads/{access_key}", j(e.handlePublicDownloadShare))
	r.Post("/public/shares/downloads/{access_key}", j(e.handlePublicDownloadURL))
	r.Get("/public/shares/downloads/{access_key}/{token}", e.handlePublicDownload)
	r.Get("/public/shares/uploads/{access_key}", j(e.handlePublicUploadShare))
	r.Post("/public/shares/uploads/{access_key}", j(e.handlePublicOpenUpload))
	r.Post("/public/shares/uploads/{access_key}/{upload_id}", j(e.handlePublicChunk))
	r.Put("/public/shares/uploads/{access_key}/{upload_id}", j(e.handlePublicCompleteUpload))
	r.Delete("/public/shares/uploads/{access_key}/{upload_id}", j(e.handlePublicCancelUpload))
	r.Get("/public/shares/uploads/{access_key}/{upload_id}", j(e.handlePublicUploadStatus))
	r.Post("/public/shares/uploads/{access_key}/{upload_id}/s3_urls", j(e.handlePublicS3URLs))
	r.Put("/public/shares/uploads/{access_key}/{upload_id}/s3", j(e.handlePublicCompleteS3))
}

// liveDownloadShare finds the download share of an access key; unknown,
// expired and orphaned shares are all 404 -50000. Callers hold e.mu.
func (e *Emulator) liveDownloadShare(r *http.Request) (*downloadShare, *node, *apiError) {
	st := e.st
	st.dropOrphanShares()
	s := st.downloadShareByKey(chi.URLParam(r, "access_key"))
	if s == nil || s.expired(e.clock.now()) {
		return nil, nil, errDownloadKeyNotFound
	}
	return s, st.nodes[s.nodeID], nil
}

// publicDownloadShareJSON is PublicDownloadShare; the properties left
// out when unset are listed in OmittedWhenUnset.
type publicDownloadShareJSON struct {
	IsProtected         bool            `json:"isProtected"`
	FileName            string          `json:"fileName"`
	Size                int64           `json:"size"`
	LimitReached        bool            `json:"limitReached"`
	CreatorName         string          `json:"creatorName"`
	CreatedAt           apiTime         `json:"createdAt"`
	HasDownloadLimit    bool            `json:"hasDownloadLimit"`
	MediaType           string          `json:"mediaType"`
	Name                string          `json:"name"`
	CreatorUsername     *string         `json:"creatorUsername,omitempty"`
	ExpireAt            *apiTime        `json:"expireAt,omitempty"`
	Notes               string          `json:"notes"`
	IsEncrypted         bool            `json:"isEncrypted"`
	FileKey             *fileKeyJSON    `json:"fileKey,omitempty"`
	PrivateKeyContainer *privateKeyJSON `json:"privateKeyContainer,omitempty"`
}

func (e *Emulator) handlePublicDownloadShare(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	s, n, err := e.liveDownloadShare(r)
	if err != nil {
		writeError(w, err)
		return
	}
	j := publicDownloadShareJSON{
		IsProtected: s.protected(), FileName: n.name, Size: st.treeSize(n), LimitReached: s.limitReached(),
		CreatorName: st.creatorName(&s.shareCommon), CreatedAt: apiTime(s.createdAt),
		HasDownloadLimit: s.maxDownloads > 0, MediaType: "application/zip", Name: s.name,
		CreatorUsername: st.creatorUsername(&s.shareCommon), ExpireAt: timePtr(s.expireAt),
		Notes: s.notes, IsEncrypted: n.typ == typeFile && n.isEncrypted,
	}
	if n.typ == typeFile {
		j.MediaType = mediaType(n.name)
	}
	if s.keyPair != nil {
		k := *s.fileKey
		j.FileKey = &k
		pk := s.keyPair.PrivateKeyContainer
		at, by := apiTime(s.createdAt), s.createdBy
		j.PrivateKeyContainer = &privateKeyJSON{Version: pk.Version, PrivateKey: pk.PrivateKey, CreatedAt: &at, CreatedBy: &by}
	}
	writeJSON(w, http.StatusOK, j)
}

// publicDownloadRequest is PublicDownloadTokenGenerateRequest.
type publicDownloadRequest struct {
	Password *string `json:"password"`
}

// handlePublicDownloadURL checks the password and hands out a download
// URL. Encrypted shares take no password (the server must never see it).
func (e *Emulator) handlePublicDownloadURL(w http.ResponseWriter, r *http.Request) {
	var req publicDownloadRequest
	if err := decodeJSON(r, &req, true); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s, _, err := e.liveDownloadShare(r)
	if err == nil && s.keyPair != nil && req.Password != nil && *req.Password != "" {
		err = errSharePasswordSent
	}
	if err == nil {
		err = s.tryPassword(req.Password, e.clock.now(), errWrongDownloadPassword)
	}
	if err == nil && s.limitReached() {
		err = errDownloadLimit
	}
	if err != nil {
		writeError(w, err)
		return
	}
	e.st.public.init()
	tok := randomString(64)
	e.st.public.tokens[hashSecret(tok)] = &shareToken{shareID: s.id, expiresAt: e.clock.now().Add(DownloadTokenLifetime)}
	url := e.baseURL(r) + "/api/v4/public/shares/downloads/" + s.accessKey + "/" + tok
	writeJSON(w, http.StatusCreated, downloadTokenResponse{DownloadURL: url, Token: tok})
}

// handlePublicDownload serves GET|HEAD of a public download URL: the file
// through the transfer code, a folder or room as a ZIP archive. A GET that
// delivers the last byte counts a download; once the limit is reached the
// token serves no more complete downloads (404 -50002).
func (e *Emulator) handlePublicDownload(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	s, n, err := e.liveDownloadShare(r)
	if err == nil {
		err = e.st.shareTokenValid(s, chi.URLParam(r, "token"), e.clock.now())
	}
	var size int64
	if err == nil {
		size = e.st.treeSize(n)
		if n.typ != typeFile {
			size = -1 // archives are counted whole
		}
		if countsDownload(r, size) {
			if s.limitReached() {
				err = errDownloadLimit
			} else {
				s.cntDownloads++
				e.emit(r, opDownloadShareUsed, n.id, s.name)
			}
		}
	}
	e.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	if n.typ == typeFile {
		e.serveFile(w, r, n)
		return
	}
	e.serveArchive(w, r, n)
}

// shareTokenValid checks a download token of share s; expired tokens are
// forgotten. Callers hold e.mu.
func (st *state) shareTokenValid(s *downloadShare, tok string, now time.Time) *apiError {
	st.public.init()
	key := hashSecret(tok)
	t := st.public.tokens[key]
	if t != nil && !t.expiresAt.After(now) {
		delete(st.public.tokens, key)
		t = nil
	}
	if t == nil || t.shareID != s.id {
		return errDownloadTokenNotFound
	}
	return nil
}

// ctxHeadRequest marks a HEAD request that the outer handler passes on as
// a GET.
const ctxHeadRequest ctxKey = 100

// isHead reports whether r arrived as HEAD.
func isHead(r *http.Request) bool {
	head, _ := r.Context().Value(ctxHeadRequest).(bool)
	return head || r.Method == http.MethodHead
}

// countsDownload reports whether a request for content of size bytes (-1:
// an archive, always whole) delivers the last byte: a GET whose range,
// if any, reaches the end.
func countsDownload(r *http.Request, size int64) bool {
	if isHead(r) {
		return false
	}
	if size < 0 || r.Header.Get("Range") == "" {
		return true
	}
	start, length, _, err := byteRange(r.Header.Get("Range"), size)
	return err == nil && start+length == size
}

// publicUploadShareJSON is PublicUploadShare; the properties left out
// when unset or locked are listed in OmittedWhenUnset.
type publicUploadShareJSON struct {
	IsProtected           bool                       `json:"isProtected"`
	CreatedAt             apiTime                    `json:"createdAt"`
	Name                  string                     `json:"name"`
	IsEncrypted           bool                       `json:"isEncrypted"`
	ExpireAt              *apiTime                   `json:"expireAt,omitempty"`
	Notes                 *string                    `json:"notes,omitempty"`
	UploadedFiles         *[]publicUploadedFileJSON  `json:"uploadedFiles,omitempty"`
	UserUserPublicKeyList *userUserPublicKeyListJSON `json:"userUserPublicKeyList,omitempty"`
	ShowUploadedFiles     bool                       `json:"showUploadedFiles"`
	RemainingSize         *int64                     `json:"remainingSize,omitempty"`
	RemainingSlots        *int                       `json:"remainingSlots,omitempty"`
	CreatorName           string                     `json:"creatorName"`
	CreatorUsername       *string                    `json:"creatorUsername,omitempty"`
	MaxSlots              int                        `json:"maxSlots"`
	MaxSize               *int64                     `json:"maxSize,omitempty"`
}

// publicUploadedFileJSON is PublicUploadedFileData.
type publicUploadedFileJSON struct {
	Name      string  `json:"name"`
	Size      int64   `json:"size"`
	CreatedAt apiTime `json:"createdAt"`
	Hash      string  `json:"hash,omitempty"`
}

// userUserPublicKeyListJSON is UserUserPublicKeyList.
type userUserPublicKeyListJSON struct {
	Items []userUserPublicKeyJSON `json:"items"`
}

// userUserPublicKeyJSON is UserUserPublicKey.
type userUserPublicKeyJSON struct {
	ID                 int64         `json:"id"`
	PublicKeyContainer publicKeyJSON `json:"publicKeyContainer"`
}

// liveUploadShare finds the upload share of an access key; unknown,
// expired and orphaned shares are all 404 -50501. Callers hold e.mu.
func (e *Emulator) liveUploadShare(r *http.Request) (*uploadShare, *node, *apiError) {
	st := e.st
	st.dropOrphanShares()
	s := st.uploadShareByKey(chi.URLParam(r, "access_key"))
	if s == nil || s.expired(e.clock.now()) {
		return nil, nil, errUploadKeyNotFound
	}
	return s, st.nodes[s.targetID], nil
}

// recipientKeys lists the public keys a stranger encrypts an upload into
// target for: every key pair of every user who may read the target
// (unverified_shares.go), by user id.
func (st *state) recipientKeys(target *node) []userUserPublicKeyJSON {
	var ids []int64
	for id := range st.users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []userUserPublicKeyJSON
	for _, id := range ids {
		if !st.permissions(target, id).Read {
			continue
		}
		for _, k := range st.users[id].keyPairs {
			out = append(out, userUserPublicKeyJSON{ID: id, PublicKeyContainer: k.public()})
		}
	}
	return out
}

// sharePasswordHeader decodes X-Sds-Share-Password: base64 as documented,
// the plain value (deprecated) when it is not valid base64 text.
func sharePasswordHeader(r *http.Request) *string {
	h := r.Header.Get("X-Sds-Share-Password")
	if h == "" {
		return nil
	}
	if b, err := base64.StdEncoding.DecodeString(h); err == nil && utf8.Valid(b) {
		s := string(b)
		return &s
	}
	return &h
}

// usage returns how many files and bytes the share has taken in.
func (st *state) usage(s *uploadShare) (files int, bytes int64) {
	for _, n := range st.liveFiles(s) {
		files++
		bytes += n.size
	}
	return files, bytes
}

func (e *Emulator) handlePublicUploadShare(w http.ResponseWriter, r *http.Request) {
	pw := sharePasswordHeader(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	s, target, err := e.liveUploadShare(r)
	if err != nil {
		writeError(w, err)
		return
	}
	encrypted := st.roomOf(target).isEncrypted
	j := publicUploadShareJSON{
		IsProtected: s.protected(), CreatedAt: apiTime(s.createdAt), Name: s.name, IsEncrypted: encrypted,
		ShowUploadedFiles: s.showUploadedFiles, MaxSlots: s.maxSlots,
	}
	if encrypted {
		keys := st.recipientKeys(target)
		if len(keys) == 0 {
			writeError(w, errNoMemberKeyPair)
			return
		}
		j.UserUserPublicKeyList = &userUserPublicKeyListJSON{Items: keys}
	}
	unlocked := s.password == nil
	if !unlocked && pw != nil {
		if err := s.tryPassword(pw, e.clock.now(), errWrongUploadPassword); err != nil {
			writeError(w, err)
			return
		}
		unlocked = true
	}
	if unlocked {
		st.fillUnlockedView(s, &j)
	}
	writeJSON(w, http.StatusOK, j)
}

// fillUnlockedView adds what only holders of the password see.
func (st *state) fillUnlockedView(s *uploadShare, j *publicUploadShareJSON) {
	files, bytes := st.usage(s)
	notes := s.notes
	j.Notes = &notes
	j.ExpireAt = timePtr(s.expireAt)
	j.CreatorName = st.creatorName(&s.shareCommon)
	j.CreatorUsername = st.creatorUsername(&s.shareCommon)
	if s.maxSlots > 0 {
		left := max(s.maxSlots-files, 0)
		j.RemainingSlots = &left
	}
	if s.maxSize > 0 {
		left, limit := max(s.maxSize-bytes, 0), s.maxSize
		j.RemainingSize, j.MaxSize = &left, &limit
	}
	if s.showUploadedFiles {
		files := []publicUploadedFileJSON{}
		for _, n := range st.liveFiles(s) {
			files = append(files, publicUploadedFileJSON{Name: n.name, Size: n.size, CreatedAt: apiTime(n.createdAt), Hash: n.hash})
		}
		j.UploadedFiles = &files
	}
}
