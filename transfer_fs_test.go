package dracoon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/dracoon-go/dracoon/crypto"
)

func TestFSOverAFolder(t *testing.T) {
	for _, enc := range []bool{false, true} {
		t.Run(fmt.Sprintf("encrypted=%v", enc), func(t *testing.T) {
			f := newTransferFake(t, false, enc)
			if enc {
				unlockFixture(t, f.c, crypto.KeyPairRSA2048)
			}
			ctx := context.Background()
			files := map[string][]byte{
				"a.txt":            []byte("alpha"),
				"sub/b.bin":        randomBytes(3*testPart+17, 21),
				"sub/deeper/c.bin": randomBytes(2*testPart, 22),
				"sub/empty.bin":    {},
			}
			src := filepath.Join(t.TempDir(), "tree")
			writeTree(t, src, files)
			top, err := f.c.Transfers.UploadFolder(ctx, src, NodeID(1), &FolderOptions{Upload: UploadOptions{PartSize: testPart}})
			if err != nil {
				t.Fatal(err)
			}
			fsys, err := f.c.Transfers.FS(ctx, NodeID(top.ID))
			if err != nil {
				t.Fatal(err)
			}
			// fstest reads every file, seeks in them, and compares ReadDir
			// with what WalkDir finds.
			if err := fstest.TestFS(fsys, "a.txt", "sub/b.bin", "sub/deeper/c.bin", "sub/empty.bin"); err != nil {
				t.Fatal(err)
			}
			for p, data := range files {
				got, err := fs.ReadFile(fsys, p)
				if err != nil || !bytes.Equal(got, data) {
					t.Errorf("%s: %v, equal %v", p, err, bytes.Equal(got, data))
				}
			}
			if _, err := fs.Stat(fsys, "sub/missing"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("missing file: %v", err)
			}
			srv := httptest.NewServer(http.FileServerFS(fsys))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/sub/b.bin", nil)
			req.Header.Set("Range", "bytes=1000-1099")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, files["sub/b.bin"][1000:1100]) {
				t.Errorf("file server range: %d, %d bytes", resp.StatusCode, len(body))
			}
		})
	}
}

func TestFSReportsTamperingAtTheEnd(t *testing.T) {
	f := newTransferFake(t, false, true)
	unlockFixture(t, f.c, crypto.KeyPairRSA2048)
	ctx := context.Background()
	node, err := f.c.Transfers.Upload(ctx, bytes.NewReader(randomBytes(2*testPart, 23)), 2*testPart, NodeID(1), &UploadOptions{Name: "x.bin"})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.files[node.ID].content[10] ^= 1
	f.mu.Unlock()
	fsys, err := f.c.Transfers.FS(ctx, NodeID(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(fsys, "x.bin"); !errors.Is(err, crypto.ErrAuthentication) {
		t.Fatalf("tampered read: %v", err)
	}
}
