package dracoon

import (
	"context"
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

// Update changes the own account (PUT /api/v4/user/account) and returns it.
func (s *AccountService) Update(ctx context.Context, req *UpdateAccountRequest) (*UserAccount, error) {
	return doJSON[UserAccount](ctx, s.client, &apiCall{method: http.MethodPut, path: "/api/v4/user/account", jsonBody: req})
}

// Customer returns the tenant of the own account
// (GET /api/v4/user/account/customer).
func (s *AccountService) Customer(ctx context.Context) (*CustomerData, error) {
	return doJSON[CustomerData](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/user/account/customer"})
}
