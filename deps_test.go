package dracoon

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSDKDependencies keeps the SDK packages (dracoon and crypto) on the
// standard library and golang.org/x: CLI, emulator and test modules must
// never leak into what SDK users compile.
func TestSDKDependencies(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH; this test inspects the import graph with it")
	}
	out, err := exec.Command(goBin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".", "./crypto/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if !strings.HasPrefix(pkg, "golang.org/x/") && !strings.HasPrefix(pkg, "github.com/dracoon-go/dracoon") {
			t.Errorf("the SDK depends on %s", pkg)
		}
		if strings.HasPrefix(pkg, "github.com/dracoon-go/dracoon/") && !strings.HasPrefix(pkg, "github.com/dracoon-go/dracoon/crypto") {
			t.Errorf("the SDK depends on the project's non-SDK package %s", pkg)
		}
	}
}
