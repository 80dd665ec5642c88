package dracoon

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// UsersService administers the users of the tenant. It needs the
// USER_MANAGER role (reading needs the right to read users).
type UsersService service

// Authentication methods of a user (UserAuthData.Method).
const (
	AuthMethodBasic           = "basic"
	AuthMethodActiveDirectory = "active_directory"
	AuthMethodOpenID          = "openid"
	AuthMethodRadius          = "radius"
)

// User is a user as user managers see it: the items of the user list and
// the answer of get, create and update. Fields the list does not carry
// (AuthData, PublicKeyContainer) are zero there.
type User struct {
	ID                  int64                      `json:"id"`
	UserName            string                     `json:"userName"`
	FirstName           string                     `json:"firstName"`
	LastName            string                     `json:"lastName"`
	Email               string                     `json:"email,omitempty"`
	Phone               string                     `json:"phone,omitempty"`
	IsLocked            bool                       `json:"isLocked"`
	AvatarUUID          string                     `json:"avatarUuid"`
	AuthData            UserAuthData               `json:"authData"`
	HasManageableRooms  bool                       `json:"hasManageableRooms"`
	IsEncryptionEnabled bool                       `json:"isEncryptionEnabled"`
	IsMFAEnabled        bool                       `json:"isMfaEnabled"`
	IsMFAEnforced       bool                       `json:"isMfaEnforced"`
	CreatedAt           time.Time                  `json:"createdAt,omitzero"`
	ExpireAt            time.Time                  `json:"expireAt,omitzero"`
	LastLoginSuccessAt  time.Time                  `json:"lastLoginSuccessAt,omitzero"`
	HomeRoomID          int64                      `json:"homeRoomId,omitempty"`
	PublicKeyContainer  *crypto.PublicKeyContainer `json:"publicKeyContainer,omitempty"`
	UserRoles           *RoleList                  `json:"userRoles,omitempty"`
	UserAttributes      *UserAttributes            `json:"userAttributes,omitempty"`
}

// UserList is one page of users.
type UserList = Page[User]

// UserGroupList is one page of the groups of a user.
type UserGroupList = Page[UserGroup]

// LastAdminRoom is a room in which a user (or a group) is the last
// administrator; DRACOON refuses to delete the user or group until another
// admin is granted there.
type LastAdminRoom struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	ParentPath string `json:"parentPath"`
	ParentID   int64  `json:"parentId,omitempty"`
	// LastAdminInGroup and LastAdminInGroupID (users only) say that the
	// user is the last member of the room's last admin group.
	LastAdminInGroup   bool  `json:"lastAdminInGroup,omitempty"`
	LastAdminInGroupID int64 `json:"lastAdminInGroupId,omitempty"`
}

// lastAdminRoomList is the answer of the last_admin_rooms endpoints.
type lastAdminRoomList struct {
	Items []LastAdminRoom `json:"items"`
}

// GrantedRoom is a room in the deprecated room lists of a user or a group
// (UsersService.ListRooms, GroupsService.ListRooms).
type GrantedRoom struct {
	ID                        int64            `json:"id"`
	Type                      string           `json:"type,omitempty"`
	Name                      string           `json:"name"`
	IsGranted                 bool             `json:"isGranted"`
	IsEncrypted               bool             `json:"isEncrypted"`
	RecycleBinRetentionPeriod int              `json:"recycleBinRetentionPeriod"`
	HasRecycleBin             bool             `json:"hasRecycleBin"`
	ParentID                  int64            `json:"parentId,omitempty"`
	Size                      int64            `json:"size,omitempty"`
	Quota                     int64            `json:"quota,omitempty"`
	Permissions               *NodePermissions `json:"permissions,omitempty"`
	CreatedAt                 time.Time        `json:"createdAt,omitzero"`
	CreatedBy                 *UserInfo        `json:"createdBy,omitempty"`
	UpdatedAt                 time.Time        `json:"updatedAt,omitzero"`
	UpdatedBy                 *UserInfo        `json:"updatedBy,omitempty"`
	CntDownloadShares         int              `json:"cntDownloadShares,omitempty"`
	CntUploadShares           int              `json:"cntUploadShares,omitempty"`
	CntAdmins                 int              `json:"cntAdmins,omitempty"`
	CntUsers                  int              `json:"cntUsers,omitempty"`
	IsFavorite                bool             `json:"isFavorite,omitempty"`
}

// GrantedRoomList is one page of GrantedRoom.
type GrantedRoomList = Page[GrantedRoom]

// MFAConfig enforces multi-factor authentication for a user.
type MFAConfig struct {
	MFAEnforced bool `json:"mfaEnforced"`
}

// CreateUserAuthData says how a new user logs in. Password (basic users
// only) is an initial password; it never appears in logs, errors or
// formatted output.
type CreateUserAuthData struct {
	// Method is AuthMethodBasic, AuthMethodActiveDirectory,
	// AuthMethodOpenID or AuthMethodRadius.
	Method string `json:"method"`
	// Login is the user's name at the directory or identity provider
	// (required for all methods but basic).
	Login    string `json:"login,omitempty"`
	Password string `json:"password,omitempty"`
	// MustChangePassword defaults to true for basic users; false is only
	// allowed when the user is not notified (NotifyUser false).
	MustChangePassword *bool `json:"mustChangePassword,omitempty"`
	// ADConfigID is the Active Directory (active_directory users only);
	// OIDConfigID the OpenID Connect provider (openid users only).
	ADConfigID  int64 `json:"adConfigId,omitempty"`
	OIDConfigID int64 `json:"oidConfigId,omitempty"`
}

// String describes the auth data without the password.
func (a CreateUserAuthData) String() string {
	pw := ""
	if a.Password != "" {
		pw = " password=[redacted]"
	}
	return fmt.Sprintf("{method=%s login=%q%s adConfigId=%d oidConfigId=%d}", a.Method, a.Login, pw, a.ADConfigID, a.OIDConfigID)
}

// GoString is String, also under %#v.
func (a CreateUserAuthData) GoString() string { return a.String() }

// validate checks the fields each method needs and refuses those it
// must not have (errors -80028, -90002). notify is whether the new user
// gets an e-mail.
func (a *CreateUserAuthData) validate(notify bool) error {
	switch a.Method {
	case AuthMethodBasic:
		switch {
		case a.ADConfigID != 0 || a.OIDConfigID != 0:
			return invalid("authData", "a basic user has no adConfigId or oidConfigId")
		case a.MustChangePassword != nil && !*a.MustChangePassword && notify:
			return invalid("authData.mustChangePassword", "may only be false when the user is not notified (notifyUser false)")
		}
		return nil
	case AuthMethodActiveDirectory:
		return firstError(checkNotBlank("authData.login", a.Login), checkID("authData.adConfigId", a.ADConfigID),
			a.noPassword(), zeroID("authData.oidConfigId", a.OIDConfigID))
	case AuthMethodOpenID:
		return firstError(checkNotBlank("authData.login", a.Login), checkID("authData.oidConfigId", a.OIDConfigID),
			a.noPassword(), zeroID("authData.adConfigId", a.ADConfigID))
	case AuthMethodRadius:
		return firstError(checkNotBlank("authData.login", a.Login), a.noPassword(),
			zeroID("authData.adConfigId", a.ADConfigID), zeroID("authData.oidConfigId", a.OIDConfigID))
	case "":
		return invalid("authData.method", "must be set")
	}
	return invalid("authData.method", "must be basic, active_directory, openid or radius, got %q", a.Method)
}

// noPassword refuses a password for users who log in elsewhere.
func (a *CreateUserAuthData) noPassword() error {
	if a.Password != "" || a.MustChangePassword != nil {
		return invalid("authData.password", "only basic users have a DRACOON password")
	}
	return nil
}

// zeroID refuses an id that the chosen method does not use.
func zeroID(field string, id int64) error {
	if id != 0 {
		return invalid(field, "must not be set for this authentication method")
	}
	return nil
}

// CreateUserRequest describes a new user. Build it with NewLocalUser,
// NewOpenIDUser or NewActiveDirectoryUser and set optional fields
// directly.
type CreateUserRequest struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	// UserName is the login name; required for basic users.
	UserName string `json:"userName,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	// Expiration makes the account expire.
	Expiration *Expiration `json:"expiration,omitempty"`
	// ReceiverLanguage is the language (IETF tag, "de-DE") of the welcome
	// e-mail.
	ReceiverLanguage string `json:"receiverLanguage,omitempty"`
	// NotifyUser sends a welcome e-mail; the server's default is true for
	// basic users and false for the others.
	NotifyUser        *bool              `json:"notifyUser,omitempty"`
	AuthData          CreateUserAuthData `json:"authData"`
	IsNonmemberViewer *bool              `json:"isNonmemberViewer,omitempty"`
	// MFAConfig enforces multi-factor authentication (newer servers).
	MFAConfig *MFAConfig `json:"mfaConfig,omitempty"`
}

// NewLocalUser returns a request for a basic (local) user whose user name
// is the e-mail address, as DRACOON's web app does.
func NewLocalUser(firstName, lastName, email string) *CreateUserRequest {
	return &CreateUserRequest{FirstName: firstName, LastName: lastName, Email: email, UserName: email,
		AuthData: CreateUserAuthData{Method: AuthMethodBasic}}
}

// NewOpenIDUser returns a request for a user who logs in at the OpenID
// Connect provider oidcConfigID as login.
func NewOpenIDUser(firstName, lastName, email, login string, oidcConfigID int64) *CreateUserRequest {
	return &CreateUserRequest{FirstName: firstName, LastName: lastName, Email: email, UserName: login,
		AuthData: CreateUserAuthData{Method: AuthMethodOpenID, Login: login, OIDConfigID: oidcConfigID}}
}

// NewActiveDirectoryUser returns a request for a user who logs in at the
// Active Directory adConfigID as login.
func NewActiveDirectoryUser(firstName, lastName, email, login string, adConfigID int64) *CreateUserRequest {
	return &CreateUserRequest{FirstName: firstName, LastName: lastName, Email: email, UserName: login,
		AuthData: CreateUserAuthData{Method: AuthMethodActiveDirectory, Login: login, ADConfigID: adConfigID}}
}

// Validate refuses what DRACOON refuses: empty first or last name, a
// basic user without user name, a malformed e-mail address, a notified
// basic user without e-mail address, an authentication method without the
// fields it needs or with fields of another method, and an expiry in the
// past.
func (r *CreateUserRequest) Validate() error {
	notify := r.AuthData.Method == AuthMethodBasic
	if r.NotifyUser != nil {
		notify = *r.NotifyUser
	}
	errs := []error{
		checkNotBlank("firstName", r.FirstName),
		checkNotBlank("lastName", r.LastName),
		r.AuthData.validate(notify),
	}
	if r.AuthData.Method == AuthMethodBasic {
		errs = append(errs, checkNotBlank("userName", r.UserName))
	}
	switch {
	case r.Email != "":
		errs = append(errs, checkEmail("email", r.Email))
	case notify:
		errs = append(errs, invalid("email", "must be set when the user is notified"))
	}
	return firstError(append(errs, checkExpiration("expiration", r.Expiration))...)
}

// UpdateUserAuthData changes how a user logs in. The fields are those of
// CreateUserAuthData without the password.
type UpdateUserAuthData struct {
	Method      string `json:"method,omitempty"`
	Login       string `json:"login,omitempty"`
	ADConfigID  int64  `json:"adConfigId,omitempty"`
	OIDConfigID int64  `json:"oidConfigId,omitempty"`
}

// UpdateUserRequest changes a user. Nil fields stay as they are.
type UpdateUserRequest struct {
	FirstName         *string             `json:"firstName,omitempty"`
	LastName          *string             `json:"lastName,omitempty"`
	UserName          *string             `json:"userName,omitempty"`
	Email             *string             `json:"email,omitempty"`
	Phone             *string             `json:"phone,omitempty"`
	IsLocked          *bool               `json:"isLocked,omitempty"`
	ReceiverLanguage  *string             `json:"receiverLanguage,omitempty"`
	Expiration        *Expiration         `json:"expiration,omitempty"`
	AuthData          *UpdateUserAuthData `json:"authData,omitempty"`
	IsNonmemberViewer *bool               `json:"isNonmemberViewer,omitempty"`
	MFAConfig         *MFAConfig          `json:"mfaConfig,omitempty"`
}

// Validate refuses names and e-mail addresses that are set but empty or
// malformed, an authentication method that is unknown or lacks what it
// needs, and an expiry in the past.
func (r *UpdateUserRequest) Validate() error {
	var errs []error
	for _, f := range []struct {
		field string
		value *string
	}{{"firstName", r.FirstName}, {"lastName", r.LastName}, {"userName", r.UserName}} {
		if f.value != nil {
			errs = append(errs, checkNotBlank(f.field, *f.value))
		}
	}
	if r.Email != nil {
		errs = append(errs, checkEmail("email", *r.Email))
	}
	if a := r.AuthData; a != nil {
		full := CreateUserAuthData{Method: a.Method, Login: a.Login, ADConfigID: a.ADConfigID, OIDConfigID: a.OIDConfigID}
		errs = append(errs, full.validate(false))
	}
	return firstError(append(errs, checkExpiration("expiration", r.Expiration))...)
}

// ListUsersOptions select and order the users listed by List and All.
// Filter fields: email, userName, firstName, lastName, isLocked,
// effectiveRoles; sort fields: userName, email, firstName, lastName,
// isLocked, lastLoginSuccessAt, expireAt, createdAt.
type ListUsersOptions struct {
	ListOptions
	// IncludeAttributes adds each user's custom attributes.
	IncludeAttributes bool
}

// usersPath is the common prefix of the user endpoints.
const usersPath = "/api/v4/users"

// List returns one page of users (GET /api/v4/users).
func (s *UsersService) List(ctx context.Context, opts *ListUsersOptions) (*UserList, error) {
	var q url.Values
	if opts != nil {
		q = opts.values(nil)
		if opts.IncludeAttributes {
			q.Set("include_attributes", "true")
		}
	}
	return doJSON[UserList](ctx, s.client, &apiCall{method: http.MethodGet, path: usersPath, query: q})
}

// All iterates over every user, fetching pages as the loop needs them.
func (s *UsersService) All(ctx context.Context, opts *ListUsersOptions) iter.Seq2[User, error] {
	var o ListUsersOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, &o.ListOptions, func(ctx context.Context, lo *ListOptions) (*UserList, error) {
		page := o
		page.ListOptions = *lo
		return s.List(ctx, &page)
	})
}

// Get returns one user (GET /api/v4/users/{user_id}).
func (s *UsersService) Get(ctx context.Context, id int64) (*User, error) {
	if err := checkID("userId", id); err != nil {
		return nil, err
	}
	return doJSON[User](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(usersPath, id, "")})
}

// Create creates a user (POST /api/v4/users) and returns it. The initial
// password, if any, is kept out of logs and errors.
func (s *UsersService) Create(ctx context.Context, req *CreateUserRequest) (*User, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	call := &apiCall{method: http.MethodPost, path: usersPath, jsonBody: req}
	if req.AuthData.Password != "" {
		call.secrets = []string{req.AuthData.Password}
	}
	return doJSON[User](ctx, s.client, call)
}

// Update changes a user (PUT /api/v4/users/{user_id}) and returns it.
func (s *UsersService) Update(ctx context.Context, id int64, req *UpdateUserRequest) (*User, error) {
	if err := firstError(checkID("userId", id), validate(req)); err != nil {
		return nil, err
	}
	return doJSON[User](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(usersPath, id, ""), jsonBody: req})
}

// Delete deletes a user (DELETE /api/v4/users/{user_id}). DRACOON refuses
// while the user is the last admin of a room; see LastAdminRooms.
func (s *UsersService) Delete(ctx context.Context, id int64) error {
	if err := checkID("userId", id); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(usersPath, id, "")}, nil)
}

// ListGroups returns one page of the groups of a user
// (GET /api/v4/users/{user_id}/groups). Only members are listed unless
// the filter says isMember:eq:false (groups the user could join) or
// isMember:eq:any. This list takes no sort.
func (s *UsersService) ListGroups(ctx context.Context, id int64, opts *ListOptions) (*UserGroupList, error) {
	if err := checkID("userId", id); err != nil {
		return nil, err
	}
	return doJSON[UserGroupList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(usersPath, id, "/groups"), query: opts.values(nil)})
}

// AllGroups iterates over every group ListGroups selects.
func (s *UsersService) AllGroups(ctx context.Context, id int64, opts *ListOptions) iter.Seq2[UserGroup, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*UserGroupList, error) {
		return s.ListGroups(ctx, id, lo)
	})
}

// Roles returns the roles of a user (GET /api/v4/users/{user_id}/roles).
func (s *UsersService) Roles(ctx context.Context, id int64) (*RoleList, error) {
	if err := checkID("userId", id); err != nil {
		return nil, err
	}
	return doJSON[RoleList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(usersPath, id, "/roles")})
}

// LastAdminRooms returns the rooms in which the user is the last admin
// (GET /api/v4/users/{user_id}/last_admin_rooms).
func (s *UsersService) LastAdminRooms(ctx context.Context, id int64) ([]LastAdminRoom, error) {
	if err := checkID("userId", id); err != nil {
		return nil, err
	}
	l, err := doJSON[lastAdminRoomList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(usersPath, id, "/last_admin_rooms")})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// ListRooms returns one page of the rooms granted to a user
// (GET /api/v4/users/{user_id}/rooms). Filter: isGranted (true, false or
// any), isLastAdmin, effectivePerm. This list takes no sort.
//
// Deprecated: DRACOON deprecated this endpoint; list a room's users with
// the nodes API instead.
func (s *UsersService) ListRooms(ctx context.Context, id int64, opts *ListOptions) (*GrantedRoomList, error) {
	if err := checkID("userId", id); err != nil {
		return nil, err
	}
	return doJSON[GrantedRoomList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(usersPath, id, "/rooms"), query: opts.values(nil)})
}

// AllRooms iterates over every room ListRooms selects.
//
// Deprecated: see ListRooms.
func (s *UsersService) AllRooms(ctx context.Context, id int64, opts *ListOptions) iter.Seq2[GrantedRoom, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*GrantedRoomList, error) {
		return s.ListRooms(ctx, id, lo)
	})
}

// ListAttributes returns one page of a user's custom attributes
// (GET /api/v4/users/{user_id}/userAttributes). Filter: key and value with
// cn, eq or sw; sort: key or value.
func (s *UsersService) ListAttributes(ctx context.Context, id int64, opts *ListOptions) (*AttributeList, error) {
	if err := checkID("userId", id); err != nil {
		return nil, err
	}
	return doJSON[AttributeList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(usersPath, id, "/userAttributes"), query: opts.values(nil)})
}

// AllAttributes iterates over every custom attribute of a user.
func (s *UsersService) AllAttributes(ctx context.Context, id int64, opts *ListOptions) iter.Seq2[KeyValueEntry, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*AttributeList, error) {
		return s.ListAttributes(ctx, id, lo)
	})
}

// UpdateAttributes adds the attributes of req to a user, replacing the
// values of keys that exist (PUT /api/v4/users/{user_id}/userAttributes),
// and returns the user.
func (s *UsersService) UpdateAttributes(ctx context.Context, id int64, req *AttributesRequest) (*User, error) {
	if err := firstError(checkID("userId", id), validate(req)); err != nil {
		return nil, err
	}
	return doJSON[User](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(usersPath, id, "/userAttributes"), jsonBody: req})
}

// SetAttributes replaces all custom attributes of a user with those of
// req (POST /api/v4/users/{user_id}/userAttributes) and returns the user.
func (s *UsersService) SetAttributes(ctx context.Context, id int64, req *AttributesRequest) (*User, error) {
	if err := firstError(checkID("userId", id), validate(req)); err != nil {
		return nil, err
	}
	return doJSON[User](ctx, s.client, &apiCall{method: http.MethodPost, path: idPath(usersPath, id, "/userAttributes"), jsonBody: req})
}

// DeleteAttribute removes one custom attribute of a user
// (DELETE /api/v4/users/{user_id}/userAttributes/{key}).
func (s *UsersService) DeleteAttribute(ctx context.Context, id int64, key string) error {
	if err := firstError(checkID("userId", id), checkAttributeKey(key)); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(usersPath, id, "/userAttributes/"+key)}, nil)
}
