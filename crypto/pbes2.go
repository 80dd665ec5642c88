package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/asn1"
	"fmt"
	"hash"
	"io"
	"unicode/utf8"

	"github.com/dracoon-go/dracoon/crypto/internal/der"
)

// PBES2 (RFC 8018) protection of PKCS#8 private keys, as DRACOON clients
// write and have written it (see the package documentation of the key pair
// functions for the accepted parameters).

// Parameters this package writes. They match the official SDKs byte for
// byte in layout: PBKDF2 with HMAC-SHA1 (PRF omitted as the default),
// keyLength omitted, AES-256-CBC.
const (
	// PBKDF2Iterations is the iteration count written into new private
	// keys, as the official SDKs do since 2023.
	PBKDF2Iterations = 1_300_000
	// MaxPBKDF2Iterations is the highest iteration count accepted when
	// reading a private key protected with PBKDF2-HMAC-SHA1, the PRF of
	// every official SDK; higher counts are ErrUnsupported. It bounds the
	// work a hostile key container can cause: see MaxPBKDF2IterationsOtherPRF
	// for the measured cost.
	MaxPBKDF2Iterations = 10_000_000

	// MaxPBKDF2IterationsOtherPRF is the lower cap for the PRFs no official
	// SDK has written: HMAC-SHA224, -SHA256, -SHA384 and -SHA512 (the only
	// known writer is a third-party client, dco3 before 0.8, with SHA-256
	// and 2 048 iterations; the official test data uses SHA-1 only). It
	// equals the highest count any DRACOON client writes, PBKDF2Iterations.
	//
	// What a hostile key container costs: an Unlock attempt is one PBKDF2
	// derivation, or two when the password has non-ASCII characters that
	// are all ≤ U+00FF (the ISO-8859-1 retry), always of a 32-byte AES key,
	// which SHA-1 and SHA-224 compute as two PBKDF2 blocks. CPU time of one
	// core on the development machine (Zen 5 with SHA extensions, Go 1.26;
	// BenchmarkHostileKeyContainer and a plain PBKDF2 loop, timed with
	// getrusage because the machine is shared):
	//
	//	HMAC-SHA1,   10 000 000 iterations: 3.6 s, 7.2 s with the retry (the bound)
	//	HMAC-SHA512, 10 000 000 (accepted before this cap): 4.7 s, 9.4 s with the retry
	//	HMAC-SHA512,  1 300 000: 0.60 s, 1.2 s with the retry
	//	HMAC-SHA384,  1 300 000: 0.61 s, 1.2 s with the retry
	//	HMAC-SHA224,  1 300 000: 0.47 s, 0.93 s with the retry
	//	HMAC-SHA256,  1 300 000: 0.21 s, 0.43 s with the retry
	//	HMAC-SHA1,    1 300 000 (every key written today): 0.48 s
	//
	// So no container costs more than about 7.2 s of one core per password
	// tried; callers that unlock keys from untrusted sources should do it
	// off any latency-critical path and bound how many run at once.
	MaxPBKDF2IterationsOtherPRF = PBKDF2Iterations

	pbkdf2SaltSize = 20
	cbcIVSize      = aes.BlockSize
)

var (
	oidPBES2          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

// pbes2Params are the parameters of one PBES2-protected private key.
type pbes2Params struct {
	prf        func() hash.Hash
	prfName    string
	salt       []byte
	iterations int
	keySize    int // AES key size: 16, 24 or 32
	iv         []byte
}

var prfs = []struct {
	oid  asn1.ObjectIdentifier
	name string
	new  func() hash.Hash
}{
	{oidHMACWithSHA1, "HMAC-SHA1", sha1.New},
	{oidHMACWithSHA224, "HMAC-SHA224", sha256.New224},
	{oidHMACWithSHA256, "HMAC-SHA256", sha256.New},
	{oidHMACWithSHA384, "HMAC-SHA384", sha512.New384},
	{oidHMACWithSHA512, "HMAC-SHA512", sha512.New},
}

var ciphers = []struct {
	oid     asn1.ObjectIdentifier
	keySize int
}{
	{oidAES128CBC, 16},
	{oidAES192CBC, 24},
	{oidAES256CBC, 32},
}

// parseEncryptedPrivateKeyInfo parses a PKCS#8 EncryptedPrivateKeyInfo with
// PBES2 parameters. maxIter bounds the iteration count (ErrUnsupported
// above it). Structural problems are ErrMalformedKey; algorithms outside
// PBES2/PBKDF2/AES-CBC are ErrUnsupported.
func parseEncryptedPrivateKeyInfo(b []byte, maxIter int) (*pbes2Params, []byte, error) {
	const what = "encrypted private key"
	top := der.NewReader(b)
	seq, err := top.Sequence()
	if err != nil {
		return nil, nil, malformed(what, err)
	}
	if !top.Empty() {
		return nil, nil, malformed(what+": trailing data", nil)
	}
	oid, tag, params, has, err := seq.AlgorithmIdentifier()
	if err != nil {
		return nil, nil, malformed(what, err)
	}
	if !oid.Equal(oidPBES2) {
		return nil, nil, fmt.Errorf("crypto: %s: encryption scheme %s is not PBES2: %w", what, oid, ErrUnsupported)
	}
	if !has || tag != der.TagSequence {
		return nil, nil, malformed(what+": PBES2 parameters missing", nil)
	}
	p, err := parsePBES2Params(der.NewReader(params), maxIter)
	if err != nil {
		return nil, nil, err
	}
	data, err := seq.OctetString()
	if err != nil {
		return nil, nil, malformed(what, err)
	}
	if !seq.Empty() {
		return nil, nil, malformed(what+": trailing data", nil)
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, nil, malformed(fmt.Sprintf("%s: %d encrypted bytes are not whole AES blocks", what, len(data)), nil)
	}
	return p, data, nil
}

// parsePBES2Params reads the contents of a PBES2-params SEQUENCE.
func parsePBES2Params(r *der.Reader, maxIter int) (*pbes2Params, error) {
	const what = "PBES2 parameters"
	p := &pbes2Params{prf: sha1.New, prfName: "HMAC-SHA1"}

	// keyDerivationFunc
	kdf, tag, params, has, err := r.AlgorithmIdentifier()
	if err != nil {
		return nil, malformed(what, err)
	}
	if !kdf.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("crypto: %s: key derivation %s is not PBKDF2: %w", what, kdf, ErrUnsupported)
	}
	if !has || tag != der.TagSequence {
		return nil, malformed(what+": PBKDF2 parameters missing", nil)
	}
	kdfParams := der.NewReader(params)
	saltTag, salt, err := kdfParams.Next()
	if err != nil {
		return nil, malformed(what, err)
	}
	if saltTag != der.TagOctetString {
		// The otherSource alternative of the salt CHOICE is reserved.
		return nil, fmt.Errorf("crypto: %s: salt is not an OCTET STRING: %w", what, ErrUnsupported)
	}
	p.salt = salt
	iter, ok, err := kdfParams.SmallInt(int64(maxIter))
	if err != nil {
		return nil, malformed(what, err)
	}
	if !ok {
		return nil, fmt.Errorf("crypto: %s: iteration count above %d: %w", what, maxIter, ErrUnsupported)
	}
	if iter < 1 {
		return nil, malformed(what+": iteration count 0", nil)
	}
	p.iterations = int(iter)
	keyLength := int64(-1)
	if t, ok := kdfParams.PeekTag(); ok && t == der.TagInteger {
		kl, ok, err := kdfParams.SmallInt(1 << 16)
		if err != nil {
			return nil, malformed(what, err)
		}
		if !ok {
			return nil, malformed(what+": keyLength too large", nil)
		}
		keyLength = kl
	}
	if !kdfParams.Empty() {
		prf, prfTag, prfParams, prfHas, err := kdfParams.AlgorithmIdentifier()
		if err != nil {
			return nil, malformed(what, err)
		}
		if prfHas && (prfTag != der.TagNull || len(prfParams) != 0) {
			return nil, malformed(what+": PRF parameters are not NULL", nil)
		}
		found := false
		for _, c := range prfs {
			if prf.Equal(c.oid) {
				p.prf, p.prfName, found = c.new, c.name, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("crypto: %s: PRF %s: %w", what, prf, ErrUnsupported)
		}
		if !prf.Equal(oidHMACWithSHA1) && p.iterations > MaxPBKDF2IterationsOtherPRF {
			return nil, fmt.Errorf("crypto: %s: %s with more than %d iterations: %w", what, p.prfName, MaxPBKDF2IterationsOtherPRF, ErrUnsupported)
		}
		if !kdfParams.Empty() {
			return nil, malformed(what+": trailing data in PBKDF2 parameters", nil)
		}
	}

	// encryptionScheme
	enc, tag, iv, has, err := r.AlgorithmIdentifier()
	if err != nil {
		return nil, malformed(what, err)
	}
	for _, c := range ciphers {
		if enc.Equal(c.oid) {
			p.keySize = c.keySize
			break
		}
	}
	if p.keySize == 0 {
		return nil, fmt.Errorf("crypto: %s: cipher %s is not AES-CBC: %w", what, enc, ErrUnsupported)
	}
	if !has || tag != der.TagOctetString || len(iv) != cbcIVSize {
		return nil, malformed(what+": AES-CBC needs a 16-byte IV", nil)
	}
	p.iv = iv
	if !r.Empty() {
		return nil, malformed(what+": trailing data", nil)
	}
	if keyLength >= 0 && keyLength != int64(p.keySize) {
		return nil, malformed(fmt.Sprintf("%s: keyLength %d does not match the %d-byte AES key", what, keyLength, p.keySize), nil)
	}
	return p, nil
}

// deriveKey runs PBKDF2 for one password encoding.
func (p *pbes2Params) deriveKey(password []byte) ([]byte, error) {
	k, err := pbkdf2.Key(p.prf, string(password), p.salt, p.iterations, p.keySize)
	if err != nil {
		// Only possible in FIPS-only mode (which refuses HMAC-SHA1 and
		// short salts); there is nothing else to try.
		return nil, fmt.Errorf("crypto: PBKDF2 with %s: %w: %v", p.prfName, ErrUnsupported, err)
	}
	return k, nil
}

// decryptCBC decrypts data with AES-CBC and removes PKCS#7 padding. ok is
// false when the padding is invalid; a wrong key fails that check except
// about once in 256 tries, so callers must still check the result.
func decryptCBC(key, iv, data []byte) (plain []byte, ok bool) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, false
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	n := len(out)
	pad := int(out[n-1])
	if pad == 0 || pad > aes.BlockSize || pad > n {
		return nil, false
	}
	good := 1
	for _, b := range out[n-pad:] {
		good &= subtle.ConstantTimeByteEq(b, byte(pad))
	}
	if good != 1 {
		return nil, false
	}
	return out[:n-pad], true
}

// encryptCBC pads plain with PKCS#7 and encrypts it with AES-CBC.
func encryptCBC(key, iv, plain []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("crypto: AES key of invalid size") // callers pass 32 bytes
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := make([]byte, len(plain)+pad)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(buf, buf)
	return buf
}

// passwordEncodings returns the byte strings to try for password, in
// order: its UTF-8 bytes, then, if every character is at most U+00FF and
// that differs from UTF-8, its ISO-8859-1 bytes (older clients used one
// byte per character).
func passwordEncodings(password string) [][]byte {
	utf := []byte(password)
	if !utf8.ValidString(password) {
		return [][]byte{utf}
	}
	latin := make([]byte, 0, len(password))
	for _, r := range password {
		if r > 0xff {
			return [][]byte{utf}
		}
		latin = append(latin, byte(r))
	}
	if bytes.Equal(latin, utf) {
		return [][]byte{utf}
	}
	return [][]byte{utf, latin}
}

// encryptPrivateKeyInfo protects a DER PrivateKeyInfo in the layout the
// official SDKs write: PBES2, PBKDF2-HMAC-SHA1 with a 20-byte salt and the
// PRF and keyLength omitted, AES-256-CBC with a 16-byte IV. It returns the
// DER EncryptedPrivateKeyInfo.
func encryptPrivateKeyInfo(pkcs8, password []byte, iterations int, random io.Reader) ([]byte, error) {
	salt := make([]byte, pbkdf2SaltSize)
	iv := make([]byte, cbcIVSize)
	if _, err := io.ReadFull(random, salt); err != nil {
		return nil, fmt.Errorf("crypto: random salt: %w", err)
	}
	if _, err := io.ReadFull(random, iv); err != nil {
		return nil, fmt.Errorf("crypto: random IV: %w", err)
	}
	key, err := pbkdf2.Key(sha1.New, string(password), salt, iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("crypto: PBKDF2: %w", err)
	}
	type algorithm struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue
	}
	type pbkdf2Params struct {
		Salt       []byte
		Iterations int
	}
	type pbes2Params struct {
		KeyDerivationFunc algorithm
		EncryptionScheme  algorithm
	}
	type encryptedPrivateKeyInfo struct {
		EncryptionAlgorithm algorithm
		EncryptedData       []byte
	}
	raw := func(v any) (asn1.RawValue, error) {
		b, err := asn1.Marshal(v)
		return asn1.RawValue{FullBytes: b}, err
	}
	kdfParams, err := raw(pbkdf2Params{Salt: salt, Iterations: iterations})
	if err != nil {
		return nil, fmt.Errorf("crypto: encode PBKDF2 parameters: %w", err)
	}
	ivParam, err := raw(iv)
	if err != nil {
		return nil, fmt.Errorf("crypto: encode IV: %w", err)
	}
	schemeParams, err := raw(pbes2Params{
		KeyDerivationFunc: algorithm{oidPBKDF2, kdfParams},
		EncryptionScheme:  algorithm{oidAES256CBC, ivParam},
	})
	if err != nil {
		return nil, fmt.Errorf("crypto: encode PBES2 parameters: %w", err)
	}
	out, err := asn1.Marshal(encryptedPrivateKeyInfo{
		EncryptionAlgorithm: algorithm{oidPBES2, schemeParams},
		EncryptedData:       encryptCBC(key, iv, pkcs8),
	})
	if err != nil {
		return nil, fmt.Errorf("crypto: encode encrypted private key: %w", err)
	}
	return out, nil
}
