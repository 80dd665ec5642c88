package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/internal/emuserve"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// TestEmulatorCommand runs "dracoon emulator" in process, with its admin
// password from the CLI's environment, lists its top level with the CLI
// and stops it by cancelling the context.
func TestEmulatorCommand(t *testing.T) {
	const password = "Emu-Cmd-Secret-42"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := &testutil.SyncBuffer{}, &testutil.SyncBuffer{}
	done := make(chan int, 1)
	go func() {
		env := []string{emuserve.EnvAdminPassword + "=" + password}
		done <- newApp(env, strings.NewReader(""), stdout, stderr).execute(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--s3=false"})
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if line, _, ok := strings.Cut(stdout.String(), "\n"); ok {
			base = strings.TrimPrefix(line, "listening on ")
		}
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("no listening line; stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	if strings.Contains(stderr.String(), password) {
		t.Error("the emulator printed the admin password it was given")
	}
	r := runArgsEnv([]string{envUsername + "=admin", envPassword + "=" + password}, "mkroom", base+"/FromCLI")
	if r.code != 0 {
		t.Fatalf("mkroom: %d %q", r.code, r.stderr)
	}
	if r := runArgsEnv([]string{envUsername + "=admin", envPassword + "=" + password}, "ls", base+"/"); r.stdout != "FromCLI/\n" {
		t.Errorf("ls: %q %q", r.stdout, r.stderr)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("emulator exit %d; stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the emulator did not stop")
	}
	if r := runArgs("emulator", "--help"); r.code != 0 || !strings.Contains(r.stderr, "-admin-password") {
		t.Errorf("emulator --help: exit %d, stderr %q", r.code, r.stderr)
	}
}
