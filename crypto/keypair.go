package crypto

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
)

// UserKeyPair is an unlocked user key pair: the RSA private key and its
// public key. It is safe for concurrent use. Its String and GoString
// methods never print key material.
type UserKeyPair struct {
	version KeyPairVersion
	priv    *rsa.PrivateKey
	pub     *PublicKey
}

// PublicKey is a parsed public key of a user key pair. Parse it once with
// ParsePublicKey to wrap many file keys for the same user. It is safe for
// concurrent use.
type PublicKey struct {
	version KeyPairVersion
	key     *rsa.PublicKey
}

// GenerateUserKeyPair creates a new RSA key pair of the given version
// (2048 bits for KeyPairRSA2048, 4096 bits for KeyPairRSA4096; public
// exponent 65537) and returns it with the private key encrypted under
// password, ready to be uploaded. Generating an RSA-4096 key takes about a
// second, occasionally several.
//
// The containers are written exactly as the official SDKs write them: the
// private key as PKCS#8 PrivateKeyInfo encrypted with PBES2 (PBKDF2 with
// HMAC-SHA1 and PBKDF2Iterations iterations over the UTF-8 bytes of the
// password, a 20-byte random salt, AES-256-CBC with a 16-byte random IV;
// PRF and key length omitted from the ASN.1) in an "ENCRYPTED PRIVATE KEY"
// PEM, the public key as an X.509 "PUBLIC KEY" PEM, both with 64-character
// lines and LF line ends, both containers with the same version.
//
// An empty password is ErrInvalidArgument and an unknown version
// ErrUnknownVersion; both are checked before any work.
func GenerateUserKeyPair(version KeyPairVersion, password string) (*UserKeyPairContainer, error) {
	if password == "" {
		return nil, fmt.Errorf("crypto: generate key pair: empty password: %w", ErrInvalidArgument)
	}
	kp, err := generateUserKeyPair(version, rand.Reader)
	if err != nil {
		return nil, err
	}
	return kp.lock(password, PBKDF2Iterations, rand.Reader)
}

func generateUserKeyPair(version KeyPairVersion, random io.Reader) (*UserKeyPair, error) {
	if err := version.Validate(); err != nil {
		return nil, err
	}
	priv, err := rsa.GenerateKey(random, version.Bits())
	if err != nil {
		return nil, fmt.Errorf("crypto: generate %d-bit RSA key: %w", version.Bits(), err)
	}
	return newUserKeyPair(version, priv), nil
}

func newUserKeyPair(version KeyPairVersion, priv *rsa.PrivateKey) *UserKeyPair {
	return &UserKeyPair{
		version: version,
		priv:    priv,
		pub:     &PublicKey{version: version, key: &priv.PublicKey},
	}
}

// lock encrypts the private key under password and returns both
// containers.
func (p *UserKeyPair) lock(password string, iterations int, random io.Reader) (*UserKeyPairContainer, error) {
	if !p.valid() {
		return nil, fmt.Errorf("crypto: encrypt private key: empty key pair: %w", ErrInvalidArgument)
	}
	if password == "" {
		return nil, fmt.Errorf("crypto: encrypt private key: empty password: %w", ErrInvalidArgument)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(p.priv)
	if err != nil {
		return nil, fmt.Errorf("crypto: encode private key: %w", err)
	}
	defer clear(pkcs8)
	enc, err := encryptPrivateKeyInfo(pkcs8, []byte(password), iterations, random)
	if err != nil {
		return nil, err
	}
	return &UserKeyPairContainer{
		PrivateKeyContainer: PrivateKeyContainer{
			Version:    p.version,
			PrivateKey: encodePEM(pemEncryptedPrivateKey, enc),
		},
		PublicKeyContainer: p.pub.Container(),
	}, nil
}

// Unlock decrypts the private key with password and returns the unlocked
// key pair. When the public key container is present (not the zero value)
// its version must equal the private key's (ErrVersionMismatch) and its key
// must belong to the private key (ErrInvalidKey); when it is the zero
// value, the public key is derived from the private key.
//
// Every private key variant DRACOON clients have written is read: PBKDF2
// with any salt length, up to MaxPBKDF2Iterations iterations and HMAC-SHA1
// (explicit or implied), -SHA224, -SHA256, -SHA384 or -SHA512; an optional
// key length equal to the cipher's; AES-128/192/256-CBC; LF or CRLF PEM
// with or without a final line break; INTEGERs with superfluous leading
// zero bytes (legacy JS keys). The password is tried as UTF-8 and then, if
// every character is at most U+00FF and the bytes differ, as ISO-8859-1, the
// one-byte-per-character encoding of older clients. A PKCS#1 "RSA PUBLIC
// KEY" PEM is accepted as public key.
//
// Errors, each checked before the next, more expensive step:
// ErrInvalidArgument (empty password), ErrUnknownVersion,
// ErrVersionMismatch, ErrMalformedPEM (broken armour), ErrMalformedKey
// (base64 or ASN.1 not as expected), ErrUnsupported (algorithms no DRACOON
// client writes, or more than MaxPBKDF2Iterations), ErrWrongPassword (no
// password encoding decrypts the key to a consistent RSA key; a tampered
// key looks the same), ErrInvalidKey (the key's size does not match the
// version, or the public key does not belong to it).
func (c *UserKeyPairContainer) Unlock(password string) (*UserKeyPair, error) {
	if c == nil {
		return nil, fmt.Errorf("crypto: unlock: nil key pair container: %w", ErrInvalidArgument)
	}
	kp, _, err := unlock(&c.PrivateKeyContainer, &c.PublicKeyContainer, password, MaxPBKDF2Iterations)
	return kp, err
}

// Unlock decrypts the private key with password and returns the unlocked
// key pair, its public key derived from the private key. It reports the
// same errors as UserKeyPairContainer.Unlock.
func (c *PrivateKeyContainer) Unlock(password string) (*UserKeyPair, error) {
	if c == nil {
		return nil, fmt.Errorf("crypto: unlock: nil private key container: %w", ErrInvalidArgument)
	}
	kp, _, err := unlock(c, nil, password, MaxPBKDF2Iterations)
	return kp, err
}

// CheckUserKeyPair reports whether password opens the key pair: nil if it
// does, otherwise an error wrapping ErrWrongPassword or one of the other
// errors of UserKeyPairContainer.Unlock. Unlike the official SDKs it also
// checks that the public key belongs to the private key (when the container
// has one) and that the key size matches the version. It has no side
// effects; callers that go on to use the key pair should call Unlock
// instead, which costs the same.
func CheckUserKeyPair(c *UserKeyPairContainer, password string) error {
	_, err := c.Unlock(password)
	return err
}

func (c *PublicKeyContainer) isZero() bool {
	return c == nil || (c.Version == "" && c.PublicKey == "")
}

// Password encodings, as reported by unlock.
const (
	encodingUTF8   = "utf8"
	encodingLatin1 = "latin1"
)

// unlock implements Unlock and also reports which password encoding opened
// the key.
func unlock(priv *PrivateKeyContainer, pubC *PublicKeyContainer, password string, maxIter int) (*UserKeyPair, string, error) {
	if password == "" {
		return nil, "", fmt.Errorf("crypto: unlock: empty password: %w", ErrInvalidArgument)
	}
	if err := priv.Version.Validate(); err != nil {
		return nil, "", err
	}
	var pub *PublicKey
	if !pubC.isZero() {
		if err := pubC.Version.Validate(); err != nil {
			return nil, "", err
		}
		if pubC.Version != priv.Version {
			return nil, "", fmt.Errorf("crypto: private key version %q, public key version %q: %w", string(priv.Version), string(pubC.Version), ErrVersionMismatch)
		}
		var err error
		if pub, err = ParsePublicKey(*pubC); err != nil {
			return nil, "", err
		}
	}
	key, encoding, err := decryptPrivateKeyPEM(priv.PrivateKey, password, priv.Version, maxIter)
	if err != nil {
		return nil, "", err
	}
	if pub != nil && !key.PublicKey.Equal(pub.key) {
		return nil, "", fmt.Errorf("crypto: the public key does not belong to the private key: %w", ErrInvalidKey)
	}
	return newUserKeyPair(priv.Version, key), encoding, nil
}

// decryptPrivateKeyPEM opens an "ENCRYPTED PRIVATE KEY" PEM and reports
// which password encoding opened it. The key is checked against version
// and validated mathematically.
func decryptPrivateKeyPEM(text, password string, version KeyPairVersion, maxIter int) (*rsa.PrivateKey, string, error) {
	_, body, err := decodePEM(text, pemEncryptedPrivateKey)
	if err != nil {
		return nil, "", err
	}
	params, data, err := parseEncryptedPrivateKeyInfo(body, maxIter)
	if err != nil {
		return nil, "", err
	}
	for i, pw := range passwordEncodings(password) {
		dk, err := params.deriveKey(pw)
		clear(pw)
		if err != nil {
			return nil, "", err
		}
		plain, ok := decryptCBC(dk, params.iv, data)
		clear(dk)
		if !ok {
			continue
		}
		key, err := parsePrivateKeyInfo(plain)
		clear(plain)
		if errors.Is(err, ErrMalformedKey) {
			// Valid padding by chance under a wrong key (about 1 in 256):
			// garbage that does not parse is a wrong password too.
			continue
		}
		if err != nil {
			return nil, "", err
		}
		if err := checkModulusSize(key.N, version); err != nil {
			// A well-formed key of the wrong size: the password was right.
			return nil, "", err
		}
		if err := validatePrivateKey(key); err != nil {
			// Decrypted bytes that parse but do not form a consistent RSA
			// key come from an altered ciphertext (CBC garbles one block
			// per changed byte): indistinguishable from a wrong password.
			continue
		}
		if i == 0 {
			return key, encodingUTF8, nil
		}
		return key, encodingLatin1, nil
	}
	return nil, "", fmt.Errorf("crypto: private key cannot be decrypted with this password (or the encrypted key was altered): %w", ErrWrongPassword)
}

// ParsePublicKey parses and checks a public key container: known version,
// intact "PUBLIC KEY" (or PKCS#1 "RSA PUBLIC KEY") PEM, an RSA key whose
// size matches the version. Errors: ErrUnknownVersion, ErrMalformedPEM,
// ErrMalformedKey, ErrUnsupported (not RSA), ErrInvalidKey.
func ParsePublicKey(c PublicKeyContainer) (*PublicKey, error) {
	if err := c.Version.Validate(); err != nil {
		return nil, err
	}
	typ, body, err := decodePEM(c.PublicKey, pemPublicKey, pemRSAPublicKey)
	if err != nil {
		return nil, err
	}
	var key *rsa.PublicKey
	if typ == pemRSAPublicKey {
		key, err = parseRSAPublicKey(body)
	} else {
		key, err = parseSubjectPublicKeyInfo(body)
	}
	if err != nil {
		return nil, err
	}
	if err := checkPublicKey(key, c.Version); err != nil {
		return nil, err
	}
	return &PublicKey{version: c.Version, key: key}, nil
}

// parsePlainPrivateKey reads a plain (unencrypted) private key container as
// the JS, Python and Rust clients expose it: a PKCS#1 "RSA PRIVATE KEY" PEM
// (a PKCS#8 "PRIVATE KEY" PEM is accepted too). The key is validated.
func parsePlainPrivateKey(c PrivateKeyContainer) (*UserKeyPair, error) {
	if err := c.Version.Validate(); err != nil {
		return nil, err
	}
	typ, body, err := decodePEM(c.PrivateKey, pemRSAPrivateKey, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	defer clear(body)
	var key *rsa.PrivateKey
	if typ == pemRSAPrivateKey {
		key, err = parseRSAPrivateKey(body)
	} else {
		key, err = parsePrivateKeyInfo(body)
	}
	if err != nil {
		return nil, err
	}
	if err := checkPrivateKey(key, c.Version); err != nil {
		return nil, err
	}
	return newUserKeyPair(c.Version, key), nil
}

// Version returns the key pair version.
func (p *UserKeyPair) Version() KeyPairVersion { return p.version }

// PublicKey returns the public half of the key pair.
func (p *UserKeyPair) PublicKey() *PublicKey { return p.pub }

// PrivateKey returns the RSA private key, validated and with its CRT
// values precomputed. Do not modify it.
func (p *UserKeyPair) PrivateKey() *rsa.PrivateKey { return p.priv }

// String describes the key pair without revealing key material.
func (p UserKeyPair) String() string {
	return fmt.Sprintf("UserKeyPair(%s)", p.version)
}

// GoString is String, also under %#v.
func (p UserKeyPair) GoString() string { return p.String() }

// Version returns the key pair version of the public key.
func (k *PublicKey) Version() KeyPairVersion { return k.version }

// RSA returns the RSA public key. Do not modify it.
func (k *PublicKey) RSA() *rsa.PublicKey { return k.key }

// Equal reports whether k and x have the same version and RSA key.
func (k *PublicKey) Equal(x *PublicKey) bool {
	return k.valid() && x.valid() && k.version == x.version && k.key.Equal(x.key)
}

// Container returns the public key as a container with an X.509 "PUBLIC
// KEY" PEM (LF line ends), the form every DRACOON client writes.
// The zero PublicKey yields the zero container.
func (k *PublicKey) Container() PublicKeyContainer {
	if k == nil || k.key == nil || k.key.N == nil {
		return PublicKeyContainer{}
	}
	spki, err := x509.MarshalPKIXPublicKey(k.key)
	if err != nil {
		// Only non-RSA key types fail, which a PublicKey never holds.
		return PublicKeyContainer{}
	}
	return PublicKeyContainer{Version: k.version, PublicKey: encodePEM(pemPublicKey, spki)}
}

func (k *PublicKey) valid() bool { return k != nil && k.key != nil && k.key.N != nil }

func (p *UserKeyPair) valid() bool { return p != nil && p.priv != nil && p.pub.valid() }

// String describes the public key.
func (k PublicKey) String() string {
	bits := 0
	if k.key != nil && k.key.N != nil {
		bits = k.key.N.BitLen()
	}
	return fmt.Sprintf("PublicKey(%s, %d bits)", k.version, bits)
}
