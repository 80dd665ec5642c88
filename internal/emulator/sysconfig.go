package emulator

import (
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// System configuration (/system/config/*, CONFIG_MANAGER): settings (auth,
// defaults, eventlog, general, infrastructure, syslog), storage (S3 and
// S3 tags), authentication providers (Active Directory, OpenID Connect,
// RADIUS) and the info endpoints that read the same state
// (/config/info/defaults, /config/info/s3_tags, /config/info/license,
// notification channels). Most of it only stores and returns: each area is
// a JSON document whose keys are the response schema's properties, and an
// update merges the request's known keys into it (type-checked; unknown
// keys ignored, write-only secrets turned into their "defined" flags).
// General settings are typed because the tenant's flags live in state.customer.

// jsonDoc is a stored JSON object.
type jsonDoc = map[string]any

// sysConfig holds the stored documents.
type sysConfig struct {
	docs map[string]jsonDoc
	ads  *docCollection
	idps *docCollection
	tags *docCollection
	// radius is nil while RADIUS is not configured.
	radius jsonDoc
}

// docCollection is a set of documents with ids (AD configurations, OpenID
// providers, S3 tags).
type docCollection struct {
	seq      sequence
	items    map[int64]jsonDoc
	proto    jsonDoc  // every response property with its default
	required []string // keys a create request must carry
	notFound *apiError
}

func (c *docCollection) sorted() []jsonDoc {
	out := make([]jsonDoc, 0, len(c.items))
	for _, id := range slices.Sorted(maps.Keys(c.items)) {
		out = append(out, cloneDoc(c.items[id]))
	}
	return out
}

var (
	errRadiusNotFound = newAPIError(404, 0, "RADIUS configuration not found")
	errS3TagNotFound  = newAPIError(404, 0, "S3 tag not found")
)

func newSysConfig() *sysConfig {
	sc := &sysConfig{docs: map[string]jsonDoc{
		"auth": {"authMethods": []any{
			jsonDoc{"name": "basic", "isEnabled": true, "priority": 1.0},
			jsonDoc{"name": "active_directory", "isEnabled": false, "priority": 2.0},
			jsonDoc{"name": "radius", "isEnabled": false, "priority": 3.0},
			jsonDoc{"name": "openid", "isEnabled": false, "priority": 4.0},
		}},
		"defaults": {"languageDefault": "en-US", "downloadShareDefaultExpirationPeriod": 0.0, "uploadShareDefaultExpirationPeriod": 0.0,
			"fileDefaultExpirationPeriod": 0.0, "nonmemberViewerDefault": false, "hideLoginInputFields": false},
		"eventlog": {"enabled": true, "retentionPeriod": 30.0, "logIpEnabled": false},
		"syslog":   {"enabled": false, "host": "", "port": 514.0, "protocol": "TCP", "logIpEnabled": false},
		"s3":       {"bucketUrl": "", "accessKeyDefined": false, "secretKeyDefined": false, "region": "eu-central-1", "endpointUrl": "", "bucketName": ""},
		"channels": {"items": []any{
			jsonDoc{"id": 1.0, "name": "email", "isEnabled": true, "type": "email", "frequency": 0.0},
		}},
	}}
	sc.ads = &docCollection{items: map[int64]jsonDoc{}, notFound: errADConfigNotFound,
		proto: jsonDoc{"alias": "", "serverIp": "", "serverPort": 389.0, "serverAdminName": "", "ldapUsersDomain": "", "userFilter": "",
			"userImport": false, "adExportGroup": "", "useLdaps": false, "sdsImportGroup": 0.0, "sslFingerPrint": "",
			"homeFolderParent": 0.0, "createHomeFolder": false},
		required: []string{"alias", "serverIp", "serverPort", "serverAdminName", "serverAdminPassword", "ldapUsersDomain", "userFilter"},
	}
	sc.idps = &docCollection{items: map[int64]jsonDoc{}, notFound: errOIDConfigNotFound,
		proto: jsonDoc{"name": "", "issuer": "", "authorizationEndPointUrl": "", "tokenEndPointUrl": "", "userInfoEndPointUrl": "",
			"jwksEndPointUrl": "", "clientId": "", "clientSecret": "", "flow": "authorization_code", "scopes": []any{}, "redirectUris": []any{},
			"pkceEnabled": false, "pkceChallengeMethod": "S256", "mappingClaim": "", "fallbackMappingClaim": "", "userInfoSource": "user_info_endpoint",
			"userImportEnabled": false, "userImportGroup": 0.0, "userUpdateEnabled": false, "userManagementUrl": ""},
		required: []string{"name", "issuer", "authorizationEndPointUrl", "tokenEndPointUrl", "userInfoEndPointUrl", "jwksEndPointUrl",
			"clientId", "clientSecret", "scopes", "redirectUris", "mappingClaim"},
	}
	sc.tags = &docCollection{items: map[int64]jsonDoc{}, notFound: errS3TagNotFound,
		proto: jsonDoc{"key": "", "value": "", "isMandatory": false}, required: []string{"key", "value"}}
	// The nominal AD configuration and OpenID provider the user
	// administration knows (unverified_users.go).
	sc.ads.add(jsonDoc{"alias": "Emulated Active Directory", "serverIp": "ad.emulator.invalid", "serverAdminName": "admin",
		"ldapUsersDomain": "emulator.invalid", "userFilter": "(objectClass=person)"})
	sc.idps.add(jsonDoc{"name": "Emulated OpenID provider", "issuer": "https://idp.emulator.invalid", "mappingClaim": "email"})
	return sc
}

// add stores a new document built from the prototype and fields; it
// returns the stored document.
func (c *docCollection) add(fields jsonDoc) jsonDoc {
	d := cloneDoc(c.proto)
	_ = mergeDoc(d, fields, nil)
	id := c.seq.next()
	d["id"] = float64(id)
	c.items[id] = d
	return d
}

// cloneDoc deep-copies a document.
func cloneDoc(d jsonDoc) jsonDoc {
	b, _ := json.Marshal(d)
	var out jsonDoc
	_ = json.Unmarshal(b, &out)
	return out
}

// writeOnly maps a write-only request key (a secret that is never
// returned) to the response flag saying it is set ("" for none).
type writeOnly map[string]string

// mergeDoc merges patch into dst: keys of dst take the patch's value when
// the JSON types agree (objects merge recursively, numbers must be whole
// and non-negative), null keeps the old value, keys dst lacks are ignored
// except write-only ones, which set their flag. Strings pass
// validateText. dst is unchanged when an error is returned.
func mergeDoc(dst, patch jsonDoc, wo writeOnly) *apiError {
	next := cloneDoc(dst)
	if err := mergeInto(next, patch, wo); err != nil {
		return err
	}
	clear(dst)
	maps.Copy(dst, next)
	return nil
}

func mergeInto(dst, patch jsonDoc, wo writeOnly) *apiError {
	for k, v := range patch {
		if v == nil {
			continue
		}
		old, known := dst[k]
		if !known {
			if flag, ok := wo[k]; ok {
				s, isStr := v.(string)
				if !isStr {
					return errInvalidParameter
				}
				if flag != "" {
					dst[flag] = s != ""
				}
			}
			continue
		}
		switch o := old.(type) {
		case map[string]any:
			p, ok := v.(map[string]any)
			if !ok {
				return errInvalidParameter
			}
			if err := mergeInto(o, p, nil); err != nil {
				return err
			}
		case float64:
			n, ok := v.(float64)
			if !ok {
				return errInvalidNumber
			}
			if n != math.Trunc(n) || n < 0 {
				return errPositiveNumber
			}
			dst[k] = n
		case bool:
			b, ok := v.(bool)
			if !ok {
				return errInvalidBoolean
			}
			dst[k] = b
		case string:
			s, ok := v.(string)
			if !ok {
				return errInvalidParameter
			}
			if err := validateText(s); err != nil {
				return err
			}
			if len(s) > 1024 {
				return errTooLong
			}
			dst[k] = s
		case []any:
			a, err := mergeArray(o, v)
			if err != nil {
				return err
			}
			dst[k] = a
		}
	}
	return nil
}

// mergeArray checks a new array value against the stored one: its
// elements must have the type of the stored first element (objects are
// merged into a copy of it, so each keeps the full set of keys); an array
// stored empty takes strings.
func mergeArray(old []any, v any) ([]any, *apiError) {
	a, ok := v.([]any)
	if !ok {
		return nil, errInvalidParameter
	}
	out := make([]any, 0, len(a))
	for _, el := range a {
		wrapped := jsonDoc{"v": ""}
		if len(old) > 0 {
			wrapped["v"] = old[0]
			if proto, isObj := old[0].(map[string]any); isObj {
				wrapped["v"] = cloneDoc(proto)
			}
		}
		if el == nil {
			return nil, errInvalidParameter
		}
		if err := mergeInto(wrapped, jsonDoc{"v": el}, nil); err != nil {
			return nil, err
		}
		out = append(out, wrapped["v"])
	}
	return out, nil
}

// decodeDoc reads a JSON object body.
func decodeDoc(r *http.Request) (jsonDoc, *apiError) {
	var d jsonDoc
	if err := decodeJSON(r, &d, false); err != nil {
		return nil, err
	}
	if d == nil {
		return nil, errInvalidJSON
	}
	return d, nil
}

// configHandler wraps h with the CONFIG_MANAGER check and the state lock.
func (e *Emulator) configHandler(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return produces(mediaJSON, func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if err := e.requireRight(r, rightChangeConfig); err != nil {
			writeError(w, err)
			return
		}
		h(w, r)
	})
}

// docHandlers serves GET and PUT of the stored document key.
func (e *Emulator) docHandlers(r chi.Router, path, key string, wo writeOnly) {
	r.Get(path, e.configHandler(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.st.admin.sysconf.docs[key])
	}))
	r.Put(path, e.configHandler(func(w http.ResponseWriter, r *http.Request) {
		patch, err := decodeDoc(r)
		if err == nil {
			err = mergeDoc(e.st.admin.sysconf.docs[key], patch, wo)
		}
		if err != nil {
			writeError(w, err)
			return
		}
		e.emit(r, opSettingsChanged, 0, key)
		writeJSON(w, http.StatusOK, e.st.admin.sysconf.docs[key])
	}))
}

// collectionHandlers serves list, create, get, update and delete of a
// document collection; bare lists the items as a bare array.
func (e *Emulator) collectionHandlers(r chi.Router, path, param string, c func() *docCollection, wo writeOnly, bare, update bool) {
	find := func(r *http.Request) (int64, jsonDoc, *apiError) {
		id, err := parseID(chi.URLParam(r, param))
		if err != nil {
			return 0, nil, err
		}
		d := c().items[id]
		if d == nil {
			return 0, nil, c().notFound
		}
		return id, d, nil
	}
	r.Get(path, e.configHandler(func(w http.ResponseWriter, r *http.Request) {
		if bare {
			writeJSON(w, http.StatusOK, c().sorted())
			return
		}
		writeJSON(w, http.StatusOK, jsonDoc{"items": c().sorted()})
	}))
	r.Post(path, e.configHandler(func(w http.ResponseWriter, r *http.Request) {
		req, err := decodeDoc(r)
		if err != nil {
			writeError(w, err)
			return
		}
		for _, k := range c().required {
			if v, ok := req[k]; !ok || v == nil || v == "" {
				writeError(w, errMandatory.withDebug("Mandatory fields cannot be empty: "+k))
				return
			}
		}
		probe := cloneDoc(c().proto)
		if err := mergeDoc(probe, req, wo); err != nil {
			writeError(w, err)
			return
		}
		d := c().add(probe)
		e.emit(r, opAuthConfigChanged, int64(d["id"].(float64)), path)
		writeJSON(w, http.StatusCreated, d)
	}))
	r.Get(path+"/{"+param+"}", e.configHandler(func(w http.ResponseWriter, r *http.Request) {
		_, d, err := find(r)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, d)
	}))
	if update {
		r.Put(path+"/{"+param+"}", e.configHandler(func(w http.ResponseWriter, r *http.Request) {
			id, d, err := find(r)
			if err == nil {
				var patch jsonDoc
				if patch, err = decodeDoc(r); err == nil {
					delete(patch, "id")
					err = mergeDoc(d, patch, wo)
				}
			}
			if err != nil {
				writeError(w, err)
				return
			}
			e.emit(r, opAuthConfigChanged, id, path)
			writeJSON(w, http.StatusOK, d)
		}))
	}
	r.Delete(path+"/{"+param+"}", e.configHandler(func(w http.ResponseWriter, r *http.Request) {
		id, _, err := find(r)
		if err != nil {
			writeError(w, err)
			return
		}
		delete(c().items, id)
		e.emit(r, opAuthConfigChanged, id, path)
		w.WriteHeader(http.StatusNoContent)
	}))
}

func (e *Emulator) sysconfigRoutes(r chi.Router) {
	sc := func() *sysConfig { return e.st.admin.sysconf }
	e.docHandlers(r, "/system/config/settings/auth", "auth", nil)
	e.docHandlers(r, "/system/config/settings/defaults", "defaults", nil)
	e.docHandlers(r, "/system/config/settings/eventlog", "eventlog", nil)
	e.docHandlers(r, "/system/config/settings/syslog", "syslog", nil)
	r.Get("/system/config/settings/general", e.configHandler(e.handleGetGeneralConfig))
	r.Put("/system/config/settings/general", e.configHandler(e.handleUpdateGeneralConfig))
	r.Get("/system/config/settings/infrastructure", produces(mediaJSON, func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		err := e.requireRight(r, rightChangeConfig)
		e.mu.Unlock()
		if err != nil {
			writeError(w, err)
			return
		}
		e.handleInfrastructure(w, r)
	}))

	s3wo := writeOnly{"accessKey": "accessKeyDefined", "secretKey": "secretKeyDefined"}
	r.Get("/system/config/storage/s3", e.configHandler(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sc().docs["s3"])
	}))
	r.Post("/system/config/storage/s3", e.configHandler(e.handleSetS3(true, s3wo)))
	r.Put("/system/config/storage/s3", e.configHandler(e.handleSetS3(false, s3wo)))
	e.collectionHandlers(r, "/system/config/storage/s3/tags", "id", func() *docCollection { return sc().tags }, nil, false, false)

	e.collectionHandlers(r, "/system/config/auth/ads", "ad_id", func() *docCollection { return sc().ads }, writeOnly{"serverAdminPassword": ""}, false, true)
	e.collectionHandlers(r, "/system/config/auth/openid/idps", "idp_id", func() *docCollection { return sc().idps }, writeOnly{"resetFallbackMappingClaim": ""}, true, true)
	r.Get("/system/config/auth/radius", e.configHandler(e.handleGetRadius))
	r.Post("/system/config/auth/radius", e.configHandler(e.handleSetRadius(true)))
	r.Put("/system/config/auth/radius", e.configHandler(e.handleSetRadius(false)))
	r.Delete("/system/config/auth/radius", e.configHandler(e.handleDeleteRadius))
	r.Post("/system/config/actions/test/ad", e.configHandler(e.handleTestAD))
	r.Post("/system/config/actions/test/radius", e.configHandler(e.handleTestRadius))

	r.Get("/config/info/license", produces(mediaJSON, e.handleLicense))
	r.Get("/config/info/notifications/channels", produces(mediaJSON, e.handleChannels))
	r.Get("/settings/notifications/channels", e.configHandler(e.handleChannelsLocked))
	r.Put("/settings/notifications/channels", e.configHandler(e.handleToggleChannel))
}

// handleSetS3 stores the S3 configuration (POST: only once, both keys
// required).
func (e *Emulator) handleSetS3(create bool, wo writeOnly) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := decodeDoc(r)
		if err != nil {
			writeError(w, err)
			return
		}
		doc := e.st.admin.sysconf.docs["s3"]
		if create {
			for _, k := range []string{"accessKey", "secretKey"} {
				if s, _ := req[k].(string); s == "" {
					writeError(w, errMandatory.withDebug("Mandatory fields cannot be empty: "+k))
					return
				}
			}
		}
		if err := mergeDoc(doc, req, wo); err != nil {
			writeError(w, err)
			return
		}
		e.emit(r, opSettingsChanged, 0, "s3")
		status := http.StatusOK
		if create {
			status = http.StatusCreated
		}
		writeJSON(w, status, doc)
	}
}

func (e *Emulator) handleGetRadius(w http.ResponseWriter, r *http.Request) {
	if e.st.admin.sysconf.radius == nil {
		writeError(w, errRadiusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, e.st.admin.sysconf.radius)
}

func (e *Emulator) handleSetRadius(create bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := decodeDoc(r)
		if err != nil {
			writeError(w, err)
			return
		}
		sc := e.st.admin.sysconf
		doc := sc.radius
		switch {
		case create:
			for _, k := range []string{"ipAddress", "port", "sharedSecret"} {
				if v, ok := req[k]; !ok || v == nil || v == "" {
					writeError(w, errMandatory.withDebug("Mandatory fields cannot be empty: "+k))
					return
				}
			}
			doc = jsonDoc{"ipAddress": "", "port": 1812.0, "sharedSecret": "", "otpPinFirst": false,
				"failoverServer": jsonDoc{"failoverEnabled": false, "failoverIpAddress": "", "failoverPort": 1812.0}}
		case doc == nil:
			writeError(w, errRadiusNotFound)
			return
		}
		if err := mergeDoc(doc, req, nil); err != nil {
			writeError(w, err)
			return
		}
		sc.radius = doc
		e.emit(r, opAuthConfigChanged, 0, "radius")
		status := http.StatusOK
		if create {
			status = http.StatusCreated
		}
		writeJSON(w, status, doc)
	}
}

func (e *Emulator) handleDeleteRadius(w http.ResponseWriter, r *http.Request) {
	if e.st.admin.sysconf.radius == nil {
		writeError(w, errRadiusNotFound)
		return
	}
	e.st.admin.sysconf.radius = nil
	e.emit(r, opAuthConfigChanged, 0, "radius")
	w.WriteHeader(http.StatusNoContent)
}

// handleTestAD "tests" an AD connection: the emulator has no directory,
// so it checks the mandatory fields and echoes the configuration.
func (e *Emulator) handleTestAD(w http.ResponseWriter, r *http.Request) {
	req, err := decodeDoc(r)
	if err != nil {
		writeError(w, err)
		return
	}
	out := jsonDoc{"serverIp": "", "serverPort": 389.0, "serverAdminName": "", "serverAdminPassword": "", "ldapUsersDomain": "", "useLdaps": false, "sslFingerPrint": ""}
	for _, k := range []string{"serverIp", "serverPort", "serverAdminName", "serverAdminPassword", "ldapUsersDomain"} {
		if v, ok := req[k]; !ok || v == nil || v == "" {
			writeError(w, errMandatory.withDebug("Mandatory fields cannot be empty: "+k))
			return
		}
	}
	if err := mergeDoc(out, req, nil); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) handleTestRadius(w http.ResponseWriter, r *http.Request) {
	if e.st.admin.sysconf.radius == nil {
		writeError(w, errRadiusNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// generalConfigJSON is GeneralSettings.
type generalConfigJSON struct {
	SharePasswordSmsEnabled        bool                      `json:"sharePasswordSmsEnabled"`
	CryptoEnabled                  bool                      `json:"cryptoEnabled"`
	EmailNotificationButtonEnabled bool                      `json:"emailNotificationButtonEnabled"`
	EulaEnabled                    bool                      `json:"eulaEnabled"`
	UseS3Storage                   bool                      `json:"useS3Storage"`
	S3TagsEnabled                  bool                      `json:"s3TagsEnabled"`
	HideLoginInputFields           bool                      `json:"hideLoginInputFields"`
	AuthTokenRestrictions          authTokenRestrictionsJSON `json:"authTokenRestrictions"`
	MediaServerEnabled             bool                      `json:"mediaServerEnabled"`
	WeakPasswordEnabled            bool                      `json:"weakPasswordEnabled"`
}

func (e *Emulator) generalConfig() generalConfigJSON {
	c := e.st.customer
	hide, _ := e.st.admin.sysconf.docs["defaults"]["hideLoginInputFields"].(bool)
	return generalConfigJSON{
		SharePasswordSmsEnabled: c.sharePasswordSMS, CryptoEnabled: c.cryptoEnabled, EmailNotificationButtonEnabled: true,
		EulaEnabled: c.eulaEnabled, UseS3Storage: e.useS3(), S3TagsEnabled: c.s3TagsEnabled, HideLoginInputFields: hide,
		AuthTokenRestrictions: authTokenRestrictionsJSON{
			AccessTokenValidity:  ceilSeconds(e.cfg.AccessTokenLifetime),
			RefreshTokenValidity: ceilSeconds(e.cfg.RefreshTokenLifetime),
		},
	}
}

func (e *Emulator) handleGetGeneralConfig(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.generalConfig())
}

type updateGeneralRequest struct {
	SharePasswordSmsEnabled *bool `json:"sharePasswordSmsEnabled"`
	CryptoEnabled           *bool `json:"cryptoEnabled"`
	EulaEnabled             *bool `json:"eulaEnabled"`
	S3TagsEnabled           *bool `json:"s3TagsEnabled"`
}

var errCryptoCannotDisable = newAPIError(400, -90010, "Client-side encryption is already enable and cannot be disabled")

// handleUpdateGeneralConfig changes the tenant flags the info endpoints
// report; encryption, once on, stays on (-90010). Token validities are
// the emulator's configuration and are not changed here.
func (e *Emulator) handleUpdateGeneralConfig(w http.ResponseWriter, r *http.Request) {
	var req updateGeneralRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	c := &e.st.customer
	if req.CryptoEnabled != nil && !*req.CryptoEnabled && c.cryptoEnabled {
		writeError(w, errCryptoCannotDisable)
		return
	}
	for _, f := range []struct {
		dst *bool
		src *bool
	}{{&c.sharePasswordSMS, req.SharePasswordSmsEnabled}, {&c.cryptoEnabled, req.CryptoEnabled}, {&c.eulaEnabled, req.EulaEnabled}, {&c.s3TagsEnabled, req.S3TagsEnabled}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	e.emit(r, opSettingsChanged, 0, "general")
	writeJSON(w, http.StatusOK, e.generalConfig())
}

// handleLicense reports a valid license without dates (the emulator has
// no license).
func (e *Emulator) handleLicense(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, licenseInfo(e.clock.now().Year()))
}

// licenseInfo is LicenseInfo: valid from the start of this year for ten
// years (the emulator's choice).
func licenseInfo(year int) jsonDoc {
	return jsonDoc{"validFrom": strconv.Itoa(year) + "-01-01T00:00:00.000Z", "validTo": strconv.Itoa(year+10) + "-01-01T00:00:00.000Z", "state": "valid"}
}

// handlePublicLicense is PublicLicenseInfo: the state of the license
// only.
func (e *Emulator) handlePublicLicense(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jsonDoc{"state": licenseInfo(e.clock.now().Year())["state"]})
}

func (e *Emulator) handleChannels(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.handleChannelsLocked(w, r)
}

func (e *Emulator) handleChannelsLocked(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.st.admin.sysconf.docs["channels"])
}

var errChannelNotFound = newAPIError(404, 0, "Notification channel not found")

func (e *Emulator) handleToggleChannel(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ChannelID *int64 `json:"channelId"`
		IsEnabled *bool  `json:"isEnabled"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.ChannelID == nil || req.IsEnabled == nil {
		writeError(w, errMandatory)
		return
	}
	for _, it := range e.st.admin.sysconf.docs["channels"]["items"].([]any) {
		ch := it.(map[string]any)
		if ch["id"] == float64(*req.ChannelID) {
			ch["isEnabled"] = *req.IsEnabled
			e.emit(r, opSettingsChanged, *req.ChannelID, "notification channel")
			writeJSON(w, http.StatusOK, e.st.admin.sysconf.docs["channels"])
			return
		}
	}
	writeError(w, errChannelNotFound)
}
