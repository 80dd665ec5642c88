package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// update rewrites the golden files: go test ./cmd/dracoon -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Fixed secrets of the tests; no output may contain them.
const (
	testAdminPassword      = "Adm1n-Secret-Pa55"
	testEncryptionPassword = "Crypt0-Secret-Pa55"
	testSharePassword      = "Sh4re-Secret-Pa55"
)

// fixedNow is the emulator's clock in tests, so that dates in goldens are
// stable.
var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// result is one run of the CLI.
type result struct {
	code           int
	stdout, stderr string
}

// fakeTerminal answers prompts from a list; it is interactive.
type fakeTerminal struct {
	answers []string
	prompts []string
}

func (f *fakeTerminal) Interactive() bool { return true }

func (f *fakeTerminal) next(prompt string) (string, error) {
	f.prompts = append(f.prompts, prompt)
	if len(f.answers) == 0 {
		return "", errors.New("fake terminal: no answer left")
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	return a, nil
}

func (f *fakeTerminal) ReadSecret(prompt string) (string, error) { return f.next(prompt) }
func (f *fakeTerminal) ReadLine(prompt string) (string, error)   { return f.next(prompt) }

// harness runs the CLI's Go entry point against a dracoontest server,
// with the credentials in the environment and a file store in a
// temporary directory.
type harness struct {
	t     *testing.T
	srv   *dracoontest.Server
	env   []string
	store *fileStore
	term  terminal // nil: no terminal
	stdin string
	bars  io.Writer // receives progress bars when set
}

// newHarness starts an emulator with a fixed clock and admin password.
func newHarness(t *testing.T, opts ...dracoontest.Option) *harness {
	t.Helper()
	opts = append([]dracoontest.Option{
		dracoontest.WithClock(func() time.Time { return fixedNow }),
		dracoontest.WithAdminPassword(testAdminPassword),
		dracoontest.WithCrypto(true),
	}, opts...)
	srv := dracoontest.NewServer(t, opts...)
	return &harness{
		t:     t,
		srv:   srv,
		env:   []string{envUsername + "=" + srv.AdminLogin, envPassword + "=" + testAdminPassword},
		store: newFileStore(filepath.Join(t.TempDir(), "config")),
	}
}

// target is the server's URL followed by path.
func (h *harness) target(path string) string { return h.srv.URL + path }

// run runs the CLI with args.
func (h *harness) run(args ...string) result {
	h.t.Helper()
	return h.runEnv(h.env, args...)
}

// runEnv runs the CLI with args and env.
func (h *harness) runEnv(env []string, args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	a := newApp(env, strings.NewReader(h.stdin), &out, &errOut)
	a.openStore = func() (secretStore, error) { return h.store, nil }
	if h.term != nil {
		a.term = h.term
	}
	a.barsOut = h.bars
	code := a.execute(context.Background(), args)
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	h.noSecrets(r)
	return r
}

// ok runs the CLI and fails the test unless it succeeds with empty
// stderr.
func (h *harness) ok(args ...string) string {
	h.t.Helper()
	r := h.run(args...)
	if r.code != 0 || r.stderr != "" {
		h.t.Fatalf("dracoon %s: exit %d, stderr %q, stdout %q", strings.Join(args, " "), r.code, r.stderr, r.stdout)
	}
	return r.stdout
}

// fails runs the CLI and checks the exit code and that stderr is one
// line containing each of wants.
func (h *harness) fails(code int, wants []string, args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	checkFailure(h.t, r, code, wants, args)
	return r
}

// checkFailure checks a failed run: exit code, one line on stderr with
// the wanted parts, nothing on stdout.
func checkFailure(t *testing.T, r result, code int, wants []string, args []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("dracoon %s: exit %d, want %d; stderr %q", strings.Join(args, " "), r.code, code, r.stderr)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "dracoon: ") {
		t.Errorf("dracoon %s: stderr is not one line starting with \"dracoon: \": %q", strings.Join(args, " "), r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("dracoon %s: stderr %q lacks %q", strings.Join(args, " "), r.stderr, w)
		}
	}
	if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, ".go:") {
		t.Errorf("stack noise on stderr: %q", r.stderr)
	}
}

// noSecrets fails the test when an output holds a secret the test knows.
func (h *harness) noSecrets(r result) {
	h.t.Helper()
	secrets := []string{testAdminPassword, testEncryptionPassword, testSharePassword, h.srv.ClientSecret, h.srv.ControlToken}
	if m, err := h.store.load(); err == nil {
		for _, v := range m {
			secrets = append(secrets, v)
		}
	}
	for _, s := range secrets {
		if s != "" && (strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s)) {
			h.t.Errorf("an output holds a secret (%d characters)", len(s))
		}
	}
}

// randomUUID matches the emulator's random avatar and tenant ids.
var randomUUID = regexp.MustCompile(`"(avatarUuid|tenantUuid)": "[0-9a-f-]+"`)

// normalize replaces the server's varying address and random ids.
func (h *harness) normalize(s string) string {
	s = randomUUID.ReplaceAllString(s, `"$1": "UUID"`)
	s = strings.ReplaceAll(s, h.srv.URL, "http://HOST")
	return strings.ReplaceAll(s, strings.TrimPrefix(h.srv.URL, "http://"), "HOST")
}

// testdataDir is testdata/ as an absolute path, so that tests may change
// the working directory.
var testdataDir = must[string](nil)(filepath.Abs("testdata"))

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(testdataDir, name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// must fails the test on an error.
func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		if err != nil && t == nil {
			panic(err)
		}
		if err != nil {
			t.Helper()
			t.Fatal(err)
		}
		return v
	}
}

// wrapf is fmt.Errorf, named for tests.
func wrapf(format string, args ...any) error { return fmt.Errorf(format, args...) }
