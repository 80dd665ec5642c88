package emulator

import (
	"crypto/subtle"
	"fmt"
	"math"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// Test controls under /_emulator, a prefix the real API never uses. They
// are not subject to injected faults. Every request must
//
//   - name a loopback host (localhost, 127.0.0.0/8, ::1) or the host of
//     the configured external URL in its Host header (403 otherwise), so
//     that a DNS-rebinding page cannot reach them under its own name;
//   - carry the per-run control token (Emulator.ControlToken, printed by
//     cmd/dracoon-emulator, held by dracoontest) as
//     "Authorization: Bearer <token>" or "X-Emulator-Control-Token: <token>"
//     (401 otherwise);
//   - on POST, declare its body as application/json, also when it is
//     empty (415 otherwise), so that no cross-site "simple" request can
//     reach them.
//
// Errors are {"error": "…"}. The endpoints:
//
//	GET    /_emulator/info               admin login/password, confidential client, base URL
//	POST   /_emulator/faults             {method, path, count, status, retryAfterSeconds, drop, delayMs} → 201 {id}
//	GET    /_emulator/faults             [{id, fault, remaining}]
//	DELETE /_emulator/faults             204
//	GET    /_emulator/clock              {now}
//	POST   /_emulator/clock/advance      {seconds} → {now}
//	POST   /_emulator/tokens/expire      expire all access tokens → {count}
//	POST   /_emulator/tokens/revoke      delete all access and refresh tokens → {count}
//	POST   /_emulator/reset              seeded state again, faults cleared → 204
//	POST   /_emulator/oauth/code         {login, clientId, redirectUri} → {code}
//	POST   /_emulator/rooms              {name, parentId, adminIds, inheritPermissions} → 201 {id}
//	GET    /_emulator/mails              the mails "sent" (reset tokens, user names), oldest first
//	POST   /_emulator/files/{id}/tamper  {offset} flips a stored byte of a file → 204
//	POST   /_emulator/s3/expire          expire all presigned part URLs → {count}
const controlPrefix = "/_emulator"

// ControlTokenHeader is the dedicated header that may carry the control
// token instead of "Authorization: Bearer".
const ControlTokenHeader = "X-Emulator-Control-Token"

type controlError struct {
	Error string `json:"error"`
}

func controlFail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, controlError{Error: msg})
}

func (e *Emulator) controlRoutes() http.Handler {
	r := chi.NewRouter()
	r.Use(e.guardControl)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		controlFail(w, http.StatusNotFound, "unknown control endpoint")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		allow := allowedMethods(r, req.URL.Path)
		if allow == "" {
			controlFail(w, http.StatusNotFound, "unknown control endpoint")
			return
		}
		w.Header().Set("Allow", allow)
		controlFail(w, http.StatusMethodNotAllowed, "method not allowed")
	})
	r.Route(controlPrefix, func(r chi.Router) {
		r.Get("/info", e.ctlInfo)
		r.Post("/faults", e.ctlAddFault)
		r.Get("/faults", e.ctlListFaults)
		r.Delete("/faults", e.ctlClearFaults)
		r.Get("/clock", e.ctlClock)
		r.Post("/clock/advance", e.ctlAdvance)
		r.Post("/tokens/expire", e.ctlExpire)
		r.Post("/tokens/revoke", e.ctlRevoke)
		r.Post("/reset", e.ctlReset)
		r.Post("/oauth/code", e.ctlCode)
		r.Post("/rooms", e.ctlRoom)
		r.Get("/mails", e.ctlMails)
		e.transferControlRoutes(r)
	})
	return r
}

// guardControl admits a control request only with an allowed Host, the
// control token and, on POST, a JSON content type.
func (e *Emulator) guardControl(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !e.controlHostAllowed(r.Host) {
			controlFail(w, http.StatusForbidden, "the test controls answer only to loopback host names and the external URL's host")
			return
		}
		if !e.controlTokenValid(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="dracoon-emulator controls"`)
			controlFail(w, http.StatusUnauthorized, "the test controls need the control token (Authorization: Bearer <token> or "+ControlTokenHeader+")")
			return
		}
		if r.Method == http.MethodPost && !isJSONContentType(r.Header.Get("Content-Type")) {
			controlFail(w, http.StatusUnsupportedMediaType, "control requests must be sent as application/json")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// controlHostAllowed reports whether host (a Host header value) names a
// loopback address, "localhost" or the external URL's host.
func (e *Emulator) controlHostAllowed(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	if name == "" {
		return false
	}
	if strings.EqualFold(name, "localhost") {
		return true
	}
	if ip := net.ParseIP(name); ip != nil && ip.IsLoopback() {
		return true
	}
	if e.externalHost == "" {
		return false
	}
	ext := e.externalHost
	if h, _, err := net.SplitHostPort(ext); err == nil {
		ext = h
	}
	return strings.EqualFold(name, strings.Trim(ext, "[]"))
}

// controlTokenValid compares the presented control token in constant time.
func (e *Emulator) controlTokenValid(r *http.Request) bool {
	got := r.Header.Get(ControlTokenHeader)
	if got == "" {
		if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			got = strings.TrimSpace(tok)
		}
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(e.controlToken)) == 1
}

// durationOf converts v units into a Duration; ok is false for negative
// values and values that overflow.
func durationOf(v float64, unit time.Duration) (time.Duration, bool) {
	if !(v >= 0) || v > float64(math.MaxInt64)/float64(unit) {
		return 0, false
	}
	return time.Duration(v * float64(unit)), true
}

// isJSONContentType reports whether a Content-Type value declares JSON
// (application/json or application/*+json) in UTF-8.
func isJSONContentType(v string) bool {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// ControlInfo is the body of GET /_emulator/info.
type ControlInfo struct {
	BaseURL                  string `json:"baseUrl"`
	AdminLogin               string `json:"adminLogin"`
	AdminPassword            string `json:"adminPassword"`
	PublicClientID           string `json:"publicClientId"`
	ConfidentialClientID     string `json:"confidentialClientId"`
	ConfidentialClientSecret string `json:"confidentialClientSecret"`
}

func (e *Emulator) ctlInfo(w http.ResponseWriter, r *http.Request) {
	id, secret := e.ConfidentialClient()
	writeJSON(w, http.StatusOK, ControlInfo{
		BaseURL:                  e.baseURL(r),
		AdminLogin:               AdminLogin,
		AdminPassword:            e.adminPassword,
		PublicClientID:           PublicClientID,
		ConfidentialClientID:     id,
		ConfidentialClientSecret: secret,
	})
}

// faultRequest is the JSON form of Fault.
type faultRequest struct {
	Method            string  `json:"method"`
	Path              string  `json:"path"`
	Count             int     `json:"count"`
	Status            int     `json:"status"`
	RetryAfterSeconds float64 `json:"retryAfterSeconds"`
	Drop              bool    `json:"drop"`
	DelayMs           int64   `json:"delayMs"`
}

func (e *Emulator) ctlAddFault(w http.ResponseWriter, r *http.Request) {
	var req faultRequest
	if err := decodeJSON(r, &req, false); err != nil {
		controlFail(w, http.StatusBadRequest, "body must be a JSON fault description")
		return
	}
	retryAfter, ok1 := durationOf(req.RetryAfterSeconds, time.Second)
	delay, ok2 := durationOf(float64(req.DelayMs), time.Millisecond)
	if !ok1 || !ok2 {
		controlFail(w, http.StatusBadRequest, "retryAfterSeconds and delayMs must be non-negative and fit a duration")
		return
	}
	id, err := e.InjectFault(Fault{
		Method:     req.Method,
		Path:       req.Path,
		Count:      req.Count,
		Status:     req.Status,
		RetryAfter: retryAfter,
		Drop:       req.Drop,
		Delay:      delay,
	})
	if err != nil {
		controlFail(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
}

func (e *Emulator) ctlListFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.Faults())
}

func (e *Emulator) ctlClearFaults(w http.ResponseWriter, r *http.Request) {
	e.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

type clockJSON struct {
	Now apiTime `json:"now"`
}

func (e *Emulator) ctlClock(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, clockJSON{Now: apiTime(e.Now())})
}

func (e *Emulator) ctlAdvance(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Seconds float64 `json:"seconds"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		controlFail(w, http.StatusBadRequest, "body must be {\"seconds\": n}")
		return
	}
	d, ok := durationOf(req.Seconds, time.Second)
	if !ok {
		controlFail(w, http.StatusBadRequest, fmt.Sprintf("seconds must be between 0 and %d", math.MaxInt64/int64(time.Second)))
		return
	}
	if err := e.AdvanceClock(d); err != nil {
		controlFail(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, clockJSON{Now: apiTime(e.Now())})
}

func (e *Emulator) ctlExpire(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]int{"count": e.ExpireAccessTokens()})
}

func (e *Emulator) ctlRevoke(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]int{"count": e.RevokeAllTokens()})
}

func (e *Emulator) ctlReset(w http.ResponseWriter, r *http.Request) {
	e.Reset()
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) ctlCode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Login       string `json:"login"`
		ClientID    string `json:"clientId"`
		RedirectURI string `json:"redirectUri"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		controlFail(w, http.StatusBadRequest, "body must be {login, clientId, redirectUri}")
		return
	}
	code, err := e.AuthorizationCode(req.Login, req.ClientID, req.RedirectURI)
	if err != nil {
		controlFail(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"code": code})
}

func (e *Emulator) ctlRoom(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name               string  `json:"name"`
		ParentID           int64   `json:"parentId"`
		AdminIDs           []int64 `json:"adminIds"`
		InheritPermissions *bool   `json:"inheritPermissions"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		controlFail(w, http.StatusBadRequest, "body must be {name, parentId, adminIds}")
		return
	}
	id, err := e.CreateRoom(RoomSpec{Name: req.Name, ParentID: req.ParentID, AdminIDs: req.AdminIDs, InheritPermissions: req.InheritPermissions})
	if err != nil {
		controlFail(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
}
