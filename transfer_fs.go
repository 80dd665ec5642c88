package dracoon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// FS returns a read-only file system over the room or folder root: Open
// streams a file's content (decrypted for encrypted files, which needs an
// unlocked key pair), and directories list their children page by page
// (GET /api/v4/nodes). Paths are resolved one name at a time below root
// (GET /api/v4/nodes with a name filter). fs.WalkDir, fs.ReadFile,
// io.Copy and http.FileServerFS work on it.
//
// Files are read with ranged GETs on a download URL
// (POST /api/v4/nodes/files/{file_id}/downloads); they can seek. An
// encrypted file is authenticated when Read reaches io.EOF: bytes read
// before are unauthenticated, and a tampered file fails at the end with an
// error wrapping crypto.ErrAuthentication. Seeking in an encrypted file
// decrypts again from the start.
//
// All requests use ctx; the file system is usable until ctx ends.
func (s *TransfersService) FS(ctx context.Context, root NodeRef) (fs.FS, error) {
	n, err := root.resolve(ctx, s.client)
	if err != nil {
		return nil, err
	}
	if n.Type == NodeTypeFile {
		return nil, invalid("root", "must be a room or folder, got a file")
	}
	return &nodeFS{ctx: ctx, c: s.client, root: n}, nil
}

// nodeFS is the fs.FS of FS.
type nodeFS struct {
	ctx  context.Context
	c    *Client
	root *Node
}

// Open opens the file or directory name ("." for the root).
func (f *nodeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	n := f.root
	if name != "." {
		for seg := range strings.SplitSeq(name, "/") {
			if n.Type == NodeTypeFile {
				return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
			}
			child, err := f.c.Nodes.childNamed(f.ctx, n.ID, seg)
			if err != nil {
				return nil, &fs.PathError{Op: "open", Path: name, Err: err}
			}
			if child == nil {
				return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
			}
			n = child
		}
	}
	info := nodeInfo{n: n, name: fsName(name)}
	if n.Type != NodeTypeFile {
		return &fsDir{fs: f, info: info}, nil
	}
	return &fsFile{fs: f, info: info}, nil
}

// fsName is the base name of an fs path.
func fsName(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// nodeInfo is the fs.FileInfo of a node.
type nodeInfo struct {
	n    *Node
	name string
}

func (i nodeInfo) Name() string { return i.name }
func (i nodeInfo) Size() int64 {
	if i.IsDir() {
		return 0
	}
	return i.n.Size
}
func (i nodeInfo) Mode() fs.FileMode {
	if i.IsDir() {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i nodeInfo) ModTime() time.Time {
	for _, t := range []time.Time{i.n.TimestampModification, i.n.UpdatedAt, i.n.CreatedAt} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
func (i nodeInfo) IsDir() bool { return i.n.Type != NodeTypeFile }

// Sys returns the *Node.
func (i nodeInfo) Sys() any { return i.n }

// fsDir is an open directory.
type fsDir struct {
	fs   *nodeFS
	info nodeInfo
	next func() (Node, error, bool)
	stop func()
	done bool
}

func (d *fsDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *fsDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}

// Close ends the listing.
func (d *fsDir) Close() error {
	if d.stop != nil {
		d.stop()
	}
	d.done = true
	return nil
}

// ReadDir returns the next n children (all remaining for n <= 0), paging
// through them as needed. A child whose name is not a valid fs name fails
// with ErrUnsafeName.
func (d *fsDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.next == nil && !d.done {
		var seq iter.Seq2[Node, error] = d.fs.c.Nodes.All(d.fs.ctx, d.info.n.ID, nil)
		d.next, d.stop = iter.Pull2(seq)
	}
	var out []fs.DirEntry
	for !d.done && (n <= 0 || len(out) < n) {
		node, err, ok := d.next()
		if !ok {
			d.Close()
			break
		}
		if err != nil {
			return out, &fs.PathError{Op: "readdir", Path: d.info.name, Err: err}
		}
		if !fs.ValidPath(node.Name) || strings.Contains(node.Name, "/") || node.Name == "." {
			return out, &fs.PathError{Op: "readdir", Path: d.info.name, Err: fmt.Errorf("child %q: %w", node.Name, ErrUnsafeName)}
		}
		out = append(out, fs.FileInfoToDirEntry(nodeInfo{n: &node, name: node.Name}))
	}
	if n > 0 && len(out) == 0 {
		return nil, io.EOF
	}
	return out, nil
}

// fsFile is an open file: a lazily opened stream that can seek.
type fsFile struct {
	fs   *nodeFS
	info nodeInfo
	pos  int64
	r    io.Reader
	rr   *rangeReader
	key  *crypto.PlainFileKey
	err  error
}

func (f *fsFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// Read reads the content from the current position.
func (f *fsFile) Read(b []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.pos >= f.info.n.Size && f.r == nil && !f.info.n.IsEncrypted {
		return 0, io.EOF
	}
	if f.r == nil {
		if err := f.open(); err != nil {
			f.err = &fs.PathError{Op: "read", Path: f.info.name, Err: err}
			return 0, f.err
		}
	}
	n, err := f.r.Read(b)
	f.pos += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		f.err = &fs.PathError{Op: "read", Path: f.info.name, Err: err}
		return n, f.err
	}
	return n, err
}

// open starts reading at pos: a range from pos for a plain file; for an
// encrypted one, decryption from the start, discarding up to pos.
func (f *fsFile) open() error {
	c, n := f.fs.c, f.info.n
	if n.IsEncrypted && f.key == nil {
		key, err := c.plainFileKey(f.fs.ctx, n.ID)
		if err != nil {
			return err
		}
		f.key = key
	}
	u, err := c.downloadURL(f.fs.ctx, n.ID)
	if err != nil {
		return err
	}
	if f.key == nil {
		f.rr = c.newRangeReader(f.fs.ctx, u, f.pos, n.Size, n.Size, nil)
		f.r = f.rr
		return nil
	}
	f.rr = c.newRangeReader(f.fs.ctx, u, 0, n.Size, n.Size, nil)
	d, err := crypto.NewDecrypter(f.rr, f.key)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(io.Discard, d, f.pos); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	f.r = d
	return nil
}

// Seek moves the position; the next Read continues there.
func (f *fsFile) Seek(offset int64, whence int) (int64, error) {
	var pos int64
	switch whence {
	case io.SeekStart:
		pos = offset
	case io.SeekCurrent:
		pos = f.pos + offset
	case io.SeekEnd:
		pos = f.info.n.Size + offset
	default:
		return 0, &fs.PathError{Op: "seek", Path: f.info.name, Err: fs.ErrInvalid}
	}
	if pos < 0 {
		return 0, &fs.PathError{Op: "seek", Path: f.info.name, Err: fs.ErrInvalid}
	}
	if pos != f.pos || f.err != nil {
		f.closeStream()
		f.pos, f.err = pos, nil
	}
	return pos, nil
}

// closeStream drops the open stream.
func (f *fsFile) closeStream() {
	if f.rr != nil {
		f.rr.Close()
	}
	f.rr, f.r = nil, nil
}

// Close releases the file.
func (f *fsFile) Close() error {
	f.closeStream()
	f.err = fs.ErrClosed
	return nil
}
