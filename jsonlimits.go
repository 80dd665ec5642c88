package dracoon

import "fmt"

// Limits on the shape of a JSON response, checked before it is decoded.
// The cap on the bytes read alone does not bound what decoding builds: a
// few bytes such as "{}," become a whole struct each, so a 6 MiB page of
// empty items would cost gigabytes. DRACOON pages hold at most MaxPageSize
// items and its documents nest a few levels deep; these limits leave wide
// room above that. A response beyond them gives a *ResponseError
// (ErrInvalidResponse).
const (
	// maxJSONDepth bounds how deeply arrays and objects nest.
	maxJSONDepth = 64
	// maxJSONArrayItems bounds the items of any one array: 20 full pages.
	maxJSONArrayItems = 20 * MaxPageSize
	// maxJSONValues bounds the array items and object members of a whole
	// document.
	maxJSONValues = 500_000
)

// jsonLimits are limits on the shape of a JSON document.
type jsonLimits struct{ depth, arrayItems, values int }

// responseLimits apply to every JSON response.
var responseLimits = jsonLimits{depth: maxJSONDepth, arrayItems: maxJSONArrayItems, values: maxJSONValues}

// jsonFrame is an array or object being scanned.
type jsonFrame struct {
	array     bool
	items     int
	wantValue bool // in an array, before its first item or after a comma
}

// check reports whether data stays within the limits. It only counts;
// data need not be valid JSON, which json.Unmarshal checks afterwards
// before it builds anything.
func (l jsonLimits) check(data []byte) error {
	stack := make([]jsonFrame, 0, 8)
	values := 0
	inString, escaped := false, false
	for _, b := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		}
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' {
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].wantValue && b != ']' {
			top := &stack[n-1]
			top.wantValue = false
			top.items++
			values++
			if top.items > l.arrayItems {
				return fmt.Errorf("a JSON list holds more than %d items", l.arrayItems)
			}
		}
		switch b {
		case '"':
			inString = true
		case '[', '{':
			if len(stack) == l.depth {
				return fmt.Errorf("JSON nests deeper than %d levels", l.depth)
			}
			stack = append(stack, jsonFrame{array: b == '[', wantValue: b == '['})
		case ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if n := len(stack); n > 0 && stack[n-1].array {
				stack[n-1].wantValue = true
			}
		case ':':
			values++
		}
		if values > l.values {
			return fmt.Errorf("JSON holds more than %d values", l.values)
		}
	}
	return nil
}
