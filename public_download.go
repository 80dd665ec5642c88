package dracoon

// Downloading the content of a public download share, without logging
// in, through the transfer code of TransfersService.DownloadFile.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/dracoon-go/dracoon/crypto"
)

// mediaTypeZip is the media type of a share of a folder or room: its
// content is a ZIP archive made when it is fetched, of no known size.
const mediaTypeZip = "application/zip"

// DownloadShareFile downloads the content of the public download share
// accessKey to dest, without logging in, and returns the path written.
// password is the share's password; it may be empty for a share that is
// not protected. If dest is an existing directory the content keeps the
// share's file name inside it (an unsafe name fails with ErrUnsafeName);
// otherwise dest is the file's path. An existing file fails with
// ErrFileExists unless opts.Overwrite is set. A share of a folder or room
// arrives as a ZIP archive.
//
// As for TransfersService.DownloadFile, the bytes go to a temporary file
// that is renamed into place only once all have arrived and, for an
// encrypted share, the GCM tag has been verified; a failure leaves
// neither the destination nor a temporary file. A wrong password (an
// *APIError of status 401 for a protected share, an error matching
// crypto.ErrWrongPassword for an encrypted one), a share whose download
// limit is reached (404, -50002) or one that expired or does not exist
// (404) fail before anything is written. The access key, the password
// and the download token appear in no error and no log record.
//
// It reads the share (GET /api/v4/public/shares/downloads/{access_key}),
// asks for a download URL (POST /api/v4/public/shares/downloads/{access_key};
// the password goes there only for an unencrypted share, an encrypted
// share's password opens its file key on the client) and fetches the
// content with ranged GETs on it
// (GET /api/v4/public/shares/downloads/{access_key}/{token}).
func (s *PublicService) DownloadShareFile(ctx context.Context, accessKey, password, dest string, opts *DownloadOptions) (string, error) {
	o := DownloadOptions{}
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return "", err
	}
	info, err := s.DownloadShare(ctx, accessKey)
	if err != nil {
		return "", fmt.Errorf("dracoon: public download share: %w", err)
	}
	path, err := destinationPath(dest, info.FileName)
	if err != nil {
		return "", err
	}
	if err := checkFree(path, o.Overwrite); err != nil {
		return "", err
	}
	src, err := s.shareContent(ctx, accessKey, password, info)
	if err != nil {
		return "", err
	}
	if err := s.client.downloadToPath(ctx, src, path, &o); err != nil {
		return "", fmt.Errorf("dracoon: public share download: %w", err)
	}
	return path, nil
}

// DownloadShareTo writes the content of the public download share
// accessKey to w, decrypted for an encrypted share, and returns the
// share's public view. It uses the operations of DownloadShareFile,
// fetching the content as one stream.
//
// For an encrypted share the bytes written to w are authenticated only at
// the end: until DownloadShareTo returns nil they may have been altered,
// and on an error wrapping crypto.ErrAuthentication everything written
// must be discarded. DownloadShareFile does that for files.
func (s *PublicService) DownloadShareTo(ctx context.Context, accessKey, password string, w io.Writer, opts *DownloadOptions) (*PublicDownloadShare, error) {
	o := DownloadOptions{}
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, invalid("writer", "must not be nil")
	}
	info, err := s.DownloadShare(ctx, accessKey)
	if err != nil {
		return nil, fmt.Errorf("dracoon: public download share: %w", err)
	}
	src, err := s.shareContent(ctx, accessKey, password, info)
	if err != nil {
		return nil, err
	}
	if err := s.client.downloadToWriter(ctx, src, w, &o); err != nil {
		return nil, fmt.Errorf("dracoon: public share download: %w", err)
	}
	return info, nil
}

// shareContent unlocks the share described by info: it opens the file
// key of an encrypted share with the password, then asks for the
// download URL (with the password only for an unencrypted share).
func (s *PublicService) shareContent(ctx context.Context, accessKey, password string, info *PublicDownloadShare) (*content, error) {
	if info.LimitReached {
		return nil, fmt.Errorf("dracoon: public download share: the download limit is reached: %w", ErrNotFound)
	}
	if info.IsProtected && password == "" {
		return nil, invalid("password", "the share is protected by a password")
	}
	src := &content{size: info.Size}
	if info.MediaType == mediaTypeZip {
		src.size = -1
	}
	if src.size < -1 {
		return nil, fmt.Errorf("dracoon: public download share with a negative size: %w", ErrInvalidResponse)
	}
	urlPassword := password
	if info.IsEncrypted {
		key, err := info.DecryptFileKey(password)
		if err != nil {
			return nil, err
		}
		if len(key.Tag) == 0 {
			return nil, fmt.Errorf("dracoon: the share's file key has no tag: %w", crypto.ErrMissingTag)
		}
		src.key, urlPassword = key, ""
	}
	got, err := s.DownloadShareURL(ctx, accessKey, urlPassword)
	if err != nil {
		return nil, fmt.Errorf("dracoon: public download share: %w", err)
	}
	if src.u, err = s.client.resolveTransferURL(got.DownloadURL); err != nil {
		return nil, err
	}
	return src, nil
}

// resolveTransferURL checks a transfer URL as transferURL does, after
// resolving one relative to the server (DRACOON answers some download
// URLs with an absolute path).
func (c *Client) resolveTransferURL(raw string) (*url.URL, error) {
	if u, err := url.Parse(raw); err == nil && u.Scheme == "" && u.Host == "" && len(u.Path) > 0 && u.Path[0] == '/' {
		raw = c.base.ResolveReference(u).String()
	}
	return c.transferURL(raw)
}

// FetchShareDownload fetches the content behind a public download URL
// (GET /api/v4/public/shares/downloads/{access_key}/{token}), as
// DownloadShareURL handed it out, and returns the open response: the
// caller reads and closes its body. rangeHeader, when not empty, is sent
// as the Range header ("bytes=0-99"). No login is needed; the URL is a
// secret and no error shows more of it than scheme and host.
// DownloadShareFile and DownloadShareTo use the same request.
func (s *PublicService) FetchShareDownload(ctx context.Context, downloadURL, rangeHeader string) (*http.Response, error) {
	return s.shareDownloadRequest(ctx, http.MethodGet, downloadURL, rangeHeader)
}

// HeadShareDownload asks for the headers of the content behind a
// public download URL
// (HEAD /api/v4/public/shares/downloads/{access_key}/{token}): its
// length, type and whether ranges are accepted. It does not count as a
// download.
func (s *PublicService) HeadShareDownload(ctx context.Context, downloadURL string) (http.Header, error) {
	return s.client.headTransferURL(ctx, downloadURL)
}

// shareDownloadRequest sends method to a public download URL without the
// bearer token.
func (s *PublicService) shareDownloadRequest(ctx context.Context, method, downloadURL, rangeHeader string) (*http.Response, error) {
	u, err := s.client.resolveTransferURL(downloadURL)
	if err != nil {
		return nil, err
	}
	var h http.Header
	if rangeHeader != "" {
		h = http.Header{"Range": {rangeHeader}}
	}
	return s.client.rawRequest(ctx, method, u, nil, 0, h)
}
