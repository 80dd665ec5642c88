package emulator_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestPagingOverManyNodes pages 1,200 files with filter and sort and
// checks every page against the expected order.
func TestPagingOverManyNodes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Big", nil)
	var want []string
	for i := range 1200 {
		name := fmt.Sprintf("file-%04d.txt", (i*7919)%1200) // created out of name order
		mustFile(t, srv, room, name, strings.Repeat("x", i%13))
		if strings.Contains(name, "7") {
			want = append(want, name)
		}
	}
	mustFolder(t, srv, room, "zz-folder-7")
	slices.Sort(want)
	slices.Reverse(want)

	// Unfiltered: three pages of at most 500, every node once, folders
	// first.
	var seen []string
	for offset := 0; ; offset += 500 {
		page := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes?parent_id=%d&offset=%d&limit=1000", room, offset), ""), 200)
		rng := page["range"].(map[string]any)
		if rng["limit"] != float64(500) || rng["total"] != float64(1201) {
			t.Fatalf("range %v", rng)
		}
		names := itemNames(t, page)
		if len(names) == 0 {
			break
		}
		seen = append(seen, names...)
	}
	if len(seen) != 1201 || seen[0] != "zz-folder-7" || seen[1] != "file-0000.txt" || seen[1200] != "file-1199.txt" {
		t.Fatalf("unfiltered pages: %d items, first %v last %v", len(seen), seen[:2], seen[len(seen)-1])
	}

	// Filtered by type and name, sorted by name descending, in pages of 100.
	var got []string
	for offset := 0; ; offset += 100 {
		q := "parent_id=" + fmt.Sprint(room) + "&offset=" + fmt.Sprint(offset) + "&limit=100&sort=name:desc&filter=" + url.QueryEscape("type:eq:file|name:cn:7")
		page := ok(t, api(t, srv, tk, "GET", "/nodes?"+q, ""), 200)
		if total(page) != int64(len(want)) {
			t.Fatalf("total %d, want %d", total(page), len(want))
		}
		names := itemNames(t, page)
		if len(names) == 0 {
			break
		}
		got = append(got, names...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("filtered pages differ: %d items, want %d", len(got), len(want))
	}

	// Search over the same room: sorted by size, then filtered on size.
	page := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/search?search_string=file-&parent_id=%d&sort=size:desc&limit=5", room), ""), 200)
	if it := items(t, page); total(page) != 1200 || it[0]["size"] != float64(12) {
		t.Errorf("search by size: total %d first %v", total(page), it[0]["size"])
	}
	page = ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/search?search_string=*&parent_id=%d&filter=%s", room, url.QueryEscape("size:ge:12|size:le:12")), ""), 200)
	if n := total(page); n != 92 { // i%13 == 12 for 92 of 1,200
		t.Errorf("files of size 12: %d", n)
	}
	wantError(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes?parent_id=%d&offset=-1", room), ""), 400, -80024)
}

func TestCopyMoveConflicts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "R", nil)
	src := mustFolder(t, srv, room, "src")
	dst := mustFolder(t, srv, room, "dst")
	a := mustFile(t, srv, src, "a.pdf", "new")
	readme := mustFile(t, srv, src, "README", "r")
	dir := mustFolder(t, srv, src, "v1.0")
	inner := mustFile(t, srv, dir, "inner.txt", "i")
	old := mustFile(t, srv, dst, "a.pdf", "old")
	mustFile(t, srv, dst, "README", "r0")
	mustFolder(t, srv, dst, "V1.0")

	copyTo := func(target int64, body string) response {
		return api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/copy_to", target), body)
	}
	moveTo := func(target int64, body string) response {
		return api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/move_to", target), body)
	}
	all := fmt.Sprintf(`"items":[{"id":%d},{"id":%d},{"id":%d}]`, a, readme, dir)

	// fail: 409 -41001 naming every clashing source node; nothing changes.
	r := copyTo(dst, `{`+all+`,"resolutionStrategy":"fail"}`)
	wantError(t, r, 409, -41001)
	var clash []string
	var clashIDs []int64
	for _, c := range r.json(t)["errorInfos"].(map[string]any)["conflictNodes"].([]any) {
		clash = append(clash, c.(map[string]any)["name"].(string))
		clashIDs = append(clashIDs, id(c.(map[string]any), "nodeId"))
	}
	if !slices.Equal(clash, []string{"a.pdf", "README", "v1.0"}) || !slices.Equal(clashIDs, []int64{a, readme, dir}) {
		t.Errorf("conflict nodes %v %v", clash, clashIDs)
	}
	if n := total(ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes?parent_id=%d", dst), ""), 200)); n != 3 {
		t.Errorf("failed copy changed the target: %d children", n)
	}

	// autorename: counter before the last extension, none for names
	// without one or for folders; incremented until free.
	ok(t, copyTo(dst, `{`+all+`}`), 201)
	ok(t, copyTo(dst, `{`+all+`,"resolutionStrategy":"autorename"}`), 201)
	names := itemNames(t, ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes?parent_id=%d", dst), ""), 200))
	wantNames := []string{"V1.0", "v1.0 (1)", "v1.0 (2)", "a (1).pdf", "a (2).pdf", "a.pdf", "README", "README (1)", "README (2)"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("after autorename: %v, want %v", names, wantNames)
	}
	// The copied folder brought its content along.
	copied := lookupPath(t, serverLike{srv}, tk, "/R/dst/v1.0 (1)/inner.txt")
	if len(copied) != 1 || id(copied[0], "id") == inner {
		t.Errorf("copied subtree: %v", copied)
	}

	// overwrite: files only; the old file goes to the recycle bin and the
	// new one keeps its referenceId.
	wantError(t, copyTo(dst, fmt.Sprintf(`{"items":[{"id":%d}],"resolutionStrategy":"overwrite"}`, dir)), 409, -40010)
	ok(t, copyTo(dst, fmt.Sprintf(`{"items":[{"id":%d}],"resolutionStrategy":"overwrite","keepShareLinks":true}`, a)), 201)
	now := lookupPath(t, serverLike{srv}, tk, "/R/dst/a.pdf")
	if len(now) == 0 || id(now[0], "id") == old || id(now[0], "referenceId") != old || now[0]["cntDeletedVersions"] != float64(1) {
		t.Errorf("overwritten a.pdf: %v", now)
	}
	if c, _ := srv.FileContent(id(now[0], "id")); string(c) != "new" {
		t.Errorf("content after overwrite %q", c)
	}
	wantError(t, copyTo(dst, fmt.Sprintf(`{"items":[{"id":%d}],"keepShareLinks":true}`, a)), 400, -80034)

	// Two items renamed to one name: refused under "fail".
	wantError(t, copyTo(dst, fmt.Sprintf(`{"items":[{"id":%d,"name":"same.txt"},{"id":%d,"name":"SAME.txt"}],"resolutionStrategy":"fail"}`, a, readme)), 409, -41001)

	// Renaming on the way, and the deprecated nodeIds form.
	ok(t, copyTo(dst, fmt.Sprintf(`{"items":[{"id":%d,"name":"b.pdf"}]}`, a)), 201)
	ok(t, copyTo(room, fmt.Sprintf(`{"nodeIds":[%d]}`, a)), 201)
	if hits := lookupPath(t, serverLike{srv}, tk, "/R/a.pdf"); len(hits) == 0 || hits[0]["name"] != "a.pdf" {
		t.Errorf("copy with nodeIds: %v", hits)
	}

	// Structural errors.
	wantError(t, copyTo(room, fmt.Sprintf(`{"items":[{"id":%d}]}`, room)), 400, -41052)
	wantError(t, copyTo(a, fmt.Sprintf(`{"items":[{"id":%d}]}`, readme)), 400, -41053)
	wantError(t, copyTo(dst, fmt.Sprintf(`{"items":[{"id":%d},{"id":%d}]}`, a, old+1)), 400, -41054)
	wantError(t, copyTo(dst, `{"items":[{"id":99999}]}`), 404, -41050)
	wantError(t, copyTo(99999, fmt.Sprintf(`{"items":[{"id":%d}]}`, a)), 404, -41051)
	wantError(t, moveTo(dir, fmt.Sprintf(`{"items":[{"id":%d}]}`, src)), 409, -41304)
	wantError(t, moveTo(src, fmt.Sprintf(`{"items":[{"id":%d}]}`, src)), 409, -41304)
	wantError(t, copyTo(dst, fmt.Sprintf(`{"items":[{"id":%d,"name":"x:y"}]}`, a)), 400, -40755)
	wantError(t, copyTo(dst, `{"items":[],"resolutionStrategy":"keep"}`), 400, -80000)
	wantError(t, copyTo(dst, fmt.Sprintf(`{"items":[{"id":%d}],"resolutionStrategy":"keep"}`, a)), 400, -92001)

	// Move: the node keeps its id; the subtree's parentPath follows.
	wantError(t, moveTo(dst, fmt.Sprintf(`{"items":[{"id":%d}],"resolutionStrategy":"fail"}`, dir)), 409, -41001)
	ok(t, moveTo(dst, fmt.Sprintf(`{"items":[{"id":%d,"name":"moved"}]}`, dir)), 200)
	if n := ok(t, getNode(t, srv, tk, inner), 200); n["parentPath"] != "/R/dst/moved/" {
		t.Errorf("moved child's parentPath %v", n["parentPath"])
	}
	// Moving within the same parent under the same name is no conflict.
	ok(t, moveTo(src, fmt.Sprintf(`{"items":[{"id":%d}],"resolutionStrategy":"fail"}`, readme)), 200)

	// Permissions: copy needs read at the source and create at the
	// target; move also delete at the source.
	reader := addParty(t, srv, "reader")
	other := mustRoom(t, srv, "Other", nil)
	ok(t, grantUsers(t, srv, tk, room, reader.id, perm("read")), 204)
	ok(t, grantUsers(t, srv, tk, other, reader.id, perm("read", "create")), 204)
	ok(t, api(t, srv, reader.token, "POST", fmt.Sprintf("/nodes/%d/copy_to", other), fmt.Sprintf(`{"items":[{"id":%d}]}`, readme)), 201)
	wantError(t, api(t, srv, reader.token, "POST", fmt.Sprintf("/nodes/%d/move_to", other), fmt.Sprintf(`{"items":[{"id":%d}]}`, readme)), 403, 0)
	wantError(t, api(t, srv, reader.token, "POST", fmt.Sprintf("/nodes/%d/copy_to", dst), fmt.Sprintf(`{"items":[{"id":%d}]}`, readme)), 403, 0)
}
