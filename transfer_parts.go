package dracoon

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/dracoon-go/dracoon/crypto"
)

// uploadPart is one part of an upload (a chunk in classic mode).
type uploadPart struct {
	num    int // 1-based
	offset int64
	length int64
	last   bool
	// data holds the part of a stream source (ciphertext in encrypted
	// rooms), kept until the part is on the server so a retry can send it
	// again; nil for re-readable sources, which are read again instead.
	data []byte
	sum  crypto.PartSum // of a stream source's encrypted part
	// release returns data's buffer to the pool.
	release func()
}

// partCount returns the number of parts of a known size (at least one:
// an empty file is one empty part).
func partCount(size, partSize int64) int {
	return int(max(1, (size+partSize-1)/partSize))
}

// partsOf yields the parts of the source in order. For a stream, buffers
// come from pool (which bounds the memory) and each part is read in full,
// then encrypted in place for encrypted rooms.
func (j *uploadJob) partsOf(ctx context.Context, pool chan []byte) iter.Seq2[*uploadPart, error] {
	if j.src.at != nil {
		return func(yield func(*uploadPart, error) bool) {
			n := partCount(j.src.size, j.partSize)
			for i := range n {
				off := int64(i) * j.partSize
				p := &uploadPart{num: i + 1, offset: off, length: min(j.partSize, j.src.size-off), last: i == n-1, release: func() {}}
				if !yield(p, nil) {
					return
				}
			}
		}
	}
	return func(yield func(*uploadPart, error) bool) {
		r := bufio.NewReaderSize(j.src.r, 64<<10)
		for num, off := 1, int64(0); ; num++ {
			var buf []byte
			select {
			case buf = <-pool:
			case <-ctx.Done():
				yield(nil, ctx.Err())
				return
			}
			back := func() { pool <- buf }
			n, err := io.ReadFull(r, buf[:j.partSize])
			last := false
			switch {
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				last = true
			case err != nil:
				back()
				yield(nil, fmt.Errorf("dracoon: upload: reading the source: %w", err))
				return
			default:
				if _, perr := r.Peek(1); errors.Is(perr, io.EOF) {
					last = true
				}
			}
			if n == 0 && num > 1 {
				back() // the previous part was the last, after all (cannot happen after Peek, kept for safety)
				return
			}
			p := &uploadPart{num: num, offset: off, length: int64(n), last: last, data: buf[:n], release: back}
			if j.parts != nil {
				if p.sum, err = j.parts.EncryptPart(p.data, p.data, off); err != nil {
					back()
					yield(nil, fmt.Errorf("dracoon: upload: %w", err))
					return
				}
			}
			off += int64(n)
			if !yield(p, nil) || last {
				return
			}
		}
	}
}

// newPool returns a pool of n buffers of size bytes for stream sources,
// nil for re-readable ones.
func (j *uploadJob) newPool(n int) chan []byte {
	if j.src.at != nil {
		return nil
	}
	pool := make(chan []byte, n)
	for range n {
		pool <- make([]byte, j.partSize)
	}
	return pool
}

// partBody is the body of one attempt at sending a part, and how to
// finish it.
type partBody struct {
	io.Reader
	count *countingReader
	enc   *encryptingReader
	part  *uploadPart
}

// body opens the body of a new attempt at p: the kept bytes, or the
// source's section (encrypted as it is read, in encrypted rooms).
func (j *uploadJob) body(p *uploadPart) (*partBody, error) {
	b := &partBody{part: p}
	var r io.Reader
	switch {
	case p.data != nil:
		r = bytes.NewReader(p.data)
	case j.parts != nil:
		var buf bytes.Buffer
		pw, err := j.parts.NewPartEncrypter(&buf, p.offset)
		if err != nil {
			return nil, fmt.Errorf("dracoon: upload: %w", err)
		}
		b.enc = &encryptingReader{src: io.NewSectionReader(j.src.at, p.offset, p.length), pw: pw, out: &buf}
		r = b.enc
	default:
		r = io.NewSectionReader(j.src.at, p.offset, p.length)
	}
	b.count = &countingReader{r: r, p: j.prog, offset: p.offset}
	b.Reader = b.count
	return b, nil
}

// done ends the attempt. After a successful request it checks that the
// whole part was sent and returns its sum (encrypted rooms); after a
// failed one it only releases the part's cipher state.
func (b *partBody) done(ok bool) (crypto.PartSum, error) {
	if b.enc != nil {
		if err := b.enc.close(); err != nil && ok {
			return crypto.PartSum{}, fmt.Errorf("dracoon: upload: %w", err)
		}
	}
	if !ok {
		return crypto.PartSum{}, nil
	}
	if b.count.n != b.part.length {
		return crypto.PartSum{}, fmt.Errorf("dracoon: upload: part %d: %d of %d bytes sent: %w", b.part.num, b.count.n, b.part.length, errShortTransfer)
	}
	if b.enc != nil {
		return b.enc.pw.Sum()
	}
	return b.part.sum, nil
}

// encryptingReader reads plaintext from src and yields ciphertext through
// a crypto.PartWriter, holding at most one read's worth (plus the part
// writer's retry hold-back) of ciphertext.
type encryptingReader struct {
	src    io.Reader
	pw     *crypto.PartWriter
	out    *bytes.Buffer
	buf    []byte
	eof    bool
	closed bool
	err    error
}

// encryptChunk is how much plaintext an encryptingReader reads at a time.
const encryptChunk = 256 << 10

func (e *encryptingReader) Read(b []byte) (int, error) {
	for e.out.Len() == 0 {
		if e.err != nil {
			return 0, e.err
		}
		if e.eof {
			return 0, io.EOF
		}
		if e.buf == nil {
			e.buf = make([]byte, encryptChunk)
		}
		n, err := e.src.Read(e.buf)
		if n > 0 {
			if _, werr := e.pw.Write(e.buf[:n]); werr != nil {
				e.err = werr
				continue
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			e.eof = true
			if cerr := e.close(); cerr != nil {
				e.err = cerr
			}
		case err != nil:
			e.err = err
		}
	}
	return e.out.Read(b)
}

// close closes the part writer once (flushing any held-back ciphertext).
func (e *encryptingReader) close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	return e.pw.Close()
}
