package crypto

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sync"
	"unsafe"

	"github.com/dracoon-go/dracoon/crypto/internal/gcm"
)

// Parts encrypts or decrypts one file as independent parts, for example
// the parts of a concurrent S3 multipart upload, and combines them into
// the file's single GCM tag. NewParts makes one that encrypts (with a
// fresh key), NewDecryptParts one that decrypts (with the key's tag).
//
// Part i covers the byte range [offset, offset+length) of the file. Every
// offset must be a multiple of 16, and every part except the last must have
// a length that is a multiple of 16 (S3 parts of 5 MiB and more always
// are). A part is encrypted with the counter block IV ‖ uint32(2+offset/16),
// exactly the keystream one-shot GCM uses there, so the parts' ciphertexts
// concatenate to the file's ciphertext. Each call returns a PartSum, the
// part's GHASH contribution; SealTag folds the sums of all parts into the
// tag, VerifyTag checks them against the key's tag. Sums work only with
// the Parts value that made them (ErrForeignPartSum otherwise).
//
// Retries. The keystream of every byte of the file may encrypt only one
// plaintext, so an encrypting Parts remembers, for every part offset, how
// many bytes any attempt has encrypted there and a digest of them: the
// part's GHASH contribution after every partCheckpoint (1 MiB) bytes and at
// its end, 16 bytes per MiB. A part may be encrypted again at the same
// offset (a retried upload, re-reading the part from its source) as long
// as it reproduces the same bytes:
//
//   - EncryptPart compares at each checkpoint and at the end of the earlier
//     attempt; on a difference it removes the ciphertext from dst and fails
//     with ErrPartReuse.
//   - A PartWriter retry holds back the ciphertext since the last
//     checkpoint (at most 1 MiB) until the next one matches, so ciphertext
//     that differs from an earlier attempt never reaches the writer; on a
//     difference the held bytes are wiped and the writer fails with
//     ErrPartReuse.
//   - Bytes beyond what every earlier attempt encrypted are new keystream
//     and may differ (an upload that failed half-way may be continued with
//     other data there); a retry that stops short of an earlier attempt's
//     length fails with ErrPartReuse.
//   - A part that would overlap another part's bytes, and a second attempt
//     at an offset whose earlier attempt is still open (a PartWriter neither
//     closed nor failed), fail with ErrPartReuse before anything is
//     encrypted. Close every PartWriter, also one whose upload was
//     abandoned.
//
// So a transfer layer retries a failed part by streaming it again from a
// re-readable source (a file, a seekable reader) through a new PartWriter
// or EncryptPart; nothing has to be kept but the Parts value. If the source
// changed meanwhile, the retry fails and the upload must start over with a
// new file key. Keep one PartSum per part (the last successful attempt's);
// identical attempts return identical sums. The digests cost 16 bytes per
// MiB of the file, and one GF(2^128) multiplication per 128 KiB to 1 MiB
// encrypted.
//
// Parts can be processed in any order and concurrently: a Parts value is
// safe for concurrent use.
//
// PartSums are as secret as the file key: together with the ciphertext
// they reveal GCM's hash key, which allows forging tags for this file key.
// Keep them in memory (or protect them like the key).
type Parts struct {
	key *PlainFileKey
	k   *gcm.Key

	mu sync.Mutex
	// tag is nil while encrypting; SealTag or NewDecryptParts set it.
	tag []byte
	// recs are the encrypted parts, sorted by offset.
	recs []*partRecord
	// cp is partCheckpoint; tests shrink it.
	cp int64
}

// partCheckpoint is the distance between the digests an encrypting Parts
// keeps of each part, and the most a retrying PartWriter holds back.
const partCheckpoint = 1 << 20

// partRecord is what an encrypting Parts remembers of the attempts at one
// part offset.
type partRecord struct {
	offset int64
	length int64     // bytes encrypted by the longest attempt so far
	marks  []gcm.Sum // marks[i]: contribution of the first (i+1)·cp bytes
	end    gcm.Sum   // contribution of the first length bytes
	busy   bool      // an attempt is open
}

// NewParts prepares a fresh file key for part-wise encryption; SealTag
// sets its tag at the end. Like NewEncrypter it refuses a key that has
// already encrypted something (ErrFileKeyUsed). A Parts made by NewParts
// decrypts (DecryptPart, VerifyTag) only after SealTag, and encrypts only
// before.
func NewParts(key *PlainFileKey) (*Parts, error) {
	return newParts(key, gcm.Best())
}

func newParts(key *PlainFileKey, e gcm.Engine) (*Parts, error) {
	k, err := newKey(key, e)
	if err != nil {
		return nil, err
	}
	if err := key.claimForEncryption(); err != nil {
		return nil, err
	}
	return &Parts{key: key, k: k, cp: partCheckpoint}, nil
}

// NewDecryptParts prepares key for part-wise decryption. The key must
// carry its 16-byte tag (ErrMissingTag without one, ErrInvalidFileKey with
// one of another size), which is read here, once. Its EncryptPart and
// SealTag fail with ErrFileKeyUsed.
func NewDecryptParts(key *PlainFileKey) (*Parts, error) {
	return newDecryptParts(key, gcm.Best())
}

func newDecryptParts(key *PlainFileKey, e gcm.Engine) (*Parts, error) {
	k, err := newKey(key, e)
	if err != nil {
		return nil, err
	}
	tag, err := expectedTag(key)
	if err != nil {
		return nil, err
	}
	return &Parts{key: key, k: k, tag: tag, cp: partCheckpoint}, nil
}

// PartSum is the result of encrypting or decrypting one part: its offset,
// its length and its GHASH contribution. It is a small comparable value;
// the zero PartSum is not a valid result. It is valid only for the Parts
// value that made it. Its String method does not reveal the contribution.
type PartSum struct {
	offset int64
	length int64
	sum    gcm.Sum
	owner  *Parts
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
// not overlap it otherwise. A repeated offset is accepted only for the
// same bytes (see Parts); otherwise the error wraps ErrPartReuse and no
// ciphertext is left in dst: it is zeroed, or, when encrypting in place,
// restored to the plaintext. After SealTag it fails with ErrFileKeyUsed.
func (p *Parts) EncryptPart(dst, src []byte, offset int64) (PartSum, error) {
	if err := checkRange(offset, int64(len(src))); err != nil {
		return PartSum{}, err
	}
	if err := checkBuffers(dst, src); err != nil {
		return PartSum{}, err
	}
	a, err := p.begin(offset)
	if err != nil {
		return PartSum{}, err
	}
	defer a.release()
	dst = dst[:len(src)]
	for done := 0; done < len(src); {
		n := int(min(int64(len(src)-done), a.next()))
		if err := a.encrypt(dst[done:done+n], src[done:done+n]); err != nil {
			a.undo(dst, src)
			return PartSum{}, err
		}
		done += n
	}
	if err := a.finish(); err != nil {
		a.undo(dst, src)
		return PartSum{}, err
	}
	return a.sum(), nil
}

// undo removes the ciphertext a refused EncryptPart wrote to dst: it
// decrypts it back when encrypting in place and zeroes dst otherwise.
func (a *partAttempt) undo(dst, src []byte) {
	if len(src) > 0 && &dst[0] == &src[0] {
		var s gcm.Stream
		s.Init(a.p.k, uint64(a.rec.offset/16))
		done := dst[:a.n]
		s.Decrypt(done, done)
		return
	}
	clear(dst)
}

// DecryptPart decrypts src, the part of the ciphertext starting at byte
// offset, into dst[:len(src)] and returns the part's sum. The plaintext is
// unauthenticated until VerifyTag has accepted the sums of all parts; see
// Decrypter for what that means. It needs the tag (ErrMissingTag before
// SealTag on a Parts made by NewParts).
func (p *Parts) DecryptPart(dst, src []byte, offset int64) (PartSum, error) {
	if err := checkRange(offset, int64(len(src))); err != nil {
		return PartSum{}, err
	}
	if err := checkBuffers(dst, src); err != nil {
		return PartSum{}, err
	}
	if err := p.decryptable(); err != nil {
		return PartSum{}, err
	}
	var s gcm.Stream
	s.Init(p.k, uint64(offset/16))
	s.Decrypt(dst, src)
	return PartSum{offset: offset, length: int64(len(src)), sum: s.Sum(), owner: p, valid: true}, nil
}

// decryptable reports why p cannot decrypt, if so.
func (p *Parts) decryptable() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tag == nil {
		return errNoTag
	}
	return nil
}

// partAttempt is one attempt at encrypting the part at rec.offset.
type partAttempt struct {
	p        *Parts
	rec      *partRecord
	s        gcm.Stream
	n        int64 // bytes encrypted by this attempt
	ref      int64 // bytes earlier attempts encrypted, which this one must repeat
	released bool
}

var errSealed = fmt.Errorf("crypto: the file's tag is sealed; encrypting more would reuse the key: %w", ErrFileKeyUsed)

// begin opens an attempt at offset: a retry if an earlier attempt was
// made there, else a new part, which must not start inside another.
func (p *Parts) begin(offset int64) (*partAttempt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tag != nil {
		return nil, errSealed
	}
	i, found := slices.BinarySearchFunc(p.recs, offset, func(r *partRecord, off int64) int { return cmp.Compare(r.offset, off) })
	var rec *partRecord
	if found {
		rec = p.recs[i]
		if rec.busy {
			return nil, fmt.Errorf("crypto: part at offset %d: an earlier attempt is still open (close it first): %w", offset, ErrPartReuse)
		}
	} else {
		if i > 0 {
			if prev := p.recs[i-1]; prev.offset+prev.length > offset {
				return nil, fmt.Errorf("crypto: part at offset %d starts inside the part at offset %d: %w", offset, prev.offset, ErrPartReuse)
			}
		}
		rec = &partRecord{offset: offset}
		p.recs = slices.Insert(p.recs, i, rec)
	}
	rec.busy = true
	a := &partAttempt{p: p, rec: rec, ref: rec.length}
	a.s.Init(p.k, uint64(offset/16))
	return a, nil
}

// reserve extends rec to length bytes unless that runs into the next part.
func (p *Parts) reserve(rec *partRecord, length int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if length <= rec.length {
		return nil
	}
	i, _ := slices.BinarySearchFunc(p.recs, rec.offset, func(r *partRecord, off int64) int { return cmp.Compare(r.offset, off) })
	if i+1 < len(p.recs) {
		if next := p.recs[i+1]; rec.offset+length > next.offset {
			return fmt.Errorf("crypto: part at offset %d runs into the part at offset %d: %w", rec.offset, next.offset, ErrPartReuse)
		}
	}
	rec.length = length
	return nil
}

// next returns how many bytes the next encrypt call may take: up to the
// next checkpoint, or to the end of the earlier attempts' bytes.
func (a *partAttempt) next() int64 {
	cp := a.p.cp
	q := (a.n/cp + 1) * cp
	if a.n < a.ref {
		q = min(q, a.ref)
	}
	return q - a.n
}

// verifying reports whether the next bytes repeat an earlier attempt's.
func (a *partAttempt) verifying() bool { return a.n < a.ref }

// atCheck reports whether a verifying attempt has just reached a point
// where its bytes were compared (and found equal).
func (a *partAttempt) atCheck() bool {
	return a.n <= a.ref && (a.n == a.ref || a.n%a.p.cp == 0)
}

// encrypt encrypts src (at most next() bytes) into dst. New bytes are
// reserved first and recorded after; repeated bytes are compared with
// the record at each checkpoint and at the record's end.
func (a *partAttempt) encrypt(dst, src []byte) error {
	n := int64(len(src))
	if n == 0 {
		return nil
	}
	if !a.verifying() {
		if err := a.p.reserve(a.rec, a.n+n); err != nil {
			return err
		}
		a.s.Encrypt(dst, src)
		a.n += n
		sum := a.s.SumSoFar()
		a.p.mu.Lock()
		if a.n%a.p.cp == 0 {
			a.rec.marks = append(a.rec.marks, sum)
		}
		a.rec.end = sum
		a.p.mu.Unlock()
		return nil
	}
	a.s.Encrypt(dst, src)
	a.n += n
	var want gcm.Sum
	switch {
	case a.n == a.ref:
		want = a.rec.end
	case a.n%a.p.cp == 0:
		want = a.rec.marks[a.n/a.p.cp-1]
	default:
		return nil
	}
	if got := a.s.SumSoFar(); !gcm.Equal(got[:], want[:]) {
		return fmt.Errorf("crypto: part at offset %d differs from an earlier attempt at the same offset: %w", a.rec.offset, ErrPartReuse)
	}
	return nil
}

// finish checks that the attempt repeated all bytes of earlier attempts.
func (a *partAttempt) finish() error {
	if a.n < a.ref {
		return fmt.Errorf("crypto: part at offset %d has %d bytes, an earlier attempt encrypted %d: %w", a.rec.offset, a.n, a.ref, ErrPartReuse)
	}
	return nil
}

// sum returns the attempt's PartSum.
func (a *partAttempt) sum() PartSum {
	return PartSum{offset: a.rec.offset, length: a.n, sum: a.s.SumSoFar(), owner: a.p, valid: true}
}

// release closes the attempt; the part is open for a retry again.
func (a *partAttempt) release() {
	if a.released {
		return
	}
	a.released = true
	p := a.p
	p.mu.Lock()
	defer p.mu.Unlock()
	a.rec.busy = false
	if a.rec.length == 0 {
		p.recs = slices.DeleteFunc(p.recs, func(r *partRecord) bool { return r == a.rec })
	}
}

// NewPartEncrypter returns a PartWriter that encrypts the part starting at
// byte offset: plaintext written to it is encrypted and written to w. It
// fails with ErrPartReuse if the part starts inside another one or an
// earlier attempt at offset is still open, and with ErrFileKeyUsed after
// SealTag. Close the PartWriter also when the upload failed: that releases
// the part for a retry.
func (p *Parts) NewPartEncrypter(w io.Writer, offset int64) (*PartWriter, error) {
	if w == nil {
		return nil, fmt.Errorf("crypto: nil writer: %w", ErrInvalidArgument)
	}
	if err := checkRange(offset, 0); err != nil {
		return nil, err
	}
	a, err := p.begin(offset)
	if err != nil {
		return nil, err
	}
	return &PartWriter{p: p, w: w, offset: offset, a: a}, nil
}

// NewPartDecrypter returns a PartWriter that decrypts the part starting at
// byte offset: ciphertext written to it is decrypted and written to w. The
// plaintext is unauthenticated until VerifyTag has accepted all sums. It
// needs the tag (ErrMissingTag).
func (p *Parts) NewPartDecrypter(w io.Writer, offset int64) (*PartWriter, error) {
	if w == nil {
		return nil, fmt.Errorf("crypto: nil writer: %w", ErrInvalidArgument)
	}
	if err := checkRange(offset, 0); err != nil {
		return nil, err
	}
	if err := p.decryptable(); err != nil {
		return nil, err
	}
	pw := &PartWriter{p: p, w: w, offset: offset}
	pw.s.Init(p.k, uint64(offset/16))
	return pw, nil
}

// PartWriter streams one part through the cipher (see
// Parts.NewPartEncrypter and Parts.NewPartDecrypter). Close it, then take
// its Sum. It is not safe for concurrent use; after an error it stays
// failed.
//
// An encrypting PartWriter that repeats an earlier attempt (see Parts)
// holds back up to 1 MiB of ciphertext until it has been compared, so its
// Write may report bytes as written that reach the underlying writer only
// with a later Write; Close writes the rest or fails.
type PartWriter struct {
	p      *Parts
	w      io.Writer
	a      *partAttempt // encryption
	s      gcm.Stream   // decryption
	offset int64
	n      int64
	buf    []byte
	hold   []byte // encryption retry: ciphertext not yet compared
	err    error
	closed bool
	sum    PartSum
}

// Write processes b and writes the result to the underlying writer. It
// returns the number of bytes of b it has taken.
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
		return 0, pw.fail(errTooLarge)
	}
	if want := min(bufSize, max(4<<10, len(b))); len(pw.buf) < want {
		pw.buf = make([]byte, want)
	}
	taken := 0
	for len(b) > 0 {
		var n int
		var err error
		if pw.a != nil && pw.a.verifying() {
			n, err = pw.repeat(b)
		} else {
			n, err = pw.stream(b)
		}
		taken += n
		if err != nil {
			return taken, pw.fail(err)
		}
		b = b[n:]
	}
	return taken, nil
}

// stream processes a piece of b straight through to the underlying writer.
func (pw *PartWriter) stream(b []byte) (int, error) {
	n := min(len(b), len(pw.buf))
	out := pw.buf[:n]
	if pw.a != nil {
		n = int(min(int64(n), pw.a.next()))
		out = out[:n]
		if err := pw.a.encrypt(out, b[:n]); err != nil {
			return 0, err
		}
	} else {
		pw.s.Decrypt(out, b[:n])
	}
	pw.n += int64(n)
	return n, pw.emit(out)
}

// repeat encrypts a piece of b that repeats an earlier attempt into the
// hold buffer and writes the buffer once it has been compared.
func (pw *PartWriter) repeat(b []byte) (int, error) {
	if pw.hold == nil {
		pw.hold = make([]byte, 0, min(pw.p.cp, pw.a.ref))
	}
	n := int(min(int64(len(b)), pw.a.next()))
	start := len(pw.hold)
	pw.hold = pw.hold[:start+n]
	if err := pw.a.encrypt(pw.hold[start:], b[:n]); err != nil {
		clear(pw.hold)
		pw.hold = pw.hold[:0]
		return 0, err
	}
	pw.n += int64(n)
	if pw.a.atCheck() {
		err := pw.emit(pw.hold)
		pw.hold = pw.hold[:0]
		return n, err
	}
	return n, nil
}

// emit writes out to the underlying writer.
func (pw *PartWriter) emit(out []byte) error {
	m, err := pw.w.Write(out)
	if err == nil && m < len(out) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("crypto: writing part: %w", err)
	}
	return nil
}

// fail makes err sticky and releases an encryption attempt.
func (pw *PartWriter) fail(err error) error {
	pw.err = err
	if pw.a != nil {
		clear(pw.hold)
		pw.hold = pw.hold[:0]
		pw.a.release()
	}
	return err
}

// Close ends the part. It does not close the underlying writer. An
// encrypting PartWriter that repeats an earlier attempt but ends before
// that attempt's length fails with ErrPartReuse. Close releases the part
// for a retry in every case.
func (pw *PartWriter) Close() error {
	if pw.err != nil {
		return pw.err
	}
	if pw.closed {
		return nil
	}
	if pw.a != nil {
		if err := pw.a.finish(); err != nil {
			return pw.fail(err)
		}
		pw.sum = pw.a.sum()
		pw.a.release()
	} else {
		pw.sum = PartSum{offset: pw.offset, length: pw.n, sum: pw.s.Sum(), owner: pw.p, valid: true}
	}
	pw.closed = true
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
// overlaps (keep one sum per part), only the last part may end off a
// 16-byte boundary. Any violation is an ErrInvalidArgument error, a sum
// from another Parts value an ErrForeignPartSum error, never a wrong tag.
// After SealTag the Parts encrypts nothing more (ErrFileKeyUsed) and can
// decrypt. A Parts that already has a tag (sealed before, or made by
// NewDecryptParts) accepts only sums that give that same tag
// (ErrFileKeyUsed otherwise).
func (p *Parts) SealTag(sums []PartSum, total int64) ([]byte, error) {
	tag, err := p.combine(sums, total)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tag != nil && !gcm.Equal(p.tag, tag[:]) {
		return nil, errSealed
	}
	p.key.Tag = tag[:]
	p.tag = append([]byte(nil), tag[:]...)
	return append([]byte(nil), tag[:]...), nil
}

// VerifyTag combines the sums like SealTag and compares the result with
// the file key's tag (as it was when NewDecryptParts was called, or as
// SealTag set it). It returns nil if they match and an error wrapping
// ErrAuthentication if not; ErrMissingTag if there is no tag.
func (p *Parts) VerifyTag(sums []PartSum, total int64) error {
	if err := p.decryptable(); err != nil {
		return err
	}
	tag, err := p.combine(sums, total)
	if err != nil {
		return err
	}
	p.mu.Lock()
	want := p.tag
	p.mu.Unlock()
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
		if s.owner != p {
			return zero, fmt.Errorf("crypto: part sum #%d (offset %d) was made by another Parts value: %w", i, s.offset, ErrForeignPartSum)
		}
	}
	slices.SortStableFunc(sorted, func(a, b PartSum) int { return cmp.Compare(a.offset, b.offset) })
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
