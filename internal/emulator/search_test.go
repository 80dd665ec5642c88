package emulator_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// lookupPath resolves a path the way the Python client's
// get_node_from_path does: last segment as search_string, parentPath:eq
// filter, depth_level = number of segments, no parent_id, both values
// encoded as the client encodes them. It returns the hits in the server's
// order.
func lookupPath(t *testing.T, srv serverLike, token, path string) []map[string]any {
	t.Helper()
	segs := strings.Split(path, "/")
	last, parent := segs[len(segs)-1], strings.Join(segs[:len(segs)-1], "/")
	depth := len(segs) - 1
	if strings.HasSuffix(path, "/") {
		last, parent = segs[len(segs)-2], strings.Join(segs[:len(segs)-2], "/")
		depth = len(segs) - 2
	}
	q := "search_string=" + pyQuote(last) + "&filter=" + pyQuote("parentPath:eq:"+parent+"/") + "&depth_level=" + strconv.Itoa(depth)
	return items(t, ok(t, srv.get(t, token, "/nodes/search?"+q), 200))
}

// pyQuote percent-encodes like Python's urllib.parse.quote with its
// default safe "/": only letters, digits, "_.-~" and "/" stay as they are
// (so "+" and " " become %2B and %20).
func pyQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func TestSearchPathResolution(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	s := serverLike{srv}
	room := mustRoom(t, srv, "Data Room", nil)
	odd := []string{"100% done", "tag #1", "a+b", "Grüße ÄÖÜ", "spaces  inside", "日本語"}
	folder := mustFolder(t, srv, room, "F")
	other := mustFolder(t, srv, room, "G")
	for _, n := range []string{"a.pdf", "a.pdf.bak", "xa.pdf", "ba.pdf"} {
		mustFile(t, srv, folder, n, n)
	}
	upper := mustFile(t, srv, other, "A.pdf", "upper")
	for _, n := range odd {
		sub := mustFolder(t, srv, folder, n)
		mustFile(t, srv, sub, n+".txt", n)
	}

	// The exact name comes first; look-alikes in the same parent follow.
	hits := lookupPath(t, s, tk, "/Data Room/F/a.pdf")
	if len(hits) == 0 || hits[0]["name"] != "a.pdf" || hits[0]["parentPath"] != "/Data Room/F/" {
		t.Fatalf("first hit for a.pdf: %v", hits)
	}
	var names []string
	for _, h := range hits {
		names = append(names, h["name"].(string))
	}
	if !slices.Equal(names, []string{"a.pdf", "a.pdf.bak", "ba.pdf", "xa.pdf"}) {
		t.Errorf("hits %v", names)
	}
	// A.pdf lives in G; the parentPath filter keeps F's a.pdf out.
	hits = lookupPath(t, s, tk, "/Data Room/G/A.pdf")
	if len(hits) != 1 || id(hits[0], "id") != upper {
		t.Errorf("A.pdf in G: %v", hits)
	}
	// Searching with another case finds the case-insensitive match; a
	// client must compare the name itself.
	if hits = lookupPath(t, s, tk, "/Data Room/G/a.pdf"); len(hits) != 1 || hits[0]["name"] != "A.pdf" {
		t.Errorf("a.pdf in G: %v", hits)
	}
	// Rooms and folders (trailing slash, as the client sends for them).
	if hits = lookupPath(t, s, tk, "/Data Room/"); len(hits) == 0 || hits[0]["type"] != "room" || hits[0]["parentPath"] != "/" {
		t.Errorf("room lookup: %v", hits)
	}
	for _, n := range odd {
		hits = lookupPath(t, s, tk, "/Data Room/F/"+n+"/"+n+".txt")
		if len(hits) == 0 || hits[0]["name"] != n+".txt" || hits[0]["parentPath"] != "/Data Room/F/"+n+"/" {
			t.Errorf("lookup of %q: %v", n, hits)
		}
		if hits = lookupPath(t, s, tk, "/Data Room/F/"+n+"/"); len(hits) == 0 || hits[0]["name"] != n || hits[0]["type"] != "folder" {
			t.Errorf("folder lookup of %q: %v", n, hits)
		}
	}
	// Nothing at a wrong depth or path.
	if hits = lookupPath(t, s, tk, "/Data Room/a.pdf"); len(hits) != 0 {
		t.Errorf("a.pdf directly in the room: %v", hits)
	}
	// '?' cannot be part of a node name, but searching for it is no error.
	wantError(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"why?"}`, folder)), 400, -40755)
	if r := ok(t, api(t, srv, tk, "GET", "/nodes/search?search_string="+url.QueryEscape("why?")+"&depth_level=-1", ""), 200); total(r) != 0 {
		t.Errorf("search for '?': %v", r)
	}

	// Wildcards anchor the pattern: a*.pdf matches a.pdf but not
	// a.pdf.bak or xa.pdf.
	r := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/search?search_string=%s&parent_id=%d&depth_level=-1", url.QueryEscape("a*.pdf"), room), ""), 200)
	if got := itemNames(t, r); !slices.Equal(got, []string{"A.pdf", "a.pdf"}) && !slices.Equal(got, []string{"a.pdf", "A.pdf"}) {
		t.Errorf("a*.pdf: %v", got)
	}
	// depth_level 1 below the room reaches F's files, not the files in
	// F's sub-folders.
	r1 := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/search?search_string=.&parent_id=%d&depth_level=1&filter=type:eq:file", room), ""), 200)
	if got := itemNames(t, r1); total(r1) != 5 || slices.Contains(got, "a+b.txt") {
		t.Errorf("depth 1: %v", got)
	}
	// depth_level 0 below the room finds only its children.
	if r := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/search?search_string=pdf&parent_id=%d", room), ""), 200); total(r) != 0 {
		t.Errorf("depth 0: %v", itemNames(t, r))
	}
	// Filters and sorts per the document; unknown ones are refused.
	r = ok(t, api(t, srv, tk, "GET", "/nodes/search?search_string=*&depth_level=-1&filter="+url.QueryEscape("type:eq:file|fileType:eq:pdf|size:ge:5")+"&sort=name:desc", ""), 200)
	if got := itemNames(t, r); !slices.Equal(got, []string{"xa.pdf", "ba.pdf", "a.pdf", "A.pdf"}) && !slices.Equal(got, []string{"xa.pdf", "ba.pdf", "A.pdf", "a.pdf"}) {
		t.Errorf("filtered search: %v", got)
	}
	r = ok(t, api(t, srv, tk, "GET", "/nodes/search?search_string=*&depth_level=-1&filter="+url.QueryEscape("type:eq:folder|parentPath:cn:/F/")+"&sort=parentPath:asc", ""), 200)
	if total(r) != int64(len(odd)) {
		t.Errorf("folders below F: %v", itemNames(t, r))
	}
	wantError(t, api(t, srv, tk, "GET", "/nodes/search?search_string=a&filter=nope:eq:1", ""), 400, -92001)
	wantError(t, api(t, srv, tk, "GET", "/nodes/search?search_string=a&sort=cntFiles:asc", ""), 400, -92001)
	wantError(t, api(t, srv, tk, "GET", "/nodes/search?search_string=a&filter=parentPath:ge:x", ""), 400, -92001)

	// Another user sees nothing it has no permission on.
	guest := addParty(t, srv, "guest")
	if r := ok(t, api(t, srv, guest.token, "GET", "/nodes/search?search_string=*&depth_level=-1", ""), 200); total(r) != 0 {
		t.Errorf("guest search: %v", itemNames(t, r))
	}
}

// TestTrailingSlash: the Python client asks for "/nodes/?offset=0…" and
// "/nodes/{id}/comments/?offset=0"; DRACOON serves both.
func TestTrailingSlash(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Slash", nil)
	if r := ok(t, api(t, srv, tk, "GET", "/nodes/?offset=0&parent_id=0&room_manager=false", ""), 200); total(r) != 1 {
		t.Errorf("rooms via /nodes/: %v", r)
	}
	ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/comments/?offset=0", room), ""), 200)
	ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/deleted_nodes/?offset=0", room), ""), 200)
}
