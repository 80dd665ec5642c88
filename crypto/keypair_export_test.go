package crypto

import "crypto/rand"

// Test hooks for the external test package. They call the same code paths
// as the exported API, with knobs the API does not offer.

// UnlockReportingEncoding is UserKeyPairContainer.Unlock that also reports
// which password encoding ("utf8" or "latin1") opened the key.
func UnlockReportingEncoding(c *UserKeyPairContainer, password string) (*UserKeyPair, string, error) {
	return unlock(&c.PrivateKeyContainer, &c.PublicKeyContainer, password, MaxPBKDF2Iterations)
}

// ParsePlainPrivateKey reads an unencrypted private key container.
func ParsePlainPrivateKey(c PrivateKeyContainer) (*UserKeyPair, error) {
	return parsePlainPrivateKey(c)
}

// LockWithIterations encrypts p's private key like GenerateUserKeyPair does
// but with the given PBKDF2 iteration count (cheap fixtures).
func LockWithIterations(p *UserKeyPair, password string, iterations int) (*UserKeyPairContainer, error) {
	return p.lock(password, iterations, rand.Reader)
}
