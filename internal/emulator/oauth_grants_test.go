package emulator_test

import (
	"fmt"
	"net/url"
	"testing"
)

// The own OAuth grants: authorizations are live refresh tokens, and
// revoking them ends the sessions.

func TestOAuthAuthorizationsListAndRevoke(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if _, err := srv.AddUser("grantee", "Grant-Secret-1"); err != nil {
		t.Fatal(err)
	}
	first := loginAs(t, srv, "grantee", "Grant-Secret-1")
	second := loginAs(t, srv, "grantee", "Grant-Secret-1")
	public := decodeTokens(t, oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"password"}, "username": {"grantee"},
		"password": {"Grant-Secret-1"}, "client_id": {srv.PublicClientID}}))
	// Another user's session is not listed.
	login(t, srv)

	list := decodeList(t, api(t, srv, first.Access, "GET", "/user/oauth/authorizations?sort=clientName:desc", ""), 200)
	if len(list) != 3 {
		t.Fatalf("%d authorizations, want 3: %v", len(list), list)
	}
	if list[0]["clientId"] != srv.PublicClientID || list[2]["clientId"] != srv.ClientID {
		t.Errorf("not sorted by client name descending: %v", list)
	}
	current := 0
	var secondID int64
	for _, a := range list {
		if a["isCurrentAuthorization"] == true {
			current++
		}
		if a["userAgentCategory"] != "unknown" || a["isStandard"] != true {
			t.Errorf("authorization %v", a)
		}
	}
	if current != 1 {
		t.Errorf("%d current authorizations, want 1", current)
	}
	// The second login's authorization: the one that is current for it.
	for _, a := range decodeList(t, api(t, srv, second.Access, "GET", "/user/oauth/authorizations", ""), 200) {
		if a["isCurrentAuthorization"] == true {
			secondID = id(a, "id")
		}
	}
	if n := len(decodeList(t, api(t, srv, first.Access, "GET", "/user/oauth/authorizations?filter=isStandard:eq:false", ""), 200)); n != 0 {
		t.Errorf("isStandard:eq:false kept %d standard-client authorizations", n)
	}

	// Revoking the public client's authorizations ends its session only.
	ok(t, api(t, srv, first.Access, "DELETE", "/user/oauth/authorizations/"+srv.PublicClientID, ""), 204)
	wantError(t, api(t, srv, public.Access, "GET", "/user/account", ""), 401, -10012)
	if r := oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {public.Refresh},
		"client_id": {srv.PublicClientID}}); r.status == 200 {
		t.Error("the revoked refresh token still works")
	}
	ok(t, api(t, srv, first.Access, "GET", "/user/account", ""), 200)

	// One authorization by id.
	path := fmt.Sprintf("/user/oauth/authorizations/%s/%d", srv.ClientID, secondID)
	ok(t, api(t, srv, first.Access, "DELETE", path, ""), 204)
	wantError(t, api(t, srv, second.Access, "GET", "/user/account", ""), 401, -10012)
	ok(t, api(t, srv, first.Access, "GET", "/user/account", ""), 200)
	wantError(t, api(t, srv, first.Access, "DELETE", path, ""), 404, -90082)
	wantError(t, api(t, srv, first.Access, "DELETE", "/user/oauth/authorizations/no-such-client", ""), 404, -90080)
	if n := len(decodeList(t, api(t, srv, first.Access, "GET", "/user/oauth/authorizations", ""), 200)); n != 1 {
		t.Errorf("%d authorizations left, want 1", n)
	}
}

func TestOAuthApprovals(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	if got := decodeList(t, api(t, srv, tk, "GET", "/user/oauth/approvals", ""), 200); len(got) != 0 {
		t.Fatalf("approvals before any authorization code: %v", got)
	}
	if _, err := srv.AuthorizationCode(srv.AdminLogin, srv.PublicClientID, ""); err != nil {
		t.Fatal(err)
	}
	got := decodeList(t, api(t, srv, tk, "GET", "/user/oauth/approvals?sort=clientName:asc", ""), 200)
	if len(got) != 1 || got[0]["clientId"] != srv.PublicClientID || got[0]["expiresAt"] == nil {
		t.Fatalf("approvals %v, want the public client's", got)
	}
	ok(t, api(t, srv, tk, "DELETE", "/user/oauth/approvals/"+srv.PublicClientID, ""), 204)
	wantError(t, api(t, srv, tk, "DELETE", "/user/oauth/approvals/"+srv.PublicClientID, ""), 404, -90093)
	if got := decodeList(t, api(t, srv, tk, "GET", "/user/oauth/approvals", ""), 200); len(got) != 0 {
		t.Errorf("approvals after withdrawal: %v", got)
	}
}
