package emulator

import (
	"net/http"
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
type ulView = shareView[uploadShare]

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

// uploadShares is the upload share kind of the endpoints both kinds have
// (shares.go).
var uploadShares = shareKind[uploadShare, uploadShareJSON]{
	shares:     func(st *state) map[int64]*uploadShare { return st.shares.uploads },
	common:     func(s *uploadShare) *shareCommon { return &s.shareCommon },
	nodeID:     func(s *uploadShare) int64 { return s.targetID },
	json:       (*state).uploadShareJSON,
	notFound:   errUploadShareNotFound,
	allowed:    canShareUpload,
	deleted:    opUploadShareDeleted,
	publicPath: "/public/upload-shares/",
	setDataURL: func(j *uploadShareJSON, u string) { j.DataURL = u },
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
	u := shareBulkUpdate{expiration: req.Expiration, showCreatorName: req.ShowCreatorName, showCreatorUser: req.ShowCreatorUsername}
	uploadShares.updateAll(e, w, r, req.ObjectIDs, limits.check(), u, limits.apply)
}
