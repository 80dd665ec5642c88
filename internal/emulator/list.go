package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The generic list engine (emulator-spec §4.7): parse offset/limit,
// filter and sort once, evaluate them against per-endpoint field tables,
// filter → sort → count → page.
//
// Filter syntax: FIELD:OPERATOR:VALUE[:VALUE…], conditions joined by "|"
// and AND-ed; several values after one operator are OR-ed. Sort syntax:
// FIELD:asc|desc, several joined by "|" where the endpoint allows it.

// Paging limits.
const (
	defaultLimit = 500
	maxLimit     = 500
)

// rangeJSON is Range.
type rangeJSON struct {
	Offset int64 `json:"offset"`
	Limit  int64 `json:"limit"`
	Total  int64 `json:"total"`
}

type filterCond struct {
	field  string
	op     string
	values []string
}

type sortKey struct {
	field string
	desc  bool
}

type listQuery struct {
	offset  int
	limit   int
	filters []filterCond
	sorts   []sortKey
}

// fieldKind says how a filter field's values are read and compared.
type fieldKind int

const (
	kindString fieldKind = iota // eq (case-insensitive), cn (contains), sw (starts with)
	kindEnum                    // eq against fixed lower-case values
	kindBool                    // eq true|false
	kindInt                     // eq, ge, le
	kindTime                    // ge, le (date or date-time), eq (same instant or day)
)

// filterField describes one filterable field of an endpoint.
type filterField[T any] struct {
	kind fieldKind
	ops  []string
	// enum lists the allowed values of a kindEnum field.
	enum []string
	// str/num/tm/bl read the item's value for the field's kind.
	str func(T) string
	num func(T) int64
	tm  func(T) time.Time
	bl  func(T) bool
	// match, when set, replaces the kind-based comparison (values are
	// OR-ed by the caller).
	match func(item T, value string) bool
	// matchOp is match for fields whose operators differ (cn, eq, ge, le).
	matchOp func(item T, op, value string) bool
}

// listSpec is an endpoint's table of filter and sort fields.
type listSpec[T any] struct {
	filters map[string]filterField[T]
	sorts   map[string]func(a, b T) int
	// multiSort allows several sort fields joined by "|".
	multiSort bool
	// group, when set, orders items before the sort key (nodes: rooms,
	// folders, files).
	group func(T) int
	// tiebreak gives a total order after the sort keys (usually id).
	tiebreak func(a, b T) int
	// defaultSort is applied when the request has no sort.
	defaultSort []sortKey
	// anyOf lists fields whose conditions are OR-ed with each other (the
	// group as a whole is AND-ed with the rest), e.g. GET /users' login,
	// firstName and lastName.
	anyOf []string
	// modifiers are fields that change what the handler lists (isMember,
	// effectiveRoles, …) instead of testing an item; matches skips them
	// and handlers read them with listQuery.filterValue.
	modifiers []string
}

// filterValue returns the first value of the condition on field, if any.
func (q listQuery) filterValue(field string) (string, bool) {
	for _, c := range q.filters {
		if c.field == field && len(c.values) > 0 {
			return c.values[0], true
		}
	}
	return "", false
}

// parseListQuery reads offset, limit, filter and sort from r against spec.
func parseListQuery[T any](r *http.Request, spec *listSpec[T]) (listQuery, *apiError) {
	q := r.URL.Query()
	lq := listQuery{limit: defaultLimit}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return lq, errInvalidRange
		}
		lq.offset = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return lq, errInvalidRange
		}
		switch {
		case n == 0:
			lq.limit = defaultLimit // 0 means "not limited by the request"
		case n > maxLimit:
			lq.limit = maxLimit
		default:
			lq.limit = n
		}
	}
	if s := q.Get("filter"); s != "" {
		conds, err := parseFilter(s, spec)
		if err != nil {
			return lq, err
		}
		lq.filters = conds
	}
	if s := q.Get("sort"); s != "" {
		keys, err := parseSort(s, spec)
		if err != nil {
			return lq, err
		}
		lq.sorts = keys
	}
	return lq, nil
}

func badFilter(msg string) *apiError { return errInvalidParameter.withDebug("Invalid filter: " + msg) }
func badSort(msg string) *apiError   { return errInvalidParameter.withDebug("Invalid sort: " + msg) }

// maxEchoed bounds how much of a client's filter or sort text an error
// repeats.
const maxEchoed = 64

// echo quotes client text for an error message, cut to maxEchoed bytes
// (at a rune boundary).
func echo(s string) string {
	if len(s) > maxEchoed {
		cut := maxEchoed
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return "'" + s + "'"
}

func parseFilter[T any](s string, spec *listSpec[T]) ([]filterCond, *apiError) {
	var out []filterCond
	for part := range strings.SplitSeq(s, "|") {
		if part == "" {
			continue
		}
		pieces := strings.Split(part, ":")
		if len(pieces) < 3 {
			return nil, badFilter("expected FIELD:OPERATOR:VALUE in " + echo(part))
		}
		field, op := pieces[0], pieces[1]
		values := pieces[2:]
		f, ok := spec.filters[field]
		if !ok {
			return nil, badFilter("unknown field " + echo(field))
		}
		if !slices.Contains(f.ops, op) {
			return nil, badFilter("operator " + echo(op) + " not allowed for " + echo(field))
		}
		if f.kind == kindTime {
			// Times contain ':' themselves: rejoin everything after the
			// operator as one value.
			values = []string{strings.Join(values, ":")}
		}
		for _, v := range values {
			if err := checkFilterValue(f, v); err != nil {
				return nil, badFilter("bad value " + echo(v) + " for " + echo(field))
			}
		}
		out = append(out, filterCond{field: field, op: op, values: values})
	}
	if len(out) == 0 {
		return nil, badFilter("no condition, only separators")
	}
	return out, nil
}

func checkFilterValue[T any](f filterField[T], v string) error {
	bad := strconv.ErrSyntax
	switch f.kind {
	case kindEnum:
		if !slices.Contains(f.enum, v) {
			return bad
		}
	case kindBool:
		if v != "true" && v != "false" {
			return bad
		}
	case kindInt:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return bad
		}
	case kindTime:
		if _, ok := parseAPITime(v); !ok {
			return bad
		}
	}
	return nil
}

func parseSort[T any](s string, spec *listSpec[T]) ([]sortKey, *apiError) {
	parts := strings.Split(s, "|")
	if len(parts) > 1 && !spec.multiSort {
		return nil, badSort("multiple sort fields are not supported")
	}
	var out []sortKey
	for _, part := range parts {
		field, order, _ := strings.Cut(part, ":")
		if _, ok := spec.sorts[field]; !ok {
			return nil, badSort("unknown field " + echo(field))
		}
		switch strings.ToLower(order) {
		case "", "asc":
			out = append(out, sortKey{field: field})
		case "desc":
			out = append(out, sortKey{field: field, desc: true})
		default:
			return nil, badSort("order must be asc or desc")
		}
	}
	return out, nil
}

// matches reports whether item satisfies every condition.
func (spec *listSpec[T]) matches(item T, conds []filterCond) bool {
	anyOfSeen, anyOfOK := false, false
	for _, c := range conds {
		if slices.Contains(spec.modifiers, c.field) {
			continue
		}
		f := spec.filters[c.field]
		ok := false
		for _, v := range c.values {
			if f.matchValue(item, c.op, v) {
				ok = true
				break
			}
		}
		if slices.Contains(spec.anyOf, c.field) {
			anyOfSeen = true
			anyOfOK = anyOfOK || ok
			continue
		}
		if !ok {
			return false
		}
	}
	return !anyOfSeen || anyOfOK
}

func (f filterField[T]) matchValue(item T, op, v string) bool {
	if f.match != nil {
		return f.match(item, v)
	}
	if f.matchOp != nil {
		return f.matchOp(item, op, v)
	}
	switch f.kind {
	case kindString, kindEnum:
		got := strings.ToLower(f.str(item))
		want := strings.ToLower(v)
		switch op {
		case "cn":
			return strings.Contains(got, want)
		case "sw":
			return strings.HasPrefix(got, want)
		}
		return got == want
	case kindBool:
		return f.bl(item) == (v == "true")
	case kindInt:
		n, _ := strconv.ParseInt(v, 10, 64)
		got := f.num(item)
		switch op {
		case "ge":
			return got >= n
		case "le":
			return got <= n
		}
		return got == n
	case kindTime:
		t, _ := parseAPITime(v)
		got := f.tm(item)
		dateOnly := len(v) == len("2006-01-02")
		switch op {
		case "ge":
			return !got.Before(t)
		case "le":
			if dateOnly {
				// A date as upper bound includes that whole day.
				return got.Before(t.AddDate(0, 0, 1))
			}
			return !got.After(t)
		}
		if dateOnly {
			return !got.Before(t) && got.Before(t.AddDate(0, 0, 1))
		}
		return got.Equal(t)
	}
	return false
}

// apply filters, sorts and pages items; the Range total counts the
// filtered items before paging.
func (spec *listSpec[T]) apply(items []T, q listQuery) ([]T, rangeJSON) {
	kept := make([]T, 0, len(items))
	for _, it := range items {
		if spec.matches(it, q.filters) {
			kept = append(kept, it)
		}
	}
	keys := q.sorts
	if len(keys) == 0 {
		keys = spec.defaultSort
	}
	slices.SortStableFunc(kept, func(a, b T) int {
		if spec.group != nil {
			if c := cmp.Compare(spec.group(a), spec.group(b)); c != 0 {
				return c
			}
		}
		for _, k := range keys {
			c := spec.sorts[k.field](a, b)
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		if spec.tiebreak != nil {
			return spec.tiebreak(a, b)
		}
		return 0
	})
	total := len(kept)
	start := min(q.offset, total)
	end := min(start+q.limit, total)
	return kept[start:end], rangeJSON{Offset: int64(q.offset), Limit: int64(q.limit), Total: int64(total)}
}

// compareFold orders strings case-insensitively, then byte-wise.
func compareFold(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
