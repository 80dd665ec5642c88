package dracoon

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// ErrInvalidRequest is matched (with errors.Is) by every error a request
// type's Validate method returns. Methods that take such a request call
// Validate first and send nothing when it fails; the error is an
// *InvalidRequestError that names the offending field.
var ErrInvalidRequest = errors.New("invalid request")

// InvalidRequestError says which field of a request the server would
// refuse, and why. It matches ErrInvalidRequest.
type InvalidRequestError struct {
	// Field is the JSON name of the field (for example "name" or
	// "items[2].permissions"), or a parameter name.
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error names the field and the reason.
func (e *InvalidRequestError) Error() string {
	return fmt.Sprintf("dracoon: invalid request: %s: %s", e.Field, e.Reason)
}

// Is matches ErrInvalidRequest.
func (e *InvalidRequestError) Is(target error) bool { return target == ErrInvalidRequest }

// invalid returns an *InvalidRequestError.
func invalid(field, format string, args ...any) error {
	return &InvalidRequestError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// validator is a request type that checks itself.
type validator interface{ Validate() error }

// validate checks a request that must be present.
func validate[T any, P interface {
	*T
	validator
}](req P) error {
	if req == nil {
		return invalid("request", "must not be nil")
	}
	return req.Validate()
}

// checkID requires a positive id.
func checkID(field string, id int64) error {
	if id <= 0 {
		return invalid(field, "must be a positive id, got %d", id)
	}
	return nil
}

// checkIDs requires a non-empty list of positive ids.
func checkIDs(field string, ids []int64) error {
	if len(ids) == 0 {
		return invalid(field, "must not be empty")
	}
	for i, id := range ids {
		if err := checkID(fmt.Sprintf("%s[%d]", field, i), id); err != nil {
			return err
		}
	}
	return nil
}

// checkNotBlank refuses an empty or all-space value.
func checkNotBlank(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return invalid(field, "must not be empty")
	}
	return nil
}

// checkEmail refuses anything but a bare address (local@domain, without
// display name or angle brackets).
func checkEmail(field, value string) error {
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Name != "" || addr.Address != value {
		return invalid(field, "must be an e-mail address such as name@example.com")
	}
	return nil
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
