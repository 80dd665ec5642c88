package dracoon

// TestAPICoverage keeps docs/api-coverage.md current: every operation of
// the OpenAPI document, the SDK methods that call it and whether the
// emulator serves it.
//
// The convention it relies on (go-github's): the doc comment of every
// exported SDK function or method names each operation it calls as an
// upper-case method and the full path template exactly as the document has
// it, base path included, usually in parentheses:
//
//	// Get returns one node (GET /api/v4/nodes/{node_id}).
//
// One comment may name several operations; paths start with /api/,
// /oauth/, /reporting/ or /branding/. A named operation must exist in the document (or be one of the
// contract's few checked operations outside it, contract.Undocumented),
// else the test fails. The emulator's side is read from its chi router.
//
// When the generated table differs from the committed file the test fails;
// regenerate it with
//
//	DRACOON_UPDATE_COVERAGE=1 go test -run TestAPICoverage .
//
// A missing file is written. The test skips when the shared test data (the
// OpenAPI document) is absent; internal/coverage's own tests do not need it.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/internal/contract"
	"github.com/dracoon-go/dracoon/internal/coverage"
	"github.com/dracoon-go/dracoon/internal/emulator"
)

// envUpdateCoverage, set to 1, makes TestAPICoverage rewrite the file.
const envUpdateCoverage = "DRACOON_UPDATE_COVERAGE"

// coverageFile is the generated table, relative to the module root.
const coverageFile = "docs/api-coverage.md"

// newerOperations are operations DRACOON added after 4.26.7 (listed in
// api-surface.md, "Endpoints added after 4.26.7") that the SDK or the
// emulator offers. The contract cannot check them; the table lists them
// with the other operations outside the document.
var newerOperations = []string{
	"GET /api/v4/nodes/files/versions/{reference_id}",
	"GET /api/v4/nodes/rooms/{room_id}/policies",
	"PUT /api/v4/nodes/rooms/{room_id}/policies",
}

func TestAPICoverage(t *testing.T) {
	doc, base := contract.Document(t)
	ops := coverage.FromOpenAPI(doc, base)
	outside, err := coverage.FromKeys(slices.Concat(contract.Undocumented(), contract.ObjectStoreOperations(), newerOperations), "")
	if err != nil {
		t.Fatal(err)
	}
	all := append(ops[:len(ops):len(ops)], outside...)
	known := map[string]bool{}
	for _, o := range all {
		known[o.Key()] = true
	}

	methods, err := coverage.ParseSDK(".")
	if err != nil {
		t.Fatal(err)
	}
	sdk, problems := coverage.IndexSDK(methods, known)
	for _, p := range problems {
		t.Error(p)
	}

	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	routes, err := emu.Routes()
	if err != nil {
		t.Fatal(err)
	}
	served, unmatched := coverage.Match(all, routes)
	for _, r := range unmatched {
		t.Errorf("the emulator serves %s, which matches no operation of the document, contract.Undocumented or newerOperations", r)
	}

	got := coverage.Render(coverage.Table{
		Source:       doc.Info.Title + " " + doc.Info.Version,
		Regenerate:   envUpdateCoverage + "=1 go test -run TestAPICoverage .",
		Operations:   ops,
		Undocumented: outside,
		SDK:          sdk,
		Emulator:     served,
	})
	path := filepath.FromSlash(coverageFile)
	want, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || os.Getenv(envUpdateCoverage) == "1":
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", coverageFile)
	case err != nil:
		t.Fatal(err)
	case !bytes.Equal(got, want):
		t.Errorf("%s is out of date (first difference: %s); regenerate it with\n\t%s=1 go test -run TestAPICoverage .\nand commit it",
			coverageFile, firstDifference(string(want), string(got)), envUpdateCoverage)
	}
}

// firstDifference describes the first line where the committed file and
// the generated table differ.
func firstDifference(committed, generated string) string {
	a, b := strings.Split(committed, "\n"), strings.Split(generated, "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("line %d: file has %q, generated %q", i+1, x, y)
		}
	}
	return "none"
}
