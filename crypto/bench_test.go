package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dracoon-go/dracoon/crypto/internal/gcm"
)

// Benchmarks of the data cipher. BENCHMARKS.md ("Streaming AES-256-GCM")
// has the method, the commands and the figures. All sizes are bytes; the
// MB/s that go test prints are 10^6 bytes per second.

const benchSize = 64 << 20

var benchData = sync.OnceValue(func() []byte {
	b := make([]byte, benchSize)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < len(b); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
})

// benchBuf returns a buffer whose pages are already mapped, so that the
// first iteration does not pay for page faults.
func benchBuf(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 4096 {
		b[i] = 1
	}
	return b
}

func benchFileKey() *PlainFileKey {
	return &PlainFileKey{Version: PlainFileKeyAES256GCM, Key: bytes.Repeat([]byte{7}, 32), IV: bytes.Repeat([]byte{9}, 12)}
}

func benchEngines(b *testing.B, f func(b *testing.B, e gcm.Engine)) {
	for _, e := range gcm.Engines() {
		b.Run(e.String(), func(b *testing.B) { f(b, e) })
	}
}

// BenchmarkStdlibGCMSeal is the hardware reference: crypto/cipher's
// one-shot GCM (AES-NI + PCLMULQDQ assembly) sealing 64 MiB into a
// preallocated buffer.
func BenchmarkStdlibGCMSeal(b *testing.B) {
	key := benchFileKey()
	block, _ := aes.NewCipher(key.Key)
	aead, _ := cipher.NewGCM(block)
	src := benchData()
	dst := benchBuf(benchSize + 16)
	b.SetBytes(benchSize)
	for b.Loop() {
		aead.Seal(dst[:0], key.IV, src, nil)
	}
}

// BenchmarkStdlibGCMOpen is the reference for decryption.
func BenchmarkStdlibGCMOpen(b *testing.B) {
	key := benchFileKey()
	block, _ := aes.NewCipher(key.Key)
	aead, _ := cipher.NewGCM(block)
	sealed := aead.Seal(nil, key.IV, benchData(), nil)
	dst := benchBuf(benchSize)
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, err := aead.Open(dst[:0], key.IV, sealed, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStreamEncrypt writes 64 MiB in pieces of size write to an
// Encrypter over io.Discard (the ciphertext goes through the Encrypter's
// 128 KiB buffer, as when uploading).
func benchStreamEncrypt(b *testing.B, e gcm.Engine, write int) {
	src := benchData()
	b.SetBytes(benchSize)
	for b.Loop() {
		enc, err := newEncrypter(io.Discard, benchFileKey(), e)
		if err != nil {
			b.Fatal(err)
		}
		for off := 0; off < len(src); off += write {
			enc.Write(src[off:min(off+write, len(src))])
		}
		if err := enc.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStreamDecrypt reads 64 MiB of ciphertext through a Decrypter in
// reads of size read (the plaintext lands in the caller's buffer).
func benchStreamDecrypt(b *testing.B, e gcm.Engine, read int) {
	key := benchFileKey()
	ct, err := encrypt(key, benchData(), gcm.Best())
	if err != nil {
		b.Fatal(err)
	}
	buf := benchBuf(read)
	b.SetBytes(benchSize)
	var rd bytes.Reader
	for b.Loop() {
		rd.Reset(ct)
		dec, err := newDecrypter(&rd, key, e)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := dec.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkStreamEncrypt: Encrypter, default engine, 1 MiB writes.
func BenchmarkStreamEncrypt(b *testing.B) { benchStreamEncrypt(b, gcm.Best(), 1<<20) }

// BenchmarkStreamDecrypt: Decrypter, default engine, 1 MiB reads.
func BenchmarkStreamDecrypt(b *testing.B) { benchStreamDecrypt(b, gcm.Best(), 1<<20) }

// BenchmarkStreamEncryptEngines: the Encrypter on every engine.
func BenchmarkStreamEncryptEngines(b *testing.B) {
	benchEngines(b, func(b *testing.B, e gcm.Engine) { benchStreamEncrypt(b, e, 1<<20) })
}

// BenchmarkStreamDecryptEngines: the Decrypter on every engine.
func BenchmarkStreamDecryptEngines(b *testing.B) {
	benchEngines(b, func(b *testing.B, e gcm.Engine) { benchStreamDecrypt(b, e, 1<<20) })
}

// BenchmarkStreamEncryptOddWrites: 100 000-byte writes, so that most
// writes start and end inside a block.
func BenchmarkStreamEncryptOddWrites(b *testing.B) { benchStreamEncrypt(b, gcm.Best(), 100000) }

// BenchmarkStreamDecryptSmallReads: 32 KiB reads (io.Copy's buffer size).
func BenchmarkStreamDecryptSmallReads(b *testing.B) { benchStreamDecrypt(b, gcm.Best(), 32<<10) }

// BenchmarkEncryptInto: the cipher alone from one 64 MiB buffer into
// another, no io.Writer — the same memory traffic as the Seal reference.
func BenchmarkEncryptInto(b *testing.B) {
	benchEngines(b, func(b *testing.B, e gcm.Engine) {
		k, err := newKey(benchFileKey(), e)
		if err != nil {
			b.Fatal(err)
		}
		src, dst := benchData(), benchBuf(benchSize)
		b.SetBytes(benchSize)
		var s gcm.Stream
		for b.Loop() {
			s.Init(k, 0)
			s.Encrypt(dst, src)
			s.Tag()
		}
	})
}

// BenchmarkStdlibCTR is crypto/cipher's AES-CTR alone (what the oracle
// and generic engines use), 1 MiB calls over 64 MiB.
func BenchmarkStdlibCTR(b *testing.B) {
	key := benchFileKey()
	block, _ := aes.NewCipher(key.Key)
	src, dst := benchData(), benchBuf(benchSize)
	iv := make([]byte, 16)
	b.SetBytes(benchSize)
	for b.Loop() {
		ctr := cipher.NewCTR(block, iv)
		for off := 0; off < benchSize; off += 1 << 20 {
			ctr.XORKeyStream(dst[off:off+1<<20], src[off:off+1<<20])
		}
	}
}

// BenchmarkParts1GiB encrypts a 1 GiB logical file as 16 parts of 64 MiB
// (the same 64 MiB plaintext buffer for each part, each worker writing to
// its own 64 MiB destination) on 1 and 2 goroutines, then seals the tag.
func BenchmarkParts1GiB(b *testing.B) {
	const parts = 16
	for _, e := range []gcm.Engine{gcm.Best(), gcm.Generic} {
		for _, workers := range []int{1, 2} {
			b.Run(e.String()+"/goroutines="+string(rune('0'+workers)), func(b *testing.B) {
				src := benchData()
				dsts := make([][]byte, workers)
				for i := range dsts {
					dsts[i] = benchBuf(benchSize)
				}
				b.SetBytes(parts * benchSize)
				for b.Loop() {
					// A file key encrypts once: a fresh Parts per file.
					p, err := newParts(benchFileKey(), e)
					if err != nil {
						b.Fatal(err)
					}
					sums := make([]PartSum, parts)
					var next atomic.Int64
					var wg sync.WaitGroup
					for w := range workers {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for {
								i := next.Add(1) - 1
								if i >= parts {
									return
								}
								s, err := p.EncryptPart(dsts[w], src, i*benchSize)
								if err != nil {
									panic(err)
								}
								sums[i] = s
							}
						}()
					}
					wg.Wait()
					if _, err := p.SealTag(sums, parts*benchSize); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
