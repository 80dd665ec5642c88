package dracoon

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// listFetcher serves a list of n ints (the item at offset i is i) in pages
// of at most max, reporting total as the total (n when total < 0), and
// counts fetches in flight.
type listFetcher struct {
	n, max, total int
	running       atomic.Int32
	peak          atomic.Int32
	calls         atomic.Int32
	gate          chan struct{} // when set, fetches after the first wait for it or ctx
	failAt        int64         // offset whose fetch fails, or -1
	firstOnly     bool          // total applies to the first page only (the list grew)
}

func (lf *listFetcher) fetch(ctx context.Context, o *ListOptions) (*Page[int], error) {
	lf.calls.Add(1)
	r := lf.running.Add(1)
	defer lf.running.Add(-1)
	for {
		p := lf.peak.Load()
		if r <= p || lf.peak.CompareAndSwap(p, r) {
			break
		}
	}
	if lf.gate != nil && o.Offset > 0 {
		select {
		case <-lf.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if o.Offset == lf.failAt {
		return nil, errors.New("boom")
	}
	lim := int(o.Limit)
	if lim == 0 || lim > lf.max {
		lim = lf.max
	}
	total := lf.total
	if total < 0 || (lf.firstOnly && o.Offset > 0) {
		total = lf.n
	}
	var items []int
	for i := int(o.Offset); i < lf.n && i < int(o.Offset)+lim; i++ {
		items = append(items, i)
	}
	return &Page[int]{Range: Range{Offset: o.Offset, Limit: int64(lim), Total: int64(total)}, Items: items}, nil
}

// TestReadAheadYieldsWhatSequentialYields compares reading ahead with
// fetching one page at a time, including lists whose total is wrong.
func TestReadAheadYieldsWhatSequentialYields(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		n, max, total, ahead int
		firstOnly            bool
		offset               int64
		want                 int // items expected
	}{
		{"exact pages", 1000, 100, -1, 4, false, 0, 1000},
		{"ragged end", 1234, 100, -1, 3, false, 0, 1234},
		{"one page", 50, 100, -1, 4, false, 0, 50},
		{"empty", 0, 100, -1, 4, false, 0, 0},
		{"from an offset", 1000, 100, -1, 8, false, 250, 750},
		{"ahead above the cap", 3000, 100, -1, 100, false, 0, 3000},
		{"list shrank (total overstated)", 450, 100, 1000, 4, false, 0, 450},
		{"total understated throughout", 1000, 100, 300, 4, false, 0, 300},
		{"list grew after the first page", 1000, 100, 300, 2, true, 0, 1000},
	} {
		run := func(ahead int) ([]int, *listFetcher) {
			lf := &listFetcher{n: tc.n, max: tc.max, total: tc.total, failAt: -1, firstOnly: tc.firstOnly}
			var out []int
			for v, err := range all(t.Context(), &ListOptions{Offset: tc.offset, ReadAhead: ahead}, lf.fetch) {
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				out = append(out, v)
			}
			return out, lf
		}
		want, _ := run(0)
		got, lf := run(tc.ahead)
		if len(want) != tc.want {
			t.Fatalf("%s: sequential gave %d items, want %d", tc.name, len(want), tc.want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: read-ahead gave %d items (first %v), sequential %d", tc.name, len(got), got[:min(3, len(got))], len(want))
		}
		if lf.running.Load() != 0 {
			t.Errorf("%s: fetches still running after the loop", tc.name)
		}
		if p := lf.peak.Load(); int(p) > min(tc.ahead, MaxReadAhead) {
			t.Errorf("%s: %d fetches at once, ahead %d", tc.name, p, tc.ahead)
		}
	}
}

func TestReadAheadStopsWithTheLoop(t *testing.T) {
	// Pages after the first block until released or cancelled: breaking
	// out after the first page must cancel and wait for them.
	lf := &listFetcher{n: 10000, max: 100, total: -1, failAt: -1, gate: make(chan struct{})}
	seen := 0
	for _, err := range all(t.Context(), &ListOptions{ReadAhead: 5}, lf.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		if seen++; seen == 100 {
			break
		}
	}
	if r := lf.running.Load(); r != 0 {
		t.Errorf("%d fetches still running after break", r)
	}
	if c := lf.calls.Load(); c > 6 {
		t.Errorf("%d fetches for a loop that stopped after the first page", c)
	}
}

func TestReadAheadReportsErrorsInOrder(t *testing.T) {
	lf := &listFetcher{n: 1000, max: 100, total: -1, failAt: 500}
	var got []int
	var gotErr error
	for v, err := range all(t.Context(), &ListOptions{ReadAhead: 4}, lf.fetch) {
		if err != nil {
			gotErr = err
			continue
		}
		got = append(got, v)
	}
	if gotErr == nil || gotErr.Error() != "boom" || len(got) != 500 || got[499] != 499 {
		t.Errorf("items %d, err %v", len(got), gotErr)
	}
	if lf.running.Load() != 0 {
		t.Error("fetches still running")
	}
}

// TestReadAheadRespectsTheClientLimit reads 20 pages ahead through a
// client limited to 2 requests at a time.
func TestReadAheadRespectsTheClientLimit(t *testing.T) {
	const n = 2000
	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	release := make(chan struct{})
	var once sync.Once
	f := newFakeOAuth("u", "p")
	mux := f.mux()
	mux.HandleFunc("GET /api/v4/nodes", func(w http.ResponseWriter, r *http.Request) {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		mu.Lock()
		if cur > peak.Load() {
			peak.Store(cur)
		}
		mu.Unlock()
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if off > 0 && cur >= 2 {
			once.Do(func() { close(release) }) // two at once seen: let everyone go
		}
		if off > 0 {
			select { // without read-ahead only one request ever waits here
			case <-release:
			case <-time.After(10 * time.Second):
			}
		}
		items := []map[string]any{}
		for i := off; i < n && i < off+100; i++ {
			items = append(items, map[string]any{"id": i + 1, "type": "room", "name": "r"})
		}
		writeJSON(w, 200, pageOf(off, 100, n, items))
	})
	c := newTestClient(t, mux, WithMaxConcurrentRequests(2))
	connect(t, c, f)
	count := 0
	for node, err := range c.Nodes.All(t.Context(), 0, &ListNodesOptions{ListOptions: ListOptions{Limit: 100, ReadAhead: 8}}) {
		if err != nil {
			t.Fatal(err)
		}
		if count++; node.ID != int64(count) {
			t.Fatalf("item %d has id %d", count, node.ID)
		}
	}
	if count != n {
		t.Errorf("%d items", count)
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("peak %d requests in flight, want the limit 2", p)
	}
}
