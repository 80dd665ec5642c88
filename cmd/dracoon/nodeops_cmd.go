package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// nodeRef is a node a command acted on, for --json.
type nodeRef struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
	Path string `json:"path"`
}

// refOf describes node n found in the container at parentPath.
func refOf(n dracoon.Node, parentPath string) nodeRef {
	return nodeRef{ID: n.ID, Type: n.Type, Path: strings.TrimSuffix(parentPath, "/") + "/" + n.Name}
}

// sources returns the nodes a target names: the node at its path, or the
// matches of its search pattern (all of them, in one parent).
func sources(ctx context.Context, c *dracoon.Client, t target) ([]dracoon.Node, string, error) {
	if t.pattern != "" {
		nodes, _, err := searchIn(ctx, c, t.path, t.pattern, "", true)
		return nodes, t.path, err
	}
	if t.isRoot() {
		return nil, "", usagef("%s names the top level, not a node", t.display())
	}
	n, err := c.Nodes.Resolve(ctx, t.path)
	if err != nil {
		return nil, "", err
	}
	parentPath, _ := t.parent()
	return []dracoon.Node{*n}, parentPath, nil
}

// rmOptions are the options of rm.
type rmOptions struct {
	recursive, yes bool
}

// rmCmd deletes nodes.
func (a *app) rmCmd() *cobra.Command {
	var o rmOptions
	cmd := &cobra.Command{
		Use:   "rm TARGET",
		Short: "Delete a file, a folder or room (-r), or the matches of a search (host/Room/*.tmp)",
		Long: "rm deletes the node at TARGET. Rooms and folders need -r. A last segment with * deletes the matching " +
			"files and folders in that room or folder, never rooms. Deleting a room asks for confirmation unless --yes " +
			"is given; without a terminal, --yes is required.",
		Args: exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.rm(cmd.Context(), args[0], o)
		},
	}
	cmd.Flags().BoolVarP(&o.recursive, "recursive", "r", false, "delete rooms and folders with their content")
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "delete rooms without asking")
	return cmd
}

// rm deletes the target's nodes after the checks.
func (a *app) rm(ctx context.Context, arg string, o rmOptions) error {
	t, c, err := a.session(ctx, arg)
	if err != nil {
		return err
	}
	nodes, parentPath, err := sources(ctx, c, t)
	if err != nil {
		return err
	}
	var ids []int64
	var refs []nodeRef
	for _, n := range nodes {
		if t.pattern != "" && n.Type == dracoon.NodeTypeRoom {
			continue // a search deletes a room's content, never rooms
		}
		ref := refOf(n, parentPath)
		if n.Type != dracoon.NodeTypeFile && !o.recursive {
			return usagef("%s is a %s: use -r to delete it with its content", ref.Path, n.Type)
		}
		if n.Type == dracoon.NodeTypeRoom && !o.yes {
			if !a.term.Interactive() {
				return usagef("deleting room %s needs --yes when no terminal is attached", ref.Path)
			}
			ok, err := confirm(a.term, fmt.Sprintf("Delete room %s with all its content?", ref.Path))
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("room %s not deleted", ref.Path)
			}
		}
		ids = append(ids, n.ID)
		refs = append(refs, ref)
	}
	if len(ids) > 0 {
		if err := c.Nodes.DeleteMany(ctx, ids); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
	}
	if a.jsonOut {
		if refs == nil {
			refs = []nodeRef{}
		}
		return a.emitJSON(map[string]any{"deleted": refs})
	}
	for _, r := range refs {
		a.infof("deleted %s %s", r.Type, r.Path)
	}
	if len(refs) == 0 {
		a.infof("nothing matched %s", t.display())
	}
	return nil
}

// transferOptions are the options of cp and mv.
type transferOptions struct {
	overwrite, keepShareLinks bool
}

// cpCmd copies nodes.
func (a *app) cpCmd() *cobra.Command {
	return a.transferCmd("cp", "copy", "Copy a node or the matches of a search into a room or folder of the same instance", "copied", (*dracoon.NodesService).CopyTo)
}

// mvCmd moves nodes.
func (a *app) mvCmd() *cobra.Command {
	return a.transferCmd("mv", "move", "Move a node or the matches of a search into a room or folder of the same instance", "moved", (*dracoon.NodesService).MoveTo)
}

// transferFunc is NodesService.CopyTo or MoveTo.
type transferFunc func(*dracoon.NodesService, context.Context, int64, *dracoon.TransferRequest) error

// transferCmd builds cp or mv: SOURCE is a node or a search; TARGET an
// existing room or folder, or a new name in one (single source only).
func (a *app) transferCmd(use, verb, short, done string, op transferFunc) *cobra.Command {
	var o transferOptions
	cmd := &cobra.Command{
		Use:   use + " SOURCE TARGET",
		Short: short,
		Long: short + ". When TARGET is an existing room or folder the nodes keep their names; otherwise TARGET's last " +
			"name is the new name of the single source node. Name clashes get an automatic new name, \"name (1)\", unless --overwrite.",
		Args: exactArgs("SOURCE", "TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.transfer(cmd.Context(), args[0], args[1], verb, done, op, o)
		},
	}
	cmd.Flags().BoolVar(&o.overwrite, "overwrite", false, "replace files of the same name in the target")
	cmd.Flags().BoolVar(&o.keepShareLinks, "keep-share-links", false, "keep the share links of overwritten files")
	return cmd
}

// transfer copies or moves.
func (a *app) transfer(ctx context.Context, srcArg, dstArg, verb, done string, op transferFunc, o transferOptions) error {
	src, err := parseTarget(srcArg)
	if err != nil {
		return err
	}
	dst, err := parseTarget(dstArg)
	if err != nil {
		return err
	}
	if src.base != dst.base {
		return usagef("%s and %s are on different instances; cp and mv work within one", src.host, dst.host)
	}
	if dst.pattern != "" {
		return usagef("the target %s cannot be a search", dst.display())
	}
	c, err := a.connect(ctx, src)
	if err != nil {
		return err
	}
	nodes, parentPath, err := sources(ctx, c, src)
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		return fmt.Errorf("nothing matches %s", src.display())
	}
	targetID, targetPath, newName, err := destination(ctx, c, dst, len(nodes))
	if err != nil {
		return err
	}
	req := dracoon.NewTransferRequest(dracoon.ResolutionAutorename)
	if o.overwrite {
		req.ResolutionStrategy = dracoon.ResolutionOverwrite
	}
	req.KeepShareLinks = o.keepShareLinks
	refs := make([]nodeRef, 0, len(nodes))
	for _, n := range nodes {
		req.Items = append(req.Items, dracoon.TransferItem{ID: n.ID, Name: newName})
		refs = append(refs, refOf(n, parentPath))
	}
	if err := op(c.Nodes, ctx, targetID, req); err != nil {
		return fmt.Errorf("%s to %s: %w", verb, targetPath, err)
	}
	if a.jsonOut {
		return a.emitJSON(map[string]any{done: refs, "target": targetPath})
	}
	for _, r := range refs {
		a.infof("%s %s to %s", done, r.Path, targetPath)
	}
	return nil
}

// isNotFound reports whether DRACOON (or a path lookup) found nothing.
func isNotFound(err error) bool { return errors.Is(err, dracoon.ErrNotFound) }

// destination resolves a cp/mv target: an existing container, or a new
// name in an existing container.
func destination(ctx context.Context, c *dracoon.Client, dst target, count int) (id int64, path, newName string, err error) {
	if dst.isRoot() {
		return 0, "", "", usagef("nodes cannot be copied or moved to the top level")
	}
	n, err := c.Nodes.Resolve(ctx, dst.path)
	switch {
	case err == nil && n.Type != dracoon.NodeTypeFile:
		return n.ID, dst.path, "", nil
	case err == nil:
		return 0, "", "", usagef("%s is a file; the target must be a room or folder", dst.path)
	case !isNotFound(err) || dst.container:
		return 0, "", "", err
	case count > 1:
		return 0, "", "", fmt.Errorf("target %s does not exist; several nodes need an existing room or folder: %w", dst.path, err)
	}
	parentPath, name := dst.parent()
	if parentPath == "/" {
		return 0, "", "", usagef("nodes cannot be copied or moved to the top level")
	}
	pid, err := containerID(ctx, c, parentPath)
	if err != nil {
		return 0, "", "", err
	}
	return pid, parentPath, name, nil
}
