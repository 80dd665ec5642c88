package crypto_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
)

// Own key pair fixtures in testdata/: one key pair per version, made by this
// package, with a low PBKDF2 iteration count so tests can open them in
// about a millisecond. Generating RSA-4096 keys is slow and erratic (tails
// of seconds), so tests never generate them per case.
//
// Regenerate with: go test ./crypto -run TestWriteFixtures -write-fixtures

var writeFixtures = flag.Bool("write-fixtures", false, "regenerate the key pair fixtures in testdata/")

const fixtureIterations = 2048

type keyPairFixture struct {
	Comment     string                      `json:"comment"`
	Password    string                      `json:"password"`
	Iterations  int                         `json:"iterations"`
	UserKeyPair crypto.UserKeyPairContainer `json:"userKeyPair"`
}

func fixturePath(v crypto.KeyPairVersion) string {
	return filepath.Join("testdata", "keypair_"+string(v)+".json")
}

func TestWriteFixtures(t *testing.T) {
	if !*writeFixtures {
		t.Skip("run with -write-fixtures to regenerate testdata/keypair_*.json")
	}
	for _, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA2048, crypto.KeyPairRSA4096} {
		pw := "Fixture-" + string(v) + "-äÖ€🐛"
		c, err := crypto.GenerateUserKeyPair(v, pw)
		if err != nil {
			t.Fatal(err)
		}
		pair, err := c.Unlock(pw)
		if err != nil {
			t.Fatal(err)
		}
		cheap, err := crypto.LockWithIterations(pair, pw, fixtureIterations)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(keyPairFixture{
			Comment:     fmt.Sprintf("Test fixture made by this package (TestWriteFixtures); PBKDF2 with only %d iterations so tests stay fast. Not a real key.", fixtureIterations),
			Password:    pw,
			Iterations:  fixtureIterations,
			UserKeyPair: *cheap,
		}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fixturePath(v), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type loadedFixture struct {
	container crypto.UserKeyPairContainer
	password  string
	pair      *crypto.UserKeyPair
}

var fixtureCache sync.Map // crypto.KeyPairVersion -> func() (*loadedFixture, error)

// fixture returns the fixture key pair of version v, opened once per test
// binary.
func fixture(t testing.TB, v crypto.KeyPairVersion) *loadedFixture {
	t.Helper()
	f, _ := fixtureCache.LoadOrStore(v, sync.OnceValues(func() (*loadedFixture, error) {
		b, err := os.ReadFile(fixturePath(v))
		if err != nil {
			return nil, err
		}
		var kf keyPairFixture
		if err := json.Unmarshal(b, &kf); err != nil {
			return nil, err
		}
		pair, err := kf.UserKeyPair.Unlock(kf.Password)
		if err != nil {
			return nil, err
		}
		return &loadedFixture{container: kf.UserKeyPair, password: kf.Password, pair: pair}, nil
	}))
	lf, err := f.(func() (*loadedFixture, error))()
	if err != nil {
		t.Fatalf("fixture %s: %v", v, err)
	}
	return lf
}
