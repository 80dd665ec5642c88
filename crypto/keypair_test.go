package crypto_test

import (
	"bytes"
	stdcrypto "crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// The writer path with the real parameters (1.3 M iterations): generate,
// check the exact container layout, open it again.
func TestGenerateUserKeyPair(t *testing.T) {
	t.Parallel()
	for _, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA2048, crypto.KeyPairRSA4096} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			// The only RSA-4096 key this test binary generates (0.1–2.5 s);
			// other tests use the fixtures in testdata/.
			pw := "Gen-" + string(v) + "-äÖ€🐛"
			c, err := crypto.GenerateUserKeyPair(v, pw)
			if err != nil {
				t.Fatal(err)
			}
			if c.PrivateKeyContainer.Version != v || c.PublicKeyContainer.Version != v {
				t.Fatalf("versions %q/%q, want %q", c.PrivateKeyContainer.Version, c.PublicKeyContainer.Version, v)
			}
			checkPEMLayout(t, c.PrivateKeyContainer.PrivateKey, "ENCRYPTED PRIVATE KEY")
			checkPEMLayout(t, c.PublicKeyContainer.PublicKey, "PUBLIC KEY")
			checkWrittenPBES2(t, c.PrivateKeyContainer.PrivateKey)

			block, _ := pem.Decode([]byte(c.PublicKeyContainer.PublicKey))
			pub, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				t.Fatalf("stdlib cannot parse the public key: %v", err)
			}
			rpub := pub.(*rsa.PublicKey)
			if rpub.N.BitLen() != v.Bits() || rpub.E != 65537 {
				t.Fatalf("%d-bit modulus, e = %d", rpub.N.BitLen(), rpub.E)
			}
			pair, err := c.Unlock(pw)
			if err != nil {
				t.Fatalf("unlock: %v", err)
			}
			if !pair.PrivateKey().PublicKey.Equal(rpub) || pair.Version() != v {
				t.Fatal("unlocked pair does not match the public key")
			}
		})
	}
}

// checkPEMLayout checks the PEM text as the official SDKs write it: LF
// line ends, 64-character lines, final line break.
func checkPEMLayout(t *testing.T, text, typ string) {
	t.Helper()
	if strings.Contains(text, "\r") || !strings.HasSuffix(text, "\n") {
		t.Errorf("%s: want LF line ends and a final line break", typ)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if lines[0] != "-----BEGIN "+typ+"-----" || lines[len(lines)-1] != "-----END "+typ+"-----" {
		t.Errorf("armour %q … %q", lines[0], lines[len(lines)-1])
	}
	body := lines[1 : len(lines)-1]
	for i, l := range body {
		if len(l) != 64 && (i != len(body)-1 || len(l) > 64 || len(l) == 0) {
			t.Errorf("%s: line %d has %d characters", typ, i+1, len(l))
		}
	}
}

// checkWrittenPBES2 decodes a written private key with encoding/asn1 and
// checks every parameter against what the official SDKs write.
func checkWrittenPBES2(t *testing.T, text string) {
	t.Helper()
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		t.Fatal("no PEM block")
	}
	var epki struct {
		Alg struct {
			OID    asn1.ObjectIdentifier
			Params struct {
				KDF struct {
					OID    asn1.ObjectIdentifier
					Params struct {
						Salt       []byte
						Iterations int
						Rest       []asn1.RawValue `asn1:"optional"`
					}
				}
				Enc struct {
					OID asn1.ObjectIdentifier
					IV  []byte
				}
			}
		}
		Data []byte
	}
	if rest, err := asn1.Unmarshal(block.Bytes, &epki); err != nil || len(rest) != 0 {
		t.Fatalf("asn1: %v", err)
	}
	p := epki.Alg.Params
	if !epki.Alg.OID.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}) ||
		!p.KDF.OID.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}) ||
		!p.Enc.OID.Equal(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}) {
		t.Errorf("algorithms %v / %v / %v", epki.Alg.OID, p.KDF.OID, p.Enc.OID)
	}
	if len(p.KDF.Params.Salt) != 20 || p.KDF.Params.Iterations != 1_300_000 || len(p.KDF.Params.Rest) != 0 || len(p.Enc.IV) != 16 {
		t.Errorf("salt %d B, %d iterations, %d optional fields, IV %d B", len(p.KDF.Params.Salt), p.KDF.Params.Iterations, len(p.KDF.Params.Rest), len(p.Enc.IV))
	}
}

func TestUnlockErrors(t *testing.T) {
	t.Parallel()
	fa, f4 := fixture(t, crypto.KeyPairRSA2048), fixture(t, crypto.KeyPairRSA4096)
	for _, f := range []*loadedFixture{fa, f4} {
		if err := crypto.CheckUserKeyPair(&f.container, f.password); err != nil {
			t.Fatalf("CheckUserKeyPair on the intact %s fixture: %v", f.pair.Version(), err)
		}
	}
	with := func(f func(c *crypto.UserKeyPairContainer)) *crypto.UserKeyPairContainer {
		c := fa.container
		f(&c)
		return &c
	}
	cases := []struct {
		name string
		c    *crypto.UserKeyPairContainer
		pw   string
		want error
	}{
		{"empty password", &fa.container, "", crypto.ErrInvalidArgument},
		{"nil container", nil, fa.password, crypto.ErrInvalidArgument},
		{"wrong password", &fa.container, fa.password + "x", crypto.ErrWrongPassword},
		{"unknown private version", with(func(c *crypto.UserKeyPairContainer) { c.PrivateKeyContainer.Version = "X" }), fa.password, crypto.ErrUnknownVersion},
		{"unknown public version", with(func(c *crypto.UserKeyPairContainer) { c.PublicKeyContainer.Version = "RSA-2048" }), fa.password, crypto.ErrUnknownVersion},
		{"versions differ", with(func(c *crypto.UserKeyPairContainer) { c.PublicKeyContainer = f4.container.PublicKeyContainer }), fa.password, crypto.ErrVersionMismatch},
		{"public key of another pair", with(func(c *crypto.UserKeyPairContainer) {
			other := f4.pair.PublicKey().Container()
			c.PublicKeyContainer = other
			c.PublicKeyContainer.Version = crypto.KeyPairRSA2048
		}), fa.password, crypto.ErrInvalidKey},
		{"2048-bit key in an RSA-4096 container", with(func(c *crypto.UserKeyPairContainer) {
			c.PrivateKeyContainer.Version = crypto.KeyPairRSA4096
			c.PublicKeyContainer = crypto.PublicKeyContainer{}
		}), fa.password, crypto.ErrInvalidKey},
		{"misspelt armour", with(func(c *crypto.UserKeyPairContainer) {
			c.PrivateKeyContainer.PrivateKey = strings.Replace(c.PrivateKeyContainer.PrivateKey, "PRIVATE KEY-----", "PRIVATE KEX-----", 1)
		}), fa.password, crypto.ErrMalformedPEM},
		{"plain key where an encrypted one belongs", with(func(c *crypto.UserKeyPairContainer) {
			c.PrivateKeyContainer.PrivateKey = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(fa.pair.PrivateKey())}))
		}), fa.password, crypto.ErrMalformedPEM},
		{"empty private key", with(func(c *crypto.UserKeyPairContainer) { c.PrivateKeyContainer.PrivateKey = "" }), fa.password, crypto.ErrMalformedPEM},
		{"broken base64", with(func(c *crypto.UserKeyPairContainer) {
			c.PrivateKeyContainer.PrivateKey = strings.Replace(c.PrivateKeyContainer.PrivateKey, "\nM", "\n*", 1)
		}), fa.password, crypto.ErrMalformedKey},
		{"DER damaged", with(func(c *crypto.UserKeyPairContainer) {
			c.PrivateKeyContainer.PrivateKey = strings.Replace(c.PrivateKeyContainer.PrivateKey, "\nM", "\nX", 1)
		}), fa.password, crypto.ErrMalformedKey},
		{"public key damaged", with(func(c *crypto.UserKeyPairContainer) {
			c.PublicKeyContainer.PublicKey = strings.Replace(c.PublicKeyContainer.PublicKey, "\nM", "\nZ", 1)
		}), fa.password, crypto.ErrMalformedKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.c.Unlock(c.pw)
			if !errors.Is(err, c.want) {
				t.Fatalf("Unlock: got %v, want %v", err, c.want)
			}
			if c.c != nil {
				if err := crypto.CheckUserKeyPair(c.c, c.pw); !errors.Is(err, c.want) {
					t.Fatalf("CheckUserKeyPair: got %v, want %v", err, c.want)
				}
			}
			if c.pw != "" && strings.Contains(err.Error(), c.pw) {
				t.Fatalf("error contains the password: %v", err)
			}
		})
	}
}

// A share's key pair comes without public key: Unlock on the private key
// container alone, or on a UserKeyPairContainer whose public half is empty.
func TestUnlockWithoutPublicKey(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA4096)
	p1, err := f.container.PrivateKeyContainer.Unlock(f.password)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := (&crypto.UserKeyPairContainer{PrivateKeyContainer: f.container.PrivateKeyContainer}).Unlock(f.password)
	if err != nil {
		t.Fatal(err)
	}
	if !p1.PublicKey().Equal(f.pair.PublicKey()) || !p2.PublicKey().Equal(f.pair.PublicKey()) {
		t.Fatal("derived public key differs")
	}
	if got := p1.PublicKey().Container(); got != f.container.PublicKeyContainer {
		t.Fatalf("derived public key container differs:\n%s\n%s", got.PublicKey, f.container.PublicKeyContainer.PublicKey)
	}
}

// Accepted PEM spellings: CRLF, no final line break, indentation,
// surrounding white space.
func TestUnlockPEMVariants(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA2048)
	orig := f.container.PrivateKeyContainer.PrivateKey
	variants := map[string]string{
		"CRLF":               strings.ReplaceAll(orig, "\n", "\r\n"),
		"no final newline":   strings.TrimSuffix(orig, "\n"),
		"CRLF, no final":     strings.TrimSuffix(strings.ReplaceAll(orig, "\n", "\r\n"), "\r\n"),
		"indented":           "    " + strings.ReplaceAll(strings.TrimSuffix(orig, "\n"), "\n", "\n    ") + "\n",
		"surrounding blanks": "\n\n  " + orig + "\n\t",
	}
	lines := strings.Split(strings.TrimSuffix(orig, "\n"), "\n")
	variants["one long line"] = lines[0] + "\n" + strings.Join(lines[1:len(lines)-1], "") + "\n" + lines[len(lines)-1]
	for name, text := range variants {
		t.Run(name, func(t *testing.T) {
			c := f.container
			c.PrivateKeyContainer.PrivateKey = text
			c.PublicKeyContainer.PublicKey = strings.ReplaceAll(c.PublicKeyContainer.PublicKey, "\n", "\r\n")
			if _, err := c.Unlock(f.password); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA2048)
	pub := f.pair.PrivateKey().Public().(*rsa.PublicKey)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub)}))
	k, err := crypto.ParsePublicKey(crypto.PublicKeyContainer{Version: crypto.KeyPairRSA2048, PublicKey: pkcs1})
	if err != nil {
		t.Fatalf("PKCS#1 public key: %v", err)
	}
	if !k.Equal(f.pair.PublicKey()) {
		t.Fatal("PKCS#1 public key differs")
	}
	// Always written as SPKI.
	if got := k.Container().PublicKey; !strings.HasPrefix(got, "-----BEGIN PUBLIC KEY-----\n") {
		t.Fatalf("emitted %q", got[:30])
	}
	if k.RSA().N.Cmp(pub.N) != 0 || k.Version() != crypto.KeyPairRSA2048 {
		t.Fatal("accessors")
	}
	for name, c := range map[string]struct {
		c    crypto.PublicKeyContainer
		want error
	}{
		"unknown version": {crypto.PublicKeyContainer{Version: "Z", PublicKey: f.container.PublicKeyContainer.PublicKey}, crypto.ErrUnknownVersion},
		"wrong size":      {crypto.PublicKeyContainer{Version: crypto.KeyPairRSA4096, PublicKey: f.container.PublicKeyContainer.PublicKey}, crypto.ErrInvalidKey},
		"private PEM":     {crypto.PublicKeyContainer{Version: crypto.KeyPairRSA2048, PublicKey: f.container.PrivateKeyContainer.PrivateKey}, crypto.ErrMalformedPEM},
		"even modulus": {crypto.PublicKeyContainer{Version: crypto.KeyPairRSA2048, PublicKey: spkiPEM(t, &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 2047), E: 65537})},
			crypto.ErrInvalidKey},
		"even exponent": {crypto.PublicKeyContainer{Version: crypto.KeyPairRSA2048, PublicKey: spkiPEM(t, &rsa.PublicKey{N: pub.N, E: 65536})}, crypto.ErrInvalidKey},
	} {
		if _, err := crypto.ParsePublicKey(c.c); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
}

func spkiPEM(t *testing.T, k *rsa.PublicKey) string {
	t.Helper()
	b, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: b}))
}

func TestUserKeyPairDoesNotPrintKeyMaterial(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA2048)
	p := f.pair
	secrets := []string{
		p.PrivateKey().D.String(), p.PrivateKey().D.Text(16), p.PrivateKey().Primes[0].String(),
		fmt.Sprint(p.PrivateKey().D.Bits()[0]),
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{p, *p} {
			out := fmt.Sprintf(format, v)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Fatalf("%s of %T prints key material: %.80s…", format, v, out)
				}
			}
			if out != "UserKeyPair(A)" {
				t.Errorf("%s of %T = %q", format, v, out)
			}
		}
	}
	if got := fmt.Sprintf("%v", f.container.PrivateKeyContainer); strings.Contains(got, "MII") {
		t.Errorf("private key container prints its PEM: %s", got)
	}
}

func TestKeyContainerJSON(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA2048)
	b, err := json.Marshal(f.container)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || len(m["privateKeyContainer"]) != 2 || len(m["publicKeyContainer"]) != 2 ||
		m["privateKeyContainer"]["privateKey"] == nil || m["publicKeyContainer"]["publicKey"] == nil ||
		m["privateKeyContainer"]["version"] != "A" {
		t.Fatalf("unexpected JSON shape: %s", b)
	}
	// A server response with the optional fields.
	in := `{"privateKeyContainer":{"version":"RSA-4096","privateKey":"P","createdAt":"2023-07-23T18:52:20Z","createdBy":7,"expireAt":"2025-01-01T00:00:00.123Z"},
	        "publicKeyContainer":{"version":"RSA-4096","publicKey":"Q","createdAt":null,"createdBy":null}}`
	var c crypto.UserKeyPairContainer
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2023, 7, 23, 18, 52, 20, 0, time.UTC)
	if !c.PrivateKeyContainer.CreatedAt.Equal(want) || c.PrivateKeyContainer.CreatedBy != 7 || c.PrivateKeyContainer.ExpireAt.IsZero() ||
		!c.PublicKeyContainer.CreatedAt.IsZero() || c.PublicKeyContainer.PublicKey != "Q" {
		t.Fatalf("decoded %+v", c)
	}
	out, _ := json.Marshal(c.PrivateKeyContainer)
	if !strings.Contains(string(out), `"createdAt":"2023-07-23T18:52:20Z"`) || !strings.Contains(string(out), `"createdBy":7`) {
		t.Fatalf("re-encoded %s", out)
	}
}

func TestPlainPrivateKey(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA2048)
	der := x509.MarshalPKCS1PrivateKey(f.pair.PrivateKey())
	c := crypto.PrivateKeyContainer{Version: crypto.KeyPairRSA2048, PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}))}
	p, err := crypto.ParsePlainPrivateKey(c)
	if err != nil || !p.PrivateKey().Equal(f.pair.PrivateKey()) {
		t.Fatalf("PKCS#1: %v", err)
	}
	// An inconsistent key (D altered) is refused.
	bad := *f.pair.PrivateKey()
	bad.D = new(big.Int).Add(bad.D, big.NewInt(2))
	bad.Precomputed = rsa.PrecomputedValues{}
	c.PrivateKey = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: pkcs1Raw(t, &bad)}))
	if _, err := crypto.ParsePlainPrivateKey(c); !errors.Is(err, crypto.ErrInvalidKey) {
		t.Fatalf("altered D: got %v", err)
	}
}

// pkcs1Raw encodes an RSAPrivateKey without the stdlib's consistency
// checks.
func pkcs1Raw(t *testing.T, k *rsa.PrivateKey) []byte {
	t.Helper()
	one := big.NewInt(1)
	dp := new(big.Int).Mod(k.D, new(big.Int).Sub(k.Primes[0], one))
	dq := new(big.Int).Mod(k.D, new(big.Int).Sub(k.Primes[1], one))
	qinv := new(big.Int).ModInverse(k.Primes[1], k.Primes[0])
	b, err := asn1.Marshal(struct {
		V                     int
		N                     *big.Int
		E                     int
		D, P, Q, Dp, Dq, Qinv *big.Int
	}{0, k.N, k.E, k.D, k.Primes[0], k.Primes[1], dp, dq, qinv})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFileKeyRoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA2048, crypto.KeyPairRSA4096} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			f := fixture(t, v)
			plain, err := crypto.GenerateFileKey()
			if err != nil {
				t.Fatal(err)
			}
			plain.Tag = bytes.Repeat([]byte{9}, crypto.TagSize)
			fk, err := crypto.EncryptFileKey(plain, f.container.PublicKeyContainer)
			if err != nil {
				t.Fatal(err)
			}
			wantVersion, _ := v.FileKeyVersion()
			wantLen := map[crypto.KeyPairVersion]int{crypto.KeyPairRSA2048: 344, crypto.KeyPairRSA4096: 684}[v]
			if fk.Version != wantVersion || len(fk.Key) != wantLen ||
				fk.IV != base64.StdEncoding.EncodeToString(plain.IV) || fk.Tag != base64.StdEncoding.EncodeToString(plain.Tag) {
				t.Fatalf("file key %+v", fk)
			}
			got, err := f.pair.DecryptFileKey(fk)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != crypto.PlainFileKeyAES256GCM || !bytes.Equal(got.Key, plain.Key) || !bytes.Equal(got.IV, plain.IV) || !bytes.Equal(got.Tag, plain.Tag) {
				t.Fatal("round trip changed the file key")
			}
			// OAEP parameters: exactly the DRACOON combination opens it.
			checkOnlyDracoonOAEP(t, f.pair, fk)
			// A plain file key in the Java/C#/Swift spelling ("A") works too.
			plain.Version = crypto.FileKeyRSA2048
			if _, err := f.pair.PublicKey().EncryptFileKey(plain); err != nil {
				t.Fatalf("plain version A: %v", err)
			}
		})
	}
}

// The Python client wraps "A" file keys with SHA-1 as OAEP hash and
// MGF1-SHA-256 — the hashes swapped. Such a key must not open here, and
// what this package writes must not open the Python way.
func TestFileKeyPythonOAEPIsNotDracoon(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA2048)
	plain, _ := crypto.GenerateFileKey()
	python := &rsa.OAEPOptions{Hash: stdcrypto.SHA1, MGFHash: stdcrypto.SHA256}
	ct, err := rsa.EncryptOAEPWithOptions(rand.Reader, f.pair.PrivateKey().Public().(*rsa.PublicKey), plain.Key, python)
	if err != nil {
		t.Fatal(err)
	}
	fk := &crypto.FileKey{Version: crypto.FileKeyRSA2048, Key: base64.StdEncoding.EncodeToString(ct), IV: base64.StdEncoding.EncodeToString(plain.IV)}
	if _, err := f.pair.DecryptFileKey(fk); !errors.Is(err, crypto.ErrFileKeyDecrypt) {
		t.Fatalf("Python-style A file key: got %v, want ErrFileKeyDecrypt", err)
	}
	ours, err := f.pair.PublicKey().EncryptFileKey(plain)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(ours.Key)
	if _, err := f.pair.PrivateKey().Decrypt(nil, raw, python); err == nil {
		t.Fatal("our A file key opens with the Python parameters")
	}
}

func TestDecryptFileKeyErrors(t *testing.T) {
	t.Parallel()
	fa, f4 := fixture(t, crypto.KeyPairRSA2048), fixture(t, crypto.KeyPairRSA4096)
	plain, _ := crypto.GenerateFileKey()
	plain.Tag = make([]byte, crypto.TagSize)
	good, err := fa.pair.PublicKey().EncryptFileKey(plain)
	if err != nil {
		t.Fatal(err)
	}
	mod := func(f func(k *crypto.FileKey)) *crypto.FileKey {
		k := *good
		f(&k)
		return &k
	}
	flip := func(s string, i int) string {
		b, _ := base64.StdEncoding.DecodeString(s)
		b[i] ^= 1
		return base64.StdEncoding.EncodeToString(b)
	}
	cases := []struct {
		name string
		pair *crypto.UserKeyPair
		fk   *crypto.FileKey
		want error
	}{
		{"nil file key", fa.pair, nil, crypto.ErrInvalidArgument},
		{"zero key pair", &crypto.UserKeyPair{}, good, crypto.ErrInvalidArgument},
		{"unknown version", fa.pair, mod(func(k *crypto.FileKey) { k.Version = "Z" }), crypto.ErrUnknownVersion},
		{"plain version", fa.pair, mod(func(k *crypto.FileKey) { k.Version = crypto.PlainFileKeyAES256GCM }), crypto.ErrUnknownVersion},
		{"A key, RSA-4096 pair", f4.pair, good, crypto.ErrVersionMismatch},
		// The version check comes before decoding and RSA: garbage in the
		// other fields does not change the error.
		{"mismatch wins over garbage", f4.pair, mod(func(k *crypto.FileKey) { k.Key, k.IV = "!!", "!!" }), crypto.ErrVersionMismatch},
		{"RSA-4096 key, A pair", fa.pair, mod(func(k *crypto.FileKey) { k.Version = crypto.FileKeyRSA4096 }), crypto.ErrVersionMismatch},
		{"key not base64", fa.pair, mod(func(k *crypto.FileKey) { k.Key = "***" }), crypto.ErrInvalidFileKey},
		{"key too short", fa.pair, mod(func(k *crypto.FileKey) { k.Key = k.Key[:300] + "==" }), crypto.ErrInvalidFileKey},
		{"iv not base64", fa.pair, mod(func(k *crypto.FileKey) { k.IV = "@@@@" }), crypto.ErrInvalidFileKey},
		{"iv 16 bytes", fa.pair, mod(func(k *crypto.FileKey) { k.IV = base64.StdEncoding.EncodeToString(make([]byte, 16)) }), crypto.ErrInvalidFileKey},
		{"tag 12 bytes", fa.pair, mod(func(k *crypto.FileKey) { k.Tag = base64.StdEncoding.EncodeToString(make([]byte, 12)) }), crypto.ErrInvalidFileKey},
		{"ciphertext altered", fa.pair, mod(func(k *crypto.FileKey) { k.Key = flip(k.Key, 100) }), crypto.ErrFileKeyDecrypt},
		{"ciphertext altered at the start", fa.pair, mod(func(k *crypto.FileKey) { k.Key = flip(k.Key, 0) }), crypto.ErrFileKeyDecrypt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.pair.DecryptFileKey(c.fk)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// OAEP failures say nothing about which check failed.
	_, err1 := fa.pair.DecryptFileKey(cases[len(cases)-1].fk)
	_, err2 := fa.pair.DecryptFileKey(cases[len(cases)-2].fk)
	if err1.Error() != err2.Error() {
		t.Fatalf("OAEP errors differ: %q vs %q", err1, err2)
	}
}

// A file key without tag (the Java API SDK uploads empty files that way)
// passes through both directions as "no tag".
func TestFileKeyWithoutTag(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA4096)
	plain, _ := crypto.GenerateFileKey()
	fk, err := f.pair.PublicKey().EncryptFileKey(plain)
	if err != nil {
		t.Fatal(err)
	}
	if fk.Tag != "" {
		t.Fatalf("tag %q", fk.Tag)
	}
	b, _ := json.Marshal(fk)
	if strings.Contains(string(b), "tag") {
		t.Fatalf("JSON has a tag: %s", b)
	}
	var back crypto.FileKey
	if err := json.Unmarshal([]byte(strings.Replace(string(b), "}", `,"tag":null}`, 1)), &back); err != nil {
		t.Fatal(err)
	}
	got, err := f.pair.DecryptFileKey(&back)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tag != nil || !bytes.Equal(got.Key, plain.Key) {
		t.Fatalf("tag %x", got.Tag)
	}
}

func TestEncryptFileKeyErrors(t *testing.T) {
	t.Parallel()
	f := fixture(t, crypto.KeyPairRSA2048)
	good, _ := crypto.GenerateFileKey()
	cases := []struct {
		name string
		k    *crypto.PlainFileKey
		want error
	}{
		{"nil", nil, crypto.ErrInvalidArgument},
		{"unknown version", &crypto.PlainFileKey{Version: "X", Key: good.Key, IV: good.IV}, crypto.ErrUnknownVersion},
		{"encrypted version", &crypto.PlainFileKey{Version: crypto.FileKeyRSA4096, Key: good.Key, IV: good.IV}, crypto.ErrUnknownVersion},
		{"short key", &crypto.PlainFileKey{Version: crypto.PlainFileKeyAES256GCM, Key: good.Key[:16], IV: good.IV}, crypto.ErrInvalidFileKey},
		{"short iv", &crypto.PlainFileKey{Version: crypto.PlainFileKeyAES256GCM, Key: good.Key, IV: good.IV[:8]}, crypto.ErrInvalidFileKey},
		{"short tag", &crypto.PlainFileKey{Version: crypto.PlainFileKeyAES256GCM, Key: good.Key, IV: good.IV, Tag: []byte{1}}, crypto.ErrInvalidFileKey},
	}
	for _, c := range cases {
		if _, err := f.pair.PublicKey().EncryptFileKey(c.k); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := (&crypto.PublicKey{}).EncryptFileKey(good); !errors.Is(err, crypto.ErrInvalidArgument) {
		t.Errorf("zero public key: %v", err)
	}
	if _, err := crypto.EncryptFileKey(good, crypto.PublicKeyContainer{Version: "X"}); !errors.Is(err, crypto.ErrUnknownVersion) {
		t.Errorf("unknown public key version: %v", err)
	}
}

func TestPlainFileKeyJSON(t *testing.T) {
	t.Parallel()
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	iv := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 12))
	tag := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, 16))
	for _, v := range []string{"A", "AES-256-GCM"} {
		var k crypto.PlainFileKey
		in := fmt.Sprintf(`{"version":%q,"key":%q,"iv":%q,"tag":%q}`, v, key, iv, tag)
		if err := json.Unmarshal([]byte(in), &k); err != nil {
			t.Fatalf("version %s: %v", v, err)
		}
		if string(k.Version) != v || len(k.Key) != 32 || len(k.IV) != 12 || len(k.Tag) != 16 {
			t.Fatalf("decoded %v", k)
		}
		out, err := json.Marshal(k) // value
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"version":"AES-256-GCM","key":%q,"iv":%q,"tag":%q}`, key, iv, tag)
		if string(out) != want {
			t.Fatalf("encoded %s, want %s", out, want)
		}
		if out2, _ := json.Marshal(&k); string(out2) != want {
			t.Fatalf("pointer encoded %s", out2)
		}
	}
	for _, in := range []string{
		fmt.Sprintf(`{"version":"A","key":%q,"iv":%q}`, key, iv),
		fmt.Sprintf(`{"version":"A","key":%q,"iv":%q,"tag":null}`, key, iv),
		fmt.Sprintf(`{"version":"A","key":%q,"iv":%q,"tag":""}`, key, iv),
	} {
		var k crypto.PlainFileKey
		if err := json.Unmarshal([]byte(in), &k); err != nil || k.Tag != nil {
			t.Fatalf("%s: %v, tag %x", in, err, k.Tag)
		}
		out, _ := json.Marshal(k)
		if strings.Contains(string(out), "tag") {
			t.Fatalf("tag emitted: %s", out)
		}
	}
	bad := []struct {
		in   string
		want error
	}{
		{fmt.Sprintf(`{"version":"ZES-256-GCM","key":%q,"iv":%q}`, key, iv), crypto.ErrUnknownVersion},
		{fmt.Sprintf(`{"version":"RSA-4096/AES-256-GCM","key":%q,"iv":%q}`, key, iv), crypto.ErrUnknownVersion},
		{fmt.Sprintf(`{"key":%q,"iv":%q}`, key, iv), crypto.ErrUnknownVersion},
		{fmt.Sprintf(`{"version":"A","key":%q,"iv":%q}`, key[:20], iv), crypto.ErrInvalidFileKey},
		{fmt.Sprintf(`{"version":"A","key":%q,"iv":%q}`, iv, iv), crypto.ErrInvalidFileKey},
		{fmt.Sprintf(`{"version":"A","key":%q,"iv":%q}`, key, key), crypto.ErrInvalidFileKey},
		{fmt.Sprintf(`{"version":"A","key":%q,"iv":%q,"tag":"%s"}`, key, iv, iv), crypto.ErrInvalidFileKey},
		{fmt.Sprintf(`{"version":"A","key":%q,"iv":%q,"tag":7}`, key, iv), crypto.ErrInvalidFileKey},
		{`[]`, crypto.ErrInvalidFileKey},
	}
	for _, c := range bad {
		var k crypto.PlainFileKey
		if err := json.Unmarshal([]byte(c.in), &k); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.in, err, c.want)
		}
	}
	if _, err := json.Marshal(crypto.PlainFileKey{Version: "A", Key: []byte{1}}); !errors.Is(err, crypto.ErrInvalidFileKey) {
		t.Errorf("marshal short key: %v", err)
	}
}

// Argument errors come before any work (no key is generated).
func TestGenerateUserKeyPairErrors(t *testing.T) {
	t.Parallel()
	if _, err := crypto.GenerateUserKeyPair(crypto.KeyPairRSA4096, ""); !errors.Is(err, crypto.ErrInvalidArgument) {
		t.Errorf("empty password: %v", err)
	}
	for _, v := range []crypto.KeyPairVersion{"", "RSA-2048", "RSA-4096/AES-256-GCM", "a"} {
		if _, err := crypto.GenerateUserKeyPair(v, "pw"); !errors.Is(err, crypto.ErrUnknownVersion) {
			t.Errorf("version %q: %v", v, err)
		}
	}
	if _, err := crypto.LockWithIterations(&crypto.UserKeyPair{}, "pw", 1); !errors.Is(err, crypto.ErrInvalidArgument) {
		t.Errorf("zero key pair: %v", err)
	}
	if _, err := crypto.LockWithIterations(fixture(t, crypto.KeyPairRSA2048).pair, "", 1); !errors.Is(err, crypto.ErrInvalidArgument) {
		t.Errorf("empty password: %v", err)
	}
}
