package crypto

import (
	"crypto/rand"
	"fmt"
)

// Sizes of the parts of a plain file key.
const (
	FileKeySize = 32 // AES-256 key
	IVSize      = 12 // GCM nonce
	TagSize     = 16 // GCM tag
)

// PlainFileKey is an unwrapped file key: the AES-256 key and GCM IV that
// encrypt one file version, and the GCM tag once the file has been
// encrypted. It never leaves the client in this form.
//
// A PlainFileKey is not safe for concurrent mutation; the streaming
// encrypter sets Tag when it is closed.
//
// A file key encrypts once. Encrypt, NewEncrypter and NewParts refuse a key
// whose Tag is set or that one of them has already been given (also when
// that encryption failed or is still running) with ErrFileKeyUsed: GCM
// with a repeated key and IV leaks the XOR of the plaintexts and lets
// anyone forge tags. The check sees this value only: a copy made before
// the encryption started (or rebuilt from JSON) is not marked. Decryption
// needs the tag (ErrMissingTag without one).
type PlainFileKey struct {
	// Version is PlainFileKeyAES256GCM or FileKeyRSA2048 ("A"); both mean
	// AES-256-GCM with a 12-byte IV and a 16-byte tag.
	Version FileKeyVersion
	// Key holds the 32 key bytes.
	Key []byte
	// IV holds the 12 IV bytes.
	IV []byte
	// Tag holds the 16 tag bytes, or nil before encryption has finished.
	Tag []byte

	// used is set when an encryption starts with this key.
	used bool
}

// GenerateFileKey returns a fresh file key with a random key and IV and no
// tag. Use a new file key for every file and every file version.
func GenerateFileKey() (*PlainFileKey, error) {
	k := &PlainFileKey{
		Version: PlainFileKeyAES256GCM,
		Key:     make([]byte, FileKeySize),
		IV:      make([]byte, IVSize),
	}
	if _, err := rand.Read(k.Key); err != nil {
		return nil, fmt.Errorf("crypto: generate file key: %w", err)
	}
	if _, err := rand.Read(k.IV); err != nil {
		return nil, fmt.Errorf("crypto: generate file key: %w", err)
	}
	return k, nil
}

// String describes the key without revealing it.
func (k *PlainFileKey) String() string {
	if k == nil {
		return "PlainFileKey(nil)"
	}
	return fmt.Sprintf("PlainFileKey(%s, tag set: %t)", k.Version, k.Tag != nil)
}

// GoString describes the key without revealing it, also under %#v.
func (k *PlainFileKey) GoString() string { return k.String() }

// validateForCipher checks the version, key and IV; the tag is checked by
// the decrypting side only.
func (k *PlainFileKey) validateForCipher() error {
	if k == nil {
		return fmt.Errorf("crypto: nil file key: %w", ErrInvalidArgument)
	}
	switch k.Version {
	case PlainFileKeyAES256GCM, FileKeyRSA2048:
	default:
		return fmt.Errorf("crypto: plain file key version %q: %w", string(k.Version), ErrUnknownVersion)
	}
	if len(k.Key) != FileKeySize {
		return fmt.Errorf("crypto: file key has %d key bytes, want %d: %w", len(k.Key), FileKeySize, ErrInvalidFileKey)
	}
	if len(k.IV) != IVSize {
		return fmt.Errorf("crypto: file key has %d IV bytes, want %d: %w", len(k.IV), IVSize, ErrInvalidFileKey)
	}
	return nil
}

// claimForEncryption marks k as spent for encryption, refusing a key that
// already is (ErrFileKeyUsed). Call it after every other check, right
// before the first byte is encrypted.
func (k *PlainFileKey) claimForEncryption() error {
	if len(k.Tag) != 0 {
		return fmt.Errorf("crypto: file key already carries a tag: %w", ErrFileKeyUsed)
	}
	if k.used {
		return fmt.Errorf("crypto: file key already started an encryption: %w", ErrFileKeyUsed)
	}
	k.used = true
	return nil
}
