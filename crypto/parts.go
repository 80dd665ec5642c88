package crypto

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"unsafe"

	"github.com/dracoon-go/dracoon/crypto/internal/gcm"
)

// Parts encrypts or decrypts one file as independent parts, for example
// the parts of a concurrent S3 multipart upload, and combines them into
// the file's single GCM tag.
//
// Part i covers the byte range [offset, offset+length) of the file. Every
// offset must be a multiple of 16, and every part except the last must have
// a length that is a multiple of 16 (S3 parts of 5 MiB and more always
// are). A part is encrypted with the counter block IV ‖ uint32(2+offset/16),
// exactly the keystream one-shot GCM uses there, so the parts' ciphertexts
// concatenate to the file's ciphertext. Each call returns a PartSum, the
// part's GHASH contribution; SealTag folds the sums of all parts into the
// tag, VerifyTag checks them against the key's tag.
//
// A retried part is simply encrypted again; its new PartSum replaces the
// old one (keep one PartSum per part, not one per attempt). Parts can be
// processed in any order and concurrently: a Parts value is safe for
// concurrent use.
//
// PartSums are as secret as the file key: together with the ciphertext
// they reveal GCM's hash key, which allows forging tags for this file key.
// Keep them in memory (or protect them like the key).
type Parts struct {
	key *PlainFileKey
	k   *gcm.Key

	mu  sync.RWMutex
	tag []byte // the key's tag at NewParts time or from SealTag
	// tagErr is the reason tag cannot be used for decryption, if any.
	tagErr error
}

// NewParts prepares key for part-wise encryption or decryption. For
// encryption key.Tag may be empty; SealTag sets it. For decryption it must
// hold the 16-byte tag (or be empty for an empty file, see Decrypter).
// The Parts value reads key.Tag once, here; later changes to the key are
// not seen, except that SealTag updates both.
func NewParts(key *PlainFileKey) (*Parts, error) {
	return newParts(key, gcm.Best())
}

func newParts(key *PlainFileKey, e gcm.Engine) (*Parts, error) {
	k, err := newKey(key, e)
	if err != nil {
		return nil, err
	}
	p := &Parts{key: key, k: k}
	p.tag, p.tagErr = expectedTag(key)
	return p, nil
}

// PartSum is the result of encrypting or decrypting one part: its offset,
// its length and its GHASH contribution. It is a small comparable value;
// the zero PartSum is not a valid result. Its String method does not
// reveal the contribution.
type PartSum struct {
	offset int64
	length int64
	sum    gcm.Sum
	valid  bool
}

// Offset returns the part's byte offset in the file.
func (s PartSum) Offset() int64 { return s.offset }

// Len returns the part's length in bytes.
func (s PartSum) Len() int64 { return s.length }

// String describes the part without its secret contribution.
func (s PartSum) String() string {
	if !s.valid {
		return "PartSum(invalid)"
	}
	return fmt.Sprintf("PartSum(offset %d, length %d)", s.offset, s.length)
}

// GoString is String, also for %#v.
func (s PartSum) GoString() string { return s.String() }

// checkRange validates a part's offset and length.
func checkRange(offset, length int64) error {
	if offset < 0 || offset%16 != 0 {
		return fmt.Errorf("crypto: part offset %d is not a non-negative multiple of 16: %w", offset, ErrInvalidArgument)
	}
	if offset > MaxPlaintextSize || length > MaxPlaintextSize-offset {
		return errTooLarge
	}
	return nil
}

// checkBuffers validates the dst/src pair of EncryptPart and DecryptPart.
func checkBuffers(dst, src []byte) error {
	if len(dst) < len(src) {
		return fmt.Errorf("crypto: destination (%d bytes) shorter than source (%d bytes): %w", len(dst), len(src), ErrInvalidArgument)
	}
	if len(src) > 0 {
		d := uintptr(unsafe.Pointer(&dst[0]))
		s := uintptr(unsafe.Pointer(&src[0]))
		n := uintptr(len(src))
		if d != s && d < s+n && s < d+n {
			return fmt.Errorf("crypto: destination and source overlap partially: %w", ErrInvalidArgument)
		}
	}
	return nil
}

// EncryptPart encrypts src, the part of the plaintext starting at byte
// offset, into dst[:len(src)] and returns the part's sum. dst must be at
// least as long as src; it may be src itself (in-place encryption) but must
// not overlap it otherwise.
func (p *Parts) EncryptPart(dst, src []byte, offset int64) (PartSum, error) {
	return p.crypt(dst, src, offset, true)
}

// DecryptPart decrypts src, the part of the ciphertext starting at byte
// offset, into dst[:len(src)] and returns the part's sum. The plaintext is
// unauthenticated until VerifyTag has accepted the sums of all parts; see
// Decrypter for what that means.
func (p *Parts) DecryptPart(dst, src []byte, offset int64) (PartSum, error) {
	return p.crypt(dst, src, offset, false)
}

func (p *Parts) crypt(dst, src []byte, offset int64, enc bool) (PartSum, error) {
	if err := checkRange(offset, int64(len(src))); err != nil {
		return PartSum{}, err
	}
	if err := checkBuffers(dst, src); err != nil {
		return PartSum{}, err
	}
	if !enc && len(src) > 0 {
		if err := p.decryptable(); err != nil {
			return PartSum{}, err
		}
	}
	var s gcm.Stream
	s.Init(p.k, uint64(offset/16))
	if enc {
		s.Encrypt(dst, src)
	} else {
		s.Decrypt(dst, src)
	}
	return PartSum{offset: offset, length: int64(len(src)), sum: s.Sum(), valid: true}, nil
}

// decryptable reports why non-empty ciphertext cannot be decrypted with
// the key's tag, if so.
func (p *Parts) decryptable() error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.tagErr != nil {
		return p.tagErr
	}
	if p.tag == nil {
		return errNoTag
	}
	return nil
}

// NewPartEncrypter returns a PartWriter that encrypts the part starting at
// byte offset: plaintext written to it is encrypted and written to w.
func (p *Parts) NewPartEncrypter(w io.Writer, offset int64) (*PartWriter, error) {
	return p.newPartWriter(w, offset, true)
}

// NewPartDecrypter returns a PartWriter that decrypts the part starting at
// byte offset: ciphertext written to it is decrypted and written to w. The
// plaintext is unauthenticated until VerifyTag has accepted all sums.
func (p *Parts) NewPartDecrypter(w io.Writer, offset int64) (*PartWriter, error) {
	return p.newPartWriter(w, offset, false)
}

func (p *Parts) newPartWriter(w io.Writer, offset int64, enc bool) (*PartWriter, error) {
	if w == nil {
		return nil, fmt.Errorf("crypto: nil writer: %w", ErrInvalidArgument)
	}
	if err := checkRange(offset, 0); err != nil {
		return nil, err
	}
	pw := &PartWriter{p: p, w: w, offset: offset, enc: enc}
	pw.s.Init(p.k, uint64(offset/16))
	return pw, nil
}

// PartWriter streams one part through the cipher (see
// Parts.NewPartEncrypter and Parts.NewPartDecrypter). Close it, then take
// its Sum. It is not safe for concurrent use; after an error it stays
// failed.
type PartWriter struct {
	p      *Parts
	w      io.Writer
	s      gcm.Stream
	offset int64
	n      int64
	enc    bool
	buf    []byte
	err    error
	closed bool
	sum    PartSum
}

// Write processes b and writes the result to the underlying writer. It
// returns the number of bytes of b whose result was written.
func (pw *PartWriter) Write(b []byte) (int, error) {
	if pw.err != nil {
		return 0, pw.err
	}
	if pw.closed {
		return 0, errWriteClosed
	}
	if len(b) == 0 {
		return 0, nil
	}
	if int64(len(b)) > MaxPlaintextSize-pw.offset-pw.n {
		pw.err = errTooLarge
		return 0, pw.err
	}
	if !pw.enc {
		if err := pw.p.decryptable(); err != nil {
			pw.err = err
			return 0, err
		}
	}
	if want := min(bufSize, max(4<<10, len(b))); len(pw.buf) < want {
		pw.buf = make([]byte, want)
	}
	written := 0
	for len(b) > 0 {
		n := min(len(b), len(pw.buf))
		out := pw.buf[:n]
		if pw.enc {
			pw.s.Encrypt(out, b[:n])
		} else {
			pw.s.Decrypt(out, b[:n])
		}
		pw.n += int64(n)
		m, err := pw.w.Write(out)
		written += m
		if err == nil && m < n {
			err = io.ErrShortWrite
		}
		if err != nil {
			pw.err = fmt.Errorf("crypto: writing part: %w", err)
			return written, pw.err
		}
		b = b[n:]
	}
	return written, nil
}

// Close ends the part. It does not close the underlying writer.
func (pw *PartWriter) Close() error {
	if pw.err != nil {
		return pw.err
	}
	if !pw.closed {
		pw.closed = true
		pw.sum = PartSum{offset: pw.offset, length: pw.n, sum: pw.s.Sum(), valid: true}
	}
	return nil
}

// Sum returns the part's sum. It fails unless Close has succeeded.
func (pw *PartWriter) Sum() (PartSum, error) {
	if pw.err != nil {
		return PartSum{}, pw.err
	}
	if !pw.closed {
		return PartSum{}, fmt.Errorf("crypto: PartWriter.Sum before Close: %w", ErrInvalidArgument)
	}
	return pw.sum, nil
}

// SealTag combines the sums of all parts of a file of total bytes into the
// file's GCM tag, stores it in the file key's Tag field and returns it. The
// sums may come in any order but must tile [0, total) exactly: no gaps, no
// overlaps (a retried part's sum replaces the earlier one, it is not added
// to the list), only the last part may end off a 16-byte boundary. Any
// violation is an ErrInvalidArgument error, never a wrong tag.
func (p *Parts) SealTag(sums []PartSum, total int64) ([]byte, error) {
	tag, err := p.combine(sums, total)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.key.Tag = tag[:]
	p.tag, p.tagErr = append([]byte(nil), tag[:]...), nil
	p.mu.Unlock()
	return append([]byte(nil), tag[:]...), nil
}

// VerifyTag combines the sums like SealTag and compares the result with
// the file key's tag (as it was when NewParts was called, or as SealTag set
// it). It returns nil
// if they match and an error wrapping ErrAuthentication if not. Without a
// tag in the key, only an empty file (total 0) verifies.
func (p *Parts) VerifyTag(sums []PartSum, total int64) error {
	tag, err := p.combine(sums, total)
	if err != nil {
		return err
	}
	p.mu.RLock()
	want, wantErr := p.tag, p.tagErr
	p.mu.RUnlock()
	if wantErr != nil {
		return wantErr
	}
	if want == nil {
		if total == 0 {
			return nil
		}
		return errNoTag
	}
	if !gcm.Equal(tag[:], want) {
		return errAuthentication
	}
	return nil
}

// combine checks that sums tile [0, total) and folds them into the tag.
func (p *Parts) combine(sums []PartSum, total int64) ([gcm.TagSize]byte, error) {
	var zero [gcm.TagSize]byte
	if total < 0 {
		return zero, fmt.Errorf("crypto: negative total length %d: %w", total, ErrInvalidArgument)
	}
	if total > MaxPlaintextSize {
		return zero, errTooLarge
	}
	sorted := slices.Clone(sums)
	for i, s := range sorted {
		if !s.valid {
			return zero, fmt.Errorf("crypto: part sum #%d is not the result of a part operation: %w", i, ErrInvalidArgument)
		}
	}
	slices.SortStableFunc(sorted, func(a, b PartSum) int {
		switch {
		case a.offset < b.offset:
			return -1
		case a.offset > b.offset:
			return 1
		}
		return 0
	})
	parts := make([]gcm.Part, 0, len(sorted))
	var next int64
	for i, s := range sorted {
		switch {
		case s.offset > next:
			return zero, fmt.Errorf("crypto: bytes %d to %d are not covered by any part: %w", next, s.offset, ErrInvalidArgument)
		case s.offset < next:
			return zero, fmt.Errorf("crypto: part at offset %d overlaps the part before it: %w", s.offset, ErrInvalidArgument)
		case s.length == 0 && !(total == 0 && len(sorted) == 1):
			return zero, fmt.Errorf("crypto: empty part at offset %d: %w", s.offset, ErrInvalidArgument)
		case s.length%16 != 0 && i != len(sorted)-1:
			return zero, fmt.Errorf("crypto: part at offset %d has length %d, not a multiple of 16, but is not the last part: %w", s.offset, s.length, ErrInvalidArgument)
		}
		parts = append(parts, gcm.Part{Sum: s.sum, Length: uint64(s.length)})
		next = s.offset + s.length
	}
	if next != total {
		return zero, fmt.Errorf("crypto: parts cover %d bytes, total is %d: %w", next, total, ErrInvalidArgument)
	}
	return p.k.Combine(parts), nil
}
