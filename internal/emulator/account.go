package emulator

import (
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Account endpoints: /user/ping, /user/account, /user/account/customer.

func (e *Emulator) accountRoutes(r chi.Router) {
	r.Get("/user/ping", produces(mediaText, e.handleUserPing))
	r.Get("/user/account", produces(mediaJSON, e.handleGetAccount))
	r.Put("/user/account", produces(mediaJSON, e.handleUpdateAccount))
	r.Get("/user/account/customer", produces(mediaJSON, e.handleCustomer))
}

// javaDate renders t like java.util.Date.toString, which DRACOON's ping
// answers use ("OK Tue Apr 04 13:37:00 UTC 2020").
func javaDate(t time.Time) string { return t.UTC().Format("Mon Jan 02 15:04:05 MST 2006") }

func (e *Emulator) handleUserPing(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	name := ""
	if u := e.st.users[callerID(r)]; u != nil {
		name = u.login
	}
	e.mu.Unlock()
	writeText(w, http.StatusOK, "OK "+name+" "+javaDate(e.clock.now()))
}

func (e *Emulator) handleAuthPing(w http.ResponseWriter, r *http.Request) {
	writeText(w, http.StatusOK, "OK "+javaDate(e.clock.now()))
}

// roleJSON is Role; items (rights) are only listed by the roles API.
type roleJSON struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

type roleListJSON struct {
	Items []roleJSON `json:"items"`
}

type userAuthMethodJSON struct {
	AuthID    string `json:"authId"`
	IsEnabled bool   `json:"isEnabled"`
	Options   []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"options"`
}

type keyValueJSON struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type userAttributesJSON struct {
	Items []keyValueJSON `json:"items"`
}

type userGroupJSON struct {
	ID       int64  `json:"id"`
	IsMember bool   `json:"isMember"`
	Name     string `json:"name"`
}

// userAccountJSON is UserAccount. Properties left out when unset are
// listed in OmittedWhenUnset.
type userAccountJSON struct {
	ID                    int64                `json:"id"`
	CustomerID            int64                `json:"customerId"`
	UserName              string               `json:"userName"`
	FirstName             string               `json:"firstName"`
	LastName              string               `json:"lastName"`
	IsLocked              bool                 `json:"isLocked"`
	HasManageableRooms    bool                 `json:"hasManageableRooms"`
	UserRoles             roleListJSON         `json:"userRoles"`
	Language              string               `json:"language"`
	AuthData              authDataJSON         `json:"authData"`
	MustSetEmail          bool                 `json:"mustSetEmail"`
	NeedsToAcceptEULA     *bool                `json:"needsToAcceptEULA,omitempty"`
	ExpireAt              *apiTime             `json:"expireAt,omitempty"`
	IsEncryptionEnabled   bool                 `json:"isEncryptionEnabled"`
	LastLoginSuccessAt    *apiTime             `json:"lastLoginSuccessAt,omitempty"`
	LastLoginFailAt       *apiTime             `json:"lastLoginFailAt,omitempty"`
	Email                 string               `json:"email,omitempty"`
	Phone                 string               `json:"phone,omitempty"`
	HomeRoomID            *int64               `json:"homeRoomId,omitempty"`
	UserGroups            []userGroupJSON      `json:"userGroups"`
	UserAttributes        userAttributesJSON   `json:"userAttributes"`
	NeedsToChangeUserName bool                 `json:"needsToChangeUserName"`
	AuthMethods           []userAuthMethodJSON `json:"authMethods"`
	Login                 string               `json:"login"`
	LockStatus            int                  `json:"lockStatus"`
	NeedsToChangePassword bool                 `json:"needsToChangePassword"`
}

func rolesJSON(ids []int) roleListJSON {
	out := roleListJSON{Items: []roleJSON{}}
	for _, id := range ids {
		rt := roleTable[id]
		out.Items = append(out.Items, roleJSON{ID: id, Name: rt.name, Description: rt.description})
	}
	return out
}

// accountJSON renders u as UserAccount. Callers hold e.mu.
func (e *Emulator) accountJSON(u *user) userAccountJSON {
	lockStatus := 2 // web and mobile access allowed
	if u.isLocked {
		lockStatus = 0
	}
	a := userAccountJSON{
		ID:                  u.id,
		CustomerID:          e.st.customer.id,
		UserName:            u.login,
		FirstName:           u.firstName,
		LastName:            u.lastName,
		IsLocked:            u.isLocked,
		HasManageableRooms:  e.st.hasManageableRooms(u),
		UserRoles:           rolesJSON(e.st.effectiveRoles(u.id)),
		Language:            u.language,
		AuthData:            authDataOf(u),
		ExpireAt:            timePtr(u.expireAt),
		LastLoginSuccessAt:  timePtr(u.lastLoginSuccessAt),
		LastLoginFailAt:     timePtr(u.lastLoginFailAt),
		Email:               u.email,
		Phone:               u.phone,
		UserGroups:          e.st.userGroupsOf(u.id),
		UserAttributes:      userAttributesJSON{Items: u.attributes.sorted()},
		IsEncryptionEnabled: len(u.keyPairs) > 0,
		AuthMethods: []userAuthMethodJSON{{AuthID: u.method(), IsEnabled: true, Options: []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		}{}}},
		Login:                 u.login,
		LockStatus:            lockStatus,
		NeedsToChangePassword: u.mustChangePassword,
	}
	if e.st.customer.eulaEnabled {
		f := false
		a.NeedsToAcceptEULA = &f
	}
	return a
}

func (e *Emulator) handleGetAccount(w http.ResponseWriter, r *http.Request) {
	if _, err := queryBoolParam(r, "more_info"); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	u := e.st.users[callerID(r)]
	var a userAccountJSON
	if u != nil {
		a = e.accountJSON(u)
	}
	e.mu.Unlock()
	if u == nil {
		writeError(w, errWrongToken)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func queryBoolParam(r *http.Request, name string) (bool, *apiError) {
	v, _, err := queryBool(r, name)
	return v, err
}

// updateAccountRequest is UpdateUserAccountRequest; pointers tell "absent"
// from "empty".
type updateAccountRequest struct {
	UserName   *string `json:"userName"`
	AcceptEULA *bool   `json:"acceptEULA"`
	FirstName  *string `json:"firstName"`
	LastName   *string `json:"lastName"`
	Email      *string `json:"email"`
	Phone      *string `json:"phone"`
	Language   *string `json:"language"`
	Title      *string `json:"title"`  // deprecated, ignored
	Login      *string `json:"login"`  // deprecated alias of userName
	Gender     *string `json:"gender"` // deprecated, ignored
}

// maxAccountField is the documented limit of every UpdateUserAccountRequest
// field.
const maxAccountField = 150

func (e *Emulator) handleUpdateAccount(w http.ResponseWriter, r *http.Request) {
	var req updateAccountRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.UserName == nil && req.Login != nil {
		req.UserName = req.Login
	}
	for _, f := range []*string{req.UserName, req.FirstName, req.LastName, req.Email, req.Phone, req.Language, req.Title} {
		if f != nil && utf8.RuneCountInString(*f) > maxAccountField {
			writeError(w, errTooLong)
			return
		}
		if f != nil && validateText(*f) != nil {
			writeError(w, validateText(*f))
			return
		}
	}
	for _, f := range []*string{req.UserName, req.FirstName, req.LastName} {
		if f != nil && strings.TrimSpace(*f) == "" {
			writeError(w, errMandatory)
			return
		}
	}
	if req.Email != nil && *req.Email != "" {
		if a, err := mail.ParseAddress(*req.Email); err != nil || a.Address != *req.Email {
			writeError(w, errInvalidEmail)
			return
		}
	}
	if req.Language != nil && !validLanguageTag(*req.Language) {
		writeError(w, errLanguageTag)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.st.users[callerID(r)]
	if u == nil {
		writeError(w, errWrongToken)
		return
	}
	if req.UserName != nil && !strings.EqualFold(*req.UserName, u.login) {
		if other := e.st.userByLogin(*req.UserName); other != nil && other.id != u.id {
			writeError(w, errUsernameExists)
			return
		}
	}
	if req.UserName != nil {
		u.login = *req.UserName
	}
	if req.FirstName != nil {
		u.firstName = *req.FirstName
	}
	if req.LastName != nil {
		u.lastName = *req.LastName
	}
	if req.Email != nil {
		u.email = *req.Email
	}
	if req.Phone != nil {
		u.phone = *req.Phone
	}
	if req.Language != nil {
		u.language = *req.Language
	}
	writeJSON(w, http.StatusOK, e.accountJSON(u))
}

// validLanguageTag accepts the simple IETF tags DRACOON uses: a 2–3 letter
// language, optionally followed by alphanumeric subtags of 1–8 characters
// ("de", "en-US", "de-DE", "zh-Hant-TW").
func validLanguageTag(s string) bool {
	parts := strings.Split(s, "-")
	for i, p := range parts {
		if i == 0 && (len(p) < 2 || len(p) > 3) {
			return false
		}
		if len(p) < 1 || len(p) > 8 {
			return false
		}
		for _, c := range p {
			isLetter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			if i == 0 && !isLetter || !isLetter && !(c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

// customerDataJSON is CustomerData (plus cntInternalUser/cntGuestUser,
// which newer servers send — user/dco3/customer_info_ok.json).
type customerDataJSON struct {
	ID                        int64  `json:"id"`
	Name                      string `json:"name"`
	IsProviderCustomer        bool   `json:"isProviderCustomer"`
	SpaceLimit                int64  `json:"spaceLimit"`
	SpaceUsed                 int64  `json:"spaceUsed"`
	AccountsLimit             int    `json:"accountsLimit"`
	AccountsUsed              int    `json:"accountsUsed"`
	CntInternalUser           int    `json:"cntInternalUser"`
	CntGuestUser              int    `json:"cntGuestUser"`
	CustomerEncryptionEnabled bool   `json:"customerEncryptionEnabled"`
}

func (e *Emulator) handleCustomer(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	c := e.st.customer
	users := len(e.st.users)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, customerDataJSON{
		ID:                        c.id,
		Name:                      c.name,
		IsProviderCustomer:        c.isProviderCustomer,
		SpaceLimit:                c.spaceLimit,
		SpaceUsed:                 0, // no files yet
		AccountsLimit:             c.accountsLimit,
		AccountsUsed:              users,
		CntInternalUser:           users,
		CntGuestUser:              0,
		CustomerEncryptionEnabled: c.cryptoEnabled,
	})
}
