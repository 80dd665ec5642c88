package dracoon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
)

// TransfersService uploads and downloads file content: classic uploads
// through the DRACOON server, direct S3 uploads, ranged downloads, and
// client-side encryption for encrypted rooms.
type TransfersService service

// NodeRef names a node either by id or by path ("/Room/Folder"). Build one
// with NodeID or NodePath.
type NodeRef struct {
	// ID is the node id; used when non-zero.
	ID int64
	// Path is the node's path, resolved with NodesService.Resolve when ID
	// is zero.
	Path string
}

// NodeID refers to a node by id.
func NodeID(id int64) NodeRef { return NodeRef{ID: id} }

// NodePath refers to a node by path, such as "/Room/Folder/file.txt".
func NodePath(path string) NodeRef { return NodeRef{Path: path} }

// resolve returns the node r names (GET /api/v4/nodes/{id}, or the
// requests of NodesService.Resolve for a path).
func (r NodeRef) resolve(ctx context.Context, c *Client) (*Node, error) {
	switch {
	case r.ID != 0:
		return c.Nodes.Get(ctx, r.ID)
	case r.Path != "":
		return c.Nodes.Resolve(ctx, r.Path)
	}
	return nil, invalid("target", "needs a node id or a path")
}

// transferURL checks an absolute URL that DRACOON handed out (an upload,
// download or presigned S3 URL) before anything is sent to it: it must be
// https, unless the client itself talks plain http (a local emulator,
// WithInsecureHTTP) or the host is a loopback one.
func (c *Client) transferURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("dracoon: the server handed out an unusable transfer URL: %w", ErrInvalidResponse)
	}
	if u.Scheme == "http" && c.base.Scheme == "https" && !c.allowInsecure && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("dracoon: the server handed out a plain http transfer URL for %s: %w", u.Host, ErrInvalidResponse)
	}
	return u, nil
}

// shownURL is how errors name a transfer URL: scheme and host only, since
// its path and query carry tokens or signatures.
func shownURL(u *url.URL) string { return u.Scheme + "://" + u.Host + "/…" }

// rawRequest sends one request to a transfer URL with a streamed body of
// size bytes (-1: unknown), without the bearer token. A non-2xx answer is
// read (bounded) and returned as an *APIError; on success the caller owns
// resp.Body.
func (c *Client) rawRequest(ctx context.Context, method string, u *url.URL, body io.Reader, size int64, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, &RequestError{Method: method, URL: shownURL(u), Err: errWithoutURL(err)}
	}
	if body != nil {
		req.ContentLength = size
		if size == 0 {
			req.Body = http.NoBody
		}
		req.GetBody = nil // parts are retried by the transfer code, from their source
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		err = errWithoutURL(err)
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w; then %w", err, ctx.Err())
		}
		return nil, &RequestError{Method: method, URL: shownURL(u), Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxBodySnippet*8))
		call := &apiCall{method: method, path: shownURL(u)}
		return nil, c.apiError(call, shownURL(u), &rawResponse{status: resp.StatusCode, header: resp.Header, body: data})
	}
	return resp, nil
}

// rawJSON sends a JSON body to a transfer URL without the bearer token and
// decodes the answer into out (nil: ignore it).
func (c *Client) rawJSON(ctx context.Context, method string, u *url.URL, in, out any) error {
	call := &apiCall{method: method, path: shownURL(u), jsonBody: in}
	body, ct, err := call.encodeBody()
	if err != nil {
		return err
	}
	h := http.Header{"Accept": {"application/json"}}
	var r io.Reader
	if body != nil {
		h.Set("Content-Type", ct)
		r = bytes.NewReader(body)
	}
	resp, err := c.rawRequest(ctx, method, u, r, int64(len(body)), h)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return &RequestError{Method: method, URL: shownURL(u), Err: err}
	}
	return c.decode(call, shownURL(u), &rawResponse{status: resp.StatusCode, header: resp.Header, body: data}, out)
}

// retryTransfer runs attempt until it succeeds, fails for good or runs
// out of the client's retry policy. attempt gets the attempt number
// (1-based) and re-reads its data from the source itself.
func (c *Client) retryTransfer(ctx context.Context, what string, attempt func(n int) error) error {
	for n := 1; ; n++ {
		err := attempt(n)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || n >= c.retry.MaxAttempts || !transientTransferError(err) {
			return err
		}
		wait := c.retry.backoff(n + 1)
		if ae, ok := errors.AsType[*APIError](err); ok && ae.RetryAfter > 0 {
			if ae.RetryAfter > c.retry.MaxRetryAfter {
				return err
			}
			wait = ae.RetryAfter
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "dracoon: retrying transfer", slog.String("what", what), slog.Int("attempt", n), slog.String("reason", c.redact(err.Error(), nil)))
		if werr := c.sleep(ctx, wait); werr != nil {
			return fmt.Errorf("%w; then %w", err, werr)
		}
	}
}

// transientTransferError reports whether a failed transfer request may
// succeed when repeated: broken connections, 408, 429, 500, 502, 503 and
// 504. Transfer requests are safe to repeat: a part or range sent again
// replaces the earlier one.
func transientTransferError(err error) bool {
	if errors.Is(err, errExpiredURL) {
		return true
	}
	if ae, ok := errors.AsType[*APIError](err); ok {
		switch ae.StatusCode {
		case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
			http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	if _, ok := errors.AsType[*RequestError](err); ok {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errShortTransfer)
}

// errShortTransfer reports a body that ended before its announced length.
var errShortTransfer = errors.New("transfer ended early")

// itoa formats an int64.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
