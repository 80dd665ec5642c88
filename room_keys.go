package dracoon

import (
	"context"
	"net/http"

	"github.com/dracoon-go/dracoon/crypto"
)

// The room rescue key pair: when a room has one, DRACOON encrypts the
// file keys of the room's files for it too, so a room administrator who
// knows its password can recover files whose owners lost their keys. It
// is checked and generated like the system rescue key pair
// (settings_keypair.go) and the user key pairs (keypairs.go).

// RescueKeyPair returns the rescue key pair of a room, of the given
// version; "" lets the server choose
// (GET /api/v4/nodes/rooms/{room_id}/keypair).
func (s *RoomsService) RescueKeyPair(ctx context.Context, roomID int64, version crypto.KeyPairVersion) (*crypto.UserKeyPairContainer, error) {
	if err := firstError(checkID("room_id", roomID), checkKeyPairVersion("version", version)); err != nil {
		return nil, err
	}
	return doJSON[crypto.UserKeyPairContainer](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(roomsPath, roomID, "/keypair"), query: versionQuery(version)})
}

// RescueKeyPairs returns every rescue key pair of a room, one per version
// (GET /api/v4/nodes/rooms/{room_id}/keypairs). The document declares the
// answer as 204 with a list, which HTTP does not allow; an empty answer
// gives an empty list.
func (s *RoomsService) RescueKeyPairs(ctx context.Context, roomID int64) ([]crypto.UserKeyPairContainer, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	out, err := doOptionalJSON[[]crypto.UserKeyPairContainer](ctx, s.client, &apiCall{method: http.MethodGet, path: idPath(roomsPath, roomID, "/keypairs")})
	if err != nil || out == nil {
		return nil, err
	}
	return *out, nil
}

// SetRescueKeyPair uploads a room rescue key pair whose private key is
// already encrypted (POST /api/v4/nodes/rooms/{room_id}/keypair).
func (s *RoomsService) SetRescueKeyPair(ctx context.Context, roomID int64, kp *crypto.UserKeyPairContainer) error {
	if err := firstError(checkID("room_id", roomID), validateKeyPairContainer(kp)); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: idPath(roomsPath, roomID, "/keypair"), jsonBody: kp}, nil)
}

// GenerateRescueKeyPair creates a room rescue key pair locally (version
// "" means DefaultKeyPairVersion, RSA-4096), encrypts its private key with
// password and uploads it (POST /api/v4/nodes/rooms/{room_id}/keypair).
// It returns the uploaded container. The password never leaves this
// machine.
func (s *RoomsService) GenerateRescueKeyPair(ctx context.Context, roomID int64, password string, version crypto.KeyPairVersion) (*crypto.UserKeyPairContainer, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	return generateAndSet(ctx, password, version, func(ctx context.Context, kp *crypto.UserKeyPairContainer) error {
		return s.SetRescueKeyPair(ctx, roomID, kp)
	})
}

// MigrateRescueKeyPair uploads a new room rescue key pair and keeps the
// previous private key on the server
// (POST /api/v4/nodes/rooms/{room_id}/keypairs).
func (s *RoomsService) MigrateRescueKeyPair(ctx context.Context, roomID int64, req *CreateKeyPairRequest) error {
	if err := checkID("room_id", roomID); err != nil {
		return err
	}
	if err := validate(req); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: idPath(roomsPath, roomID, "/keypairs"), jsonBody: req}, nil)
}

// DeleteRescueKeyPair deletes the room rescue key pair of the given
// version; "" lets the server choose. The file keys made for it go too
// (DELETE /api/v4/nodes/rooms/{room_id}/keypair).
func (s *RoomsService) DeleteRescueKeyPair(ctx context.Context, roomID int64, version crypto.KeyPairVersion) error {
	if err := firstError(checkID("room_id", roomID), checkKeyPairVersion("version", version)); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: idPath(roomsPath, roomID, "/keypair"), query: versionQuery(version)}, nil)
}

// S3TagIDs chooses S3 tags (ConfigService.S3Tags lists them) by id.
type S3TagIDs struct {
	IDs []int64 `json:"ids"`
}

// Validate refuses ids that are not positive. An empty list is allowed:
// it removes every tag from the room.
func (r *S3TagIDs) Validate() error {
	if r.IDs == nil {
		return invalid("ids", "must not be nil (use an empty list to remove every tag)")
	}
	return checkOptionalIDs("ids", r.IDs)
}

// S3Tags returns the S3 tags of a room, which every file uploaded into it
// carries (GET /api/v4/nodes/rooms/{room_id}/s3_tags).
func (s *RoomsService) S3Tags(ctx context.Context, roomID int64) (*S3Tags, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	return getAt[S3Tags](ctx, s.client, idPath(roomsPath, roomID, "/s3_tags"))
}

// SetS3Tags sets the S3 tags of a room, replacing those it had, and
// returns them; the instance's mandatory tags must be among them (POST /api/v4/nodes/rooms/{room_id}/s3_tags).
func (s *RoomsService) SetS3Tags(ctx context.Context, roomID int64, req *S3TagIDs) (*S3Tags, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	return sendChecked[S3Tags](ctx, s.client, http.MethodPost, idPath(roomsPath, roomID, "/s3_tags"), req)
}
