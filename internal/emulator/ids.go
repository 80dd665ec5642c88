package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
)

// sequence hands out positive int64 ids, one counter per entity type (node
// ids come from one sequence shared by rooms, folders and files). Callers
// hold the state lock.
type sequence struct{ last int64 }

func (s *sequence) next() int64 {
	s.last++
	return s.last
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n random characters from [A-Za-z0-9], drawn from
// crypto/rand without modulo bias. Used for tokens, codes, secrets.
func randomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+16)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic(fmt.Sprintf("emulator: crypto/rand failed: %v", err)) // never happens on supported platforms
		}
		for _, b := range buf {
			if b >= 248 { // 248 = 4*62: keep the draw uniform
				continue
			}
			out = append(out, alnum[int(b)%len(alnum)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}

// randomUUID returns a random RFC 4122 version-4 UUID string.
func randomUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand failed: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// secretHash is the stored form of a token or code: the emulator keeps
// only SHA-256 digests of bearer secrets, never the secrets themselves.
type secretHash [sha256.Size]byte

func hashSecret(s string) secretHash { return sha256.Sum256([]byte(s)) }

// passwordHash is a salted SHA-256 of a password; good enough for an
// in-memory test server and never the plain text.
type passwordHash struct {
	salt [16]byte
	sum  [sha256.Size]byte
}

func newPasswordHash(password string) passwordHash {
	var h passwordHash
	if _, err := rand.Read(h.salt[:]); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand failed: %v", err))
	}
	h.sum = h.digest(password)
	return h
}

func (h passwordHash) digest(password string) [sha256.Size]byte {
	d := sha256.New()
	d.Write(h.salt[:])
	d.Write([]byte(password))
	var out [sha256.Size]byte
	d.Sum(out[:0])
	return out
}

func (h passwordHash) matches(password string) bool {
	got := h.digest(password)
	return subtle.ConstantTimeCompare(got[:], h.sum[:]) == 1
}
