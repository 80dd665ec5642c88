package dracoon

// Types shared by several API areas.

// UserInfo is the short description of a user that other objects embed
// (creator, last editor, share owner, …).
type UserInfo struct {
	ID         int64  `json:"id"`
	UserType   string `json:"userType"` // system, internal, external or deleted
	AvatarUUID string `json:"avatarUuid"`
	UserName   string `json:"userName"`
	FirstName  string `json:"firstName"`
	LastName   string `json:"lastName"`
	Email      string `json:"email,omitempty"`
}

// KeyValueEntry is one custom attribute.
type KeyValueEntry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Role is a user role such as CONFIG_MANAGER or ROOM_MANAGER, with the
// rights it grants.
type Role struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Items       []Right `json:"items,omitempty"`
}

// Right is one right granted by a role.
type Right struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Role names with a fixed meaning in every DRACOON instance.
const (
	RoleConfigManager   = "CONFIG_MANAGER"
	RoleUserManager     = "USER_MANAGER"
	RoleGroupManager    = "GROUP_MANAGER"
	RoleRoomManager     = "ROOM_MANAGER"
	RoleLogAuditor      = "LOG_AUDITOR"
	RoleNonmemberViewer = "NONMEMBER_VIEWER"
	RoleUser            = "USER"
)

// RoleList is a list of roles.
type RoleList struct {
	Items []Role `json:"items"`
}

// Has reports whether the list holds the role called name.
func (l RoleList) Has(name string) bool {
	for _, r := range l.Items {
		if r.Name == name {
			return true
		}
	}
	return false
}
