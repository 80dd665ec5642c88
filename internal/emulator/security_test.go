package emulator_test

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Tests for the findings of the security review (issue 6, "Emulator").

// ctl calls a test control with the control token; POSTs are declared as
// JSON even when they have no body.
func ctl(t *testing.T, srv *dracoontest.Server, method, path string, body io.Reader, hdr ...string) response {
	t.Helper()
	hdr = append(hdr, "Authorization: Bearer "+srv.ControlToken)
	if method == http.MethodPost && body == nil {
		hdr = append(hdr, "Content-Type: application/json")
	}
	return call(t, srv, method, path, body, hdr...)
}

// withHost sends a request with a forged Host header.
func withHost(t *testing.T, srv *dracoontest.Server, host, method, path, contentType, body string, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// Finding 11: the control API needs the control token, a loopback or
// external Host and JSON on POST; secrets never reach an anonymous caller.
func TestControlAPIIsGuarded(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	noSecrets := func(r response) {
		t.Helper()
		if strings.Contains(string(r.body), srv.AdminPassword) || strings.Contains(string(r.body), srv.ClientSecret) {
			t.Fatalf("secrets in %d answer: %s", r.status, r.body)
		}
	}
	r := call(t, srv, "GET", "/_emulator/info", nil)
	if r.status != 401 || r.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("info without token: %d %v", r.status, r.header)
	}
	noSecrets(r)
	r = call(t, srv, "GET", "/_emulator/info", nil, "Authorization: Bearer wrong-"+srv.ControlToken)
	if r.status != 401 {
		t.Fatalf("info with a wrong token: %d", r.status)
	}
	noSecrets(r)
	// The blind cross-site request of the review: text/plain, foreign Origin.
	r = withHost(t, srv, strings.TrimPrefix(srv.URL, "http://"), "POST", "/_emulator/oauth/code", "text/plain",
		`{"login":"admin","clientId":"`+srv.ClientID+`"}`, "Origin: https://attacker.example")
	if r.status != 401 || strings.Contains(string(r.body), `"code"`) {
		t.Fatalf("anonymous code minting: %d %s", r.status, r.body)
	}
	// Even with the token, a non-JSON POST is refused.
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1"} {
		r = ctl(t, srv, "POST", "/_emulator/oauth/code", strings.NewReader(`{"login":"admin","clientId":"`+srv.ClientID+`"}`), "Content-Type: "+ct)
		if r.status != 415 {
			t.Fatalf("control POST as %s: %d %s", ct, r.status, r.body)
		}
	}
	r = call(t, srv, "POST", "/_emulator/reset", nil, "Authorization: Bearer "+srv.ControlToken)
	if r.status != 415 {
		t.Fatalf("reset without a JSON content type: %d", r.status)
	}
	// Foreign Host names (DNS rebinding) are refused even with the token.
	for _, host := range []string{"evil.example", "evil.example:" + srv.URL[strings.LastIndex(srv.URL, ":")+1:], "127.0.0.1.evil.example"} {
		r = withHost(t, srv, host, "GET", "/_emulator/info", "", "", "Authorization: Bearer "+srv.ControlToken)
		if r.status == 200 {
			t.Fatalf("Host %q admitted", host)
		}
		noSecrets(r)
	}
	// Loopback names and the dedicated header work.
	for _, host := range []string{"localhost", "LOCALHOST:1234", "127.0.0.1", "127.1.2.3:80", "[::1]:8080"} {
		r = withHost(t, srv, host, "GET", "/_emulator/info", "", "", "X-Emulator-Control-Token: "+srv.ControlToken)
		if r.status != 200 {
			t.Fatalf("Host %q refused: %d %s", host, r.status, r.body)
		}
	}
	if info := r.json(t); info["adminPassword"] != srv.AdminPassword || info["baseUrl"] != srv.URL {
		t.Fatalf("info: %v", info)
	}
}

// Finding 12: OAuth redirects and system info never follow the Host
// header.
func TestOAuthIgnoresHostHeader(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	form := url.Values{"response_type": {"code"}, "client_id": {srv.PublicClientID}, "state": {"s"},
		"username": {srv.AdminLogin}, "password": {srv.AdminPassword}}
	r := withHost(t, srv, "evil.example", "POST", "/oauth/authorize", "application/x-www-form-urlencoded", form.Encode())
	loc := r.header.Get("Location")
	if r.status != 302 || !strings.HasPrefix(loc, srv.URL+"/oauth/callback?") {
		t.Fatalf("authorize with Host evil.example: %d, Location %q", r.status, loc)
	}
	form.Set("redirect_uri", "http://evil.example/oauth/callback")
	r = withHost(t, srv, "evil.example", "POST", "/oauth/authorize", "application/x-www-form-urlencoded", form.Encode())
	if r.status == 302 || strings.Contains(r.header.Get("Location"), "evil") {
		t.Fatalf("redirect to the Host's callback accepted: %d %q", r.status, r.header.Get("Location"))
	}
	r = withHost(t, srv, "evil.example", "GET", "/oauth/authorize?response_type=code&client_id="+srv.PublicClientID+"&redirect_uri=http://evil.example/oauth/callback", "", "")
	if r.status == 302 || r.status == 200 {
		t.Fatalf("authorize form for the Host's callback: %d", r.status)
	}
	r = withHost(t, srv, "evil.example", "GET", "/api/v4/public/system/info", "", "")
	var info struct {
		S3Hosts []string `json:"s3Hosts"`
	}
	if err := json.Unmarshal(r.body, &info); err != nil || !slices.Equal(info.S3Hosts, []string{"127.0.0.1"}) {
		t.Fatalf("s3Hosts %v (%v), want the listener's host", info.S3Hosts, err)
	}
}

// Finding 13a: another client cannot revoke a token, and is told so
// instead of a 200 that leaves the token valid.
func TestRevokeWithAnotherClient(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv) // confidential client
	for _, tok := range []string{tk.Access, tk.Refresh} {
		r := oauthPost(t, srv, "/oauth/revoke", url.Values{"token": {tok}, "client_id": {srv.PublicClientID}})
		if r.status == 200 {
			t.Fatalf("revocation by another client answered 200")
		}
		if r.json(t)["error"] != "invalid_client" {
			t.Errorf("error %s", r.body)
		}
	}
	if r := api(t, srv, tk.Access, "GET", "/user/ping", ""); r.status != 200 {
		t.Fatalf("token revoked by another client: %d", r.status)
	}
	r := oauthPost(t, srv, "/oauth/revoke", url.Values{"token": {tk.Refresh}}, basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
	if r.status != 200 {
		t.Fatalf("revocation by the owner: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, tk.Access, "GET", "/user/ping", ""), 401, -10012)
	// Unknown tokens still get 200 (RFC 7009 §2.2).
	if r := oauthPost(t, srv, "/oauth/revoke", url.Values{"token": {"unknown"}, "client_id": {srv.PublicClientID}}); r.status != 200 {
		t.Fatalf("unknown token: %d", r.status)
	}
}

// Finding 13b: replaying an authorization code revokes the tokens of its
// first exchange (RFC 6749 §4.1.2).
func TestCodeReplayRevokesTokens(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	code, err := srv.AuthorizationCode(srv.AdminLogin, srv.ClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	exchange := func() response {
		return oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}},
			basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
	}
	tk := decodeTokens(t, exchange())
	refreshed := decodeTokens(t, oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.Refresh}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)))
	if r := exchange(); r.status != 400 || r.json(t)["error"] != "invalid_grant" {
		t.Fatalf("replay: %d %s", r.status, r.body)
	}
	for _, at := range []string{tk.Access, refreshed.Access} {
		wantError(t, api(t, srv, at, "GET", "/user/ping", ""), 401, -10012)
	}
	r := oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.Refresh}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
	if r.status != 400 {
		t.Fatalf("refresh token survived the replay: %d", r.status)
	}
	// Other sessions of the user are untouched.
	other := login(t, srv)
	if r := exchange(); r.status != 400 {
		t.Fatalf("second replay: %d", r.status)
	}
	if r := api(t, srv, other.Access, "GET", "/user/ping", ""); r.status != 200 {
		t.Fatalf("an unrelated session was revoked: %d", r.status)
	}
}

// Finding 14: dates outside years 1–9999 are refused, and the clock cannot
// be advanced past them.
func TestDatesOutOfRange(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	room := func(field, date string) response {
		return api(t, srv, tk.Access, "POST", "/nodes/rooms",
			fmt.Sprintf(`{"name":"R %s %s","adminIds":[%d],%q:%q}`, field, strings.ReplaceAll(date, ":", "-"), srv.AdminID, field, date))
	}
	for _, field := range []string{"timestampCreation", "timestampModification"} {
		wantError(t, room(field, "0000-01-01T00:00:00+01:00"), 400, -92001)
		wantError(t, room(field, "0001-01-01T00:30:00+01:00"), 400, -92001) // year 0 in UTC
		wantError(t, room(field, "9999-12-31T23:30:00-01:00"), 400, -80008) // year 10000 in UTC
		if r := room(field, "9999-12-31T22:30:00-01:00"); r.status != 201 {
			t.Fatalf("%s at the end of year 9999: %d %s", field, r.status, r.body)
		}
	}
	if r := api(t, srv, tk.Access, "GET", "/nodes", ""); r.status != 200 {
		t.Fatalf("listing after the date checks: %d %s", r.status, r.body)
	}
	before := srv.Now()
	r := ctl(t, srv, "POST", "/_emulator/clock/advance", strings.NewReader(`{"seconds":9e9}`))
	if r.status != 200 {
		t.Fatalf("first advance: %d %s", r.status, r.body)
	}
	mid := srv.Now()
	if !mid.After(before) {
		t.Fatal("clock did not move")
	}
	for _, body := range []string{`{"seconds":9e9}`, `{"seconds":1e300}`, `{"seconds":-1}`} {
		if r := ctl(t, srv, "POST", "/_emulator/clock/advance", strings.NewReader(body)); r.status != 400 {
			t.Fatalf("advance %s: %d %s", body, r.status, r.body)
		}
	}
	if now := srv.Now(); now.Before(mid) || now.Year() > 9999 {
		t.Fatalf("clock went from %v to %v", mid, now)
	}
	if err := srv.AdvanceClock(time.Duration(1<<63 - 1)); err == nil {
		t.Fatal("overflowing AdvanceClock accepted")
	}
}

// Finding 16: invalid UTF-8, lone surrogates and control characters are
// refused, not stored as U+FFFD.
func TestBadCharactersRefused(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	roomBody := func(nameJSON string) string {
		return fmt.Sprintf(`{"name":%s,"adminIds":[%d]}`, nameJSON, srv.AdminID)
	}
	wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", roomBody("\"bad\xff\"")), 400, -80023)
	wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", roomBody(`"lone \ud800 high"`)), 400, -80023)
	wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", roomBody(`"lone \udc00 low"`)), 400, -80023)
	wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", roomBody(`"reversed \udc00\ud800"`)), 400, -80023)
	if r := api(t, srv, tk.Access, "POST", "/nodes/rooms", roomBody(`"pair \ud83d\ude00"`)); r.status != 201 {
		t.Fatalf("valid surrogate pair refused: %d %s", r.status, r.body)
	}
	if r := api(t, srv, tk.Access, "PUT", "/user/account", `{"firstName":"escaped \\ud800 backslash"}`); r.status != 200 {
		t.Fatalf("an escaped backslash before u refused: %d %s", r.status, r.body)
	}
	for _, name := range []string{`"csi \u009b2J"`, `"bell \u0007"`, `"del \u007f"`, `"trailing space "`, `"trailing dot."`,
		`"CON"`, `"con.txt"`, `"LPT9 .log"`, `"a/b"`, `"a\\b"`, `"-lead"`, `"a:b"`, `"a*b"`, `"a?b"`, `"a|b"`, `"a<b"`, `"a>b"`, `"a\"b"`} {
		wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", roomBody(name)), 400, -40755)
	}
	for _, body := range []string{`{"firstName":"x\ud800"}`, "{\"lastName\":\"x\xc3\"}", `{"firstName":"x\u009by"}`, `{"lastName":"a\u0000"}`} {
		wantError(t, api(t, srv, tk.Access, "PUT", "/user/account", body), 400, -80023)
	}
	acc := api(t, srv, tk.Access, "GET", "/user/account", "").json(t)
	if strings.ContainsRune(fmt.Sprint(acc["firstName"], acc["lastName"]), '\uFFFD') {
		t.Fatalf("U+FFFD stored: %v", acc)
	}
}

// Finding 16: a JSON body not declared as JSON gets 415 in DRACOON shape;
// the OAuth token endpoint stays form-encoded.
func TestJSONNeedsJSONContentType(t *testing.T) {
	t.Parallel()
	srv := dracoontest.NewServer(t) // 415 is not in the API document
	tk := login(t, srv)
	body := fmt.Sprintf(`{"name":"Typed","adminIds":[%d]}`, srv.AdminID)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/xml", "application/json; charset=iso-8859-1"} {
		wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", body, "Content-Type: "+ct), 415, 0)
	}
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/api/v4/nodes/rooms", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tk.Access)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wantError(t, response{status: resp.StatusCode, header: resp.Header, body: data}, 415, 0)
	for _, ct := range []string{"application/json", "application/json;charset=UTF-8", "application/vnd.dracoon+json"} {
		r := api(t, srv, tk.Access, "PUT", "/user/account", `{"firstName":"Ada"}`, "Content-Type: "+ct)
		if r.status != 200 {
			t.Fatalf("%s refused: %d %s", ct, r.status, r.body)
		}
	}
}

// Finding 16: every 405 names the allowed methods.
func TestMethodNotAllowedHasAllow(t *testing.T) {
	t.Parallel()
	srv := dracoontest.NewServer(t) // the document has no 405s
	tk := login(t, srv)
	for _, c := range []struct {
		r     response
		allow string
	}{
		{call(t, srv, "PATCH", "/api/v4/public/time", nil), "GET, HEAD"},
		{api(t, srv, tk.Access, "DELETE", "/user/account", ""), "GET, HEAD, PUT"},
		{call(t, srv, "GET", "/oauth/token", nil), "POST"},
		{ctl(t, srv, "DELETE", "/_emulator/info", nil), "GET, HEAD"},
		{ctl(t, srv, "PUT", "/_emulator/faults", nil), "GET, HEAD, POST, DELETE"},
		{call(t, srv, "BREW", "/api/v4/public/time", nil), "GET, HEAD"},
	} {
		if c.r.status != 405 || c.r.header.Get("Allow") != c.allow {
			t.Errorf("405 %d with Allow %q, want %q", c.r.status, c.r.header.Get("Allow"), c.allow)
		}
	}
	// An unknown method on an unknown path is a 404, not a 405 allowing nothing.
	wantError(t, call(t, srv, "BREW", "/api/v4/no/such/route", nil), 404, 0)
}

// rawConn dials srv and returns the connection with a generous overall
// guard deadline: a server that never closes fails the test instead of
// hanging it.
func rawConn(t *testing.T, srv *dracoontest.Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return c
}

// wantClosed reads until the server closes the connection.
func wantClosed(t *testing.T, c net.Conn, what string) {
	t.Helper()
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("%s: the server kept the connection open", what)
	}
}

// Finding 15: a stalled body and an idle keep-alive connection are closed.
func TestStalledConnectionsClosed(t *testing.T) {
	t.Parallel()
	// No contract validator: it would report the cut-off bodies.
	srv := dracoontest.NewServer(t, dracoontest.WithTimeouts(dracoontest.Timeouts{Idle: 200 * time.Millisecond, Progress: 200 * time.Millisecond}))
	for _, path := range []string{"/oauth/token", "/api/v4/public/time", "/api/v4/nodes/rooms"} {
		c := rawConn(t, srv)
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n12345", path)
		wantClosed(t, c, "5 of 100 body bytes to "+path)
	}

	c := rawConn(t, srv)
	fmt.Fprint(c, "GET /api/v4/public/time HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("first request: %d, close %v", resp.StatusCode, resp.Close)
	}
	_, err = io.Copy(io.Discard, br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("idle keep-alive connection kept open")
	}
}

// Finding 15: the progress deadline moves with every read, so a body that
// keeps coming takes longer than the timeout and still succeeds, also when
// the answer has no body (revocation: header only, written after the
// handler).
func TestSlowProgressingBodyAccepted(t *testing.T) {
	t.Parallel()
	srv := dracoontest.NewServer(t, dracoontest.WithTimeouts(dracoontest.Timeouts{Progress: 2 * time.Second}))
	for _, c := range []struct{ path, body string }{
		{"/oauth/token", url.Values{"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword},
			"client_id": {srv.PublicClientID}, "pad": {strings.Repeat("x", 200)}}.Encode()},
		{"/oauth/revoke", url.Values{"token": {"unknown"}, "client_id": {srv.PublicClientID}, "pad": {strings.Repeat("x", 200)}}.Encode()},
	} {
		t.Run(strings.TrimPrefix(c.path, "/oauth/"), func(t *testing.T) {
			t.Parallel()
			conn := rawConn(t, srv)
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", c.path, len(c.body))
			const pieces = 10
			step := len(c.body)/pieces + 1
			for i := 0; i < len(c.body); i += step {
				if _, err := io.WriteString(conn, c.body[i:min(i+step, len(c.body))]); err != nil {
					t.Fatal(err)
				}
				time.Sleep(300 * time.Millisecond) // 10 × 0.3 s > 2 s in total
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("slow but steady body: %d", resp.StatusCode)
			}
		})
	}
}
