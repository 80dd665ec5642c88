package emulator

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Shared helpers of the node tree: the extra state (recycle bin,
// comments), structural changes (attach, detach, subtree walks), name
// conflicts and autorename, and the Go-level file seeding API.

// treeState is node state kept beside the tree itself. Its maps are made
// on first use, so the seed needs no change.
type treeState struct {
	// deleted is the recycle bin by deleted-node id.
	deleted map[int64]*deletedNode
	// comments by comment id, and their ids per node in creation order.
	comments       map[int64]*comment
	commentsByNode map[int64][]int64
	commentSeq     sequence
}

func (t *treeState) init() {
	if t.deleted == nil {
		t.deleted = map[int64]*deletedNode{}
		t.comments = map[int64]*comment{}
		t.commentsByNode = map[int64][]int64{}
	}
}

// Errors of the node endpoints (texts from the 4.26.7 error catalogue).
var (
	errNodeExists         = newAPIError(409, -41001, "Node exists already")
	errNoOverwrite        = newAPIError(409, -40010, "Container cannot be overwritten")
	errIntoChild          = newAPIError(409, -41304, "Node cannot be copied or moved into its child node")
	errRoomNoCopy         = newAPIError(400, -41052, "Rooms cannot be copied or moved")
	errFileTarget         = newAPIError(400, -41053, "File cannot be target of a copy or move operation")
	errSameParent         = newAPIError(400, -41054, "Nodes of a copy, move or delete operation must be in same parent")
	errSourceNotFound     = newAPIError(404, -41050, "Source node not found")
	errTargetNotFound     = newAPIError(404, -41051, "Target node not found")
	errDeletedNotFound    = newAPIError(404, -41100, "Deleted node not found")
	errKeepLinks          = newAPIError(400, -80034, "Keeping Share Links is only allowed with conflict mode overwrite")
	errExpirationPast     = newAPIError(400, -80006, "Expiration date is in the past")
	errTooManyItems       = newAPIError(400, -80063, "Too many items")
	errRoomNotEncrypted   = newAPIError(400, -40001, "(Target) room is not encrypted")
	errRoomEncrypted      = newAPIError(400, -40002, "(Target) room is encrypted")
	errEncryptedRestore   = newAPIError(400, -40013, "Encrypted file cannot be restored inside another than its original room")
	errPathTooLong        = newAPIError(400, -41200, "Path is too long")
	errInvalidResolution  = errInvalidParameter.withDebug("Invalid resolution strategy")
	errInvalidNodeType    = errInvalidParameter.withDebug("Invalid node type")
	errTakeoverTopLevel   = newAPIError(400, -40019, "Takeover of permissions cannot be enabled for top level rooms")
	errRoomHasFiles       = newAPIError(400, -40008, "Room with files cannot be encrypted")
	errRoomHasFilesPlain  = newAPIError(400, -40003, "Room with files cannot be unencrypted")
	errBinNotEmptyEncrypt = newAPIError(400, -40012, "Room with not empty recycle bin cannot be encrypted")
	errBinNotEmptyDecrypt = newAPIError(400, -40018, "Room with not empty recycle bin cannot be decrypted")
	errCryptoDisabled     = newAPIError(400, -90020, "Client-side encryption is not enabled")
	errOneRescueKey       = newAPIError(400, -40004, "Only one room emergency password (rescue key) is allowed")
)

// Resolution strategies of copy, move, restore and uploads.
const (
	resolveAutorename = "autorename"
	resolveOverwrite  = "overwrite"
	resolveFail       = "fail"
)

// parseResolution checks an optional resolutionStrategy and the
// keepShareLinks flag that only overwrite allows.
func parseResolution(s *string, keepLinks *bool) (string, *apiError) {
	strategy := resolveAutorename
	if s != nil {
		switch *s {
		case resolveAutorename, resolveOverwrite, resolveFail:
			strategy = *s
		default:
			return "", errInvalidResolution
		}
	}
	if keepLinks != nil && *keepLinks && strategy != resolveOverwrite {
		return "", errKeepLinks
	}
	return strategy, nil
}

// sameName compares node names the way conflicts are detected.
func sameName(a, b string) bool {
	if namesClashIgnoringCase {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// batchNames records the names the items of one request take, so that
// two items landing on one name in one parent are noticed before anything
// changes.
type batchNames map[string]bool

// claim reports whether name in parentID is still free within the batch
// and takes it.
func (b batchNames) claim(parentID int64, name string) bool {
	if namesClashIgnoringCase {
		name = strings.ToLower(name)
	}
	key := strconv.FormatInt(parentID, 10) + "/" + name
	if b[key] {
		return false
	}
	b[key] = true
	return true
}

// childNamed returns the child of parentID called name, or nil.
func (st *state) childNamed(parentID int64, name string) *node {
	for _, c := range st.children(parentID) {
		if sameName(c.name, name) {
			return c
		}
	}
	return nil
}

// autorename returns the first free "stem (n).ext" in parentID: the
// counter goes before the last extension of files; folders and names that
// start with their only dot get it at the end.
func (st *state) autorename(parentID int64, name, typ string) string {
	stem, ext := name, ""
	if typ == typeFile {
		if i := strings.LastIndexByte(name, '.'); i > 0 {
			stem, ext = name[:i], name[i:]
		}
	}
	for n := 1; ; n++ {
		candidate := stem + " (" + strconv.Itoa(n) + ")" + ext
		if st.childNamed(parentID, candidate) == nil {
			return candidate
		}
	}
}

// attach adds n below its parentID, keeping kids in id order.
func (st *state) attach(n *node) {
	st.nodes[n.id] = n
	list := st.kids[n.parentID]
	i, _ := slices.BinarySearchFunc(list, n.id, func(c *node, id int64) int { return int(c.id - id) })
	st.kids[n.parentID] = slices.Insert(list, i, n)
}

// detach removes n from its parent's children (n stays in st.nodes).
func (st *state) detach(n *node) {
	st.kids[n.parentID] = slices.DeleteFunc(st.kids[n.parentID], func(c *node) bool { return c == n })
	if len(st.kids[n.parentID]) == 0 {
		delete(st.kids, n.parentID)
	}
}

// subtree returns n and all its descendants, parents before children.
func (st *state) subtree(n *node) []*node {
	out := []*node{n}
	for i := 0; i < len(out); i++ {
		out = append(out, st.children(out[i].id)...)
	}
	return out
}

// forget removes n and its descendants from the tree and the indexes of
// comments (favourites go with the nodes).
func (st *state) forget(n *node) {
	st.detach(n)
	for _, d := range st.subtree(n) {
		delete(st.nodes, d.id)
		delete(st.kids, d.id)
		st.tree.init()
		for _, cid := range st.tree.commentsByNode[d.id] {
			delete(st.tree.comments, cid)
		}
		delete(st.tree.commentsByNode, d.id)
	}
}

// roomOf returns the nearest room at or above n.
func (st *state) roomOf(n *node) *node {
	for n != nil && n.typ != typeRoom {
		n = st.nodes[n.parentID]
	}
	return n
}

// isWithin reports whether n is anc or lies below it.
func (st *state) isWithin(n, anc *node) bool {
	for ; n != nil; n = st.nodes[n.parentID] {
		if n == anc {
			return true
		}
	}
	return false
}

// treeSize is a file's size or the sum of the file sizes below a
// container.
func (st *state) treeSize(n *node) int64 {
	if n.typ == typeFile {
		return n.size
	}
	var sum int64
	for _, c := range st.children(n.id) {
		sum += st.treeSize(c)
	}
	return sum
}

// hasFiles reports whether any file lies below n (sub-rooms excluded).
func (st *state) hasFiles(n *node) bool {
	for _, c := range st.children(n.id) {
		if c.typ == typeFile || (c.typ == typeFolder && st.hasFiles(c)) {
			return true
		}
	}
	return false
}

// lookupNode finds node id for caller uid: missing and invisible nodes
// are both notFound (never a hint that a hidden node exists).
func (st *state) lookupNode(id, uid int64, notFound *apiError) (*node, *apiError) {
	n := st.nodes[id]
	if n == nil || !st.visible(n, uid, false) {
		return nil, notFound
	}
	return n, nil
}

// urlID reads the chi URL parameter name as a positive id.
func urlID(r *http.Request, name string) (int64, *apiError) {
	return parseID(chi.URLParam(r, name))
}

// fileType is the extension without the dot ("" when there is none).
func fileType(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 && i < len(name)-1 {
		return strings.ToLower(name[i+1:])
	}
	return ""
}

// mediaTypes is a fixed extension table, so answers do not depend on the
// host's mime database.
var mediaTypes = map[string]string{
	"txt": "text/plain", "csv": "text/csv", "html": "text/html", "htm": "text/html", "xml": "application/xml",
	"json": "application/json", "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip",
	"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml",
	"webp": "image/webp", "mp3": "audio/mpeg", "mp4": "video/mp4", "md": "text/markdown",
	"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// mediaType derives a file's media type from its extension.
func mediaType(name string) string {
	if t, ok := mediaTypes[fileType(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

// checkPathLength applies the path limit to name below parent.
func (st *state) checkPathLength(parent *node, name string) *apiError {
	p := "/"
	if parent != nil {
		p = st.parentPath(parent) + parent.name + "/"
	}
	if len(p)+len(name) > maxPathLength {
		return errPathTooLong
	}
	return nil
}

// tsInput pairs an optional request timestamp with the time it sets.
type tsInput struct {
	in  *string
	out *time.Time
}

// timestampPair builds a tsInput.
func timestampPair(in *string, out *time.Time) tsInput { return tsInput{in, out} }

// parseTimestamps reads optional timestampCreation/Modification values
// into their targets (milliseconds, UTC); absent or empty values leave
// the target alone.
func parseTimestamps(pairs ...tsInput) *apiError {
	for _, ts := range pairs {
		if ts.in == nil || *ts.in == "" {
			continue
		}
		t, err := parseDate(*ts.in)
		if err != nil {
			return err
		}
		*ts.out = t
	}
	return nil
}

// checkNotes bounds notes to 255 characters.
func checkNotes(notes *string) *apiError {
	if notes != nil && utf8.RuneCountInString(*notes) > maxNotes {
		return errTooLong
	}
	return nil
}

// touch records a change of n by uid and bumps the branch versions.
func (st *state) touch(n *node, uid int64, now time.Time) {
	n.updatedAt, n.updatedBy = now, uid
	st.bumpBranch(n, now)
}

// FileSpec describes a file for CreateFile: tests and examples seed files
// through this without an upload.
type FileSpec struct {
	// ParentID is the room or folder that holds the file (required).
	ParentID int64
	Name     string
	// Content is written to the blob store and served by the download
	// endpoints.
	Content []byte
	// Size defaults to len(Content); set it to pretend a bigger file
	// without storing its bytes.
	Size int64
	// Hash defaults to the MD5 hex digest of Content.
	Hash string
	// Classification 1–4; 0 takes the room's classification.
	Classification int
	Notes          string
	// ExpireAt, when not zero, sets an expiration.
	ExpireAt time.Time
	// CreatorID is the creating user (default: the admin user).
	CreatorID int64
	// TimestampCreation and TimestampModification default to now.
	TimestampCreation, TimestampModification time.Time
}

// CreateFile creates a file under spec.ParentID, with the name rules and
// the conflict rule of uploads (409 on an existing name), and returns its
// id.
func (e *Emulator) CreateFile(spec FileSpec) (int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	parent := st.nodes[spec.ParentID]
	if parent == nil || parent.typ == typeFile {
		return 0, fmt.Errorf("emulator: create file: parent %d is not a room or folder", spec.ParentID)
	}
	if err := validateNodeName(spec.Name); err != nil {
		return 0, fmt.Errorf("emulator: create file %q: %s", spec.Name, err.debugInfo)
	}
	if st.childNamed(parent.id, spec.Name) != nil {
		return 0, fmt.Errorf("emulator: create file %q: %s", spec.Name, errNodeNameExists.debugInfo)
	}
	if spec.Classification < 0 || spec.Classification > 4 || spec.Size < 0 {
		return 0, errors.New("emulator: create file: classification must be 0–4 and size not negative")
	}
	creator := spec.CreatorID
	if creator == 0 {
		if a := st.userByLogin(AdminLogin); a != nil {
			creator = a.id
		}
	} else if st.users[creator] == nil {
		return 0, fmt.Errorf("emulator: create file: no user %d", creator)
	}
	data, sum, serr := storeBytes(e.store, spec.Content)
	if serr != nil {
		return 0, fmt.Errorf("emulator: create file: %w", serr)
	}
	n := e.newFile(parent, spec.Name, data, sum, creator)
	if spec.Size != 0 {
		n.size = spec.Size
	}
	if spec.Hash != "" {
		n.hash = spec.Hash
	}
	if spec.Classification != 0 {
		n.classification = spec.Classification
	}
	n.notes = spec.Notes
	n.expireAt = spec.ExpireAt.UTC().Truncate(time.Millisecond)
	if !spec.TimestampCreation.IsZero() {
		n.tsCreation = spec.TimestampCreation.UTC().Truncate(time.Millisecond)
	}
	if !spec.TimestampModification.IsZero() {
		n.tsModification = spec.TimestampModification.UTC().Truncate(time.Millisecond)
	}
	st.attach(n)
	st.bumpBranch(n, n.createdAt)
	return n.id, nil
}

// newFile builds (but does not attach) a file node with content data
// (nil for an empty file) and its MD5 hex digest ("": unknown).
func (e *Emulator) newFile(parent *node, name string, data *fileData, sum string, uid int64) *node {
	st := e.st
	now := e.clock.now()
	id := st.nodeSeq.next()
	room := st.roomOf(parent)
	if data == nil {
		data = &fileData{}
	}
	if sum == "" && data.size == 0 {
		sum = emptyMD5
	}
	n := &node{
		id: id, parentID: parent.id, typ: typeFile, name: name,
		createdAt: now, createdBy: uid, updatedAt: now, updatedBy: uid,
		tsCreation: now, tsModification: now,
		classification: room.classification, referenceID: id,
		data: data, size: data.size, hash: sum,
		isEncrypted: room.isEncrypted,
	}
	return n
}

// emptyMD5 is the MD5 hex digest of no bytes.
const emptyMD5 = "d41d8cd98f00b204e9800998ecf8427e"

// FileContent returns the stored bytes of file id (ciphertext for
// encrypted files), read from the blob store. It is for tests: it reads
// the whole file into memory.
func (e *Emulator) FileContent(id int64) ([]byte, error) {
	e.mu.Lock()
	n := e.st.nodes[id]
	if n == nil || n.typ != typeFile {
		e.mu.Unlock()
		return nil, fmt.Errorf("emulator: no file %d", id)
	}
	data := n.data
	e.mu.Unlock()
	c, err := openContent(e.store, data)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return io.ReadAll(io.NewSectionReader(c, 0, c.size))
}

// FolderSpec describes a folder for CreateFolder.
type FolderSpec struct {
	// ParentID is the room or folder that holds the folder.
	ParentID int64
	Name     string
	Notes    string
}

// CreateFolder creates a folder as the admin user, with the checks of
// POST /api/v4/nodes/folders except permissions, and returns its id.
func (e *Emulator) CreateFolder(spec FolderSpec) (int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	admin := e.st.userByLogin(AdminLogin)
	if admin == nil {
		return 0, errors.New("emulator: the admin user is gone")
	}
	parent := e.st.nodes[spec.ParentID]
	if parent == nil {
		return 0, fmt.Errorf("emulator: create folder: no parent %d", spec.ParentID)
	}
	notes := spec.Notes
	n, err := e.createFolder(parent, admin.id, spec.Name, &notes, nil, nil)
	if err != nil {
		return 0, errors.New("emulator: create folder: " + err.debugInfo)
	}
	return n.id, nil
}

// treeRoutes registers the node endpoints beyond GET /nodes, GET
// /nodes/{node_id} and POST /nodes/rooms.
func (e *Emulator) treeRoutes(r chi.Router) {
	j := func(h http.HandlerFunc) http.HandlerFunc { return produces(mediaJSON, h) }
	r.Get("/nodes/search", j(e.handleSearchNodes))
	r.Get("/nodes/{node_id}/parents", j(e.handleGetParents))
	r.Delete("/nodes/{node_id}", j(e.handleDeleteNode))
	r.Delete("/nodes", j(e.handleDeleteNodes))
	r.Post("/nodes/{node_id}/copy_to", j(e.handleCopyNodes))
	r.Post("/nodes/{node_id}/move_to", j(e.handleMoveNodes))

	r.Post("/nodes/folders", j(e.handleCreateFolder))
	r.Put("/nodes/folders/{folder_id}", j(e.handleUpdateFolder))
	r.Put("/nodes/files/{file_id}", j(e.handleUpdateFile))
	r.Put("/nodes/files", j(e.handleUpdateFiles))
	r.Get("/nodes/files/versions/{reference_id}", j(e.handleFileVersions))

	r.Get("/nodes/{node_id}/deleted_nodes", j(e.handleDeletedSummary))
	r.Delete("/nodes/{node_id}/deleted_nodes", j(e.handleEmptyBin))
	r.Get("/nodes/{node_id}/deleted_nodes/versions", j(e.handleDeletedVersions))
	r.Get("/nodes/deleted_nodes/{deleted_node_id}", j(e.handleGetDeletedNode))
	r.Delete("/nodes/deleted_nodes", j(e.handlePurgeDeleted))
	r.Post("/nodes/deleted_nodes/actions/restore", j(e.handleRestore))

	r.Get("/nodes/{node_id}/comments", j(e.handleListComments))
	r.Post("/nodes/{node_id}/comments", j(e.handleCreateComment))
	r.Put("/nodes/comments/{comment_id}", j(e.handleUpdateComment))
	r.Delete("/nodes/comments/{comment_id}", j(e.handleDeleteComment))

	r.Post("/nodes/{node_id}/favorite", j(e.handleAddFavorite))
	r.Delete("/nodes/{node_id}/favorite", j(e.handleRemoveFavorite))
	r.Put("/nodes/favorites", j(e.handleUpdateFavorites))

	r.Put("/nodes/rooms/{room_id}", j(e.handleUpdateRoom))
	r.Put("/nodes/rooms/{room_id}/config", j(e.handleConfigRoom))
	r.Put("/nodes/rooms/{room_id}/encrypt", j(e.handleEncryptRoom))
	r.Get("/nodes/rooms/{room_id}/policies", j(e.handleGetRoomPolicies))
	r.Put("/nodes/rooms/{room_id}/policies", j(e.handleSetRoomPolicies))
	r.Get("/nodes/rooms/{room_id}/webhooks", j(e.handleGetRoomWebhooks))
	r.Put("/nodes/rooms/{room_id}/webhooks", j(e.handleSetRoomWebhooks))
	r.Get("/nodes/rooms/{room_id}/users", j(e.handleRoomUsers))
	r.Put("/nodes/rooms/{room_id}/users", j(e.handleGrantRoomUsers))
	r.Delete("/nodes/rooms/{room_id}/users", j(e.handleRevokeRoomGrants(false)))
	r.Get("/nodes/rooms/{room_id}/groups", j(e.handleRoomGroups))
	r.Put("/nodes/rooms/{room_id}/groups", j(e.handleGrantRoomGroups))
	r.Delete("/nodes/rooms/{room_id}/groups", j(e.handleRevokeRoomGrants(true)))
	r.Get("/nodes/rooms/pending", j(e.handlePendingList))
	r.Put("/nodes/rooms/pending", j(e.handlePendingUpdate))
}
