package dracoon

import (
	"context"
	"strings"
	"testing"
	"time"
)

const webhookJSON = `{"id":7,"name":"hook","url":"https://hooks.example.com/in","isEnabled":true,"expireAt":"2031-01-01T00:00:00Z",
"eventTypeNames":["file.created","user.created"],"createdAt":"2030-01-01T00:00:00Z","updatedAt":"2030-01-02T00:00:00Z","failStatus":410}`

func TestConfigSettingsAndPublicInfoEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"config license", "GET /api/v4/config/info/license", fakeCall{answer: `{"state":"valid","validFrom":"2024-01-01T00:00:00Z","validTo":"2030-01-01T00:00:00Z"}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Config.License(ctx)
				return firstError(err, expect(err == nil && l.State == "valid" && l.ValidTo.Year() == 2030, "%+v", l))
			}},
		{"config notification channels", "GET /api/v4/config/info/notifications/channels", fakeCall{answer: `{"items":[{"id":1,"name":"mail","type":"EMAIL","isEnabled":true,"frequency":60}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Config.NotificationChannels(ctx)
				return firstError(err, expect(err == nil && l.Items[0].Type == "EMAIL" && l.Items[0].Frequency == 60, "%+v", l))
			}},
		{"public license", "GET /api/v4/public/system/info/license", fakeCall{answer: `{"state":"expiring"}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Public.License(ctx)
				return firstError(err, expect(err == nil && l.State == "expiring", "%+v", l))
			}},
		{"third-party dependencies", "GET /api/v4/public/software/third_party_dependencies", fakeCall{answer: `[{"id":"x","name":"lib","url":"https://lib","description":"d","groupId":"g","artifactId":"a","version":"1","type":"jar","licenses":["MIT"]}]`},
			func(t *testing.T, c *Client) error {
				l, err := c.Public.ThirdPartyDependencies(ctx)
				return firstError(err, expect(err == nil && len(l) == 1 && l[0].Licenses[0] == "MIT", "%+v", l))
			}},
		{"settings", "GET /api/v4/settings", fakeCall{answer: `{"homeRoomsActive":true,"homeRoomParentId":3,"homeRoomParentName":"Homes","homeRoomQuota":1024}`},
			func(t *testing.T, c *Client) error {
				st, err := c.Settings.Get(ctx)
				return firstError(err, expect(err == nil && st.HomeRoomsActive && st.HomeRoomParentID == 3 && st.HomeRoomQuota == 1024, "%+v", st))
			}},
		{"update settings", "PUT /api/v4/settings", fakeCall{body: `{"homeRoomsActive":true,"homeRoomParentName":"Homes","homeRoomQuota":0}`, answer: `{"homeRoomsActive":true}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Settings.Update(ctx, &UpdateCustomerSettingsRequest{HomeRoomsActive: ptrTo(true), HomeRoomParentName: ptrTo("Homes"), HomeRoomQuota: ptrTo(int64(0))})
				return err
			}},
		{"notification channels", "GET /api/v4/settings/notifications/channels", fakeCall{answer: `{"items":[]}`},
			func(t *testing.T, c *Client) error { _, err := c.Settings.NotificationChannels(ctx); return err }},
		{"set notification channel", "PUT /api/v4/settings/notifications/channels", fakeCall{body: `{"channelId":2,"isEnabled":false}`, answer: `{"items":[{"id":2,"name":"n","type":"t","isEnabled":false,"frequency":0}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Settings.SetNotificationChannel(ctx, &NotificationChannelChange{ChannelID: 2})
				return firstError(err, expect(err == nil && l.Items[0].ID == 2, "%+v", l))
			}},
	})
}

func TestWebhookEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"list", "GET /api/v4/settings/webhooks", fakeCall{query: "offset=2&limit=1&filter=isEnabled:eq:true&sort=name:asc",
			answer: `{"range":{"offset":2,"limit":1,"total":3},"items":[` + webhookJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Webhooks.List(ctx, &ListOptions{Offset: 2, Limit: 1, Filter: "isEnabled:eq:true", Sort: "name:asc"})
				if err != nil {
					return err
				}
				h := l.Items[0]
				return expect(l.Range.Total == 3 && h.ID == 7 && h.FailStatus == 410 && len(h.EventTypeNames) == 2 &&
					h.ExpireAt.Equal(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)), "%+v", l)
			}},
		{"get", "GET /api/v4/settings/webhooks/7", fakeCall{answer: webhookJSON},
			func(t *testing.T, c *Client) error {
				h, err := c.Webhooks.Get(ctx, 7)
				return firstError(err, expect(err == nil && h.URL == "https://hooks.example.com/in", "%+v", h))
			}},
		{"create", "POST /api/v4/settings/webhooks", fakeCall{status: 201, answer: webhookJSON,
			body: `{"name":"hook","eventTypeNames":["file.created"],"url":"https://hooks.example.com/in","secret":"hook-secret-42","isEnabled":true,"triggerExampleEvent":true}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Webhooks.Create(ctx, &CreateWebhookRequest{Name: "hook", EventTypeNames: []string{"file.created"}, URL: "https://hooks.example.com/in",
					Secret: "hook-secret-42", IsEnabled: ptrTo(true), TriggerExampleEvent: ptrTo(true)})
				return err
			}},
		{"update", "PUT /api/v4/settings/webhooks/7", fakeCall{answer: webhookJSON, body: `{"name":"renamed","isEnabled":false}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Webhooks.Update(ctx, 7, &UpdateWebhookRequest{Name: ptrTo("renamed"), IsEnabled: ptrTo(false)})
				return err
			}},
		{"delete", "DELETE /api/v4/settings/webhooks/7", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Webhooks.Delete(ctx, 7) }},
		{"reset lifetime", "POST /api/v4/settings/webhooks/7/reset_lifetime", fakeCall{answer: webhookJSON},
			func(t *testing.T, c *Client) error {
				h, err := c.Webhooks.ResetLifetime(ctx, 7)
				return firstError(err, expect(err == nil && h.ID == 7, "%+v", h))
			}},
		{"event types", "GET /api/v4/settings/webhooks/event_types", fakeCall{answer: `{"items":[{"id":1,"name":"file.created","usableTenantWebhook":false,
			"usableCustomerAdminWebhook":true,"usableNodeWebhook":true,"usablePushNotification":false}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Webhooks.EventTypes(ctx)
				return firstError(err, expect(err == nil && l.Items[0].UsableNodeWebhook && !l.Items[0].UsableTenantWebhook, "%+v", l))
			}},
	})
	runPagedCases(t, []pagedCase{
		{"all webhooks", "GET /api/v4/settings/webhooks", nil, `{"id":%[1]d,"name":"h","url":"https://h","isEnabled":true,"expireAt":"2031-01-01T00:00:00Z","eventTypeNames":["x"],"createdAt":"2030-01-01T00:00:00Z","updatedAt":"2030-01-01T00:00:00Z"}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Webhooks.All(ctx, &ListOptions{Limit: 2}), func(h Webhook) int64 { return h.ID })
			}},
	})
}

func TestWebhookSecretStaysOutOfErrors(t *testing.T) {
	f := newFakeAPI(t)
	f.handle("POST /api/v4/settings/webhooks", fakeCall{status: 400, body: `{"name":"h","eventTypeNames":["x"],"url":"https://h.example","secret":"hook-secret-42"}`,
		answer: `{"code":400,"message":"Bad Request","debugInfo":"secret hook-secret-42 is too weak","errorCode":-80000}`})
	_, err := f.client.Webhooks.Create(context.Background(), &CreateWebhookRequest{Name: "h", EventTypeNames: []string{"x"}, URL: "https://h.example", Secret: "hook-secret-42"})
	if err == nil || strings.Contains(err.Error(), "hook-secret-42") || !strings.Contains(err.Error(), "too weak") {
		t.Errorf("error %v", err)
	}
}

func TestSettingsAndWebhooksRefuseInvalidRequests(t *testing.T) {
	runInvalidCases(t, []invalidCase{
		{"settings nil", "request", func(ctx context.Context, c *Client) error { _, err := c.Settings.Update(ctx, nil); return err }},
		{"settings blank parent", "homeRoomParentName", func(ctx context.Context, c *Client) error {
			_, err := c.Settings.Update(ctx, &UpdateCustomerSettingsRequest{HomeRoomParentName: ptrTo(" ")})
			return err
		}},
		{"settings negative quota", "homeRoomQuota", func(ctx context.Context, c *Client) error {
			_, err := c.Settings.Update(ctx, &UpdateCustomerSettingsRequest{HomeRoomQuota: ptrTo(int64(-1))})
			return err
		}},
		{"channel id", "channelId", func(ctx context.Context, c *Client) error {
			_, err := c.Settings.SetNotificationChannel(ctx, &NotificationChannelChange{})
			return err
		}},
		{"webhook http", "url", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Create(ctx, &CreateWebhookRequest{Name: "h", URL: "http://h.example", EventTypeNames: []string{"x"}})
			return err
		}},
		{"webhook no name", "name", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Create(ctx, &CreateWebhookRequest{URL: "https://h.example", EventTypeNames: []string{"x"}})
			return err
		}},
		{"webhook no events", "eventTypeNames", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Create(ctx, &CreateWebhookRequest{Name: "h", URL: "https://h.example"})
			return err
		}},
		{"webhook blank event", "eventTypeNames[1]", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Update(ctx, 1, &UpdateWebhookRequest{EventTypeNames: []string{"a", ""}})
			return err
		}},
		{"webhook update url", "url", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Update(ctx, 1, &UpdateWebhookRequest{URL: ptrTo("ftp://x")})
			return err
		}},
		{"webhook id", "webhook_id", func(ctx context.Context, c *Client) error { return c.Webhooks.Delete(ctx, 0) }},
		{"webhook get id", "webhook_id", func(ctx context.Context, c *Client) error { _, err := c.Webhooks.Get(ctx, -3); return err }},
		{"webhook reset id", "webhook_id", func(ctx context.Context, c *Client) error { _, err := c.Webhooks.ResetLifetime(ctx, 0); return err }},
	})
}
