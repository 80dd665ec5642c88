package dracoon

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// endpointCase is one SDK call and the single request it must send.
type endpointCase struct {
	name   string
	method string
	path   string     // exact path, ids filled in
	query  url.Values // nil: no query
	body   string     // JSON the request must carry; "" for none
	status int
	resp   any // response document; nil for no body
	// offSpec marks endpoints newer than the 4.26.7 document.
	offSpec bool
	call    func(ctx context.Context, c *Client) error
	// check inspects what the call returned, when set.
	check func(t *testing.T)
}

// runEndpointCases registers one handler per case, makes each call once
// and checks that exactly one request was sent.
func runEndpointCases(t *testing.T, cases []endpointCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			h := func(w http.ResponseWriter, r *http.Request) {
				wantQuery(t, r, tc.query)
				wantBody(t, r, tc.body)
				if tc.resp == nil {
					w.WriteHeader(tc.status)
					return
				}
				writeJSON(w, tc.status, tc.resp)
			}
			if tc.offSpec {
				f.handleOffSpec(tc.method, tc.path, h)
			} else {
				f.mux.HandleFunc(tc.method+" "+tc.path, h)
			}
			if err := tc.call(t.Context(), f.client); err != nil {
				t.Fatalf("call: %v", err)
			}
			if n := f.requests.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			if tc.check != nil {
				tc.check(t)
			}
		})
	}
}

var testUser = map[string]any{"id": 3, "userType": "internal", "avatarUuid": "u-3", "userName": "ada", "firstName": "Ada", "lastName": "L"}

func ptr[T any](v T) *T { return &v }

// Copy and move answer with the target node here: the document's other
// answer, 204 with a JSON string body, cannot be satisfied (a 204 has no
// body), so the contract validator would refuse any real 204.
func TestNodeEndpoints(t *testing.T) {
	var node *Node
	var parents []NodeParent
	var list *NodeList
	ts := time.Date(2036, 1, 2, 3, 4, 5, 0, time.UTC) // expiry dates must lie ahead
	cases := []endpointCase{
		{name: "List", method: "GET", path: "/api/v4/nodes",
			query:  url.Values{"parent_id": {"7"}, "depth_level": {"-1"}, "room_manager": {"true"}, "offset": {"10"}, "limit": {"20"}, "filter": {"type:eq:folder"}, "sort": {"name:desc"}},
			status: 200, resp: pageOf(10, 20, 11, []any{nodeJSON(9, "folder", "F", "/R/")}),
			call: func(ctx context.Context, c *Client) (err error) {
				list, err = c.Nodes.List(ctx, 7, &ListNodesOptions{DepthLevel: -1, RoomManager: true, ListOptions: ListOptions{Offset: 10, Limit: 20, Filter: "type:eq:folder", Sort: "name:desc"}})
				return err
			},
			check: func(t *testing.T) {
				if list.Range.Total != 11 || len(list.Items) != 1 || list.Items[0].Name != "F" {
					t.Errorf("list %+v", list)
				}
			}},
		{name: "Get", method: "GET", path: "/api/v4/nodes/42", status: 200, resp: nodeJSON(42, "file", "a b%#?.pdf", "/R/"),
			call: func(ctx context.Context, c *Client) (err error) { node, err = c.Nodes.Get(ctx, 42); return err },
			check: func(t *testing.T) {
				if node.ID != 42 || node.Name != "a b%#?.pdf" || node.Type != NodeTypeFile {
					t.Errorf("node %+v", node)
				}
			}},
		{name: "Parents", method: "GET", path: "/api/v4/nodes/42/parents", status: 200,
			resp: map[string]any{"items": []any{map[string]any{"id": 1, "name": "R", "type": "room"}, map[string]any{"id": 2, "name": "F", "type": "folder", "parentId": 1}}},
			call: func(ctx context.Context, c *Client) (err error) { parents, err = c.Nodes.Parents(ctx, 42); return err },
			check: func(t *testing.T) {
				if len(parents) != 2 || parents[1].ParentID != 1 || parents[0].Type != NodeTypeRoom {
					t.Errorf("parents %+v", parents)
				}
			}},
		{name: "Search", method: "GET", path: "/api/v4/nodes/search",
			query:  url.Values{"search_string": {"report 2026+"}, "parent_id": {"5"}, "depth_level": {"2"}, "filter": {"type:eq:file"}, "sort": {"size:asc"}, "limit": {"50"}},
			status: 200, resp: pageOf(0, 50, 0, []any{}),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Nodes.Search(ctx, &SearchOptions{Query: "report 2026+", ParentID: 5, DepthLevel: 2, ListOptions: ListOptions{Limit: 50, Filter: "type:eq:file", Sort: "size:asc"}})
				return err
			}},
		{name: "Search default query", method: "GET", path: "/api/v4/nodes/search", query: url.Values{"search_string": {"*"}},
			status: 200, resp: pageOf(0, 500, 0, []any{}),
			call: func(ctx context.Context, c *Client) error { _, err := c.Nodes.Search(ctx, nil); return err }},
		{name: "Favorites", method: "GET", path: "/api/v4/nodes/search",
			query:  url.Values{"search_string": {"*"}, "depth_level": {"-1"}, "filter": {"isFavorite:eq:true|type:eq:file"}},
			status: 200, resp: pageOf(0, 500, 1, []any{nodeJSON(3, "file", "x", "/R/")}),
			call: func(ctx context.Context, c *Client) (err error) {
				list, err = c.Nodes.ListFavorites(ctx, &ListOptions{Filter: "type:eq:file"})
				return err
			},
			check: func(t *testing.T) {
				if len(list.Items) != 1 {
					t.Errorf("favorites %+v", list)
				}
			}},
		{name: "MarkFavorite", method: "POST", path: "/api/v4/nodes/3/favorite", status: 201, resp: nodeJSON(3, "file", "x", "/R/"),
			call: func(ctx context.Context, c *Client) error { _, err := c.Nodes.MarkFavorite(ctx, 3); return err }},
		{name: "UnmarkFavorite", method: "DELETE", path: "/api/v4/nodes/3/favorite", status: 204,
			call: func(ctx context.Context, c *Client) error { return c.Nodes.UnmarkFavorite(ctx, 3) }},
		{name: "SetFavorites", method: "PUT", path: "/api/v4/nodes/favorites", status: 204, body: `{"isFavorite":false,"objectIds":[3,4]}`,
			call: func(ctx context.Context, c *Client) error { return c.Nodes.SetFavorites(ctx, []int64{3, 4}, false) }},
		{name: "Delete", method: "DELETE", path: "/api/v4/nodes/8", status: 204,
			call: func(ctx context.Context, c *Client) error { return c.Nodes.Delete(ctx, 8) }},
		{name: "DeleteMany", method: "DELETE", path: "/api/v4/nodes", status: 204, body: `{"nodeIds":[8,9]}`,
			call: func(ctx context.Context, c *Client) error { return c.Nodes.DeleteMany(ctx, []int64{8, 9}) }},
		{name: "CopyTo", method: "POST", path: "/api/v4/nodes/5/copy_to", status: 201, resp: nodeJSON(5, "folder", "T", "/R/"),
			body: `{"items":[{"id":8},{"id":9,"name":"copy of b.txt","timestampModification":"2036-01-02T03:04:05Z"}],"resolutionStrategy":"overwrite","keepShareLinks":true}`,
			call: func(ctx context.Context, c *Client) error {
				return c.Nodes.CopyTo(ctx, 5, &TransferRequest{ResolutionStrategy: ResolutionOverwrite, KeepShareLinks: true,
					Items: []TransferItem{{ID: 8}, {ID: 9, Name: "copy of b.txt", TimestampModification: ts}}})
			}},
		{name: "MoveTo", method: "POST", path: "/api/v4/nodes/5/move_to", status: 200, resp: nodeJSON(5, "folder", "T", "/R/"), body: `{"items":[{"id":8}],"resolutionStrategy":"fail"}`,
			call: func(ctx context.Context, c *Client) error {
				return c.Nodes.MoveTo(ctx, 5, NewTransferRequest(ResolutionFail, 8))
			}},
		{name: "CreateFolder", method: "POST", path: "/api/v4/nodes/folders", status: 201, resp: nodeJSON(11, "folder", "Q1 €", "/R/"),
			body: `{"parentId":5,"name":"Q1 €","notes":"n","timestampCreation":"2036-01-02T03:04:05Z"}`,
			call: func(ctx context.Context, c *Client) (err error) {
				node, err = c.Nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: 5, Name: "Q1 €", Notes: "n", TimestampCreation: ts})
				return err
			},
			check: func(t *testing.T) {
				if node.ID != 11 {
					t.Errorf("folder %+v", node)
				}
			}},
		{name: "UpdateFolder", method: "PUT", path: "/api/v4/nodes/folders/11", status: 200, resp: nodeJSON(11, "folder", "Q2", "/R/"),
			body: `{"name":"Q2","notes":""}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Nodes.UpdateFolder(ctx, 11, &UpdateFolderRequest{Name: ptr("Q2"), Notes: ptr("")})
				return err
			}},
		{name: "UpdateFile", method: "PUT", path: "/api/v4/nodes/files/12", status: 200, resp: nodeJSON(12, "file", "b.pdf", "/R/"),
			body: `{"name":"b.pdf","classification":3,"notes":"x","expiration":{"enableExpiration":true,"expireAt":"2036-01-02T03:04:05Z"},"timestampModification":"2036-01-02T03:04:05Z"}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Nodes.UpdateFile(ctx, 12, &UpdateFileRequest{Name: ptr("b.pdf"), Classification: ClassificationConfidential, Notes: ptr("x"),
					Expiration: &Expiration{Enabled: true, ExpireAt: ts}, TimestampModification: ts})
				return err
			}},
		{name: "UpdateFiles", method: "PUT", path: "/api/v4/nodes/files", status: 204,
			body: `{"objectIds":[12,13],"classification":2,"expiration":{"enableExpiration":false}}`,
			call: func(ctx context.Context, c *Client) error {
				return c.Nodes.UpdateFiles(ctx, &UpdateFilesRequest{FileIDs: []int64{12, 13}, Classification: ClassificationInternal, Expiration: &Expiration{}})
			}},
		{name: "FileVersions", method: "GET", path: "/api/v4/nodes/files/versions/77", offSpec: true, query: url.Values{"limit": {"2"}}, status: 200,
			resp: pageOf(0, 2, 1, []any{map[string]any{"id": 12, "referenceId": 77, "name": "b.pdf", "parentId": 5, "deleted": true}}),
			call: func(ctx context.Context, c *Client) error {
				p, err := c.Nodes.ListFileVersions(ctx, 77, &ListOptions{Limit: 2})
				if err == nil && (len(p.Items) != 1 || !p.Items[0].Deleted) {
					t.Errorf("versions %+v", p)
				}
				return err
			}},
		{name: "Comments", method: "GET", path: "/api/v4/nodes/12/comments", query: url.Values{"hide_deleted": {"true"}, "offset": {"1"}}, status: 200,
			resp: pageOf(1, 500, 2, []any{map[string]any{"id": 1, "text": "hi", "createdAt": "2026-01-02T03:04:05Z", "createdBy": testUser,
				"updatedAt": "2026-01-02T03:04:05Z", "updatedBy": testUser, "isChanged": false, "isDeleted": false}}),
			call: func(ctx context.Context, c *Client) error {
				p, err := c.Nodes.ListComments(ctx, 12, &ListCommentsOptions{Offset: 1, HideDeleted: true})
				if err == nil && (len(p.Items) != 1 || p.Items[0].CreatedBy.UserName != "ada") {
					t.Errorf("comments %+v", p)
				}
				return err
			}},
		{name: "AddComment", method: "POST", path: "/api/v4/nodes/12/comments", body: `{"text":"looks good"}`, status: 201,
			resp: map[string]any{"id": 2, "text": "looks good", "createdAt": "2026-01-02T03:04:05Z", "createdBy": testUser,
				"updatedAt": "2026-01-02T03:04:05Z", "updatedBy": testUser, "isChanged": false, "isDeleted": false},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Nodes.AddComment(ctx, 12, "looks good")
				return err
			}},
		{name: "UpdateComment", method: "PUT", path: "/api/v4/nodes/comments/2", body: `{"text":"better"}`, status: 200,
			resp: map[string]any{"id": 2, "text": "better", "createdAt": "2026-01-02T03:04:05Z", "createdBy": testUser,
				"updatedAt": "2026-01-02T03:04:05Z", "updatedBy": testUser, "isChanged": true, "isDeleted": false},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Nodes.UpdateComment(ctx, 2, "better")
				return err
			}},
		{name: "DeleteComment", method: "DELETE", path: "/api/v4/nodes/comments/2", status: 204,
			call: func(ctx context.Context, c *Client) error { return c.Nodes.DeleteComment(ctx, 2) }},
		{name: "DeletedNodes", method: "GET", path: "/api/v4/nodes/5/deleted_nodes", query: url.Values{"filter": {"type:eq:file"}, "sort": {"name:asc"}}, status: 200,
			resp: pageOf(0, 500, 1, []any{map[string]any{"parentId": 5, "parentPath": "/R/", "name": "b.pdf", "type": "file", "cntVersions": 2,
				"firstDeletedAt": "2026-01-02T03:04:05Z", "lastDeletedAt": "2026-01-02T03:04:05Z", "lastDeletedNodeId": 99}}),
			call: func(ctx context.Context, c *Client) error {
				p, err := c.Nodes.ListDeletedNodes(ctx, 5, &ListOptions{Filter: "type:eq:file", Sort: "name:asc"})
				if err == nil && (len(p.Items) != 1 || p.Items[0].LastDeletedNodeID != 99 || p.Items[0].CntVersions != 2) {
					t.Errorf("deleted %+v", p)
				}
				return err
			}},
		{name: "DeletedVersions", method: "GET", path: "/api/v4/nodes/5/deleted_nodes/versions", query: url.Values{"type": {"file"}, "name": {"b #1.pdf"}}, status: 200,
			resp: pageOf(0, 500, 1, []any{map[string]any{"id": 99, "parentId": 5, "parentPath": "/R/", "name": "b #1.pdf", "type": "file"}}),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Nodes.ListDeletedVersions(ctx, 5, NodeTypeFile, "b #1.pdf", nil)
				return err
			}},
		{name: "DeletedNode", method: "GET", path: "/api/v4/nodes/deleted_nodes/99", status: 200,
			resp: map[string]any{"id": 99, "parentId": 5, "parentPath": "/R/", "name": "b.pdf", "type": "file", "deletedBy": testUser},
			call: func(ctx context.Context, c *Client) error {
				d, err := c.Nodes.DeletedNode(ctx, 99)
				if err == nil && (d.DeletedBy == nil || d.DeletedBy.ID != 3) {
					t.Errorf("deleted node %+v", d)
				}
				return err
			}},
		{name: "EmptyRecycleBin", method: "DELETE", path: "/api/v4/nodes/5/deleted_nodes", status: 204,
			call: func(ctx context.Context, c *Client) error { return c.Nodes.EmptyRecycleBin(ctx, 5) }},
		{name: "PurgeDeleted", method: "DELETE", path: "/api/v4/nodes/deleted_nodes", body: `{"deletedNodeIds":[99]}`, status: 204,
			call: func(ctx context.Context, c *Client) error { return c.Nodes.PurgeDeleted(ctx, []int64{99}) }},
		{name: "Restore", method: "POST", path: "/api/v4/nodes/deleted_nodes/actions/restore", status: 204,
			body: `{"deletedNodeIds":[99,100],"resolutionStrategy":"autorename","keepShareLinks":true,"parentId":6}`,
			call: func(ctx context.Context, c *Client) error {
				return c.Nodes.Restore(ctx, &RestoreRequest{DeletedNodeIDs: []int64{99, 100}, ResolutionStrategy: ResolutionAutorename, KeepShareLinks: true, ParentID: 6})
			}},
	}
	runEndpointCases(t, cases)
}

func TestRoomEndpoints(t *testing.T) {
	perm := map[string]any{"manage": false, "read": true, "create": false, "change": false, "delete": false, "manageDownloadShare": false,
		"manageUploadShare": false, "readRecycleBin": false, "restoreRecycleBin": false, "deleteRecycleBin": false}
	webhook := map[string]any{"id": 4, "name": "hook", "url": "https://example.com/h", "isEnabled": true, "expireAt": "2027-01-02T03:04:05Z",
		"eventTypeNames": []string{"node.created"}, "createdAt": "2026-01-02T03:04:05Z", "updatedAt": "2026-01-02T03:04:05Z"}
	key := &crypto.UserKeyPairContainer{
		PrivateKeyContainer: crypto.PrivateKeyContainer{Version: crypto.KeyPairRSA4096, PrivateKey: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----\n"},
		PublicKeyContainer:  crypto.PublicKeyContainer{Version: crypto.KeyPairRSA4096, PublicKey: "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n"},
	}
	cases := []endpointCase{
		{name: "Create", method: "POST", path: "/api/v4/nodes/rooms", status: 201, resp: nodeJSON(20, "room", "Team", "/"),
			body: `{"name":"Team","recycleBinRetentionPeriod":30,"quota":1000,"adminIds":[3],"adminGroupIds":[4],"newGroupMemberAcceptance":"pending","hasActivitiesLog":true,"classification":2}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Rooms.Create(ctx, &CreateRoomRequest{Name: "Team", RecycleBinRetentionPeriod: ptr(30), Quota: 1000, AdminIDs: []int64{3}, AdminGroupIDs: []int64{4},
					NewGroupMemberAcceptance: GroupMemberAcceptancePending, HasActivitiesLog: ptr(true), Classification: ClassificationInternal})
				return err
			}},
		{name: "Nodes.CreateRoom sub-room", method: "POST", path: "/api/v4/nodes/rooms", status: 201, resp: nodeJSON(21, "room", "Sub", "/Team/"),
			body: `{"name":"Sub","parentId":20}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Nodes.CreateRoom(ctx, &CreateRoomRequest{Name: "Sub", ParentID: 20})
				return err
			}},
		{name: "Update", method: "PUT", path: "/api/v4/nodes/rooms/20", status: 200, resp: nodeJSON(20, "room", "Team 2", "/"),
			body: `{"name":"Team 2","quota":0}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Rooms.Update(ctx, 20, &UpdateRoomRequest{Name: ptr("Team 2"), Quota: ptr(int64(0))})
				return err
			}},
		{name: "Configure", method: "PUT", path: "/api/v4/nodes/rooms/20/config", status: 200, resp: nodeJSON(20, "room", "Team", "/"),
			body: `{"recycleBinRetentionPeriod":0,"inheritPermissions":false,"takeOverPermissions":true,"adminIds":[3],"newGroupMemberAcceptance":"autoallow","hasActivitiesLog":false,"classification":4}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Rooms.Configure(ctx, 20, &ConfigRoomRequest{RecycleBinRetentionPeriod: ptr(0), InheritPermissions: ptr(false), TakeOverPermissions: ptr(true),
					AdminIDs: []int64{3}, NewGroupMemberAcceptance: GroupMemberAcceptanceAutoAllow, HasActivitiesLog: ptr(false), Classification: ClassificationStrictlyConfidential})
				return err
			}},
		{name: "Encrypt with rescue keys", method: "PUT", path: "/api/v4/nodes/rooms/20/encrypt", status: 200, resp: nodeJSON(20, "room", "Team", "/"),
			body: `{"isEncrypted":true,"useDataSpaceRescueKey":true,"dataRoomRescueKey":{"privateKeyContainer":{"version":"RSA-4096","privateKey":"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----\n"},"publicKeyContainer":{"version":"RSA-4096","publicKey":"-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n"}}}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Rooms.Encrypt(ctx, 20, &EncryptRoomRequest{IsEncrypted: true, UseDataSpaceRescueKey: ptr(true), DataRoomRescueKey: key})
				return err
			}},
		{name: "Decrypt", method: "PUT", path: "/api/v4/nodes/rooms/20/encrypt", status: 200, resp: nodeJSON(20, "room", "Team", "/"),
			body: `{"isEncrypted":false}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Rooms.Encrypt(ctx, 20, &EncryptRoomRequest{})
				return err
			}},
		{name: "Users", method: "GET", path: "/api/v4/nodes/rooms/20/users", query: url.Values{"filter": {"isGranted:eq:any"}}, status: 200,
			resp: pageOf(0, 500, 1, []any{map[string]any{"userInfo": testUser, "isGranted": true, "permissions": perm,
				"id": 3, "login": "ada", "displayName": "Ada L", "email": "ada@example.com"}}),
			call: func(ctx context.Context, c *Client) error {
				p, err := c.Rooms.ListUsers(ctx, 20, &ListOptions{Filter: "isGranted:eq:any"})
				if err == nil && (len(p.Items) != 1 || p.Items[0].UserInfo.ID != 3 || !p.Items[0].Permissions.Read) {
					t.Errorf("room users %+v", p)
				}
				return err
			}},
		{name: "GrantUsers", method: "PUT", path: "/api/v4/nodes/rooms/20/users", status: 204,
			body: `{"items":[{"id":3,"permissions":{"manage":false,"read":true,"create":false,"change":false,"delete":false,"manageDownloadShare":false,"manageUploadShare":false,"readRecycleBin":false,"restoreRecycleBin":false,"deleteRecycleBin":false}}]}`,
			call: func(ctx context.Context, c *Client) error {
				return c.Rooms.GrantUsers(ctx, 20, []UserGrant{{ID: 3, Permissions: PermissionsRead}})
			}},
		{name: "RevokeUsers", method: "DELETE", path: "/api/v4/nodes/rooms/20/users", status: 204, body: `{"ids":[3]}`,
			call: func(ctx context.Context, c *Client) error { return c.Rooms.RevokeUsers(ctx, 20, []int64{3}) }},
		{name: "Groups", method: "GET", path: "/api/v4/nodes/rooms/20/groups", query: url.Values{"limit": {"1"}}, status: 200,
			resp: pageOf(0, 1, 1, []any{map[string]any{"id": 4, "name": "Devs", "isGranted": true, "newGroupMemberAcceptance": "pending", "permissions": perm}}),
			call: func(ctx context.Context, c *Client) error {
				p, err := c.Rooms.ListGroups(ctx, 20, &ListOptions{Limit: 1})
				if err == nil && (len(p.Items) != 1 || p.Items[0].NewGroupMemberAcceptance != GroupMemberAcceptancePending) {
					t.Errorf("room groups %+v", p)
				}
				return err
			}},
		{name: "GrantGroups", method: "PUT", path: "/api/v4/nodes/rooms/20/groups", status: 204,
			body: `{"items":[{"id":4,"permissions":{"manage":true,"read":true,"create":true,"change":true,"delete":true,"manageDownloadShare":true,"manageUploadShare":true,"readRecycleBin":true,"restoreRecycleBin":true,"deleteRecycleBin":true},"newGroupMemberAcceptance":"pending"}]}`,
			call: func(ctx context.Context, c *Client) error {
				return c.Rooms.GrantGroups(ctx, 20, []GroupGrant{{ID: 4, Permissions: PermissionsAdmin, NewGroupMemberAcceptance: GroupMemberAcceptancePending}})
			}},
		{name: "RevokeGroups", method: "DELETE", path: "/api/v4/nodes/rooms/20/groups", status: 204, body: `{"ids":[4,5]}`,
			call: func(ctx context.Context, c *Client) error { return c.Rooms.RevokeGroups(ctx, 20, []int64{4, 5}) }},
		{name: "Pending", method: "GET", path: "/api/v4/nodes/rooms/pending", query: url.Values{"filter": {"state:eq:WAITING"}}, status: 200,
			resp: pageOf(0, 500, 1, []any{map[string]any{"roomId": 20, "roomName": "Team", "state": "WAITING", "userInfo": testUser,
				"groupInfo": map[string]any{"id": 4, "name": "Devs"}, "pendingUserData": map[string]any{"id": 3, "login": "ada", "displayName": "Ada", "email": "a@example.com"},
				"pendingGroupData": map[string]any{"id": 4, "name": "Devs"}}}),
			call: func(ctx context.Context, c *Client) error {
				p, err := c.Rooms.ListPending(ctx, &ListOptions{Filter: "state:eq:WAITING"})
				if err == nil && (len(p.Items) != 1 || p.Items[0].GroupInfo.ID != 4 || p.Items[0].UserInfo.ID != 3) {
					t.Errorf("pending %+v", p)
				}
				return err
			}},
		{name: "Decide", method: "PUT", path: "/api/v4/nodes/rooms/pending", status: 204,
			body: `{"items":[{"userId":3,"groupId":4,"roomId":20,"roomName":"Team","state":"ACCEPTED"},{"userId":5,"groupId":4,"roomId":20,"roomName":"Team","state":"DENIED"}]}`,
			call: func(ctx context.Context, c *Client) error {
				a := PendingAssignment{RoomID: 20, RoomName: "Team", UserInfo: UserInfo{ID: 3}}
				a.GroupInfo.ID = 4
				return c.Rooms.DecidePending(ctx, []PendingDecision{a.Decision(PendingAccepted), {UserID: 5, GroupID: 4, RoomID: 20, RoomName: "Team", State: PendingDenied}})
			}},
		{name: "Policies", method: "GET", path: "/api/v4/nodes/rooms/20/policies", offSpec: true, status: 200,
			resp: map[string]any{"defaultExpirationPeriod": 86400, "isVirusProtectionEnabled": true},
			call: func(ctx context.Context, c *Client) error {
				p, err := c.Rooms.Policies(ctx, 20)
				if err == nil && (p.DefaultExpirationPeriod != 86400 || !p.IsVirusProtectionEnabled) {
					t.Errorf("policies %+v", p)
				}
				return err
			}},
		{name: "SetPolicies", method: "PUT", path: "/api/v4/nodes/rooms/20/policies", offSpec: true, status: 204,
			body: `{"defaultExpirationPeriod":0,"virusProtectionEnabled":false}`,
			call: func(ctx context.Context, c *Client) error {
				return c.Rooms.SetPolicies(ctx, 20, &RoomPoliciesRequest{DefaultExpirationPeriod: ptr(int64(0)), VirusProtectionEnabled: ptr(false)})
			}},
		{name: "Webhooks", method: "GET", path: "/api/v4/nodes/rooms/20/webhooks", query: url.Values{"filter": {"isAssigned:eq:true"}}, status: 200,
			resp: pageOf(0, 500, 1, []any{map[string]any{"isAssigned": true, "webhook": webhook}}),
			call: func(ctx context.Context, c *Client) error {
				p, err := c.Rooms.ListWebhooks(ctx, 20, &ListOptions{Filter: "isAssigned:eq:true"})
				if err == nil && (len(p.Items) != 1 || p.Items[0].Webhook.ID != 4 || p.Items[0].Webhook.EventTypeNames[0] != "node.created") {
					t.Errorf("webhooks %+v", p)
				}
				return err
			}},
		{name: "AssignWebhooks", method: "PUT", path: "/api/v4/nodes/rooms/20/webhooks", status: 200,
			body: `{"items":[{"webhookId":4,"isAssigned":true},{"webhookId":5,"isAssigned":false}]}`,
			resp: pageOf(0, 500, 1, []any{map[string]any{"isAssigned": true, "webhook": webhook}}),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Rooms.AssignWebhooks(ctx, 20, []WebhookAssignment{{WebhookID: 4, IsAssigned: true}, {WebhookID: 5}})
				return err
			}},
	}
	runEndpointCases(t, cases)
}

func TestCopyConflictCarriesNodes(t *testing.T) {
	f := newFakeAPI(t)
	f.mux.HandleFunc("POST /api/v4/nodes/5/copy_to", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 409, map[string]any{"code": 409, "message": "Conflict", "debugInfo": "Node exists already", "errorCode": -41001,
			"errorInfos": map[string]any{"conflictNodes": []any{
				map[string]any{"nodeId": 8, "name": "a.pdf", "errorCode": -41001, "errorMessage": "Node exists already"},
				map[string]any{"nodeId": 9, "name": "b.pdf", "errorCode": -41001, "errorMessage": "Node exists already"},
			}}})
	})
	err := f.client.Nodes.CopyTo(t.Context(), 5, NewTransferRequest(ResolutionFail, 8, 9))
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err %v, want a conflict", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err %T is no *APIError", err)
	}
	want := []ConflictNode{{NodeID: 8, Name: "a.pdf", ErrorCode: -41001, ErrorMessage: "Node exists already"}, {NodeID: 9, Name: "b.pdf", ErrorCode: -41001, ErrorMessage: "Node exists already"}}
	if len(apiErr.ConflictNodes) != 2 || apiErr.ConflictNodes[0] != want[0] || apiErr.ConflictNodes[1] != want[1] || apiErr.ErrorCode != -41001 {
		t.Errorf("conflict %+v", apiErr)
	}

	// Other errors carry no conflict nodes.
	f.mux.HandleFunc("POST /api/v4/nodes/6/move_to", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, map[string]any{"code": 404, "message": "Not Found", "debugInfo": "Node not found", "errorCode": -41000})
	})
	err = f.client.Nodes.MoveTo(t.Context(), 6, NewTransferRequest("", 8))
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrNotFound) || apiErr.ConflictNodes != nil {
		t.Errorf("404: %v / %+v", err, apiErr)
	}
}
