package dracoon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/dracoon-go/dracoon/crypto"
)

// ErrFileExists is matched by the error of a download whose destination
// exists when DownloadOptions.Overwrite is not set (the Python client's
// FileConflictError). It also matches fs.ErrExist.
var ErrFileExists = fmt.Errorf("destination exists: %w", fs.ErrExist)

// ErrUnsafeName is matched by the error of a download into a directory
// when the node's name, which comes from the server, is not a safe local
// file name: empty, ".", "..", containing a path separator, a NUL or
// another control character, or a reserved Windows device name. Nothing
// is written then; the name is not silently changed.
var ErrUnsafeName = errors.New("unsafe file name")

// DefaultRangeSize is the size of the ranges a large file is downloaded
// in concurrently, when DownloadOptions.RangeSize is 0.
const DefaultRangeSize = 16 << 20

// DownloadOptions configure a download. The zero value (or nil) refuses
// to overwrite and uses the default range size and concurrency.
type DownloadOptions struct {
	// Overwrite replaces an existing destination file.
	Overwrite bool
	// RangeSize is the size of the ranges a file larger than it is
	// fetched in, concurrently (DefaultRangeSize when 0); a multiple of 16.
	// Download, into an io.Writer, fetches one stream.
	RangeSize int64
	// Concurrency is the number of ranges in flight (DefaultConcurrency
	// when 0).
	Concurrency int
	// Progress, if set, is told about the bytes received.
	Progress ProgressFunc
}

// Validate checks the options.
func (o *DownloadOptions) Validate() error {
	switch {
	case o.RangeSize < 0 || o.RangeSize%16 != 0:
		return invalid("rangeSize", "must be a positive multiple of 16, got %d", o.RangeSize)
	case o.Concurrency < 0:
		return invalid("concurrency", "must not be negative")
	}
	return nil
}

// downloadURL asks for a download URL of a file
// (POST /api/v4/nodes/files/{file_id}/downloads).
func (c *Client) downloadURL(ctx context.Context, fileID int64) (*url.URL, error) {
	var out struct {
		DownloadURL string `json:"downloadUrl"`
	}
	if err := c.do(ctx, &apiCall{method: http.MethodPost, path: idPath(nodesPath+"/files", fileID, "/downloads"), idempotent: true}, &out); err != nil {
		return nil, err
	}
	return c.transferURL(out.DownloadURL)
}

// DownloadFile downloads the file node to dest and returns the path
// written. If dest is an existing directory the file keeps its DRACOON
// name inside it (an unsafe name fails with ErrUnsafeName); otherwise dest
// is the file's path. An existing file fails with ErrFileExists unless
// opts.Overwrite is set.
//
// The bytes go to a temporary file beside the destination, which is
// renamed into place only when all bytes have arrived and, for an
// encrypted file, its GCM tag has been verified. A failed, cancelled or
// tampered download leaves neither the destination nor a temporary file.
// The file is created readable and writable by its owner only (0600), as
// decrypted content may be confidential; change its mode if others should
// read it.
//
// It asks for a download URL (POST /api/v4/nodes/files/{file_id}/downloads)
// and fetches the content with ranged GETs on it
// (GET /api/v4/downloads/{token}, or an object store's URL), large files
// in concurrent ranges, continuing from the last byte received after a
// dropped connection. Encrypted files are decrypted with the user's file
// key (GET /api/v4/nodes/files/{file_id}/user_file_key) and the client's
// unlocked key pair. A path is resolved as NodesService.Resolve does.
func (s *TransfersService) DownloadFile(ctx context.Context, node NodeRef, dest string, opts *DownloadOptions) (string, error) {
	o := DownloadOptions{}
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return "", err
	}
	c := s.client
	n, err := fileNode(ctx, c, node)
	if err != nil {
		return "", err
	}
	path, err := destinationPath(dest, n.Name)
	if err != nil {
		return "", err
	}
	if err := checkFree(path, o.Overwrite); err != nil {
		return "", err
	}
	var key *crypto.PlainFileKey
	if n.IsEncrypted {
		if key, err = c.plainFileKey(ctx, n.ID); err != nil {
			return "", err
		}
	}
	u, err := c.downloadURL(ctx, n.ID)
	if err != nil {
		return "", err
	}
	src := &content{u: u, size: n.Size, key: key}
	if err := c.downloadToPath(ctx, src, path, &o); err != nil {
		return "", fmt.Errorf("dracoon: download of file %d: %w", n.ID, err)
	}
	return path, nil
}

// content is what a download fetches: size bytes at u (-1: a length
// nobody knows in advance, such as a ZIP archive made on the fly, fetched
// as one unranged stream), decrypted and verified with key when it is not
// nil.
type content struct {
	u    *url.URL
	size int64
	key  *crypto.PlainFileKey
}

// checkFree fails with ErrFileExists when path exists and overwrite is
// not set.
func checkFree(path string, overwrite bool) error {
	if overwrite {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("dracoon: download to %s: %w", path, ErrFileExists)
	}
	return nil
}

// downloadToPath fetches src into a temporary file beside path and
// renames it into place once every byte has arrived and, for encrypted
// content, the tag has been verified; on any failure the temporary file
// is removed. Large content of known size arrives in concurrent ranges.
func (c *Client) downloadToPath(ctx context.Context, src *content, path string, o *DownloadOptions) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return fmt.Errorf("dracoon: download: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	prog := newProgress(o.Progress, src.size)
	got := src.size
	if src.size < 0 || src.size <= rangeSizeOf(o) || concurrencyOf(o.Concurrency) == 1 {
		got, err = c.streamContent(ctx, src, tmp, prog)
	} else {
		err = c.fetchRanges(ctx, src, tmp, o, prog)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := checkFree(path, o.Overwrite); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("dracoon: download: %w", err)
	}
	ok = true
	prog.finish(got)
	return nil
}

// Download writes the content of the file node to w, decrypted for an
// encrypted file, and returns the node. It uses the operations of
// DownloadFile, fetching the content as one stream.
//
// For an encrypted file the bytes written to w are authenticated only at
// the end: until Download returns nil they may have been altered, and on
// an error wrapping crypto.ErrAuthentication everything written must be
// discarded. DownloadFile does that for files.
func (s *TransfersService) Download(ctx context.Context, node NodeRef, w io.Writer, opts *DownloadOptions) (*Node, error) {
	o := DownloadOptions{}
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := s.client
	n, err := fileNode(ctx, c, node)
	if err != nil {
		return nil, err
	}
	var key *crypto.PlainFileKey
	if n.IsEncrypted {
		if key, err = c.plainFileKey(ctx, n.ID); err != nil {
			return nil, err
		}
	}
	u, err := c.downloadURL(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	if err := c.downloadToWriter(ctx, &content{u: u, size: n.Size, key: key}, w, &o); err != nil {
		return nil, fmt.Errorf("dracoon: download of file %d: %w", n.ID, err)
	}
	return n, nil
}

// downloadToWriter fetches src as one stream into w.
func (c *Client) downloadToWriter(ctx context.Context, src *content, w io.Writer, o *DownloadOptions) error {
	prog := newProgress(o.Progress, src.size)
	got, err := c.streamContent(ctx, src, w, prog)
	if err != nil {
		return err
	}
	prog.finish(got)
	return nil
}

// fileNode resolves ref and requires a file.
func fileNode(ctx context.Context, c *Client, ref NodeRef) (*Node, error) {
	n, err := ref.resolve(ctx, c)
	if err != nil {
		return nil, err
	}
	if n.Type != NodeTypeFile {
		return nil, invalid("node", "must be a file, got a %s", n.Type)
	}
	if n.Size < 0 {
		return nil, fmt.Errorf("dracoon: file %d has a negative size: %w", n.ID, ErrInvalidResponse)
	}
	return n, nil
}

// destinationPath returns where a download of a node named name to dest
// goes: inside dest when it is a directory (the name must be safe), else
// dest itself.
func destinationPath(dest, name string) (string, error) {
	if dest == "" {
		return "", invalid("destination", "must not be empty")
	}
	st, err := os.Stat(dest)
	if err != nil || !st.IsDir() {
		return dest, nil
	}
	if err := SafeLocalName(name); err != nil {
		return "", err
	}
	return filepath.Join(dest, name), nil
}

// SafeLocalName reports, with an error matching ErrUnsafeName, whether a
// node name from the server must not be used as a local file name: it is
// empty, ".", "..", has a path separator, a NUL or other control
// character, one of \ < > : " | ? *, a trailing dot, or is a reserved
// Windows device name such as CON or LPT1.txt.
func SafeLocalName(name string) error {
	if err := checkNodeName("name", name); err != nil {
		return fmt.Errorf("dracoon: node name %q: %w: %w", name, ErrUnsafeName, err)
	}
	if !filepath.IsLocal(name) || filepath.Base(name) != name {
		return fmt.Errorf("dracoon: node name %q: %w", name, ErrUnsafeName)
	}
	return nil
}

// rangeSizeOf returns the range size of o.
func rangeSizeOf(o *DownloadOptions) int64 {
	if o.RangeSize > 0 {
		return o.RangeSize
	}
	return DefaultRangeSize
}

// concurrencyOf applies the default concurrency.
func concurrencyOf(n int) int {
	if n > 0 {
		return n
	}
	return DefaultConcurrency
}

// streamContent fetches the content as one stream into w, decrypting and
// authenticating it with its key when it has one. Content of known size
// is resumed after a dropped connection; content of unknown size is one
// unranged GET. It returns the number of bytes written.
func (c *Client) streamContent(ctx context.Context, src *content, w io.Writer, prog *progress) (int64, error) {
	var r io.Reader
	if src.size < 0 {
		resp, err := c.rawRequest(ctx, http.MethodGet, src.u, nil, 0, nil)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		r = &countingReader{r: resp.Body, p: prog}
	} else {
		rr := c.newRangeReader(ctx, src.u, 0, src.size, src.size, prog)
		defer rr.Close()
		r = rr
	}
	if src.key != nil {
		d, err := crypto.NewDecrypter(r, src.key)
		if err != nil {
			return 0, err
		}
		r = d
	}
	return io.Copy(w, r)
}

// fetchRanges fetches a file in concurrent ranges written in place into
// f. An encrypted file's ranges are decrypted as parts (crypto.Parts) and
// their sums checked against the tag once all have arrived.
func (c *Client) fetchRanges(ctx context.Context, src *content, f *os.File, o *DownloadOptions, prog *progress) error {
	var parts *crypto.Parts
	if src.key != nil {
		var err error
		if parts, err = crypto.NewDecryptParts(src.key); err != nil {
			return err
		}
	}
	u, size := src.u, src.size
	rs := rangeSizeOf(o)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrencyOf(o.Concurrency))
	var (
		mu   sync.Mutex
		sums []crypto.PartSum
	)
	for off := int64(0); off < size && gctx.Err() == nil; off += rs {
		end := min(off+rs, size)
		g.Go(func() error {
			rr := c.newRangeReader(gctx, u, off, end, size, prog)
			defer rr.Close()
			var w io.Writer = io.NewOffsetWriter(f, off)
			if parts == nil {
				_, err := io.Copy(w, rr)
				return err
			}
			pw, err := parts.NewPartDecrypter(w, off)
			if err != nil {
				return err
			}
			_, err = io.Copy(pw, rr)
			if cerr := pw.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			sum, err := pw.Sum()
			if err != nil {
				return err
			}
			mu.Lock()
			sums = append(sums, sum)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if parts != nil {
		return parts.VerifyTag(sums, size)
	}
	return nil
}
