package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildBinary builds the package in dir into out/name.
func buildBinary(t *testing.T, goBin, dir, out, name string) string {
	t.Helper()
	bin := filepath.Join(out, name)
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, b)
	}
	return bin
}

// TestBinaryAgainstStandaloneEmulator builds dracoon and dracoon-emulator
// and drives the CLI as a script would: credentials only in the
// environment, no terminal (stdin is /dev/null).
func TestBinaryAgainstStandaloneEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH; this test builds the binaries with it")
	}
	bin := t.TempDir()
	cli := buildBinary(t, goBin, ".", bin, "dracoon")
	emuBin := buildBinary(t, goBin, "../dracoon-emulator", bin, "dracoon-emulator")

	const password = "E2e-Admin-Secret-9"
	emu := exec.Command(emuBin, "--addr", "127.0.0.1:0")
	emu.Env = append(os.Environ(), "DRACOON_EMULATOR_ADMIN_PASSWORD="+password)
	stdout, err := emu.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var emuErr bytes.Buffer
	emu.Stderr = &emuErr
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = emu.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- emu.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = emu.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on ") {
		t.Fatalf("emulator's first line %q: %v", line, err)
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))

	config := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		envConfigDir + "=" + config, envCredentialStore + "=file",
		envUsername + "=admin", envPassword + "=" + password,
		envEncryptionPassword + "=" + "E2e-Crypto-Secret-7",
	}
	secrets := []string{password, "E2e-Crypto-Secret-7"}
	dracoon := func(env []string, args ...string) result {
		t.Helper()
		cmd := exec.Command(cli, args...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		r := result{code: code, stdout: out.String(), stderr: errOut.String()}
		for _, s := range secrets {
			if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
				t.Errorf("dracoon %s printed a secret", strings.Join(args, " "))
			}
		}
		return r
	}
	ok := func(args ...string) string {
		t.Helper()
		r := dracoon(env, args...)
		if r.code != 0 {
			t.Fatalf("dracoon %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
		}
		return r.stdout
	}

	ok("mkroom", base+"/E2E")
	ok("mkdir", base+"/E2E/inbox")
	var nodes []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(ok("ls", "--json", base+"/E2E/")), &nodes); err != nil || len(nodes) != 1 || nodes[0].Name != "inbox" || nodes[0].Type != "folder" {
		t.Fatalf("ls --json: %+v, %v", nodes, err)
	}
	if out := ok("users", "ls", "--csv", base); !strings.HasPrefix(out, "id,user_name,") || !strings.Contains(out, ",admin,") {
		t.Errorf("users ls --csv:\n%s", out)
	}
	if out := ok("keypair", "create", "--version", "A", base); out != "created key pair A\n" {
		t.Errorf("keypair create: %q", out)
	}
	if out := ok("--quiet", "mkdir", base+"/E2E/quiet"); out != "" {
		t.Errorf("--quiet printed %q", out)
	}

	// Upload, share and download, in an encrypted room, with no terminal:
	// no progress bars, secrets only from the environment.
	ok("mkroom", "--encrypted", base+"/Vault")
	local := t.TempDir()
	content := strings.Repeat("e2e content ", 50000)
	if err := os.WriteFile(filepath.Join(local, "e2e.txt"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := dracoon(env, "upload", filepath.Join(local, "e2e.txt"), base+"/Vault"); r.code != 0 || r.stderr != "" {
		t.Fatalf("upload: exit %d, stderr %q (no bars without a terminal)", r.code, r.stderr)
	}
	shareEnv := append(env[:len(env):len(env)], envSharePassword+"="+"E2e-Share-Secret-5")
	secrets = append(secrets, "E2e-Share-Secret-5")
	r := dracoon(shareEnv, "-q", "share", base+"/Vault/e2e.txt")
	link := strings.TrimSpace(r.stdout)
	if r.code != 0 || !strings.HasPrefix(link, base+"/public/download-shares/") {
		t.Fatalf("share -q: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	down := t.TempDir()
	ok("download", base+"/Vault/e2e.txt", down)
	if b, err := os.ReadFile(filepath.Join(down, "e2e.txt")); err != nil || string(b) != content {
		t.Errorf("download: %v (%d bytes)", err, len(b))
	}
	stranger := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), envSharePassword + "=E2e-Share-Secret-5"}
	if r := dracoon(stranger, "download", link, "-"); r.code != 0 || r.stdout != content {
		t.Errorf("public download: exit %d, %d bytes, stderr %q", r.code, len(r.stdout), r.stderr)
	}
	key := link[strings.LastIndex(link, "/")+1:]
	if r := dracoon(env, "download", base+"/Vault/e2e.txt", down); r.code != exitFailure || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "destination exists") {
		t.Errorf("conflicting download: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := dracoon([]string{envSharePassword + "=wrong-Pa55"}, "download", link, down); r.code != exitFailure || strings.Contains(r.stderr, key) {
		t.Errorf("public download with a wrong password: exit %d, stderr %q (must not hold the access key)", r.code, r.stderr)
	}

	for _, tc := range []struct {
		name string
		env  []string
		args []string
		code int
		want string
	}{
		{"missing password", env[:5], []string{"ls", base + "/"}, exitUsage, "DRACOON_PASSWORD is not set"},
		{"wrong password", append(env[:5:5], envPassword+"=not-it"), []string{"ls", base + "/"}, exitFailure, "invalid_grant"},
		{"unknown target", env, []string{"ls", base + "/Nowhere/x"}, exitFailure, `no node named "Nowhere"`},
		{"conflict", env, []string{"mkdir", base + "/E2E/inbox"}, exitFailure, "409"},
		{"room without --yes", env, []string{"rm", "-r", base + "/E2E"}, exitUsage, "--yes"},
		{"usage", env, []string{"ls", "-Z", base}, exitUsage, "unknown shorthand flag"},
	} {
		r := dracoon(tc.env, tc.args...)
		if r.code != tc.code || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%s: exit %d (want %d), stdout %q, stderr %q (want one line with %q)", tc.name, r.code, tc.code, r.stdout, r.stderr, tc.want)
		}
	}
	ok("rm", "-r", "--yes", base+"/E2E")
	ok("rm", "-r", "--yes", base+"/Vault")
	if out := ok("ls", base+"/"); out != "" {
		t.Errorf("rooms left: %q", out)
	}
}
