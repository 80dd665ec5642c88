package emulator_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// TestSettingsAndSystemConfig: customer settings and the system
// configuration areas store and return, and the info endpoints read the
// same state.
func TestSettingsAndSystemConfig(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access

	var s struct {
		HomeRoomsActive    bool
		HomeRoomParentName string
		HomeRoomQuota      int64
	}
	expect(t, api(t, srv, tok, "GET", "/settings", ""), 200, &s)
	if s.HomeRoomsActive {
		t.Fatalf("home rooms active by default: %+v", s)
	}
	expect(t, api(t, srv, tok, "PUT", "/settings", `{"homeRoomsActive":true,"homeRoomParentName":"Homes","homeRoomQuota":1048576}`), 200, &s)
	if !s.HomeRoomsActive || s.HomeRoomParentName != "Homes" || s.HomeRoomQuota != 1048576 {
		t.Errorf("settings: %+v", s)
	}
	var gen struct{ HomeRoomsActive bool }
	expect(t, api(t, srv, tok, "GET", "/config/info/general", ""), 200, &gen)
	if !gen.HomeRoomsActive {
		t.Error("general settings info does not show home rooms active")
	}
	wantError(t, api(t, srv, tok, "PUT", "/settings", `{"homeRoomsActive":false}`), 400, -90001)

	var d struct {
		LanguageDefault                      string
		DownloadShareDefaultExpirationPeriod int
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/defaults", `{"languageDefault":"de-DE","downloadShareDefaultExpirationPeriod":7}`), 200, &d)
	expect(t, api(t, srv, tok, "GET", "/config/info/defaults", ""), 200, &d)
	if d.LanguageDefault != "de-DE" || d.DownloadShareDefaultExpirationPeriod != 7 {
		t.Errorf("defaults info after update: %+v", d)
	}
	wantError(t, api(t, srv, tok, "PUT", "/system/config/settings/defaults", `{"downloadShareDefaultExpirationPeriod":"x"}`), 400, -80002)

	var g struct{ EulaEnabled, CryptoEnabled bool }
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/general", `{"eulaEnabled":true}`), 200, &g)
	if !g.EulaEnabled {
		t.Errorf("general: %+v", g)
	}
	wantError(t, api(t, srv, tok, "PUT", "/system/config/settings/general", `{"cryptoEnabled":false}`), 400, -90010)

	for _, p := range []string{"/system/config/settings/auth", "/system/config/settings/eventlog", "/system/config/settings/syslog",
		"/system/config/settings/infrastructure", "/system/config/storage/s3", "/system/config/auth/ads", "/system/config/auth/openid/idps",
		"/config/info/license", "/config/info/notifications/channels", "/settings/notifications/channels"} {
		expect(t, api(t, srv, tok, "GET", p, ""), 200, nil)
	}
	var auth struct {
		AuthMethods []struct {
			Name      string
			IsEnabled bool
			Priority  int
		}
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/auth", `{"authMethods":[{"name":"basic","isEnabled":true,"priority":2},{"name":"openid","isEnabled":true,"priority":1}]}`), 200, &auth)
	if len(auth.AuthMethods) != 2 || auth.AuthMethods[1].Name != "openid" || !auth.AuthMethods[1].IsEnabled || auth.AuthMethods[1].Priority != 1 {
		t.Errorf("auth methods: %+v", auth)
	}
	wantError(t, api(t, srv, tok, "PUT", "/system/config/settings/auth", `{"authMethods":[1,2]}`), 400, -92001)
	wantError(t, api(t, srv, tok, "PUT", "/system/config/settings/auth", `{"authMethods":[{"name":"basic","priority":"high"}]}`), 400, -80002)

	var syslog struct {
		Enabled bool
		Host    string
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/syslog", `{"enabled":true,"host":"log.example.invalid"}`), 200, &syslog)
	if !syslog.Enabled || syslog.Host != "log.example.invalid" {
		t.Errorf("syslog: %+v", syslog)
	}

	var s3 map[string]any
	expect(t, api(t, srv, tok, "PUT", "/system/config/storage/s3", `{"accessKey":"AK","secretKey":"SK","bucketUrl":"https://bucket.example.invalid"}`), 200, &s3)
	if s3["accessKeyDefined"] != true || s3["secretKeyDefined"] != true || s3["accessKey"] != nil {
		t.Errorf("S3 config keeps secrets write-only: %v", s3)
	}

	var ad struct {
		ID    int64
		Alias string
	}
	expect(t, api(t, srv, tok, "POST", "/system/config/auth/ads",
		`{"alias":"corp","serverIp":"10.0.0.1","serverPort":636,"serverAdminName":"cn=admin","serverAdminPassword":"pw","ldapUsersDomain":"corp.invalid","userFilter":"(uid=*)","useLdaps":true}`), 201, &ad)
	expect(t, api(t, srv, tok, "PUT", fmt.Sprintf("/system/config/auth/ads/%d", ad.ID), `{"alias":"corp2"}`), 200, &ad)
	if ad.Alias != "corp2" {
		t.Errorf("AD update: %+v", ad)
	}
	if r := api(t, srv, tok, "DELETE", fmt.Sprintf("/system/config/auth/ads/%d", ad.ID), ""); r.status != 204 {
		t.Errorf("AD delete: %d", r.status)
	}
	wantError(t, api(t, srv, tok, "GET", fmt.Sprintf("/system/config/auth/ads/%d", ad.ID), ""), 404, -90050)

	wantError(t, api(t, srv, tok, "GET", "/system/config/auth/radius", ""), 404, 0)
	expect(t, api(t, srv, tok, "POST", "/system/config/auth/radius", `{"ipAddress":"10.0.0.2","port":1812,"sharedSecret":"x"}`), 201, nil)
	expect(t, api(t, srv, tok, "PUT", "/system/config/auth/radius", `{"otpPinFirst":true}`), 200, nil)
	if r := api(t, srv, tok, "DELETE", "/system/config/auth/radius", ""); r.status != 204 {
		t.Errorf("RADIUS delete: %d", r.status)
	}

	var idp struct {
		ID   int64
		Name string
	}
	expect(t, api(t, srv, tok, "POST", "/system/config/auth/openid/idps",
		`{"name":"idp","issuer":"https://idp.invalid","authorizationEndPointUrl":"https://idp.invalid/a","tokenEndPointUrl":"https://idp.invalid/t","userInfoEndPointUrl":"https://idp.invalid/u","jwksEndPointUrl":"https://idp.invalid/j","clientId":"c","clientSecret":"s","scopes":["openid"],"redirectUris":["https://app.invalid/cb"],"mappingClaim":"email"}`), 201, &idp)
	expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/system/config/auth/openid/idps/%d", idp.ID), ""), 200, &idp)
	if idp.Name != "idp" {
		t.Errorf("IdP: %+v", idp)
	}
	wantError(t, api(t, srv, tok, "POST", "/system/config/auth/openid/idps", `{"name":"incomplete"}`), 400, -80000)
	expect(t, api(t, srv, tok, "POST", "/system/config/actions/test/ad",
		`{"serverIp":"10.0.0.1","serverPort":389,"serverAdminName":"a","serverAdminPassword":"b","ldapUsersDomain":"d"}`), 200, nil)
	expect(t, api(t, srv, tok, "PUT", "/settings/notifications/channels", `{"channelId":1,"isEnabled":false}`), 200, nil)

	var tag struct{ ID int64 }
	expect(t, api(t, srv, tok, "POST", "/system/config/storage/s3/tags", `{"key":"cost","value":"42","isMandatory":true}`), 201, &tag)
	var tags struct {
		Items []struct{ Key string }
	}
	expect(t, api(t, srv, tok, "GET", "/config/info/s3_tags", ""), 200, &tags)
	if len(tags.Items) != 1 || tags.Items[0].Key != "cost" {
		t.Errorf("S3 tags info: %+v", tags)
	}
}

// TestOAuthClientAdministration: a client created through the API can log
// in at once; a disabled one cannot; the standard clients cannot be
// changed; deleting a client ends its tokens.
func TestOAuthClientAdministration(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientName":"weak","grantTypes":["password"],"clientSecret":"short"}`), 400, -10002)
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientName":"cc","grantTypes":["client_credentials"]}`), 400, -90083)
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientName":"rt","grantTypes":["refresh_token"]}`), 400, -90091)
	var c struct {
		ClientID, ClientSecret, ClientType string
		IsEnabled, IsStandard              bool
		AccessTokenValidity                int64
	}
	expect(t, api(t, srv, tok, "POST", "/system/config/oauth/clients",
		`{"clientId":"my-script","clientName":"My script","grantTypes":["password","refresh_token"],"accessTokenValidity":600}`), 201, &c)
	if c.ClientID != "my-script" || len(c.ClientSecret) < 12 || c.ClientType != "confidential" || !c.IsEnabled || c.IsStandard || c.AccessTokenValidity != 600 {
		t.Fatalf("created client: %+v", c)
	}
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientId":"my-script","clientName":"Other","grantTypes":["password"]}`), 409, -90081)
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientName":"my script","grantTypes":["password"]}`), 409, -90087)

	grant := func() response {
		return oauthPost(t, srv, "/oauth/token", map[string][]string{"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword}},
			basic("my-script", c.ClientSecret, base64.StdEncoding))
	}
	issued := decodeTokens(t, grant())
	if issued.ExpiresIn != 600 {
		t.Errorf("the client's access token validity is not used: %d", issued.ExpiresIn)
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/oauth/clients/my-script", `{"grantTypes":["password"],"isEnabled":false}`), 200, &c)
	if c.IsEnabled {
		t.Error("client still enabled")
	}
	if r := grant(); r.status != 400 || !strings.Contains(string(r.body), "invalid_client") {
		t.Errorf("a disabled client logged in: %d %s", r.status, r.body)
	}
	var list []struct{ ClientID string }
	expect(t, api(t, srv, tok, "GET", "/system/config/oauth/clients?filter=isEnabled:eq:false", ""), 200, &list)
	if len(list) != 1 || list[0].ClientID != "my-script" {
		t.Errorf("disabled clients: %+v", list)
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/oauth/clients/my-script", `{"grantTypes":["password"],"isEnabled":true}`), 200, nil)
	issued = decodeTokens(t, grant())
	wantError(t, api(t, srv, tok, "PUT", "/system/config/oauth/clients/"+srv.ClientID, `{"grantTypes":["password"]}`), 403, -90088)
	wantError(t, api(t, srv, tok, "DELETE", "/system/config/oauth/clients/"+srv.PublicClientID, ""), 403, -90088)
	if r := api(t, srv, tok, "DELETE", "/system/config/oauth/clients/my-script", ""); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, issued.Access, "GET", "/user/account", ""), 401, -10012)
	wantError(t, api(t, srv, tok, "GET", "/system/config/oauth/clients/my-script", ""), 404, -90080)
	c.ClientSecret = ""
	expect(t, api(t, srv, tok, "GET", "/system/config/oauth/clients/"+srv.PublicClientID, ""), 200, &c)
	if !c.IsStandard || c.ClientType != "public" || c.ClientSecret != "" {
		t.Errorf("the public standard client: %+v", c)
	}
	expect(t, api(t, srv, "", "GET", "/public/system/info/license", ""), 200, nil)
}

// TestSystemRescueKeyPair: a config manager sets the system rescue key
// pair, which switches encryption on; users with a key pair read it.
func TestSystemRescueKeyPair(t *testing.T) {
	srv := newServer(t, dracoontest.WithCrypto(false))
	tok := login(t, srv).Access
	var gen struct{ CryptoEnabled bool }
	expect(t, api(t, srv, tok, "GET", "/config/info/general", ""), 200, &gen)
	if gen.CryptoEnabled {
		t.Fatal("crypto on although switched off")
	}
	// Reading needs an own key pair.
	wantError(t, api(t, srv, tok, "GET", "/settings/keypair", ""), 401, -10006)
	wantError(t, api(t, srv, tok, "GET", "/settings/keypairs", ""), 403, -70020)
	if r := api(t, srv, tok, "POST", "/settings/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)); r.status != 204 {
		t.Fatalf("set rescue key pair: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, tok, "POST", "/settings/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 400, -70025)
	expect(t, api(t, srv, tok, "GET", "/config/info/general", ""), 200, &gen)
	if !gen.CryptoEnabled {
		t.Error("setting the rescue key pair did not switch encryption on")
	}
	if r := api(t, srv, tok, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)); r.status != 204 {
		t.Fatalf("own key pair: %d %s", r.status, r.body)
	}
	var kp struct {
		PublicKeyContainer struct{ Version, PublicKey string }
	}
	expect(t, api(t, srv, tok, "GET", "/settings/keypair?version=RSA-4096", ""), 200, &kp)
	if kp.PublicKeyContainer.PublicKey != testPublicKey {
		t.Errorf("rescue key pair: %+v", kp)
	}
	var all []any
	expect(t, api(t, srv, tok, "GET", "/settings/keypairs", ""), 200, &all)
	if len(all) != 1 {
		t.Errorf("%d rescue key pairs", len(all))
	}
	// Migration: a pair of another version, keeping the old private key.
	migrate := `{"privateKeyContainer":{"version":"A","privateKey":` + fmt.Sprintf("%q", testPrivateKey) + `},"publicKeyContainer":{"version":"A","publicKey":` +
		fmt.Sprintf("%q", testPublicKey) + `},"previousPrivateKey":{"version":"RSA-4096","privateKey":` + fmt.Sprintf("%q", testPrivateKey) + `}}`
	if r := api(t, srv, tok, "POST", "/settings/keypairs", migrate); r.status != 204 {
		t.Fatalf("migrate: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, tok, "POST", "/settings/keypairs", migrate), 400, -70021)
	expect(t, api(t, srv, tok, "GET", "/settings/keypairs", ""), 200, &all)
	if len(all) != 2 {
		t.Errorf("%d rescue key pairs after the migration", len(all))
	}
	if r := api(t, srv, tok, "DELETE", "/settings/keypair?version=A", ""); r.status != 204 {
		t.Fatalf("delete A: %d %s", r.status, r.body)
	}
	if _, err := srv.AddUser("noconfig", "Noconfig-pass-1"); err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv, loginAs(t, srv, "noconfig", "Noconfig-pass-1").Access, "POST", "/settings/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 403, 0)
	if r := api(t, srv, tok, "DELETE", "/settings/keypair?version=RSA-4096", ""); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, tok, "GET", "/settings/keypair", ""), 400, -70020)
	wantError(t, api(t, srv, tok, "POST", "/settings/keypairs", `{"privateKeyContainer":{"version":"A","privateKey":"x"},"publicKeyContainer":{"version":"A","publicKey":"y"},"previousPrivateKey":{"version":"RSA-4096","privateKey":"z"}}`), 400, -90020)
}
