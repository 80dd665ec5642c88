package emulator

import (
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Direct S3 uploads: POST /nodes/files/uploads/{upload_id}/s3_urls hands
// out presigned part URLs that point at the emulator's own object store
// (PUT /s3/{bucket}/{key}?partNumber=…&X-Amz-Signature=…, no DRACOON
// auth, S3 XML errors), PUT /nodes/files/uploads/{upload_id}/s3 completes
// with 202, and GET /nodes/files/uploads/{upload_id} (uploads.go) reports
// transfer → finishing → done or error. The node appears only at the done
// transition.

// Defaults of the direct-S3 transport.
const (
	// DefaultS3MinPartSize is S3's minimum size of every part but the last.
	DefaultS3MinPartSize = 5 << 20
	// PresignedURLLifetime is how long a presigned part URL works.
	PresignedURLLifetime = time.Hour
	// maxS3Parts is S3's part-number limit.
	maxS3Parts = 10000
	// s3Bucket is the bucket name in presigned URLs.
	s3Bucket = "dracoon-emulator"
)

// s3Part is an uploaded part.
type s3Part struct {
	seg  segment
	etag string // MD5 hex, unquoted
}

// s3PartJSON is S3FileUploadPart.
type s3PartJSON struct {
	PartNumber int    `json:"partNumber"`
	PartEtag   string `json:"partEtag"`
}

// presignedURL is one issued part URL; its signature is the map key.
type presignedURL struct {
	channel   *uploadChannel
	part      int
	size      int64
	expiresAt time.Time
}

// pendingS3 is an accepted S3 completion waiting for its done transition.
type pendingS3 struct {
	c     *completion
	data  *fileData
	sum   string // MD5 hex of the content, "" when it is computed after done
	polls int
}

type presignRequest struct {
	Size            *int64 `json:"size"`
	FirstPartNumber *int   `json:"firstPartNumber"`
	LastPartNumber  *int   `json:"lastPartNumber"`
}

type presignedURLJSON struct {
	URL        string `json:"url"`
	PartNumber int    `json:"partNumber"`
}

type presignedListJSON struct {
	URLs []presignedURLJSON `json:"urls"`
}

// s3Channel finds the caller's open S3 channel. Callers hold e.mu.
func (e *Emulator) s3Channel(r *http.Request) (*uploadChannel, *apiError) {
	return openS3(e.channelByID(r))
}

// openS3 passes on a found channel that is an open S3 channel.
func openS3(ch *uploadChannel, err *apiError) (*uploadChannel, *apiError) {
	if err != nil {
		return nil, err
	}
	if !ch.s3 {
		return nil, errS3UploadNotFound
	}
	if ch.state != chanOpen {
		return nil, errUploadClosed
	}
	return ch, nil
}

func (e *Emulator) handleS3URLs(w http.ResponseWriter, r *http.Request) {
	e.presignParts(w, r, e.s3Channel)
}

// presignParts answers a request for part URLs of the S3 channel that
// find returns (the caller's, or one opened through an upload share).
func (e *Emulator) presignParts(w http.ResponseWriter, r *http.Request, find func(*http.Request) (*uploadChannel, *apiError)) {
	var req presignRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.Size == nil || req.FirstPartNumber == nil || req.LastPartNumber == nil {
		writeError(w, errMandatory)
		return
	}
	first, last, size := *req.FirstPartNumber, *req.LastPartNumber, *req.Size
	if first < 1 || last < first || last > maxS3Parts || size < 0 {
		writeError(w, errInvalidParameter.withDebug("Part numbers must lie in 1…10000 with first ≤ last, and size must not be negative"))
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ch, err := find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if parent := e.st.nodes[ch.parentID]; parent != nil {
		if err := e.checkQuota(parent, size); err != nil {
			writeError(w, err)
			return
		}
	}
	ch.touched = e.clock.now()
	base := e.baseURL(r)
	expires := e.clock.now().Add(PresignedURLLifetime)
	out := presignedListJSON{URLs: make([]presignedURLJSON, 0, last-first+1)}
	for part := first; part <= last; part++ {
		sig := randomString(40)
		e.xfer.presigned[hashSecret(sig)] = &presignedURL{channel: ch, part: part, size: size, expiresAt: expires}
		u := base + "/s3/" + s3Bucket + "/" + ch.id + "?partNumber=" + strconv.Itoa(part) +
			"&uploadId=" + ch.id + "&X-Amz-Expires=" + strconv.Itoa(int(PresignedURLLifetime/time.Second)) +
			"&X-Amz-Signature=" + sig
		out.URLs = append(out.URLs, presignedURLJSON{URL: u, PartNumber: part})
	}
	writeJSON(w, http.StatusCreated, out)
}

// s3Error is the XML error body of the object store.
type s3Error struct {
	XMLName xml.Name `xml:"Error"`
	Code    string   `xml:"Code"`
	Message string   `xml:"Message"`
}

func writeS3Error(w http.ResponseWriter, status int, code, msg string) {
	body, _ := xml.Marshal(s3Error{Code: code, Message: msg})
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
}

// handleS3PutPart is the object store's part upload: the signature must be
// known and unexpired, the body exactly the presigned size. 200 with the
// part's MD5 as a quoted ETag; a part sent again replaces the earlier one.
func (e *Emulator) handleS3PutPart(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	key := hashSecret(q.Get("X-Amz-Signature"))
	e.mu.Lock()
	p := e.xfer.presigned[key]
	var problem func()
	switch {
	case p == nil || q.Get("partNumber") != strconv.Itoa(p.part):
		problem = func() {
			writeS3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		}
	case !p.expiresAt.After(e.clock.now()):
		problem = func() { writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired") }
	case p.channel.state != chanOpen || e.xfer.uploads[p.channel.id] != p.channel || e.channelExpired(p.channel):
		problem = func() {
			writeS3Error(w, http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist.")
		}
	case r.ContentLength >= 0 && r.ContentLength != p.size:
		problem = func() {
			writeS3Error(w, http.StatusBadRequest, "InvalidRequest", "Content-Length does not match the size the URL was signed for.")
		}
	}
	e.mu.Unlock()
	if problem != nil {
		problem()
		return
	}
	id, n, sum, err := e.store.write(r.Body, p.size)
	if err == nil && n != p.size {
		e.store.remove(id)
		err = errBlobTooLong
	}
	if err != nil {
		writeS3Error(w, http.StatusBadRequest, "IncompleteBody", "The body does not have the size the URL was signed for.")
		return
	}
	etag := hex.EncodeToString(sum[:])
	e.mu.Lock()
	ch := p.channel
	ok := ch.state == chanOpen && e.xfer.uploads[ch.id] == ch
	if ok {
		if old := ch.parts[p.part]; old != nil {
			e.store.remove(old.seg.blob)
		}
		ch.parts[p.part] = &s3Part{seg: segment{blob: id, size: n}, etag: etag}
		ch.touched = e.clock.now()
	}
	e.mu.Unlock()
	if !ok {
		e.store.remove(id)
		writeS3Error(w, http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist.")
		return
	}
	w.Header().Set("ETag", `"`+etag+`"`)
	w.WriteHeader(http.StatusOK)
}

// handleCompleteS3 accepts the part list: 202, then the status moves to
// finishing and, at a later poll, done. Conflicts under fail, missing file
// keys and wrong ETags are reported at once.
func (e *Emulator) handleCompleteS3(w http.ResponseWriter, r *http.Request) {
	var req completeUploadRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ch, err := e.s3Channel(r)
	if err != nil {
		writeError(w, err)
		return
	}
	c, err := e.checkCompletion(ch, &req)
	if err == nil {
		err = e.acceptS3(ch, c, req.Parts)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// acceptS3 checks a completion's part list against ch and, when it fits,
// moves ch to finishing with c as the pending completion. Callers hold
// e.mu.
func (e *Emulator) acceptS3(ch *uploadChannel, c *completion, parts []s3PartJSON) *apiError {
	data, sum, err := ch.assembleParts(parts, e.cfg.S3MinPartSize)
	if err != nil {
		return err
	}
	if e.cfg.NoContentHashes && data.size > 0 {
		sum = "" // the ETags are random tags
	}
	used := map[string]bool{}
	for _, s := range data.segs {
		used[s.blob] = true
	}
	for n, p := range ch.parts {
		if !used[p.seg.blob] {
			e.store.remove(p.seg.blob)
			delete(ch.parts, n)
		}
	}
	ch.state = chanFinishing
	ch.pending = &pendingS3{c: c, data: data, sum: sum}
	delete(e.xfer.byToken, ch.token)
	for k, u := range e.xfer.presigned {
		if u.channel == ch {
			delete(e.xfer.presigned, k)
		}
	}
	return nil
}

// assembleParts checks the completion's part list against the uploaded
// parts (numbers unique, ETags equal with or without quotes, every part
// but the last at least minPart bytes) and returns the content.
func (ch *uploadChannel) assembleParts(list []s3PartJSON, minPart int64) (*fileData, string, *apiError) {
	if len(list) == 0 {
		return nil, "", errMandatory
	}
	list = slices.Clone(list)
	slices.SortFunc(list, func(a, b s3PartJSON) int { return a.PartNumber - b.PartNumber })
	d := &fileData{}
	for i, pj := range list {
		p := ch.parts[pj.PartNumber]
		if p == nil || (i > 0 && list[i-1].PartNumber == pj.PartNumber) || strings.Trim(pj.PartEtag, `"`) != p.etag {
			return nil, "", errInvalidEtags
		}
		if i < len(list)-1 && p.seg.size < minPart {
			return nil, "", errInvalidParameter.withDebug("Part " + strconv.Itoa(pj.PartNumber) + " is smaller than the minimum part size")
		}
		if p.seg.size > 0 {
			d.segs = append(d.segs, p.seg)
		}
		d.size += p.seg.size
	}
	sum := ""
	switch {
	case len(d.segs) == 0:
		sum = emptyMD5
	case len(list) == 1:
		sum = ch.parts[list[0].PartNumber].etag
	}
	return d, sum, nil
}

// advanceS3 moves a finishing channel on at a status poll by its
// uploader (r): it stays finishing for the first poll, then the node is
// made (done) or the failure recorded (error). The MD5 of a multi-part
// file is computed after done (contenthash.go). Callers hold e.mu.
func (e *Emulator) advanceS3(r *http.Request, ch *uploadChannel) {
	p := ch.pending
	if p == nil {
		return
	}
	if p.polls < 1 {
		p.polls++
		return
	}
	ch.pending = nil
	n, err := e.finishUpload(ch, p.c, p.data, p.sum)
	if err != nil {
		ch.state, ch.err = chanError, err
		for _, s := range p.data.segs {
			e.store.remove(s.blob)
		}
	} else {
		if p.sum == "" {
			e.hashInBackground(p.data)
		}
		e.emit(r, opFileCreated, n.id, n.name)
	}
	ch.parts = nil
}

// ExpirePresignedURLs makes every presigned part URL issued so far
// expired (test control), so clients must ask for new ones. It returns
// how many were affected.
func (e *Emulator) ExpirePresignedURLs() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.now()
	n := 0
	for _, u := range e.xfer.presigned {
		if u.expiresAt.After(now) {
			u.expiresAt = now
			n++
		}
	}
	return n
}
