package emulator

import (
	"encoding/json"
	"errors"
	"math"
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

// maxYear is the last year DRACOON dates (and the emulator's clock) may
// reach: four-digit years only.
const maxYear = 9999

// advance moves the clock forward by d (d >= 0). It refuses an advance
// that would overflow the offset or carry the clock past year 9999.
func (c *clock) advance(d time.Duration) error {
	for {
		old := c.offset.Load()
		if int64(d) > math.MaxInt64-old {
			return errClockOverflow
		}
		next := old + int64(d)
		if c.base().Add(time.Duration(next)).UTC().Year() > maxYear {
			return errClockOverflow
		}
		if c.offset.CompareAndSwap(old, next) {
			return nil
		}
	}
}

// errClockOverflow refuses clock advances past what DRACOON can render.
var errClockOverflow = errors.New("emulator: the clock cannot be advanced that far (offset overflow or past year 9999)")

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

// UnmarshalJSON implements json.Unmarshaler with parseDate, so a request
// field of type apiTime gets the shared date check; its *apiError reaches
// the client through decodeJSON.
func (t *apiTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errInvalidDate
	}
	v, err := parseDate(s)
	if err != nil {
		return err
	}
	*t = apiTime(v)
	return nil
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
// UTC), and a date alone. Dates whose UTC year falls outside 1–9999 are
// refused: DRACOON renders four-digit years only, and a stored date out of
// that range would break every reader.
func parseAPITime(s string) (time.Time, bool) {
	t, err := parseDate(s)
	return t, err == nil
}

// Date errors: an unparsable or too early date, and one past year 9999.
var (
	errInvalidDate = errInvalidParameter.withDebug("Invalid date-time value")
	errYearTooFar  = newAPIError(400, -80008, "The year is too far in the future")
)

// parseDate is the one parser for every date a request carries (body
// fields such as timestampCreation, timestampModification, expireAt, and
// filter values). It returns the time in UTC truncated to milliseconds, or
// DRACOON's 400: -80008 for a year past 9999 after conversion to UTC,
// -92001 for anything else unusable (including years before 1).
func parseDate(s string) (time.Time, *apiError) {
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04",
		"2006-01-02",
	} {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		t = t.UTC()
		switch y := t.Year(); {
		case y > maxYear:
			return time.Time{}, errYearTooFar
		case y < 1:
			return time.Time{}, errInvalidDate
		}
		return t.Truncate(time.Millisecond), nil
	}
	return time.Time{}, errInvalidDate
}

// expirationJSON is ObjectExpiration.
type expirationJSON struct {
	EnableExpiration *bool   `json:"enableExpiration"`
	ExpireAt         *string `json:"expireAt"`
}

// resolve turns an expiration into a time (zero = none); an absent
// enableExpiration means none.
func (x *expirationJSON) resolve(now time.Time) (time.Time, *apiError) {
	if x == nil || x.EnableExpiration == nil || !*x.EnableExpiration {
		return time.Time{}, nil
	}
	if x.ExpireAt == nil || *x.ExpireAt == "" {
		return time.Time{}, errMandatory
	}
	t, err := parseDate(*x.ExpireAt)
	if err != nil {
		return time.Time{}, err
	}
	if !t.After(now) {
		return time.Time{}, errExpirationPast
	}
	return t, nil
}
