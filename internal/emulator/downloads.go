package emulator

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// Downloads: POST /nodes/files/{file_id}/downloads mints a token URL,
// GET|HEAD /downloads/{token} (no auth) serves the stored bytes with
// Range support, and the deprecated GET|HEAD
// /nodes/files/{file_id}/downloads serves them to the authenticated
// caller. Tokens are reusable until they expire (the Java SDK fetches
// consecutive ranges with one token, dco3 mints one per chunk).

// DownloadTokenLifetime is how long a download URL works.
const DownloadTokenLifetime = time.Hour

var (
	errDownloadNotFound = newAPIError(404, -41000, "Download token not found")
	errFileNotFound     = newAPIError(404, -40751, "File not found")
)

// downloadToken is one download URL's token (emulator-spec §3.7).
type downloadToken struct {
	nodeID    int64
	expiresAt time.Time
}

type downloadTokenResponse struct {
	DownloadURL string `json:"downloadUrl"`
	Token       string `json:"token"`
}

// lookupFile finds a file the caller may read. Callers hold e.mu.
func (e *Emulator) lookupFile(r *http.Request, uid int64) (*node, *apiError) {
	id, err := urlID(r, "file_id")
	if err != nil {
		return nil, err
	}
	n, err := e.st.lookupNode(id, uid, errFileNotFound)
	if err != nil {
		return nil, err
	}
	if n.typ != typeFile {
		return nil, errFileNotFound
	}
	if !e.st.permissions(n, uid).Read {
		return nil, errForbidden
	}
	return n, nil
}

func (e *Emulator) handleCreateDownload(w http.ResponseWriter, r *http.Request) {
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.lookupFile(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	e.sweepDownloadTokens()
	tok := randomString(64)
	e.xfer.downloads[hashSecret(tok)] = &downloadToken{nodeID: n.id, expiresAt: e.clock.now().Add(DownloadTokenLifetime)}
	e.emit(r, opFileDownloaded, n.id, n.name)
	writeJSON(w, http.StatusOK, downloadTokenResponse{DownloadURL: e.baseURL(r) + "/api/v4/downloads/" + tok, Token: tok})
}

// sweepDownloadTokens drops expired tokens once there are many (dco3
// mints one per chunk). Callers hold e.mu.
func (e *Emulator) sweepDownloadTokens() {
	if len(e.xfer.downloads) < 1024 {
		return
	}
	now := e.clock.now()
	for k, t := range e.xfer.downloads {
		if !t.expiresAt.After(now) {
			delete(e.xfer.downloads, k)
		}
	}
}

// handleDownloadByToken serves GET|HEAD /downloads/{token}.
func (e *Emulator) handleDownloadByToken(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	key := hashSecret(chi.URLParam(r, "token"))
	t := e.xfer.downloads[key]
	var n *node
	if t != nil && !t.expiresAt.After(e.clock.now()) {
		delete(e.xfer.downloads, key)
		t = nil
	}
	if t != nil {
		n = e.st.nodes[t.nodeID]
	}
	e.mu.Unlock()
	if t == nil {
		writeError(w, errDownloadNotFound)
		return
	}
	if n == nil {
		writeError(w, errFileNotFound)
		return
	}
	e.serveFile(w, r, n)
}

// handleDownloadByID is the deprecated authenticated download.
func (e *Emulator) handleDownloadByID(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	n, err := e.lookupFile(r, callerID(r))
	if err == nil {
		e.emit(r, opFileDownloaded, n.id, n.name)
	}
	e.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	e.serveFile(w, r, n)
}

// rangeRE is one byte range of a Range header.
var rangeRE = regexp.MustCompile(`^bytes=(\d{0,18})-(\d{0,18})$`)

// byteRange resolves a Range header against size: ok=false means serve
// everything (no header, or several ranges, which RFC 9110 lets a server
// ignore); a malformed or unsatisfiable range is 416.
func byteRange(h string, size int64) (start, length int64, ok bool, err *apiError) {
	h = strings.TrimSpace(h)
	if h == "" || strings.Contains(h, ",") {
		return 0, size, false, nil
	}
	m := rangeRE.FindStringSubmatch(h)
	if m == nil || (m[1] == "" && m[2] == "") {
		return 0, 0, false, errBadRange(h)
	}
	a, _ := strconv.ParseInt(m[1], 10, 64)
	b, _ := strconv.ParseInt(m[2], 10, 64)
	switch {
	case m[1] == "": // suffix: the last b bytes
		if b == 0 {
			return 0, 0, false, errBadRange(h)
		}
		start = max(size-b, 0)
		return start, size - start, true, nil
	case m[2] == "" || b >= size:
		b = size - 1
	}
	if a >= size || b < a {
		return 0, 0, false, errBadRange(h)
	}
	return a, b - a + 1, true, nil
}

func errBadRange(h string) *apiError {
	return newAPIError(http.StatusRequestedRangeNotSatisfiable, 0, fmt.Sprintf("Download range '%s' doesn't match pattern or the file size", h))
}

// serveFile streams n's stored bytes from the blob store: 200 with the
// whole file or 206 with one range; HEAD sends the headers only.
func (e *Emulator) serveFile(w http.ResponseWriter, r *http.Request, n *node) {
	e.mu.Lock()
	data, name, size := n.data, n.name, n.size
	e.mu.Unlock()
	generic, _, perr := queryBool(r, "generic_mimetype")
	inline, _, perr2 := queryBool(r, "inline")
	if perr == nil {
		perr = perr2
	}
	if perr != nil {
		writeError(w, perr)
		return
	}
	c, oerr := openContent(e.store, data)
	if oerr != nil {
		writeError(w, errFileNotFound.withDebug("File content is gone"))
		return
	}
	defer c.Close()
	if c.size != size {
		// Seeded with a pretended size: serve what is stored.
		size = c.size
	}
	start, length, partial, err := byteRange(r.Header.Get("Range"), size)
	if err != nil {
		w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		writeError(w, err)
		return
	}
	h := w.Header()
	ct := mediaType(name)
	if generic {
		ct = "application/octet-stream"
	}
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", disposition+"; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	status := http.StatusOK
	if partial {
		status = http.StatusPartialContent
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+length-1, size))
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead || length == 0 {
		return
	}
	_ = copyTo(w, io.NewSectionReader(c, start, length))
}
