package dracoon

import (
	"context"
	"iter"
	"net/http"
)

// SubscriptionsService holds the logged-in user's subscriptions: the
// nodes, download shares and upload shares the user gets notified about
// (see AccountService.NotificationConfigs for how).
type SubscriptionsService service

// Subscription collections below /api/v4/user/subscriptions.
const (
	subscribedNodesPath          = "/api/v4/user/subscriptions/nodes"
	subscribedDownloadSharesPath = "/api/v4/user/subscriptions/download_shares"
	subscribedUploadSharesPath   = "/api/v4/user/subscriptions/upload_shares"
)

// SubscribedNode is a room, folder or file the user subscribed to.
type SubscribedNode struct {
	ID int64 `json:"id"`
	// Type is room, folder or file.
	Type string `json:"type,omitempty"`
	// AuthParentID is the room whose permissions apply.
	AuthParentID int64 `json:"authParentId,omitempty"`
}

// SubscribedDownloadShare is a download share the user subscribed to.
type SubscribedDownloadShare struct {
	ID           int64 `json:"id"`
	AuthParentID int64 `json:"authParentId,omitempty"`
}

// SubscribedUploadShare is an upload share the user subscribed to.
type SubscribedUploadShare struct {
	ID           int64 `json:"id"`
	TargetNodeID int64 `json:"targetNodeId,omitempty"`
}

// UpdateSubscriptionsRequest subscribes to, or unsubscribes from, several
// objects of one kind at once.
type UpdateSubscriptionsRequest struct {
	IsSubscribed bool    `json:"isSubscribed"`
	ObjectIDs    []int64 `json:"objectIds"`
}

// Validate refuses an empty id list and ids that are not positive.
func (r *UpdateSubscriptionsRequest) Validate() error { return checkIDs("objectIds", r.ObjectIDs) }

// listSubscriptions fetches one page of a subscription collection.
func listSubscriptions[T any](ctx context.Context, s *SubscriptionsService, path string, opts *ListOptions) (*Page[T], error) {
	return doJSON[Page[T]](ctx, s.client, &apiCall{method: http.MethodGet, path: path, query: opts.values(nil)})
}

// subscribe adds one object to a subscription collection.
func subscribe[T any](ctx context.Context, s *SubscriptionsService, path string, id int64, field string) (*T, error) {
	if err := checkID(field, id); err != nil {
		return nil, err
	}
	return doJSON[T](ctx, s.client, &apiCall{method: http.MethodPost, path: idPath(path, id, "")})
}

// unsubscribe removes one object from a subscription collection.
func (s *SubscriptionsService) unsubscribe(ctx context.Context, path string, id int64, field string) error {
	if err := checkID(field, id); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, idPath(path, id, ""))
}

// updateBulk sends a bulk (un)subscription to a collection.
func (s *SubscriptionsService) updateBulk(ctx context.Context, path string, req *UpdateSubscriptionsRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: path, jsonBody: req}, nil)
}

// ListNodes returns one page of the subscribed nodes
// (GET /api/v4/user/subscriptions/nodes). Filter: nodeId or authParentId
// with eq; sort: nodeId or authParentId.
func (s *SubscriptionsService) ListNodes(ctx context.Context, opts *ListOptions) (*Page[SubscribedNode], error) {
	return listSubscriptions[SubscribedNode](ctx, s, subscribedNodesPath, opts)
}

// AllNodes iterates over every subscribed node, fetching pages as the loop
// needs them (GET /api/v4/user/subscriptions/nodes).
func (s *SubscriptionsService) AllNodes(ctx context.Context, opts *ListOptions) iter.Seq2[SubscribedNode, error] {
	return all(ctx, opts, s.ListNodes)
}

// UpdateNodes subscribes to or unsubscribes from several nodes
// (PUT /api/v4/user/subscriptions/nodes).
func (s *SubscriptionsService) UpdateNodes(ctx context.Context, req *UpdateSubscriptionsRequest) error {
	return s.updateBulk(ctx, subscribedNodesPath, req)
}

// SubscribeNode subscribes to one node
// (POST /api/v4/user/subscriptions/nodes/{node_id}).
func (s *SubscriptionsService) SubscribeNode(ctx context.Context, nodeID int64) (*SubscribedNode, error) {
	return subscribe[SubscribedNode](ctx, s, subscribedNodesPath, nodeID, "node_id")
}

// UnsubscribeNode ends the subscription of one node
// (DELETE /api/v4/user/subscriptions/nodes/{node_id}).
func (s *SubscriptionsService) UnsubscribeNode(ctx context.Context, nodeID int64) error {
	return s.unsubscribe(ctx, subscribedNodesPath, nodeID, "node_id")
}

// ListDownloadShares returns one page of the subscribed download shares
// (GET /api/v4/user/subscriptions/download_shares). Filter:
// downloadShareId or authParentId with eq; sort: downloadShareId or
// authParentId.
func (s *SubscriptionsService) ListDownloadShares(ctx context.Context, opts *ListOptions) (*Page[SubscribedDownloadShare], error) {
	return listSubscriptions[SubscribedDownloadShare](ctx, s, subscribedDownloadSharesPath, opts)
}

// AllDownloadShares iterates over every subscribed download share
// (GET /api/v4/user/subscriptions/download_shares).
func (s *SubscriptionsService) AllDownloadShares(ctx context.Context, opts *ListOptions) iter.Seq2[SubscribedDownloadShare, error] {
	return all(ctx, opts, s.ListDownloadShares)
}

// UpdateDownloadShares subscribes to or unsubscribes from several download
// shares (PUT /api/v4/user/subscriptions/download_shares).
func (s *SubscriptionsService) UpdateDownloadShares(ctx context.Context, req *UpdateSubscriptionsRequest) error {
	return s.updateBulk(ctx, subscribedDownloadSharesPath, req)
}

// SubscribeDownloadShare subscribes to one download share
// (POST /api/v4/user/subscriptions/download_shares/{share_id}).
func (s *SubscriptionsService) SubscribeDownloadShare(ctx context.Context, shareID int64) (*SubscribedDownloadShare, error) {
	return subscribe[SubscribedDownloadShare](ctx, s, subscribedDownloadSharesPath, shareID, "share_id")
}

// UnsubscribeDownloadShare ends the subscription of one download share
// (DELETE /api/v4/user/subscriptions/download_shares/{share_id}).
func (s *SubscriptionsService) UnsubscribeDownloadShare(ctx context.Context, shareID int64) error {
	return s.unsubscribe(ctx, subscribedDownloadSharesPath, shareID, "share_id")
}

// ListUploadShares returns one page of the subscribed upload shares
// (GET /api/v4/user/subscriptions/upload_shares). Filter: uploadShareId
// or targetNodeId with eq; sort: uploadShareId or targetNodeId.
func (s *SubscriptionsService) ListUploadShares(ctx context.Context, opts *ListOptions) (*Page[SubscribedUploadShare], error) {
	return listSubscriptions[SubscribedUploadShare](ctx, s, subscribedUploadSharesPath, opts)
}

// AllUploadShares iterates over every subscribed upload share
// (GET /api/v4/user/subscriptions/upload_shares).
func (s *SubscriptionsService) AllUploadShares(ctx context.Context, opts *ListOptions) iter.Seq2[SubscribedUploadShare, error] {
	return all(ctx, opts, s.ListUploadShares)
}

// UpdateUploadShares subscribes to or unsubscribes from several upload
// shares (PUT /api/v4/user/subscriptions/upload_shares).
func (s *SubscriptionsService) UpdateUploadShares(ctx context.Context, req *UpdateSubscriptionsRequest) error {
	return s.updateBulk(ctx, subscribedUploadSharesPath, req)
}

// SubscribeUploadShare subscribes to one upload share
// (POST /api/v4/user/subscriptions/upload_shares/{share_id}).
func (s *SubscriptionsService) SubscribeUploadShare(ctx context.Context, shareID int64) (*SubscribedUploadShare, error) {
	return subscribe[SubscribedUploadShare](ctx, s, subscribedUploadSharesPath, shareID, "share_id")
}

// UnsubscribeUploadShare ends the subscription of one upload share
// (DELETE /api/v4/user/subscriptions/upload_shares/{share_id}).
func (s *SubscriptionsService) UnsubscribeUploadShare(ctx context.Context, shareID int64) error {
	return s.unsubscribe(ctx, subscribedUploadSharesPath, shareID, "share_id")
}
