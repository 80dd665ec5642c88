package crypto

import "errors"

// Errors returned by this package. Every failure wraps exactly one of these
// sentinels, so callers can tell the cases apart with errors.Is. The wrapping
// error adds context (which container, which field) but never key material,
// passwords or plaintext.
var (
	// ErrUnknownVersion reports a version string that no DRACOON client knows.
	// It is raised before any cryptographic work is done.
	ErrUnknownVersion = errors.New("unknown version")

	// ErrVersionMismatch reports a key pair and a file key (or the two halves of
	// a key pair) whose versions do not belong together.
	ErrVersionMismatch = errors.New("version mismatch")

	// ErrMalformedPEM reports broken PEM armour: a missing or wrong
	// BEGIN/END line, a block of the wrong type, more than one block, or
	// text other than white space before or after the block.
	ErrMalformedPEM = errors.New("malformed PEM")

	// ErrMalformedKey reports key material whose PEM armour is intact but
	// whose base64 or ASN.1 content is not the expected structure.
	ErrMalformedKey = errors.New("malformed key")

	// ErrWrongPassword reports that a private key could not be opened with
	// the given password in any accepted encoding. A tampered encrypted
	// private key is indistinguishable from a wrong password and is reported
	// the same way.
	ErrWrongPassword = errors.New("wrong password")

	// ErrUnsupported reports a well-formed structure that uses an algorithm
	// or parameter no DRACOON client produces (for example PBES1 or scrypt,
	// or an iteration count beyond the accepted maximum).
	ErrUnsupported = errors.New("unsupported algorithm or parameter")

	// ErrInvalidKey reports an RSA key that parsed but is not acceptable:
	// it fails mathematical validation, its size does not match its version,
	// or the public key does not belong to the private key.
	ErrInvalidKey = errors.New("invalid key")

	// ErrFileKeyDecrypt reports that RSA-OAEP decryption of an encrypted file
	// key failed. It deliberately does not say which check failed.
	ErrFileKeyDecrypt = errors.New("file key decryption failed")

	// ErrInvalidFileKey reports a file key with a missing or wrongly sized
	// key or IV, a wrongly sized tag, or undecodable base64. A missing tag
	// where one is needed is ErrMissingTag.
	ErrInvalidFileKey = errors.New("invalid file key")

	// ErrAuthentication reports that AES-GCM authentication failed: the
	// ciphertext, key, IV or tag was altered. Plaintext produced before this
	// error must be discarded.
	ErrAuthentication = errors.New("authentication failed")

	// ErrInvalidArgument reports a caller mistake detected before any work,
	// such as an empty password or a nil key.
	ErrInvalidArgument = errors.New("invalid argument")

	// ErrTooLarge reports data beyond what one AES-GCM key and IV may
	// protect (MaxPlaintextSize bytes).
	ErrTooLarge = errors.New("data too large for AES-GCM")

	// ErrFileKeyUsed reports a file key that has already encrypted
	// something (its Tag is set, or an Encrypter, Encrypt or NewParts has
	// started with it) being used to encrypt again. GCM with a repeated key
	// and IV leaks the XOR of the plaintexts and allows forged tags; use
	// GenerateFileKey for every file and every file version.
	ErrFileKeyUsed = errors.New("file key already used for encryption")

	// ErrPartReuse reports a part that would reuse keystream already spent
	// on different data: a repeated part whose bytes differ from (or are
	// fewer than) an earlier attempt at the same offset, a part that
	// overlaps another one, or a second attempt at an offset whose earlier
	// attempt is still open. Nothing of the refused bytes has been
	// released.
	ErrPartReuse = errors.New("part would reuse keystream")

	// ErrForeignPartSum reports a PartSum handed to a Parts value other
	// than the one that produced it (another key, or another Parts for the
	// same key). Combining it would give a wrong tag.
	ErrForeignPartSum = errors.New("part sum from another Parts value")

	// ErrMissingTag reports a file key without tag given for decryption.
	// Without a tag nothing can be authenticated, not even an empty file,
	// so a key without tag never decrypts.
	ErrMissingTag = errors.New("file key has no tag")
)
