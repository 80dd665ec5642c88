package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
)

// fuzzRoute is one route of the emulator: method and chi pattern.
type fuzzRoute struct{ method, pattern string }

// allRoutes lists every route of the API router and the control router.
func allRoutes(tb testing.TB, e *Emulator) []fuzzRoute {
	tb.Helper()
	var out []fuzzRoute
	walk := func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, fuzzRoute{method, pattern})
		return nil
	}
	if err := chi.Walk(e.router, walk); err != nil {
		tb.Fatal(err)
	}
	if err := chi.Walk(e.controlRoutes().(chi.Routes), walk); err != nil {
		tb.Fatal(err)
	}
	slices.SortFunc(out, func(a, b fuzzRoute) int { return strings.Compare(a.pattern+a.method, b.pattern+b.method) })
	if len(out) < 20 {
		tb.Fatalf("only %d routes found", len(out))
	}
	return out
}

var routeParam = regexp.MustCompile(`\{[^}]*\}`)

// fuzzBase is the external URL of the fuzzed emulator; its host passes the
// control API's Host check.
const fuzzBase = "http://127.0.0.1:8080"

// fuzzEmulator is an emulator for fuzzing, reset before every input.
type fuzzEmulator struct {
	e      *Emulator
	h      http.Handler
	routes []fuzzRoute
}

func newFuzzEmulator(tb testing.TB) *fuzzEmulator {
	tb.Helper()
	e, err := New(Config{AdminPassword: "fuzz-Password-1", ExternalURL: fuzzBase})
	if err != nil {
		tb.Fatal(err)
	}
	return &fuzzEmulator{e: e, h: ProgressDeadlines(e.Handler(), time.Minute), routes: allRoutes(tb, e)}
}

// serve runs one request in-process. A hang (a mutex left locked) fails
// the test instead of stalling the fuzzer.
func (f *fuzzEmulator) serve(t *testing.T, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f.h.ServeHTTP(rec, req)
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("%s %q panicked: %v", req.Method, req.URL, p)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s %q did not finish", req.Method, req.URL)
	}
	return rec
}

func newFuzzRequest(method, path, rawQuery string, body []byte) *http.Request {
	req := &http.Request{
		Method:     method,
		URL:        &url.URL{Path: path, RawQuery: rawQuery},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     http.Header{},
		Host:       "127.0.0.1:8080",
		RemoteAddr: "127.0.0.1:40000",
		Body:       http.NoBody,
	}
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
	}
	return req.WithContext(context.Background())
}

// login runs the password grant through the handler and returns the
// access token.
func (f *fuzzEmulator) login(t *testing.T) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {AdminLogin}, "password": {"fuzz-Password-1"}, "client_id": {PublicClientID}}
	req := newFuzzRequest("POST", "/oauth/token", "", []byte(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := f.serve(t, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || rec.Code != 200 || tok.AccessToken == "" {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	return tok.AccessToken
}

// fuzzFixtures are live ids and tokens of the transfer routes, so that
// fuzzed requests reach past the lookups: a path parameter or query that
// names a placeholder ("@upload", "@token", …) gets the real value, and
// the parameter "@s3" sends the request to a real presigned part URL.
type fuzzFixtures struct {
	values  map[string]string
	s3Path  string // presigned part URL: path and query
	s3Query string
}

// fixtures creates a room with a file, a classic and an S3 upload channel,
// a presigned part URL and a download token.
func (f *fuzzEmulator) fixtures(t *testing.T, token string) fuzzFixtures {
	t.Helper()
	room, err := f.e.CreateRoom(RoomSpec{Name: "fuzz"})
	if err != nil {
		t.Fatal(err)
	}
	file, err := f.e.CreateFile(FileSpec{ParentID: room, Name: "f.bin", Content: []byte("0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	post := func(path, body string) map[string]any {
		req := newFuzzRequest("POST", path, "", []byte(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		rec := f.serve(t, req)
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || rec.Code >= 300 {
			t.Fatalf("fixture %s: %d %s", path, rec.Code, rec.Body)
		}
		return m
	}
	classic := post("/api/v4/nodes/files/uploads", fmt.Sprintf(`{"parentId":%d,"name":"c.bin"}`, room))
	s3 := post("/api/v4/nodes/files/uploads", fmt.Sprintf(`{"parentId":%d,"name":"s.bin","directS3Upload":true}`, room))
	urls := post("/api/v4/nodes/files/uploads/"+s3["uploadId"].(string)+"/s3_urls", `{"size":4,"firstPartNumber":1,"lastPartNumber":1}`)
	dl := post(fmt.Sprintf("/api/v4/nodes/files/%d/downloads", file), "")
	u, err := url.Parse(urls["urls"].([]any)[0].(map[string]any)["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return fuzzFixtures{
		values: map[string]string{
			"@room": strconv.FormatInt(room, 10), "@file": strconv.FormatInt(file, 10),
			"@upload": classic["uploadId"].(string), "@token": classic["token"].(string),
			"@s3upload": s3["uploadId"].(string), "@dl": dl["token"].(string),
		},
		s3Path: u.Path, s3Query: u.RawQuery,
	}
}

// fill replaces the placeholders in s.
func (x fuzzFixtures) fill(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	for k, v := range x.values {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// fuzzTransferSeeds are inputs that reach the transfer handlers with live
// fixtures: method, path pattern, parameter, query, extra header and body.
var fuzzTransferSeeds = []struct{ method, pattern, param, query, hname, hvalue, body string }{
	{"POST", "/api/v4/uploads/{token}", "@token", "", "Content-Range", "bytes 0-3/4", "abcd"},
	{"POST", "/api/v4/uploads/{token}", "@token", "", "Content-Range", "bytes 5-1/2", "abcd"},
	{"POST", "/api/v4/uploads/{token}", "@token", "", "Content-Type", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabcd\r\n--b--\r\n"},
	{"PUT", "/api/v4/uploads/{token}", "@token", "", "", "", `{"resolutionStrategy":"autorename"}`},
	{"DELETE", "/api/v4/uploads/{token}", "@token", "", "", "", ""},
	{"POST", "/api/v4/nodes/files/uploads/{upload_id}", "@upload", "", "Content-Range", "bytes 0-4/*", "abcd"},
	{"PUT", "/api/v4/nodes/files/uploads/{upload_id}", "@upload", "", "", "", `{"fileName":"x.bin"}`},
	{"GET", "/api/v4/nodes/files/uploads/{upload_id}", "@s3upload", "", "", "", ""},
	{"POST", "/api/v4/nodes/files/uploads/{upload_id}/s3_urls", "@s3upload", "", "", "", `{"size":4,"firstPartNumber":1,"lastPartNumber":3}`},
	{"PUT", "/api/v4/nodes/files/uploads/{upload_id}/s3", "@s3upload", "", "", "", `{"parts":[{"partNumber":1,"partEtag":"e2fc714c4727ee9395f324cd2e7f331f"}]}`},
	{"PUT", "/s3/{bucket}/{key}", "@s3", "", "", "", "abcd"},
	{"PUT", "/s3/{bucket}/{key}", "@s3", "partNumber=2", "", "", "abcde"},
	{"GET", "/api/v4/downloads/{token}", "@dl", "", "Range", "bytes=2-5", ""},
	{"GET", "/api/v4/downloads/{token}", "@dl", "inline=true", "Range", "bytes=-3", ""},
	{"GET", "/api/v4/nodes/files/{file_id}/downloads", "@file", "generic_mimetype=true", "Range", "bytes=9-", ""},
	{"POST", "/api/v4/nodes/files/{file_id}/downloads", "@file", "", "", "", ""},
	{"GET", "/api/v4/nodes/files/{file_id}/user_file_key", "@file", "version=A", "", "", ""},
	{"POST", "/api/v4/nodes/files/uploads", "", "", "", "", `{"parentId":@room,"name":"n.bin","size":4}`},
}

// Fuzz flags.
const (
	fuzzOwnMethod = 1 << iota // use the fuzzed method instead of the route's
	fuzzAuth                  // send the admin's bearer token
	fuzzControl               // send the control token (GET controls only)
	fuzzJSONType              // declare the body as JSON when ctype is empty
	fuzzHEAD                  // send HEAD
)

// FuzzHandlers sends arbitrary methods, path parameters, queries, headers
// and bodies to every route of the emulator (API, OAuth and test
// controls), with and without a token. The transfer routes get live
// upload channels, a presigned part URL and a download token
// (fuzzFixtures), so that chunks, parts, completions and ranged
// downloads are fuzzed beyond their lookups. No answer may be a 5xx or a panic,
// and a normal request afterwards must still work. Mutating test controls
// are only sent without the control token: with it, injected faults and
// clock jumps are their purpose.
func FuzzHandlers(f *testing.F) {
	fe := newFuzzEmulator(f)
	for i, rt := range fe.routes {
		body := []byte(`{"name":"n","parentId":1,"adminIds":[1],"items":[1],"firstName":"x","timestampCreation":"2020-01-01T00:00:00Z"}`)
		if strings.HasPrefix(rt.pattern, "/oauth") {
			body = []byte("grant_type=password&username=admin&password=fuzz-Password-1&client_id=" + PublicClientID)
		}
		f.Add(uint16(i), rt.method, "1", "limit=1&offset=0&filter=name:cn:a&sort=name:asc", "Accept", "application/json", "", body, uint8(fuzzAuth|fuzzJSONType))
		f.Add(uint16(i), "GET", "0", "filter=createdAt:ge:0000-01-01", "Content-Type", "text/plain", "text/plain", []byte(`{"name":"\ud800"}`), uint8(fuzzAuth))
	}
	for _, sd := range fuzzTransferSeeds {
		idx := slices.Index(fe.routes, fuzzRoute{sd.method, sd.pattern})
		if idx < 0 {
			f.Fatalf("no route %s %s", sd.method, sd.pattern)
		}
		f.Add(uint16(idx), sd.method, sd.param, sd.query, sd.hname, sd.hvalue, "", []byte(sd.body), uint8(fuzzAuth|fuzzJSONType))
	}
	f.Fuzz(func(t *testing.T, routeIdx uint16, method, param, rawQuery, hname, hvalue, ctype string, body []byte, flags uint8) {
		e := fe.e
		e.Reset()
		token := fe.login(t)
		fx := fe.fixtures(t, token)
		rt := fe.routes[int(routeIdx)%len(fe.routes)]
		if flags&fuzzOwnMethod != 0 {
			rt.method = method
		}
		if flags&fuzzHEAD != 0 {
			rt.method = http.MethodHead
		}
		path := routeParam.ReplaceAllLiteralString(rt.pattern, fx.fill(param))
		rawQuery = fx.fill(rawQuery)
		if param == "@s3" {
			path, rawQuery = fx.s3Path, fx.s3Query+"&"+rawQuery
		}
		req := newFuzzRequest(rt.method, path, rawQuery, []byte(fx.fill(string(body))))
		if hname != "" {
			req.Header.Set(hname, hvalue)
		}
		switch {
		case ctype != "":
			req.Header.Set("Content-Type", ctype)
		case flags&fuzzJSONType != 0:
			req.Header.Set("Content-Type", "application/json")
		}
		isControl := strings.HasPrefix(path, controlPrefix)
		if flags&fuzzAuth != 0 && !isControl {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if flags&fuzzControl != 0 && isControl && (req.Method == http.MethodGet || req.Method == http.MethodHead) {
			req.Header.Set(ControlTokenHeader, e.ControlToken())
		}
		rec := fe.serve(t, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q (query %q): %d %s", req.Method, path, rawQuery, rec.Code, rec.Body)
		}
		if rec.Code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
			t.Errorf("405 without Allow for %s %q", req.Method, path)
		}

		// The next normal requests still work.
		check := newFuzzRequest("GET", "/api/v4/user/account", "", nil)
		check.Header.Set("Authorization", "Bearer "+token)
		if rec := fe.serve(t, check); rec.Code != 200 {
			t.Fatalf("after %s %q: GET /user/account %d %s", req.Method, path, rec.Code, rec.Body)
		}
		if rec := fe.serve(t, newFuzzRequest("GET", "/api/v4/nodes", "", nil)); rec.Code != 401 {
			t.Fatalf("after %s %q: unauthenticated GET /nodes %d", req.Method, path, rec.Code)
		}
	})
}
