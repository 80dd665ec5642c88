package dracoon

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// AccountService is the logged-in user's own account.
type AccountService service

// UserAccount is the logged-in user's account.
type UserAccount struct {
	ID                    int64           `json:"id"`
	CustomerID            int64           `json:"customerId"`
	UserName              string          `json:"userName"`
	FirstName             string          `json:"firstName"`
	LastName              string          `json:"lastName"`
	Email                 string          `json:"email,omitempty"`
	Phone                 string          `json:"phone,omitempty"`
	Language              string          `json:"language"`
	IsLocked              bool            `json:"isLocked"`
	LockStatus            int             `json:"lockStatus"`
	HasManageableRooms    bool            `json:"hasManageableRooms"`
	UserRoles             RoleList        `json:"userRoles"`
	AuthData              UserAuthData    `json:"authData"`
	MustSetEmail          bool            `json:"mustSetEmail"`
	NeedsToAcceptEULA     bool            `json:"needsToAcceptEULA"`
	NeedsToChangePassword bool            `json:"needsToChangePassword"`
	NeedsToChangeUserName bool            `json:"needsToChangeUserName"`
	IsEncryptionEnabled   bool            `json:"isEncryptionEnabled"`
	ExpireAt              time.Time       `json:"expireAt,omitzero"`
	LastLoginSuccessAt    time.Time       `json:"lastLoginSuccessAt,omitzero"`
	LastLoginFailAt       time.Time       `json:"lastLoginFailAt,omitzero"`
	LastLoginSuccessIP    string          `json:"lastLoginSuccessIp,omitempty"`
	LastLoginFailIP       string          `json:"lastLoginFailIp,omitempty"`
	HomeRoomID            int64           `json:"homeRoomId,omitempty"`
	UserGroups            []UserGroup     `json:"userGroups,omitempty"`
	UserAttributes        *UserAttributes `json:"userAttributes,omitempty"`
}

// UserAuthData says how a user logs in.
type UserAuthData struct {
	// Method is basic, active_directory, openid or radius.
	Method             string `json:"method"`
	Login              string `json:"login,omitempty"`
	MustChangePassword bool   `json:"mustChangePassword,omitempty"`
	ADConfigID         int64  `json:"adConfigId,omitempty"`
	OIDConfigID        int64  `json:"oidConfigId,omitempty"`
}

// UserGroup is a group a user belongs to (or could belong to).
type UserGroup struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	IsMember bool   `json:"isMember"`
}

// UserAttributes are custom key/value attributes of a user.
type UserAttributes struct {
	Items []KeyValueEntry `json:"items"`
}

// CustomerData describes the tenant the user belongs to: quota and account
// usage and whether client-side encryption is available.
type CustomerData struct {
	ID                        int64  `json:"id"`
	Name                      string `json:"name"`
	IsProviderCustomer        bool   `json:"isProviderCustomer"`
	SpaceLimit                int64  `json:"spaceLimit"`
	SpaceUsed                 int64  `json:"spaceUsed"`
	AccountsLimit             int64  `json:"accountsLimit"`
	AccountsUsed              int64  `json:"accountsUsed"`
	CustomerEncryptionEnabled bool   `json:"customerEncryptionEnabled"`
}

// UpdateAccountRequest changes the own account. Nil fields stay as they
// are.
type UpdateAccountRequest struct {
	UserName   *string `json:"userName,omitempty"`
	AcceptEULA *bool   `json:"acceptEULA,omitempty"`
	FirstName  *string `json:"firstName,omitempty"`
	LastName   *string `json:"lastName,omitempty"`
	Email      *string `json:"email,omitempty"`
	Phone      *string `json:"phone,omitempty"`
	Language   *string `json:"language,omitempty"`
}

// Get returns the own account (GET /api/v4/user/account).
func (s *AccountService) Get(ctx context.Context) (*UserAccount, error) {
	return doJSON[UserAccount](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/user/account"})
}

// GetMoreInfo returns the own account with the extra details the server
// adds for more_info=true (such as the group list).
func (s *AccountService) GetMoreInfo(ctx context.Context) (*UserAccount, error) {
	q := url.Values{"more_info": {"true"}}
	return doJSON[UserAccount](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/user/account", query: q})
}

// Validate refuses what DRACOON refuses: a name, user name or language
// that is set but empty, and an e-mail address that is set but malformed.
func (r *UpdateAccountRequest) Validate() error {
	var errs []error
	for _, f := range []struct {
		field string
		value *string
	}{{"userName", r.UserName}, {"firstName", r.FirstName}, {"lastName", r.LastName}, {"language", r.Language}} {
		if f.value != nil {
			errs = append(errs, checkNotBlank(f.field, *f.value))
		}
	}
	if r.Email != nil {
		errs = append(errs, checkEmail("email", *r.Email))
	}
	return firstError(errs...)
}

// Update changes the own account (PUT /api/v4/user/account) and returns it.
func (s *AccountService) Update(ctx context.Context, req *UpdateAccountRequest) (*UserAccount, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[UserAccount](ctx, s.client, &apiCall{method: http.MethodPut, path: "/api/v4/user/account", jsonBody: req})
}

// ChangePassword changes the own login password
// (PUT /api/v4/user/account/password). Neither password appears in logs or
// errors.
func (s *AccountService) ChangePassword(ctx context.Context, oldPassword, newPassword string) error {
	switch {
	case oldPassword == "":
		return invalid("oldPassword", "must not be empty")
	case newPassword == "":
		return invalid("newPassword", "must not be empty")
	case newPassword == oldPassword:
		return invalid("newPassword", "must differ from the old password")
	}
	body := map[string]string{"oldPassword": oldPassword, "newPassword": newPassword}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: "/api/v4/user/account/password", jsonBody: body,
		secrets: []string{oldPassword, newPassword}}, nil)
}

// Customer returns the tenant of the own account
// (GET /api/v4/user/account/customer).
func (s *AccountService) Customer(ctx context.Context) (*CustomerData, error) {
	return doJSON[CustomerData](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/user/account/customer"})
}

// ListProfileAttributes returns one page of the own profile attributes
// (GET /api/v4/user/profileAttributes). Filter: key and value with cn, eq
// or sw; sort: key or value.
func (s *AccountService) ListProfileAttributes(ctx context.Context, opts *ListOptions) (*AttributeList, error) {
	return doJSON[AttributeList](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/user/profileAttributes", query: opts.values(nil)})
}

// AllProfileAttributes iterates over every own profile attribute, fetching
// pages as the loop needs them.
func (s *AccountService) AllProfileAttributes(ctx context.Context, opts *ListOptions) iter.Seq2[KeyValueEntry, error] {
	return all(ctx, opts, s.ListProfileAttributes)
}

// SetProfileAttributes adds the attributes of req to the own profile,
// replacing the values of keys that exist
// (PUT /api/v4/user/profileAttributes). The document promises the
// profile's attributes in the answer, but servers have been recorded
// answering with an empty body, so the answer is not read; list them
// with ListProfileAttributes.
func (s *AccountService) SetProfileAttributes(ctx context.Context, req *AttributesRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: "/api/v4/user/profileAttributes", jsonBody: req}, nil)
}

// DeleteProfileAttribute removes one attribute from the own profile
// (DELETE /api/v4/user/profileAttributes/{key}).
func (s *AccountService) DeleteProfileAttribute(ctx context.Context, key string) error {
	if err := checkAttributeKey(key); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: "/api/v4/user/profileAttributes/" + key}, nil)
}
