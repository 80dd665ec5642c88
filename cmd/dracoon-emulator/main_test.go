package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

// TestRunInProcess starts run on port 0, logs in with the configured
// password and stops it by cancelling the context.
func TestRunInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	stderr := &testutil.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--admin-password", "s3cret", "--s3=false", "--access-token-lifetime", "90s"}, pw, stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v (stderr: %s)", err, stderr.String())
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok || strings.HasSuffix(base, ":0") || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	resp, err := http.PostForm(base+"/oauth/token", url.Values{
		"grant_type": {"password"}, "username": {"admin"}, "password": {"s3cret"}, "client_id": {"dracoon_legacy_scripting"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || tok.ExpiresIn != 90 {
		t.Fatalf("login: %d %+v %v", resp.StatusCode, tok, err)
	}
	req, _ := http.NewRequest("GET", base+"/api/v4/public/system/info", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info["useS3Storage"] != false {
		t.Errorf("--s3=false not applied: %v", info)
	}
	if strings.Contains(stderr.String(), "generated password") {
		t.Error("a configured password was reported as generated")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
}

func TestRunFlagErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"--bogus"}, &out, &errOut); err == nil {
		t.Fatal("unknown flag accepted")
	}
	if err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "extra"}, &out, &errOut); err == nil {
		t.Fatal("extra argument accepted")
	}
	if err := run(t.Context(), []string{"--addr", "256.0.0.1:99999"}, &out, &errOut); err == nil {
		t.Fatal("bad address accepted")
	}
	if out.Len() != 0 {
		t.Errorf("stdout got %q on errors", out.String())
	}
}

// TestBinarySIGINT builds the command, runs it with a generated password,
// reads the listening line, makes a request and stops it with SIGINT.
func TestBinarySIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "dracoon-emulator")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), EnvAdminPassword+"=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &testutil.SyncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatalf("no output: %v", sc.Err())
	}
	base, ok := strings.CutPrefix(sc.Text(), "listening on ")
	if !ok {
		t.Fatalf("first line %q", sc.Text())
	}
	// stderr is copied by a goroutine of os/exec: give it a moment.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.Contains(stderr.String(), "control token"); {
		time.Sleep(20 * time.Millisecond)
	}
	token := controlToken(t, stderr.String())
	// The generated password is on stderr; /_emulator/info has it too, but
	// only for a holder of the control token.
	if resp, err := http.Get(base + "/_emulator/info"); err != nil || resp.StatusCode != 401 {
		t.Fatalf("info without the control token: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	req, _ := http.NewRequest("GET", base+"/_emulator/info", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		AdminPassword string `json:"adminPassword"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info.AdminPassword == "" || !strings.Contains(stderr.String(), info.AdminPassword) {
		t.Fatalf("generated password not reported (stderr %q)", stderr.String())
	}
	req, _ = http.NewRequest("POST", base+"/oauth/token", strings.NewReader(url.Values{
		"grant_type": {"password"}, "username": {"admin"}, "password": {info.AdminPassword},
	}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("dracoon_legacy_scripting:")))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	// The provisioning service token is printed too and opens the tenant
	// API.
	const serviceLine = "provisioning service token (X-Sds-Service-Token): "
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.Contains(stderr.String(), serviceLine); {
		time.Sleep(20 * time.Millisecond)
	}
	_, rest, found := strings.Cut(stderr.String(), serviceLine)
	service, _, _ := strings.Cut(rest, "\n")
	if !found || service == "" {
		t.Fatalf("no service token on stderr %q", stderr.String())
	}
	req, _ = http.NewRequest("GET", base+"/api/v4/provisioning/customers", nil)
	req.Header.Set("X-Sds-Service-Token", service)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("provisioning with the printed service token: %d", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	restc := make(chan []byte, 1)
	go func() {
		rest, _ := io.ReadAll(stdout) // Wait closes the pipe; read it first
		restc <- rest
		waitErr <- cmd.Wait()
	}()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("exit after SIGINT: %v (stderr %s)", err, stderr.String())
		}
		if rest := <-restc; len(rest) != 0 {
			t.Errorf("more than one stdout line: %q", rest)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no exit after SIGINT")
	}
}

// controlToken finds the control token in the startup lines on stderr.
func controlToken(t *testing.T, stderr string) string {
	t.Helper()
	for line := range strings.SplitSeq(stderr, "\n") {
		if strings.HasPrefix(line, "control token") {
			_, tok, _ := strings.Cut(line, "): ")
			if tok != "" {
				return tok
			}
		}
	}
	t.Fatalf("no control token on stderr: %q", stderr)
	return ""
}

// startRun runs the command in-process and returns its base URL, its
// stderr and a stop function that waits for run to return.
func startRun(t *testing.T, args ...string) (string, *testutil.SyncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr := &testutil.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, pw, stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("reading the first line: %v (stderr: %s)", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base, _ := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	return base, stderr, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v", err)
		}
	}
}

// TestControlTokenAndLoopbackWarning: the control token printed at startup
// opens the controls, nothing else does; binding all interfaces warns on
// stderr and in the log.
func TestControlTokenAndLoopbackWarning(t *testing.T) {
	base, stderr, stop := startRun(t, "--addr", "127.0.0.1:0")
	token := controlToken(t, stderr.String())
	if strings.Contains(stderr.String(), "WARNING") {
		t.Errorf("warning for a loopback listener: %s", stderr.String())
	}
	for _, c := range []struct {
		header string
		want   int
	}{{"", 401}, {"Bearer nope", 401}, {"Bearer " + token, 200}} {
		req, _ := http.NewRequest("GET", base+"/_emulator/clock", nil)
		if c.header != "" {
			req.Header.Set("Authorization", c.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("Authorization %q: %d, want %d", c.header, resp.StatusCode, c.want)
		}
	}
	stop()

	base, stderr, stop = startRun(t, "--addr", "0.0.0.0:0")
	defer stop()
	out := stderr.String()
	if !strings.Contains(out, "WARNING: dracoon-emulator listens on") || !strings.Contains(out, "level=WARN") {
		t.Fatalf("no loud warning for 0.0.0.0: %s", out)
	}
	if !strings.Contains(out, "control token for http://127.0.0.1:") {
		t.Errorf("base URL for 0.0.0.0 is not the loopback address: %s", out)
	}
	port := base[strings.LastIndex(base, ":")+1:]
	resp, err := http.Get("http://127.0.0.1:" + port + "/api/v4/public/time")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// TestDataDirAndHostFlags: with --data-dir an uploaded file lands in
// DIR/blobs and downloads back; with --trust-host-header the upload URL
// follows the request's Host.
func TestDataDirAndHostFlags(t *testing.T) {
	dir := t.TempDir()
	base, stderr, stop := startRun(t, "--addr", "127.0.0.1:0", "--admin-password", "Pass-1234", "--s3=false", "--data-dir", dir, "--trust-host-header")
	defer stop()
	token := controlToken(t, stderr.String())
	send := func(method, url, auth, body string, into any, hdr ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			if hdr[i] == "Host" {
				req.Host = hdr[i+1]
			} else {
				req.Header.Set(hdr[i], hdr[i+1])
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if into != nil {
			if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
				t.Fatalf("%s %s: %d: %v", method, url, resp.StatusCode, err)
			}
		}
		return resp
	}
	resp, err := http.PostForm(base+"/oauth/token", url.Values{
		"grant_type": {"password"}, "username": {"admin"}, "password": {"Pass-1234"}, "client_id": {"dracoon_legacy_scripting"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	var room struct{ ID int64 }
	send("POST", base+"/_emulator/rooms", token, `{"name":"flags"}`, &room)
	var ch struct{ UploadURL, Token string }
	body := `{"parentId":` + strconv.FormatInt(room.ID, 10) + `,"name":"f.bin"}`
	send("POST", base+"/api/v4/nodes/files/uploads", tok.AccessToken, body, &ch, "Host", "files.example:9999")
	if want := "http://files.example:9999/api/v4/uploads/" + ch.Token; ch.UploadURL != want {
		t.Fatalf("uploadUrl %q, want %q", ch.UploadURL, want)
	}
	upload := base + "/api/v4/uploads/" + ch.Token
	send("POST", upload, "", "stored on disk", nil, "Content-Type", "application/octet-stream")
	var node struct{ ID int64 }
	send("PUT", upload, "", "{}", &node)
	entries, err := os.ReadDir(filepath.Join(dir, "blobs"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("blobs in the data dir: %v %v", entries, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "blobs", entries[0].Name())); string(b) != "stored on disk" {
		t.Fatalf("blob holds %q", b)
	}
	var dl struct{ DownloadURL string }
	send("POST", base+"/api/v4/nodes/files/"+strconv.FormatInt(node.ID, 10)+"/downloads", tok.AccessToken, "", &dl)
	got := send("GET", base+"/api/v4/downloads/"+dl.DownloadURL[strings.LastIndex(dl.DownloadURL, "/")+1:], "", "", nil)
	if got.StatusCode != 200 || got.ContentLength != int64(len("stored on disk")) {
		t.Fatalf("download: %d, %d bytes", got.StatusCode, got.ContentLength)
	}
}
