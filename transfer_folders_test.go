package dracoon

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// writeTree creates files (path → content) under root.
func writeTree(t *testing.T, root string, files map[string][]byte) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFolderUploadAndDownload(t *testing.T) {
	f := newTransferFake(t, false, false)
	ctx := context.Background()
	files := map[string][]byte{
		"a.txt":            []byte("alpha"),
		"sub/b.bin":        randomBytes(3*testPart+17, 11),
		"sub/deeper/c.bin": randomBytes(2*testPart, 12),
		"sub/d.bin":        randomBytes(testPart+1, 13),
		"e.bin":            randomBytes(4*testPart, 14),
	}
	src := filepath.Join(t.TempDir(), "proj")
	writeTree(t, src, files)
	os.MkdirAll(filepath.Join(src, "empty"), 0o755)
	var up progressLog
	top, err := f.c.Transfers.UploadFolder(ctx, src, NodeID(1), &FolderOptions{
		Upload: UploadOptions{PartSize: testPart}, Files: 4, MaxBytesInFlight: 2 * testPart, Progress: up.fn,
	})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, d := range files {
		total += int64(len(d))
	}
	up.check(t, total, false)
	if f.maxInflight > 2*testPart || f.maxInflight == 0 {
		t.Errorf("%d bytes in flight at most, limit %d", f.maxInflight, 2*testPart)
	}
	// A second run reuses the folders.
	folders := len(f.folders)
	if _, err := f.c.Transfers.UploadFolder(ctx, src, NodeID(1), nil); err != nil || len(f.folders) != folders || folders != 4 {
		t.Fatalf("second upload: %v; %d folders, then %d", err, folders, len(f.folders))
	}

	dest := t.TempDir()
	var down progressLog
	out, err := f.c.Transfers.DownloadFolder(ctx, NodeID(top.ID), dest, &FolderOptions{Download: DownloadOptions{Overwrite: true, RangeSize: testPart}, Progress: down.fn})
	if err != nil {
		t.Fatal(err)
	}
	if out != filepath.Join(dest, "proj") {
		t.Errorf("downloaded to %s", out)
	}
	for p, data := range files {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %v, equal %v", p, err, bytes.Equal(got, data))
		}
	}
	if st, err := os.Stat(filepath.Join(out, "empty")); err != nil || !st.IsDir() {
		t.Errorf("empty folder: %v", err)
	}
	down.check(t, 2*total, false) // every file was uploaded twice
	// Without Overwrite, an existing file is a conflict.
	if _, err := f.c.Transfers.DownloadFolder(ctx, NodeID(top.ID), dest, nil); !errors.Is(err, ErrFileExists) {
		t.Errorf("second download: %v", err)
	}
}

func TestFolderDownloadRefusesUnsafeNamesBeforeWriting(t *testing.T) {
	f := newTransferFake(t, false, false)
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "p")
	writeTree(t, src, map[string][]byte{"ok.txt": []byte("x"), "s/evil.txt": []byte("y")})
	top, err := f.c.Transfers.UploadFolder(ctx, src, NodeID(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	for _, ff := range f.files {
		if ff.node.Name == "evil.txt" {
			ff.node.Name = "../../evil.txt"
		}
	}
	f.mu.Unlock()
	dest := t.TempDir()
	if _, err := f.c.Transfers.DownloadFolder(ctx, NodeID(top.ID), dest, nil); !errors.Is(err, ErrUnsafeName) {
		t.Fatalf("download: %v", err)
	}
	onlyFile(t, dest, "")
}
