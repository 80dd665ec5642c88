package dracoon

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// The public transfer flows against the contract-checked emulator: a
// client that never logs in downloads from download shares and uploads
// through upload shares, with the transfer code of the logged-in flows.

// secretPathRecorder remembers every path segment that follows a public
// share prefix on the server side (access keys, download tokens, upload
// ids), so tests can check that none reaches an error or a log record.
type secretPathRecorder struct {
	mu   sync.Mutex
	segs map[string]bool
	// deletes counts DELETE requests on public upload channels.
	deletes int
	// presigned counts requests to presigned object store URLs.
	presigned int
}

// middleware records the secrets of each request.
func (r *secretPathRecorder) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		next.ServeHTTP(w, req)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.segs == nil {
			r.segs = map[string]bool{}
		}
		if strings.HasPrefix(req.URL.Path, "/s3/") && req.URL.RawQuery != "" {
			r.segs[req.URL.RawQuery] = true // a presigned part URL's signature
			r.presigned++
		}
		for _, prefix := range []string{"/api/v4/public/shares/downloads/", "/api/v4/public/shares/uploads/"} {
			rest, ok := strings.CutPrefix(req.URL.Path, prefix)
			if !ok {
				continue
			}
			for _, s := range strings.Split(rest, "/") {
				if len(s) >= 8 && s != "s3_urls" {
					r.segs[s] = true
				}
			}
			if req.Method == http.MethodDelete && prefix == "/api/v4/public/shares/uploads/" {
				r.deletes++
			}
		}
	})
}

// secrets returns the recorded segments.
func (r *secretPathRecorder) secrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for s := range r.segs {
		out = append(out, s)
	}
	return out
}

// deleted returns the number of channel deletions seen.
func (r *secretPathRecorder) deleted() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deletes
}

// noSecrets fails when any secret appears in text.
func noSecrets(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains a secret (%d characters)", what, len(s))
		}
	}
}

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// anonClient returns a client that never logs in, logging at debug level
// into logs.
func anonClient(t *testing.T, srv *dracoontest.Server, logs *testutil.SyncBuffer) *Client {
	t.Helper()
	return emulatorClient(t, srv, WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
}

func TestEmulatorPublicDownloadShareRoundTrip(t *testing.T) {
	rec := &secretPathRecorder{}
	w := newTransferWorld(t, false, dracoontest.WithMiddleware(rec.middleware))
	ctx := context.Background()
	for _, enc := range []bool{false, true} {
		room, name, password := w.plain, "plain.bin", "Share-Secret-1"
		if enc {
			room, name, password = w.enc, "secret.bin", "Share-Secret-2"
		}
		data := randomBytes(5*1024+77, 31)
		node, err := w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(room), &UploadOptions{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		var share *DownloadShare
		if enc {
			share, err = w.admin.Shares.CreateEncryptedDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: node.ID}, password)
		} else {
			share, err = w.admin.Shares.CreateDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: node.ID, Password: password})
		}
		if err != nil {
			t.Fatal(err)
		}

		var logs testutil.SyncBuffer
		anon := anonClient(t, w.srv, &logs)
		dir := t.TempDir()
		var errs []string

		// A wrong password: a clear error, nothing written.
		_, err = anon.Public.DownloadShareFile(ctx, share.AccessKey, "Wrong-Password-9", dir, nil)
		if enc && !errors.Is(err, crypto.ErrWrongPassword) {
			t.Fatalf("encrypted share, wrong password: %v", err)
		}
		if !enc {
			wantAPIError(t, err, 401, -50009)
		}
		errs = append(errs, err.Error())
		if got := dirEntries(t, dir); len(got) != 0 {
			t.Fatalf("enc=%v: a wrong password left %v", enc, got)
		}
		// No password at all for a protected share.
		_, err = anon.Public.DownloadShareFile(ctx, share.AccessKey, "", dir, nil)
		if _, ok := errors.AsType[*InvalidRequestError](err); !ok {
			t.Fatalf("enc=%v: no password: %v", enc, err)
		}

		// The right password, in concurrent ranges.
		var last int64
		path, err := anon.Public.DownloadShareFile(ctx, share.AccessKey, password, dir,
			&DownloadOptions{RangeSize: 1024, Concurrency: 3, Progress: func(done, total int64) { last = done }})
		if err != nil {
			t.Fatalf("enc=%v: %v", enc, err)
		}
		if path != filepath.Join(dir, name) || last != int64(len(data)) {
			t.Fatalf("enc=%v: wrote %s, progress ended at %d", enc, path, last)
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("enc=%v: downloaded %d bytes (%v), want the %d uploaded", enc, len(got), err, len(data))
		}
		if names := dirEntries(t, dir); len(names) != 1 {
			t.Fatalf("enc=%v: directory holds %v", enc, names)
		}
		// Again into the same directory: the file exists.
		_, err = anon.Public.DownloadShareFile(ctx, share.AccessKey, password, dir, nil)
		if !errors.Is(err, ErrFileExists) {
			t.Fatalf("enc=%v: second download: %v", enc, err)
		}
		// Into a writer.
		var buf bytes.Buffer
		info, err := anon.Public.DownloadShareTo(ctx, share.AccessKey, password, &buf, nil)
		if err != nil || !bytes.Equal(buf.Bytes(), data) || info.FileName != name || info.IsEncrypted != enc {
			t.Fatalf("enc=%v: into a writer: %v, %d bytes, %+v", enc, err, buf.Len(), info)
		}
		// HEAD and a partial GET on a download URL count no download.
		urlPassword := password // an encrypted share's password stays on the client
		if enc {
			urlPassword = ""
		}
		u, err := anon.Public.DownloadShareURL(ctx, share.AccessKey, urlPassword)
		if err != nil {
			t.Fatal(err)
		}
		h, err := anon.Public.HeadShareDownload(ctx, u.DownloadURL)
		if err != nil || h.Get("Content-Length") != fmt.Sprint(len(data)) {
			t.Fatalf("enc=%v: HEAD: %v %v", enc, h, err)
		}
		resp, err := anon.Public.FetchShareDownload(ctx, u.DownloadURL, "bytes=16-47")
		if err != nil {
			t.Fatal(err)
		}
		part, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusPartialContent || len(part) != 32 || (!enc && !bytes.Equal(part, data[16:48])) {
			t.Fatalf("enc=%v: ranged GET: %d, %d bytes, %v", enc, resp.StatusCode, len(part), err)
		}
		got2, err := w.admin.Shares.GetDownloadShare(ctx, share.ID)
		if err != nil || got2.CntDownloads != 2 {
			t.Fatalf("enc=%v: share after two downloads: %+v, %v", enc, got2, err)
		}

		secrets := append(rec.secrets(), share.AccessKey, password)
		if len(secrets) < 3 {
			t.Fatalf("recorded no download token: %v", len(secrets))
		}
		out := logs.String()
		if !strings.Contains(out, "level=DEBUG") {
			t.Fatalf("no debug log of the anonymous session:\n%s", out)
		}
		noSecrets(t, "the debug log", out, secrets...)
		noSecrets(t, "the errors", strings.Join(errs, "\n"), secrets...)
	}
}

func TestEmulatorPublicDownloadShareExpiredOrUsedUp(t *testing.T) {
	w := newTransferWorld(t, false)
	ctx := context.Background()
	data := []byte("read me once")
	node, err := w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(w.plain), &UploadOptions{Name: "once.txt"})
	if err != nil {
		t.Fatal(err)
	}
	share, err := w.admin.Shares.CreateDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: node.ID, MaxDownloads: 1,
		Expiration: &Expiration{Enabled: true, ExpireAt: w.srv.Now().Add(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	anon := emulatorClient(t, w.srv)
	dir := t.TempDir()
	if _, err := anon.Public.DownloadShareFile(ctx, share.AccessKey, "", filepath.Join(dir, "first.txt"), nil); err != nil {
		t.Fatal(err)
	}
	// The one download is used up.
	_, err = anon.Public.DownloadShareFile(ctx, share.AccessKey, "", filepath.Join(dir, "second.txt"), nil)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("used-up share: %v", err)
	}
	var buf bytes.Buffer
	if _, err := anon.Public.DownloadShareTo(ctx, share.AccessKey, "", &buf, nil); !errors.Is(err, ErrNotFound) || buf.Len() != 0 {
		t.Fatalf("used-up share into a writer: %v, %d bytes", err, buf.Len())
	}
	// An expired share.
	share2, err := w.admin.Shares.CreateDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: node.ID,
		Expiration: &Expiration{Enabled: true, ExpireAt: w.srv.Now().Add(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.srv.AdvanceClock(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	_, err = anon.Public.DownloadShareFile(ctx, share2.AccessKey, "", filepath.Join(dir, "late.txt"), nil)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired share: %v", err)
	}
	noSecrets(t, "the error", err.Error(), share2.AccessKey)
	if names := dirEntries(t, dir); len(names) != 1 || names[0] != "first.txt" {
		t.Fatalf("directory holds %v, want first.txt alone", names)
	}
}

// addMember makes a user with a fresh RSA-2048 key pair who may edit the
// encrypted room of w, and returns the logged-in client.
func addMember(t *testing.T, w *transferWorld, login string) *Client {
	t.Helper()
	ctx := context.Background()
	id, pw, err := w.srv.CreateUser(login, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := emulatorClient(t, w.srv)
	if err := c.Connect(ctx, PasswordFlow(login, pw)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Account.GenerateKeyPair(ctx, "Key-Password-1", crypto.KeyPairRSA2048); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Account.UnlockKeyPair(ctx, "Key-Password-1"); err != nil {
		t.Fatal(err)
	}
	if err := w.admin.Rooms.GrantUsers(ctx, w.enc, []UserGrant{{ID: id, Permissions: PermissionsEdit}}); err != nil {
		t.Fatal(err)
	}
	return c
}

// findFile returns the file named name in room.
func findFile(t *testing.T, c *Client, room int64, name string) *Node {
	t.Helper()
	for n, err := range c.Nodes.All(context.Background(), room, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if n.Name == name {
			return &n
		}
	}
	t.Fatalf("no file %s in room %d", name, room)
	return nil
}

func TestEmulatorPublicUploadShareThreeRecipients(t *testing.T) {
	smallS3Parts(t)
	for _, s3 := range []bool{false, true} {
		rec := &secretPathRecorder{}
		w := newTransferWorld(t, s3, dracoontest.WithS3MinPartSize(testPart), dracoontest.WithMiddleware(rec.middleware))
		ctx := context.Background()
		members := []*Client{w.admin, w.b, addMember(t, w, "carol")}
		share, err := w.admin.Shares.CreateUploadShare(ctx, &CreateUploadShareRequest{TargetID: w.enc, Password: "Share-Secret-3"})
		if err != nil {
			t.Fatal(err)
		}

		var logs testutil.SyncBuffer
		stranger := anonClient(t, w.srv, &logs)
		data := randomBytes(5*testPart+100, 57)
		var last int64
		up, err := stranger.Public.UploadToShare(ctx, share.AccessKey, "Share-Secret-3", bytes.NewReader(data), int64(len(data)),
			&ShareUploadOptions{Name: "letter.bin", PartSize: testPart, Concurrency: 3, Progress: func(done, total int64) { last = done }})
		if err != nil {
			t.Fatalf("s3=%v: %v", s3, err)
		}
		if up.Name != "letter.bin" || up.Size != int64(len(data)) || last != int64(len(data)) {
			t.Fatalf("s3=%v: uploaded %+v, progress ended at %d", s3, up, last)
		}
		node := findFile(t, w.admin, w.enc, "letter.bin")
		if !node.IsEncrypted {
			t.Fatalf("s3=%v: stored file is not encrypted", s3)
		}
		stored, err := w.srv.FileContent(node.ID)
		if err != nil || bytes.Equal(stored, data) {
			t.Fatalf("s3=%v: the server holds the plain text (%v)", s3, err)
		}
		for i, m := range members {
			var buf bytes.Buffer
			if _, err := m.Transfers.Download(ctx, NodeID(node.ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
				t.Errorf("s3=%v: member %d: %v, %d bytes", s3, i, err, buf.Len())
			}
		}

		// A stream of unknown length into the plain room, and a wrong
		// password.
		plainShare, err := w.admin.Shares.CreateUploadShare(ctx, &CreateUploadShareRequest{TargetID: w.plain})
		if err != nil {
			t.Fatal(err)
		}
		stream := randomBytes(3*testPart+5, 58)
		if _, err := stranger.Public.UploadStreamToShare(ctx, plainShare.AccessKey, "", bytes.NewReader(stream), &ShareUploadOptions{Name: "stream.bin", PartSize: testPart}); err != nil {
			t.Fatalf("s3=%v: stream: %v", s3, err)
		}
		var buf bytes.Buffer
		if _, err := w.admin.Transfers.Download(ctx, NodeID(findFile(t, w.admin, w.plain, "stream.bin").ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), stream) {
			t.Fatalf("s3=%v: stream stored as %d bytes (%v)", s3, buf.Len(), err)
		}
		_, err = stranger.Public.UploadToShare(ctx, share.AccessKey, "Wrong-Password-9", bytes.NewReader(data), int64(len(data)), &ShareUploadOptions{Name: "x.bin"})
		wantAPIError(t, err, 401, -50502)

		rec.mu.Lock()
		presigned := rec.presigned
		rec.mu.Unlock()
		if s3 != (presigned > 0) {
			t.Fatalf("s3=%v: %d requests to presigned URLs", s3, presigned)
		}
		secrets := append(rec.secrets(), share.AccessKey, plainShare.AccessKey, "Share-Secret-3", "Wrong-Password-9")
		noSecrets(t, "the debug log", logs.String(), secrets...)
		noSecrets(t, "the error", err.Error(), secrets...)
	}
}

func TestEmulatorPublicUploadFromFileAndCancel(t *testing.T) {
	smallS3Parts(t)
	for _, s3 := range []bool{false, true} {
		rec := &secretPathRecorder{}
		w := newTransferWorld(t, s3, dracoontest.WithS3MinPartSize(testPart), dracoontest.WithMiddleware(rec.middleware))
		ctx := context.Background()
		share, err := w.admin.Shares.CreateUploadShare(ctx, &CreateUploadShareRequest{TargetID: w.plain})
		if err != nil {
			t.Fatal(err)
		}
		stranger := emulatorClient(t, w.srv)
		local := filepath.Join(t.TempDir(), "form.pdf")
		data := randomBytes(2*testPart+9, 61)
		if err := os.WriteFile(local, data, 0o600); err != nil {
			t.Fatal(err)
		}
		up, err := stranger.Public.UploadFileToShare(ctx, share.AccessKey, "", local, &ShareUploadOptions{PartSize: testPart})
		if err != nil || up.Name != "form.pdf" {
			t.Fatalf("s3=%v: from a file: %+v, %v", s3, up, err)
		}

		// A caller's own chunks.
		if !s3 {
			ch, err := stranger.Public.CreateShareUpload(ctx, share.AccessKey, &CreateShareUploadRequest{Name: "own.bin", Size: int64(len(data))})
			if err != nil {
				t.Fatal(err)
			}
			for off := 0; off < len(data); off += testPart {
				end := min(off+testPart, len(data))
				cr := fmt.Sprintf("bytes %d-%d/%d", off, end-1, len(data))
				if err := stranger.Public.ShareUploadChunk(ctx, share.AccessKey, ch.UploadID, bytes.NewReader(data[off:end]), int64(end-off), cr); err != nil {
					t.Fatal(err)
				}
			}
			if f, err := stranger.Public.CompleteShareUpload(ctx, share.AccessKey, ch.UploadID, nil); err != nil || f.Size != int64(len(data)) {
				t.Fatalf("own chunks: %+v, %v", f, err)
			}
			var buf bytes.Buffer
			if _, err := w.admin.Transfers.Download(ctx, NodeID(findFile(t, w.admin, w.plain, "own.bin").ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
				t.Fatalf("own chunks stored as %d bytes (%v)", buf.Len(), err)
			}
		}

		// The first chunk (classic) or the part URLs (S3) hang until the
		// upload is cancelled; the channel is then deleted.
		fault := dracoontest.Fault{Method: "POST", Path: "^/api/v4/public/shares/uploads/[^/]+/[^/]+$", Count: 1, Delay: time.Hour}
		if s3 {
			fault.Path = "/s3_urls$"
		}
		if err := w.srv.InjectFault(fault); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := stranger.Public.UploadToShare(cctx, share.AccessKey, "", bytes.NewReader(data), int64(len(data)), &ShareUploadOptions{Name: "gone.bin", PartSize: testPart})
			done <- err
		}()
		for w.srv.PendingFaults() > 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("s3=%v: cancelled upload: %v", s3, err)
		}
		if n := rec.deleted(); n != 1 {
			t.Fatalf("s3=%v: %d channel deletions, want 1", s3, n)
		}
		for n, err := range w.admin.Nodes.All(ctx, w.plain, nil) {
			if err != nil || n.Name == "gone.bin" {
				t.Fatalf("s3=%v: room after the cancelled upload: %+v, %v", s3, n, err)
			}
		}
	}
}

// TestPublicShareTransfersRefuseBadInput checks the arguments before
// anything is sent.
func TestPublicShareTransfersRefuseBadInput(t *testing.T) {
	c, err := New("https://dracoon.invalid")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, err := range []error{
		func() error {
			_, err := c.Public.DownloadShareFile(ctx, "a/b", "", t.TempDir(), nil)
			return err
		}(),
		func() error {
			_, err := c.Public.DownloadShareTo(ctx, "key", "", nil, nil)
			return err
		}(),
		func() error {
			_, err := c.Public.DownloadShareFile(ctx, "key", "", t.TempDir(), &DownloadOptions{RangeSize: 7})
			return err
		}(),
		func() error {
			_, err := c.Public.UploadToShare(ctx, "key", "", nil, 3, nil)
			return err
		}(),
		func() error {
			_, err := c.Public.UploadStreamToShare(ctx, "key", "", strings.NewReader("x"), nil) // no name
			return err
		}(),
		func() error {
			_, err := c.Public.UploadStreamToShare(ctx, "../key", "", strings.NewReader("x"), &ShareUploadOptions{Name: "x"})
			return err
		}(),
		c.Public.ShareUploadChunk(ctx, "key", "id", nil, 0, ""),
	} {
		if _, ok := errors.AsType[*InvalidRequestError](err); !ok {
			t.Errorf("case %d: %v, want an *InvalidRequestError", i, fmt.Sprint(err))
		}
	}
}

// flipFirstByte alters the first byte of every public share download
// response, as a tampering server or proxy would.
func flipFirstByte(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/api/v4/public/shares/downloads/")
		if !ok || r.Method != http.MethodGet || !strings.Contains(rest, "/") {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&flippingWriter{ResponseWriter: w}, r)
	})
}

// flippingWriter flips the bits of the first body byte.
type flippingWriter struct {
	http.ResponseWriter
	done bool
}

func (f *flippingWriter) Write(b []byte) (int, error) {
	if !f.done && len(b) > 0 {
		f.done = true
		c := slices.Clone(b)
		c[0] ^= 0xff
		return f.ResponseWriter.Write(c)
	}
	return f.ResponseWriter.Write(b)
}

func TestEmulatorPublicDownloadShareTamperedContent(t *testing.T) {
	w := newTransferWorld(t, false, dracoontest.WithMiddleware(flipFirstByte))
	ctx := context.Background()
	data := randomBytes(3000, 77)
	node, err := w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(w.enc), &UploadOptions{Name: "sealed.bin"})
	if err != nil {
		t.Fatal(err)
	}
	share, err := w.admin.Shares.CreateEncryptedDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: node.ID}, "Share-Secret-4")
	if err != nil {
		t.Fatal(err)
	}
	anon := emulatorClient(t, w.srv)
	dir := t.TempDir()
	for _, o := range []*DownloadOptions{nil, {RangeSize: 1024, Concurrency: 2}} {
		_, err := anon.Public.DownloadShareFile(ctx, share.AccessKey, "Share-Secret-4", dir, o)
		if !errors.Is(err, crypto.ErrAuthentication) {
			t.Fatalf("tampered content (%+v): %v", o, err)
		}
		if names := dirEntries(t, dir); len(names) != 0 {
			t.Fatalf("tampered content left %v", names)
		}
	}
}

func TestEmulatorZipDownloads(t *testing.T) {
	w := newTransferWorld(t, false)
	ctx := context.Background()
	files := map[string][]byte{"a.txt": []byte("first"), "b.bin": randomBytes(4000, 5)}
	var ids []int64
	for name, data := range files {
		n, err := w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(w.plain), &UploadOptions{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n.ID)
	}
	check := func(what string, archive []byte) {
		t.Helper()
		zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		seen := 0
		for _, f := range zr.File {
			want, ok := files[path.Base(f.Name)]
			if !ok {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s: entry %s: %d bytes, %v", what, f.Name, len(got), err)
			}
			seen++
		}
		if seen != len(files) {
			t.Fatalf("%s: %d of %d files in the archive", what, seen, len(files))
		}
	}
	var buf bytes.Buffer
	n, err := w.admin.Transfers.DownloadZip(ctx, ids, &buf, nil)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("streamed archive: %d, %v", n, err)
	}
	check("streamed", buf.Bytes())
	dir := t.TempDir()
	p, err := w.admin.Transfers.DownloadZipFile(ctx, ids, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	archive, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	check("file", archive)
	if names := dirEntries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v", names)
	}
	// Nothing of an encrypted room: the server cannot decrypt.
	enc, err := w.admin.Transfers.Upload(ctx, bytes.NewReader([]byte("x")), 1, NodeID(w.enc), &UploadOptions{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.admin.Transfers.DownloadZipFile(ctx, []int64{enc.ID}, filepath.Join(dir, "enc.zip"), nil); err == nil {
		t.Fatal("an encrypted file was archived")
	}
	if names := dirEntries(t, dir); len(names) != 1 {
		t.Fatalf("a refused archive left %v", names)
	}
}
