package emulator_test

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

func TestFoldersAndFiles(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Room", nil)

	f := ok(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"Reports 2024","notes":"q"}`, room)), 201)
	folder := id(f, "id")
	if f["type"] != "folder" || f["parentPath"] != "/Room/" || f["notes"] != "q" || f["parentId"] != float64(room) {
		t.Errorf("folder: %v", f)
	}
	sub := id(ok(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"Sub"}`, folder)), 201), "id")
	wantError(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"reports 2024"}`, room)), 409, 0)
	wantError(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"a|b"}`, room)), 400, -40755)
	wantError(t, api(t, srv, tk, "POST", "/nodes/folders", `{"parentId":987654,"name":"x"}`), 404, -40000)

	content := "hello, world"
	file := mustFile(t, srv, sub, "notes.txt", content)
	got := ok(t, getNode(t, srv, tk, file), 200)
	sum := md5.Sum([]byte(content))
	if got["size"] != float64(len(content)) || got["hash"] != hex.EncodeToString(sum[:]) || got["fileType"] != "txt" ||
		got["mediaType"] != "text/plain" || got["parentPath"] != "/Room/Reports 2024/Sub/" || id(got, "referenceId") != file {
		t.Errorf("file: %v", got)
	}
	wantError(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"x"}`, file)), 404, -40000)
	if b, err := srv.FileContent(file); err != nil || string(b) != content {
		t.Errorf("stored content %q, %v", b, err)
	}
	if room := ok(t, getNode(t, srv, tk, room), 200); room["size"] != float64(len(content)) || room["cntFolders"] != float64(1) {
		t.Errorf("room size/counters: %v %v", room["size"], room["cntFolders"])
	}

	// Renaming a folder changes the parentPath of its whole subtree.
	up := ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/folders/%d", folder), `{"name":"Reports","timestampCreation":"2020-05-06T07:08:09Z"}`), 200)
	if up["name"] != "Reports" || up["timestampCreation"] != "2020-05-06T07:08:09.000Z" || up["notes"] != "q" {
		t.Errorf("updated folder: %v", up)
	}
	if p := ok(t, getNode(t, srv, tk, file), 200)["parentPath"]; p != "/Room/Reports/Sub/" {
		t.Errorf("file parentPath after rename: %v", p)
	}
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/folders/%d", file), `{"name":"x"}`), 404, -41000)

	uf := ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/files/%d", file),
		`{"name":"renamed.md","classification":4,"expiration":{"enableExpiration":true,"expireAt":"2999-01-01T00:00:00Z"}}`), 200)
	if uf["name"] != "renamed.md" || uf["classification"] != float64(4) || uf["expireAt"] != "2999-01-01T00:00:00.000Z" || uf["mediaType"] != "text/markdown" {
		t.Errorf("updated file: %v", uf)
	}
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/files/%d", file), `{"expiration":{"enableExpiration":true,"expireAt":"2001-01-01T00:00:00Z"}}`), 400, -80006)
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/files/%d", file), `{"classification":7}`), 400, -40756)
	other := mustFile(t, srv, sub, "other.bin", "x")
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/files/%d", other), `{"name":"RENAMED.md"}`), 409, 0)

	ok(t, api(t, srv, tk, "PUT", "/nodes/files", fmt.Sprintf(`{"objectIds":[%d,%d],"classification":1,"expiration":{"enableExpiration":false}}`, file, other)), 204)
	for _, fid := range []int64{file, other} {
		n := ok(t, getNode(t, srv, tk, fid), 200)
		if _, has := n["expireAt"]; has || n["classification"] != float64(1) {
			t.Errorf("bulk update not applied to %d: %v", fid, n)
		}
	}
	wantError(t, api(t, srv, tk, "PUT", "/nodes/files", fmt.Sprintf(`{"objectIds":[%d],"classification":1}`, folder)), 404, -41000)

	parents := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/parents", file), ""), 200)
	var chain []string
	for _, p := range items(t, parents) {
		chain = append(chain, p["name"].(string))
	}
	if fmt.Sprint(chain) != "[Room Reports Sub]" {
		t.Errorf("parents %v", chain)
	}
}

// TestUpdateFileAcceptsNulls: the Python client sends null for every unset
// field of a file update, and DRACOON treats null as "unchanged" (the
// contract tolerates it: contract.Allowlist.NullForOptional).
func TestUpdateFileAcceptsNulls(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Room", nil)
	file, err := srv.CreateFile(room, "a.txt", []byte("x"), &dracoontest.FileOptions{Notes: "keep", Classification: 3})
	if err != nil {
		t.Fatal(err)
	}
	n := ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/files/%d", file),
		`{"name":"b.txt","classification":null,"notes":null,"expiration":null,"timestampCreation":null,"timestampModification":null}`), 200)
	if n["name"] != "b.txt" || n["notes"] != "keep" || n["classification"] != float64(3) {
		t.Errorf("nulls changed the file: %v", n)
	}
}
