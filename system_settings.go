package dracoon

import (
	"context"
	"net/http"
)

// SystemService holds the system configuration that config managers
// change (below /api/v4/system/config): settings, authentication methods
// and providers, storage, password policies and OAuth clients. The
// read-only views for ordinary clients are in ConfigService.
type SystemService service

// systemPath is the common prefix of the system configuration.
const systemPath = "/api/v4/system/config"

// UpdateSystemDefaultsRequest changes the system defaults; nil fields stay
// as they are. Periods are in days.
type UpdateSystemDefaultsRequest struct {
	LanguageDefault                      *string `json:"languageDefault,omitempty"`
	DownloadShareDefaultExpirationPeriod *int    `json:"downloadShareDefaultExpirationPeriod,omitempty"`
	UploadShareDefaultExpirationPeriod   *int    `json:"uploadShareDefaultExpirationPeriod,omitempty"`
	FileDefaultExpirationPeriod          *int    `json:"fileDefaultExpirationPeriod,omitempty"`
	NonmemberViewerDefault               *bool   `json:"nonmemberViewerDefault,omitempty"`
}

// Validate refuses an empty language and negative periods.
func (r *UpdateSystemDefaultsRequest) Validate() error {
	var errs []error
	if r.LanguageDefault != nil {
		errs = append(errs, checkNotBlank("languageDefault", *r.LanguageDefault))
	}
	errs = append(errs,
		checkNonNegative("downloadShareDefaultExpirationPeriod", r.DownloadShareDefaultExpirationPeriod),
		checkNonNegative("uploadShareDefaultExpirationPeriod", r.UploadShareDefaultExpirationPeriod),
		checkNonNegative("fileDefaultExpirationPeriod", r.FileDefaultExpirationPeriod))
	return firstError(errs...)
}

// checkNonNegative refuses a set value below 0.
func checkNonNegative(field string, v *int) error {
	if v != nil && *v < 0 {
		return invalid(field, "must not be negative, got %d", *v)
	}
	return nil
}

// SystemGeneralSettings are the general switches as config managers see
// them.
type SystemGeneralSettings struct {
	SharePasswordSMSEnabled        bool                   `json:"sharePasswordSmsEnabled"`
	CryptoEnabled                  bool                   `json:"cryptoEnabled"`
	EmailNotificationButtonEnabled bool                   `json:"emailNotificationButtonEnabled"`
	EULAEnabled                    bool                   `json:"eulaEnabled"`
	UseS3Storage                   bool                   `json:"useS3Storage"`
	S3TagsEnabled                  bool                   `json:"s3TagsEnabled"`
	HideLoginInputFields           bool                   `json:"hideLoginInputFields"`
	AuthTokenRestrictions          *AuthTokenRestrictions `json:"authTokenRestrictions,omitempty"`
	MediaServerEnabled             bool                   `json:"mediaServerEnabled"`
	WeakPasswordEnabled            bool                   `json:"weakPasswordEnabled"`
}

// AuthTokenRestrictions override the OAuth token lifetimes (in seconds)
// for every client.
type AuthTokenRestrictions struct {
	RestrictionEnabled   bool `json:"restrictionEnabled"`
	AccessTokenValidity  int  `json:"accessTokenValidity,omitempty"`
	RefreshTokenValidity int  `json:"refreshTokenValidity,omitempty"`
}

// UpdateAuthTokenRestrictions switches the token lifetime override on
// (OverwriteEnabled) with the given lifetimes in seconds, or off.
type UpdateAuthTokenRestrictions struct {
	OverwriteEnabled     bool `json:"overwriteEnabled"`
	AccessTokenValidity  int  `json:"accessTokenValidity,omitempty"`
	RefreshTokenValidity int  `json:"refreshTokenValidity,omitempty"`
}

// UpdateGeneralSettingsRequest changes general settings; nil fields stay
// as they are. Encryption cannot be switched off once on.
type UpdateGeneralSettingsRequest struct {
	SharePasswordSMSEnabled        *bool                        `json:"sharePasswordSmsEnabled,omitempty"`
	CryptoEnabled                  *bool                        `json:"cryptoEnabled,omitempty"`
	EmailNotificationButtonEnabled *bool                        `json:"emailNotificationButtonEnabled,omitempty"`
	EULAEnabled                    *bool                        `json:"eulaEnabled,omitempty"`
	S3TagsEnabled                  *bool                        `json:"s3TagsEnabled,omitempty"`
	AuthTokenRestrictions          *UpdateAuthTokenRestrictions `json:"authTokenRestrictions,omitempty"`
	HideLoginInputFields           *bool                        `json:"hideLoginInputFields,omitempty"`
	MediaServerEnabled             *bool                        `json:"mediaServerEnabled,omitempty"`
	WeakPasswordEnabled            *bool                        `json:"weakPasswordEnabled,omitempty"`
}

// Validate refuses negative token lifetimes.
func (r *UpdateGeneralSettingsRequest) Validate() error {
	if t := r.AuthTokenRestrictions; t != nil && (t.AccessTokenValidity < 0 || t.RefreshTokenValidity < 0) {
		return invalid("authTokenRestrictions", "token lifetimes must not be negative")
	}
	return nil
}

// AuthSettings list the authentication methods, whether each is on and
// its priority.
type AuthSettings struct {
	AuthMethods []AuthMethod `json:"authMethods"`
}

// Validate refuses an empty list and unknown method names.
func (r *AuthSettings) Validate() error {
	if len(r.AuthMethods) == 0 {
		return invalid("authMethods", "must not be empty")
	}
	for i, m := range r.AuthMethods {
		if err := checkOneOf(fmtIndex("authMethods", i, "name"), m.Name,
			AuthMethodBasic, AuthMethodActiveDirectory, AuthMethodRadius, AuthMethodOpenID); err != nil {
			return err
		}
	}
	return nil
}

// EventLogSettings say whether the event log is kept, for how many days,
// and whether it records IP addresses.
type EventLogSettings struct {
	Enabled         bool `json:"enabled"`
	RetentionPeriod int  `json:"retentionPeriod"`
	LogIPEnabled    bool `json:"logIpEnabled"`
}

// UpdateEventLogSettingsRequest changes the event log settings; nil fields
// stay as they are.
type UpdateEventLogSettingsRequest struct {
	Enabled         *bool `json:"enabled,omitempty"`
	RetentionPeriod *int  `json:"retentionPeriod,omitempty"`
	LogIPEnabled    *bool `json:"logIpEnabled,omitempty"`
}

// Validate refuses a negative retention period.
func (r *UpdateEventLogSettingsRequest) Validate() error {
	return checkNonNegative("retentionPeriod", r.RetentionPeriod)
}

// Syslog transport protocols (SyslogSettings.Protocol).
const (
	SyslogTCP = "TCP"
	SyslogUDP = "UDP"
)

// SyslogSettings say whether and where events are sent by syslog.
type SyslogSettings struct {
	Enabled      bool   `json:"enabled"`
	Host         string `json:"host,omitempty"`
	Port         int    `json:"port,omitempty"`
	Protocol     string `json:"protocol,omitempty"`
	LogIPEnabled bool   `json:"logIpEnabled"`
}

// UpdateSyslogSettingsRequest changes the syslog settings; nil fields
// stay as they are.
type UpdateSyslogSettingsRequest struct {
	Enabled      *bool   `json:"enabled,omitempty"`
	Host         *string `json:"host,omitempty"`
	Port         *int    `json:"port,omitempty"`
	Protocol     *string `json:"protocol,omitempty"`
	LogIPEnabled *bool   `json:"logIpEnabled,omitempty"`
}

// Validate refuses an empty host, a port outside 1…65535 and protocols
// other than TCP and UDP.
func (r *UpdateSyslogSettingsRequest) Validate() error {
	var errs []error
	if r.Host != nil {
		errs = append(errs, checkNotBlank("host", *r.Host))
	}
	if r.Port != nil {
		errs = append(errs, checkPort("port", *r.Port))
	}
	if r.Protocol != nil {
		errs = append(errs, checkOneOf("protocol", *r.Protocol, SyslogTCP, SyslogUDP))
	}
	return firstError(errs...)
}

// settingsAt is the path of one system settings area.
func settingsAt(area string) string { return systemPath + "/settings/" + area }

// Defaults returns the system defaults
// (GET /api/v4/system/config/settings/defaults).
func (s *SystemService) Defaults(ctx context.Context) (*SystemDefaults, error) {
	return getAt[SystemDefaults](ctx, s.client, settingsAt("defaults"))
}

// UpdateDefaults changes the system defaults and returns them
// (PUT /api/v4/system/config/settings/defaults).
func (s *SystemService) UpdateDefaults(ctx context.Context, req *UpdateSystemDefaultsRequest) (*SystemDefaults, error) {
	return sendChecked[SystemDefaults](ctx, s.client, http.MethodPut, settingsAt("defaults"), req)
}

// General returns the general settings
// (GET /api/v4/system/config/settings/general).
func (s *SystemService) General(ctx context.Context) (*SystemGeneralSettings, error) {
	return getAt[SystemGeneralSettings](ctx, s.client, settingsAt("general"))
}

// UpdateGeneral changes the general settings and returns them
// (PUT /api/v4/system/config/settings/general).
func (s *SystemService) UpdateGeneral(ctx context.Context, req *UpdateGeneralSettingsRequest) (*SystemGeneralSettings, error) {
	return sendChecked[SystemGeneralSettings](ctx, s.client, http.MethodPut, settingsAt("general"), req)
}

// AuthSettings returns the authentication methods
// (GET /api/v4/system/config/settings/auth).
func (s *SystemService) AuthSettings(ctx context.Context) (*AuthSettings, error) {
	return getAt[AuthSettings](ctx, s.client, settingsAt("auth"))
}

// UpdateAuthSettings switches authentication methods on or off and sets
// their priorities (PUT /api/v4/system/config/settings/auth).
func (s *SystemService) UpdateAuthSettings(ctx context.Context, req *AuthSettings) (*AuthSettings, error) {
	return sendChecked[AuthSettings](ctx, s.client, http.MethodPut, settingsAt("auth"), req)
}

// EventLogSettings returns the event log settings
// (GET /api/v4/system/config/settings/eventlog).
func (s *SystemService) EventLogSettings(ctx context.Context) (*EventLogSettings, error) {
	return getAt[EventLogSettings](ctx, s.client, settingsAt("eventlog"))
}

// UpdateEventLogSettings changes the event log settings and returns them
// (PUT /api/v4/system/config/settings/eventlog).
func (s *SystemService) UpdateEventLogSettings(ctx context.Context, req *UpdateEventLogSettingsRequest) (*EventLogSettings, error) {
	return sendChecked[EventLogSettings](ctx, s.client, http.MethodPut, settingsAt("eventlog"), req)
}

// SyslogSettings returns the syslog settings
// (GET /api/v4/system/config/settings/syslog).
func (s *SystemService) SyslogSettings(ctx context.Context) (*SyslogSettings, error) {
	return getAt[SyslogSettings](ctx, s.client, settingsAt("syslog"))
}

// UpdateSyslogSettings changes the syslog settings and returns them
// (PUT /api/v4/system/config/settings/syslog).
func (s *SystemService) UpdateSyslogSettings(ctx context.Context, req *UpdateSyslogSettingsRequest) (*SyslogSettings, error) {
	return sendChecked[SyslogSettings](ctx, s.client, http.MethodPut, settingsAt("syslog"), req)
}

// Infrastructure returns the infrastructure properties
// (GET /api/v4/system/config/settings/infrastructure).
func (s *SystemService) Infrastructure(ctx context.Context) (*InfrastructureProperties, error) {
	return getAt[InfrastructureProperties](ctx, s.client, settingsAt("infrastructure"))
}
