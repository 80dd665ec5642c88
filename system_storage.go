package dracoon

import (
	"context"
	"net/http"
)

// S3Config is the S3 storage of the instance as config managers see it;
// the keys themselves are never returned, only whether they are set.
type S3Config struct {
	BucketURL        string `json:"bucketUrl"`
	AccessKeyDefined bool   `json:"accessKeyDefined"`
	SecretKeyDefined bool   `json:"secretKeyDefined"`
	Region           string `json:"region,omitempty"`
	EndpointURL      string `json:"endpointUrl,omitempty"`
	BucketName       string `json:"bucketName,omitempty"`
}

// S3ConfigRequest sets up (access and secret key required) or changes
// (only the fields to change set) the S3 storage. The keys never appear in
// logs or errors.
type S3ConfigRequest struct {
	BucketURL   string `json:"bucketUrl,omitempty"`
	AccessKey   string `json:"accessKey,omitempty"`
	SecretKey   string `json:"secretKey,omitempty"`
	Region      string `json:"region,omitempty"`
	EndpointURL string `json:"endpointUrl,omitempty"`
	BucketName  string `json:"bucketName,omitempty"`
}

// String describes the request without the keys.
func (r S3ConfigRequest) String() string {
	r.AccessKey, r.SecretKey = redactedIfSet(r.AccessKey), redactedIfSet(r.SecretKey)
	type plain S3ConfigRequest
	return fmtStruct(plain(r))
}

// GoString is String, also under %#v.
func (r S3ConfigRequest) GoString() string { return r.String() }

// Validate refuses an endpoint or bucket URL that is not https.
func (r *S3ConfigRequest) Validate() error {
	var errs []error
	if r.BucketURL != "" {
		errs = append(errs, checkHTTPS("bucketUrl", r.BucketURL))
	}
	if r.EndpointURL != "" {
		errs = append(errs, checkHTTPS("endpointUrl", r.EndpointURL))
	}
	return firstError(errs...)
}

// keys returns the keys of the request, to keep them out of errors.
func (r *S3ConfigRequest) keys() []string {
	if r == nil {
		return nil
	}
	return []string{r.AccessKey, r.SecretKey}
}

// S3TagRequest creates an S3 tag.
type S3TagRequest struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	IsMandatory bool   `json:"isMandatory,omitempty"`
}

// Validate refuses an empty key or value.
func (r *S3TagRequest) Validate() error {
	return firstError(checkNotBlank("key", r.Key), checkNotBlank("value", r.Value))
}

// s3Path is the S3 storage configuration.
const s3Path = systemPath + "/storage/s3"

// S3 returns the S3 storage configuration
// (GET /api/v4/system/config/storage/s3).
func (s *SystemService) S3(ctx context.Context) (*S3Config, error) {
	return getAt[S3Config](ctx, s.client, s3Path)
}

// CreateS3 sets up the S3 storage
// (POST /api/v4/system/config/storage/s3).
func (s *SystemService) CreateS3(ctx context.Context, req *S3ConfigRequest) (*S3Config, error) {
	if req != nil {
		if err := firstError(checkNotBlank("accessKey", req.AccessKey), checkNotBlank("secretKey", req.SecretKey)); err != nil {
			return nil, err
		}
	}
	return sendChecked[S3Config](ctx, s.client, http.MethodPost, s3Path, req, req.keys()...)
}

// UpdateS3 changes the S3 storage configuration
// (PUT /api/v4/system/config/storage/s3).
func (s *SystemService) UpdateS3(ctx context.Context, req *S3ConfigRequest) (*S3Config, error) {
	return sendChecked[S3Config](ctx, s.client, http.MethodPut, s3Path, req, req.keys()...)
}

// S3Tags returns the S3 tags (GET /api/v4/system/config/storage/s3/tags).
func (s *SystemService) S3Tags(ctx context.Context) (*S3Tags, error) {
	return getAt[S3Tags](ctx, s.client, s3Path+"/tags")
}

// S3Tag returns one S3 tag
// (GET /api/v4/system/config/storage/s3/tags/{id}).
func (s *SystemService) S3Tag(ctx context.Context, id int64) (*S3Tag, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return getAt[S3Tag](ctx, s.client, idPath(s3Path+"/tags", id, ""))
}

// CreateS3Tag adds an S3 tag
// (POST /api/v4/system/config/storage/s3/tags).
func (s *SystemService) CreateS3Tag(ctx context.Context, req *S3TagRequest) (*S3Tag, error) {
	return sendChecked[S3Tag](ctx, s.client, http.MethodPost, s3Path+"/tags", req)
}

// DeleteS3Tag removes an S3 tag
// (DELETE /api/v4/system/config/storage/s3/tags/{id}).
func (s *SystemService) DeleteS3Tag(ctx context.Context, id int64) error {
	if err := checkID("id", id); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, idPath(s3Path+"/tags", id, ""))
}
