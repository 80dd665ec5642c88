package emulator

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// Node tree: the node model, effective permissions and the Node JSON.
// Endpoints here: GET /nodes, GET /nodes/{node_id}, POST /nodes/rooms;
// the others live in one file per area (folders.go, files.go, search.go,
// nodeops.go, recyclebin.go, comments.go, favorites.go, rooms.go,
// roomperms.go), the shared tree helpers in tree.go.

const (
	typeRoom   = "room"
	typeFolder = "folder"
	typeFile   = "file"
)

// node is a room, folder or file.
type node struct {
	id             int64
	parentID       int64 // 0 for top-level rooms
	typ            string
	name           string
	createdAt      time.Time
	createdBy      int64
	updatedAt      time.Time
	updatedBy      int64
	tsCreation     time.Time
	tsModification time.Time
	notes          string
	classification int
	branchVersion  int64
	expireAt       time.Time // zero: no expiration (files)
	// favoredBy holds the ids of the users who marked the node.
	favoredBy map[int64]bool

	// Files only.
	referenceID int64     // id of the first version; shared by later versions
	data        *fileData // content in the blob store (blobstore.go)
	size        int64
	hash        string // MD5 hex of the content unless seeded otherwise
	// fileKeys are the encrypted file keys by user and key-pair version,
	// stored as sent (filekeys.go).
	fileKeys map[int64]map[string]fileKeyJSON

	// Rooms only.
	inheritPermissions       bool
	quota                    int64
	retentionPeriod          int
	hasActivitiesLog         bool
	isEncrypted              bool
	newGroupMemberAcceptance string
	userPerms                map[int64]perms
	// groupPerms are the grants to groups; a member gets their union with
	// its own grant.
	groupPerms map[int64]perms
	// groupAcceptance is newGroupMemberAcceptance per granted group.
	groupAcceptance map[int64]string
	// memberState records, per group granted with "pending" acceptance,
	// the members accepted or denied (roomperms.go).
	memberState           map[int64]map[int64]string
	useDataSpaceRescueKey bool
	// roomRescueKeys are the room rescue key pairs (room_keys.go).
	roomRescueKeys []*keyPair
	policies       roomPolicies
}

// perms is NodePermissions.
type perms struct {
	Manage              bool `json:"manage"`
	Read                bool `json:"read"`
	Create              bool `json:"create"`
	Change              bool `json:"change"`
	Delete              bool `json:"delete"`
	ManageDownloadShare bool `json:"manageDownloadShare"`
	ManageUploadShare   bool `json:"manageUploadShare"`
	ReadRecycleBin      bool `json:"readRecycleBin"`
	RestoreRecycleBin   bool `json:"restoreRecycleBin"`
	DeleteRecycleBin    bool `json:"deleteRecycleBin"`
}

func fullPerms() perms {
	return perms{true, true, true, true, true, true, true, true, true, true}
}

func (p perms) or(q perms) perms {
	return perms{
		p.Manage || q.Manage, p.Read || q.Read, p.Create || q.Create, p.Change || q.Change, p.Delete || q.Delete,
		p.ManageDownloadShare || q.ManageDownloadShare, p.ManageUploadShare || q.ManageUploadShare,
		p.ReadRecycleBin || q.ReadRecycleBin, p.RestoreRecycleBin || q.RestoreRecycleBin, p.DeleteRecycleBin || q.DeleteRecycleBin,
	}
}

func (p perms) any() bool { return p != perms{} }

// has reports a permission by its filter name (GET /nodes perm filter).
func (p perms) has(name string) bool {
	switch name {
	case "manage":
		return p.Manage
	case "read":
		return p.Read
	case "change":
		return p.Change
	case "create":
		return p.Create
	case "delete":
		return p.Delete
	case "manageDownloadShare":
		return p.ManageDownloadShare
	case "manageUploadShare":
		return p.ManageUploadShare
	case "canReadRecycleBin":
		return p.ReadRecycleBin
	case "canRestoreRecycleBin":
		return p.RestoreRecycleBin
	case "canDeleteRecycleBin":
		return p.DeleteRecycleBin
	}
	return false
}

// permissions returns u's effective permissions on n: the direct grant on
// the room, plus the parent room's effective permissions while the room
// inherits. Folders and files take their room's permissions.
func (st *state) permissions(n *node, uid int64) perms {
	for n != nil && n.typ != typeRoom {
		n = st.nodes[n.parentID]
	}
	if n == nil {
		return perms{}
	}
	p := n.userPerms[uid]
	for gid, gp := range n.groupPerms {
		if g := st.groups[gid]; g != nil && g.members[uid] && n.groupMemberAdmitted(gid, uid) {
			p = p.or(gp)
		}
	}
	if n.inheritPermissions && n.parentID != 0 {
		p = p.or(st.permissions(st.nodes[n.parentID], uid))
	}
	return p
}

// children returns the direct children of parentID (0 = top level) in id
// order. The slice belongs to the state; callers must not modify it.
func (st *state) children(parentID int64) []*node {
	return st.kids[parentID]
}

// browsable reports whether n is a room the user may open to reach a
// descendant room on which they hold permissions.
func (st *state) browsable(n *node, uid int64) bool {
	if n.typ != typeRoom {
		return false
	}
	for _, c := range st.children(n.id) {
		if c.typ == typeRoom && (st.permissions(c, uid).any() || st.browsable(c, uid)) {
			return true
		}
	}
	return false
}

// visible reports whether uid can see n at all; roomManagerView is the
// room_manager=true perspective of a ROOM_MANAGER (all rooms).
func (st *state) visible(n *node, uid int64, roomManagerView bool) bool {
	if roomManagerView && n.typ == typeRoom {
		return true
	}
	return st.permissions(n, uid).any() || st.browsable(n, uid)
}

// parentPath is "/" plus the ancestors' names joined by "/" plus "/";
// "/" for top-level rooms.
func (st *state) parentPath(n *node) string {
	var names []string
	for p := st.nodes[n.parentID]; p != nil; p = st.nodes[p.parentID] {
		names = append(names, p.name)
	}
	if len(names) == 0 {
		return "/"
	}
	slices.Reverse(names)
	return "/" + strings.Join(names, "/") + "/"
}

// authParentID is the room whose permissions apply to n.
func (st *state) authParentID(n *node) int64 {
	for n != nil && (n.typ != typeRoom || (n.inheritPermissions && n.parentID != 0)) {
		if n.parentID == 0 {
			break
		}
		n = st.nodes[n.parentID]
	}
	if n == nil {
		return 0
	}
	return n.id
}

func (st *state) hasManageableRooms(u *user) bool {
	for _, n := range st.nodes {
		if n.typ == typeRoom && st.permissions(n, u.id).Manage {
			return true
		}
	}
	return false
}

// bumpBranch sets a new branch version on n and all its ancestors.
func (st *state) bumpBranch(n *node, now time.Time) {
	v := st.nextBranchVersion(now)
	for ; n != nil; n = st.nodes[n.parentID] {
		n.branchVersion = v
	}
}

// nameTaken reports whether parentID already has a child called name
// (case-insensitive).
func (st *state) nameTaken(parentID int64, name string) bool {
	for _, c := range st.children(parentID) {
		if strings.EqualFold(c.name, name) {
			return true
		}
	}
	return false
}

// userInfoJSON is UserInfo.
type userInfoJSON struct {
	ID         int64  `json:"id"`
	UserType   string `json:"userType"`
	AvatarUUID string `json:"avatarUuid"`
	UserName   string `json:"userName,omitempty"`
	FirstName  string `json:"firstName"`
	LastName   string `json:"lastName"`
	Email      string `json:"email,omitempty"`
}

func userInfo(u *user) userInfoJSON {
	return userInfoJSON{ID: u.id, UserType: "internal", AvatarUUID: u.avatarUUID, UserName: u.login, FirstName: u.firstName, LastName: u.lastName, Email: u.email}
}

// deletedUserInfo stands for a user that no longer exists.
func deletedUserInfo(id int64) userInfoJSON {
	return userInfoJSON{ID: id, UserType: "deleted", AvatarUUID: "", FirstName: "Deleted", LastName: "User"}
}

func (st *state) userInfo(id int64) userInfoJSON {
	if id == externalUserID {
		return externalUserInfo()
	}
	if u := st.users[id]; u != nil {
		return userInfo(u)
	}
	return deletedUserInfo(id)
}

type encryptionInfoJSON struct {
	UserKeyState      string `json:"userKeyState"`
	RoomKeyState      string `json:"roomKeyState"`
	DataSpaceKeyState string `json:"dataSpaceKeyState"`
}

// nodeJSON is Node. Properties that stay out when they have no value are
// listed in OmittedWhenUnset["Node"]; referenceId is not in the 4.26.7
// schema but newer servers send it (nodes/dco3/node_ok.json).
type nodeJSON struct {
	ID                        int64               `json:"id"`
	ReferenceID               int64               `json:"referenceId"`
	Type                      string              `json:"type"`
	Name                      string              `json:"name"`
	TimestampCreation         apiTime             `json:"timestampCreation"`
	TimestampModification     apiTime             `json:"timestampModification"`
	ParentID                  *int64              `json:"parentId,omitempty"`
	ParentPath                string              `json:"parentPath"`
	CreatedAt                 apiTime             `json:"createdAt"`
	CreatedBy                 userInfoJSON        `json:"createdBy"`
	UpdatedAt                 apiTime             `json:"updatedAt"`
	UpdatedBy                 userInfoJSON        `json:"updatedBy"`
	ExpireAt                  *apiTime            `json:"expireAt,omitempty"`
	Hash                      string              `json:"hash,omitempty"`
	FileType                  string              `json:"fileType,omitempty"`
	MediaType                 string              `json:"mediaType,omitempty"`
	Size                      int64               `json:"size"`
	Classification            int                 `json:"classification"`
	Notes                     string              `json:"notes"`
	Permissions               perms               `json:"permissions"`
	InheritPermissions        *bool               `json:"inheritPermissions,omitempty"`
	IsEncrypted               bool                `json:"isEncrypted"`
	EncryptionInfo            *encryptionInfoJSON `json:"encryptionInfo,omitempty"`
	CntDeletedVersions        int                 `json:"cntDeletedVersions"`
	CntComments               int                 `json:"cntComments"`
	CntDownloadShares         int                 `json:"cntDownloadShares"`
	CntUploadShares           int                 `json:"cntUploadShares"`
	RecycleBinRetentionPeriod *int                `json:"recycleBinRetentionPeriod,omitempty"`
	HasActivitiesLog          *bool               `json:"hasActivitiesLog,omitempty"`
	Quota                     *int64              `json:"quota,omitempty"`
	IsFavorite                bool                `json:"isFavorite"`
	BranchVersion             int64               `json:"branchVersion"`
	IsBrowsable               *bool               `json:"isBrowsable,omitempty"`
	CntRooms                  *int                `json:"cntRooms,omitempty"`
	CntFolders                int                 `json:"cntFolders"`
	CntFiles                  int                 `json:"cntFiles"`
	AuthParentID              int64               `json:"authParentId"`
	CntChildren               int                 `json:"cntChildren"`
	HasRecycleBin             *bool               `json:"hasRecycleBin,omitempty"`
	CntAdmins                 *int                `json:"cntAdmins,omitempty"`
	CntUsers                  *int                `json:"cntUsers,omitempty"`
}

// nodeView is a node as one caller sees it.
type nodeView struct {
	n         *node
	perms     perms
	browsable bool
	st        *state
	uid       int64
}

func (st *state) view(n *node, uid int64) nodeView {
	return nodeView{n: n, perms: st.permissions(n, uid), browsable: st.browsable(n, uid), st: st, uid: uid}
}

// counts returns the direct child counts by type.
func (st *state) counts(n *node) (rooms, folders, files int) {
	for _, c := range st.children(n.id) {
		switch c.typ {
		case typeRoom:
			rooms++
		case typeFolder:
			folders++
		case typeFile:
			files++
		}
	}
	return
}

// toJSON renders v. withEncryptionInfo is set for single-node GETs only.
func (v nodeView) toJSON(withEncryptionInfo bool) nodeJSON {
	n, st := v.n, v.st
	rooms, folders, files := st.counts(n)
	j := nodeJSON{
		ID:                    n.id,
		ReferenceID:           n.id,
		Type:                  n.typ,
		Name:                  n.name,
		TimestampCreation:     apiTime(n.tsCreation),
		TimestampModification: apiTime(n.tsModification),
		ParentPath:            st.parentPath(n),
		CreatedAt:             apiTime(n.createdAt),
		CreatedBy:             st.userInfo(n.createdBy),
		UpdatedAt:             apiTime(n.updatedAt),
		UpdatedBy:             st.userInfo(n.updatedBy),
		Classification:        n.classification,
		Notes:                 n.notes,
		Permissions:           v.perms,
		IsEncrypted:           n.isEncrypted,
		BranchVersion:         n.branchVersion,
		CntFolders:            folders,
		CntFiles:              files,
		AuthParentID:          st.authParentID(n),
		CntChildren:           rooms + folders + files,
		IsFavorite:            n.favoredBy[v.uid],
		CntComments:           st.commentCount(n.id),
		CntDeletedVersions:    st.deletedVersionCount(n),
		CntDownloadShares:     st.downloadShareCount(n.id),
		CntUploadShares:       st.uploadShareCount(n.id),
	}
	if !n.expireAt.IsZero() {
		t := apiTime(n.expireAt)
		j.ExpireAt = &t
	}
	if n.typ == typeFile {
		j.ReferenceID = n.referenceID
		j.Size = n.size
		j.Hash = n.hash
		j.FileType = fileType(n.name)
		j.MediaType = mediaType(n.name)
	} else {
		j.Size = st.treeSize(n)
	}
	if n.parentID != 0 {
		p := n.parentID
		j.ParentID = &p
	}
	if n.typ == typeRoom {
		inherit, retention, activities, quota := n.inheritPermissions, n.retentionPeriod, n.hasActivitiesLog, n.quota
		browsable, recycle := v.perms.any() || v.browsable, true
		admins, users := 0, 0
		for _, p := range n.userPerms {
			if p.Manage {
				admins++
			}
			if p.any() {
				users++
			}
		}
		j.InheritPermissions = &inherit
		j.RecycleBinRetentionPeriod = &retention
		j.HasActivitiesLog = &activities
		j.Quota = &quota
		j.IsBrowsable = &browsable
		j.CntRooms = &rooms
		j.HasRecycleBin = &recycle
		j.CntAdmins = &admins
		j.CntUsers = &users
	}
	if withEncryptionInfo {
		j.EncryptionInfo = &encryptionInfoJSON{UserKeyState: "none", RoomKeyState: "none", DataSpaceKeyState: "none"}
	}
	return j
}

type nodeListJSON struct {
	Range rangeJSON  `json:"range"`
	Items []nodeJSON `json:"items"`
}

var nodeTypeOrder = map[string]int{typeRoom: 0, typeFolder: 1, typeFile: 2}

var permNames = []string{"manage", "read", "change", "create", "delete", "manageDownloadShare", "manageUploadShare", "canReadRecycleBin", "canRestoreRecycleBin", "canDeleteRecycleBin"}

func userSortName(st *state, id int64) string {
	u := st.userInfo(id)
	return u.FirstName + " " + u.LastName
}

// nodeListSpec is the filter/sort table of GET /nodes.
var nodeListSpec = &listSpec[nodeView]{
	filters: map[string]filterField[nodeView]{
		"type":                  {kind: kindEnum, ops: []string{"eq"}, enum: []string{typeRoom, typeFolder, typeFile}, str: func(v nodeView) string { return v.n.typ }},
		"perm":                  {kind: kindEnum, ops: []string{"eq"}, enum: permNames, match: func(v nodeView, p string) bool { return v.perms.has(p) }},
		"childPerm":             {kind: kindEnum, ops: []string{"eq"}, enum: permNames, match: func(v nodeView, p string) bool { return v.perms.has(p) }},
		"name":                  {kind: kindString, ops: []string{"cn", "eq"}, str: func(v nodeView) string { return v.n.name }},
		"encrypted":             {kind: kindBool, ops: []string{"eq"}, bl: func(v nodeView) bool { return v.n.isEncrypted }},
		"branchVersion":         {kind: kindInt, ops: []string{"ge", "le"}, num: func(v nodeView) int64 { return v.n.branchVersion }},
		"referenceId":           {kind: kindInt, ops: []string{"eq"}, num: func(v nodeView) int64 { return v.n.id }},
		"timestampCreation":     {kind: kindTime, ops: []string{"ge", "le"}, tm: func(v nodeView) time.Time { return v.n.tsCreation }},
		"timestampModification": {kind: kindTime, ops: []string{"ge", "le"}, tm: func(v nodeView) time.Time { return v.n.tsModification }},
	},
	sorts: map[string]func(a, b nodeView) int{
		"name":      func(a, b nodeView) int { return compareFold(a.n.name, b.n.name) },
		"createdAt": func(a, b nodeView) int { return a.n.createdAt.Compare(b.n.createdAt) },
		"createdBy": func(a, b nodeView) int {
			return compareFold(userSortName(a.st, a.n.createdBy), userSortName(b.st, b.n.createdBy))
		},
		"updatedAt": func(a, b nodeView) int { return a.n.updatedAt.Compare(b.n.updatedAt) },
		"updatedBy": func(a, b nodeView) int {
			return compareFold(userSortName(a.st, a.n.updatedBy), userSortName(b.st, b.n.updatedBy))
		},
		"fileType":              func(a, b nodeView) int { return compareFold(fileType(a.n.name), fileType(b.n.name)) },
		"classification":        func(a, b nodeView) int { return a.n.classification - b.n.classification },
		"size":                  func(a, b nodeView) int { return cmp.Compare(a.st.treeSize(a.n), b.st.treeSize(b.n)) },
		"cntDeletedVersions":    func(a, b nodeView) int { return a.st.deletedVersionCount(a.n) - b.st.deletedVersionCount(b.n) },
		"timestampCreation":     func(a, b nodeView) int { return a.n.tsCreation.Compare(b.n.tsCreation) },
		"timestampModification": func(a, b nodeView) int { return a.n.tsModification.Compare(b.n.tsModification) },
		"cntChildren":           func(a, b nodeView) int { return len(a.st.children(a.n.id)) - len(b.st.children(b.n.id)) },
		"cntAdmins":             func(a, b nodeView) int { return countPerms(a.n, true) - countPerms(b.n, true) },
		"cntUsers":              func(a, b nodeView) int { return countPerms(a.n, false) - countPerms(b.n, false) },
	},
	group:       func(v nodeView) int { return nodeTypeOrder[v.n.typ] },
	tiebreak:    func(a, b nodeView) int { return int(a.n.id - b.n.id) },
	defaultSort: []sortKey{{field: "name"}},
}

func countPerms(n *node, manageOnly bool) int {
	c := 0
	for _, p := range n.userPerms {
		if (manageOnly && p.Manage) || (!manageOnly && p.any()) {
			c++
		}
	}
	return c
}

func (e *Emulator) nodeRoutes(r chi.Router) {
	r.Get("/nodes", produces(mediaJSON, e.handleListNodes))
	r.Get("/nodes/{node_id}", produces(mediaJSON, e.handleGetNode))
	r.Post("/nodes/rooms", produces(mediaJSON, e.handleCreateRoom))
	e.treeRoutes(r)
}

// parseID reads a positive int64 id.
func parseID(s string) (int64, *apiError) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errInvalidNumber
	}
	if n <= 0 {
		return 0, errPositiveNumber
	}
	return n, nil
}

func (e *Emulator) handleListNodes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var parentID int64
	if s := q.Get("parent_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			writeError(w, errInvalidNumber)
			return
		}
		parentID = n
	}
	depth := 0
	if s := q.Get("depth_level"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < -1 {
			writeError(w, errInvalidNumber)
			return
		}
		depth = n
	}
	roomManager, err := queryBoolParam(r, "room_manager")
	if err != nil {
		writeError(w, err)
		return
	}
	lq, err := parseListQuery(r, nodeListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	rmView := roomManager && e.st.hasRole(uid, roleRoomManager)
	if parentID != 0 {
		p := e.st.nodes[parentID]
		if p == nil || !e.st.visible(p, uid, rmView) {
			writeError(w, errNodeNotFound)
			return
		}
		if p.typ == typeFile {
			writeError(w, errContainerNotFound)
			return
		}
	}
	views := e.st.collect(parentID, depth, uid, rmView)
	page, rng := nodeListSpec.apply(views, lq)
	out := nodeListJSON{Range: rng, Items: make([]nodeJSON, 0, len(page))}
	for _, v := range page {
		out.Items = append(out.Items, v.toJSON(false))
	}
	writeJSON(w, http.StatusOK, out)
}

// collect returns the nodes below parentID that uid can see, depth levels
// deep (0 = children only, -1 = the whole tree), parents before children.
func (st *state) collect(parentID int64, depth int, uid int64, rmView bool) []nodeView {
	var views []nodeView
	var walk func(parent int64, level int)
	walk = func(parent int64, level int) {
		for _, c := range st.children(parent) {
			if !st.visible(c, uid, rmView) {
				continue
			}
			views = append(views, st.view(c, uid))
			if depth == -1 || level < depth {
				walk(c.id, level+1)
			}
		}
	}
	walk(parentID, 0)
	return views
}

func (e *Emulator) handleGetNode(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(chi.URLParam(r, "node_id"))
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.st.nodes[id]
	if n == nil || !e.st.visible(n, uid, false) {
		writeError(w, errNodeNotFound)
		return
	}
	writeJSON(w, http.StatusOK, e.st.view(n, uid).toJSON(true))
}

// createRoomRequest is CreateRoomRequest; pointers tell absent values.
type createRoomRequest struct {
	Name                      string  `json:"name"`
	ParentID                  *int64  `json:"parentId"`
	RecycleBinRetentionPeriod *int    `json:"recycleBinRetentionPeriod"`
	Quota                     *int64  `json:"quota"`
	InheritPermissions        *bool   `json:"inheritPermissions"`
	AdminIDs                  []int64 `json:"adminIds"`
	AdminGroupIDs             []int64 `json:"adminGroupIds"`
	NewGroupMemberAcceptance  *string `json:"newGroupMemberAcceptance"`
	Notes                     *string `json:"notes"`
	HasActivitiesLog          *bool   `json:"hasActivitiesLog"`
	Classification            *int    `json:"classification"`
	TimestampCreation         *string `json:"timestampCreation"`
	TimestampModification     *string `json:"timestampModification"`
	HasRecycleBin             *bool   `json:"hasRecycleBin"` // deprecated; only true is allowed
}

const maxNotes = 255

// createRoom validates req and creates the room for caller uid. Order of
// checks: existence (404) → permission (403) → validation (400) →
// referenced users/groups (404) → conflict (409). Callers hold e.mu.
func (e *Emulator) createRoom(uid int64, req *createRoomRequest) (*node, *apiError) {
	st := e.st
	caller := st.users[uid]
	if caller == nil {
		return nil, errWrongToken
	}
	var parent *node
	if req.ParentID != nil && *req.ParentID != 0 {
		parent = st.nodes[*req.ParentID]
		if parent == nil || !st.visible(parent, uid, st.hasRole(uid, roleRoomManager)) {
			return nil, errContainerNotFound
		}
		if parent.typ != typeRoom {
			return nil, errContainerNotFound.withDebug("Rooms may only have rooms as parent")
		}
		if !st.permissions(parent, uid).Manage {
			return nil, errForbidden
		}
	} else if !st.hasRole(uid, roleRoomManager) {
		return nil, errForbidden
	}
	if err := validateNodeName(req.Name); err != nil {
		return nil, err
	}
	if err := checkNotes(req.Notes); err != nil {
		return nil, err
	}
	classification := 2
	if err := checkClassification(req.Classification); err != nil {
		return nil, err
	}
	if req.Classification != nil {
		classification = *req.Classification
	}
	retention := 0
	if req.RecycleBinRetentionPeriod != nil {
		if *req.RecycleBinRetentionPeriod < 0 || *req.RecycleBinRetentionPeriod > 9999 {
			return nil, errNotBetween
		}
		retention = *req.RecycleBinRetentionPeriod
	}
	var quota int64
	if req.Quota != nil {
		if *req.Quota < 0 {
			return nil, errPositiveNumber
		}
		quota = *req.Quota
	}
	acceptance := "autoallow"
	if req.NewGroupMemberAcceptance != nil {
		switch *req.NewGroupMemberAcceptance {
		case "autoallow", "pending":
			acceptance = *req.NewGroupMemberAcceptance
		default:
			return nil, errInvalidAcceptance
		}
	}
	if req.HasRecycleBin != nil && !*req.HasRecycleBin {
		return nil, errRecycleBinOff
	}
	inherit := parent != nil
	if req.InheritPermissions != nil {
		inherit = *req.InheritPermissions
	}
	if inherit && parent == nil {
		return nil, errInheritTopLevel
	}
	now := e.clock.now()
	tsCreation, tsModification := now, now
	if err := parseTimestamps(timestampPair(req.TimestampCreation, &tsCreation), timestampPair(req.TimestampModification, &tsModification)); err != nil {
		return nil, err
	}
	for _, id := range req.AdminIDs {
		if st.users[id] == nil {
			return nil, errUserNotFound
		}
	}
	for _, id := range req.AdminGroupIDs {
		if st.groups[id] == nil {
			return nil, errGroupNotFound
		}
	}
	if len(req.AdminIDs) == 0 && len(req.AdminGroupIDs) == 0 && !inherit {
		return nil, errNeedAdmin
	}
	var parentID int64
	if parent != nil {
		parentID = parent.id
	}
	if st.nameTaken(parentID, req.Name) {
		return nil, errNodeNameExists
	}
	n := &node{
		id:                       st.nodeSeq.next(),
		parentID:                 parentID,
		typ:                      typeRoom,
		name:                     req.Name,
		createdAt:                now,
		createdBy:                uid,
		updatedAt:                now,
		updatedBy:                uid,
		tsCreation:               tsCreation,
		tsModification:           tsModification,
		classification:           classification,
		inheritPermissions:       inherit,
		quota:                    quota,
		retentionPeriod:          retention,
		hasActivitiesLog:         req.HasActivitiesLog == nil || *req.HasActivitiesLog,
		newGroupMemberAcceptance: acceptance,
		userPerms:                map[int64]perms{},
		groupPerms:               map[int64]perms{},
	}
	if req.Notes != nil {
		n.notes = *req.Notes
	}
	for _, id := range req.AdminIDs {
		n.userPerms[id] = fullPerms()
	}
	for _, id := range req.AdminGroupIDs {
		st.grantGroup(n, id, fullPerms(), acceptance)
	}
	st.nodes[n.id] = n
	st.kids[parentID] = append(st.kids[parentID], n)
	st.bumpBranch(n, now)
	return n, nil
}

func (e *Emulator) handleCreateRoom(w http.ResponseWriter, r *http.Request) {
	var req createRoomRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.createRoom(uid, &req)
	if err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opRoomCreated, n.id, n.name)
	writeJSON(w, http.StatusCreated, e.st.view(n, uid).toJSON(false))
}

// RoomSpec describes a room for CreateRoom.
type RoomSpec struct {
	Name string
	// ParentID is the parent room; 0 creates a top-level room.
	ParentID int64
	// AdminIDs get full permissions; empty means the admin user for rooms
	// that do not inherit permissions.
	AdminIDs []int64
	// InheritPermissions defaults to false at top level, true below.
	InheritPermissions *bool
	Quota              int64
	Classification     int // 1–4; 0 takes the default (2)
	Notes              string
}

// CreateRoom creates a room as the admin user, with the same validation
// as POST /api/v4/nodes/rooms, and returns its id.
func (e *Emulator) CreateRoom(spec RoomSpec) (int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	admin := e.st.userByLogin(AdminLogin)
	if admin == nil {
		return 0, errors.New("emulator: the admin user is gone")
	}
	req := &createRoomRequest{Name: spec.Name, AdminIDs: spec.AdminIDs, InheritPermissions: spec.InheritPermissions}
	if spec.ParentID != 0 {
		req.ParentID = &spec.ParentID
	}
	inherit := spec.ParentID != 0
	if spec.InheritPermissions != nil {
		inherit = *spec.InheritPermissions
	}
	if len(req.AdminIDs) == 0 && !inherit {
		req.AdminIDs = []int64{admin.id}
	}
	if spec.Quota != 0 {
		req.Quota = &spec.Quota
	}
	if spec.Classification != 0 {
		req.Classification = &spec.Classification
	}
	if spec.Notes != "" {
		req.Notes = &spec.Notes
	}
	n, err := e.createRoom(admin.id, req)
	if err != nil {
		return 0, errors.New("emulator: create room: " + err.debugInfo)
	}
	return n.id, nil
}
