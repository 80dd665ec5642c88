package crypto

import (
	"fmt"
	"time"
)

// The wire containers below are the JSON models the DRACOON API uses for
// key material (camelCase names, optional fields omitted when unset). They
// hold key material exactly as the server stores it: PEM text and base64
// strings are carried unchanged, and nothing is validated until a key is
// unlocked, parsed or used.

// UserKeyPairContainer is a user key pair as stored on the server: the
// password-encrypted private key and the public key, both of the same
// version (GET/POST /user/account/keypair). Share key pairs and rescue key
// pairs use the same format.
type UserKeyPairContainer struct {
	PrivateKeyContainer PrivateKeyContainer `json:"privateKeyContainer"`
	PublicKeyContainer  PublicKeyContainer  `json:"publicKeyContainer"`
}

// PrivateKeyContainer holds a private key protected by an encryption
// password: an "ENCRYPTED PRIVATE KEY" PEM (PKCS#8 EncryptedPrivateKeyInfo
// with PBES2).
type PrivateKeyContainer struct {
	// Version is the key pair version, KeyPairRSA2048 or KeyPairRSA4096.
	Version KeyPairVersion `json:"version"`
	// PrivateKey is the PEM text, with LF or CRLF line ends.
	PrivateKey string `json:"privateKey"`
	// CreatedAt is set by the server; it plays no role in the cryptography.
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// CreatedBy is the id of the user who created the key; set by the server.
	CreatedBy int64 `json:"createdBy,omitzero"`
	// ExpireAt is an optional expiry time set by the server.
	ExpireAt time.Time `json:"expireAt,omitzero"`
}

// PublicKeyContainer holds a public key: a "PUBLIC KEY" PEM (X.509
// SubjectPublicKeyInfo).
type PublicKeyContainer struct {
	// Version is the key pair version, KeyPairRSA2048 or KeyPairRSA4096.
	Version KeyPairVersion `json:"version"`
	// PublicKey is the PEM text, with LF or CRLF line ends.
	PublicKey string `json:"publicKey"`
	// CreatedAt is set by the server; it plays no role in the cryptography.
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// CreatedBy is the id of the user who created the key; set by the server.
	CreatedBy int64 `json:"createdBy,omitzero"`
	// ExpireAt is an optional expiry time set by the server.
	ExpireAt time.Time `json:"expireAt,omitzero"`
}

// FileKey is an encrypted (user) file key as the server stores it: the
// file's AES key wrapped with RSA-OAEP for one user's public key, plus the
// file's GCM IV and tag in the clear. All binary fields are standard base64
// with padding.
type FileKey struct {
	// Version is FileKeyRSA2048 ("A") or FileKeyRSA4096
	// ("RSA-4096/AES-256-GCM"); it must belong to the version of the key
	// pair that unwraps it.
	Version FileKeyVersion `json:"version"`
	// Key is the RSA-OAEP ciphertext of the 32 AES key bytes (256 bytes for
	// "A", 512 bytes for RSA-4096).
	Key string `json:"key"`
	// IV is the 12-byte GCM IV.
	IV string `json:"iv"`
	// Tag is the 16-byte GCM tag. It is empty when the producer never
	// finalised the encryption (seen for empty files uploaded by the Java
	// API SDK); see DecryptFileKey.
	Tag string `json:"tag,omitempty"`
}

// String describes the container without its key material.
func (c PrivateKeyContainer) String() string {
	return fmt.Sprintf("PrivateKeyContainer(%s, %d bytes of PEM)", c.Version, len(c.PrivateKey))
}

// GoString is String, also under %#v.
func (c PrivateKeyContainer) GoString() string { return c.String() }
