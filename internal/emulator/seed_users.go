package emulator

import (
	"errors"
	"fmt"
	"time"
)

// Go-level seeding of users and groups for tests (dracoontest wraps
// these). They run the same validation as POST /users and POST /groups,
// as the admin user.

// UserSpec describes a user for CreateUser. Zero values take defaults.
type UserSpec struct {
	// Login is the user name (required); local users log in with it.
	Login     string
	FirstName string // default: Login
	LastName  string // default: "User"
	Email     string
	// Password of a local user; empty generates one (returned by
	// CreateUser).
	Password string
	// AuthMethod is "basic" (default), "active_directory" or "openid";
	// the latter two cannot log in with a password.
	AuthMethod string
	// MustChangePassword is reported in the user's authData.
	MustChangePassword bool
	// Roles are role ids granted directly (1 CONFIG_MANAGER …
	// 6 NONMEMBER_VIEWER).
	Roles []int
	// GroupIDs are groups the user joins.
	GroupIDs []int64
	// ExpireAt, when set, must lie in the future.
	ExpireAt time.Time
	Locked   bool
}

// CreateUser creates a user and returns its id and its password (empty
// for AD and OpenID users).
func (e *Emulator) CreateUser(spec UserSpec) (int64, string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	admin := e.st.userByLogin(AdminLogin)
	if admin == nil {
		return 0, "", errors.New("emulator: the admin user is gone")
	}
	if spec.Login == "" {
		return 0, "", errors.New("emulator: create user: the login must not be empty")
	}
	first, last := spec.FirstName, spec.LastName
	if first == "" {
		first = spec.Login
	}
	if last == "" {
		last = "User"
	}
	method := spec.AuthMethod
	if method == "" {
		method = authBasic
	}
	notify := false
	req := &createUserRequest{
		FirstName:  &first,
		LastName:   &last,
		UserName:   &spec.Login,
		NotifyUser: &notify,
		AuthData:   &authDataRequest{Method: &method, MustChangePassword: &spec.MustChangePassword},
	}
	if spec.Email != "" {
		req.Email = &spec.Email
	}
	if spec.Password != "" {
		req.AuthData.Password = &spec.Password
	}
	if !spec.ExpireAt.IsZero() {
		on, at := true, spec.ExpireAt.UTC().Format(time.RFC3339Nano)
		req.Expiration = &expirationJSON{EnableExpiration: &on, ExpireAt: &at}
	}
	for _, r := range spec.Roles {
		if !containsInt(assignableRoles, r) {
			return 0, "", fmt.Errorf("emulator: create user: unknown role id %d", r)
		}
	}
	for _, gid := range spec.GroupIDs {
		if e.st.groups[gid] == nil {
			return 0, "", fmt.Errorf("emulator: create user: no group %d", gid)
		}
	}
	u, password, err := e.createUser(admin.id, req)
	if err != nil {
		return 0, "", errors.New("emulator: create user: " + err.debugInfo)
	}
	for _, r := range spec.Roles {
		u.roles = withRole(u.roles, r, true)
	}
	for _, gid := range spec.GroupIDs {
		e.st.groups[gid].members[u.id] = true
	}
	u.isLocked = spec.Locked
	return u.id, password, nil
}

// GroupSpec describes a group for CreateGroup.
type GroupSpec struct {
	Name string
	// MemberIDs are the users that join the group.
	MemberIDs []int64
	// Roles are role ids granted to the group's members.
	Roles []int
}

// CreateGroup creates a group as the admin user and returns its id.
func (e *Emulator) CreateGroup(spec GroupSpec) (int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	admin := e.st.userByLogin(AdminLogin)
	if admin == nil {
		return 0, errors.New("emulator: the admin user is gone")
	}
	for _, id := range spec.MemberIDs {
		if e.st.users[id] == nil {
			return 0, fmt.Errorf("emulator: create group: no user %d", id)
		}
	}
	for _, r := range spec.Roles {
		if !containsInt(assignableRoles, r) {
			return 0, fmt.Errorf("emulator: create group: unknown role id %d", r)
		}
	}
	g, err := e.createGroup(admin.id, &groupRequest{Name: &spec.Name})
	if err != nil {
		return 0, errors.New("emulator: create group: " + err.debugInfo)
	}
	for _, id := range spec.MemberIDs {
		g.members[id] = true
	}
	for _, r := range spec.Roles {
		g.roles = withRole(g.roles, r, true)
	}
	return g.id, nil
}

// AddGroupMember adds user userID to group groupID as the admin would
// through POST /groups/{id}/users (so rooms that admit new members only
// after acceptance list the user as pending).
func (e *Emulator) AddGroupMember(groupID, userID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.st.groups[groupID]
	admin := e.st.userByLogin(AdminLogin)
	if g == nil || admin == nil {
		return fmt.Errorf("emulator: add group member: no group %d", groupID)
	}
	if err := e.changeMembers(g, []int64{userID}, true, admin.id); err != nil {
		return errors.New("emulator: add group member: " + err.debugInfo)
	}
	return nil
}
