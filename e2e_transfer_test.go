package dracoon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// transferWorld is an emulator with an admin (key pair "A"), a second
// user B (key pair RSA-4096) and two rooms both may use: one plain, one
// encrypted.
type transferWorld struct {
	srv             *dracoontest.Server
	admin, b        *Client
	plain, enc      int64
	adminID, userID int64
}

// newTransferWorld sets up a contract-checked emulator for transfer tests.
func newTransferWorld(t *testing.T, s3 bool, opts ...dracoontest.Option) *transferWorld {
	t.Helper()
	ctx := context.Background()
	srv := newEmulator(t, append([]dracoontest.Option{dracoontest.WithS3(s3), dracoontest.WithCrypto(true)}, opts...)...)
	w := &transferWorld{srv: srv, adminID: srv.AdminID}
	w.admin = emulatorClient(t, srv)
	if err := w.admin.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	id, pw, err := srv.CreateUser("bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.userID = id
	w.b = emulatorClient(t, srv)
	if err := w.b.Connect(ctx, PasswordFlow("bob", pw)); err != nil {
		t.Fatal(err)
	}
	for c, v := range map[*Client]crypto.KeyPairVersion{w.admin: crypto.KeyPairRSA2048, w.b: crypto.KeyPairRSA4096} {
		fx := loadKeyPairFixture(t, v)
		if err := c.Account.SetKeyPair(ctx, &fx.UserKeyPair); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Account.UnlockKeyPair(ctx, fx.Password); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct {
		name string
		id   *int64
		enc  bool
	}{{"Plain", &w.plain, false}, {"Secret", &w.enc, true}} {
		room, err := w.admin.Rooms.Create(ctx, &CreateRoomRequest{Name: r.name, AdminIDs: []int64{srv.AdminID}})
		if err != nil {
			t.Fatal(err)
		}
		*r.id = room.ID
		if r.enc {
			if _, err := w.admin.Rooms.Encrypt(ctx, room.ID, &EncryptRoomRequest{IsEncrypted: true}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.admin.Rooms.GrantUsers(ctx, room.ID, []UserGrant{{ID: id, Permissions: PermissionsEdit}}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func TestEmulatorTransfers(t *testing.T) {
	smallS3Parts(t)
	ctx := context.Background()
	for _, s3 := range []bool{false, true} {
		w := newTransferWorld(t, s3, dracoontest.WithS3MinPartSize(testPart))
		for _, enc := range []bool{false, true} {
			room := w.plain
			if enc {
				room = w.enc
			}
			const part = testPart
			t.Run(fmt.Sprintf("s3=%v/encrypted=%v", s3, enc), func(t *testing.T) {
				for i, size := range []int{0, 1, part - 1, part, part + 1, 3*part + 17} {
					data := randomBytes(size, uint64(size)+7)
					var up progressLog
					opts := &UploadOptions{Name: fmt.Sprintf("f%d.bin", i), PartSize: part, Concurrency: 3, Progress: up.fn}
					var node *Node
					var err error
					if i%2 == 1 {
						node, err = w.admin.Transfers.UploadStream(ctx, bytes.NewReader(data), NodeID(room), opts)
					} else {
						node, err = w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(size), NodeID(room), opts)
					}
					if err != nil {
						t.Fatalf("size %d: %v", size, err)
					}
					up.check(t, int64(size), i%2 == 1)
					if node.Size != int64(size) || node.IsEncrypted != enc {
						t.Fatalf("size %d: node %+v", size, node)
					}
					// User B downloads: after the key distribution for
					// encrypted rooms.
					dir := t.TempDir()
					path, err := w.b.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, &DownloadOptions{RangeSize: part, Concurrency: 2})
					if err != nil {
						t.Fatalf("size %d: user B downloads: %v", size, err)
					}
					if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
						t.Fatalf("size %d: user B got other bytes", size)
					}
					var buf bytes.Buffer
					if _, err := w.admin.Transfers.Download(ctx, NodeID(node.ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
						t.Fatalf("size %d: download to a writer: %v", size, err)
					}
				}
			})
		}
	}
}

func TestEmulatorTransferFailures(t *testing.T) {
	ctx := context.Background()
	w := newTransferWorld(t, false)
	data := randomBytes(6*testPart+5, 77)
	node, err := w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(w.enc), &UploadOptions{Name: "x.bin", PartSize: testPart})
	if err != nil {
		t.Fatal(err)
	}
	// A dropped connection mid-download resumes.
	if err := w.srv.InjectFault(dracoontest.Fault{Method: "GET", Path: "^/api/v4/downloads/", Count: 2, Drop: true}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, err := w.admin.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) || w.srv.PendingFaults() != 0 {
		t.Fatalf("download after drops differs (faults left %d)", w.srv.PendingFaults())
	}
	// An existing destination is a conflict; nothing changes.
	if _, err := w.admin.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, nil); !errors.Is(err, ErrFileExists) {
		t.Fatalf("second download: %v", err)
	}
	onlyFile(t, dir, filepath.Base(path))

	// A tampered blob fails authentication and leaves nothing, fetched as
	// one stream or in concurrent ranges.
	if err := w.srv.TamperFile(node.ID, 3*testPart+1); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*DownloadOptions{nil, {RangeSize: testPart, Concurrency: 3}} {
		dir := t.TempDir()
		if _, err := w.b.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, o); !errors.Is(err, crypto.ErrAuthentication) {
			t.Fatalf("tampered download (%+v): %v", o, err)
		}
		onlyFile(t, dir, "")
	}

	// A name clash under ResolutionFail is a conflict, and the channel is
	// deleted.
	_, err = w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(w.enc), &UploadOptions{Name: "x.bin", ResolutionStrategy: ResolutionFail})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("upload under fail onto an existing name: %v", err)
	}
	// Beyond the space limit: 507.
	w.srv.SetSpaceLimit(int64(len(data)) + 10)
	_, err = w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(w.plain), &UploadOptions{Name: "y.bin"})
	if !errors.Is(err, ErrInsufficientStorage) {
		t.Fatalf("upload beyond the quota: %v", err)
	}
}

func TestEmulatorS3RenewsExpiredURLsAndTakesPipes(t *testing.T) {
	smallS3Parts(t)
	ctx := context.Background()
	w := newTransferWorld(t, true, dracoontest.WithS3MinPartSize(testPart))
	data := randomBytes(6*testPart+17, 78)
	expired := 0
	var once bool
	node, err := w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(w.enc), &UploadOptions{
		Name: "e.bin", PartSize: testPart, Concurrency: 1,
		Progress: func(done, total int64) {
			if !once && done > 0 {
				once = true // after the first bytes: every URL fetched so far expires
				expired = w.srv.ExpirePresignedURLs()
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if expired < 2 {
		t.Fatalf("%d URLs expired; the test needs unused ones", expired)
	}
	var buf bytes.Buffer
	if _, err := w.b.Transfers.Download(ctx, NodeID(node.ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("download after renewed URLs: %v", err)
	}

	for _, room := range []int64{w.plain, w.enc} {
		pr, pw := io.Pipe()
		go func() {
			for rest := data; len(rest) > 0; {
				n := min(len(rest), 300)
				pw.Write(rest[:n])
				rest = rest[n:]
			}
			pw.Close()
		}()
		node, err := w.admin.Transfers.UploadStream(ctx, pr, NodeID(room), &UploadOptions{Name: "pipe.bin", PartSize: testPart})
		if err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if _, err := w.b.Transfers.Download(ctx, NodeID(node.ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
			t.Fatalf("pipe upload round trip: %v", err)
		}
	}
}

func TestEmulatorCancelledUploadDeletesItsChannel(t *testing.T) {
	smallS3Parts(t)
	for _, s3 := range []bool{false, true} {
		var mu sync.Mutex
		deleted := 0
		record := func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				next.ServeHTTP(rw, r)
				if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/api/v4/nodes/files/uploads/") {
					mu.Lock()
					deleted++
					mu.Unlock()
				}
			})
		}
		w := newTransferWorld(t, s3, dracoontest.WithS3MinPartSize(testPart), dracoontest.WithMiddleware(record))
		// The first chunk (classic) or the request for part URLs (S3)
		// hangs until the upload is cancelled. (The contract validator
		// reads every request body whole before the emulator sees it, so
		// the hanging request was sent completely.)
		fault := dracoontest.Fault{Method: "POST", Path: "^/api/v4/uploads/", Count: 1, Delay: time.Hour}
		if s3 {
			fault = dracoontest.Fault{Method: "POST", Path: "/s3_urls$", Count: 1, Delay: time.Hour}
		}
		if err := w.srv.InjectFault(fault); err != nil {
			t.Fatal(err)
		}
		before := settledGoroutines(-1)
		ctx, cancel := context.WithCancel(context.Background())
		data := randomBytes(8*testPart, 79)
		done := make(chan error, 1)
		go func() {
			_, err := w.admin.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(w.enc), &UploadOptions{Name: "c.bin", PartSize: testPart, Concurrency: 3})
			done <- err
		}()
		for w.srv.PendingFaults() > 0 {
			time.Sleep(5 * time.Millisecond) // until the hanging request has arrived
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("s3=%v: cancelled upload: %v", s3, err)
		}
		mu.Lock()
		n := deleted
		mu.Unlock()
		if n != 1 {
			t.Fatalf("s3=%v: %d channel deletions, want 1", s3, n)
		}
		w.admin.httpClient.CloseIdleConnections()
		if after := settledGoroutines(before); after > before {
			t.Errorf("s3=%v: goroutines: %d before, %d after the cancelled upload", s3, before, after)
		}
		for n, err := range w.admin.Nodes.All(context.Background(), w.enc, nil) {
			if err != nil || n.Name == "c.bin" {
				t.Fatalf("s3=%v: room content after the cancelled upload: %+v, %v", s3, n, err)
			}
		}
	}
}

func TestEmulatorUploadOptionsArrive(t *testing.T) {
	ctx := context.Background()
	for _, s3 := range []bool{false, true} {
		w := newTransferWorld(t, s3)
		mod := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
		created := mod.Add(-time.Hour)
		expire := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
		node, err := w.admin.Transfers.Upload(ctx, strings.NewReader("opts"), 4, NodePath("/Plain"), &UploadOptions{
			Name: "o.txt", Notes: "for the auditors", Classification: ClassificationStrictlyConfidential,
			Expiration: ExpireAt(expire), TimestampCreation: created, TimestampModification: mod,
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.admin.Nodes.Get(ctx, node.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ParentID != w.plain || got.Notes != "for the auditors" || got.Classification != ClassificationStrictlyConfidential ||
			!got.ExpireAt.Equal(expire) || !got.TimestampModification.Equal(mod) || !got.TimestampCreation.Equal(created) {
			t.Errorf("s3=%v: node %+v", s3, got)
		}
		// Overwrite keeps one file of the name.
		if _, err := w.admin.Transfers.Upload(ctx, strings.NewReader("new"), 3, NodePath("/Plain"), &UploadOptions{Name: "o.txt", ResolutionStrategy: ResolutionOverwrite}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := w.admin.Transfers.Download(ctx, NodePath("/Plain/o.txt"), &buf, nil); err != nil || buf.String() != "new" {
			t.Errorf("s3=%v: after overwrite %q, %v", s3, buf.String(), err)
		}
	}
}

func TestEmulatorFolderSyncAndFS(t *testing.T) {
	smallS3Parts(t)
	ctx := context.Background()
	w := newTransferWorld(t, true, dracoontest.WithS3MinPartSize(testPart))
	files := map[string][]byte{
		"a.txt":         []byte("alpha"),
		"docs/b.bin":    randomBytes(3*testPart+17, 81),
		"docs/x/c.bin":  randomBytes(testPart, 82),
		"docs/empty.md": {},
	}
	src := filepath.Join(t.TempDir(), "site")
	writeTree(t, src, files)
	opts := &FolderOptions{Upload: UploadOptions{PartSize: testPart, ResolutionStrategy: ResolutionOverwrite}, Files: 3, MaxBytesInFlight: 2 * testPart}
	for range 2 { // the second run reuses the folders and overwrites the files
		if _, err := w.admin.Transfers.UploadFolder(ctx, src, NodeID(w.enc), opts); err != nil {
			t.Fatal(err)
		}
	}
	// User B reads it through the file system view, decrypting with the
	// keys distributed after each upload.
	fsys, err := w.b.Transfers.FS(ctx, NodePath("/Secret/site"))
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "a.txt", "docs/b.bin", "docs/x/c.bin", "docs/empty.md"); err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	out, err := w.b.Transfers.DownloadFolder(ctx, NodePath("/Secret/site"), dest, &FolderOptions{Download: DownloadOptions{RangeSize: testPart}})
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range files {
		if got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p))); err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %v", p, err)
		}
	}
}
