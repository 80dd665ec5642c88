package dracoon

import (
	"iter"
	"net/http"
	"strconv"
	"testing"
)

// serveMany answers GET path with n items (made by item) in pages of at
// most 500, as DRACOON does, and asserts the page parameters.
func serveMany(t *testing.T, f *fakeAPI, path string, n int, item func(i int) map[string]any) {
	f.mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, _ := strconv.Atoi(q.Get("limit"))
		if q.Has("limit") && lim <= 0 || q.Has("offset") && off <= 0 {
			t.Errorf("page parameters %v", q)
		}
		if lim == 0 || lim > MaxPageSize {
			lim = MaxPageSize
		}
		items := []map[string]any{}
		for i := off; i < n && i < off+lim; i++ {
			items = append(items, item(i))
		}
		writeJSON(w, 200, pageOf(off, lim, n, items))
	})
}

// collect ranges over seq, stopping after stop items (0: never).
func collect[T any](t *testing.T, seq iter.Seq2[T, error], stop int) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
		if len(out) == stop {
			break
		}
	}
	return out
}

func TestIteratorsPageOver1200Items(t *testing.T) {
	const n = 1200
	t.Run("search", func(t *testing.T) {
		f := newFakeAPI(t)
		serveMany(t, f, "/api/v4/nodes/search", n, func(i int) map[string]any { return nodeJSON(int64(i+1), "file", "f"+strconv.Itoa(i), "/R/") })
		got := collect(t, f.client.Nodes.SearchAll(t.Context(), &SearchOptions{Query: "f", DepthLevel: -1}), 0)
		if len(got) != n {
			t.Fatalf("%d items, want %d", len(got), n)
		}
		for i, node := range got {
			if node.ID != int64(i+1) {
				t.Fatalf("item %d has id %d", i, node.ID)
			}
		}
		if r := f.requests.Load(); r != 3 {
			t.Errorf("%d requests, want 3 pages", r)
		}
	})
	t.Run("room users, stopping early", func(t *testing.T) {
		f := newFakeAPI(t)
		serveMany(t, f, "/api/v4/nodes/rooms/9/users", n, func(i int) map[string]any {
			u := map[string]any{"id": i + 1, "userType": "internal", "avatarUuid": "x", "userName": "u" + strconv.Itoa(i), "firstName": "F", "lastName": "L"}
			return map[string]any{"userInfo": u, "isGranted": true, "id": i + 1, "login": "u", "displayName": "F L", "email": "u@example.com"}
		})
		got := collect(t, f.client.Rooms.AllUsers(t.Context(), 9, nil), 501)
		if len(got) != 501 || got[500].UserInfo.ID != 501 {
			t.Fatalf("%d items", len(got))
		}
		if r := f.requests.Load(); r != 2 {
			t.Errorf("%d requests for 501 items, want 2", r)
		}
	})
	t.Run("children with a starting offset", func(t *testing.T) {
		f := newFakeAPI(t)
		serveMany(t, f, "/api/v4/nodes", n, func(i int) map[string]any { return nodeJSON(int64(i+1), "room", "r"+strconv.Itoa(i), "/") })
		got := collect(t, f.client.Nodes.All(t.Context(), 0, &ListNodesOptions{ListOptions: ListOptions{Offset: 100, Limit: 300}}), 0)
		if len(got) != n-100 || got[0].ID != 101 || got[len(got)-1].ID != n {
			t.Fatalf("%d items from %d", len(got), got[0].ID)
		}
		if r := f.requests.Load(); r != 4 {
			t.Errorf("%d requests, want 4 pages of 300", r)
		}
	})
}
