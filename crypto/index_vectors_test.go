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
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
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
	// unlocked caches Unlock results, see unlockCached.
	unlocked sync.Map // string -> func() unlockResult
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

// unlockResult is one cached Unlock.
type unlockResult struct {
	pair     *crypto.UserKeyPair
	encoding string
	err      error
}

// unlockCached unlocks c with password once per distinct content: the
// official data holds many byte-identical copies of the same keys (each SDK
// carries the others' vectors), and PBKDF2 with 1.3 M iterations dominates
// the run time, several times more under the race detector. The cache key
// is the containers' versions and PEM text without white space, and the
// password.
func (vs *vectorSet) unlockCached(c *crypto.UserKeyPairContainer, password string) unlockResult {
	f, _ := vs.unlocked.LoadOrStore(unlockCacheKey(c, password), sync.OnceValue(func() unlockResult {
		pair, enc, err := crypto.UnlockReportingEncoding(c, password)
		return unlockResult{pair, enc, err}
	}))
	return f.(func() unlockResult)()
}

func unlockCacheKey(c *crypto.UserKeyPairContainer, password string) string {
	canon := func(s string) string { return strings.Join(strings.Fields(s), "") }
	return strings.Join([]string{
		string(c.PrivateKeyContainer.Version), canon(c.PrivateKeyContainer.PrivateKey),
		string(c.PublicKeyContainer.Version), canon(c.PublicKeyContainer.PublicKey), password,
	}, "\x00")
}

// unlock opens a private key file (without public key) with password.
func (vs *vectorSet) unlock(t *testing.T, privRel, password string) (*crypto.UserKeyPair, error) {
	t.Helper()
	var c crypto.UserKeyPairContainer
	vs.readJSON(t, privRel, &c.PrivateKeyContainer)
	r := vs.unlockCached(&c, password)
	return r.pair, r.err
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

// sectionCounter counts the cases of one section and the passed ones by
// their expect value.
type sectionCounter struct {
	cases  atomic.Int64
	mu     sync.Mutex
	passed map[string]int
}

func (c *sectionCounter) run(t *testing.T, id string, expect string, f func(t *testing.T)) {
	c.cases.Add(1)
	t.Run(id, func(t *testing.T) {
		t.Parallel()
		f(t)
		if t.Failed() {
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.passed == nil {
			c.passed = map[string]int{}
		}
		c.passed[expect]++
	})
}

// report logs the section's counts, checks the number of cases against
// the index's documented size and returns (cases, passed).
func (c *sectionCounter) report(t *testing.T, name string, want int) (int, int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	passed := 0
	var parts []string
	for _, e := range slices.Sorted(maps.Keys(c.passed)) {
		passed += c.passed[e]
		parts = append(parts, fmt.Sprintf("%s %d", e, c.passed[e]))
	}
	n := int(c.cases.Load())
	t.Logf("%-16s %3d cases, %3d passed (%s)", name, n, passed, strings.Join(parts, ", "))
	if n != want {
		t.Errorf("%s: %d cases in index.json, want %d", name, n, want)
	}
	return n, passed
}

// TestIndexVectors runs all 211 cases of index.json, section by section,
// and reports the counts.
func TestIndexVectors(t *testing.T) {
	t.Parallel()
	vs := sharedVectors(t)
	if vs.index.Format != "dracoon-crypto-testvectors-index/1" {
		t.Fatalf("index format %q", vs.index.Format)
	}
	total, passed := 0, 0
	for _, s := range []struct {
		name string
		want int
		run  func(*testing.T, *vectorSet, *sectionCounter)
	}{
		{"keyPairs", 97, runKeyPairCases},
		{"publicKeys", 6, runPublicKeyCases},
		{"plainPrivateKeys", 4, runPlainPrivateKeyCases},
		{"fileKeys", 52, runFileKeyCases},
		{"decrypt", 32, runDecryptCases},
		{"encrypt", 20, runEncryptCases},
	} {
		var c sectionCounter
		t.Run(s.name, func(t *testing.T) { s.run(t, vs, &c) })
		n, p := c.report(t, s.name, s.want)
		total, passed = total+n, passed+p
	}
	t.Logf("index.json: %d of %d cases passed", passed, total)
	if total != 211 || passed != total {
		t.Errorf("%d of %d cases passed, want 211 of 211", passed, total)
	}
}

// runKeyPairCases opens each private key (with its public key, if any).
func runKeyPairCases(t *testing.T, vs *vectorSet, sc *sectionCounter) {
	for _, c := range vs.index.KeyPairs {
		sc.run(t, c.ID, c.Expect, func(t *testing.T) {
			var ukp crypto.UserKeyPairContainer
			vs.readJSON(t, c.PrivateKey, &ukp.PrivateKeyContainer)
			if c.PublicKey != nil {
				vs.readJSON(t, *c.PublicKey, &ukp.PublicKeyContainer)
			}
			r := vs.unlockCached(&ukp, c.Password)
			pair, enc, err := r.pair, r.encoding, r.err
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
			// The file key section opens private keys without their public
			// key; record this result for that form too.
			privOnly := crypto.UserKeyPairContainer{PrivateKeyContainer: ukp.PrivateKeyContainer}
			vs.unlocked.LoadOrStore(unlockCacheKey(&privOnly, c.Password), func() unlockResult { return r })
		})
	}
}

func runPublicKeyCases(t *testing.T, vs *vectorSet, sc *sectionCounter) {
	for _, c := range vs.index.PublicKeys {
		sc.run(t, c.ID, c.Expect, func(t *testing.T) {
			var pc crypto.PublicKeyContainer
			vs.readJSON(t, c.PublicKey, &pc)
			_, err := crypto.ParsePublicKey(pc)
			checkExpect(t, c.Expect, err)
		})
	}
}

func runPlainPrivateKeyCases(t *testing.T, vs *vectorSet, sc *sectionCounter) {
	for _, c := range vs.index.PlainPrivateKeys {
		sc.run(t, c.ID, c.Expect, func(t *testing.T) {
			var pc crypto.PrivateKeyContainer
			vs.readJSON(t, c.PlainPrivateKey, &pc)
			p, err := crypto.ParsePlainPrivateKey(pc)
			if checkExpect(t, c.Expect, err) && p.PrivateKey().N.BitLen() != p.Version().Bits() {
				t.Errorf("%d-bit key for version %q", p.PrivateKey().N.BitLen(), p.Version())
			}
		})
	}
}

// runFileKeyCases unwraps each file key; key pairs come from the cache.
func runFileKeyCases(t *testing.T, vs *vectorSet, sc *sectionCounter) {
	for _, c := range vs.index.FileKeys {
		sc.run(t, c.ID, c.Expect, func(t *testing.T) {
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
}

// runDecryptCases decrypts in one piece and streamed in small pieces.
func runDecryptCases(t *testing.T, vs *vectorSet, sc *sectionCounter) {
	for _, c := range vs.index.Decrypt {
		sc.run(t, c.ID, c.Expect, func(t *testing.T) {
			key := vs.plainFileKeyOrVersion(t, c.PlainFileKey)
			var ct []byte
			if c.CiphertextRaw != "" {
				ct = vs.read(t, c.CiphertextRaw)
			} else {
				ct = vs.readB64(t, c.CiphertextB64)
			}
			got, err := crypto.Decrypt(key, ct)
			if !checkExpect(t, c.Expect, err) {
				return
			}
			if c.PlaintextB64 != "" && !bytes.Equal(got, vs.readB64(t, c.PlaintextB64)) {
				t.Fatal("plaintext differs")
			}
			// Streaming in 16- and 7-byte pieces gives the same result.
			for _, n := range []int{16, 7} {
				d, err := crypto.NewDecrypter(&chunkedReader{data: ct, n: n}, key)
				if err != nil {
					t.Fatal(err)
				}
				streamed, err := io.ReadAll(d)
				if err != nil || !bytes.Equal(streamed, got) {
					t.Fatalf("streaming in %d-byte pieces: %v", n, err)
				}
			}
		})
	}
}

// runEncryptCases encrypts in one piece and streamed in 5-byte pieces;
// "match" cases must reproduce ciphertext and tag byte for byte.
func runEncryptCases(t *testing.T, vs *vectorSet, sc *sectionCounter) {
	for _, c := range vs.index.Encrypt {
		sc.run(t, c.ID, c.Expect, func(t *testing.T) {
			stored, err := vs.plainFileKey(t, c.PlainFileKey)
			if err != nil {
				t.Fatal(err)
			}
			plain := vs.readB64(t, c.PlaintextB64)
			want := vs.readB64(t, c.CiphertextB64)
			key := &crypto.PlainFileKey{Version: stored.Version, Key: stored.Key, IV: stored.IV}
			got, err := crypto.Encrypt(key, plain)
			if err != nil {
				t.Fatal(err)
			}
			match := bytes.Equal(got, want) && bytes.Equal(key.Tag, stored.Tag)
			if match != (c.Expect == "match") {
				t.Fatalf("ciphertext and tag match the stored ones: %t, expect %q", match, c.Expect)
			}
			// Streaming in 5-byte pieces gives the same bytes and tag.
			skey := &crypto.PlainFileKey{Version: stored.Version, Key: stored.Key, IV: stored.IV}
			var buf bytes.Buffer
			e, err := crypto.NewEncrypter(&buf, skey)
			if err != nil {
				t.Fatal(err)
			}
			for p := plain; len(p) > 0; p = p[min(5, len(p)):] {
				if _, err := e.Write(p[:min(5, len(p))]); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), got) || !bytes.Equal(skey.Tag, key.Tag) {
				t.Fatal("streaming encryption differs from one-shot")
			}
		})
	}
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

// readB64 reads a one-line base64 vector file.
func (vs *vectorSet) readB64(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(vs.read(t, rel))))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return b
}

// plainFileKeyOrVersion decodes a plain file key vector. A key that the
// JSON decoder refuses for its version is rebuilt field by field, so that
// the test can also show that Decrypt/Encrypt refuse that version.
func (vs *vectorSet) plainFileKeyOrVersion(t *testing.T, rel string) *crypto.PlainFileKey {
	t.Helper()
	k, err := vs.plainFileKey(t, rel)
	if err == nil {
		return k
	}
	if !errors.Is(err, crypto.ErrUnknownVersion) {
		t.Fatalf("%s: %v", rel, err)
	}
	var raw struct{ Version, Key, IV, Tag string }
	vs.readJSON(t, rel, &raw)
	dec := func(s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return &crypto.PlainFileKey{Version: crypto.FileKeyVersion(raw.Version), Key: dec(raw.Key), IV: dec(raw.IV), Tag: dec(raw.Tag)}
}

// chunkedReader hands out its data in pieces of the given size.
type chunkedReader struct {
	data []byte
	n    int
}

func (r *chunkedReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.n, len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}
