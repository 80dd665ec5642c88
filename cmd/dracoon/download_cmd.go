package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
)

// filesInFlight is the number of files a multi-file download fetches at
// once.
const filesInFlight = dracoon.DefaultFilesInFlight

// downloadOptions are the options of download.
type downloadOptions struct {
	recursive, overwrite bool
}

// downloadCmd downloads a file, a container (-r), the matches of a search
// or a public download share.
func (a *app) downloadCmd() *cobra.Command {
	var o downloadOptions
	cmd := &cobra.Command{
		Use:   "download SOURCE [DEST]",
		Short: "Download a file, a room or folder (-r) or the files matching a search (host/Room/*.pdf)",
		Long: "download fetches SOURCE into DEST (default: the current directory). A file goes to DEST, or into it when " +
			"DEST is a directory; - writes it to stdout. A room or folder needs -r and becomes a directory of the same " +
			"name in DEST, with its folders but without sub-rooms. A last segment with * downloads the matching files " +
			"into the directory DEST. Existing local files are kept (the download fails) unless --overwrite. Files land " +
			"under their names only once complete and, when encrypted, verified; with - the content is verified only at " +
			"the end, and dracoon exits with 1 when it was altered.",
		Args: argRange(1, 2, "SOURCE [DEST]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dest := "."
			if len(args) == 2 {
				dest = args[1]
			}
			return a.download(cmd.Context(), args[0], dest, o)
		},
	}
	cmd.Flags().BoolVarP(&o.recursive, "recursive", "r", false, "download a room or folder with its folders (no sub-rooms)")
	cmd.Flags().BoolVar(&o.overwrite, "overwrite", false, "replace existing local files")
	return cmd
}

// fileJob is one file of a multi-file download.
type fileJob struct {
	node dracoon.Node
	dir  string // local directory
}

// download fetches the source srcArg to dest.
func (a *app) download(ctx context.Context, srcArg, dest string, o downloadOptions) error {
	src, err := parseTarget(srcArg)
	if err != nil {
		return err
	}
	if kind, key, ok := publicLink(src); ok {
		if kind != "download-shares" {
			return usagef("an upload share link takes uploads; download from a download share link")
		}
		return a.downloadShare(ctx, src, key, dest, o)
	}
	if src.isRoot() {
		return usagef("%s names the top level; download a room with -r", src.display())
	}
	c, err := a.connect(ctx, src)
	if err != nil {
		return err
	}
	if src.pattern != "" {
		return a.downloadMatches(ctx, c, src, dest, o)
	}
	n, err := c.Nodes.Resolve(ctx, src.path)
	if err != nil {
		return err
	}
	switch {
	case n.Type != dracoon.NodeTypeFile && !o.recursive:
		return usagef("%s is a %s; download it with -r", src.path, n.Type)
	case n.Type != dracoon.NodeTypeFile && dest == "-":
		return usagef("only a file can be written to stdout")
	}
	if n.IsEncrypted {
		if err := a.unlock(ctx, c, src); err != nil {
			return err
		}
	}
	switch {
	case n.Type != dracoon.NodeTypeFile:
		return a.downloadTree(ctx, c, n, dest, o)
	case dest == "-":
		return a.downloadToStdout(ctx, c, n)
	}
	b := a.newBars(ctx, 1, n.Size)
	path, err := c.Transfers.DownloadFile(ctx, dracoon.NodeID(n.ID), dest, &dracoon.DownloadOptions{Overwrite: o.overwrite, Progress: b.file(n.Name, n.Size)})
	b.wait()
	if err != nil {
		return downloadError(err)
	}
	return a.downloaded([]string{path})
}

// downloadError adds the way out to a download that would overwrite a
// file.
func downloadError(err error) error {
	if errors.Is(err, dracoon.ErrFileExists) {
		return fmt.Errorf("%w (use --overwrite to replace it)", err)
	}
	return err
}

// downloaded reports the local files written.
func (a *app) downloaded(paths []string) error {
	if a.jsonOut {
		return a.emitJSON(map[string]any{"downloaded": nonNil(paths)})
	}
	for _, p := range paths {
		a.infof("downloaded %s", p)
	}
	return nil
}

// downloadToStdout writes one file to stdout. Encrypted content is
// authenticated only at its end, which stderr says first.
func (a *app) downloadToStdout(ctx context.Context, c *dracoon.Client, n *dracoon.Node) error {
	if n.IsEncrypted {
		a.noteUnverified()
	}
	b := a.newBars(ctx, 1, n.Size)
	_, err := c.Transfers.Download(ctx, dracoon.NodeID(n.ID), a.stdout, &dracoon.DownloadOptions{Progress: b.file(n.Name, n.Size)})
	b.wait()
	return err
}

// noteSkipped says on stderr which sub-rooms a download left out.
func (a *app) noteSkipped(rooms []string) {
	if len(rooms) > 0 && !a.quiet {
		fmt.Fprintf(a.stderr, "note: sub-rooms are not downloaded: %s\n", strings.Join(rooms, ", "))
	}
}

// noteUnverified says on stderr, before encrypted content goes to
// stdout, that it is authenticated only at its end.
func (a *app) noteUnverified() {
	if !a.quiet {
		fmt.Fprintln(a.stderr, "note: encrypted content is verified only at its end; if dracoon then exits with 1, discard what it wrote")
	}
}

// downloadMatches downloads the files matching a search into the
// directory dest; with -r, matching folders too.
func (a *app) downloadMatches(ctx context.Context, c *dracoon.Client, src target, dest string, o downloadOptions) error {
	if dest == "-" {
		return usagef("a search can only be downloaded into a directory")
	}
	if st, err := os.Stat(dest); err != nil || !st.IsDir() {
		return usagef("%s is not a directory; the files of a search go into one", dest)
	}
	nodes, _, err := searchIn(ctx, c, src.path, src.pattern, "", true)
	if err != nil {
		return err
	}
	var jobs []fileJob
	var dirs, skipped []string
	encrypted := false
	for _, n := range nodes {
		switch {
		case n.Type == dracoon.NodeTypeFile:
			jobs = append(jobs, fileJob{node: n, dir: dest})
		case n.Type == dracoon.NodeTypeFolder && o.recursive:
			if err := listTree(ctx, c, n, dest, &jobs, &dirs, &skipped); err != nil {
				return err
			}
		default:
			continue
		}
		encrypted = encrypted || n.IsEncrypted
	}
	if len(jobs) == 0 && len(dirs) == 0 {
		return fmt.Errorf("no file matches %s", src.display())
	}
	if encrypted {
		if err := a.unlock(ctx, c, src); err != nil {
			return err
		}
	}
	if err := a.fetchAll(ctx, c, dirs, jobs, o.overwrite); err != nil {
		return err
	}
	a.noteSkipped(skipped)
	return nil
}

// downloadTree downloads the room or folder n into a directory of its
// name in dest, with its folders; sub-rooms are left out, as in
// DRACOON Commander.
func (a *app) downloadTree(ctx context.Context, c *dracoon.Client, n *dracoon.Node, dest string, o downloadOptions) error {
	var jobs []fileJob
	var dirs, skipped []string
	if err := listTree(ctx, c, *n, dest, &jobs, &dirs, &skipped); err != nil {
		return err
	}
	if err := a.fetchAll(ctx, c, dirs, jobs, o.overwrite); err != nil {
		return err
	}
	a.noteSkipped(skipped)
	return nil
}

// listTree adds the container n as a directory under dir and, below it,
// its folders and files; rooms inside are skipped and added to skipped.
// Every name is checked to be a safe local file name.
func listTree(ctx context.Context, c *dracoon.Client, n dracoon.Node, dir string, jobs *[]fileJob, dirs, skipped *[]string) error {
	if err := dracoon.SafeLocalName(n.Name); err != nil {
		return fmt.Errorf("%q: %w", n.Name, err)
	}
	here := filepath.Join(dir, n.Name)
	*dirs = append(*dirs, here)
	for child, err := range c.Nodes.All(ctx, n.ID, nil) {
		if err != nil {
			return err
		}
		switch child.Type {
		case dracoon.NodeTypeFile:
			if err := dracoon.SafeLocalName(child.Name); err != nil {
				return fmt.Errorf("%q: %w", child.Name, err)
			}
			*jobs = append(*jobs, fileJob{node: child, dir: here})
		case dracoon.NodeTypeFolder:
			if err := listTree(ctx, c, child, here, jobs, dirs, skipped); err != nil {
				return err
			}
		default:
			*skipped = append(*skipped, strings.TrimSuffix(child.ParentPath, "/")+"/"+child.Name)
		}
	}
	return nil
}

// fetchAll creates dirs and downloads the files, several at a time, with
// a bar per file and one for the total. Before anything is fetched it
// refuses existing local files unless overwrite.
func (a *app) fetchAll(ctx context.Context, c *dracoon.Client, dirs []string, jobs []fileJob, overwrite bool) error {
	var total int64
	paths := make([]string, len(jobs))
	for i, j := range jobs {
		paths[i] = filepath.Join(j.dir, j.node.Name)
		total += j.node.Size
		if _, err := os.Lstat(paths[i]); err == nil && !overwrite {
			return downloadError(fmt.Errorf("download to %s: %w", paths[i], dracoon.ErrFileExists))
		}
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("download: %w", err)
		}
	}
	b := a.newBars(ctx, len(jobs), total)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(filesInFlight)
	for i, j := range jobs {
		opts := &dracoon.DownloadOptions{Overwrite: overwrite, Progress: b.file(j.node.Name, j.node.Size)}
		g.Go(func() error {
			_, err := c.Transfers.DownloadFile(gctx, dracoon.NodeID(j.node.ID), paths[i], opts)
			return err
		})
	}
	err := g.Wait()
	b.wait()
	if err != nil {
		return downloadError(err)
	}
	return a.downloaded(paths)
}
