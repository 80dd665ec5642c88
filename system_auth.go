package dracoon

import (
	"context"
	"net/http"
)

// ActiveDirectoryConfig is an Active Directory that users log in with, as
// config managers see it.
type ActiveDirectoryConfig struct {
	ID              int64  `json:"id"`
	Alias           string `json:"alias"`
	ServerIP        string `json:"serverIp"`
	ServerPort      int    `json:"serverPort"`
	ServerAdminName string `json:"serverAdminName"`
	LDAPUsersDomain string `json:"ldapUsersDomain"`
	UserFilter      string `json:"userFilter"`
	UserImport      bool   `json:"userImport"`
	ADExportGroup   string `json:"adExportGroup"`
	UseLDAPS        bool   `json:"useLdaps"`
	SDSImportGroup  int64  `json:"sdsImportGroup,omitempty"`
	SSLFingerPrint  string `json:"sslFingerPrint,omitempty"`
	// HomeFolderParent and CreateHomeFolder are deprecated by DRACOON
	// (home rooms replace them).
	HomeFolderParent int64 `json:"homeFolderParent,omitempty"`
	CreateHomeFolder bool  `json:"createHomeFolder,omitempty"`
}

// ActiveDirectoryConfigs lists Active Directory configurations.
type ActiveDirectoryConfigs struct {
	Items []ActiveDirectoryConfig `json:"items"`
}

// ActiveDirectoryRequest creates (all required fields set) or changes
// (only the fields to change set) an Active Directory configuration.
// ServerAdminPassword never appears in logs or errors.
type ActiveDirectoryRequest struct {
	Alias               string `json:"alias,omitempty"`
	ServerIP            string `json:"serverIp,omitempty"`
	ServerPort          int    `json:"serverPort,omitempty"`
	ServerAdminName     string `json:"serverAdminName,omitempty"`
	ServerAdminPassword string `json:"serverAdminPassword,omitempty"`
	LDAPUsersDomain     string `json:"ldapUsersDomain,omitempty"`
	UserFilter          string `json:"userFilter,omitempty"`
	UserImport          *bool  `json:"userImport,omitempty"`
	UseLDAPS            *bool  `json:"useLdaps,omitempty"`
	ADExportGroup       string `json:"adExportGroup,omitempty"`
	SDSImportGroup      int64  `json:"sdsImportGroup,omitempty"`
	SSLFingerPrint      string `json:"sslFingerPrint,omitempty"`
}

// String describes the request without the password.
func (r ActiveDirectoryRequest) String() string {
	r.ServerAdminPassword = redactedIfSet(r.ServerAdminPassword)
	type plain ActiveDirectoryRequest
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r ActiveDirectoryRequest) GoString() string { return r.String() }

// Validate refuses a port outside 1…65535 and negative ids. The fields a
// new configuration needs are checked by CreateActiveDirectory.
func (r *ActiveDirectoryRequest) Validate() error {
	var errs []error
	if r.ServerPort != 0 {
		errs = append(errs, checkPort("serverPort", r.ServerPort))
	}
	if r.SDSImportGroup < 0 {
		errs = append(errs, invalid("sdsImportGroup", "must not be negative"))
	}
	return firstError(errs...)
}

// validateNew requires what a new configuration (or a connection test)
// needs.
func (r *ActiveDirectoryRequest) validateNew(withAlias bool) error {
	var errs []error
	if withAlias {
		errs = append(errs, checkNotBlank("alias", r.Alias), checkNotBlank("userFilter", r.UserFilter))
	}
	errs = append(errs, checkNotBlank("serverIp", r.ServerIP), checkPort("serverPort", r.ServerPort),
		checkNotBlank("serverAdminName", r.ServerAdminName), checkNotBlank("serverAdminPassword", r.ServerAdminPassword),
		checkNotBlank("ldapUsersDomain", r.LDAPUsersDomain))
	return firstError(errs...)
}

// ActiveDirectoryTest is the connection data DRACOON tested, as it answers
// a successful test.
type ActiveDirectoryTest struct {
	ServerIP        string `json:"serverIp"`
	ServerPort      int    `json:"serverPort"`
	ServerAdminName string `json:"serverAdminName"`
	LDAPUsersDomain string `json:"ldapUsersDomain"`
	UseLDAPS        bool   `json:"useLdaps"`
	SSLFingerPrint  string `json:"sslFingerPrint,omitempty"`
}

// adsPath is the collection of Active Directory configurations.
const adsPath = systemPath + "/auth/ads"

// ActiveDirectories returns the Active Directory configurations
// (GET /api/v4/system/config/auth/ads).
func (s *SystemService) ActiveDirectories(ctx context.Context) (*ActiveDirectoryConfigs, error) {
	return getAt[ActiveDirectoryConfigs](ctx, s.client, adsPath)
}

// ActiveDirectory returns one Active Directory configuration
// (GET /api/v4/system/config/auth/ads/{ad_id}).
func (s *SystemService) ActiveDirectory(ctx context.Context, id int64) (*ActiveDirectoryConfig, error) {
	if err := checkID("ad_id", id); err != nil {
		return nil, err
	}
	return getAt[ActiveDirectoryConfig](ctx, s.client, idPath(adsPath, id, ""))
}

// CreateActiveDirectory adds an Active Directory configuration; alias,
// server, port, admin name and password, users domain and user filter are
// required (POST /api/v4/system/config/auth/ads).
func (s *SystemService) CreateActiveDirectory(ctx context.Context, req *ActiveDirectoryRequest) (*ActiveDirectoryConfig, error) {
	if req != nil {
		if err := req.validateNew(true); err != nil {
			return nil, err
		}
	}
	return sendChecked[ActiveDirectoryConfig](ctx, s.client, http.MethodPost, adsPath, req, req.secret())
}

// UpdateActiveDirectory changes an Active Directory configuration
// (PUT /api/v4/system/config/auth/ads/{ad_id}).
func (s *SystemService) UpdateActiveDirectory(ctx context.Context, id int64, req *ActiveDirectoryRequest) (*ActiveDirectoryConfig, error) {
	if err := checkID("ad_id", id); err != nil {
		return nil, err
	}
	return sendChecked[ActiveDirectoryConfig](ctx, s.client, http.MethodPut, idPath(adsPath, id, ""), req, req.secret())
}

// DeleteActiveDirectory removes an Active Directory configuration
// (DELETE /api/v4/system/config/auth/ads/{ad_id}).
func (s *SystemService) DeleteActiveDirectory(ctx context.Context, id int64) error {
	if err := checkID("ad_id", id); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, idPath(adsPath, id, ""))
}

// TestActiveDirectory checks that DRACOON can reach and log in to an
// Active Directory with the given server, port, admin name and password
// and users domain; the alias and import fields are not sent
// (POST /api/v4/system/config/actions/test/ad).
func (s *SystemService) TestActiveDirectory(ctx context.Context, req *ActiveDirectoryRequest) (*ActiveDirectoryTest, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := req.validateNew(false); err != nil {
		return nil, err
	}
	body := &ActiveDirectoryRequest{ServerIP: req.ServerIP, ServerPort: req.ServerPort, ServerAdminName: req.ServerAdminName,
		ServerAdminPassword: req.ServerAdminPassword, LDAPUsersDomain: req.LDAPUsersDomain, UseLDAPS: req.UseLDAPS, SSLFingerPrint: req.SSLFingerPrint}
	return doJSON[ActiveDirectoryTest](ctx, s.client, &apiCall{method: http.MethodPost, path: systemPath + "/actions/test/ad",
		jsonBody: body, idempotent: true, secrets: []string{req.ServerAdminPassword}})
}

// secret returns the password of the request ("" for nil).
func (r *ActiveDirectoryRequest) secret() string {
	if r == nil {
		return ""
	}
	return r.ServerAdminPassword
}

// OpenID Connect flows (OpenIDConfig.Flow) and user info sources
// (OpenIDConfig.UserInfoSource).
const (
	OpenIDFlowAuthorizationCode = "authorization_code"
	OpenIDFlowHybrid            = "hybrid"
	OpenIDUserInfoFromEndpoint  = "user_info_endpoint"
	OpenIDUserInfoFromIDToken   = "id_token"
)

// OpenIDConfig is an OpenID Connect identity provider as config managers
// see and set it. In a create request, name, issuer, the four endpoint
// URLs, client id and secret, scopes, redirect URIs and mapping claim are
// required. ClientSecret never appears in logs or errors.
type OpenIDConfig struct {
	ID                       int64    `json:"id,omitempty"`
	Name                     string   `json:"name,omitempty"`
	Issuer                   string   `json:"issuer,omitempty"`
	AuthorizationEndPointURL string   `json:"authorizationEndPointUrl,omitempty"`
	TokenEndPointURL         string   `json:"tokenEndPointUrl,omitempty"`
	UserInfoEndPointURL      string   `json:"userInfoEndPointUrl,omitempty"`
	JWKSEndPointURL          string   `json:"jwksEndPointUrl,omitempty"`
	ClientID                 string   `json:"clientId,omitempty"`
	ClientSecret             string   `json:"clientSecret,omitempty"`
	Flow                     string   `json:"flow,omitempty"`
	Scopes                   []string `json:"scopes,omitempty"`
	RedirectURIs             []string `json:"redirectUris,omitempty"`
	PKCEEnabled              *bool    `json:"pkceEnabled,omitempty"`
	PKCEChallengeMethod      string   `json:"pkceChallengeMethod,omitempty"`
	MappingClaim             string   `json:"mappingClaim,omitempty"`
	FallbackMappingClaim     string   `json:"fallbackMappingClaim,omitempty"`
	UserInfoSource           string   `json:"userInfoSource,omitempty"`
	UserImportEnabled        *bool    `json:"userImportEnabled,omitempty"`
	UserImportGroup          int64    `json:"userImportGroup,omitempty"`
	UserUpdateEnabled        *bool    `json:"userUpdateEnabled,omitempty"`
	UserManagementURL        string   `json:"userManagementUrl,omitempty"`
}

// String describes the configuration without the client secret.
func (r OpenIDConfig) String() string {
	r.ClientSecret = redactedIfSet(r.ClientSecret)
	type plain OpenIDConfig
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r OpenIDConfig) GoString() string { return r.String() }

// Validate refuses unknown flows and user info sources, endpoint URLs
// that are not https, and a negative import group.
func (r *OpenIDConfig) Validate() error {
	var errs []error
	if r.Flow != "" {
		errs = append(errs, checkOneOf("flow", r.Flow, OpenIDFlowAuthorizationCode, OpenIDFlowHybrid))
	}
	if r.UserInfoSource != "" {
		errs = append(errs, checkOneOf("userInfoSource", r.UserInfoSource, OpenIDUserInfoFromEndpoint, OpenIDUserInfoFromIDToken))
	}
	for _, ep := range []struct{ field, url string }{{"authorizationEndPointUrl", r.AuthorizationEndPointURL},
		{"tokenEndPointUrl", r.TokenEndPointURL}, {"userInfoEndPointUrl", r.UserInfoEndPointURL}, {"jwksEndPointUrl", r.JWKSEndPointURL}} {
		if ep.url != "" {
			errs = append(errs, checkHTTPS(ep.field, ep.url))
		}
	}
	if r.UserImportGroup < 0 {
		errs = append(errs, invalid("userImportGroup", "must not be negative"))
	}
	return firstError(errs...)
}

// validateNew requires what a new provider needs.
func (r *OpenIDConfig) validateNew() error {
	errs := []error{checkNotBlank("name", r.Name), checkNotBlank("issuer", r.Issuer),
		checkNotBlank("authorizationEndPointUrl", r.AuthorizationEndPointURL), checkNotBlank("tokenEndPointUrl", r.TokenEndPointURL),
		checkNotBlank("userInfoEndPointUrl", r.UserInfoEndPointURL), checkNotBlank("jwksEndPointUrl", r.JWKSEndPointURL),
		checkNotBlank("clientId", r.ClientID), checkNotBlank("clientSecret", r.ClientSecret), checkNotBlank("mappingClaim", r.MappingClaim)}
	if len(r.Scopes) == 0 {
		errs = append(errs, invalid("scopes", "must not be empty"))
	}
	if len(r.RedirectURIs) == 0 {
		errs = append(errs, invalid("redirectUris", "must not be empty"))
	}
	return firstError(errs...)
}

// idpsPath is the collection of OpenID Connect providers.
const idpsPath = systemPath + "/auth/openid/idps"

// OpenIDProviders returns the OpenID Connect provider configurations
// (GET /api/v4/system/config/auth/openid/idps).
func (s *SystemService) OpenIDProviders(ctx context.Context) ([]OpenIDConfig, error) {
	l, err := getAt[[]OpenIDConfig](ctx, s.client, idpsPath)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

// OpenIDProvider returns one OpenID Connect provider configuration
// (GET /api/v4/system/config/auth/openid/idps/{idp_id}).
func (s *SystemService) OpenIDProvider(ctx context.Context, id int64) (*OpenIDConfig, error) {
	if err := checkID("idp_id", id); err != nil {
		return nil, err
	}
	return getAt[OpenIDConfig](ctx, s.client, idPath(idpsPath, id, ""))
}

// CreateOpenIDProvider adds an OpenID Connect provider
// (POST /api/v4/system/config/auth/openid/idps).
func (s *SystemService) CreateOpenIDProvider(ctx context.Context, req *OpenIDConfig) (*OpenIDConfig, error) {
	if req != nil {
		if err := req.validateNew(); err != nil {
			return nil, err
		}
	}
	return sendChecked[OpenIDConfig](ctx, s.client, http.MethodPost, idpsPath, req, req.secret())
}

// UpdateOpenIDProvider changes an OpenID Connect provider; empty fields
// stay as they are (PUT /api/v4/system/config/auth/openid/idps/{idp_id}).
func (s *SystemService) UpdateOpenIDProvider(ctx context.Context, id int64, req *OpenIDConfig) (*OpenIDConfig, error) {
	if err := checkID("idp_id", id); err != nil {
		return nil, err
	}
	if req != nil && req.ID != 0 {
		return nil, invalid("id", "is set by the server; pass the id as an argument")
	}
	return sendChecked[OpenIDConfig](ctx, s.client, http.MethodPut, idPath(idpsPath, id, ""), req, req.secret())
}

// DeleteOpenIDProvider removes an OpenID Connect provider
// (DELETE /api/v4/system/config/auth/openid/idps/{idp_id}).
func (s *SystemService) DeleteOpenIDProvider(ctx context.Context, id int64) error {
	if err := checkID("idp_id", id); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, idPath(idpsPath, id, ""))
}

// secret returns the client secret of the request ("" for nil).
func (r *OpenIDConfig) secret() string {
	if r == nil {
		return ""
	}
	return r.ClientSecret
}

// RadiusConfig is the RADIUS server users log in with. In a create
// request IPAddress, Port and SharedSecret are required. SharedSecret
// never appears in logs or errors.
type RadiusConfig struct {
	IPAddress      string          `json:"ipAddress,omitempty"`
	Port           int             `json:"port,omitempty"`
	SharedSecret   string          `json:"sharedSecret,omitempty"`
	OTPPinFirst    *bool           `json:"otpPinFirst,omitempty"`
	FailoverServer *FailoverServer `json:"failoverServer,omitempty"`
}

// FailoverServer is the RADIUS server used when the first one fails.
type FailoverServer struct {
	FailoverEnabled   bool   `json:"failoverEnabled"`
	FailoverIPAddress string `json:"failoverIpAddress"`
	FailoverPort      int    `json:"failoverPort"`
}

// String describes the configuration without the shared secret.
func (r RadiusConfig) String() string {
	r.SharedSecret = redactedIfSet(r.SharedSecret)
	type plain RadiusConfig
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r RadiusConfig) GoString() string { return r.String() }

// Validate refuses ports outside 1…65535.
func (r *RadiusConfig) Validate() error {
	var errs []error
	if r.Port != 0 {
		errs = append(errs, checkPort("port", r.Port))
	}
	if f := r.FailoverServer; f != nil && f.FailoverEnabled {
		errs = append(errs, checkNotBlank("failoverServer.failoverIpAddress", f.FailoverIPAddress), checkPort("failoverServer.failoverPort", f.FailoverPort))
	}
	return firstError(errs...)
}

// radiusPath is the RADIUS configuration.
const radiusPath = systemPath + "/auth/radius"

// Radius returns the RADIUS configuration
// (GET /api/v4/system/config/auth/radius).
func (s *SystemService) Radius(ctx context.Context) (*RadiusConfig, error) {
	return getAt[RadiusConfig](ctx, s.client, radiusPath)
}

// CreateRadius sets up RADIUS login
// (POST /api/v4/system/config/auth/radius).
func (s *SystemService) CreateRadius(ctx context.Context, req *RadiusConfig) (*RadiusConfig, error) {
	if req != nil {
		if err := firstError(checkNotBlank("ipAddress", req.IPAddress), checkPort("port", req.Port), checkNotBlank("sharedSecret", req.SharedSecret)); err != nil {
			return nil, err
		}
	}
	return sendChecked[RadiusConfig](ctx, s.client, http.MethodPost, radiusPath, req, req.secret())
}

// UpdateRadius changes the RADIUS configuration
// (PUT /api/v4/system/config/auth/radius).
func (s *SystemService) UpdateRadius(ctx context.Context, req *RadiusConfig) (*RadiusConfig, error) {
	return sendChecked[RadiusConfig](ctx, s.client, http.MethodPut, radiusPath, req, req.secret())
}

// DeleteRadius removes the RADIUS configuration
// (DELETE /api/v4/system/config/auth/radius).
func (s *SystemService) DeleteRadius(ctx context.Context) error {
	return deleteAt(ctx, s.client, radiusPath)
}

// TestRadius checks that DRACOON can reach the configured RADIUS server
// (POST /api/v4/system/config/actions/test/radius).
func (s *SystemService) TestRadius(ctx context.Context) error {
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: systemPath + "/actions/test/radius", idempotent: true}, nil)
}

// secret returns the shared secret of the request ("" for nil).
func (r *RadiusConfig) secret() string {
	if r == nil {
		return ""
	}
	return r.SharedSecret
}
