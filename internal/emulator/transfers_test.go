package emulator_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Tests of uploads and downloads (issue 8, emulator part), all under the
// contract validator.

const classicChunk = 64 << 10

// transferSizes are the sizes every transport is tried with, for a part
// (chunk) size p.
func transferSizes(p int) []int { return []int{0, 1, p - 1, p, p + 1, 3*p + 17} }

// roomFor creates a room administered by the admin and returns its id
// and an admin token.
func roomFor(t *testing.T, srv *dracoontest.Server, name string) (int64, string) {
	t.Helper()
	id, err := srv.CreateRoom(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	return id, login(t, srv).Access
}

// wantDownload fetches file id whole and compares it with data.
func wantDownload(t *testing.T, srv *dracoontest.Server, tk string, id int64, data []byte) {
	t.Helper()
	r := fetch(t, srv, downloadURL(t, srv, tk, id))
	if r.status != http.StatusOK || !bytes.Equal(r.body, data) {
		t.Fatalf("download of %d bytes: %d, %d bytes back, equal %v", len(data), r.status, len(r.body), bytes.Equal(r.body, data))
	}
	if r.header.Get("Content-Length") != fmt.Sprint(len(data)) || r.header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("download headers %v", r.header)
	}
}

func TestClassicUploadSizes(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "classic")
	for i, size := range transferSizes(classicChunk) {
		data := randomBytes(size, uint64(i))
		n := hashedNode(t, srv, tk, classicUpload(t, srv, tk, room, fmt.Sprintf("f%d.bin", size), data, classicChunk))
		if int(n["size"].(float64)) != size || n["hash"] != md5Hex(data) || n["type"] != "file" {
			t.Errorf("size %d: node %v", size, n)
		}
		wantDownload(t, srv, tk, idOf(n), data)
	}
}

func TestS3UploadSizes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	room, tk := roomFor(t, srv, "s3")
	const part = 5 << 20 // the default minimum part size
	for i, size := range transferSizes(part) {
		data := randomBytes(size, uint64(i))
		n := hashedNode(t, srv, tk, s3Upload(t, srv, tk, room, fmt.Sprintf("f%d.bin", size), data, part, ""))
		if int(n["size"].(float64)) != size || n["hash"] != md5Hex(data) {
			t.Errorf("size %d: node size %v hash %v", size, n["size"], n["hash"])
		}
		wantDownload(t, srv, tk, idOf(n), data)
	}
}

// The Python client sends "bytes 0-0/<size>" on every chunk, as
// multipart; the Java SDK "bytes 0-2048/*" (end exclusive, unknown
// total); chunks without a range are appended.
func TestClassicContentRangeStyles(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "styles")
	data := randomBytes(3*1000+17, 9)
	chunks := [][]byte{data[:1000], data[1000:2000], data[2000:3000], data[3000:]}
	styles := map[string]func(i int) string{
		"python": func(int) string { return fmt.Sprintf("bytes 0-0/%d", len(data)) },
		"java":   func(i int) string { return fmt.Sprintf("bytes %d-%d/*", i*1000, i*1000+len(chunks[i])) },
		"none":   func(int) string { return "" },
		"python-encrypted": func(i int) string {
			return fmt.Sprintf("bytes %d-%d/%d", i*1000, i*1000, len(data))
		},
		// An inclusive previous end, as a variant of the same client
		// bookkeeping could send: still appended.
		"python-encrypted-inclusive": func(i int) string {
			end := max(i*1000-1, 0)
			return fmt.Sprintf("bytes %d-%d/%d", end, end, len(data))
		},
	}
	for name, rng := range styles {
		ch := openChannel(t, srv, tk, room, name+".bin", "")
		for i, c := range chunks {
			wantChunk(t, sendChunk(t, srv, ch, c, rng(i), name == "python"), c)
		}
		n := nodeOf(t, complete(t, srv, ch, ""), http.StatusCreated)
		wantDownload(t, srv, tk, idOf(n), data)
	}
}

// Chunks with exact ranges may arrive out of order (concurrent senders);
// a gap at completion is -80021, overlapping ranges too.
func TestClassicOutOfOrderAndGaps(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "order")
	data := randomBytes(30, 1)
	ch := openChannel(t, srv, tk, room, "o.bin", "")
	wantChunk(t, sendChunk(t, srv, ch, data[20:], "bytes 20-29/30", false), data[20:])
	wantError(t, complete(t, srv, ch, ""), 400, -80021)
	wantError(t, sendChunk(t, srv, ch, data[15:25], "bytes 15-24/30", false), 400, -80021)
	wantError(t, sendChunk(t, srv, ch, data[:5], "bytes 5", false), 400, -80021)
	wantChunk(t, sendChunk(t, srv, ch, data[10:20], "bytes 10-19/30", false), data[10:20])
	wantChunk(t, sendChunk(t, srv, ch, data[:10], "bytes 0-9/30", false), data[:10])
	n := nodeOf(t, complete(t, srv, ch, ""), http.StatusCreated)
	wantDownload(t, srv, tk, idOf(n), data)
	// The channel is closed now.
	wantError(t, sendChunk(t, srv, ch, data[:1], "", false), 404, -20501)
}

// The deprecated authenticated pair the Java SDK uses.
func TestClassicAuthenticatedChunkAndComplete(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "java")
	data := randomBytes(5000, 2)
	ch := openChannel(t, srv, tk, room, "file.txt", "")
	r := api(t, srv, tk, "POST", "/nodes/files/uploads/"+ch.UploadID, string(data[:2048]), "Content-Type: application/octet-stream", "Content-Range: bytes 0-2048/*")
	wantChunk(t, r, data[:2048])
	r = api(t, srv, tk, "POST", "/nodes/files/uploads/"+ch.UploadID, string(data[2048:]), "Content-Type: application/octet-stream", "Content-Range: bytes 2048-5000/*")
	wantChunk(t, r, data[2048:])
	other, _ := srv.AddUser("other", "Secret-123456")
	_ = other
	otk := loginAs(t, srv, "other", "Secret-123456").Access
	wantError(t, api(t, srv, otk, "PUT", "/nodes/files/uploads/"+ch.UploadID, `{}`), 404, -20501)
	n := nodeOf(t, api(t, srv, tk, "PUT", "/nodes/files/uploads/"+ch.UploadID, `{"resolutionStrategy":"autorename","fileName":"file.txt"}`), http.StatusCreated)
	if n["name"] != "file.txt" || n["mediaType"] != "text/plain" {
		t.Errorf("node %v", n)
	}
	wantDownload(t, srv, tk, idOf(n), data)
}

// A conflict under fail is 409 and keeps the channel: another fileName
// then completes it. autorename picks "name (1).ext"; overwrite keeps the
// reference id and moves the old file into the recycle bin.
func TestUploadConflicts(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "conflicts")
	first := classicUpload(t, srv, tk, room, "a.txt", []byte("one"), classicChunk)

	ch := openChannel(t, srv, tk, room, "a.txt", "")
	wantChunk(t, sendChunk(t, srv, ch, []byte("two"), "", false), []byte("two"))
	wantError(t, complete(t, srv, ch, `{"resolutionStrategy":"fail"}`), 409, -40010)
	n := nodeOf(t, complete(t, srv, ch, `{"resolutionStrategy":"fail","fileName":"b.txt"}`), http.StatusCreated)
	if n["name"] != "b.txt" {
		t.Errorf("retry name %v", n["name"])
	}
	wantDownload(t, srv, tk, idOf(n), []byte("two"))

	auto := classicUpload(t, srv, tk, room, "a.txt", []byte("three"), classicChunk)
	if auto["name"] != "a (1).txt" {
		t.Errorf("autorename gave %v", auto["name"])
	}
	ch = openChannel(t, srv, tk, room, "a.txt", "")
	wantChunk(t, sendChunk(t, srv, ch, []byte("four"), "", false), []byte("four"))
	wantError(t, complete(t, srv, ch, `{"resolutionStrategy":"autorename","keepShareLinks":true}`), 400, -80034)
	over := nodeOf(t, complete(t, srv, ch, `{"resolutionStrategy":"overwrite"}`), http.StatusCreated)
	if over["referenceId"] != first["referenceId"] || idOf(over) == idOf(first) {
		t.Errorf("overwrite: reference %v (was %v), id %v", over["referenceId"], first["referenceId"], over["id"])
	}
	if r := api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d", idOf(first)), ""); r.status != 404 {
		t.Errorf("overwritten file still there: %d", r.status)
	}
	wantDownload(t, srv, tk, idOf(over), []byte("four"))
}

// Cancelling deletes the channel (both DELETE forms); later use is 404.
func TestCancelUpload(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "cancel")
	ch := openChannel(t, srv, tk, room, "x.bin", "")
	wantChunk(t, sendChunk(t, srv, ch, []byte("abc"), "", false), []byte("abc"))
	if r := call(t, srv, "DELETE", relative(t, srv, ch.UploadURL), nil, "Authorization: Bearer "+tk); r.status != http.StatusNoContent {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	wantError(t, sendChunk(t, srv, ch, []byte("d"), "", false), 404, -20501)
	wantError(t, complete(t, srv, ch, ""), 404, -20501)
	wantError(t, api(t, srv, tk, "GET", "/nodes/files/uploads/"+ch.UploadID, ""), 404, -20501)

	srv = newServer(t)
	room, tk = roomFor(t, srv, "cancel")
	ch = openChannel(t, srv, tk, room, "y.bin", `"directS3Upload":true`)
	if r := api(t, srv, tk, "DELETE", "/nodes/files/uploads/"+ch.UploadID, ""); r.status != http.StatusNoContent {
		t.Fatalf("cancel by id: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, tk, "POST", "/nodes/files/uploads/"+ch.UploadID+"/s3_urls", `{"firstPartNumber":1,"lastPartNumber":1,"size":1}`), 404, -20501)
	if r := api(t, srv, tk, "GET", fmt.Sprintf("/nodes?parent_id=%d", room), ""); strings.Contains(string(r.body), "x.bin") || strings.Contains(string(r.body), "y.bin") {
		t.Errorf("cancelled uploads left nodes: %s", r.body)
	}
}

// Ranges are inclusive, one token serves many requests; suffix and open
// ranges work; unsatisfiable ones are 416; HEAD sends headers only.
func TestRangedDownloads(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	room, tk := roomFor(t, srv, "ranges")
	data := randomBytes(4112, 3)
	id, err := srv.CreateFile(room, "r.txt", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := downloadURL(t, srv, tk, id)
	for _, c := range []struct {
		rng        string
		start, end int // inclusive
	}{
		{"bytes=0-2047", 0, 2047}, {"bytes=2048-4095", 2048, 4095}, {"bytes=4096-4111", 4096, 4111},
		{"bytes=128-2175", 128, 2175}, {"bytes=0-0", 0, 0}, {"bytes=4000-", 4000, 4111},
		{"bytes=-12", 4100, 4111}, {"bytes=4000-99999", 4000, 4111},
	} {
		r := fetch(t, srv, path, "Range: "+c.rng)
		want := fmt.Sprintf("bytes %d-%d/%d", c.start, c.end, len(data))
		if r.status != http.StatusPartialContent || r.header.Get("Content-Range") != want || !bytes.Equal(r.body, data[c.start:c.end+1]) {
			t.Errorf("%s: %d %q, %d bytes", c.rng, r.status, r.header.Get("Content-Range"), len(r.body))
		}
	}
	wantError(t, fetch(t, srv, path, "Range: bytes=5000-6000"), 416, 0)
	wantError(t, fetch(t, srv, path, "Range: lines=1-2"), 416, 0)
	r := call(t, srv, "HEAD", path, nil)
	if r.status != 200 || r.header.Get("Content-Length") != "4112" || len(r.body) != 0 {
		t.Errorf("HEAD: %d %v %d bytes", r.status, r.header, len(r.body))
	}
	r = fetch(t, srv, path+"?generic_mimetype=true&inline=true")
	if r.header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(r.header.Get("Content-Disposition"), "inline") {
		t.Errorf("generic/inline headers %v", r.header)
	}
	wantError(t, fetch(t, srv, "/api/v4/downloads/unknown-token"), 404, -41000)
	// The deprecated authenticated download.
	r = api(t, srv, tk, "GET", fmt.Sprintf("/nodes/files/%d/downloads", id), "", "Range: bytes=10-19")
	if r.status != http.StatusPartialContent || !bytes.Equal(r.body, data[10:20]) {
		t.Errorf("deprecated download: %d", r.status)
	}
}

// Room quota and the customer's space are enforced with 507, when the
// channel is opened with a size and when the bytes arrive.
func TestUploadQuota(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	tk := login(t, srv).Access
	room, err := srv.CreateRoom("quota", &dracoontest.RoomOptions{Quota: 100})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv, tk, "POST", "/nodes/files/uploads", fmt.Sprintf(`{"parentId":%d,"name":"big","size":101}`, room)), 507, -40200)
	classicUpload(t, srv, tk, room, "sixty", make([]byte, 60), classicChunk)
	ch := openChannel(t, srv, tk, room, "more", "")
	wantError(t, sendChunk(t, srv, ch, make([]byte, 41), "", false), 507, -40200)
	wantChunk(t, sendChunk(t, srv, ch, make([]byte, 40), "", false), make([]byte, 40))
	nodeOf(t, complete(t, srv, ch, ""), http.StatusCreated)

	free, _ := srv.CreateRoom("free", nil)
	srv.SetSpaceLimit(150)
	wantError(t, api(t, srv, tk, "POST", "/nodes/files/uploads", fmt.Sprintf(`{"parentId":%d,"name":"big","size":51}`, free)), 507, -90200)
}

// With --data-dir the blobs live on disk and survive the round trip.
func TestDiskStoreRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := newServer(t, dracoontest.WithDataDir(dir), dracoontest.WithS3MinPartSize(1000))
	room, tk := roomFor(t, srv, "disk")
	data := randomBytes(3*1000+17, 4)
	n := s3Upload(t, srv, tk, room, "d.bin", data, 1000, "")
	wantDownload(t, srv, tk, idOf(n), data)
	seeded, err := srv.CreateFile(room, "seeded.txt", []byte("seed"), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDownload(t, srv, tk, seeded, []byte("seed"))
	if got, _ := srv.FileContent(idOf(n)); !bytes.Equal(got, data) {
		t.Error("FileContent differs")
	}
	if err := srv.TamperFile(idOf(n), 1500); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.FileContent(idOf(n))
	if bytes.Equal(got, data) || got[1500] != data[1500]^0xff {
		t.Error("tampering changed nothing on disk")
	}
}

// Absolute URLs follow the external URL; the Host header only with
// TrustHostHeader.
func TestTransferURLsAndHost(t *testing.T) {
	t.Parallel()
	for _, trust := range []bool{false, true} {
		srv := newServer(t, dracoontest.WithTrustHostHeader(trust))
		room, tk := roomFor(t, srv, "host")
		r := withHost(t, srv, "proxy.example:8443", "POST", "/api/v4/nodes/files/uploads", "application/json",
			fmt.Sprintf(`{"parentId":%d,"name":"h.bin"}`, room), "Authorization: Bearer "+tk, "X-Forwarded-Proto: https")
		u, _ := r.json(t)["uploadUrl"].(string)
		want := srv.URL + "/api/v4/uploads/"
		if trust {
			want = "https://proxy.example:8443/api/v4/uploads/"
		}
		if !strings.HasPrefix(u, want) {
			t.Errorf("trust=%v: uploadUrl %q, want prefix %q", trust, u, want)
		}
	}
}

// The Python client's single-chunk upload: a raw body of unknown length
// (chunked transfer encoding) without Content-Type or Content-Range.
func TestRawChunkedBodyWithoutContentType(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "raw")
	data := randomBytes(70000, 8)
	ch := openChannel(t, srv, tk, room, "raw.bin", "")
	req, err := http.NewRequestWithContext(t.Context(), "POST", ch.UploadURL, io.MultiReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if req.ContentLength != 0 || req.Header.Get("Content-Type") != "" {
		t.Fatalf("the request was not sent chunked and untyped")
	}
	wantChunk(t, response{status: resp.StatusCode, header: resp.Header, body: body}, data)
	n := nodeOf(t, complete(t, srv, ch, ""), http.StatusCreated)
	wantDownload(t, srv, tk, idOf(n), data)
}

// Chunks with exact ranges sent concurrently land at their offsets; so do
// S3 parts.
func TestConcurrentChunksAndParts(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3MinPartSize(1000))
	room, tk := roomFor(t, srv, "concurrent")
	const pieces, size = 8, 1000
	data := randomBytes(pieces*size+17, 11)
	ch := openChannel(t, srv, tk, room, "c.bin", "")
	var wg sync.WaitGroup
	results := make([]response, pieces+1)
	for i := range pieces + 1 {
		wg.Go(func() {
			chunk := data[i*size : min((i+1)*size, len(data))]
			results[i] = sendChunk(t, srv, ch, chunk, fmt.Sprintf("bytes %d-%d/%d", i*size, i*size+len(chunk)-1, len(data)), i%2 == 0)
		})
	}
	wg.Wait()
	for i, r := range results {
		wantChunk(t, r, data[i*size:min((i+1)*size, len(data))])
	}
	wantDownload(t, srv, tk, idOf(nodeOf(t, complete(t, srv, ch, ""), http.StatusCreated)), data)

	s3ch := openChannel(t, srv, tk, room, "s.bin", `"directS3Upload":true`)
	urls := presign(t, srv, tk, s3ch, 1, pieces, size)
	urls = append(urls, presign(t, srv, tk, s3ch, pieces+1, pieces+1, 17)...)
	parts := make([]string, pieces+1)
	for i := range pieces + 1 {
		wg.Go(func() {
			chunk := data[i*size : min((i+1)*size, len(data))]
			results[i] = putPart(t, srv, urls[i], chunk)
			parts[i] = fmt.Sprintf(`{"partNumber":%d,"partEtag":%s}`, i+1, results[i].header.Get("ETag"))
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.status != http.StatusOK {
			t.Fatalf("part %d: %d %s", i+1, r.status, r.body)
		}
	}
	r := api(t, srv, tk, "PUT", "/nodes/files/uploads/"+s3ch.UploadID+"/s3", `{"parts":[`+strings.Join(parts, ",")+`]}`)
	if r.status != http.StatusAccepted {
		t.Fatalf("completion: %d %s", r.status, r.body)
	}
	wantDownload(t, srv, tk, idOf(pollDone(t, srv, tk, s3ch.UploadID)), data)
}

// An open channel lives 24 hours after its last chunk, then it is gone
// with its bytes.
func TestIdleChannelsExpire(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "idle")
	busy := openChannel(t, srv, tk, room, "busy.bin", "")
	idle := openChannel(t, srv, tk, room, "idle.bin", "")
	wantChunk(t, sendChunk(t, srv, idle, []byte("x"), "", false), []byte("x"))
	if err := srv.AdvanceClock(23 * time.Hour); err != nil {
		t.Fatal(err)
	}
	wantChunk(t, sendChunk(t, srv, busy, []byte("y"), "", false), []byte("y"))
	if err := srv.AdvanceClock(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	tk = login(t, srv).Access // the first token may have expired
	wantError(t, complete(t, srv, idle, ""), 404, -20501)
	wantError(t, api(t, srv, tk, "GET", "/nodes/files/uploads/"+idle.UploadID, ""), 404, -20501)
	wantDownload(t, srv, tk, idOf(nodeOf(t, complete(t, srv, busy, ""), http.StatusCreated)), []byte("y"))
}
