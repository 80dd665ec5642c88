package dracoon

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

const userJSON = `{"id":42,"userName":"ada","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com","isLocked":false,
"avatarUuid":"av","authData":{"method":"basic","login":"ada"},"expireAt":"2030-01-02T03:04:05Z","isMfaEnforced":true,
"userRoles":{"items":[{"id":4,"name":"ROOM_MANAGER","description":"rooms"}]},"userAttributes":{"items":[{"key":"dept","value":"R&D"}]}}`

func TestUsersEndpoints(t *testing.T) {
	ctx := context.Background()
	future := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	runOpCases(t, []opCase{
		{"list", "GET /api/v4/users", fakeCall{query: "offset=10&limit=5&filter=userName:cn:a&sort=lastName:asc&include_attributes=true",
			answer: `{"range":{"offset":10,"limit":5,"total":11},"items":[` + userJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Users.List(ctx, &ListUsersOptions{ListOptions: ListOptions{Offset: 10, Limit: 5, Filter: "userName:cn:a", Sort: "lastName:asc"}, IncludeAttributes: true})
				if err != nil {
					return err
				}
				u := l.Items[0]
				return expect(l.Range.Total == 11 && u.ID == 42 && u.UserRoles.Has(RoleRoomManager) && u.UserAttributes.Items[0].Value == "R&D" && u.IsMFAEnforced &&
					u.ExpireAt.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)), "%+v", l)
			}},
		{"list without options", "GET /api/v4/users", fakeCall{answer: `{"range":{"offset":0,"limit":500,"total":0},"items":[]}`},
			func(t *testing.T, c *Client) error { _, err := c.Users.List(ctx, nil); return err }},
		{"get", "GET /api/v4/users/42", fakeCall{answer: userJSON},
			func(t *testing.T, c *Client) error {
				u, err := c.Users.Get(ctx, 42)
				return firstError(err, expect(err == nil && u.UserName == "ada" && u.AuthData.Method == AuthMethodBasic, "%+v", u))
			}},
		{"create local", "POST /api/v4/users", fakeCall{status: 201, answer: userJSON,
			body: `{"firstName":"Ada","lastName":"Lovelace","userName":"ada@example.com","email":"ada@example.com","phone":"+49 1",
				"expiration":{"enableExpiration":true,"expireAt":"2031-05-06T07:08:09Z"},"receiverLanguage":"de-DE","notifyUser":true,
				"authData":{"method":"basic","password":"Initial-Secret-1"},"mfaConfig":{"mfaEnforced":true}}`},
			func(t *testing.T, c *Client) error {
				req := NewLocalUser("Ada", "Lovelace", "ada@example.com")
				req.Phone, req.ReceiverLanguage, req.NotifyUser = "+49 1", "de-DE", ptrTo(true)
				req.Expiration, req.MFAConfig = ExpireAt(future), &MFAConfig{MFAEnforced: true}
				req.AuthData.Password = "Initial-Secret-1"
				if s := fmtAll(req); strings.Contains(s, "Initial-Secret-1") {
					t.Errorf("formatted request shows the password: %s", s)
				}
				u, err := c.Users.Create(ctx, req)
				return firstError(err, expect(err == nil && u.ID == 42, "%+v", u))
			}},
		{"create openid", "POST /api/v4/users", fakeCall{status: 201, answer: userJSON,
			body: `{"firstName":"Ada","lastName":"L","userName":"ada.l","email":"ada@example.com","authData":{"method":"openid","login":"ada.l","oidConfigId":3}}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Users.Create(ctx, NewOpenIDUser("Ada", "L", "ada@example.com", "ada.l", 3))
				return err
			}},
		{"create active directory", "POST /api/v4/users", fakeCall{status: 201, answer: userJSON,
			body: `{"firstName":"Ada","lastName":"L","userName":"CORP\\ada","email":"ada@example.com","authData":{"method":"active_directory","login":"CORP\\ada","adConfigId":2},"notifyUser":false}`},
			func(t *testing.T, c *Client) error {
				req := NewActiveDirectoryUser("Ada", "L", "ada@example.com", `CORP\ada`, 2)
				req.NotifyUser = ptrTo(false)
				_, err := c.Users.Create(ctx, req)
				return err
			}},
		{"update", "PUT /api/v4/users/42", fakeCall{answer: userJSON,
			body: `{"firstName":"Ada","isLocked":true,"expiration":{"enableExpiration":false},"authData":{"method":"openid","login":"ada","oidConfigId":1},"mfaConfig":{"mfaEnforced":false}}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Users.Update(ctx, 42, &UpdateUserRequest{FirstName: ptrTo("Ada"), IsLocked: ptrTo(true), Expiration: &Expiration{},
					AuthData: &UpdateUserAuthData{Method: AuthMethodOpenID, Login: "ada", OIDConfigID: 1}, MFAConfig: &MFAConfig{}})
				return err
			}},
		{"delete", "DELETE /api/v4/users/42", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Users.Delete(ctx, 42) }},
		{"groups", "GET /api/v4/users/42/groups", fakeCall{query: "filter=isMember:eq:any&limit=3",
			answer: `{"range":{"offset":0,"limit":3,"total":1},"items":[{"id":9,"name":"Staff","isMember":true}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Users.ListGroups(ctx, 42, &ListOptions{Limit: 3, Filter: "isMember:eq:any"})
				return firstError(err, expect(err == nil && l.Items[0].Name == "Staff" && l.Items[0].IsMember, "%+v", l))
			}},
		{"roles", "GET /api/v4/users/42/roles", fakeCall{answer: `{"items":[{"id":2,"name":"USER_MANAGER","description":"users"}]}`},
			func(t *testing.T, c *Client) error {
				r, err := c.Users.Roles(ctx, 42)
				return firstError(err, expect(err == nil && r.Has(RoleUserManager), "%+v", r))
			}},
		{"last admin rooms", "GET /api/v4/users/42/last_admin_rooms",
			fakeCall{answer: `{"items":[{"id":5,"name":"Team","parentPath":"/","lastAdminInGroup":true,"lastAdminInGroupId":9}]}`},
			func(t *testing.T, c *Client) error {
				rooms, err := c.Users.LastAdminRooms(ctx, 42)
				return firstError(err, expect(err == nil && len(rooms) == 1 && rooms[0].Name == "Team" && rooms[0].LastAdminInGroupID == 9, "%+v", rooms))
			}},
		{"rooms (deprecated)", "GET /api/v4/users/42/rooms", fakeCall{query: "filter=isGranted:eq:true",
			answer: `{"range":{"offset":0,"limit":500,"total":1},"items":[{"id":5,"name":"Team","isGranted":true,"isEncrypted":true,"recycleBinRetentionPeriod":30,"hasRecycleBin":true,"permissions":{"manage":true}}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Users.ListRooms(ctx, 42, &ListOptions{Filter: "isGranted:eq:true"})
				return firstError(err, expect(err == nil && l.Items[0].IsEncrypted && l.Items[0].Permissions.Manage, "%+v", l))
			}},
		{"attributes", "GET /api/v4/users/42/userAttributes", fakeCall{query: "sort=key:desc",
			answer: `{"range":{"offset":0,"limit":500,"total":1},"items":[{"key":"dept","value":"R&D"}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Users.ListAttributes(ctx, 42, &ListOptions{Sort: "key:desc"})
				return firstError(err, expect(err == nil && l.Items[0].Key == "dept", "%+v", l))
			}},
		{"update attributes", "PUT /api/v4/users/42/userAttributes", fakeCall{answer: userJSON,
			body: `{"items":[{"key":"a","value":"1"},{"key":"b","value":"2"}]}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Users.UpdateAttributes(ctx, 42, NewAttributesRequest(map[string]string{"b": "2", "a": "1"}))
				return err
			}},
		{"set attributes", "POST /api/v4/users/42/userAttributes", fakeCall{status: 201, answer: userJSON,
			body: `{"items":[{"key":"only","value":"this"}]}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Users.SetAttributes(ctx, 42, &AttributesRequest{Items: []KeyValueEntry{{Key: "only", Value: "this"}}})
				return err
			}},
		{"delete attribute", "DELETE /api/v4/users/42/userAttributes/{key}", fakeCall{status: 200},
			func(t *testing.T, c *Client) error { return c.Users.DeleteAttribute(ctx, 42, "cost center#1 ü") }},
	})
}

func TestUsersIterators(t *testing.T) {
	userItem := `{"id":%[1]d,"userName":"u%[1]d","firstName":"F","lastName":"L","isLocked":false,"avatarUuid":"a","hasManageableRooms":false,"lockStatus":1,"login":"u","userRoles":{"items":[]}}`
	runPagedCases(t, []pagedCase{
		{"all users", "GET /api/v4/users", url.Values{"include_attributes": {"true"}, "filter": {"isLocked:eq:false"}}, userItem,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Users.All(ctx, &ListUsersOptions{ListOptions: ListOptions{Limit: 2, Filter: "isLocked:eq:false"}, IncludeAttributes: true}),
					func(u User) int64 { return u.ID })
			}},
		{"all groups of a user", "GET /api/v4/users/7/groups", nil, `{"id":%[1]d,"name":"g","isMember":true}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Users.AllGroups(ctx, 7, &ListOptions{Limit: 2}), func(g UserGroup) int64 { return g.ID })
			}},
		{"all rooms of a user", "GET /api/v4/users/7/rooms", nil, `{"id":%[1]d,"name":"r","isGranted":true,"isEncrypted":false,"recycleBinRetentionPeriod":0,"hasRecycleBin":false}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Users.AllRooms(ctx, 7, &ListOptions{Limit: 2}), func(r GrantedRoom) int64 { return r.ID })
			}},
		{"all attributes of a user", "GET /api/v4/users/7/userAttributes", nil, `{"key":"%[1]d","value":"v"}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Users.AllAttributes(ctx, 7, &ListOptions{Limit: 2}), keyAsID)
			}},
	})
}

// keyAsID reads an attribute key that holds a number.
func keyAsID(e KeyValueEntry) int64 {
	var id int64
	for _, r := range e.Key {
		id = id*10 + int64(r-'0')
	}
	return id
}

// ptrTo returns a pointer to v.
func ptrTo[T any](v T) *T { return &v }

func TestUsersRefuseInvalidRequests(t *testing.T) {
	past := time.Now().Add(-time.Hour)
	local := func(change func(r *CreateUserRequest)) func(ctx context.Context, c *Client) error {
		return func(ctx context.Context, c *Client) error {
			r := NewLocalUser("Ada", "Lovelace", "ada@example.com")
			change(r)
			_, err := c.Users.Create(ctx, r)
			return err
		}
	}
	runInvalidCases(t, []invalidCase{
		{"nil create", "request", func(ctx context.Context, c *Client) error { _, err := c.Users.Create(ctx, nil); return err }},
		{"empty first name", "firstName", local(func(r *CreateUserRequest) { r.FirstName = " " })},
		{"empty last name", "lastName", local(func(r *CreateUserRequest) { r.LastName = "" })},
		{"local user without user name", "userName", local(func(r *CreateUserRequest) { r.UserName = "" })},
		{"bad email", "email", local(func(r *CreateUserRequest) { r.Email = "Ada <ada@example.com>" })},
		{"no email", "email", local(func(r *CreateUserRequest) { r.Email = "" })},
		{"no method", "authData.method", local(func(r *CreateUserRequest) { r.AuthData.Method = "" })},
		{"unknown method", "authData.method", local(func(r *CreateUserRequest) { r.AuthData.Method = "sql" })},
		{"keep password while notified", "authData.mustChangePassword", local(func(r *CreateUserRequest) { r.AuthData.MustChangePassword = ptrTo(false) })},
		{"basic with an IdP id", "authData", local(func(r *CreateUserRequest) { r.AuthData.OIDConfigID = 2 })},
		{"expiry in the past", "expiration.expireAt", local(func(r *CreateUserRequest) { r.Expiration = ExpireAt(past) })},
		{"expiry without date", "expiration.expireAt", local(func(r *CreateUserRequest) { r.Expiration = &Expiration{Enabled: true} })},
		{"date without expiry", "expiration.expireAt", local(func(r *CreateUserRequest) { r.Expiration = &Expiration{ExpireAt: time.Now().Add(time.Hour)} })},
		{"openid without provider", "authData.oidConfigId", func(ctx context.Context, c *Client) error {
			_, err := c.Users.Create(ctx, NewOpenIDUser("A", "B", "a@example.com", "ab", 0))
			return err
		}},
		{"AD without login", "authData.login", func(ctx context.Context, c *Client) error {
			_, err := c.Users.Create(ctx, NewActiveDirectoryUser("A", "B", "a@example.com", "", 1))
			return err
		}},
		{"AD with a password", "authData.password", func(ctx context.Context, c *Client) error {
			r := NewActiveDirectoryUser("A", "B", "a@example.com", "ab", 1)
			r.AuthData.Password = "x"
			_, err := c.Users.Create(ctx, r)
			return err
		}},
		{"get id 0", "userId", func(ctx context.Context, c *Client) error { _, err := c.Users.Get(ctx, 0); return err }},
		{"delete negative id", "userId", func(ctx context.Context, c *Client) error { return c.Users.Delete(ctx, -3) }},
		{"update empty last name", "lastName", func(ctx context.Context, c *Client) error {
			_, err := c.Users.Update(ctx, 1, &UpdateUserRequest{LastName: ptrTo("")})
			return err
		}},
		{"update bad email", "email", func(ctx context.Context, c *Client) error {
			_, err := c.Users.Update(ctx, 1, &UpdateUserRequest{Email: ptrTo("nope")})
			return err
		}},
		{"update AD without directory", "authData.adConfigId", func(ctx context.Context, c *Client) error {
			_, err := c.Users.Update(ctx, 1, &UpdateUserRequest{AuthData: &UpdateUserAuthData{Method: AuthMethodActiveDirectory, Login: "x"}})
			return err
		}},
		{"groups of id 0", "userId", func(ctx context.Context, c *Client) error { _, err := c.Users.ListGroups(ctx, 0, nil); return err }},
		{"no attributes", "items", func(ctx context.Context, c *Client) error {
			_, err := c.Users.UpdateAttributes(ctx, 1, &AttributesRequest{})
			return err
		}},
		{"duplicate attribute", "items.key", func(ctx context.Context, c *Client) error {
			_, err := c.Users.SetAttributes(ctx, 1, &AttributesRequest{Items: []KeyValueEntry{{"k", "1"}, {"k", "2"}}})
			return err
		}},
		{"empty attribute key", "items.key", func(ctx context.Context, c *Client) error {
			_, err := c.Users.SetAttributes(ctx, 1, &AttributesRequest{Items: []KeyValueEntry{{"", "1"}}})
			return err
		}},
		{"attribute key with slash", "key", func(ctx context.Context, c *Client) error { return c.Users.DeleteAttribute(ctx, 1, "a/b") }},
	})
}

func TestCreateUserRequestPasswordStaysSecret(t *testing.T) {
	f := newFakeAPI(t)
	const pw = "Initial-Secret-7"
	f.handle("POST /api/v4/users", fakeCall{status: 400,
		body:   `{"firstName":"A","lastName":"B","userName":"a@example.com","email":"a@example.com","authData":{"method":"basic","password":"Initial-Secret-7"}}`,
		answer: `{"code":400,"message":"Bad Request","debugInfo":"password Initial-Secret-7 too weak","errorCode":-10002}`})
	req := NewLocalUser("A", "B", "a@example.com")
	req.AuthData.Password = pw
	_, err := f.client.Users.Create(context.Background(), req)
	if err == nil || strings.Contains(err.Error(), pw) {
		t.Fatalf("error %v (must exist and not repeat the password)", err)
	}
}
