package contract

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

// recordingTB captures Errorf calls so that tests can check what the
// middleware reports.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}

// serve runs one exchange through the middleware with a fixed answer.
func serve(t *testing.T, method, path, reqBody string, reqHdr map[string]string, status int, ct, respBody string) string {
	t.Helper()
	testutil.SharedTestdata(t, OpenAPIPath)
	rec := &recordingTB{TB: t}
	h := Middleware(rec)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, respBody)
	}))
	var body io.Reader
	if reqBody != "" {
		body = strings.NewReader(reqBody)
	}
	req := httptest.NewRequest(method, path, body)
	for k, v := range reqHdr {
		req.Header.Set(k, v)
	}
	h.ServeHTTP(httptest.NewRecorder(), req)
	return rec.all()
}

const jsonCT = "application/json;charset=UTF-8"

func TestValidExchangesPass(t *testing.T) {
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v4/public/time", `{"time":"2024-01-01T00:00:00.000Z"}`},
		{"GET", "/api/v4/user/account/customer", `{"id":1,"name":"c","isProviderCustomer":false,"spaceLimit":1,"spaceUsed":0,"accountsLimit":1,"accountsUsed":1,"customerEncryptionEnabled":false}`},
		{"GET", "/api/v4/config/info/policies/classifications", `{"shareClassificationPolicies":{"classificationRequiresSharePassword":0}}`},
	} {
		if got := serve(t, c.method, c.path, "", nil, 200, jsonCT, c.body); got != "" {
			t.Errorf("%s %s: unexpected report:\n%s", c.method, c.path, got)
		}
	}
}

func TestViolationsAreReported(t *testing.T) {
	cases := []struct {
		name              string
		method, path, req string
		hdr               map[string]string
		status            int
		ct, body          string
		want              string
	}{
		{"missing required property", "GET", "/api/v4/user/account/customer", "", nil, 200, jsonCT, `{"id":1}`, "response breaks the document"},
		{"missing optional property", "GET", "/api/v4/public/time", "", nil, 200, jsonCT, `{}`, "SdsServerTime.time is missing"},
		{"wrong type", "GET", "/api/v4/public/time", "", nil, 200, jsonCT, `{"time":5}`, "response breaks the document"},
		{"undocumented status", "GET", "/api/v4/public/time", "", nil, 201, jsonCT, `{"time":"2024-01-01T00:00:00Z"}`, "not documented"},
		{"unknown path", "GET", "/api/v4/nope", "", nil, 200, jsonCT, `{}`, "not in the API document"},
		{"unknown method", "DELETE", "/api/v4/public/time", "", nil, 204, "", ``, "method is not in the API document"},
		{"error body with wrong reason", "GET", "/api/v4/public/time", "", nil, 406, jsonCT, `{"code":406,"message":"Nope","debugInfo":""}`, "reason phrase"},
		{"error body that is not JSON", "GET", "/api/v4/public/time", "", nil, 503, "text/plain", `down`, "not JSON"},
		{"accepted invalid request", "POST", "/api/v4/nodes/rooms", `{"notes":"no name"}`, map[string]string{"Content-Type": "application/json"}, 201, jsonCT, `{"id":1,"name":"x","type":"room"}`, "request accepted although it breaks the document"},
		{"fixture field set", "GET", "/api/v4/config/info/product_packages", "", nil, 200, jsonCT, `{"packages":[],"extra":1}`, "$.extra is not in the fixture"},
		{"token answer field", "POST", "/oauth/token", "grant_type=password&username=u&password=p&client_id=c", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 200, jsonCT,
			`{"access_token":"a","token_type":"bearer","refresh_token":"r","expires_in":"soon","scope":"all","id_token":"x"}`, "expires_in is string"},
		{"token answer incomplete", "POST", "/oauth/token", "grant_type=refresh_token&refresh_token=r&client_id=c", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 200, jsonCT,
			`{"token_type":"bearer"}`, "lacks access_token"},
		{"grant without its fields", "POST", "/oauth/token", "grant_type=password&client_id=c", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 200, jsonCT,
			`{"access_token":"a","token_type":"bearer","refresh_token":"r","expires_in":1,"scope":"all"}`, "grant password without username"},
		{"OAuth error shape", "POST", "/oauth/token", "grant_type=password", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 400, jsonCT, `{"code":400}`, "lacks error"},
		{"revoke with body", "POST", "/oauth/revoke", "token=t&client_id=c", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 200, jsonCT, `{}`, "no body"},
		{"form not form-encoded", "POST", "/oauth/revoke", `{"token":"t"}`, map[string]string{"Content-Type": "application/json"}, 200, "", ``, "not form-encoded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := serve(t, c.method, c.path, c.req, c.hdr, c.status, c.ct, c.body)
			if !strings.Contains(got, c.want) {
				t.Errorf("report %q does not mention %q", got, c.want)
			}
		})
	}
}

func TestRejectedInvalidRequestIsFine(t *testing.T) {
	got := serve(t, "POST", "/api/v4/nodes/rooms", `{"notes":"no name"}`, map[string]string{"Content-Type": "application/json"},
		400, jsonCT, `{"code":400,"message":"Bad Request","debugInfo":"Mandatory fields cannot be empty","errorCode":-80000}`)
	if got != "" {
		t.Errorf("a rejected invalid request was reported:\n%s", got)
	}
}

func TestReportsNeverShowSecrets(t *testing.T) {
	const secret = "SECRET-token-value-123"
	got := serve(t, "GET", "/api/v4/nope", "", map[string]string{"Authorization": "Bearer " + secret}, 200, jsonCT, `{"echo":"`+secret+`"}`)
	if got == "" || strings.Contains(got, secret) {
		t.Errorf("report leaks the token or is empty: %q", got)
	}
	if r := redact("x "+secret+" y", httptest.NewRequest("GET", "/", nil), []byte("password="+secret)); r != "x "+secret+" y" {
		t.Errorf("redact without a form content type changed the message: %q", r)
	}
	req := httptest.NewRequest("POST", "/oauth/token", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := redact("bad "+secret, req, []byte("grant_type=password&password="+secret)); strings.Contains(r, secret) {
		t.Errorf("password not redacted: %q", r)
	}
}

func TestRouteMatchingPrefersStaticSegments(t *testing.T) {
	testutil.SharedTestdata(t, OpenAPIPath)
	s, err := load(t)
	if err != nil || s.missing != "" {
		t.Fatalf("load: %v %s", err, s.missing)
	}
	for path, want := range map[string]string{
		"/api/v4/nodes/files/uploads/abc":  "/v4/nodes/files/uploads/{upload_id}",
		"/api/v4/nodes/files/42/downloads": "/v4/nodes/files/{file_id}/downloads",
		"/api/v4/nodes/rooms":              "/v4/nodes/rooms",
		"/api/v4/nodes/17":                 "/v4/nodes/{node_id}",
	} {
		r, _ := s.find(path)
		if r == nil || r.path != want {
			got := "<none>"
			if r != nil {
				got = r.path
			}
			t.Errorf("%s matched %s, want %s", path, got, want)
		}
	}
}
