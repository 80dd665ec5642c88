package emulator

import (
	"cmp"
	"net/http"
	"slices"
)

// The last-admin rule seen from users and groups: which rooms need an
// admin, which user or group is a room's last admin
// (GET /users/{id}/last_admin_rooms, GET /groups/{id}/last_admin_rooms),
// and the deprecated room lists of users and groups
// (GET /users/{id}/rooms, GET /groups/{id}/rooms).

// needsAdmin reports whether n is a room that must keep an admin: every
// room that does not inherit its permissions from a parent room.
func needsAdmin(n *node) bool {
	return n.typ == typeRoom && !(n.inheritPermissions && n.parentID != 0)
}

// roomHasAdmin reports whether n keeps a non-expiring admin when user
// skipUser and group skipGroup (0 = none) are left out (see hasAdmin).
func (st *state) roomHasAdmin(n *node, skipUser, skipGroup int64) bool {
	return st.hasAdmin(n.userPerms, n.groupPerms, skipUser, skipGroup)
}

// hasAdmin reports whether the grants keep a non-expiring admin when user
// skipUser and group skipGroup (0 = none) are left out: a user with a
// manage grant, or a group with manage (with a member other than skipUser
// while adminGroupNeedsMember holds). It is the one last-admin check, for
// grants, room configuration and the deletion of users and groups.
func (st *state) hasAdmin(users, groups map[int64]perms, skipUser, skipGroup int64) bool {
	for uid, p := range users {
		if u := st.users[uid]; u != nil && uid != skipUser && p.Manage && u.expireAt.IsZero() {
			return true
		}
	}
	for gid, p := range groups {
		g := st.groups[gid]
		if g == nil || gid == skipGroup || !p.Manage || !g.expireAt.IsZero() {
			continue
		}
		if !adminGroupNeedsMember {
			return true
		}
		for m := range g.members {
			if m != skipUser && st.users[m] != nil {
				return true
			}
		}
	}
	return false
}

// roomsWithAdmin returns the rooms that need an admin and have one.
func (st *state) roomsWithAdmin() map[int64]bool {
	out := map[int64]bool{}
	for id, n := range st.nodes {
		if needsAdmin(n) && st.roomHasAdmin(n, 0, 0) {
			out[id] = true
		}
	}
	return out
}

// lastAdminUserRoomJSON is LastAdminUserRoom.
type lastAdminUserRoomJSON struct {
	ID                 int64  `json:"id"`
	Name               string `json:"name"`
	ParentPath         string `json:"parentPath"`
	LastAdminInGroup   bool   `json:"lastAdminInGroup"`
	ParentID           *int64 `json:"parentId,omitempty"`
	LastAdminInGroupID *int64 `json:"lastAdminInGroupId,omitempty"`
}

// lastAdminGroupRoomJSON is LastAdminGroupRoom.
type lastAdminGroupRoomJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	ParentPath string `json:"parentPath"`
	ParentID   *int64 `json:"parentId,omitempty"`
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// roomsByID returns the nodes in id order.
func (st *state) roomsByID() []*node {
	out := make([]*node, 0, len(st.nodes))
	for _, n := range st.nodes {
		if n.typ == typeRoom {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b *node) int { return cmp.Compare(a.id, b.id) })
	return out
}

// lastAdminRoomsOfUser lists the rooms that lose their last admin when u
// goes. lastAdminInGroup is set when u is not a direct admin but the only
// member of an admin group.
func (st *state) lastAdminRoomsOfUser(u *user) []lastAdminUserRoomJSON {
	out := []lastAdminUserRoomJSON{}
	for _, n := range st.roomsByID() {
		if !needsAdmin(n) || !st.roomHasAdmin(n, 0, 0) || st.roomHasAdmin(n, u.id, 0) {
			continue
		}
		item := lastAdminUserRoomJSON{ID: n.id, Name: n.name, ParentPath: st.parentPath(n), ParentID: optionalID(n.parentID)}
		if !n.userPerms[u.id].Manage {
			item.LastAdminInGroup = true
			for gid, p := range n.groupPerms {
				if g := st.groups[gid]; g != nil && p.Manage && g.members[u.id] {
					item.LastAdminInGroupID = optionalID(gid)
					break
				}
			}
		}
		out = append(out, item)
	}
	return out
}

// LastAdminRooms returns the ids of the rooms where user uid is the last
// admin, for tests and seeding scripts.
func (e *Emulator) LastAdminRooms(uid int64) []int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.st.users[uid]
	if u == nil {
		return nil
	}
	var ids []int64
	for _, r := range e.st.lastAdminRoomsOfUser(u) {
		ids = append(ids, r.ID)
	}
	return ids
}

func (e *Emulator) handleUserLastAdminRooms(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightChangeUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Items []lastAdminUserRoomJSON `json:"items"`
	}{Items: e.st.lastAdminRoomsOfUser(u)})
}

// lastAdminRoomsOfGroup lists the rooms whose only admin is g.
func (st *state) lastAdminRoomsOfGroup(g *group) []lastAdminGroupRoomJSON {
	out := []lastAdminGroupRoomJSON{}
	for _, n := range st.roomsByID() {
		if !needsAdmin(n) || !n.groupPerms[g.id].Manage || st.roomHasAdmin(n, 0, g.id) {
			continue
		}
		out = append(out, lastAdminGroupRoomJSON{ID: n.id, Name: n.name, ParentPath: st.parentPath(n), ParentID: optionalID(n.parentID)})
	}
	return out
}

func (e *Emulator) handleGroupLastAdminRooms(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.targetGroup(r, rightChangeGroups)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Items []lastAdminGroupRoomJSON `json:"items"`
	}{Items: e.st.lastAdminRoomsOfGroup(g)})
}

// ---- deprecated room lists ----

// roomDataJSON is RoomData.
type roomDataJSON struct {
	Type                      string       `json:"type"`
	ID                        int64        `json:"id"`
	IsGranted                 bool         `json:"isGranted"`
	Name                      string       `json:"name"`
	IsEncrypted               bool         `json:"isEncrypted"`
	RecycleBinRetentionPeriod int          `json:"recycleBinRetentionPeriod"`
	ParentID                  *int64       `json:"parentId,omitempty"`
	Size                      int64        `json:"size"`
	Permissions               perms        `json:"permissions"`
	CreatedAt                 apiTime      `json:"createdAt"`
	CreatedBy                 userInfoJSON `json:"createdBy"`
	UpdatedAt                 apiTime      `json:"updatedAt"`
	UpdatedBy                 userInfoJSON `json:"updatedBy"`
	Quota                     int64        `json:"quota"`
	CntDownloadShares         int          `json:"cntDownloadShares"`
	CntUploadShares           int          `json:"cntUploadShares"`
	IsFavorite                bool         `json:"isFavorite"`
	HasRecycleBin             bool         `json:"hasRecycleBin"`
	CntAdmins                 int          `json:"cntAdmins"`
	CntUsers                  int          `json:"cntUsers"`
}

type roomTreeDataListJSON struct {
	Range rangeJSON      `json:"range"`
	Items []roomDataJSON `json:"items"`
}

// grantView is a room with the permissions one user or group holds there.
type grantView struct {
	n         *node
	p         perms
	lastAdmin bool
}

// roomGrantListSpec is the filter table of GET /users/{id}/rooms and
// GET /groups/{id}/rooms: name contains; isGranted, isLastAdmin and
// effectivePerm choose what is listed.
var roomGrantListSpec = &listSpec[grantView]{
	filters: map[string]filterField[grantView]{
		"name":          {kind: kindString, ops: []string{"cn"}, str: func(v grantView) string { return v.n.name }},
		"isGranted":     {kind: kindEnum, ops: []string{"eq"}, enum: memberFilterValues},
		"isLastAdmin":   {kind: kindEnum, ops: []string{"eq"}, enum: []string{"true"}, match: func(v grantView, _ string) bool { return v.lastAdmin }},
		"effectivePerm": {kind: kindEnum, ops: []string{"eq"}, enum: memberFilterValues},
	},
	sorts:     map[string]func(a, b grantView) int{},
	modifiers: []string{"isGranted", "effectivePerm"},
	tiebreak:  func(a, b grantView) int { return cmp.Compare(a.n.id, b.n.id) },
}

// inheritedGrant is direct's union with the grants of the parent rooms
// while n inherits.
func (st *state) inheritedGrant(n *node, direct func(*node) perms) perms {
	p := direct(n)
	for n.inheritPermissions && n.parentID != 0 {
		n = st.nodes[n.parentID]
		if n == nil {
			break
		}
		p = p.or(direct(n))
	}
	return p
}

// roomGrants lists rooms with the grant chosen by the effectivePerm mode
// ("false": direct, "true": direct and inherited, "any": also via
// groups, users only) and keeps those the isGranted filter asks for.
func (st *state) roomGrants(q listQuery, defaultMode string, direct func(*node) perms, viaGroups func(*node) perms, lastAdmin func(*node) bool) []grantView {
	granted, ok := q.filterValue("isGranted")
	if !ok {
		granted = "true"
	}
	mode, ok := q.filterValue("effectivePerm")
	if !ok {
		mode = defaultMode
	}
	var out []grantView
	for _, n := range st.roomsByID() {
		var p perms
		switch {
		case mode == "false":
			p = direct(n)
		case mode == "any" && viaGroups != nil:
			p = viaGroups(n)
		default:
			p = st.inheritedGrant(n, direct)
		}
		if granted != "any" && (granted == "true") != p.any() {
			continue
		}
		out = append(out, grantView{n: n, p: p, lastAdmin: lastAdmin != nil && lastAdmin(n)})
	}
	return out
}

func (st *state) roomDataOf(v grantView) roomDataJSON {
	n := v.n
	return roomDataJSON{
		Type:                      typeRoom,
		ID:                        n.id,
		IsGranted:                 v.p.any(),
		Name:                      n.name,
		IsEncrypted:               n.isEncrypted,
		RecycleBinRetentionPeriod: n.retentionPeriod,
		ParentID:                  optionalID(n.parentID),
		Permissions:               v.p,
		CreatedAt:                 apiTime(n.createdAt),
		CreatedBy:                 st.userInfo(n.createdBy),
		UpdatedAt:                 apiTime(n.updatedAt),
		UpdatedBy:                 st.userInfo(n.updatedBy),
		Quota:                     n.quota,
		HasRecycleBin:             true,
		CntAdmins:                 countPerms(n, true),
		CntUsers:                  countPerms(n, false),
	}
}

func (st *state) roomTreePage(views []grantView, q listQuery) roomTreeDataListJSON {
	page, rng := roomGrantListSpec.apply(views, q)
	out := roomTreeDataListJSON{Range: rng, Items: make([]roomDataJSON, 0, len(page))}
	for _, v := range page {
		out.Items = append(out.Items, st.roomDataOf(v))
	}
	return out
}

func (e *Emulator) handleUserRooms(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, roomGrantListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.targetUser(r, rightReadUsers)
	if err != nil {
		writeError(w, err)
		return
	}
	st := e.st
	direct := func(n *node) perms { return n.userPerms[u.id] }
	viaGroups := func(n *node) perms { return st.permissions(n, u.id) }
	last := func(n *node) bool {
		return needsAdmin(n) && st.roomHasAdmin(n, 0, 0) && !st.roomHasAdmin(n, u.id, 0)
	}
	writeJSON(w, http.StatusOK, st.roomTreePage(st.roomGrants(q, "false", direct, viaGroups, last), q))
}

func (e *Emulator) handleGroupRooms(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, roomGrantListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	if v, ok := q.filterValue("effectivePerm"); ok && v == "any" {
		writeError(w, badFilter("effectivePerm is true or false for groups"))
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.targetGroup(r, rightReadGroups)
	if err != nil {
		writeError(w, err)
		return
	}
	direct := func(n *node) perms { return n.groupPerms[g.id] }
	writeJSON(w, http.StatusOK, e.st.roomTreePage(e.st.roomGrants(q, "true", direct, nil, nil), q))
}
