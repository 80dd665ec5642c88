package dracoon

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
)

// benchSize is the file size of the transfer benchmarks.
const benchSize = 32 << 20

// BenchmarkUpload measures upload throughput (b.SetBytes) from an
// io.ReaderAt over loopback, classic and direct S3, plain and encrypted,
// with the default part size and concurrency. Run with -benchmem: the
// allocations per upload show that no part is buffered whole.
func BenchmarkUpload(b *testing.B) {
	data := randomBytes(benchSize, 1)
	for _, s3 := range []bool{false, true} {
		for _, enc := range []bool{false, true} {
			b.Run(fmt.Sprintf("s3=%v/encrypted=%v", s3, enc), func(b *testing.B) {
				f := newBenchFake(b, s3, enc)
				b.SetBytes(benchSize)
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), benchSize, NodeID(1), &UploadOptions{Name: fmt.Sprintf("b%d", i), PartSize: 8 << 20}); err != nil {
						b.Fatal(err)
					}
					f.forget()
				}
			})
		}
	}
}

// BenchmarkDownload measures download throughput into io.Discard and into
// a file (concurrent ranges), plain and encrypted.
func BenchmarkDownload(b *testing.B) {
	data := randomBytes(benchSize, 2)
	for _, enc := range []bool{false, true} {
		f := newBenchFake(b, false, enc)
		node, err := f.c.Transfers.Upload(context.Background(), bytes.NewReader(data), benchSize, NodeID(1), &UploadOptions{Name: "d"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("stream/encrypted=%v", enc), func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.c.Transfers.Download(context.Background(), NodeID(node.ID), io.Discard, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("file/encrypted=%v", enc), func(b *testing.B) {
			dir := b.TempDir()
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.c.Transfers.DownloadFile(context.Background(), NodeID(node.ID), dir, &DownloadOptions{Overwrite: true, RangeSize: 8 << 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// newBenchFake returns a transfer fake for benchmarks.
func newBenchFake(b *testing.B, s3, enc bool) *transferFake {
	b.Helper()
	f := newTransferFake(b, s3, enc)
	if enc {
		unlockFixture(b, f.c, crypto.KeyPairRSA2048)
	}
	return f
}

// forget drops the stored files, so a benchmark's memory stays flat.
func (f *transferFake) forget() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.files)
}
