package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// writeFiles creates the files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readFile returns a local file's content, failing the test if absent.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// accessKeyPattern matches the access key in a share link.
var accessKeyPattern = regexp.MustCompile(`(/public/(?:download|upload)-shares/)[A-Za-z0-9_-]+`)

// normalizeShare replaces access keys and the local directory dir.
func (h *harness) normalizeShare(s, dir string) string {
	s = accessKeyPattern.ReplaceAllString(s, "${1}KEY")
	if dir != "" {
		s = strings.ReplaceAll(s, dir, "TMP")
	}
	return h.normalize(s)
}

func TestUploadDownloadPlain(t *testing.T) {
	h := newHarness(t)
	projects := must[int64](t)(h.srv.CreateRoom("Projects", nil))
	team := must[int64](t)(h.srv.CreateRoom("Team", &dracoontest.RoomOptions{ParentID: projects}))
	must[int64](t)(h.srv.CreateFile(team, "room-only.txt", []byte("not downloaded with the folder"), nil))
	dir := t.TempDir()
	t.Chdir(dir)
	writeFiles(t, dir, map[string]string{
		"a.txt": "hello world", "tree/sub/b.txt": "bee", "tree/c.txt": "sea", "tree/d.pdf": "%PDF",
	})
	a := filepath.Join(dir, "a.txt")
	var log strings.Builder
	log.WriteString(h.ok("upload", a, h.target("/Projects")))
	log.WriteString(h.ok("upload", a, h.target("/Projects/"))) // clash: automatic new name
	log.WriteString(h.ok("upload", "--overwrite", "--keep-share-links", a, h.target("/Projects/a.txt")))
	log.WriteString(h.ok("upload", a, h.target("/Projects/renamed.txt")))
	log.WriteString(h.ok("upload", "-r", "tree", h.target("/Projects"))) // a relative path
	h.stdin = "from stdin"
	log.WriteString(h.ok("upload", "-", h.target("/Projects/stdin.txt")))
	h.stdin = ""
	log.WriteString(h.ok("ls", h.target("/Projects/")))
	log.WriteString(h.ok("ls", h.target("/Projects/tree/")))
	golden(t, "upload.txt", h.normalizeShare(log.String(), dir))
	golden(t, "upload.json", h.normalizeShare(h.ok("upload", "--json", a, h.target("/Projects/json.txt")), dir))

	h.fails(exitUsage, []string{"tree is a folder", "-r"}, "upload", "tree", h.target("/Projects"))
	h.fails(exitUsage, []string{"stdin has no name"}, "upload", "-", h.target("/Projects"))
	h.fails(exitUsage, []string{"--keep-share-links only applies with --overwrite"}, "upload", "--keep-share-links", a, h.target("/Projects"))
	h.fails(exitUsage, []string{"top level"}, "upload", a, h.target("/"))
	h.fails(exitFailure, []string{"no such file"}, "upload", filepath.Join(dir, "missing"), h.target("/Projects"))
	h.fails(exitFailure, []string{`no node named "Nope"`}, "upload", a, h.target("/Nope/x.txt"))

	// Downloads: a file, a conflict, --overwrite, stdout, a folder, a search.
	out := t.TempDir()
	h.ok("download", h.target("/Projects/a.txt"), out)
	if got := readFile(t, filepath.Join(out, "a.txt")); got != "hello world" {
		t.Errorf("downloaded a.txt: %q", got)
	}
	h.fails(exitFailure, []string{"a.txt", "destination exists", "--overwrite"}, "download", h.target("/Projects/a.txt"), out)
	h.ok("download", "--overwrite", h.target("/Projects/stdin.txt"), filepath.Join(out, "a.txt"))
	if got := readFile(t, filepath.Join(out, "a.txt")); got != "from stdin" {
		t.Errorf("overwritten a.txt: %q", got)
	}
	if got := h.ok("download", h.target("/Projects/tree/sub/b.txt"), "-"); got != "bee" {
		t.Errorf("download to stdout: %q", got)
	}
	h.fails(exitUsage, []string{"/Projects is a room", "-r"}, "download", h.target("/Projects"), out)
	r := h.run("download", "-r", h.target("/Projects/"), out)
	if r.code != 0 || r.stderr != "note: sub-rooms are not downloaded: /Projects/Team\n" {
		t.Fatalf("download -r: exit %d, stderr %q", r.code, r.stderr)
	}
	golden(t, "download_r.txt", h.normalizeShare(r.stdout, out))
	for name, want := range map[string]string{"Projects/tree/sub/b.txt": "bee", "Projects/tree/c.txt": "sea", "Projects/renamed.txt": "hello world"} {
		if got := readFile(t, filepath.Join(out, name)); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "Projects", "Team")); !os.IsNotExist(err) {
		t.Errorf("the sub-room was downloaded too: %v", err)
	}
	h.fails(exitFailure, []string{"destination exists"}, "download", "-r", h.target("/Projects"), out)
	matches := t.TempDir()
	golden(t, "download_search.json", h.normalizeShare(h.ok("download", "--json", h.target("/Projects/tree/*.*"), matches), matches))
	if got := readFile(t, filepath.Join(matches, "d.pdf")); got != "%PDF" {
		t.Errorf("d.pdf: %q", got)
	}
	h.fails(exitFailure, []string{"no file matches"}, "download", h.target("/Projects/*.doc"), matches)
	h.fails(exitFailure, []string{`no node named "gone.txt"`}, "download", h.target("/Projects/gone.txt"), out)
}

// linkIn returns the first share link in s.
func linkIn(t *testing.T, s string) string {
	t.Helper()
	link := regexp.MustCompile(`http://\S+/public/\S+`).FindString(s)
	if link == "" {
		t.Fatalf("no share link in %q", s)
	}
	return strings.TrimSuffix(strings.TrimSuffix(link, `"`), `",`)
}

func TestShareAndRequest(t *testing.T) {
	h := newHarness(t)
	projects := must[int64](t)(h.srv.CreateRoom("Projects", nil))
	must[int64](t)(h.srv.CreateFile(projects, "notes.txt", []byte("hello"), nil))
	var log strings.Builder
	log.WriteString(h.ok("share", h.target("/Projects/notes.txt")))
	log.WriteString(h.ok("share", "--expire", "2030-01-31", "--max-downloads", "3", h.target("/Projects")))
	golden(t, "share.txt", h.normalizeShare(log.String(), ""))
	// The password comes from the environment, never from the command line.
	env := append(h.env, envSharePassword+"="+testSharePassword)
	r := h.runEnv(env, "share", "--password", "--json", h.target("/Projects/notes.txt"))
	if r.code != 0 {
		t.Fatalf("share --password: %d %s", r.code, r.stderr)
	}
	golden(t, "share_password.json", h.normalizeShare(r.stdout, ""))
	protected := linkIn(t, r.stdout)
	plain := linkIn(t, log.String())
	out := t.TempDir()
	if r := h.runEnv(nil, "download", plain, out); r.code != 0 || readFile(t, filepath.Join(out, "notes.txt")) != "hello" {
		t.Errorf("public download: exit %d, stderr %q", r.code, r.stderr)
	}
	h.fails(exitFailure, []string{"notes.txt", "destination exists"}, "download", plain, out)
	if r := h.runEnv(nil, "download", protected, "-"); r.code != exitUsage || !strings.Contains(r.stderr, envSharePassword) {
		t.Errorf("protected share without password: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := h.runEnv(env, "download", protected, "-"); r.code != 0 || r.stdout != "hello" {
		t.Errorf("protected share: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	h.fails(exitUsage, []string{envSharePassword, "no terminal"}, "share", "--password", h.target("/Projects/notes.txt"))
	h.fails(exitUsage, []string{"--expire", "YYYY-MM-DD"}, "share", "--expire", "soon", h.target("/Projects/notes.txt"))
	// With a terminal the password is asked for.
	h.term = &fakeTerminal{answers: []string{testSharePassword}}
	protectedReq := h.ok("request", "--password", h.target("/Projects"))
	if !strings.Contains(protectedReq, "password-protected share of /Projects") {
		t.Errorf("request --password: %q", protectedReq)
	}
	h.term = nil
	request := h.ok("request", "--expire", "2030-01-31T00:00:00Z", h.target("/Projects/"))
	golden(t, "request.txt", h.normalizeShare(request, ""))
	// Strangers upload through the links, without logging in.
	up := t.TempDir()
	writeFiles(t, up, map[string]string{"report.txt": "from a stranger"})
	if r := h.runEnv(nil, "upload", filepath.Join(up, "report.txt"), linkIn(t, request)); r.code != 0 || !strings.Contains(r.stdout, "as report.txt") {
		t.Errorf("upload through the share: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	h.stdin = "piped by a stranger"
	if r := h.runEnv(env, "upload", "-", linkIn(t, protectedReq)+"/piped.txt"); r.code != 0 {
		t.Errorf("upload from stdin through the protected share: exit %d, stderr %q", r.code, r.stderr)
	}
	h.stdin = ""
	if r := h.runEnv(nil, "upload", filepath.Join(up, "report.txt"), linkIn(t, protectedReq)); r.code != exitUsage || !strings.Contains(r.stderr, envSharePassword) {
		t.Errorf("protected upload share without password: exit %d, stderr %q", r.code, r.stderr)
	}
	h.fails(exitUsage, []string{"single files"}, "upload", "-r", up, linkIn(t, request))
	if got := h.ok("download", h.target("/Projects/piped.txt"), "-") + "|" + h.ok("download", h.target("/Projects/report.txt"), "-"); got != "piped by a stranger|from a stranger" {
		t.Errorf("uploaded through shares: %q", got)
	}
	h.fails(exitFailure, []string{"/Projects/notes.txt is a file"}, "request", h.target("/Projects/notes.txt"))

	// A file of an encrypted room gets an encrypted share, which needs its password.
	encryptedSetup(t, h)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"x.txt": "ex"})
	env = append(h.env, envSharePassword+"="+testSharePassword)
	r = h.runEnv(env, "upload", "--share", filepath.Join(dir, "x.txt"), h.target("/Secret/shared.txt"))
	if r.code != 0 || !strings.Contains(r.stdout, "encrypted password-protected share of /Secret/shared.txt: ") {
		t.Errorf("upload --share: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	h.fails(exitUsage, []string{envSharePassword}, "share", h.target("/Secret/shared.txt"))
	link := linkIn(t, r.stdout)
	// A stranger downloads it with the link and the password, without logging in.
	stranger := []string{envSharePassword + "=" + testSharePassword}
	out = t.TempDir()
	if r := h.runEnv(stranger, "download", link, out); r.code != 0 || readFile(t, filepath.Join(out, "shared.txt")) != "ex" {
		t.Errorf("public download of the encrypted share: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := h.runEnv(stranger, "download", link, "-"); r.code != 0 || r.stdout != "ex" || !strings.Contains(r.stderr, "verified only at its end") {
		t.Errorf("public download to stdout: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = h.runEnv([]string{envSharePassword + "=wrong-Pa55-word"}, "download", link, t.TempDir())
	checkFailure(t, r, exitFailure, []string{"wrong password"}, nil)
	if key := strings.TrimPrefix(link[strings.LastIndex(link, "/"):], "/"); strings.Contains(r.stderr, key) {
		t.Errorf("the access key is in the error: %q", r.stderr)
	}
	h.fails(exitUsage, []string{"only files of an encrypted room"}, "share", h.target("/Secret"))
	if out := h.ok("-q", "share", h.target("/Projects/notes.txt")); !accessKeyPattern.MatchString(out) || strings.Count(out, "\n") != 1 {
		t.Errorf("share -q prints only the link: %q", out)
	}
}

// encryptedSetup gives the admin a key pair and an encrypted room
// /Secret, with the encryption password in the environment.
func encryptedSetup(t *testing.T, h *harness) {
	t.Helper()
	h.env = append(h.env, envEncryptionPassword+"="+testEncryptionPassword)
	h.ok("keypair", "create", "--version", "A", h.target("/"))
	h.ok("mkroom", "--encrypted", h.target("/Secret"))
}

func TestEncryptedRoundTrip(t *testing.T) {
	h := newHarness(t)
	encryptedSetup(t, h)
	dir := t.TempDir()
	content := strings.Repeat("confidential ", 100000) // 1.3 MB
	writeFiles(t, dir, map[string]string{"doc.txt": content, "tree/x.txt": "ex"})
	var bars bytes.Buffer
	h.bars = &bars
	h.ok("upload", filepath.Join(dir, "doc.txt"), h.target("/Secret"))
	h.bars = nil
	if !strings.Contains(bars.String(), "doc.txt") || !strings.Contains(bars.String(), "MiB") {
		t.Errorf("no progress bar for the upload: %q", bars.String())
	}
	h.ok("upload", "-r", filepath.Join(dir, "tree"), h.target("/Secret"))
	h.stdin = "piped secret"
	h.ok("upload", "-", h.target("/Secret/piped.txt"))
	h.stdin = ""
	var ls []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(h.ok("ls", "--json", h.target("/Secret/doc.txt"))), &ls); err != nil || len(ls) != 1 {
		t.Fatalf("ls --json: %v %v", ls, err)
	}
	docID := ls[0].ID
	stored := must[[]byte](t)(h.srv.FileContent(docID))
	if bytes.Contains(stored, []byte("confidential")) {
		t.Fatal("the server holds the plain text of a file in an encrypted room")
	}
	out := t.TempDir()
	h.ok("download", h.target("/Secret/doc.txt"), out)
	if got := readFile(t, filepath.Join(out, "doc.txt")); got != content {
		t.Errorf("decrypted download differs (%d bytes)", len(got))
	}
	h.ok("download", "-r", h.target("/Secret/tree"), out)
	if got := readFile(t, filepath.Join(out, "tree", "x.txt")); got != "ex" {
		t.Errorf("tree/x.txt: %q", got)
	}
	r := h.run("download", h.target("/Secret/piped.txt"), "-")
	if r.code != 0 || r.stdout != "piped secret" || !strings.Contains(r.stderr, "verified only at its end") {
		t.Errorf("download to stdout: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// Tampered content: stdout gets bytes, but the exit code says discard them.
	if err := h.srv.TamperFile(docID, 10); err != nil {
		t.Fatal(err)
	}
	r = h.run("download", h.target("/Secret/doc.txt"), "-")
	if r.code != exitFailure || !strings.Contains(r.stderr, "dracoon: ") {
		t.Errorf("tampered download to stdout: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "again.txt")); err == nil {
		t.Fatal("unexpected file")
	}
	h.fails(exitFailure, []string{"download of file"}, "download", h.target("/Secret/doc.txt"), filepath.Join(out, "again.txt"))
	if _, err := os.Stat(filepath.Join(out, "again.txt")); !os.IsNotExist(err) {
		t.Errorf("a tampered download left a file: %v", err)
	}

	// Without the encryption password and without a terminal: one line naming the variable.
	h.env = h.env[:2]
	h.fails(exitUsage, []string{envEncryptionPassword}, "download", h.target("/Secret/piped.txt"), out)
}

func TestTransferBetweenInstances(t *testing.T) {
	src := newHarness(t)
	dst := newHarness(t)
	encryptedSetup(t, src)
	encryptedSetup(t, dst)
	must[int64](t)(dst.srv.CreateRoom("Plain", nil))
	dir := t.TempDir()
	content := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	writeFiles(t, dir, map[string]string{"big.bin": content})
	src.ok("upload", filepath.Join(dir, "big.bin"), src.target("/Secret"))
	// Both instances share the admin's credentials; src's harness runs it.
	golden(t, "transfer.txt", src.normalize(dst.normalize(src.ok("transfer", src.target("/Secret/big.bin"), dst.target("/Plain/copy.bin")))))
	src.ok("transfer", src.target("/Secret/big.bin"), dst.target("/Secret/"))
	src.ok("transfer", "--overwrite", src.target("/Secret/big.bin"), dst.target("/Secret/big.bin"))
	out := t.TempDir()
	dst.ok("download", dst.target("/Plain/copy.bin"), out)
	dst.ok("download", dst.target("/Secret/big.bin"), out)
	for _, name := range []string{"copy.bin", "big.bin"} {
		if got := readFile(t, filepath.Join(out, name)); got != content {
			t.Errorf("%s differs after the transfer", name)
		}
	}
	if got := dst.ok("ls", dst.target("/Secret/")); got != "big.bin\n" {
		t.Errorf("--overwrite made a second file: %q", got)
	}
	src.fails(exitUsage, []string{"--keep-share-links only applies with --overwrite"}, "transfer", "--keep-share-links", src.target("/Secret/big.bin"), dst.target("/Plain"))
	src.fails(exitUsage, []string{"transfer copies files"}, "transfer", src.target("/Secret"), dst.target("/Plain"))
	src.fails(exitFailure, []string{`no node named "nope.bin"`}, "transfer", src.target("/Secret/nope.bin"), dst.target("/Plain"))
}

func TestProgressBars(t *testing.T) {
	h := newHarness(t)
	room := must[int64](t)(h.srv.CreateRoom("Media", nil))
	for _, name := range []string{"one.bin", "two.bin", "three.bin"} {
		must[int64](t)(h.srv.CreateFile(room, name, bytes.Repeat([]byte(name), 1<<20/len(name)+1)[:1<<20], nil))
	}
	var bars bytes.Buffer
	h.bars = &bars
	h.ok("download", h.target("/Media/*.bin"), t.TempDir())
	// A total bar and one per file, with sizes. (The rate and the ETA
	// show only while a bar runs, which this fast download may not let a
	// frame see.)
	for _, want := range []string{"total", "3.0 MiB / 3.0 MiB", "one.bin", "1.0 MiB / 1.0 MiB"} {
		if !strings.Contains(bars.String(), want) {
			t.Errorf("bars lack %q:\n%s", want, bars.String())
		}
	}
	// A stream of unknown length gets its total at the end.
	bars.Reset()
	h.stdin = strings.Repeat("s", 3000)
	h.ok("upload", "-", h.target("/Media/stream.txt"))
	h.stdin = ""
	if !strings.Contains(bars.String(), "stream.txt") || !strings.Contains(bars.String(), "2.9 KiB / 2.9 KiB") {
		t.Errorf("bar of a stream:\n%s", bars.String())
	}
	for _, args := range [][]string{
		{"-q", "download", h.target("/Media/one.bin"), t.TempDir()},
		{"--json", "download", h.target("/Media/one.bin"), t.TempDir()},
	} {
		bars.Reset()
		h.ok(args...)
		if bars.Len() != 0 {
			t.Errorf("%s drew bars: %q", args[0], bars.String())
		}
	}
	// Without a terminal (and no test writer) nothing is drawn on stderr.
	h.bars = nil
	if r := h.run("download", h.target("/Media/two.bin"), t.TempDir()); r.stderr != "" {
		t.Errorf("stderr without a terminal: %q", r.stderr)
	}
}
