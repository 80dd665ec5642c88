package dracoon

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// Calls on the token URLs DRACOON hands out (uploadUrl of an upload
// channel, downloadUrl of a download). They need no login: the URL is
// the credential, so no bearer token is sent and errors show only its
// scheme and host.

// DownloadURL asks for a download URL of a file
// (POST /api/v4/nodes/files/{file_id}/downloads) for use by other
// programs; it is a credential until it expires, so keep it secret.
// DownloadFile and Download fetch it themselves.
func (s *TransfersService) DownloadURL(ctx context.Context, fileID int64) (string, error) {
	if err := checkID("file_id", fileID); err != nil {
		return "", err
	}
	u, err := s.client.downloadURL(ctx, fileID)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// HeadDownload asks for the headers of the content behind a download URL
// as DownloadURL handed it out
// (HEAD /api/v4/downloads/{token}): its length, type and whether ranges
// are accepted.
func (s *TransfersService) HeadDownload(ctx context.Context, downloadURL string) (http.Header, error) {
	return s.client.headTransferURL(ctx, downloadURL)
}

// CancelUploadURL deletes an upload channel through its upload URL
// (DELETE /api/v4/uploads/{token}), for a channel opened outside this
// client's Upload methods (which cancel their own channels).
func (s *TransfersService) CancelUploadURL(ctx context.Context, uploadURL string) error {
	u, err := s.client.resolveTransferURL(uploadURL)
	if err != nil {
		return err
	}
	resp, err := s.client.rawRequest(ctx, http.MethodDelete, u, nil, 0, nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// DownloadAvatar writes the image of a user's avatar to w and returns its
// media type (GET /api/v4/downloads/avatar/{user_id}/{uuid}); the UUID is
// UserInfo.AvatarUUID. No login is needed. At most 16 MiB are copied; a
// longer answer is ErrInvalidResponse.
func (s *UsersService) DownloadAvatar(ctx context.Context, userID int64, uuid string, w io.Writer) (string, error) {
	if err := firstError(checkID("user_id", userID), checkPathSegment("uuid", uuid)); err != nil {
		return "", err
	}
	u := *s.client.base
	u.Path = s.client.base.Path + idPath("/api/v4/downloads/avatar", userID, "/"+uuid)
	resp, err := s.client.rawRequest(ctx, http.MethodGet, &u, nil, 0, nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, io.LimitReader(resp.Body, maxAvatarImage+1))
	if err != nil {
		return "", &RequestError{Method: http.MethodGet, URL: shownURL(&u), Err: err}
	}
	if n > maxAvatarImage {
		return "", &ResponseError{Method: http.MethodGet, URL: shownURL(&u), StatusCode: resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"), Err: fmt.Errorf("avatar image larger than %d bytes: %w", maxAvatarImage, ErrInvalidResponse)}
	}
	return resp.Header.Get("Content-Type"), nil
}

// headTransferURL sends HEAD to a token URL and returns the answer's
// headers, with Content-Length set from the response where the server
// sent one.
func (c *Client) headTransferURL(ctx context.Context, raw string) (http.Header, error) {
	u, err := c.resolveTransferURL(raw)
	if err != nil {
		return nil, err
	}
	resp, err := c.rawRequest(ctx, http.MethodHead, u, nil, 0, nil)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	h := resp.Header.Clone()
	if resp.ContentLength >= 0 && h.Get("Content-Length") == "" {
		h.Set("Content-Length", itoa(resp.ContentLength))
	}
	return h, nil
}
