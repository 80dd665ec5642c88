package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/dracoon-go/dracoon/crypto/internal/gcm"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// Fuzz targets for the data cipher. Run one with, for example,
//
//	go test -run '^$' -fuzz '^FuzzDecrypter$' -fuzztime 3m ./crypto/
//
// Without -fuzz, go test runs the seeds below (own ones, plus seeds
// derived in code from the shared official vectors when those are present)
// as ordinary tests.

// fzMax caps the data size in the fuzz targets: large inputs make every
// execution and every minimization slow, and sizes beyond a few blocks of
// 16 × 16 bytes add no new code paths (the deterministic tests cover
// megabytes).
const fzMax = 64 << 10

// fzKey makes a file key from arbitrary fuzz bytes.
func fzKey(key, iv []byte) *PlainFileKey {
	return &PlainFileKey{
		Version: PlainFileKeyAES256GCM,
		Key:     append(bytes.Clone(key), make([]byte, 32)...)[:32],
		IV:      append(bytes.Clone(iv), make([]byte, 12)...)[:12],
	}
}

// fzEngine picks an engine with a fuzz byte.
func fzEngine(b uint8) gcm.Engine {
	es := gcm.Engines()
	return es[int(b)%len(es)]
}

// fzSizes turns fuzz bytes into piece sizes from 1 to 65 026 bytes (the
// square spreads them over small and large); empty means "all at once".
func fzSizes(b []byte) []int {
	out := make([]int, len(b))
	for i, v := range b {
		out[i] = int(v)*int(v) + 1
	}
	return out
}

// fzCycle cuts n bytes with sizes repeated cyclically.
func fzCycle(sizes []int, n int) []int {
	if len(sizes) == 0 {
		return []int{n}
	}
	var out []int
	for i := 0; n > 0; i++ {
		m := min(sizes[i%len(sizes)], n)
		out = append(out, m)
		n -= m
	}
	return out
}

// fzStdlib returns one-shot crypto/cipher GCM.
func fzStdlib(t *testing.T, key *PlainFileKey) cipher.AEAD {
	block, err := aes.NewCipher(key.Key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return aead
}

// fzVectorSeeds calls add for every plain file key and plaintext or
// ciphertext of the shared index. The shared data is optional here: the
// fuzz targets must keep their own seeds when it is absent, so this looks
// for it itself instead of skipping like testutil.SharedTestdata.
func fzVectorSeeds(f *testing.F, add func(key *PlainFileKey, plaintext, ciphertext []byte)) {
	dir := os.Getenv(testutil.EnvSharedTestdata)
	if dir == "" {
		dir = filepath.Join(testutil.ModuleRoot(f), "..", "shared", "testdata")
	}
	index := filepath.Join(dir, "crypto", "index.json")
	raw, err := os.ReadFile(index)
	if err != nil {
		f.Logf("no shared vectors for seeds (%v); using own seeds only", err)
		return
	}
	v := &stVectors{dir: filepath.Dir(index)}
	if err := json.Unmarshal(raw, v); err != nil {
		f.Fatal(err)
	}
	for _, c := range v.Decrypt {
		if c.Expect == "unknown_version" {
			continue
		}
		var pt []byte
		if c.PlaintextB64 != "" {
			pt = v.b64(f, c.PlaintextB64)
		}
		add(v.key(f, c.PlainFileKey), pt, v.ciphertext(f, c))
	}
	for _, c := range v.Encrypt {
		add(v.key(f, c.PlainFileKey), v.b64(f, c.PlaintextB64), v.b64(f, c.CiphertextB64))
	}
}

// FuzzDecrypter feeds the decrypting reader tampered and untampered data
// with fuzz-chosen read sizes. Ciphertext ‖ tag of the plaintext is
// computed with crypto/cipher; tamper XORs mask into byte pos of it. The
// result must be the plaintext exactly (mask 0) or ErrAuthentication
// (otherwise) — never a panic, never other plaintext accepted.
func FuzzDecrypter(f *testing.F) {
	r := rand.New(rand.NewPCG(41, 41))
	for _, n := range []int{0, 1, 15, 16, 17, 100, 1000, 5000} {
		f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, n), uint32(r.IntN(n+16)), uint8(0), []byte{3, 200, 1}, uint8(n))
		f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, n), uint32(r.IntN(n+16)), uint8(1<<r.IntN(8)), []byte{0}, uint8(n+1))
		f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, n), uint32(n+15), uint8(0x80), []byte{}, uint8(n+2)) // last tag byte
	}
	fzVectorSeeds(f, func(key *PlainFileKey, pt, ct []byte) {
		if pt != nil {
			f.Add(key.Key, key.IV, pt, uint32(len(pt)/2), uint8(0), []byte{4, 0}, uint8(0))
			f.Add(key.Key, key.IV, pt, uint32(len(pt)/2), uint8(0x10), []byte{1}, uint8(1))
		}
	})
	f.Fuzz(func(t *testing.T, k, iv, plaintext []byte, pos uint32, mask uint8, reads []byte, eng uint8) {
		plaintext = plaintext[:min(len(plaintext), fzMax)]
		key := fzKey(k, iv)
		sealed := fzStdlib(t, key).Seal(nil, key.IV, plaintext, nil)
		tampered := mask != 0
		if tampered {
			sealed[int(pos)%len(sealed)] ^= mask
		}
		n := len(plaintext)
		key.Tag = sealed[n:]
		dec, err := newDecrypter(&stChunkReader{data: sealed[:n], pieces: fzCycle(fzSizes(reads), n), eofNow: mask&1 == 1}, key, fzEngine(eng))
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		sizes := fzSizes(reads)
		buf := make([]byte, 65027)
		for i := 0; ; i++ {
			size := len(buf)
			if len(sizes) > 0 {
				size = sizes[i%len(sizes)]
			}
			m, err := dec.Read(buf[:size])
			got = append(got, buf[:m]...)
			if err == io.EOF {
				if tampered {
					t.Fatalf("tampered data (pos %d, mask %#x) accepted", int(pos)%len(sealed), mask)
				}
				if !bytes.Equal(got, plaintext) {
					t.Fatal("accepted plaintext differs")
				}
				return
			}
			if err != nil {
				if !tampered || !errors.Is(err, ErrAuthentication) {
					t.Fatalf("tampered=%v: %v", tampered, err)
				}
				return
			}
			if len(got) > n {
				t.Fatalf("read %d bytes of a %d-byte stream", len(got), n)
			}
		}
	})
}

// FuzzEncrypterVsStdlib writes the plaintext to an Encrypter in
// fuzz-chosen pieces and compares ciphertext and tag with crypto/cipher's
// Seal; then checks Decrypt gives the plaintext back.
func FuzzEncrypterVsStdlib(f *testing.F) {
	r := rand.New(rand.NewPCG(42, 42))
	for _, n := range []int{0, 1, 16, 33, 255, 256, 257, 4096, 70000} {
		f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, n), []byte{1, 2, 3, 15, 16}, uint8(n))
		f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, n), []byte{}, uint8(n+1))
		f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, n), []byte{255, 0, 16}, uint8(n+2))
	}
	fzVectorSeeds(f, func(key *PlainFileKey, pt, _ []byte) {
		if pt != nil {
			f.Add(key.Key, key.IV, pt, []byte{2, 4}, uint8(len(pt)))
		}
	})
	f.Fuzz(func(t *testing.T, k, iv, plaintext, splits []byte, eng uint8) {
		plaintext = plaintext[:min(len(plaintext), fzMax)]
		key := fzKey(k, iv)
		want := fzStdlib(t, key).Seal(nil, key.IV, plaintext, nil)
		e := fzEngine(eng)
		ct := stEncryptStream(t, key, e, plaintext, fzCycle(fzSizes(splits), len(plaintext)))
		if !bytes.Equal(ct, want[:len(plaintext)]) || !bytes.Equal(key.Tag, want[len(plaintext):]) {
			t.Fatalf("%v: streaming result differs from Seal", e)
		}
		back, err := decrypt(key, ct, e)
		if err != nil || !bytes.Equal(back, plaintext) {
			t.Fatalf("%v: Decrypt: %v", e, err)
		}
	})
}

// FuzzPartsVsStdlib encrypts the plaintext as parts of fuzz-chosen sizes
// in a fuzz-chosen order and compares with Seal.
func FuzzPartsVsStdlib(f *testing.F) {
	r := rand.New(rand.NewPCG(43, 43))
	for _, n := range []int{0, 1, 16, 17, 300, 4096, 20000} {
		f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, n), []byte{0, 1, 2}, r.Uint64(), uint8(n))
		f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, n), []byte{255}, r.Uint64(), uint8(n+1))
	}
	fzVectorSeeds(f, func(key *PlainFileKey, pt, _ []byte) {
		if pt != nil {
			f.Add(key.Key, key.IV, pt, []byte{0}, uint64(len(pt)), uint8(len(pt)))
		}
	})
	f.Fuzz(func(t *testing.T, k, iv, plaintext, sizes []byte, order uint64, eng uint8) {
		plaintext = plaintext[:min(len(plaintext), fzMax)]
		key := fzKey(k, iv)
		want := fzStdlib(t, key).Seal(nil, key.IV, plaintext, nil)
		e := fzEngine(eng)
		p, err := newParts(key, e)
		if err != nil {
			t.Fatal(err)
		}
		// Part lengths are multiples of 16 (16 … 4096); the last takes the rest.
		type rng struct{ off, n int }
		var parts []rng
		for i, off := 0, 0; off < len(plaintext); i++ {
			n := len(plaintext) - off
			if len(sizes) > 0 {
				n = min(n, 16*(1+int(sizes[i%len(sizes)])))
			}
			parts = append(parts, rng{off, n})
			off += n
		}
		ct := make([]byte, len(plaintext))
		sums := make([]PartSum, len(parts))
		for _, i := range rand.New(rand.NewPCG(order, 0)).Perm(len(parts)) {
			pr := parts[i]
			if sums[i], err = p.EncryptPart(ct[pr.off:pr.off+pr.n], plaintext[pr.off:pr.off+pr.n], int64(pr.off)); err != nil {
				t.Fatal(err)
			}
		}
		tag, err := p.SealTag(sums, int64(len(plaintext)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ct, want[:len(plaintext)]) || !bytes.Equal(tag, want[len(plaintext):]) {
			t.Fatalf("%v, %d parts: result differs from Seal", e, len(parts))
		}
		// And back, in place, as one part per original part.
		for i, pr := range parts {
			seg := ct[pr.off : pr.off+pr.n]
			if sums[i], err = p.DecryptPart(seg, seg, int64(pr.off)); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.VerifyTag(sums, int64(len(plaintext))); err != nil || !bytes.Equal(ct, plaintext) {
			t.Fatalf("%v: part decryption: %v", e, err)
		}
	})
}
