package dracoon

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// authLog records, in one order, the server-side token expiries and the
// token requests reaching the emulator.
type authLog struct {
	mu      sync.Mutex
	events  []string // "expire" or "token"
	got401  atomic.Int32
	started atomic.Bool
}

// middleware logs each POST /oauth/token on arrival and counts 401 answers
// once the load has started.
func (l *authLog) middleware() dracoontest.Option {
	return dracoontest.WithMiddleware(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/oauth/token" {
				l.mu.Lock()
				l.events = append(l.events, "token")
				l.mu.Unlock()
			}
			h.ServeHTTP(&statusRecorder{ResponseWriter: w, log: l}, r)
		})
	})
}

// expire expires every access token and logs it, as one step relative to
// the logged token requests.
func (l *authLog) expire(srv *dracoontest.Server) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, "expire")
	srv.ExpireAccessTokens()
}

// statusRecorder counts 401 answers.
type statusRecorder struct {
	http.ResponseWriter
	log *authLog
}

func (s *statusRecorder) WriteHeader(code int) {
	if code == http.StatusUnauthorized && s.log.started.Load() {
		s.log.got401.Add(1)
	}
	s.ResponseWriter.WriteHeader(code)
}

// TestEmulatorConcurrentTokenExpiry: 100 goroutines share one client while
// the server expires the access token every half second (for three
// seconds; "every few seconds", compressed). No call fails (so no
// 401 reaches a caller), the server did answer 401s, and no two token
// refreshes happen without an expiry between them (nothing refreshes twice).
func TestEmulatorConcurrentTokenExpiry(t *testing.T) {
	var log authLog
	srv := newEmulator(t, dracoontest.WithAccessTokenLifetime(time.Hour), log.middleware())
	ctx := context.Background()
	c := emulatorClient(t, srv, WithMaxConcurrentRequests(16))
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	log.started.Store(true)

	stop := make(chan struct{})
	var ticker sync.WaitGroup
	ticker.Go(func() {
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				log.expire(srv)
			}
		}
	})
	time.AfterFunc(3*time.Second, func() { close(stop) })

	var wg sync.WaitGroup
	var calls, unauthorized atomic.Int32
	for range 100 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := c.Account.Get(ctx)
				calls.Add(1)
				if err != nil {
					if errors.Is(err, ErrUnauthorized) {
						unauthorized.Add(1)
					}
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	ticker.Wait()

	if n := unauthorized.Load(); n > 0 {
		t.Errorf("%d calls returned 401 to the caller", n)
	}
	if log.got401.Load() == 0 {
		t.Fatal("the server never answered 401: the test exercised no expiry")
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	refreshes, expiries := 0, 0
	for i, ev := range log.events[1:] { // events[0] is the login
		if ev == "expire" {
			expiries++
			continue
		}
		refreshes++
		if prev := log.events[i]; prev == "token" {
			t.Errorf("token request %d followed another with no expiry between them", i+1)
		}
	}
	if refreshes == 0 || refreshes > expiries {
		t.Errorf("%d refreshes for %d expiries", refreshes, expiries)
	}
	t.Logf("%d calls, %d server 401s, %d expiries, %d refreshes", calls.Load(), log.got401.Load(), expiries, refreshes)
}
