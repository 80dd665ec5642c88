package dracoon

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// TestValidateRefusesBeforeSending makes calls the server would refuse and
// checks that each fails with ErrInvalidRequest naming the field, and that
// the fake server saw no request at all.
func TestValidateRefusesBeforeSending(t *testing.T) {
	f := newFakeAPI(t)
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request sent: %s %s", r.Method, r.URL)
		w.WriteHeader(500)
	})
	c := f.client
	nodes, rooms := c.Nodes, c.Rooms
	root := &CreateRoomRequest{AdminIDs: []int64{1}}
	withName := func(name string) *CreateRoomRequest { r := *root; r.Name = name; return &r }
	long := strings.Repeat("ä", 151)
	for _, tc := range []struct {
		name  string
		field string
		call  func(ctx context.Context) error
	}{
		{"room: empty name", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName("")); return err }},
		{"room: blank name", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName("  ")); return err }},
		{"room: name with slash", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName("a/b")); return err }},
		{"room: name with backslash", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName(`a\b`)); return err }},
		{"room: name too long", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName(long)); return err }},
		{"room: trailing dot", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName("a.")); return err }},
		{"room: leading dash", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName("-a")); return err }},
		{"room: reserved name", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName("con.txt")); return err }},
		{"room: control character", "name", func(ctx context.Context) error { _, err := rooms.Create(ctx, withName("a\tb")); return err }},
		{"room: nil request", "request", func(ctx context.Context) error { _, err := rooms.Create(ctx, nil); return err }},
		{"room: negative parent", "parentId", func(ctx context.Context) error {
			_, err := rooms.Create(ctx, &CreateRoomRequest{Name: "a", ParentID: -1})
			return err
		}},
		{"room: no admin at top level", "adminIds", func(ctx context.Context) error {
			_, err := rooms.Create(ctx, &CreateRoomRequest{Name: "a"})
			return err
		}},
		{"room: inherit at top level", "inheritPermissions", func(ctx context.Context) error {
			_, err := rooms.Create(ctx, &CreateRoomRequest{Name: "a", AdminIDs: []int64{1}, InheritPermissions: ptr(true)})
			return err
		}},
		{"room: sub-room without inheritance or admins", "adminIds", func(ctx context.Context) error {
			_, err := nodes.CreateRoom(ctx, &CreateRoomRequest{Name: "a", ParentID: 3, InheritPermissions: ptr(false)})
			return err
		}},
		{"room: notes too long", "notes", func(ctx context.Context) error {
			r := withName("a")
			r.Notes = strings.Repeat("n", 256)
			_, err := rooms.Create(ctx, r)
			return err
		}},
		{"folder update: notes too long", "notes", func(ctx context.Context) error {
			_, err := nodes.UpdateFolder(ctx, 1, &UpdateFolderRequest{Notes: ptr(strings.Repeat("ü", 256))})
			return err
		}},
		{"room: negative admin id", "adminIds[1]", func(ctx context.Context) error {
			_, err := rooms.Create(ctx, &CreateRoomRequest{Name: "a", AdminIDs: []int64{1, -2}})
			return err
		}},
		{"room: classification 5", "classification", func(ctx context.Context) error {
			r := withName("a")
			r.Classification = 5
			_, err := rooms.Create(ctx, r)
			return err
		}},
		{"room: retention 10000", "recycleBinRetentionPeriod", func(ctx context.Context) error {
			r := withName("a")
			r.RecycleBinRetentionPeriod = ptr(10000)
			_, err := rooms.Create(ctx, r)
			return err
		}},
		{"room: negative quota", "quota", func(ctx context.Context) error {
			r := withName("a")
			r.Quota = -1
			_, err := rooms.Create(ctx, r)
			return err
		}},
		{"room: unknown acceptance", "newGroupMemberAcceptance", func(ctx context.Context) error {
			r := withName("a")
			r.NewGroupMemberAcceptance = "maybe"
			_, err := rooms.Create(ctx, r)
			return err
		}},
		{"room update: bad name", "name", func(ctx context.Context) error {
			_, err := rooms.Update(ctx, 1, &UpdateRoomRequest{Name: ptr("x|y")})
			return err
		}},
		{"room update: negative id", "room_id", func(ctx context.Context) error {
			_, err := rooms.Update(ctx, -1, &UpdateRoomRequest{})
			return err
		}},
		{"config: admins with inheritance", "adminIds", func(ctx context.Context) error {
			_, err := rooms.Configure(ctx, 1, &ConfigRoomRequest{InheritPermissions: ptr(true), AdminIDs: []int64{2}})
			return err
		}},
		{"config: classification 0 is fine but -1 not", "classification", func(ctx context.Context) error {
			_, err := rooms.Configure(ctx, 1, &ConfigRoomRequest{Classification: -1})
			return err
		}},
		{"encrypt: rescue key when decrypting", "dataRoomRescueKey", func(ctx context.Context) error {
			_, err := rooms.Encrypt(ctx, 1, &EncryptRoomRequest{DataRoomRescueKey: &crypto.UserKeyPairContainer{}})
			return err
		}},
		{"encrypt: empty rescue key", "dataRoomRescueKey", func(ctx context.Context) error {
			_, err := rooms.Encrypt(ctx, 1, &EncryptRoomRequest{IsEncrypted: true, DataRoomRescueKey: &crypto.UserKeyPairContainer{}})
			return err
		}},
		{"grant: no read", "items[0].permissions", func(ctx context.Context) error {
			return rooms.GrantUsers(ctx, 1, []UserGrant{{ID: 2, Permissions: NodePermissions{Create: true}}})
		}},
		{"grant: nothing", "items[1].permissions", func(ctx context.Context) error {
			return rooms.GrantUsers(ctx, 1, []UserGrant{{ID: 2, Permissions: PermissionsRead}, {ID: 3}})
		}},
		{"grant: manage without the rest", "items[0].permissions", func(ctx context.Context) error {
			return rooms.GrantGroups(ctx, 1, []GroupGrant{{ID: 2, Permissions: NodePermissions{Manage: true, Read: true}}})
		}},
		{"grant: restore without reading the bin", "items[0].permissions", func(ctx context.Context) error {
			return rooms.GrantGroups(ctx, 1, []GroupGrant{{ID: 2, Permissions: NodePermissions{Read: true, RestoreRecycleBin: true}}})
		}},
		{"grant: negative user id", "items[0].id", func(ctx context.Context) error {
			return rooms.GrantUsers(ctx, 1, []UserGrant{{ID: -5, Permissions: PermissionsRead}})
		}},
		{"grant: empty batch", "items", func(ctx context.Context) error { return rooms.GrantUsers(ctx, 1, nil) }},
		{"revoke: zero id", "ids[0]", func(ctx context.Context) error { return rooms.RevokeUsers(ctx, 1, []int64{0}) }},
		{"revoke groups: none", "ids", func(ctx context.Context) error { return rooms.RevokeGroups(ctx, 1, nil) }},
		{"pending: waiting is no decision", "items[0].state", func(ctx context.Context) error {
			return rooms.DecidePending(ctx, []PendingDecision{{UserID: 1, GroupID: 2, RoomID: 3, RoomName: "R", State: PendingWaiting}})
		}},
		{"policies: nothing to change", "defaultExpirationPeriod", func(ctx context.Context) error {
			return rooms.SetPolicies(ctx, 1, &RoomPoliciesRequest{})
		}},
		{"webhooks: bad id", "items[0].webhookId", func(ctx context.Context) error {
			_, err := rooms.AssignWebhooks(ctx, 1, []WebhookAssignment{{WebhookID: 0}})
			return err
		}},
		{"folder: empty name", "name", func(ctx context.Context) error {
			_, err := nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: 1})
			return err
		}},
		{"folder: name with slash", "name", func(ctx context.Context) error {
			_, err := nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: 1, Name: "a/b"})
			return err
		}},
		{"folder: no parent", "parentId", func(ctx context.Context) error {
			_, err := nodes.CreateFolder(ctx, &CreateFolderRequest{Name: "a"})
			return err
		}},
		{"folder update: empty name", "name", func(ctx context.Context) error {
			_, err := nodes.UpdateFolder(ctx, 1, &UpdateFolderRequest{Name: ptr("")})
			return err
		}},
		{"file: classification 9", "classification", func(ctx context.Context) error {
			_, err := nodes.UpdateFile(ctx, 1, &UpdateFileRequest{Classification: 9})
			return err
		}},
		{"file: expiry without date", "expiration.expireAt", func(ctx context.Context) error {
			_, err := nodes.UpdateFile(ctx, 1, &UpdateFileRequest{Expiration: &Expiration{Enabled: true}})
			return err
		}},
		{"file: expiry in the past", "expiration.expireAt", func(ctx context.Context) error {
			_, err := nodes.UpdateFile(ctx, 1, &UpdateFileRequest{Expiration: ExpireAt(time.Now().Add(-time.Hour))})
			return err
		}},
		{"file: negative id", "file_id", func(ctx context.Context) error {
			_, err := nodes.UpdateFile(ctx, -3, &UpdateFileRequest{})
			return err
		}},
		{"files: no ids", "objectIds", func(ctx context.Context) error {
			return nodes.UpdateFiles(ctx, &UpdateFilesRequest{Classification: 1})
		}},
		{"files: nothing to change", "classification", func(ctx context.Context) error {
			return nodes.UpdateFiles(ctx, &UpdateFilesRequest{FileIDs: []int64{1}})
		}},
		{"get: negative id", "node_id", func(ctx context.Context) error { _, err := nodes.Get(ctx, -1); return err }},
		{"get: zero id", "node_id", func(ctx context.Context) error { _, err := nodes.Get(ctx, 0); return err }},
		{"list: negative parent", "parent_id", func(ctx context.Context) error { _, err := nodes.List(ctx, -1, nil); return err }},
		{"list: depth -2", "depth_level", func(ctx context.Context) error {
			_, err := nodes.List(ctx, 0, &ListNodesOptions{DepthLevel: -2})
			return err
		}},
		{"list: negative limit", "limit", func(ctx context.Context) error {
			_, err := nodes.List(ctx, 0, &ListNodesOptions{ListOptions: ListOptions{Limit: -1}})
			return err
		}},
		{"search: negative parent", "parent_id", func(ctx context.Context) error {
			_, err := nodes.Search(ctx, &SearchOptions{ParentID: -1})
			return err
		}},
		{"delete many: negative id", "nodeIds[1]", func(ctx context.Context) error { return nodes.DeleteMany(ctx, []int64{1, -1}) }},
		{"copy: no items", "items", func(ctx context.Context) error { return nodes.CopyTo(ctx, 1, &TransferRequest{}) }},
		{"copy: bad strategy", "resolutionStrategy", func(ctx context.Context) error {
			return nodes.CopyTo(ctx, 1, NewTransferRequest("replace", 2))
		}},
		{"move: bad new name", "items[0].name", func(ctx context.Context) error {
			return nodes.MoveTo(ctx, 1, &TransferRequest{Items: []TransferItem{{ID: 2, Name: "a:b"}}})
		}},
		{"move: negative target", "node_id", func(ctx context.Context) error { return nodes.MoveTo(ctx, -1, NewTransferRequest("", 2)) }},
		{"restore: no ids", "deletedNodeIds", func(ctx context.Context) error { return nodes.Restore(ctx, &RestoreRequest{}) }},
		{"restore: bad strategy", "resolutionStrategy", func(ctx context.Context) error {
			return nodes.Restore(ctx, &RestoreRequest{DeletedNodeIDs: []int64{1}, ResolutionStrategy: "x"})
		}},
		{"deleted versions: bad type", "type", func(ctx context.Context) error {
			_, err := nodes.ListDeletedVersions(ctx, 1, NodeTypeRoom, "a", nil)
			return err
		}},
		{"purge: no ids", "deletedNodeIds", func(ctx context.Context) error { return nodes.PurgeDeleted(ctx, nil) }},
		{"comment: empty", "text", func(ctx context.Context) error { _, err := nodes.AddComment(ctx, 1, " "); return err }},
		{"favorites: none", "objectIds", func(ctx context.Context) error { return nodes.SetFavorites(ctx, nil, true) }},
		{"resolve: empty path", "path", func(ctx context.Context) error { _, err := nodes.Resolve(ctx, "/"); return err }},
		{"resolve: empty segment", "path", func(ctx context.Context) error { _, err := nodes.Resolve(ctx, "/a//b"); return err }},
	} {
		err := tc.call(t.Context())
		var ie *InvalidRequestError
		switch {
		case !errors.Is(err, ErrInvalidRequest):
			t.Errorf("%s: err %v, want ErrInvalidRequest", tc.name, err)
		case !errors.As(err, &ie) || ie.Field != tc.field:
			t.Errorf("%s: field %q, want %q (%v)", tc.name, ie.Field, tc.field, err)
		case !strings.Contains(err.Error(), tc.field):
			t.Errorf("%s: message %q does not name the field", tc.name, err)
		}
	}
	if n := f.requests.Load(); n != 0 {
		t.Errorf("%d requests sent for refused input", n)
	}
}

// TestValidateAcceptsWhatTheServerTakes guards against over-eager rules.
func TestValidateAcceptsWhatTheServerTakes(t *testing.T) {
	for name, v := range map[string]interface{ Validate() error }{
		"sub-room inheriting":    &CreateRoomRequest{Name: "Sub room (1) – ä.b", ParentID: 2},
		"sub-room with admins":   &CreateRoomRequest{Name: "a", ParentID: 2, InheritPermissions: ptr(false), AdminGroupIDs: []int64{4}},
		"inheriting with admins": &CreateRoomRequest{Name: "a", ParentID: 2, AdminIDs: []int64{4}},
		"255-character notes":    &UpdateFileRequest{Notes: ptr(strings.Repeat("ü", 255))},
		"top room":               &CreateRoomRequest{Name: "Top", AdminIDs: []int64{1}, RecycleBinRetentionPeriod: ptr(0), Classification: 4},
		"names with % # + space": &CreateFolderRequest{ParentID: 1, Name: "100% #1 + more"},
		"150 characters":         &CreateFolderRequest{ParentID: 1, Name: strings.Repeat("é", 150)},
		"empty update":           &UpdateFileRequest{},
		"expiry off":             &UpdateFileRequest{Expiration: &Expiration{}},
		"expiry on":              &UpdateFileRequest{Expiration: ExpireAt(time.Now().Add(time.Hour))},
		"read only":              PermissionsRead,
		"edit":                   PermissionsEdit,
		"admin":                  PermissionsAdmin,
		"decrypt":                &EncryptRoomRequest{},
		"config nothing":         &ConfigRoomRequest{},
	} {
		if err := v.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
