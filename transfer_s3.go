package dracoon

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/dracoon-go/dracoon/crypto"
)

// s3Part is one uploaded part in the S3 completion request.
type s3Part struct {
	PartNumber int    `json:"partNumber"`
	PartEtag   string `json:"partEtag"`
}

// s3URLBatch is the most presigned URLs requested at once.
const s3URLBatch = 20

// errExpiredURL marks a presigned URL the object store refused (403): it
// has expired, and a new one is requested before the part is sent again.
var errExpiredURL = errors.New("presigned URL refused")

// s3URLs hands out presigned part URLs, requesting them in batches and
// again when one has expired.
type s3URLs struct {
	j    *uploadJob
	mu   sync.Mutex
	urls map[int]string
}

// presignedURLs is the answer to a request for presigned URLs.
type presignedURLs struct {
	URLs []struct {
		URL        string `json:"url"`
		PartNumber int    `json:"partNumber"`
	} `json:"urls"`
}

// get returns the URL for part p, requesting it with the following parts
// of the same size when it is not at hand
// (POST /api/v4/nodes/files/uploads/{upload_id}/s3_urls).
func (s *s3URLs) get(ctx context.Context, p *uploadPart) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.urls[p.num]; ok {
		return u, nil
	}
	last := p.num
	if j := s.j; j.src.size >= 0 && p.length == j.partSize {
		full := j.src.size / j.partSize // parts of exactly partSize
		last = int(min(int64(p.num+s3URLBatch-1), full))
	}
	req := map[string]int64{"firstPartNumber": int64(p.num), "lastPartNumber": int64(last), "size": p.length}
	call, err := s.j.channelCall(http.MethodPost, "/s3_urls")
	if err != nil {
		return "", err
	}
	call.jsonBody, call.idempotent, call.secretReply = req, true, true
	got, err := doJSON[presignedURLs](ctx, s.j.c, call)
	if err != nil {
		return "", err
	}
	for _, u := range got.URLs {
		if u.PartNumber >= p.num && u.PartNumber <= last {
			s.urls[u.PartNumber] = u.URL
		}
	}
	u, ok := s.urls[p.num]
	if !ok {
		return "", fmt.Errorf("dracoon: upload: no presigned URL for part %d: %w", p.num, ErrInvalidResponse)
	}
	return u, nil
}

// renew forgets part num's URL, so the next get requests a new one.
func (s *s3URLs) renew(num int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.urls, num)
}

// sendS3 uploads the parts concurrently to presigned URLs and returns
// their ETags and sums.
func (j *uploadJob) sendS3(ctx context.Context) ([]s3Part, []crypto.PartSum, error) {
	conc := j.opts.Concurrency
	if conc == 0 {
		conc = DefaultConcurrency
	}
	urls := &s3URLs{j: j, urls: map[int]string{}}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(conc)
	var (
		mu    sync.Mutex
		etags []s3Part
		sums  []crypto.PartSum
	)
	pool := j.newPool(conc + 1)
	var prodErr error
	for p, err := range j.partsOf(gctx, pool) {
		if err != nil {
			prodErr = err
			break
		}
		if gctx.Err() != nil {
			p.release()
			break
		}
		g.Go(func() error {
			defer p.release()
			etag, sum, err := j.sendS3Part(gctx, urls, p)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			etags = append(etags, s3Part{PartNumber: p.num, PartEtag: etag})
			sums = append(sums, sum)
			j.total = max(j.total, p.offset+p.length)
			return nil
		})
	}
	err := g.Wait()
	if err == nil {
		err = prodErr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(etags, func(a, b s3Part) int { return cmp.Compare(a.PartNumber, b.PartNumber) })
	return etags, sums, nil
}

// sendS3Part PUTs one part to its presigned URL (no DRACOON token), again
// from its source after a transient failure or with a new URL after an
// expired one.
func (j *uploadJob) sendS3Part(ctx context.Context, urls *s3URLs, p *uploadPart) (string, crypto.PartSum, error) {
	release, err := j.holdInflight(ctx, p)
	if err != nil {
		return "", crypto.PartSum{}, err
	}
	defer release()
	var (
		etag string
		sum  crypto.PartSum
	)
	err = j.c.retryTransfer(ctx, "upload part", func(int) error {
		raw, err := urls.get(ctx, p)
		if err != nil {
			return err
		}
		u, err := j.c.transferURL(raw)
		if err != nil {
			return err
		}
		b, err := j.body(p)
		if err != nil {
			return err
		}
		resp, err := j.c.rawRequest(ctx, http.MethodPut, u, b, p.length, nil)
		if err != nil {
			b.done(false)
			if ae, ok := errors.AsType[*APIError](err); ok && ae.StatusCode == http.StatusForbidden {
				urls.renew(p.num)
				return fmt.Errorf("%w: %w", errExpiredURL, err)
			}
			return err
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if sum, err = b.done(true); err != nil {
			return err
		}
		etag = strings.Trim(resp.Header.Get("ETag"), `"`)
		if etag == "" {
			return &ResponseError{Method: http.MethodPut, URL: shownURL(u), StatusCode: resp.StatusCode, Err: errors.New("object store answered without an ETag")}
		}
		return nil
	})
	return etag, sum, err
}

// The waits between polls of an S3 upload's status: short at first, as
// small files are assembled at once, doubling up to s3PollMax.
const (
	s3PollFirst = 25 * time.Millisecond
	s3PollMax   = 2 * time.Second
)

// s3Status is the state of an S3 upload being assembled: the node for
// an upload with a login, the file's name and size for one through a
// share.
type s3Status struct {
	Status       string              `json:"status"`
	Node         *Node               `json:"node"`
	FileName     string              `json:"fileName"`
	Size         int64               `json:"size"`
	ErrorDetails *UploadErrorDetails `json:"errorDetails"`
}

// completeS3 sends the completion of an S3 upload (PUT on the channel's
// …/s3) and polls the channel's status (GET on the channel) with a capped
// backoff until it is done, failed, or StatusTimeout has passed.
func (j *uploadJob) completeS3(ctx context.Context, req any) (*s3Status, error) {
	call, err := j.channelCall(http.MethodPut, "/s3")
	if err != nil {
		return nil, err
	}
	call.jsonBody = req
	if err := j.c.do(ctx, call, nil); err != nil {
		return nil, err
	}
	limit := j.opts.StatusTimeout
	if limit == 0 {
		limit = DefaultStatusTimeout
	}
	deadline := j.c.now().Add(limit)
	wait := s3PollFirst
	for {
		call, err := j.channelCall(http.MethodGet, "")
		if err != nil {
			return nil, err
		}
		st, err := doJSON[s3Status](ctx, j.c, call)
		if err != nil {
			return nil, err
		}
		switch st.Status {
		case S3UploadDone:
			return st, nil
		case S3UploadError:
			e := &APIError{Method: http.MethodGet, URL: j.c.redact(j.c.endpoint(call.path), call.secrets), StatusCode: http.StatusInternalServerError}
			if d := st.ErrorDetails; d != nil {
				e.StatusCode, e.Code, e.Message, e.DebugInfo = d.Code, d.ErrorCode, withoutControls(d.Message), withoutControls(d.DebugInfo)
			}
			return nil, fmt.Errorf("dracoon: upload failed on the server: %w", e)
		}
		if !j.c.now().Add(wait).Before(deadline) {
			return nil, fmt.Errorf("dracoon: upload still %q after %v: %w", st.Status, limit, context.DeadlineExceeded)
		}
		if err := j.c.sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(2*wait, s3PollMax)
	}
}
