package contract

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestDocument(t *testing.T) {
	doc, base := Document(t)
	if base != "/api" {
		t.Errorf("base %q, want /api", base)
	}
	if doc.Paths.Find("/v4/nodes/{node_id}") == nil {
		t.Error("the document lacks /v4/nodes/{node_id}")
	}
}

// TestUndocumentedAreChecked keeps Undocumented in step with check: each
// listed operation has a checker of its own rather than the "not in the
// document" answer.
func TestUndocumentedAreChecked(t *testing.T) {
	s := &spec{extra: map[string]any{}}
	for key := range fixtureOperations {
		s.extra[key] = map[string]any{}
	}
	ops := Undocumented()
	if !slices.IsSorted(ops) || len(ops) != len(oauthOperations)+len(fixtureOperations)+len(clientModelOperations) {
		t.Fatalf("Undocumented() = %q", ops)
	}
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		ex := &exchange{req: httptest.NewRequest(method, path, nil), status: 200, header: http.Header{}}
		for _, p := range s.check(ex) {
			if strings.Contains(p, "unknown OAuth endpoint") || strings.Contains(p, "not in the API document") {
				t.Errorf("%s: %s", op, p)
			}
		}
	}
}

// TestClientModelOperations: the endpoints served after the Python
// client's models are recognised with their path parameters, and a
// broken JSON body is reported.
func TestClientModelOperations(t *testing.T) {
	if !clientModelOperation("DELETE", "/reporting/api/reports/17") || clientModelOperation("PUT", "/reporting/api/reports/17") ||
		!clientModelOperation("GET", "/branding/api/v1/public/branding/files/webLogo/large") || clientModelOperation("GET", "/branding/api/v1/public") {
		t.Error("clientModelOperation matches the wrong operations")
	}
	s := &spec{}
	ex := &exchange{req: httptest.NewRequest("GET", "/reporting/api/reports", nil), status: 200,
		header: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"items":[`)}
	if len(s.check(ex)) == 0 {
		t.Error("a broken JSON body passed")
	}
	ex.body = []byte(`{"items":[]}`)
	if p := s.check(ex); len(p) != 0 {
		t.Errorf("a JSON body failed: %q", p)
	}
}
