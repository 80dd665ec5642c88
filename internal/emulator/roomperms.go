package emulator

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Room permissions: GET/PUT/DELETE /nodes/rooms/{room_id}/users and
// /groups, GET/PUT /nodes/rooms/pending, and the last-admin rule.

// Pending assignment states.
const (
	pendingWaiting  = "WAITING"
	pendingAccepted = "ACCEPTED"
	pendingDenied   = "DENIED"
)

var (
	errPendingNotFound = newAPIError(404, -40300, "Pending assignment not found")
	errPendingState    = newAPIError(400, -40301, "Invalid pending assignment status")
	errBadPermissions  = errInvalidParameter.withDebug("Invalid permissions: every permission requires read")
)

func cloneGrants(m map[int64]perms) map[int64]perms {
	if m == nil {
		return map[int64]perms{}
	}
	return maps.Clone(m)
}

// groupMemberAdmitted reports whether the group grant gid applies to its
// member uid: always for "autoallow" groups, after acceptance for
// "pending" ones (see pendingOnlyForLaterMembers).
func (n *node) groupMemberAdmitted(gid, uid int64) bool {
	if n.groupAcceptance[gid] != "pending" {
		return true
	}
	return n.memberState[gid][uid] == pendingAccepted
}

// grantGroup sets a group's grant; with "pending" acceptance the current
// members are admitted at once.
func (st *state) grantGroup(n *node, gid int64, p perms, acceptance string) {
	if n.groupPerms == nil {
		n.groupPerms = map[int64]perms{}
	}
	if n.groupAcceptance == nil {
		n.groupAcceptance = map[int64]string{}
	}
	if n.memberState == nil {
		n.memberState = map[int64]map[int64]string{}
	}
	n.groupPerms[gid] = p
	n.groupAcceptance[gid] = acceptance
	if acceptance == "pending" && n.memberState[gid] == nil {
		n.memberState[gid] = map[int64]string{}
		if pendingOnlyForLaterMembers {
			for uid := range st.groups[gid].members {
				n.memberState[gid][uid] = pendingAccepted
			}
		}
	}
}

// resetPending forgets the acceptance state of member uid of group gid in
// every room that admits the group's new members only after acceptance:
// a user who joins the group waits there (WAITING) until a room
// administrator decides; one who leaves keeps no state.
func (st *state) resetPending(gid, uid int64) {
	for _, n := range st.nodes {
		if n.groupAcceptance[gid] == "pending" {
			delete(n.memberState[gid], uid)
		}
	}
}

// validPerms applies the permission-set rule (see permissionsNeedRead).
func validPerms(p perms) bool {
	return !permissionsNeedRead || !p.any() || p.Read
}

// roomUserView is one row of GET /nodes/rooms/{id}/users.
type roomUserView struct {
	u       *user
	granted bool
	perms   perms
}

// roomUserJSON is RoomUser (with the deprecated fields still required).
type roomUserJSON struct {
	UserInfo    userInfoJSON `json:"userInfo"`
	IsGranted   bool         `json:"isGranted"`
	Permissions perms        `json:"permissions"`
	ID          int64        `json:"id"`
	Login       string       `json:"login"`
	DisplayName string       `json:"displayName"`
	Email       string       `json:"email"`
}

type roomUserListJSON struct {
	Range rangeJSON      `json:"range"`
	Items []roomUserJSON `json:"items"`
}

// grantMatch evaluates isGranted (true|false|any) on granted.
func grantMatch(granted bool, v string) bool {
	return v == "any" || (v == "true") == granted
}

func userSearchMatch(u *user, v string) bool { return userFieldsMatch(u, "cn", v) }

var anyTrueFalse = []string{"true", "false", "any"}

// roomUserSpec is the filter/sort table of the room users list;
// effectivePerm is evaluated by the handler (it decides what counts as a
// grant), so its match accepts every row.
var roomUserSpec = &listSpec[roomUserView]{
	filters: map[string]filterField[roomUserView]{
		"user":              {kind: kindString, ops: []string{"cn"}, match: func(v roomUserView, s string) bool { return userSearchMatch(v.u, s) }},
		"displayName":       {kind: kindString, ops: []string{"cn"}, match: func(v roomUserView, s string) bool { return userSearchMatch(v.u, s) }},
		"userId":            {kind: kindInt, ops: []string{"eq"}, num: func(v roomUserView) int64 { return v.u.id }},
		"isGranted":         {kind: kindEnum, ops: []string{"eq"}, enum: anyTrueFalse, match: func(v roomUserView, s string) bool { return grantMatch(v.granted, s) }},
		"permissionsManage": {kind: kindBool, ops: []string{"eq"}, bl: func(v roomUserView) bool { return v.perms.Manage }},
		"effectivePerm":     {kind: kindEnum, ops: []string{"eq"}, enum: anyTrueFalse, match: func(roomUserView, string) bool { return true }},
	},
	sorts: map[string]func(a, b roomUserView) int{
		"user": func(a, b roomUserView) int {
			return cmp.Or(compareFold(a.u.firstName, b.u.firstName), compareFold(a.u.lastName, b.u.lastName),
				compareFold(a.u.login, b.u.login), compareFold(a.u.email, b.u.email))
		},
	},
	tiebreak: func(a, b roomUserView) int { return cmp.Compare(a.u.id, b.u.id) },
}

// grantQuery applies the isGranted rules: default true, and only room
// administrators may ask for other values. It returns the effectivePerm
// value ("false" by default).
func grantQuery(lq *listQuery, admin bool) string {
	effective := "false"
	kept := lq.filters[:0]
	hasGranted := false
	for _, c := range lq.filters {
		switch c.field {
		case "effectivePerm":
			effective = c.values[0]
			continue
		case "isGranted":
			if !admin {
				continue
			}
			hasGranted = true
		}
		kept = append(kept, c)
	}
	if !hasGranted {
		kept = append(kept, filterCond{field: "isGranted", op: "eq", values: []string{"true"}})
	}
	lq.filters = kept
	return effective
}

// userGrant is uid's permission on room n for the effectivePerm mode:
// "false" direct grants, "true" plus inherited ones, "any" the full
// effective set (groups included).
func (st *state) userGrant(n *node, uid int64, mode string) perms {
	switch mode {
	case "any":
		return st.permissions(n, uid)
	case "true":
		p := n.userPerms[uid]
		if n.inheritPermissions && n.parentID != 0 {
			p = p.or(st.permissions(st.nodes[n.parentID], uid))
		}
		return p
	}
	return n.userPerms[uid]
}

func (e *Emulator) handleRoomUsers(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r, roomUserSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	n, err := e.lookupRoom(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if !st.permissions(n, uid).any() {
		writeError(w, errForbidden)
		return
	}
	mode := grantQuery(&lq, st.permissions(n, uid).Manage)
	ids := slices.Sorted(maps.Keys(st.users))
	views := make([]roomUserView, 0, len(ids))
	for _, id := range ids {
		p := st.userGrant(n, id, mode)
		views = append(views, roomUserView{u: st.users[id], granted: p.any(), perms: p})
	}
	page, rng := roomUserSpec.apply(views, lq)
	out := roomUserListJSON{Range: rng, Items: make([]roomUserJSON, 0, len(page))}
	for _, v := range page {
		out.Items = append(out.Items, roomUserJSON{UserInfo: userInfo(v.u), IsGranted: v.granted, Permissions: v.perms,
			ID: v.u.id, Login: v.u.login, DisplayName: v.u.firstName + " " + v.u.lastName, Email: v.u.email})
	}
	writeJSON(w, http.StatusOK, out)
}

// roomGrantItem is RoomUsersAddBatchRequestItem /
// RoomGroupsAddBatchRequestItem.
type roomGrantItem struct {
	ID                       int64   `json:"id"`
	Permissions              *perms  `json:"permissions"`
	NewGroupMemberAcceptance *string `json:"newGroupMemberAcceptance"`
}

type roomGrantRequest struct {
	Items []roomGrantItem `json:"items"`
}

type roomRevokeRequest struct {
	IDs []int64 `json:"ids"`
}

// checkGrantItems validates a batch against exists (404 notFound).
func checkGrantItems(items []roomGrantItem, exists func(int64) bool, notFound *apiError) *apiError {
	if len(items) == 0 {
		return errMandatory
	}
	for _, it := range items {
		if it.ID <= 0 {
			return errPositiveNumber
		}
		if !exists(it.ID) {
			return notFound
		}
	}
	for _, it := range items {
		if it.Permissions == nil {
			return errMandatory
		}
		if !validPerms(*it.Permissions) {
			return errBadPermissions
		}
		if it.NewGroupMemberAcceptance != nil && !validAcceptance(*it.NewGroupMemberAcceptance) {
			return errInvalidAcceptance
		}
	}
	return nil
}

// setGrants applies a grant batch to a copy of grants (empty sets revoke).
func setGrants(grants map[int64]perms, items []roomGrantItem) map[int64]perms {
	out := cloneGrants(grants)
	for _, it := range items {
		if it.Permissions.any() {
			out[it.ID] = *it.Permissions
		} else {
			delete(out, it.ID)
		}
	}
	return out
}

// commitGrants stores new grants after the last-admin rule.
func (e *Emulator) commitGrants(n *node, users, groups map[int64]perms, uid int64) *apiError {
	if !n.inheritPermissions && !e.st.hasAdmin(users, groups, 0, 0) {
		return errNeedAdmin
	}
	n.userPerms = users
	for gid := range n.groupPerms {
		if _, ok := groups[gid]; !ok {
			delete(n.groupPerms, gid)
			delete(n.groupAcceptance, gid)
			delete(n.memberState, gid)
		}
	}
	e.st.touch(n, uid, e.clock.now())
	return nil
}

func (e *Emulator) handleGrantRoomUsers(w http.ResponseWriter, r *http.Request) {
	var req roomGrantRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.managedRoom(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := checkGrantItems(req.Items, func(id int64) bool { return e.st.users[id] != nil }, errUserNotFound); err != nil {
		writeError(w, err)
		return
	}
	if err := e.commitGrants(n, setGrants(n.userPerms, req.Items), n.groupPerms, uid); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleRevokeRoomGrants revokes the room grants of the users (or, with
// groups, the groups) the body names; unknown ids are 404 and nothing
// changes, and the room must keep an admin.
func (e *Emulator) handleRevokeRoomGrants(groups bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req roomRevokeRequest
		if err := decodeJSON(r, &req, false); err != nil {
			writeError(w, err)
			return
		}
		if len(req.IDs) == 0 {
			writeError(w, errMandatory)
			return
		}
		uid := callerID(r)
		e.mu.Lock()
		defer e.mu.Unlock()
		n, err := e.managedRoom(r, uid)
		if err != nil {
			writeError(w, err)
			return
		}
		users, groupGrants := n.userPerms, n.groupPerms
		target, exists, notFound := &users, func(id int64) bool { return e.st.users[id] != nil }, errUserNotFound
		if groups {
			target, exists, notFound = &groupGrants, func(id int64) bool { return e.st.groups[id] != nil }, errGroupNotFound
		}
		*target = cloneGrants(*target)
		for _, id := range req.IDs {
			if !exists(id) {
				writeError(w, notFound)
				return
			}
			delete(*target, id)
		}
		if err := e.commitGrants(n, users, groupGrants, uid); err != nil {
			writeError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// roomGroupView is one row of GET /nodes/rooms/{id}/groups.
type roomGroupView struct {
	g          *group
	granted    bool
	perms      perms
	acceptance string
}

type roomGroupJSON struct {
	ID                       int64  `json:"id"`
	IsGranted                bool   `json:"isGranted"`
	Name                     string `json:"name"`
	NewGroupMemberAcceptance string `json:"newGroupMemberAcceptance"`
	Permissions              perms  `json:"permissions"`
}

type roomGroupListJSON struct {
	Range rangeJSON       `json:"range"`
	Items []roomGroupJSON `json:"items"`
}

var roomGroupSpec = &listSpec[roomGroupView]{
	filters: map[string]filterField[roomGroupView]{
		"name":              {kind: kindString, ops: []string{"cn"}, str: func(v roomGroupView) string { return v.g.name }},
		"groupId":           {kind: kindInt, ops: []string{"eq"}, num: func(v roomGroupView) int64 { return v.g.id }},
		"isGranted":         {kind: kindEnum, ops: []string{"eq"}, enum: anyTrueFalse, match: func(v roomGroupView, s string) bool { return grantMatch(v.granted, s) }},
		"permissionsManage": {kind: kindBool, ops: []string{"eq"}, bl: func(v roomGroupView) bool { return v.perms.Manage }},
		"effectivePerm":     {kind: kindBool, ops: []string{"eq"}, match: func(roomGroupView, string) bool { return true }},
	},
	sorts: map[string]func(a, b roomGroupView) int{
		"name": func(a, b roomGroupView) int { return compareFold(a.g.name, b.g.name) },
	},
	tiebreak: func(a, b roomGroupView) int { return cmp.Compare(a.g.id, b.g.id) },
}

// groupGrant is gid's grant on n, with inherited grants when effective.
func (st *state) groupGrant(n *node, gid int64, effective bool) perms {
	p := n.groupPerms[gid]
	for effective && n.inheritPermissions && n.parentID != 0 {
		n = st.nodes[n.parentID]
		p = p.or(n.groupPerms[gid])
	}
	return p
}

func (e *Emulator) handleRoomGroups(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r, roomGroupSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	n, err := e.lookupRoom(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if !st.permissions(n, uid).any() {
		writeError(w, errForbidden)
		return
	}
	effective := grantQuery(&lq, st.permissions(n, uid).Manage) == "true"
	ids := slices.Sorted(maps.Keys(st.groups))
	views := make([]roomGroupView, 0, len(ids))
	for _, id := range ids {
		p := st.groupGrant(n, id, effective)
		acceptance := n.groupAcceptance[id]
		if acceptance == "" {
			acceptance = "autoallow"
		}
		views = append(views, roomGroupView{g: st.groups[id], granted: p.any(), perms: p, acceptance: acceptance})
	}
	page, rng := roomGroupSpec.apply(views, lq)
	out := roomGroupListJSON{Range: rng, Items: make([]roomGroupJSON, 0, len(page))}
	for _, v := range page {
		out.Items = append(out.Items, roomGroupJSON{ID: v.g.id, IsGranted: v.granted, Name: v.g.name, NewGroupMemberAcceptance: v.acceptance, Permissions: v.perms})
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) handleGrantRoomGroups(w http.ResponseWriter, r *http.Request) {
	var req roomGrantRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	n, err := e.managedRoom(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := checkGrantItems(req.Items, func(id int64) bool { return st.groups[id] != nil }, errGroupNotFound); err != nil {
		writeError(w, err)
		return
	}
	groups := setGrants(n.groupPerms, req.Items)
	if err := e.commitGrants(n, n.userPerms, groups, uid); err != nil {
		writeError(w, err)
		return
	}
	for _, it := range req.Items {
		if !it.Permissions.any() {
			continue
		}
		acceptance := n.groupAcceptance[it.ID]
		if it.NewGroupMemberAcceptance != nil {
			acceptance = *it.NewGroupMemberAcceptance
		}
		if acceptance == "" {
			acceptance = "autoallow"
		}
		st.grantGroup(n, it.ID, *it.Permissions, acceptance)
	}
	w.WriteHeader(http.StatusNoContent)
}

// pendingView is one pending assignment (derived: a member of a group
// granted with "pending" acceptance who is not accepted yet).
type pendingView struct {
	room  *node
	g     *group
	u     *user
	state string
}

type pendingJSON struct {
	RoomID           int64        `json:"roomId"`
	RoomName         string       `json:"roomName"`
	State            string       `json:"state"`
	UserInfo         userInfoJSON `json:"userInfo"`
	GroupInfo        groupInfo    `json:"groupInfo"`
	PendingUserData  pendingUser  `json:"pendingUserData"`
	PendingGroupData groupInfo    `json:"pendingGroupData"`
	UserID           int64        `json:"userId"`
	GroupID          int64        `json:"groupId"`
}

type groupInfo struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type pendingUser struct {
	ID          int64  `json:"id"`
	Login       string `json:"login"`
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
}

type pendingListJSON struct {
	Range rangeJSON     `json:"range"`
	Items []pendingJSON `json:"items"`
}

var pendingSpec = &listSpec[pendingView]{
	filters: map[string]filterField[pendingView]{
		"userId":  {kind: kindInt, ops: []string{"eq"}, num: func(v pendingView) int64 { return v.u.id }},
		"groupId": {kind: kindInt, ops: []string{"eq"}, num: func(v pendingView) int64 { return v.g.id }},
		"roomId":  {kind: kindInt, ops: []string{"eq"}, num: func(v pendingView) int64 { return v.room.id }},
		"state":   {kind: kindEnum, ops: []string{"eq"}, enum: []string{pendingWaiting, pendingDenied}, match: func(v pendingView, s string) bool { return v.state == s }},
	},
	sorts: map[string]func(a, b pendingView) int{
		"userId":  func(a, b pendingView) int { return cmp.Compare(a.u.id, b.u.id) },
		"groupId": func(a, b pendingView) int { return cmp.Compare(a.g.id, b.g.id) },
		"roomId":  func(a, b pendingView) int { return cmp.Compare(a.room.id, b.room.id) },
		"state":   func(a, b pendingView) int { return strings.Compare(a.state, b.state) },
	},
	tiebreak: func(a, b pendingView) int {
		return cmp.Or(cmp.Compare(a.room.id, b.room.id), cmp.Compare(a.g.id, b.g.id), cmp.Compare(a.u.id, b.u.id))
	},
}

// pendingFor lists the open assignments uid may see: those of rooms it
// manages and its own.
func (st *state) pendingFor(uid int64) []pendingView {
	var out []pendingView
	for _, n := range st.nodes {
		if n.typ != typeRoom {
			continue
		}
		manages := st.permissions(n, uid).Manage
		for gid, acc := range n.groupAcceptance {
			g := st.groups[gid]
			if acc != "pending" || g == nil {
				continue
			}
			for mid := range g.members {
				state := n.memberState[gid][mid]
				if state == pendingAccepted || st.users[mid] == nil || (!manages && mid != uid) {
					continue
				}
				if state == "" {
					state = pendingWaiting
				}
				out = append(out, pendingView{room: n, g: g, u: st.users[mid], state: state})
			}
		}
	}
	return out
}

func (e *Emulator) handlePendingList(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r, pendingSpec)
	if err != nil {
		if strings.Contains(err.debugInfo, "'state'") {
			err = errPendingState
		}
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	page, rng := pendingSpec.apply(e.st.pendingFor(uid), lq)
	out := pendingListJSON{Range: rng, Items: make([]pendingJSON, 0, len(page))}
	for _, v := range page {
		gi := groupInfo{ID: v.g.id, Name: v.g.name}
		out.Items = append(out.Items, pendingJSON{
			RoomID: v.room.id, RoomName: v.room.name, State: v.state, UserInfo: userInfo(v.u), GroupInfo: gi,
			PendingUserData:  pendingUser{ID: v.u.id, Login: v.u.login, DisplayName: v.u.firstName + " " + v.u.lastName, Email: v.u.email},
			PendingGroupData: gi, UserID: v.u.id, GroupID: v.g.id,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// pendingRequest is PendingAssignmentsRequest.
type pendingRequest struct {
	Items []struct {
		UserID  int64  `json:"userId"`
		GroupID int64  `json:"groupId"`
		RoomID  int64  `json:"roomId"`
		State   string `json:"state"`
	} `json:"items"`
}

func (e *Emulator) handlePendingUpdate(w http.ResponseWriter, r *http.Request) {
	var req pendingRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if len(req.Items) == 0 {
		writeError(w, errMandatory)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	for _, it := range req.Items {
		n := st.nodes[it.RoomID]
		g := st.groups[it.GroupID]
		if n == nil || n.typ != typeRoom || g == nil || !g.members[it.UserID] || n.groupAcceptance[it.GroupID] != "pending" ||
			n.memberState[it.GroupID][it.UserID] == pendingAccepted || !st.visible(n, uid, false) {
			writeError(w, errPendingNotFound.withDebug("Pending assignment not found: room "+strconv.FormatInt(it.RoomID, 10)))
			return
		}
		if !st.permissions(n, uid).Manage {
			writeError(w, errForbidden)
			return
		}
		if it.State != pendingAccepted && it.State != pendingDenied {
			writeError(w, errPendingState)
			return
		}
	}
	now := e.clock.now()
	for _, it := range req.Items {
		n := st.nodes[it.RoomID]
		n.memberState[it.GroupID][it.UserID] = it.State
		st.touch(n, uid, now)
	}
	w.WriteHeader(http.StatusNoContent)
}
