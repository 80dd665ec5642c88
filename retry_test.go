package dracoon

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// flaky answers the first failures with fail, then 200 with system info.
func flaky(failures int32, fail func(w http.ResponseWriter)) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= failures {
			fail(w)
			return
		}
		writeJSON(w, 200, map[string]any{"languageDefault": "de-DE", "useS3Storage": true})
	}, &n
}

func status(code int, retryAfter string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeJSON(w, code, map[string]any{"code": code, "message": http.StatusText(code)})
	}
}

// resetConn closes the connection without answering.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// recordSleeps replaces the client's sleep and records the waits.
func recordSleeps(c *Client) *[]time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return &waits
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	h, n := flaky(2, status(429, "3"))
	mux := http.NewServeMux()
	mux.Handle("/api/v4/public/system/info", h)
	c := newTestClient(t, mux)
	waits := recordSleeps(c)
	info, err := c.Public.SystemInfo(context.Background())
	if err != nil || info.LanguageDefault != "de-DE" {
		t.Fatalf("got %v, %v", info, err)
	}
	if n.Load() != 3 {
		t.Errorf("%d attempts, want 3", n.Load())
	}
	if len(*waits) != 2 || (*waits)[0] != 3*time.Second || (*waits)[1] != 3*time.Second {
		t.Errorf("waits %v, want [3s 3s] from Retry-After", *waits)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if d := parseRetryAfter(now.Add(7*time.Second).Format(http.TimeFormat), now); d != 7*time.Second {
		t.Errorf("HTTP date: %v", d)
	}
	for _, v := range []string{"", "-3", "soon", now.Add(-time.Hour).Format(http.TimeFormat)} {
		if d := parseRetryAfter(v, now); d != 0 {
			t.Errorf("%q: %v, want 0", v, d)
		}
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	h, n := flaky(100, status(429, "1"))
	mux := http.NewServeMux()
	mux.Handle("/api/v4/public/system/info", h)
	c := newTestClient(t, mux)
	recordSleeps(c)
	_, err := c.Public.SystemInfo(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || !errors.Is(err, ErrTooManyRequests) || ae.RetryAfter != time.Second {
		t.Fatalf("got %v", err)
	}
	if n.Load() != int32(fastRetries.MaxAttempts) {
		t.Errorf("%d attempts, want %d", n.Load(), fastRetries.MaxAttempts)
	}
}

func TestRetryAfterBeyondLimitReturnsAtOnce(t *testing.T) {
	h, n := flaky(100, status(429, "3600"))
	mux := http.NewServeMux()
	mux.Handle("/api/v4/public/system/info", h)
	c := newTestClient(t, mux)
	waits := recordSleeps(c)
	_, err := c.Public.SystemInfo(context.Background())
	if !errors.Is(err, ErrTooManyRequests) || n.Load() != 1 || len(*waits) != 0 {
		t.Fatalf("err %v after %d attempts and waits %v", err, n.Load(), *waits)
	}
}

func TestRetryWhoGetsRetried(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		fail     func(http.ResponseWriter)
		attempts int32
		ok       bool
	}{
		{"GET after 503", http.MethodGet, status(503, ""), 3, true},
		{"GET after 502", http.MethodGet, status(502, ""), 3, true},
		{"GET after 504", http.MethodGet, status(504, ""), 3, true},
		{"GET after reset", http.MethodGet, resetConn, 3, true},
		{"POST after 503 (not processed)", http.MethodPost, status(503, ""), 3, true},
		{"POST after 429 (not processed)", http.MethodPost, status(429, "0"), 3, true},
		{"POST after 502 (may have been processed)", http.MethodPost, status(502, ""), 1, false},
		{"POST after reset (may have been processed)", http.MethodPost, resetConn, 1, false},
		{"GET after 500", http.MethodGet, status(500, ""), 1, false},
		{"GET after 404", http.MethodGet, status(404, ""), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, n := flaky(2, tt.fail)
			mux := http.NewServeMux()
			mux.Handle("/api/v4/x", h)
			c := newTestClient(t, mux)
			var out map[string]any
			err := c.do(context.Background(), &apiCall{method: tt.method, path: "/api/v4/x", public: true, jsonBody: map[string]int{"a": 1}}, &out)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok = %t", err, tt.ok)
			}
			if n.Load() != tt.attempts {
				t.Errorf("%d attempts, want %d", n.Load(), tt.attempts)
			}
		})
	}
}

func TestRetryBackoffIsCappedAndJittered(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	distinct := map[time.Duration]bool{}
	for next := 2; next <= 10; next++ {
		ceiling := min(p.BaseDelay<<(next-2), p.MaxDelay)
		for range 50 {
			d := p.backoff(next)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, outside [0, %v]", next, d, ceiling)
			}
			distinct[d] = true
		}
	}
	if len(distinct) < 100 {
		t.Errorf("only %d distinct waits in 450 draws: no jitter?", len(distinct))
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	h, n := flaky(100, status(503, ""))
	mux := http.NewServeMux()
	mux.Handle("/api/v4/public/system/info", h)
	c := newTestClient(t, mux, WithRetryPolicy(RetryPolicy{MaxAttempts: 100, BaseDelay: time.Hour, MaxDelay: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for n.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := c.Public.SystemInfo(ctx)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrServiceUnavailable) {
		t.Fatalf("got %v, want the 503 and context.Canceled", err)
	}
	if n.Load() != 1 {
		t.Errorf("%d attempts after cancel", n.Load())
	}
}

func TestRetryNotStartedWhenWaitOutlastsDeadline(t *testing.T) {
	h, n := flaky(100, status(429, "30"))
	mux := http.NewServeMux()
	mux.Handle("/api/v4/public/system/info", h)
	c := newTestClient(t, mux)
	waits := recordSleeps(c)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Public.SystemInfo(ctx)
	if !errors.Is(err, ErrTooManyRequests) || len(*waits) != 0 || n.Load() != 1 {
		t.Fatalf("err %v, waits %v, attempts %d", err, *waits, n.Load())
	}
}

func TestMaxConcurrentRequests(t *testing.T) {
	const limit = 4
	var inFlight, peak atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v4/public/system/info", func(w http.ResponseWriter, r *http.Request) {
		cur := inFlight.Add(1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		time.Sleep(200 * time.Microsecond)
		inFlight.Add(-1)
		writeJSON(w, 200, map[string]any{"languageDefault": "en"})
	})
	c := newTestClient(t, mux, WithMaxConcurrentRequests(limit))
	var wg sync.WaitGroup
	var failures atomic.Int32
	for range 1000 {
		wg.Go(func() {
			if _, err := c.Public.SystemInfo(context.Background()); err != nil {
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	if failures.Load() != 0 {
		t.Errorf("%d calls failed", failures.Load())
	}
	if p := peak.Load(); p > limit {
		t.Errorf("peak of %d requests in flight, limit %d", p, limit)
	}
	if p := peak.Load(); p < 2 {
		t.Errorf("peak of %d requests in flight: calls were serialised", p)
	}
}

func TestWaitingForSlotStopsWithContext(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v4/public/system/info", func(w http.ResponseWriter, r *http.Request) {
		<-release
		writeJSON(w, 200, map[string]any{})
	})
	c := newTestClient(t, mux, WithMaxConcurrentRequests(1))
	defer close(release)
	go c.Public.SystemInfo(context.Background()) //nolint:errcheck // occupies the only slot
	for len(c.slots) == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Public.SystemInfo(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}
