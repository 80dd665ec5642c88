package contract

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// fixtureOperations are the endpoints real servers answer although the
// 4.26.7 document lacks them; their answers are checked against the
// recorded dco3 fixture named here.
var fixtureOperations = map[string]string{
	"GET /api/v4/config/info/policies/classifications": "api/config/dco3/classification_policies_ok.json",
	"GET /api/v4/config/info/product_packages":         "api/config/dco3/product_packages_ok.json",
	"GET /api/v4/config/info/product_packages/current": "api/config/dco3/product_packages_ok.json",
}

// clientModelOperations are endpoints outside the document that the
// Python client calls (the reporting and branding services, the audit
// node info) and the emulator serves after that client's models. Nothing
// recorded gives their shapes, so the contract only checks that a success
// answer with a JSON content type is well-formed JSON and that an error
// answer is an ErrorResponse.
var clientModelOperations = []string{
	"GET /api/v4/eventlog/audits/node_info",
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

// clientModelOperation reports whether method and path are one of
// clientModelOperations ({…} segments match any one segment).
func clientModelOperation(method, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, op := range clientModelOperations {
		m, tmpl, _ := strings.Cut(op, " ")
		t := strings.Split(strings.Trim(tmpl, "/"), "/")
		if m != method || len(t) != len(segs) {
			continue
		}
		ok := true
		for i := range t {
			if !strings.HasPrefix(t[i], "{") && t[i] != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// oauthOperations are the OAuth authorization server's endpoints that
// checkOAuth knows (host root, not under /api, not in the document).
var oauthOperations = []string{
	"POST /oauth/token",
	"POST /oauth/revoke",
	"GET /oauth/authorize",
	"POST /oauth/authorize",
	"GET /oauth/callback",
}

// Undocumented returns the operations ("METHOD /path") the contract checks
// although the OpenAPI document lacks them: the OAuth endpoints, the
// configuration endpoints recorded from dco3 and the endpoints served
// after the Python client's models. Sorted.
func Undocumented() []string {
	out := slices.AppendSeq(slices.Clone(oauthOperations), maps.Keys(fixtureOperations))
	out = append(out, clientModelOperations...)
	slices.Sort(out)
	return out
}

// Document returns the OpenAPI document that /api requests are checked
// against, and the base path its servers entry puts before every path
// template ("/api"), so base + template is the request path. It skips tb,
// saying why, when the shared test data is absent, and fails tb when the
// document does not load.
func Document(tb testing.TB) (*openapi3.T, string) {
	tb.Helper()
	s, err := load(tb)
	if err != nil {
		tb.Fatal(err)
	}
	if s.missing != "" {
		tb.Skip("this test needs the OpenAPI document (" + OpenAPIPath + " in the shared test data): " + s.missing)
	}
	return s.doc, basePath(s.doc)
}

// basePath is the path prefix of the document's first server ("/api"
// when it names none).
func basePath(doc *openapi3.T) string {
	if len(doc.Servers) > 0 && strings.HasPrefix(doc.Servers[0].URL, "/") {
		return strings.TrimRight(doc.Servers[0].URL, "/")
	}
	return "/api"
}
