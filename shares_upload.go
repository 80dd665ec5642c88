package dracoon

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// UploadShare is a file request: a link through which anyone who has it
// (and, for a protected share, its password) may upload files into a room
// or folder.
type UploadShare struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	TargetID   int64  `json:"targetId"`
	TargetPath string `json:"targetPath,omitempty"`
	TargetType string `json:"targetType,omitempty"` // room or folder
	AccessKey  string `json:"accessKey"`
	// DataURL is the link as a QR code image (a data: URL); only the QR
	// calls fill it.
	DataURL string `json:"dataUrl,omitempty"`
	// IsEncrypted is true when the target room is encrypted: uploaders
	// then encrypt for the room's users.
	IsEncrypted bool `json:"isEncrypted"`
	IsProtected bool `json:"isProtected"`
	// FilesExpiryPeriod is the number of days uploaded files are kept;
	// 0 means forever.
	FilesExpiryPeriod   int       `json:"filesExpiryPeriod,omitempty"`
	MaxSlots            int       `json:"maxSlots,omitempty"`
	MaxSize             int64     `json:"maxSize,omitempty"`
	CntFiles            int       `json:"cntFiles"`
	CntUploads          int       `json:"cntUploads"`
	ShowUploadedFiles   bool      `json:"showUploadedFiles"`
	ExpireAt            time.Time `json:"expireAt,omitzero"`
	Notes               string    `json:"notes,omitempty"`
	InternalNotes       string    `json:"internalNotes,omitempty"`
	ShowCreatorName     bool      `json:"showCreatorName"`
	ShowCreatorUsername bool      `json:"showCreatorUsername"`
	NotifyCreator       bool      `json:"notifyCreator"`
	CreatedAt           time.Time `json:"createdAt,omitzero"`
	CreatedBy           *UserInfo `json:"createdBy,omitempty"`
	UpdatedAt           time.Time `json:"updatedAt,omitzero"`
	UpdatedBy           *UserInfo `json:"updatedBy,omitempty"`
}

// String describes the share without its access key.
func (s UploadShare) String() string {
	s.AccessKey = redactedIfSet(s.AccessKey)
	type plain UploadShare
	return fmtStruct(plain(s))
}

// GoString is String, also under %#v.
func (s UploadShare) GoString() string { return s.String() }

// UploadShareList is one page of upload shares.
type UploadShareList = Page[UploadShare]

// CreateUploadShareRequest creates a file request for a room or folder.
// Encrypted targets need no key material here: uploaders encrypt for the
// room's users themselves.
type CreateUploadShareRequest struct {
	TargetID int64  `json:"targetId"`
	Name     string `json:"name,omitempty"`
	// Password protects the share; it never appears in logs, errors or
	// formatted output.
	Password   string      `json:"password,omitempty"`
	Expiration *Expiration `json:"expiration,omitempty"`
	// FilesExpiryPeriod keeps uploaded files that many days; 0 = forever.
	FilesExpiryPeriod int `json:"filesExpiryPeriod,omitempty"`
	// MaxSlots limits the number of files and MaxSize their total size in
	// bytes; 0 means no limit.
	MaxSlots int   `json:"maxSlots,omitempty"`
	MaxSize  int64 `json:"maxSize,omitempty"`
	// ShowUploadedFiles lets uploaders see the files uploaded so far.
	ShowUploadedFiles   bool   `json:"showUploadedFiles,omitempty"`
	Notes               string `json:"notes,omitempty"`
	InternalNotes       string `json:"internalNotes,omitempty"`
	ShowCreatorName     bool   `json:"showCreatorName,omitempty"`
	ShowCreatorUsername bool   `json:"showCreatorUsername,omitempty"`
	// NotifyCreator mails the creator on every upload, in CreatorLanguage.
	NotifyCreator         bool     `json:"notifyCreator,omitempty"`
	CreatorLanguage       string   `json:"creatorLanguage,omitempty"`
	ReceiverLanguage      string   `json:"receiverLanguage,omitempty"`
	TextMessageRecipients []string `json:"textMessageRecipients,omitempty"`
}

// String describes the request without the password.
func (r CreateUploadShareRequest) String() string {
	r.Password = redactedIfSet(r.Password)
	type plain CreateUploadShareRequest
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r CreateUploadShareRequest) GoString() string { return r.String() }

// Validate refuses a request without target, negative limits, an expiry
// in the past and overlong notes.
func (r *CreateUploadShareRequest) Validate() error {
	return firstError(
		checkID("targetId", r.TargetID),
		checkExpiration("expiration", r.Expiration),
		checkNotNegative("filesExpiryPeriod", r.FilesExpiryPeriod),
		checkNotNegative("maxSlots", r.MaxSlots),
		checkNotNegative("maxSize", r.MaxSize),
		checkShareText("notes", r.Notes),
		checkShareText("internalNotes", r.InternalNotes),
		checkPhoneNumbers("textMessageRecipients", r.TextMessageRecipients),
	)
}

// CreateUploadShare creates a file request (POST /api/v4/shares/uploads).
func (s *SharesService) CreateUploadShare(ctx context.Context, req *CreateUploadShareRequest) (*UploadShare, error) {
	var secrets []string
	if req != nil {
		secrets = []string{req.Password}
	}
	return sendChecked[UploadShare](ctx, s.client, http.MethodPost, uploadSharesPath, req, secrets...)
}

// ListUploadShares returns one page of the upload shares the user may
// see; filter fields include name, createdAt, createdBy, accessKey,
// targetId, updatedBy and userId (GET /api/v4/shares/uploads).
func (s *SharesService) ListUploadShares(ctx context.Context, opts *ListOptions) (*UploadShareList, error) {
	return listShares[UploadShareList](ctx, s, uploadSharesPath, opts)
}

// AllUploadShares iterates over every upload share, fetching pages as the
// loop needs them (GET /api/v4/shares/uploads).
func (s *SharesService) AllUploadShares(ctx context.Context, opts *ListOptions) iter.Seq2[UploadShare, error] {
	return all(ctx, opts, s.ListUploadShares)
}

// GetUploadShare returns one upload share
// (GET /api/v4/shares/uploads/{share_id}).
func (s *SharesService) GetUploadShare(ctx context.Context, id int64) (*UploadShare, error) {
	return getShare[UploadShare](ctx, s, uploadSharesPath, id, "")
}

// UploadShareQR returns an upload share with its link as a QR code image
// in DataURL (GET /api/v4/shares/uploads/{share_id}/qr).
func (s *SharesService) UploadShareQR(ctx context.Context, id int64) (*UploadShare, error) {
	return getShare[UploadShare](ctx, s, uploadSharesPath, id, "/qr")
}

// UpdateUploadShareRequest changes an upload share; nil fields stay as
// they are, and each Reset flag removes its setting.
type UpdateUploadShareRequest struct {
	Name *string `json:"name,omitempty"`
	// Password sets a new password; it never appears in logs, errors or
	// formatted output.
	Password               *string     `json:"password,omitempty"`
	ResetPassword          bool        `json:"resetPassword,omitempty"`
	Expiration             *Expiration `json:"expiration,omitempty"`
	FilesExpiryPeriod      *int        `json:"filesExpiryPeriod,omitempty"`
	ResetFilesExpiryPeriod bool        `json:"resetFilesExpiryPeriod,omitempty"`
	MaxSlots               *int        `json:"maxSlots,omitempty"`
	ResetMaxSlots          bool        `json:"resetMaxSlots,omitempty"`
	MaxSize                *int64      `json:"maxSize,omitempty"`
	ResetMaxSize           bool        `json:"resetMaxSize,omitempty"`
	ShowUploadedFiles      *bool       `json:"showUploadedFiles,omitempty"`
	Notes                  *string     `json:"notes,omitempty"`
	InternalNotes          *string     `json:"internalNotes,omitempty"`
	ShowCreatorName        *bool       `json:"showCreatorName,omitempty"`
	ShowCreatorUsername    *bool       `json:"showCreatorUsername,omitempty"`
	NotifyCreator          *bool       `json:"notifyCreator,omitempty"`
	ReceiverLanguage       *string     `json:"receiverLanguage,omitempty"`
	TextMessageRecipients  []string    `json:"textMessageRecipients,omitempty"`
	DefaultCountry         *string     `json:"defaultCountry,omitempty"`
}

// String describes the request without the password.
func (r UpdateUploadShareRequest) String() string {
	r.Password = redactedPtr(r.Password)
	type plain UpdateUploadShareRequest
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r UpdateUploadShareRequest) GoString() string { return r.String() }

// newPassword is the password the update sets, if any.
func (r *UpdateUploadShareRequest) newPassword() *string { return r.Password }

// Validate refuses a value together with its reset flag, limits below 1,
// an empty new password, an expiry in the past and overlong notes.
func (r *UpdateUploadShareRequest) Validate() error {
	return firstError(
		checkNewSharePassword(r.Password, r.ResetPassword),
		checkUploadLimits(r.FilesExpiryPeriod, r.ResetFilesExpiryPeriod, r.MaxSlots, r.ResetMaxSlots, r.MaxSize, r.ResetMaxSize),
		checkExpiration("expiration", r.Expiration),
		checkOptionalShareText("notes", r.Notes),
		checkOptionalShareText("internalNotes", r.InternalNotes),
		checkPhoneNumbers("textMessageRecipients", r.TextMessageRecipients),
	)
}

// checkUploadLimits checks the three limits of an upload share update:
// each at least 1 and not together with its reset flag.
func checkUploadLimits(period *int, resetPeriod bool, slots *int, resetSlots bool, size *int64, resetSize bool) error {
	return firstError(
		checkNotBoth("filesExpiryPeriod", period != nil, resetPeriod, "resetFilesExpiryPeriod"),
		checkOptionalPositive("filesExpiryPeriod", period),
		checkNotBoth("maxSlots", slots != nil, resetSlots, "resetMaxSlots"),
		checkOptionalPositive("maxSlots", slots),
		checkNotBoth("maxSize", size != nil, resetSize, "resetMaxSize"),
		checkOptionalPositive("maxSize", size),
	)
}

// UpdateUploadShare changes one upload share
// (PUT /api/v4/shares/uploads/{share_id}).
func (s *SharesService) UpdateUploadShare(ctx context.Context, id int64, req *UpdateUploadShareRequest) (*UploadShare, error) {
	return updateShare[UploadShare](ctx, s, uploadSharesPath, id, req)
}

// UpdateUploadSharesRequest changes several upload shares at once; nil
// fields stay as they are.
type UpdateUploadSharesRequest struct {
	// ObjectIDs are the shares to change; at least one.
	ObjectIDs              []int64     `json:"objectIds"`
	Expiration             *Expiration `json:"expiration,omitempty"`
	ShowCreatorName        *bool       `json:"showCreatorName,omitempty"`
	ShowCreatorUsername    *bool       `json:"showCreatorUsername,omitempty"`
	ShowUploadedFiles      *bool       `json:"showUploadedFiles,omitempty"`
	FilesExpiryPeriod      *int        `json:"filesExpiryPeriod,omitempty"`
	ResetFilesExpiryPeriod bool        `json:"resetFilesExpiryPeriod,omitempty"`
	MaxSlots               *int        `json:"maxSlots,omitempty"`
	ResetMaxSlots          bool        `json:"resetMaxSlots,omitempty"`
	MaxSize                *int64      `json:"maxSize,omitempty"`
	ResetMaxSize           bool        `json:"resetMaxSize,omitempty"`
}

// Validate requires share ids and refuses limits below 1, a limit
// together with its reset flag and an expiry in the past.
func (r *UpdateUploadSharesRequest) Validate() error {
	return firstError(
		checkIDs("objectIds", r.ObjectIDs),
		checkUploadLimits(r.FilesExpiryPeriod, r.ResetFilesExpiryPeriod, r.MaxSlots, r.ResetMaxSlots, r.MaxSize, r.ResetMaxSize),
		checkExpiration("expiration", r.Expiration),
	)
}

// UpdateUploadShares changes several upload shares at once
// (PUT /api/v4/shares/uploads).
func (s *SharesService) UpdateUploadShares(ctx context.Context, req *UpdateUploadSharesRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	return s.updateShares(ctx, uploadSharesPath, req)
}

// DeleteUploadShare deletes one upload share; its link stops working, the
// uploaded files stay (DELETE /api/v4/shares/uploads/{share_id}).
func (s *SharesService) DeleteUploadShare(ctx context.Context, id int64) error {
	return s.deleteShare(ctx, uploadSharesPath, id)
}

// DeleteUploadShares deletes several upload shares
// (DELETE /api/v4/shares/uploads).
func (s *SharesService) DeleteUploadShares(ctx context.Context, ids []int64) error {
	return s.deleteShares(ctx, uploadSharesPath, ids)
}

// MailUploadShare sends the link of an upload share by e-mail
// (POST /api/v4/shares/uploads/{share_id}/email).
func (s *SharesService) MailUploadShare(ctx context.Context, id int64, m *ShareLinkEmail) error {
	return s.mailShare(ctx, uploadSharesPath, id, m)
}
