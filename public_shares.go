package dracoon

// Public share access: what anyone holding a share's access key may do,
// without logging in. Access keys (and upload ids) are secrets in the URL
// path; every call lists them as secrets, so that errors and log records
// show [REDACTED] in their place.

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// publicSharesPath is the common prefix of the public share endpoints.
const publicSharesPath = "/api/v4/public/shares"

// publicShareCall describes a public call on the share accessKey of kind
// "downloads" or "uploads", with the access key as the call's secret. It
// refuses an access key that cannot be one path segment.
func publicShareCall(method, kind, accessKey string) (*apiCall, error) {
	if err := checkPathSegment("access_key", accessKey); err != nil {
		return nil, err
	}
	return &apiCall{method: method, path: publicSharesPath + "/" + kind + "/" + accessKey, public: true, secrets: []string{accessKey}}, nil
}

// publicUploadCall describes a public call on the upload uploadID through
// the upload share accessKey; suffix follows the upload id ("/s3"). The
// access key and the upload id are the call's secrets.
func publicUploadCall(method, accessKey, uploadID, suffix string) (*apiCall, error) {
	if err := checkPathSegment("upload_id", uploadID); err != nil {
		return nil, err
	}
	call, err := publicShareCall(method, "uploads", accessKey)
	if err != nil {
		return nil, err
	}
	call.path += "/" + uploadID + suffix
	call.secrets = append(call.secrets, uploadID)
	return call, nil
}

// PublicDownloadShare is what anyone with the access key sees of a
// download share. For an encrypted share it carries the share's key pair
// private key (encrypted with the share password) and the file key
// encrypted for it; DecryptFileKey opens them.
type PublicDownloadShare struct {
	Name             string    `json:"name,omitempty"`
	FileName         string    `json:"fileName"`
	Size             int64     `json:"size"`
	MediaType        string    `json:"mediaType"` // application/zip for folders and rooms
	IsProtected      bool      `json:"isProtected"`
	IsEncrypted      bool      `json:"isEncrypted"`
	LimitReached     bool      `json:"limitReached"`
	HasDownloadLimit bool      `json:"hasDownloadLimit"`
	CreatorName      string    `json:"creatorName"`
	CreatorUsername  string    `json:"creatorUsername,omitempty"`
	CreatedAt        time.Time `json:"createdAt,omitzero"`
	ExpireAt         time.Time `json:"expireAt,omitzero"`
	Notes            string    `json:"notes,omitempty"`
	// FileKey and PrivateKeyContainer are set for encrypted shares only.
	FileKey             *crypto.FileKey             `json:"fileKey,omitempty"`
	PrivateKeyContainer *crypto.PrivateKeyContainer `json:"privateKeyContainer,omitempty"`
}

// DownloadShare returns the public view of a download share
// (GET /api/v4/public/shares/downloads/{access_key}). It needs no login.
func (s *PublicService) DownloadShare(ctx context.Context, accessKey string) (*PublicDownloadShare, error) {
	call, err := publicShareCall(http.MethodGet, "downloads", accessKey)
	if err != nil {
		return nil, err
	}
	return doJSON[PublicDownloadShare](ctx, s.client, call)
}

// DecryptFileKey opens the file key of an encrypted download share with
// the share password: it decrypts the share's private key, then the file
// key with it. A wrong password is an error matching crypto.ErrWrongPassword
// (and ErrWrongEncryptionPassword); a share that is not encrypted is an
// *InvalidRequestError, an encrypted one without keys ErrInvalidResponse.
// The password appears in no error.
func (s *PublicDownloadShare) DecryptFileKey(sharePassword string) (*crypto.PlainFileKey, error) {
	switch {
	case s == nil || !s.IsEncrypted:
		return nil, invalid("share", "is not encrypted")
	case sharePassword == "":
		return nil, invalid("sharePassword", "must not be empty")
	case s.FileKey == nil || s.PrivateKeyContainer == nil:
		return nil, fmt.Errorf("dracoon: encrypted share without file key or private key: %w", ErrInvalidResponse)
	}
	kp, err := s.PrivateKeyContainer.Unlock(sharePassword)
	if err != nil {
		return nil, fmt.Errorf("dracoon: open the share's key pair: %w", err)
	}
	plain, err := kp.DecryptFileKey(s.FileKey)
	if err != nil {
		return nil, fmt.Errorf("dracoon: decrypt the share's file key: %w", err)
	}
	return plain, nil
}

// PublicDownloadURL is where the content of a public download share can
// be fetched once. Its String method hides both fields: they grant
// access.
type PublicDownloadURL struct {
	DownloadURL string `json:"downloadUrl"`
	// Token is the download token, part of DownloadURL (deprecated by
	// DRACOON).
	Token string `json:"token,omitempty"`
}

// String says whether the URL is set, not what it is.
func (u PublicDownloadURL) String() string {
	return fmt.Sprintf("{DownloadURL:%s Token:%s}", redactedIfSet(u.DownloadURL), redactedIfSet(u.Token))
}

// GoString is String, also under %#v.
func (u PublicDownloadURL) GoString() string { return u.String() }

// publicDownloadRequest is the body of the download URL request.
type publicDownloadRequest struct {
	Password string `json:"password,omitempty"`
}

// DownloadShareURL asks for a URL to fetch the content of a public
// download share (POST /api/v4/public/shares/downloads/{access_key}).
// password is the share's password for a protected unencrypted share,
// and empty otherwise: an encrypted share's password never leaves the
// client (DecryptFileKey uses it). A wrong password is an *APIError with
// status 401 (-50009); a share whose download limit is reached answers
// 404 (-50002).
func (s *PublicService) DownloadShareURL(ctx context.Context, accessKey, password string) (*PublicDownloadURL, error) {
	call, err := publicShareCall(http.MethodPost, "downloads", accessKey)
	if err != nil {
		return nil, err
	}
	call.jsonBody = &publicDownloadRequest{Password: password}
	call.secrets = append(call.secrets, password)
	call.secretReply = true // the answer holds the download token
	return doJSON[PublicDownloadURL](ctx, s.client, call)
}

// PublicUploadShare is what anyone with the access key sees of an upload
// share. Without the password (or with a wrong one) DRACOON leaves out the
// remaining size and slots, the uploaded files, notes, expiry and creator.
type PublicUploadShare struct {
	Name              string    `json:"name,omitempty"`
	IsProtected       bool      `json:"isProtected"`
	IsEncrypted       bool      `json:"isEncrypted"`
	CreatedAt         time.Time `json:"createdAt,omitzero"`
	ExpireAt          time.Time `json:"expireAt,omitzero"`
	Notes             string    `json:"notes,omitempty"`
	ShowUploadedFiles bool      `json:"showUploadedFiles"`
	// UploadedFiles lists the files uploaded so far, when the share shows
	// them.
	UploadedFiles   []PublicUploadedFile `json:"uploadedFiles,omitempty"`
	RemainingSize   int64                `json:"remainingSize,omitempty"`
	RemainingSlots  int                  `json:"remainingSlots,omitempty"`
	CreatorName     string               `json:"creatorName,omitempty"`
	CreatorUsername string               `json:"creatorUsername,omitempty"`
	// UserUserPublicKeyList holds, for an encrypted target, the public
	// keys of every user of the room who receives a file key: an
	// uploader encrypts the file key for each (EncryptFileKey).
	UserUserPublicKeyList *UserPublicKeyList `json:"userUserPublicKeyList,omitempty"`
	// MaxSlots is deprecated by DRACOON; use RemainingSlots.
	MaxSlots int `json:"maxSlots,omitempty"`
}

// UserPublicKeyList lists users' public keys.
type UserPublicKeyList struct {
	Items []UserPublicKey `json:"items"`
}

// UserPublicKey is one user's public key.
type UserPublicKey struct {
	ID                 int64                     `json:"id"`
	PublicKeyContainer crypto.PublicKeyContainer `json:"publicKeyContainer"`
}

// PublicUploadedFile is a file uploaded through an upload share.
type PublicUploadedFile struct {
	Name      string    `json:"name"`
	Size      int64     `json:"size"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// Hash is the MD5 sum of the content, once the server has it.
	Hash string `json:"hash,omitempty"`
}

// UploadShare returns the public view of an upload share
// (GET /api/v4/public/shares/uploads/{access_key}). password, when not
// empty, is sent base64-encoded in X-Sds-Share-Password, which shows the
// fields a protected share hides. It needs no login.
func (s *PublicService) UploadShare(ctx context.Context, accessKey, password string) (*PublicUploadShare, error) {
	call, err := publicShareCall(http.MethodGet, "uploads", accessKey)
	if err != nil {
		return nil, err
	}
	if password != "" {
		encoded := base64.StdEncoding.EncodeToString([]byte(password))
		call.header = http.Header{"X-Sds-Share-Password": {encoded}}
		call.secrets = append(call.secrets, password, encoded)
	}
	return doJSON[PublicUploadShare](ctx, s.client, call)
}

// UserFileKey is a file key encrypted for one user.
type UserFileKey struct {
	UserID  int64           `json:"userId"`
	FileKey *crypto.FileKey `json:"fileKey"`
}

// EncryptFileKey encrypts a plain file key for every user in
// UserUserPublicKeyList, as the completion of an upload into an encrypted
// share needs. A share that is not encrypted is an *InvalidRequestError;
// an encrypted one without public keys, or with one that does not parse,
// ErrInvalidResponse.
func (s *PublicUploadShare) EncryptFileKey(plain *crypto.PlainFileKey) ([]UserFileKey, error) {
	if s == nil || !s.IsEncrypted {
		return nil, invalid("share", "is not encrypted")
	}
	if s.UserUserPublicKeyList == nil || len(s.UserUserPublicKeyList.Items) == 0 {
		return nil, fmt.Errorf("dracoon: encrypted upload share lists no public keys: %w", ErrInvalidResponse)
	}
	keys := make([]UserFileKey, 0, len(s.UserUserPublicKeyList.Items))
	for _, u := range s.UserUserPublicKeyList.Items {
		pub, err := crypto.ParsePublicKey(u.PublicKeyContainer)
		if err != nil {
			return nil, fmt.Errorf("dracoon: public key of user %d: %w: %w", u.ID, ErrInvalidResponse, err)
		}
		fk, err := pub.EncryptFileKey(plain)
		if err != nil {
			return nil, fmt.Errorf("dracoon: encrypt the file key for user %d: %w", u.ID, err)
		}
		keys = append(keys, UserFileKey{UserID: u.ID, FileKey: fk})
	}
	return keys, nil
}

// CreateShareUploadRequest opens an upload channel through an upload
// share.
type CreateShareUploadRequest struct {
	// Name is the file's name.
	Name string `json:"name"`
	// Size is the file's size in bytes, if known.
	Size int64 `json:"size,omitempty"`
	// Password is the share's password for a protected share; it never
	// appears in logs, errors or formatted output.
	Password string `json:"password,omitempty"`
	// DirectS3Upload opens an S3 channel (parts go straight to the object
	// store) instead of a classic one.
	DirectS3Upload        bool      `json:"directS3Upload,omitempty"`
	TimestampCreation     time.Time `json:"timestampCreation,omitzero"`
	TimestampModification time.Time `json:"timestampModification,omitzero"`
}

// String describes the request without the password.
func (r CreateShareUploadRequest) String() string {
	r.Password = redactedIfSet(r.Password)
	type plain CreateShareUploadRequest
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r CreateShareUploadRequest) GoString() string { return r.String() }

// Validate refuses a name DRACOON would refuse and a negative size.
func (r *CreateShareUploadRequest) Validate() error {
	return firstError(checkNodeName("name", r.Name), checkNotNegative("size", r.Size))
}

// ShareUploadChannel is an open upload through an upload share. Its
// String method hides the id and URL: with the access key they allow
// uploading.
type ShareUploadChannel struct {
	UploadID  string `json:"uploadId"`
	UploadURL string `json:"uploadUrl"`
	// Token is deprecated by DRACOON; use UploadID.
	Token string `json:"token,omitempty"`
}

// String says which fields are set, not what they are.
func (u ShareUploadChannel) String() string {
	return fmt.Sprintf("{UploadID:%s UploadURL:%s Token:%s}", redactedIfSet(u.UploadID), redactedIfSet(u.UploadURL), redactedIfSet(u.Token))
}

// GoString is String, also under %#v.
func (u ShareUploadChannel) GoString() string { return u.String() }

// CreateShareUpload opens an upload channel through an upload share
// (POST /api/v4/public/shares/uploads/{access_key}). A wrong password is
// an *APIError with status 401 (-50502); a full share answers 400
// (-50506) or 507 (-50504). It needs no login.
func (s *PublicService) CreateShareUpload(ctx context.Context, accessKey string, req *CreateShareUploadRequest) (*ShareUploadChannel, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	call, err := publicShareCall(http.MethodPost, "uploads", accessKey)
	if err != nil {
		return nil, err
	}
	call.jsonBody = req
	call.secrets = append(call.secrets, req.Password)
	call.secretReply = true // the answer holds the upload id
	return doJSON[ShareUploadChannel](ctx, s.client, call)
}

// completeShareUploadRequest is the body of the classic completion.
type completeShareUploadRequest struct {
	Items []UserFileKey `json:"items,omitempty"`
}

// checkUserFileKeys refuses a key list entry without user or key.
func checkUserFileKeys(field string, keys []UserFileKey) error {
	for i, k := range keys {
		if err := checkID(fmtIndex(field, i, "userId"), k.UserID); err != nil {
			return err
		}
		if k.FileKey == nil {
			return invalid(fmtIndex(field, i, "fileKey"), "must not be nil")
		}
	}
	return nil
}

// CompleteShareUpload finishes a classic upload through an upload share
// (PUT /api/v4/public/shares/uploads/{access_key}/{upload_id}). keys, for
// an encrypted share, hold the file key for every user of the share's
// public key list (PublicUploadShare.EncryptFileKey); nil otherwise. The
// answer's Hash is empty while the server still computes it.
func (s *PublicService) CompleteShareUpload(ctx context.Context, accessKey, uploadID string, keys []UserFileKey) (*PublicUploadedFile, error) {
	if err := checkUserFileKeys("items", keys); err != nil {
		return nil, err
	}
	call, err := publicUploadCall(http.MethodPut, accessKey, uploadID, "")
	if err != nil {
		return nil, err
	}
	call.jsonBody = &completeShareUploadRequest{Items: keys}
	return doJSON[PublicUploadedFile](ctx, s.client, call)
}

// CancelShareUpload abandons an upload through an upload share
// (DELETE /api/v4/public/shares/uploads/{access_key}/{upload_id}).
func (s *PublicService) CancelShareUpload(ctx context.Context, accessKey, uploadID string) error {
	call, err := publicUploadCall(http.MethodDelete, accessKey, uploadID, "")
	if err != nil {
		return err
	}
	return s.client.do(ctx, call, nil)
}

// PresignedURLsRequest asks for S3 URLs for parts FirstPartNumber to
// LastPartNumber, each of Size bytes (the last part may be smaller).
type PresignedURLsRequest struct {
	Size            int64 `json:"size"`
	FirstPartNumber int   `json:"firstPartNumber"`
	LastPartNumber  int   `json:"lastPartNumber"`
}

// maxS3PartNumber is the highest part number S3 accepts.
const maxS3PartNumber = 10000

// Validate refuses part numbers outside 1…10000, a range that runs
// backwards and a negative size.
func (r *PresignedURLsRequest) Validate() error {
	switch {
	case r.FirstPartNumber < 1 || r.FirstPartNumber > maxS3PartNumber:
		return invalid("firstPartNumber", "must be 1 to %d, got %d", maxS3PartNumber, r.FirstPartNumber)
	case r.LastPartNumber < r.FirstPartNumber || r.LastPartNumber > maxS3PartNumber:
		return invalid("lastPartNumber", "must be firstPartNumber to %d, got %d", maxS3PartNumber, r.LastPartNumber)
	}
	return checkNotNegative("size", r.Size)
}

// PresignedURL is where one part goes. The URL grants write access; its
// String method hides it.
type PresignedURL struct {
	URL        string `json:"url"`
	PartNumber int    `json:"partNumber"`
}

// String names the part, not the URL.
func (u PresignedURL) String() string {
	return fmt.Sprintf("{PartNumber:%d URL:%s}", u.PartNumber, redactedIfSet(u.URL))
}

// GoString is String, also under %#v.
func (u PresignedURL) GoString() string { return u.String() }

// PresignedURLList is the answer to a PresignedURLsRequest.
type PresignedURLList struct {
	URLs []PresignedURL `json:"urls"`
}

// ShareUploadS3URLs returns presigned URLs for parts of an S3 upload
// through an upload share
// (POST /api/v4/public/shares/uploads/{access_key}/{upload_id}/s3_urls).
func (s *PublicService) ShareUploadS3URLs(ctx context.Context, accessKey, uploadID string, req *PresignedURLsRequest) (*PresignedURLList, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	call, err := publicUploadCall(http.MethodPost, accessKey, uploadID, "/s3_urls")
	if err != nil {
		return nil, err
	}
	call.jsonBody = req
	call.secretReply = true // presigned URLs
	return doJSON[PresignedURLList](ctx, s.client, call)
}

// S3UploadPart is one part stored in S3, with the ETag S3 answered.
type S3UploadPart struct {
	PartNumber int    `json:"partNumber"`
	PartEtag   string `json:"partEtag"`
}

// CompleteS3ShareUploadRequest finishes an S3 upload through an upload
// share: every part, and for an encrypted share the file key for every
// user of its public key list.
type CompleteS3ShareUploadRequest struct {
	Parts           []S3UploadPart `json:"parts"`
	UserFileKeyList []UserFileKey  `json:"userFileKeyList,omitempty"`
}

// Validate requires at least one part, each with a part number and ETag,
// and a user and key in every file key entry.
func (r *CompleteS3ShareUploadRequest) Validate() error {
	if len(r.Parts) == 0 {
		return invalid("parts", "must not be empty")
	}
	for i, p := range r.Parts {
		if p.PartNumber < 1 || p.PartNumber > maxS3PartNumber {
			return invalid(fmtIndex("parts", i, "partNumber"), "must be 1 to %d, got %d", maxS3PartNumber, p.PartNumber)
		}
		if err := checkNotBlank(fmtIndex("parts", i, "partEtag"), p.PartEtag); err != nil {
			return err
		}
	}
	return checkUserFileKeys("userFileKeyList", r.UserFileKeyList)
}

// CompleteS3ShareUpload finishes an S3 upload through an upload share
// (PUT /api/v4/public/shares/uploads/{access_key}/{upload_id}/s3). The
// server then assembles the file; ShareUploadStatus says when it is done.
func (s *PublicService) CompleteS3ShareUpload(ctx context.Context, accessKey, uploadID string, req *CompleteS3ShareUploadRequest) error {
	if err := validate(req); err != nil {
		return err
	}
	call, err := publicUploadCall(http.MethodPut, accessKey, uploadID, "/s3")
	if err != nil {
		return err
	}
	call.jsonBody = req
	return s.client.do(ctx, call, nil)
}

// S3 upload states.
const (
	S3UploadTransfer  = "transfer"
	S3UploadFinishing = "finishing"
	S3UploadDone      = "done"
	S3UploadError     = "error"
)

// S3ShareUploadStatus is the state of an S3 upload through an upload
// share: transfer, finishing, done or error (with ErrorDetails).
type S3ShareUploadStatus struct {
	Status       string              `json:"status"`
	FileName     string              `json:"fileName"`
	Size         int64               `json:"size,omitempty"`
	ErrorDetails *UploadErrorDetails `json:"errorDetails,omitempty"`
}

// UploadErrorDetails is the server's description of a failed upload.
type UploadErrorDetails struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	DebugInfo string `json:"debugInfo,omitempty"`
	ErrorCode int    `json:"errorCode,omitempty"`
}

// ShareUploadStatus returns the state of an S3 upload through an upload
// share (GET /api/v4/public/shares/uploads/{access_key}/{upload_id}).
func (s *PublicService) ShareUploadStatus(ctx context.Context, accessKey, uploadID string) (*S3ShareUploadStatus, error) {
	call, err := publicUploadCall(http.MethodGet, accessKey, uploadID, "")
	if err != nil {
		return nil, err
	}
	return doJSON[S3ShareUploadStatus](ctx, s.client, call)
}
