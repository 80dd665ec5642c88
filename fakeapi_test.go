package dracoon

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dracoon-go/dracoon/internal/contract"
)

// fakeAPI is a per-test DRACOON stand-in in the go-github style: tests
// register handlers on mux (or with handle) for exactly the requests they
// expect, and every /api request is checked by the contract validator
// against the OpenAPI document (when ../shared/testdata is there).
// Endpoints newer than the document are registered with handleOffSpec and
// not validated.
type fakeAPI struct {
	t      *testing.T
	mux    *http.ServeMux
	client *Client
	// requests counts API requests (not the OAuth login).
	requests atomic.Int32
	offSpec  map[string]bool // "METHOD path" not in the 4.26.7 document
}

// newFakeAPI starts the fake and returns it with a logged-in client.
func newFakeAPI(t *testing.T, opts ...Option) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, mux: http.NewServeMux(), offSpec: map[string]bool{}}
	oauth := newFakeOAuth("fake-user", "fake-password")
	root := oauth.mux()
	checked := contract.Middleware(requestContractTB{t})(f.mux)
	counted := f.count(oauth, checked)
	root.Handle("/api/", counted)
	root.Handle("/reporting/", counted)
	root.Handle("/branding/", counted)
	f.client = newTestClient(t, root, opts...)
	connect(t, f.client, oauth)
	f.requests.Store(0)
	return f
}

// count counts a request, checks its token and passes it to the contract
// checked mux, or straight to the mux for endpoints the document lacks.
func (f *fakeAPI) count(oauth *fakeOAuth, checked http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		if !oauth.authorized(r) && !unauthenticated(r) {
			writeJSON(w, 401, map[string]any{"code": 401, "message": "Unauthorized"})
			return
		}
		for key := range f.offSpec {
			method, prefix, _ := strings.Cut(key, " ")
			if r.Method == method && strings.HasPrefix(r.URL.Path, prefix) {
				f.mux.ServeHTTP(w, r)
				return
			}
		}
		checked.ServeHTTP(w, r)
	})
}

// unauthenticated reports whether r may come without a bearer token: the
// public endpoints, the password reset and ping below /api/v4/auth, and
// provisioning calls, which carry the service token instead.
func unauthenticated(r *http.Request) bool {
	return strings.Contains(r.URL.Path, "/public/") || strings.HasPrefix(r.URL.Path, "/api/v4/auth/") ||
		r.Header.Get("X-Sds-Service-Token") != ""
}

// requestContractTB passes the contract validator's reports on, except the
// every-property rule for responses: that rule holds the emulator to
// DRACOON's complete documents, while the fakes here answer with the
// fields a test needs. Requests, and the responses' types and required
// fields, are still checked in full.
type requestContractTB struct{ *testing.T }

// Errorf drops "property … is missing" reports.
func (tb requestContractTB) Errorf(format string, args ...any) {
	tb.T.Helper()
	if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, " is missing") || strings.Contains(msg, "request") {
		tb.T.Error(msg)
	}
}

// handleOffSpec registers a handler for an endpoint newer than the
// document; requests are asserted by the handler only.
func (f *fakeAPI) handleOffSpec(method, path string, h http.HandlerFunc) {
	f.offSpec[method+" "+path] = true
	f.mux.HandleFunc(method+" "+path, h)
}

// wantQuery fails unless r's query holds exactly want.
func wantQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	got := r.URL.Query()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s %s: query %v, want %v", r.Method, r.URL.Path, got, want)
	}
}

// wantBody fails unless r's body is JSON equal to want (or empty when want
// is "").
func wantBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkJSONBody(t, r.Method+" "+r.URL.Path, b, want)
}

// pageOf wraps items in a DRACOON list document.
func pageOf(offset, limit, total int, items any) map[string]any {
	return map[string]any{"range": map[string]int{"offset": offset, "limit": limit, "total": total}, "items": items}
}

// nodeJSON is a minimal valid Node document.
func nodeJSON(id int64, typ, name, parentPath string) map[string]any {
	return map[string]any{"id": id, "type": typ, "name": name, "parentPath": parentPath}
}
