package emulator

import (
	"cmp"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// The own user's OAuth grants: GET /user/oauth/approvals, DELETE
// …/approvals/{client_id}; GET /user/oauth/authorizations, DELETE
// …/authorizations/{client_id} and …/{client_id}/{authorization_id}.
//
// An authorization is a live refresh token of the user (oauth.go):
// revoking it revokes the refresh token and every access token issued
// with it, so the client's session ends. An approval is recorded when the
// user lets a client have an authorization code (the consent of the
// authorization-code grant); it lasts the client's approval validity.

var (
	errAuthorizationNotFound = newAPIError(404, -90082, "OAuth client authorization not found")
	errApprovalNotFound      = newAPIError(404, -90093, "OAuth client approval not found")
)

// oauthApprovalJSON is OAuthApproval.
type oauthApprovalJSON struct {
	ClientID   string   `json:"clientId"`
	ClientName string   `json:"clientName"`
	ExpiresAt  *apiTime `json:"expiresAt,omitempty"`
}

// oauthAuthorizationJSON is OAuthAuthorization.
type oauthAuthorizationJSON struct {
	ClientID               string   `json:"clientId"`
	ClientName             string   `json:"clientName"`
	UserAgentCategory      string   `json:"userAgentCategory"`
	ID                     int64    `json:"id"`
	IsStandard             bool     `json:"isStandard"`
	CreatedAt              *apiTime `json:"createdAt,omitempty"`
	UsedAt                 *apiTime `json:"usedAt,omitempty"`
	ExpiresAt              *apiTime `json:"expiresAt,omitempty"`
	IsCurrentAuthorization bool     `json:"isCurrentAuthorization"`
}

func (e *Emulator) oauthGrantRoutes(r chi.Router) {
	r.Get("/user/oauth/approvals", produces(mediaJSON, e.handleListApprovals))
	r.Delete("/user/oauth/approvals/{client_id}", produces(mediaJSON, e.handleRemoveApproval))
	r.Get("/user/oauth/authorizations", produces(mediaJSON, e.handleListAuthorizations))
	r.Delete("/user/oauth/authorizations/{client_id}", produces(mediaJSON, e.handleRevokeClientAuthorizations))
	r.Delete("/user/oauth/authorizations/{client_id}/{authorization_id}", produces(mediaJSON, e.handleRevokeAuthorization))
}

// approve records that uid approved clientID now. Callers hold e.mu.
func (st *state) approve(uid int64, clientID string, now time.Time) {
	s := st.self()
	if s.approvals[uid] == nil {
		s.approvals[uid] = map[string]time.Time{}
	}
	s.approvals[uid][clientID] = now.Add(cmp.Or(st.admin.clientMeta[clientID].approval, defaultApprovalValidty))
}

// clientName is the display name of a client (its id when it has none).
// Callers hold e.mu.
func (st *state) clientName(id string) string {
	return cmp.Or(st.admin.clientMeta[id].name, id)
}

// clientKnown reports an enabled or disabled client. Callers hold e.mu.
func (st *state) clientKnown(id string) bool {
	return st.clients[id] != nil || st.admin.clientMeta[id].disabled != nil
}

var approvalListSpec = &listSpec[oauthApprovalJSON]{
	sorts:    map[string]func(a, b oauthApprovalJSON) int{"clientName": func(a, b oauthApprovalJSON) int { return compareFold(a.ClientName, b.ClientName) }},
	tiebreak: func(a, b oauthApprovalJSON) int { return strings.Compare(a.ClientID, b.ClientID) },
}

func (e *Emulator) handleListApprovals(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r, approvalListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.now()
	var items []oauthApprovalJSON
	for id, exp := range e.st.self().approvals[callerID(r)] {
		if e.st.clientKnown(id) && exp.After(now) {
			items = append(items, oauthApprovalJSON{ClientID: id, ClientName: e.st.clientName(id), ExpiresAt: timePtr(exp)})
		}
	}
	lq.offset, lq.limit = 0, len(items)
	page, _ := approvalListSpec.apply(items, lq)
	writeJSON(w, http.StatusOK, page)
}

func (e *Emulator) handleRemoveApproval(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "client_id")
	e.mu.Lock()
	defer e.mu.Unlock()
	mine := e.st.self().approvals[callerID(r)]
	if _, ok := mine[id]; !ok {
		writeError(w, errApprovalNotFound)
		return
	}
	delete(mine, id)
	e.emit(r, opOAuthClientChanged, 0, id)
	w.WriteHeader(http.StatusNoContent)
}

// authorizationListSpec: filter isStandard:eq, sort clientName.
var authorizationListSpec = &listSpec[oauthAuthorizationJSON]{
	filters: map[string]filterField[oauthAuthorizationJSON]{
		"isStandard": {kind: kindBool, ops: []string{"eq"}, bl: func(a oauthAuthorizationJSON) bool { return a.IsStandard }},
	},
	sorts: map[string]func(a, b oauthAuthorizationJSON) int{
		"clientName": func(a, b oauthAuthorizationJSON) int { return compareFold(a.ClientName, b.ClientName) },
	},
	tiebreak: func(a, b oauthAuthorizationJSON) int { return cmp.Compare(a.ID, b.ID) },
}

// currentRefresh is the refresh token the request's access token came
// with. Callers hold e.mu.
func (e *Emulator) currentRefresh(r *http.Request) (secretHash, bool) {
	at := e.st.access[hashSecret(bearerToken(r))]
	if at == nil {
		return secretHash{}, false
	}
	return at.refresh, true
}

func (e *Emulator) handleListAuthorizations(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r, authorizationListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	uid, now := callerID(r), e.clock.now()
	cur, _ := e.currentRefresh(r)
	var items []oauthAuthorizationJSON
	for h, t := range e.st.refresh {
		if t.userID != uid || !t.expiresAt.After(now) {
			continue
		}
		items = append(items, oauthAuthorizationJSON{
			ClientID: t.clientID, ClientName: e.st.clientName(t.clientID), UserAgentCategory: "unknown",
			ID: t.id, IsStandard: isStandardClient(t.clientID),
			CreatedAt: timePtr(t.createdAt), UsedAt: timePtr(t.usedAt), ExpiresAt: timePtr(t.expiresAt),
			IsCurrentAuthorization: h == cur,
		})
	}
	lq.offset, lq.limit = 0, len(items)
	page, _ := authorizationListSpec.apply(items, lq)
	writeJSON(w, http.StatusOK, page)
}

// revokeAuthorizations revokes uid's refresh tokens of clientID that
// match (all when id is 0) with their access tokens, and reports how many
// there were. Callers hold e.mu.
func (e *Emulator) revokeAuthorizations(uid int64, clientID string, id int64) int {
	n := 0
	for h, t := range e.st.refresh {
		if t.userID == uid && t.clientID == clientID && (id == 0 || t.id == id) {
			e.revokeRefreshFamily(h)
			n++
		}
	}
	return n
}

// handleRevokeClientAuthorizations ends every session of the caller with
// the client (the current one too, when it is that client's).
func (e *Emulator) handleRevokeClientAuthorizations(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "client_id")
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.st.clientKnown(id) {
		writeError(w, errClientNotFound)
		return
	}
	e.emit(r, opOAuthClientChanged, 0, id)
	e.revokeAuthorizations(callerID(r), id, 0)
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleRevokeAuthorization(w http.ResponseWriter, r *http.Request) {
	clientID := chi.URLParam(r, "client_id")
	id, err := urlID(r, "authorization_id")
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.st.clientKnown(clientID) {
		writeError(w, errClientNotFound)
		return
	}
	if e.revokeAuthorizations(callerID(r), clientID, id) == 0 {
		writeError(w, errAuthorizationNotFound)
		return
	}
	e.emit(r, opOAuthClientChanged, 0, clientID)
	w.WriteHeader(http.StatusNoContent)
}
