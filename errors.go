package dracoon

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. An *APIError matches the sentinel of its HTTP status with
// errors.Is, so callers can write errors.Is(err, dracoon.ErrNotFound)
// without caring about the DRACOON error code.
var (
	ErrBadRequest          = errors.New("bad request")           // 400
	ErrUnauthorized        = errors.New("unauthorized")          // 401
	ErrPaymentRequired     = errors.New("payment required")      // 402
	ErrForbidden           = errors.New("forbidden")             // 403
	ErrNotFound            = errors.New("not found")             // 404
	ErrConflict            = errors.New("conflict")              // 409
	ErrPreconditionFailed  = errors.New("precondition failed")   // 412
	ErrTooManyRequests     = errors.New("too many requests")     // 429
	ErrInternalServerError = errors.New("internal server error") // 500
	ErrBadGateway          = errors.New("bad gateway")           // 502
	ErrServiceUnavailable  = errors.New("service unavailable")   // 503
	ErrGatewayTimeout      = errors.New("gateway timeout")       // 504
	ErrInsufficientStorage = errors.New("insufficient storage")  // 507

	// ErrNotConnected is returned by calls that need a login before Connect
	// succeeded or after Logout.
	ErrNotConnected = errors.New("not connected")

	// ErrInvalidResponse is matched by *ResponseError: the server answered
	// with a success status but a body the client cannot use (malformed
	// JSON, an HTML page, an empty body, a wrong content type), or one
	// beyond the client's limits: more than 16 MiB, a list of more than
	// 10,000 items (20 full pages), nesting deeper than 64 levels, or more
	// than 500,000 values in all. The limits are checked before decoding,
	// so a hostile body cannot make decoding build more than a few times
	// its own size.
	ErrInvalidResponse = errors.New("invalid response")

	// ErrRedirect is matched by the *RequestError of a request the server
	// answered with a redirect. The client never follows redirects (the
	// DRACOON API does not send them, and following one could carry the
	// bearer token or a login form to another scheme, port or host); the
	// error names the status and the target host, never the target's path
	// or query.
	ErrRedirect = errors.New("redirect refused")
)

// statusSentinels maps HTTP status codes to their sentinel errors.
var statusSentinels = map[int]error{
	http.StatusBadRequest:          ErrBadRequest,
	http.StatusUnauthorized:        ErrUnauthorized,
	http.StatusPaymentRequired:     ErrPaymentRequired,
	http.StatusForbidden:           ErrForbidden,
	http.StatusNotFound:            ErrNotFound,
	http.StatusConflict:            ErrConflict,
	http.StatusPreconditionFailed:  ErrPreconditionFailed,
	http.StatusTooManyRequests:     ErrTooManyRequests,
	http.StatusInternalServerError: ErrInternalServerError,
	http.StatusBadGateway:          ErrBadGateway,
	http.StatusServiceUnavailable:  ErrServiceUnavailable,
	http.StatusGatewayTimeout:      ErrGatewayTimeout,
	http.StatusInsufficientStorage: ErrInsufficientStorage,
}

// APIError is an error response from DRACOON. DRACOON API errors carry
// Code, Message, DebugInfo and ErrorCode; errors of the OAuth endpoints
// carry OAuthError and OAuthDescription instead. When the body was neither
// (for example an HTML page from a proxy), Body holds its beginning.
type APIError struct {
	// Method and URL identify the request. URL has no query string and no
	// secret path segments.
	Method string
	URL    string
	// StatusCode is the HTTP status of the response.
	StatusCode int

	// Code is the "code" field of a DRACOON error (normally the HTTP status).
	Code int
	// Message is the "message" field, normally the HTTP reason phrase.
	Message string
	// DebugInfo is the server's explanation ("debugInfo").
	DebugInfo string
	// ErrorCode is DRACOON's negative error code ("errorCode"), or 0 when
	// the response had none.
	ErrorCode int
	// ConflictNodes lists the clashing nodes of a copy, move or restore
	// refused with 409 ("errorInfos.conflictNodes"); nil otherwise.
	ConflictNodes []ConflictNode

	// OAuthError and OAuthDescription are the "error" and
	// "error_description" fields of an OAuth error response.
	OAuthError       string
	OAuthDescription string

	// RetryAfter is the wait the server asked for in a Retry-After header,
	// or 0. Huge values are clamped to the longest time.Duration.
	RetryAfter time.Duration

	// Body is the beginning of a response body that was not a DRACOON or
	// OAuth error document, with known secrets removed.
	Body string
}

// Error describes the failed request and what the server said.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dracoon: %s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	switch {
	case e.OAuthError != "":
		b.WriteString(": ")
		b.WriteString(e.OAuthError)
		if e.OAuthDescription != "" {
			b.WriteString(": ")
			b.WriteString(e.OAuthDescription)
		}
	case e.DebugInfo != "" || e.Message != "" || e.ErrorCode != 0:
		msg := e.DebugInfo
		if msg == "" {
			msg = e.Message
		}
		if msg != "" {
			b.WriteString(": ")
			b.WriteString(msg)
		}
		if e.ErrorCode != 0 {
			b.WriteString(" (errorCode ")
			b.WriteString(strconv.Itoa(e.ErrorCode))
			b.WriteString(")")
		}
	case e.Body != "":
		fmt.Fprintf(&b, ": unexpected body %q", e.Body)
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's HTTP status. OAuth
// errors that mean failed authentication (invalid_grant for a wrong
// password or a bad code or refresh token, invalid_client,
// unauthorized_client, unauthorized) also match ErrUnauthorized, whatever
// status the server chose for them.
func (e *APIError) Is(target error) bool {
	if s, ok := statusSentinels[e.StatusCode]; ok && s == target {
		return true
	}
	if target == ErrUnauthorized {
		switch e.OAuthError {
		case "invalid_grant", "invalid_client", "unauthorized_client", "unauthorized":
			return true
		}
	}
	return false
}

// RequestError is a request that got no HTTP response: the host could not
// be reached, the connection broke, or the context ended.
type RequestError struct {
	// Method and URL identify the request (no query, no secrets).
	Method string
	URL    string
	// Err is the cause; errors.Is(err, context.DeadlineExceeded) and
	// friends work through it.
	Err error
}

// Error names the request and the cause. A server certificate that could
// not be verified adds a hint naming the option that trusts it.
func (e *RequestError) Error() string {
	msg := fmt.Sprintf("dracoon: %s %s: %v", e.Method, e.URL, e.Err)
	if untrustedCertificate(e.Err) {
		msg += " (" + certificateHint + ")"
	}
	return msg
}

// certificateHint tells what to do about a server certificate the system
// roots do not trust. Verification stays on: there is no option to skip it.
const certificateHint = "the server's TLS certificate could not be verified; " +
	"to trust a private CA, pass an *http.Client whose transport's TLSClientConfig.RootCAs holds it with dracoon.WithHTTPClient"

// untrustedCertificate reports whether err is a failed verification of the
// server's certificate chain or host name.
func untrustedCertificate(err error) bool {
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.HostnameError](err); ok {
		return true
	}
	_, ok := errors.AsType[x509.CertificateInvalidError](err)
	return ok
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// ResponseError is a response with a success status whose body could not be
// used: malformed JSON, an HTML page, an empty body, a wrong content type
// or a body beyond the limits described at ErrInvalidResponse. It matches
// ErrInvalidResponse.
type ResponseError struct {
	// Method and URL identify the request (no query, no secrets).
	Method string
	URL    string
	// StatusCode and ContentType describe the response.
	StatusCode  int
	ContentType string
	// Body is the beginning of the body, with known secrets removed. It is
	// empty when the body was, and for token replies, which are never
	// quoted because they hold new tokens.
	Body string
	// Err says what was wrong.
	Err error
}

// Error names the request, what was wrong and what came back.
func (e *ResponseError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	msg := fmt.Sprintf("dracoon: %s %s: %d response (%s) not usable: %v", e.Method, e.URL, e.StatusCode, ct, e.Err)
	if e.Body != "" {
		msg += fmt.Sprintf("; body %q", e.Body)
	}
	return msg
}

// Unwrap returns the cause.
func (e *ResponseError) Unwrap() error { return e.Err }

// Is matches ErrInvalidResponse.
func (e *ResponseError) Is(target error) bool { return target == ErrInvalidResponse }
