package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// oauthFixtures are the field sets of the recorded /oauth/token answers.
type oauthFixtures struct {
	// tokenFields maps each field seen in a recorded token response to its
	// JSON kind; tokenRequired are the fields every recording has.
	tokenFields   map[string]string
	tokenRequired []string
	// errorFields are the fields of recorded OAuth error bodies.
	errorFields map[string]string
}

// loadOAuthFixtures reads the token and error answers recorded under
// api/auth: dco3 plain bodies and Java SDK exchanges.
func loadOAuthFixtures(dir string) (oauthFixtures, error) {
	f := oauthFixtures{tokenFields: map[string]string{}, errorFields: map[string]string{}}
	authDir := filepath.Join(dir, "api", "auth")
	var tokens, errs []map[string]any
	err := filepath.WalkDir(authDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") || strings.HasSuffix(path, "_request.json") {
			return err
		}
		v, err := readJSONFile(path)
		if err != nil {
			return err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		if _, recorded := m["status"]; recorded {
			// Java SDK exchange: {"status", "headers", "body": {"content"}}.
			b, _ := m["body"].(map[string]any)
			content, _ := b["content"].(string)
			if content == "" {
				return nil
			}
			var inner map[string]any
			if err := json.Unmarshal([]byte(content), &inner); err != nil {
				return fmt.Errorf("contract: %s: %w", filepath.Base(path), err)
			}
			m = inner
		}
		if _, ok := m["error"]; ok {
			errs = append(errs, m)
		} else if _, ok := m["access_token"]; ok {
			tokens = append(tokens, m)
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	if len(tokens) == 0 || len(errs) == 0 {
		return f, fmt.Errorf("contract: no OAuth fixtures under %s", authDir)
	}
	counts := map[string]int{}
	for _, t := range tokens {
		for k, v := range t {
			f.tokenFields[k] = jsonKind(v)
			counts[k]++
		}
	}
	for k, n := range counts {
		if n == len(tokens) {
			f.tokenRequired = append(f.tokenRequired, k)
		}
	}
	slices.Sort(f.tokenRequired)
	for _, e := range errs {
		for k, v := range e {
			f.errorFields[k] = jsonKind(v)
		}
	}
	return f, nil
}

func parseFormBody(body []byte) (url.Values, error) {
	return url.ParseQuery(string(body))
}

// grantFields are the form fields each grant needs (RFC 6749).
var grantFields = map[string][]string{
	"password":           {"username", "password"},
	"authorization_code": {"code"},
	"refresh_token":      {"refresh_token"},
}

func (s *spec) checkOAuth(ex *exchange) []string {
	r := ex.req
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/oauth/token":
		return s.checkToken(ex)
	case r.Method == http.MethodPost && r.URL.Path == "/oauth/revoke":
		return s.checkRevoke(ex)
	case r.URL.Path == "/oauth/authorize" && (r.Method == http.MethodGet || r.Method == http.MethodPost):
		return checkAuthorize(ex)
	case r.Method == http.MethodGet && r.URL.Path == "/oauth/callback":
		if !strings.HasPrefix(ex.header.Get("Content-Type"), "text/html") {
			return []string{"callback page is not HTML"}
		}
		return nil
	}
	return []string{"unknown OAuth endpoint"}
}

// checkForm checks that a request is form-encoded and names a client.
func checkForm(ex *exchange) (url.Values, []string) {
	ct := ex.req.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, []string{fmt.Sprintf("request is not form-encoded (Content-Type %q)", ct)}
	}
	form, err := parseFormBody(ex.reqBody)
	if err != nil {
		return nil, []string{"request body is not a valid form"}
	}
	return form, nil
}

func hasClient(ex *exchange, form url.Values) bool {
	if scheme, _, ok := strings.Cut(ex.req.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Basic") {
		return true
	}
	return form.Get("client_id") != ""
}

func (s *spec) checkToken(ex *exchange) []string {
	form, problems := checkForm(ex)
	if form != nil {
		var reqProblems []string
		grant := form.Get("grant_type")
		need, known := grantFields[grant]
		if !known {
			reqProblems = append(reqProblems, fmt.Sprintf("unknown grant_type %q", grant))
		}
		for _, k := range need {
			if form.Get(k) == "" {
				reqProblems = append(reqProblems, fmt.Sprintf("grant %s without %s", grant, k))
			}
		}
		if !hasClient(ex, form) {
			reqProblems = append(reqProblems, "no client credentials (Basic or client_id)")
		}
		if ex.status < 400 {
			problems = append(problems, reqProblems...)
		}
	}
	if ex.status >= 400 {
		return append(problems, s.checkOAuthError(ex)...)
	}
	if ex.status != http.StatusOK {
		return append(problems, fmt.Sprintf("token answer has status %d, recordings have 200", ex.status))
	}
	var body map[string]any
	if err := json.Unmarshal(ex.body, &body); err != nil {
		return append(problems, "token answer is not a JSON object")
	}
	for _, k := range s.oauth.tokenRequired {
		if _, ok := body[k]; !ok {
			problems = append(problems, "token answer lacks "+k)
		}
	}
	for k, v := range body {
		want, ok := s.oauth.tokenFields[k]
		if !ok {
			problems = append(problems, "token answer has field "+k+" that no recording has")
			continue
		}
		if jsonKind(v) != want {
			problems = append(problems, fmt.Sprintf("token field %s is %s, recordings have %s", k, jsonKind(v), want))
		}
	}
	slices.Sort(problems)
	return problems
}

func (s *spec) checkOAuthError(ex *exchange) []string {
	var body map[string]any
	if err := json.Unmarshal(ex.body, &body); err != nil {
		return []string{"OAuth error answer is not a JSON object"}
	}
	var problems []string
	if e, ok := body["error"].(string); !ok || e == "" {
		problems = append(problems, "OAuth error answer lacks error")
	}
	for k, v := range body {
		want, ok := s.oauth.errorFields[k]
		if !ok {
			problems = append(problems, "OAuth error answer has field "+k+" that no recording has")
			continue
		}
		if jsonKind(v) != want {
			problems = append(problems, fmt.Sprintf("OAuth error field %s is %s, recordings have %s", k, jsonKind(v), want))
		}
	}
	return problems
}

func (s *spec) checkRevoke(ex *exchange) []string {
	form, problems := checkForm(ex)
	if form != nil && ex.status < 400 {
		if form.Get("token") == "" {
			problems = append(problems, "revoke without token")
		}
		if h := form.Get("token_type_hint"); h != "" && h != "access_token" && h != "refresh_token" {
			problems = append(problems, "unknown token_type_hint "+h)
		}
		if !hasClient(ex, form) {
			problems = append(problems, "no client credentials (Basic or client_id)")
		}
	}
	if ex.status >= 400 {
		return append(problems, s.checkOAuthError(ex)...)
	}
	if ex.status != http.StatusOK || len(ex.body) != 0 {
		problems = append(problems, fmt.Sprintf("revoke answered %d with %d body bytes; recordings have 200 and no body", ex.status, len(ex.body)))
	}
	return problems
}

func checkAuthorize(ex *exchange) []string {
	switch ex.status {
	case http.StatusFound:
		loc, err := url.Parse(ex.header.Get("Location"))
		if err != nil || !loc.IsAbs() {
			return []string{"authorization redirect without an absolute Location"}
		}
		q := loc.Query()
		if q.Get("code") == "" && q.Get("error") == "" {
			return []string{"authorization redirect carries neither code nor error"}
		}
		return nil
	case http.StatusOK, http.StatusUnauthorized:
		if !strings.HasPrefix(ex.header.Get("Content-Type"), "text/html") {
			return []string{"login page is not HTML"}
		}
		return nil
	case http.StatusBadRequest:
		return nil // OAuth error JSON for an unknown client or redirect URI
	}
	return []string{fmt.Sprintf("unexpected authorization status %d", ex.status)}
}
