package emulator

import (
	"bytes"
	"crypto/md5"
	"errors"
	"io"
	"testing"
)

// The pipelined hashed copy stores and hashes every byte, at sizes around
// its buffer size, and honours the limit.
func TestCopyHashedPipelined(t *testing.T) {
	for _, size := range []int{0, 1, hashBufSize - 1, hashBufSize, hashBufSize + 1, hashDepth*hashBufSize + 3} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i*31 + i>>9)
		}
		var dst bytes.Buffer
		// iotest-like small reads: the copy must fill its buffers anyway.
		n, sum, err := copyHashed(&dst, io.LimitReader(struct{ io.Reader }{bytes.NewReader(data)}, int64(size)), -1, true)
		if err != nil || n != int64(size) || sum != md5.Sum(data) || !bytes.Equal(dst.Bytes(), data) {
			t.Errorf("size %d: n %d err %v, sum ok %v, bytes ok %v", size, n, err, sum == md5.Sum(data), bytes.Equal(dst.Bytes(), data))
		}
		if size > 0 {
			if _, _, err := copyHashed(io.Discard, bytes.NewReader(data), int64(size-1), true); !errors.Is(err, errBlobTooLong) {
				t.Errorf("size %d over its limit: %v", size, err)
			}
		}
	}
}

type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.left < len(p) {
		return 0, errors.New("disk full")
	}
	w.left -= len(p)
	return len(p), nil
}

// A failing store write ends the copy with its error, the hashing
// goroutine included.
func TestCopyHashedWriteError(t *testing.T) {
	data := make([]byte, 3*hashBufSize)
	_, _, err := copyHashed(&failingWriter{left: hashBufSize}, bytes.NewReader(data), -1, true)
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("err %v, want the writer's", err)
	}
}
