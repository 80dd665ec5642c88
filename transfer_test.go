package dracoon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
)

// testPart is the part size of the transfer tests; S3's minimum is
// lowered to it.
const testPart = 1024

// smallS3Parts lowers the S3 part minimum for the duration of a test.
func smallS3Parts(t *testing.T) {
	saved := minS3Part
	minS3Part = 16
	t.Cleanup(func() { minS3Part = saved })
}

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 42))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// readKeyPairFixture reads the fixture key pair of version v.
func readKeyPairFixture(t testing.TB, v crypto.KeyPairVersion) keyPairFixture {
	t.Helper()
	raw, err := os.ReadFile("crypto/testdata/keypair_" + string(v) + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var fx keyPairFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	return fx
}

// unlockFixture puts the fixture key pair of version v into c's key ring
// (c may be nil) and returns it.
func unlockFixture(t testing.TB, c *Client, v crypto.KeyPairVersion) *crypto.UserKeyPair {
	t.Helper()
	fx := readKeyPairFixture(t, v)
	kp, err := fx.UserKeyPair.Unlock(fx.Password)
	if err != nil {
		t.Fatal(err)
	}
	if c != nil {
		c.keys.put(kp)
	}
	return kp
}

// progressLog records progress calls and checks them.
type progressLog struct {
	mu    sync.Mutex
	calls [][2]int64
}

func (p *progressLog) fn(done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, [2]int64{done, total})
}

// check requires monotonic values ending exactly at total, with the total
// known from the first call unless unknown is allowed.
func (p *progressLog) check(t *testing.T, total int64, unknown bool) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.calls) == 0 {
		t.Fatal("no progress calls")
	}
	last := int64(-1)
	for _, c := range p.calls {
		if c[0] < last || (!unknown && c[1] != total) || (c[1] >= 0 && c[0] > c[1]) {
			t.Fatalf("progress calls %v (total %d)", p.calls, total)
		}
		last = c[0]
	}
	if end := p.calls[len(p.calls)-1]; end != [2]int64{total, total} {
		t.Fatalf("last progress call %v, want %d of %d", end, total, total)
	}
}

func TestTransferSizesModesAndEncryption(t *testing.T) {
	smallS3Parts(t)
	ctx := context.Background()
	sizes := []int{0, 1, testPart - 1, testPart, testPart + 1, 3*testPart + 17}
	for _, s3 := range []bool{false, true} {
		for _, enc := range []bool{false, true} {
			t.Run(fmt.Sprintf("s3=%v/encrypted=%v", s3, enc), func(t *testing.T) {
				f := newTransferFake(t, s3, enc)
				if enc {
					unlockFixture(t, f.c, crypto.KeyPairRSA2048)
				}
				for i, size := range sizes {
					data := randomBytes(size, uint64(size))
					var up progressLog
					opts := &UploadOptions{Name: fmt.Sprintf("f%d.bin", i), PartSize: testPart, Concurrency: 3, Progress: up.fn}
					var node *Node
					var err error
					stream := i%2 == 1
					if stream {
						node, err = f.c.Transfers.UploadStream(ctx, bytes.NewReader(data), NodeID(1), opts)
					} else {
						if _, err := f.c.Transfers.Upload(ctx, bytes.NewReader(data), int64(size), NodePath(""), opts); !errors.Is(err, ErrInvalidRequest) {
							t.Fatalf("upload without a target: %v", err)
						}
						node, err = f.c.Transfers.Upload(ctx, bytes.NewReader(data), int64(size), NodeID(1), opts)
					}
					if err != nil {
						t.Fatalf("size %d: upload: %v", size, err)
					}
					up.check(t, int64(size), stream)
					stored := f.content(node.ID)
					if node.Size != int64(size) || len(stored) != size {
						t.Fatalf("size %d: node size %d, stored %d bytes", size, node.Size, len(stored))
					}
					if enc == bytes.Equal(stored, data) && size > 0 {
						t.Fatalf("size %d: stored bytes equal the plaintext: %v (encrypted room %v)", size, bytes.Equal(stored, data), enc)
					}
					dir := t.TempDir()
					var down progressLog
					path, err := f.c.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, &DownloadOptions{RangeSize: testPart, Concurrency: 3, Progress: down.fn})
					if err != nil {
						t.Fatalf("size %d: download: %v", size, err)
					}
					got, err := os.ReadFile(path)
					if err != nil || !bytes.Equal(got, data) || filepath.Base(path) != node.Name {
						t.Fatalf("size %d: downloaded %d bytes to %s, equal %v, %v", size, len(got), path, bytes.Equal(got, data), err)
					}
					down.check(t, int64(size), false)
					onlyFile(t, dir, node.Name)
					var buf bytes.Buffer
					if _, err := f.c.Transfers.Download(ctx, NodeID(node.ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
						t.Fatalf("size %d: download to a writer: %v, equal %v", size, err, bytes.Equal(buf.Bytes(), data))
					}
				}
				if len(f.leaked) > 0 {
					t.Errorf("bearer token sent to token URLs: %v", f.leaked)
				}
				if f.openChannels() != 0 {
					t.Errorf("%d channels left open", f.openChannels())
				}
			})
		}
	}
}

// onlyFile requires dir to hold exactly the file name (no temporary
// files), or nothing for "".
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{name}
	if name == "" {
		want = nil
	}
	if !slices.Equal(names, want) {
		t.Fatalf("directory holds %q, want %q", names, want)
	}
}

func TestClassicChunksCarryExactContentRanges(t *testing.T) {
	f := newTransferFake(t, false, false)
	data := randomBytes(2*testPart+5, 1)
	if _, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "r.bin", PartSize: testPart}); err != nil {
		t.Fatal(err)
	}
	want := []string{"bytes 0-1023/2053", "bytes 1024-2047/2053", "bytes 2048-2052/2053"}
	if !slices.Equal(f.ranges, want) {
		t.Errorf("Content-Range %q, want %q", f.ranges, want)
	}
	f.ranges = nil
	if _, err := f.c.Transfers.UploadStream(context.Background(), bytes.NewReader(data), NodeID(1), &UploadOptions{Name: "s.bin", PartSize: testPart}); err != nil {
		t.Fatal(err)
	}
	want = []string{"bytes 0-1023/*", "bytes 1024-2047/*", "bytes 2048-2052/2053"}
	if !slices.Equal(f.ranges, want) {
		t.Errorf("stream Content-Range %q, want %q", f.ranges, want)
	}
}

func TestUploadFromPipeOfUnknownLength(t *testing.T) {
	smallS3Parts(t)
	for _, s3 := range []bool{false, true} {
		for _, enc := range []bool{false, true} {
			t.Run(fmt.Sprintf("s3=%v/encrypted=%v", s3, enc), func(t *testing.T) {
				f := newTransferFake(t, s3, enc)
				if enc {
					unlockFixture(t, f.c, crypto.KeyPairRSA2048)
				}
				data := randomBytes(5*testPart+333, 9)
				pr, pw := io.Pipe()
				go func() {
					rest := data
					for len(rest) > 0 { // odd write sizes, so parts are cut across writes
						n := min(len(rest), 77+len(rest)%500)
						pw.Write(rest[:n])
						rest = rest[n:]
					}
					pw.Close()
				}()
				node, err := f.c.Transfers.UploadStream(context.Background(), pr, NodeID(1), &UploadOptions{Name: "pipe.bin", PartSize: testPart, Concurrency: 2})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if _, err := f.c.Transfers.Download(context.Background(), NodeID(node.ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
					t.Fatalf("round trip: %v, equal %v", err, bytes.Equal(buf.Bytes(), data))
				}
			})
		}
	}
}

func TestFailedPartIsRetriedAloneFromTheSource(t *testing.T) {
	smallS3Parts(t)
	f := newTransferFake(t, true, true)
	unlockFixture(t, f.c, crypto.KeyPairRSA2048)
	f.failPart, f.failCount = 2, 2
	data := randomBytes(4*testPart, 3)
	node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "r.bin", PartSize: testPart})
	if err != nil {
		t.Fatal(err)
	}
	if f.failCount != 0 {
		t.Fatal("the fault was not hit")
	}
	var buf bytes.Buffer
	if _, err := f.c.Transfers.Download(context.Background(), NodeID(node.ID), &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("round trip after part retries: %v", err)
	}
}

func TestExpiredPresignedURLsAreRenewed(t *testing.T) {
	smallS3Parts(t)
	f := newTransferFake(t, true, false)
	f.expireFirst = 2
	data := randomBytes(3*testPart+17, 4)
	node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "e.bin", PartSize: testPart, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.content(node.ID), data) {
		t.Fatal("content differs")
	}
	// One batch for parts 1–3, renewed once per refused URL, and one for
	// the last part with its own size.
	want := [][3]int64{{1, 3, testPart}, {1, 3, testPart}, {1, 3, testPart}, {4, 4, 17}}
	if !slices.Equal(f.urlBatches, want) {
		t.Errorf("URL requests %v", f.urlBatches)
	}
}

func TestCancelledUploadDeletesChannelAndLeaksNoGoroutines(t *testing.T) {
	smallS3Parts(t)
	for _, enc := range []bool{false, true} {
		f := newTransferFake(t, true, enc)
		if enc {
			unlockFixture(t, f.c, crypto.KeyPairRSA2048)
		}
		before := settledGoroutines(-1)
		f.blockParts = make(chan struct{})
		f.partsSeen = make(chan struct{}, 1)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		data := randomBytes(8*testPart, 5)
		go func() {
			_, err := f.c.Transfers.Upload(ctx, bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "c.bin", PartSize: testPart, Concurrency: 3})
			done <- err
		}()
		<-f.partsSeen
		cancel()
		err := <-done
		close(f.blockParts)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled upload: %v", err)
		}
		if len(f.cancelled) != 1 || f.openChannels() != 0 {
			t.Fatalf("cancelled channels %v, open %d", f.cancelled, f.openChannels())
		}
		f.c.httpClient.CloseIdleConnections()
		if after := settledGoroutines(before); after > before {
			t.Errorf("goroutines: %d before, %d after the cancelled upload", before, after)
		}
	}
}

// settledGoroutines waits (up to two seconds) for the goroutine count to
// drop to want, then returns it; want -1 waits until the count has stayed
// the same for 50 ms.
func settledGoroutines(want int) int {
	n, same := runtime.NumGoroutine(), 0
	for range 200 {
		if (want >= 0 && n <= want) || (want < 0 && same >= 5) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			same++
		} else {
			same = 0
		}
		n = m
	}
	return n
}

func TestDroppedDownloadResumes(t *testing.T) {
	for _, enc := range []bool{false, true} {
		f := newTransferFake(t, false, enc)
		if enc {
			unlockFixture(t, f.c, crypto.KeyPairRSA2048)
		}
		data := randomBytes(5*testPart+3, 6)
		node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "d.bin"})
		if err != nil {
			t.Fatal(err)
		}
		f.dropAfter, f.dropCount = 700, 3 // fewer than the retry policy's attempts
		dir := t.TempDir()
		path, err := f.c.Transfers.DownloadFile(context.Background(), NodeID(node.ID), dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, data) || f.dropCount != 0 {
			t.Fatalf("resumed download differs (drops left %d)", f.dropCount)
		}
		// Drops without progress, more than the attempts: the download
		// fails and leaves nothing.
		f.dropAfter, f.dropCount = 0, 100
		if _, err := f.c.Transfers.DownloadFile(context.Background(), NodeID(node.ID), filepath.Join(dir, "again.bin"), nil); err == nil {
			t.Fatal("download through endless drops succeeded")
		}
		onlyFile(t, dir, "d.bin")
	}
}

func TestTamperedDownloadLeavesNothing(t *testing.T) {
	f := newTransferFake(t, false, true)
	unlockFixture(t, f.c, crypto.KeyPairRSA2048)
	data := randomBytes(4*testPart, 7)
	node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "t.bin"})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.files[node.ID].content[3*testPart+5] ^= 1
	f.mu.Unlock()
	for _, o := range []*DownloadOptions{nil, {RangeSize: testPart, Concurrency: 2}} {
		dir := t.TempDir()
		_, err := f.c.Transfers.DownloadFile(context.Background(), NodeID(node.ID), dir, o)
		if !errors.Is(err, crypto.ErrAuthentication) {
			t.Fatalf("tampered download (%+v): %v", o, err)
		}
		onlyFile(t, dir, "")
	}
}

func TestTaglessFileKeyIsRefused(t *testing.T) {
	f := newTransferFake(t, false, true)
	unlockFixture(t, f.c, crypto.KeyPairRSA2048)
	node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(nil), 0, NodeID(1), &UploadOptions{Name: "empty.bin"})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.userKeys[[2]int64{node.ID, fakeUserID}].Tag = ""
	f.mu.Unlock()
	dir := t.TempDir()
	if _, err := f.c.Transfers.DownloadFile(context.Background(), NodeID(node.ID), dir, nil); !errors.Is(err, crypto.ErrMissingTag) {
		t.Fatalf("tag-less key: %v", err)
	}
	onlyFile(t, dir, "")
}

func TestDownloadConflictsAndUnsafeNames(t *testing.T) {
	f := newTransferFake(t, false, false)
	ctx := context.Background()
	node, err := f.c.Transfers.Upload(ctx, bytes.NewReader([]byte("hello")), 5, NodeID(1), &UploadOptions{Name: "h.txt"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := f.c.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "h.txt"), []byte("mine"), 0o600)
	_, err = f.c.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, nil)
	if !errors.Is(err, ErrFileExists) || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second download: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "h.txt")); string(got) != "mine" {
		t.Fatal("existing file changed")
	}
	if _, err := f.c.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, &DownloadOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "h.txt")); string(got) != "hello" {
		t.Fatal("overwrite did not replace the file")
	}
	onlyFile(t, dir, "h.txt")

	for _, name := range []string{"../x", "a/b", "..", ".", "", "x\x00y", `a\b`, "CON", "lpt1.txt", "nul.tar.gz", "x\n"} {
		if err := SafeLocalName(name); !errors.Is(err, ErrUnsafeName) {
			t.Errorf("SafeLocalName(%q) = %v", name, err)
		}
		f.mu.Lock()
		f.files[node.ID].node.Name = name
		f.mu.Unlock()
		sub := t.TempDir()
		if _, err := f.c.Transfers.DownloadFile(ctx, NodeID(node.ID), sub, nil); !errors.Is(err, ErrUnsafeName) {
			t.Errorf("download of a node named %q: %v", name, err)
		}
		onlyFile(t, sub, "")
	}
	if err := SafeLocalName("report (1).pdf"); err != nil {
		t.Errorf("ordinary name refused: %v", err)
	}
}

func TestUploadDistributesMissingKeys(t *testing.T) {
	f := newTransferFake(t, true, true)
	smallS3Parts(t)
	unlockFixture(t, f.c, crypto.KeyPairRSA2048)
	b := unlockFixture(t, nil, crypto.KeyPairRSA4096)
	pub := b.PublicKey().Container()
	f.otherUser = &pub
	data := randomBytes(2*testPart+1, 8)
	node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "k.bin", PartSize: testPart})
	if err != nil {
		t.Fatal(err)
	}
	fk := f.userKeys[[2]int64{node.ID, fakeOtherUserID}]
	if fk == nil {
		t.Fatal("user B got no file key")
	}
	plain, err := b.DecryptFileKey(fk)
	if err != nil {
		t.Fatal(err)
	}
	got, err := crypto.Decrypt(plain, f.content(node.ID))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("user B decrypts: %v", err)
	}
	// Nothing is left to distribute.
	if n, err := f.c.Transfers.DistributeMissingKeys(context.Background(), MissingKeysFilter{RoomID: 1}); err != nil || n != 0 {
		t.Fatalf("second distribution: %d, %v", n, err)
	}
}

func TestUploadRefusesBadOptions(t *testing.T) {
	f := newTransferFake(t, true, false)
	ctx := context.Background()
	for _, o := range []*UploadOptions{
		{Name: ""},
		{Name: "a/b"},
		{Name: "x", PartSize: 100},
		{Name: "x", PartSize: 1024}, // below S3's 5 MiB
		{Name: "x", KeepShareLinks: true},
		{Name: "x", ResolutionStrategy: "merge"},
		{Name: "x", Classification: 9},
	} {
		if _, err := f.c.Transfers.Upload(ctx, bytes.NewReader(nil), 0, NodeID(1), o); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("options %+v: %v", o, err)
		}
	}
	if f.openChannels() != 0 {
		t.Error("a refused upload opened a channel")
	}
	f2 := newTransferFake(t, false, true) // encrypted room, no key pair
	if _, err := f2.c.Transfers.Upload(ctx, bytes.NewReader(nil), 0, NodeID(1), &UploadOptions{Name: "x"}); !errors.Is(err, ErrNoKeyPair) {
		t.Errorf("encrypted upload without a key pair: %v", err)
	}
}

func TestTransferURLsMustNotDowngrade(t *testing.T) {
	c, err := New("https://dracoon.example.com")
	if err != nil {
		t.Fatal(err)
	}
	for raw, ok := range map[string]bool{
		"https://s3.example.com/b/k?sig=1": true,
		"http://127.0.0.1:9000/b/k":        true,
		"http://s3.example.com/b/k":        false,
		"ftp://s3.example.com/b/k":         false,
		"https://user:pw@s3.example.com/k": false,
		"/relative":                        false,
	} {
		if _, err := c.transferURL(raw); (err == nil) != ok {
			t.Errorf("transferURL(%q): %v", raw, err)
		}
	}
}

func TestUploadFileUsesLocalNameAndDate(t *testing.T) {
	f := newTransferFake(t, false, false)
	path := filepath.Join(t.TempDir(), "local name.txt")
	data := randomBytes(testPart+3, 30)
	os.WriteFile(path, data, 0o600)
	node, err := f.c.Transfers.UploadFile(context.Background(), path, NodeID(1), &UploadOptions{PartSize: testPart})
	if err != nil {
		t.Fatal(err)
	}
	if node.Name != "local name.txt" || !bytes.Equal(f.content(node.ID), data) {
		t.Errorf("uploaded %q, content equal %v", node.Name, bytes.Equal(f.content(node.ID), data))
	}
	if _, err := f.c.Transfers.UploadFile(context.Background(), filepath.Dir(path), NodeID(1), nil); err == nil {
		t.Error("uploading a directory as a file succeeded")
	}
}

func TestDistributeMissingKeysInBatches(t *testing.T) {
	f := newTransferFake(t, false, true)
	unlockFixture(t, f.c, crypto.KeyPairRSA2048)
	ctx := context.Background()
	const files = 2*missingKeysBatch + 7
	for i := range files {
		if _, err := f.c.Transfers.Upload(ctx, bytes.NewReader([]byte{byte(i)}), 1, NodeID(1), &UploadOptions{Name: fmt.Sprintf("k%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	b := unlockFixture(t, nil, crypto.KeyPairRSA4096)
	pub := b.PublicKey().Container()
	f.mu.Lock()
	f.otherUser = &pub
	// One file's key is of a version the client holds no key pair for: it
	// is skipped, and the rest still served.
	var odd int64
	for id := range f.files {
		odd = id
		break
	}
	f.userKeys[[2]int64{odd, fakeUserID}].Version = crypto.FileKeyRSA4096
	f.mu.Unlock()
	n, err := f.c.Transfers.DistributeMissingKeys(ctx, MissingKeysFilter{RoomID: 1})
	if err != nil || n != files-1 {
		t.Fatalf("distributed %d keys, %v; want %d", n, err, files-1)
	}
	for id := range f.files {
		if (f.userKeys[[2]int64{id, fakeOtherUserID}] == nil) != (id == odd) {
			t.Errorf("file %d: key for B %v", id, f.userKeys[[2]int64{id, fakeOtherUserID}] != nil)
		}
	}
}

func TestCancelledDownloadLeavesNothing(t *testing.T) {
	f := newTransferFake(t, false, false)
	data := randomBytes(8*testPart, 31)
	node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "c.bin"})
	if err != nil {
		t.Fatal(err)
	}
	before := settledGoroutines(-1)
	f.blockDownloads = true
	for _, o := range []*DownloadOptions{nil, {RangeSize: testPart, Concurrency: 3}} {
		dir := t.TempDir()
		var once sync.Once
		ctx, cancel := context.WithCancel(context.Background())
		o2 := DownloadOptions{}
		if o != nil {
			o2 = *o
		}
		o2.Progress = func(done, total int64) { once.Do(cancel) } // cancel once bytes flow
		if _, err := f.c.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, &o2); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled download: %v", err)
		}
		cancel()
		onlyFile(t, dir, "")
	}
	f.c.httpClient.CloseIdleConnections()
	if after := settledGoroutines(before); after > before {
		t.Errorf("goroutines: %d before, %d after the cancelled downloads", before, after)
	}
}

func TestS3StatusErrorAndTimeout(t *testing.T) {
	smallS3Parts(t)
	f := newTransferFake(t, true, false)
	var slept []time.Duration
	var clk clock
	f.c.now = clk.now
	f.c.sleep = func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		clk.advance(d)
		return ctx.Err()
	}
	f.statusError = true
	_, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader([]byte("x")), 1, NodeID(1), &UploadOptions{Name: "a", ResolutionStrategy: ResolutionFail})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("status error: %v", err)
	}
	f.statusError, f.statusStuck = false, true
	_, err = f.c.Transfers.Upload(context.Background(), bytes.NewReader([]byte("x")), 1, NodeID(1), &UploadOptions{Name: "b", StatusTimeout: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stuck status: %v", err)
	}
	// The waits double from s3PollFirst and stay at s3PollMax, within the
	// minute.
	var sum time.Duration
	for i, d := range slept {
		sum += d
		if d > s3PollMax || (i > 0 && d < slept[i-1]) {
			t.Fatalf("waits %v", slept)
		}
	}
	if slept[0] != s3PollFirst || slept[len(slept)-1] != s3PollMax || sum > time.Minute {
		t.Errorf("waits %v (sum %v)", slept, sum)
	}
	if len(f.cancelled) != 2 {
		t.Errorf("cancelled channels %v, want both", f.cancelled)
	}
}

func TestDistributeMissingKeysStopsWhenTheServerForgets(t *testing.T) {
	f := newTransferFake(t, false, true)
	unlockFixture(t, f.c, crypto.KeyPairRSA2048)
	ctx := context.Background()
	if _, err := f.c.Transfers.Upload(ctx, bytes.NewReader([]byte("x")), 1, NodeID(1), &UploadOptions{Name: "k"}); err != nil {
		t.Fatal(err)
	}
	pub := unlockFixture(t, nil, crypto.KeyPairRSA4096).PublicKey().Container()
	f.mu.Lock()
	f.otherUser, f.ignoreKeys = &pub, true
	f.mu.Unlock()
	if n, err := f.c.Transfers.DistributeMissingKeys(ctx, MissingKeysFilter{}); !errors.Is(err, ErrInvalidResponse) || n != 1 {
		t.Fatalf("distribution to a forgetful server: %d, %v", n, err)
	}
}
