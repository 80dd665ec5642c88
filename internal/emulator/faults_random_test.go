package emulator_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Tests of the random fault profile and the fault kinds (faults.go).

// outcome is what a client saw: a status, or "err" for a broken
// connection.
func outcome(srv *dracoontest.Server, method, path, token string, body []byte) string {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, _ := http.NewRequest(method, srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		return "err"
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		return "err"
	}
	return strconv.Itoa(resp.StatusCode)
}

// faultRun sends a fixed sequence of requests and returns what each saw
// and the faults counted.
func faultRun(t *testing.T, seed uint64) ([]string, map[dracoontest.FaultKind]int64) {
	t.Helper()
	srv := newServer(t, dracoontest.WithFaults(dracoontest.FaultProfile{
		Seed:  seed,
		Rates: dracoontest.SpreadFaultRate(0.6, dracoontest.FaultServerError, dracoontest.FaultRateLimit, dracoontest.FaultReset, dracoontest.FaultTruncate),
	}))
	tk := login(t, srv) // OAuth is not faulted by default
	var seen []string
	for i := range 40 {
		if i%2 == 0 {
			seen = append(seen, outcome(srv, "GET", "/api/v4/public/time", "", nil))
		} else {
			seen = append(seen, outcome(srv, "GET", "/api/v4/user/account", tk.Access, nil))
		}
	}
	return seen, srv.InjectedFaults()
}

func TestFaultProfileIsDeterministic(t *testing.T) {
	t.Parallel()
	a, countsA := faultRun(t, 42)
	b, countsB := faultRun(t, 42)
	c, _ := faultRun(t, 43)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	if fmt.Sprint(countsA) != fmt.Sprint(countsB) {
		t.Fatalf("same seed, different counts: %v %v", countsA, countsB)
	}
	if strings.Join(a, ",") == strings.Join(c, ",") {
		t.Fatalf("seeds 42 and 43 gave the same 40 outcomes: %v", a)
	}
	failed, kinds := 0, map[string]bool{}
	for _, o := range a {
		if o != "200" {
			failed++
			kinds[o] = true
		}
	}
	var total int64
	for _, n := range countsA {
		total += n
	}
	if int64(failed) != total {
		t.Fatalf("%d requests failed, %d faults counted (%v): %v", failed, total, countsA, a)
	}
	// At a rate of 0.6 over 40 requests every kind shows up.
	if failed < 10 || failed > 35 || !kinds["err"] || !kinds["429"] || len(kinds) < 3 {
		t.Fatalf("implausible spread of faults: %v", a)
	}
}

func TestFaultProfileSelection(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithFaults(dracoontest.FaultProfile{
		Rates: map[dracoontest.FaultKind]float64{dracoontest.FaultServerError: 1},
		Path:  `^/api/v4/user/`, Method: "GET",
	}))
	tk := login(t, srv)
	if r := call(t, srv, "GET", "/api/v4/public/time", nil); r.status != 200 {
		t.Fatalf("path outside the profile faulted: %d", r.status)
	}
	if r := api(t, srv, tk.Access, "PUT", "/user/account", `{"firstName":"Ann"}`); r.status != 200 {
		t.Fatalf("method outside the profile faulted: %d %s", r.status, r.body)
	}
	r := api(t, srv, tk.Access, "GET", "/user/account", "")
	if r.status < 500 {
		t.Fatalf("selected request not faulted: %d", r.status)
	}
	wantError(t, r, r.status, 0)
	if r := ctl(t, srv, "GET", "/_emulator/faults/injected", nil); r.status != 200 || !strings.Contains(string(r.body), `"total":1`) {
		t.Fatalf("controls faulted or miscounted: %d %s", r.status, r.body)
	}

	// OAuth only when asked.
	if err := srv.SetFaultProfile(dracoontest.FaultProfile{Rates: map[dracoontest.FaultKind]float64{dracoontest.FaultRateLimit: 1}, IncludeOAuth: true}); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword}, "client_id": {srv.PublicClientID}}
	if r := oauthPost(t, srv, "/oauth/token", form); r.status != 429 || r.header.Get("Retry-After") != "1" {
		t.Fatalf("OAuth with IncludeOAuth: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	srv.ClearFaultProfile()
	if r := oauthPost(t, srv, "/oauth/token", form); r.status != 200 {
		t.Fatalf("after ClearFaultProfile: %d", r.status)
	}

	for _, bad := range []dracoontest.FaultProfile{
		{Rates: map[dracoontest.FaultKind]float64{"nonsense": 0.1}},
		{Rates: map[dracoontest.FaultKind]float64{dracoontest.FaultReset: 0.6, dracoontest.FaultTruncate: 0.6}},
		{Rates: map[dracoontest.FaultKind]float64{dracoontest.FaultReset: -0.1}},
		{Rates: map[dracoontest.FaultKind]float64{dracoontest.FaultReset: 0.1}, Path: "("},
	} {
		if err := srv.SetFaultProfile(bad); err == nil {
			t.Errorf("invalid profile %+v accepted", bad)
		}
	}
}

func TestFaultTokenExpiry(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	if err := srv.InjectFault(dracoontest.Fault{Path: `^/api/v4/user/account$`, Count: 1, Kind: dracoontest.FaultTokenExpiry}); err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv, tk.Access, "GET", "/user/account", ""), 401, -10012)
	// The token is gone for good, not only for one answer.
	wantError(t, api(t, srv, tk.Access, "GET", "/user/ping", ""), 401, -10012)
	fresh := decodeTokens(t, oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.Refresh}},
		basicAuth(srv)))
	if r := api(t, srv, fresh.Access, "GET", "/user/account", ""); r.status != 200 {
		t.Fatalf("after refresh: %d", r.status)
	}
	if got := srv.InjectedFaults()[dracoontest.FaultTokenExpiry]; got != 1 {
		t.Fatalf("token-expiry counted %d times, want 1", got)
	}
}

func basicAuth(srv *dracoontest.Server) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(srv.ClientID, srv.ClientSecret)
	return "Authorization: " + req.Header.Get("Authorization")
}

// rawGet fetches path on a fresh connection and returns the response
// header, the body bytes that arrived and the read error.
func rawGet(t *testing.T, srv *dracoontest.Server, path string) (*http.Response, []byte, error) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DisableCompression: true}}
	resp, err := c.Get(srv.URL + path)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestFaultResponseBodyCuts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	room, err := srv.CreateRoom("cuts", nil)
	if err != nil {
		t.Fatal(err)
	}
	data := randomBytes(100_000, 3)
	id, err := srv.CreateFile(room, "f.bin", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	dl := downloadURL(t, srv, tk.Access, id)
	for _, tc := range []struct {
		kind dracoontest.FaultKind
		cut  int64
	}{
		{dracoontest.FaultTruncate, 5},
		{dracoontest.FaultTruncate, 0},
		{dracoontest.FaultTruncate, -1},
		{dracoontest.FaultResetResponseBody, 70_000},
		{dracoontest.FaultResetResponseBody, -1},
	} {
		if err := srv.InjectFault(dracoontest.Fault{Path: `^/api/v4/downloads/`, Count: 1, Kind: tc.kind, CutAfter: tc.cut}); err != nil {
			t.Fatal(err)
		}
		resp, body, err := rawGet(t, srv, dl)
		if resp == nil {
			t.Fatalf("%s after %d: no header at all: %v", tc.kind, tc.cut, err)
		}
		if resp.ContentLength != int64(len(data)) {
			t.Fatalf("%s: Content-Length %d, want the whole file", tc.kind, resp.ContentLength)
		}
		if err == nil || len(body) >= len(data) {
			t.Fatalf("%s after %d: %d bytes, err %v; want fewer bytes and an error", tc.kind, tc.cut, len(body), err)
		}
		if tc.cut >= 0 && int64(len(body)) != tc.cut {
			t.Fatalf("%s: %d bytes arrived, want %d", tc.kind, len(body), tc.cut)
		}
		if !bytes.Equal(body, data[:len(body)]) {
			t.Fatalf("%s: the bytes that arrived are not the file's", tc.kind)
		}
		if tc.kind == dracoontest.FaultTruncate && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("truncation: %v, want unexpected EOF", err)
		}
	}
	// The next download is whole, and each cut was counted.
	if _, body, err := rawGet(t, srv, dl); err != nil || !bytes.Equal(body, data) {
		t.Fatalf("after the faults: %d bytes, %v", len(body), err)
	}
	got := srv.InjectedFaults()
	if got[dracoontest.FaultTruncate] != 3 || got[dracoontest.FaultResetResponseBody] != 2 {
		t.Fatalf("counts %v", got)
	}
	// An answer without a body is cut before its header.
	if err := srv.InjectFault(dracoontest.Fault{Path: `^/api/v4/public/time$`, Count: 1, Kind: dracoontest.FaultResetResponseBody, CutAfter: 3}); err != nil {
		t.Fatal(err)
	}
	if resp, body, err := rawGet(t, srv, "/api/v4/public/time"); err == nil && len(body) >= int(resp.ContentLength) {
		t.Fatalf("cut answer arrived whole: %s", body)
	}
}

func TestFaultResetInRequestBody(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	room, err := srv.CreateRoom("resets", nil)
	if err != nil {
		t.Fatal(err)
	}
	data := randomBytes(50_000, 4)
	ch := openChannel(t, srv, tk.Access, room, "r.bin", fmt.Sprintf(`"size":%d`, len(data)))
	if err := srv.InjectFault(dracoontest.Fault{Path: `^/api/v4/uploads/`, Method: "POST", Count: 1, Kind: dracoontest.FaultResetRequestBody, CutAfter: 1000}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+relative(t, srv, ch.UploadURL), bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/octet-stream")
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("chunk sent over a reset connection answered %d", resp.StatusCode)
	}
	if got := srv.OpenUploadChannels(); got != 1 {
		t.Fatalf("%d open upload channels, want 1", got)
	}
	// Nothing of the cut chunk was kept: the whole file goes again.
	wantChunk(t, sendChunk(t, srv, ch, data, "", false), data)
	n := nodeOf(t, complete(t, srv, ch, ""), http.StatusCreated)
	if got := srv.OpenUploadChannels(); got != 0 {
		t.Fatalf("%d open upload channels after completion", got)
	}
	if int(n["size"].(float64)) != len(data) || n["hash"] != md5Hex(data) {
		t.Fatalf("file after a reset chunk: %v", n)
	}
	if got := srv.InjectedFaults()[dracoontest.FaultResetRequestBody]; got != 1 {
		t.Fatalf("reset-request-body counted %d", got)
	}
}

func TestFaultPresignedExpiryAndCorruptBlob(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3MinPartSize(1))
	tk := login(t, srv)
	room, err := srv.CreateRoom("s3 faults", nil)
	if err != nil {
		t.Fatal(err)
	}
	data := randomBytes(4096, 5)
	ch := openChannel(t, srv, tk.Access, room, "p.bin", fmt.Sprintf(`"size":%d,"directS3Upload":true`, len(data)))
	if got := srv.OpenUploadChannels(); got != 1 {
		t.Fatalf("%d open upload channels, want 1", got)
	}
	urls := presign(t, srv, tk.Access, ch, 1, 1, int64(len(data)))
	if err := srv.InjectFault(dracoontest.Fault{Path: `^/s3/`, Count: 1, Kind: dracoontest.FaultPresignedExpiry}); err != nil {
		t.Fatal(err)
	}
	r := putPart(t, srv, urls[0], data)
	if r.status != 403 || !strings.Contains(string(r.body), "AccessDenied") {
		t.Fatalf("part on an expired URL: %d %s", r.status, r.body)
	}
	if r := putPart(t, srv, urls[0], data); r.status != 403 {
		t.Fatalf("expired URL works again: %d", r.status)
	}
	urls = presign(t, srv, tk.Access, ch, 1, 1, int64(len(data)))
	r = putPart(t, srv, urls[0], data)
	if r.status != 200 {
		t.Fatalf("part on a new URL: %d %s", r.status, r.body)
	}
	etag := strings.Trim(r.header.Get("ETag"), `"`)
	if r := api(t, srv, tk.Access, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", fmt.Sprintf(`{"parts":[{"partNumber":1,"partEtag":%q}]}`, etag)); r.status != 202 {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	id := idOf(pollDone(t, srv, tk.Access, ch.UploadID))
	if got := srv.OpenUploadChannels(); got != 0 {
		t.Fatalf("%d open upload channels after an S3 upload is done", got)
	}

	// A corrupt-blob fault flips one stored byte before the download.
	if err := srv.InjectFault(dracoontest.Fault{Path: `/downloads/`, Method: "GET", Count: 1, Kind: dracoontest.FaultCorruptBlob, Offset: -1}); err != nil {
		t.Fatal(err)
	}
	got := fetch(t, srv, downloadURL(t, srv, tk.Access, id))
	if got.status != 200 || len(got.body) != len(data) {
		t.Fatalf("download: %d, %d bytes", got.status, len(got.body))
	}
	if diff := differingBytes(got.body, data); diff != 1 {
		t.Fatalf("%d bytes differ, want exactly 1", diff)
	}
	stored, err := srv.FileContent(id)
	if err != nil || !bytes.Equal(stored, got.body) {
		t.Fatalf("the corruption did not stay in the store: %v", err)
	}
	counts := srv.InjectedFaults()
	if counts[dracoontest.FaultPresignedExpiry] != 1 || counts[dracoontest.FaultCorruptBlob] != 1 {
		t.Fatalf("counts %v", counts)
	}
}

func differingBytes(a, b []byte) int {
	n := 0
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n + max(len(a), len(b)) - min(len(a), len(b))
}

func TestFaultProfileControlAPI(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if r := ctl(t, srv, "GET", "/_emulator/faults/profile", nil); r.status != 404 {
		t.Fatalf("profile before any: %d", r.status)
	}
	r := ctl(t, srv, "POST", "/_emulator/faults/profile", strings.NewReader(`{"seed":7,"rate":0.5,"kinds":["5xx","429"],"rates":{"latency":0.1},"latencyMs":5,"path":"^/api/v4/public/"}`))
	if r.status != 204 {
		t.Fatalf("set profile: %d %s", r.status, r.body)
	}
	r = ctl(t, srv, "GET", "/_emulator/faults/profile", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"5xx":0.25`) || !strings.Contains(string(r.body), `"latency":0.1`) || !strings.Contains(string(r.body), `"seed":7`) {
		t.Fatalf("profile read back: %d %s", r.status, r.body)
	}
	faulted := 0
	for range 30 {
		if r := call(t, srv, "GET", "/api/v4/public/time", nil); r.status != 200 {
			faulted++
		}
	}
	r = ctl(t, srv, "GET", "/_emulator/faults/injected", nil)
	m := r.json(t)
	byKind := m["byKind"].(map[string]any)
	statusFaults := 0.0
	for _, k := range []string{"5xx", "429"} {
		if v, ok := byKind[k].(float64); ok {
			statusFaults += v
		}
	}
	if int(statusFaults) != faulted || faulted == 0 || m["total"].(float64) < statusFaults {
		t.Fatalf("%d faulted answers, counters %s", faulted, r.body)
	}
	for _, bad := range []string{`{"rates":{"5xx":2}}`, `{"rate":0.5,"kinds":["nope"]}`, `{"rates":{"5xx":0.1},"path":"("}`, `{"latencyMs":-1}`, `[]`} {
		if r := ctl(t, srv, "POST", "/_emulator/faults/profile", strings.NewReader(bad), "Content-Type: application/json"); r.status != 400 {
			t.Errorf("bad profile %s: %d", bad, r.status)
		}
	}
	if r := ctl(t, srv, "DELETE", "/_emulator/faults/profile", nil); r.status != 204 {
		t.Fatalf("delete profile: %d", r.status)
	}
	if r := ctl(t, srv, "POST", "/_emulator/faults", strings.NewReader(`{"count":1,"kind":"truncate","cutAfter":2,"path":"^/api/v4/public/time$"}`)); r.status != 201 {
		t.Fatalf("targeted kind over the control API: %d %s", r.status, r.body)
	}
	if resp, body, err := rawGet(t, srv, "/api/v4/public/time"); err == nil || len(body) != 2 || resp.ContentLength <= 2 {
		t.Fatalf("truncated answer: %d bytes, %v", len(body), err)
	}
}
