package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon"
)

// runArgs runs the CLI without environment, terminal or input.
func runArgs(args ...string) result { return runArgsEnv(nil, args...) }

// runArgsEnv runs the CLI with env, without terminal or input.
func runArgsEnv(env []string, args ...string) result {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, env, strings.NewReader(""), &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func TestDemo(t *testing.T) {
	for _, tc := range []struct {
		flag      string
		encrypted string
	}{{"--crypto=true", "true"}, {"--crypto=false", "false"}} {
		r := runArgs("demo", tc.flag)
		if r.code != 0 {
			t.Fatalf("demo %s: exit code %d; stderr:\n%s", tc.flag, r.code, r.stderr)
		}
		for _, want := range []*regexp.Regexp{
			regexp.MustCompile(`Emulator running at http://127\.0\.0\.1:\d+`),
			regexp.MustCompile(`(?m)^1\. Logged in as admin`),
			regexp.MustCompile(`(?m)^  roles .*ROOM_MANAGER`),
			regexp.MustCompile(`(?ms)^2\. Created .*room /Demo`),
			regexp.MustCompile(`(?m)^3\. Uploaded demo\.bin, 4\.0 MiB`),
			regexp.MustCompile(`(?m)^     demo\.bin\s+4\.0 MiB  encrypted=` + tc.encrypted + `$`),
			regexp.MustCompile(`password-protected download share \(encrypted=` + tc.encrypted + `\): http://\S+/public/download-shares/<access key, not shown>`),
			regexp.MustCompile(`(?m)^5\. Downloaded demo\.bin \(4\.0 MiB\) through the public share`),
			regexp.MustCompile(`(?m)^6\. SHA-256 of the download [0-9a-f]{64}\n   matches the upload`),
		} {
			if !want.MatchString(r.stdout) {
				t.Errorf("demo %s: output lacks %s:\n%s", tc.flag, want, r.stdout)
			}
		}
		// The same hash is printed for the upload and the download.
		sums := regexp.MustCompile(`SHA-256 (?:of the download )?([0-9a-f]{64})`).FindAllStringSubmatch(r.stdout, -1)
		if len(sums) != 2 || sums[0][1] != sums[1][1] {
			t.Errorf("demo %s: hashes %v", tc.flag, sums)
		}
		if r.stderr != "" {
			t.Errorf("demo %s: unexpected stderr:\n%s", tc.flag, r.stderr)
		}
	}
}

func TestDemoVerboseLogsWithoutSecrets(t *testing.T) {
	const password = "demo-Pa55word-SECRET"
	for _, flag := range []string{"-v", "--debug"} {
		r := runArgs("demo", flag, "--admin-password", password)
		if r.code != 0 {
			t.Fatalf("exit code %d; stderr:\n%s", r.code, r.stderr)
		}
		logs := r.stderr
		if !strings.Contains(logs, "level=DEBUG") || !strings.Contains(logs, "/oauth/token") || !strings.Contains(logs, "/api/v4/nodes") {
			t.Fatalf("no debug log of the session with %s:\n%s", flag, logs)
		}
		if strings.Contains(logs, password) || strings.Contains(logs, "Bearer") || strings.Contains(logs, "Basic ") {
			t.Errorf("log holds credentials:\n%s", logs)
		}
		// Token attributes may only say whether a token exists.
		for _, m := range regexp.MustCompile(`(access_token|refresh_token|token)=(\S+)`).FindAllStringSubmatch(logs, -1) {
			if m[2] != "true" && m[2] != "false" {
				t.Errorf("log shows a token value: %s", m[0])
			}
		}
	}
}

func TestVersionAndUsageErrors(t *testing.T) {
	if r := runArgs("version"); r.code != 0 || r.stdout != "dracoon "+dracoon.Version+"\n" {
		t.Errorf("version: code %d, output %q", r.code, r.stdout)
	}
	if r := runArgs("version", "--json"); r.code != 0 || r.stdout != "{\n  \"version\": \""+dracoon.Version+"\"\n}\n" {
		t.Errorf("version --json: code %d, output %q", r.code, r.stdout)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"no-such-command"}, "unknown command"},
		{[]string{"ls", "--no-such-flag", "x"}, "unknown flag"},
		{[]string{"ls"}, "needs 1 argument"},
		{[]string{"ls", "ftp://host/x"}, "scheme must be https"},
		{[]string{"ls", "http://example.com/Room"}, "only allowed for loopback"},
		{[]string{"ls", "example.com/Room"}, "DRACOON_USERNAME"},
		{[]string{"emulator", "--bogus"}, "bogus"},
		{[]string{"users", "info", "example.com", "a", "b"}, "usage"},
		{[]string{"users", "bogus"}, `unknown command "bogus" for "dracoon users"`},
		{[]string{"config", "auth", "bogus"}, `unknown command "bogus"`},
	} {
		// The file store in a temporary directory: no test reads the
		// user's own credentials.
		env := []string{envCredentialStore + "=file", envConfigDir + "=" + t.TempDir()}
		r := runArgsEnv(env, tc.args...)
		checkFailure(t, r, exitUsage, []string{tc.want}, tc.args)
	}
}

func TestErrorLineShortensAPIErrors(t *testing.T) {
	err := &dracoon.APIError{Method: "POST", URL: "https://x/api/v4/nodes/folders", StatusCode: 409, Message: "Node exists\nalready", ErrorCode: -41001}
	got := errorLine(wrapf("create folder /R/x: %w", err))
	if want := "dracoon: create folder /R/x: 409 Node exists already (error code -41001)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	oauth := &dracoon.APIError{Method: "POST", URL: "https://x/oauth/token", StatusCode: 401, OAuthError: "invalid_grant", OAuthDescription: "Bad credentials"}
	if got, want := errorLine(oauth), "dracoon: 401 invalid_grant (Bad credentials)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if exitCode(oauth) != exitFailure || exitCode(usagef("x")) != exitUsage || exitCode(nil) != exitOK {
		t.Error("exit codes")
	}
}
