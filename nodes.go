package dracoon

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	// ReferenceID is shared by all versions of a file (newer servers).
	ReferenceID int64 `json:"referenceId,omitempty"`
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

// values adds the options to a query.
func (o *ListNodesOptions) values(q url.Values) url.Values {
	if o == nil {
		return q
	}
	q = o.ListOptions.values(q)
	if o.DepthLevel != 0 {
		q.Set("depth_level", strconv.Itoa(o.DepthLevel))
	}
	if o.RoomManager {
		q.Set("room_manager", "true")
	}
	return q
}

// Validate refuses a depth level below -1 and a negative offset or limit.
func (o *ListNodesOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.DepthLevel < -1 {
		return invalid("depth_level", "must be -1 (whole tree) or more, got %d", o.DepthLevel)
	}
	return o.ListOptions.check()
}

// check refuses a negative offset or limit.
func (o *ListOptions) check() error {
	if o == nil {
		return nil
	}
	if o.Offset < 0 {
		return invalid("offset", "must not be negative, got %d", o.Offset)
	}
	if o.Limit < 0 {
		return invalid("limit", "must not be negative, got %d", o.Limit)
	}
	return nil
}

// idPath returns prefix + "/" + id + suffix, for example
// idPath("/api/v4/nodes", 7, "/parents").
func idPath(prefix string, id int64, suffix string) string {
	return prefix + "/" + strconv.FormatInt(id, 10) + suffix
}

// nodesPath is the common prefix of the node endpoints.
const nodesPath = "/api/v4/nodes"

// List returns one page of the children of parentID; parentID 0 lists the
// top-level rooms (GET /api/v4/nodes).
func (s *NodesService) List(ctx context.Context, parentID int64, opts *ListNodesOptions) (*NodeList, error) {
	if parentID < 0 {
		return nil, invalid("parent_id", "must not be negative, got %d", parentID)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	q := opts.values(url.Values{"parent_id": {strconv.FormatInt(parentID, 10)}})
	return doJSON[NodeList](ctx, s.client, &apiCall{method: http.MethodGet, path: nodesPath, query: q})
}

// All iterates over every child of parentID, fetching pages as the loop
// needs them (GET /api/v4/nodes).
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
	if err := checkID("node_id", id); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(nodesPath, id, "")})
}

// NodeParent is one ancestor of a node.
type NodeParent struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	ParentID int64  `json:"parentId,omitempty"`
}

// Parents returns the ancestors of a node as the server lists them
// (GET /api/v4/nodes/{node_id}/parents).
func (s *NodesService) Parents(ctx context.Context, id int64) ([]NodeParent, error) {
	if err := checkID("node_id", id); err != nil {
		return nil, err
	}
	list, err := doJSON[struct {
		Items []NodeParent `json:"items"`
	}](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(nodesPath, id, "/parents")})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}

// SearchOptions select the nodes Search and SearchAll return. Filter
// fields include type, fileType, classification, createdBy, createdAt,
// updatedAt, expireAt, size, isFavorite, branchVersion, parentPath and
// referenceId; sort fields include name, createdAt, updatedAt, size, type
// and parentPath.
type SearchOptions struct {
	ListOptions
	// Query is matched against node names; '*' is the wildcard. An empty
	// Query searches for "*" (every node).
	Query string
	// ParentID limits the search to the subtree of that node; 0 is the
	// root.
	ParentID int64
	// DepthLevel 0 searches the direct children of ParentID (the default),
	// n adds n more levels, -1 searches the whole subtree.
	DepthLevel int
}

// Validate refuses a negative parent id or offset or limit and a depth
// level below -1.
func (o *SearchOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.ParentID < 0 {
		return invalid("parent_id", "must not be negative, got %d", o.ParentID)
	}
	if o.DepthLevel < -1 {
		return invalid("depth_level", "must be -1 (whole tree) or more, got %d", o.DepthLevel)
	}
	return o.ListOptions.check()
}

// query encodes the options.
func (o *SearchOptions) query() url.Values {
	var so SearchOptions
	if o != nil {
		so = *o
	}
	if so.Query == "" {
		so.Query = "*"
	}
	q := so.ListOptions.values(url.Values{"search_string": {so.Query}})
	if so.ParentID != 0 {
		q.Set("parent_id", strconv.FormatInt(so.ParentID, 10))
	}
	if so.DepthLevel != 0 {
		q.Set("depth_level", strconv.Itoa(so.DepthLevel))
	}
	return q
}

// Search returns one page of the nodes matching opts, as a flat list
// (GET /api/v4/nodes/search).
func (s *NodesService) Search(ctx context.Context, opts *SearchOptions) (*NodeList, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return doJSON[NodeList](ctx, s.client, &apiCall{method: http.MethodGet, path: nodesPath + "/search", query: opts.query()})
}

// SearchAll iterates over every node matching opts
// (GET /api/v4/nodes/search).
func (s *NodesService) SearchAll(ctx context.Context, opts *SearchOptions) iter.Seq2[Node, error] {
	var o SearchOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, &o.ListOptions, func(ctx context.Context, lo *ListOptions) (*Page[Node], error) {
		page := o
		page.ListOptions = *lo
		return s.Search(ctx, &page)
	})
}

// favoritesSearch turns list options into the search that lists the
// caller's favorites: every node of the tree with isFavorite:eq:true, and
// the caller's own filter on top.
func favoritesSearch(opts *ListOptions) *SearchOptions {
	so := &SearchOptions{Query: "*", DepthLevel: -1}
	if opts != nil {
		so.ListOptions = *opts
	}
	so.Filter = joinFilters("isFavorite:eq:true", so.Filter)
	return so
}

// joinFilters joins filter expressions with "|" (all must hold), leaving
// out empty ones.
func joinFilters(filters ...string) string {
	var parts []string
	for _, f := range filters {
		if f != "" {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, "|")
}

// ListFavorites returns one page of the caller's favorite nodes; DRACOON
// lists them through the search endpoint with the filter isFavorite:eq:true
// (GET /api/v4/nodes/search).
func (s *NodesService) ListFavorites(ctx context.Context, opts *ListOptions) (*NodeList, error) {
	return s.Search(ctx, favoritesSearch(opts))
}

// AllFavorites iterates over the caller's favorite nodes
// (GET /api/v4/nodes/search).
func (s *NodesService) AllFavorites(ctx context.Context, opts *ListOptions) iter.Seq2[Node, error] {
	return s.SearchAll(ctx, favoritesSearch(opts))
}

// MarkFavorite marks a node as a favorite of the caller and returns it
// (POST /api/v4/nodes/{node_id}/favorite).
func (s *NodesService) MarkFavorite(ctx context.Context, id int64) (*Node, error) {
	if err := checkID("node_id", id); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPost, path: idPath(nodesPath, id, "/favorite"), idempotent: true})
}

// UnmarkFavorite removes a node from the caller's favorites
// (DELETE /api/v4/nodes/{node_id}/favorite).
func (s *NodesService) UnmarkFavorite(ctx context.Context, id int64) error {
	if err := checkID("node_id", id); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(nodesPath, id, "/favorite")}, nil)
}

// SetFavorites marks (favorite true) or unmarks several nodes at once
// (PUT /api/v4/nodes/favorites).
func (s *NodesService) SetFavorites(ctx context.Context, ids []int64, favorite bool) error {
	if err := checkIDs("objectIds", ids); err != nil {
		return err
	}
	body := struct {
		IsFavorite bool    `json:"isFavorite"`
		ObjectIDs  []int64 `json:"objectIds"`
	}{favorite, ids}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: nodesPath + "/favorites", jsonBody: body}, nil)
}

// Delete deletes a node: files and folders go to the recycle bin, rooms
// are removed with everything in them (DELETE /api/v4/nodes/{node_id}).
func (s *NodesService) Delete(ctx context.Context, id int64) error {
	if err := checkID("node_id", id); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(nodesPath, id, "")}, nil)
}

// DeleteMany deletes several nodes of the same parent
// (DELETE /api/v4/nodes).
func (s *NodesService) DeleteMany(ctx context.Context, ids []int64) error {
	if err := checkIDs("nodeIds", ids); err != nil {
		return err
	}
	body := struct {
		NodeIDs []int64 `json:"nodeIds"`
	}{ids}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: nodesPath, jsonBody: body}, nil)
}

// TransferItem is one node to copy or move, optionally under a new name
// and with new timestamps.
type TransferItem struct {
	ID                    int64     `json:"id"`
	Name                  string    `json:"name,omitempty"`
	TimestampCreation     time.Time `json:"timestampCreation,omitzero"`
	TimestampModification time.Time `json:"timestampModification,omitzero"`
}

// TransferRequest lists the nodes to copy or move (all of the same parent)
// and says what happens on a name clash in the target. It replaces the
// Python client's make_node_transfer and make_node_item.
type TransferRequest struct {
	Items []TransferItem `json:"items"`
	// ResolutionStrategy is ResolutionAutorename (the server's default),
	// ResolutionOverwrite or ResolutionFail. With ResolutionFail a clash
	// ends in an *APIError that matches ErrConflict and lists the clashing
	// nodes in ConflictNodes.
	ResolutionStrategy string `json:"resolutionStrategy,omitempty"`
	// KeepShareLinks keeps the download shares of overwritten files.
	KeepShareLinks bool `json:"keepShareLinks,omitempty"`
}

// Validate refuses an empty item list, an id that is not positive, an
// invalid new name and an unknown resolution strategy.
func (r *TransferRequest) Validate() error {
	if len(r.Items) == 0 {
		return invalid("items", "must not be empty")
	}
	for i, it := range r.Items {
		if err := checkID(fmt.Sprintf("items[%d].id", i), it.ID); err != nil {
			return err
		}
		if it.Name != "" {
			if err := checkNodeName(fmt.Sprintf("items[%d].name", i), it.Name); err != nil {
				return err
			}
		}
	}
	return checkResolution("resolutionStrategy", r.ResolutionStrategy)
}

// NewTransferRequest returns a request for the nodes ids with the given
// resolution strategy ("" for the server's default).
func NewTransferRequest(resolution string, ids ...int64) *TransferRequest {
	r := &TransferRequest{ResolutionStrategy: resolution, Items: make([]TransferItem, len(ids))}
	for i, id := range ids {
		r.Items[i].ID = id
	}
	return r
}

// ConflictNode is a node that clashed with an existing one in a copy, move
// or restore under ResolutionFail. *APIError.ConflictNodes carries them.
type ConflictNode struct {
	// NodeID is the id of the source node that could not be placed.
	NodeID int64 `json:"nodeId"`
	// Name is its name.
	Name string `json:"name"`
	// ErrorCode and ErrorMessage say why (for example -41001, "Node
	// exists already").
	ErrorCode    int    `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

// transfer sends a copy_to or move_to request.
func (s *NodesService) transfer(ctx context.Context, op string, targetID int64, req *TransferRequest) error {
	if err := checkID("node_id", targetID); err != nil {
		return err
	}
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: idPath(nodesPath, targetID, "/"+op), jsonBody: req}, nil)
}

// CopyTo copies the nodes of req into the room or folder targetID
// (POST /api/v4/nodes/{node_id}/copy_to).
//
// On a name clash under ResolutionFail the error matches ErrConflict and
// errors.As gives an *APIError whose ConflictNodes lists the clashes.
func (s *NodesService) CopyTo(ctx context.Context, targetID int64, req *TransferRequest) error {
	return s.transfer(ctx, "copy_to", targetID, req)
}

// MoveTo moves the nodes of req into the room or folder targetID
// (POST /api/v4/nodes/{node_id}/move_to). Conflicts are reported as for
// CopyTo.
func (s *NodesService) MoveTo(ctx context.Context, targetID int64, req *TransferRequest) error {
	return s.transfer(ctx, "move_to", targetID, req)
}

// CreateFolderRequest describes a new folder in a room or folder. It
// replaces the Python client's make_folder.
type CreateFolderRequest struct {
	ParentID              int64     `json:"parentId"`
	Name                  string    `json:"name"`
	Notes                 string    `json:"notes,omitempty"`
	TimestampCreation     time.Time `json:"timestampCreation,omitzero"`
	TimestampModification time.Time `json:"timestampModification,omitzero"`
}

// Validate refuses a parent id that is not positive, an invalid name and
// notes over 255 characters.
func (r *CreateFolderRequest) Validate() error {
	return firstError(checkID("parentId", r.ParentID), checkNodeName("name", r.Name), checkNotes(&r.Notes))
}

// CreateFolder creates a folder and returns it (POST /api/v4/nodes/folders).
func (s *NodesService) CreateFolder(ctx context.Context, req *CreateFolderRequest) (*Node, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPost, path: nodesPath + "/folders", jsonBody: req})
}

// UpdateFolderRequest changes a folder. Nil and zero fields stay as they
// are. It replaces the Python client's make_folder_update.
type UpdateFolderRequest struct {
	Name                  *string   `json:"name,omitempty"`
	Notes                 *string   `json:"notes,omitempty"`
	TimestampCreation     time.Time `json:"timestampCreation,omitzero"`
	TimestampModification time.Time `json:"timestampModification,omitzero"`
}

// Validate refuses an invalid new name and notes over 255 characters.
func (r *UpdateFolderRequest) Validate() error {
	return firstError(checkOptionalName("name", r.Name), checkNotes(r.Notes))
}

// UpdateFolder changes a folder and returns it
// (PUT /api/v4/nodes/folders/{folder_id}).
func (s *NodesService) UpdateFolder(ctx context.Context, id int64, req *UpdateFolderRequest) (*Node, error) {
	if err := checkID("folder_id", id); err != nil {
		return nil, err
	}
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(nodesPath+"/folders", id, ""), jsonBody: req})
}

// UpdateFileRequest changes a file's metadata. Nil and zero fields stay as
// they are. It replaces the Python client's make_file_update.
type UpdateFileRequest struct {
	Name *string `json:"name,omitempty"`
	// Classification is 1 (public) to 4 (strictly confidential); 0 keeps
	// the current one.
	Classification        int         `json:"classification,omitempty"`
	Notes                 *string     `json:"notes,omitempty"`
	Expiration            *Expiration `json:"expiration,omitempty"`
	TimestampCreation     time.Time   `json:"timestampCreation,omitzero"`
	TimestampModification time.Time   `json:"timestampModification,omitzero"`
}

// Validate refuses an invalid new name, notes over 255 characters, an
// out-of-range classification and an expiry that is enabled without a
// future date (or disabled with one).
func (r *UpdateFileRequest) Validate() error {
	return firstError(
		checkOptionalName("name", r.Name),
		checkNotes(r.Notes),
		checkClassification("classification", r.Classification),
		checkExpiration("expiration", r.Expiration))
}

// UpdateFile changes a file's metadata and returns the file
// (PUT /api/v4/nodes/files/{file_id}).
func (s *NodesService) UpdateFile(ctx context.Context, id int64, req *UpdateFileRequest) (*Node, error) {
	if err := checkID("file_id", id); err != nil {
		return nil, err
	}
	if err := validate(req); err != nil {
		return nil, err
	}
	return doJSON[Node](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(nodesPath+"/files", id, ""), jsonBody: req})
}

// UpdateFilesRequest sets the classification and/or expiry of several
// files at once. It replaces the Python client's make_files_update.
type UpdateFilesRequest struct {
	FileIDs []int64 `json:"objectIds"`
	// Classification is 1 to 4; 0 keeps each file's own.
	Classification int         `json:"classification,omitempty"`
	Expiration     *Expiration `json:"expiration,omitempty"`
}

// Validate refuses an empty or invalid id list, an out-of-range
// classification, an invalid expiry (see UpdateFileRequest), and a request that
// changes nothing.
func (r *UpdateFilesRequest) Validate() error {
	if err := checkIDs("objectIds", r.FileIDs); err != nil {
		return err
	}
	if err := checkClassification("classification", r.Classification); err != nil {
		return err
	}
	if r.Classification == 0 && r.Expiration == nil {
		return invalid("classification", "nothing to change: set a classification or an expiration")
	}
	return checkExpiration("expiration", r.Expiration)
}

// UpdateFiles changes several files at once (PUT /api/v4/nodes/files).
func (s *NodesService) UpdateFiles(ctx context.Context, req *UpdateFilesRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: nodesPath + "/files", jsonBody: req}, nil)
}

// FileVersion is one version of a file, current or deleted.
type FileVersion struct {
	ID          int64  `json:"id"`
	ReferenceID int64  `json:"referenceId"`
	Name        string `json:"name"`
	ParentID    int64  `json:"parentId"`
	Deleted     bool   `json:"deleted"`
}

// fileVersionsPath is the endpoint of FileVersions; the operation is newer
// than the 4.26.7 document.
const fileVersionsPath = nodesPath + "/files/versions"

// ListFileVersions returns one page of the versions of a file, current and
// deleted, by the file's ReferenceID
// (GET /api/v4/nodes/files/versions/{reference_id}; newer than the API
// 4.26.7 document).
func (s *NodesService) ListFileVersions(ctx context.Context, referenceID int64, opts *ListOptions) (*Page[FileVersion], error) {
	if err := checkID("reference_id", referenceID); err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	return doJSON[Page[FileVersion]](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(fileVersionsPath, referenceID, ""), query: opts.values(nil)})
}

// AllFileVersions iterates over the versions of a file (see ListFileVersions).
func (s *NodesService) AllFileVersions(ctx context.Context, referenceID int64, opts *ListOptions) iter.Seq2[FileVersion, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*Page[FileVersion], error) {
		return s.ListFileVersions(ctx, referenceID, lo)
	})
}
