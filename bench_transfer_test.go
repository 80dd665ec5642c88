package dracoon

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// benchSize is the file size of the transfer benchmarks.
const benchSize = 32 << 20

// benchRoom starts an emulator (without the contract validator, which
// reads every body whole, and without content hashes, so the server's MD5
// does not dominate) and returns a logged-in client and a room, encrypted
// if asked, whose key pair is unlocked.
func benchRoom(b *testing.B, s3, enc bool) (*Client, int64) {
	b.Helper()
	ctx := context.Background()
	srv := dracoontest.NewServer(b, dracoontest.WithS3(s3), dracoontest.WithCrypto(true), dracoontest.WithoutContentHashes(), dracoontest.WithDataDir(b.TempDir()))
	c, err := New(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		b.Fatal(err)
	}
	room, err := c.Rooms.Create(ctx, &CreateRoomRequest{Name: "bench", AdminIDs: []int64{srv.AdminID}})
	if err != nil {
		b.Fatal(err)
	}
	if enc {
		fx := readKeyPairFixture(b, crypto.KeyPairRSA2048)
		if err := c.Account.SetKeyPair(ctx, &fx.UserKeyPair); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Account.UnlockKeyPair(ctx, fx.Password); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Rooms.Encrypt(ctx, room.ID, &EncryptRoomRequest{IsEncrypted: true}); err != nil {
			b.Fatal(err)
		}
	}
	return c, room.ID
}

// BenchmarkUpload measures upload throughput (b.SetBytes) from an
// io.ReaderAt to dracoontest over loopback, classic and direct S3, plain
// and encrypted, with the default part size and concurrency. Run with
// -benchmem; the figures include the in-process emulator's allocations.
func BenchmarkUpload(b *testing.B) {
	data := randomBytes(benchSize, 1)
	for _, s3 := range []bool{false, true} {
		for _, enc := range []bool{false, true} {
			b.Run(fmt.Sprintf("s3=%v/encrypted=%v", s3, enc), func(b *testing.B) {
				c, room := benchRoom(b, s3, enc)
				ctx := context.Background()
				b.SetBytes(benchSize)
				b.ReportAllocs()
				for b.Loop() {
					node, err := c.Transfers.Upload(ctx, bytes.NewReader(data), benchSize, NodeID(room), &UploadOptions{Name: "b.bin"})
					if err != nil {
						b.Fatal(err)
					}
					if err := c.Nodes.Delete(ctx, node.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkDownload measures download throughput from dracoontest into
// io.Discard (one stream) and into a file (concurrent ranges), plain and
// encrypted.
func BenchmarkDownload(b *testing.B) {
	data := randomBytes(benchSize, 2)
	for _, enc := range []bool{false, true} {
		c, room := benchRoom(b, false, enc)
		ctx := context.Background()
		node, err := c.Transfers.Upload(ctx, bytes.NewReader(data), benchSize, NodeID(room), &UploadOptions{Name: "d.bin"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("stream/encrypted=%v", enc), func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Transfers.Download(ctx, NodeID(node.ID), io.Discard, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("file/encrypted=%v", enc), func(b *testing.B) {
			dir := b.TempDir()
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Transfers.DownloadFile(ctx, NodeID(node.ID), dir, &DownloadOptions{Overwrite: true, RangeSize: 8 << 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUploadParts compares part sizes and concurrency for direct S3
// uploads of an encrypted file (the measurement behind DefaultPartSize
// and DefaultConcurrency).
func BenchmarkUploadParts(b *testing.B) {
	data := randomBytes(benchSize, 3)
	c, room := benchRoom(b, true, true)
	ctx := context.Background()
	for _, ps := range []int64{MinS3PartSize, 8 << 20, 16 << 20} {
		for _, conc := range []int{1, 2, 4, 8} {
			b.Run(fmt.Sprintf("part=%dMiB/concurrency=%d", ps>>20, conc), func(b *testing.B) {
				b.SetBytes(benchSize)
				for b.Loop() {
					node, err := c.Transfers.Upload(ctx, bytes.NewReader(data), benchSize, NodeID(room), &UploadOptions{Name: "p.bin", PartSize: ps, Concurrency: conc})
					if err != nil {
						b.Fatal(err)
					}
					if err := c.Nodes.Delete(ctx, node.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
