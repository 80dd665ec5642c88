package contract

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// RequestMiddleware returns an http middleware that validates only the
// requests arriving at /api paths against the OpenAPI document, whatever
// the handler answers. It is meant for hand-written fake servers in client
// tests: their canned responses are not the server under test, but every
// request the client sends must be one DRACOON accepts (known operation,
// parameters, JSON body). Requests to the reporting and branding services
// must be one of their known operations (serveService). Failures are
// reported with tb.Errorf; /oauth and other paths pass unchecked. When
// the shared test data is absent the middleware passes everything through
// and says so once with tb.Log.
func RequestMiddleware(tb testing.TB) func(http.Handler) http.Handler {
	tb.Helper()
	s, err := load(tb)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	if s.missing != "" {
		tb.Log("contract: " + s.missing)
		return func(h http.Handler) http.Handler { return h }
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isServicePath(r.URL.Path) {
				serveService(tb, next, w, r)
				return
			}
			if !strings.HasPrefix(r.URL.Path, "/api/") {
				next.ServeHTTP(w, r)
				return
			}
			body, err := io.ReadAll(r.Body)
			if err != nil {
				tb.Errorf("contract: %s %s: reading request body: %v", r.Method, r.URL.Path, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			_, _, problem, reqErr := s.validateRequest(r, body)
			if problem == "" && reqErr != nil {
				problem = "request breaks the document: " + reqErr.Error()
			}
			if problem != "" {
				tb.Errorf("contract: %s %s: %s", r.Method, r.URL.Path, redact(problem, r, body))
			}
			next.ServeHTTP(w, r)
		})
	}
}
