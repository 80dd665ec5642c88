package emulator_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/url"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Self-service endpoints without login (forgotten user name and
// password) and of the own account (avatar, notification settings).

// mail is one entry of GET /_emulator/mails.
type mail struct {
	Kind      string   `json:"kind"`
	To        string   `json:"to"`
	UserID    int64    `json:"userId"`
	Token     string   `json:"token"`
	UserNames []string `json:"userNames"`
}

// mails reads the mails the emulator "sent" through the test control.
func mails(t *testing.T, srv *dracoontest.Server) []mail {
	t.Helper()
	var out struct{ Items []mail }
	expect(t, ctl(t, srv, "GET", "/_emulator/mails", nil), 200, &out)
	return out.Items
}

// lastResetToken returns the token of the newest reset mail to uid.
func lastResetToken(t *testing.T, srv *dracoontest.Server, uid int64) string {
	t.Helper()
	ms := mails(t, srv)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Kind == "reset_password" && ms[i].UserID == uid {
			return ms[i].Token
		}
	}
	t.Fatalf("no reset mail for user %d in %+v", uid, ms)
	return ""
}

// tryLogin runs the password grant and returns the status.
func tryLogin(t *testing.T, srv *dracoontest.Server, user, password string) int {
	t.Helper()
	return oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)).status
}

func TestPasswordResetRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	uid, err := srv.AddUser("forgetful", "Old-Secret-1")
	if err != nil {
		t.Fatal(err)
	}
	ok(t, api(t, srv, "", "POST", "/auth/reset_password", `{"userName":"forgetful"}`), 204)
	// The same answer for a user that does not exist, and no mail.
	before := len(mails(t, srv))
	ok(t, api(t, srv, "", "POST", "/auth/reset_password", `{"userName":"nobody-here"}`), 204)
	if n := len(mails(t, srv)); n != before {
		t.Errorf("a reset for an unknown user sent a mail (%d → %d)", before, n)
	}
	// A second request at once is refused (every 5 minutes at most).
	wantError(t, api(t, srv, "", "POST", "/auth/reset_password", `{"userName":"forgetful"}`), 400, -10107)
	wantError(t, api(t, srv, "", "POST", "/auth/reset_password", `{}`), 400, -80000)

	tok := lastResetToken(t, srv, uid)
	info := ok(t, api(t, srv, "", "GET", "/auth/reset_password/"+tok, ""), 200)
	if info["firstName"] != "forgetful" || info["lastName"] != "User" {
		t.Errorf("token info names another user: %v", info)
	}
	if p, _ := info["loginPasswordPolicies"].(map[string]any); p == nil || p["minLength"] != float64(8) {
		t.Errorf("token info lacks the login password policy: %v", info)
	}
	wantError(t, api(t, srv, "", "GET", "/auth/reset_password/not-a-token", ""), 404, 0)

	// A password the policy refuses leaves the token usable.
	wantError(t, api(t, srv, "", "PUT", "/auth/reset_password/"+tok, `{"password":"short"}`), 400, -10002)
	wantError(t, api(t, srv, "", "PUT", "/auth/reset_password/"+tok, `{"password":"with<angle>brackets"}`), 400, -10002)
	ok(t, api(t, srv, "", "PUT", "/auth/reset_password/"+tok, `{"password":"New-Secret-98765"}`), 204)
	// Single use.
	wantError(t, api(t, srv, "", "PUT", "/auth/reset_password/"+tok, `{"password":"Other-Secret-2"}`), 404, 0)
	wantError(t, api(t, srv, "", "GET", "/auth/reset_password/"+tok, ""), 404, 0)

	if s := tryLogin(t, srv, "forgetful", "Old-Secret-1"); s == 200 {
		t.Error("the old password still works")
	}
	tk := loginAs(t, srv, "forgetful", "New-Secret-98765").Access
	ok(t, api(t, srv, tk, "GET", "/user/account", ""), 200)
	// The reset is in the event log, as the user's own change.
	admin := login(t, srv).Access
	var changes eventList
	expect(t, api(t, srv, admin, "GET", fmt.Sprintf("/eventlog/events?type=%d&user_id=%d", operationID(t, srv, admin, "User changed"), uid), ""), 200, &changes)
	if len(changes.Items) != 1 || changes.Items[0].ObjectID1 != uid {
		t.Errorf("event log after the reset: %+v", changes.Items)
	}

	// Tokens expire.
	if err := srv.AdvanceClock(6 * time.Minute); err != nil {
		t.Fatal(err)
	}
	ok(t, api(t, srv, "", "POST", "/auth/reset_password", `{"userName":"FORGETFUL"}`), 204)
	late := lastResetToken(t, srv, uid)
	if late == tok {
		t.Fatal("the second reset mail repeats the first token")
	}
	if err := srv.AdvanceClock(25 * time.Hour); err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv, "", "PUT", "/auth/reset_password/"+late, `{"password":"Late-Secret-3"}`), 404, 0)
}

func TestRecoverUserNameAnswersAlike(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if _, err := srv.AddUser("remember", "Secret-12345"); err != nil {
		t.Fatal(err)
	}
	known := api(t, srv, "", "POST", "/auth/recover_username", `{"email":"remember@emulator.invalid"}`)
	unknown := api(t, srv, "", "POST", "/auth/recover_username", `{"email":"stranger@example.com"}`)
	if known.status != 204 || unknown.status != 204 || !bytes.Equal(known.body, unknown.body) {
		t.Fatalf("known and unknown addresses are answered differently: %d %q / %d %q", known.status, known.body, unknown.status, unknown.body)
	}
	ms := mails(t, srv)
	if len(ms) != 1 || ms[0].Kind != "recover_username" || ms[0].To != "remember@emulator.invalid" ||
		len(ms[0].UserNames) != 1 || ms[0].UserNames[0] != "remember" {
		t.Errorf("mails %+v, want one reminder naming remember", ms)
	}
	// The Go accessor sees the same mail.
	if last, found := srv.LastMail(); !found || last.Kind != "recover_username" || last.To != ms[0].To {
		t.Errorf("LastMail %+v, %v", last, found)
	}
	wantError(t, api(t, srv, "", "POST", "/auth/recover_username", `{"email":"not an address"}`), 400, -80009)
	wantError(t, api(t, srv, "", "POST", "/auth/recover_username", `{}`), 400, -80000)
}

// pngOf encodes a w×h image.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadAvatar posts data as the multipart part "file".
func uploadAvatar(t *testing.T, srv *dracoontest.Server, token string, data []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", "me.png")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	return call(t, srv, "POST", "/api/v4/user/account/avatar", &body, "Authorization: Bearer "+token, "Content-Type: "+mw.FormDataContentType())
}

type avatar struct {
	AvatarURI      string `json:"avatarUri"`
	AvatarUUID     string `json:"avatarUuid"`
	IsCustomAvatar bool   `json:"isCustomAvatar"`
}

func TestAvatarUploadGetDelete(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	me := addParty(t, srv, "face")
	var def avatar
	expect(t, api(t, srv, me.token, "GET", "/user/account/avatar", ""), 200, &def)
	if def.IsCustomAvatar || def.AvatarUUID == "" {
		t.Fatalf("a new user's avatar: %+v", def)
	}
	imagePath := fmt.Sprintf("/downloads/avatar/%d/%s", me.id, def.AvatarUUID)
	img := api(t, srv, "", "GET", imagePath, "")
	if img.status != 200 {
		t.Fatalf("default avatar image: %d %s", img.status, img.body)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(img.body)); err != nil || cfg.Width != 256 || cfg.Height != 256 {
		t.Errorf("default avatar is not a 256 px PNG: %v %+v", err, cfg)
	}

	mine := pngOf(t, 256, 256)
	var custom avatar
	expect(t, uploadAvatar(t, srv, me.token, mine), 201, &custom)
	if !custom.IsCustomAvatar || custom.AvatarUUID == def.AvatarUUID {
		t.Errorf("after an upload: %+v (before %+v)", custom, def)
	}
	if got := api(t, srv, "", "GET", fmt.Sprintf("/downloads/avatar/%d/%s", me.id, custom.AvatarUUID), ""); !bytes.Equal(got.body, mine) {
		t.Errorf("the avatar image is not the uploaded one (%d bytes, want %d)", len(got.body), len(mine))
	}
	wantError(t, api(t, srv, "", "GET", imagePath, ""), 404, -70028)
	var other avatar
	expect(t, api(t, srv, "", "GET", fmt.Sprintf("/resources/users/%d/avatar/%s", me.id, custom.AvatarUUID), ""), 200, &other)
	if other != custom {
		t.Errorf("resources avatar %+v, own %+v", other, custom)
	}
	wantError(t, api(t, srv, "", "GET", fmt.Sprintf("/resources/users/%d/avatar/%s", me.id, def.AvatarUUID), ""), 404, -70028)

	wantError(t, uploadAvatar(t, srv, me.token, pngOf(t, 100, 100)), 400, -80044)
	wantError(t, uploadAvatar(t, srv, me.token, []byte("GIF89a not an image we take")), 400, -80042)
	wantError(t, uploadAvatar(t, srv, me.token, make([]byte, 5<<20+10)), 400, -80043)

	var reset avatar
	expect(t, api(t, srv, me.token, "DELETE", "/user/account/avatar", ""), 200, &reset)
	if reset.IsCustomAvatar || reset.AvatarUUID == custom.AvatarUUID {
		t.Errorf("after a reset: %+v", reset)
	}
}

func TestNotificationConfigUpdate(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	me := addParty(t, srv, "notified")
	scopes := ok(t, api(t, srv, "", "GET", "/resources/user/notifications/scopes", ""), 200)
	if len(items(t, scopes)) == 0 {
		t.Fatal("no notification scopes")
	}
	configs := items(t, ok(t, api(t, srv, me.token, "GET", "/user/notifications/config", ""), 200))
	if len(configs) == 0 {
		t.Fatal("no notification configurations")
	}
	cid := id(configs[0], "id")
	path := fmt.Sprintf("/user/notifications/config/%d", cid)
	off := ok(t, api(t, srv, me.token, "PUT", path, `{"channelIds":[]}`), 200)
	if chans, _ := off["channelIds"].([]any); len(chans) != 0 || id(off, "id") != cid {
		t.Errorf("switched off: %v", off)
	}
	for _, c := range items(t, ok(t, api(t, srv, me.token, "GET", "/user/notifications/config", ""), 200)) {
		chans, _ := c["channelIds"].([]any)
		if (id(c, "id") == cid) != (len(chans) == 0) {
			t.Errorf("configuration %v after switching %d off", c, cid)
		}
	}
	// Another user's settings are their own.
	for _, c := range items(t, ok(t, api(t, srv, admin, "GET", "/user/notifications/config", ""), 200)) {
		if chans, _ := c["channelIds"].([]any); len(chans) == 0 {
			t.Errorf("the admin's configuration %v changed with another user's", c)
		}
	}
	wantError(t, api(t, srv, me.token, "PUT", "/user/notifications/config/999", `{"channelIds":[1]}`), 400, -70120)
	wantError(t, api(t, srv, me.token, "PUT", path, `{"channelIds":[42]}`), 400, -70121)
	wantError(t, api(t, srv, me.token, "PUT", path, `{}`), 400, -80000)
	ok(t, api(t, srv, admin, "PUT", "/settings/notifications/channels", `{"channelId":1,"isEnabled":false}`), 200)
	wantError(t, api(t, srv, me.token, "PUT", path, `{"channelIds":[1]}`), 400, -70122)
}

// decodeList decodes a JSON array answer.
func decodeList(t *testing.T, r response, status int) []map[string]any {
	t.Helper()
	var out []map[string]any
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("not a JSON array: %v: %s", err, r.body)
	}
	return out
}

func TestThirdPartyDependencies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	deps := decodeList(t, api(t, srv, "", "GET", "/public/software/third_party_dependencies", ""), 200)
	if len(deps) == 0 || deps[0]["name"] != "chi" {
		t.Errorf("third-party dependencies: %v", deps)
	}
}
