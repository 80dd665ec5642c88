package emulator_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Helpers of the node tree tests.

// ok checks the status and decodes a JSON object body.
func ok(t *testing.T, r response, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if status == 204 {
		return nil
	}
	return r.json(t)
}

// id reads a JSON number field as int64.
func id(m map[string]any, field string) int64 {
	f, _ := m[field].(float64)
	return int64(f)
}

// items returns the items of a list answer.
func items(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	raw, okay := m["items"].([]any)
	if !okay {
		t.Fatalf("no items in %v", m)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

func itemNames(t *testing.T, m map[string]any) []string {
	t.Helper()
	var out []string
	for _, it := range items(t, m) {
		out = append(out, it["name"].(string))
	}
	return out
}

func total(m map[string]any) int64 { return id(m["range"].(map[string]any), "total") }

func jsonBody(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// party is a test user with a token.
type party struct {
	id    int64
	token string
}

// addParty creates a user (with roles) and logs it in.
func addParty(t *testing.T, srv *dracoontest.Server, login string, roles ...int) party {
	t.Helper()
	uid, err := srv.AddUser(login, login+"-Secret-1", roles...)
	if err != nil {
		t.Fatal(err)
	}
	return party{id: uid, token: loginAs(t, srv, login, login+"-Secret-1").Access}
}

// mustRoom creates a room through the Go API.
func mustRoom(t *testing.T, srv *dracoontest.Server, name string, opts *dracoontest.RoomOptions) int64 {
	t.Helper()
	rid, err := srv.CreateRoom(name, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rid
}

func mustFolder(t *testing.T, srv *dracoontest.Server, parent int64, name string) int64 {
	t.Helper()
	fid, err := srv.CreateFolder(parent, name)
	if err != nil {
		t.Fatal(err)
	}
	return fid
}

func mustFile(t *testing.T, srv *dracoontest.Server, parent int64, name, content string) int64 {
	t.Helper()
	fid, err := srv.CreateFile(parent, name, []byte(content), nil)
	if err != nil {
		t.Fatal(err)
	}
	return fid
}

// perm builds a NodePermissions JSON object with the named permissions.
func perm(names ...string) map[string]bool {
	p := map[string]bool{"manage": false, "read": false, "create": false, "change": false, "delete": false,
		"manageDownloadShare": false, "manageUploadShare": false, "readRecycleBin": false, "restoreRecycleBin": false, "deleteRecycleBin": false}
	for _, n := range names {
		if _, known := p[n]; !known {
			panic("unknown permission " + n)
		}
		p[n] = true
	}
	return p
}

func allPerms() map[string]bool {
	return perm("manage", "read", "create", "change", "delete", "manageDownloadShare", "manageUploadShare", "readRecycleBin", "restoreRecycleBin", "deleteRecycleBin")
}

// grantUsers PUTs room user permissions.
func grantUsers(t *testing.T, srv *dracoontest.Server, token string, room int64, uid int64, p map[string]bool) response {
	t.Helper()
	return api(t, srv, token, "PUT", fmt.Sprintf("/nodes/rooms/%d/users", room), jsonBody(map[string]any{"items": []any{map[string]any{"id": uid, "permissions": p}}}))
}

// getNode GETs a node as token.
func getNode(t *testing.T, srv *dracoontest.Server, token string, nodeID int64) response {
	t.Helper()
	return api(t, srv, token, "GET", fmt.Sprintf("/nodes/%d", nodeID), "")
}

// serverLike lets helpers call GET on a test server.
type serverLike struct{ srv *dracoontest.Server }

func (s serverLike) get(t *testing.T, token, path string) response {
	t.Helper()
	return api(t, s.srv, token, "GET", path, "")
}
