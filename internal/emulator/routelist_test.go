package emulator

import (
	"slices"
	"strings"
	"testing"
)

func TestRoutesListsTheRouter(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	routes, err := e.Routes()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"POST /oauth/token", "GET /api/v4/user/account", "GET /api/v4/nodes/{node_id}"} {
		if !slices.Contains(routes, want) {
			t.Errorf("Routes lacks %q: %q", want, routes)
		}
	}
	for _, r := range routes {
		method, pattern, ok := strings.Cut(r, " ")
		if !ok || method != strings.ToUpper(method) || !strings.HasPrefix(pattern, "/") || strings.HasPrefix(pattern, controlPrefix) {
			t.Errorf("route %q is not METHOD /pattern outside the test controls", r)
		}
	}
}
