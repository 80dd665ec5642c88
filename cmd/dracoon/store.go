package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/zalando/go-keyring"
)

// keyringService is the service name of the CLI's keyring entries.
const keyringService = "dracoon-go"

// credentialsFile is the fallback store's file name in the config
// directory.
const credentialsFile = "credentials.json"

// errSecretNotFound says a store holds no secret under a key.
var errSecretNotFound = errors.New("not stored")

// secretStore keeps refresh tokens and encryption passwords between runs.
// Keys are "refresh-token/HOST" and "encryption-password/HOST".
type secretStore interface {
	// Get returns the secret under key, or an error matching
	// errSecretNotFound.
	Get(key string) (string, error)
	// Set stores a secret under key.
	Set(key, secret string) error
	// Delete removes key; a missing key is an error matching
	// errSecretNotFound.
	Delete(key string) error
	// Where says where the secrets are kept (for messages).
	Where() string
}

// refreshTokenKey names a host's refresh token.
func refreshTokenKey(host string) string { return "refresh-token/" + host }

// encryptionPasswordKey names a host's encryption password.
func encryptionPasswordKey(host string) string { return "encryption-password/" + host }

// defaultStore returns the OS keyring when it answers, else the 0600 file
// in the config directory ($DRACOON_CONFIG_DIR, else
// os.UserConfigDir()/dracoon). $DRACOON_CREDENTIAL_STORE set to "keyring"
// or "file" forces one.
func defaultStore(env map[string]string) (secretStore, error) {
	switch mode := env[envCredentialStore]; mode {
	case "keyring":
		return keyringStore{}, nil
	case "file":
	case "":
		if keyringAvailable() {
			return keyringStore{}, nil
		}
	default:
		return nil, usagef("%s must be keyring or file, got %q", envCredentialStore, mode)
	}
	dir := env[envConfigDir]
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("no place for the credentials file (set %s): %w", envConfigDir, err)
		}
		dir = filepath.Join(base, "dracoon")
	}
	return newFileStore(dir), nil
}

// keyringAvailable reports whether the OS keyring answers: a lookup of a
// key that does not exist must say "not found", not fail. On headless
// Linux and WSL there is no Secret Service, and the lookup fails.
func keyringAvailable() bool {
	_, err := keyring.Get(keyringService, "probe")
	return err == nil || errors.Is(err, keyring.ErrNotFound)
}

// keyringStore keeps secrets in the OS keyring (macOS Keychain, Windows
// Credential Manager, Secret Service on Linux).
type keyringStore struct{}

// Get reads a secret.
func (keyringStore) Get(key string) (string, error) {
	s, err := keyring.Get(keyringService, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", errSecretNotFound
	}
	return s, err
}

// Set writes a secret.
func (keyringStore) Set(key, secret string) error { return keyring.Set(keyringService, key, secret) }

// Delete removes a secret.
func (keyringStore) Delete(key string) error {
	err := keyring.Delete(keyringService, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return errSecretNotFound
	}
	return err
}

// Where names the keyring.
func (keyringStore) Where() string { return "the OS keyring" }

// fileStore keeps secrets in a JSON file readable only by the user
// (0600), in a directory only the user can enter (0700). Every change
// writes a new file next to it and renames it into place, so the file is
// never half written and never readable by others, not even briefly.
type fileStore struct {
	mu   sync.Mutex
	dir  string
	path string
}

// newFileStore returns the store kept in dir.
func newFileStore(dir string) *fileStore {
	return &fileStore{dir: dir, path: filepath.Join(dir, credentialsFile)}
}

// Where names the file.
func (s *fileStore) Where() string { return s.path }

// load reads the file; a missing file is an empty store. A file others
// can read or write is refused rather than used.
func (s *fileStore) load() (map[string]string, error) {
	f, err := os.Open(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("credentials file %s has mode %04o: others may read it; run chmod 600 on it or delete it", s.path, perm)
	}
	m := map[string]string{}
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		return nil, fmt.Errorf("credentials file %s is not valid JSON; delete it to start afresh", s.path)
	}
	return m, nil
}

// save writes m atomically with mode 0600.
func (s *fileStore) save(m map[string]string) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("credentials directory: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, ".credentials-*.json") // created 0600
	if err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("credentials file: %w", err)
	}
	enc := json.NewEncoder(tmp)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		tmp.Close()
		return fmt.Errorf("credentials file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("credentials file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	return nil
}

// Get reads a secret.
func (s *fileStore) Get(key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.load()
	if err != nil {
		return "", err
	}
	v, ok := m[key]
	if !ok {
		return "", errSecretNotFound
	}
	return v, nil
}

// Set writes a secret, keeping the others.
func (s *fileStore) Set(key, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.load()
	if err != nil {
		return err
	}
	m[key] = secret
	return s.save(m)
}

// Delete removes a secret, keeping the others.
func (s *fileStore) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.load()
	if err != nil {
		return err
	}
	if _, ok := m[key]; !ok {
		return errSecretNotFound
	}
	delete(m, key)
	return s.save(m)
}
