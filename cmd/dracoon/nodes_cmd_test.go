package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// seedTree creates /Projects with a folder, two files and a sub-room, and
// an empty room /Archive.
func seedTree(t *testing.T, h *harness) (projects int64) {
	t.Helper()
	s := h.srv
	projects = must[int64](t)(s.CreateRoom("Projects", nil))
	must[int64](t)(s.CreateRoom("Archive", nil))
	docs := must[int64](t)(s.CreateFolder(projects, "Docs"))
	must[int64](t)(s.CreateFile(projects, "notes.txt", []byte("hello"), nil))
	must[int64](t)(s.CreateFile(projects, "video.bin", nil, &dracoontest.FileOptions{Size: 3 << 20}))
	must[int64](t)(s.CreateFile(docs, "plan.txt", []byte("plan"), nil))
	must[int64](t)(s.CreateRoom("Team", &dracoontest.RoomOptions{ParentID: projects}))
	return projects
}

func TestLs(t *testing.T) {
	h := newHarness(t)
	seedTree(t, h)
	// A room only bob administers: the admin sees it with --managed only.
	bob := must[int64](t)(h.srv.AddUser("bob", "Bob-Pa55-word!x"))
	must[int64](t)(h.srv.CreateRoom("Hidden", &dracoontest.RoomOptions{AdminIDs: []int64{bob}}))
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"ls_root.txt", []string{"ls", h.target("/")}},
		{"ls_long_human.txt", []string{"ls", "-l", "-r", h.target("/Projects/")}},
		{"ls_long.txt", []string{"ls", "--long", "--all", h.target("/Projects")}},
		{"ls_search.txt", []string{"ls", "-l", h.target("/Projects/*.txt")}},
		{"ls_filter.txt", []string{"ls", "--filter", "type:eq:file", h.target("/Projects")}},
		{"ls_file.txt", []string{"ls", "-l", h.target("/Projects/Docs/plan.txt")}},
		{"ls_managed.txt", []string{"ls", "--managed", h.target("/")}},
		{"ls.json", []string{"ls", "--json", h.target("/Projects/Docs/")}},
	} {
		golden(t, tc.golden, h.normalize(h.ok(tc.args...)))
	}
}

func TestLsFirstPageAndAll(t *testing.T) {
	h := newHarness(t)
	big := must[int64](t)(h.srv.CreateRoom("Big", nil))
	for i := range 503 {
		must[int64](t)(h.srv.CreateFolder(big, fmt.Sprintf("f%03d", i)))
	}
	r := h.run("ls", h.target("/Big"))
	if r.code != 0 || strings.Count(r.stdout, "\n") != 500 || r.stderr != "showing 500 of 503 entries; use --all for all\n" {
		t.Fatalf("first page: exit %d, %d lines, stderr %q", r.code, strings.Count(r.stdout, "\n"), r.stderr)
	}
	out := h.ok("ls", "--all", h.target("/Big"))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 503 || lines[0] != "f000/" || lines[502] != "f502/" {
		t.Fatalf("--all: %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	if r := h.run("ls", "-q", h.target("/Big")); r.stderr != "" {
		t.Errorf("--quiet still notes truncation: %q", r.stderr)
	}
}

func TestMkdirMkroom(t *testing.T) {
	h := newHarness(t)
	seedTree(t, h)
	must[int64](t)(h.srv.AddUser("alice", "Alice-Pa55-word!"))
	golden(t, "mkdir.txt", h.normalize(h.ok("mkdir", h.target("/Projects/Docs/2026"))))
	golden(t, "mkroom.json", h.normalize(h.ok("mkroom", "--json", "-a", "admin", "-a", "alice", "--classification", "3", h.target("/Clients"))))
	h.ok("mkroom", "--inherit-permissions", h.target("/Projects/Inherited"))
	enc := h.ok("mkroom", "--encrypted", "--json", h.target("/Secret"))
	if !strings.Contains(enc, `"isEncrypted": true`) {
		t.Errorf("--encrypted room is not encrypted:\n%s", enc)
	}
	golden(t, "after_mk.txt", h.normalize(h.ok("ls", "-l", h.target("/Projects/"))))
	// One clear line each for a conflict, an unknown parent, a bad use.
	h.fails(exitFailure, []string{"create folder /Projects/Docs/2026", "409"}, "mkdir", h.target("/Projects/Docs/2026"))
	h.fails(exitFailure, []string{`no node named "Nope"`}, "mkdir", h.target("/Nope/x"))
	h.fails(exitUsage, []string{"use mkroom"}, "mkdir", h.target("/TopLevel"))
	h.fails(exitUsage, []string{"no parent to inherit"}, "mkroom", "--inherit-permissions", h.target("/Top"))
	h.fails(exitFailure, []string{`no user with user name "nobody"`}, "mkroom", "-a", "nobody", h.target("/X"))
}

func TestRm(t *testing.T) {
	h := newHarness(t)
	seedTree(t, h)
	h.fails(exitUsage, []string{"/Projects/Docs is a folder", "-r"}, "rm", h.target("/Projects/Docs"))
	h.fails(exitUsage, []string{"deleting room /Archive needs --yes"}, "rm", "-r", h.target("/Archive"))
	h.fails(exitFailure, []string{`no node named "missing.txt"`}, "rm", h.target("/Projects/missing.txt"))
	golden(t, "rm_pattern.txt", h.ok("rm", h.target("/Projects/*.txt")))
	golden(t, "rm_room.json", h.normalize(h.ok("rm", "-r", "--yes", "--json", h.target("/Archive"))))
	// A pattern removes content but never rooms; containers need -r.
	h.fails(exitUsage, []string{"/Projects/Docs is a folder"}, "rm", h.target("/Projects/*"))
	h.ok("rm", "-r", h.target("/Projects/*"))
	if out := h.ok("ls", h.target("/Projects")); out != "Team/\n" {
		t.Errorf("after rm -r Projects/*: %q, want only the sub-room", out)
	}
	// With a terminal, a room is deleted only after "y".
	h.term = &fakeTerminal{answers: []string{"n"}}
	h.fails(exitFailure, []string{"room /Projects not deleted"}, "rm", "-r", h.target("/Projects"))
	h.term = &fakeTerminal{answers: []string{"y"}}
	h.ok("rm", "-r", h.target("/Projects"))
	if out := h.ok("ls", h.target("/")); out != "" {
		t.Errorf("rooms left: %q", out)
	}
}

func TestCpMv(t *testing.T) {
	h := newHarness(t)
	seedTree(t, h)
	golden(t, "cp.txt", h.ok("cp", h.target("/Projects/notes.txt"), h.target("/Archive/")))
	h.ok("cp", h.target("/Projects/notes.txt"), h.target("/Archive/renamed.txt"))
	h.ok("cp", h.target("/Projects/notes.txt"), h.target("/Archive")) // clash: autorename
	golden(t, "mv.json", h.normalize(h.ok("mv", "--json", h.target("/Projects/*.bin"), h.target("/Projects/Docs"))))
	golden(t, "after_cp_mv.txt", h.ok("ls", h.target("/Archive/"))+"--\n"+h.ok("ls", h.target("/Projects/Docs/")))
	h.fails(exitUsage, []string{"different instances"}, "cp", h.target("/Projects/notes.txt"), "example.com/Archive")
	h.fails(exitFailure, []string{"nothing matches"}, "mv", h.target("/Projects/*.pdf"), h.target("/Archive"))
	h.fails(exitUsage, []string{"top level"}, "mv", h.target("/Projects/notes.txt"), h.target("/"))
}
