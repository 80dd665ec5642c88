package dracoon

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// DownloadShare is a link through which anyone who has it (and, for a
// protected share, its password) may download a file, folder or room.
type DownloadShare struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	NodeID    int64  `json:"nodeId"`
	NodePath  string `json:"nodePath,omitempty"`
	NodeType  string `json:"nodeType,omitempty"` // file, folder or room
	AccessKey string `json:"accessKey"`
	// DataURL is the link as a QR code image (a data: URL); only the QR
	// calls fill it.
	DataURL             string    `json:"dataUrl,omitempty"`
	CntDownloads        int       `json:"cntDownloads"`
	MaxDownloads        int       `json:"maxDownloads,omitempty"`
	ExpireAt            time.Time `json:"expireAt,omitzero"`
	Notes               string    `json:"notes,omitempty"`
	InternalNotes       string    `json:"internalNotes,omitempty"`
	ShowCreatorName     bool      `json:"showCreatorName"`
	ShowCreatorUsername bool      `json:"showCreatorUsername"`
	IsProtected         bool      `json:"isProtected"`
	IsEncrypted         bool      `json:"isEncrypted"`
	NotifyCreator       bool      `json:"notifyCreator"`
	CreatedAt           time.Time `json:"createdAt,omitzero"`
	CreatedBy           *UserInfo `json:"createdBy,omitempty"`
	UpdatedAt           time.Time `json:"updatedAt,omitzero"`
	UpdatedBy           *UserInfo `json:"updatedBy,omitempty"`
}

// String describes the share without its access key, which grants access
// to whoever knows it.
func (s DownloadShare) String() string {
	s.AccessKey = redactedIfSet(s.AccessKey)
	type plain DownloadShare
	return fmtStruct(plain(s))
}

// GoString is String, also under %#v.
func (s DownloadShare) GoString() string { return s.String() }

// DownloadShareList is one page of download shares.
type DownloadShareList = Page[DownloadShare]

// CreateDownloadShareRequest creates a download share. For a file in an
// encrypted room use CreateEncryptedDownloadShare, which fills KeyPair and
// FileKey; a Password is only for unencrypted nodes.
type CreateDownloadShareRequest struct {
	NodeID int64 `json:"nodeId"`
	// Name is the share's display name; empty means the node's name.
	Name string `json:"name,omitempty"`
	// Password protects the share of an unencrypted node. It never
	// appears in logs, errors or formatted output.
	Password   string      `json:"password,omitempty"`
	Expiration *Expiration `json:"expiration,omitempty"`
	// MaxDownloads limits the number of downloads; 0 means no limit.
	MaxDownloads int `json:"maxDownloads,omitempty"`
	// Notes are shown to the recipients, InternalNotes only to users of
	// the room; at most 255 characters each.
	Notes         string `json:"notes,omitempty"`
	InternalNotes string `json:"internalNotes,omitempty"`
	// ShowCreatorName and ShowCreatorUsername reveal the creator to the
	// recipients.
	ShowCreatorName     bool `json:"showCreatorName,omitempty"`
	ShowCreatorUsername bool `json:"showCreatorUsername,omitempty"`
	// NotifyCreator mails the creator on every download, in
	// CreatorLanguage ("de-DE"; empty means the creator's own).
	NotifyCreator   bool   `json:"notifyCreator,omitempty"`
	CreatorLanguage string `json:"creatorLanguage,omitempty"`
	// ReceiverLanguage is the language of the messages to recipients.
	ReceiverLanguage string `json:"receiverLanguage,omitempty"`
	// TextMessageRecipients get the share password by SMS (phone numbers).
	TextMessageRecipients []string `json:"textMessageRecipients,omitempty"`
	// KeyPair and FileKey make an encrypted share: the share's key pair
	// (private key encrypted with the share password) and the file key
	// encrypted for its public key. Both or neither.
	KeyPair *crypto.UserKeyPairContainer `json:"keyPair,omitempty"`
	FileKey *crypto.FileKey              `json:"fileKey,omitempty"`
}

// String describes the request without the password.
func (r CreateDownloadShareRequest) String() string {
	r.Password = redactedIfSet(r.Password)
	type plain CreateDownloadShareRequest
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r CreateDownloadShareRequest) GoString() string { return r.String() }

// Validate refuses what DRACOON would refuse: no node, a negative download
// limit, an expiry in the past, overlong notes, a password together with
// key material (-50003), a key pair without file key or the other way
// round (-50005, -50006), and a malformed key pair.
func (r *CreateDownloadShareRequest) Validate() error {
	return firstError(
		checkID("nodeId", r.NodeID),
		checkExpiration("expiration", r.Expiration),
		checkNotNegative("maxDownloads", r.MaxDownloads),
		checkShareText("notes", r.Notes),
		checkShareText("internalNotes", r.InternalNotes),
		checkPhoneNumbers("textMessageRecipients", r.TextMessageRecipients),
		r.checkKeys(),
	)
}

// checkKeys checks the key material of an encrypted share.
func (r *CreateDownloadShareRequest) checkKeys() error {
	switch {
	case r.KeyPair == nil && r.FileKey == nil:
		return nil
	case r.Password != "":
		return invalid("password", "an encrypted share has no server-side password; the share password protects its key pair")
	case r.KeyPair == nil:
		return invalid("keyPair", "required together with fileKey")
	case r.FileKey == nil:
		return invalid("fileKey", "required together with keyPair")
	}
	if err := validateKeyPairContainer(r.KeyPair); err != nil {
		return err
	}
	return firstError(checkNotBlank("fileKey.key", r.FileKey.Key), checkNotBlank("fileKey.iv", r.FileKey.IV))
}

// CreateDownloadShare creates a download share of a file, folder or room
// (POST /api/v4/shares/downloads).
func (s *SharesService) CreateDownloadShare(ctx context.Context, req *CreateDownloadShareRequest) (*DownloadShare, error) {
	var secrets []string
	if req != nil {
		secrets = []string{req.Password}
	}
	return sendChecked[DownloadShare](ctx, s.client, http.MethodPost, downloadSharesPath, req, secrets...)
}

// CreateEncryptedDownloadShare shares a file of an encrypted room. It does
// what the server must never see done: it reads the user's key of the
// file (GET /api/v4/nodes/files/{file_id}/user_file_key) and decrypts it
// with the key pair unlocked in the client, generates a key pair for the
// share (of the user's key pair version), encrypts its private key with
// sharePassword, encrypts the file key for the share's public key and
// creates the share with both (POST /api/v4/shares/downloads).
//
// req names the file and the share's settings; its Password, KeyPair and
// FileKey must be empty. sharePassword is required; recipients need it to
// decrypt the file. It is neither sent nor logged nor shown in errors.
// Without an unlocked key pair the error matches ErrNoKeyPair. Generating
// the share key pair takes a second or more for RSA-4096; ctx is checked
// before and after.
func (s *SharesService) CreateEncryptedDownloadShare(ctx context.Context, req *CreateDownloadShareRequest, sharePassword string) (*DownloadShare, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	if err := firstError(
		checkEmptyForEncryption("password", req.Password != ""),
		checkEmptyForEncryption("keyPair", req.KeyPair != nil),
		checkEmptyForEncryption("fileKey", req.FileKey != nil),
		checkSharePassword(sharePassword),
	); err != nil {
		return nil, err
	}
	c := s.client
	version := c.newestKeyPairVersion()
	if version == "" {
		return nil, fmt.Errorf("dracoon: encrypted download share: unlock the key pair first: %w", ErrNoKeyPair)
	}
	plain, err := c.plainFileKey(ctx, req.NodeID)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	shareKeys, err := generateUserKeyPair(version, sharePassword)
	if err != nil {
		return nil, fmt.Errorf("dracoon: generate share key pair: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fk, err := crypto.EncryptFileKey(plain, shareKeys.PublicKeyContainer)
	if err != nil {
		return nil, fmt.Errorf("dracoon: encrypt file key for the share: %w", err)
	}
	body := *req
	body.KeyPair, body.FileKey = shareKeys, fk
	c.logger.LogAttrs(ctx, slog.LevelDebug, "dracoon: share key pair made", slog.Int64("nodeId", req.NodeID), slog.String("version", string(version)))
	return sendChecked[DownloadShare](ctx, c, http.MethodPost, downloadSharesPath, &body, sharePassword)
}

// checkEmptyForEncryption refuses a field CreateEncryptedDownloadShare
// fills itself.
func checkEmptyForEncryption(field string, set bool) error {
	if set {
		return invalid(field, "must be empty: CreateEncryptedDownloadShare makes the share's keys, protected by the share password")
	}
	return nil
}

// checkSharePassword refuses an empty share password.
func checkSharePassword(password string) error {
	if password == "" {
		return invalid("sharePassword", "must not be empty")
	}
	return nil
}

// newestKeyPairVersion returns the newest version of which the client
// holds an unlocked key pair, or "".
func (c *Client) newestKeyPairVersion() crypto.KeyPairVersion {
	for _, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA4096, crypto.KeyPairRSA2048} {
		if c.keys.get(v) != nil {
			return v
		}
	}
	return ""
}

// ListDownloadShares returns one page of the download shares the user may
// see; filter fields include name, createdAt, createdBy, accessKey,
// nodeId, updatedBy and userId (GET /api/v4/shares/downloads).
func (s *SharesService) ListDownloadShares(ctx context.Context, opts *ListOptions) (*DownloadShareList, error) {
	return listShares[DownloadShareList](ctx, s, downloadSharesPath, opts)
}

// AllDownloadShares iterates over every download share, fetching pages as
// the loop needs them (GET /api/v4/shares/downloads).
func (s *SharesService) AllDownloadShares(ctx context.Context, opts *ListOptions) iter.Seq2[DownloadShare, error] {
	return all(ctx, opts, s.ListDownloadShares)
}

// GetDownloadShare returns one download share
// (GET /api/v4/shares/downloads/{share_id}).
func (s *SharesService) GetDownloadShare(ctx context.Context, id int64) (*DownloadShare, error) {
	return getShare[DownloadShare](ctx, s, downloadSharesPath, id, "")
}

// DownloadShareQR returns a download share with its link as a QR code
// image in DataURL (GET /api/v4/shares/downloads/{share_id}/qr).
func (s *SharesService) DownloadShareQR(ctx context.Context, id int64) (*DownloadShare, error) {
	return getShare[DownloadShare](ctx, s, downloadSharesPath, id, "/qr")
}

// getShare fetches share id (plus suffix) below path.
func getShare[T any](ctx context.Context, s *SharesService, path string, id int64, suffix string) (*T, error) {
	if err := checkID("share_id", id); err != nil {
		return nil, err
	}
	return getAt[T](ctx, s.client, idPath(path, id, suffix))
}

// UpdateDownloadShareRequest changes a download share; nil fields stay as
// they are.
type UpdateDownloadShareRequest struct {
	Name *string `json:"name,omitempty"`
	// Password sets a new password (unencrypted shares only); it never
	// appears in logs, errors or formatted output. ResetPassword removes
	// it.
	Password      *string `json:"password,omitempty"`
	ResetPassword bool    `json:"resetPassword,omitempty"`
	// Expiration with Enabled false removes the expiry.
	Expiration *Expiration `json:"expiration,omitempty"`
	// MaxDownloads sets a new limit; ResetMaxDownloads removes it.
	MaxDownloads          *int     `json:"maxDownloads,omitempty"`
	ResetMaxDownloads     bool     `json:"resetMaxDownloads,omitempty"`
	Notes                 *string  `json:"notes,omitempty"`
	InternalNotes         *string  `json:"internalNotes,omitempty"`
	ShowCreatorName       *bool    `json:"showCreatorName,omitempty"`
	ShowCreatorUsername   *bool    `json:"showCreatorUsername,omitempty"`
	NotifyCreator         *bool    `json:"notifyCreator,omitempty"`
	ReceiverLanguage      *string  `json:"receiverLanguage,omitempty"`
	TextMessageRecipients []string `json:"textMessageRecipients,omitempty"`
	// DefaultCountry ("DE") is the country of phone numbers given without
	// a country code.
	DefaultCountry *string `json:"defaultCountry,omitempty"`
}

// String describes the request without the password.
func (r UpdateDownloadShareRequest) String() string {
	r.Password = redactedPtr(r.Password)
	type plain UpdateDownloadShareRequest
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r UpdateDownloadShareRequest) GoString() string { return r.String() }

// newPassword is the password the update sets, if any.
func (r *UpdateDownloadShareRequest) newPassword() *string { return r.Password }

// Validate refuses a value together with its reset flag, a limit below 1,
// an expiry in the past, an empty new password and overlong notes.
func (r *UpdateDownloadShareRequest) Validate() error {
	return firstError(
		checkNewSharePassword(r.Password, r.ResetPassword),
		checkNotBoth("maxDownloads", r.MaxDownloads != nil, r.ResetMaxDownloads, "resetMaxDownloads"),
		checkOptionalPositive("maxDownloads", r.MaxDownloads),
		checkExpiration("expiration", r.Expiration),
		checkOptionalShareText("notes", r.Notes),
		checkOptionalShareText("internalNotes", r.InternalNotes),
		checkPhoneNumbers("textMessageRecipients", r.TextMessageRecipients),
	)
}

// UpdateDownloadShare changes one download share
// (PUT /api/v4/shares/downloads/{share_id}).
func (s *SharesService) UpdateDownloadShare(ctx context.Context, id int64, req *UpdateDownloadShareRequest) (*DownloadShare, error) {
	return updateShare[DownloadShare](ctx, s, downloadSharesPath, id, req)
}

// UpdateDownloadSharesRequest changes several download shares at once;
// nil fields stay as they are.
type UpdateDownloadSharesRequest struct {
	// ObjectIDs are the shares to change; at least one.
	ObjectIDs           []int64     `json:"objectIds"`
	Expiration          *Expiration `json:"expiration,omitempty"`
	ShowCreatorName     *bool       `json:"showCreatorName,omitempty"`
	ShowCreatorUsername *bool       `json:"showCreatorUsername,omitempty"`
	MaxDownloads        *int        `json:"maxDownloads,omitempty"`
	ResetMaxDownloads   bool        `json:"resetMaxDownloads,omitempty"`
}

// Validate requires share ids and refuses a limit together with its reset
// flag, a limit below 1 and an expiry in the past.
func (r *UpdateDownloadSharesRequest) Validate() error {
	return firstError(
		checkIDs("objectIds", r.ObjectIDs),
		checkNotBoth("maxDownloads", r.MaxDownloads != nil, r.ResetMaxDownloads, "resetMaxDownloads"),
		checkOptionalPositive("maxDownloads", r.MaxDownloads),
		checkExpiration("expiration", r.Expiration),
	)
}

// UpdateDownloadShares changes several download shares at once
// (PUT /api/v4/shares/downloads).
func (s *SharesService) UpdateDownloadShares(ctx context.Context, req *UpdateDownloadSharesRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.updateShares(ctx, downloadSharesPath, req)
}

// DeleteDownloadShare deletes one download share; its link stops working
// (DELETE /api/v4/shares/downloads/{share_id}).
func (s *SharesService) DeleteDownloadShare(ctx context.Context, id int64) error {
	return s.deleteShare(ctx, downloadSharesPath, id)
}

// DeleteDownloadShares deletes several download shares
// (DELETE /api/v4/shares/downloads).
func (s *SharesService) DeleteDownloadShares(ctx context.Context, ids []int64) error {
	return s.deleteShares(ctx, downloadSharesPath, ids)
}

// MailDownloadShare sends the link of a download share by e-mail
// (POST /api/v4/shares/downloads/{share_id}/email).
func (s *SharesService) MailDownloadShare(ctx context.Context, id int64, m *ShareLinkEmail) error {
	return s.mailShare(ctx, downloadSharesPath, id, m)
}
