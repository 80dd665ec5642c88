package crypto_test

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
)

// Unlocking a key pair is PBKDF2 plus small change (AES-CBC over ~1–2 KiB,
// DER parsing, RSA key validation). BenchmarkPBKDF2 is the reference: the
// stdlib derivation with exactly the parameters of a key written today
// (HMAC-SHA1, 20-byte salt, 1.3 M iterations, 32-byte AES key).
//
// Figures and the interleaved rerun loop: BENCHMARKS.md, "Key pairs".
//
//	go test ./crypto -run '^$' -bench 'UnlockKeyPair|PBKDF2' -benchtime 5x

func BenchmarkPBKDF2(b *testing.B) {
	salt := make([]byte, 20)
	const password = "Fixture-A-äÖ€🐛"
	for b.Loop() {
		if _, err := pbkdf2.Key(sha1.New, password, salt, crypto.PBKDF2Iterations, 32); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnlockKeyPair(b *testing.B) {
	for _, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA2048, crypto.KeyPairRSA4096} {
		b.Run(string(v), func(b *testing.B) {
			f := fixture(b, v)
			// The fixture's key, written with the real parameters under its
			// UTF-8 password (which the first attempt opens).
			c, err := crypto.LockWithIterations(f.pair, f.password, crypto.PBKDF2Iterations)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := c.Unlock(f.password); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUnlockKeyPairOverhead is Unlock with a one-iteration PBKDF2:
// everything unlocking costs besides the key derivation (PEM, DER, AES-CBC,
// RSA key validation and CRT precomputation). It is small against
// BenchmarkPBKDF2 and far steadier than the difference of two ~0.5 s
// measurements on a shared machine.
func BenchmarkUnlockKeyPairOverhead(b *testing.B) {
	for _, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA2048, crypto.KeyPairRSA4096} {
		b.Run(string(v), func(b *testing.B) {
			f := fixture(b, v)
			c, err := crypto.LockWithIterations(f.pair, f.password, 1)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := c.Unlock(f.password); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
