package emulator

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// Fault makes the next Count requests that match Method and Path misbehave.
// Exactly one behaviour applies per request: answer Status (429 with a
// Retry-After header, or a 5xx), or Drop the connection without an answer;
// Delay waits first and may stand alone (the request is then served
// normally after the delay).
type Fault struct {
	// Method matches the request method; empty matches every method.
	Method string `json:"method,omitempty"`
	// Path is a regular expression matched against the URL path (not the
	// query); empty matches every path.
	Path string `json:"path,omitempty"`
	// Count is how many matching requests the fault affects (at least 1).
	Count int `json:"count"`
	// Status is the HTTP status to answer with: 429, 500, 502, 503 or 504.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent as Retry-After (whole seconds, rounded up; default
	// 1 s) on 429 answers.
	RetryAfter time.Duration `json:"-"`
	// Drop closes the connection without writing a response (a
	// "connection reset" for the client).
	Drop bool `json:"drop,omitempty"`
	// Delay is waited before the fault's behaviour (or before normal
	// handling when neither Status nor Drop is set). A cancelled request
	// stops waiting.
	Delay time.Duration `json:"-"`
}

// FaultStatus reports an injected fault and how many matching requests it
// will still affect.
type FaultStatus struct {
	ID        int64 `json:"id"`
	Fault     Fault `json:"fault"`
	Remaining int   `json:"remaining"`
}

type activeFault struct {
	id        int64
	spec      Fault
	path      *regexp.Regexp
	remaining int
}

// faultSet holds the injected faults in registration order. A request
// consumes at most one fault: the oldest matching one with requests left.
type faultSet struct {
	mu     sync.Mutex
	seq    int64
	faults []*activeFault
}

var faultStatuses = map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true}

func (f Fault) validate() (*regexp.Regexp, error) {
	if f.Count < 1 {
		return nil, errors.New("fault count must be at least 1")
	}
	if f.Status != 0 && !faultStatuses[f.Status] {
		return nil, fmt.Errorf("fault status %d is not one of 429, 500, 502, 503, 504", f.Status)
	}
	if f.Status != 0 && f.Drop {
		return nil, errors.New("a fault either answers a status or drops the connection, not both")
	}
	if f.Status == 0 && !f.Drop && f.Delay <= 0 {
		return nil, errors.New("a fault needs a status, drop or a positive delay")
	}
	if f.Delay < 0 || f.RetryAfter < 0 {
		return nil, errors.New("fault durations must not be negative")
	}
	re, err := regexp.Compile(f.Path)
	if err != nil {
		return nil, fmt.Errorf("fault path: %w", err)
	}
	return re, nil
}

// InjectFault registers f and returns its id.
func (e *Emulator) InjectFault(f Fault) (int64, error) {
	re, err := f.validate()
	if err != nil {
		return 0, fmt.Errorf("emulator: %w", err)
	}
	s := e.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.faults = append(s.faults, &activeFault{id: s.seq, spec: f, path: re, remaining: f.Count})
	return s.seq, nil
}

// Faults lists the registered faults that still have requests left.
func (e *Emulator) Faults() []FaultStatus {
	s := e.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FaultStatus, 0, len(s.faults))
	for _, f := range s.faults {
		out = append(out, FaultStatus{ID: f.id, Fault: f.spec, Remaining: f.remaining})
	}
	return out
}

// ClearFaults removes every injected fault.
func (e *Emulator) ClearFaults() { e.faults.clear() }

func (s *faultSet) clear() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// take consumes one use of the first fault matching r.
func (s *faultSet) take(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.spec.Method != "" && f.spec.Method != r.Method {
			continue
		}
		if !f.path.MatchString(r.URL.Path) {
			continue
		}
		f.remaining--
		if f.remaining == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return f.spec, true
	}
	return Fault{}, false
}

// applyFault runs the fault matching r, if any; it reports whether the
// request has been fully handled.
func (e *Emulator) applyFault(w http.ResponseWriter, r *http.Request) bool {
	f, ok := e.faults.take(r)
	if !ok {
		return false
	}
	e.log.Info("injected fault", "method", r.Method, "path", r.URL.Path, "status", f.Status, "drop", f.Drop, "delay", f.Delay)
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case f.Drop:
		dropConnection(w)
		return true
	case f.Status == http.StatusTooManyRequests:
		ra := f.RetryAfter
		if ra <= 0 {
			ra = time.Second
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(ra.Seconds()))))
		writeError(w, newAPIError(f.Status, 0, "Too many requests (injected fault)"))
		return true
	case f.Status != 0:
		writeError(w, newAPIError(f.Status, 0, "Injected fault"))
		return true
	}
	return false
}

// dropConnection closes the client connection without an answer. With a
// hijackable connection it resets it (SO_LINGER 0); otherwise it aborts the
// handler, which makes net/http close the connection.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
