package emulator_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Hostile input to the emulator (issue 11): each case gets a DRACOON
// error of status 4xx, never a 5xx or a dropped connection, and the next
// ordinary request still works.

// want4xx checks a DRACOON-shaped client error.
func want4xx(t *testing.T, what string, r response) {
	t.Helper()
	if r.status < 400 || r.status >= 500 {
		t.Errorf("%s: status %d, want 4xx: %.200s", what, r.status, r.body)
		return
	}
	var m struct {
		Code      int     `json:"code"`
		Message   string  `json:"message"`
		DebugInfo *string `json:"debugInfo"`
	}
	if err := json.Unmarshal(r.body, &m); err != nil || m.Code != r.status || m.Message != http.StatusText(r.status) || m.DebugInfo == nil {
		t.Errorf("%s: %d answer not DRACOON-shaped: %.200s", what, r.status, r.body)
	}
	if len(r.body) > 2048 {
		t.Errorf("%s: error of %d bytes echoes the input", what, len(r.body))
	}
}

func TestHostileJSONAndContentTypes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	big := `{"name":"` + strings.Repeat("a", 2<<20) + `","parentId":1}`
	for _, c := range []struct {
		what, method, path, body, ctype string
	}{
		{"truncated", "POST", "/nodes/folders", `{"name":"a","parentId":`, "application/json"},
		{"not an object", "POST", "/nodes/folders", `[1,2,3]`, "application/json"},
		{"nesting bomb", "POST", "/nodes/folders", deep, "application/json"},
		{"oversized", "POST", "/nodes/folders", big, "application/json"},
		{"string for number", "POST", "/nodes/folders", `{"name":"a","parentId":"1"}`, "application/json"},
		{"id beyond int64", "POST", "/nodes/folders", `{"name":"a","parentId":99999999999999999999}`, "application/json"},
		{"negative huge id", "POST", "/nodes/folders", `{"name":"a","parentId":-99999999999999999999}`, "application/json"},
		{"float id", "POST", "/nodes/folders", `{"name":"a","parentId":1e400}`, "application/json"},
		{"invalid UTF-8", "POST", "/nodes/folders", "{\"name\":\"\xff\xfe\",\"parentId\":1}", "application/json"},
	} {
		r := api(t, srv, tk, c.method, c.path, c.body, "Content-Type: "+c.ctype)
		want4xx(t, c.what, r)
	}
	if r := api(t, srv, tk, "GET", "/user/account", ""); r.status != 200 {
		t.Fatalf("after hostile JSON: %d", r.status)
	}

	// Wrong content types get 415, which the API document does not list:
	// a server without the validator.
	plain := dracoontest.NewServer(t)
	ptk := login(t, plain).Access
	for _, c := range []struct{ what, method, path, body, ctype string }{
		{"text/plain", "POST", "/nodes/folders", `{"name":"a","parentId":1}`, "text/plain"},
		{"form", "POST", "/nodes/folders", `name=a&parentId=1`, "application/x-www-form-urlencoded"},
		{"xml", "PUT", "/user/account", `<a/>`, "application/xml"},
		{"latin-1 JSON", "PUT", "/user/account", `{"firstName":"a"}`, "application/json; charset=ISO-8859-1"},
		{"garbage type", "PUT", "/user/account", `{"firstName":"a"}`, ";;;==="},
		{"multipart for JSON", "POST", "/nodes/rooms", "--x\r\n\r\n--x--", "multipart/form-data; boundary=x"},
	} {
		want4xx(t, c.what, api(t, plain, ptk, c.method, c.path, c.body, "Content-Type: "+c.ctype))
	}
}

func TestHostileNamesIDsFiltersAndSorts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room, err := srv.CreateRoom("hostile", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a/b", "/", "..", ".", "../etc", "a\x00b", "a\nb", "a\x7fb", "a\u0085b", strings.Repeat("n", 300), "", "   "} {
		body, _ := json.Marshal(map[string]any{"name": name, "parentId": room})
		want4xx(t, fmt.Sprintf("folder %q", name), api(t, srv, tk, "POST", "/nodes/folders", string(body)))
		want4xx(t, fmt.Sprintf("upload %q", name), api(t, srv, tk, "POST", "/nodes/files/uploads", string(body)))
		body, _ = json.Marshal(map[string]any{"name": name})
		want4xx(t, fmt.Sprintf("room %q", name), api(t, srv, tk, "POST", "/nodes/rooms", string(body)))
	}
	for _, p := range []string{
		"/nodes/99999999999999999999", "/nodes/-1", "/nodes/0x10", "/nodes/1e3", "/nodes/%00",
		"/nodes/files/99999999999999999999/downloads", "/users/99999999999999999999", "/groups/-99999999999999999999",
		"/nodes?parent_id=99999999999999999999", "/nodes?parent_id=-1", "/nodes?offset=99999999999999999999", "/nodes?limit=-5",
	} {
		want4xx(t, "GET "+p, api(t, srv, tk, "GET", p, ""))
	}
	long := strings.Repeat("name:cn:a|", 5000)
	for _, q := range []string{
		"filter=|||", "filter=:::", "filter=" + strings.Repeat("|", 10000), "filter=" + strings.Repeat(":", 10000),
		"filter=name::", "filter=name:cn", "filter=:cn:a", "filter=name:xx:a", "filter=type:eq:room:folder:nonsense",
		"filter=" + url.QueryEscape(long+"bogus:eq:1"), "filter=" + strings.Repeat("x", 100_000),
		"sort=|||", "sort=:::", "sort=name:asc|" + strings.Repeat("|", 1000), "sort=name:sideways", "sort=" + strings.Repeat(":", 10000),
	} {
		want4xx(t, "GET /nodes?"+q[:min(len(q), 40)], api(t, srv, tk, "GET", "/nodes?parent_id=0&"+q, ""))
	}
	// Many well-formed conditions are fine: they are only slow.
	if r := api(t, srv, tk, "GET", "/nodes?parent_id=0&filter="+url.QueryEscape(long[:len(long)-1]), ""); r.status != 200 {
		t.Fatalf("5000 valid conditions: %d %.200s", r.status, r.body)
	}
}

func TestHostileContentRanges(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "ranges")
	data := randomBytes(100, 8)
	ch := openChannel(t, srv, tk, room, "r.bin", `"size":100`)
	wantChunk(t, sendChunk(t, srv, ch, data[:50], "bytes 0-49/100", false), data[:50])
	for _, c := range []struct{ what, rng string }{
		{"overlap", "bytes 25-74/100"},
		{"beyond its total", "bytes 50-149/100"},
		{"beyond the announced size", "bytes 90-139/*"},
		{"negative", "bytes -50-0/100"},
		{"end before start", "bytes 60-50/100"},
		{"absurdly large", "bytes 0-99999999999999999999/100"},
		{"length lie", "bytes 50-59/100"},
		{"garbage", "bytes ☃"},
		{"other unit", "items 50-99/100"},
		{"no unit", "50-99/100"},
		{"empty total", "bytes 50-99/"},
	} {
		r := sendChunk(t, srv, ch, data[50:], c.rng, false)
		want4xx(t, "Content-Range "+c.what, r)
		if r.status == 201 {
			break
		}
	}
	// The lies left nothing behind: the honest rest completes the file.
	wantChunk(t, sendChunk(t, srv, ch, data[50:], "bytes 50-99/100", false), data[50:])
	n := nodeOf(t, complete(t, srv, ch, ""), http.StatusCreated)
	wantDownload(t, srv, tk, idOf(n), data)

	// Range headers of downloads: unsatisfiable or malformed is 416.
	dl := downloadURL(t, srv, tk, idOf(n))
	for _, h := range []string{"bytes=100-", "bytes=-0", "bytes=50-10", "bytes=99999999999999999999-", "bytes=a-b", "pages=0-1"} {
		want4xx(t, "Range "+h, fetch(t, srv, dl, "Range: "+h))
	}
	// A suffix range of an empty file is unsatisfiable too (found by
	// FuzzContentRange: it used to answer 206 "bytes 0--1/0").
	empty, err := srv.CreateFile(room, "empty.bin", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := fetch(t, srv, downloadURL(t, srv, tk, empty), "Range: bytes=-1")
	want4xx(t, "suffix range of an empty file", r)
	if r.status != 416 || r.header.Get("Content-Range") != "bytes */0" {
		t.Errorf("suffix range of an empty file: %d, Content-Range %q", r.status, r.header.Get("Content-Range"))
	}
}

func TestHostileMultipartChunks(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "multipart")
	ch := openChannel(t, srv, tk, room, "m.bin", "")
	post := func(body []byte, ctype string) response {
		return call(t, srv, "POST", relative(t, srv, ch.UploadURL), bytes.NewReader(body), "Content-Type: "+ctype)
	}
	// Endless small parts before the file part.
	var bomb bytes.Buffer
	mw := multipart.NewWriter(&bomb)
	for i := range 20_000 {
		w, _ := mw.CreateFormField(fmt.Sprintf("f%d", i))
		_, _ = w.Write([]byte("x"))
	}
	fw, _ := mw.CreateFormFile("file", "f.bin")
	_, _ = fw.Write([]byte("payload"))
	_ = mw.Close()
	want4xx(t, "20000 parts before the file", post(bomb.Bytes(), mw.FormDataContentType()))
	// One part header of 1 MiB.
	huge := "--b\r\nContent-Disposition: form-data; name=\"file\"\r\nX-Pad: " + strings.Repeat("p", 1<<20) + "\r\n\r\ndata\r\n--b--\r\n"
	want4xx(t, "1 MiB part header", post([]byte(huge), "multipart/form-data; boundary=b"))
	want4xx(t, "no boundary", post([]byte("--b\r\n\r\n--b--"), "multipart/form-data"))
	want4xx(t, "no file part", post([]byte("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n"), "multipart/form-data; boundary=b"))
	want4xx(t, "never closed", post([]byte("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1"), "multipart/form-data; boundary=b"))
	// None of it was stored: an honest chunk makes a 4-byte file.
	var ok bytes.Buffer
	wantChunk(t, call(t, srv, "POST", relative(t, srv, ch.UploadURL), &ok, "Content-Type: "+multipartWriter(&ok, "m.bin", []byte("good"))), []byte("good"))
	n := nodeOf(t, complete(t, srv, ch, ""), http.StatusCreated)
	if n["size"].(float64) != 4 {
		t.Fatalf("file after the bombs: %v bytes", n["size"])
	}
}

// rawExchange sends a raw request head (and no body) and returns the
// answer, or nil when the server closed the connection instead.
func rawExchange(t *testing.T, srv *dracoontest.Server, head string) *http.Response {
	t.Helper()
	c := rawConn(t, srv)
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return nil
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestHostileSizesKeepMemoryBounded announces 10 GiB bodies that never
// come and sends oversized bodies to every kind of body-reading endpoint;
// each is refused (4xx) or cut off by the progress deadline, and the
// heap allocations of all of it stay far below one such body. No contract
// validator here: it keeps whole bodies for checking. Not parallel, so
// that other tests' allocations do not count.
func TestHostileSizesKeepMemoryBounded(t *testing.T) {
	srv := dracoontest.NewServer(t, dracoontest.WithS3MinPartSize(1),
		dracoontest.WithTimeouts(dracoontest.Timeouts{Progress: 300 * time.Millisecond}))
	tk := login(t, srv).Access
	room, err := srv.CreateRoom("sizes", nil)
	if err != nil {
		t.Fatal(err)
	}
	const tenGiB = 10 << 30
	classic := openChannel(t, srv, tk, room, "c.bin", "")
	s3 := openChannel(t, srv, tk, room, "s.bin", `"directS3Upload":true`)
	part := presign(t, srv, tk, s3, 1, 1, tenGiB)[0]
	oversized := bytes.Repeat([]byte("x"), 3<<20)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, path := range []string{
		relative(t, srv, classic.UploadURL),               // classic chunk
		"/api/v4/nodes/files/uploads/" + classic.UploadID, // deprecated authenticated chunk
		"/api/v4/nodes/folders",                           // JSON
		"/oauth/token",                                    // form
	} {
		head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, tk, int64(tenGiB))
		if resp := rawExchange(t, srv, head); resp != nil && (resp.StatusCode < 400 || resp.StatusCode >= 500) {
			t.Errorf("10 GiB announced to %s: %d", path, resp.StatusCode)
		}
	}
	head := fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n", part, int64(tenGiB))
	if resp := rawExchange(t, srv, head); resp != nil && (resp.StatusCode < 400 || resp.StatusCode >= 500) {
		t.Errorf("10 GiB announced to the object store: %d", resp.StatusCode)
	}
	for _, c := range []struct{ method, path, ctype string }{
		{"POST", "/api/v4/nodes/folders", "application/json"},
		{"PUT", "/api/v4/user/account", "application/json"},
		{"POST", "/oauth/token", "application/x-www-form-urlencoded"},
	} {
		// Chunked: no Content-Length to refuse early.
		req, _ := http.NewRequest(c.method, srv.URL+c.path, io.MultiReader(bytes.NewReader(oversized)))
		req.Header.Set("Authorization", "Bearer "+tk)
		req.Header.Set("Content-Type", c.ctype)
		resp, err := srv.Client().Do(req)
		if err != nil {
			continue // the server may close once it has refused
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("3 MiB body to %s: %d", c.path, resp.StatusCode)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d KiB for five 10 GiB announcements and three 3 MiB bodies", allocated>>10)
	if allocated > 32<<20 {
		t.Fatalf("allocated %d MiB: bodies are being held", allocated>>20)
	}
	if r := api(t, srv, tk, "GET", "/user/account", ""); r.status != 200 {
		t.Fatalf("after the hostile sizes: %d", r.status)
	}
}

// unboundedBodyRead matches ways of reading a request body whole or
// without a limit; handlers use decodeJSON (1 MiB), stream into the blob
// store, or bound the reader themselves.
var unboundedBodyRead = regexp.MustCompile(`io\.ReadAll\(\s*(r|req)\.Body\)|json\.NewDecoder\(|\.ParseMultipartForm\(|\.FormFile\(|httputil\.DumpRequest`)

// TestBodiesAreReadBounded keeps future handlers on the bounded readers.
func TestBodiesAreReadBounded(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := unboundedBodyRead.FindIndex(src); loc != nil {
			line := 1 + bytes.Count(src[:loc[0]], []byte("\n"))
			t.Errorf("%s:%d reads a request body without a bound: %s", f, line, src[loc[0]:loc[1]])
		}
	}
}
