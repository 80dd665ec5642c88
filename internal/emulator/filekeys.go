package emulator

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// File keys: GET /nodes/files/{file_id}/user_file_key, GET
// /nodes/missingFileKeys, POST /nodes/files/keys. The emulator stores the
// encrypted file keys exactly as sent, one per user and key-pair version,
// and never decrypts anything (emulator-spec §4.6).

var (
	errFileKeyNotFound  = newAPIError(404, -40761, "File key not found")
	errNoFileKeyToShare = newAPIError(403, -40761, "File key not found")
	errCallerNoKeyPair  = newAPIError(403, -70020, "User does not have a keypair")
	errBadFileKeyVer    = newAPIError(400, -40762, "Invalid file key version")
	errBadUseKey        = errInvalidParameter.withDebug("Invalid use_key value")
)

// maxMissingKeys caps one page of the missing-keys list.
const maxMissingKeys = 100

// keyPairVersionOf maps a file key's version to the version of the key
// pair it is encrypted for ("" for unknown versions).
func keyPairVersionOf(fileKeyVersion string) string {
	switch fileKeyVersion {
	case "A":
		return "A"
	case "RSA-4096/AES-256-GCM":
		return "RSA-4096"
	}
	return ""
}

func cloneFileKeys(m map[int64]map[string]fileKeyJSON) map[int64]map[string]fileKeyJSON {
	if m == nil {
		return nil
	}
	out := make(map[int64]map[string]fileKeyJSON, len(m))
	for uid, k := range m {
		out[uid] = maps.Clone(k)
	}
	return out
}

// setFileKey stores k for uid unless uid already has a key of that
// version (the first key wins). It reports whether k was stored.
func (st *state) setFileKey(n *node, uid int64, k fileKeyJSON) bool {
	v := keyPairVersionOf(k.Version)
	if n.fileKeys == nil {
		n.fileKeys = map[int64]map[string]fileKeyJSON{}
	}
	if n.fileKeys[uid] == nil {
		n.fileKeys[uid] = map[string]fileKeyJSON{}
	}
	if _, ok := n.fileKeys[uid][v]; ok {
		return false
	}
	n.fileKeys[uid][v] = k
	return true
}

// dropFileKeys removes u's file keys for key-pair versions u no longer
// has, on live and deleted files, after u deleted a key pair
// (emulator-spec §4.6). The files themselves stay.
func (st *state) dropFileKeys(u *user) {
	drop := func(n *node) {
		for v := range n.fileKeys[u.id] {
			if !slices.ContainsFunc(u.keyPairs, func(k *keyPair) bool { return k.version == v }) {
				delete(n.fileKeys[u.id], v)
			}
		}
	}
	for _, n := range st.nodes {
		drop(n)
	}
	for _, d := range st.tree.deleted {
		for _, n := range d.subtree {
			drop(n)
		}
	}
}

// fileKeyFor returns uid's key for n: of the given key-pair version, else
// of uid's newest key pair, else any.
func (st *state) fileKeyFor(n *node, uid int64, version string) (fileKeyJSON, bool) {
	keys := n.fileKeys[uid]
	if version != "" {
		k, ok := keys[version]
		return k, ok
	}
	if kp := st.keyPairOf(uid, ""); kp != nil {
		if k, ok := keys[kp.version]; ok {
			return k, true
		}
	}
	for _, v := range keyPairVersions {
		if k, ok := keys[v]; ok {
			return k, true
		}
	}
	return fileKeyJSON{}, false
}

func (e *Emulator) fileKeyRoutes(r chi.Router) {
	j := func(h http.HandlerFunc) http.HandlerFunc { return produces(mediaJSON, h) }
	r.Get("/nodes/files/{file_id}/user_file_key", j(e.handleUserFileKey))
	r.Get("/nodes/missingFileKeys", j(e.handleMissingFileKeys))
	r.Post("/nodes/files/keys", j(e.handleSetFileKeys))
}

func (e *Emulator) handleUserFileKey(w http.ResponseWriter, r *http.Request) {
	version, err := versionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.lookupFile(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	k, ok := e.st.fileKeyFor(n, uid, version)
	if !ok {
		writeError(w, errFileKeyNotFound)
		return
	}
	writeJSON(w, http.StatusOK, k)
}

// missingKeysJSON is MissingKeysResponse.
type missingKeysJSON struct {
	Range rangeJSON         `json:"range"`
	Items []missingItemJSON `json:"items"`
	Users []missingUserJSON `json:"users"`
	Files []missingFileJSON `json:"files"`
}

type missingItemJSON struct {
	UserID int64 `json:"userId"`
	FileID int64 `json:"fileId"`
}

type missingUserJSON struct {
	ID                 int64         `json:"id"`
	PublicKeyContainer publicKeyJSON `json:"publicKeyContainer"`
}

type missingFileJSON struct {
	ID               int64       `json:"id"`
	FileKeyContainer fileKeyJSON `json:"fileKeyContainer"`
}

// missingKeysQuery is the parsed query of GET /nodes/missingFileKeys.
type missingKeysQuery struct {
	offset, limit          int
	roomID, fileID, userID int64
	useKey                 string
}

func parseMissingKeysQuery(r *http.Request) (missingKeysQuery, *apiError) {
	q := r.URL.Query()
	out := missingKeysQuery{limit: maxMissingKeys, useKey: q.Get("use_key")}
	ints := []struct {
		name string
		dst  *int
	}{{"offset", &out.offset}, {"limit", &out.limit}}
	for _, p := range ints {
		if s := q.Get(p.name); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil {
				return out, errInvalidNumber
			}
			if v < 0 {
				return out, errPositiveNumber
			}
			*p.dst = v
		}
	}
	if out.limit == 0 || out.limit > maxMissingKeys {
		out.limit = maxMissingKeys
	}
	ids := []struct {
		name string
		dst  *int64
	}{{"room_id", &out.roomID}, {"file_id", &out.fileID}, {"user_id", &out.userID}}
	for _, p := range ids {
		if s := q.Get(p.name); s != "" {
			v, err := parseID(s)
			if err != nil {
				return out, err
			}
			*p.dst = v
		}
	}
	switch out.useKey {
	case "", "room_rescue_key", "system_rescue_key", "previous_user_key", "previous_room_rescue_key", "previous_system_rescue_key":
	default:
		return out, errBadUseKey
	}
	return out, nil
}

// handleMissingFileKeys lists (user, file) pairs where a user who may
// read an encrypted file (read, manage or manageDownloadShare) and has a
// key pair lacks a key for its newest pair, over the files the caller
// holds a key for. Rescue keys are not modelled: with use_key the list is
// empty.
func (e *Emulator) handleMissingFileKeys(w http.ResponseWriter, r *http.Request) {
	q, err := parseMissingKeysQuery(r)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	if st.keyPairOf(uid, "") == nil {
		writeError(w, errCallerNoKeyPair)
		return
	}
	var room *node
	if q.roomID != 0 {
		if room, err = st.lookupNode(q.roomID, uid, errNodeNotFound); err != nil {
			writeError(w, err)
			return
		}
	}
	if q.fileID != 0 {
		if _, err := st.lookupNode(q.fileID, uid, errFileNotFound); err != nil {
			writeError(w, err)
			return
		}
	}
	var items []missingItemJSON
	if q.useKey == "" {
		items = st.missingKeys(uid, room, q.fileID, q.userID)
	}
	out := missingKeysJSON{
		Range: rangeJSON{Offset: int64(q.offset), Limit: int64(q.limit), Total: int64(len(items))},
		Items: []missingItemJSON{}, Users: []missingUserJSON{}, Files: []missingFileJSON{},
	}
	if q.offset < len(items) {
		out.Items = items[q.offset:min(len(items), q.offset+q.limit)]
	}
	seenU, seenF := map[int64]bool{}, map[int64]bool{}
	for _, it := range out.Items {
		if !seenU[it.UserID] {
			seenU[it.UserID] = true
			out.Users = append(out.Users, missingUserJSON{ID: it.UserID, PublicKeyContainer: st.keyPairOf(it.UserID, "").public()})
		}
		if !seenF[it.FileID] {
			seenF[it.FileID] = true
			k, _ := st.fileKeyFor(st.nodes[it.FileID], uid, "")
			out.Files = append(out.Files, missingFileJSON{ID: it.FileID, FileKeyContainer: k})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// missingKeys computes the full missing-keys list for caller uid, ordered
// by file id, then user id.
func (st *state) missingKeys(uid int64, room *node, fileID, userID int64) []missingItemJSON {
	var files []*node
	for _, n := range st.nodes {
		if n.typ != typeFile || !n.isEncrypted || (fileID != 0 && n.id != fileID) || (room != nil && !st.isWithin(n, room)) {
			continue
		}
		if !st.visible(n, uid, false) {
			continue
		}
		if _, ok := st.fileKeyFor(n, uid, ""); ok {
			files = append(files, n)
		}
	}
	slices.SortFunc(files, func(a, b *node) int { return cmp.Compare(a.id, b.id) })
	users := slices.Collect(maps.Values(st.users))
	slices.SortFunc(users, func(a, b *user) int { return cmp.Compare(a.id, b.id) })
	var items []missingItemJSON
	for _, f := range files {
		for _, u := range users {
			if u.id == uid || (userID != 0 && u.id != userID) {
				continue
			}
			kp := st.keyPairOf(u.id, "")
			if kp == nil {
				continue
			}
			p := st.permissions(f, u.id)
			if !p.Read && !p.Manage && !p.ManageDownloadShare {
				continue
			}
			if _, ok := f.fileKeys[u.id][kp.version]; ok {
				continue
			}
			items = append(items, missingItemJSON{UserID: u.id, FileID: f.id})
		}
	}
	return items
}

// setFileKeysRequest is UserFileKeySetBatchRequest.
type setFileKeysRequest struct {
	Items []struct {
		FileID  int64        `json:"fileId"`
		UserID  int64        `json:"userId"`
		FileKey *fileKeyJSON `json:"fileKey"`
	} `json:"items"`
}

// handleSetFileKeys stores file keys for other users; keys a user already
// has for that version are kept (the first distributed key wins). All
// items are checked before any is stored.
func (e *Emulator) handleSetFileKeys(w http.ResponseWriter, r *http.Request) {
	var req setFileKeysRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if len(req.Items) == 0 {
		writeError(w, errMandatory)
		return
	}
	if len(req.Items) > maxBulkItems {
		writeError(w, errTooManyItems)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	files := make([]*node, len(req.Items))
	for i, it := range req.Items {
		if it.FileID <= 0 || it.UserID <= 0 || it.FileKey == nil || it.FileKey.Key == "" || it.FileKey.IV == "" || it.FileKey.Tag == "" {
			writeError(w, errMandatory)
			return
		}
		if keyPairVersionOf(it.FileKey.Version) == "" {
			writeError(w, errBadFileKeyVer)
			return
		}
		n, err := st.lookupNode(it.FileID, uid, errFileNotFound)
		if err == nil && n.typ != typeFile {
			err = errFileNotFound
		}
		if err != nil {
			writeError(w, err)
			return
		}
		if !n.isEncrypted {
			writeError(w, errRoomNotEncrypted)
			return
		}
		if st.users[it.UserID] == nil {
			writeError(w, errUserNotFound)
			return
		}
		if _, ok := st.fileKeyFor(n, uid, ""); !ok {
			writeError(w, errNoFileKeyToShare)
			return
		}
		files[i] = n
	}
	seen := map[*node]bool{}
	for i, it := range req.Items {
		st.setFileKey(files[i], it.UserID, *it.FileKey)
		if !seen[files[i]] {
			seen[files[i]] = true
			e.emit(r, opFileKeysDistributed, files[i].id, files[i].name)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
