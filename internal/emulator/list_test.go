package emulator

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// item is a test row for the list engine.
type item struct {
	id   int64
	name string
	size int64
	at   time.Time
	ok   bool
}

var itemSpec = &listSpec[item]{
	filters: map[string]filterField[item]{
		"name": {kind: kindString, ops: []string{"eq", "cn"}, str: func(i item) string { return i.name }},
		"size": {kind: kindInt, ops: []string{"eq", "ge", "le"}, num: func(i item) int64 { return i.size }},
		"at":   {kind: kindTime, ops: []string{"ge", "le", "eq"}, tm: func(i item) time.Time { return i.at }},
		"ok":   {kind: kindBool, ops: []string{"eq"}, bl: func(i item) bool { return i.ok }},
	},
	sorts: map[string]func(a, b item) int{
		"name": func(a, b item) int { return compareFold(a.name, b.name) },
		"size": func(a, b item) int { return int(a.size - b.size) },
	},
	multiSort:   true,
	tiebreak:    func(a, b item) int { return int(a.id - b.id) },
	defaultSort: []sortKey{{field: "name"}},
}

func query(t *testing.T, raw string) listQuery {
	t.Helper()
	r := httptest.NewRequest("GET", "/x?"+raw, nil)
	q, err := parseListQuery(r, itemSpec)
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return q
}

// TestPagingYieldsEveryItemOnce: walking the pages with any limit returns
// each filtered item exactly once, in one order, with a stable total.
func TestPagingYieldsEveryItemOnce(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 60).Draw(rt, "n")
		items := make([]item, n)
		for i := range items {
			items[i] = item{
				id:   int64(i + 1),
				name: rapid.SampledFrom([]string{"a", "B", "c", "a", "Dd"}).Draw(rt, "name"),
				size: rapid.Int64Range(0, 5).Draw(rt, "size"),
				ok:   rapid.Bool().Draw(rt, "ok"),
			}
		}
		limit := rapid.IntRange(1, 70).Draw(rt, "limit")
		sort := rapid.SampledFrom([]string{"", "name:asc", "name:desc", "size:desc|name:asc", "size:asc"}).Draw(rt, "sort")
		filter := rapid.SampledFrom([]string{"", "ok:eq:true", "size:ge:2", "name:cn:a", "size:le:3|ok:eq:false"}).Draw(rt, "filter")

		want := 0
		full, _ := itemSpec.apply(items, listQuery{limit: maxLimit, filters: mustFilter(rt, filter), sorts: mustSort(rt, sort)})
		for _, it := range items {
			if itemSpec.matches(it, mustFilter(rt, filter)) {
				want++
			}
		}
		var seen []int64
		for offset := 0; ; offset += limit {
			page, rng := itemSpec.apply(items, listQuery{offset: offset, limit: limit, filters: mustFilter(rt, filter), sorts: mustSort(rt, sort)})
			if int(rng.Total) != want {
				rt.Fatalf("total %d, want %d", rng.Total, want)
			}
			if len(page) > limit {
				rt.Fatalf("page of %d > limit %d", len(page), limit)
			}
			for _, it := range page {
				seen = append(seen, it.id)
			}
			if offset+limit >= int(rng.Total) {
				break
			}
		}
		if len(seen) != want {
			rt.Fatalf("paging yielded %d items, want %d", len(seen), want)
		}
		uniq := slices.Clone(seen)
		slices.Sort(uniq)
		if len(slices.Compact(uniq)) != len(seen) {
			rt.Fatalf("an item appeared twice: %v", seen)
		}
		for i, it := range full {
			if seen[i] != it.id {
				rt.Fatalf("paged order differs from the unpaged order at %d", i)
			}
		}
	})
}

func mustFilter(rt *rapid.T, s string) []filterCond {
	if s == "" {
		return nil
	}
	c, err := parseFilter(s, itemSpec)
	if err != nil {
		rt.Fatalf("filter %q: %v", s, err)
	}
	return c
}

func mustSort(rt *rapid.T, s string) []sortKey {
	if s == "" {
		return nil
	}
	k, err := parseSort(s, itemSpec)
	if err != nil {
		rt.Fatalf("sort %q: %v", s, err)
	}
	return k
}

func TestFilterSemantics(t *testing.T) {
	day := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	items := []item{
		{id: 1, name: "Alpha", size: 1, at: day, ok: true},
		{id: 2, name: "beta", size: 5, at: day.Add(48 * time.Hour)},
		{id: 3, name: "Alphabet", size: 3, at: day.Add(-48 * time.Hour), ok: true},
	}
	ids := func(raw string) []int64 {
		page, _ := itemSpec.apply(items, query(t, raw))
		var out []int64
		for _, it := range page {
			out = append(out, it.id)
		}
		return out
	}
	cases := map[string][]int64{
		"filter=name:eq:alpha":       {1},
		"filter=name:cn:ALPH":        {1, 3},
		"filter=name:eq:alpha:beta":  {1, 2},
		"filter=size:ge:2|size:le:4": {3},
		"filter=ok:eq:false":         {2},
		"filter=at:ge:2024-03-10":    {1, 2},
		"filter=at:le:2024-03-10":    {1, 3},
		"filter=at:eq:2024-03-10":    {1},
		"filter=" + url.QueryEscape("at:ge:2024-03-10T12:00:00.000Z"):        {1, 2},
		"filter=" + url.QueryEscape("at:le:2024-03-10T11:59:59Z|ok:eq:true"): {3},
		"sort=size:desc":                  {2, 3, 1},
		"sort=name:desc&offset=1&limit=1": {3},
		"sort=name:asc|size:desc&limit=0": {1, 3, 2},
	}
	for raw, want := range cases {
		if got := ids(raw); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", raw, got, want)
		}
	}
	for _, bad := range []string{"filter=nope:eq:1", "filter=name:ge:a", "filter=size:eq:x", "filter=ok:eq:yes", "filter=at:ge:yesterday",
		"filter=name", "sort=nope:asc", "sort=name:up", "limit=-1", "offset=-3", "offset=abc"} {
		r := httptest.NewRequest("GET", "/x?"+bad, nil)
		if _, err := parseListQuery(r, itemSpec); err == nil {
			t.Errorf("%s accepted", bad)
		} else if err.status != 400 {
			t.Errorf("%s: status %d", bad, err.status)
		}
	}
	r := httptest.NewRequest("GET", "/x?limit=100000", nil)
	if q, _ := parseListQuery(r, itemSpec); q.limit != maxLimit {
		t.Errorf("limit not clamped: %d", q.limit)
	}
}

func TestValidateNodeName(t *testing.T) {
	good := []string{"a", "Report 2024.pdf", "ÄÖÜ", ".env", "con-tract", "COM10", "LPT", strings.Repeat("x", 150)}
	for _, n := range good {
		if err := validateNodeName(n); err != nil {
			t.Errorf("%q rejected: %v", n, err)
		}
	}
	bad := map[string]int{
		"": -80000, " ": -80000, strings.Repeat("x", 151): -80007,
		"a\\b": -40755, "a<b": -40755, "a>b": -40755, "a:b": -40755, `a"b`: -40755, "a|b": -40755, "a?b": -40755,
		"a*b": -40755, "a/b": -40755, "-a": -40755, "a.": -40755, "nul": -40755, "Com1.txt": -40755, "PRN.tar.gz": -40755,
		"tab\there": -40755, "\xff": -40755,
	}
	for n, code := range bad {
		err := validateNodeName(n)
		if err == nil || err.errorCode != code {
			t.Errorf("%q: got %v, want %d", n, err, code)
		}
	}
}

func TestRandomString(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		s := randomString(32)
		if len(s) != 32 || strings.Trim(s, alnum) != "" || seen[s] {
			t.Fatalf("bad or repeated random string %q", s)
		}
		seen[s] = true
	}
	if u := randomUUID(); len(u) != 36 || u[14] != '4' {
		t.Errorf("uuid %q", u)
	}
}

func TestParseAPITime(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-02":                    "2024-01-02T00:00:00.000Z",
		"2024-01-02T03:04:05Z":          "2024-01-02T03:04:05.000Z",
		"2024-01-02T03:04:05.678+02:00": "2024-01-02T01:04:05.678Z",
		"2016-12-31T23:00:00.123":       "2016-12-31T23:00:00.123Z",
	} {
		got, ok := parseAPITime(in)
		if !ok {
			t.Errorf("%s not parsed", in)
			continue
		}
		b, _ := apiTime(got).MarshalJSON()
		if string(b) != `"`+want+`"` {
			t.Errorf("%s → %s, want %s", in, b, want)
		}
	}
	if _, ok := parseAPITime("yesterday"); ok {
		t.Error("nonsense parsed")
	}

}
