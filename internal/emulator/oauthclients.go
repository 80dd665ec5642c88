package emulator

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// OAuth client administration: GET|POST /system/config/oauth/clients,
// GET|PUT|DELETE …/{client_id} (CONFIG_MANAGER). The clients are the ones
// /oauth/token authenticates (state.clients): a client created here can
// log in at once, a disabled one is refused like an unknown client (it is
// kept aside in clientMeta.disabled until enabled again). The two seeded
// clients are the standard ones and cannot be changed or deleted.

// clientMeta is what OAuthClient has beyond oauthClient.
type clientMeta struct {
	name     string
	public   bool
	approval time.Duration
	// disabled holds the client while it is disabled (then absent from
	// state.clients).
	disabled *oauthClient
}

var (
	errClientNotFound      = newAPIError(404, -90080, "OAuth client not found")
	errClientIDExists      = newAPIError(409, -90081, "OAuth client ID already exists")
	errClientNameExists    = newAPIError(409, -90087, "OAuth client name already exists")
	errStandardClient      = newAPIError(403, -90088, "OAuth standard client cannot be changed")
	errInvalidGrantType    = newAPIError(400, -90083, "Invalid OAuth grant type")
	errInvalidTokenValid   = newAPIError(400, -90085, "Invalid OAuth token validity")
	errRefreshGrantAlone   = newAPIError(400, -90091, "OAuth grant type refresh token can only be used in combination with authorization code or password")
	errInvalidRedirectURI  = newAPIError(400, -80032, "Invalid URI")
	defaultApprovalValidty = 182 * 24 * time.Hour // "½ year"
)

// oauthClientJSON is OAuthClient.
type oauthClientJSON struct {
	ClientID             string   `json:"clientId"`
	ClientSecret         string   `json:"clientSecret,omitempty"`
	ClientName           string   `json:"clientName"`
	ClientType           string   `json:"clientType"`
	IsStandard           bool     `json:"isStandard"`
	IsExternal           bool     `json:"isExternal"`
	IsEnabled            bool     `json:"isEnabled"`
	GrantTypes           []string `json:"grantTypes"`
	RedirectURIs         []string `json:"redirectUris"`
	AccessTokenValidity  int64    `json:"accessTokenValidity"`
	RefreshTokenValidity int64    `json:"refreshTokenValidity"`
	ApprovalValidity     int64    `json:"approvalValidity"`
}

// isStandardClient reports the seeded clients.
func isStandardClient(id string) bool { return id == PublicClientID || id == ConfidentialClientID }

// oauthClientView renders a client; base replaces the callback template.
func (st *state) oauthClientView(c *oauthClient, base string) oauthClientJSON {
	m := st.admin.clientMeta[c.id]
	name := cmp.Or(m.name, c.id)
	out := oauthClientJSON{
		ClientID: c.id, ClientName: name, ClientType: "confidential", IsStandard: isStandardClient(c.id), IsEnabled: m.disabled == nil,
		GrantTypes: slices.Sorted(mapKeys(c.grants)), RedirectURIs: []string{},
		AccessTokenValidity: ceilSeconds(c.accessLifetime), RefreshTokenValidity: ceilSeconds(c.refreshLife),
		ApprovalValidity: ceilSeconds(cmp.Or(m.approval, defaultApprovalValidty)),
	}
	if c.secret == "" || m.public {
		out.ClientType = "public"
	} else {
		out.ClientSecret = c.secret
	}
	for _, u := range c.redirectURIs {
		out.RedirectURIs = append(out.RedirectURIs, strings.ReplaceAll(u, "{base}", base))
	}
	return out
}

// allOAuthClients are the enabled and disabled clients.
func (st *state) allOAuthClients() []*oauthClient {
	out := slices.Collect(mapValues(st.clients))
	for _, m := range st.admin.clientMeta {
		if m.disabled != nil {
			out = append(out, m.disabled)
		}
	}
	return out
}

func mapValues[K comparable, V any](m map[K]V) func(func(V) bool) {
	return func(yield func(V) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// oauthClientListSpec filters and sorts OAuth clients as the document
// lists.
func (st *state) oauthClientListSpec() *listSpec[*oauthClient] {
	enabled := func(c *oauthClient) bool { return st.admin.clientMeta[c.id].disabled == nil }
	name := func(c *oauthClient) string { return cmp.Or(st.admin.clientMeta[c.id].name, c.id) }
	return &listSpec[*oauthClient]{
		filters: map[string]filterField[*oauthClient]{
			"isStandard": {kind: kindBool, ops: []string{"eq"}, bl: func(c *oauthClient) bool { return isStandardClient(c.id) }},
			"isExternal": {kind: kindBool, ops: []string{"eq"}, bl: func(*oauthClient) bool { return false }},
			"isEnabled":  {kind: kindBool, ops: []string{"eq"}, bl: enabled},
		},
		sorts: map[string]func(a, b *oauthClient) int{
			"clientName": func(a, b *oauthClient) int { return compareFold(name(a), name(b)) },
			"isStandard": func(a, b *oauthClient) int { return cmpBool(isStandardClient(a.id), isStandardClient(b.id)) },
			"isExternal": func(a, b *oauthClient) int { return 0 },
			"isEnabled":  func(a, b *oauthClient) int { return cmpBool(enabled(a), enabled(b)) },
		},
		tiebreak: func(a, b *oauthClient) int { return strings.Compare(a.id, b.id) },
	}
}

func (e *Emulator) oauthClientRoutes(r chi.Router) {
	r.Get("/system/config/oauth/clients", e.configHandler(e.handleListOAuthClients))
	r.Post("/system/config/oauth/clients", e.configHandler(e.handleCreateOAuthClient))
	r.Get("/system/config/oauth/clients/{client_id}", e.configHandler(e.handleGetOAuthClient))
	r.Put("/system/config/oauth/clients/{client_id}", e.configHandler(e.handleUpdateOAuthClient))
	r.Delete("/system/config/oauth/clients/{client_id}", e.configHandler(e.handleDeleteOAuthClient))
}

// handleListOAuthClients answers a bare array (the document's shape).
func (e *Emulator) handleListOAuthClients(w http.ResponseWriter, r *http.Request) {
	spec := e.st.oauthClientListSpec()
	q, err := parseListQuery(r, spec)
	if err != nil {
		writeError(w, err)
		return
	}
	all := e.st.allOAuthClients()
	q.offset, q.limit = 0, len(all)+1
	page, _ := spec.apply(all, q)
	out := make([]oauthClientJSON, 0, len(page))
	for _, c := range page {
		out = append(out, e.st.oauthClientView(c, e.baseURL(r)))
	}
	writeJSON(w, http.StatusOK, out)
}

// oauthClientRequest is CreateOAuthClientRequest / UpdateOAuthClientRequest.
type oauthClientRequest struct {
	ClientID             *string   `json:"clientId"`
	ClientSecret         *string   `json:"clientSecret"`
	ClientName           *string   `json:"clientName"`
	ClientType           *string   `json:"clientType"`
	IsEnabled            *bool     `json:"isEnabled"`
	GrantTypes           *[]string `json:"grantTypes"`
	RedirectURIs         *[]string `json:"redirectUris"`
	AccessTokenValidity  *int64    `json:"accessTokenValidity"`
	RefreshTokenValidity *int64    `json:"refreshTokenValidity"`
	ApprovalValidity     *int64    `json:"approvalValidity"`
}

// validClientSecret applies the document's secret rules: 12–32 letters
// and digits with at least one lower case letter, one upper case letter
// and one digit.
func validClientSecret(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 12 || n > 32 {
		return false
	}
	var lower, upper, digit bool
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			return false
		}
	}
	return lower && upper && digit
}

// newClientSecret generates a secret that follows the rules.
func newClientSecret() string {
	for {
		if s := randomString(32); validClientSecret(s) {
			return s
		}
	}
}

func validClientID(s string) bool {
	return s != "" && len(s) <= 256 && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) < 0
}

// applyOAuthClient checks req and applies it to c and m.
func (st *state) applyOAuthClient(c *oauthClient, m *clientMeta, req *oauthClientRequest) *apiError {
	if req.ClientName != nil {
		name := strings.TrimSpace(*req.ClientName)
		if name == "" {
			return errMandatory
		}
		if err := validateText(name); err != nil {
			return err
		}
		if utf8.RuneCountInString(name) > 256 {
			return errTooLong
		}
		for _, other := range st.allOAuthClients() {
			if other.id != c.id && strings.EqualFold(cmp.Or(st.admin.clientMeta[other.id].name, other.id), name) {
				return errClientNameExists
			}
		}
		m.name = name
	}
	if req.ClientType != nil {
		if *req.ClientType != "public" && *req.ClientType != "confidential" {
			return errInvalidParameter
		}
		m.public = *req.ClientType == "public"
	}
	switch {
	case m.public:
		// The emulator's public clients authenticate without a secret.
		c.secret = ""
	case req.ClientSecret != nil && *req.ClientSecret != "":
		if !validClientSecret(*req.ClientSecret) {
			return errPasswordNotSecure
		}
		c.secret = *req.ClientSecret
	case c.secret == "":
		c.secret = newClientSecret()
	}
	if req.GrantTypes != nil {
		grants := map[string]bool{}
		for _, g := range *req.GrantTypes {
			switch g {
			case "authorization_code", "implicit", "password", "refresh_token":
				grants[g] = true
			default: // client_credentials is "currently NOT permitted"
				return errInvalidGrantType
			}
		}
		if len(grants) == 0 {
			return errMandatory
		}
		if grants["refresh_token"] && !grants["password"] && !grants["authorization_code"] {
			return errRefreshGrantAlone
		}
		c.grants = grants
	}
	if req.RedirectURIs != nil {
		uris := []string{}
		for _, u := range *req.RedirectURIs {
			p, err := url.Parse(u)
			if err != nil || p.Scheme == "" || (p.Host == "" && p.Opaque == "") || len(u) > 2048 {
				return errInvalidRedirectURI
			}
			uris = append(uris, u)
		}
		c.redirectURIs = uris
	}
	if (c.grants["authorization_code"] || c.grants["implicit"]) && len(c.redirectURIs) == 0 {
		return errMandatory.withDebug("Mandatory fields cannot be empty: redirectUris")
	}
	for _, v := range []struct {
		src *int64
		dst *time.Duration
	}{{req.AccessTokenValidity, &c.accessLifetime}, {req.RefreshTokenValidity, &c.refreshLife}, {req.ApprovalValidity, &m.approval}} {
		if v.src != nil {
			if *v.src <= 0 {
				return errInvalidTokenValid
			}
			*v.dst = time.Duration(*v.src) * time.Second
		}
	}
	return nil
}

func (e *Emulator) handleCreateOAuthClient(w http.ResponseWriter, r *http.Request) {
	var req oauthClientRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.ClientName == nil || req.GrantTypes == nil {
		writeError(w, errMandatory)
		return
	}
	id := randomString(16)
	if req.ClientID != nil && *req.ClientID != "" {
		if !validClientID(*req.ClientID) {
			writeError(w, errInvalidChars)
			return
		}
		id = *req.ClientID
	}
	st := e.st
	if st.clients[id] != nil || st.admin.clientMeta[id].disabled != nil {
		writeError(w, errClientIDExists)
		return
	}
	c := &oauthClient{id: id, accessLifetime: DefaultAccessTokenLifetime, refreshLife: DefaultRefreshTokenLifetime}
	var m clientMeta
	if err := st.applyOAuthClient(c, &m, &req); err != nil {
		writeError(w, err)
		return
	}
	st.clients[id] = c
	st.admin.clientMeta[id] = m
	e.emit(r, opOAuthClientChanged, 0, id)
	writeJSON(w, http.StatusCreated, st.oauthClientView(c, e.baseURL(r)))
}

// targetOAuthClient finds {client_id}, enabled or not.
func (e *Emulator) targetOAuthClient(r *http.Request) (*oauthClient, *apiError) {
	id := chi.URLParam(r, "client_id")
	if c := e.st.clients[id]; c != nil {
		return c, nil
	}
	if m := e.st.admin.clientMeta[id]; m.disabled != nil {
		return m.disabled, nil
	}
	return nil, errClientNotFound
}

func (e *Emulator) handleGetOAuthClient(w http.ResponseWriter, r *http.Request) {
	c, err := e.targetOAuthClient(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.st.oauthClientView(c, e.baseURL(r)))
}

func (e *Emulator) handleUpdateOAuthClient(w http.ResponseWriter, r *http.Request) {
	var req oauthClientRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	c, err := e.targetOAuthClient(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if isStandardClient(c.id) {
		writeError(w, errStandardClient)
		return
	}
	if req.GrantTypes == nil {
		writeError(w, errMandatory)
		return
	}
	st := e.st
	next, m := *c, st.admin.clientMeta[c.id]
	if err := st.applyOAuthClient(&next, &m, &req); err != nil {
		writeError(w, err)
		return
	}
	*c = next
	if req.IsEnabled != nil && *req.IsEnabled != (m.disabled == nil) {
		if *req.IsEnabled {
			st.clients[c.id], m.disabled = c, nil
		} else {
			delete(st.clients, c.id)
			m.disabled = c
		}
	}
	st.admin.clientMeta[c.id] = m
	e.emit(r, opOAuthClientChanged, 0, c.id)
	writeJSON(w, http.StatusOK, st.oauthClientView(c, e.baseURL(r)))
}

// handleDeleteOAuthClient removes the client and the tokens issued to it.
func (e *Emulator) handleDeleteOAuthClient(w http.ResponseWriter, r *http.Request) {
	c, err := e.targetOAuthClient(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if isStandardClient(c.id) {
		writeError(w, errStandardClient)
		return
	}
	st := e.st
	delete(st.clients, c.id)
	delete(st.admin.clientMeta, c.id)
	for h, t := range st.access {
		if t.clientID == c.id {
			delete(st.access, h)
		}
	}
	for h, t := range st.refresh {
		if t.clientID == c.id {
			delete(st.refresh, h)
		}
	}
	e.emit(r, opOAuthClientChanged, 0, c.id)
	w.WriteHeader(http.StatusNoContent)
}
