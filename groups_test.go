package dracoon

import (
	"context"
	"testing"
	"time"
)

const groupJSON = `{"id":9,"name":"Staff","cntUsers":3,"createdAt":"2024-01-01T00:00:00Z",
"createdBy":{"id":1,"userType":"internal","avatarUuid":"a","userName":"admin","firstName":"A","lastName":"D"},
"expireAt":"2031-01-01T00:00:00Z","groupRoles":{"items":[{"id":3,"name":"GROUP_MANAGER","description":"g"}]}}`

func TestGroupsEndpoints(t *testing.T) {
	ctx := context.Background()
	future := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	runOpCases(t, []opCase{
		{"list", "GET /api/v4/groups", fakeCall{query: "offset=1&limit=1&filter=name:cn:St&sort=cntUsers:desc",
			answer: `{"range":{"offset":1,"limit":1,"total":2},"items":[` + groupJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Groups.List(ctx, &ListOptions{Offset: 1, Limit: 1, Filter: "name:cn:St", Sort: "cntUsers:desc"})
				return firstError(err, expect(err == nil && l.Range.Total == 2 && l.Items[0].CntUsers == 3 && l.Items[0].CreatedBy.UserName == "admin" &&
					l.Items[0].GroupRoles.Has(RoleGroupManager), "%+v", l))
			}},
		{"get", "GET /api/v4/groups/9", fakeCall{answer: groupJSON},
			func(t *testing.T, c *Client) error {
				g, err := c.Groups.Get(ctx, 9)
				return firstError(err, expect(err == nil && g.Name == "Staff" && g.ExpireAt.Equal(future), "%+v", g))
			}},
		{"create", "POST /api/v4/groups", fakeCall{status: 201, answer: groupJSON,
			body: `{"name":"Staff","expiration":{"enableExpiration":true,"expireAt":"2031-01-01T00:00:00Z"}}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Groups.Create(ctx, &CreateGroupRequest{Name: "Staff", Expiration: ExpireAt(future)})
				return err
			}},
		{"update", "PUT /api/v4/groups/9", fakeCall{answer: groupJSON, body: `{"name":"Team"}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Groups.Update(ctx, 9, &UpdateGroupRequest{Name: ptrTo("Team")})
				return err
			}},
		{"delete", "DELETE /api/v4/groups/9", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Groups.Delete(ctx, 9) }},
		{"members", "GET /api/v4/groups/9/users", fakeCall{query: "filter=isMember:eq:false",
			answer: `{"range":{"offset":0,"limit":500,"total":1},"items":[{"userInfo":{"id":5,"userType":"internal","avatarUuid":"a","userName":"bob","firstName":"B","lastName":"O"},"isMember":false,"id":5,"login":"bob","displayName":"B O","email":""}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Groups.ListUsers(ctx, 9, &ListOptions{Filter: "isMember:eq:false"})
				return firstError(err, expect(err == nil && l.Items[0].UserInfo.UserName == "bob" && !l.Items[0].IsMember, "%+v", l))
			}},
		{"add members", "POST /api/v4/groups/9/users", fakeCall{answer: groupJSON, body: `{"ids":[5,6]}`},
			func(t *testing.T, c *Client) error {
				g, err := c.Groups.AddUsers(ctx, 9, []int64{5, 6})
				return firstError(err, expect(err == nil && g.ID == 9, "%+v", g))
			}},
		{"remove members", "DELETE /api/v4/groups/9/users", fakeCall{answer: groupJSON, body: `{"ids":[5]}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Groups.RemoveUsers(ctx, 9, []int64{5})
				return err
			}},
		{"roles", "GET /api/v4/groups/9/roles", fakeCall{answer: `{"items":[{"id":4,"name":"ROOM_MANAGER","description":"r"}]}`},
			func(t *testing.T, c *Client) error {
				r, err := c.Groups.Roles(ctx, 9)
				return firstError(err, expect(err == nil && r.Has(RoleRoomManager), "%+v", r))
			}},
		{"last admin rooms", "GET /api/v4/groups/9/last_admin_rooms", fakeCall{answer: `{"items":[{"id":3,"name":"Sub","parentPath":"/Team/","parentId":2}]}`},
			func(t *testing.T, c *Client) error {
				rooms, err := c.Groups.LastAdminRooms(ctx, 9)
				return firstError(err, expect(err == nil && len(rooms) == 1 && rooms[0].ParentPath == "/Team/" && rooms[0].ParentID == 2, "%+v", rooms))
			}},
		{"rooms (deprecated)", "GET /api/v4/groups/9/rooms", fakeCall{query: "limit=10",
			answer: `{"range":{"offset":0,"limit":10,"total":0},"items":[]}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Groups.ListRooms(ctx, 9, &ListOptions{Limit: 10})
				return err
			}},
	})
}

func TestGroupsIterators(t *testing.T) {
	runPagedCases(t, []pagedCase{
		{"all groups", "GET /api/v4/groups", nil, `{"id":%[1]d,"name":"g","cntUsers":0,"createdAt":"2024-01-01T00:00:00Z"}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Groups.All(ctx, &ListOptions{Limit: 2}), func(g Group) int64 { return g.ID })
			}},
		{"all members", "GET /api/v4/groups/9/users", nil, `{"userInfo":{"id":%[1]d,"userType":"internal"},"isMember":true}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Groups.AllUsers(ctx, 9, &ListOptions{Limit: 2}), func(u GroupUser) int64 { return u.UserInfo.ID })
			}},
		{"all rooms", "GET /api/v4/groups/9/rooms", nil, `{"id":%[1]d,"name":"r","isGranted":true,"isEncrypted":false,"recycleBinRetentionPeriod":0,"hasRecycleBin":false}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Groups.AllRooms(ctx, 9, &ListOptions{Limit: 2}), func(r GrantedRoom) int64 { return r.ID })
			}},
	})
}

func TestGroupsRefuseInvalidRequests(t *testing.T) {
	runInvalidCases(t, []invalidCase{
		{"nil create", "request", func(ctx context.Context, c *Client) error { _, err := c.Groups.Create(ctx, nil); return err }},
		{"empty name", "name", func(ctx context.Context, c *Client) error {
			_, err := c.Groups.Create(ctx, &CreateGroupRequest{Name: "  "})
			return err
		}},
		{"expired", "expiration.expireAt", func(ctx context.Context, c *Client) error {
			_, err := c.Groups.Create(ctx, &CreateGroupRequest{Name: "g", Expiration: ExpireAt(time.Now().Add(-time.Minute))})
			return err
		}},
		{"rename to empty", "name", func(ctx context.Context, c *Client) error {
			_, err := c.Groups.Update(ctx, 1, &UpdateGroupRequest{Name: ptrTo("")})
			return err
		}},
		{"negative id", "groupId", func(ctx context.Context, c *Client) error { _, err := c.Groups.Get(ctx, -1); return err }},
		{"no members to add", "ids", func(ctx context.Context, c *Client) error { _, err := c.Groups.AddUsers(ctx, 1, nil); return err }},
		{"bad member id", "ids[1]", func(ctx context.Context, c *Client) error {
			_, err := c.Groups.RemoveUsers(ctx, 1, []int64{3, 0})
			return err
		}},
		{"members of id 0", "groupId", func(ctx context.Context, c *Client) error { _, err := c.Groups.ListUsers(ctx, 0, nil); return err }},
	})
}
