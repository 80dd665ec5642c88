package dracoon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RetryPolicy says how often and how long the client retries a request that
// failed for a reason that may pass: 429 Too Many Requests (honouring
// Retry-After), 502, 503 and 504, and broken or refused connections.
//
// A request is only sent again when that is safe: 429 and 503 mean the
// server did not process it, so any request with a re-readable body is
// retried; after a 502, a 504 or a broken connection only idempotent
// requests (GET, HEAD, PUT, DELETE and calls the client knows to be
// repeatable) are. Waits between attempts grow exponentially with full
// jitter, are capped by MaxDelay, and end at once when the context ends.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts including the first;
	// 1 disables retries.
	MaxAttempts int
	// BaseDelay is the upper bound of the first jittered wait.
	BaseDelay time.Duration
	// MaxDelay caps every computed wait.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// server asking for more gets its error returned at once.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy is used unless WithRetryPolicy says otherwise.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   5,
	BaseDelay:     500 * time.Millisecond,
	MaxDelay:      30 * time.Second,
	MaxRetryAfter: 2 * time.Minute,
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1:
		return fmt.Errorf("retry policy: MaxAttempts must be at least 1, got %d", p.MaxAttempts)
	case p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0:
		return errors.New("retry policy: negative duration")
	}
	return nil
}

// backoff returns the jittered wait before attempt number next (2 for the
// first retry).
func (p RetryPolicy) backoff(next int) time.Duration {
	ceiling := p.BaseDelay
	for i := 2; i < next && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	if ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// retryableStatus reports whether status may pass on its own, and whether
// it guarantees that the server did not act on the request.
func retryableStatus(status int) (retry, notProcessed bool) {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true, true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return true, false
	}
	return false, false
}

// retryableTransportError reports whether a failed round trip is worth
// another try: broken, reset or refused connections and timeouts of the
// network itself (not of the caller's context).
func retryableTransportError(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// maxDuration is the longest time.Duration, about 292 years.
const maxDuration = time.Duration(math.MaxInt64)

// seconds converts a count of seconds from the server, clamping it to
// [0, maxDuration] so that a huge value cannot wrap around.
func seconds(n int64) time.Duration {
	switch {
	case n <= 0:
		return 0
	case n > int64(maxDuration/time.Second):
		return maxDuration
	}
	return time.Duration(n) * time.Second
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP
// date. It returns 0 when the header is absent, malformed or in the past,
// and clamps huge values to maxDuration instead of letting them wrap
// around to a negative wait. Such a wait exceeds every
// RetryPolicy.MaxRetryAfter, so the client gives up at once.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return seconds(secs)
	} else if errors.Is(err, strconv.ErrRange) {
		return seconds(secs) // ParseInt saturated at the int64 limit
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 { // Sub saturates instead of wrapping
			return d
		}
	}
	return 0
}

// sleep waits d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
