package dracoon

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	// maxResponseBody bounds how much of a response the client reads,
	// unless the call sets its own bound (apiCall.maxBody). A full page of
	// 500 nodes is about 1 MiB.
	maxResponseBody = 16 << 20
	// maxBodySnippet bounds how much of an unexpected body an error quotes.
	maxBodySnippet = 256
	// maxServerText bounds each text field of an error document that an
	// *APIError keeps (message, debugInfo, OAuth error and description).
	maxServerText = 1024
)

// apiCall describes one request to DRACOON.
type apiCall struct {
	method string
	path   string // below the base URL, starting with "/"
	query  url.Values
	// jsonBody is sent as JSON when non-nil; form as
	// application/x-www-form-urlencoded when non-nil.
	jsonBody any
	form     url.Values
	// public calls carry no bearer token; oauth calls carry the client
	// credentials instead and expect OAuth-shaped errors.
	public bool
	oauth  bool
	// idempotent marks a call that may be repeated after an ambiguous
	// failure even though its method is POST.
	idempotent bool
	// accept overrides the Accept header (default application/json).
	accept string
	// secrets lists strings (such as a password) that must be removed from
	// anything this call puts into an error or a log record.
	secrets []string
	// secretReply marks a call whose successful response carries secrets
	// the client does not know yet (new tokens): errors never quote it.
	secretReply bool
	// maxBody overrides maxResponseBody for calls whose answers may be
	// larger; 0 means the default.
	maxBody int64
	// header holds extra request headers (such as X-Sds-Service-Token).
	header http.Header
	// rawBody is sent as is, with rawType as its content type, when
	// rawType is set (multipart uploads).
	rawBody []byte
	rawType string
	// sink, when set, receives the body of a successful response as it
	// arrives, unbounded, instead of memory (streamed downloads). Once a
	// byte has reached it the call is not repeated.
	sink io.Writer
}

// shown returns s, the call's path or URL, as errors and log records show
// it: without the call's own secrets (such as a share's access key).
func (call *apiCall) shown(s string) string {
	if len(call.secrets) == 0 {
		return s
	}
	return redactSecrets(s, call.secrets, len(s))
}

// rawResponse is a response read completely.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// repeatable reports whether the call may be sent again after an ambiguous
// failure.
func (call *apiCall) repeatable() bool {
	switch call.method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return call.idempotent
}

// encodeBody returns the request body and its content type.
func (call *apiCall) encodeBody() ([]byte, string, error) {
	switch {
	case call.rawType != "":
		return call.rawBody, call.rawType, nil
	case call.form != nil:
		return []byte(call.form.Encode()), "application/x-www-form-urlencoded", nil
	case call.jsonBody != nil:
		b, err := json.Marshal(call.jsonBody)
		if err != nil {
			return nil, "", fmt.Errorf("dracoon: %s %s: encode request: %w", call.method, call.shown(call.path), err)
		}
		return b, "application/json", nil
	}
	return nil, "", nil
}

// do sends call, retrying as the policy allows, and decodes a successful
// response into out: JSON into a pointer, text into a *string, nothing when
// out is nil.
func (c *Client) do(ctx context.Context, call *apiCall, out any) error {
	body, contentType, err := call.encodeBody()
	if err != nil {
		return err
	}
	target := call.shown(c.endpoint(call.path))
	unauthorizedRetries := 0
	for attempt := 1; ; attempt++ {
		var token string
		if !call.public && !call.oauth {
			if token, err = c.accessToken(ctx); err != nil {
				return err
			}
		}
		resp, err := c.roundTrip(ctx, call, body, contentType, token, attempt)
		if re, ok := errors.AsType[*ResponseError](err); ok {
			return re
		}
		if err != nil {
			rerr := &RequestError{Method: call.method, URL: target, Err: err}
			if ctx.Err() != nil {
				if !errors.Is(err, ctx.Err()) {
					rerr.Err = fmt.Errorf("%w; then %w", err, ctx.Err())
				}
				return rerr
			}
			refused := errors.Is(err, syscall.ECONNREFUSED)
			if attempt < c.retry.MaxAttempts && retryableTransportError(err) && (refused || call.repeatable()) {
				if werr := c.waitBeforeRetry(ctx, call, attempt, c.retry.backoff(attempt+1), err.Error()); werr != nil {
					rerr.Err = fmt.Errorf("%w; then %w", err, werr)
					return rerr
				}
				continue
			}
			return rerr
		}
		if resp.status == http.StatusUnauthorized && token != "" && unauthorizedRetries < maxUnauthorizedRetries && c.canRefresh() {
			// The token may have been revoked or expired early: refresh
			// (or take the token another goroutine refreshed meanwhile),
			// then try again. More than one round is allowed because the
			// server may expire the new token too while this call waits.
			unauthorizedRetries++
			if rerr := c.refreshAfterUnauthorized(ctx, token); rerr == nil {
				continue
			}
		}
		if resp.status < 200 || resp.status > 299 {
			apiErr := c.apiError(call, target, resp)
			retry, notProcessed := retryableStatus(resp.status)
			if !retry || attempt >= c.retry.MaxAttempts || !(notProcessed || call.repeatable()) {
				return apiErr
			}
			wait := c.retry.backoff(attempt + 1)
			if apiErr.RetryAfter > 0 {
				if apiErr.RetryAfter > c.retry.MaxRetryAfter {
					return apiErr
				}
				wait = apiErr.RetryAfter
			}
			if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
				return apiErr // the wait would outlast the caller's deadline
			}
			if werr := c.waitBeforeRetry(ctx, call, attempt, wait, http.StatusText(resp.status)); werr != nil {
				return &RequestError{Method: call.method, URL: target, Err: fmt.Errorf("%w; then %w", apiErr, werr)}
			}
			continue
		}
		return c.decode(call, target, resp, out)
	}
}

// waitBeforeRetry logs the retry and sleeps.
func (c *Client) waitBeforeRetry(ctx context.Context, call *apiCall, attempt int, wait time.Duration, reason string) error {
	c.logger.LogAttrs(ctx, slog.LevelInfo, "dracoon: retrying request",
		slog.String("method", call.method), slog.String("path", call.shown(call.path)),
		slog.Int("attempt", attempt), slog.Duration("wait", wait),
		slog.String("reason", c.redact(reason, call.secrets)))
	return c.sleep(ctx, wait)
}

// roundTrip sends one attempt and reads the whole response while holding
// one of the client's request slots.
func (c *Client) roundTrip(ctx context.Context, call *apiCall, body []byte, contentType, token string, attempt int) (*rawResponse, error) {
	if err := c.acquireSlot(ctx); err != nil {
		return nil, err
	}
	defer c.releaseSlot()

	u := c.endpoint(call.path)
	if len(call.query) > 0 {
		u += "?" + call.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, call.method, u, bytes.NewReader(body))
	if err != nil {
		return nil, errWithoutURL(err)
	}
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = nil, nil, 0
	} else {
		req.Header.Set("Content-Type", contentType)
	}
	accept := call.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	for k, v := range call.header {
		req.Header[k] = v
	}
	switch {
	case call.oauth:
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.clientID+":"+c.clientSecret)))
	case token != "":
		req.Header.Set("Authorization", "Bearer "+token)
	}

	start := time.Now()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		err = errWithoutURL(err)
		c.logger.LogAttrs(ctx, slog.LevelDebug, "dracoon: request failed",
			slog.String("method", call.method), slog.String("path", call.shown(call.path)), slog.Int("attempt", attempt),
			slog.Duration("duration", time.Since(start)), slog.String("error", c.redact(err.Error(), call.secrets)))
		return nil, err
	}
	defer resp.Body.Close()
	if call.sink != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		n, err := io.Copy(call.sink, resp.Body)
		c.logger.LogAttrs(ctx, slog.LevelDebug, "dracoon: request",
			slog.String("method", call.method), slog.String("path", call.shown(call.path)), slog.Int("attempt", attempt),
			slog.Int("status", resp.StatusCode), slog.Int64("bytes", n), slog.Duration("duration", time.Since(start)))
		if err != nil {
			if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w; then %w", errWithoutURL(err), ctx.Err())
			}
			return nil, &ResponseError{Method: call.method, URL: call.shown(c.endpoint(call.path)), StatusCode: resp.StatusCode,
				ContentType: resp.Header.Get("Content-Type"), Err: fmt.Errorf("after %d bytes: %w", n, errWithoutURL(err))}
		}
		return &rawResponse{status: resp.StatusCode, header: resp.Header}, nil
	}
	limit := call.maxBody
	if limit <= 0 {
		limit = maxResponseBody
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %d response: %w", resp.StatusCode, err)
	}
	if int64(len(data)) > limit {
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			return nil, &ResponseError{Method: call.method, URL: call.shown(c.endpoint(call.path)), StatusCode: resp.StatusCode,
				ContentType: resp.Header.Get("Content-Type"), Err: fmt.Errorf("body larger than %d bytes", limit)}
		}
		data = data[:limit] // an error response: its beginning is enough
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "dracoon: request",
		slog.String("method", call.method), slog.String("path", call.shown(call.path)), slog.Int("attempt", attempt),
		slog.Int("status", resp.StatusCode), slog.Int("bytes", len(data)), slog.Duration("duration", time.Since(start)))
	return &rawResponse{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// acquireSlot waits for a free request slot or the end of ctx.
func (c *Client) acquireSlot(ctx context.Context) error {
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) releaseSlot() { <-c.slots }

// errorBody is the union of DRACOON's and OAuth's error documents.
type errorBody struct {
	Code             *int   `json:"code"`
	Message          string `json:"message"`
	DebugInfo        string `json:"debugInfo"`
	ErrorCode        *int   `json:"errorCode"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorInfos       struct {
		ConflictNodes []ConflictNode `json:"conflictNodes"`
	} `json:"errorInfos"`
}

// apiError turns an error response into an *APIError.
func (c *Client) apiError(call *apiCall, target string, resp *rawResponse) *APIError {
	e := &APIError{
		Method:     call.method,
		URL:        target,
		StatusCode: resp.status,
		RetryAfter: parseRetryAfter(resp.header.Get("Retry-After"), time.Now()),
	}
	var eb errorBody
	if isJSON(resp.header.Get("Content-Type")) && responseLimits.check(resp.body) == nil && json.Unmarshal(resp.body, &eb) == nil &&
		(eb.Code != nil || eb.Error != "" || eb.Message != "" || eb.ErrorCode != nil) {
		if eb.Code != nil {
			e.Code = *eb.Code
		}
		if eb.ErrorCode != nil {
			e.ErrorCode = *eb.ErrorCode
		}
		e.Message = c.serverText(eb.Message, call.secrets)
		e.DebugInfo = c.serverText(eb.DebugInfo, call.secrets)
		e.OAuthError = c.serverText(eb.Error, call.secrets)
		e.OAuthDescription = c.serverText(eb.ErrorDescription, call.secrets)
		e.ConflictNodes = eb.ErrorInfos.ConflictNodes
		return e
	}
	e.Body = c.snippet(resp.body, call.secrets)
	return e
}

// decode reads a successful response into out.
func (c *Client) decode(call *apiCall, target string, resp *rawResponse, out any) error {
	if out == nil {
		return nil
	}
	ct := resp.header.Get("Content-Type")
	fail := func(err error) error {
		re := &ResponseError{Method: call.method, URL: target, StatusCode: resp.status, ContentType: ct, Err: err}
		if !call.secretReply {
			re.Body = c.snippet(resp.body, call.secrets)
		}
		return re
	}
	if s, ok := out.(*string); ok {
		*s = string(resp.body)
		return nil
	}
	switch {
	case len(bytes.TrimSpace(resp.body)) == 0:
		return fail(errors.New("empty body, expected JSON"))
	case !isJSON(ct):
		return fail(errors.New("expected a JSON content type"))
	}
	if err := responseLimits.check(resp.body); err != nil {
		return fail(err)
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fail(fmt.Errorf("malformed JSON: %w", err))
	}
	return nil
}

// isJSON reports whether a Content-Type header names JSON.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// serverText makes a text field of an error document safe to keep and
// show: without secrets, without control characters (which could drive the
// terminal an error is printed on) and cut to maxServerText characters.
// Redaction comes first, so the cut cannot expose part of a secret.
func (c *Client) serverText(s string, secrets []string) string {
	s = withoutControls(c.redact(s, secrets))
	if i := runeOffset(s, maxServerText); i < len(s) {
		s = s[:i] + "…"
	}
	return s
}

// withoutControls replaces control characters (C0, DEL and C1) and
// invalid UTF-8 with U+FFFD.
func withoutControls(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}

// snippet returns the beginning of body as text, without secrets. It
// looks only at a window of the body large enough for maxBodySnippet
// characters plus any secret that starts among them, so a large body costs
// no more than a small one.
func (c *Client) snippet(body []byte, extra []string) string {
	secrets := c.secrets(extra)
	longest := 0
	for _, s := range secrets {
		longest = max(longest, len(s)*maxFormExpansion)
	}
	window := min(len(body), utf8.UTFMax*maxBodySnippet+longest)
	s := string(body[:window])
	limit := len(s)
	truncated := window < len(body)
	if truncated {
		// Matches starting in the last longest bytes may be cut off by
		// the window: drop that stretch.
		limit = max(0, limit-longest)
		for limit > 0 && limit < len(s) && !utf8.RuneStart(s[limit]) {
			limit--
		}
	}
	s = withoutControls(redactSecrets(s, secrets, limit))
	if i := runeOffset(s, maxBodySnippet); i < len(s) {
		s, truncated = s[:i], true
	}
	if truncated {
		s += "…"
	}
	return s
}

// runeOffset returns the byte offset of the n-th rune of s, or len(s).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// doJSON sends ac and decodes the JSON answer into a new T.
func doJSON[T any](ctx context.Context, c *Client, ac *apiCall) (*T, error) {
	var v T
	if err := c.do(ctx, ac, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
