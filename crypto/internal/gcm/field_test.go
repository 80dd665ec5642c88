package gcm

import (
	"crypto/aes"
	"crypto/cipher"
	"math/rand/v2"
	"testing"
)

// mulRef is the bit-serial multiplication of NIST SP 800-38D, Algorithm 1,
// kept deliberately naive (and variable-time) as the reference.
func mulRef(x, y elem) elem {
	var z elem
	v := y
	for i := 0; i < 128; i++ {
		var bit uint64
		if i < 64 {
			bit = x.hi >> (63 - i) & 1
		} else {
			bit = x.lo >> (127 - i) & 1
		}
		if bit == 1 {
			z = z.xor(v)
		}
		lsb := v.lo & 1
		v.lo = v.lo>>1 | v.hi<<63
		v.hi >>= 1
		if lsb == 1 {
			v.hi ^= 0xe100000000000000
		}
	}
	return z
}

func randElem(r *rand.Rand) elem { return elem{lo: r.Uint64(), hi: r.Uint64()} }

func TestMulMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	special := []elem{{}, {hi: 1 << 63}, {lo: 1}, {lo: ^uint64(0), hi: ^uint64(0)}, {hi: 1}, {lo: 1 << 63}}
	for _, a := range special {
		for _, b := range special {
			if got, want := mul(a, b), mulRef(a, b); got != want {
				t.Fatalf("mul(%x, %x) = %x, want %x", a, b, got, want)
			}
		}
	}
	for i := 0; i < 20000; i++ {
		a, b := randElem(r), randElem(r)
		if got, want := mul(a, b), mulRef(a, b); got != want {
			t.Fatalf("mul(%x, %x) = %x, want %x", a, b, got, want)
		}
	}
}

func TestBmul64(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		x, y := r.Uint64(), r.Uint64()
		if i < 4 {
			x, y = ^uint64(0)>>uint(i), ^uint64(0)
		}
		var hi, lo uint64
		for j := 0; j < 64; j++ {
			if y>>j&1 == 1 {
				lo ^= x << j
				if j > 0 {
					hi ^= x >> (64 - j)
				}
			}
		}
		gh, gl := clmul64(x, y, bitsRev(x), bitsRev(y))
		if gh != hi || gl != lo {
			t.Fatalf("clmul64(%x, %x) = %x:%x, want %x:%x", x, y, gh, gl, hi, lo)
		}
	}
}

func bitsRev(x uint64) uint64 {
	var r uint64
	for i := 0; i < 64; i++ {
		r = r<<1 | x>>i&1
	}
	return r
}

// TestPow checks square-and-multiply against repeated multiplication.
func TestPow(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	h := randElem(r)
	acc := elem{hi: 1 << 63}
	for n := uint64(0); n < 300; n++ {
		if got := pow(h, n); got != acc {
			t.Fatalf("pow(h, %d) = %x, want %x", n, got, acc)
		}
		acc = mul(acc, h)
	}
}

// TestGHASHAgainstStdlib ties the field arithmetic to crypto/cipher: the
// tag of GCM over empty plaintext with associated data A is
// GHASH_H(A ‖ len) ⊕ E_K(J0).
func TestGHASHAgainstStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(r.Uint32())
	}
	block, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(block)
	var hb, j0 [16]byte
	block.Encrypt(hb[:], hb[:])
	h := loadElem(hb[:])
	nonce := make([]byte, 12)
	copy(j0[:], nonce)
	j0[15] = 1
	block.Encrypt(j0[:], j0[:])
	for _, n := range []int{0, 16, 32, 48, 160, 1024} {
		aad := make([]byte, n)
		for i := range aad {
			aad[i] = byte(r.Uint32())
		}
		tag := aead.Seal(nil, nonce, nil, aad)
		y := ghashGeneric(elem{}, h, aad)
		y = mul(y.xor(elem{hi: uint64(n) * 8}), h).xor(loadElem(j0[:]))
		var got [16]byte
		y.put(got[:])
		if string(got[:]) != string(tag) {
			t.Fatalf("len %d: %x, want %x", n, got, tag)
		}
	}
}
