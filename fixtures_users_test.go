package dracoon

// Tests against other projects' recordings in ../shared/testdata/api (read
// in place; skipped when absent): the Java SDK's recorded key pair and
// profile attribute requests, and dco3's user, group and role responses.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
)

func TestRecordedKeyPairAndProfileExchanges(t *testing.T) {
	const kp, pa = "user/java-sdk/account/user_key_pair", "user/java-sdk/account/user_profile_attribute"
	tokenResp := readFixture[recordedResponse](t, "auth/java-sdk/oauth/retrieve_tokens/retrieve_tokens_response.json")
	login := exchange{req: readFixture[recordedRequest](t, "auth/java-sdk/oauth/refresh_tokens/refresh_tokens_request.json"), resp: tokenResp}
	form, _ := url.ParseQuery(login.req.Body.Content)
	set := ex(t, kp, "set_key_pair_request.json", "set_key_pair_response.json")

	h, n := replay(t, login,
		ex(t, kp, "get_key_pair_request.json", "get_key_pair_response.json"),
		ex(t, kp, "get_key_pair_by_version_request.json", "get_key_pair_by_version_response.json"),
		ex(t, kp, "get_key_pairs_request.json", "get_key_pairs_response.json"),
		set,
		ex(t, kp, "delete_key_pair_by_version_request.json", "delete_key_pair_by_version_response.json"),
		ex(t, kp, "get_key_pair_request.json", "not_found_response.json"),
		ex(t, pa, "get_attribute_request.json", "get_attribute_response.json"),
		ex(t, pa, "set_attribute_request.json", "set_attribute_response.json"),
		ex(t, pa, "delete_attribute_request.json", "delete_attribute_response.json"),
	)
	c := javaClient(t, h)
	ctx := context.Background()
	if err := c.Connect(ctx, RefreshTokenFlow(form.Get("refresh_token"))); err != nil {
		t.Fatal(err)
	}
	pair, err := c.Account.KeyPair(ctx, "")
	if err != nil || pair.PrivateKeyContainer.Version != crypto.KeyPairRSA2048 || pair.PublicKeyContainer.PublicKey == "" {
		t.Fatalf("key pair %v, %v", pair, err)
	}
	if _, err := c.Account.KeyPair(ctx, crypto.KeyPairRSA2048); err != nil {
		t.Fatal(err)
	}
	pairs, err := c.Account.KeyPairs(ctx)
	if err != nil || len(pairs) != 2 || pairs[1].PrivateKeyContainer.Version != crypto.KeyPairRSA4096 {
		t.Fatalf("key pairs %v, %v", pairs, err)
	}
	var recorded crypto.UserKeyPairContainer
	if err := json.Unmarshal([]byte(set.req.Body.Content), &recorded); err != nil {
		t.Fatal(err)
	}
	if err := c.Account.SetKeyPair(ctx, &recorded); err != nil {
		t.Fatal(err)
	}
	if err := c.Account.DeleteKeyPair(ctx, crypto.KeyPairRSA2048); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Account.KeyPair(ctx, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("no key pair: %v", err)
	}
	attrs, err := c.Account.ListProfileAttributes(ctx, nil)
	if err != nil || len(attrs.Items) != 1 || attrs.Items[0].Key != "test-key" {
		t.Fatalf("profile attributes %+v, %v", attrs, err)
	}
	if err := c.Account.SetProfileAttributes(ctx, NewAttributesRequest(map[string]string{"test-key": "test-value"})); err != nil {
		t.Fatal(err)
	}
	if err := c.Account.DeleteProfileAttribute(ctx, "test-key"); err != nil {
		t.Fatal(err)
	}
	if *n != 10 {
		t.Errorf("%d requests, want 10", *n)
	}
}

// TestRecordedUserGroupRoleResponsesDecode reads dco3's response fixtures
// through our models.
func TestRecordedUserGroupRoleResponsesDecode(t *testing.T) {
	f := newFakeAPI(t)
	for pattern, file := range map[string]string{
		"GET /api/v4/users":                "users/dco3/users_ok.json",
		"GET /api/v4/users/1":              "users/dco3/user_ok.json",
		"GET /api/v4/groups":               "groups/dco3/groups_ok.json",
		"GET /api/v4/groups/1":             "groups/dco3/group_ok.json",
		"GET /api/v4/roles":                "roles/dco3/roles_ok.json",
		"GET /api/v4/roles/1/users":        "roles/dco3/role_user_list_ok.json",
		"GET /api/v4/roles/1/groups":       "roles/dco3/role_group_list_ok.json",
		"GET /api/v4/user/account/keypair": "user/dco3/keypair_ok.json",
	} {
		b, err := os.ReadFile(apiData(t, file))
		if err != nil {
			t.Fatal(err)
		}
		f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { writeRaw(w, string(b)) })
	}
	ctx := context.Background()
	users, err := f.client.Users.List(ctx, nil)
	if err != nil || users.Range.Total != 1 || users.Items[0].UserName != "string" || users.Items[0].CreatedAt.IsZero() || !users.Items[0].IsEncryptionEnabled {
		t.Errorf("users %+v, %v", users, err)
	}
	user, err := f.client.Users.Get(ctx, 1)
	if err != nil || user.AuthData.Method != AuthMethodBasic || user.HomeRoomID != 2 || !user.IsMFAEnforced || user.ExpireAt.IsZero() {
		t.Errorf("user %+v, %v", user, err)
	}
	groups, err := f.client.Groups.List(ctx, nil)
	if err != nil || groups.Items[0].CntUsers != 1 || groups.Items[0].CreatedBy.ID != 2 || groups.Items[0].UpdatedBy == nil || groups.Items[0].ExpireAt.IsZero() {
		t.Errorf("groups %+v, %v", groups, err)
	}
	group, err := f.client.Groups.Get(ctx, 1)
	if err != nil || group.ID != 1 || group.Name == "" {
		t.Errorf("group %+v, %v", group, err)
	}
	roles, err := f.client.Roles.List(ctx)
	if err != nil || len(roles.Items) == 0 || len(roles.Items[0].Items) == 0 {
		t.Errorf("roles %+v, %v", roles, err)
	}
	ru, err := f.client.Roles.ListUsers(ctx, 1, nil)
	if err != nil || ru.Items[0].UserInfo.UserName != "user name" || !ru.Items[0].IsMember {
		t.Errorf("role users %+v, %v", ru, err)
	}
	rg, err := f.client.Roles.ListGroups(ctx, 1, nil)
	if err != nil || len(rg.Items) == 0 || rg.Items[0].Name == "" {
		t.Errorf("role groups %+v, %v", rg, err)
	}
	pair, err := f.client.Account.KeyPair(ctx, "")
	if err != nil || pair.PrivateKeyContainer.Version != crypto.KeyPairRSA4096 || pair.PrivateKeyContainer.CreatedBy != 1 || pair.PublicKeyContainer.CreatedAt.IsZero() {
		t.Errorf("key pair %v, %v", pair, err)
	}
}
