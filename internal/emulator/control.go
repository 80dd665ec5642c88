package emulator

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

// Test controls under /_emulator, a prefix the real API never uses. All
// bodies are JSON. They are not subject to injected faults and need no
// token:
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
const controlPrefix = "/_emulator"

type controlError struct {
	Error string `json:"error"`
}

func controlFail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, controlError{Error: msg})
}

func (e *Emulator) controlRoutes() http.Handler {
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		controlFail(w, http.StatusNotFound, "unknown control endpoint")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
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
	})
	return r
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
	id, err := e.InjectFault(Fault{
		Method:     req.Method,
		Path:       req.Path,
		Count:      req.Count,
		Status:     req.Status,
		RetryAfter: time.Duration(req.RetryAfterSeconds * float64(time.Second)),
		Drop:       req.Drop,
		Delay:      time.Duration(req.DelayMs) * time.Millisecond,
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
	if err := e.AdvanceClock(time.Duration(req.Seconds * float64(time.Second))); err != nil {
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
