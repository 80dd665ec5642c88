package crypto

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"
)

// Hand-built DER with the irregularities legacy DRACOON clients wrote:
// INTEGERs with a superfluous leading zero byte.

// derInt encodes v as an INTEGER with extra leading zero bytes (or, with
// negative set, as the negative number -v).
func derInt(v *big.Int, extraZeros int, negative bool) []byte {
	b := v.Bytes()
	if negative {
		n := new(big.Int).Neg(v)
		enc, _ := asn1.Marshal(n)
		return enc
	}
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	b = append(bytes.Repeat([]byte{0}, extraZeros), b...)
	return derTLV(0x02, b)
}

func derTLV(tag byte, body []byte) []byte {
	b, _ := asn1.Marshal(asn1.RawValue{FullBytes: nil, Class: int(tag >> 6), Tag: int(tag & 0x1f), IsCompound: tag&0x20 != 0, Bytes: body})
	return b
}

// pkcs1With encodes k as an RSAPrivateKey, modifying the INTEGER at index
// which (0 = version, 1 = n, …, 8 = qInv).
func pkcs1With(k *rsa.PrivateKey, which, extraZeros int, negative bool) []byte {
	vals := []*big.Int{big.NewInt(0), k.N, big.NewInt(int64(k.E)), k.D, k.Primes[0], k.Primes[1], k.Precomputed.Dp, k.Precomputed.Dq, k.Precomputed.Qinv}
	var body []byte
	for i, v := range vals {
		if i == which {
			body = append(body, derInt(v, extraZeros, negative)...)
		} else {
			body = append(body, derInt(v, 0, false)...)
		}
	}
	return derSeq(body)
}

func pkcs8Wrap(pkcs1 []byte) []byte {
	return derSeq(derOf(0), derSeq(derOf(oidRSAEncryption), derNull), derOf(pkcs1))
}

func TestLenientPrivateKeyIntegers(t *testing.T) {
	t.Parallel()
	k := pairA(t).PrivateKey()
	for which := 1; which <= 8; which++ {
		lenient := pkcs1With(k, which, 1, false)
		if _, err := x509.ParsePKCS1PrivateKey(lenient); err == nil {
			t.Fatalf("integer %d: the stdlib accepts a non-minimal INTEGER; the test proves nothing", which)
		}
		got, err := parseRSAPrivateKey(lenient)
		if err != nil {
			t.Fatalf("integer %d: %v", which, err)
		}
		if err := checkPrivateKey(got, KeyPairRSA2048); err != nil || !got.Equal(k) {
			t.Fatalf("integer %d: %v", which, err)
		}
		// Wrapped in PKCS#8 and PBES2, as the legacy key in the official
		// vectors is.
		text := variant{}.encrypt(t, pkcs8Wrap(lenient), []byte("pw"))
		if _, _, err := unlockPEM(text, "pw", MaxPBKDF2Iterations); err != nil {
			t.Fatalf("integer %d, encrypted: %v", which, err)
		}
		// Negative INTEGERs are refused.
		neg := pkcs1With(k, which, 0, true)
		if _, err := parseRSAPrivateKey(neg); !errors.Is(err, ErrMalformedKey) {
			t.Fatalf("integer %d negative: got %v", which, err)
		}
	}
	// Several zero bytes are tolerated too.
	if _, err := parseRSAPrivateKey(pkcs1With(k, 6, 3, false)); err != nil {
		t.Fatal(err)
	}
}

func TestLenientPublicKeyIntegers(t *testing.T) {
	t.Parallel()
	k := pairA(t).PrivateKey().PublicKey
	spki := func(n, e []byte) []byte {
		pkcs1 := derSeq(n, e)
		return derSeq(derSeq(derOf(oidRSAEncryption), derNull), derTLV(0x03, append([]byte{0}, pkcs1...)))
	}
	e := derInt(big.NewInt(int64(k.E)), 0, false)
	lenient := spki(derInt(k.N, 1, false), e)
	if _, err := x509.ParsePKIXPublicKey(lenient); err == nil {
		t.Fatal("the stdlib accepts the non-minimal modulus; the test proves nothing")
	}
	got, err := parseSubjectPublicKeyInfo(lenient)
	if err != nil || !got.Equal(&k) {
		t.Fatalf("non-minimal modulus: %v", err)
	}
	if got, err := parseSubjectPublicKeyInfo(spki(derInt(k.N, 0, false), derInt(big.NewInt(int64(k.E)), 2, false))); err != nil || got.E != k.E {
		t.Fatalf("non-minimal exponent: %v", err)
	}
	if _, err := parseSubjectPublicKeyInfo(spki(derInt(k.N, 0, true), e)); !errors.Is(err, ErrMalformedKey) {
		t.Fatalf("negative modulus: %v", err)
	}
	// Absent algorithm parameters are fine, non-NULL ones are not.
	noParams := derSeq(derSeq(derOf(oidRSAEncryption)), derTLV(0x03, append([]byte{0}, derSeq(derInt(k.N, 0, false), e)...)))
	if _, err := parseSubjectPublicKeyInfo(noParams); err != nil {
		t.Fatalf("absent parameters: %v", err)
	}
	badParams := derSeq(derSeq(derOf(oidRSAEncryption), derOf(1)), derTLV(0x03, append([]byte{0}, derSeq(derInt(k.N, 0, false), e)...)))
	if _, err := parseSubjectPublicKeyInfo(badParams); !errors.Is(err, ErrMalformedKey) {
		t.Fatalf("INTEGER parameters: %v", err)
	}
	// An EC key is not RSA.
	ec := derSeq(derSeq(derOf(asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}), derOf(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})), derTLV(0x03, []byte{0, 4, 1, 2}))
	if _, err := parseSubjectPublicKeyInfo(ec); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("EC key: %v", err)
	}
}

func TestPrivateKeyStructure(t *testing.T) {
	t.Parallel()
	k := pairA(t).PrivateKey()
	pkcs1 := x509.MarshalPKCS1PrivateKey(k)
	cases := map[string]struct {
		der  []byte
		want error
	}{
		"trailing bytes":    {append(pkcs8Wrap(pkcs1), 0), ErrMalformedKey},
		"inner trailing":    {pkcs8Wrap(append(bytes.Clone(pkcs1), 0)), ErrMalformedKey},
		"version 2":         {derSeq(derOf(2), derSeq(derOf(oidRSAEncryption), derNull), derOf(pkcs1)), ErrMalformedKey},
		"multi-prime":       {pkcs8Wrap(derSeq(derOf(1), pkcs1[7:])) /* version 1, after 30 82 LL LL 02 01 00 */, ErrUnsupported},
		"not RSA":           {derSeq(derOf(0), derSeq(derOf(asn1.ObjectIdentifier{1, 3, 101, 112})), derOf([]byte{4, 32})), ErrUnsupported},
		"empty":             {nil, ErrMalformedKey},
		"attributes [0] ok": {derSeq(derOf(0), derSeq(derOf(oidRSAEncryption), derNull), derOf(pkcs1), derTLV(0xa0, nil)), nil},
	}
	for name, c := range cases {
		_, err := parsePrivateKeyInfo(c.der)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
}

func TestDecodePEM(t *testing.T) {
	t.Parallel()
	body := []byte("hello DER")
	good := encodePEM("PUBLIC KEY", body)
	cases := []struct {
		name, text string
		want       error
	}{
		{"good", good, nil},
		{"missing END", "-----BEGIN PUBLIC KEY-----\naGVsbG8=\n", ErrMalformedPEM},
		{"END type differs", "-----BEGIN PUBLIC KEY-----\naGVsbG8=\n-----END RSA PUBLIC KEY-----\n", ErrMalformedPEM},
		{"type not allowed", "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n", ErrMalformedPEM},
		{"no armour", "aGVsbG8=", ErrMalformedPEM},
		{"empty", "", ErrMalformedPEM},
		{"dashes only", "-----BEGIN -----\n-----END -----", ErrMalformedPEM},
		{"short begin", "-----BEGIN ----\n-----END ----", ErrMalformedPEM},
		{"two blocks", good + good, ErrMalformedPEM},
		{"text after END", good + "x", ErrMalformedPEM},
		{"bad base64", "-----BEGIN PUBLIC KEY-----\naGVsbG8\n-----END PUBLIC KEY-----\n", ErrMalformedKey},
		{"empty body", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", ErrMalformedKey},
		{"headers", "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\naGVsbG8=\n-----END PUBLIC KEY-----\n", ErrUnsupported},
	}
	for _, c := range cases {
		_, got, err := decodePEM(c.text, "PUBLIC KEY", "RSA PUBLIC KEY")
		if c.want == nil {
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("%s: %v", c.name, err)
			}
		} else if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
}

// Validation arithmetic grows with the cube of the prime size; oversized
// components are refused before it starts.
func TestValidateRefusesOversizedComponents(t *testing.T) {
	t.Parallel()
	k := pairA(t).PrivateKey()
	huge := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 1<<16), big.NewInt(1))
	for i := 3; i <= 8; i++ { // d, p, q, dP, dQ, qInv
		b := pkcs1With(k, i, 0, false)
		mod, err := parseRSAPrivateKey(b)
		if err != nil {
			t.Fatal(err)
		}
		switch i {
		case 3:
			mod.D = huge
		case 4:
			mod.Primes[0] = huge
		case 5:
			mod.Primes[1] = huge
		case 6:
			mod.Precomputed.Dp = huge
		case 7:
			mod.Precomputed.Dq = huge
		case 8:
			mod.Precomputed.Qinv = huge
		}
		if err := validatePrivateKey(mod); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("component %d oversized: %v", i, err)
		}
	}
	big8k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: huge, E: 65537}, D: big.NewInt(3), Primes: []*big.Int{big.NewInt(3), big.NewInt(5)}}
	if err := validatePrivateKey(big8k); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("oversized modulus: %v", err)
	}
	if err := validatePrivateKey(&rsa.PrivateKey{}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("empty key: %v", err)
	}
}
