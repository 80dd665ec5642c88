package emulator

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Fuzz targets of the list and transfer header parsers, at unit level.

// fuzzItems are rows the fuzzed filters and sorts are applied to.
var fuzzItems = []item{
	{id: 1, name: "a", size: 3, at: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), ok: true},
	{id: 2, name: "B:c|d", size: -1, at: time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)},
	{id: 3, name: "", size: 1 << 62, at: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), ok: true},
	{id: 4, name: "Ünï", size: 0},
}

// singleSortSpec is itemSpec without multi-field sorts.
var singleSortSpec = &listSpec[item]{filters: itemSpec.filters, sorts: itemSpec.sorts, tiebreak: itemSpec.tiebreak}

// FuzzFilterParser: any filter text parses into conditions on known
// fields with allowed operators, or into a short 400; parsed conditions
// print back into text that parses to the same conditions, and applying
// them never panics.
func FuzzFilterParser(f *testing.F) {
	for _, s := range []string{
		"name:cn:a", "name:eq:a:b|size:ge:2", "at:ge:2020-01-01", "at:le:2020-01-02T03:04:05.000Z", "ok:eq:true",
		"|||", ":::", "name::", "size:eq:99999999999999999999", "at:eq:0000-00-00", "name:cn:a|" + strings.Repeat("|", 50),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		conds, err := parseFilter(s, itemSpec)
		if err != nil {
			if err.status != 400 || len(err.debugInfo) > 200 {
				t.Fatalf("filter %q: %v", s, err)
			}
			return
		}
		if len(conds) == 0 {
			t.Fatalf("filter %q accepted without conditions", s)
		}
		parts := make([]string, len(conds))
		for i, c := range conds {
			ff, ok := itemSpec.filters[c.field]
			if !ok || !slices.Contains(ff.ops, c.op) || len(c.values) == 0 {
				t.Fatalf("filter %q gave condition %+v", s, c)
			}
			parts[i] = c.field + ":" + c.op + ":" + strings.Join(c.values, ":")
		}
		again, err := parseFilter(strings.Join(parts, "|"), itemSpec)
		if err != nil || !reflect.DeepEqual(again, conds) {
			t.Fatalf("filter %q printed as %q parses to %+v, %v", s, strings.Join(parts, "|"), again, err)
		}
		page, rng := itemSpec.apply(fuzzItems, listQuery{limit: maxLimit, filters: conds})
		if rng.Total != int64(len(page)) || len(page) > len(fuzzItems) {
			t.Fatalf("filter %q: %d items, total %d", s, len(page), rng.Total)
		}
	})
}

// FuzzSortParser: any sort text parses into known fields (one only where
// the endpoint sorts by one field), or into a short 400; sorted output is
// ordered by those keys.
func FuzzSortParser(f *testing.F) {
	for _, s := range []string{"name:asc", "size:desc|name:asc", "name", "|||", ":::", "name:ASC|size:Desc", "name:sideways", strings.Repeat("name:asc|", 20)} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, single bool) {
		spec := itemSpec
		if single {
			spec = singleSortSpec
		}
		keys, err := parseSort(s, spec)
		if err != nil {
			if err.status != 400 || len(err.debugInfo) > 200 {
				t.Fatalf("sort %q: %v", s, err)
			}
			return
		}
		if len(keys) == 0 || (single && len(keys) != 1) {
			t.Fatalf("sort %q gave %d keys", s, len(keys))
		}
		page, _ := spec.apply(fuzzItems, listQuery{limit: maxLimit, sorts: keys})
		for i := 1; i < len(page); i++ {
			for _, k := range keys {
				c := spec.sorts[k.field](page[i-1], page[i])
				if k.desc {
					c = -c
				}
				if c < 0 {
					break
				}
				if c > 0 {
					t.Fatalf("sort %q: %v before %v", s, page[i-1], page[i])
				}
			}
		}
	})
}

// FuzzContentRange: a chunk's Content-Range either places the chunk
// (append, or a range inside its own total) or is -80021; a download's
// Range either serves a range inside the file, the whole file, or 416.
func FuzzContentRange(f *testing.F) {
	for _, s := range []string{"", "bytes 0-0/10", "bytes 0-9/10", "bytes 0-2048/*", "bytes 5-1/10", "bytes -1-5/10", "bytes 0-9/5",
		"bytes 999999999999999999-999999999999999999/*", "bytes=0-0", "bytes=-5", "bytes=5-", "bytes=0-1,3-4", "bytes=a-b"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		start, end, appendIt, err := chunkPlacement(h)
		switch {
		case err != nil:
			if err.status != 400 || err.errorCode != -80021 {
				t.Fatalf("Content-Range %q: %v", h, err)
			}
		case appendIt:
			if start != 0 || end != 0 {
				t.Fatalf("Content-Range %q appends with start %d", h, start)
			}
		default:
			if start < 0 || end <= start {
				t.Fatalf("Content-Range %q placed at %d-%d", h, start, end)
			}
			if !strings.HasSuffix(h, "/*") {
				var total int64
				if _, e := fmt.Sscanf(h[strings.LastIndexByte(h, '/')+1:], "%d", &total); e != nil || end > total {
					t.Fatalf("Content-Range %q placed beyond its total", h)
				}
			}
		}

		size = max(size, 0) % (1 << 50)
		off, n, partial, rerr := byteRange(h, size)
		switch {
		case rerr != nil:
			if rerr.status != 416 {
				t.Fatalf("Range %q: %v", h, rerr)
			}
		case partial:
			if off < 0 || n < 1 || off+n > size {
				t.Fatalf("Range %q on %d bytes: %d+%d", h, size, off, n)
			}
		default:
			if off != 0 || n != size {
				t.Fatalf("Range %q ignored but serves %d+%d of %d", h, off, n, size)
			}
		}
	})
}
