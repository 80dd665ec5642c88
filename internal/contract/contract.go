// Package contract is a test helper that checks HTTP exchanges against the
// DRACOON API contract: the OpenAPI document 4.26.7 for /api paths, the
// recorded OAuth fixtures for /oauth/*, and the recorded dco3 fixtures for
// the configuration endpoints the document lacks.
//
// Wrap a test server's handler with Middleware (dracoontest.WithMiddleware
// does that) and every request arriving and every response leaving is
// validated; failures are reported with tb.Errorf naming method, path and
// the problem (never tokens or passwords).
//
// The reference data lives outside the repository (../shared/testdata).
// When it is absent the middleware passes everything through and says so
// once with tb.Log.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/dracoon-go/dracoon/internal/emulator"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// OpenAPIPath is the document's location inside the shared test data.
const OpenAPIPath = "api/openapi/dracoon-api-v4.26.7.json"

// Allowlist records where the 4.26.7 document disagrees with what real
// servers (and therefore the emulator) do. Each entry says why.
var Allowlist = struct {
	// NotAcceptableAsJSON: the document declares 406 answers of text/plain
	// endpoints (/user/ping, /auth/ping) as text/plain, but an error body
	// is an ErrorResponse object; DRACOON answers errors as JSON. 406 and
	// other error bodies are checked against ErrorResponse whatever media
	// type the document lists.
	NotAcceptableAsJSON bool
	// ArrayEnumOnItems: CharacterRules.mustContainCharacters (and any
	// other array like it) carries its items' enum on the array itself; an
	// array can never equal one of those strings, so the enum is checked
	// on the items only.
	ArrayEnumOnItems bool
	// UndocumentedErrorStatuses: the document declares no 429 or 5xx
	// answers although real servers rate-limit and fail (api-flows §9);
	// the emulator's injected faults produce them. Such answers are
	// checked against ErrorResponse.
	UndocumentedErrorStatuses []int
	// NullForOptional: a request body may carry null for a property that
	// is not required. The document marks no request property nullable,
	// but DRACOON (Spring and Jackson) reads null as "not given", and the
	// Python client sends null for every unset field of a file update and
	// for the expiration of upload shares. Such members are dropped before
	// a request is validated; null for a required property still fails
	// (it then is missing).
	NullForOptional bool
	// ZonelessDateTime: a request date-time without a zone offset
	// ("2030-01-03T00:00:00") counts as UTC. The document's date-time
	// format requires the offset, but DRACOON accepts such values, and
	// the Java SDK and the Python client send them (upload and file
	// timestamps). Other malformed date-times still fail.
	ZonelessDateTime bool
	// OKForNoContent: operations the document declares with a 204 answer
	// that carries a JSON body (GET /nodes/rooms/{room_id}/keypairs: "204"
	// with an array of key pairs). A 204 cannot carry a body, so a server
	// answers 200; such a 200 is checked against the 204's schema.
	OKForNoContent []string
}{
	NotAcceptableAsJSON:       true,
	ArrayEnumOnItems:          true,
	UndocumentedErrorStatuses: []int{405, 429, 500, 502, 503, 504},
	NullForOptional:           true,
	ZonelessDateTime:          true,
	OKForNoContent:            []string{"GET /v4/nodes/rooms/{room_id}/keypairs"},
}

// zonelessDateTime matches a date-time without a zone offset.
var zonelessDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$`)

// tolerateRequest applies the request entries of Allowlist to a JSON
// body: null members of objects are dropped (NullForOptional) and
// zone-less date-times get a "Z" (ZonelessDateTime). Anything that is not
// JSON is returned unchanged.
func tolerateRequest(body []byte) []byte {
	if !Allowlist.NullForOptional && !Allowlist.ZonelessDateTime {
		return body
	}
	var v any
	if len(body) == 0 || json.Unmarshal(body, &v) != nil {
		return body
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, m := range x {
				if m == nil && Allowlist.NullForOptional {
					delete(x, k)
					continue
				}
				x[k] = walk(m)
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case string:
			if Allowlist.ZonelessDateTime && zonelessDateTime.MatchString(x) {
				return x + "Z"
			}
		}
		return v
	}
	out, err := json.Marshal(walk(v))
	if err != nil {
		return body
	}
	return out
}

// spec is the loaded contract, shared by every middleware in the process.
type spec struct {
	doc     *openapi3.T
	routes  []route
	oauth   oauthFixtures
	extra   map[string]any // "GET /api/v4/..." → fixture body for endpoints missing from the document
	missing string         // why the contract is unavailable ("" when loaded)
}

var (
	loadOnce sync.Once
	loaded   *spec
	loadErr  error
)

// sharedDir finds the shared test data folder the way testutil does, but
// without skipping: a missing folder is reported, not fatal.
func sharedDir(tb testing.TB) (string, bool) {
	dir := os.Getenv(testutil.EnvSharedTestdata)
	if dir == "" {
		dir = filepath.Join(testutil.ModuleRoot(tb), "..", "shared", "testdata")
	}
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(OpenAPIPath))); err != nil || fi.IsDir() {
		return dir, false
	}
	return dir, true
}

func load(tb testing.TB) (*spec, error) {
	loadOnce.Do(func() {
		dir, ok := sharedDir(tb)
		if !ok {
			loaded = &spec{missing: "shared test data not found at " + dir + " (set " + testutil.EnvSharedTestdata + "); contract checks are off"}
			return
		}
		loaded, loadErr = loadSpec(dir)
	})
	return loaded, loadErr
}

func loadSpec(dir string) (*spec, error) {
	l := openapi3.NewLoader()
	doc, err := l.LoadFromFile(filepath.Join(dir, filepath.FromSlash(OpenAPIPath)))
	if err != nil {
		return nil, fmt.Errorf("contract: load OpenAPI document: %w", err)
	}
	if Allowlist.ArrayEnumOnItems {
		fixArrayEnums(doc)
	}
	s := &spec{doc: doc}
	base := basePath(doc)
	for path, item := range doc.Paths.Map() {
		s.routes = append(s.routes, route{path: path, segs: strings.Split(strings.Trim(base+path, "/"), "/"), item: item})
	}
	if s.oauth, err = loadOAuthFixtures(dir); err != nil {
		return nil, err
	}
	s.extra = map[string]any{}
	for key, rel := range fixtureOperations {
		v, err := readJSONFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		s.extra[key] = v
	}
	return s, nil
}

// fixArrayEnums drops an enum from array schemas whose items carry the
// same enum (see Allowlist.ArrayEnumOnItems).
func fixArrayEnums(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		sch := ref.Value
		seen[sch] = true
		if sch.Type.Is("array") && len(sch.Enum) > 0 && sch.Items != nil && sch.Items.Value != nil && len(sch.Items.Value.Enum) > 0 {
			sch.Enum = nil
		}
		walk(sch.Items)
		for _, p := range sch.Properties {
			walk(p)
		}
		for _, l := range [][]*openapi3.SchemaRef{sch.AllOf, sch.AnyOf, sch.OneOf} {
			for _, x := range l {
				walk(x)
			}
		}
		if sch.AdditionalProperties.Schema != nil {
			walk(sch.AdditionalProperties.Schema)
		}
	}
	for _, ref := range doc.Components.Schemas {
		walk(ref)
	}
}

// shortSchemaError keeps validation messages to the point: the reason and
// where, without the schema dump.
func shortSchemaError(err *openapi3.SchemaError) string {
	if p := err.JSONPointer(); len(p) > 0 {
		return "at /" + strings.Join(p, "/") + ": " + err.Reason
	}
	return err.Reason
}

func readJSONFile(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("contract: %s: %w", filepath.Base(path), err)
	}
	return v, nil
}

// route is one path of the document, split into segments ("{x}" = any).
type route struct {
	path string // as in the document ("/v4/nodes/{node_id}")
	segs []string
	item *openapi3.PathItem
}

// find matches urlPath the way the server's router does: a static segment
// beats a parameter at the same position.
func (s *spec) find(urlPath string) (*route, map[string]string) {
	segs := strings.Split(strings.Trim(urlPath, "/"), "/")
	var best *route
	var bestScore []bool
	for i := range s.routes {
		r := &s.routes[i]
		if len(r.segs) != len(segs) {
			continue
		}
		score := make([]bool, len(segs))
		ok := true
		for j, seg := range r.segs {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				if segs[j] == "" {
					ok = false
					break
				}
				continue
			}
			if seg != segs[j] {
				ok = false
				break
			}
			score[j] = true
		}
		if !ok {
			continue
		}
		if best == nil || better(score, bestScore) {
			best, bestScore = r, score
		}
	}
	if best == nil {
		return nil, nil
	}
	params := map[string]string{}
	for j, seg := range best.segs {
		if strings.HasPrefix(seg, "{") {
			params[strings.Trim(seg, "{}")] = segs[j]
		}
	}
	return best, params
}

func better(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}

// Middleware returns an http middleware that validates every exchange
// against the contract and reports failures with tb.Errorf.
//
// Requests that break the contract are failures when the server accepted
// them (status below 400); rejected ones are what a server should do with
// them and are only logged.
func Middleware(tb testing.TB) func(http.Handler) http.Handler {
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
			if strings.HasPrefix(r.URL.Path, "/_emulator") {
				next.ServeHTTP(w, r)
				return
			}
			body, err := io.ReadAll(r.Body)
			if err != nil {
				tb.Errorf("contract: %s %s: reading request body: %v", r.Method, r.URL.Path, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			rec := &recorder{ResponseWriter: w, header: http.Header{}}
			next.ServeHTTP(rec, r)
			if rec.hijacked || r.Context().Err() != nil {
				return // connection dropped or client gone: nothing to check
			}
			ex := &exchange{req: r, reqBody: body, status: rec.status, header: rec.Header(), body: rec.buf.Bytes()}
			if ex.status == 0 {
				ex.status = http.StatusOK
			}
			for _, problem := range s.check(ex) {
				tb.Errorf("contract: %s %s → %d: %s", r.Method, r.URL.Path, ex.status, redact(problem, r, body))
			}
		})
	}
}

// exchange is one request and its response.
type exchange struct {
	req     *http.Request
	reqBody []byte
	status  int
	header  http.Header
	body    []byte
}

// recorder passes the response through and keeps a copy.
type recorder struct {
	http.ResponseWriter
	header      http.Header
	status      int
	buf         bytes.Buffer
	wroteHeader bool
	hijacked    bool
}

func (r *recorder) Header() http.Header { return r.ResponseWriter.Header() }

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Hijack and Flush.
func (r *recorder) Unwrap() http.ResponseWriter {
	r.hijacked = true // only hijacking goes through Unwrap in the emulator
	return r.ResponseWriter
}

// redact removes secrets of the request from a message.
func redact(msg string, r *http.Request, body []byte) string {
	var secrets []string
	if h := r.Header.Get("Authorization"); h != "" {
		if _, tok, ok := strings.Cut(h, " "); ok {
			secrets = append(secrets, strings.TrimSpace(tok))
		}
	}
	for _, name := range []string{"X-Sds-Auth-Token", "X-Sds-Service-Token"} {
		if h := r.Header.Get(name); h != "" {
			secrets = append(secrets, h)
		}
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		if form, err := parseFormBody(body); err == nil {
			for _, k := range []string{"password", "client_secret", "code", "refresh_token", "token"} {
				if v := form.Get(k); v != "" {
					secrets = append(secrets, v)
				}
			}
		}
	}
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	return msg
}

// check validates one exchange and returns the problems found.
func (s *spec) check(ex *exchange) []string {
	p := ex.req.URL.Path
	switch {
	case strings.HasPrefix(p, ObjectStorePrefix):
		return checkObjectStore(ex)
	case isRawChunk(ex.req):
		return s.checkAPI(asFilePart(ex))
	case strings.HasPrefix(p, "/oauth/"):
		return s.checkOAuth(ex)
	case isServicePath(p):
		return checkService(ex)
	case strings.HasPrefix(p, "/api/"):
		if fixture, ok := s.extra[ex.req.Method+" "+p]; ok {
			return checkAgainstFixture(ex, fixture)
		}
		return s.checkAPI(ex)
	}
	return []string{"path is neither in the API document nor an OAuth, reporting or branding endpoint"}
}

func (s *spec) checkAPI(ex *exchange) []string {
	op, in, problem, reqErr := s.validateRequest(ex.req, ex.reqBody)
	if problem != "" {
		return []string{problem}
	}
	var problems []string
	if reqErr != nil && ex.status < 400 {
		problems = append(problems, "request accepted although it breaks the document: "+reqErr.Error())
	}
	problems = append(problems, s.checkResponse(ex, op, in)...)
	return problems
}

// validateRequest finds the operation of an /api request and validates the
// request against it. problem is set when the document has no such
// operation; reqErr is the validation failure, if any.
func (s *spec) validateRequest(r *http.Request, body []byte) (op *openapi3.Operation, in *openapi3filter.RequestValidationInput, problem string, reqErr error) {
	rt, params := s.find(r.URL.Path)
	if rt == nil {
		return nil, nil, "path is not in the API document", nil
	}
	op = rt.item.GetOperation(r.Method)
	if op == nil {
		return nil, nil, "method is not in the API document for " + rt.path, nil
	}
	route := &routers.Route{Spec: s.doc, Path: rt.path, PathItem: rt.item, Method: r.Method, Operation: op}
	if len(s.doc.Servers) > 0 {
		route.Server = s.doc.Servers[0]
	}
	req := r.Clone(context.Background())
	body = tolerateRequest(body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	in = &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	in.Options.WithCustomSchemaErrorFunc(shortSchemaError)
	return op, in, "", openapi3filter.ValidateRequest(context.Background(), in)
}

func (s *spec) errorSchema() *openapi3.SchemaRef {
	return s.doc.Components.Schemas["ErrorResponse"]
}

func (s *spec) checkResponse(ex *exchange, op *openapi3.Operation, in *openapi3filter.RequestValidationInput) []string {
	if ex.status == http.StatusOK && op.Responses.Status(http.StatusOK) == nil && op.Responses.Status(http.StatusNoContent) != nil &&
		slices.Contains(Allowlist.OKForNoContent, in.Request.Method+" "+in.Route.Path) {
		c := *ex
		c.status = http.StatusNoContent
		ex = &c
	}
	documented := op.Responses.Status(ex.status) != nil || op.Responses.Default() != nil
	isError := ex.status >= 400
	if !documented && !(isError && slices.Contains(Allowlist.UndocumentedErrorStatuses, ex.status)) {
		return []string{fmt.Sprintf("status %d is not documented for this operation", ex.status)}
	}
	if isError && (!documented || Allowlist.NotAcceptableAsJSON) {
		// Error bodies are ErrorResponse objects, whatever media type the
		// document lists for them.
		return checkBody(ex, "ErrorResponse", s.errorSchema())
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 ex.status,
		Header:                 ex.header,
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	out.Options.WithCustomSchemaErrorFunc(shortSchemaError)
	out.SetBodyBytes(ex.body)
	var problems []string
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		problems = append(problems, "response breaks the document: "+err.Error())
	}
	if ref := op.Responses.Status(ex.status); ref != nil && ref.Value != nil {
		if mt := ref.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && isJSON(ex.header) {
			var v any
			if err := json.Unmarshal(ex.body, &v); err == nil {
				problems = append(problems, missingProperties(v, mt.Schema, "$")...)
			}
		}
	}
	return problems
}

func isJSON(h http.Header) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "application/json")
}

// checkBody validates a JSON body against a named schema, including the
// every-property rule.
func checkBody(ex *exchange, name string, schema *openapi3.SchemaRef) []string {
	if !isJSON(ex.header) {
		return []string{fmt.Sprintf("%s body is not JSON (Content-Type %q)", name, ex.header.Get("Content-Type"))}
	}
	var v any
	if err := json.Unmarshal(ex.body, &v); err != nil {
		return []string{name + " body is not valid JSON: " + err.Error()}
	}
	var problems []string
	if err := schema.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.SetSchemaErrorMessageCustomizer(shortSchemaError)); err != nil {
		problems = append(problems, name+": "+err.Error())
	}
	if m, ok := v.(map[string]any); ok {
		if code, ok := m["code"].(float64); ok && int(code) != ex.status {
			problems = append(problems, fmt.Sprintf("error body code %v differs from status %d", code, ex.status))
		}
		if msg, _ := m["message"].(string); msg != http.StatusText(ex.status) {
			problems = append(problems, fmt.Sprintf("error message %q is not the reason phrase %q", msg, http.StatusText(ex.status)))
		}
	}
	return append(problems, missingProperties(v, schema, "$")...)
}

// missingProperties walks v along schema and reports properties of named
// schemas that are absent although they are not in
// emulator.OmittedWhenUnset.
func missingProperties(v any, ref *openapi3.SchemaRef, at string) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	sch := ref.Value
	var problems []string
	switch val := v.(type) {
	case []any:
		if sch.Items != nil {
			for i, item := range val {
				problems = append(problems, missingProperties(item, sch.Items, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case map[string]any:
		name := schemaName(ref)
		props := map[string]*openapi3.SchemaRef{}
		for k, p := range sch.Properties {
			props[k] = p
		}
		for _, sub := range sch.AllOf {
			if sub.Value != nil {
				for k, p := range sub.Value.Properties {
					props[k] = p
				}
			}
		}
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			child, present := val[k]
			if !present {
				if name != "" && !slices.Contains(emulator.OmittedWhenUnset[name], k) {
					problems = append(problems, fmt.Sprintf("%s: property %s.%s is missing", at, name, k))
				}
				continue
			}
			problems = append(problems, missingProperties(child, props[k], at+"."+k)...)
		}
	}
	return problems
}

func schemaName(ref *openapi3.SchemaRef) string {
	if ref.Ref != "" {
		return ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
	}
	if len(ref.Value.AllOf) == 1 && ref.Value.AllOf[0].Ref != "" {
		return schemaName(ref.Value.AllOf[0])
	}
	return ""
}

// checkAgainstFixture compares a 200 JSON response with a recorded
// response's field set (keys and JSON types, recursively; arrays against
// the fixture's first element).
func checkAgainstFixture(ex *exchange, fixture any) []string {
	if ex.status >= 400 {
		return nil
	}
	if ex.status != http.StatusOK {
		return []string{fmt.Sprintf("status %d, the recorded exchange has 200", ex.status)}
	}
	var v any
	if err := json.Unmarshal(ex.body, &v); err != nil {
		return []string{"body is not valid JSON: " + err.Error()}
	}
	return sameShape(v, fixture, "$")
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func sameShape(got, want any, at string) []string {
	if jsonKind(got) != jsonKind(want) {
		return []string{fmt.Sprintf("%s is %s, the fixture has %s", at, jsonKind(got), jsonKind(want))}
	}
	var problems []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s.%s is missing", at, k))
				continue
			}
			problems = append(problems, sameShape(gv, wv, at+"."+k)...)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				problems = append(problems, fmt.Sprintf("%s.%s is not in the fixture", at, k))
			}
		}
	case []any:
		g := got.([]any)
		if len(w) > 0 {
			for i, gv := range g {
				problems = append(problems, sameShape(gv, w[0], fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	slices.Sort(problems)
	return problems
}
