package emulator

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// Roles: GET /roles, GET|POST|DELETE /roles/{role_id}/users and
// /roles/{role_id}/groups. The role table is fixed (state.go); who may do
// what is in unverified_users.go.

var (
	errRoleNotFound    = newAPIError(404, -71001, "Role not found")
	errLastRoleHolder  = newAPIError(400, -71006, "At least one role user / group required")
	errInvalidUserIDs  = errMandatory.withDebug("Mandatory fields cannot be empty: ids")
	errUserInGroup     = newAPIError(400, -70510, "User already in the group")
	errGroupNameExists = newAPIError(409, 0, "Group with specified name already exists")
)

func (e *Emulator) roleRoutes(r chi.Router) {
	r.Get("/roles", produces(mediaJSON, e.handleListRoles))
	r.Get("/roles/{role_id}/users", produces(mediaJSON, e.handleRoleUsers))
	r.Post("/roles/{role_id}/users", produces(mediaJSON, e.handleChangeRoleUsers(true)))
	r.Delete("/roles/{role_id}/users", produces(mediaJSON, e.handleChangeRoleUsers(false)))
	r.Get("/roles/{role_id}/groups", produces(mediaJSON, e.handleRoleGroups))
	r.Post("/roles/{role_id}/groups", produces(mediaJSON, e.handleChangeRoleGroups(true)))
	r.Delete("/roles/{role_id}/groups", produces(mediaJSON, e.handleChangeRoleGroups(false)))
}

// effectiveRoles are uid's own roles plus those of its groups, sorted.
func (st *state) effectiveRoles(uid int64) []int {
	u := st.users[uid]
	if u == nil {
		return nil
	}
	roles := slices.Clone(u.roles)
	for _, gid := range st.groupIDsOf(uid) {
		roles = append(roles, st.groups[gid].roles...)
	}
	slices.Sort(roles)
	return slices.Compact(roles)
}

// hasRole reports whether uid holds role directly or through a group. Every
// role check of the node and room endpoints goes through it.
func (st *state) hasRole(uid int64, role int) bool {
	return slices.Contains(st.effectiveRoles(uid), role)
}

// hasRight reports whether uid holds right through any effective role.
func (st *state) hasRight(uid int64, right string) bool {
	for _, role := range st.effectiveRoles(uid) {
		if slices.Contains(roleRights[role], right) {
			return true
		}
	}
	return false
}

// requireRight is the role check of the admin endpoints: the caller must
// exist and hold right, else 403 with no error code. Callers hold e.mu.
func (e *Emulator) requireRight(r *http.Request, right string) *apiError {
	uid := callerID(r)
	if e.st.users[uid] == nil {
		return errWrongToken
	}
	if !e.st.hasRight(uid, right) {
		return errForbidden
	}
	return nil
}

// roleHolders counts, per assignable role, the users holding it who do not
// expire (the "at least one role user / group required" rule).
func (st *state) roleHolders() map[int]int {
	out := map[int]int{}
	for id, u := range st.users {
		if !u.expireAt.IsZero() {
			continue
		}
		for _, role := range st.effectiveRoles(id) {
			out[role]++
		}
	}
	return out
}

// invariants is what the state must keep across administrative changes:
// holders per role and whether each room has an admin.
type invariants struct {
	holders map[int]int
	admins  map[int64]bool
}

func (st *state) invariants() invariants {
	return invariants{holders: st.roleHolders(), admins: st.roomsWithAdmin()}
}

// guard runs change; when it leaves a role without a non-expiring holder
// (-71006) or a room that had an admin without one (-40006), undo restores
// the previous state and the error is returned. Callers hold e.mu.
func (st *state) guard(change, undo func()) *apiError {
	before := st.invariants()
	change()
	after := st.invariants()
	for id := range before.admins {
		if !after.admins[id] {
			undo()
			return errNeedAdmin
		}
	}
	for role, n := range before.holders {
		if n > 0 && after.holders[role] == 0 && slices.Contains(assignableRoles, role) {
			undo()
			return errLastRoleHolder
		}
	}
	return nil
}

type rightJSON struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// roleWithRightsJSON is Role with its rights (GET /roles).
type roleWithRightsJSON struct {
	roleJSON
	Items []rightJSON `json:"items"`
}

func (e *Emulator) handleListRoles(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	err := e.requireRight(r, rightReadUsers)
	e.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	out := struct {
		Items []roleWithRightsJSON `json:"items"`
	}{Items: []roleWithRightsJSON{}}
	for _, id := range assignableRoles {
		rt := roleTable[id]
		rj := roleWithRightsJSON{roleJSON: roleJSON{ID: id, Name: rt.name, Description: rt.description}, Items: []rightJSON{}}
		for _, right := range roleRights[id] {
			rj.Items = append(rj.Items, rightJSON{ID: rightIDs[right], Name: right, Description: "Allows to " + right})
		}
		out.Items = append(out.Items, rj)
	}
	writeJSON(w, http.StatusOK, out)
}

// parseRoleID reads {role_id}: a number, then an assignable role.
func parseRoleID(r *http.Request) (int, *apiError) {
	id, err := parseID(chi.URLParam(r, "role_id"))
	if err != nil {
		return 0, err
	}
	if !slices.Contains(assignableRoles, int(id)) {
		return 0, errRoleNotFound
	}
	return int(id), nil
}

// idsRequest is UserIds / GroupIds / ChangeGroupMembersRequest.
type idsRequest struct {
	IDs []int64 `json:"ids"`
}

func decodeIDs(r *http.Request) ([]int64, *apiError) {
	var req idsRequest
	if err := decodeJSON(r, &req, false); err != nil {
		return nil, err
	}
	if len(req.IDs) == 0 {
		return nil, errInvalidUserIDs
	}
	for _, id := range req.IDs {
		if id <= 0 {
			return nil, errPositiveNumber
		}
	}
	return req.IDs, nil
}

// roleUserJSON is RoleUser.
type roleUserJSON struct {
	UserInfo    userInfoJSON `json:"userInfo"`
	IsMember    bool         `json:"isMember"`
	ID          int64        `json:"id"`
	DisplayName string       `json:"displayName"`
}

type roleUserListJSON struct {
	Range rangeJSON      `json:"range"`
	Items []roleUserJSON `json:"items"`
}

// memberView is a user together with whether it belongs to the listed
// set (role, group).
type memberView struct {
	u        *user
	isMember bool
}

// memberFilterValues are the values of isMember / isGranted filters.
var memberFilterValues = []string{"true", "false", "any"}

// userMatchesText is the "user:cn:" filter of member lists: first name,
// last name, email or user name contains the value.
func userMatchesText(u *user, v string) bool {
	for _, s := range []string{u.firstName, u.lastName, u.email, u.login} {
		if containsFold(s, v) {
			return true
		}
	}
	return false
}

// memberListSpec is the filter table of GET /groups/{id}/users and (not
// documented there, assumed the same) GET /roles/{id}/users.
var memberListSpec = &listSpec[memberView]{
	filters: map[string]filterField[memberView]{
		"user":        {kind: kindString, ops: []string{"cn"}, match: func(m memberView, v string) bool { return userMatchesText(m.u, v) }},
		"displayName": {kind: kindString, ops: []string{"cn"}, match: func(m memberView, v string) bool { return userMatchesText(m.u, v) }},
		"isMember":    {kind: kindEnum, ops: []string{"eq"}, enum: memberFilterValues},
	},
	sorts:     map[string]func(a, b memberView) int{},
	modifiers: []string{"isMember"},
	tiebreak: func(a, b memberView) int {
		return compareFold(a.u.lastName+" "+a.u.firstName, b.u.lastName+" "+b.u.firstName)
	},
}

// memberSelection lists every user with isMember set by member, keeping
// those the isMember filter (default "true") asks for.
func (st *state) memberSelection(q listQuery, member func(*user) bool) []memberView {
	want, ok := q.filterValue("isMember")
	if !ok {
		want = "true"
	}
	var out []memberView
	for _, u := range st.users {
		m := member(u)
		if want == "any" || (want == "true") == m {
			out = append(out, memberView{u: u, isMember: m})
		}
	}
	slices.SortFunc(out, func(a, b memberView) int { return int(a.u.id - b.u.id) })
	return out
}

func displayName(u *user) string { return u.firstName + " " + u.lastName }

func (e *Emulator) roleUsersJSON(role int, q listQuery) roleUserListJSON {
	views := e.st.memberSelection(q, func(u *user) bool { return u.hasRole(role) })
	page, rng := memberListSpec.apply(views, q)
	out := roleUserListJSON{Range: rng, Items: make([]roleUserJSON, 0, len(page))}
	for _, m := range page {
		out.Items = append(out.Items, roleUserJSON{UserInfo: userInfo(m.u), IsMember: m.isMember, ID: m.u.id, DisplayName: displayName(m.u)})
	}
	return out
}

func (e *Emulator) handleRoleUsers(w http.ResponseWriter, r *http.Request) {
	role, err := parseRoleID(r)
	if err != nil {
		writeError(w, err)
		return
	}
	q, err := parseListQuery(r, memberListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightReadUsers); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.roleUsersJSON(role, q))
}

// handleChangeRoleUsers grants (add) or revokes a role for users and
// answers the role's member list.
func (e *Emulator) handleChangeRoleUsers(add bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		role, ids, err := parseRoleChange(r)
		if err != nil {
			writeError(w, err)
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		rolesOf := func(id int64) *[]int {
			if u := e.st.users[id]; u != nil {
				return &u.roles
			}
			return nil
		}
		if err := e.changeRole(r, role, ids, add, false, rolesOf, errUserNotFound, pick(add, opRoleUsersGranted, opRoleUsersRevoked)); err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, e.roleUsersJSON(role, listQuery{limit: maxLimit}))
	}
}

// parseRoleChange reads the role id of the path and the ids of the body
// of a role grant or revocation.
func parseRoleChange(r *http.Request) (int, []int64, *apiError) {
	role, err := parseRoleID(r)
	if err != nil {
		return 0, nil, err
	}
	ids, err := decodeIDs(r)
	if err != nil {
		return 0, nil, err
	}
	return role, ids, nil
}

// changeRole grants (add) or revokes role for the users or groups
// (toGroups) that ids name, whose role lists rolesOf finds (nil: unknown,
// answered with notFound). The caller must be allowed to grant the role;
// all holders change or none does (the last-holder and last-admin guard);
// op is logged. Callers hold e.mu.
func (e *Emulator) changeRole(r *http.Request, role int, ids []int64, add, toGroups bool, rolesOf func(int64) *[]int, notFound *apiError, op int) *apiError {
	uid := callerID(r)
	if e.st.users[uid] == nil {
		return errWrongToken
	}
	if !mayGrantRole(e.st.effectiveRoles(uid), role, toGroups) {
		return errForbidden
	}
	var lists []*[]int
	for _, id := range ids {
		l := rolesOf(id)
		if l == nil {
			return notFound
		}
		lists = append(lists, l)
	}
	saved := make([][]int, len(lists))
	for i, l := range lists {
		saved[i] = slices.Clone(*l)
	}
	change := func() {
		for _, l := range lists {
			*l = withRole(*l, role, add)
		}
	}
	undo := func() {
		for i, l := range lists {
			*l = saved[i]
		}
	}
	if err := e.st.guard(change, undo); err != nil {
		return err
	}
	e.emit(r, op, int64(role), roleTable[role].name)
	return nil
}

// withRole returns roles with role added or removed, sorted.
func withRole(roles []int, role int, add bool) []int {
	out := slices.DeleteFunc(slices.Clone(roles), func(r int) bool { return r == role })
	if add {
		out = append(out, role)
	}
	slices.Sort(out)
	return out
}

// roleGroupJSON is RoleGroup.
type roleGroupJSON struct {
	ID       int64  `json:"id"`
	IsMember bool   `json:"isMember"`
	Name     string `json:"name"`
}

type roleGroupListJSON struct {
	Range rangeJSON       `json:"range"`
	Items []roleGroupJSON `json:"items"`
}

// groupMemberView is a group with whether it belongs to the listed set.
type groupMemberView struct {
	g        *group
	isMember bool
}

// groupMemberListSpec is the filter table of GET /roles/{id}/groups and
// GET /users/{id}/groups: name contains, isMember true|false|any.
var groupMemberListSpec = &listSpec[groupMemberView]{
	filters: map[string]filterField[groupMemberView]{
		"name":     {kind: kindString, ops: []string{"cn"}, str: func(v groupMemberView) string { return v.g.name }},
		"isMember": {kind: kindEnum, ops: []string{"eq"}, enum: memberFilterValues},
	},
	sorts:     map[string]func(a, b groupMemberView) int{},
	modifiers: []string{"isMember"},
	tiebreak:  func(a, b groupMemberView) int { return compareFold(a.g.name, b.g.name) },
}

func (st *state) groupSelection(q listQuery, member func(*group) bool) []groupMemberView {
	want, ok := q.filterValue("isMember")
	if !ok {
		want = "true"
	}
	var out []groupMemberView
	for _, g := range st.groups {
		m := member(g)
		if want == "any" || (want == "true") == m {
			out = append(out, groupMemberView{g: g, isMember: m})
		}
	}
	return out
}

func (e *Emulator) roleGroupsJSON(role int, q listQuery) roleGroupListJSON {
	views := e.st.groupSelection(q, func(g *group) bool { return containsInt(g.roles, role) })
	page, rng := groupMemberListSpec.apply(views, q)
	out := roleGroupListJSON{Range: rng, Items: make([]roleGroupJSON, 0, len(page))}
	for _, v := range page {
		out.Items = append(out.Items, roleGroupJSON{ID: v.g.id, IsMember: v.isMember, Name: v.g.name})
	}
	return out
}

func (e *Emulator) handleRoleGroups(w http.ResponseWriter, r *http.Request) {
	role, err := parseRoleID(r)
	if err != nil {
		writeError(w, err)
		return
	}
	q, err := parseListQuery(r, groupMemberListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightReadGroups); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.roleGroupsJSON(role, q))
}

// handleChangeRoleGroups grants (add) or revokes a role for groups and
// answers the role's group list.
func (e *Emulator) handleChangeRoleGroups(add bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		role, ids, err := parseRoleChange(r)
		if err != nil {
			writeError(w, err)
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		rolesOf := func(id int64) *[]int {
			if g := e.st.groups[id]; g != nil {
				return &g.roles
			}
			return nil
		}
		if err := e.changeRole(r, role, ids, add, true, rolesOf, errGroupNotFound, pick(add, opRoleGroupsGranted, opRoleGroupsRevoked)); err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, e.roleGroupsJSON(role, listQuery{limit: maxLimit}))
	}
}

// rolesOnlyJSON renders role ids as a RoleList without rights.
func rolesOnlyJSON(ids []int) roleListJSON {
	var shown []int
	for _, id := range ids {
		if _, ok := roleTable[id]; ok {
			shown = append(shown, id)
		}
	}
	return rolesJSON(shown)
}
