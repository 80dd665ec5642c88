package dracoon

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strings"
)

// redacted replaces every secret in errors and log records.
const redacted = "[REDACTED]"

// redact removes the client's secrets and extra from s.
func (c *Client) redact(s string, extra []string) string {
	if s == "" {
		return s
	}
	return redactSecrets(s, c.secrets(extra), len(s))
}

// secrets lists what must never appear in an error or a log record: the
// client's tokens and client secret (also as the base64 credentials a
// proxy echoing the Authorization header of an OAuth call would show),
// and extra.
func (c *Client) secrets(extra []string) []string {
	c.auth.mu.Lock()
	secrets := []string{c.auth.token.AccessToken, c.auth.token.RefreshToken, c.clientSecret}
	c.auth.mu.Unlock()
	if c.clientSecret != "" {
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(c.clientID+":"+c.clientSecret)))
	}
	return append(secrets, extra...)
}

// maxFormExpansion bounds how much longer than a secret any of its
// secretForms is (a JSON \u00XX escape turns one byte into six).
const maxFormExpansion = 6

// redactSecrets returns s[:limit] with every occurrence of each secret,
// and of each form under which a server may echo it (see secretForms),
// replaced by "[REDACTED]"; a match that starts before limit is replaced
// whole, even if it extends beyond. Matching ignores ASCII case, so that
// percent escapes with lower-case hex digits are found too.
func redactSecrets(s string, secrets []string, limit int) string {
	folded := asciiLower(s)
	type span struct{ start, end int }
	var spans []span
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		for _, form := range secretForms(sec) {
			f := asciiLower(form)
			for i := 0; i < limit; {
				j := strings.Index(folded[i:], f)
				if j < 0 || i+j >= limit {
					break
				}
				spans = append(spans, span{i + j, i + j + len(f)})
				i += j + 1
			}
		}
	}
	if len(spans) == 0 {
		return s[:limit]
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	pos := 0
	for i := 0; i < len(spans); {
		start, end := spans[i].start, spans[i].end
		for i++; i < len(spans) && spans[i].start <= end; i++ {
			end = max(end, spans[i].end)
		}
		b.WriteString(s[pos:start])
		b.WriteString(redacted)
		pos = end
	}
	if pos < limit {
		b.WriteString(s[pos:limit])
	}
	return b.String()
}

// secretForms returns s and the encodings under which a server might echo
// it: form encoding (with "+" or "%20" for spaces), path escaping, HTML
// escaping and JSON string escaping (with and without HTML-safe escapes).
func secretForms(s string) []string {
	query := url.QueryEscape(s)
	forms := []string{s, query, strings.ReplaceAll(query, "+", "%20"), url.PathEscape(s), html.EscapeString(s)}
	for _, escapeHTML := range []bool{true, false} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(escapeHTML)
		if enc.Encode(s) == nil {
			quoted := strings.TrimSpace(buf.String())
			forms = append(forms, quoted[1:len(quoted)-1])
		}
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// asciiLower lowers ASCII letters only, so byte offsets stay the same
// (also in invalid UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
