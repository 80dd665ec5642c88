package emulator_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// TestPasswordPolicyEnforced: after the login policy is made stricter, a
// user with a weak password is refused with -10002 and the info endpoint
// reports the new policy.
func TestPasswordPolicyEnforced(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	expect(t, createUser(t, srv, tok, "weak1", "abcdefgh"), 201, nil)

	body := `{"loginPasswordPolicies":{"minLength":12,"characterRules":{"mustContainCharacters":["uppercase","numeric","special"],"numberOfCharacteristicsToEnforce":2},"rejectUserInfo":true}}`
	var pol struct {
		LoginPasswordPolicies struct {
			MinLength      int
			CharacterRules struct{ MustContainCharacters []string }
			UpdatedBy      struct{ ID int64 }
		}
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/policies/passwords", body), 200, &pol)
	if pol.LoginPasswordPolicies.MinLength != 12 || pol.LoginPasswordPolicies.UpdatedBy.ID != srv.AdminID {
		t.Fatalf("policy after PUT: %+v", pol)
	}
	var info struct {
		LoginPasswordPolicies struct{ MinLength int }
	}
	expect(t, api(t, srv, tok, "GET", "/config/info/policies/passwords", ""), 200, &info)
	if info.LoginPasswordPolicies.MinLength != 12 {
		t.Errorf("config info reports minLength %d, the policy says 12", info.LoginPasswordPolicies.MinLength)
	}

	for _, p := range []string{"abcdefgh", "abcdefghijkl", "abcdefghijk1", "Weak2Secret!x"} {
		r := createUser(t, srv, tok, "weak2", p)
		if p == "Weak2Secret!x" {
			// Contains the user name (rejectUserInfo).
			wantError(t, r, 400, -10002)
			continue
		}
		wantError(t, r, 400, -10002)
	}
	expect(t, createUser(t, srv, tok, "strong", "Abcdefghijk1"), 201, nil)

	// Changing one's own password follows the same policy.
	if _, err := srv.AddUser("changer", "Old-password-12"); err != nil {
		t.Fatal(err)
	}
	ctok := loginAs(t, srv, "changer", "Old-password-12").Access
	wantError(t, api(t, srv, ctok, "PUT", "/user/account/password", `{"oldPassword":"Old-password-12","newPassword":"short1A"}`), 400, -10002)
	if r := api(t, srv, ctok, "PUT", "/user/account/password", `{"oldPassword":"Old-password-12","newPassword":"Better-password-34"}`); r.status != 204 {
		t.Fatalf("a compliant new password: %d %s", r.status, r.body)
	}

	var one map[string]any
	expect(t, api(t, srv, tok, "GET", "/system/config/policies/passwords/shares", ""), 200, &one)
	if _, ok := one["sharesPasswordPolicies"]; !ok || len(one) != 1 {
		t.Errorf("policy of one type: %v", one)
	}
	wantError(t, api(t, srv, tok, "PUT", "/system/config/policies/passwords", `{"loginPasswordPolicies":{"minLength":0}}`), 400, -92001)
	if r := api(t, srv, ctok, "PUT", "/system/config/policies/passwords", body); r.status != 403 {
		t.Errorf("a plain user changed the policy: %d", r.status)
	}
}

// TestLoginPolicies: with password expiration on, an old password must be
// changed at the next login; with user lockout on, too many failed logins
// lock the user out for the lockout period, even with the right password.
func TestLoginPolicies(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	expect(t, api(t, srv, tok, "PUT", "/system/config/policies/passwords",
		`{"loginPasswordPolicies":{"passwordExpiration":{"enabled":true,"maxPasswordAge":1},"userLockout":{"enabled":true,"maxNumberOfLoginFailures":2,"lockoutPeriod":5}}}`), 200, nil)
	if _, err := srv.AddUser("aging", "Aging-pass-123"); err != nil {
		t.Fatal(err)
	}
	mustChange := func() bool {
		t.Helper()
		var acc struct{ NeedsToChangePassword bool }
		expect(t, api(t, srv, loginAs(t, srv, "aging", "Aging-pass-123").Access, "GET", "/user/account", ""), 200, &acc)
		return acc.NeedsToChangePassword
	}
	if mustChange() {
		t.Fatal("a fresh password must not be expired")
	}
	if err := srv.AdvanceClock(49 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if !mustChange() {
		t.Error("a password older than maxPasswordAge is not expired")
	}

	password := func(user, pw string) response {
		return oauthPost(t, srv, "/oauth/token", map[string][]string{"grant_type": {"password"}, "username": {user}, "password": {pw}},
			basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
	}
	if _, err := srv.AddUser("locky", "Locky-pass-123"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := password("locky", "wrong"); r.status != 400 {
			t.Fatalf("wrong password: %d", r.status)
		}
	}
	if r := password("locky", "Locky-pass-123"); r.status != 400 || !strings.Contains(string(r.body), "locked") {
		t.Errorf("right password during the lockout: %d %s", r.status, r.body)
	}
	if err := srv.AdvanceClock(6 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if r := password("locky", "Locky-pass-123"); r.status != 200 {
		t.Errorf("after the lockout period: %d %s", r.status, r.body)
	}
}
