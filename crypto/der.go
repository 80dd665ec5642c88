package crypto

import (
	"crypto/rsa"
	"encoding/asn1"
	"fmt"
	"math/big"

	"github.com/dracoon-go/dracoon/crypto/internal/der"
)

// Lenient parsers for the RSA key structures DRACOON stores: PKCS#8
// PrivateKeyInfo, PKCS#1 RSAPrivateKey, X.509 SubjectPublicKeyInfo and
// PKCS#1 RSAPublicKey. crypto/x509 rejects positive INTEGERs with
// superfluous leading zero bytes, which legacy DRACOON clients wrote (see
// package der); these parsers accept them and leave the mathematical checks
// to checkPrivateKey / checkPublicKey.

var (
	oidRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
)

func malformed(what string, err error) error {
	if err == nil {
		return fmt.Errorf("crypto: %s: %w", what, ErrMalformedKey)
	}
	return fmt.Errorf("crypto: %s: %w: %v", what, ErrMalformedKey, err)
}

// parseRSAAlgorithm reads an AlgorithmIdentifier that must be rsaEncryption
// with NULL or absent parameters.
func parseRSAAlgorithm(r *der.Reader, what string) error {
	oid, tag, params, has, err := r.AlgorithmIdentifier()
	if err != nil {
		return malformed(what, err)
	}
	if !oid.Equal(oidRSAEncryption) {
		return fmt.Errorf("crypto: %s: key algorithm %s is not RSA: %w", what, oid, ErrUnsupported)
	}
	if has && (tag != der.TagNull || len(params) != 0) {
		return malformed(what+": rsaEncryption parameters are not NULL", nil)
	}
	return nil
}

// parsePrivateKeyInfo parses a PKCS#8 PrivateKeyInfo holding an RSA key.
// The key is not validated.
func parsePrivateKeyInfo(b []byte) (*rsa.PrivateKey, error) {
	const what = "PKCS#8 private key"
	top := der.NewReader(b)
	seq, err := top.Sequence()
	if err != nil {
		return nil, malformed(what, err)
	}
	if !top.Empty() {
		return nil, malformed(what+": trailing data", nil)
	}
	// version: 0 (v1) or 1 (v2, OneAsymmetricKey).
	if _, ok, err := seq.SmallInt(1); err != nil {
		return nil, malformed(what, err)
	} else if !ok {
		return nil, malformed(what+": unknown version", nil)
	}
	if err := parseRSAAlgorithm(seq, what); err != nil {
		return nil, err
	}
	inner, err := seq.OctetString()
	if err != nil {
		return nil, malformed(what, err)
	}
	// Optional [0] attributes and [1] publicKey (OneAsymmetricKey) carry
	// nothing we need; accept and skip them, nothing else.
	for !seq.Empty() {
		tag, _, err := seq.Next()
		if err != nil {
			return nil, malformed(what, err)
		}
		if tag != 0xa0 && tag != 0x81 && tag != 0xa1 {
			return nil, malformed(fmt.Sprintf("%s: unexpected element with tag 0x%02x", what, tag), nil)
		}
	}
	return parseRSAPrivateKey(inner)
}

// parseRSAPrivateKey parses a PKCS#1 RSAPrivateKey (two primes only). The
// key is not validated.
func parseRSAPrivateKey(b []byte) (*rsa.PrivateKey, error) {
	const what = "PKCS#1 RSA private key"
	top := der.NewReader(b)
	seq, err := top.Sequence()
	if err != nil {
		return nil, malformed(what, err)
	}
	if !top.Empty() {
		return nil, malformed(what+": trailing data", nil)
	}
	v, ok, err := seq.SmallInt(1)
	if err != nil {
		return nil, malformed(what, err)
	}
	if !ok {
		return nil, malformed(what+": unknown version", nil)
	}
	if v == 1 {
		return nil, fmt.Errorf("crypto: %s: multi-prime keys: %w", what, ErrUnsupported)
	}
	var n [8]*big.Int // n, e, d, p, q, dP, dQ, qInv
	for i := range n {
		if n[i], err = seq.Integer(); err != nil {
			return nil, malformed(what, err)
		}
	}
	if !seq.Empty() {
		return nil, malformed(what+": trailing data", nil)
	}
	e, err := publicExponent(n[1])
	if err != nil {
		return nil, err
	}
	return &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: n[0], E: e},
		D:         n[2],
		Primes:    []*big.Int{n[3], n[4]},
		Precomputed: rsa.PrecomputedValues{
			Dp: n[5], Dq: n[6], Qinv: n[7],
		},
	}, nil
}

// publicExponent converts e to an int, rejecting values crypto/rsa cannot
// represent.
func publicExponent(e *big.Int) (int, error) {
	if !e.IsInt64() || e.Int64() > 1<<31-1 {
		return 0, fmt.Errorf("crypto: RSA public exponent too large: %w", ErrInvalidKey)
	}
	return int(e.Int64()), nil
}

// parseSubjectPublicKeyInfo parses an X.509 SubjectPublicKeyInfo holding an
// RSA key. The key is not validated.
func parseSubjectPublicKeyInfo(b []byte) (*rsa.PublicKey, error) {
	const what = "public key"
	top := der.NewReader(b)
	seq, err := top.Sequence()
	if err != nil {
		return nil, malformed(what, err)
	}
	if !top.Empty() {
		return nil, malformed(what+": trailing data", nil)
	}
	if err := parseRSAAlgorithm(seq, what); err != nil {
		return nil, err
	}
	bits, err := seq.BitString()
	if err != nil {
		return nil, malformed(what, err)
	}
	if !seq.Empty() {
		return nil, malformed(what+": trailing data", nil)
	}
	return parseRSAPublicKey(bits)
}

// parseRSAPublicKey parses a PKCS#1 RSAPublicKey. The key is not validated.
func parseRSAPublicKey(b []byte) (*rsa.PublicKey, error) {
	const what = "PKCS#1 RSA public key"
	top := der.NewReader(b)
	seq, err := top.Sequence()
	if err != nil {
		return nil, malformed(what, err)
	}
	if !top.Empty() {
		return nil, malformed(what+": trailing data", nil)
	}
	n, err := seq.Integer()
	if err != nil {
		return nil, malformed(what, err)
	}
	eb, err := seq.Integer()
	if err != nil {
		return nil, malformed(what, err)
	}
	if !seq.Empty() {
		return nil, malformed(what+": trailing data", nil)
	}
	e, err := publicExponent(eb)
	if err != nil {
		return nil, err
	}
	return &rsa.PublicKey{N: n, E: e}, nil
}

// checkPrivateKey validates a parsed private key mathematically (primes
// multiply to N, exponents and CRT values consistent), precomputes its CRT
// values and checks that its size matches the key pair version.
func checkPrivateKey(k *rsa.PrivateKey, v KeyPairVersion) error {
	if err := checkModulusSize(k.N, v); err != nil {
		return err
	}
	return validatePrivateKey(k)
}

// maxModulusBits bounds the keys validatePrivateKey accepts: twice the
// largest DRACOON key size.
const maxModulusBits = 8192

// validatePrivateKey checks that the key is a consistent two-prime RSA key
// (N = PQ, D, the CRT values and E agree) and precomputes its CRT values.
// Oversized values are refused before any arithmetic: validation costs
// grow with the cube of the prime size, and a hostile key could otherwise
// carry primes of megabits.
func validatePrivateKey(k *rsa.PrivateKey) error {
	if k.N == nil || k.D == nil || len(k.Primes) != 2 || k.Primes[0] == nil || k.Primes[1] == nil {
		return fmt.Errorf("crypto: private key: incomplete: %w", ErrInvalidKey)
	}
	bits := k.N.BitLen()
	if bits > maxModulusBits {
		return fmt.Errorf("crypto: private key: %d-bit modulus: %w", bits, ErrInvalidKey)
	}
	for _, x := range []*big.Int{k.D, k.Primes[0], k.Primes[1], k.Precomputed.Dp, k.Precomputed.Dq, k.Precomputed.Qinv} {
		if x != nil && x.BitLen() > bits {
			return fmt.Errorf("crypto: private key: component larger than the modulus: %w", ErrInvalidKey)
		}
	}
	k.Precompute()
	if err := k.Validate(); err != nil {
		return fmt.Errorf("crypto: private key: %w: %v", ErrInvalidKey, err)
	}
	return nil
}

// checkPublicKey checks a parsed public key: size against the version, odd
// modulus, odd exponent > 1.
func checkPublicKey(k *rsa.PublicKey, v KeyPairVersion) error {
	if err := checkModulusSize(k.N, v); err != nil {
		return err
	}
	if k.N.Bit(0) == 0 {
		return fmt.Errorf("crypto: public key: even modulus: %w", ErrInvalidKey)
	}
	if k.E < 3 || k.E&1 == 0 {
		return fmt.Errorf("crypto: public key: exponent %d: %w", k.E, ErrInvalidKey)
	}
	return nil
}

func checkModulusSize(n *big.Int, v KeyPairVersion) error {
	want := v.Bits()
	if want == 0 {
		return v.Validate()
	}
	if got := n.BitLen(); got != want {
		return fmt.Errorf("crypto: %d-bit RSA key in a key pair of version %q (want %d bits): %w", got, string(v), want, ErrInvalidKey)
	}
	return nil
}
