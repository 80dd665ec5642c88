package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Media types the API produces. DRACOON (Spring) answers JSON with an
// explicit charset.
const (
	mediaJSON      = "application/json"
	mediaText      = "text/plain"
	contentTypeJSN = "application/json;charset=UTF-8"
	contentTypeTxt = "text/plain;charset=UTF-8"
)

// apiError is a DRACOON error answer: HTTP status, optional DRACOON error
// code and the debug text. The JSON body is
// {code, message (reason phrase), debugInfo, errorCode}; errorCode is left
// out when the error catalogue has none for the case (the schema does not
// allow null).
type apiError struct {
	status    int
	errorCode int // 0 = none
	debugInfo string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s (%d)", e.status, e.debugInfo, e.errorCode)
}

// errorBody is the JSON shape of ErrorResponse.
type errorBody struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	DebugInfo string `json:"debugInfo"`
	ErrorCode *int   `json:"errorCode,omitempty"`
}

func newAPIError(status, code int, debug string) *apiError {
	return &apiError{status: status, errorCode: code, debugInfo: debug}
}

// withDebug returns a copy of e with a more specific debug text.
func (e *apiError) withDebug(debug string) *apiError {
	c := *e
	c.debugInfo = debug
	return &c
}

// Errors from the 4.26.7 error catalogue that the handlers use. Texts are
// the catalogue's debugInfo values.
var (
	errWrongToken        = newAPIError(401, -10012, "Wrong token")
	errForbidden         = newAPIError(403, 0, "")
	errUserNotFound      = newAPIError(404, -70501, "User not found")
	errGroupNotFound     = newAPIError(404, -30000, "Group not found")
	errContainerNotFound = newAPIError(404, -40000, "Container not found")
	errNodeNotFound      = newAPIError(404, -41000, "Node not found")
	errNodeNameExists    = newAPIError(409, 0, "Node with specified name already exists")
	errUsernameExists    = newAPIError(409, -70564, "User with provided username already exists")
	errMandatory         = newAPIError(400, -80000, "Mandatory fields cannot be empty")
	errPositiveNumber    = newAPIError(400, -80001, "Invalid positive number")
	errInvalidNumber     = newAPIError(400, -80002, "Invalid number")
	errInvalidBoolean    = newAPIError(400, -80005, "Invalid boolean value")
	errTooLong           = newAPIError(400, -80007, "Maximum allowed length is exceeded")
	errInvalidEmail      = newAPIError(400, -80009, "Invalid email address")
	errInvalidJSON       = newAPIError(400, -80013, "Invalid JSON object")
	errNotBetween        = newAPIError(400, -80018, "Not between 0 and 9999")
	errInvalidRange      = newAPIError(400, -80024, "Invalid range parameters")
	errInvalidAcceptance = newAPIError(400, -80025, "Invalid new group member acceptance value")
	errInvalidParameter  = newAPIError(400, -92001, "Invalid parameter value")
	errLanguageTag       = newAPIError(400, -10013, "Not valid IETF language tag")
	errNeedAdmin         = newAPIError(400, -40006, "At least one non-expiring admin user / group required")
	errRecycleBinOff     = newAPIError(400, -40011, "Recycle bin cannot be disabled")
	errInheritTopLevel   = newAPIError(400, -40017, "Inheritance of permissions cannot be enabled for top level rooms")
	errBadNodeName       = newAPIError(400, -40755, "Bad node name")
	errBadClassification = newAPIError(400, -40756, "Invalid classification code")
)

// writeJSON writes v as a JSON answer with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only programming errors get here (unsupported types).
		http.Error(w, "internal encoding error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentTypeJSN)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes a DRACOON error body for err.
func writeError(w http.ResponseWriter, err *apiError) {
	body := errorBody{
		Code:      err.status,
		Message:   http.StatusText(err.status),
		DebugInfo: err.debugInfo,
	}
	if err.errorCode != 0 {
		c := err.errorCode
		body.ErrorCode = &c
	}
	writeJSON(w, err.status, body)
}

// writeText writes a text/plain answer.
func writeText(w http.ResponseWriter, status int, s string) {
	w.Header().Set("Content-Type", contentTypeTxt)
	w.Header().Set("Content-Length", strconv.Itoa(len(s)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, s)
}

// maxJSONBody bounds request bodies the JSON handlers read.
const maxJSONBody = 1 << 20

// Errors of decodeJSON for bodies that are not well-formed UTF-8 JSON.
var (
	errInvalidChars = newAPIError(400, -80023, "Input contains invalid characters")
)

// unsupportedMediaType is the 415 a Spring server such as DRACOON's gives
// a body that is not declared as JSON.
func unsupportedMediaType(contentType string) *apiError {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return newAPIError(http.StatusUnsupportedMediaType, 0, fmt.Sprintf("Content type '%s' not supported", contentType))
}

// decodeJSON reads a JSON request body into v. It is the one decoder of
// every JSON endpoint, so each check here holds for all of them:
//
//   - a non-empty body must be declared application/json (or
//     application/*+json, charset UTF-8 if one is named): 415 otherwise;
//   - the body must be valid UTF-8 and its string escapes must not encode
//     lone UTF-16 surrogates ("\ud800"), which encoding/json would
//     silently turn into U+FFFD: 400 -80023 otherwise;
//   - a body above maxJSONBody is 400 -80007 (unread when its
//     Content-Length says so);
//   - type mismatches give DRACOON's -80005 (boolean) / -80002 (number),
//     other syntax errors -80013, and an *apiError returned by a field's
//     UnmarshalJSON (such as apiTime's date check) is passed through.
//
// Unknown fields are ignored (clients send deprecated ones); an empty body
// leaves v untouched when allowEmpty is set and is "mandatory fields"
// otherwise.
func decodeJSON(r *http.Request, v any, allowEmpty bool) *apiError {
	if r.ContentLength > maxJSONBody {
		return errTooLong // refused unread
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil {
		return errInvalidJSON.withDebug("Invalid JSON object: body could not be read")
	}
	if len(data) > maxJSONBody {
		return errTooLong
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if allowEmpty {
			return nil
		}
		return errMandatory
	}
	if ct := r.Header.Get("Content-Type"); !isJSONContentType(ct) {
		return unsupportedMediaType(ct)
	}
	if !utf8.Valid(data) || hasLoneSurrogate(data) {
		return errInvalidChars
	}
	if err := json.Unmarshal(data, v); err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return ae
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Type != nil {
			switch typeErr.Type.Kind() {
			case reflect.Bool:
				return errInvalidBoolean
			case reflect.Int, reflect.Int32, reflect.Int64:
				return errInvalidNumber
			}
		}
		return errInvalidJSON
	}
	return nil
}

// hasLoneSurrogate reports whether a JSON text has a \uXXXX escape of a
// UTF-16 surrogate that is not part of a high-low pair. It only looks at
// escapes inside strings; the text need not be valid JSON otherwise.
func hasLoneSurrogate(data []byte) bool {
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			inString = false
		case '\\':
			if i+1 >= len(data) {
				return false
			}
			if data[i+1] != 'u' {
				i++ // skip the escaped character
				continue
			}
			u, ok := hex4(data, i+2)
			if !ok {
				i++
				continue
			}
			i += 5 // now at the last hex digit
			switch {
			case u >= 0xDC00 && u <= 0xDFFF:
				return true // low surrogate without a high one
			case u >= 0xD800 && u <= 0xDBFF:
				if i+2 >= len(data) || data[i+1] != '\\' || data[i+2] != 'u' {
					return true
				}
				low, ok := hex4(data, i+3)
				if !ok || low < 0xDC00 || low > 0xDFFF {
					return true
				}
				i += 6
			}
		}
	}
	return false
}

// hex4 parses the four hex digits at data[at:at+4].
func hex4(data []byte, at int) (rune, bool) {
	if at+4 > len(data) {
		return 0, false
	}
	var u rune
	for _, c := range data[at : at+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		u = u<<4 | rune(d)
	}
	return u, true
}

// acceptable reports whether the request's Accept header admits
// mediaType ("type/subtype"). A missing header accepts everything;
// parameters other than q are ignored and q=0 excludes.
func acceptable(r *http.Request, mediaType string) bool {
	values := r.Header.Values("Accept")
	if len(values) == 0 {
		return true
	}
	typ, sub, _ := strings.Cut(mediaType, "/")
	any := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			any = true
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			if q, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f <= 0 {
					continue
				}
			}
			t, s, _ := strings.Cut(mt, "/")
			if (t == "*" || t == typ) && (s == "*" || s == sub) {
				return true
			}
		}
	}
	return !any
}

// notAcceptable is the 406 error for a request whose Accept header
// excludes mediaType; the text follows the catalogue's template.
func notAcceptable(r *http.Request, mediaType string) *apiError {
	got := strings.Join(r.Header.Values("Accept"), ", ")
	return newAPIError(406, 0, fmt.Sprintf("Content type '%s' not acceptable. Acceptable Content-Types are: [%s]", got, mediaType))
}

// produces wraps h so that requests whose Accept header excludes
// mediaType get 406 before the handler runs.
func produces(mediaType string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !acceptable(r, mediaType) {
			writeError(w, notAcceptable(r, mediaType))
			return
		}
		h(w, r)
	}
}

// queryBool parses an optional boolean query parameter.
func queryBool(r *http.Request, name string) (value, present bool, err *apiError) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return false, false, nil
	}
	switch strings.ToLower(s) {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, true, errInvalidBoolean
}
