package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"

	"github.com/dracoon-go/dracoon/crypto/internal/gcm"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// Helpers of the streaming tests are prefixed with "st" to stay clear of
// the other test files of this package.

func stRandBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func stRandKey(r *rand.Rand) *PlainFileKey {
	return &PlainFileKey{Version: PlainFileKeyAES256GCM, Key: stRandBytes(r, 32), IV: stRandBytes(r, 12)}
}

// stSeal is the reference: one-shot crypto/cipher GCM, tag split off.
func stSeal(t testing.TB, key *PlainFileKey, plaintext []byte) (ct, tag []byte) {
	t.Helper()
	block, err := aes.NewCipher(key.Key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	sealed := aead.Seal(nil, key.IV, plaintext, nil)
	return sealed[:len(plaintext)], sealed[len(plaintext):]
}

// stPieces cuts n into random piece sizes: tiny, block-sized, medium and
// large, so that partial blocks occur at every position.
func stPieces(r *rand.Rand, n int) []int {
	var out []int
	for n > 0 {
		var m int
		switch r.IntN(5) {
		case 0:
			m = 1 + r.IntN(16)
		case 1:
			m = 16 * (1 + r.IntN(20))
		case 2:
			m = 1 + r.IntN(4000)
		case 3:
			m = 1 + r.IntN(300000)
		default:
			m = 1 + r.IntN(1<<20)
		}
		m = min(m, n)
		out = append(out, m)
		n -= m
	}
	return out
}

// stChunkReader returns the data in the given piece sizes, one per Read,
// and io.EOF together with the last piece or separately.
type stChunkReader struct {
	data   []byte
	pieces []int
	eofNow bool // return io.EOF with the last bytes
}

func (c *stChunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := len(c.data)
	if len(c.pieces) > 0 {
		n = min(n, c.pieces[0])
		c.pieces = c.pieces[1:]
	}
	n = copy(p, c.data[:n])
	c.data = c.data[n:]
	if len(c.data) == 0 && c.eofNow {
		return n, io.EOF
	}
	return n, nil
}

// stEncryptStream encrypts pt through an Encrypter in the given pieces.
func stEncryptStream(t testing.TB, key *PlainFileKey, e gcm.Engine, pt []byte, pieces []int) []byte {
	t.Helper()
	var out bytes.Buffer
	enc, err := newEncrypter(&out, key, e)
	if err != nil {
		t.Fatal(err)
	}
	off := 0
	for _, m := range pieces {
		n, err := enc.Write(pt[off : off+m])
		if err != nil || n != m {
			t.Fatalf("Write(%d bytes) = %d, %v", m, n, err)
		}
		off += m
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// stDecryptStream decrypts ct through a Decrypter fed and read in pieces.
func stDecryptStream(t testing.TB, key *PlainFileKey, e gcm.Engine, ct []byte, feed, reads []int, eofNow bool) ([]byte, error) {
	t.Helper()
	dec, err := newDecrypter(&stChunkReader{data: ct, pieces: feed, eofNow: eofNow}, key, e)
	if err != nil {
		return nil, err
	}
	var out []byte
	buf := make([]byte, 1<<20+37)
	for i := 0; ; i++ {
		size := len(buf)
		if len(reads) > 0 {
			size = reads[i%len(reads)]
		}
		n, err := dec.Read(buf[:size])
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

var stLengths = []int{0, 1, 15, 16, 17, 31, 32, 33, 1000, 65535, 65536, 65537, 1<<20 + 5, 3<<20 + 17}

// TestStreamAgainstStdlib is the main differential test: every length,
// random write and read sizes, every engine, against crypto/cipher.
func TestStreamAgainstStdlib(t *testing.T) {
	lengths := append([]int(nil), stLengths...)
	r := rand.New(rand.NewPCG(1, 1))
	nRandom := 8
	if testing.Short() {
		nRandom = 2
	}
	for range nRandom {
		lengths = append(lengths, r.IntN(4<<20+1))
	}
	for _, e := range gcm.Engines() {
		t.Run(e.String(), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(2, uint64(e)))
			for _, n := range lengths {
				key := stRandKey(r)
				pt := stRandBytes(r, n)
				wantCT, wantTag := stSeal(t, key, pt)

				ct := stEncryptStream(t, key, e, pt, stPieces(r, n))
				if !bytes.Equal(ct, wantCT) {
					t.Fatalf("len %d: ciphertext differs from crypto/cipher", n)
				}
				if !bytes.Equal(key.Tag, wantTag) {
					t.Fatalf("len %d: tag %x, want %x", n, key.Tag, wantTag)
				}

				got, err := stDecryptStream(t, key, e, ct, stPieces(r, n), stPieces(r, n+1), r.IntN(2) == 0)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("len %d: streaming decryption: %v (equal %v)", n, err, bytes.Equal(got, pt))
				}

				one, err := encrypt(&PlainFileKey{Version: key.Version, Key: key.Key, IV: key.IV}, pt, e)
				if err != nil || !bytes.Equal(one, wantCT) {
					t.Fatalf("len %d: Encrypt differs: %v", n, err)
				}
				dec, err := decrypt(key, ct, e)
				if err != nil || !bytes.Equal(dec, pt) {
					t.Fatalf("len %d: Decrypt: %v", n, err)
				}
			}
		})
	}
}

// TestStreamTampering: one flipped bit anywhere, a wrong IV or key, or a
// truncated or extended ciphertext must fail authentication on every
// engine and through every decrypting API.
func TestStreamTampering(t *testing.T) {
	for _, e := range gcm.Engines() {
		t.Run(e.String(), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(3, uint64(e)))
			for _, n := range []int{0, 1, 16, 17, 4096, 70000} {
				key := stRandKey(r)
				pt := stRandBytes(r, n)
				ct, err := encrypt(key, pt, e)
				if err != nil {
					t.Fatal(err)
				}
				type variant struct {
					name string
					key  *PlainFileKey
					ct   []byte
				}
				var vs []variant
				if n > 0 {
					bad := bytes.Clone(ct)
					i := r.IntN(n)
					bad[i] ^= 1 << r.IntN(8)
					vs = append(vs, variant{"ciphertext bit", key, bad})
					vs = append(vs, variant{"truncated", key, ct[:n-1]})
				}
				vs = append(vs, variant{"extended", key, append(bytes.Clone(ct), 0)})
				tagBit := *key
				tagBit.Tag = bytes.Clone(key.Tag)
				tagBit.Tag[r.IntN(16)] ^= 1 << r.IntN(8)
				vs = append(vs, variant{"tag bit", &tagBit, ct})
				wrongIV := *key
				wrongIV.IV = bytes.Clone(key.IV)
				wrongIV.IV[r.IntN(12)] ^= 0x80
				vs = append(vs, variant{"wrong IV", &wrongIV, ct})
				wrongKey := *key
				wrongKey.Key = bytes.Clone(key.Key)
				wrongKey.Key[31] ^= 1
				vs = append(vs, variant{"wrong key", &wrongKey, ct})

				for _, v := range vs {
					if out, err := decrypt(v.key, v.ct, e); !errors.Is(err, ErrAuthentication) || out != nil {
						t.Errorf("len %d, %s: Decrypt = %d bytes, %v", n, v.name, len(out), err)
					}
					_, err := stDecryptStream(t, v.key, e, v.ct, stPieces(r, len(v.ct)), []int{1 + r.IntN(100)}, r.IntN(2) == 0)
					if !errors.Is(err, ErrAuthentication) {
						t.Errorf("len %d, %s: Decrypter error %v", n, v.name, err)
					}
					if err != nil && strings.Contains(err.Error(), fmt.Sprintf("%x", v.key.Key[:4])) {
						t.Errorf("error message reveals key bytes: %v", err)
					}
				}
			}
		})
	}
}

// TestDecrypterStickyResult: after the end, Read keeps returning the same
// result and no more data.
func TestDecrypterStickyResult(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	key := stRandKey(r)
	ct, _ := Encrypt(key, stRandBytes(r, 100))
	for _, tamper := range []bool{false, true} {
		c := bytes.Clone(ct)
		if tamper {
			c[50] ^= 4
		}
		d, err := NewDecrypter(bytes.NewReader(c), key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(d)
		if tamper != errors.Is(err, ErrAuthentication) || len(got) != 100 {
			t.Fatalf("tamper=%v: ReadAll = %d bytes, %v", tamper, len(got), err)
		}
		for range 3 {
			n, err := d.Read(make([]byte, 10))
			if n != 0 || (tamper && !errors.Is(err, ErrAuthentication)) || (!tamper && err != io.EOF) {
				t.Fatalf("tamper=%v: Read after end = %d, %v", tamper, n, err)
			}
		}
	}
}

// TestDecrypterReaderErrors: errors of the underlying reader pass through
// unchanged, and a later successful read continues correctly.
func TestDecrypterReaderErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	key := stRandKey(r)
	pt := stRandBytes(r, 1000)
	ct, _ := Encrypt(key, pt)
	// iotest.TimeoutReader fails the second Read and then continues.
	d, err := NewDecrypter(iotest.TimeoutReader(iotest.OneByteReader(bytes.NewReader(ct))), key)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	buf := make([]byte, 7)
	sawTimeout := false
	for {
		n, err := d.Read(buf)
		out = append(out, buf[:n]...)
		if errors.Is(err, iotest.ErrTimeout) {
			sawTimeout = true
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !sawTimeout || !bytes.Equal(out, pt) {
		t.Fatalf("timeout seen %v, plaintext equal %v", sawTimeout, bytes.Equal(out, pt))
	}
	// iotest.TestReader checks the io.Reader contract (reads of every size,
	// repeated EOF).
	d, _ = NewDecrypter(bytes.NewReader(ct), key)
	if err := iotest.TestReader(d, pt); err != nil {
		t.Fatal(err)
	}
}

// TestDecrypterWriteTo: io.Copy uses WriteTo; results as for Read.
func TestDecrypterWriteTo(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	key := stRandKey(r)
	pt := stRandBytes(r, 3*bufSize+5)
	ct, _ := Encrypt(key, pt)
	d, _ := NewDecrypter(bytes.NewReader(ct), key)
	var out bytes.Buffer
	if n, err := io.Copy(&out, d); err != nil || n != int64(len(pt)) || !bytes.Equal(out.Bytes(), pt) {
		t.Fatalf("io.Copy = %d, %v", n, err)
	}
	ct[len(ct)-1] ^= 1
	d, _ = NewDecrypter(bytes.NewReader(ct), key)
	if _, err := io.Copy(io.Discard, d); !errors.Is(err, ErrAuthentication) {
		t.Fatalf("tampered io.Copy: %v", err)
	}
	// A failing destination stops the copy with its error.
	d, _ = NewDecrypter(bytes.NewReader(ct), key)
	wantErr := errors.New("disk full")
	if _, err := d.WriteTo(stFailWriter{after: 10, err: wantErr}); !errors.Is(err, wantErr) {
		t.Fatalf("WriteTo to failing writer: %v", err)
	}
}

type stFailWriter struct {
	after int
	err   error
}

func (w stFailWriter) Write(p []byte) (int, error) {
	if len(p) > w.after {
		return w.after, w.err
	}
	return len(p), nil
}

// TestEncrypterReadFrom: io.Copy into an Encrypter uses ReadFrom.
func TestEncrypterReadFrom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	key := stRandKey(r)
	pt := stRandBytes(r, 2*bufSize+99)
	wantCT, wantTag := stSeal(t, key, pt)
	var out bytes.Buffer
	enc, _ := NewEncrypter(&out, key)
	// iotest.HalfReader makes the reads uneven; hide WriterTo so ReadFrom runs.
	n, err := io.Copy(enc, iotest.HalfReader(bytes.NewReader(pt)))
	if err != nil || n != int64(len(pt)) {
		t.Fatalf("io.Copy = %d, %v", n, err)
	}
	if _, err := enc.Write(pt[:0]); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), wantCT) || !bytes.Equal(key.Tag, wantTag) {
		t.Fatal("ReadFrom result differs from crypto/cipher")
	}
	// A failing source is reported and nothing is sealed.
	key2 := stRandKey(r)
	enc, _ = NewEncrypter(io.Discard, key2)
	wantErr := errors.New("source broke")
	if _, err := enc.ReadFrom(iotest.ErrReader(wantErr)); !errors.Is(err, wantErr) {
		t.Fatalf("ReadFrom failing source: %v", err)
	}
}

// TestEncrypterWriterErrors: a failing or short destination makes the
// Encrypter fail permanently and Close does not set a tag.
func TestEncrypterWriterErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	wantErr := errors.New("network down")
	for _, w := range []io.Writer{stFailWriter{after: 100, err: wantErr}, stShortWriter{}} {
		key := stRandKey(r)
		enc, _ := NewEncrypter(w, key)
		n, err := enc.Write(make([]byte, 1000))
		if err == nil || n >= 1000 {
			t.Fatalf("%T: Write = %d, %v", w, n, err)
		}
		if _, err2 := enc.Write([]byte{1}); err2 == nil {
			t.Fatal("Write after failure succeeded")
		}
		if err := enc.Close(); err == nil || key.Tag != nil {
			t.Fatalf("%T: Close after failure = %v, tag set %v", w, err, key.Tag != nil)
		}
	}
}

type stShortWriter struct{}

func (stShortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

func TestEncrypterClose(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	key := stRandKey(r)
	var out bytes.Buffer
	enc, _ := NewEncrypter(&out, key)
	enc.Write([]byte("hello"))
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	tag := bytes.Clone(key.Tag)
	if err := enc.Close(); err != nil || !bytes.Equal(key.Tag, tag) {
		t.Fatalf("second Close = %v (tag kept %v)", err, bytes.Equal(key.Tag, tag))
	}
	if _, err := enc.Write([]byte("x")); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Write after Close: %v", err)
	}
	if _, err := enc.ReadFrom(strings.NewReader("x")); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("ReadFrom after Close: %v", err)
	}
	if _, err := NewEncrypter(nil, key); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("nil writer: %v", err)
	}
	if _, err := NewDecrypter(nil, key); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("nil reader: %v", err)
	}
}

// TestEmptyFiles covers crypto-spec §6.2: empty data has a real tag, and
// a key without tag is refused with ErrMissingTag, for an empty file as
// for data (the Java SDK's tag-less empty uploads are not accepted).
func TestEmptyFiles(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for _, e := range gcm.Engines() {
		key := stRandKey(r)
		_, wantTag := stSeal(t, key, nil)
		ct := stEncryptStream(t, key, e, nil, nil)
		if len(ct) != 0 || !bytes.Equal(key.Tag, wantTag) {
			t.Fatalf("%v: empty stream: %d bytes, tag %x want %x", e, len(ct), key.Tag, wantTag)
		}
		kc := stKeyCopy(key)
		ct, err := encrypt(kc, nil, e)
		if err != nil || ct == nil || len(ct) != 0 || !bytes.Equal(kc.Tag, wantTag) {
			t.Fatalf("%v: Encrypt(empty) = %v, %v", e, ct, err)
		}
		// Empty ciphertext with the right tag, a wrong tag, no tag.
		if _, err := stDecryptStream(t, key, e, nil, nil, nil, false); err != nil {
			t.Fatalf("%v: empty with tag: %v", e, err)
		}
		bad := *key
		bad.Tag = bytes.Clone(key.Tag)
		bad.Tag[0] ^= 1
		if _, err := stDecryptStream(t, &bad, e, nil, nil, nil, false); !errors.Is(err, ErrAuthentication) {
			t.Fatalf("%v: empty with wrong tag: %v", e, err)
		}
		if _, err := decrypt(&bad, []byte{}, e); !errors.Is(err, ErrAuthentication) {
			t.Fatalf("%v: Decrypt empty with wrong tag: %v", e, err)
		}
		noTag := *key
		noTag.Tag = nil
		if _, err := newDecrypter(bytes.NewReader(nil), &noTag, e); !errors.Is(err, ErrMissingTag) {
			t.Fatalf("%v: empty without tag: %v", e, err)
		}
		if got, err := decrypt(&noTag, nil, e); !errors.Is(err, ErrMissingTag) {
			t.Fatalf("%v: Decrypt empty without tag = %v, %v", e, got, err)
		}
		if _, err := newDecrypter(bytes.NewReader([]byte{1, 2, 3}), &noTag, e); !errors.Is(err, ErrMissingTag) {
			t.Fatalf("%v: data without tag: %v", e, err)
		}
		if _, err := decrypt(&noTag, []byte{1}, e); !errors.Is(err, ErrMissingTag) {
			t.Fatalf("%v: Decrypt data without tag: %v", e, err)
		}
	}
}

// TestStreamKeyValidation: malformed keys fail up front with the
// documented kinds.
func TestStreamKeyValidation(t *testing.T) {
	good := &PlainFileKey{Version: FileKeyRSA2048, Key: make([]byte, 32), IV: make([]byte, 12), Tag: make([]byte, 16)}
	cases := []struct {
		name string
		mod  func(k *PlainFileKey) *PlainFileKey
		want error
		dec  bool // only the decrypting side reads the tag
	}{
		{"nil", func(*PlainFileKey) *PlainFileKey { return nil }, ErrInvalidArgument, false},
		{"version", func(k *PlainFileKey) *PlainFileKey { k.Version = "ZES-256-GCM"; return k }, ErrUnknownVersion, false},
		{"RSA-4096 version", func(k *PlainFileKey) *PlainFileKey { k.Version = FileKeyRSA4096; return k }, ErrUnknownVersion, false},
		{"short key", func(k *PlainFileKey) *PlainFileKey { k.Key = k.Key[:16]; return k }, ErrInvalidFileKey, false},
		{"long IV", func(k *PlainFileKey) *PlainFileKey { k.IV = make([]byte, 16); return k }, ErrInvalidFileKey, false},
		{"short tag", func(k *PlainFileKey) *PlainFileKey { k.Tag = k.Tag[:12]; return k }, ErrInvalidFileKey, true},
	}
	for _, c := range cases {
		k := *good
		key := c.mod(&k)
		_, errD := NewDecrypter(bytes.NewReader(nil), key)
		_, errD2 := Decrypt(key, []byte{1})
		_, errDP := NewDecryptParts(key)
		if !errors.Is(errD, c.want) || !errors.Is(errD2, c.want) || !errors.Is(errDP, c.want) {
			t.Errorf("%s: NewDecrypter %v, Decrypt %v, NewDecryptParts %v; want %v", c.name, errD, errD2, errDP, c.want)
		}
		if c.dec {
			continue
		}
		if key != nil {
			key.Tag = nil // a key to encrypt with has none
		}
		_, errE := NewEncrypter(io.Discard, key)
		_, errE2 := Encrypt(key, []byte{1})
		_, errP := NewParts(key)
		if !errors.Is(errE, c.want) || !errors.Is(errE2, c.want) || !errors.Is(errP, c.want) {
			t.Errorf("%s: NewEncrypter %v, Encrypt %v, NewParts %v; want %v", c.name, errE, errE2, errP, c.want)
		}
	}
}

// TestSizeLimit checks the accounting at MaxPlaintextSize without
// processing 64 GiB: the byte counters are moved close to the limit (the
// stream state is not, which does not matter for the check), and the
// counter arithmetic at the very end is checked through Parts.
func TestSizeLimit(t *testing.T) {
	if MaxPlaintextSize != 68719476704 {
		t.Fatalf("MaxPlaintextSize = %d", MaxPlaintextSize)
	}
	r := rand.New(rand.NewPCG(11, 11))
	key := stRandKey(r)

	enc, _ := NewEncrypter(io.Discard, key)
	enc.n = MaxPlaintextSize - 10
	if n, err := enc.Write(make([]byte, 11)); n != 0 || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Write beyond limit = %d, %v", n, err)
	}
	if err := enc.Close(); !errors.Is(err, ErrTooLarge) || key.Tag != nil {
		t.Fatalf("Close after limit = %v", err)
	}
	enc, _ = NewEncrypter(io.Discard, stKeyCopy(key)) // a key encrypts once
	enc.n = MaxPlaintextSize - 10
	if n, err := enc.Write(make([]byte, 10)); n != 10 || err != nil {
		t.Fatalf("Write up to limit = %d, %v", n, err)
	}
	if n, err := enc.Write(make([]byte, 1)); n != 0 || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Write one past limit = %d, %v", n, err)
	}
	enc, _ = NewEncrypter(io.Discard, stKeyCopy(key)) // a key encrypts once
	enc.n = MaxPlaintextSize - 10
	if _, err := enc.ReadFrom(bytes.NewReader(make([]byte, 11))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadFrom beyond limit: %v", err)
	}

	dec, _ := NewDecrypter(bytes.NewReader(make([]byte, 11)), &PlainFileKey{Version: key.Version, Key: key.Key, IV: key.IV, Tag: make([]byte, 16)})
	dec.n = MaxPlaintextSize - 10
	if _, err := io.ReadAll(dec); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decrypter beyond limit: %v", err)
	}

	// The last block GCM allows uses counter 0xffffffff: encrypting the
	// last 32 bytes as a part must give E_K(IV‖fffffffe) ‖ E_K(IV‖ffffffff).
	block, _ := aes.NewCipher(key.Key)
	want := make([]byte, 32)
	for i, c := range []byte{0xfe, 0xff} {
		cb := append(bytes.Clone(key.IV), 0xff, 0xff, 0xff, c)
		block.Encrypt(want[16*i:], cb)
	}
	for _, e := range gcm.Engines() {
		p, err := newParts(stKeyCopy(key), e)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 32)
		if _, err := p.EncryptPart(got, got, MaxPlaintextSize-32); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%v: last blocks: %v, keystream equal %v", e, err, bytes.Equal(got, want))
		}
		if _, err := p.EncryptPart(make([]byte, 33), make([]byte, 33), MaxPlaintextSize-32); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("%v: part past the limit: %v", e, err)
		}
		if _, err := p.EncryptPart(nil, nil, MaxPlaintextSize+16); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("%v: offset past the limit: %v", e, err)
		}
	}
}

// stVectorKey is the JSON shape of a plain file key in the shared vectors.
type stVectorKey struct {
	Version string `json:"version"`
	Key     string `json:"key"`
	IV      string `json:"iv"`
	Tag     string `json:"tag"`
}

type stVectorCase struct {
	ID            string `json:"id"`
	PlainFileKey  string `json:"plainFileKey"`
	CiphertextB64 string `json:"ciphertextB64"`
	CiphertextRaw string `json:"ciphertextRaw"`
	PlaintextB64  string `json:"plaintextB64"`
	Expect        string `json:"expect"`
}

type stVectors struct {
	dir     string
	Decrypt []stVectorCase `json:"decrypt"`
	Encrypt []stVectorCase `json:"encrypt"`
}

func stLoadVectors(t testing.TB) *stVectors {
	t.Helper()
	index := testutil.SharedTestdata(t, "crypto/index.json")
	raw, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	v := &stVectors{dir: filepath.Dir(index)}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (v *stVectors) b64(t testing.TB, rel string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(v.dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return b
}

func (v *stVectors) key(t testing.TB, rel string) *PlainFileKey {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(v.dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	var j stVectorKey
	if err := json.Unmarshal(raw, &j); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	dec := func(s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		return b
	}
	return &PlainFileKey{Version: FileKeyVersion(j.Version), Key: dec(j.Key), IV: dec(j.IV), Tag: dec(j.Tag)}
}

func (v *stVectors) ciphertext(t testing.TB, c stVectorCase) []byte {
	if c.CiphertextRaw != "" {
		raw, err := os.ReadFile(filepath.Join(v.dir, filepath.FromSlash(c.CiphertextRaw)))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	return v.b64(t, c.CiphertextB64)
}

// stChunkings are the piece sizes the official vectors are fed in.
var stChunkings = [][]int{nil, {1}, {5}, {7}, {16}, {17, 3}, {2048}}

// TestOfficialVectorsStreaming runs the decrypt and encrypt sections of the
// shared index through the streaming API in several chunkings and every
// engine.
func TestOfficialVectorsStreaming(t *testing.T) {
	v := stLoadVectors(t)
	if len(v.Decrypt) != 32 || len(v.Encrypt) != 20 {
		t.Fatalf("index has %d decrypt and %d encrypt cases, want 32 and 20", len(v.Decrypt), len(v.Encrypt))
	}
	for _, e := range gcm.Engines() {
		t.Run(e.String(), func(t *testing.T) {
			counts := map[string]int{}
			for _, c := range v.Decrypt {
				key := v.key(t, c.PlainFileKey)
				ct := v.ciphertext(t, c)
				var want []byte
				if c.PlaintextB64 != "" {
					want = v.b64(t, c.PlaintextB64)
				}
				for _, ch := range stChunkings {
					got, err := stDecryptStream(t, key, e, ct, fzCycle(ch, len(ct)), fzCycle(ch, len(ct)+1), false)
					switch c.Expect {
					case "ok":
						if err != nil || (want != nil && !bytes.Equal(got, want)) {
							t.Fatalf("%s chunks %v: %v", c.ID, ch, err)
						}
					case "tag_mismatch":
						if !errors.Is(err, ErrAuthentication) {
							t.Fatalf("%s chunks %v: %v, want authentication failure", c.ID, ch, err)
						}
					case "unknown_version":
						if !errors.Is(err, ErrUnknownVersion) {
							t.Fatalf("%s: %v, want unknown version", c.ID, err)
						}
					default:
						t.Fatalf("%s: unexpected expect %q", c.ID, c.Expect)
					}
				}
				counts[c.Expect]++
			}
			for _, c := range v.Encrypt {
				key := v.key(t, c.PlainFileKey)
				pt := v.b64(t, c.PlaintextB64)
				wantCT := v.b64(t, c.CiphertextB64)
				wantTag := key.Tag
				for _, ch := range stChunkings {
					k := &PlainFileKey{Version: key.Version, Key: key.Key, IV: key.IV}
					ct := stEncryptStream(t, k, e, pt, fzCycle(ch, len(pt)))
					match := bytes.Equal(ct, wantCT) && bytes.Equal(k.Tag, wantTag)
					if match != (c.Expect == "match") {
						t.Fatalf("%s chunks %v: match=%v, expect %s", c.ID, ch, match, c.Expect)
					}
				}
				counts[c.Expect]++
			}
			want := map[string]int{"ok": 19, "tag_mismatch": 11, "unknown_version": 2, "match": 18, "differ": 2}
			if fmt.Sprint(counts) != fmt.Sprint(want) {
				t.Fatalf("case counts %v, want %v", counts, want)
			}
		})
	}
}

// TestFIPSOnlyMode runs TestFIPSOnlyChild in a child process with
// GODEBUG=fips140=only, where crypto/cipher refuses GCM with caller-chosen
// IVs: the oracle engine must fall back to the pure-Go GHASH and every
// engine must still produce the tag computed here (in normal mode).
func TestFIPSOnlyMode(t *testing.T) {
	if os.Getenv("DRACOON_FIPS_CHILD") != "" {
		t.Skip("already the child")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("no test executable: %v", err)
	}
	r := rand.New(rand.NewPCG(12, 12))
	key := stRandKey(r)
	pt := stRandBytes(r, 40000) // the environment limits one variable to 128 KiB
	ct, tag := stSeal(t, key, pt)
	cmd := exec.Command(exe, "-test.run=^TestFIPSOnlyChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"GODEBUG=fips140=only",
		"DRACOON_FIPS_CHILD=1",
		"DRACOON_FIPS_KEY="+base64.StdEncoding.EncodeToString(key.Key),
		"DRACOON_FIPS_IV="+base64.StdEncoding.EncodeToString(key.IV),
		"DRACOON_FIPS_CT="+base64.StdEncoding.EncodeToString(ct),
		"DRACOON_FIPS_TAG="+base64.StdEncoding.EncodeToString(tag),
	)
	out, err := cmd.CombinedOutput()
	if errors.Is(err, syscall.ENOEXEC) {
		// For example a cross-compiled test binary run under qemu-user
		// without binfmt_misc: it cannot start itself.
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	if err != nil && strings.Contains(string(out), "FIPS 140-3 mode is incompatible with the purego build tag") {
		t.Skip("the Go runtime refuses FIPS 140-3 mode in -tags purego builds")
	}
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "fips child ok") {
		t.Fatalf("child did not run its checks:\n%s", out)
	}
}

func TestFIPSOnlyChild(t *testing.T) {
	if os.Getenv("DRACOON_FIPS_CHILD") == "" {
		t.Skip("run by TestFIPSOnlyMode in a child process")
	}
	block, _ := aes.NewCipher(make([]byte, 32))
	if _, err := cipher.NewGCM(block); err == nil {
		t.Fatal("crypto/cipher accepted GCM; GODEBUG=fips140=only not in effect")
	}
	dec := func(name string) []byte {
		b, err := base64.StdEncoding.DecodeString(os.Getenv(name))
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: missing or bad (%v)", name, err)
		}
		return b
	}
	key := &PlainFileKey{Version: PlainFileKeyAES256GCM, Key: dec("DRACOON_FIPS_KEY"), IV: dec("DRACOON_FIPS_IV")}
	ct, tag := dec("DRACOON_FIPS_CT"), dec("DRACOON_FIPS_TAG")
	k, err := gcm.NewKey(key.Key, key.IV, gcm.Oracle)
	if err != nil {
		t.Fatal(err)
	}
	if k.Engine() != gcm.Generic {
		t.Fatalf("oracle under fips140=only: engine %v, want fallback to generic", k.Engine())
	}
	for _, e := range gcm.Engines() {
		key.Tag = tag
		pt, err := decrypt(key, ct, e)
		if err != nil {
			t.Fatalf("%v: Decrypt: %v", e, err)
		}
		kc := stKeyCopy(key)
		ct2, err := encrypt(kc, pt, e)
		if err != nil || !bytes.Equal(ct2, ct) || !bytes.Equal(kc.Tag, tag) {
			t.Fatalf("%v: Encrypt: %v", e, err)
		}
		// The public API too.
		got, err := io.ReadAll(stMust(NewDecrypter(bytes.NewReader(ct), &PlainFileKey{Version: key.Version, Key: key.Key, IV: key.IV, Tag: tag})))
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%v: Decrypter: %v", e, err)
		}
	}
	t.Log("fips child ok")
}

func stMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
