package emulator_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Helpers of the transfer tests: channels, chunks, parts, downloads.

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 17))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// channel is an opened upload channel.
type channel struct {
	UploadURL string `json:"uploadUrl"`
	UploadID  string `json:"uploadId"`
	Token     string `json:"token"`
}

// relative turns an absolute emulator URL into a path for call.
func relative(t *testing.T, srv *dracoontest.Server, u string) string {
	t.Helper()
	if !strings.HasPrefix(u, srv.URL+"/") {
		t.Fatalf("URL %q does not point at the emulator %s", u, srv.URL)
	}
	return strings.TrimPrefix(u, srv.URL)
}

// openChannel opens an upload channel; extra are more JSON fields
// (`"size":3,"directS3Upload":true`).
func openChannel(t *testing.T, srv *dracoontest.Server, tk string, parentID int64, name, extra string) channel {
	t.Helper()
	body := fmt.Sprintf(`{"parentId":%d,"name":%q`, parentID, name)
	if extra != "" {
		body += "," + extra
	}
	r := api(t, srv, tk, "POST", "/nodes/files/uploads", body+"}")
	if r.status != http.StatusCreated {
		t.Fatalf("open channel: %d %s", r.status, r.body)
	}
	var ch channel
	if err := json.Unmarshal(r.body, &ch); err != nil || ch.UploadID == "" || ch.Token == "" {
		t.Fatalf("channel answer %s: %v", r.body, err)
	}
	if want := srv.URL + "/api/v4/uploads/" + ch.Token; ch.UploadURL != want {
		t.Fatalf("uploadUrl %q, want %q", ch.UploadURL, want)
	}
	return ch
}

// sendChunk posts one chunk to the channel's upload URL, raw or as the
// multipart "file" part, with an optional Content-Range.
func sendChunk(t *testing.T, srv *dracoontest.Server, ch channel, data []byte, contentRange string, asMultipart bool) response {
	t.Helper()
	var hdr []string
	body := &bytes.Buffer{}
	if asMultipart {
		hdr = append(hdr, "Content-Type: "+multipartWriter(body, "upload", data))
	} else {
		body.Write(data)
		hdr = append(hdr, "Content-Type: application/octet-stream")
	}
	if contentRange != "" {
		hdr = append(hdr, "Content-Range: "+contentRange)
	}
	return call(t, srv, "POST", relative(t, srv, ch.UploadURL), body, hdr...)
}

// wantChunk checks a chunk answer: 201 with the chunk's size and MD5.
func wantChunk(t *testing.T, r response, data []byte) {
	t.Helper()
	if r.status != http.StatusCreated {
		t.Fatalf("chunk: %d %s", r.status, r.body)
	}
	m := r.json(t)
	if int(m["size"].(float64)) != len(data) || m["hash"] != md5Hex(data) {
		t.Fatalf("chunk answer %s, want size %d hash %s", r.body, len(data), md5Hex(data))
	}
}

// complete finishes a classic upload by token.
func complete(t *testing.T, srv *dracoontest.Server, ch channel, body string) response {
	t.Helper()
	if body == "" {
		body = "{}"
	}
	return call(t, srv, "PUT", relative(t, srv, ch.UploadURL), strings.NewReader(body))
}

// nodeOf decodes a Node answer of status want.
func nodeOf(t *testing.T, r response, want int) map[string]any {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	return r.json(t)
}

func idOf(m map[string]any) int64 { return int64(m["id"].(float64)) }

// downloadURL mints a download URL for file id.
func downloadURL(t *testing.T, srv *dracoontest.Server, tk string, id int64) string {
	t.Helper()
	r := api(t, srv, tk, "POST", fmt.Sprintf("/nodes/files/%d/downloads", id), "")
	if r.status != http.StatusOK {
		t.Fatalf("download URL: %d %s", r.status, r.body)
	}
	u, _ := r.json(t)["downloadUrl"].(string)
	return relative(t, srv, u)
}

// fetch GETs a download path with optional header lines.
func fetch(t *testing.T, srv *dracoontest.Server, path string, hdr ...string) response {
	t.Helper()
	return call(t, srv, "GET", path, nil, hdr...)
}

// classicUpload uploads data in chunks of chunkSize with exact
// Content-Range headers and completes; it returns the node.
func classicUpload(t *testing.T, srv *dracoontest.Server, tk string, parentID int64, name string, data []byte, chunkSize int) map[string]any {
	t.Helper()
	ch := openChannel(t, srv, tk, parentID, name, fmt.Sprintf(`"size":%d`, len(data)))
	for off := 0; off < len(data); off += chunkSize {
		end := min(off+chunkSize, len(data))
		wantChunk(t, sendChunk(t, srv, ch, data[off:end], fmt.Sprintf("bytes %d-%d/%d", off, end-1, len(data)), false), data[off:end])
	}
	return nodeOf(t, complete(t, srv, ch, `{"resolutionStrategy":"autorename"}`), http.StatusCreated)
}

// presign asks for part URLs first…last of size bytes each.
func presign(t *testing.T, srv *dracoontest.Server, tk string, ch channel, first, last int, size int64) []string {
	t.Helper()
	r := api(t, srv, tk, "POST", "/nodes/files/uploads/"+ch.UploadID+"/s3_urls",
		fmt.Sprintf(`{"firstPartNumber":%d,"lastPartNumber":%d,"size":%d}`, first, last, size))
	if r.status != http.StatusCreated {
		t.Fatalf("s3_urls: %d %s", r.status, r.body)
	}
	var out struct {
		URLs []struct {
			URL        string `json:"url"`
			PartNumber int    `json:"partNumber"`
		} `json:"urls"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || len(out.URLs) != last-first+1 {
		t.Fatalf("s3_urls answer %s: %v", r.body, err)
	}
	urls := make([]string, len(out.URLs))
	for i, u := range out.URLs {
		if u.PartNumber != first+i {
			t.Fatalf("url %d has part number %d", i, u.PartNumber)
		}
		urls[i] = relative(t, srv, u.URL)
	}
	return urls
}

// putPart PUTs one part to a presigned path.
func putPart(t *testing.T, srv *dracoontest.Server, path string, data []byte) response {
	t.Helper()
	return call(t, srv, "PUT", path, bytes.NewReader(data), "Content-Type: application/octet-stream")
}

// s3Upload uploads data as parts of partSize the way the Python client
// does (one batch for the full parts, one for the rest), completes and
// polls until done; it returns the node.
func s3Upload(t *testing.T, srv *dracoontest.Server, tk string, parentID int64, name string, data []byte, partSize int, complExtra string) map[string]any {
	t.Helper()
	ch := openChannel(t, srv, tk, parentID, name, fmt.Sprintf(`"size":%d,"directS3Upload":true`, len(data)))
	full := len(data) / partSize
	rest := len(data) % partSize
	var urls []string
	if full > 0 {
		urls = presign(t, srv, tk, ch, 1, full, int64(partSize))
	}
	if rest > 0 || len(data) == 0 {
		urls = append(urls, presign(t, srv, tk, ch, full+1, full+1, int64(rest))...)
	}
	var parts []string
	for i, u := range urls {
		chunk := data[min(i*partSize, len(data)):min((i+1)*partSize, len(data))]
		r := putPart(t, srv, u, chunk)
		etag := r.header.Get("ETag")
		if r.status != http.StatusOK || etag != `"`+md5Hex(chunk)+`"` {
			t.Fatalf("part %d: %d ETag %q: %s", i+1, r.status, etag, r.body)
		}
		// Clients strip the quotes; every other part keeps them, which the
		// completion must accept too.
		if i%2 == 0 {
			etag = strings.Trim(etag, `"`)
		}
		parts = append(parts, fmt.Sprintf(`{"partNumber":%d,"partEtag":%q}`, i+1, etag))
	}
	body := `{"parts":[` + strings.Join(parts, ",") + `]`
	if complExtra != "" {
		body += "," + complExtra
	}
	r := api(t, srv, tk, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", body+"}")
	if r.status != http.StatusAccepted {
		t.Fatalf("s3 completion: %d %s", r.status, r.body)
	}
	return pollDone(t, srv, tk, ch.UploadID)
}

// pollDone polls an S3 upload's status until done and returns the node;
// it fails on error or when finishing never ends.
func pollDone(t *testing.T, srv *dracoontest.Server, tk, uploadID string) map[string]any {
	t.Helper()
	sawFinishing := false
	for range 1000 {
		r := api(t, srv, tk, "GET", "/nodes/files/uploads/"+uploadID, "")
		m := nodeOf(t, r, http.StatusOK)
		switch m["status"] {
		case "finishing":
			sawFinishing = true
		case "done":
			if !sawFinishing {
				t.Errorf("status went to done without finishing")
			}
			return m["node"].(map[string]any)
		default:
			t.Fatalf("status %s", r.body)
		}
		time.Sleep(time.Millisecond) // the content is hashed in the background
	}
	t.Fatal("upload never finished")
	return nil
}

// multipartWriter writes data as the multipart "file" part with filename
// into body and returns the body's Content-Type.
func multipartWriter(body *bytes.Buffer, filename string, data []byte) string {
	mw := multipart.NewWriter(body)
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(data)
	mw.Close()
	return mw.FormDataContentType()
}

// hashedNode returns the node n after the background content hashes are
// done: a file uploaded in one piece has its hash at once, one of several
// pieces gets it after completion.
func hashedNode(t *testing.T, srv *dracoontest.Server, tk string, n map[string]any) map[string]any {
	t.Helper()
	srv.WaitContentHashes()
	r := api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d", idOf(n)), "")
	if r.status != http.StatusOK {
		t.Fatalf("node %d: %d %s", idOf(n), r.status, r.body)
	}
	return r.json(t)
}
