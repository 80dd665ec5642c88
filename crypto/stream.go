package crypto

// File contents: streaming AES-256-GCM.
//
// DRACOON encrypts every file version with AES-256-GCM under its own file
// key: 32-byte key, 12-byte IV, no associated data, 16-byte tag. The
// ciphertext is exactly as long as the plaintext and the tag travels in the
// file key, not with the data (crypto-spec §6). This file provides
//
//   - Encrypter, an io.WriteCloser that encrypts whatever is written to it
//     and stores the tag in the PlainFileKey on Close;
//   - Decrypter, an io.Reader over ciphertext that reports a tag mismatch
//     with ErrAuthentication at the end instead of io.EOF;
//   - Encrypt and Decrypt for data that fits in memory;
//
// and parts.go adds Parts for encrypting and decrypting a file as
// independent parts (concurrent S3 part uploads, retried parts).
//
// All of them compute AES-CTR plus GHASH (crypto/internal/gcm) and are
// byte-identical to one-shot crypto/cipher GCM for any chunking. On amd64
// CPUs with VAES and VPCLMULQDQ they run on own assembly that fuses CTR
// and GHASH; elsewhere the stdlib's AES-CTR is combined with the stdlib GCM
// used as a GHASH oracle, or, where crypto/cipher refuses GCM
// (GODEBUG=fips140=only) and in builds with -tags purego, with a
// constant-time pure-Go GHASH. BENCHMARKS.md has the measured throughput.

import (
	"fmt"
	"io"

	"github.com/dracoon-go/dracoon/crypto/internal/gcm"
)

// MaxPlaintextSize is the largest plaintext one AES-GCM key and IV may
// encrypt: 2^32 − 2 blocks of 16 bytes (64 GiB − 32 bytes, NIST SP 800-38D
// §5.2.1.1). Longer data is refused with ErrTooLarge.
const MaxPlaintextSize int64 = (1<<32 - 2) * 16

// bufSize is the size of the internal buffers of Encrypter and
// Decrypter.WriteTo: big enough that per-call costs vanish, small enough to
// stay in the CPU cache.
const bufSize = 128 << 10

// newKey checks a plain file key and prepares it for engine e.
func newKey(key *PlainFileKey, e gcm.Engine) (*gcm.Key, error) {
	if err := key.validateForCipher(); err != nil {
		return nil, err
	}
	k, err := gcm.NewKey(key.Key, key.IV, e)
	if err != nil {
		return nil, fmt.Errorf("crypto: file key: %w", ErrInvalidFileKey)
	}
	return k, nil
}

// expectedTag returns the tag a decrypting key carries. A key without tag
// decrypts nothing, not even an empty file (ErrMissingTag): the official
// Java SDK uploads empty encrypted files without a tag (crypto-spec §6.2),
// but accepting that would let a server strip the tag of any file and
// serve it as empty.
func expectedTag(key *PlainFileKey) ([]byte, error) {
	switch len(key.Tag) {
	case 0:
		return nil, errNoTag
	case TagSize:
		return append([]byte(nil), key.Tag...), nil
	}
	return nil, fmt.Errorf("crypto: file key has %d tag bytes, want %d: %w", len(key.Tag), TagSize, ErrInvalidFileKey)
}

var (
	errTooLarge       = fmt.Errorf("crypto: data exceeds %d bytes, the AES-GCM limit for one file key: %w", MaxPlaintextSize, ErrTooLarge)
	errNoTag          = fmt.Errorf("crypto: file key has no tag, so nothing can be authenticated: %w", ErrMissingTag)
	errAuthentication = fmt.Errorf("crypto: file data: %w", ErrAuthentication)
	errWriteClosed    = fmt.Errorf("crypto: write after Close: %w", ErrInvalidArgument)
)

// Encrypter encrypts a stream of plaintext with AES-256-GCM and writes the
// ciphertext to an underlying writer. Close computes the tag and stores it
// in the file key's Tag field; the tag is not written to the stream.
//
// Writes of any size are accepted. The ciphertext of each Write is written
// before Write returns (there is no hold-back: GCM ciphertext is as long as
// its plaintext). An Encrypter is not safe for concurrent use. After an
// error from the underlying writer, from exceeding MaxPlaintextSize or
// after Close, further writes fail with the same or an ErrInvalidArgument
// error and Close does not set a tag.
type Encrypter struct {
	w      io.Writer
	key    *PlainFileKey
	s      gcm.Stream
	buf    []byte
	n      int64 // plaintext bytes accepted
	err    error // sticky
	closed bool
}

// NewEncrypter returns an Encrypter that writes the ciphertext of the data
// written to it to w, using the key and IV of key. Close sets key.Tag.
//
// A file key encrypts once: a key whose Tag is set, or that has already
// been given to NewEncrypter, Encrypt or NewParts (even if that encryption
// failed), is refused with ErrFileKeyUsed. GCM with a repeated key and IV
// leaks the XOR of the plaintexts and lets anyone forge tags. Use
// GenerateFileKey for every file and file version, and for every retry of
// a failed upload.
func NewEncrypter(w io.Writer, key *PlainFileKey) (*Encrypter, error) {
	return newEncrypter(w, key, gcm.Best())
}

func newEncrypter(w io.Writer, key *PlainFileKey, e gcm.Engine) (*Encrypter, error) {
	if w == nil {
		return nil, fmt.Errorf("crypto: nil writer: %w", ErrInvalidArgument)
	}
	k, err := newKey(key, e)
	if err != nil {
		return nil, err
	}
	if err := key.claimForEncryption(); err != nil {
		return nil, err
	}
	enc := &Encrypter{w: w, key: key}
	enc.s.Init(k, 0)
	return enc, nil
}

// Write encrypts p and writes the ciphertext to the underlying writer. It
// returns the number of bytes of p whose ciphertext was written.
func (e *Encrypter) Write(p []byte) (int, error) {
	if err := e.check(len(p)); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if want := min(bufSize, max(4<<10, len(p))); len(e.buf) < want {
		e.buf = make([]byte, want)
	}
	written := 0
	for len(p) > 0 {
		n := min(len(p), len(e.buf))
		m, err := e.encryptOut(e.buf[:n], p[:n])
		written += m
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// ReadFrom encrypts everything r delivers until io.EOF, without the extra
// copy of io.Copy's buffer. It returns the number of plaintext bytes
// encrypted and written.
func (e *Encrypter) ReadFrom(r io.Reader) (int64, error) {
	if err := e.check(0); err != nil {
		return 0, err
	}
	if len(e.buf) < bufSize {
		e.buf = make([]byte, bufSize)
	}
	var total int64
	for {
		n, rerr := r.Read(e.buf)
		if n > 0 {
			if err := e.check(n); err != nil {
				return total, err
			}
			m, err := e.encryptOut(e.buf[:n], e.buf[:n])
			total += int64(m)
			if err != nil {
				return total, err
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// check refuses writes after errors or Close and beyond the size limit.
func (e *Encrypter) check(n int) error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return errWriteClosed
	}
	if int64(n) > MaxPlaintextSize-e.n {
		e.err = errTooLarge
		return e.err
	}
	return nil
}

// encryptOut encrypts src into dst (which may be src) and writes dst.
func (e *Encrypter) encryptOut(dst, src []byte) (int, error) {
	e.s.Encrypt(dst, src)
	e.n += int64(len(src))
	m, err := e.w.Write(dst)
	if err == nil && m < len(dst) {
		err = io.ErrShortWrite
	}
	if err != nil {
		e.err = fmt.Errorf("crypto: writing ciphertext: %w", err)
		return m, e.err
	}
	return m, nil
}

// Close finishes the encryption and stores the 16-byte tag in the file
// key's Tag field. It does not close the underlying writer. Closing an
// empty stream is valid and yields the tag of empty data. Close after a
// successful Close does nothing; after a failed write it returns that
// failure and leaves Tag alone.
func (e *Encrypter) Close() error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return nil
	}
	e.closed = true
	tag := e.s.Tag()
	e.key.Tag = tag[:]
	return nil
}

// Decrypter decrypts a stream of AES-256-GCM ciphertext (without tag; the
// tag comes from the file key) read from an underlying reader.
//
// Authentication happens at the end: when the underlying reader reports
// io.EOF, the Decrypter compares the tag and returns io.EOF only if it
// matches, and an error wrapping ErrAuthentication otherwise.
//
// IMPORTANT: every byte Read returns before that final result is
// UNAUTHENTICATED. An attacker who altered the ciphertext also controls
// what those bytes decrypt to (flipping a ciphertext bit flips the same
// plaintext bit). Write the output to a temporary location and use it
// (rename it into place, parse it, show it) only after Read has returned
// io.EOF; on any other error discard everything read.
//
// A file key without a tag is refused with ErrMissingTag, even for an
// empty file: the official Java SDK uploads empty encrypted files without
// ever computing a tag (crypto-spec §6.2), but a reader that accepted
// that would let a server strip the tag of any file and serve it as empty.
//
// A Decrypter is not safe for concurrent use.
type Decrypter struct {
	r   io.Reader
	s   gcm.Stream
	tag []byte // expected tag
	n   int64
	err error // sticky: io.EOF after success, or the failure
	buf []byte
}

// NewDecrypter returns a Decrypter that reads ciphertext from r and
// decrypts it with key. The key must carry the 16-byte tag
// (ErrMissingTag without one, ErrInvalidFileKey with one of another size).
func NewDecrypter(r io.Reader, key *PlainFileKey) (*Decrypter, error) {
	return newDecrypter(r, key, gcm.Best())
}

func newDecrypter(r io.Reader, key *PlainFileKey, e gcm.Engine) (*Decrypter, error) {
	if r == nil {
		return nil, fmt.Errorf("crypto: nil reader: %w", ErrInvalidArgument)
	}
	k, err := newKey(key, e)
	if err != nil {
		return nil, err
	}
	tag, err := expectedTag(key)
	if err != nil {
		return nil, err
	}
	d := &Decrypter{r: r, tag: tag}
	d.s.Init(k, 0)
	return d, nil
}

// Read reads ciphertext from the underlying reader into p and decrypts it
// in place. See the type documentation: the plaintext is unauthenticated
// until Read returns io.EOF.
func (d *Decrypter) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := d.r.Read(p)
	if n > 0 {
		if ferr := d.decrypt(p[:n]); ferr != nil {
			clear(p[:n])
			return 0, ferr
		}
	}
	if err == io.EOF {
		return n, d.finish()
	}
	return n, err
}

// WriteTo decrypts the whole stream into w, using an internal buffer
// instead of io.Copy's. It returns nil after successful authentication,
// and an error wrapping ErrAuthentication (after having written all
// plaintext) when the tag does not match. The data written to w is
// unauthenticated until WriteTo returns nil.
func (d *Decrypter) WriteTo(w io.Writer) (int64, error) {
	if len(d.buf) < bufSize {
		d.buf = make([]byte, bufSize)
	}
	var total int64
	for {
		n, rerr := d.Read(d.buf)
		if n > 0 {
			m, err := w.Write(d.buf[:n])
			total += int64(m)
			if err == nil && m < n {
				err = io.ErrShortWrite
			}
			if err != nil {
				return total, err
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// decrypt decrypts b in place, enforcing the size limit.
func (d *Decrypter) decrypt(b []byte) error {
	if int64(len(b)) > MaxPlaintextSize-d.n {
		d.err = errTooLarge
		return d.err
	}
	d.s.Decrypt(b, b)
	d.n += int64(len(b))
	return nil
}

// finish checks the tag at the end of the ciphertext.
func (d *Decrypter) finish() error {
	tag := d.s.Tag()
	if gcm.Equal(tag[:], d.tag) {
		d.err = io.EOF
	} else {
		d.err = errAuthentication
	}
	return d.err
}

// Encrypt encrypts plaintext in one call, returns the ciphertext (as long
// as the plaintext, without tag) and stores the tag in key.Tag. Use an
// Encrypter for data that should not be held in memory at once. Like
// NewEncrypter it refuses a key that has already encrypted something
// (ErrFileKeyUsed).
func Encrypt(key *PlainFileKey, plaintext []byte) ([]byte, error) {
	return encrypt(key, plaintext, gcm.Best())
}

func encrypt(key *PlainFileKey, plaintext []byte, e gcm.Engine) ([]byte, error) {
	k, err := newKey(key, e)
	if err != nil {
		return nil, err
	}
	if int64(len(plaintext)) > MaxPlaintextSize {
		return nil, errTooLarge
	}
	if err := key.claimForEncryption(); err != nil {
		return nil, err
	}
	out := make([]byte, len(plaintext))
	s := k.NewStream(0)
	s.Encrypt(out, plaintext)
	tag := s.Tag()
	key.Tag = tag[:]
	return out, nil
}

// Decrypt authenticates and decrypts ciphertext (without tag) in one call,
// with the tag taken from key.Tag. Nothing is returned unless the tag
// matches: a mismatch yields an error wrapping ErrAuthentication. A key
// without tag is refused with ErrMissingTag, also for empty ciphertext
// (see Decrypter).
func Decrypt(key *PlainFileKey, ciphertext []byte) ([]byte, error) {
	return decrypt(key, ciphertext, gcm.Best())
}

func decrypt(key *PlainFileKey, ciphertext []byte, e gcm.Engine) ([]byte, error) {
	k, err := newKey(key, e)
	if err != nil {
		return nil, err
	}
	want, err := expectedTag(key)
	if err != nil {
		return nil, err
	}
	if int64(len(ciphertext)) > MaxPlaintextSize {
		return nil, errTooLarge
	}
	out := make([]byte, len(ciphertext))
	s := k.NewStream(0)
	s.Decrypt(out, ciphertext)
	tag := s.Tag()
	if !gcm.Equal(tag[:], want) {
		clear(out)
		return nil, errAuthentication
	}
	return out, nil
}
