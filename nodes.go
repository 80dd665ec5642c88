package dracoon

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// NodesService holds rooms, folders and files.
type NodesService service

// Node types.
const (
	NodeTypeRoom   = "room"
	NodeTypeFolder = "folder"
	NodeTypeFile   = "file"
)

// Node is a room, folder or file.
type Node struct {
	ID                        int64            `json:"id"`
	Type                      string           `json:"type"` // room, folder or file
	Name                      string           `json:"name"`
	ParentID                  int64            `json:"parentId,omitempty"`
	ParentPath                string           `json:"parentPath,omitempty"`
	TimestampCreation         time.Time        `json:"timestampCreation,omitzero"`
	TimestampModification     time.Time        `json:"timestampModification,omitzero"`
	CreatedAt                 time.Time        `json:"createdAt,omitzero"`
	CreatedBy                 *UserInfo        `json:"createdBy,omitempty"`
	UpdatedAt                 time.Time        `json:"updatedAt,omitzero"`
	UpdatedBy                 *UserInfo        `json:"updatedBy,omitempty"`
	ExpireAt                  time.Time        `json:"expireAt,omitzero"`
	Hash                      string           `json:"hash,omitempty"`
	FileType                  string           `json:"fileType,omitempty"`
	MediaType                 string           `json:"mediaType,omitempty"`
	Size                      int64            `json:"size"`
	Classification            int              `json:"classification,omitempty"`
	Notes                     string           `json:"notes,omitempty"`
	Permissions               *NodePermissions `json:"permissions,omitempty"`
	InheritPermissions        bool             `json:"inheritPermissions"`
	IsEncrypted               bool             `json:"isEncrypted"`
	EncryptionInfo            *EncryptionInfo  `json:"encryptionInfo,omitempty"`
	CntDeletedVersions        int              `json:"cntDeletedVersions"`
	CntComments               int              `json:"cntComments"`
	CntDownloadShares         int              `json:"cntDownloadShares"`
	CntUploadShares           int              `json:"cntUploadShares"`
	RecycleBinRetentionPeriod int              `json:"recycleBinRetentionPeriod,omitempty"`
	HasActivitiesLog          bool             `json:"hasActivitiesLog"`
	Quota                     int64            `json:"quota,omitempty"`
	IsFavorite                bool             `json:"isFavorite"`
	BranchVersion             int64            `json:"branchVersion,omitempty"`
	MediaToken                string           `json:"mediaToken,omitempty"`
	IsBrowsable               bool             `json:"isBrowsable"`
	CntRooms                  int              `json:"cntRooms"`
	CntFolders                int              `json:"cntFolders"`
	CntFiles                  int              `json:"cntFiles"`
	AuthParentID              int64            `json:"authParentId,omitempty"`
}

// NodePermissions are the caller's effective permissions on a node.
type NodePermissions struct {
	Manage              bool `json:"manage"`
	Read                bool `json:"read"`
	Create              bool `json:"create"`
	Change              bool `json:"change"`
	Delete              bool `json:"delete"`
	ManageDownloadShare bool `json:"manageDownloadShare"`
	ManageUploadShare   bool `json:"manageUploadShare"`
	ReadRecycleBin      bool `json:"readRecycleBin"`
	RestoreRecycleBin   bool `json:"restoreRecycleBin"`
	DeleteRecycleBin    bool `json:"deleteRecycleBin"`
}

// EncryptionInfo says which keys exist for an encrypted node: each state is
// none, available or pending.
type EncryptionInfo struct {
	UserKeyState      string `json:"userKeyState"`
	RoomKeyState      string `json:"roomKeyState"`
	DataSpaceKeyState string `json:"dataSpaceKeyState"`
}

// NodeList is one page of nodes.
type NodeList = Page[Node]

// ListNodesOptions select and order the children listed by List and All.
// Filter fields include type, name, encrypted and branchVersion; sort
// fields include name, createdAt, updatedAt, size and fileType. Rooms come
// before folders before files whatever the sort.
type ListNodesOptions struct {
	ListOptions
	// DepthLevel 0 lists direct children only (the default), n adds n more
	// levels, -1 lists the whole subtree.
	DepthLevel int
	// RoomManager lists every top-level room of the tenant, for room
	// managers, instead of only the caller's.
	RoomManager bool
}

// CreateRoomRequest describes a new room. ParentID 0 creates a top-level
// room, which needs the ROOM_MANAGER role; a sub-room needs the manage
// permission in its parent.
type CreateRoomRequest struct {
	Name                      string    `json:"name"`
	ParentID                  int64     `json:"parentId,omitempty"`
	RecycleBinRetentionPeriod *int      `json:"recycleBinRetentionPeriod,omitempty"`
	Quota                     int64     `json:"quota,omitempty"`
	InheritPermissions        *bool     `json:"inheritPermissions,omitempty"`
	AdminIDs                  []int64   `json:"adminIds,omitempty"`
	AdminGroupIDs             []int64   `json:"adminGroupIds,omitempty"`
	NewGroupMemberAcceptance  string    `json:"newGroupMemberAcceptance,omitempty"` // autoallow or pending
	Notes                     string    `json:"notes,omitempty"`
	HasActivitiesLog          *bool     `json:"hasActivitiesLog,omitempty"`
	Classification            int       `json:"classification,omitempty"`
	TimestampCreation         time.Time `json:"timestampCreation,omitzero"`
	TimestampModification     time.Time `json:"timestampModification,omitzero"`
}

// List returns one page of the children of parentID; parentID 0 lists the
// top-level rooms (GET /api/v4/nodes).
func (s *NodesService) List(ctx context.Context, parentID int64, opts *ListNodesOptions) (*NodeList, error) {
	q := url.Values{"parent_id": {strconv.FormatInt(parentID, 10)}}
	if opts != nil {
		q = opts.values(q)
		if opts.DepthLevel != 0 {
			q.Set("depth_level", strconv.Itoa(opts.DepthLevel))
		}
		if opts.RoomManager {
			q.Set("room_manager", "true")
		}
	}
	return doJSON[NodeList](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/nodes", query: q})
}

// All iterates over every child of parentID, fetching pages as the loop
// needs them.
func (s *NodesService) All(ctx context.Context, parentID int64, opts *ListNodesOptions) iter.Seq2[Node, error] {
	var o ListNodesOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, &o.ListOptions, func(ctx context.Context, lo *ListOptions) (*Page[Node], error) {
		page := o
		page.ListOptions = *lo
		return s.List(ctx, parentID, &page)
	})
}

// Get returns one node (GET /api/v4/nodes/{node_id}).
func (s *NodesService) Get(ctx context.Context, id int64) (*Node, error) {
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/nodes/" + strconv.FormatInt(id, 10)})
}

// CreateRoom creates a room (POST /api/v4/nodes/rooms) and returns it.
func (s *NodesService) CreateRoom(ctx context.Context, req *CreateRoomRequest) (*Node, error) {
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPost, path: "/api/v4/nodes/rooms", jsonBody: req})
}
