package emulator

import (
	"errors"
	"fmt"
	"strings"
)

// Go-level seeding of groups, for tests and examples that need group
// grants before (or without) the /groups endpoints.

// AddGroup creates a group with the given members and returns its id.
func (e *Emulator) AddGroup(name string, memberIDs ...int64) (int64, error) {
	if strings.TrimSpace(name) == "" {
		return 0, errors.New("emulator: group name must not be empty")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	for _, g := range st.groups {
		if strings.EqualFold(g.name, name) {
			return 0, fmt.Errorf("emulator: group %q exists", name)
		}
	}
	for _, id := range memberIDs {
		if st.users[id] == nil {
			return 0, fmt.Errorf("emulator: no user %d", id)
		}
	}
	now := e.clock.now()
	var creator int64
	if a := st.userByLogin(AdminLogin); a != nil {
		creator = a.id
	}
	g := &group{id: st.groupSeq.next(), name: name, createdAt: now, createdBy: creator, updatedAt: now, updatedBy: creator, members: map[int64]bool{}}
	for _, id := range memberIDs {
		g.members[id] = true
	}
	st.groups[g.id] = g
	return g.id, nil
}

// AddGroupMember adds user userID to group groupID.
func (e *Emulator) AddGroupMember(groupID, userID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.st.groups[groupID]
	if g == nil || e.st.users[userID] == nil {
		return fmt.Errorf("emulator: no group %d or user %d", groupID, userID)
	}
	g.members[userID] = true
	return nil
}
