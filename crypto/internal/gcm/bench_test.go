package gcm

import (
	"crypto/aes"
	"crypto/cipher"
	"os"
	"strconv"
	"testing"
)

var benchSize = 64 << 20

func benchKey(b *testing.B, e Engine) *Key {
	k, err := NewKey(make([]byte, 32), make([]byte, 12), e)
	if err != nil || k.Engine() != e {
		b.Skipf("engine %v not available", e)
	}
	return k
}

func BenchmarkSeal(b *testing.B) {
	block, _ := aes.NewCipher(make([]byte, 32))
	aead, _ := cipher.NewGCM(block)
	src := make([]byte, benchSize)
	dst := make([]byte, 0, benchSize+16)
	nonce := make([]byte, 12)
	b.SetBytes(int64(benchSize))
	for b.Loop() {
		aead.Seal(dst[:0], nonce, src, nil)
	}
}

func benchStream(b *testing.B, e Engine, enc bool) {
	k := benchKey(b, e)
	src := make([]byte, benchSize)
	dst := make([]byte, benchSize)
	b.SetBytes(int64(benchSize))
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
}

func BenchmarkEncrypt(b *testing.B) {
	for _, e := range Engines() {
		b.Run(e.String(), func(b *testing.B) { benchStream(b, e, true) })
	}
}

func BenchmarkDecrypt(b *testing.B) {
	for _, e := range Engines() {
		b.Run(e.String(), func(b *testing.B) { benchStream(b, e, false) })
	}
}

func BenchmarkCTR(b *testing.B) {
	k := benchKey(b, Asm)
	buf := make([]byte, benchSize)
	b.SetBytes(int64(benchSize))
	for b.Loop() {
		ctrBlocks(k.asm, buf, buf, 2)
	}
}

func BenchmarkGHASH(b *testing.B) {
	k := benchKey(b, Asm)
	buf := make([]byte, benchSize)
	b.SetBytes(int64(benchSize))
	var y elem
	for b.Loop() {
		ghashBlocks(k.asm, &y, buf)
	}
}

func init() {
	if s := os.Getenv("GCM_BENCH_SIZE"); s != "" {
		n, _ := strconv.Atoi(s)
		benchSize = n
	}
}
