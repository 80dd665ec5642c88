package emulator

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Groups: GET|POST /groups, GET|PUT|DELETE /groups/{group_id},
// GET|POST|DELETE /groups/{group_id}/users, /groups/{group_id}/{roles,
// rooms, last_admin_rooms}. Needs the rights of GROUP_MANAGER. The model
// (group, members, roles) is in groups_model.go.

// maxGroupName is the document's limit ("Group names are limited to 150
// characters").
const maxGroupName = 150

func (e *Emulator) groupRoutes(r chi.Router) {
	r.Get("/groups", produces(mediaJSON, e.handleListGroups))
	r.Post("/groups", produces(mediaJSON, e.handleCreateGroup))
	r.Get("/groups/{group_id}", produces(mediaJSON, e.handleGetGroup))
	r.Put("/groups/{group_id}", produces(mediaJSON, e.handleUpdateGroup))
	r.Delete("/groups/{group_id}", produces(mediaJSON, e.handleDeleteGroup))
	r.Get("/groups/{group_id}/users", produces(mediaJSON, e.handleGroupUsers))
	r.Post("/groups/{group_id}/users", produces(mediaJSON, e.handleChangeGroupUsers(true)))
	r.Delete("/groups/{group_id}/users", produces(mediaJSON, e.handleChangeGroupUsers(false)))
	r.Get("/groups/{group_id}/roles", produces(mediaJSON, e.handleGroupRoles))
	r.Get("/groups/{group_id}/rooms", produces(mediaJSON, e.handleGroupRooms))
	r.Get("/groups/{group_id}/last_admin_rooms", produces(mediaJSON, e.handleGroupLastAdminRooms))
}

// groupJSON is Group.
type groupJSON struct {
	ID         int64         `json:"id"`
	Name       string        `json:"name"`
	CreatedAt  apiTime       `json:"createdAt"`
	CreatedBy  userInfoJSON  `json:"createdBy"`
	CntUsers   int           `json:"cntUsers"`
	UpdatedAt  *apiTime      `json:"updatedAt,omitempty"`
	UpdatedBy  *userInfoJSON `json:"updatedBy,omitempty"`
	ExpireAt   *apiTime      `json:"expireAt,omitempty"`
	GroupRoles roleListJSON  `json:"groupRoles"`
}

// groupJSONOf renders g; members that no longer exist are not counted.
func (st *state) groupJSONOf(g *group) groupJSON {
	n := 0
	for id := range g.members {
		if st.users[id] != nil {
			n++
		}
	}
	j := groupJSON{
		ID:         g.id,
		Name:       g.name,
		CreatedAt:  apiTime(g.createdAt),
		CreatedBy:  st.userInfo(g.createdBy),
		CntUsers:   n,
		ExpireAt:   timePtr(g.expireAt),
		GroupRoles: rolesOnlyJSON(g.roles),
	}
	if !g.updatedAt.IsZero() {
		j.UpdatedAt = timePtr(g.updatedAt)
		by := st.userInfo(g.updatedBy)
		j.UpdatedBy = &by
	}
	return j
}

type groupListJSON struct {
	Range rangeJSON   `json:"range"`
	Items []groupJSON `json:"items"`
}

// groupListSpec is the filter/sort table of GET /groups.
var groupListSpec = &listSpec[*group]{
	filters: map[string]filterField[*group]{
		"name": {kind: kindString, ops: []string{"cn"}, str: func(g *group) string { return g.name }},
		"hasRole": {kind: kindEnum, ops: []string{"eq"}, enum: roleNameList(),
			match: func(g *group, name string) bool { return containsInt(g.roles, roleNames[name]) }},
	},
	sorts: map[string]func(a, b *group) int{
		"name":      func(a, b *group) int { return compareFold(a.name, b.name) },
		"createdAt": func(a, b *group) int { return a.createdAt.Compare(b.createdAt) },
		"expireAt":  func(a, b *group) int { return a.expireAt.Compare(b.expireAt) },
		"cntUsers":  func(a, b *group) int { return cmp.Compare(len(a.members), len(b.members)) },
	},
	multiSort: true,
	tiebreak:  func(a, b *group) int { return cmp.Compare(a.id, b.id) },
}

func (e *Emulator) handleListGroups(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, groupListSpec)
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
	page, rng := groupListSpec.apply(slices.Collect(maps.Values(e.st.groups)), q)
	out := groupListJSON{Range: rng, Items: make([]groupJSON, 0, len(page))}
	for _, g := range page {
		out.Items = append(out.Items, e.st.groupJSONOf(g))
	}
	writeJSON(w, http.StatusOK, out)
}

// groupRequest is CreateGroupRequest / UpdateGroupRequest.
type groupRequest struct {
	Name       *string         `json:"name"`
	Expiration *expirationJSON `json:"expiration"`
}

func checkGroupName(name string) *apiError {
	if strings.TrimSpace(name) == "" {
		return errMandatory
	}
	if utf8.RuneCountInString(name) > maxGroupName {
		return errTooLong
	}
	return nil
}

// groupNameTaken reports whether another group (not self) is called name,
// compared case-insensitively.
func (st *state) groupNameTaken(name string, self int64) bool {
	for _, g := range st.groups {
		if g.id != self && strings.EqualFold(g.name, name) {
			return true
		}
	}
	return false
}

// createGroup validates req and creates the group for caller uid. Callers
// hold e.mu and have checked the caller's rights.
func (e *Emulator) createGroup(uid int64, req *groupRequest) (*group, *apiError) {
	if req.Name == nil {
		return nil, errMandatory
	}
	if err := checkGroupName(*req.Name); err != nil {
		return nil, err
	}
	now := e.clock.now()
	expireAt, err := req.Expiration.resolve(now)
	if err != nil {
		return nil, err
	}
	if e.st.groupNameTaken(*req.Name, 0) {
		return nil, errGroupNameExists
	}
	g := &group{
		id:        e.st.groupSeq.next(),
		name:      *req.Name,
		expireAt:  expireAt,
		createdAt: now,
		createdBy: uid,
		members:   map[int64]bool{},
	}
	e.st.groups[g.id] = g
	return g, nil
}

func (e *Emulator) handleCreateGroup(w http.ResponseWriter, r *http.Request) {
	var req groupRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeGroups); err != nil {
		writeError(w, err)
		return
	}
	g, err := e.createGroup(callerID(r), &req)
	if err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opGroupCreated, g.id, g.name)
	writeJSON(w, http.StatusCreated, e.st.groupJSONOf(g))
}

// targetGroup checks the caller's right, then finds {group_id}. Callers
// hold e.mu.
func (e *Emulator) targetGroup(r *http.Request, right string) (*group, *apiError) {
	id, err := parseID(chi.URLParam(r, "group_id"))
	if err != nil {
		return nil, err
	}
	if err := e.requireRight(r, right); err != nil {
		return nil, err
	}
	g := e.st.groups[id]
	if g == nil {
		return nil, errGroupNotFound
	}
	return g, nil
}

func (e *Emulator) handleGetGroup(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.targetGroup(r, rightReadGroups)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.st.groupJSONOf(g))
}

func (e *Emulator) handleUpdateGroup(w http.ResponseWriter, r *http.Request) {
	var req groupRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.targetGroup(r, rightChangeGroups)
	if err != nil {
		writeError(w, err)
		return
	}
	now := e.clock.now()
	next := *g
	if req.Name != nil {
		if err := checkGroupName(*req.Name); err != nil {
			writeError(w, err)
			return
		}
		next.name = *req.Name
	}
	if req.Expiration != nil {
		t, err := req.Expiration.resolve(now)
		if err != nil {
			writeError(w, err)
			return
		}
		next.expireAt = t
	}
	if e.st.groupNameTaken(next.name, g.id) {
		writeError(w, errGroupNameExists)
		return
	}
	next.updatedAt, next.updatedBy = now, callerID(r)
	saved := *g
	if err := e.st.guard(func() { *g = next }, func() { *g = saved }); err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opGroupUpdated, g.id, g.name)
	writeJSON(w, http.StatusOK, e.st.groupJSONOf(g))
}

func (e *Emulator) handleDeleteGroup(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.targetGroup(r, rightDeleteGroups)
	if err != nil {
		writeError(w, err)
		return
	}
	st := e.st
	if err := st.guard(func() { delete(st.groups, g.id) }, func() { st.groups[g.id] = g }); err != nil {
		writeError(w, err)
		return
	}
	for _, n := range st.nodes {
		delete(n.groupPerms, g.id)
	}
	e.emit(r, opGroupDeleted, g.id, g.name)
	w.WriteHeader(http.StatusNoContent)
}

// groupUserJSON is GroupUser.
type groupUserJSON struct {
	UserInfo    userInfoJSON `json:"userInfo"`
	IsMember    bool         `json:"isMember"`
	ID          int64        `json:"id"`
	Login       string       `json:"login"`
	DisplayName string       `json:"displayName"`
	Email       string       `json:"email"`
}

type groupUserListJSON struct {
	Range rangeJSON       `json:"range"`
	Items []groupUserJSON `json:"items"`
}

func (e *Emulator) handleGroupUsers(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, memberListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.targetGroup(r, rightReadGroups)
	if err != nil {
		writeError(w, err)
		return
	}
	views := e.st.memberSelection(q, func(u *user) bool { return g.members[u.id] })
	page, rng := memberListSpec.apply(views, q)
	out := groupUserListJSON{Range: rng, Items: make([]groupUserJSON, 0, len(page))}
	for _, m := range page {
		out.Items = append(out.Items, groupUserJSON{
			UserInfo: userInfo(m.u), IsMember: m.isMember, ID: m.u.id, Login: m.u.login,
			DisplayName: displayName(m.u), Email: m.u.email,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// handleChangeGroupUsers adds or removes members and answers the Group.
func (e *Emulator) handleChangeGroupUsers(add bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ids, err := decodeIDs(r)
		if err != nil {
			writeError(w, err)
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		g, err := e.targetGroup(r, rightChangeGroups)
		if err != nil {
			writeError(w, err)
			return
		}
		if err := e.changeMembers(g, ids, add, callerID(r)); err != nil {
			writeError(w, err)
			return
		}
		e.emit(r, pick(add, opGroupUsersAdded, opGroupUsersRemoved), g.id, g.name)
		writeJSON(w, http.StatusOK, e.st.groupJSONOf(g))
	}
}

// changeMembers adds or removes users. Unknown users are 404; adding a
// member twice is -70510 (error catalogue); removing one that leaves a
// room or a role without its last holder is refused. Callers hold e.mu.
func (e *Emulator) changeMembers(g *group, ids []int64, add bool, by int64) *apiError {
	for _, id := range ids {
		if e.st.users[id] == nil {
			return errUserNotFound
		}
		if add && g.members[id] {
			return errUserInGroup
		}
	}
	saved := maps.Clone(g.members)
	change := func() {
		for _, id := range ids {
			if add {
				g.members[id] = true
			} else {
				delete(g.members, id)
			}
		}
	}
	if err := e.st.guard(change, func() { g.members = saved }); err != nil {
		return err
	}
	for _, id := range ids {
		e.st.resetPending(g.id, id)
	}
	g.updatedAt, g.updatedBy = e.clock.now(), by
	return nil
}

func (e *Emulator) handleGroupRoles(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.targetGroup(r, rightReadGroups)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rolesOnlyJSON(g.roles))
}

// userGroupsOf lists uid's groups (isMember true) by name, for the
// account.
func (st *state) userGroupsOf(uid int64) []userGroupJSON {
	out := []userGroupJSON{}
	for _, gid := range st.groupIDsOf(uid) {
		out = append(out, userGroupJSON{ID: gid, IsMember: true, Name: st.groups[gid].name})
	}
	slices.SortFunc(out, func(a, b userGroupJSON) int { return compareFold(a.Name, b.Name) })
	return out
}
