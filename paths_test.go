package dracoon

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// fakeTree is a node tree served by a deliberately loose fake: names and
// parent paths are compared ignoring case, search strings match anywhere
// in a name, and look-alikes come first. Resolve must still pick only the
// exact match. Pages hold at most pageMax items.
type fakeTree struct {
	nodes        []map[string]any
	pageMax      int
	searchBroken bool // search answers 400, forcing the walk
}

func (ft *fakeTree) add(id, parent int64, typ, name, parentPath string) {
	n := nodeJSON(id, typ, name, parentPath)
	n["parentId"] = parent
	ft.nodes = append(ft.nodes, n)
}

// page answers with one page of matches.
func (ft *fakeTree) page(w http.ResponseWriter, r *http.Request, matches []map[string]any) {
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	end := min(off+ft.pageMax, len(matches))
	items := []map[string]any{}
	if off < end {
		items = matches[off:end]
	}
	writeJSON(w, 200, pageOf(off, ft.pageMax, len(matches), items))
}

// filterValue returns the value of "field:eq:value" in the filter, if any.
func filterValue(r *http.Request, field string) (string, bool) {
	for _, part := range strings.Split(r.URL.Query().Get("filter"), "|") {
		if v, ok := strings.CutPrefix(part, field+":eq:"); ok {
			return v, true
		}
	}
	return "", false
}

func (ft *fakeTree) serve(f *fakeAPI) {
	f.mux.HandleFunc("GET /api/v4/nodes/search", func(w http.ResponseWriter, r *http.Request) {
		if ft.searchBroken {
			writeJSON(w, 400, map[string]any{"code": 400, "message": "Bad Request", "debugInfo": "Invalid filter", "errorCode": -80000})
			return
		}
		q := strings.ToLower(r.URL.Query().Get("search_string"))
		pp, hasPP := filterValue(r, "parentPath")
		var matches []map[string]any
		for _, n := range ft.nodes {
			if strings.Contains(strings.ToLower(n["name"].(string)), q) && (!hasPP || strings.EqualFold(n["parentPath"].(string), pp)) {
				matches = append(matches, n)
			}
		}
		ft.page(w, r, lookAlikesFirst(matches, q))
	})
	f.mux.HandleFunc("GET /api/v4/nodes", func(w http.ResponseWriter, r *http.Request) {
		parent, _ := strconv.ParseInt(r.URL.Query().Get("parent_id"), 10, 64)
		name, hasName := filterValue(r, "name")
		var matches []map[string]any
		for _, n := range ft.nodes {
			if n["parentId"].(int64) == parent && (!hasName || strings.EqualFold(n["name"].(string), name)) {
				matches = append(matches, n)
			}
		}
		ft.page(w, r, lookAlikesFirst(matches, strings.ToLower(name)))
	})
}

// lookAlikesFirst puts inexact matches before exact ones.
func lookAlikesFirst(ns []map[string]any, lowerName string) []map[string]any {
	var out, exact []map[string]any
	for _, n := range ns {
		if strings.ToLower(n["name"].(string)) == lowerName {
			exact = append(exact, n)
		} else {
			out = append(out, n)
		}
	}
	// Among case variants, upper case first.
	for i := len(exact) - 1; i >= 0; i-- {
		out = append(out, exact[i])
	}
	return out
}

func newLookAlikeTree() *fakeTree {
	ft := &fakeTree{pageMax: 2}
	ft.add(2, 0, "room", "ROOM", "/")
	ft.add(1, 0, "room", "Room", "/")
	ft.add(4, 1, "folder", "FOLDER", "/Room/")
	ft.add(3, 1, "folder", "Folder", "/Room/")
	ft.add(6, 3, "file", "a.pdf.bak", "/Room/Folder/")
	ft.add(7, 3, "file", "A.pdf", "/Room/Folder/")
	ft.add(8, 3, "file", "x a.pdf", "/Room/Folder/")
	ft.add(5, 3, "file", "a.pdf", "/Room/Folder/")
	ft.add(9, 3, "file", "100% #1 ?+ ü.txt", "/Room/Folder/")
	ft.add(10, 3, "folder", "Sub dir", "/Room/Folder/")
	ft.add(11, 10, "file", "deep.txt", "/Room/Folder/Sub dir/")
	ft.add(12, 1, "file", "b.pdf.bak", "/Room/")
	ft.add(13, 1, "file", "file.txt", "/Room/")
	ft.add(14, 1, "file", "odd:name|x", "/Room/")
	ft.add(15, 4, "file", "a.pdf", "/Room/FOLDER/")
	return ft
}

func TestResolveExactNames(t *testing.T) {
	for _, broken := range []bool{false, true} {
		f := newFakeAPI(t)
		ft := newLookAlikeTree()
		ft.searchBroken = broken
		ft.serve(f)
		for path, want := range map[string]int64{
			"/Room":                          1,
			"/ROOM":                          2,
			"/Room/Folder/":                  3,
			"/Room/FOLDER":                   4,
			"/Room/Folder/a.pdf":             5,
			"/Room/Folder/A.pdf":             7,
			"/Room/Folder/a.pdf.bak":         6,
			"/Room/Folder/100% #1 ?+ ü.txt":  9,
			"/Room/Folder/Sub dir/deep.txt":  11,
			"Room/Folder/a.pdf":              5,
			"/Room/odd:name|x":               14,
			"/Room/FOLDER/a.pdf":             15,
			"/ROOM/FOLDER/a.pdf":             0, // ROOM has no children; a loose search finds 15
			"/Room/b.pdf":                    0,
			"/Room/Folder/a":                 0,
			"/Room/Folder/a.PDF":             0,
			"/room/Folder/a.pdf":             0,
			"/Room/Folder/Sub dir/deep.txt/": 11,
		} {
			n, err := f.client.Nodes.Resolve(t.Context(), path)
			if want == 0 {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("search broken %v: %q: %+v, %v; want not found", broken, path, n, err)
				}
				continue
			}
			if err != nil || n.ID != int64(want) {
				t.Errorf("search broken %v: %q: %+v, %v; want id %d", broken, path, n, err, want)
			}
		}
	}
}

func TestResolveUsesOneSearchWhenItFinds(t *testing.T) {
	f := newFakeAPI(t)
	ft := newLookAlikeTree()
	ft.pageMax = 500
	ft.serve(f)
	n, err := f.client.Nodes.Resolve(t.Context(), "/Room/Folder/a.pdf")
	if err != nil || n.ID != 5 {
		t.Fatalf("%+v, %v", n, err)
	}
	if got := f.requests.Load(); got != 1 {
		t.Errorf("%d requests, want one search", got)
	}
}

func TestResolveNamesTheMissingSegment(t *testing.T) {
	ft := newLookAlikeTree()
	f2 := newFakeAPI(t)
	ft.serve(f2)
	for _, tc := range []struct {
		path, segment, parent string
		notContainer          bool
	}{
		{"/Nope/a.pdf", "Nope", "/", false},
		{"/Room/folder/a.pdf", "folder", "/Room/", false},
		{"/Room/Folder/b.pdf", "b.pdf", "/Room/Folder/", false},
		{"/Room/file.txt/x", "file.txt", "/Room/", true},
	} {
		_, err := f2.client.Nodes.Resolve(t.Context(), tc.path)
		var pe *PathNotFoundError
		if !errors.As(err, &pe) || !errors.Is(err, ErrNotFound) {
			t.Errorf("%q: %v", tc.path, err)
			continue
		}
		if pe.Segment != tc.segment || pe.Parent != tc.parent || pe.NotContainer != tc.notContainer || pe.Path != tc.path {
			t.Errorf("%q: %+v", tc.path, pe)
		}
		if !strings.Contains(err.Error(), strconv.Quote(tc.segment)) {
			t.Errorf("%q: message %q does not name %q", tc.path, err, tc.segment)
		}
	}
}
