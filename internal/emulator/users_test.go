package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// mustUser creates a local user through the Go seeding API and logs it in.
func mustUser(t *testing.T, srv *dracoontest.Server, login string, roles ...int) (int64, string) {
	t.Helper()
	id, pw, err := srv.CreateUser(login, &dracoontest.UserOptions{Roles: roles, Email: login + "@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return id, loginAs(t, srv, login, pw).Access
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, r.body)
	}
	return v
}

type userItem struct {
	ID        int64  `json:"id"`
	UserName  string `json:"userName"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserRoles struct {
		Items []struct {
			ID int `json:"id"`
		} `json:"items"`
	} `json:"userRoles"`
	AuthData struct {
		Method      string `json:"method"`
		Login       string `json:"login"`
		AdConfigID  *int   `json:"adConfigId"`
		OidConfigID *int   `json:"oidConfigId"`
	} `json:"authData"`
	IsEncryptionEnabled bool `json:"isEncryptionEnabled"`
}

type rangeBody struct {
	Offset, Limit, Total int64
}

type userList struct {
	Range rangeBody  `json:"range"`
	Items []userItem `json:"items"`
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

// TestAdminRolesDecide checks who may read and change users, groups and
// roles: a plain user and a guest get 403 without an error code, each
// manager only its own area.
func TestAdminRolesDecide(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	_, userMgr := mustUser(t, srv, "usermgr", dracoontest.RoleUserManager)
	_, groupMgr := mustUser(t, srv, "groupmgr", dracoontest.RoleGroupManager)
	plainID, plain := mustUser(t, srv, "plain")
	_, guest := mustUser(t, srv, "guest")
	room, err := srv.CreateRoom("Shared", &dracoontest.RoomOptions{AdminIDs: []int64{plainID}})
	if err != nil || room == 0 {
		t.Fatal(err)
	}

	newUser := `{"firstName":"New","lastName":"Person","userName":"new1","notifyUser":false,"authData":{"method":"basic","password":"Secret-123","mustChangePassword":false}}`
	for _, tk := range []string{plain, guest, groupMgr} {
		wantError(t, api(t, srv, tk, "POST", "/users", newUser), 403, 0)
	}
	for _, tk := range []string{plain, guest} {
		wantError(t, api(t, srv, tk, "GET", "/users", ""), 403, 0)
		wantError(t, api(t, srv, tk, "GET", "/groups", ""), 403, 0)
		wantError(t, api(t, srv, tk, "GET", "/roles", ""), 403, 0)
		wantError(t, api(t, srv, tk, "GET", fmt.Sprintf("/users/%d", plainID), ""), 403, 0)
		wantError(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/users/%d", plainID), ""), 403, 0)
		wantError(t, api(t, srv, tk, "POST", "/roles/2/users", fmt.Sprintf(`{"ids":[%d]}`, plainID)), 403, 0)
		// Their own account and profile stay theirs.
		wantStatus(t, api(t, srv, tk, "GET", "/user/account", ""), 200)
		wantStatus(t, api(t, srv, tk, "GET", "/user/profileAttributes", ""), 200)
	}
	wantStatus(t, api(t, srv, userMgr, "POST", "/users", newUser), 201)
	wantError(t, api(t, srv, userMgr, "POST", "/groups", `{"name":"G"}`), 403, 0)
	wantStatus(t, api(t, srv, groupMgr, "POST", "/groups", `{"name":"G"}`), 201)
	wantStatus(t, api(t, srv, groupMgr, "GET", "/users", ""), 200) // to pick members
	wantError(t, api(t, srv, groupMgr, "PUT", fmt.Sprintf("/users/%d", plainID), `{"firstName":"X"}`), 403, 0)
	// A user manager may not hand out a role it does not hold.
	wantError(t, api(t, srv, userMgr, "POST", "/roles/1/users", fmt.Sprintf(`{"ids":[%d]}`, plainID)), 403, 0)
	wantStatus(t, api(t, srv, admin, "POST", "/roles/1/users", fmt.Sprintf(`{"ids":[%d]}`, plainID)), 200)
	// Unknown ids after the role check.
	wantError(t, api(t, srv, admin, "GET", "/users/99999", ""), 404, -70501)
	wantError(t, api(t, srv, admin, "GET", "/groups/99999", ""), 404, -30000)
	wantError(t, api(t, srv, admin, "GET", "/roles/99/users", ""), 404, -71001)
	wantError(t, api(t, srv, admin, "GET", "/users/abc", ""), 400, -80002)
}

// TestCreateUserAndLogIn creates local, Active Directory and OpenID users
// over the API; the local one logs in with its own password.
func TestCreateUserAndLogIn(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access

	r := api(t, srv, admin, "POST", "/users", `{"firstName":"Ada","lastName":"Lovelace","userName":"ada","email":"ada@example.com",
		"receiverLanguage":"de-DE","notifyUser":false,"mfaConfig":{"mfaEnforced":true},
		"authData":{"method":"basic","password":"Analytical-1","mustChangePassword":false}}`)
	wantStatus(t, r, 201)
	ada := decode[userItem](t, r)
	if ada.UserName != "ada" || ada.AuthData.Method != "basic" || ada.AuthData.Login != "ada" {
		t.Fatalf("created user %+v", ada)
	}
	if strings.Contains(string(r.body), "Analytical-1") {
		t.Fatal("the answer shows the password")
	}
	tk := loginAs(t, srv, "ada", "Analytical-1").Access
	acc := api(t, srv, tk, "GET", "/user/account", "").json(t)
	if acc["id"] != float64(ada.ID) || acc["language"] != "de-DE" {
		t.Fatalf("account of the new user: %v", acc)
	}
	bad := oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"wrong-password"}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
	if bad.status != 400 {
		t.Fatalf("wrong password: %d", bad.status)
	}

	// The deprecated request form (login, password, authMethods) still works.
	wantStatus(t, api(t, srv, admin, "POST", "/users", `{"firstName":"Old","lastName":"Style","login":"legacy","password":"Legacy-Pass-1",
		"needsToChangePassword":true,"authMethods":[{"authId":"sql","isEnabled":true,"options":[{"key":"username","value":"legacy"}]}]}`), 201)
	loginAs(t, srv, "legacy", "Legacy-Pass-1")

	r = api(t, srv, admin, "POST", "/users", `{"firstName":"Dir","lastName":"User","userName":"dir","authData":{"method":"active_directory","login":"DOMAIN\\dir"}}`)
	wantStatus(t, r, 201)
	if u := decode[userItem](t, r); u.AuthData.Method != "active_directory" || u.AuthData.Login != `DOMAIN\dir` || u.AuthData.AdConfigID == nil {
		t.Fatalf("AD user %s", r.body)
	}
	r = api(t, srv, admin, "POST", "/users", `{"firstName":"Oid","lastName":"User","userName":"oid","authData":{"method":"openid","login":"oid@idp","oidConfigId":1}}`)
	wantStatus(t, r, 201)
	if u := decode[userItem](t, r); u.AuthData.OidConfigID == nil || *u.AuthData.OidConfigID != 1 {
		t.Fatalf("OpenID user %s", r.body)
	}

	for _, c := range []struct {
		body           string
		status, code   int
		what           string
		skipValidation bool
	}{
		{`{"firstName":"A","lastName":"B","userName":"ADA","notifyUser":false,"authData":{"method":"basic","password":"Long-enough1","mustChangePassword":false}}`, 409, -70564, "duplicate user name", false},
		{`{"firstName":"A","lastName":"B","userName":"x1","notifyUser":false,"authData":{"method":"basic","password":"short","mustChangePassword":false}}`, 400, -10002, "short password", false},
		{`{"firstName":"A","lastName":"B","userName":"x2","notifyUser":false,"authData":{"method":"basic","password":"with<angle>1","mustChangePassword":false}}`, 400, -10002, "forbidden character", false},
		{`{"firstName":"A","lastName":"B","userName":"x3","authData":{"method":"basic","mustChangePassword":false}}`, 400, -80038, "notification without password change", false},
		{`{"firstName":"A","lastName":"B","userName":"x4","expiration":{"enableExpiration":true,"expireAt":"2000-01-01T00:00:00Z"}}`, 400, -80006, "expiry in the past", false},
		{`{"firstName":"","lastName":"B","userName":"x5"}`, 400, -80000, "empty first name", false},
		{`{"firstName":"A","lastName":"B","userName":"x6","email":"not-an-address"}`, 400, -80009, "bad e-mail", false},
		{`{"firstName":"A","lastName":"B","userName":"x7","authData":{"method":"openid","login":"o","oidConfigId":7}}`, 404, -90035, "unknown OpenID provider", false},
		{`{"firstName":"A","lastName":"B","userName":"x8","authData":{"method":"active_directory","login":"a","adConfigId":9}}`, 404, -90050, "unknown AD configuration", false},
		{`{"firstName":"A","lastName":"B","userName":"x9","authData":{"method":"active_directory","login":"DOMAIN\\dir"}}`, 409, -70561, "duplicate AD login", false},
		{`{"firstName":"A","lastName":"B","userName":"x10","authData":{"method":"carrier-pigeon"}}`, 400, -10100, "unknown method", false},
	} {
		t.Run(c.what, func(t *testing.T) {
			wantError(t, api(t, srv, admin, "POST", "/users", c.body), c.status, c.code)
		})
	}

	// The user changes the initial password; the old one stops working.
	wantError(t, api(t, srv, tk, "PUT", "/user/account/password", `{"oldPassword":"wrong-one","newPassword":"Engine-2-works"}`), 401, -10006)
	wantError(t, api(t, srv, tk, "PUT", "/user/account/password", `{"oldPassword":"Analytical-1","newPassword":"short"}`), 400, -10002)
	wantStatus(t, api(t, srv, tk, "PUT", "/user/account/password", `{"oldPassword":"Analytical-1","newPassword":"Engine-2-works"}`), 204)
	tk = loginAs(t, srv, "ada", "Engine-2-works").Access

	// Lock, then delete: the user can no longer log in.
	wantStatus(t, api(t, srv, admin, "PUT", fmt.Sprintf("/users/%d", ada.ID), `{"isLocked":true,"lastName":"Byron"}`), 200)
	if got := api(t, srv, admin, "GET", fmt.Sprintf("/users/%d", ada.ID), "").json(t); got["isLocked"] != true || got["lastName"] != "Byron" {
		t.Fatalf("update not kept: %v", got)
	}
	locked := oauthPost(t, srv, "/oauth/token", url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"Engine-2-works"}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
	if locked.status != 400 {
		t.Fatalf("locked user logged in: %d", locked.status)
	}
	wantError(t, api(t, srv, admin, "PUT", fmt.Sprintf("/users/%d", ada.ID), `{"userName":"dir"}`), 409, -70564)
	wantStatus(t, api(t, srv, admin, "DELETE", fmt.Sprintf("/users/%d", ada.ID), ""), 204)
	wantError(t, api(t, srv, admin, "GET", fmt.Sprintf("/users/%d", ada.ID), ""), 404, -70501)
	wantError(t, api(t, srv, tk, "GET", "/user/account", ""), 401, -10012)
}

// TestUserPagingFilterSort pages over 1,200 users and checks filters
// (including the OR of firstName/lastName) and multi-field sorts.
func TestUserPagingFilterSort(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	const n = 1200
	for i := range n {
		first := []string{"Anna", "Ben", "Cleo"}[i%3]
		if _, _, err := srv.CreateUser(fmt.Sprintf("u%04d", i), &dracoontest.UserOptions{FirstName: first, LastName: fmt.Sprintf("L%04d", n-i), Password: "Password-1"}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]bool{}
	for offset := 0; ; offset += 500 {
		l := decode[userList](t, api(t, srv, admin, "GET", fmt.Sprintf("/users?offset=%d&limit=1000", offset), ""))
		if l.Range.Total != n+1 || l.Range.Limit != 500 {
			t.Fatalf("range %+v, want total %d and the limit clamped to 500", l.Range, n+1)
		}
		for _, u := range l.Items {
			if seen[u.ID] {
				t.Fatalf("user %d on two pages", u.ID)
			}
			seen[u.ID] = true
		}
		if len(l.Items) < 500 {
			break
		}
	}
	if len(seen) != n+1 {
		t.Fatalf("paged over %d users, want %d", len(seen), n+1)
	}

	q := url.Values{"filter": {"userName:cn:u01|firstName:cn:cleo"}, "sort": {"firstName:asc|userName:desc"}, "limit": {"500"}}
	l := decode[userList](t, api(t, srv, admin, "GET", "/users?"+q.Encode(), ""))
	var want []string
	for i := range n {
		if name := fmt.Sprintf("u%04d", i); strings.HasPrefix(name, "u01") && i%3 == 2 {
			want = append(want, name)
		}
	}
	slices.Reverse(want)
	var got []string
	for _, u := range l.Items {
		got = append(got, u.UserName)
	}
	if !slices.Equal(got, want) || l.Range.Total != int64(len(want)) {
		t.Fatalf("filter+sort: got %v (total %d), want %v", got, l.Range.Total, want)
	}
	// firstName and lastName are OR-ed with each other, AND-ed with the rest.
	q = url.Values{"filter": {"firstName:cn:anna|lastName:cn:L0001|userName:cn:u11"}}
	l = decode[userList](t, api(t, srv, admin, "GET", "/users?"+q.Encode(), ""))
	for _, u := range l.Items {
		if !strings.HasPrefix(u.UserName, "u11") || !(u.FirstName == "Anna" || strings.Contains(u.LastName, "L0001")) {
			t.Fatalf("OR group broken: %+v", u)
		}
	}
	if l.Range.Total != 34 { // u1100…u1199: 34 Annas (i%3 == 0); no last name L0001… among them
		t.Fatalf("OR group total %d, want 34", l.Range.Total)
	}
	q = url.Values{"filter": {"userName:cn:u"}, "sort": {"lastName:asc"}, "limit": {"2"}}
	l = decode[userList](t, api(t, srv, admin, "GET", "/users?"+q.Encode(), ""))
	if l.Items[0].UserName != "u1199" || l.Items[1].UserName != "u1198" {
		t.Fatalf("sort by last name: %+v", l.Items)
	}
	// The Python client asks for "/users/?offset=…" (trailing slash).
	if l := decode[userList](t, api(t, srv, admin, "GET", "/users/?offset=1200&filter="+url.QueryEscape("isLocked:eq:false"), "")); l.Range.Total != n+1 || len(l.Items) != 1 {
		t.Fatalf("trailing slash: %+v", l.Range)
	}
	wantError(t, api(t, srv, admin, "GET", "/users?filter="+url.QueryEscape("shoeSize:eq:42"), ""), 400, -92001)
	wantError(t, api(t, srv, admin, "GET", "/users?sort="+url.QueryEscape("shoeSize:asc"), ""), 400, -92001)
	wantError(t, api(t, srv, admin, "GET", "/users?offset=-1", ""), 400, -80024)
}

// TestConcurrentUserCreation creates 50 users at once over the API.
func TestConcurrentUserCreation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	const n = 50
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf(`{"firstName":"C","lastName":"%d","userName":"c%d","notifyUser":false,"authData":{"method":"basic","password":"Parallel-%d","mustChangePassword":false}}`, i, i, i)
			r := api(t, srv, admin, "POST", "/users", body)
			if r.status != 201 {
				t.Errorf("user %d: %d %s", i, r.status, r.body)
				return
			}
			ids[i] = decode[userItem](t, r).ID
		})
	}
	wg.Wait()
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != n || ids[0] == 0 {
		t.Fatalf("ids not unique: %v", ids)
	}
	if l := decode[userList](t, api(t, srv, admin, "GET", "/users?filter="+url.QueryEscape("lastName:cn:"), "")); l.Range.Total != n+1 {
		t.Fatalf("%d users listed, want %d", l.Range.Total, n+1)
	}
	loginAs(t, srv, "c7", "Parallel-7")
}

const (
	testPublicKey  = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n"
	testPrivateKey = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n"
)

func keyPairBody(version, public, private string) string {
	b, _ := json.Marshal(map[string]any{
		"privateKeyContainer": map[string]string{"version": version, "privateKey": private},
		"publicKeyContainer":  map[string]string{"version": version, "publicKey": public},
	})
	return string(b)
}

// TestKeyPairsByVersion sets, reads and deletes key pairs by version; the
// containers come back exactly as given.
func TestKeyPairsByVersion(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	_, tk := mustUser(t, srv, "crypto")

	wantError(t, api(t, srv, tk, "GET", "/user/account/keypair", ""), 404, -70020)
	if r := api(t, srv, tk, "GET", "/user/account/keypairs", ""); r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Fatalf("no key pairs: %d %s", r.status, r.body)
	}
	wantStatus(t, api(t, srv, tk, "POST", "/user/account/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 204)
	wantError(t, api(t, srv, tk, "POST", "/user/account/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 409, -70021)
	wantStatus(t, api(t, srv, tk, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey+" ", testPrivateKey)), 204)

	type container struct {
		Private struct{ Version, PrivateKey string } `json:"privateKeyContainer"`
		Public  struct{ Version, PublicKey string }  `json:"publicKeyContainer"`
	}
	got := decode[container](t, api(t, srv, tk, "GET", "/user/account/keypair?version=RSA-4096", ""))
	if got.Public.Version != "RSA-4096" || got.Public.PublicKey != testPublicKey+" " || got.Private.PrivateKey != testPrivateKey {
		t.Fatalf("RSA-4096 pair %+v", got)
	}
	if all := decode[[]container](t, api(t, srv, tk, "GET", "/user/account/keypairs", "")); len(all) != 2 {
		t.Fatalf("%d key pairs, want 2", len(all))
	}
	if acc := api(t, srv, tk, "GET", "/user/account", "").json(t); acc["isEncryptionEnabled"] != true {
		t.Errorf("account does not report encryption: %v", acc["isEncryptionEnabled"])
	}
	wantStatus(t, api(t, srv, tk, "DELETE", "/user/account/keypair?version=A", ""), 204)
	wantError(t, api(t, srv, tk, "GET", "/user/account/keypair?version=A", ""), 404, -70020)
	wantStatus(t, api(t, srv, tk, "GET", "/user/account/keypair?version=RSA-4096", ""), 200)
	wantError(t, api(t, srv, tk, "GET", "/user/account/keypair?version=B", ""), 400, -70022)
	wantStatus(t, api(t, srv, tk, "DELETE", "/user/account/keypair", ""), 204) // the only pair left
	wantError(t, api(t, srv, tk, "DELETE", "/user/account/keypair", ""), 404, -70020)

	wantError(t, api(t, srv, tk, "POST", "/user/account/keypair", keyPairBody("A", "not a key", testPrivateKey)), 400, -70022)
	wantError(t, api(t, srv, tk, "POST", "/user/account/keypair", keyPairBody("A", testPublicKey, "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----")), 400, -70023)
	wantError(t, api(t, srv, tk, "POST", "/user/account/keypair", `{"publicKeyContainer":{"version":"A","publicKey":"x"}}`), 400, -70022)

	if g := api(t, srv, tk, "GET", "/config/info/general", "").json(t); g["cryptoEnabled"] != true {
		t.Errorf("encryption is not on by default: %v", g["cryptoEnabled"])
	}
	off := newServer(t, dracoontest.WithCrypto(false))
	if g := api(t, off, login(t, off).Access, "GET", "/config/info/general", "").json(t); g["cryptoEnabled"] != false {
		t.Errorf("WithCrypto(false) left encryption on")
	}
	wantError(t, api(t, off, login(t, off).Access, "POST", "/user/account/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 400, -70027)
}

type groupBody struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	CntUsers int    `json:"cntUsers"`
}

// TestGroupMembershipRoundTrip creates a group, adds and removes members
// and reads the membership from both sides.
func TestGroupMembershipRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	a, _ := mustUser(t, srv, "alice")
	b, _ := mustUser(t, srv, "bob")

	r := api(t, srv, admin, "POST", "/groups", `{"name":"Team Ä"}`)
	wantStatus(t, r, 201)
	g := decode[groupBody](t, r)
	wantError(t, api(t, srv, admin, "POST", "/groups", `{"name":"team ä"}`), 409, 0)
	wantError(t, api(t, srv, admin, "POST", "/groups", `{"name":"  "}`), 400, -80000)

	path := fmt.Sprintf("/groups/%d/users", g.ID)
	r = api(t, srv, admin, "POST", path, fmt.Sprintf(`{"ids":[%d,%d]}`, a, b))
	wantStatus(t, r, 200)
	if got := decode[groupBody](t, r); got.CntUsers != 2 || got.Name != "Team Ä" {
		t.Fatalf("after adding: %+v", got)
	}
	wantError(t, api(t, srv, admin, "POST", path, fmt.Sprintf(`{"ids":[%d]}`, a)), 400, -70510)
	wantError(t, api(t, srv, admin, "POST", path, `{"ids":[424242]}`), 404, -70501)
	type member struct {
		UserInfo struct{ ID int64 } `json:"userInfo"`
		IsMember bool               `json:"isMember"`
	}
	type memberList struct {
		Range rangeBody `json:"range"`
		Items []member  `json:"items"`
	}
	if l := decode[memberList](t, api(t, srv, admin, "GET", path, "")); l.Range.Total != 2 {
		t.Fatalf("members %+v", l)
	}
	if l := decode[memberList](t, api(t, srv, admin, "GET", path+"?filter="+url.QueryEscape("isMember:eq:false"), "")); l.Range.Total != 1 || l.Items[0].IsMember {
		t.Fatalf("non-members %+v (only the admin)", l)
	}
	if l := decode[memberList](t, api(t, srv, admin, "GET", path+"?filter="+url.QueryEscape("isMember:eq:any|user:cn:alic"), "")); l.Range.Total != 1 || l.Items[0].UserInfo.ID != a {
		t.Fatalf("user filter %+v", l)
	}
	type userGroups struct {
		Items []struct {
			ID       int64 `json:"id"`
			IsMember bool  `json:"isMember"`
		} `json:"items"`
	}
	if ug := decode[userGroups](t, api(t, srv, admin, "GET", fmt.Sprintf("/users/%d/groups", a), "")); len(ug.Items) != 1 || ug.Items[0].ID != g.ID {
		t.Fatalf("alice's groups %+v", ug)
	}
	r = api(t, srv, admin, "DELETE", path, fmt.Sprintf(`{"ids":[%d]}`, a))
	wantStatus(t, r, 200)
	if got := decode[groupBody](t, r); got.CntUsers != 1 {
		t.Fatalf("after removing: %+v", got)
	}
	if ug := decode[userGroups](t, api(t, srv, admin, "GET", fmt.Sprintf("/users/%d/groups", a), "")); len(ug.Items) != 0 {
		t.Fatalf("alice still in %+v", ug)
	}
	wantStatus(t, api(t, srv, admin, "PUT", fmt.Sprintf("/groups/%d", g.ID), `{"name":"Renamed"}`), 200)
	if gl := decode[struct{ Items []groupBody }](t, api(t, srv, admin, "GET", "/groups?filter="+url.QueryEscape("name:cn:renam")+"&sort="+url.QueryEscape("cntUsers:desc|name:asc"), "")); len(gl.Items) != 1 || gl.Items[0].Name != "Renamed" {
		t.Fatalf("group list %+v", gl)
	}
	wantStatus(t, api(t, srv, admin, "DELETE", fmt.Sprintf("/groups/%d", g.ID), ""), 204)
	wantError(t, api(t, srv, admin, "GET", fmt.Sprintf("/groups/%d", g.ID), ""), 404, -30000)
}

// TestRoleAssignmentRoundTrip grants roles to users and groups, sees the
// rights take effect, and keeps the last holder of a role.
func TestRoleAssignmentRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	u, tk := mustUser(t, srv, "carol")

	roles := decode[struct {
		Items []struct {
			ID    int    `json:"id"`
			Name  string `json:"name"`
			Items []struct{ Name string }
		}
	}](t, api(t, srv, admin, "GET", "/roles", ""))
	if len(roles.Items) != 6 || roles.Items[1].Name != "USER_MANAGER" || len(roles.Items[1].Items) == 0 {
		t.Fatalf("roles %+v", roles)
	}

	wantError(t, api(t, srv, tk, "POST", "/groups", `{"name":"Mine"}`), 403, 0)
	r := api(t, srv, admin, "POST", "/roles/3/users", fmt.Sprintf(`{"ids":[%d]}`, u))
	wantStatus(t, r, 200)
	type roleUsers struct {
		Items []struct {
			UserInfo struct{ ID int64 } `json:"userInfo"`
		} `json:"items"`
	}
	has := func(l roleUsers, id int64) bool {
		return slices.ContainsFunc(l.Items, func(it struct {
			UserInfo struct{ ID int64 } `json:"userInfo"`
		}) bool {
			return it.UserInfo.ID == id
		})
	}
	if !has(decode[roleUsers](t, r), u) || !has(decode[roleUsers](t, api(t, srv, admin, "GET", "/roles/3/users", "")), u) {
		t.Fatalf("carol not listed as group manager: %s", r.body)
	}
	wantStatus(t, api(t, srv, tk, "POST", "/groups", `{"name":"Mine"}`), 201)
	wantStatus(t, api(t, srv, admin, "DELETE", "/roles/3/users", fmt.Sprintf(`{"ids":[%d]}`, u)), 200)
	wantError(t, api(t, srv, tk, "POST", "/groups", `{"name":"Mine 2"}`), 403, 0)

	// A role held through a group.
	gid, err := srv.CreateGroup("Managers", []int64{u})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv, tk, "GET", "/users", ""), 403, 0)
	r = api(t, srv, admin, "POST", "/roles/2/groups", fmt.Sprintf(`{"ids":[%d]}`, gid))
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.body), `"name":"Managers"`) {
		t.Fatalf("role groups %s", r.body)
	}
	wantStatus(t, api(t, srv, tk, "GET", "/users", ""), 200)
	if !strings.Contains(string(api(t, srv, tk, "GET", "/user/account", "").body), `"USER_MANAGER"`) {
		t.Error("the account does not show the role held through the group")
	}
	hasRole := func(path string) bool {
		return slices.ContainsFunc(decode[userItem](t, api(t, srv, admin, "GET", path, "")).UserRoles.Items, func(it struct {
			ID int `json:"id"`
		}) bool {
			return it.ID == 2
		})
	}
	if hasRole(fmt.Sprintf("/users/%d", u)) || !hasRole(fmt.Sprintf("/users/%d?effective_roles=true", u)) {
		t.Fatal("effective_roles does not add the group's role (or the direct roles show it)")
	}
	l := decode[userList](t, api(t, srv, admin, "GET", "/users?filter="+url.QueryEscape("hasRole:eq:USER_MANAGER|effectiveRoles:eq:true"), ""))
	if l.Range.Total != 2 {
		t.Fatalf("effective user managers: %+v", l.Items)
	}
	wantStatus(t, api(t, srv, admin, "DELETE", "/roles/2/groups", fmt.Sprintf(`{"ids":[%d]}`, gid)), 200)
	wantError(t, api(t, srv, tk, "GET", "/users", ""), 403, 0)

	// The admin is the only config manager: the role must keep a holder.
	wantError(t, api(t, srv, admin, "DELETE", "/roles/1/users", fmt.Sprintf(`{"ids":[%d]}`, srv.AdminID)), 400, -71006)
	wantError(t, api(t, srv, admin, "DELETE", fmt.Sprintf("/users/%d", srv.AdminID), ""), 400, -71006)
}

// TestLastAdminRooms protects a room's last admin from deletion and lists
// such rooms.
func TestLastAdminRooms(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	dave, _ := mustUser(t, srv, "dave")
	erin, _ := mustUser(t, srv, "erin")
	only, err := srv.CreateRoom("Only Dave", &dracoontest.RoomOptions{AdminIDs: []int64{dave}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CreateRoom("Both", &dracoontest.RoomOptions{AdminIDs: []int64{dave, erin}}); err != nil {
		t.Fatal(err)
	}
	type lastAdmin struct {
		Items []struct {
			ID               int64  `json:"id"`
			ParentPath       string `json:"parentPath"`
			LastAdminInGroup bool   `json:"lastAdminInGroup"`
		} `json:"items"`
	}
	la := decode[lastAdmin](t, api(t, srv, admin, "GET", fmt.Sprintf("/users/%d/last_admin_rooms", dave), ""))
	if len(la.Items) != 1 || la.Items[0].ID != only || la.Items[0].ParentPath != "/" || la.Items[0].LastAdminInGroup {
		t.Fatalf("dave's last admin rooms %+v", la)
	}
	if la := decode[lastAdmin](t, api(t, srv, admin, "GET", fmt.Sprintf("/users/%d/last_admin_rooms", erin), "")); len(la.Items) != 0 {
		t.Fatalf("erin is nobody's last admin: %+v", la)
	}
	wantError(t, api(t, srv, admin, "DELETE", fmt.Sprintf("/users/%d", dave), ""), 400, -40006)
	// An expiring user does not count as an admin that remains.
	wantError(t, api(t, srv, admin, "PUT", fmt.Sprintf("/users/%d", dave),
		`{"expiration":{"enableExpiration":true,"expireAt":"`+time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339)+`"}}`), 400, -40006)
	rooms := decode[struct {
		Range rangeBody
		Items []struct {
			ID          int64
			IsGranted   bool
			Permissions struct{ Manage bool }
		}
	}](t, api(t, srv, admin, "GET", fmt.Sprintf("/users/%d/rooms?filter=%s", erin, url.QueryEscape("isGranted:eq:any")), ""))
	if rooms.Range.Total != 2 {
		t.Fatalf("erin's rooms (any) %+v", rooms)
	}
	for _, it := range rooms.Items {
		if it.IsGranted != (it.ID != only) || it.IsGranted != it.Permissions.Manage {
			t.Errorf("room %+v", it)
		}
	}
	wantStatus(t, api(t, srv, admin, "DELETE", fmt.Sprintf("/users/%d", erin), ""), 204)
}

// TestAttributes covers user attributes (user managers) and profile
// attributes (the user's own).
func TestAttributes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	id, tk := mustUser(t, srv, "frank")
	path := fmt.Sprintf("/users/%d/userAttributes", id)

	r := api(t, srv, admin, "PUT", path, `{"items":[{"key":"dept","value":"R&D"},{"key":"Cost_Center","value":"42"}]}`)
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.body), `"key":"dept"`) {
		t.Fatalf("user data without the attribute: %s", r.body)
	}
	wantStatus(t, api(t, srv, admin, "PUT", path, `{"items":[{"key":"DEPT","value":"Ops"}]}`), 200)
	type attrs struct {
		Range rangeBody `json:"range"`
		Items []struct{ Key, Value string }
	}
	got := decode[attrs](t, api(t, srv, admin, "GET", path+"?filter="+url.QueryEscape("key:sw:de")+"&sort="+url.QueryEscape("value:desc"), ""))
	if got.Range.Total != 1 || got.Items[0].Value != "Ops" {
		t.Fatalf("merged attribute %+v", got)
	}
	wantError(t, api(t, srv, admin, "PUT", path, `{"items":[{"key":"bad key","value":"x"}]}`), 400, -80023)
	wantError(t, api(t, srv, admin, "PUT", path, `{"items":[{"key":"a","value":"1"},{"key":"A","value":"2"}]}`), 400, -80015)
	wantStatus(t, api(t, srv, admin, "POST", path, `{"items":[{"key":"only","value":"1"}]}`), 201)
	if got := decode[attrs](t, api(t, srv, admin, "GET", path, "")); got.Range.Total != 1 {
		t.Fatalf("POST did not replace: %+v", got)
	}
	wantStatus(t, api(t, srv, admin, "DELETE", path+"/only", ""), 200)
	wantError(t, api(t, srv, admin, "DELETE", path+"/only", ""), 404, -70550)
	wantError(t, api(t, srv, tk, "PUT", path, `{"items":[{"key":"x","value":"1"}]}`), 403, 0)

	wantStatus(t, api(t, srv, tk, "PUT", "/user/profileAttributes", `{"items":[{"key":"theme","value":"dark"},{"key":"lang","value":"de"}]}`), 200)
	if got := decode[attrs](t, api(t, srv, tk, "GET", "/user/profileAttributes?sort="+url.QueryEscape("key:asc")+"&limit=1", "")); got.Range.Total != 2 || got.Items[0].Key != "lang" {
		t.Fatalf("profile attributes %+v", got)
	}
	wantStatus(t, api(t, srv, tk, "DELETE", "/user/profileAttributes/theme", ""), 204)
	wantError(t, api(t, srv, tk, "DELETE", "/user/profileAttributes/theme", ""), 404, -70550)
	// Profile attributes are per user.
	if got := decode[attrs](t, api(t, srv, admin, "GET", "/user/profileAttributes", "")); got.Range.Total != 0 {
		t.Fatalf("admin sees frank's profile: %+v", got)
	}
}

// TestRecordedKeyPair stores the key pair of a recorded DRACOON answer
// (user/dco3/keypair_ok.json, real PEM text) and gets it back unchanged.
func TestRecordedKeyPair(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(testutil.SharedTestdataDir(t), "api", "user", "dco3", "keypair_ok.json"))
	if err != nil {
		t.Fatal(err)
	}
	type container struct {
		Private struct {
			Version    string `json:"version"`
			PrivateKey string `json:"privateKey"`
		} `json:"privateKeyContainer"`
		Public struct {
			Version   string `json:"version"`
			PublicKey string `json:"publicKey"`
		} `json:"publicKeyContainer"`
	}
	var recorded container
	if err := json.Unmarshal(data, &recorded); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t)
	_, tk := mustUser(t, srv, "kim")
	body, _ := json.Marshal(recorded) // without createdAt/createdBy: the server sets them
	wantStatus(t, api(t, srv, tk, "POST", "/user/account/keypair", string(body)), 204)
	// The Python client's form of the request: /keypair/?version=….
	got := decode[container](t, api(t, srv, tk, "GET", "/user/account/keypair/?version="+recorded.Public.Version, ""))
	if got != recorded {
		t.Fatal("the stored key pair differs from the one sent")
	}
}
