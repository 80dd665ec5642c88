package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// serviceOperations are the endpoints of DRACOON's separate reporting and
// branding services, which clients call and the OpenAPI document lacks.
// No specification or recorded answer of them is at hand (their shapes
// come from the Python client), so checkService checks only what is
// certain: the operation is one of these, JSON bodies are JSON, and a
// successful answer has a 2xx status.
var serviceOperations = []string{
	"GET /reporting/api/reports",
	"POST /reporting/api/reports",
	"DELETE /reporting/api/reports",
	"DELETE /reporting/api/reports/{report_id}",
	"GET /branding/api/v1/branding",
	"PUT /branding/api/v1/branding",
	"POST /branding/api/v1/branding/files",
	"GET /branding/api/v1/public/branding",
	"GET /branding/api/v1/public/branding/files/{type}/{size}",
}

// isServicePath reports whether an URL path belongs to the reporting or
// branding service.
func isServicePath(p string) bool {
	return strings.HasPrefix(p, "/reporting/") || strings.HasPrefix(p, "/branding/")
}

// findServiceOperation returns the serviceOperations entry that method and
// path match ("" when none does); a {param} segment matches any non-empty
// segment.
func findServiceOperation(method, path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, op := range serviceOperations {
		m, tmpl, _ := strings.Cut(op, " ")
		if m != method {
			continue
		}
		tsegs := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(tsegs) != len(segs) {
			continue
		}
		ok := true
		for i, t := range tsegs {
			if strings.HasPrefix(t, "{") {
				ok = ok && segs[i] != ""
			} else {
				ok = ok && t == segs[i]
			}
		}
		if ok {
			return op
		}
	}
	return ""
}

// checkServiceRequest checks a request to the reporting or branding
// service.
func checkServiceRequest(r *http.Request, body []byte) []string {
	if findServiceOperation(r.Method, r.URL.Path) == "" {
		return []string{"not a known operation of the reporting or branding service"}
	}
	if len(body) > 0 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") && !json.Valid(body) {
		return []string{"request body is not valid JSON"}
	}
	return nil
}

// serveService checks a request to the reporting or branding service,
// reporting problems with tb.Errorf, and passes it on to next.
func serveService(tb testing.TB, next http.Handler, w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		tb.Errorf("contract: %s %s: reading request body: %v", r.Method, r.URL.Path, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	for _, problem := range checkServiceRequest(r, body) {
		tb.Errorf("contract: %s %s: %s", r.Method, r.URL.Path, redact(problem, r, body))
	}
	next.ServeHTTP(w, r)
}

// checkService checks an exchange with the reporting or branding service.
func checkService(ex *exchange) []string {
	problems := checkServiceRequest(ex.req, ex.reqBody)
	if len(problems) > 0 || ex.status >= 400 {
		return problems
	}
	if ex.status < 200 || ex.status > 299 {
		return []string{fmt.Sprintf("status %d is not a success", ex.status)}
	}
	if len(ex.body) > 0 && isJSON(ex.header) && !json.Valid(ex.body) {
		return []string{"response body is not valid JSON"}
	}
	return nil
}
