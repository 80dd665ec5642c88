package dracoon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
)

// requestedRange returns the first and last byte a download GET asks for
// (the whole content when it has no Range header).
func requestedRange(r *http.Request, size int) (first, last int) {
	first, last = 0, size-1
	if rg := r.Header.Get("Range"); rg != "" {
		_, _ = fmt.Sscanf(rg, "bytes=%d-%d", &first, &last)
	}
	return first, last
}

// TestLyingDownloadsLeaveNothing: a server whose download answers do not
// match the node (longer, shorter, or a range other than the one asked
// for) gives an error, and the destination holds neither the file nor a
// temporary file.
func TestLyingDownloadsLeaveNothing(t *testing.T) {
	const size = 4 * testPart
	lies := []struct {
		name string
		lie  func(w http.ResponseWriter, r *http.Request, content []byte)
	}{
		{"whole answer longer than the node", func(w http.ResponseWriter, r *http.Request, content []byte) {
			_, _ = w.Write(append(content, "extra"...)) // 200, Range ignored
		}},
		{"whole answer shorter than the node", func(w http.ResponseWriter, r *http.Request, content []byte) {
			_, _ = w.Write(content[:len(content)-7])
		}},
		{"range answer with more bytes than its Content-Range", func(w http.ResponseWriter, r *http.Request, content []byte) {
			first, last := requestedRange(r, len(content))
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", first, last, len(content)))
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(content[first : last+1])
			w.(http.Flusher).Flush() // chunked: no Content-Length to stop the client
			_, _ = w.Write([]byte("extra"))
		}},
		{"range answer that ends early", func(w http.ResponseWriter, r *http.Request, content []byte) {
			first, last := requestedRange(r, len(content))
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", first, last, len(content)))
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(content[first : first+(last-first)/2])
		}},
		{"range answer from the wrong offset", func(w http.ResponseWriter, r *http.Request, content []byte) {
			first, last := requestedRange(r, len(content))
			if first == 0 { // honest, but cut: the client asks for the rest
				w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", first, last, len(content)))
				w.Header().Set("Content-Length", strconv.Itoa(last-first+1))
				w.WriteHeader(http.StatusPartialContent)
				_, _ = w.Write(content[:(last+1)/2])
				w.(http.Flusher).Flush()
				panic(http.ErrAbortHandler)
			}
			{ // the bytes from 0, labelled honestly
				w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", last-first, len(content)))
				w.Header().Set("Content-Length", strconv.Itoa(last-first+1))
				w.WriteHeader(http.StatusPartialContent)
				_, _ = w.Write(content[:last-first+1])
			}
		}},
		{"range answer for a larger file", func(w http.ResponseWriter, r *http.Request, content []byte) {
			first, last := requestedRange(r, len(content))
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", first, last, len(content)+1))
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(content[first : last+1])
		}},
	}
	for _, enc := range []bool{false, true} {
		f := newTransferFake(t, false, enc)
		if enc {
			unlockFixture(t, f.c, crypto.KeyPairRSA2048)
		}
		data := randomBytes(size, 11)
		node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), size, NodeID(1), &UploadOptions{Name: "l.bin"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range lies {
			for _, o := range []*DownloadOptions{nil, {RangeSize: testPart, Concurrency: 2}} {
				t.Run(fmt.Sprintf("%s/encrypted=%t/ranges=%t", tt.name, enc, o != nil), func(t *testing.T) {
					f.mu.Lock()
					f.lie = tt.lie
					f.mu.Unlock()
					dir := t.TempDir()
					_, err := f.c.Transfers.DownloadFile(context.Background(), NodeID(node.ID), dir, o)
					if err == nil {
						t.Fatal("lying download accepted")
					}
					t.Log(err)
					onlyFile(t, dir, "")
					var buf bytes.Buffer
					if _, err := f.c.Transfers.Download(context.Background(), NodeID(node.ID), &buf, o); err == nil {
						t.Error("lying stream accepted")
					}
				})
			}
		}
		f.mu.Lock()
		f.lie = nil
		f.mu.Unlock()
		dir := t.TempDir()
		if _, err := f.c.Transfers.DownloadFile(context.Background(), NodeID(node.ID), dir, nil); err != nil {
			t.Fatalf("honest download: %v", err)
		}
		onlyFile(t, dir, "l.bin")
	}
}

// TestFileKeyForAnotherUser: a file key encrypted for a key pair other than
// the unlocked one gives crypto.ErrFileKeyDecrypt and writes nothing.
func TestFileKeyForAnotherUser(t *testing.T) {
	f := newTransferFake(t, false, true)
	mine := unlockFixture(t, f.c, crypto.KeyPairRSA2048)
	data := randomBytes(3*testPart, 5)
	node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), NodeID(1), &UploadOptions{Name: "k.bin"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := crypto.GenerateUserKeyPair(crypto.KeyPairRSA2048, "0ther-Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	own := f.userKeys[[2]int64{node.ID, fakeUserID}]
	f.mu.Unlock()
	plain, err := mine.DecryptFileKey(own) // the right key, with its tag
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := crypto.EncryptFileKey(plain, other.PublicKeyContainer)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.userKeys[[2]int64{node.ID, fakeUserID}] = foreign
	f.mu.Unlock()
	for _, o := range []*DownloadOptions{nil, {RangeSize: testPart, Concurrency: 2}} {
		dir := t.TempDir()
		_, err := f.c.Transfers.DownloadFile(context.Background(), NodeID(node.ID), dir, o)
		if !errors.Is(err, crypto.ErrFileKeyDecrypt) {
			t.Fatalf("download with another user's file key: %v, want crypto.ErrFileKeyDecrypt", err)
		}
		onlyFile(t, dir, "")
	}
	var buf bytes.Buffer
	if _, err := f.c.Transfers.Download(context.Background(), NodeID(node.ID), &buf, nil); !errors.Is(err, crypto.ErrFileKeyDecrypt) || buf.Len() != 0 {
		t.Fatalf("stream with another user's file key: %v after %d bytes", err, buf.Len())
	}
}

// TestFolderDownloadNamesThatArePaths: folder and file nodes whose names
// are paths ("../x", "a/b", "..") fail with ErrUnsafeName, and nothing is
// written in the destination or beside it.
func TestFolderDownloadNamesThatArePaths(t *testing.T) {
	for _, name := range []string{"../x", "a/b", "..", `..\x`, "/abs"} {
		for _, which := range []string{"top folder", "subfolder", "file"} {
			t.Run(which+"/"+name, func(t *testing.T) {
				f := newTransferFake(t, false, false)
				ctx := context.Background()
				src := filepath.Join(t.TempDir(), "p")
				writeTree(t, src, map[string][]byte{"ok.txt": []byte("x"), "s/f.txt": []byte("y")})
				top, err := f.c.Transfers.UploadFolder(ctx, src, NodeID(1), nil)
				if err != nil {
					t.Fatal(err)
				}
				f.mu.Lock()
				switch which {
				case "top folder":
					f.folders[top.ID].Name = name
				case "subfolder":
					for _, n := range f.folders {
						if n.Name == "s" {
							n.Name = name
						}
					}
				case "file":
					for _, ff := range f.files {
						if ff.node.Name == "f.txt" {
							ff.node.Name = name
						}
					}
				}
				f.mu.Unlock()
				root := t.TempDir()
				dest := filepath.Join(root, "dest")
				if err := os.Mkdir(dest, 0o755); err != nil {
					t.Fatal(err)
				}
				if _, err := f.c.Transfers.DownloadFolder(ctx, NodeID(top.ID), dest, nil); !errors.Is(err, ErrUnsafeName) {
					t.Fatalf("download: %v, want ErrUnsafeName", err)
				}
				onlyFile(t, dest, "")
				onlyFile(t, root, "dest")
			})
		}
	}
}
