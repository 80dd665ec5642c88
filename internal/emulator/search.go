package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Search: GET /nodes/search. Clients resolve paths with it
// (search_string = last segment, filter parentPath:eq:/A/B/,
// depth_level = number of segments, no parent_id); see unverified.go for
// the matching and ranking rules.

// userMatches applies userFieldsMatch to user id (false when gone).
func userMatches(st *state, id int64, op, v string) bool {
	u := st.users[id]
	return u != nil && userFieldsMatch(u, op, v)
}

// userFieldsMatch reports whether the user's first name, last name,
// e-mail or user name contains (cn) or equals (eq) v, case-insensitively.
func userFieldsMatch(u *user, op, v string) bool {
	v = strings.ToLower(v)
	for _, s := range []string{u.firstName, u.lastName, u.email, u.login} {
		s = strings.ToLower(s)
		if (op == "cn" && strings.Contains(s, v)) || (op != "cn" && s == v) {
			return true
		}
	}
	return false
}

// optionalTimeMatch compares a time that may be unset (never matches).
func optionalTimeMatch(t time.Time, op, v string) bool {
	if t.IsZero() {
		return false
	}
	f := filterField[time.Time]{kind: kindTime, tm: func(t time.Time) time.Time { return t }}
	return f.matchValue(t, op, v)
}

var classificationValues = []string{"1", "2", "3", "4"}

// nodeSearchSpec is the filter/sort table of GET /nodes/search.
var nodeSearchSpec = &listSpec[nodeView]{
	filters: map[string]filterField[nodeView]{
		"type":           {kind: kindEnum, ops: []string{"eq"}, enum: []string{typeRoom, typeFolder, typeFile}, str: func(v nodeView) string { return v.n.typ }},
		"fileType":       {kind: kindString, ops: []string{"cn", "eq"}, str: func(v nodeView) string { return fileType(v.n.name) }},
		"classification": {kind: kindEnum, ops: []string{"eq"}, enum: classificationValues, str: func(v nodeView) string { return strconv.Itoa(v.n.classification) }},
		"createdBy": {kind: kindString, ops: []string{"cn", "eq"}, matchOp: func(v nodeView, op, s string) bool {
			return userMatches(v.st, v.n.createdBy, op, s)
		}},
		"createdById": {kind: kindInt, ops: []string{"eq"}, num: func(v nodeView) int64 { return v.n.createdBy }},
		"createdAt":   {kind: kindTime, ops: []string{"ge", "le"}, tm: func(v nodeView) time.Time { return v.n.createdAt }},
		"updatedBy": {kind: kindString, ops: []string{"cn", "eq"}, matchOp: func(v nodeView, op, s string) bool {
			return userMatches(v.st, v.n.updatedBy, op, s)
		}},
		"updatedById": {kind: kindInt, ops: []string{"eq"}, num: func(v nodeView) int64 { return v.n.updatedBy }},
		"updatedAt":   {kind: kindTime, ops: []string{"ge", "le"}, tm: func(v nodeView) time.Time { return v.n.updatedAt }},
		"expireAt": {kind: kindTime, ops: []string{"ge", "le"}, matchOp: func(v nodeView, op, s string) bool {
			return optionalTimeMatch(v.n.expireAt, op, s)
		}},
		"size":                  {kind: kindInt, ops: []string{"ge", "le"}, num: func(v nodeView) int64 { return v.st.treeSize(v.n) }},
		"isFavorite":            {kind: kindBool, ops: []string{"eq"}, bl: func(v nodeView) bool { return v.n.favoredBy[v.uid] }},
		"branchVersion":         {kind: kindInt, ops: []string{"ge", "le"}, num: func(v nodeView) int64 { return v.n.branchVersion }},
		"parentPath":            {kind: kindString, ops: []string{"cn", "eq"}, str: func(v nodeView) string { return v.st.parentPath(v.n) }},
		"timestampCreation":     {kind: kindTime, ops: []string{"ge", "le"}, tm: func(v nodeView) time.Time { return v.n.tsCreation }},
		"timestampModification": {kind: kindTime, ops: []string{"ge", "le"}, tm: func(v nodeView) time.Time { return v.n.tsModification }},
	},
	sorts: searchSorts(),
	// No group and no tiebreak: the handler orders the hits by relevance
	// first, and the stable sort keeps that order among equal keys.
}

// searchSorts is GET /nodes's sort table plus type and parentPath, as the
// document lists for search.
func searchSorts() map[string]func(a, b nodeView) int {
	m := map[string]func(a, b nodeView) int{}
	for k, f := range nodeListSpec.sorts {
		m[k] = f
	}
	m["type"] = func(a, b nodeView) int { return nodeTypeOrder[a.n.typ] - nodeTypeOrder[b.n.typ] }
	m["parentPath"] = func(a, b nodeView) int { return compareFold(a.st.parentPath(a.n), b.st.parentPath(b.n)) }
	return m
}

// searchPattern matches names against a search string.
type searchPattern struct {
	raw   string
	parts []string // lower-case pieces between '*'
	glob  bool
}

func newSearchPattern(s string) searchPattern {
	p := searchPattern{raw: s, glob: strings.Contains(s, "*")}
	p.parts = strings.Split(strings.ToLower(s), "*")
	return p
}

// matches: without '*' a case-insensitive substring; with '*' a
// case-insensitive glob over the whole name.
func (p searchPattern) matches(name string) bool {
	name = strings.ToLower(name)
	if !p.glob {
		if searchContainsWithoutWildcard {
			return strings.Contains(name, p.parts[0])
		}
		return name == p.parts[0]
	}
	first, last := p.parts[0], p.parts[len(p.parts)-1]
	if !strings.HasPrefix(name, first) {
		return false
	}
	name = name[len(first):]
	for _, mid := range p.parts[1 : len(p.parts)-1] {
		i := strings.Index(name, mid)
		if i < 0 {
			return false
		}
		name = name[i+len(mid):]
	}
	return strings.HasSuffix(name, last)
}

// rank orders hits: 0 exact spelling, 1 same name in another case,
// 2 anything else.
func (p searchPattern) rank(name string) int {
	switch {
	case name == p.raw:
		return 0
	case strings.EqualFold(name, p.raw):
		return 1
	}
	return 2
}

func (e *Emulator) handleSearchNodes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	search := q.Get("search_string")
	if search == "" {
		writeError(w, errMandatory)
		return
	}
	var parentID int64
	if s := q.Get("parent_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			writeError(w, errInvalidNumber)
			return
		}
		parentID = n
	}
	depth := 0
	if s := q.Get("depth_level"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < -1 {
			writeError(w, errInvalidNumber)
			return
		}
		depth = n
	}
	lq, err := parseListQuery(r, nodeSearchSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	if parentID != 0 {
		p, err := e.st.lookupNode(parentID, uid, errNodeNotFound)
		if err != nil {
			writeError(w, err)
			return
		}
		if p.typ == typeFile {
			writeError(w, errContainerNotFound)
			return
		}
	}
	pat := newSearchPattern(search)
	all := e.st.collect(parentID, depth, uid, false)
	hits := all[:0]
	for _, v := range all {
		if pat.matches(v.n.name) {
			hits = append(hits, v)
		}
	}
	slices.SortFunc(hits, func(a, b nodeView) int {
		return cmp.Or(cmp.Compare(pat.rank(a.n.name), pat.rank(b.n.name)),
			cmp.Compare(nodeTypeOrder[a.n.typ], nodeTypeOrder[b.n.typ]),
			compareFold(a.n.name, b.n.name), cmp.Compare(a.n.id, b.n.id))
	})
	page, rng := nodeSearchSpec.apply(hits, lq)
	out := nodeListJSON{Range: rng, Items: make([]nodeJSON, 0, len(page))}
	for _, v := range page {
		out.Items = append(out.Items, v.toJSON(false))
	}
	writeJSON(w, http.StatusOK, out)
}
