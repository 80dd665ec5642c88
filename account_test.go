package dracoon

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAccountEndpoints(t *testing.T) {
	ctx := context.Background()
	accountJSON := `{"id":7,"customerId":1,"userName":"admin","firstName":"Grace","lastName":"H","isLocked":false,"hasManageableRooms":true,
		"userRoles":{"items":[]},"language":"en-US","authData":{"method":"basic"},"lockStatus":1,"needsToChangePassword":false}`
	attrsJSON := `{"range":{"offset":0,"limit":500,"total":2},"items":[{"key":"a","value":"1"},{"key":"b","value":"2"}]}`
	runOpCases(t, []opCase{
		{"update", "PUT /api/v4/user/account", fakeCall{body: `{"firstName":"Grace","email":"grace@example.com","language":"de-DE"}`, answer: accountJSON},
			func(t *testing.T, c *Client) error {
				a, err := c.Account.Update(ctx, &UpdateAccountRequest{FirstName: ptrTo("Grace"), Email: ptrTo("grace@example.com"), Language: ptrTo("de-DE")})
				return firstError(err, expect(err == nil && a.FirstName == "Grace", "%+v", a))
			}},
		{"change password", "PUT /api/v4/user/account/password", fakeCall{body: `{"oldPassword":"Old-Secret-1","newPassword":"New-Secret-2"}`},
			func(t *testing.T, c *Client) error {
				return c.Account.ChangePassword(ctx, "Old-Secret-1", "New-Secret-2")
			}},
		{"profile attributes", "GET /api/v4/user/profileAttributes", fakeCall{query: "filter=key:sw:a&sort=value:asc", answer: attrsJSON},
			func(t *testing.T, c *Client) error {
				l, err := c.Account.ListProfileAttributes(ctx, &ListOptions{Filter: "key:sw:a", Sort: "value:asc"})
				return firstError(err, expect(err == nil && l.Range.Total == 2 && l.Items[1].Value == "2", "%+v", l))
			}},
		{"set profile attributes", "PUT /api/v4/user/profileAttributes", fakeCall{body: `{"items":[{"key":"a","value":"1"}]}`, answer: attrsJSON},
			func(t *testing.T, c *Client) error {
				return c.Account.SetProfileAttributes(ctx, NewAttributesRequest(map[string]string{"a": "1"}))
			}},
		{"delete profile attribute", "DELETE /api/v4/user/profileAttributes/{key}", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Account.DeleteProfileAttribute(ctx, "a b?c") }},
	})
}

func TestProfileAttributeKeysAreEscaped(t *testing.T) {
	f := newFakeAPI(t)
	var got string
	f.mux.HandleFunc("DELETE /api/v4/user/profileAttributes/{key}", func(w http.ResponseWriter, r *http.Request) {
		got = r.PathValue("key")
		w.WriteHeader(http.StatusNoContent)
	})
	const key = "cost center?#%+ü"
	if err := f.client.Account.DeleteProfileAttribute(context.Background(), key); err != nil {
		t.Fatal(err)
	}
	if got != key {
		t.Errorf("server saw key %q, want %q", got, key)
	}
}

func TestAllProfileAttributes(t *testing.T) {
	runPagedCases(t, []pagedCase{
		{"all profile attributes", "GET /api/v4/user/profileAttributes", url.Values{"sort": {"key:asc"}}, `{"key":"%[1]d","value":"v"}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Account.AllProfileAttributes(ctx, &ListOptions{Limit: 2, Sort: "key:asc"}), keyAsID)
			}},
	})
}

func TestAccountRefusesInvalidRequests(t *testing.T) {
	runInvalidCases(t, []invalidCase{
		{"nil update", "request", func(ctx context.Context, c *Client) error { _, err := c.Account.Update(ctx, nil); return err }},
		{"empty first name", "firstName", func(ctx context.Context, c *Client) error {
			_, err := c.Account.Update(ctx, &UpdateAccountRequest{FirstName: ptrTo("")})
			return err
		}},
		{"bad email", "email", func(ctx context.Context, c *Client) error {
			_, err := c.Account.Update(ctx, &UpdateAccountRequest{Email: ptrTo("grace@")})
			return err
		}},
		{"same password", "newPassword", func(ctx context.Context, c *Client) error { return c.Account.ChangePassword(ctx, "Same-1", "Same-1") }},
		{"empty old password", "oldPassword", func(ctx context.Context, c *Client) error { return c.Account.ChangePassword(ctx, "", "New-1") }},
		{"no profile attributes", "items", func(ctx context.Context, c *Client) error {
			return c.Account.SetProfileAttributes(ctx, NewAttributesRequest(nil))
		}},
		{"empty key", "key", func(ctx context.Context, c *Client) error { return c.Account.DeleteProfileAttribute(ctx, "") }},
		{"dot-dot key", "key", func(ctx context.Context, c *Client) error { return c.Account.DeleteProfileAttribute(ctx, "..") }},
	})
}

func TestChangePasswordKeepsPasswordsOutOfErrors(t *testing.T) {
	f := newFakeAPI(t)
	f.handle("PUT /api/v4/user/account/password", fakeCall{status: 400, body: `{"oldPassword":"Old-Secret-1","newPassword":"New-Secret-2"}`,
		answer: `{"code":400,"message":"Bad Request","debugInfo":"New-Secret-2 breaks the policy","errorCode":-10002}`})
	err := f.client.Account.ChangePassword(context.Background(), "Old-Secret-1", "New-Secret-2")
	if err == nil || strings.Contains(err.Error(), "New-Secret-2") || strings.Contains(err.Error(), "Old-Secret-1") {
		t.Fatalf("error %v (must exist and hold no password)", err)
	}
}
