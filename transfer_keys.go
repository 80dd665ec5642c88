package dracoon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/dracoon-go/dracoon/crypto"
)

// MissingKeysFilter narrows DistributeMissingKeys to one room, one file
// or one user; several fields combine, none means everything the caller
// can serve.
type MissingKeysFilter struct {
	RoomID int64
	FileID int64
	UserID int64
}

// missingKeysBatch is the most missing keys the server lists at once.
const missingKeysBatch = 100

// missingKeys is one answer of GET /api/v4/nodes/missingFileKeys.
type missingKeys struct {
	Items []struct {
		UserID int64 `json:"userId"`
		FileID int64 `json:"fileId"`
	} `json:"items"`
	Users []struct {
		ID                 int64                     `json:"id"`
		PublicKeyContainer crypto.PublicKeyContainer `json:"publicKeyContainer"`
	} `json:"users"`
	Files []struct {
		ID               int64          `json:"id"`
		FileKeyContainer crypto.FileKey `json:"fileKeyContainer"`
	} `json:"files"`
}

// userFileKey is one item of POST /api/v4/nodes/files/keys.
type userFileKey struct {
	FileID  int64           `json:"fileId"`
	UserID  int64           `json:"userId"`
	FileKey *crypto.FileKey `json:"fileKey"`
}

// DistributeMissingKeys gives the users who have access to encrypted files
// but no file key one, as the official clients do after an upload: it
// lists the missing keys in batches (GET /api/v4/nodes/missingFileKeys),
// decrypts each file key with the client's unlocked key pair, encrypts it
// for the user's public key and stores the batch
// (POST /api/v4/nodes/files/keys), until none are left. It returns the
// number of keys stored. Keys the client cannot decrypt (no key pair of
// their version) are skipped; when nothing could be served at all, the
// error matches ErrNoKeyPair.
func (s *TransfersService) DistributeMissingKeys(ctx context.Context, f MissingKeysFilter) (int, error) {
	c := s.client
	if f.RoomID < 0 || f.FileID < 0 || f.UserID < 0 {
		return 0, invalid("filter", "ids must not be negative")
	}
	stored, skipped := 0, 0
	seen := map[[2]int64]bool{} // (file, user) pairs served or skipped
	for {
		q := url.Values{"limit": {strconv.Itoa(missingKeysBatch)}, "offset": {strconv.Itoa(skipped)}}
		for name, id := range map[string]int64{"room_id": f.RoomID, "file_id": f.FileID, "user_id": f.UserID} {
			if id != 0 {
				q.Set(name, itoa(id))
			}
		}
		batch, err := doJSON[missingKeys](ctx, c, &apiCall{method: http.MethodGet, path: nodesPath + "/missingFileKeys", query: q})
		if err != nil {
			return stored, err
		}
		if len(batch.Items) == 0 {
			if stored == 0 && skipped > 0 {
				return 0, fmt.Errorf("dracoon: %d missing file keys, none decryptable here: %w", skipped, ErrNoKeyPair)
			}
			return stored, nil
		}
		fresh := false
		for _, it := range batch.Items {
			k := [2]int64{it.FileID, it.UserID}
			fresh = fresh || !seen[k]
			seen[k] = true
		}
		if !fresh { // a server that ignores the stored keys or the offset would loop forever
			return stored, fmt.Errorf("dracoon: the server lists missing file keys that were already handled: %w", ErrInvalidResponse)
		}
		items, n := s.serveMissingKeys(batch)
		skipped += n
		if len(items) > 0 {
			if err := c.do(ctx, &apiCall{method: http.MethodPost, path: nodesPath + "/files/keys", jsonBody: map[string]any{"items": items}}, nil); err != nil {
				return stored, err
			}
			stored += len(items)
		}
	}
}

// serveMissingKeys re-encrypts what it can of one batch; it returns the
// keys to store and the number of items it had to skip.
func (s *TransfersService) serveMissingKeys(b *missingKeys) ([]userFileKey, int) {
	files := map[int64]*crypto.FileKey{}
	for i := range b.Files {
		files[b.Files[i].ID] = &b.Files[i].FileKeyContainer
	}
	users := map[int64]crypto.PublicKeyContainer{}
	for _, u := range b.Users {
		users[u.ID] = u.PublicKeyContainer
	}
	plain := map[int64]*crypto.PlainFileKey{}
	var out []userFileKey
	skipped := 0
	for _, it := range b.Items {
		pk, ok := plain[it.FileID]
		if !ok {
			pk, _ = s.client.decryptFileKey(files[it.FileID])
			plain[it.FileID] = pk
		}
		pub, ok := users[it.UserID]
		if pk == nil || !ok {
			skipped++
			continue
		}
		fk, err := crypto.EncryptFileKey(pk, pub)
		if err != nil {
			skipped++
			continue
		}
		out = append(out, userFileKey{FileID: it.FileID, UserID: it.UserID, FileKey: fk})
	}
	return out, skipped
}

// keyPairFor returns the unlocked key pair that decrypts file keys of
// version v.
func (c *Client) keyPairFor(v crypto.FileKeyVersion) *crypto.UserKeyPair {
	switch v {
	case crypto.FileKeyRSA2048:
		return c.keys.get(crypto.KeyPairRSA2048)
	case crypto.FileKeyRSA4096:
		return c.keys.get(crypto.KeyPairRSA4096)
	}
	return nil
}

// decryptFileKey unwraps fk with the matching unlocked key pair.
func (c *Client) decryptFileKey(fk *crypto.FileKey) (*crypto.PlainFileKey, error) {
	if fk == nil {
		return nil, fmt.Errorf("dracoon: no file key: %w", ErrInvalidResponse)
	}
	kp := c.keyPairFor(fk.Version)
	if kp == nil {
		return nil, fmt.Errorf("dracoon: file key of version %q: %w", string(fk.Version), ErrNoKeyPair)
	}
	return kp.DecryptFileKey(fk)
}

// ErrMissingFileKey is matched by the error of a download of an encrypted
// file for which the user holds no file key yet (someone who has it must
// distribute it first, see DistributeMissingKeys).
var ErrMissingFileKey = errors.New("no file key for this user")
