package dracoon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

// Defaults of folder transfers.
const (
	// DefaultFilesInFlight is the number of files a folder transfer moves
	// at once when FolderOptions.Files is 0.
	DefaultFilesInFlight = 4
	// DefaultBytesInFlight bounds the bytes of parts (or files, for
	// downloads) in flight in one folder transfer when
	// FolderOptions.MaxBytesInFlight is 0.
	DefaultBytesInFlight = 128 << 20
)

// FolderOptions configure UploadFolder and DownloadFolder.
type FolderOptions struct {
	// Upload holds the per-file options of an upload (its Name and
	// Progress are ignored): resolution strategy, part size, concurrency…
	Upload UploadOptions
	// Download holds the per-file options of a download (its Progress is
	// ignored); Overwrite replaces existing local files.
	Download DownloadOptions
	// Files is the number of files in flight (DefaultFilesInFlight when 0).
	Files int
	// MaxBytesInFlight is one limit shared by all files: the bytes of the
	// parts being uploaded, or of the files being downloaded, at any time
	// (DefaultBytesInFlight when 0).
	MaxBytesInFlight int64
	// Progress is told about the bytes of the whole folder.
	Progress ProgressFunc
}

// folderLimits returns the file and byte limits of o.
func (o *FolderOptions) limits() (files int, bytes int64) {
	files, bytes = o.Files, o.MaxBytesInFlight
	if files <= 0 {
		files = DefaultFilesInFlight
	}
	if bytes <= 0 {
		bytes = DefaultBytesInFlight
	}
	return files, bytes
}

// localFile is one file found under a folder being uploaded.
type localFile struct {
	path string   // local path; "" for a directory
	dirs []string // folders between the uploaded folder and the file
	size int64
}

// UploadFolder uploads the local directory dir, recursively, into the room
// or folder parent, as a folder of the same name, and returns that folder.
// Folders that exist already are reused (a sync-up); files follow
// opts.Upload.ResolutionStrategy. Symbolic links and other non-regular
// files are skipped. Every local name is checked against DRACOON's naming
// rules before anything is sent.
//
// It creates folders (POST /api/v4/nodes/folders), looks up existing ones
// (GET /api/v4/nodes), and uploads the files as Upload does, several at a
// time, with one limit on the bytes in flight for all of them.
func (s *TransfersService) UploadFolder(ctx context.Context, dir string, parent NodeRef, opts *FolderOptions) (*Node, error) {
	o := FolderOptions{}
	if opts != nil {
		o = *opts
	}
	if err := o.Upload.Validate(); err != nil {
		return nil, err
	}
	files, total, err := scanFolder(dir)
	if err != nil {
		return nil, err
	}
	c := s.client
	p, err := parent.resolve(ctx, c)
	if err != nil {
		return nil, err
	}
	top, err := c.folderNamed(ctx, p.ID, filepath.Base(filepath.Clean(dir)))
	if err != nil {
		return nil, err
	}
	s3, err := c.useDirectS3(ctx, nil)
	if err != nil {
		return nil, err
	}
	nFiles, nBytes := o.limits()
	limit := semaphore.NewWeighted(nBytes)
	prog := newProgress(o.Progress, total)
	folders := map[string]int64{"": top.ID}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(nFiles)
	for i, f := range files {
		parentID, err := c.ensureFolders(gctx, folders, f.dirs)
		if err != nil {
			g.Wait()
			return nil, err
		}
		if gctx.Err() != nil {
			break
		}
		if f.path == "" {
			continue // a directory, now created
		}
		uo := o.Upload
		uo.Name = filepath.Base(f.path)
		uo.Progress = func(done, _ int64) { prog.moved(int64(i), done) }
		g.Go(func() error {
			_, err := s.uploadLocal(gctx, f.path, NodeID(parentID), &uo, uploadSource{s3: &s3, inflight: limit, maxInflight: nBytes})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prog.finish(total)
	return top, nil
}

// scanFolder lists the regular files under dir and checks every name.
func scanFolder(dir string) ([]localFile, int64, error) {
	root := filepath.Clean(dir)
	if err := checkNodeName("folder name", filepath.Base(root)); err != nil {
		return nil, 0, err
	}
	var (
		files []localFile
		total int64
	)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == root {
			return nil
		}
		if err := checkNodeName(path, d.Name()); err != nil {
			return err
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			files = append(files, localFile{dirs: strings.Split(filepath.ToSlash(rel), "/")})
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // links and devices are skipped
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		var dirs []string
		if rel != "." {
			dirs = strings.Split(filepath.ToSlash(rel), "/")
		}
		files = append(files, localFile{path: path, dirs: dirs, size: info.Size()})
		total += info.Size()
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("dracoon: upload folder: %w", err)
	}
	return files, total, nil
}

// ensureFolders returns the id of the folder dirs below the uploaded
// folder, creating what is missing; known maps joined paths to ids.
func (c *Client) ensureFolders(ctx context.Context, known map[string]int64, dirs []string) (int64, error) {
	id := known[""]
	for i := range dirs {
		key := strings.Join(dirs[:i+1], "/")
		if k, ok := known[key]; ok {
			id = k
			continue
		}
		n, err := c.folderNamed(ctx, id, dirs[i])
		if err != nil {
			return 0, err
		}
		known[key] = n.ID
		id = n.ID
	}
	return id, nil
}

// folderNamed returns the folder name in parentID, creating it when it
// does not exist (POST /api/v4/nodes/folders).
func (c *Client) folderNamed(ctx context.Context, parentID int64, name string) (*Node, error) {
	n, err := c.Nodes.CreateFolder(ctx, &CreateFolderRequest{ParentID: parentID, Name: name})
	if !errors.Is(err, ErrConflict) {
		return n, err
	}
	existing, lerr := c.Nodes.childNamed(ctx, parentID, name)
	if lerr != nil {
		return nil, lerr
	}
	if existing == nil || existing.Type == NodeTypeFile {
		return nil, err
	}
	return existing, nil
}

// DownloadFolder downloads the room or folder node, recursively, into the
// local directory dest as a directory of the same name, and returns its
// path. Existing directories are reused; an existing file fails with
// ErrFileExists unless opts.Download.Overwrite is set. Every name from the
// server is checked with SafeLocalName before anything is written
// (ErrUnsafeName).
//
// It lists the children (GET /api/v4/nodes) and downloads the files as
// DownloadFile does, several at a time, with one limit on the bytes in
// flight for all of them.
func (s *TransfersService) DownloadFolder(ctx context.Context, node NodeRef, dest string, opts *FolderOptions) (string, error) {
	o := FolderOptions{}
	if opts != nil {
		o = *opts
	}
	if err := o.Download.Validate(); err != nil {
		return "", err
	}
	c := s.client
	n, err := node.resolve(ctx, c)
	if err != nil {
		return "", err
	}
	if n.Type == NodeTypeFile {
		return "", invalid("node", "must be a room or folder, got a file")
	}
	if err := SafeLocalName(n.Name); err != nil {
		return "", err
	}
	var files []remoteFile
	var total int64
	if err := c.listTree(ctx, n.ID, []string{n.Name}, &files, &total); err != nil {
		return "", err
	}
	top := filepath.Join(dest, n.Name)
	if err := os.MkdirAll(top, 0o755); err != nil {
		return "", fmt.Errorf("dracoon: download folder: %w", err)
	}
	nFiles, nBytes := o.limits()
	limit := semaphore.NewWeighted(nBytes)
	prog := newProgress(o.Progress, total)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(nFiles)
	for i, f := range files {
		dir := filepath.Join(append([]string{dest}, f.dirs...)...)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			g.Wait()
			return "", fmt.Errorf("dracoon: download folder: %w", err)
		}
		if gctx.Err() != nil {
			break
		}
		if f.id == 0 {
			continue // a folder, now created
		}
		do := o.Download
		do.Progress = func(done, _ int64) { prog.moved(int64(i), done) }
		g.Go(func() error {
			w := min(max(f.size, 1), nBytes)
			if err := limit.Acquire(gctx, w); err != nil {
				return err
			}
			defer limit.Release(w)
			_, err := s.DownloadFile(gctx, NodeID(f.id), filepath.Join(dir, f.name), &do)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	prog.finish(total)
	return top, nil
}

// remoteFile is one file found under a folder being downloaded.
type remoteFile struct {
	id   int64 // 0 for a folder
	name string
	dirs []string // local directory names from the destination down
	size int64
}

// listTree collects the files below parentID, checking every name.
func (c *Client) listTree(ctx context.Context, parentID int64, dirs []string, files *[]remoteFile, total *int64) error {
	for n, err := range c.Nodes.All(ctx, parentID, nil) {
		if err != nil {
			return err
		}
		if err := SafeLocalName(n.Name); err != nil {
			return err
		}
		if n.Type == NodeTypeFile {
			*files = append(*files, remoteFile{id: n.ID, name: n.Name, dirs: dirs, size: n.Size})
			*total += n.Size
			continue
		}
		sub := append(dirs[:len(dirs):len(dirs)], n.Name)
		*files = append(*files, remoteFile{dirs: sub}) // the folder itself, also when empty
		if err := c.listTree(ctx, n.ID, sub, files, total); err != nil {
			return err
		}
	}
	return nil
}
