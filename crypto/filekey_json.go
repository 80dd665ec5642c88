package crypto

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// plainFileKeyJSON is the JSON form of a plain file key used by the
// official SDKs' test data and the fresh-vector format:
// {"version", "key", "iv", "tag"} with standard base64 values.
type plainFileKeyJSON struct {
	Version FileKeyVersion `json:"version"`
	Key     string         `json:"key"`
	IV      string         `json:"iv"`
	Tag     *string        `json:"tag,omitempty"`
}

// MarshalJSON encodes the key as {"version":"AES-256-GCM","key":…,"iv":…,
// "tag":…} with standard base64 values, omitting "tag" when it is nil. The
// output contains the key in the clear: it is meant for tests and test
// vectors, never for the server.
func (k PlainFileKey) MarshalJSON() ([]byte, error) {
	if err := k.validateForCipher(); err != nil {
		return nil, err
	}
	if k.Tag != nil && len(k.Tag) != TagSize {
		return nil, fmt.Errorf("crypto: file key has %d tag bytes, want %d: %w", len(k.Tag), TagSize, ErrInvalidFileKey)
	}
	j := plainFileKeyJSON{
		Version: PlainFileKeyAES256GCM,
		Key:     base64.StdEncoding.EncodeToString(k.Key),
		IV:      base64.StdEncoding.EncodeToString(k.IV),
	}
	if k.Tag != nil {
		t := base64.StdEncoding.EncodeToString(k.Tag)
		j.Tag = &t
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the form written by MarshalJSON and by the official
// SDKs. The version may be "AES-256-GCM" (JS, Python, Rust) or "A" (Java,
// C#, Swift) and is kept as given; a missing, null or empty tag leaves Tag
// nil. Errors: ErrUnknownVersion for any other version, ErrInvalidFileKey
// for invalid base64 or a key, IV or tag of the wrong size.
func (k *PlainFileKey) UnmarshalJSON(data []byte) error {
	var j plainFileKeyJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("crypto: plain file key JSON: %w: %v", ErrInvalidFileKey, err)
	}
	switch j.Version {
	case PlainFileKeyAES256GCM, FileKeyRSA2048:
	default:
		return fmt.Errorf("crypto: plain file key version %q: %w", string(j.Version), ErrUnknownVersion)
	}
	key, err := decodeFileKeyField("key", j.Key, FileKeySize)
	if err != nil {
		return err
	}
	iv, err := decodeFileKeyField("iv", j.IV, IVSize)
	if err != nil {
		return err
	}
	var tag []byte
	if j.Tag != nil && *j.Tag != "" {
		if tag, err = decodeFileKeyField("tag", *j.Tag, TagSize); err != nil {
			return err
		}
	}
	*k = PlainFileKey{Version: j.Version, Key: key, IV: iv, Tag: tag}
	return nil
}
