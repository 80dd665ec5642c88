package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

// These tests build PBES2 containers with a small encoder of their own
// (independent of encryptPrivateKeyInfo) to cover every parameter variant
// DRACOON clients have written, and the ones no client writes.

// testPairA returns the RSA-2048 fixture key pair, opened once.
var testPairA = sync.OnceValues(func() (*UserKeyPair, error) {
	b, err := os.ReadFile("testdata/keypair_A.json")
	if err != nil {
		return nil, err
	}
	var f struct {
		Password    string               `json:"password"`
		UserKeyPair UserKeyPairContainer `json:"userKeyPair"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	return f.UserKeyPair.Unlock(f.Password)
})

func pairA(t testing.TB) *UserKeyPair {
	t.Helper()
	p, err := testPairA()
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return p
}

func derSeq(elems ...[]byte) []byte {
	b, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: bytes.Join(elems, nil)})
	if err != nil {
		panic(err)
	}
	return b
}

func derOf(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

var derNull = []byte{0x05, 0x00}

// variant describes one way to write a PBES2 container.
type variant struct {
	name       string
	prf        asn1.ObjectIdentifier // nil: PRF omitted (HMAC-SHA1)
	prfNull    bool                  // write NULL parameters with the PRF
	newHash    func() hash.Hash
	keyLength  int // 0: omitted
	cipher     asn1.ObjectIdentifier
	keySize    int
	saltLen    int
	iterations int
	ivLen      int
	kdf        asn1.ObjectIdentifier // default PBKDF2
	scheme     asn1.ObjectIdentifier // default PBES2
}

func (v variant) withDefaults() variant {
	if v.newHash == nil {
		v.newHash = sha1.New
	}
	if v.cipher == nil {
		v.cipher, v.keySize = oidAES256CBC, 32
	}
	if v.saltLen == 0 {
		v.saltLen = 20
	}
	if v.iterations == 0 {
		v.iterations = 3
	}
	if v.iterations < 0 {
		v.iterations = 0
	}
	if v.ivLen == 0 {
		v.ivLen = 16
	}
	if v.kdf == nil {
		v.kdf = oidPBKDF2
	}
	if v.scheme == nil {
		v.scheme = oidPBES2
	}
	return v
}

// encrypt writes plain (a DER PrivateKeyInfo) as a PBES2 PEM under the
// password bytes pw.
func (v variant) encrypt(t testing.TB, plain, pw []byte) string {
	t.Helper()
	v = v.withDefaults()
	salt := bytes.Repeat([]byte{0x5a}, v.saltLen)
	iv := bytes.Repeat([]byte{0xa5}, v.ivLen)
	keySize := v.keySize
	if keySize == 0 {
		keySize = 32
	}
	// Iteration counts the reader must refuse are written without running
	// PBKDF2 (the key is then arbitrary).
	key := bytes.Repeat([]byte{7}, keySize)
	if v.iterations >= 1 && v.iterations <= 100_000 {
		var err error
		if key, err = pbkdf2.Key(v.newHash, string(pw), salt, v.iterations, keySize); err != nil {
			t.Fatal(err)
		}
	}
	cbcIV := iv
	if len(cbcIV) != aes.BlockSize {
		cbcIV = make([]byte, aes.BlockSize)
	}
	var ct []byte
	if keySize == 16 || keySize == 24 || keySize == 32 {
		ct = encryptCBCWithKey(key, cbcIV, plain)
	} else {
		ct = bytes.Repeat([]byte{1}, 32)
	}
	kdfParams := [][]byte{derOf(salt), derOf(v.iterations)}
	if v.keyLength != 0 {
		kdfParams = append(kdfParams, derOf(v.keyLength))
	}
	if v.prf != nil {
		if v.prfNull {
			kdfParams = append(kdfParams, derSeq(derOf(v.prf), derNull))
		} else {
			kdfParams = append(kdfParams, derSeq(derOf(v.prf)))
		}
	}
	params := derSeq(
		derSeq(derOf(v.kdf), derSeq(kdfParams...)),
		derSeq(derOf(v.cipher), derOf(iv)),
	)
	epki := derSeq(derSeq(derOf(v.scheme), params), derOf(ct))
	return encodePEM(pemEncryptedPrivateKey, epki)
}

func encryptCBCWithKey(key, iv, plain []byte) []byte {
	if len(key) == 32 {
		return encryptCBC(key, iv, plain)
	}
	// encryptCBC only takes AES-256 keys in production; pad the key
	// schedule question away by using the generic path here.
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	for i := 0; i < len(buf); i += aes.BlockSize {
		prev := iv
		if i > 0 {
			prev = buf[i-aes.BlockSize : i]
		}
		for j := range aes.BlockSize {
			buf[i+j] ^= prev[j]
		}
		block.Encrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	return buf
}

func pkcs8Of(t testing.TB, p *UserKeyPair) []byte {
	t.Helper()
	b, err := x509.MarshalPKCS8PrivateKey(p.PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unlockPEM(text, password string, maxIter int) (*UserKeyPair, string, error) {
	return unlock(&PrivateKeyContainer{Version: KeyPairRSA2048, PrivateKey: text}, nil, password, maxIter)
}

func TestPBES2ReadsEveryVariant(t *testing.T) {
	t.Parallel()
	pair := pairA(t)
	plain := pkcs8Of(t, pair)
	const pw = "Qwer1234!"
	variants := []variant{
		{name: "current writers: PRF and keyLength omitted"},
		{name: "C# 2023: explicit hmacWithSHA1 without NULL", prf: oidHMACWithSHA1},
		{name: "explicit hmacWithSHA1 with NULL", prf: oidHMACWithSHA1, prfNull: true},
		{name: "old Rust: hmacWithSHA256 with NULL, 8-byte salt, 2048 iterations", prf: oidHMACWithSHA256, prfNull: true, newHash: sha256.New, saltLen: 8, iterations: 2048},
		{name: "hmacWithSHA224", prf: oidHMACWithSHA224, prfNull: true, newHash: sha256.New224},
		{name: "hmacWithSHA384", prf: oidHMACWithSHA384, newHash: sha512.New384},
		{name: "hmacWithSHA512", prf: oidHMACWithSHA512, prfNull: true, newHash: sha512.New},
		{name: "legacy JS: 128-byte salt", saltLen: 128, iterations: 10},
		{name: "1-byte salt", saltLen: 1},
		{name: "keyLength 32 with aes256", keyLength: 32},
		{name: "aes128-CBC", cipher: oidAES128CBC, keySize: 16},
		{name: "aes192-CBC with keyLength 24", cipher: oidAES192CBC, keySize: 24, keyLength: 24},
		{name: "one iteration", iterations: 1},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			text := v.encrypt(t, plain, []byte(pw))
			got, enc, err := unlockPEM(text, pw, MaxPBKDF2Iterations)
			if err != nil {
				t.Fatalf("unlock: %v", err)
			}
			if enc != encodingUTF8 || !got.PrivateKey().Equal(pair.PrivateKey()) {
				t.Fatalf("opened with %s, same key %t", enc, got.PrivateKey().Equal(pair.PrivateKey()))
			}
			if _, _, err := unlockPEM(text, pw+"x", MaxPBKDF2Iterations); !errors.Is(err, ErrWrongPassword) {
				t.Fatalf("wrong password: got %v", err)
			}
		})
	}
}

func TestPBES2RejectsWhatNoClientWrites(t *testing.T) {
	t.Parallel()
	plain := pkcs8Of(t, pairA(t))
	cases := []struct {
		v    variant
		want error
	}{
		{variant{name: "PBES1 scheme (pbeWithMD5AndDES-CBC)", scheme: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 3}}, ErrUnsupported},
		{variant{name: "scrypt KDF", kdf: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}}, ErrUnsupported},
		{variant{name: "des-ede3-cbc", cipher: asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}, keySize: 24}, ErrUnsupported},
		{variant{name: "hmacWithSHA512-224", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 12}}, ErrUnsupported},
		{variant{name: "iterations above the cap", iterations: MaxPBKDF2Iterations + 1}, ErrUnsupported},
		{variant{name: "keyLength differs from the cipher key", keyLength: 16}, ErrMalformedKey},
		{variant{name: "8-byte IV", ivLen: 8}, ErrMalformedKey},
		{variant{name: "iterations 0", iterations: -1}, ErrMalformedKey},
		{variant{name: "iterations math.MaxInt", iterations: math.MaxInt}, ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.v.name, func(t *testing.T) {
			_, _, err := unlockPEM(c.v.encrypt(t, plain, []byte("pw")), "pw", MaxPBKDF2Iterations)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestPasswordEncodings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pw   string
		want [][]byte
	}{
		{"Qwer1234!", [][]byte{[]byte("Qwer1234!")}},
		{"Qwer1234!ä", [][]byte{[]byte("Qwer1234!ä"), []byte("Qwer1234!\xe4")}},
		{"äöÿ", [][]byte{[]byte("äöÿ"), {0xe4, 0xf6, 0xff}}},
		{"Qwer1234!ä€", [][]byte{[]byte("Qwer1234!ä€")}}, // € is above U+00FF
		{"Qwer1234!ä🐛", [][]byte{[]byte("Qwer1234!ä🐛")}}, // so is 🐛
		{"a\xffb", [][]byte{[]byte("a\xffb")}},           // not UTF-8: bytes as given
	}
	for _, c := range cases {
		got := passwordEncodings(c.pw)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("passwordEncodings(%q) = %x, want %x", c.pw, got, c.want)
		}
	}
}

func TestPBES2Latin1Fallback(t *testing.T) {
	t.Parallel()
	plain := pkcs8Of(t, pairA(t))
	const pw = "Qwer1234!äö"
	text := variant{}.encrypt(t, plain, []byte("Qwer1234!\xe4\xf6"))
	if _, enc, err := unlockPEM(text, pw, MaxPBKDF2Iterations); err != nil || enc != encodingLatin1 {
		t.Fatalf("latin1 key: encoding %q, err %v", enc, err)
	}
	utf := variant{}.encrypt(t, plain, []byte(pw))
	if _, enc, err := unlockPEM(utf, pw, MaxPBKDF2Iterations); err != nil || enc != encodingUTF8 {
		t.Fatalf("UTF-8 key: encoding %q, err %v", enc, err)
	}
	// A password with a character above U+00FF has no ISO-8859-1 form;
	// bytes made by truncating each character (Java before 2024) do not
	// open (the optional third step is not implemented).
	trunc := variant{}.encrypt(t, plain, []byte("Qwer1234!\xe4\x1b"))
	if _, _, err := unlockPEM(trunc, "Qwer1234!ä€", MaxPBKDF2Iterations); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("got %v, want ErrWrongPassword", err)
	}
}

// A wrong key yields valid PKCS#7 padding about once in 256 tries. Such a
// result must count as a wrong password, not as a corrupt key.
func TestPBES2ValidPaddingByChanceIsWrongPassword(t *testing.T) {
	t.Parallel()
	plain := pkcs8Of(t, pairA(t))
	v := variant{iterations: 1}.withDefaults()
	text := v.encrypt(t, plain, []byte("right"))
	_, body, err := decodePEM(text, pemEncryptedPrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	params, data, err := parseEncryptedPrivateKeyInfo(body, MaxPBKDF2Iterations)
	if err != nil {
		t.Fatal(err)
	}
	found := ""
	for i := 0; i < 100000 && found == ""; i++ {
		pw := fmt.Sprintf("wrong-%d", i)
		dk, err := params.deriveKey([]byte(pw))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := decryptCBC(dk, params.iv, data); ok {
			found = pw
		}
	}
	if found == "" {
		t.Fatal("no wrong password with valid padding found")
	}
	_, _, err = unlockPEM(text, found, MaxPBKDF2Iterations)
	if !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("password %q passes the padding check; got %v, want ErrWrongPassword", found, err)
	}
}

func TestPBES2TamperedAndTruncated(t *testing.T) {
	t.Parallel()
	plain := pkcs8Of(t, pairA(t))
	text := variant{}.encrypt(t, plain, []byte("pw"))
	_, body, _ := decodePEM(text, pemEncryptedPrivateKey)
	for _, off := range []int{len(body) - 1, len(body) - 40, len(body) - 600} {
		b := bytes.Clone(body)
		b[off] ^= 0x01
		_, _, err := unlockPEM(encodePEM(pemEncryptedPrivateKey, b), "pw", MaxPBKDF2Iterations)
		if !errors.Is(err, ErrWrongPassword) {
			t.Errorf("flipped byte at %d: got %v, want ErrWrongPassword", off, err)
		}
	}
	// Cutting the DER short breaks the structure: a malformed key.
	for _, n := range []int{0, 1, 10, len(body) / 2, len(body) - 1} {
		_, _, err := unlockPEM(encodePEM(pemEncryptedPrivateKey, body[:n]), "pw", MaxPBKDF2Iterations)
		if !errors.Is(err, ErrMalformedKey) {
			t.Errorf("truncated to %d bytes: got %v, want ErrMalformedKey", n, err)
		}
	}
}

func TestPBES2WriterLayout(t *testing.T) {
	t.Parallel()
	plain := pkcs8Of(t, pairA(t))
	der, err := encryptPrivateKeyInfo(plain, []byte("pw"), 7, strings.NewReader(strings.Repeat("r", 36)))
	if err != nil {
		t.Fatal(err)
	}
	// Decode with encoding/asn1 into the exact expected shape; absent
	// optional fields must leave nothing behind.
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
	rest, err := asn1.Unmarshal(der, &epki)
	if err != nil || len(rest) != 0 {
		t.Fatalf("asn1: %v, %d trailing bytes", err, len(rest))
	}
	p := epki.Alg.Params
	switch {
	case !epki.Alg.OID.Equal(oidPBES2):
		t.Errorf("scheme %v", epki.Alg.OID)
	case !p.KDF.OID.Equal(oidPBKDF2):
		t.Errorf("KDF %v", p.KDF.OID)
	case !bytes.Equal(p.KDF.Params.Salt, []byte(strings.Repeat("r", 20))):
		t.Errorf("salt %x", p.KDF.Params.Salt)
	case p.KDF.Params.Iterations != 7:
		t.Errorf("iterations %d", p.KDF.Params.Iterations)
	case len(p.KDF.Params.Rest) != 0:
		t.Errorf("keyLength or PRF written: %d extra elements", len(p.KDF.Params.Rest))
	case !p.Enc.OID.Equal(oidAES256CBC):
		t.Errorf("cipher %v", p.Enc.OID)
	case !bytes.Equal(p.Enc.IV, []byte(strings.Repeat("r", 16))):
		t.Errorf("IV %x", p.Enc.IV)
	}
	// Decrypt independently: PBKDF2-HMAC-SHA1 → AES-256-CBC → PKCS#7 →
	// x509.ParsePKCS8PrivateKey.
	key, _ := pbkdf2.Key(sha1.New, "pw", p.KDF.Params.Salt, 7, 32)
	got, ok := decryptCBC(key, p.Enc.IV, epki.Data)
	if !ok || !bytes.Equal(got, plain) {
		t.Fatal("independent decryption does not give the PrivateKeyInfo back")
	}
	if _, err := x509.ParsePKCS8PrivateKey(got); err != nil {
		t.Fatal(err)
	}
}

func TestPBES2IterationCapIsConfigurable(t *testing.T) {
	t.Parallel()
	plain := pkcs8Of(t, pairA(t))
	text := variant{iterations: 50}.encrypt(t, plain, []byte("pw"))
	if _, _, err := unlockPEM(text, "pw", 49); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("cap 49: got %v", err)
	}
	if _, _, err := unlockPEM(text, "pw", 50); err != nil {
		t.Fatalf("cap 50: %v", err)
	}
}
