package contract

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

// sendThroughRequestMiddleware passes one request through RequestMiddleware
// to a handler that answers with a body no operation documents, and
// returns what the middleware reported.
func sendThroughRequestMiddleware(t *testing.T, method, path, body string) string {
	t.Helper()
	testutil.SharedTestdata(t, OpenAPIPath)
	rec := &recordingTB{TB: t}
	reached := false
	h := RequestMiddleware(rec)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		if b, _ := io.ReadAll(r.Body); string(b) != body {
			t.Errorf("handler got body %q, want %q", b, body)
		}
		w.WriteHeader(http.StatusTeapot) // responses are never checked
	}))
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !reached {
		t.Error("the middleware did not call the handler")
	}
	return rec.all()
}

func TestRequestMiddlewareChecksOnlyRequests(t *testing.T) {
	for _, tc := range []struct {
		name, method, path, body string
		want                     string // "" = no report
	}{
		{"valid GET with query", "GET", "/api/v4/users?offset=2&limit=3&include_attributes=true", "", ""},
		{"valid POST body", "POST", "/api/v4/groups", `{"name":"g"}`, ""},
		{"DELETE with ids body", "DELETE", "/api/v4/groups/3/users", `{"ids":[1,2]}`, ""},
		{"oauth passes", "POST", "/oauth/token", "x", ""},
		{"unknown path", "GET", "/api/v4/nope", "", "path is not in the API document"},
		{"unknown method", "PATCH", "/api/v4/users", "", "method is not in the API document"},
		{"bad query type", "GET", "/api/v4/users?limit=many", "", "request breaks the document"},
		{"non-integer path id", "GET", "/api/v4/users/abc", "", "request breaks the document"},
		{"missing required field", "POST", "/api/v4/groups", `{}`, "request breaks the document"},
		{"wrong body type", "POST", "/api/v4/roles/1/users", `{"ids":"1"}`, "request breaks the document"},
		{"reporting operation", "DELETE", "/reporting/api/reports", `{"ids":[1]}`, ""},
		{"branding operation", "PUT", "/branding/api/v1/branding", `{"productName":"p"}`, ""},
		{"unknown reporting path", "GET", "/reporting/api/v1/reports", "", "not a known operation of the reporting or branding service"},
		{"bad branding JSON", "PUT", "/branding/api/v1/branding", `{"productName":`, "request body is not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sendThroughRequestMiddleware(t, tc.method, tc.path, tc.body)
			switch {
			case tc.want == "" && got != "":
				t.Errorf("reported %q", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("reported %q, want %q", got, tc.want)
			}
		})
	}
}

// TestToleratedRequestDeviations: null for optional properties and
// zone-less date-times pass (Allowlist.NullForOptional and
// ZonelessDateTime); null for a required property and a malformed
// date-time still fail; the handler sees the body as sent.
func TestToleratedRequestDeviations(t *testing.T) {
	for _, c := range []struct {
		name, method, path, body string
		ok                       bool
	}{
		{"nulls of a file update", "PUT", "/api/v4/nodes/files/7",
			`{"name":"b.txt","classification":null,"notes":null,"expiration":null,"timestampCreation":null,"timestampModification":null}`, true},
		{"zone-less timestamp", "PUT", "/api/v4/nodes/files/7", `{"timestampModification":"2030-01-03T00:00:00"}`, true},
		{"zone-less timestamp with fraction", "POST", "/api/v4/nodes/folders", `{"parentId":1,"name":"x","timestampCreation":"2030-01-03T00:00:00.123"}`, true},
		{"null for a required property", "POST", "/api/v4/nodes/folders", `{"parentId":null,"name":"x"}`, false},
		{"malformed date-time", "PUT", "/api/v4/nodes/files/7", `{"timestampModification":"2030-01-03 00:00"}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := sendThroughRequestMiddleware(t, c.method, c.path, c.body)
			if c.ok && got != "" {
				t.Errorf("reported: %s", got)
			}
			if !c.ok && !strings.Contains(got, "request breaks the document") {
				t.Errorf("not reported: %q", got)
			}
		})
	}
}
