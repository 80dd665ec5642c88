package dracoon

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// DeletedNodeSummary groups the deleted versions of one name in a
// container's recycle bin.
type DeletedNodeSummary struct {
	ParentID              int64     `json:"parentId"`
	ParentPath            string    `json:"parentPath"`
	Name                  string    `json:"name"`
	Type                  string    `json:"type"` // folder or file
	CntVersions           int       `json:"cntVersions"`
	FirstDeletedAt        time.Time `json:"firstDeletedAt,omitzero"`
	LastDeletedAt         time.Time `json:"lastDeletedAt,omitzero"`
	LastDeletedNodeID     int64     `json:"lastDeletedNodeId"`
	TimestampCreation     time.Time `json:"timestampCreation,omitzero"`
	TimestampModification time.Time `json:"timestampModification,omitzero"`
}

// DeletedNode is one deleted folder or file version in a recycle bin.
type DeletedNode struct {
	ID             int64     `json:"id"`
	ParentID       int64     `json:"parentId"`
	ParentPath     string    `json:"parentPath"`
	Type           string    `json:"type"` // folder or file
	Name           string    `json:"name"`
	ExpireAt       time.Time `json:"expireAt,omitzero"`
	AccessedAt     time.Time `json:"accessedAt,omitzero"`
	IsEncrypted    bool      `json:"isEncrypted"`
	Notes          string    `json:"notes,omitempty"`
	Size           int64     `json:"size"`
	Classification int       `json:"classification,omitempty"`
	CreatedAt      time.Time `json:"createdAt,omitzero"`
	CreatedBy      *UserInfo `json:"createdBy,omitempty"`
	UpdatedAt      time.Time `json:"updatedAt,omitzero"`
	UpdatedBy      *UserInfo `json:"updatedBy,omitempty"`
	DeletedAt      time.Time `json:"deletedAt,omitzero"`
	DeletedBy      *UserInfo `json:"deletedBy,omitempty"`
}

// ListDeletedNodes returns one page of the recycle bin of a room or folder,
// one entry per deleted name (GET /api/v4/nodes/{node_id}/deleted_nodes).
func (s *NodesService) ListDeletedNodes(ctx context.Context, parentID int64, opts *ListOptions) (*Page[DeletedNodeSummary], error) {
	if err := checkID("node_id", parentID); err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	return doJSON[Page[DeletedNodeSummary]](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(nodesPath, parentID, "/deleted_nodes"), query: opts.values(nil)})
}

// AllDeletedNodes iterates over the recycle bin of a room or folder
// (GET /api/v4/nodes/{node_id}/deleted_nodes).
func (s *NodesService) AllDeletedNodes(ctx context.Context, parentID int64, opts *ListOptions) iter.Seq2[DeletedNodeSummary, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*Page[DeletedNodeSummary], error) {
		return s.ListDeletedNodes(ctx, parentID, lo)
	})
}

// ListDeletedVersions returns one page of the deleted versions of one name
// and type (NodeTypeFile or NodeTypeFolder) in a container's recycle bin
// (GET /api/v4/nodes/{node_id}/deleted_nodes/versions).
func (s *NodesService) ListDeletedVersions(ctx context.Context, parentID int64, nodeType, name string, opts *ListOptions) (*Page[DeletedNode], error) {
	if err := checkID("node_id", parentID); err != nil {
		return nil, err
	}
	if nodeType != NodeTypeFile && nodeType != NodeTypeFolder {
		return nil, invalid("type", "must be file or folder, got %q", nodeType)
	}
	if name == "" {
		return nil, invalid("name", "must not be empty")
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	q := opts.values(url.Values{"type": {nodeType}, "name": {name}})
	return doJSON[Page[DeletedNode]](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(nodesPath, parentID, "/deleted_nodes/versions"), query: q})
}

// AllDeletedVersions iterates over the deleted versions of one name (see
// ListDeletedVersions) (GET /api/v4/nodes/{node_id}/deleted_nodes/versions).
func (s *NodesService) AllDeletedVersions(ctx context.Context, parentID int64, nodeType, name string, opts *ListOptions) iter.Seq2[DeletedNode, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*Page[DeletedNode], error) {
		return s.ListDeletedVersions(ctx, parentID, nodeType, name, lo)
	})
}

// DeletedNode returns one deleted node
// (GET /api/v4/nodes/deleted_nodes/{deleted_node_id}).
func (s *NodesService) DeletedNode(ctx context.Context, id int64) (*DeletedNode, error) {
	if err := checkID("deleted_node_id", id); err != nil {
		return nil, err
	}
	return doJSON[DeletedNode](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(nodesPath+"/deleted_nodes", id, "")})
}

// EmptyRecycleBin purges the whole recycle bin of a room or folder
// (DELETE /api/v4/nodes/{node_id}/deleted_nodes).
func (s *NodesService) EmptyRecycleBin(ctx context.Context, parentID int64) error {
	if err := checkID("node_id", parentID); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(nodesPath, parentID, "/deleted_nodes")}, nil)
}

// PurgeDeleted removes deleted nodes from the recycle bin for good
// (DELETE /api/v4/nodes/deleted_nodes).
func (s *NodesService) PurgeDeleted(ctx context.Context, deletedIDs []int64) error {
	if err := checkIDs("deletedNodeIds", deletedIDs); err != nil {
		return err
	}
	body := struct {
		DeletedNodeIDs []int64 `json:"deletedNodeIds"`
	}{deletedIDs}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: nodesPath + "/deleted_nodes", jsonBody: body}, nil)
}

// RestoreRequest restores deleted nodes. It replaces the Python client's
// make_node_restore.
type RestoreRequest struct {
	DeletedNodeIDs []int64 `json:"deletedNodeIds"`
	// ResolutionStrategy is ResolutionAutorename (the server's default),
	// ResolutionOverwrite or ResolutionFail.
	ResolutionStrategy string `json:"resolutionStrategy,omitempty"`
	KeepShareLinks     bool   `json:"keepShareLinks,omitempty"`
	// ParentID restores into another container; 0 restores to the
	// original place.
	ParentID int64 `json:"parentId,omitempty"`
}

// Validate refuses an empty or invalid id list, a negative parent id and
// an unknown resolution strategy.
func (r *RestoreRequest) Validate() error {
	if err := checkIDs("deletedNodeIds", r.DeletedNodeIDs); err != nil {
		return err
	}
	if r.ParentID < 0 {
		return invalid("parentId", "must not be negative, got %d", r.ParentID)
	}
	return checkResolution("resolutionStrategy", r.ResolutionStrategy)
}

// Restore restores deleted nodes
// (POST /api/v4/nodes/deleted_nodes/actions/restore).
func (s *NodesService) Restore(ctx context.Context, req *RestoreRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: nodesPath + "/deleted_nodes/actions/restore", jsonBody: req}, nil)
}
