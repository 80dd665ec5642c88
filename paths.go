package dracoon

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// PathNotFoundError says which segment of a path does not exist. It
// matches ErrNotFound.
type PathNotFoundError struct {
	// Path is the path that was resolved.
	Path string
	// Segment is the first name that was not found, and Parent the path of
	// the container it was looked for in ("/" for the top level).
	Segment string
	Parent  string
	// NotContainer is set when Segment exists but is a file, so the rest
	// of the path cannot be below it.
	NotContainer bool
}

// Error names the missing segment and where it was looked for.
func (e *PathNotFoundError) Error() string {
	if e.NotContainer {
		return fmt.Sprintf("dracoon: resolve %q: %q in %q is a file, not a room or folder", e.Path, e.Segment, e.Parent)
	}
	return fmt.Sprintf("dracoon: resolve %q: no node named %q in %q", e.Path, e.Segment, e.Parent)
}

// Is matches ErrNotFound.
func (e *PathNotFoundError) Is(target error) bool { return target == ErrNotFound }

// splitNodePath splits "/Room/Folder/file.pdf" into its names. A trailing
// slash is allowed; empty names ("//") are not.
func splitNodePath(p string) ([]string, error) {
	trimmed := strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	if trimmed == "" {
		return nil, invalid("path", "%q names no node (the root is not a node)", p)
	}
	segs := strings.Split(trimmed, "/")
	for i, s := range segs {
		if s == "" {
			return nil, invalid("path", "%q has an empty name at position %d", p, i+1)
		}
	}
	return segs, nil
}

// parentPathOf returns DRACOON's parentPath for the node at segs[i]:
// "/" for a top-level room, "/Room/Folder/" below.
func parentPathOf(segs []string, i int) string {
	if i == 0 {
		return "/"
	}
	return "/" + strings.Join(segs[:i], "/") + "/"
}

// filterSafe reports whether s can be a value in a filter expression, which
// separates fields with '|' and operator and values with ':'.
func filterSafe(s string) bool { return !strings.ContainsAny(s, ":|") }

// Resolve returns the node at a path such as "/Room/Folder/file.pdf".
// Every name must match exactly, in case too: "a.pdf" never resolves to
// "a.pdf.bak" or "A.pdf". When a name is missing the error is a
// *PathNotFoundError naming it, which matches ErrNotFound; a malformed path
// gives an error matching ErrInvalidRequest.
//
// Resolve first asks the search endpoint for the last name below its
// parent path (one request, as other DRACOON clients do) and keeps only an
// exact match; when that finds nothing (or fails) it walks the path from the top,
// listing each container's children with a name filter, and compares
// every name exactly (GET /api/v4/nodes/search, GET /api/v4/nodes).
func (s *NodesService) Resolve(ctx context.Context, path string) (*Node, error) {
	segs, err := splitNodePath(path)
	if err != nil {
		return nil, err
	}
	last := len(segs) - 1
	parentPath := parentPathOf(segs, last)
	if filterSafe(parentPath) && !strings.Contains(segs[last], "*") {
		// A failed search is not the answer: the walk below is
		// authoritative and reports its own errors.
		if n, err := s.searchExact(ctx, segs[last], parentPath, last); err == nil && n != nil {
			return n, nil
		}
	}
	return s.walk(ctx, path, segs)
}

// searchExact searches for name below parentPath and returns the node whose
// name and parent path are exactly those, or nil.
func (s *NodesService) searchExact(ctx context.Context, name, parentPath string, depth int) (*Node, error) {
	opts := &SearchOptions{Query: name, DepthLevel: depth, ListOptions: ListOptions{Filter: "parentPath:eq:" + parentPath}}
	for n, err := range s.SearchAll(ctx, opts) {
		if err != nil {
			return nil, err
		}
		if n.Name == name && n.ParentPath == parentPath {
			return &n, nil
		}
	}
	return nil, nil
}

// walk resolves segs from the top, one container at a time.
func (s *NodesService) walk(ctx context.Context, path string, segs []string) (*Node, error) {
	var parentID int64
	var found *Node
	for i, name := range segs {
		if found != nil && found.Type == NodeTypeFile {
			return nil, &PathNotFoundError{Path: path, Segment: segs[i-1], Parent: parentPathOf(segs, i-1), NotContainer: true}
		}
		child, err := s.childNamed(ctx, parentID, name)
		if err != nil {
			return nil, err
		}
		if child == nil {
			return nil, &PathNotFoundError{Path: path, Segment: name, Parent: parentPathOf(segs, i)}
		}
		found, parentID = child, child.ID
	}
	return found, nil
}

// childNamed returns the child of parentID whose name is exactly name, or
// nil. The server's name filter narrows the list (it may ignore case);
// the comparison here is exact.
func (s *NodesService) childNamed(ctx context.Context, parentID int64, name string) (*Node, error) {
	opts := &ListNodesOptions{}
	if filterSafe(name) {
		opts.Filter = "name:eq:" + name
	}
	for n, err := range s.All(ctx, parentID, opts) {
		if err != nil {
			return nil, fmt.Errorf("dracoon: list children of node %s: %w", strconv.FormatInt(parentID, 10), err)
		}
		if n.Name == name {
			return &n, nil
		}
	}
	return nil, nil
}
