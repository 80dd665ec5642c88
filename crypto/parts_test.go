package crypto_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
)

// Helpers here are prefixed with "pt" to stay clear of the other external
// test files of this package.

func ptRand(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func ptKey(r *rand.Rand) *crypto.PlainFileKey {
	return &crypto.PlainFileKey{Version: crypto.PlainFileKeyAES256GCM, Key: ptRand(r, 32), IV: ptRand(r, 12)}
}

func ptSeal(t testing.TB, key *crypto.PlainFileKey, pt []byte) (ct, tag []byte) {
	t.Helper()
	block, _ := aes.NewCipher(key.Key)
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	s := aead.Seal(nil, key.IV, pt, nil)
	return s[:len(pt)], s[len(pt):]
}

type ptRange struct{ off, n int }

// ptSplit cuts total bytes into parts of random multiples of 16 (the last
// part takes the rest).
func ptSplit(r *rand.Rand, total, maxPart int) []ptRange {
	var out []ptRange
	for off := 0; off < total; {
		n := 16 * (1 + r.IntN(maxPart/16))
		n = min(n, total-off)
		out = append(out, ptRange{off, n})
		off += n
	}
	return out
}

// TestPartsAgainstStdlib encrypts files as parts processed concurrently in
// random order, with retried parts (an identical retry is accepted, a
// changed one refused), and compares the concatenated
// ciphertext and the sealed tag with one-shot GCM; then decrypts the parts
// the same way and verifies.
func TestPartsAgainstStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 21))
	sizes := []int{1, 15, 16, 17, 4096, 100000, 1<<20 + 7, r.IntN(3 << 20)}
	for _, total := range sizes {
		key := ptKey(r)
		plain := ptRand(r, total)
		wantCT, wantTag := ptSeal(t, key, plain)
		p, err := crypto.NewParts(key)
		if err != nil {
			t.Fatal(err)
		}
		ranges := ptSplit(r, total, 1+r.IntN(300000)+16)
		order := r.Perm(len(ranges))
		ct := make([]byte, total)
		sums := make([]crypto.PartSum, len(ranges))
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		for _, i := range order {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rg := ranges[i]
				// Attempt 1, then a retry with other data (refused: it
				// would reuse the keystream), then an identical retry.
				if _, err := p.EncryptPart(ct[rg.off:rg.off+rg.n], plain[rg.off:rg.off+rg.n], int64(rg.off)); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				junk := ptRand(rand.New(rand.NewPCG(uint64(i), 9)), rg.n)
				if _, err := p.EncryptPart(junk, junk, int64(rg.off)); !errors.Is(err, crypto.ErrPartReuse) {
					mu.Lock()
					firstErr = fmt.Errorf("changed retry: %v", err)
					mu.Unlock()
					return
				}
				s, err := p.EncryptPart(ct[rg.off:rg.off+rg.n], plain[rg.off:rg.off+rg.n], int64(rg.off))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					firstErr = err
				}
				sums[i] = s
			}()
		}
		wg.Wait()
		if firstErr != nil {
			t.Fatal(firstErr)
		}
		// Shuffle the sums: SealTag sorts them.
		r.Shuffle(len(sums), func(i, j int) { sums[i], sums[j] = sums[j], sums[i] })
		tag, err := p.SealTag(sums, int64(total))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ct, wantCT) || !bytes.Equal(tag, wantTag) || !bytes.Equal(key.Tag, wantTag) {
			t.Fatalf("total %d, %d parts: parts result differs from one-shot GCM", total, len(ranges))
		}

		// Decrypt in place, in parts of other sizes, concurrently.
		dp, err := crypto.NewDecryptParts(key)
		if err != nil {
			t.Fatal(err)
		}
		dranges := ptSplit(r, total, 1+r.IntN(200000)+16)
		dsums := make([]crypto.PartSum, len(dranges))
		for _, i := range r.Perm(len(dranges)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rg := dranges[i]
				seg := ct[rg.off : rg.off+rg.n]
				s, err := dp.DecryptPart(seg, seg, int64(rg.off))
				if err != nil {
					panic(err)
				}
				dsums[i] = s
			}()
		}
		wg.Wait()
		if err := dp.VerifyTag(dsums, int64(total)); err != nil {
			t.Fatalf("total %d: VerifyTag: %v", total, err)
		}
		if !bytes.Equal(ct, plain) {
			t.Fatalf("total %d: decrypted parts differ", total)
		}

		// One flipped bit in one part: that part's sum changes, the
		// combined tag no longer verifies.
		i := r.IntN(len(dranges))
		rg := dranges[i]
		seg := bytes.Clone(wantCT[rg.off : rg.off+rg.n])
		seg[r.IntN(rg.n)] ^= 1 << r.IntN(8)
		bad, err := dp.DecryptPart(seg, seg, int64(rg.off))
		if err != nil {
			t.Fatal(err)
		}
		tampered := append([]crypto.PartSum(nil), dsums...)
		tampered[i] = bad
		if err := dp.VerifyTag(tampered, int64(total)); !errors.Is(err, crypto.ErrAuthentication) {
			t.Fatalf("total %d: tampered part: %v", total, err)
		}
	}
}

// TestPartWriters streams parts through PartWriters in odd write sizes.
func TestPartWriters(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 22))
	key := ptKey(r)
	total := 700001
	plain := ptRand(r, total)
	wantCT, wantTag := ptSeal(t, key, plain)
	p, _ := crypto.NewParts(key)
	ranges := ptSplit(r, total, 200000)
	bufs := make([]bytes.Buffer, len(ranges))
	sums := make([]crypto.PartSum, len(ranges))
	for _, i := range r.Perm(len(ranges)) {
		rg := ranges[i]
		w, err := p.NewPartEncrypter(&bufs[i], int64(rg.off))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Sum(); !errors.Is(err, crypto.ErrInvalidArgument) {
			t.Fatalf("Sum before Close: %v", err)
		}
		src := plain[rg.off : rg.off+rg.n]
		for len(src) > 0 {
			n := min(len(src), 1+r.IntN(70000))
			if m, err := w.Write(src[:n]); err != nil || m != n {
				t.Fatalf("Write = %d, %v", m, err)
			}
			src = src[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte{1}); !errors.Is(err, crypto.ErrInvalidArgument) {
			t.Fatalf("Write after Close: %v", err)
		}
		sums[i], _ = w.Sum()
		if sums[i].Offset() != int64(rg.off) || sums[i].Len() != int64(rg.n) {
			t.Fatalf("sum covers %d+%d, want %d+%d", sums[i].Offset(), sums[i].Len(), rg.off, rg.n)
		}
	}
	var ct []byte
	for i := range bufs {
		ct = append(ct, bufs[i].Bytes()...)
	}
	tag, err := p.SealTag(sums, int64(total))
	if err != nil || !bytes.Equal(ct, wantCT) || !bytes.Equal(tag, wantTag) {
		t.Fatalf("PartWriter encryption differs: %v", err)
	}

	var plainOut bytes.Buffer
	dsums := make([]crypto.PartSum, len(ranges))
	for i, rg := range ranges {
		w, _ := p.NewPartDecrypter(&plainOut, int64(rg.off))
		w.Write(ct[rg.off : rg.off+rg.n])
		w.Close()
		dsums[i], _ = w.Sum()
	}
	if err := p.VerifyTag(dsums, int64(total)); err != nil || !bytes.Equal(plainOut.Bytes(), plain) {
		t.Fatalf("PartWriter decryption: %v", err)
	}

	// A failing destination makes the PartWriter fail for good.
	p, _ = crypto.NewParts(ptKey(r))
	w, _ := p.NewPartEncrypter(ptFailWriter{}, 0)
	if _, err := w.Write(make([]byte, 100)); err == nil {
		t.Fatal("write to failing writer succeeded")
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after failure succeeded")
	}
	if _, err := w.Sum(); err == nil {
		t.Fatal("Sum after failure succeeded")
	}
}

type ptFailWriter struct{}

func (ptFailWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestPartsMisuse: every way of getting the layout wrong is an
// ErrInvalidArgument error (or ErrTooLarge), never a wrong tag.
func TestPartsMisuse(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 23))
	key := ptKey(r)
	p, _ := crypto.NewParts(key)
	enc := func(off, n int) crypto.PartSum {
		t.Helper()
		s, err := p.EncryptPart(make([]byte, n), make([]byte, n), int64(off))
		if err != nil {
			t.Fatalf("EncryptPart(%d, %d): %v", off, n, err)
		}
		return s
	}
	a, b, c := enc(0, 32), enc(32, 32), enc(64, 5)
	// Overlapping parts are refused when encrypting already.
	for _, rg := range []ptRange{{16, 48}, {0, 20}, {32, 0}, {48, 16}} {
		if _, err := p.EncryptPart(make([]byte, rg.n), make([]byte, rg.n), int64(rg.off)); !errors.Is(err, crypto.ErrPartReuse) {
			t.Errorf("EncryptPart(%d, %d) over existing parts: %v", rg.off, rg.n, err)
		}
	}
	if _, err := p.SealTag([]crypto.PartSum{a, b, c}, 69); err != nil {
		t.Fatalf("valid layout refused: %v", err)
	}
	// DecryptPart remembers nothing, so its sums can be laid out any way.
	dp, _ := crypto.NewDecryptParts(key)
	dec := func(off, n int) crypto.PartSum {
		t.Helper()
		s, err := dp.DecryptPart(make([]byte, n), make([]byte, n), int64(off))
		if err != nil {
			t.Fatalf("DecryptPart(%d, %d): %v", off, n, err)
		}
		return s
	}
	da, db, dc := dec(0, 32), dec(32, 32), dec(64, 5)
	cases := []struct {
		name      string
		sums      []crypto.PartSum
		total     int64
		encrypted bool // the sums are p's, else dp's
	}{
		{"gap", []crypto.PartSum{a, c}, 69, true},
		{"missing first", []crypto.PartSum{b, c}, 69, true},
		{"duplicate", []crypto.PartSum{a, b, b, c}, 69, true},
		{"total too big", []crypto.PartSum{a, b, c}, 70, true},
		{"total too small", []crypto.PartSum{a, b, c}, 68, true},
		{"zero PartSum", []crypto.PartSum{a, b, c, {}}, 69, true},
		{"decrypted gap", []crypto.PartSum{da, dc}, 69, false},
		{"decrypted duplicate", []crypto.PartSum{da, db, db, dc}, 69, false},
		{"overlap", []crypto.PartSum{da, dec(16, 48), dc}, 69, false},
		{"unaligned middle part", []crypto.PartSum{dec(0, 20), dec(32, 5)}, 37, false},
		{"unaligned middle part, no gap", []crypto.PartSum{dec(0, 20), dec(16, 5)}, 21, false},
		{"empty middle part", []crypto.PartSum{da, dec(32, 0), db, dc}, 69, false},
		{"negative total", nil, -1, false},
		{"no parts", nil, 69, false},
	}
	for _, cs := range cases {
		q := dp
		if cs.encrypted {
			q = p
		}
		if _, err := q.SealTag(cs.sums, cs.total); !errors.Is(err, crypto.ErrInvalidArgument) {
			t.Errorf("%s: SealTag = %v, want ErrInvalidArgument", cs.name, err)
		}
		if err := q.VerifyTag(cs.sums, cs.total); !errors.Is(err, crypto.ErrInvalidArgument) {
			t.Errorf("%s: VerifyTag = %v, want ErrInvalidArgument", cs.name, err)
		}
	}
	if _, err := p.SealTag(nil, crypto.MaxPlaintextSize+1); !errors.Is(err, crypto.ErrTooLarge) {
		t.Errorf("huge total: %v", err)
	}
	buf := make([]byte, 64)
	for _, off := range []int64{-16, 8, 1} {
		if _, err := p.EncryptPart(buf, buf, off); !errors.Is(err, crypto.ErrInvalidArgument) {
			t.Errorf("offset %d: %v", off, err)
		}
		if _, err := p.NewPartEncrypter(io.Discard, off); !errors.Is(err, crypto.ErrInvalidArgument) {
			t.Errorf("PartWriter offset %d: %v", off, err)
		}
	}
	if _, err := p.EncryptPart(buf[:10], buf[:11], 0); !errors.Is(err, crypto.ErrInvalidArgument) {
		t.Errorf("short dst: %v", err)
	}
	if _, err := p.EncryptPart(buf[1:33], buf[:32], 0); !errors.Is(err, crypto.ErrInvalidArgument) {
		t.Errorf("overlapping dst: %v", err)
	}
	if _, err := p.NewPartDecrypter(nil, 0); !errors.Is(err, crypto.ErrInvalidArgument) {
		t.Errorf("nil writer: %v", err)
	}
}

// TestPartsEmptyAndTagless covers the empty file and keys without or
// with a malformed tag.
func TestPartsEmptyAndTagless(t *testing.T) {
	r := rand.New(rand.NewPCG(24, 24))
	key := ptKey(r)
	_, wantTag := ptSeal(t, key, nil)
	p, _ := crypto.NewParts(key)
	s, err := p.EncryptPart(nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, sums := range [][]crypto.PartSum{{s}, nil} {
		tag, err := p.SealTag(sums, 0)
		if err != nil || !bytes.Equal(tag, wantTag) {
			t.Fatalf("empty file via parts (%d sums): %x, %v; want %x", len(sums), tag, err, wantTag)
		}
	}
	// The sealed empty file verifies.
	if err := p.VerifyTag(nil, 0); err != nil {
		t.Fatalf("empty file: %v", err)
	}
	// A key without tag decrypts nothing, not even the empty file.
	noTag := &crypto.PlainFileKey{Version: key.Version, Key: key.Key, IV: key.IV}
	if _, err := crypto.NewDecryptParts(noTag); !errors.Is(err, crypto.ErrMissingTag) {
		t.Fatalf("NewDecryptParts without tag: %v", err)
	}
	// A malformed tag is reported when decrypting.
	badTag := &crypto.PlainFileKey{Version: key.Version, Key: key.Key, IV: key.IV, Tag: []byte{1, 2, 3}}
	if _, err := crypto.NewDecryptParts(badTag); !errors.Is(err, crypto.ErrInvalidFileKey) {
		t.Fatalf("NewDecryptParts with 3-byte tag: %v", err)
	}
}

// TestPartSumValue: comparable, usable as a map key, and printing it does
// not reveal the GHASH contribution.
func TestPartSumValue(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 25))
	p, _ := crypto.NewParts(ptKey(r))
	src := ptRand(r, 48)
	a, _ := p.EncryptPart(make([]byte, 48), src, 16)
	b, _ := p.EncryptPart(make([]byte, 48), src, 16)
	c, err := p.EncryptPart(make([]byte, 48), src, 64)
	if err != nil {
		t.Fatal(err)
	}
	if a != b || a == c {
		t.Fatal("PartSum equality is not by value")
	}
	m := map[crypto.PartSum]bool{a: true}
	if !m[b] {
		t.Fatal("PartSum not usable as map key")
	}
	for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%v", a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a)} {
		if s != "PartSum(offset 16, length 48)" {
			t.Errorf("printed as %q", s)
		}
	}
	if fmt.Sprint(crypto.PartSum{}) != "PartSum(invalid)" {
		t.Error("zero PartSum printed wrongly")
	}
}

// --- Examples ---------------------------------------------------------------

// Encrypt a stream for upload; the tag ends up in the file key, which is
// then wrapped for the file's readers.
func ExampleNewEncrypter() {
	fileKey, err := crypto.GenerateFileKey()
	if err != nil {
		log.Fatal(err)
	}
	var upload bytes.Buffer // stands for the upload body
	enc, err := crypto.NewEncrypter(&upload, fileKey)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := io.Copy(enc, strings.NewReader("quarterly report")); err != nil {
		log.Fatal(err)
	}
	if err := enc.Close(); err != nil { // sets fileKey.Tag
		log.Fatal(err)
	}
	fmt.Println(upload.Len(), len(fileKey.Tag))
	// Output: 16 16
}

// Decrypt a download into a temporary file and move it into place only
// after the tag has been verified.
func ExampleNewDecrypter() {
	fileKey, _ := crypto.GenerateFileKey()
	ciphertext, _ := crypto.Encrypt(fileKey, []byte("hello, DRACOON"))

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	tmp, err := os.CreateTemp(dir, "download-*.partial")
	if err != nil {
		log.Fatal(err)
	}
	dec, err := crypto.NewDecrypter(bytes.NewReader(ciphertext), fileKey)
	if err != nil {
		log.Fatal(err)
	}
	_, err = io.Copy(tmp, dec) // fails with crypto.ErrAuthentication on a bad tag
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name()) // never use unauthenticated plaintext
		log.Fatal(err)
	}
	final := filepath.Join(dir, "hello.txt")
	if err := os.Rename(tmp.Name(), final); err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(final)
	fmt.Println(string(b))
	// Output: hello, DRACOON
}

// Encrypt a file as concurrently processed parts (as for an S3 multipart
// upload) and seal the single tag at the end.
func ExampleParts() {
	fileKey, _ := crypto.GenerateFileKey()
	plaintext := bytes.Repeat([]byte("0123456789abcdef"), 1000) // 16 000 bytes
	const partSize = 4096                                       // real S3 parts are ≥ 5 MiB

	parts, err := crypto.NewParts(fileKey)
	if err != nil {
		log.Fatal(err)
	}
	n := (len(plaintext) + partSize - 1) / partSize
	sums := make([]crypto.PartSum, n) // one entry per part; a retry overwrites it
	ciphertext := make([]byte, len(plaintext))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			off := i * partSize
			end := min(off+partSize, len(plaintext))
			s, err := parts.EncryptPart(ciphertext[off:end], plaintext[off:end], int64(off))
			if err != nil {
				log.Fatal(err)
			}
			sums[i] = s // upload ciphertext[off:end] as part i+1 here
		}()
	}
	wg.Wait()
	if _, err := parts.SealTag(sums, int64(len(plaintext))); err != nil { // sets fileKey.Tag
		log.Fatal(err)
	}

	// The result is ordinary DRACOON ciphertext.
	back, err := crypto.Decrypt(fileKey, ciphertext)
	fmt.Println(n, err, bytes.Equal(back, plaintext))
	// Output: 4 <nil> true
}

// Small data can be encrypted and decrypted in one call.
func ExampleEncrypt() {
	fileKey, _ := crypto.GenerateFileKey()
	ciphertext, _ := crypto.Encrypt(fileKey, []byte("short note"))
	plaintext, err := crypto.Decrypt(fileKey, ciphertext)
	fmt.Println(string(plaintext), err)

	ciphertext[0] ^= 1
	_, err = crypto.Decrypt(fileKey, ciphertext)
	fmt.Println(errors.Is(err, crypto.ErrAuthentication))
	// Output:
	// short note <nil>
	// true
}

// ptFlakyConn stands for an upload connection that drops after limit bytes.
type ptFlakyConn struct{ limit, n int }

func (c *ptFlakyConn) Write(p []byte) (int, error) {
	if c.n+len(p) > c.limit {
		return 0, errors.New("connection reset")
	}
	c.n += len(p)
	return len(p), nil
}

// Retry a failed part upload by streaming the part again from its
// re-readable source. The Parts value checks, every MiB and at the end of
// what the failed attempt sent, that the retry repeats the same bytes, so
// nothing but the Parts value has to be kept between attempts.
func ExampleParts_NewPartEncrypter() {
	fileKey, _ := crypto.GenerateFileKey()
	file := bytes.NewReader(bytes.Repeat([]byte("DRACOON "), 1<<17)) // 1 MiB, an io.ReaderAt
	parts, err := crypto.NewParts(fileKey)
	if err != nil {
		log.Fatal(err)
	}
	upload := func(conn io.Writer, off, n int64) (crypto.PartSum, error) {
		pw, err := parts.NewPartEncrypter(conn, off)
		if err != nil {
			return crypto.PartSum{}, err
		}
		_, err = io.Copy(pw, io.NewSectionReader(file, off, n))
		if cerr := pw.Close(); err == nil { // Close also after a failure
			err = cerr
		}
		if err != nil {
			return crypto.PartSum{}, err
		}
		return pw.Sum()
	}
	size := file.Size()
	_, err = upload(&ptFlakyConn{limit: 300_000}, 0, size)
	fmt.Println("attempt 1 failed:", err != nil)
	var body bytes.Buffer
	sum, err := upload(&body, 0, size)
	fmt.Println("attempt 2:", err, body.Len())
	if _, err := parts.SealTag([]crypto.PartSum{sum}, size); err != nil { // sets fileKey.Tag
		log.Fatal(err)
	}
	plain, err := crypto.Decrypt(fileKey, body.Bytes())
	fmt.Println(err, len(plain))
	// Output:
	// attempt 1 failed: true
	// attempt 2: <nil> 1048576
	// <nil> 1048576
}
