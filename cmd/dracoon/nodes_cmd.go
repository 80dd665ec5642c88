package main

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// timeLayout shows timestamps in tables (UTC).
const timeLayout = "2006-01-02 15:04:05"

// session parses the target, logs in and returns both.
func (a *app) session(ctx context.Context, arg string) (target, *dracoon.Client, error) {
	t, err := parseTarget(arg)
	if err != nil {
		return target{}, nil, err
	}
	c, err := a.connect(ctx, t)
	return t, c, err
}

// containerID returns the id of the room or folder at path; "/" is the
// top level, id 0.
func containerID(ctx context.Context, c *dracoon.Client, path string) (int64, error) {
	if path == "/" {
		return 0, nil
	}
	n, err := c.Nodes.Resolve(ctx, path)
	if err != nil {
		return 0, err
	}
	if n.Type == dracoon.NodeTypeFile {
		return 0, fmt.Errorf("%s is a file, not a room or folder", path)
	}
	return n.ID, nil
}

// searchIn returns the nodes directly in path whose names match the
// pattern ("*" is the wildcard), filtered by filter.
func searchIn(ctx context.Context, c *dracoon.Client, path, pattern, filter string, all bool) ([]dracoon.Node, int64, error) {
	parentID, err := containerID(ctx, c, path)
	if err != nil {
		return nil, 0, err
	}
	opts := &dracoon.SearchOptions{Query: pattern, ParentID: parentID, ListOptions: dracoon.ListOptions{Filter: filter}}
	if all {
		opts.ReadAhead = dracoon.MaxReadAhead
		return collect(c.Nodes.SearchAll(ctx, opts))
	}
	page, err := c.Nodes.Search(ctx, opts)
	if err != nil {
		return nil, 0, err
	}
	return page.Items, page.Range.Total, nil
}

// collect drains an iterator; the total is the number of items.
func collect[T any](seq iter.Seq2[T, error]) ([]T, int64, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, int64(len(out)), nil
}

// lsOptions are the options of ls.
type lsOptions struct {
	long, human, managed, all bool
	filter                    string
}

// lsCmd lists a room or folder, the top level, or a search.
func (a *app) lsCmd() *cobra.Command {
	var o lsOptions
	cmd := &cobra.Command{
		Use:   "ls TARGET",
		Short: "List a room or folder, the top level (host/) or a search (host/room/*.pdf)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.ls(cmd.Context(), args[0], o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.long, "long", "l", false, "show id, type, size, update time and who updated")
	f.BoolVarP(&o.human, "human-readable", "r", false, "show sizes in KiB, MiB, GiB")
	f.BoolVar(&o.managed, "managed", false, "list all top-level rooms as room manager, also those without permissions")
	f.BoolVar(&o.all, "all", false, "list everything, not only the first 500 entries (pages are fetched concurrently)")
	f.StringVar(&o.filter, "filter", "", "DRACOON filter, e.g. type:eq:file or name:cn:report")
	return cmd
}

// ls lists the target.
func (a *app) ls(ctx context.Context, arg string, o lsOptions) error {
	t, c, err := a.session(ctx, arg)
	if err != nil {
		return err
	}
	nodes, total, err := a.listTarget(ctx, c, t, o)
	if err != nil {
		return err
	}
	if total > int64(len(nodes)) && !a.quiet {
		fmt.Fprintf(a.stderr, "showing %d of %d entries; use --all for all\n", len(nodes), total)
	}
	if nodes == nil {
		nodes = []dracoon.Node{}
	}
	tab := &table{}
	if o.long {
		tab.header = []string{"ID", "TYPE", "SIZE", "UPDATED", "UPDATED BY", "NAME"}
	}
	for _, n := range nodes {
		if !o.long {
			tab.add(displayName(n))
			continue
		}
		tab.add(strconv.FormatInt(n.ID, 10), n.Type, formatSize(n.Size, o.human), formatTime(nodeUpdated(n)), updatedBy(n), displayName(n))
	}
	return a.output(nodes, tab, false)
}

// listTarget returns the nodes ls shows and how many there are in all.
func (a *app) listTarget(ctx context.Context, c *dracoon.Client, t target, o lsOptions) ([]dracoon.Node, int64, error) {
	if t.pattern != "" {
		return searchIn(ctx, c, t.path, t.pattern, o.filter, o.all)
	}
	var parentID int64
	if !t.isRoot() {
		n, err := c.Nodes.Resolve(ctx, t.path)
		if err != nil {
			return nil, 0, err
		}
		if n.Type == dracoon.NodeTypeFile {
			if t.container {
				return nil, 0, fmt.Errorf("%s is a file, not a room or folder", t.path)
			}
			return []dracoon.Node{*n}, 1, nil
		}
		parentID = n.ID
	}
	opts := &dracoon.ListNodesOptions{RoomManager: o.managed && parentID == 0, ListOptions: dracoon.ListOptions{Filter: o.filter}}
	if o.all {
		opts.ReadAhead = dracoon.MaxReadAhead
		return collect(c.Nodes.All(ctx, parentID, opts))
	}
	page, err := c.Nodes.List(ctx, parentID, opts)
	if err != nil {
		return nil, 0, err
	}
	return page.Items, page.Range.Total, nil
}

// displayName is a node's name, with a slash after rooms and folders.
func displayName(n dracoon.Node) string {
	if n.Type != dracoon.NodeTypeFile {
		return n.Name + "/"
	}
	return n.Name
}

// nodeUpdated is when a node last changed.
func nodeUpdated(n dracoon.Node) time.Time {
	if !n.UpdatedAt.IsZero() {
		return n.UpdatedAt
	}
	return n.CreatedAt
}

// updatedBy names who last changed a node.
func updatedBy(n dracoon.Node) string {
	u := n.UpdatedBy
	if u == nil {
		u = n.CreatedBy
	}
	if u == nil {
		return "-"
	}
	if u.UserName != "" {
		return u.UserName
	}
	return u.FirstName + " " + u.LastName
}

// formatTime formats a timestamp for tables; zero is "-".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(timeLayout)
}

// formatSize shows a size in bytes, or in binary units with human.
func formatSize(n int64, human bool) string {
	if !human || n < 1024 {
		if human {
			return strconv.FormatInt(n, 10) + " B"
		}
		return strconv.FormatInt(n, 10)
	}
	v := float64(n)
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	u := -1
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[u]
}

// mkdirCmd creates a folder.
func (a *app) mkdirCmd() *cobra.Command {
	var notes string
	cmd := &cobra.Command{
		Use:   "mkdir TARGET",
		Short: "Create a folder in a room or folder (host/Room/new-folder)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			t, err := parseTarget(args[0])
			if err != nil {
				return err
			}
			parentPath, name, err := newNodeName(t)
			if err != nil {
				return err
			}
			if parentPath == "/" {
				return usagef("folders live in rooms: %s names the top level; use mkroom for a room", t.display())
			}
			c, err := a.connect(ctx, t)
			if err != nil {
				return err
			}
			parentID, err := containerID(ctx, c, parentPath)
			if err != nil {
				return err
			}
			n, err := c.Nodes.CreateFolder(ctx, &dracoon.CreateFolderRequest{ParentID: parentID, Name: name, Notes: notes})
			if err != nil {
				return fmt.Errorf("create folder %s: %w", t.path, err)
			}
			return a.created(n, "folder", t.path)
		},
	}
	cmd.Flags().StringVar(&notes, "notes", "", "description of the folder")
	return cmd
}

// newNodeName splits a target naming a node to create.
func newNodeName(t target) (parentPath, name string, err error) {
	if t.pattern != "" {
		return "", "", usagef("%s: a name to create cannot hold *", t.display())
	}
	if t.isRoot() {
		return "", "", usagef("%s names no node to create", t.display())
	}
	parentPath, name = t.parent()
	return parentPath, name, nil
}

// created reports a new node.
func (a *app) created(n *dracoon.Node, kind, path string) error {
	if a.jsonOut {
		return a.emitJSON(n)
	}
	a.infof("created %s %s (id %d)", kind, path, n.ID)
	return nil
}

// mkroomOptions are the options of mkroom.
type mkroomOptions struct {
	admins         []string
	inherit        bool
	classification int
	encrypted      bool
	notes          string
}

// mkroomCmd creates a room.
func (a *app) mkroomCmd() *cobra.Command {
	var o mkroomOptions
	cmd := &cobra.Command{
		Use:   "mkroom TARGET",
		Short: "Create a room at the top level (host/Room) or in a room (host/Room/Sub)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.mkroom(cmd.Context(), args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.admins, "admin", "a", nil, "user name of a room administrator (repeatable; default: you, unless the room inherits permissions)")
	f.BoolVar(&o.inherit, "inherit-permissions", false, "a sub-room takes over its parent's permissions")
	f.IntVar(&o.classification, "classification", 0, "default classification of files: 1 public, 2 internal, 3 confidential, 4 strictly confidential")
	f.BoolVar(&o.encrypted, "encrypted", false, "encrypt the room (client-side encryption)")
	f.StringVar(&o.notes, "notes", "", "description of the room")
	return cmd
}

// mkroom creates the room, names its administrators and encrypts it.
func (a *app) mkroom(ctx context.Context, arg string, o mkroomOptions) error {
	t, err := parseTarget(arg)
	if err != nil {
		return err
	}
	parentPath, name, err := newNodeName(t)
	if err != nil {
		return err
	}
	if o.inherit && parentPath == "/" {
		return usagef("--inherit-permissions: a top-level room has no parent to inherit from")
	}
	c, err := a.connect(ctx, t)
	if err != nil {
		return err
	}
	parentID, err := containerID(ctx, c, parentPath)
	if err != nil {
		return err
	}
	req := &dracoon.CreateRoomRequest{Name: name, ParentID: parentID, Classification: o.classification, Notes: o.notes}
	if parentID != 0 {
		req.InheritPermissions = &o.inherit
	}
	for _, login := range o.admins {
		u, err := userByLogin(ctx, c, login)
		if err != nil {
			return err
		}
		req.AdminIDs = append(req.AdminIDs, u.ID)
	}
	if len(req.AdminIDs) == 0 && !o.inherit {
		me, err := c.Account.Get(ctx)
		if err != nil {
			return err
		}
		req.AdminIDs = []int64{me.ID}
	}
	n, err := c.Rooms.Create(ctx, req)
	if err != nil {
		return fmt.Errorf("create room %s: %w", t.path, err)
	}
	if o.encrypted {
		if n, err = c.Rooms.Encrypt(ctx, n.ID, &dracoon.EncryptRoomRequest{IsEncrypted: true}); err != nil {
			return fmt.Errorf("encrypt room %s (it was created unencrypted): %w", t.path, err)
		}
	}
	return a.created(n, "room", t.path)
}
