package dracoon

// Helpers shared by the administration areas (settings, webhooks, system
// configuration, event log, reports, branding, provisioning).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// getAt fetches path and decodes the JSON answer into a new T.
func getAt[T any](ctx context.Context, c *Client, path string) (*T, error) {
	return doJSON[T](ctx, c, &apiCall{method: http.MethodGet, path: path})
}

// sendChecked validates req, then sends it as the JSON body of method path
// and decodes the answer into a new T. Nothing is sent when req is nil or
// invalid. secrets (passwords in req) are kept out of errors and logs.
func sendChecked[T any, R any, P interface {
	*R
	validator
}](ctx context.Context, c *Client, method, path string, req P, secrets ...string) (*T, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[T](ctx, c, &apiCall{method: method, path: path, jsonBody: req, secrets: secrets})
}

// deleteAt sends DELETE path and expects no answer body.
func deleteAt(ctx context.Context, c *Client, path string) error {
	return c.do(ctx, &apiCall{method: http.MethodDelete, path: path}, nil)
}

// checkOneOf refuses a value that is not among allowed.
func checkOneOf(field, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return invalid(field, "must be one of %q, got %q", allowed, value)
}

// checkPort refuses a TCP/UDP port outside 1…65535.
func checkPort(field string, port int) error {
	if port < 1 || port > 65535 {
		return invalid(field, "must be a port between 1 and 65535, got %d", port)
	}
	return nil
}

// checkHTTPS refuses a URL that does not start with https:// (webhook
// targets, identity provider endpoints).
func checkHTTPS(field, value string) error {
	if !strings.HasPrefix(value, "https://") || len(value) == len("https://") {
		return invalid(field, "must be an https URL")
	}
	return nil
}

// arrayPage wraps an answer that is a bare JSON array of one page into a
// Page, so the All iterators can page over it: a full page (as many items
// as asked for) says there may be more, a shorter one ends the list.
func arrayPage[T any](items []T, opts *ListOptions) *Page[T] {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	limit := o.Limit
	if limit <= 0 {
		limit = MaxPageSize
	}
	total := o.Offset + int64(len(items))
	if int64(len(items)) >= limit {
		total++ // perhaps more: ask for the next page
	}
	return &Page[T]{Range: Range{Offset: o.Offset, Limit: limit, Total: total}, Items: items}
}

// sender sends one call and decodes its answer into out: Client.do, or a
// wrapper that authenticates differently (ProvisioningService.send).
type sender func(ctx context.Context, call *apiCall, out any) error

// sendFor sends call with send and decodes the JSON answer into a new T.
func sendFor[T any](ctx context.Context, send sender, call *apiCall) (*T, error) {
	var v T
	if err := send(ctx, call, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// fmtIndex names field of the i-th element of list ("items[2].name").
func fmtIndex(list string, i int, field string) string {
	return list + "[" + strconv.Itoa(i) + "]." + field
}

// redactedIfSet hides a secret for formatting, keeping whether it is set.
func redactedIfSet(secret string) string {
	if secret == "" {
		return ""
	}
	return redacted
}

// fmtStruct formats a struct with its field names; callers pass a copy
// whose secrets are already hidden, of a type without a String method.
func fmtStruct(v any) string { return fmt.Sprintf("%+v", v) }

// doOptionalJSON sends call and decodes a JSON answer into a new T, or
// returns nil for an empty answer: for operations the document says answer
// with a body that servers have been seen to leave empty.
func doOptionalJSON[T any](ctx context.Context, c *Client, call *apiCall) (*T, error) {
	var raw string
	if err := c.do(ctx, call, &raw); err != nil {
		return nil, err
	}
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var v T
	err := responseLimits.check([]byte(raw))
	if err == nil {
		err = json.Unmarshal([]byte(raw), &v)
	}
	if err != nil {
		return nil, &ResponseError{Method: call.method, URL: c.endpoint(call.path), Body: c.snippet([]byte(raw), call.secrets),
			Err: fmt.Errorf("malformed JSON: %w", err)}
	}
	return &v, nil
}
