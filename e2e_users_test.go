package dracoon

// End-to-end tests of users, groups, roles, key pairs and profile
// attributes against the emulator, under the contract validator like the
// other e2e tests.

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// adminOnEmulator starts a contract-checked emulator and logs its admin in.
func adminOnEmulator(t *testing.T, opts ...dracoontest.Option) (*dracoontest.Server, *Client) {
	t.Helper()
	srv := newEmulator(t, opts...)
	c := emulatorClient(t, srv)
	if err := c.Connect(context.Background(), PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestEmulatorUsersGroupsRoles(t *testing.T) {
	srv, c := adminOnEmulator(t)
	ctx := context.Background()

	req := NewLocalUser("Ada", "Lovelace", "ada@example.com")
	req.NotifyUser = ptrTo(false)
	req.AuthData.Password = "Initial-Secret-1"
	ada, err := c.Users.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if ada.ID == 0 || ada.UserName != "ada@example.com" || ada.AuthData.Method != AuthMethodBasic {
		t.Fatalf("created %+v", ada)
	}
	if u, err := c.Users.Update(ctx, ada.ID, &UpdateUserRequest{LastName: ptrTo("King")}); err != nil || u.LastName != "King" {
		t.Fatalf("update: %+v, %v", u, err)
	}
	found, err := c.Users.List(ctx, &ListUsersOptions{ListOptions: ListOptions{Filter: "userName:cn:ada"}})
	if err != nil || found.Range.Total != 1 || found.Items[0].ID != ada.ID {
		t.Fatalf("filtered list: %+v, %v", found, err)
	}
	n := 0
	for u, err := range c.Users.All(ctx, &ListUsersOptions{ListOptions: ListOptions{Limit: 1}}) {
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == ada.ID || u.ID == srv.AdminID {
			n++
		}
	}
	if n != 2 {
		t.Errorf("All met %d of the admin and Ada", n)
	}

	// Attributes.
	if _, err := c.Users.UpdateAttributes(ctx, ada.ID, NewAttributesRequest(map[string]string{"dept": "R&D", "floor": "3"})); err != nil {
		t.Fatal(err)
	}
	if err := c.Users.DeleteAttribute(ctx, ada.ID, "floor"); err != nil {
		t.Fatal(err)
	}
	attrs, err := c.Users.ListAttributes(ctx, ada.ID, nil)
	if err != nil || len(attrs.Items) != 1 || attrs.Items[0] != (KeyValueEntry{"dept", "R&D"}) {
		t.Errorf("attributes %+v, %v", attrs, err)
	}

	// Groups and members.
	staff, err := c.Groups.Create(ctx, &CreateGroupRequest{Name: "Staff"})
	if err != nil {
		t.Fatal(err)
	}
	if g, err := c.Groups.AddUsers(ctx, staff.ID, []int64{ada.ID}); err != nil || g.CntUsers != 1 {
		t.Fatalf("add member: %+v, %v", g, err)
	}
	var members []int64
	for m, err := range c.Groups.AllUsers(ctx, staff.ID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m.UserInfo.ID)
	}
	if !slices.Equal(members, []int64{ada.ID}) {
		t.Errorf("members %v", members)
	}
	ug, err := c.Users.ListGroups(ctx, ada.ID, nil)
	if err != nil || len(ug.Items) != 1 || ug.Items[0].ID != staff.ID || !ug.Items[0].IsMember {
		t.Errorf("Ada's groups %+v, %v", ug, err)
	}
	if g, err := c.Groups.Update(ctx, staff.ID, &UpdateGroupRequest{Name: ptrTo("Team")}); err != nil || g.Name != "Team" {
		t.Errorf("rename: %+v, %v", g, err)
	}

	// Roles for users and groups.
	roles, err := c.Roles.List(ctx)
	if err != nil || !roles.Has(RoleRoomManager) {
		t.Fatalf("roles %+v, %v", roles, err)
	}
	var roomManager int64
	for _, r := range roles.Items {
		if r.Name == RoleRoomManager {
			roomManager = r.ID
		}
	}
	if _, err := c.Roles.AddUsers(ctx, roomManager, []int64{ada.ID}); err != nil {
		t.Fatal(err)
	}
	if r, err := c.Users.Roles(ctx, ada.ID); err != nil || !r.Has(RoleRoomManager) {
		t.Errorf("Ada's roles %+v, %v", r, err)
	}
	if _, err := c.Roles.RemoveUsers(ctx, roomManager, []int64{ada.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Roles.AddGroups(ctx, roomManager, []int64{staff.ID}); err != nil {
		t.Fatal(err)
	}
	rg, err := c.Roles.ListGroups(ctx, roomManager, nil)
	if err != nil || !slices.ContainsFunc(rg.Items, func(g RoleGroupEntry) bool { return g.ID == staff.ID }) {
		t.Errorf("groups with the role %+v, %v", rg, err)
	}
	if r, err := c.Groups.Roles(ctx, staff.ID); err != nil || !r.Has(RoleRoomManager) {
		t.Errorf("group roles %+v, %v", r, err)
	}
	if _, err := c.Roles.RemoveGroups(ctx, roomManager, []int64{staff.ID}); err != nil {
		t.Fatal(err)
	}

	// The last-admin rule.
	room, err := c.Nodes.CreateRoom(ctx, &CreateRoomRequest{Name: "Ada's room", AdminIDs: []int64{ada.ID}})
	if err != nil {
		t.Fatal(err)
	}
	last, err := c.Users.LastAdminRooms(ctx, ada.ID)
	if err != nil || len(last) != 1 || last[0].ID != room.ID {
		t.Fatalf("last admin rooms %+v, %v", last, err)
	}
	if err := c.Users.Delete(ctx, ada.ID); !errors.Is(err, ErrBadRequest) {
		t.Errorf("deleting the last admin of a room: %v", err)
	}
	if gl, err := c.Groups.LastAdminRooms(ctx, staff.ID); err != nil || len(gl) != 0 {
		t.Errorf("group's last admin rooms %+v, %v", gl, err)
	}

	if _, err := c.Groups.RemoveUsers(ctx, staff.ID, []int64{ada.ID}); err != nil {
		t.Errorf("remove member: %v", err)
	}
	if err := c.Groups.Delete(ctx, staff.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Groups.Get(ctx, staff.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted group: %v", err)
	}
}

func TestEmulatorKeyPairsAndProfile(t *testing.T) {
	_, c := adminOnEmulator(t, dracoontest.WithCrypto(true))
	ctx := context.Background()
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA2048)

	if err := c.Account.SetKeyPair(ctx, &fx.UserKeyPair); err != nil {
		t.Fatal(err)
	}
	if err := c.Account.SetKeyPair(ctx, &fx.UserKeyPair); !errors.Is(err, ErrConflict) {
		t.Errorf("second key pair of one version: %v", err)
	}
	pairs, err := c.Account.KeyPairs(ctx)
	if err != nil || len(pairs) != 1 {
		t.Fatalf("key pairs %v, %v", pairs, err)
	}
	if _, err := c.Account.UnlockKeyPair(ctx, "wrong-"+fx.Password); !errors.Is(err, ErrWrongEncryptionPassword) {
		t.Errorf("wrong password: %v", err)
	}
	kp, err := c.Account.UnlockKeyPairVersion(ctx, crypto.KeyPairRSA2048, fx.Password)
	if err != nil || c.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) != kp {
		t.Fatalf("unlock: %v", err)
	}
	if acc, err := c.Account.Get(ctx); err != nil || !acc.IsEncryptionEnabled {
		t.Errorf("account after setting a key pair: %+v, %v", acc, err)
	}
	if err := c.Account.DeleteKeyPair(ctx, crypto.KeyPairRSA2048); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Account.KeyPair(ctx, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted key pair: %v", err)
	}

	if err := c.Account.SetProfileAttributes(ctx, NewAttributesRequest(map[string]string{"theme": "dark", "tz": "UTC"})); err != nil {
		t.Fatal(err)
	}
	if err := c.Account.DeleteProfileAttribute(ctx, "tz"); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for a, err := range c.Account.AllProfileAttributes(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, a.Key)
	}
	if !slices.Equal(keys, []string{"theme"}) {
		t.Errorf("profile attributes %v", keys)
	}
}
