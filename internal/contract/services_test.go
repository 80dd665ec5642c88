package contract

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckService(t *testing.T) {
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name, method, path, reqBody string
		status                      int
		header                      http.Header
		body, want                  string
	}{
		{"list", "GET", "/reporting/api/reports", "", 200, jsonHeader, `{"pagination":{},"items":[]}`, ""},
		{"delete one", "DELETE", "/reporting/api/reports/7", "", 204, http.Header{}, "", ""},
		{"image", "GET", "/branding/api/v1/public/branding/files/webLogo/small", "", 200, http.Header{"Content-Type": {"image/png"}}, "\x89PNG", ""},
		{"error answers pass", "PUT", "/branding/api/v1/branding", `{}`, 403, jsonHeader, `whatever`, ""},
		{"unknown path", "GET", "/reporting/api/v2/reports", "", 200, jsonHeader, `{}`, "not a known operation"},
		{"unknown method", "PATCH", "/branding/api/v1/branding", "", 200, jsonHeader, `{}`, "not a known operation"},
		{"missing segment", "GET", "/branding/api/v1/public/branding/files/webLogo", "", 200, jsonHeader, `{}`, "not a known operation"},
		{"bad request JSON", "POST", "/reporting/api/reports", `{"name":`, 201, jsonHeader, `{}`, "request body is not valid JSON"},
		{"bad answer JSON", "GET", "/branding/api/v1/branding", "", 200, jsonHeader, `{"productName":`, "response body is not valid JSON"},
		{"odd status", "GET", "/branding/api/v1/public/branding", "", 302, jsonHeader, `{}`, "not a success"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.reqBody))
			if tc.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			s := &spec{extra: map[string]any{}}
			problems := s.check(&exchange{req: req, reqBody: []byte(tc.reqBody), status: tc.status, header: tc.header, body: []byte(tc.body)})
			got := strings.Join(problems, "; ")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
			}
		})
	}
}
