package dracoon

import (
	"context"
	"net/http"
	"time"
)

// ConfigService holds the read-only configuration views that clients read
// after login (GET /api/v4/config/info/…).
type ConfigService service

// SystemDefaults are the instance's defaults for language and expiry
// periods (in days).
type SystemDefaults struct {
	LanguageDefault                      string `json:"languageDefault"`
	DownloadShareDefaultExpirationPeriod int    `json:"downloadShareDefaultExpirationPeriod"`
	UploadShareDefaultExpirationPeriod   int    `json:"uploadShareDefaultExpirationPeriod"`
	FileDefaultExpirationPeriod          int    `json:"fileDefaultExpirationPeriod"`
	NonmemberViewerDefault               bool   `json:"nonmemberViewerDefault"`
	HideLoginInputFields                 bool   `json:"hideLoginInputFields"`
}

// GeneralSettings are the feature switches clients need to know.
type GeneralSettings struct {
	SharePasswordSMSEnabled        bool  `json:"sharePasswordSmsEnabled"`
	CryptoEnabled                  bool  `json:"cryptoEnabled"`
	EmailNotificationButtonEnabled bool  `json:"emailNotificationButtonEnabled"`
	EULAEnabled                    bool  `json:"eulaEnabled"`
	WeakPasswordEnabled            bool  `json:"weakPasswordEnabled"`
	UseS3Storage                   bool  `json:"useS3Storage"`
	S3TagsEnabled                  bool  `json:"s3TagsEnabled"`
	HomeRoomsActive                bool  `json:"homeRoomsActive"`
	HomeRoomParentID               int64 `json:"homeRoomParentId,omitempty"`
	MediaServerEnabled             bool  `json:"mediaServerEnabled"`
}

// InfrastructureProperties describe where and how the instance runs.
type InfrastructureProperties struct {
	SMSConfigEnabled         bool   `json:"smsConfigEnabled"`
	MediaServerConfigEnabled bool   `json:"mediaServerConfigEnabled"`
	S3DefaultRegion          string `json:"s3DefaultRegion"`
	S3EnforceDirectUpload    bool   `json:"s3EnforceDirectUpload"`
	IsDracoonCloud           bool   `json:"isDracoonCloud"`
	TenantUUID               string `json:"tenantUuid"`
}

// AlgorithmVersions lists the encryption versions the instance supports
// for user key pairs and file keys.
type AlgorithmVersions struct {
	FileKeyAlgorithms []AlgorithmVersion `json:"fileKeyAlgorithms"`
	KeyPairAlgorithms []AlgorithmVersion `json:"keyPairAlgorithms"`
}

// AlgorithmVersion is one supported encryption version; Status is REQUIRED
// or DISCOURAGED.
type AlgorithmVersion struct {
	Version     string `json:"version"`
	Description string `json:"description"`
	Status      string `json:"status"`
}

// PasswordPolicies are the rules for login, share and encryption
// passwords.
type PasswordPolicies struct {
	LoginPasswordPolicies      *LoginPasswordPolicies `json:"loginPasswordPolicies,omitempty"`
	SharesPasswordPolicies     *PasswordPolicy        `json:"sharesPasswordPolicies,omitempty"`
	EncryptionPasswordPolicies *PasswordPolicy        `json:"encryptionPasswordPolicies,omitempty"`
}

// PasswordPolicy is the common part of every password policy.
type PasswordPolicy struct {
	CharacterRules         *CharacterRules `json:"characterRules,omitempty"`
	MinLength              int             `json:"minLength"`
	RejectDictionaryWords  bool            `json:"rejectDictionaryWords"`
	RejectUserInfo         bool            `json:"rejectUserInfo"`
	RejectKeyboardPatterns bool            `json:"rejectKeyboardPatterns"`
	UpdatedAt              time.Time       `json:"updatedAt,omitzero"`
	UpdatedBy              *UserInfo       `json:"updatedBy,omitempty"`
}

// LoginPasswordPolicies add history, expiry and lockout rules to the
// common policy.
type LoginPasswordPolicies struct {
	PasswordPolicy
	NumberOfArchivedPasswords int `json:"numberOfArchivedPasswords"`
	PasswordExpiration        struct {
		Enabled        bool `json:"enabled"`
		MaxPasswordAge int  `json:"maxPasswordAge,omitempty"`
	} `json:"passwordExpiration"`
	UserLockout struct {
		Enabled                  bool `json:"enabled"`
		MaxNumberOfLoginFailures int  `json:"maxNumberOfLoginFailures,omitempty"`
		LockoutPeriod            int  `json:"lockoutPeriod,omitempty"`
	} `json:"userLockout"`
}

// CharacterRules say which kinds of characters a password needs.
type CharacterRules struct {
	MustContainCharacters            []string `json:"mustContainCharacters"`
	NumberOfCharacteristicsToEnforce int      `json:"numberOfCharacteristicsToEnforce"`
}

// ClassificationPolicies say which share classifications need a password.
type ClassificationPolicies struct {
	ShareClassificationPolicies struct {
		// ClassificationRequiresSharePassword is the lowest classification
		// (1–4) whose shares need a password; 0 means none does.
		ClassificationRequiresSharePassword int `json:"classificationRequiresSharePassword"`
	} `json:"shareClassificationPolicies"`
}

// ProductPackages lists product packages with their features and clients.
type ProductPackages struct {
	Packages []ProductPackage `json:"packages"`
}

// ProductPackage is one licensed product package.
type ProductPackage struct {
	ProductPackageID   int64  `json:"productPackageId"`
	ProductPackageName string `json:"productPackageName"`
	Features           []struct {
		FeatureID   int64  `json:"featureId"`
		FeatureName string `json:"featureName"`
		IsAvailable bool   `json:"isAvailable"`
	} `json:"features"`
	Clients []struct {
		OAuthClientName string `json:"oauthClientName"`
		IsAvailable     bool   `json:"isAvailable"`
	} `json:"clients"`
}

// S3Tags lists the S3 tags configured for the instance.
type S3Tags struct {
	Items []S3Tag `json:"items"`
}

// S3Tag is one S3 tag that uploads may or must carry.
type S3Tag struct {
	ID          int64  `json:"id"`
	Key         string `json:"key"`
	Value       string `json:"value"`
	IsMandatory bool   `json:"isMandatory"`
}

// configGet fetches an endpoint below /api/v4/config/info.
func configGet[T any](ctx context.Context, s *ConfigService, path string) (*T, error) {
	return doJSON[T](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/config/info" + path})
}

// Defaults returns the system defaults (GET /api/v4/config/info/defaults).
func (s *ConfigService) Defaults(ctx context.Context) (*SystemDefaults, error) {
	return configGet[SystemDefaults](ctx, s, "/defaults")
}

// General returns the general settings (GET /api/v4/config/info/general).
func (s *ConfigService) General(ctx context.Context) (*GeneralSettings, error) {
	return configGet[GeneralSettings](ctx, s, "/general")
}

// Infrastructure returns the infrastructure properties
// (GET /api/v4/config/info/infrastructure).
func (s *ConfigService) Infrastructure(ctx context.Context) (*InfrastructureProperties, error) {
	return configGet[InfrastructureProperties](ctx, s, "/infrastructure")
}

// Algorithms returns the supported encryption versions
// (GET /api/v4/config/info/policies/algorithms).
func (s *ConfigService) Algorithms(ctx context.Context) (*AlgorithmVersions, error) {
	return configGet[AlgorithmVersions](ctx, s, "/policies/algorithms")
}

// PasswordPolicies returns the password policies
// (GET /api/v4/config/info/policies/passwords).
func (s *ConfigService) PasswordPolicies(ctx context.Context) (*PasswordPolicies, error) {
	return configGet[PasswordPolicies](ctx, s, "/policies/passwords")
}

// ClassificationPolicies returns the share classification policies
// (GET /api/v4/config/info/policies/classifications).
func (s *ConfigService) ClassificationPolicies(ctx context.Context) (*ClassificationPolicies, error) {
	return configGet[ClassificationPolicies](ctx, s, "/policies/classifications")
}

// ProductPackages returns all product packages
// (GET /api/v4/config/info/product_packages).
func (s *ConfigService) ProductPackages(ctx context.Context) (*ProductPackages, error) {
	return configGet[ProductPackages](ctx, s, "/product_packages")
}

// CurrentProductPackages returns the packages licensed to this tenant
// (GET /api/v4/config/info/product_packages/current).
func (s *ConfigService) CurrentProductPackages(ctx context.Context) (*ProductPackages, error) {
	return configGet[ProductPackages](ctx, s, "/product_packages/current")
}

// S3Tags returns the configured S3 tags (GET /api/v4/config/info/s3_tags).
func (s *ConfigService) S3Tags(ctx context.Context) (*S3Tags, error) {
	return configGet[S3Tags](ctx, s, "/s3_tags")
}

// LicenseInfo is the state of the instance's license and when it is valid.
type LicenseInfo struct {
	// State is valid, exceeding, expiring, expired, exceeded or invalid.
	State     string    `json:"state"`
	ValidFrom time.Time `json:"validFrom,omitzero"`
	ValidTo   time.Time `json:"validTo,omitzero"`
}

// NotificationChannel is one way DRACOON notifies users (such as e-mail),
// with how often it sends.
type NotificationChannel struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	IsEnabled bool   `json:"isEnabled"`
	Frequency int64  `json:"frequency"`
}

// NotificationChannels lists the notification channels.
type NotificationChannels struct {
	Items []NotificationChannel `json:"items"`
}

// License returns the license state (GET /api/v4/config/info/license).
func (s *ConfigService) License(ctx context.Context) (*LicenseInfo, error) {
	return configGet[LicenseInfo](ctx, s, "/license")
}

// NotificationChannels returns the notification channels as users see
// them (GET /api/v4/config/info/notifications/channels).
func (s *ConfigService) NotificationChannels(ctx context.Context) (*NotificationChannels, error) {
	return configGet[NotificationChannels](ctx, s, "/notifications/channels")
}
