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
	prog  *progress
	body  io.ReadCloser
	fails int
}

// newRangeReader returns a reader of bytes [start, end) of u.
func (c *Client) newRangeReader(ctx context.Context, u *url.URL, start, end int64, prog *progress) *rangeReader {
	return &rangeReader{ctx: ctx, c: c, u: u, start: start, pos: start, end: end, prog: prog}
}

func (r *rangeReader) Read(b []byte) (int, error) {
	for {
		if r.pos >= r.end {
			r.Close()
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
	switch {
	case resp.StatusCode == http.StatusPartialContent && rangeStart(resp.Header.Get("Content-Range")) == r.pos:
	case resp.StatusCode == http.StatusOK && r.pos == 0:
		// The whole file; the reader stops at end.
	default:
		resp.Body.Close()
		return &ResponseError{Method: http.MethodGet, URL: shownURL(r.u), StatusCode: resp.StatusCode, Err: fmt.Errorf("answer does not start at byte %d", r.pos)}
	}
	r.body = resp.Body
	return nil
}

// rangeStart returns the first byte position of a Content-Range header,
// or -1.
func rangeStart(cr string) int64 {
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return -1
	}
	first, _, ok := strings.Cut(rest, "-")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// Close releases the open response, if any.
func (r *rangeReader) Close() error {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	return nil
}
