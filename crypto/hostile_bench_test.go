package crypto

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"testing"
)

// BenchmarkHostileKeyContainer measures what the most expensive key
// container a server could hand out costs to Unlock: the highest accepted
// iteration count per PRF, with a wrong password that is ASCII (one
// derivation) or has non-ASCII characters ≤ U+00FF (a second derivation
// for the ISO-8859-1 retry). The figures are quoted at
// MaxPBKDF2IterationsOtherPRF. One iteration of each takes seconds:
//
//	go test ./crypto -run '^$' -bench HostileKeyContainer -benchtime 1x
func BenchmarkHostileKeyContainer(b *testing.B) {
	plain := pkcs8Of(b, pairA(b))
	for _, c := range []struct {
		name       string
		prf        asn1.ObjectIdentifier // nil: implied HMAC-SHA1
		iterations int
	}{
		{"SHA1", nil, MaxPBKDF2Iterations},
		{"SHA1-official", nil, PBKDF2Iterations},
		{"SHA224", oidHMACWithSHA224, MaxPBKDF2IterationsOtherPRF},
		{"SHA256", oidHMACWithSHA256, MaxPBKDF2IterationsOtherPRF},
		{"SHA512", oidHMACWithSHA512, MaxPBKDF2IterationsOtherPRF},
	} {
		text := variant{prf: c.prf, iterations: c.iterations}.encrypt(b, plain, []byte("right"))
		for _, pw := range []struct{ name, password string }{{"ascii", "wrong-password"}, {"latin1", "wröng-pässword"}} {
			b.Run(fmt.Sprintf("%s/%d/%s", c.name, c.iterations, pw.name), func(b *testing.B) {
				for b.Loop() {
					if _, _, err := unlockPEM(text, pw.password, MaxPBKDF2Iterations); !errors.Is(err, ErrWrongPassword) {
						b.Fatalf("unlock: %v", err)
					}
				}
			})
		}
	}
}
