package crypto_test

import (
	"bytes"
	stdcrypto "crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// The official DRACOON test vectors (shared/testdata/crypto/index.json): 211
// cases in six sections. Every case must behave as its "expect" says.

type vectorIndex struct {
	Format   string `json:"format"`
	KeyPairs []struct {
		ID                      string  `json:"id"`
		PrivateKey              string  `json:"privateKey"`
		PublicKey               *string `json:"publicKey"`
		Password                string  `json:"password"`
		Expect                  string  `json:"expect"`
		PasswordEncoding        string  `json:"passwordEncoding"`
		ExpectedPlainPrivateKey string  `json:"expectedPlainPrivateKey"`
	} `json:"keyPairs"`
	PublicKeys []struct {
		ID        string `json:"id"`
		PublicKey string `json:"publicKey"`
		Expect    string `json:"expect"`
	} `json:"publicKeys"`
	PlainPrivateKeys []struct {
		ID              string `json:"id"`
		PlainPrivateKey string `json:"plainPrivateKey"`
		Expect          string `json:"expect"`
	} `json:"plainPrivateKeys"`
	FileKeys []struct {
		ID                   string `json:"id"`
		EncryptedFileKey     string `json:"encryptedFileKey"`
		PrivateKey           string `json:"privateKey"`
		Password             string `json:"password"`
		Expect               string `json:"expect"`
		ExpectedPlainFileKey string `json:"expectedPlainFileKey"`
	} `json:"fileKeys"`
	Decrypt []struct {
		ID            string `json:"id"`
		PlainFileKey  string `json:"plainFileKey"`
		CiphertextB64 string `json:"ciphertextB64"`
		CiphertextRaw string `json:"ciphertextRaw"`
		PlaintextB64  string `json:"plaintextB64"`
		Expect        string `json:"expect"`
	} `json:"decrypt"`
	Encrypt []struct {
		ID            string `json:"id"`
		PlainFileKey  string `json:"plainFileKey"`
		PlaintextB64  string `json:"plaintextB64"`
		CiphertextB64 string `json:"ciphertextB64"`
		Expect        string `json:"expect"`
	} `json:"encrypt"`
}

// expectErr maps index.json "expect" values onto the package's sentinels.
var expectErr = map[string]error{
	"unknown_version":         crypto.ErrUnknownVersion,
	"malformed_pem":           crypto.ErrMalformedPEM,
	"malformed_key":           crypto.ErrMalformedKey,
	"wrong_password":          crypto.ErrWrongPassword,
	"version_mismatch":        crypto.ErrVersionMismatch,
	"file_key_decrypt_failed": crypto.ErrFileKeyDecrypt,
	"tag_mismatch":            crypto.ErrAuthentication,
}

// vectorSet is the loaded index plus caches shared by all sections.
type vectorSet struct {
	dir   string
	index vectorIndex
	// unlocked caches one unlock per (private key file, password): PBKDF2
	// with 1.3 M iterations dominates the run time.
	unlocked sync.Map // string -> func() (*crypto.UserKeyPair, error)
}

var (
	vectorSetOnce sync.Once
	vectorSetVal  *vectorSet
	vectorSetErr  error
)

func sharedVectors(t *testing.T) *vectorSet {
	t.Helper()
	path := testutil.SharedTestdata(t, "crypto/index.json")
	vectorSetOnce.Do(func() {
		vs := &vectorSet{dir: filepath.Dir(path)}
		b, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(b, &vs.index)
		}
		vectorSetVal, vectorSetErr = vs, err
	})
	if vectorSetErr != nil {
		t.Fatalf("load index.json: %v", vectorSetErr)
	}
	return vectorSetVal
}

func (vs *vectorSet) read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vs.dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return b
}

// readJSON decodes a vector file. One upstream file
// (csharp/Keys_Ruby/.../private_key.json) has raw line breaks inside a JSON
// string; those are escaped before decoding.
func (vs *vectorSet) readJSON(t *testing.T, rel string, v any) {
	t.Helper()
	b := vs.read(t, rel)
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if err := json.Unmarshal(b, v); err == nil {
		return
	}
	if err := json.Unmarshal(escapeRawNewlinesInStrings(b), v); err != nil {
		t.Fatalf("decode %s: %v", rel, err)
	}
}

// escapeRawNewlinesInStrings replaces CR and LF inside JSON string literals
// with \r and \n escapes.
func escapeRawNewlinesInStrings(b []byte) []byte {
	var out bytes.Buffer
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString && c == '\n':
			out.WriteString(`\n`)
			continue
		case inString && c == '\r':
			out.WriteString(`\r`)
			continue
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}

// decodeFileKeyJSON decodes a plain file key vector file, returning the
// decoding error (some vectors are expected to be rejected).
func (vs *vectorSet) plainFileKey(t *testing.T, rel string) (*crypto.PlainFileKey, error) {
	t.Helper()
	var k crypto.PlainFileKey
	err := json.Unmarshal(bytes.TrimPrefix(vs.read(t, rel), []byte("\xef\xbb\xbf")), &k)
	return &k, err
}

// unlock opens a private key file with password once per test binary.
func (vs *vectorSet) unlock(t *testing.T, privRel, password string) (*crypto.UserKeyPair, error) {
	t.Helper()
	var c crypto.PrivateKeyContainer
	vs.readJSON(t, privRel, &c)
	f, _ := vs.unlocked.LoadOrStore(privRel+"\x00"+password, sync.OnceValues(func() (*crypto.UserKeyPair, error) {
		return c.Unlock(password)
	}))
	return f.(func() (*crypto.UserKeyPair, error))()
}

// checkExpect compares err with an "expect" value and reports whether the
// case expects success.
func checkExpect(t *testing.T, expect string, err error) bool {
	t.Helper()
	if expect == "ok" {
		if err != nil {
			t.Fatalf("expected success, got %v", err)
		}
		return true
	}
	want, ok := expectErr[expect]
	if !ok {
		t.Fatalf("unknown expect value %q", expect)
	}
	if !errors.Is(err, want) {
		t.Fatalf("expected %s (%v), got %v", expect, want, err)
	}
	return false
}

// sectionCounter counts passed cases of one section.
type sectionCounter struct {
	cases, ok, failuresAsExpected atomic.Int64
}

func (c *sectionCounter) run(t *testing.T, id string, expect string, f func(t *testing.T)) {
	c.cases.Add(1)
	t.Run(id, func(t *testing.T) {
		t.Parallel()
		f(t)
		if t.Failed() {
			return
		}
		if expect == "ok" || expect == "match" || expect == "differ" {
			c.ok.Add(1)
		} else {
			c.failuresAsExpected.Add(1)
		}
	})
}

func (c *sectionCounter) report(t *testing.T, name string, want int) {
	t.Helper()
	passed := c.ok.Load() + c.failuresAsExpected.Load()
	t.Logf("%-16s %3d cases: %3d passed (%d succeed, %d fail as expected)", name, c.cases.Load(), passed, c.ok.Load(), c.failuresAsExpected.Load())
	if int(c.cases.Load()) != want {
		t.Errorf("%s: %d cases in index.json, want %d", name, c.cases.Load(), want)
	}
}

func TestIndexVectorsKeys(t *testing.T) {
	vs := sharedVectors(t)
	if vs.index.Format != "dracoon-crypto-testvectors-index/1" {
		t.Fatalf("index format %q", vs.index.Format)
	}
	var kp, pub, plain, fk sectionCounter

	t.Run("keyPairs", func(t *testing.T) {
		for _, c := range vs.index.KeyPairs {
			kp.run(t, c.ID, c.Expect, func(t *testing.T) {
				var ukp crypto.UserKeyPairContainer
				vs.readJSON(t, c.PrivateKey, &ukp.PrivateKeyContainer)
				if c.PublicKey != nil {
					vs.readJSON(t, *c.PublicKey, &ukp.PublicKeyContainer)
				}
				pair, enc, err := crypto.UnlockReportingEncoding(&ukp, c.Password)
				if !checkExpect(t, c.Expect, err) {
					if strings.Contains(err.Error(), c.Password) {
						t.Errorf("error message contains the password: %v", err)
					}
					return
				}
				if c.PasswordEncoding != "" && enc != c.PasswordEncoding {
					t.Errorf("opened with the %s password bytes, index says %s", enc, c.PasswordEncoding)
				}
				if pair.Version() != ukp.PrivateKeyContainer.Version {
					t.Errorf("version %q, want %q", pair.Version(), ukp.PrivateKeyContainer.Version)
				}
				if got, want := pair.PrivateKey().N.BitLen(), pair.Version().Bits(); got != want {
					t.Errorf("%d-bit key, want %d", got, want)
				}
				if c.PublicKey != nil {
					want, err := crypto.ParsePublicKey(ukp.PublicKeyContainer)
					if err != nil {
						t.Fatalf("parse public key: %v", err)
					}
					if !pair.PublicKey().Equal(want) {
						t.Errorf("public key does not match the private key")
					}
				}
				if c.ExpectedPlainPrivateKey != "" {
					var pc crypto.PrivateKeyContainer
					vs.readJSON(t, c.ExpectedPlainPrivateKey, &pc)
					plainPair, err := crypto.ParsePlainPrivateKey(pc)
					if err != nil {
						t.Fatalf("parse expected plain private key: %v", err)
					}
					if !pair.PrivateKey().Equal(plainPair.PrivateKey()) {
						t.Errorf("decrypted key differs from %s", c.ExpectedPlainPrivateKey)
					}
					// Re-encoding the decrypted key as PKCS#1 gives the same
					// bytes as the JS SDK's PEM (after CRLF → LF).
					got := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(pair.PrivateKey())}))
					if want := strings.ReplaceAll(pc.PrivateKey, "\r\n", "\n"); got != want {
						t.Errorf("PKCS#1 PEM of the decrypted key differs from %s", c.ExpectedPlainPrivateKey)
					}
				}
				// Populate the cache for the file key section.
				vs.unlocked.LoadOrStore(c.PrivateKey+"\x00"+c.Password, func() (*crypto.UserKeyPair, error) { return pair, nil })
			})
		}
	})
	kp.report(t, "keyPairs", 97)

	t.Run("publicKeys", func(t *testing.T) {
		for _, c := range vs.index.PublicKeys {
			pub.run(t, c.ID, c.Expect, func(t *testing.T) {
				var pc crypto.PublicKeyContainer
				vs.readJSON(t, c.PublicKey, &pc)
				_, err := crypto.ParsePublicKey(pc)
				checkExpect(t, c.Expect, err)
			})
		}
	})
	pub.report(t, "publicKeys", 6)

	t.Run("plainPrivateKeys", func(t *testing.T) {
		for _, c := range vs.index.PlainPrivateKeys {
			plain.run(t, c.ID, c.Expect, func(t *testing.T) {
				var pc crypto.PrivateKeyContainer
				vs.readJSON(t, c.PlainPrivateKey, &pc)
				p, err := crypto.ParsePlainPrivateKey(pc)
				if checkExpect(t, c.Expect, err) && p.PrivateKey().N.BitLen() != p.Version().Bits() {
					t.Errorf("%d-bit key for version %q", p.PrivateKey().N.BitLen(), p.Version())
				}
			})
		}
	})
	plain.report(t, "plainPrivateKeys", 4)

	t.Run("fileKeys", func(t *testing.T) {
		for _, c := range vs.index.FileKeys {
			fk.run(t, c.ID, c.Expect, func(t *testing.T) {
				var efk crypto.FileKey
				vs.readJSON(t, c.EncryptedFileKey, &efk)
				pair, err := vs.unlock(t, c.PrivateKey, c.Password)
				if err != nil {
					t.Fatalf("unlock %s: %v", c.PrivateKey, err)
				}
				got, err := pair.DecryptFileKey(&efk)
				if !checkExpect(t, c.Expect, err) {
					return
				}
				if c.ExpectedPlainFileKey != "" {
					want, err := vs.plainFileKey(t, c.ExpectedPlainFileKey)
					if err != nil {
						t.Fatalf("decode %s: %v", c.ExpectedPlainFileKey, err)
					}
					if !bytes.Equal(got.Key, want.Key) || !bytes.Equal(got.IV, want.IV) || !bytes.Equal(got.Tag, want.Tag) {
						t.Errorf("decrypted file key differs from %s", c.ExpectedPlainFileKey)
					}
				}
				checkOnlyDracoonOAEP(t, pair, &efk)
			})
		}
	})
	fk.report(t, "fileKeys", 52)
}

// checkOnlyDracoonOAEP shows that a decryptable file key opens with exactly
// one OAEP combination, the one DRACOON specifies for its version, and in
// particular not with the Python client's swapped hashes for "A".
func checkOnlyDracoonOAEP(t *testing.T, pair *crypto.UserKeyPair, fk *crypto.FileKey) {
	t.Helper()
	ct, err := base64.StdEncoding.DecodeString(fk.Key)
	if err != nil {
		t.Fatal(err)
	}
	combos := []struct {
		name      string
		hash, mgf stdcrypto.Hash
	}{
		{"SHA-256/MGF1-SHA-1", stdcrypto.SHA256, stdcrypto.SHA1},
		{"SHA-256/MGF1-SHA-256", stdcrypto.SHA256, stdcrypto.SHA256},
		{"SHA-1/MGF1-SHA-256 (Python client for A)", stdcrypto.SHA1, stdcrypto.SHA256},
		{"SHA-1/MGF1-SHA-1", stdcrypto.SHA1, stdcrypto.SHA1},
	}
	want := "SHA-256/MGF1-SHA-256"
	if fk.Version == crypto.FileKeyRSA2048 {
		want = "SHA-256/MGF1-SHA-1"
	}
	for _, c := range combos {
		_, err := pair.PrivateKey().Decrypt(nil, ct, &rsa.OAEPOptions{Hash: c.hash, MGFHash: c.mgf})
		if opens := err == nil; opens != (c.name == want) {
			t.Errorf("OAEP %s opens the %s file key: %t", c.name, fk.Version, opens)
		}
	}
}
