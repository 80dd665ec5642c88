package emulator

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Key/value attributes shared by user attributes (/users/{id}/userAttributes,
// set by user managers) and profile attributes (/user/profileAttributes,
// set by the user): validation, merge/replace and the list table.

// attrSet maps the lower-case key to the entry with the key as last
// written.
type attrSet map[string]keyValueJSON

// Attribute limits from the document ("Maximum key length is 255, maximum
// value length is 4096"; keys "[a-zA-Z0-9_-]").
const (
	maxAttrKey   = 255
	maxAttrValue = 4096
)

var (
	errDuplicateKeys = newAPIError(400, -80015, "Invalid key value list because there are duplicate keys present")
	errAttrNotFound  = newAPIError(404, -70550, "Attribute not found")
)

// validAttrKey reports whether k uses only [a-zA-Z0-9_-].
func validAttrKey(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// attrRequest is UserAttributes / ProfileAttributesRequest.
type attrRequest struct {
	Items []keyValueJSON `json:"items"`
}

// decodeAttributes reads and validates an attribute list body.
func decodeAttributes(r *http.Request) ([]keyValueJSON, *apiError) {
	var req attrRequest
	if err := decodeJSON(r, &req, false); err != nil {
		return nil, err
	}
	if req.Items == nil {
		return nil, errMandatory
	}
	seen := map[string]bool{}
	for _, kv := range req.Items {
		if kv.Key == "" {
			return nil, errMandatory
		}
		if utf8.RuneCountInString(kv.Key) > maxAttrKey || utf8.RuneCountInString(kv.Value) > maxAttrValue {
			return nil, errTooLong
		}
		if !validAttrKey(kv.Key) {
			return nil, errInvalidChars
		}
		lk := strings.ToLower(kv.Key)
		if seen[lk] {
			return nil, errDuplicateKeys
		}
		seen[lk] = true
	}
	return req.Items, nil
}

// merge adds or overwrites entries (PUT).
func (a *attrSet) merge(items []keyValueJSON) {
	if *a == nil {
		*a = attrSet{}
	}
	for _, kv := range items {
		(*a)[strings.ToLower(kv.Key)] = kv
	}
}

// replace drops every entry and sets items (POST).
func (a *attrSet) replace(items []keyValueJSON) {
	*a = attrSet{}
	a.merge(items)
}

// remove deletes key; it reports whether it existed.
func (a attrSet) remove(key string) bool {
	lk := strings.ToLower(key)
	if _, ok := a[lk]; !ok {
		return false
	}
	delete(a, lk)
	return true
}

// sorted returns the entries ordered by key.
func (a attrSet) sorted() []keyValueJSON {
	out := slices.Collect(maps.Values(a))
	slices.SortFunc(out, func(x, y keyValueJSON) int { return compareFold(x.Key, y.Key) })
	if out == nil {
		out = []keyValueJSON{}
	}
	return out
}

// attrListSpec is the filter/sort table of GET /users/{id}/userAttributes
// and GET /user/profileAttributes.
var attrListSpec = &listSpec[keyValueJSON]{
	filters: map[string]filterField[keyValueJSON]{
		"key":   {kind: kindString, ops: []string{"cn", "eq", "sw"}, str: func(kv keyValueJSON) string { return kv.Key }},
		"value": {kind: kindString, ops: []string{"cn", "eq", "sw"}, str: func(kv keyValueJSON) string { return kv.Value }},
	},
	sorts: map[string]func(a, b keyValueJSON) int{
		"key":   func(a, b keyValueJSON) int { return compareFold(a.Key, b.Key) },
		"value": func(a, b keyValueJSON) int { return compareFold(a.Value, b.Value) },
	},
	multiSort:   true,
	defaultSort: []sortKey{{field: "key"}},
}

// attributesResponseJSON is AttributesResponse (and ProfileAttributes).
type attributesResponseJSON struct {
	Range rangeJSON      `json:"range"`
	Items []keyValueJSON `json:"items"`
}

// attributesPage applies the list query to a.
func attributesPage(a attrSet, q listQuery) attributesResponseJSON {
	page, rng := attrListSpec.apply(a.sorted(), q)
	return attributesResponseJSON{Range: rng, Items: page}
}

func containsInt(s []int, v int) bool { return slices.Contains(s, v) }
