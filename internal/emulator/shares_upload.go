package emulator

import (
	"net/http"
	"slices"
	"time"
)

// Upload shares (file requests): GET|POST|PUT|DELETE /shares/uploads,
// GET|PUT|DELETE /shares/uploads/{share_id}, POST …/{share_id}/email,
// GET …/{share_id}/qr. The target is a room or folder; managing a share
// needs manageUploadShare there. No key material is involved even for
// encrypted targets: strangers encrypt for the room's members
// (api-flows §6.2, §6.4).

// uploadShare is one upload share.
type uploadShare struct {
	shareCommon
	targetID          int64
	filesExpiryPeriod int   // days; 0: uploaded files do not expire
	maxSlots          int   // 0: unlimited
	maxSize           int64 // bytes; 0: unlimited
	showUploadedFiles bool
	// uploads counts the uploads made through the share; files lists the
	// ids of the files they created.
	uploads int
	files   []int64
}

func (s *uploadShare) protected() bool { return s.password != nil }

func (st *state) uploadShareByKey(key string) *uploadShare {
	for _, s := range st.shares.uploads {
		if s.accessKey == key {
			return s
		}
	}
	return nil
}

// liveFiles returns the files uploaded through s that still exist.
func (st *state) liveFiles(s *uploadShare) []*node {
	var out []*node
	for _, id := range s.files {
		if n := st.nodes[id]; n != nil && n.typ == typeFile {
			out = append(out, n)
		}
	}
	return out
}

// uploadShareJSON is UploadShare; the properties left out when unset are
// listed in OmittedWhenUnset (omitted_shares.go).
type uploadShareJSON struct {
	ID                  int64        `json:"id"`
	Name                string       `json:"name"`
	TargetID            int64        `json:"targetId"`
	TargetPath          string       `json:"targetPath"`
	TargetType          string       `json:"targetType"`
	IsProtected         bool         `json:"isProtected"`
	IsEncrypted         bool         `json:"isEncrypted"`
	AccessKey           string       `json:"accessKey"`
	CreatedAt           apiTime      `json:"createdAt"`
	CreatedBy           userInfoJSON `json:"createdBy"`
	UpdatedAt           apiTime      `json:"updatedAt"`
	UpdatedBy           userInfoJSON `json:"updatedBy"`
	ExpireAt            *apiTime     `json:"expireAt,omitempty"`
	Notes               string       `json:"notes"`
	InternalNotes       string       `json:"internalNotes"`
	FilesExpiryPeriod   *int         `json:"filesExpiryPeriod,omitempty"`
	CntFiles            int          `json:"cntFiles"`
	CntUploads          int          `json:"cntUploads"`
	ShowUploadedFiles   bool         `json:"showUploadedFiles"`
	DataURL             string       `json:"dataUrl,omitempty"`
	MaxSlots            *int         `json:"maxSlots,omitempty"`
	MaxSize             *int64       `json:"maxSize,omitempty"`
	ShowCreatorName     bool         `json:"showCreatorName"`
	ShowCreatorUsername bool         `json:"showCreatorUsername"`
	NotifyCreator       bool         `json:"notifyCreator"`
}

// positiveOrNil returns a pointer to v, nil for 0 (unset).
func positiveOrNil[N int | int64](v N) *N {
	if v == 0 {
		return nil
	}
	return &v
}

func (st *state) uploadShareJSON(s *uploadShare) uploadShareJSON {
	n := st.nodes[s.targetID]
	return uploadShareJSON{
		ID: s.id, Name: s.name, TargetID: s.targetID, TargetPath: st.nodePath(n), TargetType: n.typ,
		IsProtected: s.protected(), IsEncrypted: st.roomOf(n).isEncrypted, AccessKey: s.accessKey,
		CreatedAt: apiTime(s.createdAt), CreatedBy: st.userInfo(s.createdBy),
		UpdatedAt: apiTime(s.updatedAt), UpdatedBy: st.userInfo(s.updatedBy),
		ExpireAt: timePtr(s.expireAt), Notes: s.notes, InternalNotes: s.internalNotes,
		FilesExpiryPeriod: positiveOrNil(s.filesExpiryPeriod),
		CntFiles:          len(st.liveFiles(s)), CntUploads: s.uploads,
		ShowUploadedFiles: s.showUploadedFiles,
		MaxSlots:          positiveOrNil(s.maxSlots), MaxSize: positiveOrNil(s.maxSize),
		ShowCreatorName: s.showCreatorName, ShowCreatorUsername: s.showCreatorUsername,
		NotifyCreator: s.notifyCreator,
	}
}

// ulView is an upload share seen by the list engine.
type ulView struct {
	s  *uploadShare
	st *state
}

func ulCommon(v ulView) (*state, *shareCommon) { return v.st, &v.s.shareCommon }

// uploadShareListSpec is the filter/sort table of GET /shares/uploads.
var uploadShareListSpec = func() *listSpec[ulView] {
	spec := &listSpec[ulView]{
		filters:     shareListFilters(ulCommon),
		sorts:       shareListSorts(ulCommon),
		multiSort:   true,
		tiebreak:    func(a, b ulView) int { return int(a.s.id - b.s.id) },
		defaultSort: []sortKey{{field: "createdAt"}},
	}
	spec.filters["targetId"] = filterField[ulView]{kind: kindInt, ops: []string{"eq", "cn"}, num: func(v ulView) int64 { return v.s.targetID }}
	if uploadSharesFilterNodeID {
		spec.filters["nodeId"] = spec.filters["targetId"]
	}
	return spec
}()

type uploadShareListJSON struct {
	Range rangeJSON         `json:"range"`
	Items []uploadShareJSON `json:"items"`
}

// createUploadShareRequest is CreateUploadShareRequest.
type createUploadShareRequest struct {
	TargetID              *int64          `json:"targetId"`
	Name                  *string         `json:"name"`
	Password              *string         `json:"password"`
	Expiration            *expirationJSON `json:"expiration"`
	FilesExpiryPeriod     *int            `json:"filesExpiryPeriod"`
	Notes                 *string         `json:"notes"`
	InternalNotes         *string         `json:"internalNotes"`
	ShowUploadedFiles     *bool           `json:"showUploadedFiles"`
	MaxSlots              *int            `json:"maxSlots"`
	MaxSize               *int64          `json:"maxSize"`
	ReceiverLanguage      *string         `json:"receiverLanguage"`
	TextMessageRecipients []string        `json:"textMessageRecipients"`
	ShowCreatorName       *bool           `json:"showCreatorName"`
	ShowCreatorUsername   *bool           `json:"showCreatorUsername"`
	NotifyCreator         *bool           `json:"notifyCreator"`
}

// updateUploadShareRequest is UpdateUploadShareRequest.
type updateUploadShareRequest struct {
	Name                   *string         `json:"name"`
	Password               *string         `json:"password"`
	Expiration             *expirationJSON `json:"expiration"`
	FilesExpiryPeriod      *int            `json:"filesExpiryPeriod"`
	Notes                  *string         `json:"notes"`
	InternalNotes          *string         `json:"internalNotes"`
	ShowCreatorName        *bool           `json:"showCreatorName"`
	ShowCreatorUsername    *bool           `json:"showCreatorUsername"`
	ShowUploadedFiles      *bool           `json:"showUploadedFiles"`
	MaxSlots               *int            `json:"maxSlots"`
	MaxSize                *int64          `json:"maxSize"`
	TextMessageRecipients  []string        `json:"textMessageRecipients"`
	ReceiverLanguage       *string         `json:"receiverLanguage"`
	DefaultCountry         *string         `json:"defaultCountry"`
	ResetPassword          *bool           `json:"resetPassword"`
	ResetFilesExpiryPeriod *bool           `json:"resetFilesExpiryPeriod"`
	ResetMaxSlots          *bool           `json:"resetMaxSlots"`
	ResetMaxSize           *bool           `json:"resetMaxSize"`
	NotifyCreator          *bool           `json:"notifyCreator"`
}

// updateUploadSharesBulkRequest is UpdateUploadSharesBulkRequest.
type updateUploadSharesBulkRequest struct {
	ObjectIDs              []int64         `json:"objectIds"`
	Expiration             *expirationJSON `json:"expiration"`
	ShowCreatorName        *bool           `json:"showCreatorName"`
	ShowCreatorUsername    *bool           `json:"showCreatorUsername"`
	ShowUploadedFiles      *bool           `json:"showUploadedFiles"`
	MaxSlots               *int            `json:"maxSlots"`
	ResetMaxSlots          *bool           `json:"resetMaxSlots"`
	MaxSize                *int64          `json:"maxSize"`
	ResetMaxSize           *bool           `json:"resetMaxSize"`
	FilesExpiryPeriod      *int            `json:"filesExpiryPeriod"`
	ResetFilesExpiryPeriod *bool           `json:"resetFilesExpiryPeriod"`
}

// uploadLimits are the limit fields every upload share request may carry,
// with their reset flags.
type uploadLimits struct {
	filesExpiryPeriod, maxSlots           *int
	maxSize                               *int64
	resetExpiry, resetSlots, resetMaxSize *bool
	showUploadedFiles                     *bool
}

func (l uploadLimits) check() *apiError {
	if err := optionalPositive(l.filesExpiryPeriod); err != nil {
		return err
	}
	if err := optionalPositive(l.maxSlots); err != nil {
		return err
	}
	return optionalPositive(l.maxSize)
}

func isTrue(b *bool) bool { return b != nil && *b }

// apply sets the limits on s; a reset flag wins over a value.
func (l uploadLimits) apply(s *uploadShare) {
	switch {
	case isTrue(l.resetExpiry):
		s.filesExpiryPeriod = 0
	case l.filesExpiryPeriod != nil:
		s.filesExpiryPeriod = *l.filesExpiryPeriod
	}
	switch {
	case isTrue(l.resetSlots):
		s.maxSlots = 0
	case l.maxSlots != nil:
		s.maxSlots = *l.maxSlots
	}
	switch {
	case isTrue(l.resetMaxSize):
		s.maxSize = 0
	case l.maxSize != nil:
		s.maxSize = *l.maxSize
	}
	if l.showUploadedFiles != nil {
		s.showUploadedFiles = *l.showUploadedFiles
	}
}

func canShareUpload(p perms) bool { return p.ManageUploadShare }

func (e *Emulator) handleCreateUploadShare(w http.ResponseWriter, r *http.Request) {
	var req createUploadShareRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.TargetID == nil {
		writeError(w, errMandatory)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	st.dropOrphanShares()
	n, err := st.shareableNode(*req.TargetID, uid, errContainerNotFound, canShareUpload)
	if err == nil && n.typ == typeFile {
		err = errContainerNotFound
	}
	limits := uploadLimits{filesExpiryPeriod: req.FilesExpiryPeriod, maxSlots: req.MaxSlots, maxSize: req.MaxSize, showUploadedFiles: req.ShowUploadedFiles}
	for _, check := range []func() *apiError{
		func() *apiError { return err },
		func() *apiError {
			return checkCommon(req.Name, req.Notes, req.InternalNotes, req.ReceiverLanguage, req.TextMessageRecipients)
		},
		limits.check,
		func() *apiError {
			if req.Password != nil && *req.Password != "" {
				return st.newSharePassword(*req.Password, uid)
			}
			return nil
		},
	} {
		if err := check(); err != nil {
			writeError(w, err)
			return
		}
	}
	now := e.clock.now()
	expireAt, err := req.Expiration.resolve(now)
	if err != nil {
		writeError(w, err)
		return
	}
	s := &uploadShare{
		shareCommon: shareCommon{
			id: st.shares.uploadSeq.next(), accessKey: st.newAccessKey(), name: n.name,
			expireAt: expireAt, createdAt: now, createdBy: uid, updatedAt: now, updatedBy: uid,
		},
		targetID: n.id,
	}
	s.apply(req.Name, req.Notes, req.InternalNotes, req.ShowCreatorName, req.ShowCreatorUsername, req.ReceiverLanguage)
	limits.apply(s)
	if req.Password != nil && *req.Password != "" {
		h := newPasswordHash(*req.Password)
		s.password = &h
	}
	if req.NotifyCreator != nil {
		s.notifyCreator = *req.NotifyCreator
	}
	st.shares.uploads[s.id] = s
	e.emit(r, opUploadShareCreated, n.id, s.name)
	writeJSON(w, http.StatusCreated, st.uploadShareJSON(s))
}

// managedUploadShare finds share id for uid like managedDownloadShare.
func (st *state) managedUploadShare(id, uid int64) (*uploadShare, *apiError) {
	st.dropOrphanShares()
	s := st.shares.uploads[id]
	if s == nil {
		return nil, errUploadShareNotFound
	}
	if _, err := st.shareableNode(s.targetID, uid, errUploadShareNotFound, canShareUpload); err != nil {
		return nil, err
	}
	return s, nil
}

// withUploadShare runs f on the share named by the URL for the caller,
// under the lock.
func (e *Emulator) withUploadShare(w http.ResponseWriter, r *http.Request, f func(s *uploadShare, uid int64)) {
	id, err := urlID(r, "share_id")
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.st.managedUploadShare(id, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	f(s, uid)
}

func (e *Emulator) handleGetUploadShare(w http.ResponseWriter, r *http.Request) {
	e.withUploadShare(w, r, func(s *uploadShare, _ int64) {
		writeJSON(w, http.StatusOK, e.st.uploadShareJSON(s))
	})
}

func (e *Emulator) handleUploadShareQR(w http.ResponseWriter, r *http.Request) {
	base := e.baseURL(r)
	e.withUploadShare(w, r, func(s *uploadShare, _ int64) {
		j := e.st.uploadShareJSON(s)
		j.DataURL = shareQRDataURL(base + "/public/upload-shares/" + s.accessKey)
		writeJSON(w, http.StatusOK, j)
	})
}

func (e *Emulator) handleUpdateUploadShare(w http.ResponseWriter, r *http.Request) {
	var req updateUploadShareRequest
	if err := decodeJSON(r, &req, true); err != nil {
		writeError(w, err)
		return
	}
	e.withUploadShare(w, r, func(s *uploadShare, uid int64) {
		if err := e.updateUploadShare(s, uid, &req); err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, e.st.uploadShareJSON(s))
	})
}

// updateUploadShare validates req fully, then applies it to s.
func (e *Emulator) updateUploadShare(s *uploadShare, uid int64, req *updateUploadShareRequest) *apiError {
	limits := uploadLimits{
		filesExpiryPeriod: req.FilesExpiryPeriod, maxSlots: req.MaxSlots, maxSize: req.MaxSize,
		resetExpiry: req.ResetFilesExpiryPeriod, resetSlots: req.ResetMaxSlots, resetMaxSize: req.ResetMaxSize,
		showUploadedFiles: req.ShowUploadedFiles,
	}
	if err := checkCommon(req.Name, req.Notes, req.InternalNotes, req.ReceiverLanguage, req.TextMessageRecipients); err != nil {
		return err
	}
	if err := limits.check(); err != nil {
		return err
	}
	setPassword := req.Password != nil && *req.Password != ""
	if setPassword {
		if err := e.st.newSharePassword(*req.Password, uid); err != nil {
			return err
		}
	}
	expireAt := s.expireAt
	if req.Expiration != nil {
		var err *apiError
		if expireAt, err = e.checkExpiration(req.Expiration); err != nil {
			return err
		}
	}
	s.apply(req.Name, req.Notes, req.InternalNotes, req.ShowCreatorName, req.ShowCreatorUsername, req.ReceiverLanguage)
	limits.apply(s)
	s.expireAt = expireAt
	switch {
	case setPassword:
		h := newPasswordHash(*req.Password)
		s.password, s.wrongTries = &h, 0
	case isTrue(req.ResetPassword):
		s.password = nil
	}
	if req.NotifyCreator != nil {
		s.notifyCreator = *req.NotifyCreator
	}
	s.updatedAt, s.updatedBy = e.clock.now(), uid
	return nil
}

func (e *Emulator) handleDeleteUploadShare(w http.ResponseWriter, r *http.Request) {
	e.withUploadShare(w, r, func(s *uploadShare, _ int64) {
		e.deleteUploadShare(r, s)
		w.WriteHeader(http.StatusNoContent)
	})
}

// deleteUploadShare deletes s and records it. Callers hold e.mu.
func (e *Emulator) deleteUploadShare(r *http.Request, s *uploadShare) {
	e.emit(r, opUploadShareDeleted, s.targetID, s.name)
	delete(e.st.shares.uploads, s.id)
}

func (e *Emulator) handleMailUploadShare(w http.ResponseWriter, r *http.Request) {
	var req shareMailRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.withUploadShare(w, r, func(s *uploadShare, _ int64) {
		if err := req.check(); err != nil {
			writeError(w, err)
			return
		}
		s.mails = append(s.mails, slices.Clone(req.Recipients))
		w.WriteHeader(http.StatusNoContent)
	})
}

// managedUploadShares resolves the ids of a bulk request (all or nothing).
func (st *state) managedUploadShares(ids []int64, uid int64) ([]*uploadShare, *apiError) {
	out := make([]*uploadShare, 0, len(ids))
	for _, id := range ids {
		s, err := st.managedUploadShare(id, uid)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (e *Emulator) handleDeleteUploadShares(w http.ResponseWriter, r *http.Request) {
	var req shareIDsRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if err := checkIDs(req.ShareIDs); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	shares, err := e.st.managedUploadShares(req.ShareIDs, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	for _, s := range shares {
		e.deleteUploadShare(r, s)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleUpdateUploadShares(w http.ResponseWriter, r *http.Request) {
	var req updateUploadSharesBulkRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	limits := uploadLimits{
		filesExpiryPeriod: req.FilesExpiryPeriod, maxSlots: req.MaxSlots, maxSize: req.MaxSize,
		resetExpiry: req.ResetFilesExpiryPeriod, resetSlots: req.ResetMaxSlots, resetMaxSize: req.ResetMaxSize,
		showUploadedFiles: req.ShowUploadedFiles,
	}
	if err := checkIDs(req.ObjectIDs); err != nil {
		writeError(w, err)
		return
	}
	if err := limits.check(); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	shares, err := e.st.managedUploadShares(req.ObjectIDs, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	var expireAt time.Time
	if req.Expiration != nil {
		if expireAt, err = e.checkExpiration(req.Expiration); err != nil {
			writeError(w, err)
			return
		}
	}
	now := e.clock.now()
	for _, s := range shares {
		s.apply(nil, nil, nil, req.ShowCreatorName, req.ShowCreatorUsername, nil)
		limits.apply(s)
		if req.Expiration != nil {
			s.expireAt = expireAt
		}
		s.updatedAt, s.updatedBy = now, uid
	}
	w.WriteHeader(http.StatusOK)
}

func (e *Emulator) handleListUploadShares(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r, uploadShareListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	st.dropOrphanShares()
	var views []ulView
	for _, s := range st.shares.uploads {
		if st.shareListed(s.targetID, s.createdBy, uid, canShareUpload) {
			views = append(views, ulView{s: s, st: st})
		}
	}
	page, rng := uploadShareListSpec.apply(views, lq)
	out := uploadShareListJSON{Range: rng, Items: make([]uploadShareJSON, 0, len(page))}
	for _, v := range page {
		out.Items = append(out.Items, st.uploadShareJSON(v.s))
	}
	writeJSON(w, http.StatusOK, out)
}
