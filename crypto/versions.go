package crypto

import "fmt"

// KeyPairVersion names the algorithm of a user key pair.
type KeyPairVersion string

// Key pair versions known to DRACOON.
const (
	// KeyPairRSA2048 is an RSA-2048 key pair, version "A". DRACOON marks it
	// as discouraged; it stays readable.
	KeyPairRSA2048 KeyPairVersion = "A"
	// KeyPairRSA4096 is an RSA-4096 key pair, the current version.
	KeyPairRSA4096 KeyPairVersion = "RSA-4096"
)

// FileKeyVersion names the algorithm of a file key. Encrypted (user) file
// keys carry FileKeyRSA2048 or FileKeyRSA4096; plain file keys carry
// PlainFileKeyAES256GCM or, as written by the Java, C# and Swift SDKs,
// FileKeyRSA2048 ("A").
type FileKeyVersion string

// File key versions known to DRACOON.
const (
	// FileKeyRSA2048 is a file key wrapped for an RSA-2048 ("A") key pair.
	// The Java, C# and Swift SDKs also use "A" as the version of a plain
	// file key.
	FileKeyRSA2048 FileKeyVersion = "A"
	// FileKeyRSA4096 is a file key wrapped for an RSA-4096 key pair.
	FileKeyRSA4096 FileKeyVersion = "RSA-4096/AES-256-GCM"
	// PlainFileKeyAES256GCM is the version this package writes into plain
	// (unwrapped) file keys, as the JS SDK does.
	PlainFileKeyAES256GCM FileKeyVersion = "AES-256-GCM"
)

// Validate reports whether v is a known key pair version.
func (v KeyPairVersion) Validate() error {
	switch v {
	case KeyPairRSA2048, KeyPairRSA4096:
		return nil
	}
	return fmt.Errorf("crypto: key pair version %q: %w", string(v), ErrUnknownVersion)
}

// Bits returns the RSA modulus size of the version, or 0 for an unknown one.
func (v KeyPairVersion) Bits() int {
	switch v {
	case KeyPairRSA2048:
		return 2048
	case KeyPairRSA4096:
		return 4096
	}
	return 0
}

// FileKeyVersion returns the version of a file key wrapped for a key pair of
// version v: "A" for "A" and "RSA-4096/AES-256-GCM" for "RSA-4096".
func (v KeyPairVersion) FileKeyVersion() (FileKeyVersion, error) {
	switch v {
	case KeyPairRSA2048:
		return FileKeyRSA2048, nil
	case KeyPairRSA4096:
		return FileKeyRSA4096, nil
	}
	return "", v.Validate()
}
