package emulator_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

func TestPublicEndpoints(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	srv := newServer(t, dracoontest.WithClock(func() time.Time { return fixed }))

	r := call(t, srv, "GET", "/api/v4/public/system/info", nil)
	m := r.json(t)
	if r.status != 200 || m["useS3Storage"] != true || len(m["s3Hosts"].([]any)) == 0 {
		t.Fatalf("system info: %d %s", r.status, r.body)
	}
	r = call(t, srv, "GET", "/api/v4/public/system/info?is_enabled=true", nil)
	for _, am := range r.json(t)["authMethods"].([]any) {
		if am.(map[string]any)["isEnabled"] != true {
			t.Errorf("is_enabled=true lists a disabled method: %v", am)
		}
	}
	wantError(t, call(t, srv, "GET", "/api/v4/public/system/info?is_enabled=maybe", nil), 400, -80005)
	for _, p := range []string{"/public/system/info/auth/ad", "/public/system/info/auth/openid", "/public/software/version"} {
		if r := call(t, srv, "GET", "/api/v4"+p, nil); r.status != 200 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	r = call(t, srv, "GET", "/api/v4/public/time", nil)
	if got := r.json(t)["time"]; got != "2024-05-06T07:08:09.123Z" {
		t.Errorf("time %v, want the clock in DRACOON format", got)
	}
	r = call(t, srv, "GET", "/api/v4/auth/ping", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") || !strings.HasPrefix(string(r.body), "OK ") {
		t.Errorf("auth ping: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
	}
}

func TestS3Off(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	m := call(t, srv, "GET", "/api/v4/public/system/info", nil).json(t)
	if m["useS3Storage"] != false || len(m["s3Hosts"].([]any)) != 0 {
		t.Fatalf("S3 off still reported: %v", m)
	}
	tk := login(t, srv)
	if g := api(t, srv, tk.Access, "GET", "/config/info/general", "").json(t); g["useS3Storage"] != false {
		t.Errorf("general settings: %v", g)
	}
	wantError(t, api(t, srv, tk.Access, "GET", "/config/info/s3_tags", ""), 412, -90030)
}

func TestAccount(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithCrypto(true))
	tk := login(t, srv)

	r := api(t, srv, tk.Access, "GET", "/user/ping", "")
	if r.status != 200 || !strings.Contains(string(r.body), srv.AdminLogin) {
		t.Fatalf("ping: %d %q", r.status, r.body)
	}
	acc := api(t, srv, tk.Access, "GET", "/user/account", "").json(t)
	roles := map[float64]string{}
	for _, it := range acc["userRoles"].(map[string]any)["items"].([]any) {
		m := it.(map[string]any)
		roles[m["id"].(float64)] = m["name"].(string)
	}
	want := map[float64]string{1: "CONFIG_MANAGER", 2: "USER_MANAGER", 3: "GROUP_MANAGER", 4: "ROOM_MANAGER", 5: "LOG_AUDITOR", 7: "USER"}
	for id, name := range want {
		if roles[id] != name {
			t.Errorf("role %v = %q, want %q", id, roles[id], name)
		}
	}
	if acc["lastLoginSuccessAt"] == nil || acc["authData"].(map[string]any)["method"] != "basic" {
		t.Errorf("account: %v", acc)
	}
	if _, leaked := acc["authData"].(map[string]any)["password"]; leaked {
		t.Error("account shows a password")
	}

	r = api(t, srv, tk.Access, "PUT", "/user/account", `{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com","phone":"+49 1","language":"de-DE","gender":"x"}`)
	m := r.json(t)
	if r.status != 200 || m["firstName"] != "Ada" || m["email"] != "ada@example.com" || m["language"] != "de-DE" {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if again := api(t, srv, tk.Access, "GET", "/user/account", "").json(t); again["lastName"] != "Lovelace" {
		t.Errorf("update not kept: %v", again["lastName"])
	}
	srv2 := newServer(t) // same checks on rejections, no state shared
	tk2 := login(t, srv2)
	for _, c := range []struct {
		body string
		code int
	}{
		{`{"email":"not an address"}`, -80009},
		{`{"firstName":""}`, -80000},
		{`{"lastName":"` + strings.Repeat("x", 151) + `"}`, -80007},
		{`{"language":"123"}`, -10013},
		{`{"firstName":`, -80013},
	} {
		wantError(t, api(t, srv2, tk2.Access, "PUT", "/user/account", c.body), 400, c.code)
	}
	if _, err := srv2.AddUser("taken", "pw"); err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv2, tk2.Access, "PUT", "/user/account", `{"userName":"TAKEN"}`), 409, -70564)

	c := api(t, srv, tk.Access, "GET", "/user/account/customer", "").json(t)
	if c["customerEncryptionEnabled"] != true || c["accountsUsed"].(float64) < 1 {
		t.Errorf("customer: %v", c)
	}
}

func TestConfigEndpoints(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithAccessTokenLifetime(time.Hour))
	tk := login(t, srv)
	for _, p := range []string{"general", "defaults", "infrastructure", "policies/algorithms", "policies/passwords",
		"policies/classifications", "product_packages", "product_packages/current", "s3_tags"} {
		r := api(t, srv, tk.Access, "GET", "/config/info/"+p, "")
		if r.status != 200 {
			t.Errorf("%s: %d %s", p, r.status, r.body)
		}
	}
	g := api(t, srv, tk.Access, "GET", "/config/info/general", "").json(t)
	if g["useS3Storage"] != true || g["authTokenRestrictions"].(map[string]any)["accessTokenValidity"] != float64(3600) {
		t.Errorf("general settings: %v", g)
	}
	wantError(t, call(t, srv, "GET", "/api/v4/config/info/general", nil), 401, -10012)
}

func TestNotAcceptable(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	wantError(t, api(t, srv, tk.Access, "GET", "/user/account", "", "Accept: text/html"), 406, 0)
	wantError(t, api(t, srv, tk.Access, "GET", "/user/ping", "", "Accept: application/json"), 406, 0)
	wantError(t, call(t, srv, "GET", "/api/v4/public/time", nil, "Accept: application/json;q=0, text/plain"), 406, 0)
	for _, accept := range []string{"*/*", "application/*", "application/json;charset=UTF-8", "text/html, application/json;q=0.5"} {
		if r := api(t, srv, tk.Access, "GET", "/user/account", "", "Accept: "+accept); r.status != 200 {
			t.Errorf("Accept %q: %d", accept, r.status)
		}
	}
	if r := api(t, srv, tk.Access, "GET", "/user/ping", "", "Accept: text/plain"); r.status != 200 {
		t.Errorf("ping with text/plain: %d", r.status)
	}
}

// TestUnknownRoutes runs without the contract middleware: unknown routes
// and methods are outside the document by definition.
func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	srv := dracoontest.NewServer(t)
	tk := login(t, srv)
	wantError(t, api(t, srv, tk.Access, "GET", "/does/not/exist", ""), 404, 0)
	wantError(t, call(t, srv, "GET", "/nothing/here", nil), 404, 0)
	r := api(t, srv, tk.Access, "DELETE", "/user/account", "")
	wantError(t, r, 405, 0)
	wantError(t, call(t, srv, "PATCH", "/api/v4/public/time", nil), 405, 0)
	if r := call(t, srv, "HEAD", "/api/v4/public/time", nil); r.status != 200 || len(r.body) != 0 {
		t.Errorf("HEAD: %d, %d body bytes", r.status, len(r.body))
	}
}

func TestControlAPI(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	info := ctl(t, srv, "GET", "/_emulator/info", nil).json(t)
	if info["adminPassword"] != srv.AdminPassword || info["confidentialClientSecret"] != srv.ClientSecret {
		t.Fatalf("info: %v", info)
	}
	r := ctl(t, srv, "POST", "/_emulator/faults", strings.NewReader(`{"method":"GET","path":"^/api/v4/public/time$","count":2,"status":503}`))
	if r.status != 201 {
		t.Fatalf("add fault: %d %s", r.status, r.body)
	}
	if r := ctl(t, srv, "POST", "/_emulator/faults", strings.NewReader(`{"count":0,"status":503}`)); r.status != 400 {
		t.Fatalf("invalid fault accepted: %d", r.status)
	}
	var list []map[string]any
	if err := json.Unmarshal(ctl(t, srv, "GET", "/_emulator/faults", nil).body, &list); err != nil || len(list) != 1 || list[0]["remaining"] != float64(2) {
		t.Fatalf("faults: %v %v", list, err)
	}
	wantError(t, call(t, srv, "GET", "/api/v4/public/time", nil), 503, 0)
	if r := ctl(t, srv, "DELETE", "/_emulator/faults", nil); r.status != 204 {
		t.Fatalf("clear: %d", r.status)
	}
	if r := call(t, srv, "GET", "/api/v4/public/time", nil); r.status != 200 {
		t.Fatalf("after clear: %d", r.status)
	}
	before := srv.Now()
	r = ctl(t, srv, "POST", "/_emulator/clock/advance", strings.NewReader(`{"seconds":3600}`))
	if r.status != 200 || srv.Now().Sub(before) < time.Hour {
		t.Fatalf("advance: %d, moved %v", r.status, srv.Now().Sub(before))
	}
	code := ctl(t, srv, "POST", "/_emulator/oauth/code", strings.NewReader(`{"login":"admin","clientId":"`+srv.ClientID+`"}`)).json(t)["code"]
	if code == nil || code == "" {
		t.Fatal("no code from the control API")
	}
	tk := login(t, srv)
	room := ctl(t, srv, "POST", "/_emulator/rooms", strings.NewReader(`{"name":"Quick"}`))
	if room.status != 201 {
		t.Fatalf("room: %d %s", room.status, room.body)
	}
	if r := ctl(t, srv, "POST", "/_emulator/tokens/expire", nil); r.status != 200 {
		t.Fatalf("expire: %d", r.status)
	}
	wantError(t, api(t, srv, tk.Access, "GET", "/user/ping", ""), 401, -10012)
	if r := ctl(t, srv, "POST", "/_emulator/reset", nil); r.status != 204 {
		t.Fatalf("reset: %d", r.status)
	}
	tk = login(t, srv)
	if l := api(t, srv, tk.Access, "GET", "/nodes", "").json(t); l["range"].(map[string]any)["total"] != float64(0) {
		t.Fatalf("rooms survive a reset: %v", l)
	}
	if r := ctl(t, srv, "GET", "/_emulator/nope", nil); r.status != 404 {
		t.Fatalf("unknown control: %d", r.status)
	}
}
