package dracoon

import (
	"context"
	"strings"
	"testing"
)

const (
	adJSON     = `{"id":3,"alias":"corp","serverIp":"10.0.0.1","serverPort":636,"serverAdminName":"admin","ldapUsersDomain":"dc=corp","userFilter":"(objectClass=person)","userImport":true,"adExportGroup":"all","useLdaps":true}`
	idpJSON    = `{"id":4,"name":"idp","issuer":"https://idp.example","clientId":"cid","flow":"authorization_code","scopes":["openid"],"redirectUris":["https://d.example/cb"],"mappingClaim":"email"}`
	radiusJSON = `{"ipAddress":"10.0.0.2","port":1812,"sharedSecret":"radius-shared-1","otpPinFirst":true,"failoverServer":{"failoverEnabled":false,"failoverIpAddress":"","failoverPort":0}}`
	s3JSON     = `{"bucketUrl":"https://s3.example/b","accessKeyDefined":true,"secretKeyDefined":true,"region":"eu"}`
	policyJSON = `{"loginPasswordPolicies":{"characterRules":{"mustContainCharacters":["alpha","numeric"],"numberOfCharacteristicsToEnforce":2},"minLength":12,
"rejectDictionaryWords":true,"rejectUserInfo":true,"rejectKeyboardPatterns":true,"numberOfArchivedPasswords":3,"passwordExpiration":{"enabled":false},
"userLockout":{"enabled":true,"maxNumberOfLoginFailures":5,"lockoutPeriod":10},"updatedAt":"2030-01-01T00:00:00Z","updatedBy":{"id":1,"userType":"internal","avatarUuid":"a","userName":"u","firstName":"f","lastName":"l"}}}`
	oauthClientJSON = `{"clientId":"app","clientSecret":"generated-secret-9","clientName":"App","clientType":"confidential","isStandard":false,"isExternal":true,"isEnabled":true,"grantTypes":["authorization_code","refresh_token"],"redirectUris":["https://app.example/cb"],"accessTokenValidity":3600}`
)

func TestSystemSettingsEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"defaults", "GET /api/v4/system/config/settings/defaults", fakeCall{answer: `{"languageDefault":"de-DE","downloadShareDefaultExpirationPeriod":30}`},
			func(t *testing.T, c *Client) error {
				d, err := c.System.Defaults(ctx)
				return firstError(err, expect(err == nil && d.LanguageDefault == "de-DE" && d.DownloadShareDefaultExpirationPeriod == 30, "%+v", d))
			}},
		{"update defaults", "PUT /api/v4/system/config/settings/defaults", fakeCall{body: `{"languageDefault":"en-US","fileDefaultExpirationPeriod":0,"nonmemberViewerDefault":true}`, answer: `{}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateDefaults(ctx, &UpdateSystemDefaultsRequest{LanguageDefault: ptrTo("en-US"), FileDefaultExpirationPeriod: ptrTo(0), NonmemberViewerDefault: ptrTo(true)})
				return err
			}},
		{"general", "GET /api/v4/system/config/settings/general", fakeCall{answer: `{"cryptoEnabled":true,"authTokenRestrictions":{"restrictionEnabled":true,"accessTokenValidity":600}}`},
			func(t *testing.T, c *Client) error {
				g, err := c.System.General(ctx)
				return firstError(err, expect(err == nil && g.CryptoEnabled && g.AuthTokenRestrictions.AccessTokenValidity == 600, "%+v", g))
			}},
		{"update general", "PUT /api/v4/system/config/settings/general", fakeCall{body: `{"cryptoEnabled":true,"authTokenRestrictions":{"overwriteEnabled":true,"accessTokenValidity":900}}`, answer: `{}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateGeneral(ctx, &UpdateGeneralSettingsRequest{CryptoEnabled: ptrTo(true), AuthTokenRestrictions: &UpdateAuthTokenRestrictions{OverwriteEnabled: true, AccessTokenValidity: 900}})
				return err
			}},
		{"auth", "GET /api/v4/system/config/settings/auth", fakeCall{answer: `{"authMethods":[{"name":"basic","isEnabled":true,"priority":1}]}`},
			func(t *testing.T, c *Client) error {
				a, err := c.System.AuthSettings(ctx)
				return firstError(err, expect(err == nil && a.AuthMethods[0].Name == AuthMethodBasic, "%+v", a))
			}},
		{"update auth", "PUT /api/v4/system/config/settings/auth", fakeCall{body: `{"authMethods":[{"name":"openid","isEnabled":true,"priority":2}]}`, answer: `{"authMethods":[]}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateAuthSettings(ctx, &AuthSettings{AuthMethods: []AuthMethod{{Name: AuthMethodOpenID, IsEnabled: true, Priority: 2}}})
				return err
			}},
		{"eventlog", "GET /api/v4/system/config/settings/eventlog", fakeCall{answer: `{"enabled":true,"retentionPeriod":90,"logIpEnabled":false}`},
			func(t *testing.T, c *Client) error {
				e, err := c.System.EventLogSettings(ctx)
				return firstError(err, expect(err == nil && e.Enabled && e.RetentionPeriod == 90, "%+v", e))
			}},
		{"update eventlog", "PUT /api/v4/system/config/settings/eventlog", fakeCall{body: `{"retentionPeriod":30,"logIpEnabled":true}`, answer: `{}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateEventLogSettings(ctx, &UpdateEventLogSettingsRequest{RetentionPeriod: ptrTo(30), LogIPEnabled: ptrTo(true)})
				return err
			}},
		{"syslog", "GET /api/v4/system/config/settings/syslog", fakeCall{answer: `{"enabled":true,"host":"log.example","port":514,"protocol":"UDP","logIpEnabled":false}`},
			func(t *testing.T, c *Client) error {
				s, err := c.System.SyslogSettings(ctx)
				return firstError(err, expect(err == nil && s.Port == 514 && s.Protocol == SyslogUDP, "%+v", s))
			}},
		{"update syslog", "PUT /api/v4/system/config/settings/syslog", fakeCall{body: `{"enabled":true,"host":"log.example","port":6514,"protocol":"TCP"}`, answer: `{}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateSyslogSettings(ctx, &UpdateSyslogSettingsRequest{Enabled: ptrTo(true), Host: ptrTo("log.example"), Port: ptrTo(6514), Protocol: ptrTo(SyslogTCP)})
				return err
			}},
		{"infrastructure", "GET /api/v4/system/config/settings/infrastructure", fakeCall{answer: `{"s3DefaultRegion":"eu","isDracoonCloud":true}`},
			func(t *testing.T, c *Client) error {
				i, err := c.System.Infrastructure(ctx)
				return firstError(err, expect(err == nil && i.IsDracoonCloud && i.S3DefaultRegion == "eu", "%+v", i))
			}},
	})
}

func TestSystemAuthEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"ads", "GET /api/v4/system/config/auth/ads", fakeCall{answer: `{"items":[` + adJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.System.ActiveDirectories(ctx)
				return firstError(err, expect(err == nil && l.Items[0].ServerPort == 636 && l.Items[0].UseLDAPS, "%+v", l))
			}},
		{"ad", "GET /api/v4/system/config/auth/ads/3", fakeCall{answer: adJSON},
			func(t *testing.T, c *Client) error {
				a, err := c.System.ActiveDirectory(ctx, 3)
				return firstError(err, expect(err == nil && a.Alias == "corp", "%+v", a))
			}},
		{"create ad", "POST /api/v4/system/config/auth/ads", fakeCall{status: 201, answer: adJSON,
			body: `{"alias":"corp","serverIp":"10.0.0.1","serverPort":636,"serverAdminName":"admin","serverAdminPassword":"ad-pw-1","ldapUsersDomain":"dc=corp","userFilter":"(objectClass=person)","useLdaps":true}`},
			func(t *testing.T, c *Client) error {
				req := &ActiveDirectoryRequest{Alias: "corp", ServerIP: "10.0.0.1", ServerPort: 636, ServerAdminName: "admin", ServerAdminPassword: "ad-pw-1",
					LDAPUsersDomain: "dc=corp", UserFilter: "(objectClass=person)", UseLDAPS: ptrTo(true)}
				if s := fmtAll(req); strings.Contains(s, "ad-pw-1") {
					t.Errorf("formatted request shows the password: %s", s)
				}
				_, err := c.System.CreateActiveDirectory(ctx, req)
				return err
			}},
		{"update ad", "PUT /api/v4/system/config/auth/ads/3", fakeCall{answer: adJSON, body: `{"alias":"corp2"}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateActiveDirectory(ctx, 3, &ActiveDirectoryRequest{Alias: "corp2"})
				return err
			}},
		{"delete ad", "DELETE /api/v4/system/config/auth/ads/3", fakeCall{},
			func(t *testing.T, c *Client) error { return c.System.DeleteActiveDirectory(ctx, 3) }},
		{"test ad", "POST /api/v4/system/config/actions/test/ad", fakeCall{
			body:   `{"serverIp":"10.0.0.1","serverPort":389,"serverAdminName":"admin","serverAdminPassword":"ad-pw-1","ldapUsersDomain":"dc=corp"}`,
			answer: `{"serverIp":"10.0.0.1","serverPort":389,"serverAdminName":"admin","serverAdminPassword":"","ldapUsersDomain":"dc=corp","useLdaps":false}`},
			func(t *testing.T, c *Client) error {
				r, err := c.System.TestActiveDirectory(ctx, &ActiveDirectoryRequest{Alias: "not sent", ServerIP: "10.0.0.1", ServerPort: 389, ServerAdminName: "admin",
					ServerAdminPassword: "ad-pw-1", LDAPUsersDomain: "dc=corp"})
				return firstError(err, expect(err == nil && r.ServerPort == 389, "%+v", r))
			}},
		{"idps", "GET /api/v4/system/config/auth/openid/idps", fakeCall{answer: `[` + idpJSON + `]`},
			func(t *testing.T, c *Client) error {
				l, err := c.System.OpenIDProviders(ctx)
				return firstError(err, expect(err == nil && len(l) == 1 && l[0].MappingClaim == "email", "%+v", l))
			}},
		{"idp", "GET /api/v4/system/config/auth/openid/idps/4", fakeCall{answer: idpJSON},
			func(t *testing.T, c *Client) error {
				p, err := c.System.OpenIDProvider(ctx, 4)
				return firstError(err, expect(err == nil && p.ID == 4 && p.Flow == OpenIDFlowAuthorizationCode, "%+v", p))
			}},
		{"create idp", "POST /api/v4/system/config/auth/openid/idps", fakeCall{status: 201, answer: idpJSON,
			body: `{"name":"idp","issuer":"https://idp.example","authorizationEndPointUrl":"https://idp.example/auth","tokenEndPointUrl":"https://idp.example/token",
				"userInfoEndPointUrl":"https://idp.example/me","jwksEndPointUrl":"https://idp.example/jwks","clientId":"cid","clientSecret":"idp-secret-7",
				"scopes":["openid","email"],"redirectUris":["https://d.example/cb"],"mappingClaim":"email","pkceEnabled":true}`},
			func(t *testing.T, c *Client) error {
				req := &OpenIDConfig{Name: "idp", Issuer: "https://idp.example", AuthorizationEndPointURL: "https://idp.example/auth", TokenEndPointURL: "https://idp.example/token",
					UserInfoEndPointURL: "https://idp.example/me", JWKSEndPointURL: "https://idp.example/jwks", ClientID: "cid", ClientSecret: "idp-secret-7",
					Scopes: []string{"openid", "email"}, RedirectURIs: []string{"https://d.example/cb"}, MappingClaim: "email", PKCEEnabled: ptrTo(true)}
				if s := fmtAll(req); strings.Contains(s, "idp-secret-7") {
					t.Errorf("formatted request shows the secret: %s", s)
				}
				_, err := c.System.CreateOpenIDProvider(ctx, req)
				return err
			}},
		{"update idp", "PUT /api/v4/system/config/auth/openid/idps/4", fakeCall{answer: idpJSON, body: `{"name":"renamed","userInfoSource":"id_token"}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateOpenIDProvider(ctx, 4, &OpenIDConfig{Name: "renamed", UserInfoSource: OpenIDUserInfoFromIDToken})
				return err
			}},
		{"delete idp", "DELETE /api/v4/system/config/auth/openid/idps/4", fakeCall{},
			func(t *testing.T, c *Client) error { return c.System.DeleteOpenIDProvider(ctx, 4) }},
		{"radius", "GET /api/v4/system/config/auth/radius", fakeCall{answer: radiusJSON},
			func(t *testing.T, c *Client) error {
				r, err := c.System.Radius(ctx)
				return firstError(err, expect(err == nil && r.Port == 1812 && *r.OTPPinFirst, "%+v", r))
			}},
		{"create radius", "POST /api/v4/system/config/auth/radius", fakeCall{status: 201, answer: radiusJSON,
			body: `{"ipAddress":"10.0.0.2","port":1812,"sharedSecret":"radius-shared-1","failoverServer":{"failoverEnabled":true,"failoverIpAddress":"10.0.0.3","failoverPort":1812}}`},
			func(t *testing.T, c *Client) error {
				req := &RadiusConfig{IPAddress: "10.0.0.2", Port: 1812, SharedSecret: "radius-shared-1",
					FailoverServer: &FailoverServer{FailoverEnabled: true, FailoverIPAddress: "10.0.0.3", FailoverPort: 1812}}
				if s := fmtAll(req); strings.Contains(s, "radius-shared-1") {
					t.Errorf("formatted request shows the secret: %s", s)
				}
				_, err := c.System.CreateRadius(ctx, req)
				return err
			}},
		{"update radius", "PUT /api/v4/system/config/auth/radius", fakeCall{answer: radiusJSON, body: `{"otpPinFirst":false}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateRadius(ctx, &RadiusConfig{OTPPinFirst: ptrTo(false)})
				return err
			}},
		{"delete radius", "DELETE /api/v4/system/config/auth/radius", fakeCall{},
			func(t *testing.T, c *Client) error { return c.System.DeleteRadius(ctx) }},
		{"test radius", "POST /api/v4/system/config/actions/test/radius", fakeCall{},
			func(t *testing.T, c *Client) error { return c.System.TestRadius(ctx) }},
	})
}

func TestSystemStoragePolicyAndOAuthEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"s3", "GET /api/v4/system/config/storage/s3", fakeCall{answer: s3JSON},
			func(t *testing.T, c *Client) error {
				s, err := c.System.S3(ctx)
				return firstError(err, expect(err == nil && s.AccessKeyDefined && s.Region == "eu", "%+v", s))
			}},
		{"create s3", "POST /api/v4/system/config/storage/s3", fakeCall{status: 201, answer: s3JSON,
			body: `{"bucketUrl":"https://s3.example/b","accessKey":"AKIA-1","secretKey":"s3-secret-key-2","region":"eu"}`},
			func(t *testing.T, c *Client) error {
				req := &S3ConfigRequest{BucketURL: "https://s3.example/b", AccessKey: "AKIA-1", SecretKey: "s3-secret-key-2", Region: "eu"}
				if s := fmtAll(req); strings.Contains(s, "s3-secret-key-2") {
					t.Errorf("formatted request shows the key: %s", s)
				}
				_, err := c.System.CreateS3(ctx, req)
				return err
			}},
		{"update s3", "PUT /api/v4/system/config/storage/s3", fakeCall{answer: s3JSON, body: `{"bucketName":"b2"}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateS3(ctx, &S3ConfigRequest{BucketName: "b2"})
				return err
			}},
		{"s3 tags", "GET /api/v4/system/config/storage/s3/tags", fakeCall{answer: `{"items":[{"id":1,"key":"k","value":"v","isMandatory":true}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.System.S3Tags(ctx)
				return firstError(err, expect(err == nil && l.Items[0].IsMandatory, "%+v", l))
			}},
		{"s3 tag", "GET /api/v4/system/config/storage/s3/tags/1", fakeCall{answer: `{"id":1,"key":"k","value":"v"}`},
			func(t *testing.T, c *Client) error { _, err := c.System.S3Tag(ctx, 1); return err }},
		{"create s3 tag", "POST /api/v4/system/config/storage/s3/tags", fakeCall{status: 201, body: `{"key":"k","value":"v","isMandatory":true}`, answer: `{"id":1,"key":"k","value":"v","isMandatory":true}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.CreateS3Tag(ctx, &S3TagRequest{Key: "k", Value: "v", IsMandatory: true})
				return err
			}},
		{"delete s3 tag", "DELETE /api/v4/system/config/storage/s3/tags/1", fakeCall{},
			func(t *testing.T, c *Client) error { return c.System.DeleteS3Tag(ctx, 1) }},
		{"password policies", "GET /api/v4/system/config/policies/passwords", fakeCall{answer: policyJSON},
			func(t *testing.T, c *Client) error {
				p, err := c.System.PasswordPolicies(ctx)
				return firstError(err, expect(err == nil && p.LoginPasswordPolicies.MinLength == 12 && p.LoginPasswordPolicies.UserLockout.MaxNumberOfLoginFailures == 5, "%+v", p))
			}},
		{"password policy", "GET /api/v4/system/config/policies/passwords/login", fakeCall{answer: policyJSON},
			func(t *testing.T, c *Client) error {
				_, err := c.System.PasswordPolicy(ctx, PasswordTypeLogin)
				return err
			}},
		{"update password policies", "PUT /api/v4/system/config/policies/passwords", fakeCall{answer: policyJSON,
			body: `{"loginPasswordPolicies":{"minLength":14,"numberOfArchivedPasswords":5,"userLockout":{"enabled":true,"maxNumberOfLoginFailures":3,"lockoutPeriod":15}},
				"encryptionPasswordPolicies":{"characterRules":{"mustContainCharacters":["uppercase","special"],"numberOfCharacteristicsToEnforce":2}}}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdatePasswordPolicies(ctx, &UpdatePasswordPoliciesRequest{
					LoginPasswordPolicies: &UpdateLoginPasswordPolicies{UpdatePasswordPolicy: UpdatePasswordPolicy{MinLength: ptrTo(14)}, NumberOfArchivedPasswords: ptrTo(5),
						UserLockout: &UserLockout{Enabled: true, MaxNumberOfLoginFailures: 3, LockoutPeriod: 15}},
					EncryptionPasswordPolicies: &UpdatePasswordPolicy{CharacterRules: &CharacterRules{MustContainCharacters: []string{CharsUppercase, CharsSpecial}, NumberOfCharacteristicsToEnforce: 2}},
				})
				return err
			}},
		{"enforce change", "POST /api/v4/system/config/policies/passwords/enforce_change", fakeCall{},
			func(t *testing.T, c *Client) error { return c.System.EnforcePasswordChange(ctx) }},
		{"oauth clients", "GET /api/v4/system/config/oauth/clients", fakeCall{query: "filter=isStandard:eq:false&sort=clientName:asc", answer: `[` + oauthClientJSON + `]`},
			func(t *testing.T, c *Client) error {
				l, err := c.System.OAuthClients(ctx, "isStandard:eq:false", "clientName:asc")
				if err == nil && strings.Contains(fmtAll(l), "generated-secret-9") {
					t.Errorf("formatted client shows its secret: %s", fmtAll(l))
				}
				return firstError(err, expect(err == nil && len(l) == 1 && l[0].ClientSecret == "generated-secret-9" && l[0].IsExternal, "%+v", l))
			}},
		{"oauth client", "GET /api/v4/system/config/oauth/clients/my%20app", fakeCall{answer: oauthClientJSON},
			func(t *testing.T, c *Client) error { _, err := c.System.OAuthClient(ctx, "my app"); return err }},
		{"create oauth client", "POST /api/v4/system/config/oauth/clients", fakeCall{status: 201, answer: oauthClientJSON,
			body: `{"clientName":"App","grantTypes":["authorization_code","refresh_token"],"redirectUris":["https://app.example/cb"],"clientType":"confidential"}`},
			func(t *testing.T, c *Client) error {
				o, err := c.System.CreateOAuthClient(ctx, &OAuthClient{ClientName: "App", ClientType: OAuthClientConfidential,
					GrantTypes: []string{GrantAuthorizationCode, GrantRefreshToken}, RedirectURIs: []string{"https://app.example/cb"}})
				return firstError(err, expect(err == nil && o.ClientID == "app", "%+v", o))
			}},
		{"update oauth client", "PUT /api/v4/system/config/oauth/clients/app", fakeCall{answer: oauthClientJSON, body: `{"isEnabled":false,"grantTypes":["password"]}`},
			func(t *testing.T, c *Client) error {
				_, err := c.System.UpdateOAuthClient(ctx, "app", &OAuthClient{ClientID: "app", IsEnabled: ptrTo(false), GrantTypes: []string{GrantPassword}})
				return err
			}},
		{"delete oauth client", "DELETE /api/v4/system/config/oauth/clients/app", fakeCall{},
			func(t *testing.T, c *Client) error { return c.System.DeleteOAuthClient(ctx, "app") }},
	})
}

func TestSystemRefusesInvalidRequests(t *testing.T) {
	runInvalidCases(t, []invalidCase{
		{"negative period", "uploadShareDefaultExpirationPeriod", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateDefaults(ctx, &UpdateSystemDefaultsRequest{UploadShareDefaultExpirationPeriod: ptrTo(-1)})
			return err
		}},
		{"negative token lifetime", "authTokenRestrictions", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateGeneral(ctx, &UpdateGeneralSettingsRequest{AuthTokenRestrictions: &UpdateAuthTokenRestrictions{AccessTokenValidity: -1}})
			return err
		}},
		{"unknown auth method", "authMethods[0].name", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateAuthSettings(ctx, &AuthSettings{AuthMethods: []AuthMethod{{Name: "kerberos"}}})
			return err
		}},
		{"no auth methods", "authMethods", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateAuthSettings(ctx, &AuthSettings{})
			return err
		}},
		{"retention", "retentionPeriod", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateEventLogSettings(ctx, &UpdateEventLogSettingsRequest{RetentionPeriod: ptrTo(-5)})
			return err
		}},
		{"syslog port", "port", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateSyslogSettings(ctx, &UpdateSyslogSettingsRequest{Port: ptrTo(70000)})
			return err
		}},
		{"syslog protocol", "protocol", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateSyslogSettings(ctx, &UpdateSyslogSettingsRequest{Protocol: ptrTo("tcp")})
			return err
		}},
		{"ad without password", "serverAdminPassword", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateActiveDirectory(ctx, &ActiveDirectoryRequest{Alias: "a", UserFilter: "f", ServerIP: "h", ServerPort: 389, ServerAdminName: "n", LDAPUsersDomain: "d"})
			return err
		}},
		{"ad nil", "request", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateActiveDirectory(ctx, nil)
			return err
		}},
		{"ad port", "serverPort", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateActiveDirectory(ctx, 1, &ActiveDirectoryRequest{ServerPort: -1})
			return err
		}},
		{"ad id", "ad_id", func(ctx context.Context, c *Client) error { return c.System.DeleteActiveDirectory(ctx, 0) }},
		{"ad test nil", "request", func(ctx context.Context, c *Client) error {
			_, err := c.System.TestActiveDirectory(ctx, nil)
			return err
		}},
		{"idp missing scopes", "scopes", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateOpenIDProvider(ctx, &OpenIDConfig{Name: "n", Issuer: "i", AuthorizationEndPointURL: "https://a", TokenEndPointURL: "https://t",
				UserInfoEndPointURL: "https://u", JWKSEndPointURL: "https://j", ClientID: "c", ClientSecret: "s", MappingClaim: "m", RedirectURIs: []string{"https://r"}})
			return err
		}},
		{"idp flow", "flow", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateOpenIDProvider(ctx, 1, &OpenIDConfig{Flow: "implicit"})
			return err
		}},
		{"idp http endpoint", "tokenEndPointUrl", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateOpenIDProvider(ctx, 1, &OpenIDConfig{TokenEndPointURL: "http://t"})
			return err
		}},
		{"idp id in body", "id", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateOpenIDProvider(ctx, 1, &OpenIDConfig{ID: 2})
			return err
		}},
		{"radius secret", "sharedSecret", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateRadius(ctx, &RadiusConfig{IPAddress: "h", Port: 1812})
			return err
		}},
		{"radius failover", "failoverServer.failoverPort", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateRadius(ctx, &RadiusConfig{FailoverServer: &FailoverServer{FailoverEnabled: true, FailoverIPAddress: "h"}})
			return err
		}},
		{"s3 keys", "secretKey", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateS3(ctx, &S3ConfigRequest{AccessKey: "a"})
			return err
		}},
		{"s3 endpoint", "endpointUrl", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateS3(ctx, &S3ConfigRequest{EndpointURL: "s3.example"})
			return err
		}},
		{"s3 tag value", "value", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateS3Tag(ctx, &S3TagRequest{Key: "k"})
			return err
		}},
		{"s3 tag id", "id", func(ctx context.Context, c *Client) error { return c.System.DeleteS3Tag(ctx, 0) }},
		{"password type", "password_type", func(ctx context.Context, c *Client) error { _, err := c.System.PasswordPolicy(ctx, "pin"); return err }},
		{"empty policy change", "request", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdatePasswordPolicies(ctx, &UpdatePasswordPoliciesRequest{})
			return err
		}},
		{"min length", "sharesPasswordPolicies.minLength", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdatePasswordPolicies(ctx, &UpdatePasswordPoliciesRequest{SharesPasswordPolicies: &UpdatePasswordPolicy{MinLength: ptrTo(0)}})
			return err
		}},
		{"archived passwords", "loginPasswordPolicies.numberOfArchivedPasswords", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdatePasswordPolicies(ctx, &UpdatePasswordPoliciesRequest{LoginPasswordPolicies: &UpdateLoginPasswordPolicies{NumberOfArchivedPasswords: ptrTo(11)}})
			return err
		}},
		{"character class", "loginPasswordPolicies.characterRules.mustContainCharacters[1]", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdatePasswordPolicies(ctx, &UpdatePasswordPoliciesRequest{LoginPasswordPolicies: &UpdateLoginPasswordPolicies{
				UpdatePasswordPolicy: UpdatePasswordPolicy{CharacterRules: &CharacterRules{MustContainCharacters: []string{CharsAlpha, "emoji"}}}}})
			return err
		}},
		{"dictionary on encryption", "encryptionPasswordPolicies.rejectDictionaryWords", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdatePasswordPolicies(ctx, &UpdatePasswordPoliciesRequest{EncryptionPasswordPolicies: &UpdatePasswordPolicy{RejectDictionaryWords: ptrTo(true)}})
			return err
		}},
		{"oauth grants", "grantTypes", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateOAuthClient(ctx, &OAuthClient{ClientName: "a"})
			return err
		}},
		{"oauth grant", "grantTypes[0]", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateOAuthClient(ctx, &OAuthClient{ClientName: "a", GrantTypes: []string{"device_code"}})
			return err
		}},
		{"oauth name", "clientName", func(ctx context.Context, c *Client) error {
			_, err := c.System.CreateOAuthClient(ctx, &OAuthClient{GrantTypes: []string{GrantPassword}})
			return err
		}},
		{"oauth rename id", "clientId", func(ctx context.Context, c *Client) error {
			_, err := c.System.UpdateOAuthClient(ctx, "a", &OAuthClient{ClientID: "b", GrantTypes: []string{GrantPassword}})
			return err
		}},
		{"oauth client id", "client_id", func(ctx context.Context, c *Client) error { return c.System.DeleteOAuthClient(ctx, " ") }},
	})
}
