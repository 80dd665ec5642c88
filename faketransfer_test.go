package dracoon

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// transferFake is a small in-memory DRACOON for transfer tests: one room
// (id 1), classic or S3 upload channels, a fake object store for presigned
// part URLs, ranged downloads, file keys and missing keys. It checks what
// real servers check (Content-Range positions, exact part sizes, ETags)
// and records what the tests assert on.
type transferFake struct {
	t   testing.TB
	srv *httptest.Server
	c   *Client

	mu        sync.Mutex
	s3        bool
	encrypted bool
	nextID    int64
	files     map[int64]*fakeFile
	folders   map[int64]*Node
	channels  map[string]*fakeChannel
	cancelled []string
	// leaked lists requests to token URLs that carried a bearer token.
	leaked []string
	// expireFirst makes the first n part PUTs answer 403 (expired URL).
	expireFirst int
	// dropAfter makes the next dropCount download GETs stop after
	// dropAfter bytes.
	dropAfter, dropCount int
	// failPart makes the next failCount PUTs of part failPart answer 500.
	failPart, failCount int
	// urlBatches records the s3_urls requests.
	urlBatches [][3]int64
	ranges     []string // Content-Range headers of classic chunks
	// missing lists (user, public key) pairs that lack keys of new files.
	otherUser *crypto.PublicKeyContainer
	userKeys  map[[2]int64]*crypto.FileKey // (file, user) → key
	// blockParts, if set, is closed by the test to let part PUTs finish.
	blockParts chan struct{}
	// blockDownloads, if set, holds every download response after its
	// first dropAfter-independent 100 bytes until the request ends.
	blockDownloads bool
	// ignoreKeys makes POST /nodes/files/keys answer 204 but store nothing.
	ignoreKeys bool
	// statusStuck keeps S3 uploads "finishing"; statusError makes them
	// end in a 409 error.
	statusStuck, statusError bool
	// inflight and maxInflight count the bytes of chunks being received.
	inflight, maxInflight int64
	partsSeen             chan struct{}
	// lie, if set, answers download GETs in place of the honest handler.
	lie func(w http.ResponseWriter, r *http.Request, content []byte)
}

type fakeFile struct {
	node    Node
	content []byte
}

type fakeChannel struct {
	id, token string
	parentID  int64
	name      string
	data      []byte
	parts     map[int][]byte
	sizes     map[int]int64
	result    *Node
	polls     int
}

const fakeUserID, fakeOtherUserID = 7, 8

func newTransferFake(t testing.TB, s3, encrypted bool) *transferFake {
	f := &transferFake{t: t, s3: s3, encrypted: encrypted, nextID: 100, files: map[int64]*fakeFile{}, folders: map[int64]*Node{},
		channels: map[string]*fakeChannel{}, userKeys: map[[2]int64]*crypto.FileKey{}}
	oauth := newFakeOAuth("ada", "pw")
	m := oauth.mux()
	m.HandleFunc("GET /api/v4/public/system/info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"useS3Storage": f.s3, "s3EnforceDirectUpload": false, "languageDefault": "en", "authMethods": []any{}})
	})
	m.HandleFunc("GET /api/v4/nodes/{id}", f.getNode)
	m.HandleFunc("GET /api/v4/nodes", f.list)
	m.HandleFunc("POST /api/v4/nodes/folders", f.createFolder)
	m.HandleFunc("POST /api/v4/nodes/files/uploads", f.open)
	m.HandleFunc("DELETE /api/v4/nodes/files/uploads/{id}", f.cancel)
	m.HandleFunc("POST /api/v4/uploads/{token}", f.chunk)
	m.HandleFunc("PUT /api/v4/uploads/{token}", f.completeClassic)
	m.HandleFunc("POST /api/v4/nodes/files/uploads/{id}/s3_urls", f.s3URLs)
	m.HandleFunc("PUT /s3/{id}/{part}", f.putPart)
	m.HandleFunc("PUT /api/v4/nodes/files/uploads/{id}/s3", f.completeS3)
	m.HandleFunc("GET /api/v4/nodes/files/{a}/{b}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("a") == "uploads" {
			f.status(w, r, r.PathValue("b"))
			return
		}
		f.userFileKey(w, r, r.PathValue("a"))
	})
	m.HandleFunc("POST /api/v4/nodes/files/{id}/downloads", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"downloadUrl": f.srv.URL + "/dl/" + r.PathValue("id")})
	})
	m.HandleFunc("GET /dl/{id}", f.download)
	m.HandleFunc("GET /api/v4/nodes/missingFileKeys", f.missingKeys)
	m.HandleFunc("POST /api/v4/nodes/files/keys", f.setKeys)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (strings.HasPrefix(r.URL.Path, "/s3/") || strings.HasPrefix(r.URL.Path, "/dl/") || strings.HasPrefix(r.URL.Path, "/api/v4/uploads/")) && r.Header.Get("Authorization") != "" {
			f.mu.Lock()
			f.leaked = append(f.leaked, r.Method+" "+r.URL.Path)
			f.mu.Unlock()
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	c, err := New(f.srv.URL, WithRetryPolicy(fastRetries))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(context.Background(), PasswordFlow(oauth.user, oauth.password)); err != nil {
		t.Fatal(err)
	}
	f.c = c
	return f
}

func (f *transferFake) getNode(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	f.mu.Lock()
	defer f.mu.Unlock()
	if id == 1 {
		writeJSON(w, 200, Node{ID: 1, Type: NodeTypeRoom, Name: "Room", IsEncrypted: f.encrypted})
		return
	}
	if ff, ok := f.files[id]; ok {
		writeJSON(w, 200, ff.node)
		return
	}
	if fo, ok := f.folders[id]; ok {
		writeJSON(w, 200, fo)
		return
	}
	writeJSON(w, 404, map[string]any{"code": 404, "message": "Node not found", "errorCode": -41000})
}

func (f *transferFake) open(w http.ResponseWriter, r *http.Request) {
	var req createUploadRequest
	err := json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	_, isFolder := f.folders[req.ParentID]
	f.mu.Unlock()
	if err != nil || (req.ParentID != 1 && !isFolder) || req.DirectS3Upload != f.s3 {
		writeJSON(w, 400, map[string]any{"code": 400, "message": fmt.Sprintf("bad channel request %+v %v", req, err)})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	ch := &fakeChannel{id: "up" + itoa(f.nextID), token: "tok" + itoa(f.nextID), parentID: req.ParentID, name: req.Name, parts: map[int][]byte{}, sizes: map[int]int64{}}
	f.channels[ch.id] = ch
	writeJSON(w, 201, map[string]any{"uploadId": ch.id, "token": ch.token, "uploadUrl": f.srv.URL + "/api/v4/uploads/" + ch.token})
}

func (f *transferFake) byToken(token string) *fakeChannel {
	for _, ch := range f.channels {
		if ch.token == token {
			return ch
		}
	}
	return nil
}

func (f *transferFake) cancel(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := r.PathValue("id")
	if _, ok := f.channels[id]; !ok {
		writeJSON(w, 404, map[string]any{"code": 404, "message": "Upload not found", "errorCode": -20501})
		return
	}
	delete(f.channels, id)
	f.cancelled = append(f.cancelled, id)
	w.WriteHeader(204)
}

// chunk stores a classic chunk at the position its Content-Range names,
// which must be the current end (strict mode).
func (f *transferFake) chunk(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.inflight += r.ContentLength
	f.maxInflight = max(f.maxInflight, f.inflight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight -= r.ContentLength
		f.mu.Unlock()
	}()
	time.Sleep(time.Millisecond) // let concurrent chunks overlap
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := f.byToken(r.PathValue("token"))
	if ch == nil {
		writeJSON(w, 404, map[string]any{"code": 404, "message": "Upload not found", "errorCode": -20501})
		return
	}
	cr := r.Header.Get("Content-Range")
	f.ranges = append(f.ranges, cr)
	if cr != "" {
		var a, b int64
		var total string
		if _, err := fmt.Sscanf(cr, "bytes %d-%d/%s", &a, &b, &total); err != nil || a != int64(len(ch.data)) || b-a+1 != int64(len(body)) {
			writeJSON(w, 400, map[string]any{"code": 400, "message": "bad range " + cr, "errorCode": -80021})
			return
		}
	}
	ch.data = append(ch.data, body...)
	sum := md5.Sum(body)
	writeJSON(w, 201, map[string]any{"size": len(body), "hash": hex.EncodeToString(sum[:])})
}

// finish turns a channel into a file.
func (f *transferFake) finish(ch *fakeChannel, req *completeUploadRequest, data []byte) (*Node, string) {
	if f.encrypted != (req.FileKey != nil) {
		return nil, "file key required exactly in encrypted rooms"
	}
	f.nextID++
	n := Node{ID: f.nextID, Type: NodeTypeFile, Name: ch.name, ParentID: ch.parentID, Size: int64(len(data)), IsEncrypted: f.encrypted}
	if req.FileName != "" {
		n.Name = req.FileName
	}
	f.files[n.ID] = &fakeFile{node: n, content: data}
	if req.FileKey != nil {
		f.userKeys[[2]int64{n.ID, fakeUserID}] = req.FileKey
	}
	delete(f.channels, ch.id)
	return &n, ""
}

func (f *transferFake) completeClassic(w http.ResponseWriter, r *http.Request) {
	var req completeUploadRequest
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := f.byToken(r.PathValue("token"))
	if ch == nil {
		writeJSON(w, 404, map[string]any{"code": 404, "message": "Upload not found", "errorCode": -20501})
		return
	}
	n, msg := f.finish(ch, &req, ch.data)
	if n == nil {
		writeJSON(w, 400, map[string]any{"code": 400, "message": msg})
		return
	}
	writeJSON(w, 201, n)
}

func (f *transferFake) s3URLs(w http.ResponseWriter, r *http.Request) {
	var req struct{ FirstPartNumber, LastPartNumber, Size int64 }
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := f.channels[r.PathValue("id")]
	if ch == nil || req.FirstPartNumber < 1 || req.LastPartNumber < req.FirstPartNumber {
		writeJSON(w, 400, map[string]any{"code": 400, "message": "bad s3_urls request"})
		return
	}
	f.urlBatches = append(f.urlBatches, [3]int64{req.FirstPartNumber, req.LastPartNumber, req.Size})
	var urls []map[string]any
	for p := req.FirstPartNumber; p <= req.LastPartNumber; p++ {
		ch.sizes[int(p)] = req.Size
		urls = append(urls, map[string]any{"partNumber": p, "url": fmt.Sprintf("%s/s3/%s/%d?sig=x", f.srv.URL, ch.id, p)})
	}
	writeJSON(w, 201, map[string]any{"urls": urls})
}

func (f *transferFake) s3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<Error><Code>%s</Code><Message>%s</Message></Error>", code, code)
}

func (f *transferFake) putPart(w http.ResponseWriter, r *http.Request) {
	part, _ := strconv.Atoi(r.PathValue("part"))
	f.mu.Lock()
	block, seen := f.blockParts, f.partsSeen
	f.mu.Unlock()
	if seen != nil {
		select {
		case seen <- struct{}{}:
		default:
		}
	}
	if block != nil {
		select {
		case <-block:
		case <-r.Context().Done():
			return
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := f.channels[r.PathValue("id")]
	switch {
	case ch == nil:
		f.s3Error(w, 404, "NoSuchUpload")
		return
	case f.expireFirst > 0:
		f.expireFirst--
		f.s3Error(w, 403, "AccessDenied")
		return
	case f.failPart == part && f.failCount > 0:
		f.failCount--
		f.s3Error(w, 500, "InternalError")
		return
	case int64(len(body)) != ch.sizes[part] || r.ContentLength != ch.sizes[part]:
		f.s3Error(w, 400, "BadDigest")
		return
	}
	ch.parts[part] = body
	sum := md5.Sum(body)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	w.WriteHeader(200)
}

func (f *transferFake) completeS3(w http.ResponseWriter, r *http.Request) {
	var req completeUploadRequest
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := f.channels[r.PathValue("id")]
	if ch == nil {
		writeJSON(w, 404, map[string]any{"code": 404, "message": "Upload not found", "errorCode": -20501})
		return
	}
	var data []byte
	for i, p := range req.Parts {
		body, ok := ch.parts[p.PartNumber]
		sum := md5.Sum(body)
		if !ok || p.PartNumber != i+1 || p.PartEtag != hex.EncodeToString(sum[:]) {
			writeJSON(w, 400, map[string]any{"code": 400, "message": "Invalid Etag(s)", "errorCode": -80045})
			return
		}
		data = append(data, body...)
	}
	if len(req.Parts) != len(ch.parts) {
		writeJSON(w, 400, map[string]any{"code": 400, "message": "parts missing"})
		return
	}
	n, msg := f.finish(ch, &req, data)
	if n == nil {
		writeJSON(w, 400, map[string]any{"code": 400, "message": msg})
		return
	}
	ch.result = n
	f.channels[ch.id] = ch // keep for polling
	w.WriteHeader(202)
}

func (f *transferFake) status(w http.ResponseWriter, r *http.Request, uploadID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := f.channels[uploadID]
	switch {
	case ch == nil:
		writeJSON(w, 404, map[string]any{"code": 404, "message": "Upload not found", "errorCode": -20501})
	case ch.result == nil:
		writeJSON(w, 200, map[string]any{"status": "transfer"})
	case f.statusStuck:
		writeJSON(w, 200, map[string]any{"status": "finishing"})
	case f.statusError:
		writeJSON(w, 200, map[string]any{"status": "error", "errorDetails": map[string]any{"code": 409, "message": "Conflict", "errorCode": -40010}})
	case ch.polls == 0:
		ch.polls++
		writeJSON(w, 200, map[string]any{"status": "finishing"})
	default:
		delete(f.channels, ch.id)
		writeJSON(w, 200, map[string]any{"status": "done", "node": ch.result})
	}
}

// download serves a file with Range support; faults cut a response short
// by dropping the connection.
func (f *transferFake) download(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	f.mu.Lock()
	ff := f.files[id]
	drop := -1
	if f.dropCount > 0 {
		f.dropCount--
		drop = f.dropAfter
	}
	f.mu.Unlock()
	if ff == nil {
		http.NotFound(w, r)
		return
	}
	data := ff.content
	f.mu.Lock()
	lie := f.lie
	f.mu.Unlock()
	if lie != nil {
		lie(w, r, data)
		return
	}
	start, end := int64(0), int64(len(data))-1
	status := 200
	if rg := r.Header.Get("Range"); rg != "" {
		if _, err := fmt.Sscanf(rg, "bytes=%d-%d", &start, &end); err != nil || start > end || end >= int64(len(data)) {
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		status = 206
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, len(data)))
	}
	body := data[start : end+1]
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	f.mu.Lock()
	block := f.blockDownloads
	f.mu.Unlock()
	if block && len(body) > 100 {
		w.Write(body[:100])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return
	}
	if drop >= 0 && drop < len(body) {
		w.Write(body[:drop])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	w.Write(body)
}

func (f *transferFake) userFileKey(w http.ResponseWriter, r *http.Request, fileID string) {
	id, _ := strconv.ParseInt(fileID, 10, 64)
	f.mu.Lock()
	defer f.mu.Unlock()
	fk := f.userKeys[[2]int64{id, fakeUserID}]
	if fk == nil {
		writeJSON(w, 404, map[string]any{"code": 404, "message": "File key not found", "errorCode": -40751})
		return
	}
	writeJSON(w, 200, fk)
}

// missingKeys lists the other user's missing keys of all files the
// caller holds a key for, honouring file_id, offset and limit.
func (f *transferFake) missingKeys(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	type item struct {
		UserID int64 `json:"userId"`
		FileID int64 `json:"fileId"`
	}
	var items []item
	files := []map[string]any{}
	if f.otherUser != nil {
		for id := range f.nextID + 1 {
			if r.URL.Query().Get("file_id") != "" && r.URL.Query().Get("file_id") != itoa(id) {
				continue
			}
			mine := f.userKeys[[2]int64{id, fakeUserID}]
			if mine != nil && f.userKeys[[2]int64{id, fakeOtherUserID}] == nil {
				items = append(items, item{fakeOtherUserID, id})
				files = append(files, map[string]any{"id": id, "fileKeyContainer": mine})
			}
		}
	}
	total := len(items)
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	items = items[min(off, len(items)):]
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	users := []map[string]any{}
	if f.otherUser != nil {
		users = append(users, map[string]any{"id": fakeOtherUserID, "publicKeyContainer": f.otherUser})
	}
	writeJSON(w, 200, map[string]any{"range": map[string]int{"offset": off, "limit": limit, "total": total}, "items": items, "users": users, "files": files})
}

func (f *transferFake) setKeys(w http.ResponseWriter, r *http.Request) {
	var req struct{ Items []userFileKey }
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, it := range req.Items {
		if f.ignoreKeys {
			break
		}
		if f.userKeys[[2]int64{it.FileID, it.UserID}] == nil {
			f.userKeys[[2]int64{it.FileID, it.UserID}] = it.FileKey
		}
	}
	w.WriteHeader(204)
}

// content returns the stored bytes of file id.
func (f *transferFake) content(id int64) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ff := f.files[id]; ff != nil {
		return ff.content
	}
	return nil
}

// openChannels returns how many upload channels are open.
func (f *transferFake) openChannels() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.channels)
}

// children returns the nodes in parent (caller holds mu).
func (f *transferFake) children(parent int64) []Node {
	var out []Node
	for _, fo := range f.folders {
		if fo.ParentID == parent {
			out = append(out, *fo)
		}
	}
	for _, ff := range f.files {
		if ff.node.ParentID == parent {
			out = append(out, ff.node)
		}
	}
	return out
}

func (f *transferFake) list(w http.ResponseWriter, r *http.Request) {
	parent, _ := strconv.ParseInt(r.URL.Query().Get("parent_id"), 10, 64)
	f.mu.Lock()
	defer f.mu.Unlock()
	items := f.children(parent)
	if filter, ok := strings.CutPrefix(r.URL.Query().Get("filter"), "name:eq:"); ok {
		items = slices.DeleteFunc(items, func(n Node) bool { return !strings.EqualFold(n.Name, filter) })
	}
	if items == nil {
		items = []Node{}
	}
	writeJSON(w, 200, Page[Node]{Range: Range{Limit: 500, Total: int64(len(items))}, Items: items})
}

func (f *transferFake) createFolder(w http.ResponseWriter, r *http.Request) {
	var req CreateFolderRequest
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.children(req.ParentID) {
		if strings.EqualFold(n.Name, req.Name) {
			writeJSON(w, 409, map[string]any{"code": 409, "message": "Node with specified name already exists", "errorCode": -40010})
			return
		}
	}
	f.nextID++
	n := &Node{ID: f.nextID, Type: NodeTypeFolder, Name: req.Name, ParentID: req.ParentID, IsEncrypted: f.encrypted}
	f.folders[n.ID] = n
	writeJSON(w, 201, n)
}
