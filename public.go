package dracoon

import (
	"context"
	"net/http"
	"time"
)

// PublicService holds the endpoints that need no login: what the instance
// offers (storage, login methods, version, time) and public share access
// by access key: share views, downloads from download shares
// (DownloadShareFile, DownloadShareTo) and uploads through upload shares
// (UploadToShare, UploadFileToShare, UploadStreamToShare).
type PublicService service

// SystemInfo is the public description of an instance.
type SystemInfo struct {
	LanguageDefault       string       `json:"languageDefault"`
	HideLoginInputFields  bool         `json:"hideLoginInputFields"`
	S3Hosts               []string     `json:"s3Hosts"`
	S3EnforceDirectUpload bool         `json:"s3EnforceDirectUpload"`
	UseS3Storage          bool         `json:"useS3Storage"`
	AuthMethods           []AuthMethod `json:"authMethods"`
}

// AuthMethod is one login method an instance offers.
type AuthMethod struct {
	Name      string `json:"name"`
	IsEnabled bool   `json:"isEnabled"`
	Priority  int    `json:"priority"`
}

// ActiveDirectoryAuthInfo lists the Active Directory configurations users
// can log in with.
type ActiveDirectoryAuthInfo struct {
	Items []ActiveDirectory `json:"items"`
}

// ActiveDirectory is one Active Directory login configuration.
type ActiveDirectory struct {
	ID                int64  `json:"id"`
	Alias             string `json:"alias"`
	IsGlobalAvailable bool   `json:"isGlobalAvailable"`
}

// OpenIDAuthInfo lists the OpenID Connect providers users can log in with.
type OpenIDAuthInfo struct {
	Items []OpenIDProvider `json:"items"`
}

// OpenIDProvider is one OpenID Connect identity provider.
type OpenIDProvider struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	Issuer            string `json:"issuer"`
	MappingClaim      string `json:"mappingClaim"`
	IsGlobalAvailable bool   `json:"isGlobalAvailable"`
	UserManagementURL string `json:"userManagementUrl,omitempty"`
}

// SoftwareVersion describes the server software.
type SoftwareVersion struct {
	RestAPIVersion    string    `json:"restApiVersion"`
	SDSServerVersion  string    `json:"sdsServerVersion"`
	BuildDate         time.Time `json:"buildDate"`
	SCMRevisionNumber string    `json:"scmRevisionNumber"`
	IsDracoonCloud    bool      `json:"isDracoonCloud"`
}

// publicGet fetches a public endpoint below /api/v4/public.
func publicGet[T any](ctx context.Context, s *PublicService, path string) (*T, error) {
	return doJSON[T](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/public" + path, public: true})
}

// SystemInfo returns the public system information
// (GET /api/v4/public/system/info).
func (s *PublicService) SystemInfo(ctx context.Context) (*SystemInfo, error) {
	return publicGet[SystemInfo](ctx, s, "/system/info")
}

// ActiveDirectoryAuthInfo returns the Active Directory logins on offer
// (GET /api/v4/public/system/info/auth/ad).
func (s *PublicService) ActiveDirectoryAuthInfo(ctx context.Context) (*ActiveDirectoryAuthInfo, error) {
	return publicGet[ActiveDirectoryAuthInfo](ctx, s, "/system/info/auth/ad")
}

// OpenIDAuthInfo returns the OpenID Connect providers on offer
// (GET /api/v4/public/system/info/auth/openid).
func (s *PublicService) OpenIDAuthInfo(ctx context.Context) (*OpenIDAuthInfo, error) {
	return publicGet[OpenIDAuthInfo](ctx, s, "/system/info/auth/openid")
}

// SoftwareVersion returns the server's version
// (GET /api/v4/public/software/version).
func (s *PublicService) SoftwareVersion(ctx context.Context) (*SoftwareVersion, error) {
	return publicGet[SoftwareVersion](ctx, s, "/software/version")
}

// Time returns the server's clock (GET /api/v4/public/time).
func (s *PublicService) Time(ctx context.Context) (time.Time, error) {
	t, err := publicGet[struct {
		Time time.Time `json:"time"`
	}](ctx, s, "/time")
	if err != nil {
		return time.Time{}, err
	}
	return t.Time, nil
}
