package crypto_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/internal/cmd/cryptovectors/freshvec"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// EnvCryptoVectors names a fresh-vector file or directory to check instead
// of the shared sample (../shared/testdata/crypto/fresh/).
const EnvCryptoVectors = "DRACOON_CRYPTO_VECTORS"

// TestFreshVectors decrypts every case of every fresh-vector file (format
// dracoon-crypto-fresh-vectors/1) at $DRACOON_CRYPTO_VECTORS, or in the
// shared fresh/ folder (made by the official JS SDK) when unset.
func TestFreshVectors(t *testing.T) {
	t.Parallel()
	path := os.Getenv(EnvCryptoVectors)
	if path == "" {
		path = filepath.Join(testutil.SharedTestdataDir(t), "crypto", "fresh")
		if _, err := os.Stat(path); err != nil {
			t.Skipf("no fresh vectors at %s (set %s to a file or directory)", path, EnvCryptoVectors)
		}
	}
	paths, err := freshvec.Paths(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		f, err := freshvec.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(p), func(t *testing.T) {
			t.Parallel()
			checkFreshFile(t, f)
			n := 0
			for _, c := range f.Cases {
				n += len(c.Files)
			}
			t.Logf("%s (%s %s): %d cases, %d file cases", filepath.Base(p), f.Generator.Name, f.Generator.Version, len(f.Cases), n)
		})
	}
}

// checkFreshFile runs the checker over every case, in parallel subtests,
// and returns the opened key pairs (nil for a case that failed) once all
// are done.
func checkFreshFile(t *testing.T, f *freshvec.File) []*crypto.UserKeyPair {
	t.Helper()
	if len(f.Cases) == 0 {
		t.Fatal("no cases")
	}
	pairs := make([]*crypto.UserKeyPair, len(f.Cases))
	t.Run("cases", func(t *testing.T) {
		for i := range f.Cases {
			c := &f.Cases[i]
			t.Run(c.ID, func(t *testing.T) {
				t.Parallel()
				kp, err := freshvec.CheckKeyPair(c)
				if err != nil {
					t.Fatal(err)
				}
				if len(c.Files) == 0 {
					t.Fatal("case has no files")
				}
				for j := range c.Files {
					fc := &c.Files[j]
					if err := freshvec.CheckFile(kp, fc); err != nil {
						t.Errorf("%s: %v", fc.ID, err)
					}
				}
				pairs[i] = kp
			})
		}
	})
	return pairs
}

// TestFreshVectorsGenerateAndCheck runs the generator of
// internal/cmd/cryptovectors in-process and feeds its output, through JSON,
// to the checker. The key pairs are the fixtures, locked under the
// generator's passwords with a low iteration count: the real key pair
// parameters are TestGenerateUserKeyPair's subject, and every PBKDF2 at
// 1.3 M iterations costs seconds under the race detector.
func TestFreshVectorsGenerateAndCheck(t *testing.T) {
	t.Parallel()
	f, err := freshvec.Generate(freshvec.Options{
		Sizes:             []int{0, 1, 100, 70001},
		PlaintextB64Limit: 100,
		NewKeyPair: func(v crypto.KeyPairVersion, pw string) (*crypto.UserKeyPairContainer, error) {
			return crypto.LockWithIterations(fixture(t, v).pair, pw, fixtureIterations)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := freshvec.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Cases) != 2 || back.Cases[0].UserKeyPairVersion != crypto.KeyPairRSA2048 || back.Cases[1].UserKeyPairVersion != crypto.KeyPairRSA4096 {
		t.Fatalf("cases %+v", back.Cases)
	}
	for _, c := range back.Cases {
		if !strings.Contains(c.Password, "€🐛") {
			t.Errorf("password %q lacks non-Latin-1 characters", c.Password)
		}
		if len(c.Files) != 4 || c.Files[3].PlaintextB64 != nil || c.Files[2].PlaintextB64 == nil {
			t.Errorf("%s: files %d, plaintextB64 limit not applied", c.ID, len(c.Files))
		}
		if c.Files[0].CiphertextB64 != "" || c.Files[0].FileKey.Tag == "" {
			t.Errorf("%s: empty file must have empty ciphertext and a tag", c.ID)
		}
	}
	pairs := checkFreshFile(t, back)
	if t.Failed() {
		return
	}

	// The checker notices damage (each on a fresh copy of the file; the key
	// pairs, unchanged, were opened above).
	damage := map[string]func(f *freshvec.File){
		"ciphertext byte": func(f *freshvec.File) {
			fc := &f.Cases[0].Files[3]
			ct, _ := base64.StdEncoding.DecodeString(fc.CiphertextB64)
			ct[5000] ^= 1
			fc.CiphertextB64 = base64.StdEncoding.EncodeToString(ct)
		},
		"plaintext hash": func(f *freshvec.File) { f.Cases[1].Files[3].PlaintextSha256 = strings.Repeat("0", 64) },
		"tag":            func(f *freshvec.File) { f.Cases[1].Files[0].FileKey.Tag = f.Cases[1].Files[1].FileKey.Tag },
		"plainFileKey":   func(f *freshvec.File) { f.Cases[0].Files[1].PlainFileKey.Key[0] ^= 1 },
		"no reference": func(f *freshvec.File) {
			fc := &f.Cases[0].Files[3]
			fc.PlaintextSha256, fc.PlaintextLength = "", nil
		},
	}
	for name, damageFn := range damage {
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		g, err := freshvec.Read(&b)
		if err != nil {
			t.Fatal(err)
		}
		damageFn(g)
		failures := 0
		for i := range g.Cases {
			for j := range g.Cases[i].Files {
				if freshvec.CheckFile(pairs[i], &g.Cases[i].Files[j]) != nil {
					failures++
				}
			}
		}
		if failures != 1 {
			t.Errorf("damaged %s: %d file cases fail, want 1", name, failures)
		}
	}
}
