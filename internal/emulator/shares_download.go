package emulator

import (
	"net/http"
)

// Download shares: GET|POST|PUT|DELETE /shares/downloads,
// GET|PUT|DELETE /shares/downloads/{share_id}, POST …/{share_id}/email,
// GET …/{share_id}/qr. Managing a share needs manageDownloadShare on its
// node; a share of an encrypted file carries a share key pair and the
// file key encrypted for it instead of a password (api-flows §6.1).

// downloadShare is one download share.
type downloadShare struct {
	shareCommon
	nodeID       int64
	maxDownloads int // 0: unlimited
	cntDownloads int
	// keyPair and fileKey are the opaque key material of a share of an
	// encrypted file.
	keyPair *keyPairRequest
	fileKey *fileKeyJSON
}

// check validates the shape of a file key (the server cannot decrypt it).
func (k *fileKeyJSON) check() *apiError {
	if k.Key == "" || k.IV == "" || k.Version == "" {
		return errInvalidFileKey
	}
	return nil
}

func (s *downloadShare) protected() bool { return s.password != nil || s.keyPair != nil }

func (s *downloadShare) limitReached() bool {
	return s.maxDownloads > 0 && s.cntDownloads >= s.maxDownloads
}

func (st *state) downloadShareByKey(key string) *downloadShare {
	for _, s := range st.shares.downloads {
		if s.accessKey == key {
			return s
		}
	}
	return nil
}

// downloadShareJSON is DownloadShare; the properties left out when unset
// are listed in OmittedWhenUnset (omitted_shares.go).
type downloadShareJSON struct {
	ID                  int64        `json:"id"`
	Name                string       `json:"name"`
	NodeID              int64        `json:"nodeId"`
	NodePath            string       `json:"nodePath"`
	NodeType            string       `json:"nodeType"`
	AccessKey           string       `json:"accessKey"`
	CntDownloads        int          `json:"cntDownloads"`
	CreatedAt           apiTime      `json:"createdAt"`
	CreatedBy           userInfoJSON `json:"createdBy"`
	UpdatedAt           apiTime      `json:"updatedAt"`
	UpdatedBy           userInfoJSON `json:"updatedBy"`
	Notes               string       `json:"notes"`
	InternalNotes       string       `json:"internalNotes"`
	ShowCreatorName     bool         `json:"showCreatorName"`
	ShowCreatorUsername bool         `json:"showCreatorUsername"`
	IsProtected         bool         `json:"isProtected"`
	ExpireAt            *apiTime     `json:"expireAt,omitempty"`
	MaxDownloads        *int         `json:"maxDownloads,omitempty"`
	DataURL             string       `json:"dataUrl,omitempty"`
	IsEncrypted         bool         `json:"isEncrypted"`
	NotifyCreator       bool         `json:"notifyCreator"`
}

func (st *state) downloadShareJSON(s *downloadShare) downloadShareJSON {
	n := st.nodes[s.nodeID]
	j := downloadShareJSON{
		ID: s.id, Name: s.name, NodeID: s.nodeID, NodePath: st.nodePath(n), NodeType: n.typ,
		AccessKey: s.accessKey, CntDownloads: s.cntDownloads,
		CreatedAt: apiTime(s.createdAt), CreatedBy: st.userInfo(s.createdBy),
		UpdatedAt: apiTime(s.updatedAt), UpdatedBy: st.userInfo(s.updatedBy),
		Notes: s.notes, InternalNotes: s.internalNotes,
		ShowCreatorName: s.showCreatorName, ShowCreatorUsername: s.showCreatorUsername,
		IsProtected: s.protected(), ExpireAt: timePtr(s.expireAt),
		IsEncrypted: n.typ == typeFile && n.isEncrypted, NotifyCreator: s.notifyCreator,
	}
	if s.maxDownloads > 0 {
		m := s.maxDownloads
		j.MaxDownloads = &m
	}
	return j
}

// dlView is a download share seen by the list engine.
type dlView = shareView[downloadShare]

func dlCommon(v dlView) (*state, *shareCommon) { return v.st, &v.s.shareCommon }

// downloadShareListSpec is the filter/sort table of GET /shares/downloads.
var downloadShareListSpec = func() *listSpec[dlView] {
	spec := &listSpec[dlView]{
		filters:     shareListFilters(dlCommon),
		sorts:       shareListSorts(dlCommon),
		multiSort:   true,
		tiebreak:    func(a, b dlView) int { return int(a.s.id - b.s.id) },
		defaultSort: []sortKey{{field: "createdAt"}},
	}
	spec.filters["nodeId"] = filterField[dlView]{kind: kindInt, ops: []string{"eq"}, num: func(v dlView) int64 { return v.s.nodeID }}
	spec.sorts["classification"] = func(a, b dlView) int {
		return a.st.nodes[a.s.nodeID].classification - b.st.nodes[b.s.nodeID].classification
	}
	return spec
}()

// createDownloadShareRequest is CreateDownloadShareRequest; pointers tell
// absent (or null) values.
type createDownloadShareRequest struct {
	NodeID                *int64          `json:"nodeId"`
	Name                  *string         `json:"name"`
	Password              *string         `json:"password"`
	Expiration            *expirationJSON `json:"expiration"`
	Notes                 *string         `json:"notes"`
	InternalNotes         *string         `json:"internalNotes"`
	ShowCreatorName       *bool           `json:"showCreatorName"`
	ShowCreatorUsername   *bool           `json:"showCreatorUsername"`
	MaxDownloads          *int            `json:"maxDownloads"`
	KeyPair               *keyPairRequest `json:"keyPair"`
	FileKey               *fileKeyJSON    `json:"fileKey"`
	ReceiverLanguage      *string         `json:"receiverLanguage"`
	TextMessageRecipients []string        `json:"textMessageRecipients"`
	NotifyCreator         *bool           `json:"notifyCreator"`
}

// updateDownloadShareRequest is UpdateDownloadShareRequest.
type updateDownloadShareRequest struct {
	Name                  *string         `json:"name"`
	Password              *string         `json:"password"`
	Expiration            *expirationJSON `json:"expiration"`
	Notes                 *string         `json:"notes"`
	InternalNotes         *string         `json:"internalNotes"`
	ShowCreatorName       *bool           `json:"showCreatorName"`
	ShowCreatorUsername   *bool           `json:"showCreatorUsername"`
	MaxDownloads          *int            `json:"maxDownloads"`
	TextMessageRecipients []string        `json:"textMessageRecipients"`
	ReceiverLanguage      *string         `json:"receiverLanguage"`
	DefaultCountry        *string         `json:"defaultCountry"`
	ResetPassword         *bool           `json:"resetPassword"`
	ResetMaxDownloads     *bool           `json:"resetMaxDownloads"`
	NotifyCreator         *bool           `json:"notifyCreator"`
}

// updateDownloadSharesBulkRequest is UpdateDownloadSharesBulkRequest.
type updateDownloadSharesBulkRequest struct {
	ObjectIDs           []int64         `json:"objectIds"`
	Expiration          *expirationJSON `json:"expiration"`
	ShowCreatorName     *bool           `json:"showCreatorName"`
	ShowCreatorUsername *bool           `json:"showCreatorUsername"`
	MaxDownloads        *int            `json:"maxDownloads"`
	ResetMaxDownloads   *bool           `json:"resetMaxDownloads"`
}

// checkShareKeys applies the encryption rules of a new download share of
// n: encrypted rooms share files only, with a key pair and a file key and
// without a password; plain nodes take no keys.
func (st *state) checkShareKeys(n *node, uid int64, req *createDownloadShareRequest) *apiError {
	hasKeys := req.KeyPair != nil || req.FileKey != nil
	if !st.roomOf(n).isEncrypted {
		if hasKeys {
			return errShareNoKeys
		}
		return nil
	}
	switch {
	case n.typ != typeFile:
		return errShareEncrContainer
	case req.Password != nil && *req.Password != "":
		return errSharePasswordEncr
	case req.KeyPair == nil:
		return errShareNeedsKeyPair
	case req.FileKey == nil:
		return errShareNeedsFileKey
	case st.keyPairOf(uid, "") == nil:
		return errNoKeyPair.withStatus(http.StatusForbidden)
	}
	if err := checkKeyPair(req.KeyPair); err != nil {
		return err
	}
	return req.FileKey.check()
}

// withStatus returns a copy of e with another HTTP status.
func (e *apiError) withStatus(status int) *apiError {
	c := *e
	c.status = status
	return &c
}

// shareableNode finds node id for a new share by uid: invisible and
// missing nodes are notFound, nodes without the permission 403.
func (st *state) shareableNode(id, uid int64, notFound *apiError, allowed func(perms) bool) (*node, *apiError) {
	n, err := st.lookupNode(id, uid, notFound)
	if err != nil {
		return nil, err
	}
	if !allowed(st.permissions(n, uid)) {
		return nil, errForbidden
	}
	return n, nil
}

func canShareDownload(p perms) bool { return p.ManageDownloadShare }

func (e *Emulator) handleCreateDownloadShare(w http.ResponseWriter, r *http.Request) {
	var req createDownloadShareRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.NodeID == nil {
		writeError(w, errMandatory)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	st.dropOrphanShares()
	n, err := st.shareableNode(*req.NodeID, uid, errNodeNotFound, canShareDownload)
	if err == nil {
		err = e.checkNewDownloadShare(n, uid, &req)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	expireAt, err := req.Expiration.resolve(e.clock.now())
	if err != nil {
		writeError(w, err)
		return
	}
	now := e.clock.now()
	s := &downloadShare{
		shareCommon: shareCommon{
			id: st.shares.downloadSeq.next(), accessKey: st.newAccessKey(), name: n.name,
			expireAt: expireAt, createdAt: now, createdBy: uid, updatedAt: now, updatedBy: uid,
		},
		nodeID:  n.id,
		keyPair: req.KeyPair,
		fileKey: req.FileKey,
	}
	s.apply(req.Name, req.Notes, req.InternalNotes, req.ShowCreatorName, req.ShowCreatorUsername, req.ReceiverLanguage)
	if req.Password != nil && *req.Password != "" {
		h := newPasswordHash(*req.Password)
		s.password = &h
	}
	if req.MaxDownloads != nil {
		s.maxDownloads = *req.MaxDownloads
	}
	if req.NotifyCreator != nil {
		s.notifyCreator = *req.NotifyCreator
	}
	st.shares.downloads[s.id] = s
	e.emit(r, opDownloadShareCreated, n.id, s.name)
	writeJSON(w, http.StatusCreated, st.downloadShareJSON(s))
}

// checkNewDownloadShare validates a create request for node n.
func (e *Emulator) checkNewDownloadShare(n *node, uid int64, req *createDownloadShareRequest) *apiError {
	if err := checkCommon(req.Name, req.Notes, req.InternalNotes, req.ReceiverLanguage, req.TextMessageRecipients); err != nil {
		return err
	}
	if err := optionalPositive(req.MaxDownloads); err != nil {
		return err
	}
	if err := e.st.checkShareKeys(n, uid, req); err != nil {
		return err
	}
	if req.Password != nil && *req.Password != "" {
		return e.st.newSharePassword(*req.Password, uid)
	}
	return nil
}

// downloadShares is the download share kind of the endpoints both kinds
// have (shares.go).
var downloadShares = shareKind[downloadShare, downloadShareJSON]{
	shares:     func(st *state) map[int64]*downloadShare { return st.shares.downloads },
	common:     func(s *downloadShare) *shareCommon { return &s.shareCommon },
	nodeID:     func(s *downloadShare) int64 { return s.nodeID },
	json:       (*state).downloadShareJSON,
	notFound:   errDownloadShareNotFound,
	allowed:    canShareDownload,
	deleted:    opDownloadShareDeleted,
	publicPath: "/public/download-shares/",
	setDataURL: func(j *downloadShareJSON, u string) { j.DataURL = u },
}

// updateDownloadShare validates req fully, then applies it to s.
func (e *Emulator) updateDownloadShare(s *downloadShare, uid int64, req *updateDownloadShareRequest) *apiError {
	if err := checkCommon(req.Name, req.Notes, req.InternalNotes, req.ReceiverLanguage, req.TextMessageRecipients); err != nil {
		return err
	}
	if err := optionalPositive(req.MaxDownloads); err != nil {
		return err
	}
	setPassword := req.Password != nil && *req.Password != ""
	if setPassword {
		if s.keyPair != nil {
			return errSharePasswordEncr
		}
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
	s.expireAt = expireAt
	switch {
	case setPassword:
		h := newPasswordHash(*req.Password)
		s.password, s.wrongTries = &h, 0
	case req.ResetPassword != nil && *req.ResetPassword:
		s.password = nil
	}
	switch {
	case req.ResetMaxDownloads != nil && *req.ResetMaxDownloads:
		s.maxDownloads = 0
	case req.MaxDownloads != nil:
		s.maxDownloads = *req.MaxDownloads
	}
	if req.NotifyCreator != nil {
		s.notifyCreator = *req.NotifyCreator
	}
	s.updatedAt, s.updatedBy = e.clock.now(), uid
	return nil
}

func (e *Emulator) handleUpdateDownloadShares(w http.ResponseWriter, r *http.Request) {
	var req updateDownloadSharesBulkRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	u := shareBulkUpdate{expiration: req.Expiration, showCreatorName: req.ShowCreatorName, showCreatorUser: req.ShowCreatorUsername}
	downloadShares.updateAll(e, w, r, req.ObjectIDs, optionalPositive(req.MaxDownloads), u, func(s *downloadShare) {
		switch {
		case req.ResetMaxDownloads != nil && *req.ResetMaxDownloads:
			s.maxDownloads = 0
		case req.MaxDownloads != nil:
			s.maxDownloads = *req.MaxDownloads
		}
	})
}

// shareListed says whether a share of node id created by creator appears
// in uid's share list (unverified_shares.go).
func (st *state) shareListed(id, creator, uid int64, allowed func(perms) bool) bool {
	n := st.nodes[id]
	if n == nil || !st.visible(n, uid, false) {
		return false
	}
	if sharesListedForManagers {
		return allowed(st.permissions(n, uid))
	}
	return creator == uid
}
