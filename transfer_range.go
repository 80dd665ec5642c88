package dracoon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// rangeReader reads the bytes [pos, end) of a download URL with ranged
// GETs. When the connection drops it continues from the last byte
// received, giving up after the client's retry policy's attempts in a row
// without progress.
type rangeReader struct {
	ctx   context.Context
	c     *Client
	u     *url.URL
	start int64
	pos   int64
	end   int64
	total int64 // the size of the whole content
	prog  *progress
	body  io.ReadCloser
	// bodyEnds: the open answer promised to end at end, so a byte beyond
	// it is a lie.
	bodyEnds bool
	status   int // of the open answer
	fails    int
}

// newRangeReader returns a reader of bytes [start, end) of u, whose whole
// content has total bytes.
func (c *Client) newRangeReader(ctx context.Context, u *url.URL, start, end, total int64, prog *progress) *rangeReader {
	return &rangeReader{ctx: ctx, c: c, u: u, start: start, pos: start, end: end, total: total, prog: prog}
}

func (r *rangeReader) Read(b []byte) (int, error) {
	for {
		if r.pos >= r.end {
			err := r.checkEnd()
			r.Close()
			if err != nil {
				return 0, err
			}
			return 0, io.EOF
		}
		if r.body == nil {
			if err := r.open(); err != nil {
				if rerr := r.failed(err); rerr != nil {
					return 0, rerr
				}
				continue
			}
		}
		if int64(len(b)) > r.end-r.pos {
			b = b[:r.end-r.pos]
		}
		n, err := r.body.Read(b)
		if n > 0 {
			r.pos += int64(n)
			r.fails = 0
			r.prog.moved(r.start, r.pos-r.start)
		}
		if err == nil || (errors.Is(err, io.EOF) && r.pos >= r.end) {
			if n > 0 || err == nil {
				return n, nil
			}
			continue
		}
		r.body.Close()
		r.body = nil
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("download ended at byte %d of %d: %w", r.pos, r.end, errShortTransfer)
		}
		if rerr := r.failed(&RequestError{Method: http.MethodGet, URL: shownURL(r.u), Err: err}); rerr != nil {
			return n, rerr
		}
		if n > 0 {
			return n, nil
		}
	}
}

// failed decides whether to try again after err; it returns the error to
// give up with, or nil after waiting.
func (r *rangeReader) failed(err error) error {
	r.fails++
	if r.ctx.Err() != nil || r.fails >= r.c.retry.MaxAttempts || !transientTransferError(err) {
		return err
	}
	if werr := r.c.sleep(r.ctx, r.c.retry.backoff(r.fails+1)); werr != nil {
		return fmt.Errorf("%w; then %w", err, werr)
	}
	return nil
}

// open sends a GET for bytes [pos, end) and checks that the answer
// starts at pos.
func (r *rangeReader) open() error {
	h := http.Header{"Range": {fmt.Sprintf("bytes=%d-%d", r.pos, r.end-1)}}
	resp, err := r.c.rawRequest(r.ctx, http.MethodGet, r.u, nil, 0, h)
	if err != nil {
		return err
	}
	r.status = resp.StatusCode
	var lie string
	switch first, last, total, ok := parseContentRange(resp.Header.Get("Content-Range")); {
	case resp.StatusCode == http.StatusPartialContent:
		switch {
		case !ok || first != r.pos:
			lie = fmt.Sprintf("answer does not start at byte %d", r.pos)
		case last >= r.end || (total >= 0 && total != r.total) || (resp.ContentLength >= 0 && resp.ContentLength != last-first+1):
			lie = fmt.Sprintf("answer of %d bytes with range %q does not fit bytes %d-%d of %d", resp.ContentLength, resp.Header.Get("Content-Range"), r.pos, r.end-1, r.total)
		}
		r.bodyEnds = ok && last == r.end-1
	case resp.StatusCode == http.StatusOK && r.pos == 0:
		// The whole file; the reader stops at end.
		if resp.ContentLength >= 0 && resp.ContentLength != r.total {
			lie = fmt.Sprintf("answer has %d bytes, the file %d", resp.ContentLength, r.total)
		}
		r.bodyEnds = r.end == r.total
	default:
		lie = fmt.Sprintf("answer does not start at byte %d", r.pos)
	}
	if lie != "" {
		resp.Body.Close()
		return &ResponseError{Method: http.MethodGet, URL: shownURL(r.u), StatusCode: resp.StatusCode, Err: errors.New(lie)}
	}
	r.body = resp.Body
	return nil
}

// parseContentRange parses a Content-Range header "bytes first-last/total"
// (total -1 for "*").
func parseContentRange(cr string) (first, last, total int64, ok bool) {
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return 0, 0, 0, false
	}
	span, size, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, false
	}
	a, b, ok := strings.Cut(span, "-")
	if !ok {
		return 0, 0, 0, false
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	total = -1
	var err3 error
	if size != "*" {
		total, err3 = strconv.ParseInt(size, 10, 64)
	}
	if err1 != nil || err2 != nil || err3 != nil || first < 0 || last < first || (total >= 0 && last >= total) {
		return 0, 0, 0, false
	}
	return first, last, total, true
}

// checkEnd, once end is reached, refuses an answer that promised to end
// there but has more bytes.
func (r *rangeReader) checkEnd() error {
	if r.body == nil || !r.bodyEnds {
		return nil
	}
	var one [1]byte
	if n, _ := io.ReadFull(r.body, one[:]); n > 0 {
		return &ResponseError{Method: http.MethodGet, URL: shownURL(r.u), StatusCode: r.status,
			Err: fmt.Errorf("answer longer than the %d bytes of the file", r.total)}
	}
	return nil
}

// Close releases the open response, if any.
func (r *rangeReader) Close() error {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	return nil
}
