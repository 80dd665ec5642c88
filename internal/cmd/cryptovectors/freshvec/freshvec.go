// Package freshvec reads, writes and checks fresh DRACOON crypto vectors,
// the "dracoon-crypto-fresh-vectors/1" exchange format: key pairs, file keys
// and AES-GCM ciphertexts made by one implementation for another to check.
//
// Generate makes a file with this module's crypto package; the checker
// functions verify any file (ours or another implementation's) with it.
package freshvec

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// Format is the value of File.Format.
const Format = "dracoon-crypto-fresh-vectors/1"

// File is one fresh-vector file.
type File struct {
	Format    string    `json:"format"`
	Generator Generator `json:"generator"`
	CreatedAt string    `json:"createdAt"`
	Cases     []Case    `json:"cases"`
}

// Generator names the program that wrote a file.
type Generator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Case is one key pair and the files encrypted for it.
type Case struct {
	ID                 string                      `json:"id"`
	UserKeyPairVersion crypto.KeyPairVersion       `json:"userKeyPairVersion"`
	Password           string                      `json:"password"`
	UserKeyPair        crypto.UserKeyPairContainer `json:"userKeyPair"`
	Files              []FileCase                  `json:"files"`
}

// FileCase is one encrypted plaintext. Of PlaintextB64, PlaintextSha256 and
// PlaintextLength, whichever are present must match.
type FileCase struct {
	ID              string               `json:"id"`
	PlaintextLength *int64               `json:"plaintextLength,omitempty"`
	PlaintextSha256 string               `json:"plaintextSha256,omitempty"`
	PlaintextB64    *string              `json:"plaintextB64,omitempty"`
	CiphertextB64   string               `json:"ciphertextB64"`
	FileKey         crypto.FileKey       `json:"fileKey"`
	PlainFileKey    *crypto.PlainFileKey `json:"plainFileKey,omitempty"`
}

// DefaultSizes are the plaintext sizes of a complete file: 0 bytes, 1 byte
// and 1 MiB + 17 bytes.
var DefaultSizes = []int{0, 1, 1<<20 + 17}

// Options control Generate. The zero value makes a complete file.
type Options struct {
	// Sizes are the plaintext sizes per key pair version; nil means
	// DefaultSizes.
	Sizes []int
	// Versions are the key pair versions; nil means both.
	Versions []crypto.KeyPairVersion
	// NewKeyPair creates a key pair protected by password; nil means
	// crypto.GenerateUserKeyPair. Tests use it to reuse an RSA-4096 key,
	// whose generation is slow.
	NewKeyPair func(v crypto.KeyPairVersion, password string) (*crypto.UserKeyPairContainer, error)
	// PlaintextB64Limit is the largest plaintext written out in full as
	// plaintextB64; larger ones carry only their length and SHA-256.
	// Zero means no limit.
	PlaintextB64Limit int
	// Now returns the creation time; nil means time.Now.
	Now func() time.Time
}

// chunkPattern are the write sizes used to feed plaintext to the streaming
// encrypter: deliberately uneven and not aligned to the AES block size.
var chunkPattern = []int{1, 15, 17, 4093, 65539, 7, 100003}

// Generate creates fresh vectors with this module's crypto package: for
// each key pair version a new key pair under a random password with
// non-ASCII characters, and for each size a random plaintext encrypted
// through the streaming encrypter in uneven chunks with a fresh file key,
// which is then wrapped for the key pair's public key.
func Generate(opts Options) (*File, error) {
	sizes := opts.Sizes
	if sizes == nil {
		sizes = DefaultSizes
	}
	versions := opts.Versions
	if versions == nil {
		versions = []crypto.KeyPairVersion{crypto.KeyPairRSA2048, crypto.KeyPairRSA4096}
	}
	newKeyPair := opts.NewKeyPair
	if newKeyPair == nil {
		newKeyPair = crypto.GenerateUserKeyPair
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	f := &File{
		Format:    Format,
		Generator: Generator{Name: "dracoon-go internal/cmd/cryptovectors", Version: moduleVersion()},
		CreatedAt: now().UTC().Format(time.RFC3339),
	}
	for _, v := range versions {
		pw, err := randomPassword()
		if err != nil {
			return nil, err
		}
		ukp, err := newKeyPair(v, pw)
		if err != nil {
			return nil, fmt.Errorf("key pair %s: %w", v, err)
		}
		pub, err := crypto.ParsePublicKey(ukp.PublicKeyContainer)
		if err != nil {
			return nil, fmt.Errorf("key pair %s: %w", v, err)
		}
		c := Case{ID: string(v), UserKeyPairVersion: v, Password: pw, UserKeyPair: *ukp}
		for _, size := range sizes {
			fc, err := generateFile(fmt.Sprintf("%s/%d", v, size), size, pub, opts.PlaintextB64Limit)
			if err != nil {
				return nil, err
			}
			c.Files = append(c.Files, *fc)
		}
		f.Cases = append(f.Cases, c)
	}
	return f, nil
}

func generateFile(id string, size int, pub *crypto.PublicKey, b64Limit int) (*FileCase, error) {
	if size < 0 {
		return nil, fmt.Errorf("negative plaintext size %d", size)
	}
	plain := make([]byte, size)
	if _, err := rand.Read(plain); err != nil {
		return nil, err
	}
	key, err := crypto.GenerateFileKey()
	if err != nil {
		return nil, err
	}
	var ct bytes.Buffer
	enc, err := crypto.NewEncrypter(&ct, key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	rest := plain
	for i := 0; len(rest) > 0; i++ {
		n := min(chunkPattern[i%len(chunkPattern)], len(rest))
		if _, err := enc.Write(rest[:n]); err != nil {
			return nil, fmt.Errorf("%s: encrypt: %w", id, err)
		}
		rest = rest[n:]
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("%s: encrypt: %w", id, err)
	}
	fk, err := pub.EncryptFileKey(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	sum := sha256.Sum256(plain)
	length := int64(size)
	fc := &FileCase{
		ID:              id,
		PlaintextLength: &length,
		PlaintextSha256: hex.EncodeToString(sum[:]),
		CiphertextB64:   base64.StdEncoding.EncodeToString(ct.Bytes()),
		FileKey:         *fk,
		PlainFileKey:    key,
	}
	if b64Limit == 0 || size <= b64Limit {
		s := base64.StdEncoding.EncodeToString(plain)
		fc.PlaintextB64 = &s
	}
	return fc, nil
}

// randomPassword returns "Pw-<16 random characters>-äÖ€🐛": UTF-8 with
// characters of one to four bytes, and one (€) outside ISO-8859-1, so an
// implementation that encodes the password in any way but UTF-8 fails.
func randomPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "Pw-" + base64.RawURLEncoding.EncodeToString(b) + "-äÖ€🐛", nil
}

func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// Write encodes f as indented JSON.
func (f *File) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(f)
}

// Read decodes a fresh-vector file and checks its format marker.
func Read(r io.Reader) (*File, error) {
	var f File
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, err
	}
	if f.Format != Format {
		return nil, fmt.Errorf("format %q, want %q", f.Format, Format)
	}
	return &f, nil
}

// Paths lists the vector files at path: path itself if it is a file, or
// the *.json files directly inside it if it is a directory.
func Paths(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			out = append(out, filepath.Join(path, e.Name()))
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no *.json files in %s", path)
	}
	return out, nil
}

// ReadFile reads one fresh-vector file.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	f, err := Read(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// CheckKeyPair opens a case's key pair with its password and checks that
// both containers carry the case's version and that the public key belongs
// to the private key (crypto's Unlock checks the latter).
func CheckKeyPair(c *Case) (*crypto.UserKeyPair, error) {
	pv, uv := c.UserKeyPair.PrivateKeyContainer.Version, c.UserKeyPair.PublicKeyContainer.Version
	if pv != c.UserKeyPairVersion || uv != c.UserKeyPairVersion {
		return nil, fmt.Errorf("container versions %q/%q, case says %q", pv, uv, c.UserKeyPairVersion)
	}
	if c.UserKeyPair.PublicKeyContainer.PublicKey == "" {
		return nil, errors.New("public key missing")
	}
	kp, err := c.UserKeyPair.Unlock(c.Password)
	if err != nil {
		return nil, fmt.Errorf("open key pair: %w", err)
	}
	if kp.PrivateKey().E != 65537 {
		return nil, fmt.Errorf("public exponent %d, want 65537", kp.PrivateKey().E)
	}
	return kp, nil
}

// CheckFile unwraps a file's key with kp, compares it with plainFileKey if
// present, decrypts the ciphertext in one piece and streamed in uneven
// pieces, and compares the plaintext with whichever of plaintextB64,
// plaintextSha256 and plaintextLength are present (at least one must be).
func CheckFile(kp *crypto.UserKeyPair, fc *FileCase) error {
	key, err := kp.DecryptFileKey(&fc.FileKey)
	if err != nil {
		return fmt.Errorf("unwrap file key: %w", err)
	}
	if key.Tag == nil {
		return errors.New("file key has no tag")
	}
	if p := fc.PlainFileKey; p != nil {
		if !bytes.Equal(p.Key, key.Key) || !bytes.Equal(p.IV, key.IV) || !bytes.Equal(p.Tag, key.Tag) {
			return errors.New("unwrapped file key differs from plainFileKey")
		}
	}
	ct, err := base64.StdEncoding.DecodeString(fc.CiphertextB64)
	if err != nil {
		return fmt.Errorf("ciphertextB64: %w", err)
	}
	plain, err := crypto.Decrypt(key, ct)
	if err != nil {
		return fmt.Errorf("decrypt: %w", err)
	}
	streamed, err := decryptStreaming(key, ct)
	if err != nil {
		return fmt.Errorf("streaming decrypt: %w", err)
	}
	if !bytes.Equal(streamed, plain) {
		return errors.New("streaming and one-shot decryption differ")
	}
	checked := false
	if fc.PlaintextB64 != nil {
		want, err := base64.StdEncoding.DecodeString(*fc.PlaintextB64)
		if err != nil {
			return fmt.Errorf("plaintextB64: %w", err)
		}
		if !bytes.Equal(plain, want) {
			return errors.New("plaintext differs from plaintextB64")
		}
		checked = true
	}
	if fc.PlaintextSha256 != "" {
		sum := sha256.Sum256(plain)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), fc.PlaintextSha256) {
			return errors.New("plaintext SHA-256 differs from plaintextSha256")
		}
		checked = true
	}
	if fc.PlaintextLength != nil {
		if int64(len(plain)) != *fc.PlaintextLength {
			return fmt.Errorf("plaintext has %d bytes, plaintextLength says %d", len(plain), *fc.PlaintextLength)
		}
		checked = true
	}
	if !checked {
		return errors.New("no plaintextB64, plaintextSha256 or plaintextLength to compare with")
	}
	return nil
}

// decryptStreaming decrypts through crypto.NewDecrypter, reading the
// ciphertext in pieces of uneven sizes.
func decryptStreaming(key *crypto.PlainFileKey, ct []byte) ([]byte, error) {
	d, err := crypto.NewDecrypter(&unevenReader{data: ct}, key)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(d)
}

// unevenReader returns its data in pieces following chunkPattern.
type unevenReader struct {
	data []byte
	i    int
}

func (r *unevenReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(r.data), chunkPattern[r.i%len(chunkPattern)])
	r.i++
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}
