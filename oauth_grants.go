package dracoon

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

const (
	// oauthApprovalsPath lists the OAuth clients the user approved.
	oauthApprovalsPath = "/api/v4/user/oauth/approvals"
	// oauthAuthorizationsPath lists the user's OAuth logins.
	oauthAuthorizationsPath = "/api/v4/user/oauth/authorizations"
)

// OAuthApproval is an OAuth client the user allowed to act for them.
type OAuthApproval struct {
	ClientID   string    `json:"clientId"`
	ClientName string    `json:"clientName"`
	ExpiresAt  time.Time `json:"expiresAt,omitzero"`
}

// OAuthAuthorization is one OAuth login of the user (a refresh token an
// application holds), with what the server knows of the application.
type OAuthAuthorization struct {
	ID         int64  `json:"id,omitempty"`
	ClientID   string `json:"clientId"`
	ClientName string `json:"clientName"`
	IsStandard bool   `json:"isStandard,omitempty"`
	// UserAgentCategory is browser, native or unknown.
	UserAgentCategory string `json:"userAgentCategory"`
	UserAgentType     string `json:"userAgentType,omitempty"`
	UserAgentOS       string `json:"userAgentOs,omitempty"`
	UserAgentInfo     string `json:"userAgentInfo,omitempty"`
	// IsCurrentAuthorization marks the login of the calling client.
	IsCurrentAuthorization bool      `json:"isCurrentAuthorization,omitempty"`
	CreatedAt              time.Time `json:"createdAt,omitzero"`
	UsedAt                 time.Time `json:"usedAt,omitzero"`
	ExpiresAt              time.Time `json:"expiresAt,omitzero"`
}

// filterSortQuery returns the query of a list that takes only filter and
// sort (no paging).
func filterSortQuery(filter, sort string) url.Values {
	q := url.Values{}
	if filter != "" {
		q.Set("filter", filter)
	}
	if sort != "" {
		q.Set("sort", sort)
	}
	return q
}

// OAuthApprovals returns the OAuth clients the user approved, sorted by
// sort ("clientName:asc" or "clientName:desc"; empty for the server's
// order) (GET /api/v4/user/oauth/approvals).
func (s *AccountService) OAuthApprovals(ctx context.Context, sort string) ([]OAuthApproval, error) {
	var out []OAuthApproval
	if err := s.client.do(ctx, &apiCall{method: http.MethodGet, path: oauthApprovalsPath, query: filterSortQuery("", sort)}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeOAuthApproval withdraws the approval of one OAuth client; it must
// ask again before it can log the user in
// (DELETE /api/v4/user/oauth/approvals/{client_id}).
func (s *AccountService) RevokeOAuthApproval(ctx context.Context, clientID string) error {
	if err := checkClientID(clientID); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, oauthApprovalsPath+"/"+clientID)
}

// OAuthAuthorizations returns the user's OAuth logins. filter takes
// "isStandard:eq:true" or "isStandard:eq:false", sort "clientName:asc" or
// "clientName:desc"; empty strings leave them out
// (GET /api/v4/user/oauth/authorizations).
func (s *AccountService) OAuthAuthorizations(ctx context.Context, filter, sort string) ([]OAuthAuthorization, error) {
	var out []OAuthAuthorization
	if err := s.client.do(ctx, &apiCall{method: http.MethodGet, path: oauthAuthorizationsPath, query: filterSortQuery(filter, sort)}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeOAuthAuthorizations ends every login of the user through one
// OAuth client (DELETE /api/v4/user/oauth/authorizations/{client_id}).
func (s *AccountService) RevokeOAuthAuthorizations(ctx context.Context, clientID string) error {
	if err := checkClientID(clientID); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, oauthAuthorizationsPath+"/"+clientID)
}

// RevokeOAuthAuthorization ends one login of the user through an OAuth
// client
// (DELETE /api/v4/user/oauth/authorizations/{client_id}/{authorization_id}).
func (s *AccountService) RevokeOAuthAuthorization(ctx context.Context, clientID string, authorizationID int64) error {
	if err := firstError(checkClientID(clientID), checkID("authorization_id", authorizationID)); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, idPath(oauthAuthorizationsPath+"/"+clientID, authorizationID, ""))
}
