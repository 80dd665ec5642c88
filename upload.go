package dracoon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/dracoon-go/dracoon/crypto"
)

// Part sizes and concurrency of uploads and downloads.
const (
	// DefaultPartSize is the part size when UploadOptions.PartSize is 0.
	// Measured on loopback (BenchmarkUploadParts, encrypted direct S3),
	// parts of 5, 8 and 16 MiB move within a few percent of each other;
	// 8 MiB keeps an upload from a stream of unknown length at
	// (Concurrency+1) × 8 MiB = 40 MiB of buffers by default.
	DefaultPartSize = 8 << 20
	// MinS3PartSize is the smallest part S3 accepts, except for the last.
	MinS3PartSize = 5 << 20
	// MaxParts is the most parts one S3 upload may have.
	MaxParts = 10000
	// DefaultConcurrency is the number of parts or ranges in flight when
	// the options leave it 0. On loopback one part at a time reaches
	// about 85–90 % of the throughput of 2–8; over real networks the
	// latency of each request makes concurrency count more.
	DefaultConcurrency = 4
	// DefaultStatusTimeout bounds the wait for an S3 upload to be
	// assembled after its completion was requested.
	DefaultStatusTimeout = 10 * time.Minute
)

// minS3Part is MinS3PartSize; tests of the part logic lower it.
var minS3Part int64 = MinS3PartSize

// UploadOptions configure an upload. The zero value (or nil) uploads with
// the source's name, the server's resolution strategy (autorename), the
// default part size and concurrency.
type UploadOptions struct {
	// Name is the file's name in DRACOON. UploadFile defaults it to the
	// local file's base name; the reader variants require it.
	Name string
	// ResolutionStrategy is ResolutionAutorename (the server's default),
	// ResolutionOverwrite or ResolutionFail (a clash then fails with an
	// error matching ErrConflict).
	ResolutionStrategy string
	// KeepShareLinks moves the download shares of an overwritten file to
	// the new one; only valid with ResolutionOverwrite.
	KeepShareLinks bool
	// TimestampCreation and TimestampModification are the file's own
	// dates; UploadFile defaults the modification date to the local
	// file's.
	TimestampCreation     time.Time
	TimestampModification time.Time
	// Expiration makes the file expire.
	Expiration *Expiration
	// Classification is 1 (public) to 4 (strictly confidential); 0 keeps
	// the room's default.
	Classification int
	// Notes are up to 255 characters of notes.
	Notes string
	// PartSize is the size of every part but the last (DefaultPartSize
	// when 0). It must be a multiple of 16 and, for direct S3 uploads, at
	// least MinS3PartSize; an upload of known size whose parts would
	// exceed MaxParts uses larger parts.
	PartSize int64
	// Concurrency is the number of parts in flight for direct S3 uploads
	// (DefaultConcurrency when 0). Classic uploads send one chunk at a
	// time, as the server appends them in arrival order.
	Concurrency int
	// Progress, if set, is told about the bytes sent.
	Progress ProgressFunc
	// StatusTimeout bounds the wait for a direct S3 upload to be
	// assembled (DefaultStatusTimeout when 0).
	StatusTimeout time.Duration
}

// Validate checks the options as the server would, before anything is
// sent.
func (o *UploadOptions) Validate() error {
	if o.Name != "" {
		if err := checkNodeName("name", o.Name); err != nil {
			return err
		}
	}
	notes := o.Notes
	return firstError(
		checkResolution("resolutionStrategy", o.ResolutionStrategy),
		func() error {
			if o.KeepShareLinks && o.ResolutionStrategy != ResolutionOverwrite {
				return invalid("keepShareLinks", "only valid with resolution strategy overwrite")
			}
			return nil
		}(),
		checkExpiration("expiration", o.Expiration),
		checkClassification("classification", o.Classification),
		checkNotes(&notes),
		func() error {
			switch {
			case o.PartSize < 0 || o.PartSize%16 != 0:
				return invalid("partSize", "must be a positive multiple of 16, got %d", o.PartSize)
			case o.Concurrency < 0:
				return invalid("concurrency", "must not be negative, got %d", o.Concurrency)
			case o.StatusTimeout < 0:
				return invalid("statusTimeout", "must not be negative")
			}
			return nil
		}(),
	)
}

// UploadFile uploads the local file at path into the room or folder
// parent. See Upload for the operations and the options.
func (s *TransfersService) UploadFile(ctx context.Context, path string, parent NodeRef, opts *UploadOptions) (*Node, error) {
	return s.uploadLocal(ctx, path, parent, copyOptions(opts), uploadSource{})
}

// uploadLocal uploads a local file with the shared settings in src
// (folder uploads set the channel choice and the bytes-in-flight limit).
func (s *TransfersService) uploadLocal(ctx context.Context, path string, parent NodeRef, o *UploadOptions, src uploadSource) (*Node, error) {
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
	src.at, src.size = f, st.Size()
	return s.upload(ctx, src, parent, o)
}

// Upload uploads size bytes read from src into the room or folder parent
// as a file named opts.Name, and returns the new file.
//
// It opens an upload channel (POST /api/v4/nodes/files/uploads), then,
// when the system information (GET /api/v4/public/system/info) says
// useS3Storage, uploads the parts straight to S3: presigned URLs
// (POST /api/v4/nodes/files/uploads/{upload_id}/s3_urls), concurrent PUTs
// to them, completion (PUT /api/v4/nodes/files/uploads/{upload_id}/s3) and
// status polling (GET /api/v4/nodes/files/uploads/{upload_id}). Otherwise
// it sends chunks to the channel's upload URL (POST /api/v4/uploads/{token})
// and completes it (PUT /api/v4/uploads/{token}).
//
// Into an encrypted room the parts are encrypted as they are sent with a
// fresh file key, which is encrypted for the client's unlocked key pair
// and sent with the completion; the keys other room members lack are then
// distributed (see DistributeMissingKeys). A failed part is sent again
// from src. On any failure or when ctx ends, the channel is deleted
// (DELETE /api/v4/nodes/files/uploads/{upload_id}).
//
// If the file was stored but distributing its keys failed, Upload returns
// the node together with an error.
func (s *TransfersService) Upload(ctx context.Context, src io.ReaderAt, size int64, parent NodeRef, opts *UploadOptions) (*Node, error) {
	if src == nil || size < 0 {
		return nil, invalid("source", "needs a reader and a non-negative size")
	}
	return s.upload(ctx, uploadSource{at: src, size: size}, parent, copyOptions(opts))
}

// UploadStream uploads everything read from src, whose length need not be
// known, into parent. Parts are cut as the data arrives; each part stays
// in memory (encrypted, for encrypted rooms) until the server has it, so
// at most (Concurrency+1) × PartSize bytes are buffered. The operations
// are those of Upload.
func (s *TransfersService) UploadStream(ctx context.Context, src io.Reader, parent NodeRef, opts *UploadOptions) (*Node, error) {
	if src == nil {
		return nil, invalid("source", "needs a reader")
	}
	return s.upload(ctx, uploadSource{r: src, size: -1}, parent, copyOptions(opts))
}

// copyOptions returns a copy of opts (defaults for nil).
func copyOptions(opts *UploadOptions) *UploadOptions {
	if opts == nil {
		return &UploadOptions{}
	}
	o := *opts
	return &o
}

// uploadSource is where an upload's bytes come from: a re-readable
// ReaderAt of a known size, or a stream of unknown length (size -1).
type uploadSource struct {
	at   io.ReaderAt
	r    io.Reader
	size int64
	// inflight, if set, is a limit on the bytes of parts in flight shared
	// with other uploads (folder uploads); maxInflight is its size.
	inflight    *semaphore.Weighted
	maxInflight int64
	// s3, if set, is the channel choice made once for many uploads.
	s3 *bool
}

// holdInflight waits until the part's bytes fit into the shared limit and
// returns the release function.
func (j *uploadJob) holdInflight(ctx context.Context, p *uploadPart) (func(), error) {
	if j.src.inflight == nil {
		return func() {}, nil
	}
	w := min(max(p.length, 1), j.src.maxInflight)
	if err := j.src.inflight.Acquire(ctx, w); err != nil {
		return nil, err
	}
	return func() { j.src.inflight.Release(w) }, nil
}

// createUploadRequest opens an upload channel.
type createUploadRequest struct {
	ParentID              int64       `json:"parentId"`
	Name                  string      `json:"name"`
	Size                  *int64      `json:"size,omitempty"`
	Classification        int         `json:"classification,omitempty"`
	Expiration            *Expiration `json:"expiration,omitempty"`
	Notes                 string      `json:"notes,omitempty"`
	DirectS3Upload        bool        `json:"directS3Upload"`
	TimestampCreation     time.Time   `json:"timestampCreation,omitzero"`
	TimestampModification time.Time   `json:"timestampModification,omitzero"`
}

// uploadChannel is the server's answer to a new upload channel.
type uploadChannel struct {
	UploadID  string `json:"uploadId"`
	UploadURL string `json:"uploadUrl"`
	Token     string `json:"token"`
}

// completeUploadRequest completes a classic or S3 upload.
type completeUploadRequest struct {
	Parts              []s3Part        `json:"parts,omitempty"`
	ResolutionStrategy string          `json:"resolutionStrategy,omitempty"`
	KeepShareLinks     bool            `json:"keepShareLinks,omitempty"`
	FileName           string          `json:"fileName,omitempty"`
	FileKey            *crypto.FileKey `json:"fileKey,omitempty"`
}

// uploadJob is one upload in progress.
type uploadJob struct {
	c        *Client
	src      uploadSource
	opts     *UploadOptions
	parent   *Node
	channel  uploadChannel
	partSize int64
	prog     *progress
	// parts and key are set for encrypted rooms.
	parts   *crypto.Parts
	key     *crypto.PlainFileKey
	keyPair *crypto.UserKeyPair
	total   int64 // bytes sent, known at the end
}

// upload runs an upload: checks, channel, parts, completion, keys.
func (s *TransfersService) upload(ctx context.Context, src uploadSource, target NodeRef, o *UploadOptions) (*Node, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Name == "" {
		return nil, invalid("name", "must not be empty")
	}
	c := s.client
	parent, err := target.resolve(ctx, c)
	if err != nil {
		return nil, err
	}
	if parent.Type != NodeTypeRoom && parent.Type != NodeTypeFolder {
		return nil, invalid("parent", "must be a room or a folder, got a %s", parent.Type)
	}
	s3, err := c.useDirectS3(ctx, src.s3)
	if err != nil {
		return nil, err
	}
	j := &uploadJob{c: c, src: src, opts: o, parent: parent, prog: newProgress(o.Progress, src.size)}
	if j.partSize, err = choosePartSize(o.PartSize, src.size, s3); err != nil {
		return nil, err
	}
	if parent.IsEncrypted {
		if err := j.prepareEncryption(); err != nil {
			return nil, err
		}
	}
	if err := j.open(ctx, s3); err != nil {
		return nil, err
	}
	node, err := j.run(ctx, s3)
	if err != nil {
		j.cancel(ctx)
		return nil, err
	}
	j.prog.finish(j.total)
	if j.parts != nil {
		if _, err := s.DistributeMissingKeys(ctx, MissingKeysFilter{FileID: node.ID}); err != nil {
			return node, fmt.Errorf("dracoon: file %d uploaded, but distributing its keys failed: %w", node.ID, err)
		}
	}
	return node, nil
}

// useDirectS3 says whether uploads go straight to S3: known, or as the
// system information says (GET /api/v4/public/system/info).
func (c *Client) useDirectS3(ctx context.Context, known *bool) (bool, error) {
	if known != nil {
		return *known, nil
	}
	info, err := c.Public.SystemInfo(ctx)
	if err != nil {
		return false, err
	}
	return info.UseS3Storage || info.S3EnforceDirectUpload, nil
}

// choosePartSize applies the default and S3's limits.
func choosePartSize(ps, size int64, s3 bool) (int64, error) {
	if ps == 0 {
		ps = DefaultPartSize
	}
	if s3 && ps < minS3Part {
		return 0, invalid("partSize", "must be at least %d bytes for direct S3 uploads, got %d", minS3Part, ps)
	}
	for size > 0 && (size+ps-1)/ps > MaxParts {
		ps *= 2
	}
	return ps, nil
}

// prepareEncryption makes the file key and finds the key pair it is
// encrypted for.
func (j *uploadJob) prepareEncryption() error {
	j.keyPair = j.c.keys.get(crypto.KeyPairRSA4096)
	if j.keyPair == nil {
		j.keyPair = j.c.keys.get(crypto.KeyPairRSA2048)
	}
	if j.keyPair == nil {
		return fmt.Errorf("dracoon: upload into encrypted room: %w", ErrNoKeyPair)
	}
	key, err := crypto.GenerateFileKey()
	if err != nil {
		return err
	}
	if j.parts, err = crypto.NewParts(key); err != nil {
		return err
	}
	j.key = key
	return nil
}

// open creates the upload channel (POST /api/v4/nodes/files/uploads).
func (j *uploadJob) open(ctx context.Context, s3 bool) error {
	o := j.opts
	req := &createUploadRequest{
		ParentID: j.parent.ID, Name: o.Name, Classification: o.Classification, Expiration: o.Expiration,
		Notes: o.Notes, DirectS3Upload: s3, TimestampCreation: o.TimestampCreation, TimestampModification: o.TimestampModification,
	}
	if j.src.size >= 0 {
		req.Size = &j.src.size
	}
	ch, err := doJSON[uploadChannel](ctx, j.c, &apiCall{method: http.MethodPost, path: nodesPath + "/files/uploads", jsonBody: req})
	if err != nil {
		return err
	}
	if ch.UploadID == "" || (!s3 && ch.UploadURL == "") {
		return &ResponseError{Method: http.MethodPost, URL: j.c.endpoint(nodesPath + "/files/uploads"), StatusCode: http.StatusCreated, Err: errors.New("upload channel without id or URL")}
	}
	j.channel = *ch
	return nil
}

// uploadPath returns the authenticated path of the channel, plus suffix.
func (j *uploadJob) uploadPath(suffix string) string {
	return nodesPath + "/files/uploads/" + url.PathEscape(j.channel.UploadID) + suffix
}

// cancel deletes the channel (DELETE /api/v4/nodes/files/uploads/{upload_id})
// even when ctx has ended, so that nothing stays open on the server.
func (j *uploadJob) cancel(ctx context.Context) {
	cctx, stop := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer stop()
	if err := j.c.do(cctx, &apiCall{method: http.MethodDelete, path: j.uploadPath("")}, nil); err != nil {
		j.c.logger.LogAttrs(ctx, slog.LevelWarn, "dracoon: deleting the upload channel failed", slog.String("error", j.c.redact(err.Error(), nil)))
	}
}

// run sends the bytes and completes the upload.
func (j *uploadJob) run(ctx context.Context, s3 bool) (*Node, error) {
	var (
		sums []crypto.PartSum
		s3p  []s3Part
		err  error
	)
	if s3 {
		s3p, sums, err = j.sendS3(ctx)
	} else {
		sums, err = j.sendClassic(ctx)
	}
	if err != nil {
		return nil, err
	}
	req := &completeUploadRequest{Parts: s3p, ResolutionStrategy: j.opts.ResolutionStrategy, KeepShareLinks: j.opts.KeepShareLinks, FileName: j.opts.Name}
	if j.parts != nil {
		if req.FileKey, err = j.sealKey(sums); err != nil {
			return nil, err
		}
	}
	if s3 {
		return j.completeS3(ctx, req)
	}
	return j.completeClassic(ctx, req)
}

// sealKey computes the file's tag and encrypts the file key for the
// uploader.
func (j *uploadJob) sealKey(sums []crypto.PartSum) (*crypto.FileKey, error) {
	tag, err := j.parts.SealTag(sums, j.total)
	if err != nil {
		return nil, fmt.Errorf("dracoon: upload: %w", err)
	}
	j.key.Tag = tag
	return j.keyPair.PublicKey().EncryptFileKey(j.key)
}
