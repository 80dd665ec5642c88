package emulator_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// The DRACOON Python client (dracoon 1.13, adapters nodes, user, users,
// groups and roles) against the emulator, request by request: each call
// below is sent exactly as the client builds it (hand-made query strings
// with a trailing slash before "?", filters quoted with
// urllib.parse.quote, sort unquoted, bodies from pydantic models with
// exclude_unset, explicit nulls in file updates, DELETE with JSON bodies),
// and the answer must decode into the client's pydantic model: every
// field the model requires is there with the right type. The exchanges
// run under the contract validator.

// pyModels lists the required fields of the Python client's response
// models: "path kind", where a path segment "items[]" walks every element
// of a list and kind is int, str, bool, datetime, list, obj or enum:a|b.
var pyModels = map[string][]string{
	"Range":    {"range.offset int", "range.limit int", "range.total int"},
	"UserInfo": {"id int", "userType enum:internal|external|system|deleted"},
	// groups.responses.UserInfo also requires avatarUuid.
	"GroupUserInfo": {"id int", "userType enum:internal|external|system|deleted", "avatarUuid str"},
	"Node":          {"id int", "type enum:file|folder|room", "name str"},
	"Group":         {"id int", "name str", "createdAt datetime", "createdBy obj:GroupUserInfo", "cntUsers int"},
	"Role":          {"id int", "name str", "description str"},
	"UserData":      {"id int", "userName str", "firstName str", "lastName str", "isLocked bool", "avatarUuid str", "authData.method str"},
	"UserItem":      {"id int", "userName str", "firstName str", "lastName str", "isLocked bool", "avatarUuid str"},
	"UserAccount": {"id int", "userName str", "firstName str", "lastName str", "isLocked bool", "hasManageableRooms bool",
		"userRoles.items[] obj:Role", "language str", "authData.method str"},
	"KeyPair": {"privateKeyContainer.version str", "privateKeyContainer.privateKey str",
		"publicKeyContainer.version str", "publicKeyContainer.publicKey str"},
	"Comment": {"id int", "text str", "createdAt datetime", "createdBy obj:UserInfo", "updatedAt datetime", "updatedBy obj:UserInfo",
		"isChanged bool", "isDeleted bool"},
	"DeletedNode": {"parentId int", "parentPath str", "type enum:file|folder|room", "name str"},

	"NodeList":      {"list:Range", "items[] obj:Node"},
	"NodeParents":   {"items[].id int", "items[].name str", "items[].type enum:file|folder|room"},
	"CommentList":   {"list:Range", "items[] obj:Comment"},
	"DeletedList":   {"list:Range", "items[] obj:DeletedNode"},
	"DeletedSumms":  {"list:Range", "items[].parentId int", "items[].parentPath str", "items[].name str", "items[].type str", "items[].cntVersions int", "items[].firstDeletedAt datetime", "items[].lastDeletedAt datetime", "items[].lastDeletedNodeId int"},
	"FileVersions":  {"list:Range", "items[].id int", "items[].referenceId int", "items[].name str"},
	"RoomUsers":     {"list:Range", "items[].userInfo obj:UserInfo", "items[].isGranted bool"},
	"RoomGroups":    {"list:Range", "items[].id int", "items[].isGranted bool", "items[].name str"},
	"Pending":       {"list:Range", "items[].roomId int", "items[].roomName str", "items[].state enum:ACCEPTED|WAITING|DENIED", "items[].userInfo obj:UserInfo", "items[].groupInfo.id int", "items[].groupInfo.name str"},
	"GroupList":     {"list:Range", "items[] obj:Group"},
	"GroupUsers":    {"list:Range", "items[].userInfo obj:GroupUserInfo", "items[].isMember bool"},
	"GroupLastAdm":  {"items[].id int", "items[].name str", "items[].parentPath str"},
	"RoleList":      {"items[] obj:Role"},
	"RoleGroupList": {"list:Range", "items[].id int", "items[].isMember bool", "items[].name str"},
	"RoleUserList":  {"list:Range", "items[].userInfo obj:UserInfo", "items[].isMember bool"},
	"UserList":      {"list:Range", "items[] obj:UserItem"},
	"UserGroupList": {"list:Range", "items[].id int", "items[].isMember bool", "items[].name str"},
	"UserLastAdm":   {"items[].id int", "items[].name str", "items[].parentPath str", "items[].lastAdminInGroup bool"},
	"Attributes":    {"list:Range", "items[].key str", "items[].value str"},
}

// checkPyModel fails unless v decodes into the Python model name.
func checkPyModel(t *testing.T, what string, v any, name string) {
	t.Helper()
	specs, ok := pyModels[name]
	if !ok {
		t.Fatalf("no Python model %s", name)
	}
	for _, spec := range specs {
		if sub, ok := strings.CutPrefix(spec, "list:"); ok {
			checkPyModel(t, what, v, sub)
			continue
		}
		path, kind, _ := strings.Cut(spec, " ")
		checkPyPath(t, what+" ("+name+")", v, strings.Split(path, "."), path, kind)
	}
}

func checkPyPath(t *testing.T, what string, v any, segs []string, path, kind string) {
	t.Helper()
	if len(segs) == 0 {
		checkPyKind(t, what, path, v, kind)
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: %s: not an object: %v", what, path, v)
		return
	}
	key, list := strings.CutSuffix(segs[0], "[]")
	next, present := m[key]
	if !present || next == nil {
		t.Errorf("%s: required %s is missing", what, path)
		return
	}
	if !list {
		checkPyPath(t, what, next, segs[1:], path, kind)
		return
	}
	arr, ok := next.([]any)
	if !ok {
		t.Errorf("%s: %s: not a list", what, path)
		return
	}
	for _, el := range arr {
		checkPyPath(t, what, el, segs[1:], path, kind)
	}
}

func checkPyKind(t *testing.T, what, path string, v any, kind string) {
	t.Helper()
	bad := false
	switch {
	case kind == "int":
		f, ok := v.(float64)
		bad = !ok || f != float64(int64(f))
	case kind == "str":
		_, ok := v.(string)
		bad = !ok
	case kind == "bool":
		_, ok := v.(bool)
		bad = !ok
	case kind == "datetime":
		s, ok := v.(string)
		_, err := time.Parse(time.RFC3339, s)
		bad = !ok || err != nil
	case strings.HasPrefix(kind, "enum:"):
		s, ok := v.(string)
		bad = !ok || !strings.Contains("|"+kind[len("enum:"):]+"|", "|"+s+"|")
	case strings.HasPrefix(kind, "obj:"):
		checkPyModel(t, what+"."+path, v, kind[len("obj:"):])
		return
	default:
		t.Fatalf("unknown kind %q", kind)
	}
	if bad {
		t.Errorf("%s: %s = %v is no %s", what, path, v, kind)
	}
}

// pyClient sends requests as the Python client does, with one token.
type pyClient struct {
	t   *testing.T
	srv *dracoontest.Server
	tk  string
}

// call sends method path (below /api/v4) with body, expects status and,
// when model is not "", an answer of that Python model; it returns the
// decoded answer.
func (p pyClient) call(method, path, body string, status int, model string) any {
	p.t.Helper()
	r := api(p.t, p.srv, p.tk, method, path, body)
	if r.status != status {
		p.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.body)
	}
	if model == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		p.t.Fatalf("%s %s: %v: %s", method, path, err, r.body)
	}
	checkPyModel(p.t, method+" "+path, v, model)
	return v
}

// num reads an integer field of a decoded object.
func num(v any, key string) int64 {
	f, _ := v.(map[string]any)[key].(float64)
	return int64(f)
}

// firstItem returns the first element of a list answer's items.
func firstItem(t *testing.T, v any) any {
	t.Helper()
	it, _ := v.(map[string]any)["items"].([]any)
	if len(it) == 0 {
		t.Fatalf("empty list: %v", v)
	}
	return it[0]
}

func TestPythonClientUsersGroupsRoles(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	py := pyClient{t, srv, login(t, srv).Access}

	// users: make_local_user + create_user, then the readers.
	user := py.call("POST", "/users", `{"firstName":"Py","lastName":"Thon","email":"py@example.com","userName":"py@example.com","authData":{"method":"basic"}}`, 201, "UserData")
	uid := num(user, "id")
	py.call("GET", "/users/?offset=0", "", 200, "UserList")
	py.call("GET", "/users/?offset=0&filter="+pyQuote("userName:cn:py|isLocked:eq:false")+"&limit=10&sort=userName:asc", "", 200, "UserList")
	py.call("GET", fmt.Sprintf("/users/%d", uid), "", 200, "UserData")
	py.call("PUT", fmt.Sprintf("/users/%d", uid), `{"isLocked":false,"phone":"+49 1","firstName":"Pi","authData":{"method":"basic"},"mfaConfig":{"mfaEnforced":false}}`, 200, "UserData")
	py.call("PUT", fmt.Sprintf("/users/%d/userAttributes", uid), `{"items":[{"key":"dept","value":"R&D"}]}`, 200, "UserData")
	py.call("GET", fmt.Sprintf("/users/%d/userAttributes/?offset=0&filter=%s", uid, pyQuote("key:cn:de")), "", 200, "Attributes")
	py.call("DELETE", fmt.Sprintf("/users/%d/userAttributes/dept", uid), "", 200, "")
	py.call("GET", fmt.Sprintf("/users/%d/roles", uid), "", 200, "RoleList")

	// groups: make_group + create_group, members, roles, last admin rooms.
	group := py.call("POST", "/groups", `{"name":"Py Group"}`, 201, "Group")
	gid := num(group, "id")
	py.call("GET", "/groups/?offset=0&filter="+pyQuote("name:cn:py"), "", 200, "GroupList")
	py.call("GET", fmt.Sprintf("/groups/%d", gid), "", 200, "Group")
	py.call("PUT", fmt.Sprintf("/groups/%d", gid), `{"name":"Py Group 2"}`, 200, "Group")
	py.call("POST", fmt.Sprintf("/groups/%d/users", gid), fmt.Sprintf(`{"ids":[%d]}`, uid), 200, "Group")
	py.call("GET", fmt.Sprintf("/groups/%d/users/?offset=0", gid), "", 200, "GroupUsers")
	py.call("GET", fmt.Sprintf("/users/%d/groups/?offset=0&filter=%s", uid, pyQuote("isMember:eq:true")), "", 200, "UserGroupList")
	py.call("GET", fmt.Sprintf("/groups/%d/roles", gid), "", 200, "RoleList")

	// roles: the lists and their changes answer with lists.
	py.call("GET", "/roles", "", 200, "RoleList")
	py.call("POST", "/roles/4/groups", fmt.Sprintf(`{"ids":[%d]}`, gid), 200, "RoleGroupList")
	py.call("GET", "/roles/4/groups", "", 200, "RoleGroupList")
	py.call("POST", "/roles/4/users", fmt.Sprintf(`{"ids":[%d]}`, uid), 200, "RoleUserList")
	py.call("GET", "/roles/4/users", "", 200, "RoleUserList")
	py.call("DELETE", "/roles/4/users", fmt.Sprintf(`{"ids":[%d]}`, uid), 200, "RoleUserList")
	py.call("DELETE", "/roles/4/groups", fmt.Sprintf(`{"ids":[%d]}`, gid), 200, "RoleGroupList")

	// The group administers a room alone: last admin rooms on both sides.
	room := py.call("POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Py Group Room","adminGroupIds":[%d]}`, gid), 201, "Node")
	la := py.call("GET", fmt.Sprintf("/groups/%d/last_admin_rooms", gid), "", 200, "GroupLastAdm")
	if num(firstItem(t, la), "id") != num(room, "id") {
		t.Errorf("group last admin rooms %v", la)
	}
	ula := py.call("GET", fmt.Sprintf("/users/%d/last_admin_rooms", uid), "", 200, "UserLastAdm")
	if firstItem(t, ula).(map[string]any)["lastAdminInGroup"] != true {
		t.Errorf("user last admin rooms %v", ula)
	}
	py.call("DELETE", fmt.Sprintf("/groups/%d/users", gid), fmt.Sprintf(`{"ids":[%d]}`, uid), 400, "")
	py.call("DELETE", fmt.Sprintf("/users/%d", uid), "", 400, "")
	py.call("DELETE", fmt.Sprintf("/groups/%d", gid), "", 400, "")
	// A second member frees the user.
	py.call("POST", fmt.Sprintf("/groups/%d/users", gid), fmt.Sprintf(`{"ids":[%d]}`, srv.AdminID), 200, "Group")
	py.call("DELETE", fmt.Sprintf("/groups/%d/users", gid), fmt.Sprintf(`{"ids":[%d]}`, uid), 200, "Group")
	py.call("DELETE", fmt.Sprintf("/users/%d", uid), "", 204, "")
	other := num(py.call("POST", "/groups", `{"name":"Py Temp"}`, 201, "Group"), "id")
	py.call("DELETE", fmt.Sprintf("/groups/%d", other), "", 204, "")
}

func TestPythonClientAccountAndKeyPair(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	py := pyClient{t, srv, login(t, srv).Access}
	py.call("GET", "/user/account?more_info=false", "", 200, "UserAccount")
	py.call("GET", "/user/account?more_info=true", "", 200, "UserAccount")
	py.call("PUT", "/user/account", `{"phone":"+49 2","language":"de-DE"}`, 200, "UserAccount")
	py.call("POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey), 204, "")
	py.call("GET", "/user/account/keypair", "", 200, "KeyPair")
	py.call("GET", "/user/account/keypair/?version=RSA-4096", "", 200, "KeyPair")
	py.call("DELETE", "/user/account/keypair/?version=RSA-4096", "", 204, "")
	py.call("GET", "/user/account/keypair", "", 404, "")
}

func TestPythonClientNodes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	py := pyClient{t, srv, login(t, srv).Access}
	member := addParty(t, srv, "pymember")

	// Rooms: make_room, make_room_update, make_room_config.
	room := num(py.call("POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Py Room","adminIds":[%d],"newGroupMemberAcceptance":"pending"}`, srv.AdminID), 201, "Node"), "id")
	py.call("PUT", fmt.Sprintf("/nodes/rooms/%d", room), `{"notes":"from python","quota":1000000}`, 200, "Node")
	py.call("PUT", fmt.Sprintf("/nodes/rooms/%d/config", room), `{"recycleBinRetentionPeriod":30,"hasActivitiesLog":true,"classification":2}`, 200, "Node")
	py.call("GET", "/nodes/?offset=0&parent_id=0&room_manager=false", "", 200, "NodeList")
	py.call("GET", "/nodes/?offset=0&parent_id=0&room_manager=true&filter="+pyQuote("type:eq:room|name:cn:py")+"&limit=500&sort=name:asc", "", 200, "NodeList")

	// Permissions: make_permissions (manage false, the defaults) per user
	// and per group.
	perms := `{"manage":false,"read":true,"create":true,"change":true,"delete":true,"manageDownloadShare":true,"manageUploadShare":true,"readRecycleBin":true,"restoreRecycleBin":true,"deleteRecycleBin":false}`
	py.call("PUT", fmt.Sprintf("/nodes/rooms/%d/users", room), fmt.Sprintf(`{"items":[{"id":%d,"permissions":%s}]}`, member.id, perms), 204, "")
	py.call("GET", fmt.Sprintf("/nodes/rooms/%d/users/?offset=0&filter=%s", room, pyQuote("isGranted:eq:true")), "", 200, "RoomUsers")
	gid, err := srv.CreateGroup("Py Staff", nil)
	if err != nil {
		t.Fatal(err)
	}
	py.call("PUT", fmt.Sprintf("/nodes/rooms/%d/groups", room), fmt.Sprintf(`{"items":[{"id":%d,"permissions":%s,"newGroupMemberAcceptance":"pending"}]}`, gid, perms), 204, "")
	py.call("GET", fmt.Sprintf("/nodes/rooms/%d/groups/?offset=0", room), "", 200, "RoomGroups")
	late := addParty(t, srv, "pylate")
	if err := srv.AddGroupMember(gid, late.id); err != nil {
		t.Fatal(err)
	}
	pending := py.call("GET", "/nodes/rooms/pending/?offset=0&filter="+pyQuote("state:eq:WAITING"), "", 200, "Pending")
	if num(firstItem(t, pending), "roomId") != room {
		t.Errorf("pending %v", pending)
	}
	py.call("PUT", "/nodes/rooms/pending", fmt.Sprintf(`{"items":[{"userId":%d,"groupId":%d,"roomId":%d,"roomName":"Py Room","state":"ACCEPTED"}]}`, late.id, gid, room), 204, "")
	py.call("DELETE", fmt.Sprintf("/nodes/rooms/%d/groups", room), fmt.Sprintf(`{"ids":[%d]}`, gid), 204, "")
	py.call("DELETE", fmt.Sprintf("/nodes/rooms/%d/users", room), fmt.Sprintf(`{"ids":[%d]}`, member.id), 204, "")

	// Folders and files: make_folder (timestampModificiation, the
	// client's misspelling, never reaches the server), make_folder_update,
	// make_file_update with its explicit nulls.
	folder := num(py.call("POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"Py Folder","notes":"n"}`, room), 201, "Node"), "id")
	py.call("PUT", fmt.Sprintf("/nodes/folders/%d", folder), `{"name":"Py Folder 2"}`, 200, "Node")
	file, err := srv.CreateFile(folder, "a b.pdf", []byte("pdf"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CreateFile(folder, "a b.pdf.bak", []byte("bak"), nil); err != nil {
		t.Fatal(err)
	}
	py.call("PUT", fmt.Sprintf("/nodes/files/%d", file), `{"name":null,"classification":3,"notes":"checked","expiration":null,"timestampModification":"2030-01-03T00:00:00","timestampCreation":null}`, 200, "Node")
	py.call("PUT", "/nodes/files", fmt.Sprintf(`{"objectIds":[%d],"classification":2,"expiration":null}`, file), 204, "")
	py.call("GET", fmt.Sprintf("/nodes/%d", file), "", 200, "Node")
	py.call("GET", fmt.Sprintf("/nodes/%d/parents", file), "", 200, "NodeParents")

	// get_node_from_path and search_nodes.
	hit := firstItem(t, py.call("GET", "/nodes/search?search_string="+pyQuote("a b.pdf")+"&filter="+pyQuote("parentPath:eq:/Py Room/Py Folder 2/")+"&depth_level=3", "", 200, "NodeList"))
	if num(hit, "id") != file {
		t.Errorf("path lookup found %v, want %d", hit, file)
	}
	py.call("GET", fmt.Sprintf("/nodes/search/?search_string=%s&offset=0&parent_id=%d&depth_level=-1&filter=%s", pyQuote("a*"), room, pyQuote("type:eq:file")), "", 200, "NodeList")

	// Comments and favorites. (get_file_versions, GET
	// /nodes/files/versions/{reference_id}, is newer than the document the
	// validator holds; recyclebin_test.go covers it without the validator.)
	py.call("POST", fmt.Sprintf("/nodes/%d/comments", file), `{"text":"hi from python"}`, 201, "Comment")
	py.call("GET", fmt.Sprintf("/nodes/%d/comments/?offset=0", file), "", 200, "CommentList")
	py.call("POST", fmt.Sprintf("/nodes/%d/favorite", file), "", 201, "Node")
	py.call("DELETE", fmt.Sprintf("/nodes/%d/favorite", file), "", 204, "")

	// Copy and move answer with the target node (make_node_transfer).
	target := num(py.call("POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"Target"}`, room), 201, "Node"), "id")
	py.call("POST", fmt.Sprintf("/nodes/%d/copy_to", target), fmt.Sprintf(`{"items":[{"id":%d}],"resolutionStrategy":"autorename","keepShareLinks":false}`, file), 201, "Node")
	py.call("POST", fmt.Sprintf("/nodes/%d/move_to", target), fmt.Sprintf(`{"items":[{"id":%d,"name":"moved.pdf"}]}`, file), 200, "Node")

	// Recycle bin: delete, list, versions, restore, purge.
	py.call("DELETE", "/nodes", fmt.Sprintf(`{"nodeIds":[%d]}`, file), 204, "")
	py.call("GET", fmt.Sprintf("/nodes/%d/deleted_nodes/?offset=0", target), "", 200, "DeletedSumms")
	versions := py.call("GET", fmt.Sprintf("/nodes/%d/deleted_nodes/versions?name=%s&type=file&offset=0", target, pyQuote("moved.pdf")), "", 200, "DeletedList")
	deleted := num(firstItem(t, versions), "id")
	py.call("GET", fmt.Sprintf("/nodes/deleted_nodes/%d", deleted), "", 200, "DeletedNode")
	py.call("POST", "/nodes/deleted_nodes/actions/restore", fmt.Sprintf(`{"deletedNodeIds":[%d],"resolutionStrategy":"autorename"}`, deleted), 204, "")
	py.call("DELETE", fmt.Sprintf("/nodes/%d", file), "", 204, "")
	again := num(firstItem(t, py.call("GET", fmt.Sprintf("/nodes/%d/deleted_nodes/versions?name=%s&type=file&offset=0", target, pyQuote("moved.pdf")), "", 200, "DeletedList")), "id")
	py.call("DELETE", "/nodes/deleted_nodes", fmt.Sprintf(`{"deletedNodeIds":[%d]}`, again), 204, "")
	py.call("DELETE", fmt.Sprintf("/nodes/%d/deleted_nodes", room), "", 204, "")

	// Encryption: make_encrypt_room (crypto off: the room has no rescue
	// key; switching encryption on needs a key pair of the caller in
	// DRACOON, so the answer is checked only for its shape).
	py.call("PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", room), `{"isEncrypted":false}`, 200, "Node")
}

// TestPythonClientFileVersions: get_file_versions asks for an operation
// newer than the document the validator holds, so it runs without it.
func TestPythonClientFileVersions(t *testing.T) {
	t.Parallel()
	srv := dracoontest.NewServer(t)
	py := pyClient{t, srv, login(t, srv).Access}
	room := mustRoom(t, srv, "Versions", nil)
	file := mustFile(t, srv, room, "v.txt", "one")
	ref := num(py.call("GET", fmt.Sprintf("/nodes/%d", file), "", 200, "Node"), "referenceId")
	v := py.call("GET", fmt.Sprintf("/nodes/files/versions/%d", ref), "", 200, "FileVersions")
	if num(firstItem(t, v), "id") != file {
		t.Errorf("versions %v", v)
	}
}
