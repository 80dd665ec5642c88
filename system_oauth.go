package dracoon

import (
	"context"
	"fmt"
	"net/http"
)

// OAuth client types (OAuthClient.ClientType) and grant types
// (OAuthClient.GrantTypes).
const (
	OAuthClientConfidential = "confidential"
	OAuthClientPublic       = "public"
	GrantAuthorizationCode  = "authorization_code"
	GrantClientCredentials  = "client_credentials"
	GrantImplicit           = "implicit"
	GrantPassword           = "password"
	GrantRefreshToken       = "refresh_token"
)

const (
	// oauthClientsPath is the collection of OAuth clients.
	oauthClientsPath = systemPath + "/oauth/clients"
	// maxOAuthClientIDPathLength bounds a client id sent in a path.
	maxOAuthClientIDPathLength = 256
)

// OAuthClient is an application registered to log users in with OAuth,
// as config managers see and set it. Lifetimes are in seconds. In a
// create request ClientName and GrantTypes are required; ClientID and
// ClientSecret are generated when empty. ClientSecret never appears in
// logs or errors.
type OAuthClient struct {
	ClientID             string   `json:"clientId,omitempty"`
	ClientSecret         string   `json:"clientSecret,omitempty"`
	ClientName           string   `json:"clientName,omitempty"`
	ClientType           string   `json:"clientType,omitempty"`
	IsStandard           bool     `json:"isStandard,omitempty"`
	IsExternal           bool     `json:"isExternal,omitempty"`
	IsEnabled            *bool    `json:"isEnabled,omitempty"`
	GrantTypes           []string `json:"grantTypes"`
	RedirectURIs         []string `json:"redirectUris,omitempty"`
	AccessTokenValidity  int      `json:"accessTokenValidity,omitempty"`
	RefreshTokenValidity int      `json:"refreshTokenValidity,omitempty"`
	ApprovalValidity     int      `json:"approvalValidity,omitempty"`
}

// String describes the client without its secret.
func (o OAuthClient) String() string {
	o.ClientSecret = redactedIfSet(o.ClientSecret)
	type plain OAuthClient
	return fmtStruct(plain(o))
}

// GoString is String, also under %#v.
func (o OAuthClient) GoString() string { return o.String() }

// Validate refuses an empty or unknown grant type list, an unknown client
// type, negative lifetimes and the read-only flags.
func (o *OAuthClient) Validate() error {
	if len(o.GrantTypes) == 0 {
		return invalid("grantTypes", "must not be empty")
	}
	for i, g := range o.GrantTypes {
		if err := checkOneOf(fmt.Sprintf("grantTypes[%d]", i), g,
			GrantAuthorizationCode, GrantClientCredentials, GrantImplicit, GrantPassword, GrantRefreshToken); err != nil {
			return err
		}
	}
	var errs []error
	if o.ClientType != "" {
		errs = append(errs, checkOneOf("clientType", o.ClientType, OAuthClientConfidential, OAuthClientPublic))
	}
	if o.AccessTokenValidity < 0 || o.RefreshTokenValidity < 0 || o.ApprovalValidity < 0 {
		errs = append(errs, invalid("accessTokenValidity", "lifetimes must not be negative"))
	}
	if o.IsStandard || o.IsExternal {
		errs = append(errs, invalid("isStandard", "isStandard and isExternal are set by the server"))
	}
	return firstError(errs...)
}

// checkClientID refuses a client id that cannot be a path segment.
func checkClientID(id string) error {
	if len(id) > maxOAuthClientIDPathLength {
		return invalid("client_id", "is longer than %d bytes", maxOAuthClientIDPathLength)
	}
	return checkPathSegment("client_id", id)
}

// OAuthClients returns the registered OAuth clients; filter and sort as in
// ListOptions (paging is not offered)
// (GET /api/v4/system/config/oauth/clients).
func (s *SystemService) OAuthClients(ctx context.Context, filter, sort string) ([]OAuthClient, error) {
	var out []OAuthClient
	if err := s.client.do(ctx, &apiCall{method: http.MethodGet, path: oauthClientsPath, query: filterSortQuery(filter, sort)}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// OAuthClient returns one OAuth client
// (GET /api/v4/system/config/oauth/clients/{client_id}).
func (s *SystemService) OAuthClient(ctx context.Context, clientID string) (*OAuthClient, error) {
	if err := checkClientID(clientID); err != nil {
		return nil, err
	}
	return getAt[OAuthClient](ctx, s.client, oauthClientsPath+"/"+clientID)
}

// CreateOAuthClient registers an OAuth client; the answer carries the
// generated id and secret (POST /api/v4/system/config/oauth/clients).
func (s *SystemService) CreateOAuthClient(ctx context.Context, req *OAuthClient) (*OAuthClient, error) {
	if req != nil {
		if err := checkNotBlank("clientName", req.ClientName); err != nil {
			return nil, err
		}
		if req.IsEnabled != nil {
			return nil, invalid("isEnabled", "cannot be set at creation")
		}
	}
	return s.sendOAuthClient(ctx, http.MethodPost, oauthClientsPath, req)
}

// UpdateOAuthClient changes an OAuth client; its id cannot change
// (PUT /api/v4/system/config/oauth/clients/{client_id}).
func (s *SystemService) UpdateOAuthClient(ctx context.Context, clientID string, req *OAuthClient) (*OAuthClient, error) {
	if err := checkClientID(clientID); err != nil {
		return nil, err
	}
	if req != nil && req.ClientID != "" && req.ClientID != clientID {
		return nil, invalid("clientId", "cannot be changed")
	}
	if req != nil && req.ClientID != "" {
		cp := *req
		cp.ClientID = "" // not part of an update
		req = &cp
	}
	return s.sendOAuthClient(ctx, http.MethodPut, oauthClientsPath+"/"+clientID, req)
}

// sendOAuthClient validates and sends a create or update request, keeping
// its secret out of errors and logs, and decodes the answer as an
// OAuthClient whose secret is a secret too.
func (s *SystemService) sendOAuthClient(ctx context.Context, method, path string, req *OAuthClient) (*OAuthClient, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[OAuthClient](ctx, s.client, &apiCall{method: method, path: path, jsonBody: req,
		secrets: []string{req.ClientSecret}, secretReply: true})
}

// DeleteOAuthClient removes an OAuth client
// (DELETE /api/v4/system/config/oauth/clients/{client_id}).
func (s *SystemService) DeleteOAuthClient(ctx context.Context, clientID string) error {
	if err := checkClientID(clientID); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, oauthClientsPath+"/"+clientID)
}
