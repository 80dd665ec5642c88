package dracoon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/dracoon-go/dracoon/crypto"
)

// sendClassic sends the parts one after another to the channel's upload
// URL (POST /api/v4/uploads/{token}), each with its Content-Range, and
// returns the parts' sums (encrypted rooms).
func (j *uploadJob) sendClassic(ctx context.Context) ([]crypto.PartSum, error) {
	u, err := j.c.resolveTransferURL(j.channel.UploadURL)
	if err != nil {
		return nil, err
	}
	var sums []crypto.PartSum
	for p, err := range j.partsOf(ctx, j.newPool(1)) {
		if err != nil {
			return nil, err
		}
		sum, err := j.sendChunk(ctx, u, p)
		p.release()
		if err != nil {
			return nil, err
		}
		sums = append(sums, sum)
		j.total = p.offset + p.length
	}
	return sums, nil
}

// contentRange returns the Content-Range of a chunk: inclusive byte
// positions and the total size, or "*" while it is unknown. An empty
// chunk has none.
func (j *uploadJob) contentRange(p *uploadPart) string {
	if p.length == 0 {
		return ""
	}
	total := "*"
	switch {
	case j.src.size >= 0:
		total = itoa(j.src.size)
	case p.last:
		total = itoa(p.offset + p.length)
	}
	return fmt.Sprintf("bytes %d-%d/%s", p.offset, p.offset+p.length-1, total)
}

// sendChunk sends one chunk, again from its source after a transient
// failure.
func (j *uploadJob) sendChunk(ctx context.Context, target *url.URL, p *uploadPart) (crypto.PartSum, error) {
	release, err := j.holdInflight(ctx, p)
	if err != nil {
		return crypto.PartSum{}, err
	}
	defer release()
	var sum crypto.PartSum
	err = j.c.retryTransfer(ctx, "upload chunk", func(int) error {
		b, err := j.body(p)
		if err != nil {
			return err
		}
		h := http.Header{"Content-Type": {"application/octet-stream"}, "Accept": {"application/json"}}
		if cr := j.contentRange(p); cr != "" {
			h.Set("Content-Range", cr)
		}
		resp, err := j.c.rawRequest(ctx, http.MethodPost, target, b, p.length, h)
		if err != nil {
			b.done(false)
			return err
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		sum, err = b.done(true)
		return err
	})
	return sum, err
}

// completeClassic completes a classic upload (PUT /api/v4/uploads/{token})
// and returns the new file.
func (j *uploadJob) completeClassic(ctx context.Context, req *completeUploadRequest) (*Node, error) {
	u, err := j.c.resolveTransferURL(j.channel.UploadURL)
	if err != nil {
		return nil, err
	}
	var node Node
	if err := j.c.rawJSON(ctx, http.MethodPut, u, req, &node); err != nil {
		return nil, err
	}
	return &node, nil
}
