package dracoon

// End-to-end scenarios with several users against the contract-checked
// emulator: permissions, groups, roles, last admins, paging with filters,
// concurrency, path resolution, conflicts, the recycle bin and key pairs.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// requestCounter counts the /api requests an emulator receives and the
// most that were in flight at once.
type requestCounter struct {
	total, inFlight, peak atomic.Int32
}

func (rc *requestCounter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			rc.total.Add(1)
			n := rc.inFlight.Add(1)
			defer rc.inFlight.Add(-1)
			for p := rc.peak.Load(); n > p && !rc.peak.CompareAndSwap(p, n); p = rc.peak.Load() {
			}
		}
		next.ServeHTTP(w, r)
	})
}

// scenario is an emulator with its admin client and a request counter.
type scenario struct {
	t     *testing.T
	srv   *dracoontest.Server
	admin *Client
	count *requestCounter
}

func newScenario(t *testing.T, opts ...dracoontest.Option) *scenario {
	t.Helper()
	rc := &requestCounter{}
	srv, c := adminOnEmulator(t, append(opts, dracoontest.WithMiddleware(rc.middleware))...)
	return &scenario{t: t, srv: srv, admin: c, count: rc}
}

// user creates a local user through the SDK (no notification, no
// password change required) and returns it with a logged-in client.
func (s *scenario) user(login string) (*User, *Client) {
	s.t.Helper()
	req := NewLocalUser(login, "Tester", login+"@example.com")
	req.UserName = login
	req.NotifyUser = ptrTo(false)
	req.AuthData.Password = "Pass-" + login + "-1"
	req.AuthData.MustChangePassword = ptrTo(false)
	u, err := s.admin.Users.Create(s.t.Context(), req)
	if err != nil {
		s.t.Fatal(err)
	}
	c := emulatorClient(s.t, s.srv)
	if err := c.Connect(s.t.Context(), PasswordFlow(login, req.AuthData.Password)); err != nil {
		s.t.Fatal(err)
	}
	return u, c
}

// roleID looks a role up by name.
func (s *scenario) roleID(name string) int64 {
	s.t.Helper()
	roles, err := s.admin.Roles.List(s.t.Context())
	if err != nil {
		s.t.Fatal(err)
	}
	for _, r := range roles.Items {
		if r.Name == name {
			return r.ID
		}
	}
	s.t.Fatalf("no role %s", name)
	return 0
}

// wantAPICode fails unless err is an *APIError with DRACOON error code code.
func wantAPICode(t *testing.T, what string, err error, code int) {
	t.Helper()
	var ae *APIError
	if !errors.As(err, &ae) || ae.ErrorCode != code {
		t.Errorf("%s: %v, want error code %d", what, err, code)
	}
}

// TestEmulatorScenarioPermissions plays an admin, a room manager (by a
// group's role), a plain member and a guest: denials, group grants,
// inherited permissions and the last-admin rule on grants, users and
// groups.
func TestEmulatorScenarioPermissions(t *testing.T) {
	s := newScenario(t)
	ctx := t.Context()
	manager, mc := s.user("manager")
	member, uc := s.user("member")
	guest, gc := s.user("guest")

	// The manager holds ROOM_MANAGER through a group, not directly.
	if _, err := mc.Rooms.Create(ctx, &CreateRoomRequest{Name: "Denied", AdminIDs: []int64{manager.ID}}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("room without the role: %v", err)
	}
	managers, err := s.admin.Groups.Create(ctx, &CreateGroupRequest{Name: "Room managers"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.Groups.AddUsers(ctx, managers.ID, []int64{manager.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.Roles.AddGroups(ctx, s.roleID(RoleRoomManager), []int64{managers.ID}); err != nil {
		t.Fatal(err)
	}
	room, err := mc.Rooms.Create(ctx, &CreateRoomRequest{Name: "Project", AdminIDs: []int64{manager.ID}})
	if err != nil {
		t.Fatal(err)
	}

	// A reader may look but not create; a guest sees nothing.
	if err := mc.Rooms.GrantUsers(ctx, room.ID, []UserGrant{{ID: member.ID, Permissions: PermissionsRead}}); err != nil {
		t.Fatal(err)
	}
	if n, err := uc.Nodes.Get(ctx, room.ID); err != nil || n.Permissions == nil || !n.Permissions.Read || n.Permissions.Create {
		t.Errorf("member's view of the room: %+v, %v", n, err)
	}
	if _, err := uc.Nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: room.ID, Name: "mine"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("reader creating a folder: %v", err)
	}
	if _, err := gc.Nodes.Get(ctx, room.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("guest reading the room: %v", err)
	}
	if err := uc.Rooms.GrantUsers(ctx, room.ID, []UserGrant{{ID: guest.ID, Permissions: PermissionsRead}}); !errors.Is(err, ErrForbidden) {
		t.Errorf("reader granting: %v", err)
	}

	// A group grant lets the guest edit.
	editors, err := s.admin.Groups.Create(ctx, &CreateGroupRequest{Name: "Editors"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.Groups.AddUsers(ctx, editors.ID, []int64{guest.ID}); err != nil {
		t.Fatal(err)
	}
	if err := mc.Rooms.GrantGroups(ctx, room.ID, []GroupGrant{{ID: editors.ID, Permissions: PermissionsEdit}}); err != nil {
		t.Fatal(err)
	}
	if _, err := gc.Nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: room.ID, Name: "by guest"}); err != nil {
		t.Errorf("editor through the group: %v", err)
	}

	// A sub-room that inherits: the same people, the same rights.
	sub, err := mc.Rooms.Create(ctx, &CreateRoomRequest{Name: "Sub", ParentID: room.ID, InheritPermissions: ptrTo(true)})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := uc.Nodes.Get(ctx, sub.ID); err != nil || !n.Permissions.Read || n.Permissions.Create {
		t.Errorf("member in the inheriting sub-room: %+v, %v", n, err)
	}
	if _, err := gc.Nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: sub.ID, Name: "inherited"}); err != nil {
		t.Errorf("group editor in the inheriting sub-room: %v", err)
	}

	// Last admin: the manager cannot leave the room or be deleted.
	wantAPICode(t, "revoking the last admin", mc.Rooms.RevokeUsers(ctx, room.ID, []int64{manager.ID}), -40006)
	wantAPICode(t, "deleting the last admin", s.admin.Users.Delete(ctx, manager.ID), -40006)
	if rooms, err := s.admin.Users.LastAdminRooms(ctx, manager.ID); err != nil || len(rooms) != 1 || rooms[0].ID != room.ID {
		t.Errorf("manager's last-admin rooms %+v, %v", rooms, err)
	}

	// A room whose only admin is a group: the group and its only member
	// are protected.
	owned, err := s.admin.Rooms.Create(ctx, &CreateRoomRequest{Name: "Owned by editors", AdminGroupIDs: []int64{editors.ID}})
	if err != nil {
		t.Fatal(err)
	}
	wantAPICode(t, "deleting the admin group", s.admin.Groups.Delete(ctx, editors.ID), -40006)
	wantAPICode(t, "deleting the group's only member", s.admin.Users.Delete(ctx, guest.ID), -40006)
	if rooms, err := s.admin.Groups.LastAdminRooms(ctx, editors.ID); err != nil || len(rooms) != 1 || rooms[0].ID != owned.ID {
		t.Errorf("group's last-admin rooms %+v, %v", rooms, err)
	}
	if rooms, err := s.admin.Users.LastAdminRooms(ctx, guest.ID); err != nil || len(rooms) != 1 || !rooms[0].LastAdminInGroup || rooms[0].LastAdminInGroupID != editors.ID {
		t.Errorf("guest's last-admin rooms %+v, %v", rooms, err)
	}
	// A second admin, named by the group's member, frees them.
	if err := gc.Rooms.GrantUsers(ctx, owned.ID, []UserGrant{{ID: member.ID, Permissions: PermissionsAdmin}}); err != nil {
		t.Fatal(err)
	}
	if err := s.admin.Users.Delete(ctx, guest.ID); err != nil {
		t.Errorf("deleting the guest once another admin exists: %v", err)
	}
}

// TestEmulatorScenarioBadInput: invalid requests fail with
// ErrInvalidRequest before anything reaches the server.
func TestEmulatorScenarioBadInput(t *testing.T) {
	s := newScenario(t)
	ctx := t.Context()
	room, err := s.srv.CreateRoom("Checks", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.admin
	for name, call := range map[string]func() error{
		"empty folder name": func() error {
			_, err := c.Nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: room, Name: ""})
			return err
		},
		"folder name with a slash": func() error {
			_, err := c.Nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: room, Name: "a/b"})
			return err
		},
		"room name with a slash": func() error {
			_, err := c.Rooms.Create(ctx, &CreateRoomRequest{Name: "x/y", AdminIDs: []int64{s.srv.AdminID}})
			return err
		},
		"negative node id": func() error { _, err := c.Nodes.Get(ctx, -1); return err },
		"negative user id": func() error { _, err := c.Users.Get(ctx, -5); return err },
		"permissions without read": func() error {
			return c.Rooms.GrantUsers(ctx, room, []UserGrant{{ID: s.srv.AdminID, Permissions: NodePermissions{Delete: true}}})
		},
		"group permissions without read": func() error {
			return c.Rooms.GrantGroups(ctx, room, []GroupGrant{{ID: 1, Permissions: NodePermissions{Manage: true}}})
		},
	} {
		before := s.count.total.Load()
		err := call()
		if !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s: %v, want ErrInvalidRequest", name, err)
		}
		if n := s.count.total.Load() - before; n != 0 {
			t.Errorf("%s: %d requests sent", name, n)
		}
	}
}

// TestEmulatorScenarioPagingFilterSort lists 1,200 folders through the
// iterator with a filter and a sort and compares with the expected list;
// search agrees.
func TestEmulatorScenarioPagingFilterSort(t *testing.T) {
	const n = 1200
	s := newScenario(t)
	room, err := s.srv.CreateRoom("Paged", nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range n {
		name := fmt.Sprintf("item %04d", i)
		if _, err := s.srv.CreateFolder(room, name); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(name, "7") {
			want = append(want, name)
		}
	}
	slices.Reverse(want)
	if _, err := s.srv.CreateFile(room, "item 7777.txt", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	collect := func(seq func(func(Node, error) bool)) []string {
		var got []string
		for nd, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, nd.Name)
		}
		return got
	}
	opts := &ListNodesOptions{ListOptions: ListOptions{Limit: 100, Filter: "type:eq:folder|name:cn:7", Sort: "name:desc", ReadAhead: 2}}
	if got := collect(s.admin.Nodes.All(t.Context(), room, opts)); !slices.Equal(got, want) {
		t.Errorf("listed %d folders (first %v), want %d", len(got), got[:min(3, len(got))], len(want))
	}
	all := collect(s.admin.Nodes.All(t.Context(), room, &ListNodesOptions{ListOptions: ListOptions{Sort: "name:asc"}}))
	if len(all) != n+1 || !slices.IsSorted(all) {
		t.Errorf("all children: %d, sorted %v", len(all), slices.IsSorted(all))
	}
	search := &SearchOptions{Query: "item*", ParentID: room, ListOptions: ListOptions{Limit: 250, Filter: "type:eq:folder", Sort: "name:desc"}}
	found := collect(s.admin.Nodes.SearchAll(t.Context(), search))
	if len(found) != n || found[0] != "item 1199" || found[n-1] != "item 0000" {
		t.Errorf("search found %d, from %q", len(found), found[:min(1, len(found))])
	}
}

// TestEmulatorScenarioConcurrentCreation: 50 goroutines create rooms and
// users through one client limited to 4 requests at a time.
func TestEmulatorScenarioConcurrentCreation(t *testing.T) {
	const workers, limit = 50, 4
	s := newScenario(t)
	c := emulatorClient(t, s.srv, WithMaxConcurrentRequests(limit))
	if err := c.Connect(t.Context(), PasswordFlow(s.srv.AdminLogin, s.srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	s.count.peak.Store(0)
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for i := range workers {
		wg.Go(func() {
			if _, err := c.Rooms.Create(t.Context(), &CreateRoomRequest{Name: fmt.Sprintf("Parallel %02d", i), AdminIDs: []int64{s.srv.AdminID}}); err != nil {
				errs <- err
			}
			req := NewLocalUser("Par", fmt.Sprint(i), fmt.Sprintf("par%02d@example.com", i))
			req.NotifyUser = ptrTo(false)
			req.AuthData.Password = fmt.Sprintf("Parallel-Pass-%02d", i)
			req.AuthData.MustChangePassword = ptrTo(false)
			if _, err := c.Users.Create(t.Context(), req); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if p := s.count.peak.Load(); p > limit {
		t.Errorf("%d requests in flight at once, limit %d", p, limit)
	}
	rooms, err := c.Nodes.List(t.Context(), 0, &ListNodesOptions{ListOptions: ListOptions{Filter: "name:cn:Parallel"}})
	if err != nil || rooms.Range.Total != workers {
		t.Errorf("rooms: %v, %v", rooms, err)
	}
	users, err := c.Users.List(t.Context(), &ListUsersOptions{ListOptions: ListOptions{Filter: "userName:cn:par"}})
	if err != nil || users.Range.Total != workers {
		t.Errorf("users: %v, %v", users, err)
	}
}

// TestEmulatorScenarioResolveLookAlikes resolves names that differ only
// in case, suffix or special characters.
func TestEmulatorScenarioResolveLookAlikes(t *testing.T) {
	s := newScenario(t)
	ctx := t.Context()
	room, err := s.srv.CreateRoom("Look alikes", nil)
	if err != nil {
		t.Fatal(err)
	}
	folder, err := s.srv.CreateFolder(room, "Sub folder #2")
	if err != nil {
		t.Fatal(err)
	}
	// Names are unique regardless of case in one parent, so A.pdf lives
	// next door.
	upper, err := s.srv.CreateFolder(room, "Upper")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.srv.CreateFile(upper, "A.pdf", []byte("A"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.srv.CreateFile(upper, "a.pdf.bak", []byte("bak"), nil); err != nil {
		t.Fatal(err)
	}
	var pe *PathNotFoundError
	if _, err := s.admin.Nodes.Resolve(ctx, "/Look alikes/Upper/a.pdf"); !errors.As(err, &pe) || pe.Segment != "a.pdf" {
		t.Errorf("a.pdf next to A.pdf and a.pdf.bak: %v", err)
	}
	names := []string{"a.pdf.bak", "a.pdf", "with space.txt", "100%.txt", "#hash.txt", "plus+sign.txt", "Grüße ñ.txt", "a"}
	ids := map[string]int64{}
	for _, name := range names {
		id, err := s.srv.CreateFile(folder, name, []byte(name), nil)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = id
	}
	for _, name := range names {
		n, err := s.admin.Nodes.Resolve(ctx, "/Look alikes/Sub folder #2/"+name)
		if err != nil || n.ID != ids[name] || n.Name != name {
			t.Errorf("%q: %+v, %v", name, n, err)
		}
	}
	// Without a.pdf, neither look-alike stands in for it.
	if err := s.admin.Nodes.Delete(ctx, ids["a.pdf"]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.Nodes.Resolve(ctx, "/Look alikes/Sub folder #2/a.pdf"); !errors.As(err, &pe) || pe.Segment != "a.pdf" {
		t.Errorf("deleted a.pdf: %v", err)
	}
	// DRACOON refuses '?' in names; a path with one is sent intact and
	// simply not found.
	if _, err := s.admin.Nodes.Resolve(ctx, "/Look alikes/Sub folder #2/a?.pdf"); !errors.As(err, &pe) || pe.Segment != "a?.pdf" {
		t.Errorf("name with '?': %v", err)
	}
	if _, err := s.admin.Nodes.Resolve(ctx, "/look alikes"); !errors.As(err, &pe) {
		t.Errorf("room name in other case: %v", err)
	}
}

// TestEmulatorScenarioConflictsAndRecycleBin: copy and move conflicts name
// the clashing nodes; a deleted file goes through the recycle bin and back.
func TestEmulatorScenarioConflictsAndRecycleBin(t *testing.T) {
	s := newScenario(t)
	ctx := t.Context()
	c := s.admin
	room, err := s.srv.CreateRoom("Bins", nil)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := s.srv.CreateFolder(room, "from")
	to, _ := s.srv.CreateFolder(room, "to")
	src, err := s.srv.CreateFile(from, "report.txt", []byte("new"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.srv.CreateFile(to, "report.txt", []byte("old"), nil); err != nil {
		t.Fatal(err)
	}
	for name, op := range map[string]func(context.Context, int64, *TransferRequest) error{"copy": c.Nodes.CopyTo, "move": c.Nodes.MoveTo} {
		err := op(ctx, to, NewTransferRequest(ResolutionFail, src))
		var ae *APIError
		if !errors.Is(err, ErrConflict) || !errors.As(err, &ae) || len(ae.ConflictNodes) != 1 || ae.ConflictNodes[0].NodeID != src {
			t.Errorf("%s conflict: %v (%+v)", name, err, ae)
		}
	}
	if err := c.Nodes.CopyTo(ctx, to, NewTransferRequest(ResolutionAutorename, src)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Nodes.Resolve(ctx, "/Bins/to/report (1).txt"); err != nil {
		t.Errorf("autorenamed copy: %v", err)
	}

	// Recycle bin round trip.
	if err := c.Nodes.Delete(ctx, src); err != nil {
		t.Fatal(err)
	}
	var deleted []DeletedNodeSummary
	for d, err := range c.Nodes.AllDeletedNodes(ctx, from, nil) {
		if err != nil {
			t.Fatal(err)
		}
		deleted = append(deleted, d)
	}
	if len(deleted) != 1 || deleted[0].Name != "report.txt" {
		t.Fatalf("recycle bin %+v", deleted)
	}
	versions, err := c.Nodes.ListDeletedVersions(ctx, from, "file", "report.txt", nil)
	if err != nil || len(versions.Items) != 1 {
		t.Fatalf("deleted versions %+v, %v", versions, err)
	}
	if err := c.Nodes.Restore(ctx, &RestoreRequest{DeletedNodeIDs: []int64{versions.Items[0].ID}}); err != nil {
		t.Fatal(err)
	}
	back, err := c.Nodes.Resolve(ctx, "/Bins/from/report.txt")
	if err != nil {
		t.Fatalf("restored file: %v", err)
	}
	if err := c.Nodes.Delete(ctx, back.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.Nodes.EmptyRecycleBin(ctx, from); err != nil {
		t.Fatal(err)
	}
	if page, err := c.Nodes.ListDeletedNodes(ctx, from, nil); err != nil || page.Range.Total != 0 {
		t.Errorf("after emptying: %+v, %v", page, err)
	}
}

// TestEmulatorScenarioKeyPairRoundTrip generates a key pair in the SDK,
// unlocks it from the server's copy and deletes it again.
func TestEmulatorScenarioKeyPairRoundTrip(t *testing.T) {
	s := newScenario(t)
	ctx := t.Context()
	_, c := s.user("crypto")
	const password = "Encryption-Secret-1"
	made, err := c.Account.GenerateKeyPair(ctx, password, crypto.KeyPairRSA2048)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Account.UnlockKeyPair(ctx, "not-"+password); !errors.Is(err, ErrWrongEncryptionPassword) {
		t.Errorf("wrong password: %v", err)
	}
	kp, err := c.Account.UnlockKeyPair(ctx, password)
	if err != nil {
		t.Fatal(err)
	}
	if kp.Version() != crypto.KeyPairRSA2048 || c.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) != kp {
		t.Errorf("unlocked %v", kp.Version())
	}
	stored, err := c.Account.KeyPair(ctx, crypto.KeyPairRSA2048)
	if err != nil || stored.PublicKeyContainer.PublicKey != made.PublicKeyContainer.PublicKey {
		t.Errorf("stored public key differs: %v", err)
	}
	if err := c.Account.DeleteKeyPair(ctx, crypto.KeyPairRSA2048); err != nil {
		t.Fatal(err)
	}
	if c.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) != nil {
		t.Error("the deleted key pair stays unlocked")
	}
	if acc, err := c.Account.Get(ctx); err != nil || acc.IsEncryptionEnabled {
		t.Errorf("account after deleting the key pair: %+v, %v", acc, err)
	}
}
