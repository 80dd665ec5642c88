package dracoon

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// GroupsService administers user groups. It needs the GROUP_MANAGER role.
type GroupsService service

// Group is a user group.
type Group struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	CntUsers   int       `json:"cntUsers"`
	CreatedAt  time.Time `json:"createdAt,omitzero"`
	CreatedBy  *UserInfo `json:"createdBy,omitempty"`
	UpdatedAt  time.Time `json:"updatedAt,omitzero"`
	UpdatedBy  *UserInfo `json:"updatedBy,omitempty"`
	ExpireAt   time.Time `json:"expireAt,omitzero"`
	GroupRoles *RoleList `json:"groupRoles,omitempty"`
}

// GroupList is one page of groups.
type GroupList = Page[Group]

// GroupUser is a user in a group's member list.
type GroupUser struct {
	UserInfo UserInfo `json:"userInfo"`
	// IsMember is false for candidates listed with isMember:eq:false.
	IsMember bool `json:"isMember"`
}

// GroupUserList is one page of a group's users.
type GroupUserList = Page[GroupUser]

// CreateGroupRequest describes a new group.
type CreateGroupRequest struct {
	Name       string      `json:"name"`
	Expiration *Expiration `json:"expiration,omitempty"`
}

// Validate refuses an empty name and an expiry in the past.
func (r *CreateGroupRequest) Validate() error {
	return firstError(checkNotBlank("name", r.Name), checkExpiration("expiration", r.Expiration))
}

// UpdateGroupRequest renames a group or changes its expiry. Nil fields stay
// as they are.
type UpdateGroupRequest struct {
	Name       *string     `json:"name,omitempty"`
	Expiration *Expiration `json:"expiration,omitempty"`
}

// Validate refuses a name that is set but empty and an expiry in the past.
func (r *UpdateGroupRequest) Validate() error {
	var err error
	if r.Name != nil {
		err = checkNotBlank("name", *r.Name)
	}
	return firstError(err, checkExpiration("expiration", r.Expiration))
}

// idsRequest is the {"ids": […]} body of the member and role endpoints.
type idsRequest struct {
	IDs []int64 `json:"ids"`
}

// groupsPath is the common prefix of the group endpoints.
const groupsPath = "/api/v4/groups"

// List returns one page of groups (GET /api/v4/groups). Filter: name with
// cn, hasRole with eq; sort: name, createdAt, expireAt, cntUsers.
func (s *GroupsService) List(ctx context.Context, opts *ListOptions) (*GroupList, error) {
	return doJSON[GroupList](ctx, s.client, &apiCall{method: http.MethodGet, path: groupsPath, query: opts.values(nil)})
}

// All iterates over every group, fetching pages as the loop needs them.
func (s *GroupsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Group, error] {
	return all(ctx, opts, s.List)
}

// Get returns one group (GET /api/v4/groups/{group_id}).
func (s *GroupsService) Get(ctx context.Context, id int64) (*Group, error) {
	if err := checkID("groupId", id); err != nil {
		return nil, err
	}
	return doJSON[Group](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(groupsPath, id, "")})
}

// Create creates a group (POST /api/v4/groups) and returns it.
func (s *GroupsService) Create(ctx context.Context, req *CreateGroupRequest) (*Group, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[Group](ctx, s.client, &apiCall{method: http.MethodPost, path: groupsPath, jsonBody: req})
}

// Update changes a group (PUT /api/v4/groups/{group_id}) and returns it.
func (s *GroupsService) Update(ctx context.Context, id int64, req *UpdateGroupRequest) (*Group, error) {
	if err := firstError(checkID("groupId", id), validate(req)); err != nil {
		return nil, err
	}
	return doJSON[Group](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(groupsPath, id, ""), jsonBody: req})
}

// Delete deletes a group (DELETE /api/v4/groups/{group_id}). DRACOON
// refuses while the group is the last admin group of a room; see
// LastAdminRooms.
func (s *GroupsService) Delete(ctx context.Context, id int64) error {
	if err := checkID("groupId", id); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(groupsPath, id, "")}, nil)
}

// ListUsers returns one page of a group's members
// (GET /api/v4/groups/{group_id}/users). The filter isMember:eq:false
// lists users who could be added instead, isMember:eq:any both. This list
// takes no sort.
func (s *GroupsService) ListUsers(ctx context.Context, id int64, opts *ListOptions) (*GroupUserList, error) {
	if err := checkID("groupId", id); err != nil {
		return nil, err
	}
	return doJSON[GroupUserList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(groupsPath, id, "/users"), query: opts.values(nil)})
}

// AllUsers iterates over every user ListUsers selects.
func (s *GroupsService) AllUsers(ctx context.Context, id int64, opts *ListOptions) iter.Seq2[GroupUser, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*GroupUserList, error) {
		return s.ListUsers(ctx, id, lo)
	})
}

// AddUsers makes users members of a group
// (POST /api/v4/groups/{group_id}/users) and returns the group.
func (s *GroupsService) AddUsers(ctx context.Context, id int64, userIDs []int64) (*Group, error) {
	return s.changeMembers(ctx, http.MethodPost, id, userIDs)
}

// RemoveUsers removes members from a group
// (DELETE /api/v4/groups/{group_id}/users) and returns the group.
func (s *GroupsService) RemoveUsers(ctx context.Context, id int64, userIDs []int64) (*Group, error) {
	return s.changeMembers(ctx, http.MethodDelete, id, userIDs)
}

// changeMembers sends {"ids": userIDs} to the group's member list.
func (s *GroupsService) changeMembers(ctx context.Context, method string, id int64, userIDs []int64) (*Group, error) {
	if err := firstError(checkID("groupId", id), checkIDs("ids", userIDs)); err != nil {
		return nil, err
	}
	return doJSON[Group](ctx, s.client, &apiCall{method: method, path: idPath(groupsPath, id, "/users"), jsonBody: idsRequest{IDs: userIDs}})
}

// Roles returns the roles of a group (GET /api/v4/groups/{group_id}/roles).
func (s *GroupsService) Roles(ctx context.Context, id int64) (*RoleList, error) {
	if err := checkID("groupId", id); err != nil {
		return nil, err
	}
	return doJSON[RoleList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(groupsPath, id, "/roles")})
}

// LastAdminRooms returns the rooms in which the group is the last admin
// group (GET /api/v4/groups/{group_id}/last_admin_rooms).
func (s *GroupsService) LastAdminRooms(ctx context.Context, id int64) ([]LastAdminRoom, error) {
	if err := checkID("groupId", id); err != nil {
		return nil, err
	}
	l, err := doJSON[lastAdminRoomList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(groupsPath, id, "/last_admin_rooms")})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// ListRooms returns one page of the rooms granted to a group
// (GET /api/v4/groups/{group_id}/rooms). Filter: isGranted (true, false or
// any), effectivePerm. This list takes no sort.
//
// Deprecated: DRACOON deprecated this endpoint; list a room's groups with
// the nodes API instead.
func (s *GroupsService) ListRooms(ctx context.Context, id int64, opts *ListOptions) (*GrantedRoomList, error) {
	if err := checkID("groupId", id); err != nil {
		return nil, err
	}
	return doJSON[GrantedRoomList](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(groupsPath, id, "/rooms"), query: opts.values(nil)})
}

// AllRooms iterates over every room ListRooms selects.
//
// Deprecated: see ListRooms.
func (s *GroupsService) AllRooms(ctx context.Context, id int64, opts *ListOptions) iter.Seq2[GrantedRoom, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*GrantedRoomList, error) {
		return s.ListRooms(ctx, id, lo)
	})
}
