package dracoon

import (
	"context"
	"net/url"
	"testing"
)

func TestSubscriptionEndpoints(t *testing.T) {
	ctx := context.Background()
	page := func(item string) string { return `{"range":{"offset":2,"limit":1,"total":3},"items":[` + item + `]}` }
	runOpCases(t, []opCase{
		{"list nodes", "GET /api/v4/user/subscriptions/nodes", fakeCall{query: "offset=2&limit=1&filter=authParentId:eq:5&sort=nodeId:desc",
			answer: page(`{"id":9,"type":"folder","authParentId":5}`)},
			func(t *testing.T, c *Client) error {
				l, err := c.Subscriptions.ListNodes(ctx, &ListOptions{Offset: 2, Limit: 1, Filter: "authParentId:eq:5", Sort: "nodeId:desc"})
				return firstError(err, expect(err == nil && l.Range.Total == 3 && l.Items[0].ID == 9 && l.Items[0].Type == "folder" && l.Items[0].AuthParentID == 5, "%+v", l))
			}},
		{"bulk nodes", "PUT /api/v4/user/subscriptions/nodes", fakeCall{body: `{"isSubscribed":true,"objectIds":[1,2]}`},
			func(t *testing.T, c *Client) error {
				return c.Subscriptions.UpdateNodes(ctx, &UpdateSubscriptionsRequest{IsSubscribed: true, ObjectIDs: []int64{1, 2}})
			}},
		{"subscribe node", "POST /api/v4/user/subscriptions/nodes/9", fakeCall{status: 201, answer: `{"id":9,"type":"file","authParentId":5}`},
			func(t *testing.T, c *Client) error {
				n, err := c.Subscriptions.SubscribeNode(ctx, 9)
				return firstError(err, expect(err == nil && n.ID == 9 && n.Type == "file", "%+v", n))
			}},
		{"unsubscribe node", "DELETE /api/v4/user/subscriptions/nodes/9", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Subscriptions.UnsubscribeNode(ctx, 9) }},
		{"list download shares", "GET /api/v4/user/subscriptions/download_shares", fakeCall{query: "filter=downloadShareId:eq:4",
			answer: page(`{"id":4,"authParentId":5}`)},
			func(t *testing.T, c *Client) error {
				l, err := c.Subscriptions.ListDownloadShares(ctx, &ListOptions{Filter: "downloadShareId:eq:4"})
				return firstError(err, expect(err == nil && l.Items[0].ID == 4 && l.Items[0].AuthParentID == 5, "%+v", l))
			}},
		{"bulk download shares", "PUT /api/v4/user/subscriptions/download_shares", fakeCall{body: `{"isSubscribed":false,"objectIds":[4]}`},
			func(t *testing.T, c *Client) error {
				return c.Subscriptions.UpdateDownloadShares(ctx, &UpdateSubscriptionsRequest{ObjectIDs: []int64{4}})
			}},
		{"subscribe download share", "POST /api/v4/user/subscriptions/download_shares/4", fakeCall{status: 201, answer: `{"id":4,"authParentId":5}`},
			func(t *testing.T, c *Client) error {
				s, err := c.Subscriptions.SubscribeDownloadShare(ctx, 4)
				return firstError(err, expect(err == nil && s.ID == 4 && s.AuthParentID == 5, "%+v", s))
			}},
		{"unsubscribe download share", "DELETE /api/v4/user/subscriptions/download_shares/4", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Subscriptions.UnsubscribeDownloadShare(ctx, 4) }},
		{"list upload shares", "GET /api/v4/user/subscriptions/upload_shares", fakeCall{query: "sort=targetNodeId:asc",
			answer: page(`{"id":6,"targetNodeId":8}`)},
			func(t *testing.T, c *Client) error {
				l, err := c.Subscriptions.ListUploadShares(ctx, &ListOptions{Sort: "targetNodeId:asc"})
				return firstError(err, expect(err == nil && l.Items[0].ID == 6 && l.Items[0].TargetNodeID == 8, "%+v", l))
			}},
		{"bulk upload shares", "PUT /api/v4/user/subscriptions/upload_shares", fakeCall{body: `{"isSubscribed":true,"objectIds":[6,7]}`},
			func(t *testing.T, c *Client) error {
				return c.Subscriptions.UpdateUploadShares(ctx, &UpdateSubscriptionsRequest{IsSubscribed: true, ObjectIDs: []int64{6, 7}})
			}},
		{"subscribe upload share", "POST /api/v4/user/subscriptions/upload_shares/6", fakeCall{status: 201, answer: `{"id":6,"targetNodeId":8}`},
			func(t *testing.T, c *Client) error {
				s, err := c.Subscriptions.SubscribeUploadShare(ctx, 6)
				return firstError(err, expect(err == nil && s.TargetNodeID == 8, "%+v", s))
			}},
		{"unsubscribe upload share", "DELETE /api/v4/user/subscriptions/upload_shares/6", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Subscriptions.UnsubscribeUploadShare(ctx, 6) }},
	})
	filter := url.Values{"filter": {"authParentId:eq:5"}}
	opts := func() *ListOptions { return &ListOptions{Limit: 2, Filter: "authParentId:eq:5"} }
	runPagedCases(t, []pagedCase{
		{"nodes", "GET /api/v4/user/subscriptions/nodes", filter, `{"id":%[1]d,"type":"room"}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Subscriptions.AllNodes(ctx, opts()), func(n SubscribedNode) int64 { return n.ID })
			}},
		{"download shares", "GET /api/v4/user/subscriptions/download_shares", filter, `{"id":%[1]d}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Subscriptions.AllDownloadShares(ctx, opts()), func(s SubscribedDownloadShare) int64 { return s.ID })
			}},
		{"upload shares", "GET /api/v4/user/subscriptions/upload_shares", filter, `{"id":%[1]d}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Subscriptions.AllUploadShares(ctx, opts()), func(s SubscribedUploadShare) int64 { return s.ID })
			}},
	})
	runInvalidCases(t, []invalidCase{
		{"bulk nil", "request", func(ctx context.Context, c *Client) error { return c.Subscriptions.UpdateNodes(ctx, nil) }},
		{"bulk empty", "objectIds", func(ctx context.Context, c *Client) error {
			return c.Subscriptions.UpdateDownloadShares(ctx, &UpdateSubscriptionsRequest{IsSubscribed: true})
		}},
		{"bulk bad id", "objectIds[1]", func(ctx context.Context, c *Client) error {
			return c.Subscriptions.UpdateUploadShares(ctx, &UpdateSubscriptionsRequest{ObjectIDs: []int64{1, 0}})
		}},
		{"subscribe node", "node_id", func(ctx context.Context, c *Client) error {
			_, err := c.Subscriptions.SubscribeNode(ctx, 0)
			return err
		}},
		{"unsubscribe node", "node_id", func(ctx context.Context, c *Client) error { return c.Subscriptions.UnsubscribeNode(ctx, -1) }},
		{"subscribe download share", "share_id", func(ctx context.Context, c *Client) error {
			_, err := c.Subscriptions.SubscribeDownloadShare(ctx, 0)
			return err
		}},
		{"unsubscribe upload share", "share_id", func(ctx context.Context, c *Client) error { return c.Subscriptions.UnsubscribeUploadShare(ctx, 0) }},
	})
}
