package gcm

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"math/rand/v2"
	"testing"
)

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// stdSeal is the reference: one-shot crypto/cipher GCM.
func stdSeal(t testing.TB, key, iv, plaintext []byte) (ct, tag []byte) {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	sealed := aead.Seal(nil, iv, plaintext, nil)
	return sealed[:len(plaintext)], sealed[len(plaintext):]
}

func newTestKey(t testing.TB, key, iv []byte, e Engine) *Key {
	t.Helper()
	k, err := NewKey(key, iv, e)
	if err != nil {
		t.Fatal(err)
	}
	if k.Engine() != e {
		t.Fatalf("engine %v fell back to %v", e, k.Engine())
	}
	return k
}

// splits cuts n into random pieces, many of them small and unaligned.
func splits(r *rand.Rand, n int) []int {
	var out []int
	for n > 0 {
		var m int
		switch r.IntN(4) {
		case 0:
			m = r.IntN(17)
		case 1:
			m = 16 * r.IntN(40)
		case 2:
			m = r.IntN(5000)
		default:
			m = r.IntN(200000)
		}
		m = min(m, n)
		out = append(out, m)
		n -= m
	}
	return out
}

func TestEnginesAgainstStdlib(t *testing.T) {
	lengths := []int{0, 1, 15, 16, 17, 31, 32, 33, 255, 256, 257, 4095, 4096, 4097, 1000, 65535, 65536, 65537, 1<<20 + 5}
	r := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 4; i++ {
		lengths = append(lengths, r.IntN(1<<20))
	}
	for _, e := range Engines() {
		t.Run(e.String(), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(13, uint64(e)))
			for _, n := range lengths {
				key, iv, pt := randBytes(r, 32), randBytes(r, 12), randBytes(r, n)
				wantCT, wantTag := stdSeal(t, key, iv, pt)
				k := newTestKey(t, key, iv, e)

				s := k.NewStream(0)
				ct := make([]byte, n)
				off := 0
				for _, m := range splits(r, n) {
					s.Encrypt(ct[off:off+m], pt[off:off+m])
					off += m
				}
				tag := s.Tag()
				if !bytes.Equal(ct, wantCT) || !bytes.Equal(tag[:], wantTag) {
					t.Fatalf("len %d: encryption differs from crypto/cipher (tag %x, want %x)", n, tag, wantTag)
				}

				// Decrypt in place with other splits.
				s = k.NewStream(0)
				buf := bytes.Clone(ct)
				off = 0
				for _, m := range splits(r, n) {
					s.Decrypt(buf[off:off+m], buf[off:off+m])
					off += m
				}
				tag = s.Tag()
				if !bytes.Equal(buf, pt) || !bytes.Equal(tag[:], wantTag) {
					t.Fatalf("len %d: decryption differs", n)
				}
			}
		})
	}
}

// TestCombine checks the parts algebra: ranges processed by separate
// streams at their block offsets, combined in order, give the one-shot tag.
func TestCombine(t *testing.T) {
	for _, e := range Engines() {
		t.Run(e.String(), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(17, uint64(e)))
			for iter := 0; iter < 30; iter++ {
				n := r.IntN(300000)
				key, iv, pt := randBytes(r, 32), randBytes(r, 12), randBytes(r, n)
				wantCT, wantTag := stdSeal(t, key, iv, pt)
				k := newTestKey(t, key, iv, e)
				ct := make([]byte, n)
				var parts []Part
				for off := 0; off < n || (n == 0 && len(parts) == 0); {
					m := 16 * r.IntN(3000)
					if m == 0 || off+m > n {
						m = n - off
					}
					s := k.NewStream(uint64(off / 16))
					s.Encrypt(ct[off:off+m], pt[off:off+m])
					parts = append(parts, Part{Sum: s.Sum(), Length: uint64(m)})
					off += m
				}
				tag := k.Combine(parts)
				if !bytes.Equal(ct, wantCT) || !bytes.Equal(tag[:], wantTag) {
					t.Fatalf("len %d, %d parts: mismatch", n, len(parts))
				}
			}
		})
	}
}

// TestCounterEnd checks the last counter value GCM allows (0xffffffff) on
// every engine against a block encrypted by hand.
func TestCounterEnd(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	key, iv := randBytes(r, 32), randBytes(r, 12)
	block, _ := aes.NewCipher(key)
	// 40 blocks ending with counter 0xffffffff.
	const nb = 40
	first := uint64(1<<32-1) - 2 - (nb - 1)
	want := make([]byte, nb*16)
	for i := 0; i < nb; i++ {
		var cb [16]byte
		copy(cb[:], iv)
		c := uint32(2 + first + uint64(i))
		cb[12], cb[13], cb[14], cb[15] = byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
		block.Encrypt(want[16*i:], cb[:])
	}
	for _, e := range Engines() {
		k := newTestKey(t, key, iv, e)
		s := k.NewStream(first)
		got := make([]byte, nb*16)
		s.Encrypt(got, got)
		if !bytes.Equal(got, want) {
			t.Errorf("%v: keystream up to counter 0xffffffff differs", e)
		}
	}
}

func TestFallbacks(t *testing.T) {
	key, iv := make([]byte, 32), make([]byte, 12)
	k, err := NewKey(key, iv, Asm)
	if err != nil {
		t.Fatal(err)
	}
	if haveAsm && k.Engine() != Asm || !haveAsm && k.Engine() == Asm {
		t.Errorf("Asm request gave %v, haveAsm=%v", k.Engine(), haveAsm)
	}
	if _, err := NewKey(key[:16], iv, Generic); err == nil {
		t.Error("16-byte key accepted")
	}
	if _, err := NewKey(key, iv[:8], Generic); err == nil {
		t.Error("8-byte IV accepted")
	}
	if _, err := NewKey(key, iv, Engine(99)); err == nil {
		t.Error("unknown engine accepted")
	}
	want := Generic
	if haveAsm {
		want = Asm
	} else if stdlibGCMHardware {
		want = Oracle
	}
	if Best() != want {
		t.Errorf("Best() = %v, want %v", Best(), want)
	}
	for _, e := range []Engine{Generic, Oracle, Asm, 99} {
		if e.String() == "" {
			t.Error("empty engine name")
		}
	}
	_ = fmt.Sprint(Engine(99))
}

// SumSoFar at any point equals Sum of a stream that stopped there, and
// taking it does not disturb the stream.
func TestSumSoFar(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 71))
	for _, e := range Engines() {
		key, iv := randBytes(r, 32), randBytes(r, 12)
		k := newTestKey(t, key, iv, e)
		pt := randBytes(r, 5000)
		full := k.NewStream(3)
		done := 0
		for _, n := range splits(r, len(pt)) {
			full.Encrypt(make([]byte, n), pt[done:done+n])
			done += n
			ref := k.NewStream(3)
			ref.Encrypt(make([]byte, done), pt[:done])
			if full.SumSoFar() != ref.Sum() {
				t.Fatalf("%v: SumSoFar after %d bytes differs", e, done)
			}
		}
		ref := k.NewStream(3)
		ref.Encrypt(make([]byte, len(pt)), pt)
		if full.Sum() != ref.Sum() {
			t.Fatalf("%v: SumSoFar disturbed the stream", e)
		}
	}
}
