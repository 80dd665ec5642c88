package dracoon

import (
	"context"
	"iter"
	"net/http"
)

// RolesService lists the fixed roles and grants or revokes them. Granting
// and revoking need the right to grant roles (CONFIG_MANAGER or
// USER_MANAGER, as the role demands).
type RolesService service

// RoleUserEntry is a user in a role's user list.
type RoleUserEntry struct {
	UserInfo UserInfo `json:"userInfo"`
	// IsMember is false for candidates listed with isMember:eq:false.
	IsMember bool `json:"isMember"`
}

// RoleUserList is one page of a role's users.
type RoleUserList = Page[RoleUserEntry]

// RoleGroupEntry is a group in a role's group list.
type RoleGroupEntry struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	IsMember bool   `json:"isMember"`
}

// RoleGroupList is one page of a role's groups.
type RoleGroupList = Page[RoleGroupEntry]

// rolesPath is the common prefix of the role endpoints.
const rolesPath = "/api/v4/roles"

// List returns every role with its rights (GET /api/v4/roles).
func (s *RolesService) List(ctx context.Context) (*RoleList, error) {
	return doJSON[RoleList](ctx, s.client, &apiCall{method: http.MethodGet, path: rolesPath})
}

// ListUsers returns one page of the users holding a role
// (GET /api/v4/roles/{role_id}/users). The filter isMember:eq:false lists
// users without it, isMember:eq:any all; displayName:cn:… narrows the
// list. This list takes no sort.
func (s *RolesService) ListUsers(ctx context.Context, roleID int64, opts *ListOptions) (*RoleUserList, error) {
	if err := checkID("roleId", roleID); err != nil {
		return nil, err
	}
	return doJSON[RoleUserList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(rolesPath, roleID, "/users"), query: opts.values(nil)})
}

// AllUsers iterates over every user ListUsers selects.
func (s *RolesService) AllUsers(ctx context.Context, roleID int64, opts *ListOptions) iter.Seq2[RoleUserEntry, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*RoleUserList, error) {
		return s.ListUsers(ctx, roleID, lo)
	})
}

// AddUsers grants a role to users (POST /api/v4/roles/{role_id}/users)
// and returns the role's users.
func (s *RolesService) AddUsers(ctx context.Context, roleID int64, userIDs []int64) (*RoleUserList, error) {
	return changeRole[RoleUserEntry](ctx, s, http.MethodPost, roleID, "/users", userIDs)
}

// RemoveUsers revokes a role from users
// (DELETE /api/v4/roles/{role_id}/users) and returns the role's users.
func (s *RolesService) RemoveUsers(ctx context.Context, roleID int64, userIDs []int64) (*RoleUserList, error) {
	return changeRole[RoleUserEntry](ctx, s, http.MethodDelete, roleID, "/users", userIDs)
}

// ListGroups returns one page of the groups holding a role
// (GET /api/v4/roles/{role_id}/groups), with the same filters as
// ListUsers (name instead of displayName). This list takes no sort.
func (s *RolesService) ListGroups(ctx context.Context, roleID int64, opts *ListOptions) (*RoleGroupList, error) {
	if err := checkID("roleId", roleID); err != nil {
		return nil, err
	}
	return doJSON[RoleGroupList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(rolesPath, roleID, "/groups"), query: opts.values(nil)})
}

// AllGroups iterates over every group ListGroups selects.
func (s *RolesService) AllGroups(ctx context.Context, roleID int64, opts *ListOptions) iter.Seq2[RoleGroupEntry, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*RoleGroupList, error) {
		return s.ListGroups(ctx, roleID, lo)
	})
}

// AddGroups grants a role to groups (POST /api/v4/roles/{role_id}/groups)
// and returns the role's groups.
func (s *RolesService) AddGroups(ctx context.Context, roleID int64, groupIDs []int64) (*RoleGroupList, error) {
	return changeRole[RoleGroupEntry](ctx, s, http.MethodPost, roleID, "/groups", groupIDs)
}

// RemoveGroups revokes a role from groups
// (DELETE /api/v4/roles/{role_id}/groups) and returns the role's groups.
func (s *RolesService) RemoveGroups(ctx context.Context, roleID int64, groupIDs []int64) (*RoleGroupList, error) {
	return changeRole[RoleGroupEntry](ctx, s, http.MethodDelete, roleID, "/groups", groupIDs)
}

// changeRole sends {"ids": ids} to a role's user or group list.
func changeRole[T any](ctx context.Context, s *RolesService, method string, roleID int64, suffix string, ids []int64) (*Page[T], error) {
	if err := firstError(checkID("roleId", roleID), checkIDs("ids", ids)); err != nil {
		return nil, err
	}
	return doJSON[Page[T]](ctx, s.client, &apiCall{method: method, path: idPath(rolesPath, roleID, suffix), jsonBody: idsRequest{IDs: ids}})
}
