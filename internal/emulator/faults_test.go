package emulator_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

func TestFaultsCountedExactlyUnderConcurrency(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	if err := srv.InjectFault(dracoontest.Fault{Method: "GET", Path: `^/api/v4/user/ping$`, Count: 5, Status: 429, RetryAfter: 1500 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	const n = 40
	var limited, ok atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v4/user/ping", nil)
			req.Header.Set("Authorization", "Bearer "+tk.Access)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case 429:
				if resp.Header.Get("Retry-After") != "2" {
					t.Errorf("Retry-After %q, want 2 (1.5 s rounded up)", resp.Header.Get("Retry-After"))
				}
				if len(body) == 0 {
					t.Error("429 without a body")
				}
				limited.Add(1)
			case 200:
				ok.Add(1)
			default:
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if limited.Load() != 5 || ok.Load() != n-5 {
		t.Fatalf("%d limited, %d ok; want exactly 5 limited", limited.Load(), ok.Load())
	}
	if srv.PendingFaults() != 0 {
		t.Fatalf("%d faults left", srv.PendingFaults())
	}
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	// Method and path must both match; the oldest matching fault wins.
	for _, f := range []dracoontest.Fault{
		{Method: "PUT", Path: `/user/account$`, Count: 1, Status: 500},
		{Path: `/public/`, Count: 1, Status: 502},
		{Path: `/public/`, Count: 1, Status: 504},
	} {
		if err := srv.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	if r := api(t, srv, tk.Access, "GET", "/user/account", ""); r.status != 200 {
		t.Fatalf("GET hit a PUT fault: %d", r.status)
	}
	wantError(t, call(t, srv, "GET", "/api/v4/public/time", nil), 502, 0)
	wantError(t, call(t, srv, "GET", "/api/v4/public/software/version", nil), 504, 0)
	wantError(t, api(t, srv, tk.Access, "PUT", "/user/account", `{"firstName":"X"}`), 500, 0)
	if r := call(t, srv, "GET", "/api/v4/public/time", nil); r.status != 200 {
		t.Fatalf("faults not used up: %d", r.status)
	}
	for _, bad := range []dracoontest.Fault{
		{Count: 0, Status: 500},
		{Count: 1, Status: 404},
		{Count: 1},
		{Count: 1, Status: 500, Drop: true},
		{Count: 1, Path: "(", Status: 500},
	} {
		if err := srv.InjectFault(bad); err == nil {
			t.Errorf("invalid fault %+v accepted", bad)
		}
	}
}

func TestFaultDropConnection(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if err := srv.InjectFault(dracoontest.Fault{Path: `^/api/v4/public/time$`, Count: 1, Drop: true}); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	_, err := c.Get(srv.URL + "/api/v4/public/time")
	if err == nil {
		t.Fatal("request on a dropped connection succeeded")
	}
	var netErr net.Error
	if !errors.As(err, &netErr) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Logf("dropped connection error: %v", err)
	}
	resp, err := c.Get(srv.URL + "/api/v4/public/time")
	if err != nil {
		t.Fatalf("next request: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("next request: %d", resp.StatusCode)
	}
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if err := srv.InjectFault(dracoontest.Fault{Path: `^/api/v4/public/time$`, Count: 1, Delay: 300 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	// A client that gives up earlier than the delay times out…
	c := &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := c.Get(srv.URL + "/api/v4/public/time"); err == nil {
		t.Fatal("delayed request finished before the client timeout")
	}
	// …and the fault is used up, so the next request is served at once.
	if r := call(t, srv, "GET", "/api/v4/public/time", nil); r.status != 200 {
		t.Fatalf("after delay: %d", r.status)
	}
	// Delay with a status: waits, then answers the status.
	if err := srv.InjectFault(dracoontest.Fault{Path: `^/api/v4/public/time$`, Count: 1, Delay: 10 * time.Millisecond, Status: 503}); err != nil {
		t.Fatal(err)
	}
	wantError(t, call(t, srv, "GET", "/api/v4/public/time", nil), 503, 0)
}
