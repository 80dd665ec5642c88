package emulator_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

func TestRecycleBinRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Bin", nil)
	folder := mustFolder(t, srv, room, "Folder")
	child := mustFile(t, srv, folder, "child.txt", "c")
	v1 := mustFile(t, srv, room, "doc.txt", "one")

	// Delete a file, recreate it, delete again: two versions of doc.txt.
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", v1), ""), 204)
	wantError(t, getNode(t, srv, tk, v1), 404, -41000)
	v2 := mustFile(t, srv, room, "doc.txt", "two")
	if n := ok(t, getNode(t, srv, tk, v2), 200); n["cntDeletedVersions"] != float64(1) {
		t.Errorf("cntDeletedVersions %v", n["cntDeletedVersions"])
	}
	ok(t, api(t, srv, tk, "DELETE", "/nodes", fmt.Sprintf(`{"nodeIds":[%d,%d]}`, v2, folder)), 204)
	wantError(t, getNode(t, srv, tk, child), 404, -41000)

	sum := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/deleted_nodes?sort=name:asc", room), ""), 200)
	it := items(t, sum)
	if len(it) != 2 || it[0]["name"] != "Folder" || it[1]["name"] != "doc.txt" || it[1]["cntVersions"] != float64(2) || id(it[1], "lastDeletedNodeId") != v2 {
		t.Fatalf("summary: %v", it)
	}
	if r := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/deleted_nodes?filter=%s", room, url.QueryEscape("type:eq:file|name:cn:DOC")), ""), 200); total(r) != 1 {
		t.Errorf("filtered summary %v", r)
	}
	vers := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/deleted_nodes/versions?type=file&name=doc.txt&sort=deletedAt:asc", room), ""), 200)
	if vi := items(t, vers); len(vi) != 2 || id(vi[0], "id") != v1 || id(vi[1], "id") != v2 || vi[0]["parentPath"] != "/Bin/" || id(vi[1], "referenceId") != v2 {
		t.Errorf("versions: %v", vi)
	}
	dn := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/deleted_nodes/%d", folder), ""), 200)
	if dn["type"] != "folder" || dn["size"] != float64(1) || id(dn["deletedBy"].(map[string]any), "id") != srv.AdminID {
		t.Errorf("deleted folder: %v", dn)
	}
	wantError(t, api(t, srv, tk, "GET", "/nodes/deleted_nodes/99999", ""), 404, -41100)

	// Users without recycle-bin permissions are refused.
	reader := addParty(t, srv, "reader")
	ok(t, grantUsers(t, srv, tk, room, reader.id, perm("read", "create")), 204)
	wantError(t, api(t, srv, reader.token, "GET", fmt.Sprintf("/nodes/%d/deleted_nodes", room), ""), 403, 0)
	wantError(t, api(t, srv, reader.token, "POST", "/nodes/deleted_nodes/actions/restore", fmt.Sprintf(`{"deletedNodeIds":[%d]}`, v1)), 403, 0)

	// Restore: the folder comes back with its content; doc.txt v1 clashes
	// with a live doc.txt and is renamed by default.
	live := mustFile(t, srv, room, "doc.txt", "three")
	wantError(t, api(t, srv, tk, "POST", "/nodes/deleted_nodes/actions/restore", fmt.Sprintf(`{"deletedNodeIds":[%d],"resolutionStrategy":"fail"}`, v1)), 409, -41001)
	ok(t, api(t, srv, tk, "POST", "/nodes/deleted_nodes/actions/restore", fmt.Sprintf(`{"deletedNodeIds":[%d,%d]}`, folder, v1)), 204)
	if n := ok(t, getNode(t, srv, tk, child), 200); n["parentPath"] != "/Bin/Folder/" {
		t.Errorf("restored child %v", n["parentPath"])
	}
	if n := ok(t, getNode(t, srv, tk, v1), 200); n["name"] != "doc (1).txt" {
		t.Errorf("restored v1 named %v", n["name"])
	}
	// Overwrite: the live file goes to the bin instead.
	ok(t, api(t, srv, tk, "POST", "/nodes/deleted_nodes/actions/restore", fmt.Sprintf(`{"deletedNodeIds":[%d],"resolutionStrategy":"overwrite"}`, v2)), 204)
	wantError(t, getNode(t, srv, tk, live), 404, -41000)
	if c, _ := srv.FileContent(v2); string(c) != "two" {
		t.Errorf("restored content %q", c)
	}
	// Restore into another folder.
	other := mustFolder(t, srv, room, "Other")
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", child), ""), 204)
	ok(t, api(t, srv, tk, "POST", "/nodes/deleted_nodes/actions/restore", fmt.Sprintf(`{"deletedNodeIds":[%d],"parentId":%d}`, child, other)), 204)
	if n := ok(t, getNode(t, srv, tk, child), 200); n["parentPath"] != "/Bin/Other/" {
		t.Errorf("restored to %v", n["parentPath"])
	}

	// Purge one, then empty the rest.
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", v2), ""), 204)
	ok(t, api(t, srv, tk, "DELETE", "/nodes/deleted_nodes", fmt.Sprintf(`{"deletedNodeIds":[%d]}`, live)), 204)
	wantError(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/deleted_nodes/%d", live), ""), 404, -41100)
	if r := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/deleted_nodes", room), ""), 200); total(r) != 1 {
		t.Errorf("bin before emptying: %v", r)
	}
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d/deleted_nodes", room), ""), 204)
	if r := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/deleted_nodes", room), ""), 200); total(r) != 0 {
		t.Errorf("bin after emptying: %v", r)
	}
	wantError(t, api(t, srv, tk, "DELETE", "/nodes/deleted_nodes", `{"deletedNodeIds":[]}`), 400, -80000)
}

// TestFileVersions covers GET /nodes/files/versions/{reference_id}, which
// the Python client uses but the 4.26.7 document lacks; it runs without
// the contract middleware for that reason.
func TestFileVersions(t *testing.T) {
	t.Parallel()
	srv := dracoontest.NewServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "V", nil)
	src := mustFolder(t, srv, room, "src")
	old := mustFile(t, srv, room, "f.txt", "old")
	newer := mustFile(t, srv, src, "f.txt", "new")
	ok(t, api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/copy_to", room), fmt.Sprintf(`{"items":[{"id":%d}],"resolutionStrategy":"overwrite"}`, newer)), 201)
	r := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/files/versions/%d", old), ""), 200)
	vi := items(t, r)
	if len(vi) != 2 || id(vi[0], "id") != old || vi[0]["deleted"] != true || vi[1]["deleted"] != false || id(vi[1], "referenceId") != old {
		t.Errorf("versions %v", vi)
	}
	wantError(t, api(t, srv, tk, "GET", "/nodes/files/versions/99999", ""), 404, -41000)
}

// TestRestoreVersionsTogether restores two deleted versions of one name
// in one request: "fail" refuses before anything changes, "autorename"
// numbers the second.
func TestRestoreVersionsTogether(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Twice", nil)
	first := mustFile(t, srv, room, "x.txt", "1")
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", first), ""), 204)
	second := mustFile(t, srv, room, "x.txt", "2")
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", second), ""), 204)
	both := fmt.Sprintf(`"deletedNodeIds":[%d,%d]`, first, second)
	wantError(t, api(t, srv, tk, "POST", "/nodes/deleted_nodes/actions/restore", `{`+both+`,"resolutionStrategy":"fail"}`), 409, -41001)
	if r := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes?parent_id=%d", room), ""), 200); total(r) != 0 {
		t.Fatalf("a refused restore changed the room: %v", itemNames(t, r))
	}
	ok(t, api(t, srv, tk, "POST", "/nodes/deleted_nodes/actions/restore", `{`+both+`}`), 204)
	if got := itemNames(t, ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes?parent_id=%d", room), ""), 200)); fmt.Sprint(got) != "[x (1).txt x.txt]" {
		t.Errorf("restored names %v", got)
	}
}
