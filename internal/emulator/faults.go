package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault injection. Two sources feed one mechanism:
//
//   - targeted faults (Fault, InjectFault): the next Count requests that
//     match a method and a path misbehave in one given way;
//   - a random profile (FaultProfile, SetFaultProfile): every request the
//     profile selects draws, from a random sequence seeded with
//     FaultProfile.Seed, whether and how it misbehaves, at a rate per kind.
//
// A request meets at most one fault: a matching targeted fault first,
// else the profile's draw. The test controls under /_emulator never meet
// faults; OAuth (/oauth/*) only when the profile asks for it
// (IncludeOAuth) or a targeted fault's path names it. Every fault that
// takes effect is counted by kind (InjectedFaults).
//
// Determinism: the profile draws two numbers per selected request, in
// the order requests reach the fault layer, and whether a kind can apply
// to a request depends on the request alone (method, path, body, bearer
// token). The same seed and the same sequence of requests therefore give
// the same faults. With concurrent clients the sequence is the order in
// which their requests arrive, which the scheduler decides: determinism is
// per request order, not per client.

// FaultKind names one way a request can misbehave.
type FaultKind string

// The kinds of faults.
const (
	// FaultServerError answers 500, 502, 503 or 504 with a DRACOON error
	// body (the profile picks one at random).
	FaultServerError FaultKind = "5xx"
	// FaultRateLimit answers 429 with a Retry-After header.
	FaultRateLimit FaultKind = "429"
	// FaultReset resets the connection before the request body is read
	// and before any answer.
	FaultReset FaultKind = "reset"
	// FaultResetRequestBody reads part of the request body (CutAfter
	// bytes, or a random share of it) and then resets the connection; the
	// request is not served. Applies to requests with a body.
	FaultResetRequestBody FaultKind = "reset-request-body"
	// FaultResetResponseBody serves the request, sends the answer's header
	// and part of its body (CutAfter bytes, or a random share), then
	// resets the connection. The request's effects stay.
	FaultResetResponseBody FaultKind = "reset-response-body"
	// FaultTruncate is FaultResetResponseBody with an orderly close
	// instead of a reset: the header promises Content-Length bytes, fewer
	// arrive, then the connection ends.
	FaultTruncate FaultKind = "truncate"
	// FaultLatency delays the request (FaultProfile.Latency at most, or
	// Fault.Delay), then serves it normally.
	FaultLatency FaultKind = "latency"
	// FaultTokenExpiry expires the presented access token server-side just
	// before the request is checked, so it gets 401 and the client must
	// refresh. Applies to requests with a bearer token.
	FaultTokenExpiry FaultKind = "token-expiry"
	// FaultPresignedExpiry expires the presigned part URL a PUT to the
	// object store uses (403 AccessDenied; the client must ask for a new
	// URL). Applies to object-store PUTs.
	FaultPresignedExpiry FaultKind = "presigned-expiry"
	// FaultCorruptBlob flips one stored byte of the file a download serves
	// (TamperFile), before serving it: the corruption stays, as with a
	// broken disk, and the node's hash no longer matches. Applies to file
	// downloads (GET of a download token URL, the deprecated
	// authenticated download and public share downloads).
	FaultCorruptBlob FaultKind = "corrupt-blob"
)

// FaultKinds lists every kind, in a fixed order.
var FaultKinds = []FaultKind{
	FaultServerError, FaultRateLimit, FaultReset, FaultResetRequestBody, FaultResetResponseBody,
	FaultTruncate, FaultLatency, FaultTokenExpiry, FaultPresignedExpiry, FaultCorruptBlob,
}

// ParseFaultKind returns the kind named s.
func ParseFaultKind(s string) (FaultKind, error) {
	k := FaultKind(strings.TrimSpace(s))
	if !slices.Contains(FaultKinds, k) {
		return "", fmt.Errorf("unknown fault kind %q (known: %s)", s, joinKinds(FaultKinds))
	}
	return k, nil
}

func joinKinds(ks []FaultKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Fault makes the next Count requests that match Method and Path misbehave.
// Exactly one behaviour applies per request: Kind, or (the older form)
// answer Status (429 with a Retry-After header, or a 5xx), or Drop the
// connection without an answer; Delay waits first and may stand alone (the
// request is then served normally after the delay).
type Fault struct {
	// Method matches the request method; empty matches every method.
	// "GET" also matches HEAD.
	Method string `json:"method,omitempty"`
	// Path is a regular expression matched against the URL path (not the
	// query); empty matches every path.
	Path string `json:"path,omitempty"`
	// Count is how many matching requests the fault affects (at least 1).
	Count int `json:"count"`
	// Kind selects a behaviour by name (see FaultKind). With
	// FaultServerError, Status picks the code (default 503); with
	// FaultLatency, Delay is the wait.
	Kind FaultKind `json:"kind,omitempty"`
	// Status is the HTTP status to answer with: 429, 500, 502, 503 or 504.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent as Retry-After (whole seconds, rounded up; default
	// 1 s) on 429 answers.
	RetryAfter time.Duration `json:"-"`
	// Drop closes the connection without writing a response (a
	// "connection reset" for the client).
	Drop bool `json:"drop,omitempty"`
	// Delay is waited before the fault's behaviour (or before normal
	// handling when neither Kind, Status nor Drop is set). A cancelled
	// request stops waiting.
	Delay time.Duration `json:"-"`
	// CutAfter is how many body bytes pass before FaultResetRequestBody,
	// FaultResetResponseBody or FaultTruncate cut the connection; -1 (or
	// any negative value) picks a random point inside the body.
	CutAfter int64 `json:"cutAfter,omitempty"`
	// Offset is the byte FaultCorruptBlob flips; -1 picks a random one.
	Offset int64 `json:"offset,omitempty"`
}

// FaultStatus reports an injected fault and how many matching requests it
// will still affect.
type FaultStatus struct {
	ID        int64 `json:"id"`
	Fault     Fault `json:"fault"`
	Remaining int   `json:"remaining"`
}

// FaultProfile injects faults at random, at a rate per kind, from a seeded
// sequence (see the package comment on determinism).
type FaultProfile struct {
	// Seed starts the random sequence.
	Seed uint64 `json:"seed"`
	// Rates is the probability, per request a kind can apply to, that the
	// request gets that kind of fault (0 to 1). The rates of all kinds
	// together must not exceed 1. SpreadFaultRate fills it evenly.
	Rates map[FaultKind]float64 `json:"rates"`
	// Latency is the longest wait a FaultLatency adds (uniform in
	// (0, Latency]); default 100 ms.
	Latency time.Duration `json:"-"`
	// RetryAfter is the Retry-After of FaultRateLimit answers (whole
	// seconds, rounded up; default 1 s).
	RetryAfter time.Duration `json:"-"`
	// Method limits the profile to one request method ("" = all; "GET"
	// also selects HEAD).
	Method string `json:"method,omitempty"`
	// Path limits the profile to URL paths matching this regular
	// expression ("" = all).
	Path string `json:"path,omitempty"`
	// IncludeOAuth lets the profile reach /oauth/* (off by default: the
	// token endpoint is how clients recover from most faults).
	IncludeOAuth bool `json:"includeOAuth,omitempty"`
}

// SpreadFaultRate returns rates that give each of kinds (default: every
// kind) an equal share of total.
func SpreadFaultRate(total float64, kinds ...FaultKind) map[FaultKind]float64 {
	if len(kinds) == 0 {
		kinds = FaultKinds
	}
	out := make(map[FaultKind]float64, len(kinds))
	for _, k := range kinds {
		out[k] += total / float64(len(kinds))
	}
	return out
}

// Default parameters of random faults.
const (
	DefaultFaultLatency    = 100 * time.Millisecond
	DefaultFaultRetryAfter = time.Second
)

// faultStatuses are the statuses a fault may answer with.
var faultStatuses = map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true}

// serverErrorStatuses are the statuses a random FaultServerError picks from.
var serverErrorStatuses = []int{500, 502, 503, 504}

type activeFault struct {
	id        int64
	spec      Fault
	path      *regexp.Regexp
	remaining int
}

// activeProfile is a FaultProfile in use with its random sequence.
type activeProfile struct {
	spec FaultProfile
	path *regexp.Regexp
	rng  *rand.Rand
}

// faultSet holds the targeted faults in registration order, the profile
// and the counters. A request consumes at most one fault: the oldest
// matching targeted fault with requests left, else the profile's draw.
type faultSet struct {
	mu      sync.Mutex
	seq     int64
	faults  []*activeFault
	profile *activeProfile
	counts  map[FaultKind]int64
	// targetRNG gives targeted faults their random cut points and offsets
	// (fixed seed, so they repeat too).
	targetRNG *rand.Rand
}

// faultAction is the behaviour chosen for one request.
type faultAction struct {
	kind       FaultKind
	status     int
	retryAfter time.Duration
	delay      time.Duration
	cut        int64  // bytes before a cut; negative: derived from draw
	offset     int64  // corrupt-blob byte; negative: derived from draw
	draw       uint64 // the random parameter
}

func (f Fault) validate() (*regexp.Regexp, error) {
	if f.Count < 1 {
		return nil, errors.New("fault count must be at least 1")
	}
	if f.Status != 0 && !faultStatuses[f.Status] {
		return nil, fmt.Errorf("fault status %d is not one of 429, 500, 502, 503, 504", f.Status)
	}
	if f.Kind != "" {
		if _, err := ParseFaultKind(string(f.Kind)); err != nil {
			return nil, err
		}
		if f.Drop || (f.Status != 0 && f.Kind != FaultServerError) {
			return nil, errors.New("a fault with a kind takes no drop, and a status only with kind 5xx")
		}
		if f.Kind == FaultServerError && f.Status == 429 {
			return nil, errors.New("kind 5xx cannot answer 429 (use kind 429)")
		}
		if f.Kind == FaultLatency && f.Delay <= 0 {
			return nil, errors.New("a latency fault needs a positive delay")
		}
	}
	if f.Status != 0 && f.Drop {
		return nil, errors.New("a fault either answers a status or drops the connection, not both")
	}
	if f.Kind == "" && f.Status == 0 && !f.Drop && f.Delay <= 0 {
		return nil, errors.New("a fault needs a kind, status, drop or a positive delay")
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

// action turns a targeted fault into its behaviour.
func (f Fault) action(draw uint64) faultAction {
	a := faultAction{kind: f.Kind, status: f.Status, retryAfter: f.RetryAfter, delay: f.Delay, cut: f.CutAfter, offset: f.Offset, draw: draw}
	switch {
	case a.kind != "":
	case f.Drop:
		a.kind = FaultReset
	case f.Status == http.StatusTooManyRequests:
		a.kind = FaultRateLimit
	case f.Status != 0:
		a.kind = FaultServerError
	default:
		a.kind = FaultLatency
	}
	if a.kind == FaultServerError && a.status == 0 {
		a.status = http.StatusServiceUnavailable
	}
	return a
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

// validate checks a profile and compiles its path.
func (p FaultProfile) validate() (*regexp.Regexp, error) {
	sum := 0.0
	for k, r := range p.Rates {
		if _, err := ParseFaultKind(string(k)); err != nil {
			return nil, err
		}
		if !(r >= 0 && r <= 1) {
			return nil, fmt.Errorf("fault rate of %s must lie between 0 and 1", k)
		}
		sum += r
	}
	if sum > 1+1e-9 {
		return nil, fmt.Errorf("fault rates add up to %.4g, more than 1", sum)
	}
	if p.Latency < 0 || p.RetryAfter < 0 {
		return nil, errors.New("fault durations must not be negative")
	}
	re, err := regexp.Compile(p.Path)
	if err != nil {
		return nil, fmt.Errorf("fault profile path: %w", err)
	}
	return re, nil
}

// SetFaultProfile replaces the random fault profile (nil removes it). The
// random sequence starts from the profile's seed.
func (e *Emulator) SetFaultProfile(p *FaultProfile) error {
	var ap *activeProfile
	if p != nil {
		re, err := p.validate()
		if err != nil {
			return fmt.Errorf("emulator: %w", err)
		}
		spec := *p
		spec.Rates = maps.Clone(p.Rates)
		if spec.Latency == 0 {
			spec.Latency = DefaultFaultLatency
		}
		if spec.RetryAfter == 0 {
			spec.RetryAfter = DefaultFaultRetryAfter
		}
		ap = &activeProfile{spec: spec, path: re, rng: newFaultRNG(spec.Seed)}
	}
	s := e.faults
	s.mu.Lock()
	s.profile = ap
	s.mu.Unlock()
	return nil
}

// FaultProfile returns the random fault profile in use, if any.
func (e *Emulator) FaultProfile() (FaultProfile, bool) {
	s := e.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.profile == nil {
		return FaultProfile{}, false
	}
	p := s.profile.spec
	p.Rates = maps.Clone(p.Rates)
	return p, true
}

func newFaultRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
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

// ClearFaults removes every targeted fault (the profile stays).
func (e *Emulator) ClearFaults() {
	s := e.faults
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// InjectedFaults returns how many faults took effect, by kind, since the
// emulator started or was reset.
func (e *Emulator) InjectedFaults() map[FaultKind]int64 {
	s := e.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// reset drops the targeted faults and the counters and restarts the
// profile's random sequence from its seed (Emulator.Reset).
func (s *faultSet) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.counts = nil
	s.targetRNG = nil
	if s.profile != nil {
		s.profile.rng = newFaultRNG(s.profile.spec.Seed)
	}
}

// count records that a fault of kind k took effect.
func (s *faultSet) count(k FaultKind) {
	s.mu.Lock()
	if s.counts == nil {
		s.counts = map[FaultKind]int64{}
	}
	s.counts[k]++
	s.mu.Unlock()
}

// methodMatches reports whether a request method matches a fault's method
// filter; "GET" also matches HEAD.
func methodMatches(filter, method string) bool {
	return filter == "" || filter == method || (filter == http.MethodGet && method == http.MethodHead)
}

// take chooses the fault for r: one use of the first matching targeted
// fault, else the profile's draw.
func (s *faultSet) take(r *http.Request) (faultAction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !methodMatches(f.spec.Method, r.Method) || !f.path.MatchString(r.URL.Path) {
			continue
		}
		f.remaining--
		if f.remaining == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		if s.targetRNG == nil {
			s.targetRNG = newFaultRNG(0)
		}
		return f.spec.action(s.targetRNG.Uint64()), true
	}
	if p := s.profile; p != nil && p.selects(r) {
		return p.draw(r)
	}
	return faultAction{}, false
}

// selects reports whether the profile covers r.
func (p *activeProfile) selects(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/oauth/") && !p.spec.IncludeOAuth {
		return false
	}
	return methodMatches(p.spec.Method, r.Method) && p.path.MatchString(r.URL.Path)
}

// draw picks r's fault: two numbers per request whatever the outcome, so
// that the sequence stays aligned with the requests.
func (p *activeProfile) draw(r *http.Request) (faultAction, bool) {
	u, v := p.rng.Float64(), p.rng.Uint64()
	acc := 0.0
	for _, k := range FaultKinds {
		rate := p.spec.Rates[k]
		if rate <= 0 || !kindApplies(k, r) {
			continue
		}
		acc += rate
		if u >= acc {
			continue
		}
		a := faultAction{kind: k, retryAfter: p.spec.RetryAfter, cut: -1, offset: -1, draw: v}
		switch k {
		case FaultServerError:
			a.status = serverErrorStatuses[v%uint64(len(serverErrorStatuses))]
		case FaultLatency:
			a.delay = time.Duration(v%uint64(p.spec.Latency)) + 1
		}
		return a, true
	}
	return faultAction{}, false
}

// downloadPathRE matches the routes that serve file content.
var downloadPathRE = regexp.MustCompile(`^/api/v4/(downloads/[^/]+|nodes/files/[^/]+/downloads|public/shares/downloads/[^/]+/[^/]+)/?$`)

// kindApplies reports whether a fault of kind k can happen to r; it looks
// at the request only, so that draws stay deterministic.
func kindApplies(k FaultKind, r *http.Request) bool {
	switch k {
	case FaultResetRequestBody:
		return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
	case FaultResetResponseBody, FaultTruncate:
		return r.Method != http.MethodHead
	case FaultTokenExpiry:
		return strings.HasPrefix(r.URL.Path, "/api/") && bearerToken(r) != ""
	case FaultPresignedExpiry:
		return r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/s3/")
	case FaultCorruptBlob:
		return r.Method == http.MethodGet && downloadPathRE.MatchString(r.URL.Path)
	}
	return true
}

// ctxCorrupt carries a corrupt-blob fault to serveFile.
type ctxCorruptKey struct{}

// serveWithFaults runs the fault chosen for r, if any, around next.
func (e *Emulator) serveWithFaults(w http.ResponseWriter, r *http.Request, next http.Handler) {
	a, ok := e.faults.take(r)
	if !ok {
		next.ServeHTTP(w, r)
		return
	}
	e.log.Info("injected fault", "kind", a.kind, "method", r.Method, "path", r.URL.Path, "status", a.status, "delay", a.delay)
	if a.delay > 0 {
		t := time.NewTimer(a.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch a.kind {
	case FaultLatency:
		e.faults.count(a.kind)
		next.ServeHTTP(w, r)
	case FaultRateLimit:
		e.faults.count(a.kind)
		ra := a.retryAfter
		if ra <= 0 {
			ra = DefaultFaultRetryAfter
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(ra.Seconds()))))
		writeFaultStatus(w, r, http.StatusTooManyRequests, "Too many requests (injected fault)")
	case FaultServerError:
		e.faults.count(a.kind)
		writeFaultStatus(w, r, a.status, "Injected fault")
	case FaultReset:
		e.faults.count(a.kind)
		cutConnection(w, true)
	case FaultResetRequestBody:
		e.faults.count(a.kind)
		cut := a.cut
		if cut < 0 {
			size := r.ContentLength
			if size <= 0 {
				size = 64 << 10
			}
			cut = int64(a.draw % uint64(size))
		}
		_, _ = io.CopyN(io.Discard, r.Body, cut)
		cutConnection(w, true)
	case FaultResetResponseBody, FaultTruncate:
		e.faults.count(a.kind)
		cw := &cutWriter{ResponseWriter: w, action: a, head: r.Method == http.MethodHead}
		next.ServeHTTP(cw, r)
		cw.finish()
	case FaultTokenExpiry:
		if e.expireAccessToken(bearerToken(r)) {
			e.faults.count(a.kind)
		}
		next.ServeHTTP(w, r)
	case FaultPresignedExpiry:
		if e.expirePresignedURL(r.URL.Query().Get("X-Amz-Signature")) {
			e.faults.count(a.kind)
		}
		next.ServeHTTP(w, r)
	case FaultCorruptBlob:
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxCorruptKey{}, &a)))
	default:
		next.ServeHTTP(w, r)
	}
}

// writeFaultStatus answers an injected status in the shape of the
// endpoint's errors: OAuth errors under /oauth/, DRACOON errors elsewhere.
func writeFaultStatus(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if !strings.HasPrefix(r.URL.Path, "/oauth/") {
		writeError(w, newAPIError(status, 0, msg))
		return
	}
	code := "server_error"
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		code = "temporarily_unavailable"
	}
	writeOAuthError(w, &oauthError{status: status, code: code, description: msg})
}

// corruptForDownload applies a corrupt-blob fault carried by r to file n
// before it is served: one stored byte flips for good.
func (e *Emulator) corruptForDownload(r *http.Request, n *node) {
	a, ok := r.Context().Value(ctxCorruptKey{}).(*faultAction)
	if !ok {
		return
	}
	e.mu.Lock()
	id, size := n.id, int64(0)
	if n.data != nil {
		size = n.data.size
	}
	e.mu.Unlock()
	if size <= 0 {
		return
	}
	off := a.offset
	if off < 0 || off >= size {
		off = int64(a.draw % uint64(size))
	}
	if e.TamperFile(id, off) == nil {
		e.faults.count(FaultCorruptBlob)
	}
}

// expireAccessToken makes a valid access token expired now.
func (e *Emulator) expireAccessToken(tok string) bool {
	if tok == "" {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.now()
	if at := e.st.access[hashSecret(tok)]; at != nil && at.expiresAt.After(now) {
		at.expiresAt = now
		return true
	}
	return false
}

// expirePresignedURL makes the presigned URL with this signature expired.
func (e *Emulator) expirePresignedURL(sig string) bool {
	if sig == "" {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.now()
	if u := e.xfer.presigned[hashSecret(sig)]; u != nil && u.expiresAt.After(now) {
		u.expiresAt = now
		return true
	}
	return false
}

// errConnectionCut is what a cut response writer returns to the handler.
var errConnectionCut = errors.New("emulator: connection cut by an injected fault")

// cutWriter passes an answer through up to a cut point in its body, then
// ends the connection: with a reset (FaultResetResponseBody) or an
// orderly close (FaultTruncate).
type cutWriter struct {
	http.ResponseWriter
	action  faultAction
	head    bool
	left    int64 // body bytes still to pass
	started bool  // header written
	cut     bool
	reset   bool
}

func (c *cutWriter) WriteHeader(code int) {
	if c.started || c.cut {
		return
	}
	c.started = true
	c.reset = c.action.kind == FaultResetResponseBody
	size := int64(-1)
	if v := c.Header().Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			size = n
		}
	}
	if c.head || size == 0 || code == http.StatusNoContent || code == http.StatusNotModified {
		// Nothing to cut into: the connection ends before the answer.
		c.cut = true
		cutConnection(c.ResponseWriter, c.reset)
		return
	}
	c.left = c.action.cut
	if c.left < 0 {
		if size < 0 {
			size = 64 << 10
		}
		c.left = int64(c.action.draw % uint64(size))
	}
	c.ResponseWriter.WriteHeader(code)
	if c.left == 0 {
		c.cutNow()
	}
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if !c.started {
		c.WriteHeader(http.StatusOK)
	}
	if c.cut {
		return 0, errConnectionCut
	}
	if int64(len(b)) < c.left {
		n, err := c.ResponseWriter.Write(b)
		c.left -= int64(n)
		return n, err
	}
	n, _ := c.ResponseWriter.Write(b[:c.left])
	c.cutNow()
	return n, errConnectionCut
}

// cutNow sends what was written and ends the connection.
func (c *cutWriter) cutNow() {
	c.cut = true
	_ = http.NewResponseController(c.ResponseWriter).Flush()
	cutConnection(c.ResponseWriter, c.reset)
}

// finish ends the connection of a handler that wrote nothing.
func (c *cutWriter) finish() {
	if !c.started {
		c.WriteHeader(http.StatusOK)
	}
	if !c.cut {
		c.cutNow()
	}
}

// cutConnection ends the client connection without (the rest of) an
// answer: with reset, by a TCP reset (SO_LINGER 0), else by an orderly
// close. Without a hijackable connection it aborts the handler, which
// makes net/http close the connection.
func cutConnection(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
