package dracoon

import (
	"slices"
	"strings"
)

// AttributeList is one page of custom key/value attributes (of a user or
// of the own profile).
type AttributeList = Page[KeyValueEntry]

// AttributesRequest adds or changes custom attributes: of a user
// (UsersService.UpdateAttributes, SetAttributes) or of the own profile
// (AccountService.SetProfileAttributes).
type AttributesRequest struct {
	Items []KeyValueEntry `json:"items"`
}

// NewAttributesRequest returns a request holding attrs, ordered by key.
func NewAttributesRequest(attrs map[string]string) *AttributesRequest {
	req := &AttributesRequest{Items: make([]KeyValueEntry, 0, len(attrs))}
	for k, v := range attrs {
		req.Items = append(req.Items, KeyValueEntry{Key: k, Value: v})
	}
	slices.SortFunc(req.Items, func(a, b KeyValueEntry) int { return strings.Compare(a.Key, b.Key) })
	return req
}

// Validate refuses what DRACOON refuses: no items, an empty key, and the
// same key twice (error -80015).
func (r *AttributesRequest) Validate() error {
	if len(r.Items) == 0 {
		return invalid("items", "must hold at least one attribute")
	}
	seen := make(map[string]bool, len(r.Items))
	for _, it := range r.Items {
		if err := checkNotBlank("items.key", it.Key); err != nil {
			return err
		}
		if seen[it.Key] {
			return invalid("items.key", "key %q appears twice", it.Key)
		}
		seen[it.Key] = true
	}
	return nil
}

// checkAttributeKey refuses keys that cannot be one path segment ("",
// "/", "." or ".."). Other characters are escaped on the way out.
func checkAttributeKey(key string) error { return checkPathSegment("key", key) }

// checkPathSegment refuses a value that cannot be one path segment (blank,
// containing "/", "." or ".."). Other characters are escaped on the way
// out.
func checkPathSegment(field, value string) error {
	if strings.TrimSpace(value) == "" || strings.Contains(value, "/") || value == "." || value == ".." {
		return invalid(field, "must be non-empty, without '/', and not . or ..")
	}
	return nil
}
