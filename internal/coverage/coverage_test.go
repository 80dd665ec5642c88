package coverage

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestNamedOperations(t *testing.T) {
	for _, tc := range []struct {
		comment string
		want    []string
	}{
		{"Get returns one node (GET /api/v4/nodes/{node_id}).", []string{"GET /api/v4/nodes/{node_id}"}},
		{"Connect calls\nPOST /oauth/token, then (GET /api/v4/user/account).", []string{"POST /oauth/token", "GET /api/v4/user/account"}},
		{"Update calls PUT /api/v4/user/account.", []string{"PUT /api/v4/user/account"}},
		{"Twice (GET /api/v4/a) and (GET /api/v4/a)", []string{"GET /api/v4/a"}},
		{"Several: GET /api/v4/a; DELETE /api/v4/a/{id}: done", []string{"GET /api/v4/a", "DELETE /api/v4/a/{id}"}},
		{"List (GET /reporting/api/reports), Get (GET /branding/api/v1/branding).", []string{"GET /reporting/api/reports", "GET /branding/api/v1/branding"}},
		{"fetches an endpoint below /api/v4/public", nil},
		{"lower case get /api/v4/nodes", nil},
		{"not the API: GET /v4/nodes or GET https://x/api/v4/nodes", nil},
		{"FORGET /api/v4/nodes", nil},
	} {
		if got := NamedOperations(tc.comment); !slices.Equal(got, tc.want) {
			t.Errorf("NamedOperations(%q) = %q, want %q", tc.comment, got, tc.want)
		}
	}
}

// TestParseSDK reads a small package laid out like the SDK.
func TestParseSDK(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"client.go": `package sdk

// Client holds the services (GET /api/v4/type/docs/are/not/read).
type Client struct {
	Nodes *NodesService
	other *NodesService
}

// New makes a client (GET /api/v4/public/time).
func New() *Client { return nil }

// Connect logs in (POST /oauth/token) and checks (GET /api/v4/user/account).
func (c *Client) Connect() {}

// Token reads no endpoint.
func (c *Client) Token() {}
`,
		"nodes.go": `package sdk

// NodesService calls /nodes.
type NodesService struct{}

// Get returns one node (GET /api/v4/nodes/{node_id}).
func (s *NodesService) Get() {}

// list is unexported (GET /api/v4/nodes).
func (s *NodesService) list() {}
`,
		"nodes_test.go": `package sdk

// TestX is a test (GET /api/v4/test).
func TestX() {}
`,
		"ignored.go": `//go:build ignore

package sdk

// Ignored is not built (GET /api/v4/ignored).
func Ignored() {}
`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ParseSDK(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []SDKMethod{
		{Name: "Client.Connect", Operations: []string{"POST /oauth/token", "GET /api/v4/user/account"}},
		{Name: "New", Operations: []string{"GET /api/v4/public/time"}},
		{Name: "Nodes.Get", Operations: []string{"GET /api/v4/nodes/{node_id}"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSDK = %+v, want %+v", got, want)
	}
	if _, err := ParseSDK(filepath.Join(dir, "missing")); err == nil {
		t.Error("ParseSDK of a missing folder: no error")
	}
}

func TestShape(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v4/nodes/{node_id}":          "/api/v4/nodes/{}",
		"/api/v4/nodes/{id}":               "/api/v4/nodes/{}",
		"/api/v4/x/{id:[0-9]{3}}/y":        "/api/v4/x/{}/y",
		"/api/v4/nodes/":                   "/api/v4/nodes",
		"/api/v4/groups/{a}/users/{b}":     "/api/v4/groups/{}/users/{}",
		"/api/v4/nodes/rooms":              "/api/v4/nodes/rooms",
		"/":                                "/",
		"/api/v4/files/{file_id}/versions": "/api/v4/files/{}/versions",
	} {
		if got := Shape(in); got != want {
			t.Errorf("Shape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	ops := []Operation{
		{Method: "GET", Path: "/api/v4/nodes/{node_id}"},
		{Method: "POST", Path: "/api/v4/nodes/{node_id}"},
		{Method: "GET", Path: "/api/v4/nodes/rooms"},
		{Method: "HEAD", Path: "/api/v4/nodes/rooms"},
		{Method: "HEAD", Path: "/api/v4/downloads/{token}"},
		{Method: "POST", Path: "/oauth/token"},
	}
	routes := []string{
		"GET /api/v4/nodes/{id}",
		"GET /api/v4/nodes/rooms/",
		"DELETE /api/v4/nodes/{id}",
		"GET /api/v4/nodes/{id}/x",
		"POST /oauth/token",
	}
	served, unmatched := Match(ops, routes)
	// HEAD counts as served where GET is (the emulator answers HEAD with
	// the GET handler), and only there.
	wantServed := map[string]bool{"GET /api/v4/nodes/{node_id}": true, "GET /api/v4/nodes/rooms": true, "HEAD /api/v4/nodes/rooms": true, "POST /oauth/token": true}
	if !reflect.DeepEqual(served, wantServed) {
		t.Errorf("served = %+v, want %+v", served, wantServed)
	}
	if want := []string{"DELETE /api/v4/nodes/{id}", "GET /api/v4/nodes/{id}/x"}; !slices.Equal(unmatched, want) {
		t.Errorf("unmatched %q, want %q", unmatched, want)
	}
}

const tinyDoc = `{
  "openapi": "3.0.1",
  "info": {"title": "Tiny", "version": "1"},
  "servers": [{"url": "/api"}],
  "tags": [{"name": "z"}, {"name": "y"}],
  "paths": {
    "/v4/b": {"get": {"tags": ["z"], "operationId": "getB", "summary": "B", "responses": {"200": {"description": "ok"}}}},
    "/v4/a": {
      "delete": {"tags": ["y"], "operationId": "deleteA", "deprecated": true, "responses": {"204": {"description": "ok"}}},
      "get": {"tags": ["y", "z"], "operationId": "getA", "summary": "A", "responses": {"200": {"description": "ok"}}}
    },
    "/v4/c": {"get": {"operationId": "getC", "responses": {"200": {"description": "ok"}}}}
  }
}`

func TestFromOpenAPI(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(tinyDoc))
	if err != nil {
		t.Fatal(err)
	}
	got := FromOpenAPI(doc, "/api")
	want := []Operation{
		{Method: "GET", Path: "/api/v4/a", ID: "getA", Summary: "A", Tag: "y"},
		{Method: "DELETE", Path: "/api/v4/a", ID: "deleteA", Tag: "y", Deprecated: true},
		{Method: "GET", Path: "/api/v4/b", ID: "getB", Summary: "B", Tag: "z"},
		{Method: "GET", Path: "/api/v4/c", ID: "getC"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromOpenAPI = %+v, want %+v", got, want)
	}
}

func TestFromKeys(t *testing.T) {
	got, err := FromKeys([]string{"POST /oauth/token", "GET /api/v4/x"}, "outside")
	if err != nil {
		t.Fatal(err)
	}
	want := []Operation{{Method: "GET", Path: "/api/v4/x", Tag: "outside"}, {Method: "POST", Path: "/oauth/token", Tag: "outside"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromKeys = %+v, want %+v", got, want)
	}
	for _, bad := range []string{"GET", "GET api/v4/x", " /api/v4/x"} {
		if _, err := FromKeys([]string{bad}, ""); err == nil {
			t.Errorf("FromKeys(%q): no error", bad)
		}
	}
}

func TestIndexSDK(t *testing.T) {
	methods := []SDKMethod{
		{Name: "Nodes.Get", Operations: []string{"GET /api/v4/nodes/{node_id}"}},
		{Name: "Nodes.Typo", Operations: []string{"GET /api/v4/nodes/{id}", "GET /api/v4/nodes/{node_id}"}},
	}
	byOp, problems := IndexSDK(methods, map[string]bool{"GET /api/v4/nodes/{node_id}": true})
	if want := map[string][]string{"GET /api/v4/nodes/{node_id}": {"Nodes.Get", "Nodes.Typo"}}; !reflect.DeepEqual(byOp, want) {
		t.Errorf("byOp = %v, want %v", byOp, want)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "Nodes.Typo names GET /api/v4/nodes/{id}") {
		t.Errorf("problems = %q, want one about Nodes.Typo's GET /api/v4/nodes/{id}", problems)
	}
}

func TestRender(t *testing.T) {
	ops := []Operation{
		{Method: "GET", Path: "/api/v4/a", ID: "getA", Summary: "A | pipe\nand line", Tag: "y"},
		{Method: "DELETE", Path: "/api/v4/a", ID: "deleteA", Tag: "y", Deprecated: true},
		{Method: "GET", Path: "/api/v4/b", ID: "getB", Tag: "z"},
	}
	out := string(Render(Table{
		Source:       "Tiny 1",
		Regenerate:   "make it",
		Operations:   ops,
		Undocumented: []Operation{{Method: "POST", Path: "/oauth/token"}},
		SDK:          map[string][]string{"GET /api/v4/a": {"A.Get", "A.All"}, "DELETE /api/v4/a": {"A.Delete"}, "POST /oauth/token": {"Client.Connect"}},
		Emulator:     map[string]bool{"GET /api/v4/b": true, "POST /oauth/token": true},
	}))
	for _, want := range []string{
		"OpenAPI document (Tiny 1)",
		"`make it`",
		"**SDK: 1 of 2 non-deprecated operations; emulator: 1 of 2.**",
		"| non-deprecated | 2 | 1 | 1 |",
		"| deprecated | 1 | 1 | 0 |",
		"| outside the document | 1 | 1 | 1 |",
		"## y\n\n2 operations; SDK 2, emulator 0.",
		"| GET | `/api/v4/a` | `getA`: A \\| pipe and line | `A.Get`, `A.All` | no |",
		"| DELETE | `/api/v4/a` | `deleteA` **(deprecated)** | `A.Delete` | no |",
		"## z\n\n1 operation; SDK 0, emulator 1.",
		"| GET | `/api/v4/b` | `getB` |  | yes |",
		"## Outside the document",
		"| POST | `/oauth/token` |  | `Client.Connect` | yes |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Render lacks %q; got:\n%s", want, out)
		}
	}
	if strings.Index(out, "## y") > strings.Index(out, "## z") {
		t.Error("sections not in the operations' order")
	}
}
