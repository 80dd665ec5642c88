package dracoon

import (
	"context"
	"testing"
)

func TestNotificationEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"configs", "GET /api/v4/user/notifications/config",
			fakeCall{answer: `{"items":[{"id":7,"scopeId":1,"eventTypeName":"file.created","channelIds":[1,2]},{"id":8,"scopeId":2,"eventTypeName":"share.created","channelIds":[]}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Account.NotificationConfigs(ctx)
				return firstError(err, expect(err == nil && len(l.Items) == 2 && l.Items[0].EventTypeName == "file.created" &&
					len(l.Items[0].ChannelIDs) == 2 && l.Items[1].ScopeID == 2 && len(l.Items[1].ChannelIDs) == 0, "%+v", l))
			}},
		{"update", "PUT /api/v4/user/notifications/config/7",
			fakeCall{body: `{"channelIds":[2]}`, answer: `{"id":7,"scopeId":1,"eventTypeName":"file.created","channelIds":[2]}`},
			func(t *testing.T, c *Client) error {
				n, err := c.Account.UpdateNotificationConfig(ctx, 7, &NotificationConfigChangeRequest{ChannelIDs: []int64{2}})
				return firstError(err, expect(err == nil && n.ID == 7 && len(n.ChannelIDs) == 1 && n.ChannelIDs[0] == 2, "%+v", n))
			}},
		{"turn off", "PUT /api/v4/user/notifications/config/7",
			fakeCall{body: `{"channelIds":[]}`, answer: `{"id":7,"scopeId":1,"eventTypeName":"file.created","channelIds":[]}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Account.UpdateNotificationConfig(ctx, 7, &NotificationConfigChangeRequest{ChannelIDs: []int64{}})
				return err
			}},
		{"scopes", "GET /api/v4/resources/user/notifications/scopes", fakeCall{answer: `{"items":[{"id":1,"name":"Rooms"},{"id":2,"name":"Shares"}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Account.NotificationScopes(ctx)
				return firstError(err, expect(err == nil && len(l.Items) == 2 && l.Items[1].Name == "Shares", "%+v", l))
			}},
	})
	runInvalidCases(t, []invalidCase{
		{"id", "id", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UpdateNotificationConfig(ctx, 0, &NotificationConfigChangeRequest{ChannelIDs: []int64{}})
			return err
		}},
		{"nil request", "request", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UpdateNotificationConfig(ctx, 7, nil)
			return err
		}},
		{"nil channels", "channelIds", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UpdateNotificationConfig(ctx, 7, &NotificationConfigChangeRequest{})
			return err
		}},
		{"bad channel", "channelIds[1]", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UpdateNotificationConfig(ctx, 7, &NotificationConfigChangeRequest{ChannelIDs: []int64{1, -1}})
			return err
		}},
	})
}
