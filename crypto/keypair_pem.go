package crypto

import (
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
)

// PEM block types used by DRACOON key containers.
const (
	pemEncryptedPrivateKey = "ENCRYPTED PRIVATE KEY" // PKCS#8 EncryptedPrivateKeyInfo
	pemPublicKey           = "PUBLIC KEY"            // X.509 SubjectPublicKeyInfo
	pemRSAPublicKey        = "RSA PUBLIC KEY"        // PKCS#1 RSAPublicKey (read only)
	pemRSAPrivateKey       = "RSA PRIVATE KEY"       // PKCS#1 RSAPrivateKey (plain, read only)
)

// decodePEM reads exactly one PEM block from s. It accepts LF and CRLF
// line ends, indentation, surrounding white space and a missing final line
// break. Broken armour (BEGIN/END lines missing, misspelt, mismatched or of
// a type not in allowed), a second block and anything but white space
// before or after the block are ErrMalformedPEM; a body that is not valid
// base64 is ErrMalformedKey.
func decodePEM(s string, allowed ...string) (blockType string, body []byte, err error) {
	const begin, end, dashes = "-----BEGIN ", "-----END ", "-----"
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i]) // also drops the CR of CRLF
	}
	if len(lines) < 2 {
		return "", nil, fmt.Errorf("crypto: no PEM block: %w", ErrMalformedPEM)
	}
	first, last := lines[0], lines[len(lines)-1]
	if !strings.HasPrefix(first, begin) || !strings.HasSuffix(first, dashes) || len(first) < len(begin)+len(dashes) {
		return "", nil, fmt.Errorf("crypto: PEM BEGIN line missing: %w", ErrMalformedPEM)
	}
	blockType = first[len(begin) : len(first)-len(dashes)]
	if !slices.Contains(allowed, blockType) {
		return "", nil, fmt.Errorf("crypto: PEM block type %q, want %s: %w", blockType, strings.Join(allowed, " or "), ErrMalformedPEM)
	}
	if last != end+blockType+dashes {
		return "", nil, fmt.Errorf("crypto: PEM END line does not match %q: %w", blockType, ErrMalformedPEM)
	}
	var b strings.Builder
	for _, l := range lines[1 : len(lines)-1] {
		if strings.Contains(l, dashes) {
			// An armour line inside the body: a second block, or text
			// glued to the first one.
			return "", nil, fmt.Errorf("crypto: more than one PEM block: %w", ErrMalformedPEM)
		}
		if strings.Contains(l, ":") {
			// RFC 1421 headers such as "Proc-Type: 4,ENCRYPTED" mark the
			// legacy OpenSSL encryption of PKCS#1 keys.
			return "", nil, fmt.Errorf("crypto: PEM headers (legacy OpenSSL encryption): %w", ErrUnsupported)
		}
		for _, f := range strings.Fields(l) {
			b.WriteString(f)
		}
	}
	if b.Len() == 0 {
		return "", nil, fmt.Errorf("crypto: empty PEM body: %w", ErrMalformedKey)
	}
	body, err = base64.StdEncoding.DecodeString(b.String())
	if err != nil {
		return "", nil, fmt.Errorf("crypto: PEM body is not valid base64: %w", ErrMalformedKey)
	}
	return blockType, body, nil
}

// encodePEM writes a PEM block with 64-character lines and LF line ends,
// the form the official SDKs write on Linux.
func encodePEM(blockType string, body []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: body}))
}
