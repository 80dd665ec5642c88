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
	if !slices.IsSorted(ops) || len(ops) != len(oauthOperations)+len(fixtureOperations)+len(serviceOperations) {
		t.Fatalf("Undocumented() = %q", ops)
	}
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		ex := &exchange{req: httptest.NewRequest(method, path, nil), status: 200, header: http.Header{}}
		for _, p := range s.check(ex) {
			if strings.Contains(p, "unknown OAuth endpoint") || strings.Contains(p, "not in the API document") || strings.Contains(p, "not a known operation") {
				t.Errorf("%s: %s", op, p)
			}
		}
	}
}
