package emulator

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Blob storage: file contents live outside the node tree, in a blobStore
// (memory by default, a folder with Config.DataDir). Uploaded chunks and
// S3 parts are written straight into the store as they arrive, one blob
// each, and a file's content is the ordered list of its blobs
// (fileData), so completing an upload copies no bytes and a download
// streams from the store. Nothing ever holds a whole file in memory
// except the memory store itself.

// blobStore keeps immutable byte strings under random ids.
type blobStore interface {
	// write stores r's bytes as a new blob; it returns the blob's id, its
	// length and its MD5. At most limit bytes are read when limit ≥ 0; a
	// longer r is errBlobTooLong.
	write(r io.Reader, limit int64) (id string, n int64, sum [md5.Size]byte, err error)
	// open returns a reader of the blob.
	open(id string) (blobReader, error)
	// remove deletes the blob; unknown ids are ignored.
	remove(id string)
	// flip inverts the bits of the byte at off (test control: tampering).
	flip(id string, off int64) error
	// clear removes every blob (Reset).
	clear()
	// ids lists the stored blobs, without those still being written.
	ids() []string
}

// blobReader reads one blob.
type blobReader interface {
	io.ReaderAt
	io.Closer
}

// errBlobTooLong is write's error for a reader longer than its limit.
var errBlobTooLong = errors.New("emulator: blob longer than announced")

// copyBufSize is the buffer of the store's copies: big enough that a
// loopback transfer is not dominated by system calls.
const copyBufSize = 1 << 20

var copyBufs = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

// Hashed copies run the MD5 in a goroutine of their own, fed the buffers
// the copy has just stored, so that hashing one buffer overlaps reading
// and storing the next (two cores do both). hashDepth buffers of
// hashBufSize bound the memory of one copy.
const (
	hashBufSize = 256 << 10
	hashDepth   = 4
)

var hashBufs = sync.Pool{New: func() any { b := make([]byte, hashBufSize); return &b }}

// copyHashed copies src to dst (at most limit bytes when limit ≥ 0) and
// returns the count and MD5 of what was copied. Without hashing the "sum"
// is a random tag instead (Config.NoContentHashes).
func copyHashed(dst io.Writer, src io.Reader, limit int64, hashing bool) (int64, [md5.Size]byte, error) {
	var sum [md5.Size]byte
	if limit >= 0 {
		src = io.LimitReader(src, limit+1)
	}
	var n int64
	var err error
	if hashing {
		n, sum, err = copyPipelined(dst, src)
	} else {
		bp := copyBufs.Get().(*[]byte)
		// writerOnly hides *os.File's ReadFrom, whose generic path would
		// copy in 32 KiB steps instead of the pooled buffer's.
		n, err = io.CopyBuffer(writerOnly{dst}, src, *bp)
		copyBufs.Put(bp)
		_, _ = rand.Read(sum[:])
	}
	if err != nil {
		return n, sum, err
	}
	if limit >= 0 && n > limit {
		return n, sum, errBlobTooLong
	}
	return n, sum, nil
}

// writerOnly is an io.Writer without the optional interfaces of the
// value it wraps.
type writerOnly struct{ io.Writer }

// copyPipelined copies src to dst while a second goroutine hashes what
// was written. Every buffer is back in the pool, and the goroutine done,
// when it returns.
func copyPipelined(dst io.Writer, src io.Reader) (int64, [md5.Size]byte, error) {
	type filled struct {
		buf *[]byte
		n   int
	}
	free := make(chan *[]byte, hashDepth)
	full := make(chan filled, hashDepth)
	for range hashDepth {
		free <- hashBufs.Get().(*[]byte)
	}
	done := make(chan [md5.Size]byte)
	go func() {
		h := md5.New()
		var sum [md5.Size]byte
		for f := range full {
			h.Write((*f.buf)[:f.n])
			free <- f.buf
		}
		h.Sum(sum[:0])
		done <- sum
	}()
	var n int64
	var err error
	for err == nil {
		bp := <-free
		m, rerr := io.ReadFull(src, *bp)
		if m > 0 {
			if _, werr := dst.Write((*bp)[:m]); werr != nil {
				rerr = werr
			} else {
				n += int64(m)
				full <- filled{bp, m}
				bp = nil
			}
		}
		if bp != nil {
			free <- bp
		}
		switch rerr {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			err = io.EOF
		default:
			err = rerr
		}
	}
	close(full)
	sum := <-done
	for range hashDepth {
		hashBufs.Put(<-free)
	}
	if err == io.EOF {
		err = nil
	}
	return n, sum, err
}

// memStore is the in-memory blobStore.
type memStore struct {
	hashing bool
	mu      sync.Mutex
	blobs   map[string][]byte
}

func newMemStore(hashing bool) *memStore {
	return &memStore{hashing: hashing, blobs: map[string][]byte{}}
}

func (s *memStore) write(r io.Reader, limit int64) (string, int64, [md5.Size]byte, error) {
	var buf bytes.Buffer
	if limit > 0 {
		buf.Grow(int(min(limit, 64<<20)))
	}
	n, sum, err := copyHashed(&buf, r, limit, s.hashing)
	if err != nil {
		return "", n, sum, err
	}
	id := randomString(24)
	s.mu.Lock()
	s.blobs[id] = buf.Bytes()
	s.mu.Unlock()
	return id, n, sum, nil
}

func (s *memStore) open(id string) (blobReader, error) {
	s.mu.Lock()
	b, ok := s.blobs[id]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("emulator: blob %s is gone", id)
	}
	return nopCloser{bytes.NewReader(b)}, nil
}

func (s *memStore) remove(id string) {
	s.mu.Lock()
	delete(s.blobs, id)
	s.mu.Unlock()
}

func (s *memStore) flip(id string, off int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blobs[id]
	if !ok || off < 0 || off >= int64(len(b)) {
		return errors.New("emulator: no such blob byte")
	}
	// Blobs are shared with running readers: replace, never mutate.
	c := bytes.Clone(b)
	c[off] ^= 0xff
	s.blobs[id] = c
	return nil
}

func (s *memStore) clear() {
	s.mu.Lock()
	clear(s.blobs)
	s.mu.Unlock()
}

func (s *memStore) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Keys(s.blobs))
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// diskStore keeps each blob in a file of one folder.
type diskStore struct {
	dir     string
	hashing bool
	mu      sync.Mutex
	writing map[string]bool // blobs being written, invisible to ids
}

// newDiskStore prepares dir (created when missing) for blobs.
func newDiskStore(dir string, hashing bool) (*diskStore, error) {
	dir = filepath.Join(dir, "blobs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("emulator: data dir: %w", err)
	}
	return &diskStore{dir: dir, hashing: hashing, writing: map[string]bool{}}, nil
}

func (s *diskStore) path(id string) string { return filepath.Join(s.dir, id) }

func (s *diskStore) write(r io.Reader, limit int64) (string, int64, [md5.Size]byte, error) {
	var sum [md5.Size]byte
	f, err := os.CreateTemp(s.dir, "blob-")
	if err != nil {
		return "", 0, sum, err
	}
	id := filepath.Base(f.Name())
	s.mu.Lock()
	s.writing[id] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.writing, id)
		s.mu.Unlock()
	}()
	n, sum, err := copyHashed(f, r, limit, s.hashing)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", n, sum, err
	}
	return id, n, sum, nil
}

func (s *diskStore) ids() []string {
	entries, _ := os.ReadDir(s.dir)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range entries {
		if !s.writing[e.Name()] {
			out = append(out, e.Name())
		}
	}
	return out
}

func (s *diskStore) open(id string) (blobReader, error) { return os.Open(s.path(id)) }

func (s *diskStore) remove(id string) { _ = os.Remove(s.path(id)) }

func (s *diskStore) clear() {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		_ = os.Remove(filepath.Join(s.dir, e.Name()))
	}
}

func (s *diskStore) flip(id string, off int64) error {
	f, err := os.OpenFile(s.path(id), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	b := []byte{0}
	if _, err := f.ReadAt(b, off); err != nil {
		return errors.New("emulator: no such blob byte")
	}
	b[0] ^= 0xff
	_, err = f.WriteAt(b, off)
	return err
}

// segment is one blob of a file's content.
type segment struct {
	blob string
	size int64
}

// fileData is the immutable content of a file: its segments in order.
// Copies of a file share it.
type fileData struct {
	segs []segment
	size int64
}

// contentReader reads a fileData as one io.ReaderAt.
type contentReader struct {
	parts []blobReader
	ends  []int64 // cumulative end offset of each part
	size  int64
}

// openContent opens every segment of d.
func openContent(s blobStore, d *fileData) (*contentReader, error) {
	c := &contentReader{}
	if d == nil {
		return c, nil
	}
	for _, sg := range d.segs {
		if sg.size == 0 {
			continue
		}
		b, err := s.open(sg.blob)
		if err != nil {
			c.Close()
			return nil, err
		}
		c.size += sg.size
		c.parts = append(c.parts, b)
		c.ends = append(c.ends, c.size)
	}
	return c, nil
}

func (c *contentReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= c.size {
		return 0, io.EOF
	}
	total := 0
	for i, end := range c.ends {
		if off >= end || len(p) == 0 {
			continue
		}
		start := end - c.partSize(i)
		want := min(int64(len(p)), end-off)
		n, err := c.parts[i].ReadAt(p[:want], off-start)
		total += n
		if int64(n) < want {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return total, err
		}
		p, off = p[n:], off+int64(n)
	}
	if len(p) > 0 {
		return total, io.EOF
	}
	return total, nil
}

func (c *contentReader) partSize(i int) int64 {
	if i == 0 {
		return c.ends[0]
	}
	return c.ends[i] - c.ends[i-1]
}

func (c *contentReader) Close() error {
	for _, p := range c.parts {
		p.Close()
	}
	return nil
}

// md5Of hashes the whole content of d.
func md5Of(s blobStore, d *fileData) (string, error) {
	c, err := openContent(s, d)
	if err != nil {
		return "", err
	}
	defer c.Close()
	h := md5.New()
	if err := copyTo(h, io.NewSectionReader(c, 0, c.size)); err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// copyTo copies with a pooled buffer.
func copyTo(dst io.Writer, src io.Reader) error {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	_, err := io.CopyBuffer(dst, src, *bp)
	return err
}

// storeBytes stores b as the content of a seeded file.
func storeBytes(s blobStore, b []byte) (*fileData, string, error) {
	id, n, _, err := s.write(bytes.NewReader(b), -1)
	if err != nil {
		return nil, "", err
	}
	return &fileData{segs: []segment{{blob: id, size: n}}, size: n}, fmt.Sprintf("%x", md5.Sum(b)), nil
}
