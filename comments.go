package dracoon

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// Comment is a comment on a node.
type Comment struct {
	ID        int64     `json:"id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	CreatedBy UserInfo  `json:"createdBy"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
	UpdatedBy UserInfo  `json:"updatedBy"`
	IsChanged bool      `json:"isChanged"`
	IsDeleted bool      `json:"isDeleted"`
}

// ListCommentsOptions select the comments ListComments and AllComments
// return.
type ListCommentsOptions struct {
	// Offset and Limit select the page; filter and sort are not supported
	// by this list.
	Offset, Limit int64
	// HideDeleted leaves out deleted comments.
	HideDeleted bool
}

// checkCommentText refuses an empty comment.
func checkCommentText(text string) error { return checkNotBlank("text", text) }

// ListComments returns one page of the comments on a node
// (GET /api/v4/nodes/{node_id}/comments).
func (s *NodesService) ListComments(ctx context.Context, nodeID int64, opts *ListCommentsOptions) (*Page[Comment], error) {
	if err := checkID("node_id", nodeID); err != nil {
		return nil, err
	}
	var o ListCommentsOptions
	if opts != nil {
		o = *opts
	}
	lo := &ListOptions{Offset: o.Offset, Limit: o.Limit}
	if err := lo.check(); err != nil {
		return nil, err
	}
	q := lo.values(nil)
	if o.HideDeleted {
		q.Set("hide_deleted", "true")
	}
	return doJSON[Page[Comment]](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(nodesPath, nodeID, "/comments"), query: q})
}

// AllComments iterates over the comments on a node
// (GET /api/v4/nodes/{node_id}/comments).
func (s *NodesService) AllComments(ctx context.Context, nodeID int64, opts *ListCommentsOptions) iter.Seq2[Comment, error] {
	var o ListCommentsOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, &ListOptions{Offset: o.Offset, Limit: o.Limit}, func(ctx context.Context, lo *ListOptions) (*Page[Comment], error) {
		page := o
		page.Offset, page.Limit = lo.Offset, lo.Limit
		return s.ListComments(ctx, nodeID, &page)
	})
}

// commentBody is the body of comment creation and change.
type commentBody struct {
	Text string `json:"text"`
}

// AddComment comments on a node and returns the comment
// (POST /api/v4/nodes/{node_id}/comments).
func (s *NodesService) AddComment(ctx context.Context, nodeID int64, text string) (*Comment, error) {
	if err := checkID("node_id", nodeID); err != nil {
		return nil, err
	}
	if err := checkCommentText(text); err != nil {
		return nil, err
	}
	return doJSON[Comment](ctx, s.client, &apiCall{method: http.MethodPost, path: idPath(nodesPath, nodeID, "/comments"), jsonBody: commentBody{text}})
}

// UpdateComment changes the text of a comment and returns it
// (PUT /api/v4/nodes/comments/{comment_id}).
func (s *NodesService) UpdateComment(ctx context.Context, commentID int64, text string) (*Comment, error) {
	if err := checkID("comment_id", commentID); err != nil {
		return nil, err
	}
	if err := checkCommentText(text); err != nil {
		return nil, err
	}
	return doJSON[Comment](ctx, s.client, &apiCall{method: http.MethodPut, path: idPath(nodesPath+"/comments", commentID, ""), jsonBody: commentBody{text}})
}

// DeleteComment deletes a comment; it stays listed with IsDeleted set
// (DELETE /api/v4/nodes/comments/{comment_id}).
func (s *NodesService) DeleteComment(ctx context.Context, commentID int64) error {
	if err := checkID("comment_id", commentID); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(nodesPath+"/comments", commentID, "")}, nil)
}
