package dracoon

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// RoomsService holds what only rooms have: creation and configuration,
// encryption, permissions of users and groups, pending group assignments,
// policies and webhook assignments. Browsing, copying, moving and deleting
// rooms is done with NodesService, as for folders and files.
type RoomsService service

// roomsPath is the common prefix of the room endpoints.
const roomsPath = nodesPath + "/rooms"

// CreateRoomRequest describes a new room. ParentID 0 creates a top-level
// room, which needs the ROOM_MANAGER role; a sub-room needs the manage
// permission in its parent. It replaces the Python client's make_room.
type CreateRoomRequest struct {
	Name     string `json:"name"`
	ParentID int64  `json:"parentId,omitempty"`
	// RecycleBinRetentionPeriod is 0 to 9999 days.
	RecycleBinRetentionPeriod *int `json:"recycleBinRetentionPeriod,omitempty"`
	// Quota in bytes; 0 means none.
	Quota int64 `json:"quota,omitempty"`
	// InheritPermissions defaults to false at the top level (where it
	// cannot be true) and true for sub-rooms.
	InheritPermissions *bool `json:"inheritPermissions,omitempty"`
	// AdminIDs and AdminGroupIDs become room administrators. A room that
	// does not inherit permissions needs at least one.
	AdminIDs      []int64 `json:"adminIds,omitempty"`
	AdminGroupIDs []int64 `json:"adminGroupIds,omitempty"`
	// NewGroupMemberAcceptance is GroupMemberAcceptanceAutoAllow (default)
	// or GroupMemberAcceptancePending.
	NewGroupMemberAcceptance string `json:"newGroupMemberAcceptance,omitempty"`
	Notes                    string `json:"notes,omitempty"`
	HasActivitiesLog         *bool  `json:"hasActivitiesLog,omitempty"`
	// Classification is the default for files uploaded without one: 1
	// (public) to 4 (strictly confidential); 0 leaves the server's default.
	Classification        int       `json:"classification,omitempty"`
	TimestampCreation     time.Time `json:"timestampCreation,omitzero"`
	TimestampModification time.Time `json:"timestampModification,omitzero"`
}

// Validate refuses what the server would: an invalid name, a negative
// parent id, quota or admin id, notes over 255 characters, an
// out-of-range retention period or classification, an unknown acceptance
// mode, inherited permissions at the top level, and a room that would have
// no administrator.
func (r *CreateRoomRequest) Validate() error {
	if err := checkNodeName("name", r.Name); err != nil {
		return err
	}
	if r.ParentID < 0 {
		return invalid("parentId", "must not be negative, got %d (0 creates a top-level room)", r.ParentID)
	}
	if err := checkNotes(&r.Notes); err != nil {
		return err
	}
	if err := checkRetention("recycleBinRetentionPeriod", r.RecycleBinRetentionPeriod); err != nil {
		return err
	}
	if err := checkQuota("quota", &r.Quota); err != nil {
		return err
	}
	if err := checkClassification("classification", r.Classification); err != nil {
		return err
	}
	if err := checkAcceptance("newGroupMemberAcceptance", r.NewGroupMemberAcceptance); err != nil {
		return err
	}
	if err := checkOptionalIDs("adminIds", r.AdminIDs); err != nil {
		return err
	}
	if err := checkOptionalIDs("adminGroupIds", r.AdminGroupIDs); err != nil {
		return err
	}
	inherits := r.ParentID != 0 // the server's default
	if r.InheritPermissions != nil {
		inherits = *r.InheritPermissions
	}
	hasAdmins := len(r.AdminIDs)+len(r.AdminGroupIDs) > 0
	switch {
	case r.ParentID == 0 && inherits:
		return invalid("inheritPermissions", "a top-level room cannot inherit permissions")
	case !inherits && !hasAdmins:
		return invalid("adminIds", "a room that does not inherit permissions needs at least one admin user or group")
	}
	return nil
}

// Create creates a room and returns it (POST /api/v4/nodes/rooms).
func (s *RoomsService) Create(ctx context.Context, req *CreateRoomRequest) (*Node, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPost, path: roomsPath, jsonBody: req})
}

// CreateRoom creates a room and returns it, as Rooms.Create does
// (POST /api/v4/nodes/rooms). It is kept for code written before the
// Rooms service existed.
func (s *NodesService) CreateRoom(ctx context.Context, req *CreateRoomRequest) (*Node, error) {
	return (*RoomsService)(s).Create(ctx, req)
}

// UpdateRoomRequest changes a room's name, quota, notes or timestamps.
// Nil and zero fields stay as they are. It replaces the Python client's
// make_room_update.
type UpdateRoomRequest struct {
	Name *string `json:"name,omitempty"`
	// Quota in bytes; 0 removes the quota.
	Quota                 *int64    `json:"quota,omitempty"`
	Notes                 *string   `json:"notes,omitempty"`
	TimestampCreation     time.Time `json:"timestampCreation,omitzero"`
	TimestampModification time.Time `json:"timestampModification,omitzero"`
}

// Validate refuses an invalid new name, notes over 255 characters and a
// negative quota.
func (r *UpdateRoomRequest) Validate() error {
	return firstError(checkOptionalName("name", r.Name), checkNotes(r.Notes), checkQuota("quota", r.Quota))
}

// Update changes a room and returns it
// (PUT /api/v4/nodes/rooms/{room_id}).
func (s *RoomsService) Update(ctx context.Context, roomID int64, req *UpdateRoomRequest) (*Node, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(roomsPath, roomID, ""), jsonBody: req})
}

// ConfigRoomRequest configures a room. Nil and zero fields stay as they
// are. It replaces the Python client's make_room_config.
type ConfigRoomRequest struct {
	// RecycleBinRetentionPeriod is 0 to 9999 days.
	RecycleBinRetentionPeriod *int  `json:"recycleBinRetentionPeriod,omitempty"`
	InheritPermissions        *bool `json:"inheritPermissions,omitempty"`
	// TakeOverPermissions copies the parent's permissions when inheritance
	// is switched off (sub-rooms only).
	TakeOverPermissions *bool `json:"takeOverPermissions,omitempty"`
	// AdminIDs and AdminGroupIDs can only be set while the room does not
	// inherit permissions; otherwise grant manage with GrantUsers and
	// GrantGroups.
	AdminIDs                 []int64 `json:"adminIds,omitempty"`
	AdminGroupIDs            []int64 `json:"adminGroupIds,omitempty"`
	NewGroupMemberAcceptance string  `json:"newGroupMemberAcceptance,omitempty"`
	HasActivitiesLog         *bool   `json:"hasActivitiesLog,omitempty"`
	// Classification is 1 to 4; 0 keeps the current one.
	Classification int `json:"classification,omitempty"`
}

// Validate refuses an out-of-range retention period or classification,
// an unknown acceptance mode, non-positive admin ids, and admins together
// with inherited permissions.
func (r *ConfigRoomRequest) Validate() error {
	if err := firstError(
		checkRetention("recycleBinRetentionPeriod", r.RecycleBinRetentionPeriod),
		checkClassification("classification", r.Classification),
		checkAcceptance("newGroupMemberAcceptance", r.NewGroupMemberAcceptance),
		checkOptionalIDs("adminIds", r.AdminIDs),
		checkOptionalIDs("adminGroupIds", r.AdminGroupIDs),
	); err != nil {
		return err
	}
	if r.InheritPermissions != nil && *r.InheritPermissions && len(r.AdminIDs)+len(r.AdminGroupIDs) > 0 {
		return invalid("adminIds", "admins can only be set on a room that does not inherit permissions")
	}
	return nil
}

// Configure changes a room's configuration and returns the room
// (PUT /api/v4/nodes/rooms/{room_id}/config).
func (s *RoomsService) Configure(ctx context.Context, roomID int64, req *ConfigRoomRequest) (*Node, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(roomsPath, roomID, "/config"), jsonBody: req})
}

// EncryptRoomRequest switches client-side encryption of an empty
// top-level room on or off. It replaces the Python client's
// make_encrypt_room.
type EncryptRoomRequest struct {
	IsEncrypted bool `json:"isEncrypted"`
	// UseDataSpaceRescueKey makes the system rescue key a reader of every
	// file key in the room.
	UseDataSpaceRescueKey *bool `json:"useDataSpaceRescueKey,omitempty"`
	// DataRoomRescueKey sets a room rescue key pair (its private key
	// protected by the rescue password).
	DataRoomRescueKey *crypto.UserKeyPairContainer `json:"dataRoomRescueKey,omitempty"`
}

// Validate refuses a rescue key when switching encryption off and a
// rescue key pair without its keys.
func (r *EncryptRoomRequest) Validate() error {
	if r.DataRoomRescueKey == nil {
		return nil
	}
	if !r.IsEncrypted {
		return invalid("dataRoomRescueKey", "only allowed when encrypting the room")
	}
	if r.DataRoomRescueKey.PrivateKeyContainer.PrivateKey == "" || r.DataRoomRescueKey.PublicKeyContainer.PublicKey == "" {
		return invalid("dataRoomRescueKey", "needs both the private and the public key")
	}
	return nil
}

// Encrypt switches a room's encryption on or off and returns the room
// (PUT /api/v4/nodes/rooms/{room_id}/encrypt). Only empty top-level rooms
// can change.
func (s *RoomsService) Encrypt(ctx context.Context, roomID int64, req *EncryptRoomRequest) (*Node, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(roomsPath, roomID, "/encrypt"), jsonBody: req})
}

// Validate refuses permission sets DRACOON rejects (in one place, so the
// rules are easy to change; the server's exact rules are not documented):
// a set that grants nothing (revoke instead), any permission without read,
// manage without every other permission, and restoring or purging the
// recycle bin without reading it.
func (p NodePermissions) Validate() error {
	others := p.Create || p.Change || p.Delete || p.ManageDownloadShare || p.ManageUploadShare ||
		p.ReadRecycleBin || p.RestoreRecycleBin || p.DeleteRecycleBin
	switch {
	case !p.Read && !p.Manage && !others:
		return invalid("permissions", "grants nothing; revoke the grant instead")
	case !p.Read:
		return invalid("permissions", "every permission needs read")
	case p.Manage && !(p.Create && p.Change && p.Delete && p.ManageDownloadShare && p.ManageUploadShare &&
		p.ReadRecycleBin && p.RestoreRecycleBin && p.DeleteRecycleBin):
		return invalid("permissions", "manage needs every other permission")
	case (p.RestoreRecycleBin || p.DeleteRecycleBin) && !p.ReadRecycleBin:
		return invalid("permissions", "restoring or purging the recycle bin needs readRecycleBin")
	}
	return nil
}

// Ready-made permission sets, as the web client offers them.
var (
	// PermissionsRead lets a member read and download.
	PermissionsRead = NodePermissions{Read: true}
	// PermissionsEdit lets a member read, upload, change and delete, and
	// share.
	PermissionsEdit = NodePermissions{Read: true, Create: true, Change: true, Delete: true,
		ManageDownloadShare: true, ManageUploadShare: true, ReadRecycleBin: true, RestoreRecycleBin: true}
	// PermissionsAdmin makes a member a room administrator.
	PermissionsAdmin = NodePermissions{Manage: true, Read: true, Create: true, Change: true, Delete: true,
		ManageDownloadShare: true, ManageUploadShare: true, ReadRecycleBin: true, RestoreRecycleBin: true, DeleteRecycleBin: true}
)

// RoomUser is a user with (IsGranted) or without a grant in a room.
type RoomUser struct {
	UserInfo    UserInfo         `json:"userInfo"`
	IsGranted   bool             `json:"isGranted"`
	Permissions *NodePermissions `json:"permissions,omitempty"`
	// PublicKeyContainer is the user's public key, for encrypted rooms.
	PublicKeyContainer *crypto.PublicKeyContainer `json:"publicKeyContainer,omitempty"`
}

// RoomGroup is a group with (IsGranted) or without a grant in a room.
type RoomGroup struct {
	ID                       int64            `json:"id"`
	Name                     string           `json:"name"`
	IsGranted                bool             `json:"isGranted"`
	NewGroupMemberAcceptance string           `json:"newGroupMemberAcceptance,omitempty"`
	Permissions              *NodePermissions `json:"permissions,omitempty"`
}

// ListUsers returns one page of the users granted in a room. Filters: user
// (name or e-mail contains), userId, isGranted (true, false or any; only
// room admins may ask for non-granted users), permissionsManage and
// effectivePerm (GET /api/v4/nodes/rooms/{room_id}/users).
func (s *RoomsService) ListUsers(ctx context.Context, roomID int64, opts *ListOptions) (*Page[RoomUser], error) {
	return listRoom[RoomUser](ctx, s, roomID, "/users", opts)
}

// AllUsers iterates over the users of a room (see ListUsers)
// (GET /api/v4/nodes/rooms/{room_id}/users).
func (s *RoomsService) AllUsers(ctx context.Context, roomID int64, opts *ListOptions) iter.Seq2[RoomUser, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*Page[RoomUser], error) {
		return s.ListUsers(ctx, roomID, lo)
	})
}

// ListGroups returns one page of the groups granted in a room. Filters: name,
// groupId, isGranted, permissionsManage and effectivePerm
// (GET /api/v4/nodes/rooms/{room_id}/groups).
func (s *RoomsService) ListGroups(ctx context.Context, roomID int64, opts *ListOptions) (*Page[RoomGroup], error) {
	return listRoom[RoomGroup](ctx, s, roomID, "/groups", opts)
}

// AllGroups iterates over the groups of a room (see ListGroups)
// (GET /api/v4/nodes/rooms/{room_id}/groups).
func (s *RoomsService) AllGroups(ctx context.Context, roomID int64, opts *ListOptions) iter.Seq2[RoomGroup, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*Page[RoomGroup], error) {
		return s.ListGroups(ctx, roomID, lo)
	})
}

// listRoom fetches one page of a list below a room.
func listRoom[T any](ctx context.Context, s *RoomsService, roomID int64, suffix string, opts *ListOptions) (*Page[T], error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	return doJSON[Page[T]](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(roomsPath, roomID, suffix), query: opts.values(nil)})
}

// UserGrant gives a user a permission set in a room. It replaces the
// Python client's make_permission_update.
type UserGrant struct {
	ID          int64           `json:"id"`
	Permissions NodePermissions `json:"permissions"`
}

// Validate refuses a non-positive id and a permission set the server
// rejects.
func (g *UserGrant) Validate() error {
	if err := checkID("id", g.ID); err != nil {
		return err
	}
	return g.Permissions.Validate()
}

// GroupGrant gives a group a permission set in a room.
type GroupGrant struct {
	ID          int64           `json:"id"`
	Permissions NodePermissions `json:"permissions"`
	// NewGroupMemberAcceptance is GroupMemberAcceptanceAutoAllow (default)
	// or GroupMemberAcceptancePending: whether new members of the group
	// get access at once or after a room admin accepts them.
	NewGroupMemberAcceptance string `json:"newGroupMemberAcceptance,omitempty"`
}

// Validate refuses a non-positive id, a permission set the server rejects
// and an unknown acceptance mode.
func (g *GroupGrant) Validate() error {
	if err := checkID("id", g.ID); err != nil {
		return err
	}
	if err := g.Permissions.Validate(); err != nil {
		return err
	}
	return checkAcceptance("newGroupMemberAcceptance", g.NewGroupMemberAcceptance)
}

// validateItems validates each item of a non-empty batch, naming the item
// in the error.
func validateItems[T any, P interface {
	*T
	validator
}](items []T) error {
	if len(items) == 0 {
		return invalid("items", "must not be empty")
	}
	for i := range items {
		if err := P(&items[i]).Validate(); err != nil {
			if ie, ok := err.(*InvalidRequestError); ok {
				return invalid(fmt.Sprintf("items[%d].%s", i, ie.Field), "%s", ie.Reason)
			}
			return err
		}
	}
	return nil
}

// batch is the {"items": […]} body of batch requests.
type batch[T any] struct {
	Items []T `json:"items"`
}

// idList is the {"ids": […]} body of revocations.
type idList struct {
	IDs []int64 `json:"ids"`
}

// GrantUsers grants or changes users' permissions in a room; each user's
// previous permissions are replaced (PUT /api/v4/nodes/rooms/{room_id}/users).
func (s *RoomsService) GrantUsers(ctx context.Context, roomID int64, grants []UserGrant) error {
	if err := checkID("room_id", roomID); err != nil {
		return err
	}
	if err := validateItems(grants); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: idPath(roomsPath, roomID, "/users"), jsonBody: batch[UserGrant]{grants}}, nil)
}

// RevokeUsers removes users' grants from a room
// (DELETE /api/v4/nodes/rooms/{room_id}/users).
func (s *RoomsService) RevokeUsers(ctx context.Context, roomID int64, userIDs []int64) error {
	if err := checkID("room_id", roomID); err != nil {
		return err
	}
	if err := checkIDs("ids", userIDs); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(roomsPath, roomID, "/users"), jsonBody: idList{userIDs}}, nil)
}

// GrantGroups grants or changes groups' permissions in a room
// (PUT /api/v4/nodes/rooms/{room_id}/groups).
func (s *RoomsService) GrantGroups(ctx context.Context, roomID int64, grants []GroupGrant) error {
	if err := checkID("room_id", roomID); err != nil {
		return err
	}
	if err := validateItems(grants); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: idPath(roomsPath, roomID, "/groups"), jsonBody: batch[GroupGrant]{grants}}, nil)
}

// RevokeGroups removes groups' grants from a room
// (DELETE /api/v4/nodes/rooms/{room_id}/groups).
func (s *RoomsService) RevokeGroups(ctx context.Context, roomID int64, groupIDs []int64) error {
	if err := checkID("room_id", roomID); err != nil {
		return err
	}
	if err := checkIDs("ids", groupIDs); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(roomsPath, roomID, "/groups"), jsonBody: idList{groupIDs}}, nil)
}

// States of a pending group assignment.
const (
	PendingWaiting  = "WAITING"
	PendingAccepted = "ACCEPTED"
	PendingDenied   = "DENIED"
)

// PendingAssignment is a user who joined a group that is granted in a room
// with GroupMemberAcceptancePending, waiting for a room admin.
type PendingAssignment struct {
	RoomID    int64    `json:"roomId"`
	RoomName  string   `json:"roomName"`
	State     string   `json:"state"` // PendingWaiting, PendingAccepted or PendingDenied
	UserInfo  UserInfo `json:"userInfo"`
	GroupInfo struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"groupInfo"`
}

// pendingPath is the endpoint of pending assignments.
const pendingPath = roomsPath + "/pending"

// ListPending returns one page of the pending group assignments in the rooms
// the caller administers. Filters: roomId, userId, groupId, state
// (GET /api/v4/nodes/rooms/pending).
func (s *RoomsService) ListPending(ctx context.Context, opts *ListOptions) (*Page[PendingAssignment], error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	return doJSON[Page[PendingAssignment]](ctx, s.client, &apiCall{method: http.MethodGet, path: pendingPath, query: opts.values(nil)})
}

// AllPending iterates over the pending group assignments (see ListPending)
// (GET /api/v4/nodes/rooms/pending).
func (s *RoomsService) AllPending(ctx context.Context, opts *ListOptions) iter.Seq2[PendingAssignment, error] {
	return all(ctx, opts, s.ListPending)
}

// PendingDecision accepts or denies one pending assignment. Decision
// builds one from a listed assignment.
type PendingDecision struct {
	UserID   int64  `json:"userId"`
	GroupID  int64  `json:"groupId"`
	RoomID   int64  `json:"roomId"`
	RoomName string `json:"roomName"`
	// State is PendingAccepted or PendingDenied.
	State string `json:"state"`
}

// Decision returns the decision state (PendingAccepted or PendingDenied)
// for the assignment a.
func (a *PendingAssignment) Decision(state string) PendingDecision {
	return PendingDecision{UserID: a.UserInfo.ID, GroupID: a.GroupInfo.ID, RoomID: a.RoomID, RoomName: a.RoomName, State: state}
}

// Validate refuses non-positive ids, an empty room name (the document
// requires it) and a state other than accepted or denied.
func (d *PendingDecision) Validate() error {
	if err := checkID("userId", d.UserID); err != nil {
		return err
	}
	if err := checkID("groupId", d.GroupID); err != nil {
		return err
	}
	if err := checkID("roomId", d.RoomID); err != nil {
		return err
	}
	if d.RoomName == "" {
		return invalid("roomName", "must not be empty")
	}
	if d.State != PendingAccepted && d.State != PendingDenied {
		return invalid("state", "must be ACCEPTED or DENIED, got %q", d.State)
	}
	return nil
}

// DecidePending accepts or denies pending assignments
// (PUT /api/v4/nodes/rooms/pending).
func (s *RoomsService) DecidePending(ctx context.Context, decisions []PendingDecision) error {
	if err := validateItems(decisions); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: pendingPath, jsonBody: batch[PendingDecision]{decisions}}, nil)
}

// RoomPolicies are a room's policies.
type RoomPolicies struct {
	// DefaultExpirationPeriod is the expiry, in seconds, given to new
	// files; 0 means none.
	DefaultExpirationPeriod  int64 `json:"defaultExpirationPeriod"`
	IsVirusProtectionEnabled bool  `json:"isVirusProtectionEnabled"`
}

// RoomPoliciesRequest changes a room's policies; nil fields stay as they
// are.
type RoomPoliciesRequest struct {
	// DefaultExpirationPeriod in seconds; 0 removes it.
	DefaultExpirationPeriod *int64 `json:"defaultExpirationPeriod,omitempty"`
	// VirusProtectionEnabled is sent without the "is" prefix, as the
	// server expects in requests.
	VirusProtectionEnabled *bool `json:"virusProtectionEnabled,omitempty"`
}

// Validate refuses a negative expiration period and a request that
// changes nothing.
func (r *RoomPoliciesRequest) Validate() error {
	if r.DefaultExpirationPeriod == nil && r.VirusProtectionEnabled == nil {
		return invalid("defaultExpirationPeriod", "nothing to change")
	}
	if r.DefaultExpirationPeriod != nil && *r.DefaultExpirationPeriod < 0 {
		return invalid("defaultExpirationPeriod", "must not be negative, got %d", *r.DefaultExpirationPeriod)
	}
	return nil
}

// Policies returns a room's policies
// (GET /api/v4/nodes/rooms/{room_id}/policies; newer than the API 4.26.7
// document).
func (s *RoomsService) Policies(ctx context.Context, roomID int64) (*RoomPolicies, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	return doJSON[RoomPolicies](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(roomsPath, roomID, "/policies")})
}

// SetPolicies changes a room's policies
// (PUT /api/v4/nodes/rooms/{room_id}/policies; newer than the API 4.26.7
// document).
func (s *RoomsService) SetPolicies(ctx context.Context, roomID int64, req *RoomPoliciesRequest) error {
	if err := checkID("room_id", roomID); err != nil {
		return err
	}
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: idPath(roomsPath, roomID, "/policies"), jsonBody: req}, nil)
}

// RoomWebhook is a customer webhook and whether it is assigned to a room.
type RoomWebhook struct {
	IsAssigned bool    `json:"isAssigned"`
	Webhook    Webhook `json:"webhook"`
}

// WebhookAssignment assigns (IsAssigned true) or unassigns a webhook.
type WebhookAssignment struct {
	WebhookID  int64 `json:"webhookId"`
	IsAssigned bool  `json:"isAssigned"`
}

// Validate refuses a non-positive webhook id.
func (a *WebhookAssignment) Validate() error { return checkID("webhookId", a.WebhookID) }

// ListWebhooks returns one page of the webhooks that are or can be assigned to
// a room. Filter: isAssigned
// (GET /api/v4/nodes/rooms/{room_id}/webhooks).
func (s *RoomsService) ListWebhooks(ctx context.Context, roomID int64, opts *ListOptions) (*Page[RoomWebhook], error) {
	return listRoom[RoomWebhook](ctx, s, roomID, "/webhooks", opts)
}

// AllWebhooks iterates over a room's webhooks (see ListWebhooks)
// (GET /api/v4/nodes/rooms/{room_id}/webhooks).
func (s *RoomsService) AllWebhooks(ctx context.Context, roomID int64, opts *ListOptions) iter.Seq2[RoomWebhook, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*Page[RoomWebhook], error) {
		return s.ListWebhooks(ctx, roomID, lo)
	})
}

// AssignWebhooks assigns or unassigns webhooks and returns the room's
// webhook list (PUT /api/v4/nodes/rooms/{room_id}/webhooks).
func (s *RoomsService) AssignWebhooks(ctx context.Context, roomID int64, assignments []WebhookAssignment) (*Page[RoomWebhook], error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	if err := validateItems(assignments); err != nil {
		return nil, err
	}
	return doJSON[Page[RoomWebhook]](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(roomsPath, roomID, "/webhooks"),
		jsonBody: batch[WebhookAssignment]{assignments}})
}
