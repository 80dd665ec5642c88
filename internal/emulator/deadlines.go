package emulator

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// Timeouts bound how long a connection may stall. None of them limits the
// length of a transfer: a multi-GiB upload or download may take as long as
// it needs as long as bytes keep moving.
type Timeouts struct {
	// ReadHeader bounds reading a request's header (default 10 s).
	ReadHeader time.Duration
	// Idle bounds how long a keep-alive connection may wait for its next
	// request (default 2 min).
	Idle time.Duration
	// Progress bounds each single read of a request body and each single
	// write of a response: a peer that sends 5 of 100 announced body bytes
	// and goes quiet, or stops reading a response, is cut off after this
	// long (default 1 min). The deadline moves forward with every read or
	// write that makes progress.
	Progress time.Duration
}

// Default timeouts of ConfigureServer.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultProgressTimeout   = time.Minute
)

func (t Timeouts) withDefaults() Timeouts {
	if t.ReadHeader <= 0 {
		t.ReadHeader = DefaultReadHeaderTimeout
	}
	if t.Idle <= 0 {
		t.Idle = DefaultIdleTimeout
	}
	if t.Progress <= 0 {
		t.Progress = DefaultProgressTimeout
	}
	return t
}

// ConfigureServer sets srv's header and idle timeouts and wraps its
// Handler so that every body read and response write gets a fresh
// deadline of t.Progress (zero fields take the defaults). Whole-request
// ReadTimeout and WriteTimeout stay unset: they would cut off long
// transfers. cmd/dracoon-emulator and dracoontest serve the emulator
// through it.
func ConfigureServer(srv *http.Server, t Timeouts) {
	t = t.withDefaults()
	srv.ReadHeaderTimeout = t.ReadHeader
	srv.IdleTimeout = t.Idle
	srv.Handler = ProgressDeadlines(srv.Handler, t.Progress)
}

// ProgressDeadlines wraps h so that a request body read or a response
// write that makes no progress for d fails and the connection is closed.
// The deadlines are set through http.ResponseController before each read
// or write, so they only ever bound one stalled operation.
func ProgressDeadlines(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		// A deadline for the first write, and for the next request's writes
		// on a kept-alive connection.
		_ = rc.SetWriteDeadline(time.Now().Add(d))
		var body *progressReader
		if r.Body != nil && r.Body != http.NoBody {
			body = &progressReader{rc: rc, r: r.Body, d: d}
			r.Body = body
		}
		h.ServeHTTP(&progressWriter{ResponseWriter: w, rc: rc, d: d}, r)
		// net/http writes buffered output (or a header-only answer) after
		// the handler: give that a fresh deadline too, however long the
		// handler took.
		_ = rc.SetWriteDeadline(time.Now().Add(d))
		if body != nil && !body.done {
			// net/http drains an unread body after the handler; a stalled
			// peer must not hold the connection there either.
			_ = rc.SetReadDeadline(time.Now().Add(d))
		}
	})
}

// progressReader extends the connection's read deadline before each read
// of the request body and clears it once the body is finished (net/http
// then watches the idle connection with its own background read, which a
// deadline must not cut short while the handler still works).
type progressReader struct {
	rc   *http.ResponseController
	r    io.ReadCloser
	d    time.Duration
	done bool
}

func (p *progressReader) Read(b []byte) (int, error) {
	if p.done {
		return p.r.Read(b)
	}
	_ = p.rc.SetReadDeadline(time.Now().Add(p.d))
	n, err := p.r.Read(b)
	if err != nil {
		p.done = true
		if errors.Is(err, io.EOF) {
			_ = p.rc.SetReadDeadline(time.Time{})
		}
	}
	return n, err
}

func (p *progressReader) Close() error { return p.r.Close() }

// progressWriter extends the connection's write deadline before each
// write of the response.
type progressWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
	d  time.Duration
}

func (p *progressWriter) Write(b []byte) (int, error) {
	_ = p.rc.SetWriteDeadline(time.Now().Add(p.d))
	return p.ResponseWriter.Write(b)
}

// Flush passes flushes on, under a fresh deadline.
func (p *progressWriter) Flush() {
	_ = p.rc.SetWriteDeadline(time.Now().Add(p.d))
	_ = p.rc.Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer
// (Hijack for dropped-connection faults).
func (p *progressWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }
