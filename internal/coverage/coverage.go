// Package coverage builds the API coverage table, docs/api-coverage.md:
// every operation of the OpenAPI document, the SDK methods that call it and
// whether the emulator serves it.
//
// The SDK side follows go-github's convention: the doc comment of every
// exported SDK function or method names each operation it calls as an
// upper-case HTTP method, one space and the full request path template as
// the document spells it, base path included, conventionally in
// parentheses:
//
//	// Get returns one node (GET /api/v4/nodes/{node_id}).
//
// Paths start with /api/ or /oauth/, or /reporting/ or /branding/ for
// DRACOON's separate reporting and branding services; one comment may
// name several operations. Comments on types and unexported names are not
// read, so a type may describe a family loosely
// ("GET /api/v4/config/info/…").
//
// The emulator side compares chi route patterns with path templates by
// shape: parameter names may differ ({id} serves {node_id}), literal
// segments must be equal.
package coverage

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Operation is one operation of the API.
type Operation struct {
	Method     string // upper case: "GET"
	Path       string // request path template: "/api/v4/nodes/{node_id}"
	ID         string // operationId
	Summary    string
	Tag        string // the first tag; "" when the operation has none
	Deprecated bool
}

// Key is the operation as doc comments name it: "GET /api/v4/nodes/{node_id}".
func (o Operation) Key() string { return o.Method + " " + o.Path }

// methodOrder orders the operations of one path.
var methodOrder = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}

// FromOpenAPI lists the operations of doc with base (the servers' path,
// "/api") before every path template, sorted by tag (untagged ones
// last), path and method.
func FromOpenAPI(doc *openapi3.T, base string) []Operation {
	var ops []Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Operation{
				Method:     strings.ToUpper(method),
				Path:       base + path,
				ID:         op.OperationID,
				Summary:    op.Summary,
				Deprecated: op.Deprecated,
			}
			if len(op.Tags) > 0 {
				o.Tag = op.Tags[0]
			}
			ops = append(ops, o)
		}
	}
	slices.SortFunc(ops, func(a, b Operation) int {
		return cmp.Or(compareTags(a.Tag, b.Tag), cmp.Compare(a.Path, b.Path), compareMethods(a.Method, b.Method))
	})
	return ops
}

// compareTags orders tags by name, the empty tag last.
func compareTags(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return cmp.Compare(a, b)
}

// compareMethods orders HTTP methods as methodOrder does, unknown ones
// last by name.
func compareMethods(a, b string) int {
	ia, ib := slices.Index(methodOrder, a), slices.Index(methodOrder, b)
	if ia < 0 {
		ia = len(methodOrder)
	}
	if ib < 0 {
		ib = len(methodOrder)
	}
	return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
}

// FromKeys turns "METHOD /path" keys (contract.Undocumented) into
// operations with the given tag, sorted by path and method. A key that is
// not "METHOD /path" is an error.
func FromKeys(keys []string, tag string) ([]Operation, error) {
	ops := make([]Operation, 0, len(keys))
	for _, k := range keys {
		method, path, ok := strings.Cut(k, " ")
		if !ok || method == "" || !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("coverage: %q is not \"METHOD /path\"", k)
		}
		ops = append(ops, Operation{Method: method, Path: path, Tag: tag})
	}
	slices.SortFunc(ops, func(a, b Operation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), compareMethods(a.Method, b.Method))
	})
	return ops, nil
}

// namedOperation matches an operation named in a doc comment.
var namedOperation = regexp.MustCompile(`\b(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE)\s+(/(?:api|oauth|reporting|branding)/[^\s(),;]*)`)

// NamedOperations returns the operations ("METHOD /path") that a doc
// comment names, in order, without repeats. A sentence's full stop after
// a path is not part of it.
func NamedOperations(comment string) []string {
	var out []string
	for _, m := range namedOperation.FindAllStringSubmatch(comment, -1) {
		key := m[1] + " " + strings.TrimRight(m[2], ".:")
		if !slices.Contains(out, key) {
			out = append(out, key)
		}
	}
	return out
}

// SDKMethod is an exported SDK function or method and the operations its
// doc comment names.
type SDKMethod struct {
	// Name is how callers write it: a method of a service type is named
	// after the Client field that holds the service ("Nodes.Get" for
	// NodesService.Get); other methods after their type ("Client.Connect");
	// functions by their name.
	Name       string
	Operations []string
}

// ParseSDK reads the Go package in dir (the files the current build
// context selects, tests excluded) and returns its exported functions and
// methods whose doc comments name operations, sorted by name.
func ParseSDK(dir string) ([]SDKMethod, error) {
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("coverage: %w", err)
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, bp.ImportPath)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	holders := serviceFields(pkg)
	var out []SDKMethod
	add := func(name, comment string) {
		if ops := NamedOperations(comment); len(ops) > 0 {
			out = append(out, SDKMethod{Name: name, Operations: ops})
		}
	}
	for _, f := range pkg.Funcs {
		add(f.Name, f.Doc)
	}
	for _, t := range pkg.Types {
		recv := t.Name
		if field, ok := holders[t.Name]; ok {
			recv = field
		}
		for _, f := range t.Funcs {
			add(f.Name, f.Doc)
		}
		for _, m := range t.Methods {
			add(recv+"."+m.Name, m.Doc)
		}
	}
	slices.SortFunc(out, func(a, b SDKMethod) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// serviceFields maps the type of each exported pointer field of the
// package's Client struct to the field's name (NodesService → Nodes).
func serviceFields(pkg *doc.Package) map[string]string {
	out := map[string]string{}
	for _, t := range pkg.Types {
		if t.Name != "Client" {
			continue
		}
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, f := range st.Fields.List {
				star, ok := f.Type.(*ast.StarExpr)
				if !ok {
					continue
				}
				id, ok := star.X.(*ast.Ident)
				if !ok || len(f.Names) != 1 || !f.Names[0].IsExported() {
					continue
				}
				out[id.Name] = f.Names[0].Name
			}
		}
	}
	return out
}

// Shape reduces a path template or chi route pattern to what a request
// path must look like to match: each parameter ("{node_id}",
// "{id:[0-9]+}") becomes "{}" and a trailing slash goes.
func Shape(pattern string) string {
	var b strings.Builder
	depth := 0
	for _, r := range pattern {
		switch {
		case r == '{':
			if depth == 0 {
				b.WriteString("{}")
			}
			depth++
		case r == '}' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) > 1 {
		s = strings.TrimSuffix(s, "/")
	}
	return s
}

// Match pairs routes ("METHOD /pattern", as emulator.Routes lists them)
// with operations of the same method and shape; a GET route also serves
// the HEAD operation of its path. It returns the keys of the operations
// served and the routes that serve none of ops.
func Match(ops []Operation, routes []string) (served map[string]bool, unmatched []string) {
	byShape := map[string]string{} // "METHOD shape" → operation key
	for _, o := range ops {
		byShape[o.Method+" "+Shape(o.Path)] = o.Key()
	}
	served = map[string]bool{}
	for _, r := range routes {
		method, pattern, _ := strings.Cut(r, " ")
		key, ok := byShape[method+" "+Shape(pattern)]
		if ok {
			served[key] = true
		}
		// The emulator answers HEAD with a path's GET handler, so a GET
		// route also serves the HEAD operation of its path.
		head, hasHead := byShape[http.MethodHead+" "+Shape(pattern)]
		if method == http.MethodGet && hasHead {
			served[head] = true
		}
		if !ok {
			unmatched = append(unmatched, r)
		}
	}
	return served, unmatched
}

// IndexSDK maps each operation key to the SDK methods naming it (in the
// order of methods). Names of operations missing from known are returned
// as problems ("Nodes.Get names GET /api/v4/x, …"), in order.
func IndexSDK(methods []SDKMethod, known map[string]bool) (byOp map[string][]string, problems []string) {
	byOp = map[string][]string{}
	for _, m := range methods {
		for _, op := range m.Operations {
			if !known[op] {
				problems = append(problems, fmt.Sprintf("%s names %s, which is not an operation of the document (method and path template must match exactly)", m.Name, op))
				continue
			}
			byOp[op] = append(byOp[op], m.Name)
		}
	}
	return byOp, problems
}
