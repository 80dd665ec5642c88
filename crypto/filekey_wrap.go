package crypto

import (
	stdcrypto "crypto"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // MGF1-SHA-1 for version "A" (crypto.SHA1 must be linked)
	_ "crypto/sha256"
	"encoding/base64"
	"fmt"
)

// RSA-OAEP wrapping of file keys. Both versions hash the (empty) label with
// SHA-256; the mask generation function differs:
//
//	"A" (RSA-2048)                  SHA-256 / MGF1-SHA-1
//	"RSA-4096/AES-256-GCM"          SHA-256 / MGF1-SHA-256
//
// The third-party Python client swaps the two hashes for "A" (SHA-1 label
// hash, MGF1-SHA-256); nothing else reads such keys and neither does this
// package.

func oaepOptions(v KeyPairVersion) *rsa.OAEPOptions {
	if v == KeyPairRSA2048 {
		return &rsa.OAEPOptions{Hash: stdcrypto.SHA256, MGFHash: stdcrypto.SHA1}
	}
	return &rsa.OAEPOptions{Hash: stdcrypto.SHA256, MGFHash: stdcrypto.SHA256}
}

// EncryptFileKey wraps a plain file key for the owner of a public key
// container; it parses the container and calls PublicKey.EncryptFileKey.
// To wrap keys for the same user repeatedly, parse the container once with
// ParsePublicKey.
func EncryptFileKey(plain *PlainFileKey, pub PublicKeyContainer) (*FileKey, error) {
	k, err := ParsePublicKey(pub)
	if err != nil {
		return nil, err
	}
	return k.EncryptFileKey(plain)
}

// EncryptFileKey wraps a plain file key for the owner of k with RSA-OAEP.
// The file key version follows the key pair version ("A" → "A",
// "RSA-4096" → "RSA-4096/AES-256-GCM"); IV and tag are copied unchanged.
// A plain key without a tag (encryption not finished) gives a FileKey
// without a tag.
//
// Errors: ErrInvalidArgument (nil arguments), ErrUnknownVersion (plain file
// key version other than "A" or "AES-256-GCM"), ErrInvalidFileKey (wrong
// key, IV or tag size).
func (k *PublicKey) EncryptFileKey(plain *PlainFileKey) (*FileKey, error) {
	if !k.valid() {
		return nil, fmt.Errorf("crypto: encrypt file key: empty public key: %w", ErrInvalidArgument)
	}
	if err := plain.validateForCipher(); err != nil {
		return nil, err
	}
	if plain.Tag != nil && len(plain.Tag) != TagSize {
		return nil, fmt.Errorf("crypto: file key has %d tag bytes, want %d: %w", len(plain.Tag), TagSize, ErrInvalidFileKey)
	}
	version, err := k.version.FileKeyVersion()
	if err != nil {
		return nil, err
	}
	ct, err := rsa.EncryptOAEPWithOptions(rand.Reader, k.key, plain.Key, oaepOptions(k.version))
	if err != nil {
		return nil, fmt.Errorf("crypto: RSA-OAEP encrypt file key: %w", err)
	}
	fk := &FileKey{
		Version: version,
		Key:     base64.StdEncoding.EncodeToString(ct),
		IV:      base64.StdEncoding.EncodeToString(plain.IV),
	}
	if plain.Tag != nil {
		fk.Tag = base64.StdEncoding.EncodeToString(plain.Tag)
	}
	return fk, nil
}

// DecryptFileKey unwraps a file key encrypted for this key pair. The
// returned plain file key has version "AES-256-GCM" and the IV and tag of
// fk. A FileKey without a tag yields a PlainFileKey with a nil Tag: the
// decrypting side decides (an empty file may legitimately lack one; for
// anything else decryption fails with ErrAuthentication).
//
// Errors, each checked before any RSA work unless noted:
// ErrInvalidArgument (nil arguments), ErrUnknownVersion, ErrVersionMismatch
// (fk belongs to the other key pair version), ErrInvalidFileKey (invalid
// base64, or key ciphertext, IV or tag of the wrong size), and, from the
// RSA step, ErrFileKeyDecrypt (OAEP decryption failed; no detail is given).
func (p *UserKeyPair) DecryptFileKey(fk *FileKey) (*PlainFileKey, error) {
	if !p.valid() {
		return nil, fmt.Errorf("crypto: decrypt file key: empty key pair: %w", ErrInvalidArgument)
	}
	if fk == nil {
		return nil, fmt.Errorf("crypto: decrypt file key: nil file key: %w", ErrInvalidArgument)
	}
	switch fk.Version {
	case FileKeyRSA2048, FileKeyRSA4096:
	default:
		return nil, fmt.Errorf("crypto: encrypted file key version %q: %w", string(fk.Version), ErrUnknownVersion)
	}
	want, err := p.version.FileKeyVersion()
	if err != nil {
		return nil, err
	}
	if fk.Version != want {
		return nil, fmt.Errorf("crypto: file key version %q needs a key pair of the other version, have %q: %w", string(fk.Version), string(p.version), ErrVersionMismatch)
	}
	ct, err := decodeFileKeyField("key", fk.Key, p.priv.Size())
	if err != nil {
		return nil, err
	}
	iv, err := decodeFileKeyField("iv", fk.IV, IVSize)
	if err != nil {
		return nil, err
	}
	var tag []byte
	if fk.Tag != "" {
		if tag, err = decodeFileKeyField("tag", fk.Tag, TagSize); err != nil {
			return nil, err
		}
	}
	key, err := p.priv.Decrypt(nil, ct, oaepOptions(p.version))
	if err != nil {
		return nil, fmt.Errorf("crypto: unwrap file key: %w", ErrFileKeyDecrypt)
	}
	if len(key) != FileKeySize {
		clear(key)
		return nil, fmt.Errorf("crypto: unwrapped file key has %d bytes, want %d: %w", len(key), FileKeySize, ErrInvalidFileKey)
	}
	return &PlainFileKey{Version: PlainFileKeyAES256GCM, Key: key, IV: iv, Tag: tag}, nil
}

// decodeFileKeyField decodes a standard base64 field that must hold size
// bytes.
func decodeFileKeyField(name, s string, size int) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("crypto: file key %s is not valid base64: %w", name, ErrInvalidFileKey)
	}
	if len(b) != size {
		return nil, fmt.Errorf("crypto: file key %s has %d bytes, want %d: %w", name, len(b), size, ErrInvalidFileKey)
	}
	return b, nil
}
