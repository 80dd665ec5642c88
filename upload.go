package dracoon

import (
	"context"
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
	target   uploadTarget
	channel  uploadChannel
	partSize int64
	prog     *progress
	// parts and key are set for encrypted uploads; key.Tag is set once
	// all parts are sent.
	parts *crypto.Parts
	key   *crypto.PlainFileKey
	total int64 // bytes sent, known at the end
}

// uploadTarget is what differs between an upload into a room or folder
// with a login (nodeTarget) and one through a public upload share
// (shareTarget): how the channel is opened, addressed and completed, and
// for whom the file key is encrypted. The parts travel the same way.
type uploadTarget interface {
	// encrypted reports whether the parts are to be encrypted, or why
	// they cannot be.
	encrypted() (bool, error)
	// open creates the upload channel.
	open(ctx context.Context, j *uploadJob, s3 bool) (*uploadChannel, error)
	// channelCall describes an API call on the open channel uploadID;
	// suffix follows the upload id ("/s3_urls").
	channelCall(method, uploadID, suffix string) (*apiCall, error)
	// complete finishes the upload once every part is sent: parts are
	// the S3 parts (nil for classic uploads); j.key, if set, has its tag.
	complete(ctx context.Context, j *uploadJob, s3 bool, parts []s3Part) error
}

// upload runs an upload into a room or folder: checks, channel, parts,
// completion, then the keys other members of an encrypted room lack.
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
	t := &nodeTarget{parent: parent, c: c}
	if err := c.runUpload(ctx, src, o, t); err != nil {
		return nil, err
	}
	node := t.node
	if parent.IsEncrypted {
		if _, err := s.DistributeMissingKeys(ctx, MissingKeysFilter{FileID: node.ID}); err != nil {
			return node, fmt.Errorf("dracoon: file %d uploaded, but distributing its keys failed: %w", node.ID, err)
		}
	}
	return node, nil
}

// runUpload moves src to target: it picks classic or direct S3, opens the
// channel, sends the parts (encrypted with a fresh file key when the
// target is encrypted) and completes the upload; on any failure, or when
// ctx ends, it deletes the channel.
func (c *Client) runUpload(ctx context.Context, src uploadSource, o *UploadOptions, target uploadTarget) error {
	s3, err := c.useDirectS3(ctx, src.s3)
	if err != nil {
		return err
	}
	j := &uploadJob{c: c, src: src, opts: o, target: target, prog: newProgress(o.Progress, src.size)}
	if j.partSize, err = choosePartSize(o.PartSize, src.size, s3); err != nil {
		return err
	}
	enc, err := target.encrypted()
	if err != nil {
		return err
	}
	if enc {
		if err := j.prepareEncryption(); err != nil {
			return err
		}
	}
	if err := j.open(ctx, s3); err != nil {
		return err
	}
	if err := j.run(ctx, s3); err != nil {
		j.cancel(ctx)
		return err
	}
	j.prog.finish(j.total)
	return nil
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

// prepareEncryption makes the file key the parts are encrypted with.
func (j *uploadJob) prepareEncryption() error {
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

// open creates the upload channel and checks the answer.
func (j *uploadJob) open(ctx context.Context, s3 bool) error {
	ch, err := j.target.open(ctx, j, s3)
	if err != nil {
		return err
	}
	if ch.UploadID == "" || (!s3 && ch.UploadURL == "") {
		return fmt.Errorf("dracoon: upload channel without id or URL: %w", ErrInvalidResponse)
	}
	j.channel = *ch
	return nil
}

// channelCall describes an API call on the open channel.
func (j *uploadJob) channelCall(method, suffix string) (*apiCall, error) {
	return j.target.channelCall(method, j.channel.UploadID, suffix)
}

// cancel deletes the channel even when ctx has ended, so that nothing
// stays open on the server.
func (j *uploadJob) cancel(ctx context.Context) {
	cctx, stop := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer stop()
	call, err := j.channelCall(http.MethodDelete, "")
	if err == nil {
		err = j.c.do(cctx, call, nil)
	}
	if err != nil {
		j.c.logger.LogAttrs(ctx, slog.LevelWarn, "dracoon: deleting the upload channel failed", slog.String("error", j.c.redact(err.Error(), nil)))
	}
}

// run sends the bytes, computes the tag of an encrypted file and
// completes the upload.
func (j *uploadJob) run(ctx context.Context, s3 bool) error {
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
		return err
	}
	if j.parts != nil {
		tag, err := j.parts.SealTag(sums, j.total)
		if err != nil {
			return fmt.Errorf("dracoon: upload: %w", err)
		}
		j.key.Tag = tag
	}
	return j.target.complete(ctx, j, s3, s3p)
}

// nodeTarget is an upload into a room or folder with a login.
type nodeTarget struct {
	c       *Client
	parent  *Node
	keyPair *crypto.UserKeyPair
	node    *Node // the new file, once complete
}

// encrypted finds, for an encrypted room, the unlocked key pair the file
// key is encrypted for.
func (t *nodeTarget) encrypted() (bool, error) {
	if !t.parent.IsEncrypted {
		return false, nil
	}
	t.keyPair = t.c.keys.get(crypto.KeyPairRSA4096)
	if t.keyPair == nil {
		t.keyPair = t.c.keys.get(crypto.KeyPairRSA2048)
	}
	if t.keyPair == nil {
		return false, fmt.Errorf("dracoon: upload into encrypted room: %w", ErrNoKeyPair)
	}
	return true, nil
}

// open creates the upload channel (POST /api/v4/nodes/files/uploads).
func (t *nodeTarget) open(ctx context.Context, j *uploadJob, s3 bool) (*uploadChannel, error) {
	o := j.opts
	req := &createUploadRequest{
		ParentID: t.parent.ID, Name: o.Name, Classification: o.Classification, Expiration: o.Expiration,
		Notes: o.Notes, DirectS3Upload: s3, TimestampCreation: o.TimestampCreation, TimestampModification: o.TimestampModification,
	}
	if j.src.size >= 0 {
		req.Size = &j.src.size
	}
	return doJSON[uploadChannel](ctx, t.c, &apiCall{method: http.MethodPost, path: nodesPath + "/files/uploads", jsonBody: req})
}

// channelCall addresses /api/v4/nodes/files/uploads/{upload_id}.
func (t *nodeTarget) channelCall(method, uploadID, suffix string) (*apiCall, error) {
	return &apiCall{method: method, path: nodesPath + "/files/uploads/" + url.PathEscape(uploadID) + suffix}, nil
}

// complete completes the upload with the file key encrypted for the
// uploader: PUT on the upload URL for a classic upload, or
// PUT /api/v4/nodes/files/uploads/{upload_id}/s3 and the status polling
// for a direct S3 upload.
func (t *nodeTarget) complete(ctx context.Context, j *uploadJob, s3 bool, parts []s3Part) error {
	req := &completeUploadRequest{Parts: parts, ResolutionStrategy: j.opts.ResolutionStrategy, KeepShareLinks: j.opts.KeepShareLinks, FileName: j.opts.Name}
	if j.key != nil {
		fk, err := t.keyPair.PublicKey().EncryptFileKey(j.key)
		if err != nil {
			return err
		}
		req.FileKey = fk
	}
	if !s3 {
		node, err := j.completeClassic(ctx, req)
		t.node = node
		return err
	}
	st, err := j.completeS3(ctx, req)
	if err != nil {
		return err
	}
	if st.Node == nil {
		return fmt.Errorf("dracoon: upload done without a node: %w", ErrInvalidResponse)
	}
	t.node = st.Node
	return nil
}
