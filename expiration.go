package dracoon

import "time"

// Expiration switches the expiry of a user, group, file or share on or
// off (the document's ObjectExpiration).
type Expiration struct {
	// Enabled turns expiry on; ExpireAt is then required.
	Enabled  bool      `json:"enableExpiration"`
	ExpireAt time.Time `json:"expireAt,omitzero"`
}

// ExpireAt returns an expiration at t.
func ExpireAt(t time.Time) *Expiration {
	return &Expiration{Enabled: true, ExpireAt: t}
}

// checkExpiration refuses an enabled expiry without a date or with a date
// in the past (error -80006), and a date with expiry disabled (-80028).
func checkExpiration(field string, e *Expiration) error {
	switch {
	case e == nil:
		return nil
	case e.Enabled && e.ExpireAt.IsZero():
		return invalid(field+".expireAt", "required when expiration is enabled")
	case e.Enabled && !e.ExpireAt.After(time.Now()):
		return invalid(field+".expireAt", "must lie in the future")
	case !e.Enabled && !e.ExpireAt.IsZero():
		return invalid(field+".expireAt", "must be empty when expiration is disabled")
	}
	return nil
}
