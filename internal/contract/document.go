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
// configuration endpoints recorded from dco3 and the reporting and
// branding services' endpoints. Sorted.
func Undocumented() []string {
	out := slices.AppendSeq(slices.Concat(oauthOperations, serviceOperations), maps.Keys(fixtureOperations))
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
