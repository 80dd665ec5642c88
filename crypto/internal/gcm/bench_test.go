package gcm

import (
	"crypto/aes"
	"crypto/cipher"
	"testing"
)

// Building-block benchmarks that explain the package-level figures in
// crypto/BENCHMARKS.md. Each runs on a 64 MiB buffer (memory-bound like a
// real transfer) and on a 64 KiB buffer (cache-resident: the compute
// limit).

var benchSizes = []struct {
	name string
	n    int
}{{"64MiB", 64 << 20}, {"64KiB", 64 << 10}}

func benchBuf(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func benchKey(b *testing.B, e Engine) *Key {
	k, err := NewKey(make([]byte, 32), make([]byte, 12), e)
	if err != nil || k.Engine() != e {
		b.Skipf("engine %v not available", e)
	}
	return k
}

func benchEach(b *testing.B, f func(b *testing.B, n int)) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(s.n))
			f(b, s.n)
		})
	}
}

// BenchmarkSeal is crypto/cipher's one-shot GCM, the reference.
func BenchmarkSeal(b *testing.B) {
	block, _ := aes.NewCipher(make([]byte, 32))
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, 12)
	benchEach(b, func(b *testing.B, n int) {
		src, dst := benchBuf(n), benchBuf(n+16)
		for b.Loop() {
			aead.Seal(dst[:0], nonce, src, nil)
		}
	})
}

func benchStream(b *testing.B, e Engine, enc bool) {
	k := benchKey(b, e)
	benchEach(b, func(b *testing.B, n int) {
		src, dst := benchBuf(n), benchBuf(n)
		var s Stream
		for b.Loop() {
			s.Init(k, 0)
			if enc {
				s.Encrypt(dst, src)
			} else {
				s.Decrypt(dst, src)
			}
			s.Tag()
		}
	})
}

// BenchmarkEncrypt is Stream.Encrypt (CTR + GHASH) per engine.
func BenchmarkEncrypt(b *testing.B) {
	for _, e := range Engines() {
		b.Run(e.String(), func(b *testing.B) { benchStream(b, e, true) })
	}
}

// BenchmarkDecrypt is Stream.Decrypt per engine.
func BenchmarkDecrypt(b *testing.B) {
	for _, e := range Engines() {
		b.Run(e.String(), func(b *testing.B) { benchStream(b, e, false) })
	}
}

// BenchmarkCTR is the keystream alone: own assembly (asm) and the
// stdlib's AES-CTR (used by the other engines).
func BenchmarkCTR(b *testing.B) {
	b.Run("asm", func(b *testing.B) {
		k := benchKey(b, Asm)
		benchEach(b, func(b *testing.B, n int) {
			src, dst := benchBuf(n), benchBuf(n)
			for b.Loop() {
				ctrBlocks(k.asm, dst, src, 2)
			}
		})
	})
	b.Run("stdlib", func(b *testing.B) {
		block, _ := aes.NewCipher(make([]byte, 32))
		iv := make([]byte, 16)
		benchEach(b, func(b *testing.B, n int) {
			src, dst := benchBuf(n), benchBuf(n)
			for b.Loop() {
				cipher.NewCTR(block, iv).XORKeyStream(dst, src)
			}
		})
	})
}

// BenchmarkGHASH is GHASH alone per engine.
func BenchmarkGHASH(b *testing.B) {
	for _, e := range Engines() {
		b.Run(e.String(), func(b *testing.B) {
			k := benchKey(b, e)
			benchEach(b, func(b *testing.B, n int) {
				src := benchBuf(n)
				var h hasher
				for b.Loop() {
					h.init(k)
					h.write(src)
					h.sum()
				}
			})
		})
	}
}

// BenchmarkMul is one constant-time GF(2^128) multiplication in pure Go.
func BenchmarkMul(b *testing.B) {
	x, y := elem{1, 2}, elem{3, 4}
	for b.Loop() {
		x = mul(x, y)
	}
	_ = x
}
