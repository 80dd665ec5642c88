package dracoontest

import (
	"time"

	"github.com/dracoon-go/dracoon/internal/emulator"
)

// FileOptions are optional settings for CreateFile.
type FileOptions struct {
	// Size pretends a file of this size (default len(content)).
	Size int64
	// Hash overrides the MD5 hex digest of the content.
	Hash string
	// Classification 1–4 (default: the room's).
	Classification int
	Notes          string
	// ExpireAt sets an expiration when not zero.
	ExpireAt time.Time
	// CreatorID is the creating user (default: the admin).
	CreatorID int64
}

// CreateFile creates a file with content in the room or folder parentID
// and returns its id. Uploads are the API's way; this seeds tests.
func (s *Server) CreateFile(parentID int64, name string, content []byte, opts *FileOptions) (int64, error) {
	spec := emulator.FileSpec{ParentID: parentID, Name: name, Content: content}
	if opts != nil {
		spec.Size, spec.Hash, spec.Classification = opts.Size, opts.Hash, opts.Classification
		spec.Notes, spec.ExpireAt, spec.CreatorID = opts.Notes, opts.ExpireAt, opts.CreatorID
	}
	return s.emu.CreateFile(spec)
}

// FileContent returns the stored bytes of a file.
func (s *Server) FileContent(id int64) ([]byte, error) { return s.emu.FileContent(id) }

// CreateFolder creates a folder in the room or folder parentID as the
// admin and returns its id.
func (s *Server) CreateFolder(parentID int64, name string) (int64, error) {
	return s.emu.CreateFolder(emulator.FolderSpec{ParentID: parentID, Name: name})
}

// AddGroupMember adds a user to a group.
func (s *Server) AddGroupMember(groupID, userID int64) error {
	return s.emu.AddGroupMember(groupID, userID)
}

// LastAdminRooms returns the ids of the rooms where the user is the last
// admin.
func (s *Server) LastAdminRooms(userID int64) []int64 { return s.emu.LastAdminRooms(userID) }
