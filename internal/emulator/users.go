package emulator

import (
	"cmp"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// User administration: GET|POST /users, GET|PUT|DELETE /users/{user_id},
// /users/{user_id}/{roles, groups, rooms, last_admin_rooms} and the user
// attributes. Needs the rights of USER_MANAGER (403 otherwise); choices the
// document leaves open are in unverified_users.go.

// Authentication methods of UserAuthData.
const (
	authBasic  = "basic"
	authAD     = "active_directory"
	authOpenID = "openid"
	authRadius = "radius"
)

var (
	errPasswordNotSecure = newAPIError(400, -10002, "Password is not secure")
	errInvalidAuthMethod = newAPIError(400, -10100, "Invalid authentication method")
	errNoAuthMethod      = newAPIError(400, -10102, "At least one authentication method must be enabled")
	errOneAuthMethod     = newAPIError(400, -70106, "Only one authentication method allowed")
	errLockStatus        = newAPIError(400, -70509, "Illegal user lock status code")
	errMustBeNull        = newAPIError(400, -80028, "Due to existing dependency the input must be null")
	errNotifyNeedsChange = newAPIError(400, -80038, "Deactivation of initial password change is only allowed without notification")
	errMaxUsers          = newAPIError(403, -70505, "Maximum number of users reached")
	errADConfigNotFound  = newAPIError(404, -90050, "Active Directory configuration not found")
	errOIDConfigNotFound = newAPIError(404, -90035, "OpenID Connect IDP configuration not found")
	errADLoginExists     = newAPIError(409, -70561, "User with provided Active Directory username already exists")
	errOIDLoginExists    = newAPIError(409, -70563, "User with provided OpenID Connect username already exists")
)

func (e *Emulator) userRoutes(r chi.Router) {
	r.Get("/users", produces(mediaJSON, e.handleListUsers))
	r.Post("/users", produces(mediaJSON, e.handleCreateUser))
	r.Get("/users/{user_id}", produces(mediaJSON, e.handleGetUser))
	r.Put("/users/{user_id}", produces(mediaJSON, e.handleUpdateUser))
	r.Delete("/users/{user_id}", produces(mediaJSON, e.handleDeleteUser))
	r.Get("/users/{user_id}/roles", produces(mediaJSON, e.handleUserRoles))
	r.Get("/users/{user_id}/groups", produces(mediaJSON, e.handleUserGroups))
	r.Get("/users/{user_id}/rooms", produces(mediaJSON, e.handleUserRooms))
	r.Get("/users/{user_id}/last_admin_rooms", produces(mediaJSON, e.handleUserLastAdminRooms))
	r.Get("/users/{user_id}/userAttributes", produces(mediaJSON, e.handleGetUserAttributes))
	r.Put("/users/{user_id}/userAttributes", produces(mediaJSON, e.handleSetUserAttributes(false)))
	r.Post("/users/{user_id}/userAttributes", produces(mediaJSON, e.handleSetUserAttributes(true)))
	r.Delete("/users/{user_id}/userAttributes/{key}", produces(mediaJSON, e.handleDeleteUserAttribute))
}

// method returns the user's authentication method.
func (u *user) method() string {
	if u.authMethod == "" {
		return authBasic
	}
	return u.authMethod
}

// methodLogin is the login for the user's method (authData.login).
func (u *user) methodLogin() string {
	if u.method() == authBasic || u.authLogin == "" {
		return u.login
	}
	return u.authLogin
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// ---- JSON shapes ----

// authDataJSON is UserAuthData in answers (never a password).
type authDataJSON struct {
	Method             string `json:"method"`
	Login              string `json:"login"`
	MustChangePassword bool   `json:"mustChangePassword"`
	AdConfigID         *int   `json:"adConfigId,omitempty"`
	OidConfigID        *int   `json:"oidConfigId,omitempty"`
}

func authDataOf(u *user) authDataJSON {
	a := authDataJSON{Method: u.method(), Login: u.methodLogin(), MustChangePassword: u.mustChangePassword}
	switch u.method() {
	case authAD:
		id := u.adConfigID
		a.AdConfigID = &id
	case authOpenID:
		id := u.oidConfigID
		a.OidConfigID = &id
	}
	return a
}

// authMethodsOf is the deprecated authMethods list of UserData.
func authMethodsOf(u *user) []userAuthMethodJSON {
	m := userAuthMethodJSON{AuthID: u.method(), IsEnabled: true}
	m.Options = append(m.Options, struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}{Key: "username", Value: u.methodLogin()})
	return []userAuthMethodJSON{m}
}

// publicKeyJSON is PublicKeyContainer (also used inside key pairs).
type publicKeyJSON struct {
	Version   string   `json:"version"`
	PublicKey string   `json:"publicKey"`
	CreatedAt *apiTime `json:"createdAt,omitempty"`
	CreatedBy *int64   `json:"createdBy,omitempty"`
	ExpireAt  *apiTime `json:"expireAt,omitempty"`
}

// userDataJSON is UserData.
type userDataJSON struct {
	ID                  int64                `json:"id"`
	UserName            string               `json:"userName"`
	FirstName           string               `json:"firstName"`
	LastName            string               `json:"lastName"`
	IsLocked            bool                 `json:"isLocked"`
	AvatarUUID          string               `json:"avatarUuid"`
	AuthData            authDataJSON         `json:"authData"`
	Email               string               `json:"email,omitempty"`
	Phone               string               `json:"phone,omitempty"`
	ExpireAt            *apiTime             `json:"expireAt,omitempty"`
	HasManageableRooms  bool                 `json:"hasManageableRooms"`
	IsEncryptionEnabled bool                 `json:"isEncryptionEnabled"`
	LastLoginSuccessAt  *apiTime             `json:"lastLoginSuccessAt,omitempty"`
	HomeRoomID          *int64               `json:"homeRoomId,omitempty"`
	PublicKeyContainer  *publicKeyJSON       `json:"publicKeyContainer,omitempty"`
	UserRoles           roleListJSON         `json:"userRoles"`
	UserAttributes      userAttributesJSON   `json:"userAttributes"`
	LockStatus          int                  `json:"lockStatus"`
	Login               string               `json:"login"`
	AuthMethods         []userAuthMethodJSON `json:"authMethods"`
	// Newer servers add the MFA state (users/dco3/user_ok.json).
	IsMfaEnabled  bool `json:"isMfaEnabled"`
	IsMfaEnforced bool `json:"isMfaEnforced"`
}

func lockStatusOf(u *user) int {
	if u.isLocked {
		return 0
	}
	return 2 // web and mobile access
}

// userDataOf renders u as UserData; roles are the effective ones when
// effective is set. Callers hold e.mu.
func (st *state) userDataOf(u *user, effective bool) userDataJSON {
	roles := u.roles
	if effective {
		roles = st.effectiveRoles(u.id)
	}
	d := userDataJSON{
		ID:                  u.id,
		UserName:            u.login,
		FirstName:           u.firstName,
		LastName:            u.lastName,
		IsLocked:            u.isLocked,
		AvatarUUID:          u.avatarUUID,
		AuthData:            authDataOf(u),
		Email:               u.email,
		Phone:               u.phone,
		ExpireAt:            timePtr(u.expireAt),
		HasManageableRooms:  st.hasManageableRooms(u),
		IsEncryptionEnabled: len(u.keyPairs) > 0,
		LastLoginSuccessAt:  timePtr(u.lastLoginSuccessAt),
		UserRoles:           rolesOnlyJSON(roles),
		UserAttributes:      userAttributesJSON{Items: u.attributes.sorted()},
		LockStatus:          lockStatusOf(u),
		Login:               u.login,
		AuthMethods:         authMethodsOf(u),
		IsMfaEnforced:       u.mfaEnforced,
	}
	if kp := st.keyPairOf(u.id, ""); kp != nil {
		pk := kp.public()
		d.PublicKeyContainer = &pk
	}
	return d
}

// userItemJSON is UserItem (GET /users).
type userItemJSON struct {
	ID                  int64               `json:"id"`
	UserName            string              `json:"userName"`
	FirstName           string              `json:"firstName"`
	LastName            string              `json:"lastName"`
	IsLocked            bool                `json:"isLocked"`
	HasManageableRooms  bool                `json:"hasManageableRooms"`
	AvatarUUID          string              `json:"avatarUuid"`
	CreatedAt           apiTime             `json:"createdAt"`
	LastLoginSuccessAt  *apiTime            `json:"lastLoginSuccessAt,omitempty"`
	ExpireAt            *apiTime            `json:"expireAt,omitempty"`
	IsEncryptionEnabled bool                `json:"isEncryptionEnabled"`
	Email               string              `json:"email,omitempty"`
	Phone               string              `json:"phone,omitempty"`
	HomeRoomID          *int64              `json:"homeRoomId,omitempty"`
	UserRoles           roleListJSON        `json:"userRoles"`
	UserAttributes      *userAttributesJSON `json:"userAttributes,omitempty"`
	LockStatus          int                 `json:"lockStatus"`
	Login               string              `json:"login"`
}

type userListJSON struct {
	Range rangeJSON      `json:"range"`
	Items []userItemJSON `json:"items"`
}

// ---- GET /users ----

// userView is a user as GET /users filters it: roles are the direct or
// the effective ones, depending on the effectiveRoles filter.
type userView struct {
	u     *user
	roles []int
}

// roleNames maps the hasRole filter values to role ids.
var roleNames = func() map[string]int {
	m := map[string]int{}
	for _, id := range assignableRoles {
		m[roleTable[id].name] = id
	}
	return m
}()

func roleNameList() []string {
	var out []string
	for _, id := range assignableRoles {
		out = append(out, roleTable[id].name)
	}
	return out
}

func timeCompare(a, b time.Time) int { return a.Compare(b) }

// userListSpec is the filter/sort table of GET /users (document 4.26.7,
// including the deprecated lockStatus and login fields).
var userListSpec = &listSpec[userView]{
	filters: map[string]filterField[userView]{
		"email":               {kind: kindString, ops: []string{"eq", "cn"}, str: func(v userView) string { return v.u.email }},
		"userName":            {kind: kindString, ops: []string{"eq", "cn"}, str: func(v userView) string { return v.u.login }},
		"firstName":           {kind: kindString, ops: []string{"cn"}, str: func(v userView) string { return v.u.firstName }},
		"lastName":            {kind: kindString, ops: []string{"cn"}, str: func(v userView) string { return v.u.lastName }},
		"isLocked":            {kind: kindBool, ops: []string{"eq"}, bl: func(v userView) bool { return v.u.isLocked }},
		"effectiveRoles":      {kind: kindBool, ops: []string{"eq"}},
		"createdAt":           {kind: kindTime, ops: []string{"ge", "le"}, tm: func(v userView) time.Time { return v.u.createdAt }},
		"phone":               {kind: kindString, ops: []string{"eq"}, str: func(v userView) string { return v.u.phone }},
		"isEncryptionEnabled": {kind: kindBool, ops: []string{"eq"}, bl: func(v userView) bool { return len(v.u.keyPairs) > 0 }},
		"hasRole": {kind: kindEnum, ops: []string{"eq"}, enum: roleNameList(),
			match: func(v userView, name string) bool { return containsInt(v.roles, roleNames[name]) }},
		"lockStatus": {kind: kindEnum, ops: []string{"eq"}, enum: []string{"0", "1", "2"},
			match: func(v userView, s string) bool { return s == strconv.Itoa(lockStatusOf(v.u)) }},
		"login": {kind: kindString, ops: []string{"cn"}, str: func(v userView) string { return v.u.login }},
	},
	sorts: map[string]func(a, b userView) int{
		"userName":           func(a, b userView) int { return compareFold(a.u.login, b.u.login) },
		"email":              func(a, b userView) int { return compareFold(a.u.email, b.u.email) },
		"firstName":          func(a, b userView) int { return compareFold(a.u.firstName, b.u.firstName) },
		"lastName":           func(a, b userView) int { return compareFold(a.u.lastName, b.u.lastName) },
		"isLocked":           func(a, b userView) int { return boolCompare(a.u.isLocked, b.u.isLocked) },
		"lastLoginSuccessAt": func(a, b userView) int { return timeCompare(a.u.lastLoginSuccessAt, b.u.lastLoginSuccessAt) },
		"expireAt":           func(a, b userView) int { return timeCompare(a.u.expireAt, b.u.expireAt) },
		"createdAt":          func(a, b userView) int { return timeCompare(a.u.createdAt, b.u.createdAt) },
		"gender":             func(a, b userView) int { return 0 },
		"lockStatus":         func(a, b userView) int { return lockStatusOf(a.u) - lockStatusOf(b.u) },
		"login":              func(a, b userView) int { return compareFold(a.u.login, b.u.login) },
	},
	multiSort: true,
	tiebreak:  func(a, b userView) int { return cmp.Compare(a.u.id, b.u.id) },
	anyOf:     []string{"login", "firstName", "lastName"},
	modifiers: []string{"effectiveRoles"},
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func (e *Emulator) handleListUsers(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, userListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	withAttrs, _, err := queryBool(r, "include_attributes")
	if err != nil {
		writeError(w, err)
		return
	}
	effective := false
	if v, ok := q.filterValue("effectiveRoles"); ok {
		effective = v == "true"
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightReadUsers); err != nil {
		writeError(w, err)
		return
	}
	views := make([]userView, 0, len(e.st.users))
	for _, u := range e.st.users {
		roles := u.roles
		if effective {
			roles = e.st.effectiveRoles(u.id)
		}
		views = append(views, userView{u: u, roles: roles})
	}
	page, rng := userListSpec.apply(views, q)
	out := userListJSON{Range: rng, Items: make([]userItemJSON, 0, len(page))}
	for _, v := range page {
		u := v.u
		it := userItemJSON{
			ID:                  u.id,
			UserName:            u.login,
			FirstName:           u.firstName,
			LastName:            u.lastName,
			IsLocked:            u.isLocked,
			HasManageableRooms:  e.st.hasManageableRooms(u),
			AvatarUUID:          u.avatarUUID,
			CreatedAt:           apiTime(u.createdAt),
			LastLoginSuccessAt:  timePtr(u.lastLoginSuccessAt),
			ExpireAt:            timePtr(u.expireAt),
			IsEncryptionEnabled: len(u.keyPairs) > 0,
			Email:               u.email,
			Phone:               u.phone,
			UserRoles:           rolesOnlyJSON(v.roles),
			LockStatus:          lockStatusOf(u),
			Login:               u.login,
		}
		if withAttrs {
			it.UserAttributes = &userAttributesJSON{Items: u.attributes.sorted()}
		}
		out.Items = append(out.Items, it)
	}
	writeJSON(w, http.StatusOK, out)
}

// ---- POST /users ----

// authDataRequest is UserAuthData / UserAuthDataUpdateRequest.
type authDataRequest struct {
	Method             *string `json:"method"`
	Login              *string `json:"login"`
	Password           *string `json:"password"`
	MustChangePassword *bool   `json:"mustChangePassword"`
	AdConfigID         *int    `json:"adConfigId"`
	OidConfigID        *int    `json:"oidConfigId"`
}

// authMethodRequest is the deprecated UserAuthMethod of requests.
type authMethodRequest struct {
	AuthID    string         `json:"authId"`
	IsEnabled bool           `json:"isEnabled"`
	Options   []keyValueJSON `json:"options"`
}

type mfaConfigRequest struct {
	MfaEnforced *bool `json:"mfaEnforced"`
}

// createUserRequest is CreateUserRequest (deprecated fields included;
// mfaConfig is what newer clients such as the Python client send).
type createUserRequest struct {
	FirstName             *string             `json:"firstName"`
	LastName              *string             `json:"lastName"`
	UserName              *string             `json:"userName"`
	Phone                 *string             `json:"phone"`
	Expiration            *expirationJSON     `json:"expiration"`
	ReceiverLanguage      *string             `json:"receiverLanguage"`
	Email                 *string             `json:"email"`
	NotifyUser            *bool               `json:"notifyUser"`
	AuthData              *authDataRequest    `json:"authData"`
	IsNonmemberViewer     *bool               `json:"isNonmemberViewer"`
	MfaConfig             *mfaConfigRequest   `json:"mfaConfig"`
	Title                 *string             `json:"title"`
	Password              *string             `json:"password"`
	Login                 *string             `json:"login"`
	AuthMethods           []authMethodRequest `json:"authMethods"`
	NeedsToChangePassword *bool               `json:"needsToChangePassword"`
	Gender                *string             `json:"gender"`
}

// authDataFromMethods converts the deprecated authMethods list.
func authDataFromMethods(ms []authMethodRequest) (*authDataRequest, *apiError) {
	var enabled []authMethodRequest
	for _, m := range ms {
		if m.IsEnabled {
			enabled = append(enabled, m)
		}
	}
	switch len(enabled) {
	case 0:
		return nil, errNoAuthMethod
	case 1:
	default:
		return nil, errOneAuthMethod
	}
	m := enabled[0]
	method := m.AuthID
	if method == "sql" {
		method = authBasic
	}
	a := &authDataRequest{Method: &method}
	for _, o := range m.Options {
		v := o.Value
		switch o.Key {
		case "username":
			a.Login = &v
		case "ad_config_id", "openid_config_id":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, errInvalidNumber
			}
			if o.Key == "ad_config_id" {
				a.AdConfigID = &n
			} else {
				a.OidConfigID = &n
			}
		}
	}
	return a, nil
}

// checkUserFields validates the length of the free-text fields.
func checkUserFields(fields ...*string) *apiError {
	for _, f := range fields {
		if f != nil && utf8.RuneCountInString(*f) > maxAccountField {
			return errTooLong
		}
	}
	return nil
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// userAuth is a resolved authentication set-up for a new or changed user.
type userAuth struct {
	method   string
	login    string
	adID     int
	oidID    int
	password string // basic only; "" keeps/generates one
}

// resolveAuth validates auth data against the emulated configurations.
func resolveAuth(a *authDataRequest, fallbackLogin string) (userAuth, *apiError) {
	out := userAuth{method: authBasic, login: fallbackLogin}
	if a == nil {
		return out, nil
	}
	if a.Method != nil {
		out.method = *a.Method
	}
	if a.Login != nil && *a.Login != "" {
		out.login = *a.Login
	}
	switch out.method {
	case authBasic:
		if a.AdConfigID != nil || a.OidConfigID != nil {
			return out, errMustBeNull
		}
		if a.Password != nil {
			out.password = *a.Password
		}
	case authAD, authOpenID:
		if a.Password != nil && *a.Password != "" {
			return out, errMustBeNull
		}
		if out.method == authAD {
			if a.OidConfigID != nil {
				return out, errMustBeNull
			}
			out.adID = emulatedADConfigID
			if a.AdConfigID != nil && *a.AdConfigID != emulatedADConfigID {
				return out, errADConfigNotFound
			}
		} else {
			if a.AdConfigID != nil {
				return out, errMustBeNull
			}
			out.oidID = emulatedOIDConfigID
			if a.OidConfigID != nil && *a.OidConfigID != emulatedOIDConfigID {
				return out, errOIDConfigNotFound
			}
		}
	default:
		// RADIUS is not enabled on the emulated tenant (public system
		// info), so it is as invalid as an unknown name.
		return out, errInvalidAuthMethod
	}
	if strings.TrimSpace(out.login) == "" {
		return out, errMandatory
	}
	return out, nil
}

// loginTaken reports a conflict of a user name or method login with
// another user (except self).
func (st *state) loginTaken(userName string, a userAuth, self int64) *apiError {
	for _, o := range st.users {
		if o.id == self {
			continue
		}
		if strings.EqualFold(o.login, userName) {
			return errUsernameExists
		}
		if a.method != authBasic && o.method() == a.method && strings.EqualFold(o.methodLogin(), a.login) {
			if a.method == authAD {
				return errADLoginExists
			}
			return errOIDLoginExists
		}
	}
	return nil
}

// createUser validates req and creates the user. It returns the initial
// password of a basic user (given or generated). Order: validation (400)
// → configuration (404) → limits (403) → conflicts (409). Callers hold
// e.mu and have checked the caller's rights.
func (e *Emulator) createUser(callerID int64, req *createUserRequest) (*user, string, *apiError) {
	st := e.st
	if req.FirstName == nil || strings.TrimSpace(*req.FirstName) == "" || req.LastName == nil || strings.TrimSpace(*req.LastName) == "" {
		return nil, "", errMandatory
	}
	if err := checkUserFields(req.FirstName, req.LastName, req.UserName, req.Phone, req.Email, req.Login, req.Title); err != nil {
		return nil, "", err
	}
	if req.Email != nil && *req.Email != "" && !validEmail(*req.Email) {
		return nil, "", errInvalidEmail
	}
	language := st.customer.languageDefault
	if req.ReceiverLanguage != nil && *req.ReceiverLanguage != "" {
		if !validLanguageTag(*req.ReceiverLanguage) {
			return nil, "", errLanguageTag
		}
		language = *req.ReceiverLanguage
	}
	now := e.clock.now()
	expireAt, err := req.Expiration.resolve(now)
	if err != nil {
		return nil, "", err
	}
	authReq := req.AuthData
	if authReq == nil && len(req.AuthMethods) > 0 {
		if authReq, err = authDataFromMethods(req.AuthMethods); err != nil {
			return nil, "", err
		}
	}
	if authReq != nil && authReq.Password == nil && req.Password != nil {
		authReq.Password = req.Password
	} else if authReq == nil && req.Password != nil {
		authReq = &authDataRequest{Password: req.Password}
	}
	// The user name: userName, else the deprecated login, else the method
	// login, else the e-mail address (unverified_users.go).
	userName := ""
	for _, s := range []*string{req.UserName, req.Login} {
		if userName == "" && s != nil {
			userName = strings.TrimSpace(*s)
		}
	}
	if userName == "" && authReq != nil && authReq.Login != nil {
		userName = strings.TrimSpace(*authReq.Login)
	}
	if userName == "" && req.Email != nil {
		userName = *req.Email
	}
	if userName == "" {
		return nil, "", errMandatory
	}
	auth, err := resolveAuth(authReq, userName)
	if err != nil {
		return nil, "", err
	}
	mustChange := auth.method == authBasic
	if authReq != nil && authReq.MustChangePassword != nil {
		mustChange = *authReq.MustChangePassword
	} else if req.NeedsToChangePassword != nil {
		mustChange = *req.NeedsToChangePassword
	}
	if auth.method != authBasic {
		mustChange = false
	}
	notify := auth.method == authBasic
	if req.NotifyUser != nil {
		notify = *req.NotifyUser
	}
	if auth.method == authBasic && notify && !mustChange {
		return nil, "", errNotifyNeedsChange
	}
	password := auth.password
	if auth.method == authBasic && password != "" {
		if err := st.checkPassword(password, userName, *req.FirstName, *req.LastName, deref0(req.Email)); err != nil {
			return nil, "", err
		}
	}
	if password == "" {
		password = randomString(20)
	}
	if len(st.users) >= st.customer.accountsLimit {
		return nil, "", errMaxUsers
	}
	if err := st.loginTaken(userName, auth, 0); err != nil {
		return nil, "", err
	}
	u := &user{
		id:                 st.userSeq.next(),
		login:              userName,
		firstName:          *req.FirstName,
		lastName:           *req.LastName,
		language:           language,
		password:           newPasswordHash(password),
		mustChangePassword: mustChange,
		expireAt:           expireAt,
		roles:              []int{roleUser},
		avatarUUID:         randomUUID(),
		createdAt:          now,
		createdBy:          callerID,
		authMethod:         auth.method,
		adConfigID:         auth.adID,
		oidConfigID:        auth.oidID,
	}
	if auth.method != authBasic {
		u.authLogin = auth.login
	}
	if req.Email != nil {
		u.email = *req.Email
	}
	if req.Phone != nil {
		u.phone = *req.Phone
	}
	if req.IsNonmemberViewer != nil && *req.IsNonmemberViewer {
		u.roles = withRole(u.roles, roleNonmemberViewer, true)
	}
	if req.MfaConfig != nil && req.MfaConfig.MfaEnforced != nil {
		u.mfaEnforced = *req.MfaConfig.MfaEnforced
	}
	st.users[u.id] = u
	if auth.method != authBasic {
		return u, "", nil
	}
	return u, password, nil
}

func (e *Emulator) handleCreateUser(w http.ResponseWriter, r *http.Request) {
	var req createUserRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeUsers); err != nil {
		writeError(w, err)
		return
	}
	u, _, err := e.createUser(callerID(r), &req)
	if err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opUserCreated, u.id, u.login)
	writeJSON(w, http.StatusCreated, e.st.userDataOf(u, false))
}

// ---- GET / PUT / DELETE /users/{user_id} ----

// targetUser checks the caller's right, then finds {user_id}. Callers
// hold e.mu.
func (e *Emulator) targetUser(r *http.Request, right string) (*user, *apiError) {
	id, err := parseID(chi.URLParam(r, "user_id"))
	if err != nil {
		return nil, err
	}
	if err := e.requireRight(r, right); err != nil {
		return nil, err
	}
	u := e.st.users[id]
	if u == nil {
		return nil, errUserNotFound
	}
	return u, nil
}

func (e *Emulator) handleGetUser(w http.ResponseWriter, r *http.Request) {
	effective, _, err := queryBool(r, "effective_roles")
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightReadUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.st.userDataOf(u, effective))
}

// updateUserRequest is UpdateUserRequest (plus isNonmemberViewer and
// mfaConfig, which newer clients send).
type updateUserRequest struct {
	FirstName         *string           `json:"firstName"`
	LastName          *string           `json:"lastName"`
	UserName          *string           `json:"userName"`
	Email             *string           `json:"email"`
	IsLocked          *bool             `json:"isLocked"`
	Phone             *string           `json:"phone"`
	ReceiverLanguage  *string           `json:"receiverLanguage"`
	Expiration        *expirationJSON   `json:"expiration"`
	AuthData          *authDataRequest  `json:"authData"`
	Title             *string           `json:"title"`
	LockStatus        *int              `json:"lockStatus"`
	Gender            *string           `json:"gender"`
	IsNonmemberViewer *bool             `json:"isNonmemberViewer"`
	MfaConfig         *mfaConfigRequest `json:"mfaConfig"`
}

// applyUserUpdate validates req and applies it to a copy of u.
func (e *Emulator) applyUserUpdate(u *user, req *updateUserRequest) (user, *apiError) {
	next := *u
	if err := checkUserFields(req.FirstName, req.LastName, req.UserName, req.Email, req.Phone, req.Title); err != nil {
		return next, err
	}
	for _, f := range []*string{req.FirstName, req.LastName, req.UserName} {
		if f != nil && strings.TrimSpace(*f) == "" {
			return next, errMandatory
		}
	}
	if req.Email != nil && *req.Email != "" && !validEmail(*req.Email) {
		return next, errInvalidEmail
	}
	if req.ReceiverLanguage != nil && *req.ReceiverLanguage != "" && !validLanguageTag(*req.ReceiverLanguage) {
		return next, errLanguageTag
	}
	if req.LockStatus != nil && (*req.LockStatus < 0 || *req.LockStatus > 2) {
		return next, errLockStatus
	}
	if req.FirstName != nil {
		next.firstName = *req.FirstName
	}
	if req.LastName != nil {
		next.lastName = *req.LastName
	}
	if req.Email != nil {
		next.email = *req.Email
	}
	if req.Phone != nil {
		next.phone = *req.Phone
	}
	if req.ReceiverLanguage != nil && *req.ReceiverLanguage != "" {
		next.language = *req.ReceiverLanguage
	}
	if req.LockStatus != nil {
		next.isLocked = *req.LockStatus == 0
	}
	if req.IsLocked != nil {
		next.isLocked = *req.IsLocked
	}
	if req.Expiration != nil {
		t, err := req.Expiration.resolve(e.clock.now())
		if err != nil {
			return next, err
		}
		next.expireAt = t
	}
	if req.IsNonmemberViewer != nil {
		next.roles = withRole(next.roles, roleNonmemberViewer, *req.IsNonmemberViewer)
	}
	if req.MfaConfig != nil && req.MfaConfig.MfaEnforced != nil {
		next.mfaEnforced = *req.MfaConfig.MfaEnforced
	}
	if req.UserName != nil {
		next.login = strings.TrimSpace(*req.UserName)
	}
	a := userAuth{method: next.method(), login: next.methodLogin(), adID: next.adConfigID, oidID: next.oidConfigID}
	if req.AuthData != nil {
		if req.AuthData.Password != nil || req.AuthData.MustChangePassword != nil {
			return next, errMustBeNull
		}
		login := next.methodLogin()
		if req.AuthData.Method != nil && *req.AuthData.Method != next.method() && req.AuthData.Login == nil {
			login = next.login
		}
		var err *apiError
		if a, err = resolveAuth(req.AuthData, login); err != nil {
			return next, err
		}
		if a.method != next.method() && a.method == authBasic {
			// A new local login gets a fresh password the user does not
			// know yet (DRACOON would mail a reset link).
			next.password = newPasswordHash(randomString(20))
			next.mustChangePassword = true
		}
		next.authMethod, next.adConfigID, next.oidConfigID = a.method, a.adID, a.oidID
		next.authLogin = ""
		if a.method != authBasic {
			next.authLogin = a.login
		}
	}
	if err := e.st.loginTaken(next.login, a, u.id); err != nil {
		return next, err
	}
	return next, nil
}

func (e *Emulator) handleUpdateUser(w http.ResponseWriter, r *http.Request) {
	var req updateUserRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightChangeUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	next, err := e.applyUserUpdate(u, &req)
	if err != nil {
		writeError(w, err)
		return
	}
	saved := *u
	if err := e.st.guard(func() { *u = next }, func() { *u = saved }); err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opUserUpdated, u.id, u.login)
	if u.isLocked && !saved.isLocked {
		e.emit(r, opUserLocked, u.id, u.login)
	}
	writeJSON(w, http.StatusOK, e.st.userDataOf(u, false))
}

func (e *Emulator) handleDeleteUser(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightDeleteUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := e.deleteUser(u); err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opUserDeleted, u.id, u.login)
	w.WriteHeader(http.StatusNoContent)
}

// deleteUser removes u unless that leaves a room without its last admin
// (-40006) or a role without a holder (-71006); its grants, memberships
// and tokens go with it. Callers hold e.mu.
func (e *Emulator) deleteUser(u *user) *apiError {
	st := e.st
	err := st.guard(func() { delete(st.users, u.id) }, func() { st.users[u.id] = u })
	if err != nil {
		return err
	}
	for _, g := range st.groups {
		delete(g.members, u.id)
	}
	for _, n := range st.nodes {
		delete(n.userPerms, u.id)
	}
	for h, t := range st.access {
		if t.userID == u.id {
			delete(st.access, h)
		}
	}
	for h, t := range st.refresh {
		if t.userID == u.id {
			delete(st.refresh, h)
		}
	}
	for h, c := range st.codes {
		if c.userID == u.id {
			delete(st.codes, h)
		}
	}
	return nil
}

// ---- roles, groups, rooms of a user ----

func (e *Emulator) handleUserRoles(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightReadUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rolesOnlyJSON(u.roles))
}

type userGroupListJSON struct {
	Range rangeJSON       `json:"range"`
	Items []userGroupJSON `json:"items"`
}

func (e *Emulator) handleUserGroups(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, groupMemberListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightReadUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	views := e.st.groupSelection(q, func(g *group) bool { return g.members[u.id] })
	page, rng := groupMemberListSpec.apply(views, q)
	out := userGroupListJSON{Range: rng, Items: make([]userGroupJSON, 0, len(page))}
	for _, v := range page {
		out.Items = append(out.Items, userGroupJSON{ID: v.g.id, IsMember: v.isMember, Name: v.g.name})
	}
	writeJSON(w, http.StatusOK, out)
}

// ---- attributes ----

func (e *Emulator) handleGetUserAttributes(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, attrListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightReadUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, attributesPage(u.attributes, q))
}

// handleSetUserAttributes merges (PUT, 200) or replaces (POST, 201) the
// user's attributes and answers the user.
func (e *Emulator) handleSetUserAttributes(replace bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		u, err := e.targetUser(r, rightChangeUsers)
		if err != nil {
			writeError(w, err)
			return
		}
		items, err := decodeAttributes(r)
		if err != nil {
			writeError(w, err)
			return
		}
		status := http.StatusOK
		if replace {
			u.attributes.replace(items)
			status = http.StatusCreated
		} else {
			u.attributes.merge(items)
		}
		writeJSON(w, status, e.st.userDataOf(u, false))
	}
}

func (e *Emulator) handleDeleteUserAttribute(w http.ResponseWriter, r *http.Request) {
	key := chi.URLParam(r, "key")
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightChangeUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	if !validAttrKey(key) {
		writeError(w, errInvalidChars)
		return
	}
	if !u.attributes.remove(key) {
		writeError(w, errAttrNotFound)
		return
	}
	// The document gives 200 without a body.
	w.WriteHeader(http.StatusOK)
}

// adminRoutes registers the user, group, role, key-pair and profile
// endpoints.
func (e *Emulator) adminRoutes(r chi.Router) {
	e.userRoutes(r)
	e.groupRoutes(r)
	e.roleRoutes(r)
	e.keyPairRoutes(r)
	e.profileRoutes(r)
	e.passwordRoutes(r)
}
