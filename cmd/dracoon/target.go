package main

import (
	"net"
	"net/url"
	"strings"
)

// target is a parsed command-line target: an instance and a node path.
type target struct {
	// base is the instance's base URL, "https://host[:port]".
	base string
	// host is base's host[:port], the key of stored credentials.
	host string
	// path is the node path without trailing slash, "/Room/folder"; "/"
	// is the root.
	path string
	// container is set when the target ends with a slash.
	container bool
	// pattern is a last segment holding "*": the target is a search for
	// it in path.
	pattern string
}

// parseTarget parses "host/path" (https assumed) or a full URL such as
// "http://127.0.0.1:8080/Room/folder/". Plain http is accepted only for
// loopback hosts; a trailing slash names a container; a last segment with
// "*" is a search within its parent.
func parseTarget(s string) (target, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return target{}, usagef("empty target: write host/path, e.g. dracoon.example.com/Room/folder")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, usagef("target %q is not a host/path or URL", s)
	}
	switch {
	case u.User != nil:
		return target{}, usagef("target %q: credentials in the target are not allowed; use the environment", u.Redacted())
	case u.Scheme != "https" && u.Scheme != "http":
		return target{}, usagef("target %q: scheme must be https", s)
	case u.Hostname() == "":
		return target{}, usagef("target %q names no host", s)
	case u.RawQuery != "" || u.Fragment != "":
		return target{}, usagef("target %q: query and fragment are not allowed", s)
	case u.Scheme == "http" && !loopbackHost(u.Hostname()):
		return target{}, usagef("target %q: plain http is only allowed for loopback hosts; use https", s)
	}
	t := target{base: u.Scheme + "://" + u.Host, host: u.Host}
	p := u.Path
	t.container = strings.HasSuffix(p, "/") || p == ""
	p = strings.Trim(p, "/")
	if strings.Contains(p, "//") {
		return target{}, usagef("target %q has an empty name in its path", s)
	}
	if p == "" {
		t.path = "/"
		return t, nil
	}
	segs := strings.Split(p, "/")
	if last := segs[len(segs)-1]; strings.Contains(last, "*") {
		t.pattern = last
		segs = segs[:len(segs)-1]
	}
	t.path = "/" + strings.Join(segs, "/")
	return t, nil
}

// isRoot reports whether the target is the top level (no node).
func (t target) isRoot() bool { return t.path == "/" && t.pattern == "" }

// parent splits the path into the parent's path and the last name, for
// commands that create or name a node.
func (t target) parent() (parentPath, name string) {
	i := strings.LastIndex(t.path, "/")
	parentPath, name = t.path[:i], t.path[i+1:]
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath, name
}

// display is the target as the user would write it.
func (t target) display() string {
	s := t.host + t.path
	if t.pattern != "" {
		s = strings.TrimSuffix(s, "/") + "/" + t.pattern
	}
	return s
}

// loopbackHost reports whether host is localhost or a loopback address.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
