package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// uploadOptions are the options of upload.
type uploadOptions struct {
	recursive, overwrite, keepShareLinks, share bool
}

// resolution returns the resolution strategy the flags ask for.
func resolution(overwrite bool) string {
	if overwrite {
		return dracoon.ResolutionOverwrite
	}
	return dracoon.ResolutionAutorename
}

// checkKeepShareLinks refuses --keep-share-links without --overwrite.
func checkKeepShareLinks(overwrite, keep bool) error {
	if keep && !overwrite {
		return usagef("--keep-share-links only applies with --overwrite")
	}
	return nil
}

// uploadCmd uploads a file, a folder (-r) or stdin (-).
func (a *app) uploadCmd() *cobra.Command {
	var o uploadOptions
	cmd := &cobra.Command{
		Use:   "upload SOURCE TARGET",
		Short: "Upload a file, a folder (-r) or stdin (-) to a room or folder",
		Long: "upload sends SOURCE, a local file, a local folder with -r (relative or absolute path) or - for stdin, " +
			"to TARGET. When TARGET is an existing room or folder the file keeps its name; otherwise TARGET's last name " +
			"is the new file's name (stdin needs one). A name clash gets an automatic new name, \"name (1)\", unless " +
			"--overwrite. Into an encrypted room the content is encrypted on this machine with the key pair unlocked by " +
			"the encryption password ($" + envEncryptionPassword + ", stored, or asked). --share creates a download " +
			"share of the upload and prints its link.",
		Args: exactArgs("SOURCE", "TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.upload(cmd.Context(), args[0], args[1], o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.recursive, "recursive", "r", false, "upload a folder with everything in it")
	f.BoolVar(&o.overwrite, "overwrite", false, "replace a file of the same name")
	f.BoolVar(&o.keepShareLinks, "keep-share-links", false, "keep the share links of an overwritten file (with --overwrite)")
	f.BoolVar(&o.share, "share", false, "create a download share of the upload and print its link")
	return cmd
}

// uploaded is the result of an upload, for --json.
type uploaded struct {
	Uploaded nodeRef    `json:"uploaded"`
	Share    *shareLink `json:"share,omitempty"`
}

// upload uploads src to the target dstArg.
func (a *app) upload(ctx context.Context, src, dstArg string, o uploadOptions) error {
	dst, err := parseTarget(dstArg)
	if err != nil {
		return err
	}
	if err := checkKeepShareLinks(o.overwrite, o.keepShareLinks); err != nil {
		return err
	}
	if _, _, ok := publicLink(dst); ok {
		return a.uploadToShare(ctx, src, dst, o)
	}
	if dst.pattern != "" {
		return usagef("the target %s cannot be a search", dst.display())
	}
	var st os.FileInfo
	if src != "-" {
		if st, err = os.Stat(src); err != nil {
			return fmt.Errorf("upload: %w", err)
		}
		if st.IsDir() && !o.recursive {
			return usagef("%s is a folder; upload it with -r", src)
		}
	}
	c, err := a.connect(ctx, dst)
	if err != nil {
		return err
	}
	parent, parentPath, name, err := uploadDestination(ctx, c, dst)
	if err != nil {
		return err
	}
	switch {
	case st != nil && st.IsDir() && name != "":
		return usagef("a folder keeps its name; TARGET must be an existing room or folder")
	case src == "-" && name == "":
		return usagef("stdin has no name: write the file's name at the end of TARGET, e.g. %s/data.bin", dst.display())
	}
	if parent.IsEncrypted {
		if err := a.unlock(ctx, c, dst); err != nil {
			return err
		}
	}
	uo := dracoon.UploadOptions{Name: name, ResolutionStrategy: resolution(o.overwrite), KeepShareLinks: o.keepShareLinks}
	var n *dracoon.Node
	switch {
	case src == "-":
		b := a.newBars(ctx, 1, -1)
		uo.Progress = b.file(name, -1)
		n, err = c.Transfers.UploadStream(ctx, a.stdin, dracoon.NodeID(parent.ID), &uo)
		b.wait()
	case st.IsDir():
		b := a.newBars(ctx, 1, -1)
		fo := dracoon.FolderOptions{Upload: uo, Progress: b.file(filepath.Base(filepath.Clean(src))+"/", -1)}
		n, err = c.Transfers.UploadFolder(ctx, src, dracoon.NodeID(parent.ID), &fo)
		b.wait()
	default:
		b := a.newBars(ctx, 1, st.Size())
		uo.Progress = b.file(cmpOr(name, filepath.Base(src)), st.Size())
		n, err = c.Transfers.UploadFile(ctx, src, dracoon.NodeID(parent.ID), &uo)
		b.wait()
	}
	if src == "-" {
		src = "stdin"
	}
	if n == nil {
		return fmt.Errorf("upload %s to %s: %w", src, parentPath, err)
	}
	ref := refOf(*n, parentPath)
	if err != nil {
		// stored, but the keys of other room members could not be made
		return fmt.Errorf("uploaded %s to %s, but: %w", src, ref.Path, err)
	}
	res := uploaded{Uploaded: ref}
	if o.share {
		if res.Share, err = a.createShare(ctx, c, dst, n, shareSettings{}); err != nil {
			return fmt.Errorf("uploaded %s to %s, but the share: %w", src, ref.Path, err)
		}
	}
	if a.jsonOut {
		return a.emitJSON(res)
	}
	a.infof("uploaded %s to %s", src, ref.Path)
	if res.Share != nil {
		a.printLink(res.Share)
	}
	return nil
}

// cmpOr returns the first non-empty string.
func cmpOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// uploadDestination resolves an upload's target: an existing room or
// folder (name ""), an existing file (its parent and name, for
// --overwrite or an automatic new name), or a new name in an existing
// room or folder.
func uploadDestination(ctx context.Context, c *dracoon.Client, dst target) (parent *dracoon.Node, parentPath, name string, err error) {
	if dst.isRoot() {
		return nil, "", "", usagef("files cannot be uploaded to the top level; name a room")
	}
	n, err := c.Nodes.Resolve(ctx, dst.path)
	switch {
	case err == nil && n.Type != dracoon.NodeTypeFile:
		return n, dst.path, "", nil
	case err == nil && dst.container:
		return nil, "", "", usagef("%s is a file, not a room or folder", dst.path)
	case err != nil && (!isNotFound(err) || dst.container):
		return nil, "", "", err
	}
	parentPath, name = dst.parent()
	if parentPath == "/" {
		return nil, "", "", usagef("files cannot be uploaded to the top level; name a room")
	}
	p, err := c.Nodes.Resolve(ctx, parentPath)
	if err != nil {
		return nil, "", "", err
	}
	if p.Type == dracoon.NodeTypeFile {
		return nil, "", "", usagef("%s is a file, not a room or folder", parentPath)
	}
	return p, parentPath, name, nil
}

// publicLink reports whether t is a public share link,
// host/public/download-shares/KEY or host/public/upload-shares/KEY (an
// upload link may name the file: .../KEY/name), and returns its kind
// ("download-shares" or "upload-shares") and access key.
func publicLink(t target) (kind, accessKey string, ok bool) {
	kind, accessKey, _ = publicLinkParts(t)
	return kind, accessKey, kind != ""
}

// publicLinkParts splits a public share link into kind, access key and
// the file name after an upload link's key; kind is "" for other
// targets.
func publicLinkParts(t target) (kind, accessKey, name string) {
	rest, found := strings.CutPrefix(t.path, "/public/")
	if !found || t.pattern != "" {
		return "", "", ""
	}
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 2 && (parts[0] == "download-shares" || parts[0] == "upload-shares") && parts[1] != "":
		return parts[0], parts[1], ""
	case len(parts) == 3 && parts[0] == "upload-shares" && parts[1] != "" && parts[2] != "":
		return parts[0], parts[1], parts[2]
	}
	return "", "", ""
}
