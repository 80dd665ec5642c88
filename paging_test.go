package dracoon

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
)

// pagedNodes serves n rooms from GET /api/v4/nodes, honouring offset and
// limit (capped at maxLimit), and counts the requests.
func pagedNodes(t *testing.T, n int, maxLimit int) (http.Handler, *atomic.Int32) {
	var calls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/nodes", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		q := r.URL.Query()
		if q.Get("parent_id") != "0" || q.Get("filter") != "type:eq:room" {
			t.Errorf("query %v", q)
		}
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, _ := strconv.Atoi(q.Get("limit"))
		if lim == 0 || lim > maxLimit {
			lim = maxLimit
		}
		items := []map[string]any{}
		for i := off; i < n && i < off+lim; i++ {
			items = append(items, map[string]any{"id": i + 1, "type": "room", "name": "room " + strconv.Itoa(i)})
		}
		writeJSON(w, 200, map[string]any{"range": map[string]int{"offset": off, "limit": lim, "total": n}, "items": items})
	})
	return mux, &calls
}

func TestAllVisitsEveryItemOnce(t *testing.T) {
	for _, tt := range []struct{ n, limit, serverMax int }{
		{0, 0, 500}, {1, 0, 500}, {1234, 100, 500}, {1000, 0, 500}, {1001, 0, 500}, {250, 500, 100}, {7, 3, 500},
	} {
		h, calls := pagedNodes(t, tt.n, tt.serverMax)
		f := newFakeOAuth("a", "b")
		mux := f.mux()
		mux.Handle("GET /api/v4/nodes", h)
		c := newTestClient(t, mux)
		connect(t, c, f)
		next := int64(1)
		opts := &ListNodesOptions{ListOptions: ListOptions{Limit: int64(tt.limit), Filter: "type:eq:room"}}
		for node, err := range c.Nodes.All(context.Background(), 0, opts) {
			if err != nil {
				t.Fatal(err)
			}
			if node.ID != next {
				t.Fatalf("%+v: got id %d, want %d", tt, node.ID, next)
			}
			next++
		}
		if next-1 != int64(tt.n) {
			t.Errorf("%+v: visited %d items", tt, next-1)
		}
		pageSize := tt.limit
		if pageSize == 0 || pageSize > tt.serverMax {
			pageSize = tt.serverMax
		}
		wantCalls := max(1, (tt.n+pageSize-1)/pageSize)
		if int(calls.Load()) != wantCalls {
			t.Errorf("%+v: %d requests, want %d", tt, calls.Load(), wantCalls)
		}
		if opts.Offset != 0 {
			t.Errorf("All changed the caller's options")
		}
	}
}

func TestAllFetchesLazily(t *testing.T) {
	h, calls := pagedNodes(t, 1000, 500)
	f := newFakeOAuth("a", "b")
	mux := f.mux()
	mux.Handle("GET /api/v4/nodes", h)
	c := newTestClient(t, mux)
	connect(t, c, f)
	seq := c.Nodes.All(context.Background(), 0, &ListNodesOptions{ListOptions: ListOptions{Limit: 100, Filter: "type:eq:room"}})
	if calls.Load() != 0 {
		t.Fatal("fetched before iterating")
	}
	seen := 0
	for _, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		if seen++; seen == 150 {
			break
		}
	}
	if calls.Load() != 2 {
		t.Errorf("%d pages fetched for 150 items of 100-item pages", calls.Load())
	}
	// The sequence can be ranged over again, from the start.
	first := int64(0)
	for n, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		first = n.ID
		break
	}
	if first != 1 {
		t.Errorf("second iteration started at id %d", first)
	}
}

func TestAllStopsOnEmptyPageAndYieldsErrors(t *testing.T) {
	// A server whose total overstates the list: the empty page ends it.
	var calls atomic.Int32
	fetch := func(ctx context.Context, o *ListOptions) (*Page[int], error) {
		calls.Add(1)
		if o.Offset >= 3 {
			return &Page[int]{Range: Range{Offset: o.Offset, Total: 99}}, nil
		}
		return &Page[int]{Range: Range{Offset: o.Offset, Total: 99}, Items: []int{int(o.Offset)}}, nil
	}
	n := 0
	for _, err := range all(context.Background(), nil, fetch) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 || calls.Load() != 4 {
		t.Errorf("%d items in %d calls", n, calls.Load())
	}

	boom := errors.New("boom")
	failing := func(ctx context.Context, o *ListOptions) (*Page[int], error) {
		if o.Offset > 0 {
			return nil, boom
		}
		return &Page[int]{Range: Range{Total: 10}, Items: []int{1, 2}}, nil
	}
	var got []error
	for _, err := range all(context.Background(), nil, failing) {
		got = append(got, err)
	}
	if len(got) != 3 || got[0] != nil || got[1] != nil || !errors.Is(got[2], boom) {
		t.Errorf("got %v", got)
	}
}

func TestListOptionsQuery(t *testing.T) {
	q := (&ListOptions{Offset: 10, Limit: 20, Filter: "name:cn:a|type:eq:room", Sort: "name:desc"}).values(nil)
	if q.Encode() != "filter=name%3Acn%3Aa%7Ctype%3Aeq%3Aroom&limit=20&offset=10&sort=name%3Adesc" {
		t.Errorf("query %s", q.Encode())
	}
	if (*ListOptions)(nil).values(nil).Encode() != "" {
		t.Error("nil options produced a query")
	}
}
