package dracoon

import (
	"context"
	"net/http"

	"github.com/dracoon-go/dracoon/crypto"
)

// The system rescue key pair: when set, DRACOON encrypts every file key
// of rooms that use it for this key pair too, so a config manager who
// knows its password can recover files whose owners lost their keys. Its
// private key is encrypted like a user's; the helpers of the user key
// pairs (keypairs.go) check it.

// RescueKeyPair returns the system rescue key pair of the given version;
// "" lets the server choose (GET /api/v4/settings/keypair).
func (s *SettingsService) RescueKeyPair(ctx context.Context, version crypto.KeyPairVersion) (*crypto.UserKeyPairContainer, error) {
	if err := checkKeyPairVersion("version", version); err != nil {
		return nil, err
	}
	return doJSON[crypto.UserKeyPairContainer](ctx, s.client, &apiCall{method: http.MethodGet, path: settingsPath + "/keypair", query: versionQuery(version)})
}

// RescueKeyPairs returns every system rescue key pair, one per version
// (GET /api/v4/settings/keypairs).
func (s *SettingsService) RescueKeyPairs(ctx context.Context) ([]crypto.UserKeyPairContainer, error) {
	var out []crypto.UserKeyPairContainer
	if err := s.client.do(ctx, &apiCall{method: http.MethodGet, path: settingsPath + "/keypairs"}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// SetRescueKeyPair uploads a system rescue key pair whose private key is
// already encrypted (POST /api/v4/settings/keypair).
func (s *SettingsService) SetRescueKeyPair(ctx context.Context, kp *crypto.UserKeyPairContainer) error {
	if err := validateKeyPairContainer(kp); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: settingsPath + "/keypair", jsonBody: kp}, nil)
}

// MigrateRescueKeyPair uploads a new system rescue key pair and keeps the
// previous private key on the server (POST /api/v4/settings/keypairs).
func (s *SettingsService) MigrateRescueKeyPair(ctx context.Context, req *CreateKeyPairRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: settingsPath + "/keypairs", jsonBody: req}, nil)
}

// DeleteRescueKeyPair deletes the system rescue key pair of the given
// version; "" lets the server choose. The file keys made for it go too
// (DELETE /api/v4/settings/keypair).
func (s *SettingsService) DeleteRescueKeyPair(ctx context.Context, version crypto.KeyPairVersion) error {
	if err := checkKeyPairVersion("version", version); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: settingsPath + "/keypair", query: versionQuery(version)}, nil)
}

// GenerateRescueKeyPair creates a system rescue key pair locally (version
// "" means DefaultKeyPairVersion, RSA-4096), encrypts its private key with
// password and uploads it (POST /api/v4/settings/keypair), which turns
// client-side encryption on for the tenant. It returns the uploaded
// container. The password never leaves this machine; keep it, it is the
// only way to the rescue key.
func (s *SettingsService) GenerateRescueKeyPair(ctx context.Context, password string, version crypto.KeyPairVersion) (*crypto.UserKeyPairContainer, error) {
	return generateAndSet(ctx, password, version, s.SetRescueKeyPair)
}
