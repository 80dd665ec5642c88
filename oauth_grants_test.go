package dracoon

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestOAuthGrantEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"approvals", "GET /api/v4/user/oauth/approvals", fakeCall{query: "sort=clientName:desc",
			answer: `[{"clientId":"app","clientName":"App","expiresAt":"2031-01-02T03:04:05Z"},{"clientId":"cli","clientName":"CLI"}]`},
			func(t *testing.T, c *Client) error {
				l, err := c.Account.OAuthApprovals(ctx, "clientName:desc")
				return firstError(err, expect(err == nil && len(l) == 2 && l[0].ClientID == "app" &&
					l[0].ExpiresAt.Equal(time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)) && l[1].ExpiresAt.IsZero(), "%+v", l))
			}},
		{"approvals unsorted", "GET /api/v4/user/oauth/approvals", fakeCall{answer: `[]`},
			func(t *testing.T, c *Client) error {
				l, err := c.Account.OAuthApprovals(ctx, "")
				return firstError(err, expect(err == nil && len(l) == 0, "%+v", l))
			}},
		{"revoke approval", "DELETE /api/v4/user/oauth/approvals/app", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Account.RevokeOAuthApproval(ctx, "app") }},
		{"authorizations", "GET /api/v4/user/oauth/authorizations", fakeCall{query: "filter=isStandard:eq:false&sort=clientName:asc",
			answer: `[{"id":3,"clientId":"app","clientName":"App","userAgentCategory":"native","userAgentOs":"Linux","isCurrentAuthorization":true,
				"createdAt":"2030-01-01T00:00:00Z","usedAt":"2030-01-02T00:00:00Z"}]`},
			func(t *testing.T, c *Client) error {
				l, err := c.Account.OAuthAuthorizations(ctx, "isStandard:eq:false", "clientName:asc")
				return firstError(err, expect(err == nil && len(l) == 1 && l[0].ID == 3 && l[0].UserAgentCategory == "native" &&
					l[0].UserAgentOS == "Linux" && l[0].IsCurrentAuthorization && l[0].UsedAt.Day() == 2, "%+v", l))
			}},
		{"revoke client's authorizations", "DELETE /api/v4/user/oauth/authorizations/app", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Account.RevokeOAuthAuthorizations(ctx, "app") }},
		{"revoke one authorization", "DELETE /api/v4/user/oauth/authorizations/app/3", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Account.RevokeOAuthAuthorization(ctx, "app", 3) }},
	})
	runInvalidCases(t, []invalidCase{
		{"approval client", "client_id", func(ctx context.Context, c *Client) error { return c.Account.RevokeOAuthApproval(ctx, "") }},
		{"authorizations client", "client_id", func(ctx context.Context, c *Client) error { return c.Account.RevokeOAuthAuthorizations(ctx, "a/b") }},
		{"authorization client", "client_id", func(ctx context.Context, c *Client) error {
			return c.Account.RevokeOAuthAuthorization(ctx, strings.Repeat("x", 300), 3)
		}},
		{"authorization id", "authorization_id", func(ctx context.Context, c *Client) error { return c.Account.RevokeOAuthAuthorization(ctx, "app", 0) }},
	})
}
