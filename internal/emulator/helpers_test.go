package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/contract"
)

// newServer starts an emulator whose every exchange is checked against the
// API contract.
func newServer(t *testing.T, opts ...dracoontest.Option) *dracoontest.Server {
	t.Helper()
	return dracoontest.NewServer(t, append([]dracoontest.Option{dracoontest.WithMiddleware(contract.Middleware(t))}, opts...)...)
}

// response is a finished exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// call sends one request. hdr holds extra header lines "Name: value".
func call(t *testing.T, srv *dracoontest.Server, method, path string, body io.Reader, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// api calls an /api/v4 endpoint with a bearer token.
func api(t *testing.T, srv *dracoontest.Server, token, method, path, body string, hdr ...string) response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	if token != "" {
		hdr = append(hdr, "Authorization: Bearer "+token)
	}
	return call(t, srv, method, "/api/v4"+path, r, hdr...)
}

func basic(id, secret string, enc *base64.Encoding) string {
	return "Authorization: Basic " + enc.EncodeToString([]byte(id+":"+secret))
}

// tokenCall posts a form to /oauth/token (or another OAuth endpoint).
func oauthPost(t *testing.T, srv *dracoontest.Server, path string, form url.Values, hdr ...string) response {
	t.Helper()
	hdr = append(hdr, "Content-Type: application/x-www-form-urlencoded")
	return call(t, srv, http.MethodPost, path, strings.NewReader(form.Encode()), hdr...)
}

type tokens struct {
	Access    string `json:"access_token"`
	Refresh   string `json:"refresh_token"`
	ExpiresIn int64  `json:"expires_in"`
	Type      string `json:"token_type"`
}

func decodeTokens(t *testing.T, r response) tokens {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("token request: %d %s", r.status, r.body)
	}
	var tk tokens
	if err := json.Unmarshal(r.body, &tk); err != nil {
		t.Fatal(err)
	}
	if tk.Access == "" || tk.Refresh == "" || tk.Type != "bearer" {
		t.Fatalf("incomplete token answer: %s", r.body)
	}
	return tk
}

// login runs the password grant for the admin with the confidential client.
func login(t *testing.T, srv *dracoontest.Server) tokens {
	t.Helper()
	return loginAs(t, srv, srv.AdminLogin, srv.AdminPassword)
}

func loginAs(t *testing.T, srv *dracoontest.Server, user, password string) tokens {
	t.Helper()
	return decodeTokens(t, oauthPost(t, srv, "/oauth/token",
		url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)))
}

// wantError checks a DRACOON error answer.
func wantError(t *testing.T, r response, status int, errorCode int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	m := r.json(t)
	if int(m["code"].(float64)) != status || m["message"] != http.StatusText(status) {
		t.Errorf("error body %s does not carry status %d and its reason phrase", r.body, status)
	}
	if _, ok := m["debugInfo"].(string); !ok {
		t.Errorf("error body without debugInfo: %s", r.body)
	}
	got, has := m["errorCode"]
	switch {
	case errorCode == 0 && has:
		t.Errorf("errorCode %v present, want none", got)
	case errorCode != 0 && (!has || int(got.(float64)) != errorCode):
		t.Errorf("errorCode %v, want %d", got, errorCode)
	}
}
