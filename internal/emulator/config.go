package emulator

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Configuration info endpoints: /config/info/{general, defaults,
// infrastructure, policies/algorithms, policies/passwords,
// policies/classifications, product_packages, product_packages/current,
// s3_tags}. The classification policies and product packages are not in
// the 4.26.7 document; their shapes follow the recorded config/dco3
// fixtures.

func (e *Emulator) configRoutes(r chi.Router) {
	r.Get("/config/info/general", produces(mediaJSON, e.handleGeneralSettings))
	r.Get("/config/info/defaults", produces(mediaJSON, e.handleSystemDefaults))
	r.Get("/config/info/infrastructure", produces(mediaJSON, e.handleInfrastructure))
	r.Get("/config/info/policies/algorithms", produces(mediaJSON, e.handleAlgorithms))
	r.Get("/config/info/policies/passwords", produces(mediaJSON, e.handlePasswordPolicies))
	r.Get("/config/info/policies/classifications", produces(mediaJSON, e.handleClassificationPolicies))
	r.Get("/config/info/product_packages", produces(mediaJSON, e.handleProductPackages))
	r.Get("/config/info/product_packages/current", produces(mediaJSON, e.handleProductPackages))
	r.Get("/config/info/s3_tags", produces(mediaJSON, e.handleS3Tags))
}

type authTokenRestrictionsJSON struct {
	RestrictionEnabled   bool  `json:"restrictionEnabled"`
	AccessTokenValidity  int64 `json:"accessTokenValidity"`
	RefreshTokenValidity int64 `json:"refreshTokenValidity"`
}

// generalSettingsJSON is GeneralSettingsInfo plus authTokenRestrictions,
// which newer servers send (config/dco3/general_settings_ok.json).
type generalSettingsJSON struct {
	SharePasswordSmsEnabled        bool                      `json:"sharePasswordSmsEnabled"`
	CryptoEnabled                  bool                      `json:"cryptoEnabled"`
	EmailNotificationButtonEnabled bool                      `json:"emailNotificationButtonEnabled"`
	EulaEnabled                    bool                      `json:"eulaEnabled"`
	WeakPasswordEnabled            bool                      `json:"weakPasswordEnabled"`
	UseS3Storage                   bool                      `json:"useS3Storage"`
	S3TagsEnabled                  bool                      `json:"s3TagsEnabled"`
	HomeRoomsActive                bool                      `json:"homeRoomsActive"`
	HomeRoomParentID               *int64                    `json:"homeRoomParentId,omitempty"`
	MediaServerEnabled             bool                      `json:"mediaServerEnabled"`
	AuthTokenRestrictions          authTokenRestrictionsJSON `json:"authTokenRestrictions"`
}

func (e *Emulator) handleGeneralSettings(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	c := e.st.customer
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, generalSettingsJSON{
		SharePasswordSmsEnabled:        c.sharePasswordSMS,
		CryptoEnabled:                  c.cryptoEnabled,
		EmailNotificationButtonEnabled: true,
		EulaEnabled:                    c.eulaEnabled,
		WeakPasswordEnabled:            false,
		UseS3Storage:                   e.useS3(),
		S3TagsEnabled:                  c.s3TagsEnabled,
		HomeRoomsActive:                c.homeRoomsActive,
		MediaServerEnabled:             false,
		AuthTokenRestrictions: authTokenRestrictionsJSON{
			RestrictionEnabled:   false,
			AccessTokenValidity:  ceilSeconds(e.cfg.AccessTokenLifetime),
			RefreshTokenValidity: ceilSeconds(e.cfg.RefreshTokenLifetime),
		},
	})
}

// handleSystemDefaults reports the defaults that PUT
// /system/config/settings/defaults sets (sysconfig.go).
func (e *Emulator) handleSystemDefaults(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	d := cloneDoc(e.st.admin.sysconf.docs["defaults"])
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, d)
}

type infrastructureJSON struct {
	SmsConfigEnabled         bool   `json:"smsConfigEnabled"`
	MediaServerConfigEnabled bool   `json:"mediaServerConfigEnabled"`
	S3DefaultRegion          string `json:"s3DefaultRegion"`
	S3EnforceDirectUpload    bool   `json:"s3EnforceDirectUpload"`
	IsDracoonCloud           bool   `json:"isDracoonCloud"`
	TenantUUID               string `json:"tenantUuid"`
}

func (e *Emulator) handleInfrastructure(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	id := e.st.customer.uuid
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, infrastructureJSON{
		S3DefaultRegion:       "eu-central-1",
		S3EnforceDirectUpload: e.cfg.S3EnforceDirectUpload,
		TenantUUID:            id,
	})
}

type algorithmJSON struct {
	Version     string `json:"version"`
	Description string `json:"description"`
	Status      string `json:"status"`
}

type algorithmsJSON struct {
	FileKeyAlgorithms []algorithmJSON `json:"fileKeyAlgorithms"`
	KeyPairAlgorithms []algorithmJSON `json:"keyPairAlgorithms"`
}

// algorithms lists the crypto versions DRACOON supports; RSA-4096 is the
// required one, the 2048-bit "A" versions are discouraged.
var algorithms = algorithmsJSON{
	FileKeyAlgorithms: []algorithmJSON{
		{Version: "RSA-4096/AES-256-GCM", Description: "File key encrypted with RSA-4096 (OAEP, SHA-256); content AES-256-GCM", Status: "REQUIRED"},
		{Version: "A", Description: "File key encrypted with RSA-2048 (OAEP, SHA-256/MGF1-SHA-1); content AES-256-GCM", Status: "DISCOURAGED"},
	},
	KeyPairAlgorithms: []algorithmJSON{
		{Version: "RSA-4096", Description: "RSA key pair with 4096-bit modulus", Status: "REQUIRED"},
		{Version: "A", Description: "RSA key pair with 2048-bit modulus", Status: "DISCOURAGED"},
	},
}

func (e *Emulator) handleAlgorithms(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, algorithms)
}

type characterRulesJSON struct {
	MustContainCharacters            []string `json:"mustContainCharacters"`
	NumberOfCharacteristicsToEnforce int      `json:"numberOfCharacteristicsToEnforce"`
}

type passwordExpirationJSON struct {
	Enabled        bool `json:"enabled"`
	MaxPasswordAge int  `json:"maxPasswordAge"`
}

type userLockoutJSON struct {
	Enabled                  bool `json:"enabled"`
	MaxNumberOfLoginFailures int  `json:"maxNumberOfLoginFailures"`
	LockoutPeriod            int  `json:"lockoutPeriod"`
}

type loginPasswordPoliciesJSON struct {
	CharacterRules            characterRulesJSON     `json:"characterRules"`
	MinLength                 int                    `json:"minLength"`
	RejectDictionaryWords     bool                   `json:"rejectDictionaryWords"`
	RejectUserInfo            bool                   `json:"rejectUserInfo"`
	RejectKeyboardPatterns    bool                   `json:"rejectKeyboardPatterns"`
	NumberOfArchivedPasswords int                    `json:"numberOfArchivedPasswords"`
	PasswordExpiration        passwordExpirationJSON `json:"passwordExpiration"`
	UserLockout               userLockoutJSON        `json:"userLockout"`
	UpdatedAt                 apiTime                `json:"updatedAt"`
	UpdatedBy                 userInfoJSON           `json:"updatedBy"`
}

type sharesPasswordPoliciesJSON struct {
	CharacterRules         characterRulesJSON `json:"characterRules"`
	MinLength              int                `json:"minLength"`
	RejectDictionaryWords  bool               `json:"rejectDictionaryWords"`
	RejectUserInfo         bool               `json:"rejectUserInfo"`
	RejectKeyboardPatterns bool               `json:"rejectKeyboardPatterns"`
	UpdatedAt              apiTime            `json:"updatedAt"`
	UpdatedBy              userInfoJSON       `json:"updatedBy"`
}

type encryptionPasswordPoliciesJSON struct {
	CharacterRules         characterRulesJSON `json:"characterRules"`
	MinLength              int                `json:"minLength"`
	RejectUserInfo         bool               `json:"rejectUserInfo"`
	RejectKeyboardPatterns bool               `json:"rejectKeyboardPatterns"`
	UpdatedAt              apiTime            `json:"updatedAt"`
	UpdatedBy              userInfoJSON       `json:"updatedBy"`
}

type passwordPoliciesJSON struct {
	LoginPasswordPolicies      loginPasswordPoliciesJSON      `json:"loginPasswordPolicies"`
	SharesPasswordPolicies     sharesPasswordPoliciesJSON     `json:"sharesPasswordPolicies"`
	EncryptionPasswordPolicies encryptionPasswordPoliciesJSON `json:"encryptionPasswordPolicies"`
}

// handlePasswordPolicies reports the policies that PUT
// /system/config/policies/passwords sets and user creation and password
// changes enforce (policies.go).
func (e *Emulator) handlePasswordPolicies(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	p := e.st.policyJSON()
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, p)
}

type classificationPoliciesJSON struct {
	ShareClassificationPolicies struct {
		ClassificationRequiresSharePassword int `json:"classificationRequiresSharePassword"`
	} `json:"shareClassificationPolicies"`
}

// handleClassificationPolicies answers "no classification requires a share
// password" (0).
func (e *Emulator) handleClassificationPolicies(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, classificationPoliciesJSON{})
}

type productFeatureJSON struct {
	FeatureID   int    `json:"featureId"`
	FeatureName string `json:"featureName"`
	IsAvailable bool   `json:"isAvailable"`
}

type productClientJSON struct {
	IsAvailable     bool   `json:"isAvailable"`
	OauthClientName string `json:"oauthClientName"`
}

type productPackageJSON struct {
	ProductPackageID   int                  `json:"productPackageId"`
	ProductPackageName string               `json:"productPackageName"`
	Features           []productFeatureJSON `json:"features"`
	Clients            []productClientJSON  `json:"clients"`
}

type productPackagesJSON struct {
	Packages []productPackageJSON `json:"packages"`
}

func (e *Emulator) handleProductPackages(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, productPackagesJSON{Packages: []productPackageJSON{{
		ProductPackageID:   1,
		ProductPackageName: "emulator",
		Features: []productFeatureJSON{
			{FeatureID: 1, FeatureName: "client_side_encryption", IsAvailable: *e.cfg.CryptoEnabled},
			{FeatureID: 2, FeatureName: "s3_direct_upload", IsAvailable: e.useS3()},
		},
		Clients: []productClientJSON{{IsAvailable: true, OauthClientName: PublicClientID}},
	}}})
}

var (
	errS3Disabled     = newAPIError(412, -90030, "S3 storage disabled")
	errS3TagsDisabled = newAPIError(412, -90032, "S3 tags are disabled")
)

// handleS3Tags lists the S3 tags configured under
// /system/config/storage/s3/tags.
func (e *Emulator) handleS3Tags(w http.ResponseWriter, r *http.Request) {
	if !e.useS3() {
		writeError(w, errS3Disabled)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.st.customer.s3TagsEnabled {
		writeError(w, errS3TagsDisabled)
		return
	}
	writeJSON(w, http.StatusOK, jsonDoc{"items": e.st.admin.sysconf.tags.sorted()})
}
