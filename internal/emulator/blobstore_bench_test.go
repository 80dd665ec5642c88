package emulator

import (
	"crypto/md5"
	"io"
	"os"
	"testing"
)

// BenchmarkBlobWrite stores 64 MiB in the disk store as a chunk or part
// upload does: "sequential" hashes and writes one buffer after the other
// (the store before pipelining), "pipelined" is the store's hashed copy
// (MD5 in its own goroutine), "no-hash" the copy alone
// (Config.NoContentHashes). Compare the MB/s of one run.
//
//	go test -run '^$' -bench BlobWrite -benchmem -count 3 ./internal/emulator
func BenchmarkBlobWrite(b *testing.B) {
	const size = 64 << 20
	src := make([]byte, 1<<20)
	for i := range src {
		src[i] = byte(i * 7)
	}
	body := func() io.Reader { return io.LimitReader(repeatReader(src), size) }
	b.Run("sequential", func(b *testing.B) {
		dir := b.TempDir()
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			f, err := os.CreateTemp(dir, "blob-")
			if err != nil {
				b.Fatal(err)
			}
			bp := copyBufs.Get().(*[]byte)
			if _, err := io.CopyBuffer(io.MultiWriter(f, md5.New()), body(), *bp); err != nil {
				b.Fatal(err)
			}
			copyBufs.Put(bp)
			f.Close()
			os.Remove(f.Name())
		}
	})
	for _, v := range []struct {
		name    string
		hashing bool
	}{{"pipelined", true}, {"no-hash", false}} {
		b.Run(v.name, func(b *testing.B) {
			s, err := newDiskStore(b.TempDir(), v.hashing)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				id, n, _, err := s.write(body(), -1)
				if err != nil || n != size {
					b.Fatal(n, err)
				}
				s.remove(id)
			}
		})
	}
}

// repeatReader reads b over and over.
type repeatReader []byte

func (r repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], r)
	}
	return n, nil
}
