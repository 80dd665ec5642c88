package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dracoon-go/dracoon"
)

// uploadToShare uploads a file or stdin through a public upload share
// link, without logging in. The file keeps its name unless the link is
// followed by one (host/public/upload-shares/KEY/name.txt), which stdin
// needs. A protected share's password comes from $DRACOON_SHARE_PASSWORD
// or is asked for. The access key is kept out of every message.
func (a *app) uploadToShare(ctx context.Context, src string, dst target, o uploadOptions) error {
	_, accessKey, name := publicLinkParts(dst)
	switch {
	case o.recursive || o.overwrite || o.share:
		return usagef("an upload share takes single files: -r, --overwrite and --share do not apply")
	case src == "-" && name == "":
		return usagef("stdin has no name: add one to the link, e.g. .../upload-shares/KEY/data.bin")
	}
	var size int64 = -1
	if src != "-" {
		st, err := os.Stat(src)
		if err != nil {
			return fmt.Errorf("upload: %w", err)
		}
		if !st.Mode().IsRegular() {
			return usagef("%s is not a file; an upload share takes single files", src)
		}
		size = st.Size()
		name = cmpOr(name, filepath.Base(src))
	}
	c, err := a.newClient(dst)
	if err != nil {
		return err
	}
	info, err := c.Public.UploadShare(ctx, accessKey, "")
	if err != nil {
		return fmt.Errorf("public upload share at %s: %w", dst.host, err)
	}
	var password string
	if info.IsProtected {
		if password, err = a.sharePassword(); err != nil {
			return err
		}
	}
	b := a.newBars(ctx, 1, size)
	opts := &dracoon.ShareUploadOptions{Name: name, Progress: b.file(name, size)}
	var up *dracoon.PublicUploadedFile
	if src == "-" {
		up, err = c.Public.UploadStreamToShare(ctx, accessKey, password, a.stdin, opts)
	} else {
		up, err = c.Public.UploadFileToShare(ctx, accessKey, password, src, opts)
	}
	b.wait()
	if src == "-" {
		src = "stdin"
	}
	if err != nil {
		return fmt.Errorf("upload %s through the share at %s: %w", src, dst.host, err)
	}
	if a.jsonOut {
		return a.emitJSON(map[string]any{"uploaded": up})
	}
	a.infof("uploaded %s through the upload share at %s as %s", src, dst.host, up.Name)
	return nil
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
