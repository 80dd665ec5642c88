package dracoon

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// keyPairFixture is one of the crypto package's own test key pairs: real
// keys whose private key is encrypted with only 2048 PBKDF2 iterations, so
// that unlocking takes about a millisecond.
type keyPairFixture struct {
	Password    string                      `json:"password"`
	UserKeyPair crypto.UserKeyPairContainer `json:"userKeyPair"`
	raw         string
}

func loadKeyPairFixture(t *testing.T, v crypto.KeyPairVersion) keyPairFixture {
	t.Helper()
	b, err := os.ReadFile("crypto/testdata/keypair_" + string(v) + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var f keyPairFixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(f.UserKeyPair)
	if err != nil {
		t.Fatal(err)
	}
	f.raw = string(raw)
	return f
}

func TestUnlockKeyPair(t *testing.T) {
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA2048)
	var logs testutil.SyncBuffer
	f := newFakeAPI(t, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	hits := f.handle("GET /api/v4/user/account/keypair", fakeCall{answer: fx.raw})
	ctx := context.Background()

	if f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) != nil {
		t.Fatal("a new client holds a key pair")
	}
	const wrong = "Not-The-Password-0815"
	_, err := f.client.Account.UnlockKeyPair(ctx, wrong)
	if !errors.Is(err, ErrWrongEncryptionPassword) || !errors.Is(err, crypto.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if errors.Is(err, ErrInvalidRequest) || errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong password matches another kind of error: %v", err)
	}
	if f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) != nil {
		t.Error("a key pair is kept after a wrong password")
	}

	kp, err := f.client.Account.UnlockKeyPair(ctx, fx.Password)
	if err != nil {
		t.Fatal(err)
	}
	want, err := crypto.ParsePublicKey(fx.UserKeyPair.PublicKeyContainer)
	if err != nil {
		t.Fatal(err)
	}
	if kp.Version() != crypto.KeyPairRSA2048 || !kp.PublicKey().Equal(want) {
		t.Errorf("unlocked %v, not the fixture's key pair", kp)
	}
	if got := f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA2048); got != kp {
		t.Error("UnlockedKeyPair does not return the unlocked key pair")
	}
	if f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA4096) != nil {
		t.Error("a key pair of the other version appeared")
	}
	if hits.Load() != 2 {
		t.Errorf("%d key pair requests, want 2", hits.Load())
	}

	out := logs.String() + fmtAll(err) + fmtAll(f.client.Account) + fmtAll(kp)
	if !strings.Contains(out, "key pair unlocked") || !strings.Contains(out, "/api/v4/user/account/keypair") {
		t.Errorf("the debug log does not show the unlock:\n%s", out)
	}
	if containsAny(out, fx.Password, wrong) {
		t.Errorf("a password reached the log or a formatted value:\n%s", out)
	}

	f.client.Account.ForgetKeyPairs()
	if f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) != nil {
		t.Error("ForgetKeyPairs kept the key pair")
	}
}

func TestUnlockKeyPairVersionAndDelete(t *testing.T) {
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA4096)
	f := newFakeAPI(t)
	f.handle("GET /api/v4/user/account/keypair", fakeCall{query: "version=RSA-4096", answer: fx.raw})
	f.handle("DELETE /api/v4/user/account/keypair", fakeCall{query: "version=RSA-4096"})
	ctx := context.Background()
	kp, err := f.client.Account.UnlockKeyPairVersion(ctx, crypto.KeyPairRSA4096, fx.Password)
	if err != nil || kp.Version() != crypto.KeyPairRSA4096 {
		t.Fatalf("%v, %v", kp, err)
	}
	if f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA4096) != kp {
		t.Fatal("not kept")
	}
	if err := f.client.Account.DeleteKeyPair(ctx, crypto.KeyPairRSA4096); err != nil {
		t.Fatal(err)
	}
	if f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA4096) != nil {
		t.Error("the deleted key pair is still unlocked in the client")
	}
}

func TestUnlockKeyPairConcurrently(t *testing.T) {
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA2048)
	f := newFakeAPI(t, WithMaxConcurrentRequests(8))
	f.handle("GET /api/v4/user/account/keypair", fakeCall{answer: fx.raw})
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if i%2 == 0 {
				if _, err := f.client.Account.UnlockKeyPair(ctx, fx.Password); err != nil {
					t.Error(err)
				}
				return
			}
			if kp := f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA2048); kp != nil && kp.Version() != crypto.KeyPairRSA2048 {
				t.Error("torn read")
			}
		})
	}
	wg.Wait()
	if f.client.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) == nil {
		t.Error("no key pair after the unlocks")
	}
}

func TestKeyPairEndpoints(t *testing.T) {
	ctx := context.Background()
	a := loadKeyPairFixture(t, crypto.KeyPairRSA2048)
	b := loadKeyPairFixture(t, crypto.KeyPairRSA4096)
	runOpCases(t, []opCase{
		{"get", "GET /api/v4/user/account/keypair", fakeCall{answer: a.raw},
			func(t *testing.T, c *Client) error {
				kp, err := c.Account.KeyPair(ctx, "")
				return firstError(err, expect(err == nil && kp.PrivateKeyContainer.PrivateKey == a.UserKeyPair.PrivateKeyContainer.PrivateKey, "%v", kp))
			}},
		{"get by version", "GET /api/v4/user/account/keypair", fakeCall{query: "version=A", answer: a.raw},
			func(t *testing.T, c *Client) error {
				_, err := c.Account.KeyPair(ctx, crypto.KeyPairRSA2048)
				return err
			}},
		{"list", "GET /api/v4/user/account/keypairs", fakeCall{answer: "[" + a.raw + "," + b.raw + "]"},
			func(t *testing.T, c *Client) error {
				l, err := c.Account.KeyPairs(ctx)
				return firstError(err, expect(err == nil && len(l) == 2 && l[1].PublicKeyContainer.Version == crypto.KeyPairRSA4096, "%v", l))
			}},
		{"set", "POST /api/v4/user/account/keypair", fakeCall{body: b.raw},
			func(t *testing.T, c *Client) error { return c.Account.SetKeyPair(ctx, &b.UserKeyPair) }},
		{"migrate", "POST /api/v4/user/account/keypairs", fakeCall{body: migrateBody(t, a, b)},
			func(t *testing.T, c *Client) error {
				return c.Account.MigrateKeyPair(ctx, &CreateKeyPairRequest{PrivateKeyContainer: b.UserKeyPair.PrivateKeyContainer,
					PublicKeyContainer: b.UserKeyPair.PublicKeyContainer, PreviousPrivateKey: a.UserKeyPair.PrivateKeyContainer})
			}},
		{"delete", "DELETE /api/v4/user/account/keypair", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Account.DeleteKeyPair(ctx, "") }},
		{"delete by version", "DELETE /api/v4/user/account/keypair", fakeCall{query: "version=A"},
			func(t *testing.T, c *Client) error { return c.Account.DeleteKeyPair(ctx, crypto.KeyPairRSA2048) }},
	})
}

// migrateBody is the JSON of a migration from prev's to next's key pair.
func migrateBody(t *testing.T, prev, next keyPairFixture) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"privateKeyContainer": next.UserKeyPair.PrivateKeyContainer,
		"publicKeyContainer": next.UserKeyPair.PublicKeyContainer, "previousPrivateKey": prev.UserKeyPair.PrivateKeyContainer})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// uploadedKeyPair records the key pair POSTed to the fake.
func uploadedKeyPair(f *fakeAPI) func() *crypto.UserKeyPairContainer {
	var mu sync.Mutex
	var got *crypto.UserKeyPairContainer
	f.mux.HandleFunc("POST /api/v4/user/account/keypair", func(w http.ResponseWriter, r *http.Request) {
		var kp crypto.UserKeyPairContainer
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &kp); err != nil {
			f.t.Errorf("uploaded key pair: %v", err)
		}
		mu.Lock()
		got = &kp
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	return func() *crypto.UserKeyPairContainer {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

// TestGenerateKeyPair generates one real RSA-2048 key pair (the cheaper
// version; still 1.3 million PBKDF2 iterations) and checks that what was
// uploaded opens with the password.
func TestGenerateKeyPair(t *testing.T) {
	f := newFakeAPI(t)
	uploaded := uploadedKeyPair(f)
	const pw = "Generate-Secret-42"
	kp, err := f.client.Account.GenerateKeyPair(context.Background(), pw, crypto.KeyPairRSA2048)
	if err != nil {
		t.Fatal(err)
	}
	up := uploaded()
	if up == nil || up.PrivateKeyContainer.PrivateKey != kp.PrivateKeyContainer.PrivateKey || up.PublicKeyContainer.Version != crypto.KeyPairRSA2048 {
		t.Fatalf("uploaded %v, returned %v", up, kp)
	}
	if strings.Contains(up.PrivateKeyContainer.PrivateKey, pw) {
		t.Fatal("the password is in the uploaded key")
	}
	if _, err := up.Unlock(pw); err != nil {
		t.Fatalf("the uploaded key pair does not open with the password: %v", err)
	}
}

// TestGenerateKeyPairDefaultsToRSA4096 checks the version choice without
// the cost of an RSA-4096 key: the generator is replaced by one that hands
// out the fixture.
func TestGenerateKeyPairDefaultsToRSA4096(t *testing.T) {
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA4096)
	var asked crypto.KeyPairVersion
	saved := generateUserKeyPair
	t.Cleanup(func() { generateUserKeyPair = saved })
	generateUserKeyPair = func(v crypto.KeyPairVersion, password string) (*crypto.UserKeyPairContainer, error) {
		asked = v
		if password != fx.Password {
			t.Error("the generator did not get the password")
		}
		c := fx.UserKeyPair
		return &c, nil
	}
	f := newFakeAPI(t)
	uploaded := uploadedKeyPair(f)
	if _, err := f.client.Account.GenerateKeyPair(context.Background(), fx.Password, ""); err != nil {
		t.Fatal(err)
	}
	if asked != crypto.KeyPairRSA4096 || uploaded() == nil || uploaded().PrivateKeyContainer.Version != crypto.KeyPairRSA4096 {
		t.Errorf("generated %q, uploaded %v", asked, uploaded())
	}
}

func TestKeyPairsRefuseInvalidRequests(t *testing.T) {
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA2048)
	mixed := fx.UserKeyPair
	mixed.PublicKeyContainer.Version = crypto.KeyPairRSA4096
	noKey := fx.UserKeyPair
	noKey.PrivateKeyContainer.PrivateKey = ""
	runInvalidCases(t, []invalidCase{
		{"unlock with empty password", "password", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UnlockKeyPair(ctx, "")
			return err
		}},
		{"unlock unknown version", "version", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UnlockKeyPairVersion(ctx, "RSA-1024", "pw")
			return err
		}},
		{"generate with empty password", "password", func(ctx context.Context, c *Client) error {
			_, err := c.Account.GenerateKeyPair(ctx, "", "")
			return err
		}},
		{"generate unknown version", "version", func(ctx context.Context, c *Client) error {
			_, err := c.Account.GenerateKeyPair(ctx, "pw", "B")
			return err
		}},
		{"get unknown version", "version", func(ctx context.Context, c *Client) error { _, err := c.Account.KeyPair(ctx, "x"); return err }},
		{"delete unknown version", "version", func(ctx context.Context, c *Client) error { return c.Account.DeleteKeyPair(ctx, "x") }},
		{"set nil", "keyPair", func(ctx context.Context, c *Client) error { return c.Account.SetKeyPair(ctx, nil) }},
		{"set mixed versions", "publicKeyContainer.version", func(ctx context.Context, c *Client) error { return c.Account.SetKeyPair(ctx, &mixed) }},
		{"set without private key", "privateKeyContainer.privateKey", func(ctx context.Context, c *Client) error { return c.Account.SetKeyPair(ctx, &noKey) }},
		{"migrate without previous key", "previousPrivateKey.version", func(ctx context.Context, c *Client) error {
			return c.Account.MigrateKeyPair(ctx, &CreateKeyPairRequest{PrivateKeyContainer: fx.UserKeyPair.PrivateKeyContainer, PublicKeyContainer: fx.UserKeyPair.PublicKeyContainer})
		}},
		{"migrate nil", "request", func(ctx context.Context, c *Client) error { return c.Account.MigrateKeyPair(ctx, nil) }},
	})
}
