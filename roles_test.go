package dracoon

import (
	"context"
	"testing"
)

const roleUsersJSON = `{"range":{"offset":0,"limit":500,"total":1},"items":[{"userInfo":{"id":5,"userType":"internal","avatarUuid":"a","userName":"bob","firstName":"B","lastName":"O"},"isMember":true,"id":5,"displayName":"B O"}]}`
const roleGroupsJSON = `{"range":{"offset":0,"limit":500,"total":1},"items":[{"id":9,"name":"Staff","isMember":true}]}`

func TestRolesEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"list", "GET /api/v4/roles", fakeCall{answer: `{"items":[{"id":1,"name":"CONFIG_MANAGER","description":"c","items":[{"id":1,"name":"CHANGE_CONFIG","description":"x"}]}]}`},
			func(t *testing.T, c *Client) error {
				r, err := c.Roles.List(ctx)
				return firstError(err, expect(err == nil && r.Has(RoleConfigManager) && r.Items[0].Items[0].Name == "CHANGE_CONFIG", "%+v", r))
			}},
		{"users", "GET /api/v4/roles/4/users", fakeCall{query: "filter=isMember:eq:true|displayName:cn:b", answer: roleUsersJSON},
			func(t *testing.T, c *Client) error {
				l, err := c.Roles.ListUsers(ctx, 4, &ListOptions{Filter: "isMember:eq:true|displayName:cn:b"})
				return firstError(err, expect(err == nil && l.Items[0].UserInfo.ID == 5 && l.Items[0].IsMember, "%+v", l))
			}},
		{"grant to users", "POST /api/v4/roles/4/users", fakeCall{body: `{"ids":[5]}`, answer: roleUsersJSON},
			func(t *testing.T, c *Client) error {
				l, err := c.Roles.AddUsers(ctx, 4, []int64{5})
				return firstError(err, expect(err == nil && l.Items[0].UserInfo.UserName == "bob", "%+v", l))
			}},
		{"revoke from users", "DELETE /api/v4/roles/4/users", fakeCall{body: `{"ids":[5,7]}`, answer: roleUsersJSON},
			func(t *testing.T, c *Client) error { _, err := c.Roles.RemoveUsers(ctx, 4, []int64{5, 7}); return err }},
		{"groups", "GET /api/v4/roles/4/groups", fakeCall{query: "offset=3", answer: roleGroupsJSON},
			func(t *testing.T, c *Client) error {
				l, err := c.Roles.ListGroups(ctx, 4, &ListOptions{Offset: 3})
				return firstError(err, expect(err == nil && l.Items[0].Name == "Staff", "%+v", l))
			}},
		{"grant to groups", "POST /api/v4/roles/4/groups", fakeCall{body: `{"ids":[9]}`, answer: roleGroupsJSON},
			func(t *testing.T, c *Client) error { _, err := c.Roles.AddGroups(ctx, 4, []int64{9}); return err }},
		{"revoke from groups", "DELETE /api/v4/roles/4/groups", fakeCall{body: `{"ids":[9]}`, answer: roleGroupsJSON},
			func(t *testing.T, c *Client) error {
				l, err := c.Roles.RemoveGroups(ctx, 4, []int64{9})
				return firstError(err, expect(err == nil && l.Items[0].ID == 9, "%+v", l))
			}},
	})
}

func TestRolesIterators(t *testing.T) {
	runPagedCases(t, []pagedCase{
		{"all users of a role", "GET /api/v4/roles/2/users", nil, `{"userInfo":{"id":%[1]d,"userType":"internal"},"isMember":true}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Roles.AllUsers(ctx, 2, &ListOptions{Limit: 2}), func(u RoleUserEntry) int64 { return u.UserInfo.ID })
			}},
		{"all groups of a role", "GET /api/v4/roles/2/groups", nil, `{"id":%[1]d,"name":"g","isMember":true}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Roles.AllGroups(ctx, 2, &ListOptions{Limit: 2}), func(g RoleGroupEntry) int64 { return g.ID })
			}},
	})
}

func TestRolesRefuseInvalidRequests(t *testing.T) {
	runInvalidCases(t, []invalidCase{
		{"role id 0", "roleId", func(ctx context.Context, c *Client) error { _, err := c.Roles.ListUsers(ctx, 0, nil); return err }},
		{"negative role id", "roleId", func(ctx context.Context, c *Client) error {
			_, err := c.Roles.AddGroups(ctx, -4, []int64{1})
			return err
		}},
		{"no users", "ids", func(ctx context.Context, c *Client) error { _, err := c.Roles.AddUsers(ctx, 4, []int64{}); return err }},
		{"negative group id", "ids[0]", func(ctx context.Context, c *Client) error {
			_, err := c.Roles.RemoveGroups(ctx, 4, []int64{-9})
			return err
		}},
	})
}
