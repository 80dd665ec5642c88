package emulator

import "time"

// group is a user group. Its members gain the permissions the group holds
// on rooms (node.groupPerms). Handlers for /groups live in groups.go; the
// model sits here because rooms and users both depend on it.
type group struct {
	id        int64
	name      string
	expireAt  time.Time
	createdAt time.Time
	createdBy int64
	updatedAt time.Time
	updatedBy int64
	// cntUsers is len(members); members holds user ids.
	members map[int64]bool
	// roles are the role ids granted to every member (see roleTable).
	roles []int
}

// groupIDsOf returns the ids of the groups uid belongs to.
func (st *state) groupIDsOf(uid int64) []int64 {
	var ids []int64
	for id, g := range st.groups {
		if g.members[uid] {
			ids = append(ids, id)
		}
	}
	return ids
}
