package dracoon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// zipFake serves the two ZIP operations: an archive ("ZIP of" and the ids)
// streamed with the bearer token, and a token URL that serves it without.
// When broken is set every archive stops halfway through.
type zipFake struct {
	f       *fakeOAuth
	c       *Client
	broken  atomic.Bool
	leaked  atomic.Bool // a bearer token reached the token URL
	mu      sync.Mutex
	gotIDs  [][]int64
	archive func(ids []int64) []byte
}

func newZipFake(t *testing.T) *zipFake {
	z := &zipFake{f: newFakeOAuth("ada", "pw")}
	z.archive = func(ids []int64) []byte {
		b, _ := json.Marshal(ids)
		return bytes.Repeat(append([]byte("ZIP of "), b...), 5000)
	}
	m := z.f.mux()
	var base string
	ids := func(w http.ResponseWriter, r *http.Request) ([]int64, bool) {
		var req zipRequest
		if !z.f.authorized(r) || json.NewDecoder(r.Body).Decode(&req) != nil || len(req.NodeIDs) == 0 {
			writeJSON(w, 400, map[string]any{"code": 400, "message": "Bad request"})
			return nil, false
		}
		z.mu.Lock()
		z.gotIDs = append(z.gotIDs, req.NodeIDs)
		z.mu.Unlock()
		return req.NodeIDs, true
	}
	serve := func(w http.ResponseWriter, data []byte) {
		w.Header().Set("Content-Type", "application/zip")
		if z.broken.Load() {
			w.Header().Set("Content-Length", itoa(int64(len(data))))
			w.Write(data[:len(data)/2])
			return // the connection ends early
		}
		w.Write(data)
	}
	m.HandleFunc("POST /api/v4/nodes/zip", func(w http.ResponseWriter, r *http.Request) {
		got, ok := ids(w, r)
		if !ok {
			return
		}
		b, _ := json.Marshal(got)
		writeJSON(w, 200, map[string]any{"downloadUrl": base + "/api/v4/downloads/zip-token?ids=" + string(b)})
	})
	m.HandleFunc("GET /api/v4/downloads/zip-token", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			z.leaked.Store(true)
		}
		var got []int64
		_ = json.Unmarshal([]byte(r.URL.Query().Get("ids")), &got)
		serve(w, z.archive(got))
	})
	m.HandleFunc("POST /api/v4/nodes/zip/download", func(w http.ResponseWriter, r *http.Request) {
		if got, ok := ids(w, r); ok {
			serve(w, z.archive(got))
		}
	})
	z.c = newTestClient(t, m)
	base = z.c.base.String()
	connect(t, z.c, z.f)
	return z
}

func TestDownloadZip(t *testing.T) {
	z := newZipFake(t)
	ctx := context.Background()
	want := z.archive([]int64{3, 5})

	var buf bytes.Buffer
	var last, lastTotal int64
	n, err := z.c.Transfers.DownloadZip(ctx, []int64{3, 5}, &buf, &DownloadOptions{Progress: func(d, total int64) { last, lastTotal = d, total }})
	if err != nil || n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("streamed: %d bytes, %v", n, err)
	}
	if last != n || lastTotal != n {
		t.Fatalf("progress ended at %d of %d, want %d", last, lastTotal, n)
	}

	dir := t.TempDir()
	path, err := z.c.Transfers.DownloadZipFile(ctx, []int64{3, 5}, dir, nil)
	if err != nil || path != filepath.Join(dir, "archive.zip") {
		t.Fatalf("to a file: %s, %v", path, err)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("archive file: %d bytes, %v", len(got), err)
	}
	if z.leaked.Load() {
		t.Fatal("the bearer token went to the archive's token URL")
	}
	if _, err := z.c.Transfers.DownloadZipFile(ctx, []int64{3, 5}, dir, nil); !errors.Is(err, ErrFileExists) {
		t.Fatalf("again: %v", err)
	}
	z.mu.Lock()
	seen := slices.Clone(z.gotIDs)
	z.mu.Unlock()
	if !slices.EqualFunc(seen, [][]int64{{3, 5}, {3, 5}}, slices.Equal) {
		t.Fatalf("server saw node ids %v", seen)
	}

	// An archive that ends early: an error, and no file nor temporary
	// file in the directory.
	z.broken.Store(true)
	other := t.TempDir()
	if _, err := z.c.Transfers.DownloadZipFile(ctx, []int64{7}, filepath.Join(other, "x.zip"), nil); err == nil {
		t.Fatal("a truncated archive was accepted")
	}
	if es, _ := os.ReadDir(other); len(es) != 0 {
		t.Fatalf("a failed archive download left %d entries", len(es))
	}
	buf.Reset()
	if _, err := z.c.Transfers.DownloadZip(ctx, []int64{7}, &buf, nil); err == nil {
		t.Fatal("a truncated stream was accepted")
	}

	for i, err := range []error{
		func() error { _, err := z.c.Transfers.DownloadZip(ctx, nil, &buf, nil); return err }(),
		func() error { _, err := z.c.Transfers.DownloadZip(ctx, []int64{0}, &buf, nil); return err }(),
		func() error { _, err := z.c.Transfers.DownloadZip(ctx, []int64{1}, nil, nil); return err }(),
		func() error { _, err := z.c.Transfers.ZipURL(ctx, []int64{-2}); return err }(),
	} {
		if _, ok := errors.AsType[*InvalidRequestError](err); !ok {
			t.Errorf("case %d: %v, want an *InvalidRequestError", i, err)
		}
	}
}
