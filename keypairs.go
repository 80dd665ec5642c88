package dracoon

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"

	"github.com/dracoon-go/dracoon/crypto"
)

// ErrWrongEncryptionPassword is matched (with errors.Is) by the error of
// UnlockKeyPair when the encryption password does not open the private
// key. It is crypto.ErrWrongPassword itself, so either name matches.
var ErrWrongEncryptionPassword = crypto.ErrWrongPassword

// DefaultKeyPairVersion is the version GenerateKeyPair creates when none
// is given: RSA-4096, the current one.
const DefaultKeyPairVersion = crypto.KeyPairRSA4096

// generateUserKeyPair makes a key pair; tests replace it to avoid the
// cost of RSA-4096 and 1.3 million PBKDF2 iterations.
var generateUserKeyPair = crypto.GenerateUserKeyPair

// keyRing holds the unlocked key pairs of a client, one per version. The
// encryption password that opened them is never kept.
type keyRing struct {
	mu    sync.RWMutex
	pairs map[crypto.KeyPairVersion]*crypto.UserKeyPair
}

func (k *keyRing) put(p *crypto.UserKeyPair) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.pairs == nil {
		k.pairs = map[crypto.KeyPairVersion]*crypto.UserKeyPair{}
	}
	k.pairs[p.Version()] = p
}

func (k *keyRing) get(v crypto.KeyPairVersion) *crypto.UserKeyPair {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.pairs[v]
}

// drop forgets the key pair of version v, or all of them for "".
func (k *keyRing) drop(v crypto.KeyPairVersion) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if v == "" {
		k.pairs = nil
		return
	}
	delete(k.pairs, v)
}

// checkKeyPairVersion accepts "" (the server's choice) and the known
// versions.
func checkKeyPairVersion(field string, v crypto.KeyPairVersion) error {
	if v != "" && v.Validate() != nil {
		return invalid(field, "must be %q or %q, got %q", crypto.KeyPairRSA2048, crypto.KeyPairRSA4096, string(v))
	}
	return nil
}

// versionQuery returns the query selecting version v, or nil for "".
func versionQuery(v crypto.KeyPairVersion) url.Values {
	if v == "" {
		return nil
	}
	return url.Values{"version": {string(v)}}
}

// validateKeyPairContainer refuses a key pair DRACOON would refuse: an
// unknown version, halves of different versions, or an empty key.
func validateKeyPairContainer(kp *crypto.UserKeyPairContainer) error {
	if kp == nil {
		return invalid("keyPair", "must not be nil")
	}
	priv, pub := kp.PrivateKeyContainer, kp.PublicKeyContainer
	return firstError(
		checkKeyPairVersion("privateKeyContainer.version", priv.Version),
		checkNotBlank("privateKeyContainer.version", string(priv.Version)),
		checkNotBlank("privateKeyContainer.privateKey", priv.PrivateKey),
		checkNotBlank("publicKeyContainer.publicKey", pub.PublicKey),
		func() error {
			if pub.Version != priv.Version {
				return invalid("publicKeyContainer.version", "must equal privateKeyContainer.version")
			}
			return nil
		}(),
	)
}

// KeyPair returns the own encrypted key pair
// (GET /api/v4/user/account/keypair). version selects one when the user
// has two (during a migration); "" lets the server choose.
func (s *AccountService) KeyPair(ctx context.Context, version crypto.KeyPairVersion) (*crypto.UserKeyPairContainer, error) {
	if err := checkKeyPairVersion("version", version); err != nil {
		return nil, err
	}
	return doJSON[crypto.UserKeyPairContainer](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/user/account/keypair", query: versionQuery(version)})
}

// KeyPairs returns all own encrypted key pairs, one per version
// (GET /api/v4/user/account/keypairs).
func (s *AccountService) KeyPairs(ctx context.Context) ([]crypto.UserKeyPairContainer, error) {
	var out []crypto.UserKeyPairContainer
	if err := s.client.do(ctx, &apiCall{method: http.MethodGet, path: "/api/v4/user/account/keypairs"}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// SetKeyPair uploads a key pair whose private key is already encrypted
// (POST /api/v4/user/account/keypair). DRACOON refuses it with 409 when a
// key pair of that version exists.
func (s *AccountService) SetKeyPair(ctx context.Context, kp *crypto.UserKeyPairContainer) error {
	if err := validateKeyPairContainer(kp); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: "/api/v4/user/account/keypair", jsonBody: kp}, nil)
}

// CreateKeyPairRequest uploads a new key pair together with the previous
// private key, so that the server keeps both during a migration (for
// example from "A" to "RSA-4096") and file keys can be re-encrypted for
// the new one.
type CreateKeyPairRequest struct {
	PrivateKeyContainer crypto.PrivateKeyContainer `json:"privateKeyContainer"`
	PublicKeyContainer  crypto.PublicKeyContainer  `json:"publicKeyContainer"`
	PreviousPrivateKey  crypto.PrivateKeyContainer `json:"previousPrivateKey"`
}

// Validate refuses a new key pair that SetKeyPair would refuse and a
// previous private key without version or key.
func (r *CreateKeyPairRequest) Validate() error {
	kp := crypto.UserKeyPairContainer{PrivateKeyContainer: r.PrivateKeyContainer, PublicKeyContainer: r.PublicKeyContainer}
	prev := r.PreviousPrivateKey
	return firstError(validateKeyPairContainer(&kp),
		checkNotBlank("previousPrivateKey.version", string(prev.Version)),
		checkKeyPairVersion("previousPrivateKey.version", prev.Version),
		checkNotBlank("previousPrivateKey.privateKey", prev.PrivateKey))
}

// MigrateKeyPair uploads a new key pair and keeps the previous private key
// on the server (POST /api/v4/user/account/keypairs); KeyPairs then lists
// both.
func (s *AccountService) MigrateKeyPair(ctx context.Context, req *CreateKeyPairRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: "/api/v4/user/account/keypairs", jsonBody: req}, nil)
}

// GenerateKeyPair creates a new key pair locally (version "" means
// DefaultKeyPairVersion, RSA-4096), encrypts its private key with the
// encryption password and uploads it (POST /api/v4/user/account/keypair).
// It returns the uploaded container. The password never leaves this
// machine. Generating an RSA-4096 key takes a second or more; ctx is
// checked before the work and before the upload.
//
// The new key pair is not unlocked in the client; call UnlockKeyPair for
// that.
func (s *AccountService) GenerateKeyPair(ctx context.Context, password string, version crypto.KeyPairVersion) (*crypto.UserKeyPairContainer, error) {
	return generateAndSet(ctx, password, version, s.SetKeyPair)
}

// generateAndSet creates a key pair locally (version "" means
// DefaultKeyPairVersion), encrypts its private key with password and
// uploads it with set, checking ctx before the work and before the upload.
// The password never leaves this machine.
func generateAndSet(ctx context.Context, password string, version crypto.KeyPairVersion, set func(context.Context, *crypto.UserKeyPairContainer) error) (*crypto.UserKeyPairContainer, error) {
	if version == "" {
		version = DefaultKeyPairVersion
	}
	if err := firstError(checkKeyPairVersion("version", version), checkPassword(password)); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	kp, err := generateUserKeyPair(version, password)
	if err != nil {
		return nil, fmt.Errorf("dracoon: generate key pair: %w", err)
	}
	if err := set(ctx, kp); err != nil {
		return nil, err
	}
	return kp, nil
}

// DeleteKeyPair deletes the own key pair of the given version
// (DELETE /api/v4/user/account/keypair); "" lets the server choose (it
// deletes the "A" pair). DRACOON deletes the file keys made for it too, and
// files nobody else can decrypt become unreadable. An unlocked key pair of
// that version (with version "", every unlocked key pair) is dropped from
// the client.
func (s *AccountService) DeleteKeyPair(ctx context.Context, version crypto.KeyPairVersion) error {
	if err := checkKeyPairVersion("version", version); err != nil {
		return err
	}
	if err := s.client.do(ctx, &apiCall{method: http.MethodDelete, path: "/api/v4/user/account/keypair", query: versionQuery(version)}, nil); err != nil {
		return err
	}
	s.client.keys.drop(version)
	return nil
}

// checkPassword refuses an empty encryption password.
func checkPassword(password string) error {
	if password == "" {
		return invalid("password", "must not be empty")
	}
	return nil
}

// UnlockKeyPair fetches the own key pair of the server's choice of version
// (GET /api/v4/user/account/keypair), decrypts its private key with the
// encryption password and keeps the plain key pair in the client for
// later transfers; it also returns it. A wrong password is an error
// matching ErrWrongEncryptionPassword (crypto.ErrWrongPassword). The
// password is neither stored nor logged.
func (s *AccountService) UnlockKeyPair(ctx context.Context, password string) (*crypto.UserKeyPair, error) {
	return s.UnlockKeyPairVersion(ctx, "", password)
}

// UnlockKeyPairVersion is UnlockKeyPair for the key pair of one version,
// for users who hold two (GET /api/v4/user/account/keypair).
func (s *AccountService) UnlockKeyPairVersion(ctx context.Context, version crypto.KeyPairVersion, password string) (*crypto.UserKeyPair, error) {
	if err := firstError(checkKeyPairVersion("version", version), checkPassword(password)); err != nil {
		return nil, err
	}
	c, err := s.KeyPair(ctx, version)
	if err != nil {
		return nil, err
	}
	kp, err := c.Unlock(password)
	if err != nil {
		s.client.logger.LogAttrs(ctx, slog.LevelDebug, "dracoon: key pair not unlocked",
			slog.String("version", string(c.PrivateKeyContainer.Version)), slog.String("error", err.Error()))
		return nil, fmt.Errorf("dracoon: unlock key pair: %w", err)
	}
	s.client.keys.put(kp)
	s.client.logger.LogAttrs(ctx, slog.LevelDebug, "dracoon: key pair unlocked", slog.String("version", string(kp.Version())))
	return kp, nil
}

// UnlockedKeyPair returns the key pair of the given version that
// UnlockKeyPair kept in the client, or nil. It is safe to call from many
// goroutines.
func (s *AccountService) UnlockedKeyPair(version crypto.KeyPairVersion) *crypto.UserKeyPair {
	return s.client.keys.get(version)
}

// ForgetKeyPairs drops every unlocked key pair from the client.
func (s *AccountService) ForgetKeyPairs() { s.client.keys.drop("") }
