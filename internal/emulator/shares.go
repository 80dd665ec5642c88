package emulator

import (
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Shares: the state of download and upload shares and what both kinds
// have in common (access keys, passwords, expiry, mails, the node
// counters). The endpoints live in shares_download.go, shares_upload.go
// and public_shares.go; the choices no document settles in
// unverified_shares.go.

// shareState holds both kinds of share. Its maps are made on first use,
// so the seed needs no change.
type shareState struct {
	downloads   map[int64]*downloadShare
	uploads     map[int64]*uploadShare
	downloadSeq sequence
	uploadSeq   sequence
}

func (s *shareState) init() {
	if s.downloads == nil {
		s.downloads = map[int64]*downloadShare{}
		s.uploads = map[int64]*uploadShare{}
	}
}

// shareCommon is what download and upload shares share.
type shareCommon struct {
	id            int64
	accessKey     string
	name          string
	notes         string
	internalNotes string
	// password is set for password-protected shares (never the plain
	// text); wrongTries counts failed attempts since the last success.
	password            *passwordHash
	wrongTries          int
	lockedUntil         time.Time
	expireAt            time.Time // zero: no expiry
	showCreatorName     bool
	showCreatorUsername bool
	notifyCreator       bool
	receiverLanguage    string
	createdAt           time.Time
	createdBy           int64
	updatedAt           time.Time
	updatedBy           int64
	// mails records the recipients the share link was "sent" to (no mail
	// leaves the emulator).
	mails [][]string
}

// Errors of the share endpoints (texts from the 4.26.7 error catalogue).
var (
	errDownloadShareNotFound = newAPIError(404, -60000, "Download Share not found")
	errUploadShareNotFound   = newAPIError(404, -60500, "Upload Share not found")
	errDownloadKeyNotFound   = newAPIError(404, -50000, "Download access key not found")
	errDownloadTokenNotFound = newAPIError(404, -50001, "Download token not found")
	errDownloadLimit         = newAPIError(404, -50002, "Downloads limit reached")
	errUploadKeyNotFound     = newAPIError(404, -50501, "Upload access key not found")
	errSharePasswordEncr     = newAPIError(400, -50003, "Password for encrypted Download Shares not allowed")
	errShareEncrContainer    = newAPIError(400, -50004, "Download Shares of encrypted containers not allowed")
	errShareNeedsFileKey     = newAPIError(400, -50005, "File key must be set on Download Share in encrypted containers")
	errShareNeedsKeyPair     = newAPIError(400, -50006, "Keypair must be set on Download Share in encrypted containers")
	errShareNoKeys           = newAPIError(400, -50007, "Download Shares in unencrypted rooms must not have keys")
	errSharePasswordSent     = newAPIError(400, -50008, "Client-side encryption passwords should not be sent to the server")
	errWrongDownloadPassword = newAPIError(401, -50009, "Wrong password for Download Share link")
	errWrongUploadPassword   = newAPIError(401, -50502, "Wrong password for Upload Share link")
	errShareLocked           = newAPIError(403, -51000, "(Up-) Download Share is temporarily locked")
	errNoMemberKeyPair       = newAPIError(400, -50505, "No room user has a keypair")
	errUploadShareSlots      = newAPIError(400, -50506, "Exceeds the number of files for this Upload Share")
	errUploadShareQuota      = newAPIError(507, -50504, "Exceeds the quota for this Upload Share")
	errInvalidFileKey        = newAPIError(400, -80062, "Invalid File key")
	errRoomHasShares         = newAPIError(400, -40023, "Room with shares cannot be encrypted")
)

// accessKeyLength is the length of generated access keys: 32 characters
// of [A-Za-z0-9] carry about 190 bits, so keys cannot be guessed.
const accessKeyLength = 32

// newAccessKey returns a fresh access key unused by any share.
func (st *state) newAccessKey() string {
	st.shares.init()
	for {
		k := randomString(accessKeyLength)
		if st.downloadShareByKey(k) == nil && st.uploadShareByKey(k) == nil {
			return k
		}
	}
}

// shareRoutes registers the authenticated share endpoints.
func (e *Emulator) shareRoutes(r chi.Router) {
	j := func(h http.HandlerFunc) http.HandlerFunc { return produces(mediaJSON, h) }
	r.Get("/shares/downloads", j(downloadShares.handleList(e, downloadShareListSpec)))
	r.Post("/shares/downloads", j(e.handleCreateDownloadShare))
	r.Put("/shares/downloads", j(e.handleUpdateDownloadShares))
	r.Delete("/shares/downloads", j(downloadShares.handleDeleteAll(e)))
	r.Get("/shares/downloads/{share_id}", j(downloadShares.handleGet(e)))
	r.Put("/shares/downloads/{share_id}", j(handleUpdateShare(e, downloadShares, (*Emulator).updateDownloadShare)))
	r.Delete("/shares/downloads/{share_id}", j(downloadShares.handleDelete(e)))
	r.Post("/shares/downloads/{share_id}/email", j(downloadShares.handleMail(e)))
	r.Get("/shares/downloads/{share_id}/qr", j(downloadShares.handleQR(e)))

	r.Get("/shares/uploads", j(uploadShares.handleList(e, uploadShareListSpec)))
	r.Post("/shares/uploads", j(e.handleCreateUploadShare))
	r.Put("/shares/uploads", j(e.handleUpdateUploadShares))
	r.Delete("/shares/uploads", j(uploadShares.handleDeleteAll(e)))
	r.Get("/shares/uploads/{share_id}", j(uploadShares.handleGet(e)))
	r.Put("/shares/uploads/{share_id}", j(handleUpdateShare(e, uploadShares, (*Emulator).updateUploadShare)))
	r.Delete("/shares/uploads/{share_id}", j(uploadShares.handleDelete(e)))
	r.Post("/shares/uploads/{share_id}/email", j(uploadShares.handleMail(e)))
	r.Get("/shares/uploads/{share_id}/qr", j(uploadShares.handleQR(e)))
}

// shareText bounds an optional notes field: 255 characters of text that
// may run over several lines.
func shareText(s *string) *apiError {
	if s == nil {
		return nil
	}
	if err := validateLines(*s); err != nil {
		return err
	}
	return checkNotes(s)
}

// validateLines is validateText for text that may hold line breaks and
// tabs (notes, mail bodies).
func validateLines(s string) *apiError {
	return validateText(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s))
}

// checkShareName validates an alias name: like free text, at most 150
// characters (the node name limit; the document sets none).
func checkShareName(s *string) *apiError {
	if s == nil {
		return nil
	}
	if strings.TrimSpace(*s) == "" {
		return errMandatory
	}
	if utf8.RuneCountInString(*s) > maxNodeName {
		return errTooLong
	}
	return validateText(*s)
}

// newSharePassword checks a password uid gives a share: text of at most
// 150 characters that meets the shares password policy (policies.go, set
// through PUT /system/config/policies/passwords), with uid's names as the
// user information the policy may reject.
func (st *state) newSharePassword(p string, uid int64) *apiError {
	if utf8.RuneCountInString(p) > maxAccountField {
		return errPasswordNotSecure
	}
	if err := validateText(p); err != nil {
		return err
	}
	var who []string
	if u := st.users[uid]; u != nil {
		who = []string{u.login, u.firstName, u.lastName, u.email}
	}
	return st.checkSharePassword(p, who...)
}

// checkLanguage validates an optional receiverLanguage.
func checkLanguage(s *string) *apiError {
	if s != nil && *s != "" && !validLanguageTag(*s) {
		return errLanguageTag
	}
	return nil
}

// checkPhones validates textMessageRecipients: the emulator sends no SMS,
// so any recipient is refused as DRACOON does when SMS is disabled.
func checkPhones(p []string) *apiError {
	if len(p) > 0 {
		return newAPIError(400, -80030, "SMS disabled")
	}
	return nil
}

// apply sets the fields every create and update request of both share
// kinds carries. Nil pointers leave a field unchanged.
func (c *shareCommon) apply(name, notes, internalNotes *string, showName, showUser *bool, lang *string) {
	if name != nil {
		c.name = *name
	}
	if notes != nil {
		c.notes = *notes
	}
	if internalNotes != nil {
		c.internalNotes = *internalNotes
	}
	if showName != nil {
		c.showCreatorName = *showName
	}
	if showUser != nil {
		c.showCreatorUsername = *showUser
	}
	if lang != nil {
		c.receiverLanguage = *lang
	}
}

// checkCommon validates the fields apply sets.
func checkCommon(name, notes, internalNotes, lang *string, phones []string) *apiError {
	for _, f := range []func() *apiError{
		func() *apiError { return checkShareName(name) },
		func() *apiError { return shareText(notes) },
		func() *apiError { return shareText(internalNotes) },
		func() *apiError { return checkLanguage(lang) },
		func() *apiError { return checkPhones(phones) },
	} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// expired reports whether the share's expiry has passed.
func (c *shareCommon) expired(now time.Time) bool {
	return !c.expireAt.IsZero() && !c.expireAt.After(now)
}

// tryPassword tests a password given to a protected share's public
// endpoint, counting wrong attempts: after maxWrongSharePasswords in a
// row the share is locked for shareLockDuration (403 -51000). wrong is
// the share kind's 401.
func (c *shareCommon) tryPassword(pw *string, now time.Time, wrong *apiError) *apiError {
	if c.password == nil {
		return nil
	}
	if now.Before(c.lockedUntil) {
		return errShareLocked
	}
	if pw == nil || *pw == "" {
		return wrong
	}
	if !c.password.matches(*pw) {
		c.wrongTries++
		if c.wrongTries >= maxWrongSharePasswords {
			c.wrongTries = 0
			c.lockedUntil = now.Add(shareLockDuration)
		}
		return wrong
	}
	c.wrongTries = 0
	return nil
}

// creatorName is the creator's display name for public views, "" when
// the share hides it.
func (st *state) creatorName(c *shareCommon) string {
	if !c.showCreatorName {
		return ""
	}
	u := st.userInfo(c.createdBy)
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// creatorUsername is the creator's user name for public views, nil when
// the share hides it.
func (st *state) creatorUsername(c *shareCommon) *string {
	if !c.showCreatorUsername {
		return nil
	}
	u := st.userInfo(c.createdBy)
	name := u.UserName
	return &name
}

// shareMailRequest is DownloadShareLinkEmail / UploadShareLinkEmail.
type shareMailRequest struct {
	Recipients       []string `json:"recipients"`
	Body             *string  `json:"body"`
	ReceiverLanguage *string  `json:"receiverLanguage"`
}

// check validates a mail request: recipients and body are mandatory,
// every recipient a valid address.
func (m *shareMailRequest) check() *apiError {
	if len(m.Recipients) == 0 || m.Body == nil {
		return errMandatory
	}
	if len(m.Recipients) > maxBulkItems {
		return errTooManyItems
	}
	for _, r := range m.Recipients {
		if !validEmail(r) {
			return errInvalidEmail
		}
	}
	if err := validateLines(*m.Body); err != nil {
		return err
	}
	return checkLanguage(m.ReceiverLanguage)
}

// shareIDsRequest is DeleteDownloadSharesRequest / DeleteUploadSharesRequest.
type shareIDsRequest struct {
	ShareIDs []int64 `json:"shareIds"`
}

// checkIDs validates the ids of a bulk request.
func checkIDs(ids []int64) *apiError {
	if len(ids) == 0 {
		return errMandatory
	}
	if len(ids) > maxBulkItems {
		return errTooManyItems
	}
	for _, id := range ids {
		if id <= 0 {
			return errPositiveNumber
		}
	}
	return nil
}

// optionalPositive checks an optional count (maxDownloads, maxSlots,
// maxSize, filesExpiryPeriod): it must be positive when given.
func optionalPositive[N int | int64](v *N) *apiError {
	if v != nil && *v <= 0 {
		return errPositiveNumber
	}
	return nil
}

// downloadShareCount is cntDownloadShares of node id.
func (st *state) downloadShareCount(id int64) int {
	n := 0
	for _, s := range st.shares.downloads {
		if s.nodeID == id {
			n++
		}
	}
	return n
}

// uploadShareCount is cntUploadShares of node id.
func (st *state) uploadShareCount(id int64) int {
	n := 0
	for _, s := range st.shares.uploads {
		if s.targetID == id {
			n++
		}
	}
	return n
}

// roomHasShares reports whether any share points into room (its folders
// and files included, sub-rooms excluded), which blocks switching its
// encryption.
func (st *state) roomHasShares(room *node) bool {
	st.dropOrphanShares()
	inRoom := func(id int64) bool {
		n := st.nodes[id]
		return n != nil && st.roomOf(n) == room
	}
	for _, s := range st.shares.downloads {
		if inRoom(s.nodeID) {
			return true
		}
	}
	for _, s := range st.shares.uploads {
		if inRoom(s.targetID) {
			return true
		}
	}
	return false
}

// dropOrphanShares deletes the shares whose node is gone: deleting a node
// deletes its shares (unverified_shares.go). The share endpoints call it
// before they look at shares, so no node handler needs to know about
// shares.
func (st *state) dropOrphanShares() {
	st.shares.init()
	for id, s := range st.shares.downloads {
		if st.nodes[s.nodeID] == nil {
			delete(st.shares.downloads, id)
		}
	}
	for id, s := range st.shares.uploads {
		if st.nodes[s.targetID] == nil {
			delete(st.shares.uploads, id)
		}
	}
}

// nodePath is the full path of n ("/room/folder/file").
func (st *state) nodePath(n *node) string {
	return st.parentPath(n) + n.name
}

// shareListFilters are the filter fields both share lists have, read
// through get.
func shareListFilters[T any](get func(T) (*state, *shareCommon)) map[string]filterField[T] {
	return map[string]filterField[T]{
		"name":      {kind: kindString, ops: []string{"cn"}, str: func(v T) string { _, c := get(v); return c.name }},
		"createdAt": {kind: kindTime, ops: []string{"ge", "le"}, tm: func(v T) time.Time { _, c := get(v); return c.createdAt }},
		"createdBy": {kind: kindString, ops: []string{"cn", "eq"}, matchOp: func(v T, op, s string) bool {
			st, c := get(v)
			return userMatches(st, c.createdBy, op, s)
		}},
		"createdById": {kind: kindInt, ops: []string{"eq"}, num: func(v T) int64 { _, c := get(v); return c.createdBy }},
		"userId":      {kind: kindInt, ops: []string{"eq"}, num: func(v T) int64 { _, c := get(v); return c.createdBy }},
		"accessKey":   {kind: kindString, ops: []string{"cn"}, str: func(v T) string { _, c := get(v); return c.accessKey }},
		"updatedBy": {kind: kindString, ops: []string{"cn", "eq"}, matchOp: func(v T, op, s string) bool {
			st, c := get(v)
			return userMatches(st, c.updatedBy, op, s)
		}},
		"updatedById": {kind: kindInt, ops: []string{"eq"}, num: func(v T) int64 { _, c := get(v); return c.updatedBy }},
	}
}

// shareListSorts are the sort fields both share lists have.
func shareListSorts[T any](get func(T) (*state, *shareCommon)) map[string]func(a, b T) int {
	return map[string]func(a, b T) int{
		"name": func(a, b T) int { _, x := get(a); _, y := get(b); return compareFold(x.name, y.name) },
		"notifyCreator": func(a, b T) int {
			_, x := get(a)
			_, y := get(b)
			return boolCompare(x.notifyCreator, y.notifyCreator)
		},
		"expireAt":  func(a, b T) int { _, x := get(a); _, y := get(b); return x.expireAt.Compare(y.expireAt) },
		"createdAt": func(a, b T) int { _, x := get(a); _, y := get(b); return x.createdAt.Compare(y.createdAt) },
		"createdBy": func(a, b T) int {
			st, x := get(a)
			_, y := get(b)
			return compareFold(userSortName(st, x.createdBy), userSortName(st, y.createdBy))
		},
	}
}

// shareKind tells the endpoints both kinds of share have how one kind
// (S, answered as J) is stored, found, shown and recorded.
type shareKind[S, J any] struct {
	shares   func(st *state) map[int64]*S
	common   func(s *S) *shareCommon
	nodeID   func(s *S) int64 // the shared node (download) or target (upload)
	json     func(st *state, s *S) J
	notFound *apiError
	allowed  func(perms) bool // the permission that manages this kind
	deleted  int              // the event of a deletion
	// publicPath is the path of the public share page, before the access
	// key; setDataURL puts the QR image into the answer.
	publicPath string
	setDataURL func(j *J, dataURL string)
}

// shareView is a share seen by the list engine.
type shareView[S any] struct {
	s  *S
	st *state
}

// shareListJSON is one page of shares.
type shareListJSON[J any] struct {
	Range rangeJSON `json:"range"`
	Items []J       `json:"items"`
}

// managed finds share id for uid: shares on nodes uid cannot see are not
// found, shares uid may not manage 403.
func (k shareKind[S, J]) managed(st *state, id, uid int64) (*S, *apiError) {
	st.dropOrphanShares()
	s := k.shares(st)[id]
	if s == nil {
		return nil, k.notFound
	}
	if _, err := st.shareableNode(k.nodeID(s), uid, k.notFound, k.allowed); err != nil {
		return nil, err
	}
	return s, nil
}

// managedAll resolves the ids of a bulk request: every share must exist
// for uid (404) and be manageable (403), else nothing changes.
func (k shareKind[S, J]) managedAll(st *state, ids []int64, uid int64) ([]*S, *apiError) {
	out := make([]*S, 0, len(ids))
	for _, id := range ids {
		s, err := k.managed(st, id, uid)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// with runs f on the share named by the URL for the caller, under the
// lock; errors of the lookup are written for it.
func (k shareKind[S, J]) with(e *Emulator, w http.ResponseWriter, r *http.Request, f func(s *S, uid int64)) {
	id, err := urlID(r, "share_id")
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := k.managed(e.st, id, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	f(s, uid)
}

// withAll checks the ids of a bulk request and then check (an error of
// the request found before), resolves the ids for the caller under the
// lock and runs f on the shares; errors are written for it.
func (k shareKind[S, J]) withAll(e *Emulator, w http.ResponseWriter, r *http.Request, ids []int64, check *apiError, f func(shares []*S, uid int64)) {
	if err := checkIDs(ids); err != nil {
		writeError(w, err)
		return
	}
	if check != nil {
		writeError(w, check)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	shares, err := k.managedAll(e.st, ids, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	f(shares, uid)
}

// remove deletes s and records it. Callers hold e.mu.
func (k shareKind[S, J]) remove(e *Emulator, r *http.Request, s *S) {
	c := k.common(s)
	e.emit(r, k.deleted, k.nodeID(s), c.name)
	delete(k.shares(e.st), c.id)
}

// handleGet answers one share.
func (k shareKind[S, J]) handleGet(e *Emulator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		k.with(e, w, r, func(s *S, _ int64) {
			writeJSON(w, http.StatusOK, k.json(e.st, s))
		})
	}
}

// handleQR answers the share with dataUrl, a PNG data URL of the share
// link (unverified_shares.go says what the image holds).
func (k shareKind[S, J]) handleQR(e *Emulator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		base := e.baseURL(r)
		k.with(e, w, r, func(s *S, _ int64) {
			j := k.json(e.st, s)
			k.setDataURL(&j, shareQRDataURL(base+k.publicPath+k.common(s).accessKey))
			writeJSON(w, http.StatusOK, j)
		})
	}
}

// handleUpdateShare decodes an update request of kind k and applies it
// with update, which validates it fully first.
func handleUpdateShare[S, J, R any](e *Emulator, k shareKind[S, J], update func(e *Emulator, s *S, uid int64, req *R) *apiError) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req R
		if err := decodeJSON(r, &req, true); err != nil {
			writeError(w, err)
			return
		}
		k.with(e, w, r, func(s *S, uid int64) {
			if err := update(e, s, uid, &req); err != nil {
				writeError(w, err)
				return
			}
			writeJSON(w, http.StatusOK, k.json(e.st, s))
		})
	}
}

// handleDelete deletes one share.
func (k shareKind[S, J]) handleDelete(e *Emulator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		k.with(e, w, r, func(s *S, _ int64) {
			k.remove(e, r, s)
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

// handleMail "sends" the share link: it records the recipients.
func (k shareKind[S, J]) handleMail(e *Emulator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req shareMailRequest
		if err := decodeJSON(r, &req, false); err != nil {
			writeError(w, err)
			return
		}
		k.with(e, w, r, func(s *S, _ int64) {
			if err := req.check(); err != nil {
				writeError(w, err)
				return
			}
			c := k.common(s)
			c.mails = append(c.mails, slices.Clone(req.Recipients))
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

// handleDeleteAll deletes several shares (all or nothing).
func (k shareKind[S, J]) handleDeleteAll(e *Emulator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req shareIDsRequest
		if err := decodeJSON(r, &req, false); err != nil {
			writeError(w, err)
			return
		}
		k.withAll(e, w, r, req.ShareIDs, nil, func(shares []*S, _ int64) {
			for _, s := range shares {
				k.remove(e, r, s)
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

// shareBulkUpdate is what a bulk update of either kind sets on every
// share besides what apply sets.
type shareBulkUpdate struct {
	expiration                       *expirationJSON
	showCreatorName, showCreatorUser *bool
}

// updateAll applies a bulk update to the shares ids (all or nothing):
// check is an error of the request found before, apply sets what only
// this kind has.
func (k shareKind[S, J]) updateAll(e *Emulator, w http.ResponseWriter, r *http.Request, ids []int64, check *apiError, u shareBulkUpdate, apply func(s *S)) {
	k.withAll(e, w, r, ids, check, func(shares []*S, uid int64) {
		var expireAt time.Time
		if u.expiration != nil {
			var err *apiError
			if expireAt, err = e.checkExpiration(u.expiration); err != nil {
				writeError(w, err)
				return
			}
		}
		now := e.clock.now()
		for _, s := range shares {
			c := k.common(s)
			c.apply(nil, nil, nil, u.showCreatorName, u.showCreatorUser, nil)
			apply(s)
			if u.expiration != nil {
				c.expireAt = expireAt
			}
			c.updatedAt, c.updatedBy = now, uid
		}
		w.WriteHeader(http.StatusOK)
	})
}

// handleList answers one page of the shares of kind k the caller sees.
func (k shareKind[S, J]) handleList(e *Emulator, spec *listSpec[shareView[S]]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lq, err := parseListQuery(r, spec)
		if err != nil {
			writeError(w, err)
			return
		}
		uid := callerID(r)
		e.mu.Lock()
		defer e.mu.Unlock()
		st := e.st
		st.dropOrphanShares()
		var views []shareView[S]
		for _, s := range k.shares(st) {
			if st.shareListed(k.nodeID(s), k.common(s).createdBy, uid, k.allowed) {
				views = append(views, shareView[S]{s: s, st: st})
			}
		}
		page, rng := spec.apply(views, lq)
		out := shareListJSON[J]{Range: rng, Items: make([]J, 0, len(page))}
		for _, v := range page {
			out.Items = append(out.Items, k.json(st, v.s))
		}
		writeJSON(w, http.StatusOK, out)
	}
}
