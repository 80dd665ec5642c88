package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// errUploadEnded tells the download side of a transfer that the upload
// stopped reading.
var errUploadEnded = errors.New("the upload ended")

// instanceTransferCmd copies a file from one instance to another.
func (a *app) instanceTransferCmd() *cobra.Command {
	var overwrite, keepShareLinks bool
	cmd := &cobra.Command{
		Use:   "transfer SOURCE TARGET",
		Short: "Copy a file from one DRACOON instance to another, streamed",
		Long: "transfer copies the file SOURCE to TARGET, usually on another instance (log in to both, e.g. with " +
			"stored refresh tokens). The content streams from the download into the upload; no copy is kept on disk. " +
			"TARGET is a room or folder, or a new name in one; a name clash gets an automatic new name unless " +
			"--overwrite. Encrypted files are decrypted and, into an encrypted room, encrypted again; the upload is " +
			"completed only after the download was verified.",
		Args: exactArgs("SOURCE", "TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkKeepShareLinks(overwrite, keepShareLinks); err != nil {
				return err
			}
			uo := dracoon.UploadOptions{ResolutionStrategy: resolution(overwrite), KeepShareLinks: keepShareLinks}
			return a.transferFile(cmd.Context(), args[0], args[1], uo)
		},
	}
	cmd.Flags().BoolVar(&overwrite, "overwrite", false, "replace a file of the same name in the target")
	cmd.Flags().BoolVar(&keepShareLinks, "keep-share-links", false, "keep the share links of an overwritten file (with --overwrite)")
	return cmd
}

// transferFile streams the file srcArg into dstArg: Download writes into
// a pipe that UploadStream reads.
func (a *app) transferFile(ctx context.Context, srcArg, dstArg string, uo dracoon.UploadOptions) error {
	src, err := parseTarget(srcArg)
	if err != nil {
		return err
	}
	dst, err := parseTarget(dstArg)
	if err != nil {
		return err
	}
	if src.pattern != "" || dst.pattern != "" {
		return usagef("transfer copies one file; searches are not allowed")
	}
	from, err := a.connect(ctx, src)
	if err != nil {
		return err
	}
	n, err := from.Nodes.Resolve(ctx, src.path)
	if err != nil {
		return err
	}
	if n.Type != dracoon.NodeTypeFile {
		return usagef("%s is a %s; transfer copies files", src.path, n.Type)
	}
	to, err := a.connect(ctx, dst)
	if err != nil {
		return err
	}
	parent, parentPath, name, err := uploadDestination(ctx, to, dst)
	if err != nil {
		return err
	}
	uo.Name = cmpOr(name, n.Name)
	if n.IsEncrypted {
		if err := a.unlock(ctx, from, src); err != nil {
			return err
		}
	}
	if parent.IsEncrypted {
		if err := a.unlock(ctx, to, dst); err != nil {
			return err
		}
	}
	b := a.newBars(ctx, 1, n.Size)
	do := &dracoon.DownloadOptions{Progress: b.file(n.Name, n.Size)}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var up *dracoon.Node
	var upErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		up, upErr = to.Transfers.UploadStream(ctx, pr, dracoon.NodeID(parent.ID), &uo)
		pr.CloseWithError(errUploadEnded)
		if upErr != nil {
			cancel()
		}
	})
	_, dlErr := from.Transfers.Download(ctx, dracoon.NodeID(n.ID), pw, do)
	pw.CloseWithError(dlErr) // nil: the upload sees the end
	if dlErr != nil {
		cancel() // the upload channel is cancelled, nothing unverified is stored
	}
	wg.Wait()
	b.wait()
	switch {
	case dlErr != nil && !errors.Is(dlErr, errUploadEnded):
		return fmt.Errorf("download %s: %w", src.display(), dlErr)
	case up == nil:
		return fmt.Errorf("upload to %s: %w", dst.host+parentPath, upErr)
	}
	err = upErr
	ref := refOf(*up, parentPath)
	if err != nil {
		return fmt.Errorf("transferred %s to %s, but: %w", src.display(), ref.Path, err)
	}
	if a.jsonOut {
		return a.emitJSON(map[string]any{"transferred": ref, "target": dst.host})
	}
	a.infof("transferred %s to %s%s", src.display(), dst.host, ref.Path)
	return nil
}
