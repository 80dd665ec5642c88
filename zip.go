package dracoon

// ZIP archives of several nodes, made by the server when they are
// fetched.

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// zipRequest names the nodes of a ZIP archive.
type zipRequest struct {
	NodeIDs []int64 `json:"nodeIds"`
}

// zipArchiveName is the local name of an archive downloaded into a
// directory.
const zipArchiveName = "archive.zip"

// checkZipNodes refuses an empty list and ids that are not positive.
func checkZipNodes(ids []int64) error {
	if len(ids) == 0 {
		return invalid("nodeIds", "must not be empty")
	}
	for i, id := range ids {
		if err := checkID(fmt.Sprintf("nodeIds[%d]", i), id); err != nil {
			return err
		}
	}
	return nil
}

// ZipURL asks for a URL from which a ZIP archive of the nodes nodeIDs
// (files, folders, rooms) can be fetched without the bearer token
// (POST /api/v4/nodes/zip). The URL grants access: keep it out of logs.
// Encrypted nodes cannot be archived by the server. DownloadZipFile
// fetches the archive.
func (s *TransfersService) ZipURL(ctx context.Context, nodeIDs []int64) (string, error) {
	if err := checkZipNodes(nodeIDs); err != nil {
		return "", err
	}
	var out struct {
		DownloadURL string `json:"downloadUrl"`
	}
	call := &apiCall{method: http.MethodPost, path: nodesPath + "/zip", jsonBody: &zipRequest{NodeIDs: nodeIDs}, idempotent: true, secretReply: true}
	if err := s.client.do(ctx, call, &out); err != nil {
		return "", err
	}
	if out.DownloadURL == "" {
		return "", fmt.Errorf("dracoon: ZIP archive without a download URL: %w", ErrInvalidResponse)
	}
	return out.DownloadURL, nil
}

// DownloadZip streams a ZIP archive of the nodes nodeIDs, made by the
// server, into w and returns the number of bytes written
// (POST /api/v4/nodes/zip/download). The archive's size is not known in
// advance; opts.Progress, if set, is told about the bytes received with a
// total of -1 until the end. Only opts.Progress is used. A failure after
// the first byte is not repeated: what w received must then be
// discarded. DownloadZipFile writes to a file with nothing left behind on
// failure.
func (s *TransfersService) DownloadZip(ctx context.Context, nodeIDs []int64, w io.Writer, opts *DownloadOptions) (int64, error) {
	if err := checkZipNodes(nodeIDs); err != nil {
		return 0, err
	}
	if w == nil {
		return 0, invalid("writer", "must not be nil")
	}
	var fn ProgressFunc
	if opts != nil {
		fn = opts.Progress
	}
	cw := &countingWriter{w: w, p: newProgress(fn, -1)}
	call := &apiCall{method: http.MethodPost, path: nodesPath + "/zip/download", jsonBody: &zipRequest{NodeIDs: nodeIDs},
		accept: "application/octet-stream, application/zip, application/json", sink: cw}
	if err := s.client.do(ctx, call, nil); err != nil {
		return cw.n, fmt.Errorf("dracoon: ZIP download: %w", err)
	}
	cw.p.finish(cw.n)
	return cw.n, nil
}

// DownloadZipFile downloads a ZIP archive of the nodes nodeIDs to dest and
// returns the path written: dest itself, or archive.zip inside dest when
// dest is a directory. An existing file fails with ErrFileExists unless
// opts.Overwrite is set. As for DownloadFile, the bytes go to a temporary
// file renamed into place once all have arrived; a failure leaves neither
// the destination nor a temporary file.
//
// It asks for a download URL (POST /api/v4/nodes/zip) and fetches the
// archive from it in one GET without the bearer token
// (GET /api/v4/downloads/zip/{token}).
func (s *TransfersService) DownloadZipFile(ctx context.Context, nodeIDs []int64, dest string, opts *DownloadOptions) (string, error) {
	o := DownloadOptions{}
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return "", err
	}
	if err := checkZipNodes(nodeIDs); err != nil {
		return "", err
	}
	path, err := destinationPath(dest, zipArchiveName)
	if err != nil {
		return "", err
	}
	if err := checkFree(path, o.Overwrite); err != nil {
		return "", err
	}
	raw, err := s.ZipURL(ctx, nodeIDs)
	if err != nil {
		return "", err
	}
	u, err := s.client.resolveTransferURL(raw)
	if err != nil {
		return "", err
	}
	if err := s.client.downloadToPath(ctx, &content{u: u, size: -1}, path, &o); err != nil {
		return "", fmt.Errorf("dracoon: ZIP download: %w", err)
	}
	return path, nil
}

// countingWriter reports every byte written to w as progress.
type countingWriter struct {
	w io.Writer
	p *progress
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	if n > 0 {
		c.n += int64(n)
		c.p.moved(0, c.n)
	}
	return n, err
}
