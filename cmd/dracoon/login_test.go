package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in                  string
		base, path, pattern string
		container           bool
	}{
		{"dracoon.example.com", "https://dracoon.example.com", "/", "", true},
		{"dracoon.example.com/", "https://dracoon.example.com", "/", "", true},
		{"dracoon.example.com/Room/folder", "https://dracoon.example.com", "/Room/folder", "", false},
		{"dracoon.example.com/Room/folder/", "https://dracoon.example.com", "/Room/folder", "", true},
		{"https://dracoon.example.com:8443/Room", "https://dracoon.example.com:8443", "/Room", "", false},
		{"http://127.0.0.1:8080/Room/folder/", "http://127.0.0.1:8080", "/Room/folder", "", true},
		{"http://localhost/Room", "http://localhost", "/Room", "", false},
		{"http://[::1]:9/R", "http://[::1]:9", "/R", "", false},
		{"host/Room/*.pdf", "https://host", "/Room", "*.pdf", false},
		{"host/*", "https://host", "/", "*", false},
		{"host/Room A/b c.txt", "https://host", "/Room A/b c.txt", "", false},
	} {
		got, err := parseTarget(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got.base != tc.base || got.path != tc.path || got.pattern != tc.pattern || got.container != tc.container {
			t.Errorf("%q: got %+v", tc.in, got)
		}
	}
	for _, bad := range []string{"", "http://example.com/Room", "ftp://host/x", "https://user:pw@host/x", "host/a//b", "https://host/x?y=1", "https:///x"} {
		if _, err := parseTarget(bad); err == nil || exitCode(err) != exitUsage {
			t.Errorf("%q: error %v, want a usage error", bad, err)
		}
	}
	if _, err := parseTarget("https://user:pw@host/x"); err != nil && strings.Contains(err.Error(), "pw") {
		t.Errorf("the error repeats the password: %v", err)
	}
}

func TestLoginErrors(t *testing.T) {
	h := newHarness(t)
	host := h.target("/")
	// A user name without a password and no terminal: the variable is named.
	r := h.runEnv([]string{envUsername + "=admin"}, "ls", host)
	checkFailure(t, r, exitUsage, []string{"DRACOON_PASSWORD is not set"}, nil)
	// A password without a user name.
	r = h.runEnv([]string{envPassword + "=" + testAdminPassword}, "ls", host)
	checkFailure(t, r, exitUsage, []string{"DRACOON_USERNAME"}, nil)
	// No credentials at all.
	r = h.runEnv(nil, "ls", host)
	checkFailure(t, r, exitUsage, []string{"no credentials", envUsername, envPassword}, nil)
	// A wrong password: DRACOON's answer, in one line.
	r = h.runEnv([]string{envUsername + "=admin", envPassword + "=wrong-password"}, "ls", host)
	checkFailure(t, r, exitFailure, []string{"login as admin", "invalid_grant", "Bad credentials"}, nil)
	if strings.Contains(r.stderr, "wrong-password") {
		t.Errorf("the error shows the password: %q", r.stderr)
	}
	// Flags work as the variables do.
	if r := h.runEnv(nil, "ls", "--username", "admin", "--password", testAdminPassword, host); r.code != 0 {
		t.Errorf("flags: exit %d, %q", r.code, r.stderr)
	}
	// A terminal asks for the missing password, without echo.
	term := &fakeTerminal{answers: []string{testAdminPassword}}
	h.term = term
	if r := h.runEnv([]string{envUsername + "=admin"}, "ls", host); r.code != 0 {
		t.Errorf("prompted password: exit %d, %q", r.code, r.stderr)
	}
	if len(term.prompts) != 1 || !strings.HasPrefix(term.prompts[0], "Password for admin") {
		t.Errorf("prompts: %q", term.prompts)
	}
}

func TestDebugLogsWithoutSecrets(t *testing.T) {
	h := newHarness(t)
	must[int64](t)(h.srv.CreateRoom("Logged", nil))
	env := append(h.env, envEncryptionPassword+"="+testEncryptionPassword)
	r := h.runEnv(env, "--debug", "ls", h.target("/Logged/"))
	if r.code != 0 || !strings.Contains(r.stderr, "level=DEBUG") || !strings.Contains(r.stderr, "/oauth/token") || !strings.Contains(r.stderr, "/api/v4/nodes") {
		t.Fatalf("no debug log: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "Bearer") || strings.Contains(r.stderr, "Basic ") {
		t.Errorf("the log holds an Authorization header:\n%s", r.stderr)
	}
	if r := h.run("ls", h.target("/Logged/")); r.stderr != "" {
		t.Errorf("without --debug, stderr is %q", r.stderr)
	}
	// noSecrets (in runEnv) has checked both outputs for the passwords.
}

func TestAuthorizationCodeLoginStoresRefreshToken(t *testing.T) {
	h := newHarness(t)
	env := []string{envClientID + "=" + h.srv.ClientID, envClientSecret + "=" + h.srv.ClientSecret}
	code := must[string](t)(h.srv.AuthorizationCode(h.srv.AdminLogin, h.srv.ClientID, ""))
	h.term = &fakeTerminal{answers: []string{code}}
	r := h.runEnv(env, "ls", h.target("/"))
	if r.code != 0 {
		t.Fatalf("auth code login: exit %d, %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "/oauth/authorize?") || !strings.Contains(r.stderr, "response_type=code") {
		t.Errorf("no authorization URL on stderr: %q", r.stderr)
	}
	st := must[os.FileInfo](t)(os.Stat(h.store.path))
	if st.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %04o, want 0600", st.Mode().Perm())
	}
	dir := must[os.FileInfo](t)(os.Stat(h.store.dir))
	if dir.Mode().Perm() != 0o700 {
		t.Errorf("credentials directory mode %04o, want 0700", dir.Mode().Perm())
	}
	// Later runs without a terminal use the stored token.
	h.term = nil
	if r := h.runEnv(env, "ls", h.target("/")); r.code != 0 {
		t.Fatalf("refresh-token login: exit %d, %q", r.code, r.stderr)
	}
	out := h.runEnv(env, "config", "auth", "ls", h.target("")).stdout
	host := strings.TrimPrefix(h.srv.URL, "http://")
	if out != host+": refresh token stored in "+h.store.path+"\n" {
		t.Errorf("config auth ls: %q", out)
	}
	var js storedSecret
	if err := json.Unmarshal([]byte(h.runEnv(env, "config", "auth", "ls", "--json", h.target("")).stdout), &js); err != nil || !js.Stored || js.Host != host {
		t.Errorf("config auth ls --json: %+v, %v", js, err)
	}
	if r := h.runEnv(env, "config", "auth", "rm", h.target("")); r.code != 0 {
		t.Fatalf("config auth rm: %d %q", r.code, r.stderr)
	}
	r = h.runEnv(env, "ls", h.target("/"))
	checkFailure(t, r, exitUsage, []string{"no credentials"}, nil)
	r = h.runEnv(env, "config", "auth", "rm", h.target(""))
	checkFailure(t, r, exitFailure, []string{"no refresh token stored"}, nil)
	// A revoked stored token is reported with the way out.
	code = must[string](t)(h.srv.AuthorizationCode(h.srv.AdminLogin, h.srv.ClientID, ""))
	h.term = &fakeTerminal{answers: []string{code}}
	h.runEnv(env, "ls", h.target("/"))
	h.term = nil
	h.srv.RevokeAllTokens()
	r = h.runEnv(env, "ls", h.target("/"))
	checkFailure(t, r, exitFailure, []string{"stored refresh token", "config auth rm"}, nil)
}

func TestEncryptionPasswordStoredOnlyWhenAgreed(t *testing.T) {
	h := newHarness(t)
	host := h.target("")
	h.term = &fakeTerminal{answers: []string{testEncryptionPassword, "n"}}
	h.ok("keypair", "create", "--version", "A", host)
	if out := h.ok("config", "crypto", "ls", host); !strings.Contains(out, "no encryption password stored") {
		t.Errorf("stored without consent: %q", out)
	}
	h.ok("keypair", "delete", "--version", "A", "--yes", host)
	h.term = &fakeTerminal{answers: []string{testEncryptionPassword, "y"}}
	h.ok("keypair", "create", "--version", "A", host)
	if out := h.ok("config", "crypto", "ls", host); !strings.Contains(out, "encryption password stored in") {
		t.Errorf("not stored after consent: %q", out)
	}
	// The stored password is used without asking.
	h.ok("keypair", "delete", "--version", "A", "--yes", host)
	h.term = &fakeTerminal{}
	h.ok("keypair", "create", "--version", "A", host)
	h.ok("config", "crypto", "rm", host)
	if out := h.ok("config", "crypto", "ls", host); !strings.Contains(out, "no encryption password") {
		t.Errorf("after rm: %q", out)
	}
}

func TestFileStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dracoon")
	s := newFileStore(dir)
	if _, err := s.Get("k"); err != errSecretNotFound {
		t.Fatalf("empty store: %v", err)
	}
	if err := s.Set("refresh-token/a", "one"); err != nil {
		t.Fatal(err)
	}
	// A second store on the same directory reuses the file and keeps
	// what is there.
	s2 := newFileStore(dir)
	if err := s2.Set("refresh-token/b", "two"); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"refresh-token/a": "one", "refresh-token/b": "two"} {
		if got, err := s.Get(k); err != nil || got != want {
			t.Errorf("%s: %q, %v", k, got, err)
		}
	}
	if st := must[os.FileInfo](t)(os.Stat(s.path)); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o", st.Mode().Perm())
	}
	entries := must[[]os.DirEntry](t)(os.ReadDir(dir))
	if len(entries) != 1 || entries[0].Name() != credentialsFile {
		t.Errorf("directory holds %v, want only %s (no temporary files left)", entries, credentialsFile)
	}
	if err := s.Delete("refresh-token/a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("refresh-token/a"); err != errSecretNotFound {
		t.Errorf("second delete: %v", err)
	}
	// A file others can read is refused, not used.
	if err := os.Chmod(s.path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("refresh-token/b"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("0644 file: %v", err)
	}
}

func TestDefaultStoreChoice(t *testing.T) {
	dir := t.TempDir()
	s, err := defaultStore(map[string]string{envCredentialStore: "file", envConfigDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if fs, ok := s.(*fileStore); !ok || fs.path != filepath.Join(dir, credentialsFile) {
		t.Errorf("file store: %#v", s)
	}
	if _, err := defaultStore(map[string]string{envCredentialStore: "vault"}); exitCode(err) != exitUsage {
		t.Errorf("unknown store: %v", err)
	}
}
