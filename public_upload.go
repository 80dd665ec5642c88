package dracoon

// Uploading through a public upload share (a file request), without
// logging in, through the transfer code of TransfersService.Upload.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// ShareUploadOptions configure an upload through a public upload share.
// The zero value (or nil) uploads with the source's name and the default
// part size and concurrency.
type ShareUploadOptions struct {
	// Name is the file's name. UploadFileToShare defaults it to the
	// local file's base name; the reader variants require it.
	Name string
	// TimestampCreation and TimestampModification are the file's own
	// dates; UploadFileToShare defaults the modification date to the
	// local file's.
	TimestampCreation     time.Time
	TimestampModification time.Time
	// PartSize, Concurrency, Progress and StatusTimeout are those of
	// UploadOptions.
	PartSize      int64
	Concurrency   int
	Progress      ProgressFunc
	StatusTimeout time.Duration
}

// uploadOptions returns the UploadOptions the transfer code runs with.
func (o *ShareUploadOptions) uploadOptions() *UploadOptions {
	if o == nil {
		return &UploadOptions{}
	}
	return &UploadOptions{
		Name: o.Name, TimestampCreation: o.TimestampCreation, TimestampModification: o.TimestampModification,
		PartSize: o.PartSize, Concurrency: o.Concurrency, Progress: o.Progress, StatusTimeout: o.StatusTimeout,
	}
}

// UploadFileToShare uploads the local file at path through the public
// upload share accessKey. See UploadToShare.
func (s *PublicService) UploadFileToShare(ctx context.Context, accessKey, password, path string, opts *ShareUploadOptions) (*PublicUploadedFile, error) {
	o := opts.uploadOptions()
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dracoon: upload: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("dracoon: upload: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("dracoon: upload: %s is not a regular file", filepath.Base(path))
	}
	if o.Name == "" {
		o.Name = filepath.Base(path)
	}
	if o.TimestampModification.IsZero() {
		o.TimestampModification = st.ModTime().UTC().Truncate(time.Second)
	}
	return s.uploadToShare(ctx, accessKey, password, uploadSource{at: f, size: st.Size()}, o)
}

// UploadToShare uploads size bytes read from src through the public
// upload share accessKey, as a file named opts.Name, without logging in.
// password is the share's password; it may be empty for a share that is
// not protected. It returns what the share reports of the stored file
// (its Hash may be empty while the server computes it).
//
// It reads the share (GET /api/v4/public/shares/uploads/{access_key}) and
// the system information (GET /api/v4/public/system/info), opens an
// upload channel (POST /api/v4/public/shares/uploads/{access_key}), then
// either sends chunks to it
// (POST /api/v4/public/shares/uploads/{access_key}/{upload_id}) and
// completes it (PUT /api/v4/public/shares/uploads/{access_key}/{upload_id}),
// or, with S3 storage, uploads the parts to presigned URLs
// (POST /api/v4/public/shares/uploads/{access_key}/{upload_id}/s3_urls),
// completes the upload
// (PUT /api/v4/public/shares/uploads/{access_key}/{upload_id}/s3) and
// polls its status
// (GET /api/v4/public/shares/uploads/{access_key}/{upload_id}).
//
// For an encrypted share the parts are encrypted as they are sent with a
// fresh file key, which is then encrypted for every user the share lists
// (PublicUploadShare.EncryptFileKey) and sent with the completion. A
// failed part is sent again from src; on any failure, or when ctx ends,
// the channel is deleted
// (DELETE /api/v4/public/shares/uploads/{access_key}/{upload_id}). A
// wrong password is an *APIError of status 401 (-50502); the access key,
// the password and the upload id appear in no error and no log record.
func (s *PublicService) UploadToShare(ctx context.Context, accessKey, password string, src io.ReaderAt, size int64, opts *ShareUploadOptions) (*PublicUploadedFile, error) {
	if src == nil || size < 0 {
		return nil, invalid("source", "needs a reader and a non-negative size")
	}
	return s.uploadToShare(ctx, accessKey, password, uploadSource{at: src, size: size}, opts.uploadOptions())
}

// UploadStreamToShare uploads everything read from src, whose length need
// not be known, through the public upload share accessKey. Parts are cut
// as the data arrives, with the buffering of
// TransfersService.UploadStream. The operations are those of
// UploadToShare.
func (s *PublicService) UploadStreamToShare(ctx context.Context, accessKey, password string, src io.Reader, opts *ShareUploadOptions) (*PublicUploadedFile, error) {
	if src == nil {
		return nil, invalid("source", "needs a reader")
	}
	return s.uploadToShare(ctx, accessKey, password, uploadSource{r: src, size: -1}, opts.uploadOptions())
}

// uploadToShare runs an upload through a share with the transfer code.
func (s *PublicService) uploadToShare(ctx context.Context, accessKey, password string, src uploadSource, o *UploadOptions) (*PublicUploadedFile, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Name == "" {
		return nil, invalid("name", "must not be empty")
	}
	if err := checkPathSegment("access_key", accessKey); err != nil {
		return nil, err
	}
	share, err := s.UploadShare(ctx, accessKey, password)
	if err != nil {
		return nil, fmt.Errorf("dracoon: public upload share: %w", err)
	}
	t := &shareTarget{s: s, accessKey: accessKey, password: password, share: share}
	if err := s.client.runUpload(ctx, src, o, t); err != nil {
		return nil, fmt.Errorf("dracoon: upload through a share: %w", err)
	}
	return t.file, nil
}

// shareTarget is an upload through a public upload share.
type shareTarget struct {
	s         *PublicService
	accessKey string
	password  string
	share     *PublicUploadShare
	file      *PublicUploadedFile // the stored file, once complete
}

// encrypted reports whether the share's target is encrypted; it then
// needs the public keys of the users who receive the file key.
func (t *shareTarget) encrypted() (bool, error) {
	if !t.share.IsEncrypted {
		return false, nil
	}
	if t.share.UserUserPublicKeyList == nil || len(t.share.UserUserPublicKeyList.Items) == 0 {
		return false, fmt.Errorf("dracoon: encrypted upload share lists no public keys: %w", ErrInvalidResponse)
	}
	return true, nil
}

// open creates the upload channel
// (POST /api/v4/public/shares/uploads/{access_key}).
func (t *shareTarget) open(ctx context.Context, j *uploadJob, s3 bool) (*uploadChannel, error) {
	o := j.opts
	req := &CreateShareUploadRequest{Name: o.Name, Password: t.password, DirectS3Upload: s3,
		TimestampCreation: o.TimestampCreation, TimestampModification: o.TimestampModification}
	if j.src.size > 0 {
		req.Size = j.src.size
	}
	ch, err := t.s.CreateShareUpload(ctx, t.accessKey, req)
	if err != nil {
		return nil, err
	}
	return &uploadChannel{UploadID: ch.UploadID, UploadURL: ch.UploadURL, Token: ch.Token}, nil
}

// channelCall addresses
// /api/v4/public/shares/uploads/{access_key}/{upload_id}, with the access
// key and the upload id as the call's secrets.
func (t *shareTarget) channelCall(method, uploadID, suffix string) (*apiCall, error) {
	return publicUploadCall(method, t.accessKey, uploadID, suffix)
}

// complete completes the upload with the file key encrypted for every
// user the share lists.
func (t *shareTarget) complete(ctx context.Context, j *uploadJob, s3 bool, parts []s3Part) error {
	var keys []UserFileKey
	if j.key != nil {
		var err error
		if keys, err = t.share.EncryptFileKey(j.key); err != nil {
			return err
		}
	}
	if !s3 {
		f, err := t.s.CompleteShareUpload(ctx, t.accessKey, j.channel.UploadID, keys)
		t.file = f
		return err
	}
	req := &CompleteS3ShareUploadRequest{UserFileKeyList: keys}
	for _, p := range parts {
		req.Parts = append(req.Parts, S3UploadPart(p))
	}
	if err := validate(req); err != nil {
		return err
	}
	st, err := j.completeS3(ctx, req)
	if err != nil {
		return err
	}
	t.file = &PublicUploadedFile{Name: st.FileName, Size: st.Size}
	if t.file.Name == "" {
		t.file.Name = j.opts.Name
	}
	return nil
}

// ShareUploadChunk sends one chunk of a classic upload through an upload
// share (POST /api/v4/public/shares/uploads/{access_key}/{upload_id}):
// size bytes from body (-1: unknown), at the byte positions contentRange
// gives ("bytes 0-99/1000"; empty for a file in one chunk). The server
// appends chunks in the order they arrive. UploadToShare sends its chunks
// with the same request; this method is for callers that cut their own.
// No login is needed.
func (s *PublicService) ShareUploadChunk(ctx context.Context, accessKey, uploadID string, body io.Reader, size int64, contentRange string) error {
	if body == nil {
		return invalid("body", "must not be nil")
	}
	call, err := publicUploadCall(http.MethodPost, accessKey, uploadID, "")
	if err != nil {
		return err
	}
	u, err := s.client.transferURL(s.client.endpoint(call.path))
	if err != nil {
		return err
	}
	h := http.Header{"Content-Type": {"application/octet-stream"}, "Accept": {"application/json"}}
	if contentRange != "" {
		h.Set("Content-Range", contentRange)
	}
	resp, err := s.client.rawRequest(ctx, http.MethodPost, u, body, size, h)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.Body.Close()
}
