package emuserve

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

func TestFaultFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--fault-rate", "1.5"},
		{"--fault-rate", "-0.1"},
		{"--fault-rate", "0.1", "--fault-kinds", "5xx,nonsense"},
		{"--fault-rates", "5xx"},
		{"--fault-rates", "5xx=lots"},
		{"--fault-rates", "teapot=0.1"},
		{"--fault-rates", "5xx=0.7,reset=0.7"},
		{"--fault-rates", "5xx=0.1", "--fault-path", "("},
	} {
		err := Run(t.Context(), "emu", append([]string{"--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, io.Discard, io.Discard)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// TestFaultFlags starts the server with random faults on one path and
// checks that they are served and counted, and that other paths are not
// touched.
func TestFaultFlags(t *testing.T) {
	const token = "fault-flags-control-token"
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr := &testutil.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, "emu", []string{"--addr", "127.0.0.1:0", "--fault-seed", "9", "--fault-rate", "1", "--fault-kinds", "429",
			"--fault-retry-after", "3s", "--fault-path", `^/api/v4/public/time$`},
			func(k string) string {
				if k == EnvControlToken {
					return token
				}
				return ""
			}, pw, stderr)
		pw.Close()
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base := strings.TrimPrefix(strings.TrimSpace(line), "listening on ")
	get := func(path string, hdr ...string) (int, string, http.Header) {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", base+path, nil)
		for _, h := range hdr {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	for range 3 {
		if st, _, h := get("/api/v4/public/time"); st != 429 || h.Get("Retry-After") != "3" {
			t.Fatalf("faulted path: %d Retry-After %q", st, h.Get("Retry-After"))
		}
	}
	if st, _, _ := get("/api/v4/public/software/version"); st != 200 {
		t.Fatalf("path outside --fault-path: %d", st)
	}
	st, body, _ := get("/_emulator/faults/injected", "Authorization: Bearer "+token)
	if st != 200 || !strings.Contains(body, `"total":3`) || !strings.Contains(body, `"429":3`) {
		t.Fatalf("counters: %d %s", st, body)
	}
	if !strings.Contains(stderr.String(), "random faults on (seed 9): 429=1") {
		t.Errorf("stderr does not announce the faults: %s", stderr.String())
	}
}
