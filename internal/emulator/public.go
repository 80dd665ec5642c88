package emulator

import (
	"net"
	"net/http"
	"net/url"
	"time"
)

// Public (unauthenticated) endpoints: /public/system/info (+ auth/ad,
// auth/openid), /public/software/version, /public/time.

type authMethodJSON struct {
	Name      string `json:"name"`
	IsEnabled bool   `json:"isEnabled"`
	Priority  int    `json:"priority"`
}

// systemInfoJSON is SystemInfo.
type systemInfoJSON struct {
	LanguageDefault       string           `json:"languageDefault"`
	HideLoginInputFields  bool             `json:"hideLoginInputFields"`
	S3Hosts               []string         `json:"s3Hosts"`
	S3EnforceDirectUpload bool             `json:"s3EnforceDirectUpload"`
	UseS3Storage          bool             `json:"useS3Storage"`
	AuthMethods           []authMethodJSON `json:"authMethods"`
}

// authMethods are the tenant's authentication methods: only local
// ("basic") login is enabled in the emulator.
var authMethods = []authMethodJSON{
	{Name: "basic", IsEnabled: true, Priority: 1},
	{Name: "active_directory", IsEnabled: false, Priority: 2},
	{Name: "radius", IsEnabled: false, Priority: 3},
	{Name: "openid", IsEnabled: false, Priority: 4},
}

// s3Host is the host name the (fake) object store answers on: the
// emulator's own host, since presigned URLs point back at it.
func (e *Emulator) s3Host(r *http.Request) string {
	u, err := url.Parse(e.baseURL(r))
	if err != nil || u.Host == "" {
		return r.Host
	}
	if h, _, err := net.SplitHostPort(u.Host); err == nil {
		return h
	}
	return u.Host
}

func (e *Emulator) handleSystemInfo(w http.ResponseWriter, r *http.Request) {
	onlyEnabled, err := queryBoolParam(r, "is_enabled")
	if err != nil {
		writeError(w, err)
		return
	}
	methods := make([]authMethodJSON, 0, len(authMethods))
	for _, m := range authMethods {
		if !onlyEnabled || m.IsEnabled {
			methods = append(methods, m)
		}
	}
	hosts := []string{}
	if e.useS3() {
		hosts = append(hosts, e.s3Host(r))
	}
	e.mu.Lock()
	lang := e.st.customer.languageDefault
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, systemInfoJSON{
		LanguageDefault:       lang,
		HideLoginInputFields:  false,
		S3Hosts:               hosts,
		S3EnforceDirectUpload: e.cfg.S3EnforceDirectUpload,
		UseS3Storage:          e.useS3(),
		AuthMethods:           methods,
	})
}

// itemsJSON is the {"items": [...]} wrapper of ActiveDirectoryAuthInfo and
// OpenIdAuthInfo; the emulator configures neither, so both lists are empty.
type itemsJSON struct {
	Items []struct{} `json:"items"`
}

func (e *Emulator) handleADInfo(w http.ResponseWriter, r *http.Request) {
	if _, err := queryBoolParam(r, "is_global_available"); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, itemsJSON{Items: []struct{}{}})
}

func (e *Emulator) handleOpenIDInfo(w http.ResponseWriter, r *http.Request) {
	if _, err := queryBoolParam(r, "is_global_available"); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, itemsJSON{Items: []struct{}{}})
}

// softwareVersionJSON is SoftwareVersionData.
type softwareVersionJSON struct {
	RestAPIVersion    string  `json:"restApiVersion"`
	SdsServerVersion  string  `json:"sdsServerVersion"`
	BuildDate         apiTime `json:"buildDate"`
	ScmRevisionNumber string  `json:"scmRevisionNumber"`
	IsDracoonCloud    bool    `json:"isDracoonCloud"`
}

// buildDate is the fixed build date the emulator reports.
var buildDate = time.Date(2022, 2, 9, 0, 0, 0, 0, time.UTC)

func (e *Emulator) handleSoftwareVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, softwareVersionJSON{
		RestAPIVersion:    e.cfg.APIVersion,
		SdsServerVersion:  e.cfg.APIVersion,
		BuildDate:         apiTime(buildDate),
		ScmRevisionNumber: "dracoon-go-emulator",
		IsDracoonCloud:    false,
	})
}

type serverTimeJSON struct {
	Time apiTime `json:"time"`
}

func (e *Emulator) handleTime(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, serverTimeJSON{Time: apiTime(e.clock.now())})
}
