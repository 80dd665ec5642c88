package dracoon

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// encryptedFileFixture is a user's key pair unlocked in a client and the
// key of an encrypted file, encrypted for that key pair.
type encryptedFileFixture struct {
	plain *crypto.PlainFileKey // with its tag, as after an upload
	user  *crypto.FileKey      // plain, encrypted for the user
}

// newEncryptedFile makes a file key for the fixture key pair of version v
// and unlocks that key pair in c.
func newEncryptedFile(t *testing.T, c *Client, v crypto.KeyPairVersion) encryptedFileFixture {
	t.Helper()
	fx := loadKeyPairFixture(t, v)
	kp, err := fx.UserKeyPair.Unlock(fx.Password)
	if err != nil {
		t.Fatal(err)
	}
	c.keys.put(kp)
	plain, err := crypto.GenerateFileKey()
	if err != nil {
		t.Fatal(err)
	}
	plain.Tag = make([]byte, crypto.TagSize)
	_, _ = rand.Read(plain.Tag)
	fk, err := kp.PublicKey().EncryptFileKey(plain)
	if err != nil {
		t.Fatal(err)
	}
	return encryptedFileFixture{plain: plain, user: fk}
}

// recordShareCreation answers POST /api/v4/shares/downloads with an
// encrypted share and returns the body it received.
func recordShareCreation(f *fakeAPI) func() *CreateDownloadShareRequest {
	var mu sync.Mutex
	var got *CreateDownloadShareRequest
	f.mux.HandleFunc("POST /api/v4/shares/downloads", func(w http.ResponseWriter, r *http.Request) {
		var req CreateDownloadShareRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			f.t.Errorf("share body: %v", err)
		}
		mu.Lock()
		got = &req
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, strings.Replace(downloadShareJSON, `"isEncrypted":false`, `"isEncrypted":true`, 1))
	})
	return func() *CreateDownloadShareRequest {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

// TestEncryptedDownloadShareRoundTrip creates an encrypted share through a
// fake that records what it gets, then opens the recorded share key pair
// with the share password, as a recipient would, and finds the file's
// plain key. It uses a real share key pair (RSA-2048, full PBKDF2), so it
// takes about a second.
func TestEncryptedDownloadShareRoundTrip(t *testing.T) {
	const sharePassword = "Share-Secret-äöü-42"
	var logs testutil.SyncBuffer
	f := newFakeAPI(t, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	file := newEncryptedFile(t, f.client, crypto.KeyPairRSA2048)
	raw, _ := json.Marshal(file.user)
	keyHits := f.handle("GET /api/v4/nodes/files/77/user_file_key", fakeCall{query: "version=A", answer: string(raw)})
	recorded := recordShareCreation(f)

	future := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	share, err := f.client.Shares.CreateEncryptedDownloadShare(context.Background(),
		&CreateDownloadShareRequest{NodeID: 77, Name: "report", MaxDownloads: 3, Expiration: ExpireAt(future), NotifyCreator: true}, sharePassword)
	if err != nil {
		t.Fatal(err)
	}
	if !share.IsEncrypted || keyHits.Load() != 1 {
		t.Fatalf("share %+v, %d key requests", share, keyHits.Load())
	}
	got := recorded()
	if got == nil || got.KeyPair == nil || got.FileKey == nil {
		t.Fatalf("recorded %+v", got)
	}
	if got.Password != "" || got.NodeID != 77 || got.MaxDownloads != 3 || !got.NotifyCreator || !got.Expiration.ExpireAt.Equal(future) {
		t.Errorf("recorded settings %+v", got)
	}
	if got.KeyPair.PrivateKeyContainer.Version != crypto.KeyPairRSA2048 || got.FileKey.Version != crypto.FileKeyRSA2048 {
		t.Errorf("share key pair %q, file key %q; want the user's version A", got.KeyPair.PrivateKeyContainer.Version, got.FileKey.Version)
	}

	// The recipient's side: the public share carries the private key and
	// the file key as recorded.
	public := &PublicDownloadShare{IsEncrypted: true, FileKey: got.FileKey, PrivateKeyContainer: &got.KeyPair.PrivateKeyContainer}
	plain, err := public.DecryptFileKey(sharePassword)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain.Key, file.plain.Key) || !bytes.Equal(plain.IV, file.plain.IV) || !bytes.Equal(plain.Tag, file.plain.Tag) {
		t.Error("the share's file key is not the file's key")
	}
	_, err = public.DecryptFileKey("Not-The-Share-Password")
	if !errors.Is(err, crypto.ErrWrongPassword) || !errors.Is(err, ErrWrongEncryptionPassword) {
		t.Errorf("wrong share password: %v", err)
	}
	// The share password opens exactly the recorded pair.
	pub, err := crypto.ParsePublicKey(got.KeyPair.PublicKeyContainer)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := got.KeyPair.PrivateKeyContainer.Unlock(sharePassword)
	if err != nil || !kp.PublicKey().Equal(pub) {
		t.Errorf("the share's key pair halves do not belong together: %v", err)
	}
	if s := logs.String() + fmtAll(got); strings.Contains(s, sharePassword) {
		t.Errorf("the share password shows in logs or the formatted request:\n%s", s)
	}
	if !strings.Contains(logs.String(), "share key pair made") {
		t.Errorf("no debug record of the share key pair:\n%s", logs.String())
	}
}

// fixtureShareKeys replaces the share key pair generator with one that
// hands out the RSA-4096 fixture (locked with its own password, which the
// test then uses as share password) and records the version asked for.
func fixtureShareKeys(t *testing.T) (password string, asked *crypto.KeyPairVersion) {
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA4096)
	asked = new(crypto.KeyPairVersion)
	saved := generateUserKeyPair
	t.Cleanup(func() { generateUserKeyPair = saved })
	generateUserKeyPair = func(v crypto.KeyPairVersion, pw string) (*crypto.UserKeyPairContainer, error) {
		*asked = v
		if pw != fx.Password {
			t.Error("the generator did not get the share password")
		}
		c := fx.UserKeyPair
		return &c, nil
	}
	return fx.Password, asked
}

// TestEncryptedShareUsesNewestKeyPair: with both key pairs unlocked, the
// file key is read for RSA-4096 first, and the share key pair has that
// version; when the file has no RSA-4096 key, the "A" key is used.
func TestEncryptedShareUsesNewestKeyPair(t *testing.T) {
	pw, asked := fixtureShareKeys(t)
	f := newFakeAPI(t)
	fileA := newEncryptedFile(t, f.client, crypto.KeyPairRSA2048)
	newEncryptedFile(t, f.client, crypto.KeyPairRSA4096) // unlocked, but the file has no key for it
	rawA, _ := json.Marshal(fileA.user)
	var mu sync.Mutex
	var versions []string
	f.mux.HandleFunc("GET /api/v4/nodes/files/77/user_file_key", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		versions = append(versions, r.URL.Query().Get("version"))
		mu.Unlock()
		if r.URL.Query().Get("version") != "A" {
			writeJSON(w, 404, map[string]any{"code": 404, "message": "Not Found", "errorCode": -40761})
			return
		}
		writeRaw(w, string(rawA))
	})
	recorded := recordShareCreation(f)
	if _, err := f.client.Shares.CreateEncryptedDownloadShare(context.Background(), &CreateDownloadShareRequest{NodeID: 77}, pw); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(versions, ",") != "RSA-4096,A" || *asked != crypto.KeyPairRSA4096 {
		t.Errorf("file key versions asked %v, share key pair %q", versions, *asked)
	}
	got := recorded()
	kp, err := got.KeyPair.PrivateKeyContainer.Unlock(pw)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := kp.DecryptFileKey(got.FileKey)
	if err != nil || !bytes.Equal(plain.Key, fileA.plain.Key) {
		t.Errorf("file key for the share: %v", err)
	}
}

// TestEncryptedShareFailures: without an unlocked key pair, or without a
// file key for the user, nothing is created, and the errors say why.
func TestEncryptedShareFailures(t *testing.T) {
	pw, _ := fixtureShareKeys(t)
	ctx := context.Background()
	t.Run("no key pair", func(t *testing.T) {
		f := newFakeAPI(t)
		_, err := f.client.Shares.CreateEncryptedDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: 77}, pw)
		if !errors.Is(err, ErrNoKeyPair) || !strings.Contains(err.Error(), "unlock") {
			t.Errorf("got %v, want ErrNoKeyPair", err)
		}
		if n := f.requests.Load(); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
	t.Run("no file key", func(t *testing.T) {
		f := newFakeAPI(t)
		newEncryptedFile(t, f.client, crypto.KeyPairRSA2048)
		f.mux.HandleFunc("GET /api/v4/nodes/files/77/user_file_key", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 404, map[string]any{"code": 404, "message": "Not Found", "errorCode": -40761})
		})
		created := recordShareCreation(f)
		_, err := f.client.Shares.CreateEncryptedDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: 77}, pw)
		if !errors.Is(err, ErrNotFound) || created() != nil {
			t.Errorf("got %v, share created: %v", err, created() != nil)
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("the share password shows in the error: %v", err)
		}
	})
	t.Run("file key without tag", func(t *testing.T) {
		f := newFakeAPI(t)
		file := newEncryptedFile(t, f.client, crypto.KeyPairRSA2048)
		file.user.Tag = ""
		raw, _ := json.Marshal(file.user)
		f.handle("GET /api/v4/nodes/files/77/user_file_key", fakeCall{query: "version=A", answer: string(raw)})
		created := recordShareCreation(f)
		_, err := f.client.Shares.CreateEncryptedDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: 77}, pw)
		if !errors.Is(err, crypto.ErrMissingTag) || created() != nil {
			t.Errorf("got %v, share created: %v", err, created() != nil)
		}
	})
}
