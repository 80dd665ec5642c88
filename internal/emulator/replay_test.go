package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// recorded is a Java SDK exchange file ({method, url, headers, body} or
// {status, headers, body}).
type recorded struct {
	Method  string `json:"method"`
	URL     string `json:"url"`
	Status  int    `json:"status"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	Body *struct {
		Type    string `json:"type"`
		Content string `json:"content"`
	} `json:"body"`
}

// replayCovered are the recorded requests whose endpoints the emulator
// implements so far.
var replayCovered = regexp.MustCompile(`^(POST /oauth/(token|revoke)|GET /api/v4/user/(ping|account|account/customer)|GET /api/v4/config/info/.+|GET /api/v4/public/.+|GET /api/v4/nodes(/[0-9]+)?|POST /api/v4/nodes/rooms|GET /api/v4/user/(account/keypairs|profileAttributes)|PUT /api/v4/user/profileAttributes)$`)

// The Java SDK recordings use this OAuth client (Basic header of the
// requests) and redirect URI.
const (
	javaClientID     = "qPYluU3S"
	javaClientSecret = "rmOU0GVL"
	javaRedirectURI  = "http://localhost:10000"
)

// TestReplayJavaSDKExchanges sends the recorded Java SDK requests the
// emulator covers (same method, URL and body; recorded secrets swapped for
// live ones) and expects the recorded status class; the contract
// middleware checks the bodies against the schemas.
func TestReplayJavaSDKExchanges(t *testing.T) {
	t.Parallel()
	root := filepath.Join(testutil.SharedTestdataDir(t), "api")
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.Contains(path, string(filepath.Separator)+"java-sdk"+string(filepath.Separator)) && strings.HasSuffix(path, ".json") && strings.Contains(filepath.Base(path), "_request") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	replayed := 0
	for _, file := range files {
		var req recorded
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &req); err != nil || req.Method == "" {
			continue // a body-only file
		}
		u, err := url.Parse(strings.Replace(req.URL, "[SERVER_URL]", "", 1))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		key := strings.ToUpper(req.Method) + " " + u.Path
		if !replayCovered.MatchString(key) {
			continue
		}
		respFile := filepath.Join(filepath.Dir(file), strings.Replace(filepath.Base(file), "_request", "_response", 1))
		var want recorded
		data, err = os.ReadFile(respFile)
		if err != nil {
			continue // no recorded answer
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", respFile, err)
		}
		rel, _ := filepath.Rel(root, file)
		replayed++
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			replayOne(t, req, u, want.Status)
		})
	}
	if replayed < 15 {
		t.Fatalf("only %d recorded exchanges replayed; the recordings moved?", replayed)
	}
}

func replayOne(t *testing.T, req recorded, u *url.URL, wantStatus int) {
	srv := newServer(t)
	if err := srv.AddOAuthClient(dracoontest.OAuthClient{ID: javaClientID, Secret: javaClientSecret, RedirectURIs: []string{javaRedirectURI}}); err != nil {
		t.Fatal(err)
	}
	// Nodes 1–4 as the recordings address them: room 1 with sub-rooms 2–4.
	top, err := srv.CreateRoom("test", nil)
	if err != nil || top != 1 {
		t.Fatalf("room 1: %d %v", top, err)
	}
	for _, name := range []string{"alpha", "beta", "gamma"} {
		if _, err := srv.CreateRoom(name, &dracoontest.RoomOptions{ParentID: top}); err != nil {
			t.Fatal(err)
		}
	}
	// Live tokens of the Java client, whose credentials the recordings'
	// Basic header carries.
	live := decodeTokens(t, oauthPost(t, srv, "/oauth/token",
		url.Values{"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword}},
		basic(javaClientID, javaClientSecret, base64.StdEncoding)))
	hdr := []string{}
	for _, h := range req.Headers {
		v := h.Value
		if strings.EqualFold(h.Name, "authorization") && strings.HasPrefix(v, "Bearer ") {
			v = "Bearer " + live.Access
		}
		hdr = append(hdr, h.Name+": "+v)
	}
	body := ""
	if req.Body != nil {
		body = req.Body.Content
	}
	switch {
	case strings.HasPrefix(u.Path, "/oauth/"):
		form, err := url.ParseQuery(body)
		if err != nil {
			t.Fatal(err)
		}
		// Recorded secrets are swapped for live ones of the same kind.
		if form.Has("code") {
			code, err := srv.AuthorizationCode(srv.AdminLogin, javaClientID, form.Get("redirect_uri"))
			if err != nil {
				t.Fatal(err)
			}
			form.Set("code", code)
		}
		if form.Has("refresh_token") {
			form.Set("refresh_token", live.Refresh)
		}
		if form.Has("token") {
			tok := live.Access
			if form.Get("token_type_hint") == "refresh_token" {
				tok = live.Refresh
			}
			form.Set("token", tok)
		}
		body = form.Encode()
	case u.Path == "/api/v4/nodes/rooms":
		// This fixture seeds no groups; group 1 of the recording would be
		// a 404 "Group not found".
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "adminGroupIds")
		b, _ := json.Marshal(m)
		body = string(b)
	}
	var r response
	if body != "" {
		r = call(t, srv, strings.ToUpper(req.Method), u.RequestURI(), strings.NewReader(body), hdr...)
	} else {
		r = call(t, srv, strings.ToUpper(req.Method), u.RequestURI(), nil, hdr...)
	}
	if r.status/100 != wantStatus/100 {
		t.Fatalf("status %d, recorded %d: %s", r.status, wantStatus, r.body)
	}
}
