package dracoon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// benchNodes is the number of nodes BenchmarkNodesAll lists.
const benchNodes = 10_000

// BenchmarkNodesAll lists 10,000 rooms (sub-rooms of one room, 20 pages of
// 500) with Nodes.All against the in-process emulator, without the
// contract validator, and reports the time and the allocations per node
// (client and emulator together: they share the process). The readahead
// variants fetch that many pages ahead concurrently.
//
//	go test -run '^$' -bench BenchmarkNodesAll -count 5 .
func BenchmarkNodesAll(b *testing.B) {
	srv := dracoontest.NewServer(b)
	parent, err := srv.CreateRoom("Bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range benchNodes {
		if _, err := srv.CreateRoom(fmt.Sprintf("room-%05d", i), &dracoontest.RoomOptions{ParentID: parent}); err != nil {
			b.Fatal(err)
		}
	}
	c, err := New(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		b.Fatal(err)
	}
	for _, ahead := range []int{0, 2, 4} {
		b.Run(fmt.Sprintf("readahead=%d", ahead), func(b *testing.B) {
			opts := &ListNodesOptions{ListOptions: ListOptions{ReadAhead: ahead}}
			m := startPerNode()
			for b.Loop() {
				n := 0
				for node, err := range c.Nodes.All(ctx, parent, opts) {
					if err != nil {
						b.Fatal(err)
					}
					if node.ID == 0 {
						b.Fatal("node without id")
					}
					n++
				}
				if n != benchNodes {
					b.Fatalf("listed %d nodes, want %d", n, benchNodes)
				}
			}
			m.report(b)
		})
	}
}

// perNode measures time and allocations (of the whole process) per listed
// node.
type perNode struct {
	start time.Time
	ms    runtime.MemStats
}

func startPerNode() *perNode {
	m := &perNode{}
	runtime.ReadMemStats(&m.ms)
	m.start = time.Now()
	return m
}

// report adds ns/node, allocs/node and B/node for b.N listings.
func (m *perNode) report(b *testing.B) {
	elapsed := time.Since(m.start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	nodes := float64(b.N * benchNodes)
	b.ReportMetric(float64(elapsed.Nanoseconds())/nodes, "ns/node")
	b.ReportMetric(float64(ms.Mallocs-m.ms.Mallocs)/nodes, "allocs/node")
	b.ReportMetric(float64(ms.TotalAlloc-m.ms.TotalAlloc)/nodes, "B/node")
}

// BenchmarkNodesAllLatency lists the same 10,000 nodes from a fake server
// that answers every page after a fixed delay, as a DRACOON server across a
// network does, to show what reading ahead buys when requests wait on the
// network rather than on the CPU. Pages are encoded once, up front.
//
//	go test -run '^$' -bench BenchmarkNodesAllLatency -count 5 .
func BenchmarkNodesAllLatency(b *testing.B) {
	const delay = 10 * time.Millisecond
	pages := map[string][]byte{}
	for off := 0; off < benchNodes; off += MaxPageSize {
		items := make([]Node, 0, MaxPageSize)
		for i := off; i < off+MaxPageSize; i++ {
			items = append(items, Node{ID: int64(i + 1), Type: NodeTypeRoom, Name: fmt.Sprintf("room-%05d", i), ParentPath: "/Bench/", ParentID: 1})
		}
		body, err := json.Marshal(Page[Node]{Range: Range{Offset: int64(off), Limit: MaxPageSize, Total: benchNodes}, Items: items})
		if err != nil {
			b.Fatal(err)
		}
		pages[strconv.Itoa(off)] = body
	}
	oauth := newFakeOAuth("u", "p")
	mux := oauth.mux()
	mux.HandleFunc("GET /api/v4/nodes", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		off := r.URL.Query().Get("offset")
		if off == "" {
			off = "0"
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(pages[off])
	})
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	c, err := New(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Connect(context.Background(), PasswordFlow("u", "p")); err != nil {
		b.Fatal(err)
	}
	for _, ahead := range []int{0, 2, 4, 8} {
		b.Run(fmt.Sprintf("readahead=%d", ahead), func(b *testing.B) {
			opts := &ListNodesOptions{ListOptions: ListOptions{ReadAhead: ahead}}
			m := startPerNode()
			for b.Loop() {
				n := 0
				for _, err := range c.Nodes.All(context.Background(), 1, opts) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != benchNodes {
					b.Fatalf("listed %d nodes", n)
				}
			}
			m.report(b)
		})
	}
}
