package main

import (
	"context"
	"fmt"

	"github.com/dracoon-go/dracoon"
)

// uploadToShare uploads to a public upload share link. The SDK's upload
// through a share is not in this build yet.
func (a *app) uploadToShare(_ context.Context, _ string, _ target, _ uploadOptions) error {
	return usagef("uploads to public upload share links are not supported yet")
}

// downloadShare downloads the content of a public download share link,
// without logging in: a file, or a ZIP archive for a folder or room. A
// protected or encrypted share's password comes from
// $DRACOON_SHARE_PASSWORD or is asked for. The access key is kept out of
// every message.
func (a *app) downloadShare(ctx context.Context, src target, accessKey, dest string, o downloadOptions) error {
	c, err := a.newClient(src)
	if err != nil {
		return err
	}
	info, err := c.Public.DownloadShare(ctx, accessKey)
	if err != nil {
		return fmt.Errorf("public download share at %s: %w", src.host, err)
	}
	var password string
	if info.IsProtected || info.IsEncrypted {
		if password, err = a.sharePassword(); err != nil {
			return err
		}
	}
	b := a.newBars(ctx, 1, info.Size)
	opts := &dracoon.DownloadOptions{Overwrite: o.overwrite, Progress: b.file(info.FileName, info.Size)}
	if dest == "-" {
		if info.IsEncrypted {
			a.noteUnverified()
		}
		_, err = c.Public.DownloadShareTo(ctx, accessKey, password, a.stdout, opts)
		b.wait()
		return err
	}
	path, err := c.Public.DownloadShareFile(ctx, accessKey, password, dest, opts)
	b.wait()
	if err != nil {
		return downloadError(err)
	}
	return a.downloaded([]string{path})
}
