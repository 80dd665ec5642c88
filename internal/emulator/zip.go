package emulator

import (
	"archive/zip"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
)

// ZIP downloads of several nodes: POST /nodes/zip mints a download URL
// (GET /downloads/zip/{token}, no authentication, reusable until it
// expires) and POST /nodes/zip/download sends the archive at once. The
// archive is written while it is sent: archive/zip over the response,
// entries stored uncompressed, each file streamed from the blob store, so
// neither the archive nor a whole file is held in memory. Entry names are
// node paths below the parent of each selected node (a selected folder
// becomes "folder/" and its subtree). Only files and folders may be
// selected, and nothing of an encrypted room: the server cannot decrypt
// (-40002).

var (
	errZipTokenInvalid = newAPIError(401, -20502, "Invalid (up-) download token")
	errZipNodeType     = errInvalidParameter.withDebug("ZIP download is only available for files and folders")
)

// zipDownloadRequest is ZipDownloadRequest.
type zipDownloadRequest struct {
	NodeIDs []int64 `json:"nodeIds"`
}

// zipToken is one ZIP download URL's token: the selection is resolved
// again, with the permissions of the day, when the URL is used.
type zipToken struct {
	userID    int64
	nodeIDs   []int64
	expiresAt time.Time
}

// zipEntry is one entry of an archive: a folder (data nil) or a file.
type zipEntry struct {
	id       int64
	name     string
	folder   bool
	modified time.Time
	data     *fileData
}

// zipRoutes registers the authenticated ZIP endpoints.
func (e *Emulator) zipRoutes(r chi.Router) {
	r.Post("/nodes/zip", produces(mediaJSON, e.handleCreateZip))
	r.Post("/nodes/zip/download", e.handleZipDownload)
}

// decodeZipRequest reads a ZipDownloadRequest.
func decodeZipRequest(r *http.Request) ([]int64, *apiError) {
	var req zipDownloadRequest
	if err := decodeJSON(r, &req, false); err != nil {
		return nil, err
	}
	if len(req.NodeIDs) == 0 {
		return nil, errMandatory
	}
	return req.NodeIDs, nil
}

func (e *Emulator) handleCreateZip(w http.ResponseWriter, r *http.Request) {
	ids, err := decodeZipRequest(r)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	entries, err := e.zipEntries(uid, ids)
	if err != nil {
		writeError(w, err)
		return
	}
	e.sweepZipTokens()
	tok := randomString(64)
	e.xfer.zips[hashSecret(tok)] = &zipToken{userID: uid, nodeIDs: ids, expiresAt: e.clock.now().Add(DownloadTokenLifetime)}
	e.emitZipped(r, entries)
	writeJSON(w, http.StatusOK, downloadTokenResponse{DownloadURL: e.baseURL(r) + "/api/v4/downloads/zip/" + tok, Token: tok})
}

// sweepZipTokens drops expired tokens once there are many. Callers hold
// e.mu.
func (e *Emulator) sweepZipTokens() {
	if len(e.xfer.zips) < 1024 {
		return
	}
	now := e.clock.now()
	for k, t := range e.xfer.zips {
		if !t.expiresAt.After(now) {
			delete(e.xfer.zips, k)
		}
	}
}

// emitZipped records a download of every file of an archive. Callers
// hold e.mu.
func (e *Emulator) emitZipped(r *http.Request, entries []zipEntry) {
	for _, en := range entries {
		if !en.folder {
			e.emit(r, opFileDownloaded, en.id, en.name)
		}
	}
}

// handleZipDownload is POST /nodes/zip/download: the archive itself.
func (e *Emulator) handleZipDownload(w http.ResponseWriter, r *http.Request) {
	ids, err := decodeZipRequest(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	entries, err := e.zipEntries(callerID(r), ids)
	if err == nil {
		e.emitZipped(r, entries)
	}
	e.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	e.serveZip(w, entries)
}

// handleZipByToken is GET /downloads/zip/{token}.
func (e *Emulator) handleZipByToken(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	key := hashSecret(chi.URLParam(r, "token"))
	t := e.xfer.zips[key]
	if t != nil && !t.expiresAt.After(e.clock.now()) {
		delete(e.xfer.zips, key)
		t = nil
	}
	var entries []zipEntry
	err := errZipTokenInvalid
	if t != nil {
		entries, err = e.zipEntries(t.userID, t.nodeIDs)
	}
	e.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	e.serveZip(w, entries)
}

// zipEntries resolves a selection for uid into archive entries: every
// node visible and readable, a file or folder, outside encrypted rooms;
// top-level names that repeat get " (2)", " (3)" …. Callers hold e.mu.
func (e *Emulator) zipEntries(uid int64, ids []int64) ([]zipEntry, *apiError) {
	st := e.st
	var out []zipEntry
	used := map[string]bool{}
	for _, id := range ids {
		if id <= 0 {
			return nil, errPositiveNumber
		}
		n, err := st.lookupNode(id, uid, errNodeNotFound)
		if err != nil {
			return nil, err
		}
		switch {
		case n.typ == typeRoom:
			return nil, errZipNodeType
		case !st.permissions(n, uid).Read:
			return nil, errForbidden
		case n.isEncrypted || st.roomOf(n).isEncrypted:
			return nil, errRoomEncrypted
		}
		name := n.name
		for i := 2; used[name]; i++ {
			name = n.name + " (" + strconv.Itoa(i) + ")"
		}
		used[name] = true
		out = st.appendZipEntries(out, n, name)
	}
	return out, nil
}

// appendZipEntries adds n under name and, for a folder, its subtree.
func (st *state) appendZipEntries(out []zipEntry, n *node, name string) []zipEntry {
	mod := n.tsModification
	if mod.IsZero() {
		mod = n.updatedAt
	}
	if n.typ == typeFile {
		return append(out, zipEntry{id: n.id, name: name, modified: mod, data: n.data})
	}
	out = append(out, zipEntry{id: n.id, name: name + "/", folder: true, modified: mod})
	for _, c := range st.children(n.id) {
		out = st.appendZipEntries(out, c, name+"/"+c.name)
	}
	return out
}

// serveZip streams the archive of entries. Once the first byte is sent a
// failure can only cut the archive short, which its reader detects (no
// central directory).
func (e *Emulator) serveZip(w http.ResponseWriter, entries []zipEntry) {
	name := "download.zip"
	if len(entries) > 0 {
		first := entries[0].name
		if entries[0].folder {
			first = first[:len(first)-1]
		}
		name = first + ".zip"
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.WriteHeader(http.StatusOK)
	_ = e.writeZip(w, entries)
}

// writeZip writes the archive of entries to w.
func (e *Emulator) writeZip(w io.Writer, entries []zipEntry) error {
	zw := zip.NewWriter(w)
	for _, en := range entries {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: en.name, Method: zip.Store, Modified: en.modified})
		if err != nil {
			return err
		}
		if en.folder {
			continue
		}
		c, err := openContent(e.store, en.data)
		if err != nil {
			return err
		}
		err = copyTo(fw, io.NewSectionReader(c, 0, c.size))
		c.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}
