package dracoon

import (
	"io"
	"sync"
)

// ProgressFunc is told how a transfer advances: done bytes of total have
// been sent to (or received from) the server. It counts bytes on the wire,
// not bytes read from disk; a part sent again after a failure is not
// counted twice. done never decreases, and the last call has done ==
// total. total is known from the first call, except for an upload from an
// io.Reader of unknown length, where it is -1 until the last call.
//
// Calls are serialised (never concurrent) and happen on the transfer's
// goroutines: return quickly.
type ProgressFunc func(done, total int64)

// progress adds up the bytes of a transfer's parts for a ProgressFunc. It
// remembers, per part, the most bytes any attempt has moved, so retries
// do not count again and the value stays monotonic.
type progress struct {
	fn    ProgressFunc
	mu    sync.Mutex
	total int64
	done  int64
	high  map[int64]int64 // part offset → most bytes moved by one attempt
	ended bool
}

// newProgress returns a tracker for a transfer of total bytes (-1:
// unknown); fn may be nil.
func newProgress(fn ProgressFunc, total int64) *progress {
	return &progress{fn: fn, total: total, high: map[int64]int64{}}
}

// moved records that the current attempt at the part starting at offset
// has moved n bytes in all.
func (p *progress) moved(offset, n int64) {
	if p == nil || p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended || n <= p.high[offset] {
		return
	}
	p.done += n - p.high[offset]
	p.high[offset] = n
	if p.total >= 0 && p.done > p.total {
		p.done = p.total
	}
	p.fn(p.done, p.total)
}

// finish reports the end of a successful transfer of total bytes: the
// last call has done == total.
func (p *progress) finish(total int64) {
	if p == nil || p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	p.ended = true
	if p.done == total && p.total == total && (total > 0) {
		return // the last call already said so
	}
	p.done, p.total = total, total
	p.fn(total, total)
}

// countingReader reports every byte the transport reads from r as moved
// bytes of the part at offset.
type countingReader struct {
	r      io.Reader
	p      *progress
	offset int64
	n      int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 {
		c.n += int64(n)
		c.p.moved(c.offset, c.n)
	}
	return n, err
}
