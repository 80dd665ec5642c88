package emulator

import (
	"sync/atomic"
	"time"
)

// clock is the emulator's time source: the configured base clock plus an
// offset the test controls can advance. Times are UTC with millisecond
// precision, the resolution DRACOON renders.
type clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds
}

func (c *clock) now() time.Time {
	t := c.base().Add(time.Duration(c.offset.Load()))
	return t.UTC().Truncate(time.Millisecond)
}

func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

func (c *clock) reset() { c.offset.Store(0) }

// dateLayout is how DRACOON renders dates: UTC, milliseconds, "Z".
const dateLayout = "2006-01-02T15:04:05.000Z"

// apiTime renders as a DRACOON date in JSON.
type apiTime time.Time

// MarshalJSON implements json.Marshaler.
func (t apiTime) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(dateLayout)+2)
	b = append(b, '"')
	b = time.Time(t).UTC().AppendFormat(b, dateLayout)
	return append(b, '"'), nil
}

// timePtr returns an *apiTime for an optional date, nil for the zero time
// so that omitempty drops it.
func timePtr(t time.Time) *apiTime {
	if t.IsZero() {
		return nil
	}
	a := apiTime(t)
	return &a
}

// parseAPITime accepts the date forms clients send: RFC 3339 with or
// without fractional seconds and offset, a local form without zone (read as
// UTC), and a date alone.
func parseAPITime(s string) (time.Time, bool) {
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04",
		"2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
