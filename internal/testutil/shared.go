// Package testutil holds helpers shared by the project's tests.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvSharedTestdata names an environment variable that, when set, points at
// the shared test data folder instead of ../shared/testdata beside the
// repository.
const EnvSharedTestdata = "DRACOON_SHARED_TESTDATA"

// ModuleRoot returns the directory holding the module's go.mod, found by
// walking up from the working directory of the test binary (the package
// directory under go test).
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("testutil: working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("testutil: no go.mod above the working directory")
		}
		dir = parent
	}
}

// SharedTestdataDir returns the shared reference test data folder
// (../shared/testdata next to the repository, or $DRACOON_SHARED_TESTDATA).
// The data belongs to other projects and is never committed here, so a
// test that needs it skips, saying why, when the folder is absent.
func SharedTestdataDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv(EnvSharedTestdata)
	if dir == "" {
		dir = filepath.Join(ModuleRoot(tb), "..", "shared", "testdata")
	}
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		tb.Skipf("shared test data not found at %s (set %s to its location); this test checks against other projects' data that is not part of the repository", dir, EnvSharedTestdata)
	}
	return dir
}

// SharedTestdata returns the path of rel inside the shared test data folder,
// skipping the test (with the reason) when the folder is absent and failing
// it when the folder exists but rel does not.
func SharedTestdata(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(SharedTestdataDir(tb), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("shared test data present but %s is missing: %v", rel, err)
	}
	return p
}
