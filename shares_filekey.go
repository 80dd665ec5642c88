package dracoon

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/dracoon-go/dracoon/crypto"
)

// ErrNoKeyPair is matched by the error of an operation that needs the
// user's unlocked key pair (see AccountService.UnlockKeyPair) when the
// client holds none that fits.
var ErrNoKeyPair = errors.New("no unlocked key pair")

// plainFileKey fetches the user's key of an encrypted file and decrypts it
// with an unlocked key pair, trying the newest version first
// (GET /api/v4/nodes/files/{file_id}/user_file_key). A key without its
// 16-byte tag is refused: nothing could authenticate the content.
func (c *Client) plainFileKey(ctx context.Context, fileID int64) (*crypto.PlainFileKey, error) {
	last := fmt.Errorf("dracoon: file %d: %w", fileID, ErrNoKeyPair)
	for _, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA4096, crypto.KeyPairRSA2048} {
		kp := c.keys.get(v)
		if kp == nil {
			continue
		}
		fk, err := doJSON[crypto.FileKey](ctx, c, &apiCall{method: http.MethodGet,
			path: idPath(nodesPath+"/files", fileID, "/user_file_key"), query: versionQuery(v)})
		if errors.Is(err, ErrNotFound) {
			last = fmt.Errorf("dracoon: file %d: %w: %w", fileID, ErrMissingFileKey, err) // perhaps a key for the other version
			continue
		}
		if err != nil {
			return nil, err
		}
		if fk.Tag == "" {
			return nil, fmt.Errorf("dracoon: file %d: the file key has no tag: %w", fileID, crypto.ErrMissingTag)
		}
		plain, err := kp.DecryptFileKey(fk)
		if err != nil {
			return nil, fmt.Errorf("dracoon: file %d: decrypt the file key: %w", fileID, err)
		}
		return plain, nil
	}
	return nil, last
}
