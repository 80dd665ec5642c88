// Package der is a small, tolerant reader for the DER subset that RSA keys
// and PKCS#8/PBES2 containers use.
//
// It differs from encoding/asn1 and cryptobyte in one deliberate way: a
// positive INTEGER may carry superfluous leading zero bytes. Legacy DRACOON
// key generators wrote such integers and the official SDKs read them, so a
// reader must too. Negative integers are still rejected, as are indefinite
// lengths, high tag numbers and lengths that overrun the input. Definite
// lengths in the long form are accepted even when a shorter form would do.
//
// Every error returned by this package wraps ErrSyntax.
package der

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// Universal tags (class and constructed bit included) used by RSA key and
// PKCS#8 structures.
const (
	TagInteger     byte = 0x02
	TagBitString   byte = 0x03
	TagOctetString byte = 0x04
	TagNull        byte = 0x05
	TagOID         byte = 0x06
	TagSequence    byte = 0x30
)

// ErrSyntax is wrapped by every error this package returns.
var ErrSyntax = errors.New("der: malformed encoding")

func syntaxErr(format string, args ...any) error {
	return fmt.Errorf("der: "+format+": %w", append(args, ErrSyntax)...)
}

// Reader walks a sequence of DER elements. The zero value reads nothing.
// A Reader never modifies or copies the bytes it was given: returned slices
// alias the input.
type Reader struct {
	data []byte
}

// NewReader returns a Reader over b.
func NewReader(b []byte) *Reader { return &Reader{data: b} }

// Empty reports whether all input has been consumed.
func (r *Reader) Empty() bool { return len(r.data) == 0 }

// PeekTag returns the tag byte of the next element without consuming it.
func (r *Reader) PeekTag() (byte, bool) {
	if len(r.data) == 0 {
		return 0, false
	}
	return r.data[0], true
}

// Next consumes one element and returns its tag and contents.
func (r *Reader) Next() (tag byte, contents []byte, err error) {
	d := r.data
	if len(d) < 2 {
		return 0, nil, syntaxErr("truncated element header")
	}
	tag = d[0]
	if tag&0x1f == 0x1f {
		return 0, nil, syntaxErr("high tag numbers are not supported")
	}
	lb := d[1]
	d = d[2:]
	var n uint64
	switch {
	case lb < 0x80:
		n = uint64(lb)
	case lb == 0x80:
		return 0, nil, syntaxErr("indefinite length")
	default:
		k := int(lb & 0x7f)
		if k > 4 {
			return 0, nil, syntaxErr("length of %d bytes is too long", k)
		}
		if len(d) < k {
			return 0, nil, syntaxErr("truncated length")
		}
		for _, b := range d[:k] {
			n = n<<8 | uint64(b)
		}
		d = d[k:]
	}
	if n > uint64(len(d)) {
		return 0, nil, syntaxErr("length %d exceeds the %d bytes left", n, len(d))
	}
	contents = d[:n:n]
	r.data = d[n:]
	return tag, contents, nil
}

// Expect consumes one element, which must carry tag, and returns its
// contents.
func (r *Reader) Expect(tag byte) ([]byte, error) {
	got, c, err := r.Next()
	if err != nil {
		return nil, err
	}
	if got != tag {
		return nil, syntaxErr("tag 0x%02x, want 0x%02x", got, tag)
	}
	return c, nil
}

// Sequence consumes a SEQUENCE and returns a Reader over its contents.
func (r *Reader) Sequence() (*Reader, error) {
	c, err := r.Expect(TagSequence)
	if err != nil {
		return nil, err
	}
	return NewReader(c), nil
}

// Integer consumes a non-negative INTEGER. Leading zero bytes are accepted;
// a negative value is an error.
func (r *Reader) Integer() (*big.Int, error) {
	c, err := r.Expect(TagInteger)
	if err != nil {
		return nil, err
	}
	if len(c) == 0 {
		return nil, syntaxErr("empty INTEGER")
	}
	if c[0]&0x80 != 0 {
		return nil, syntaxErr("negative INTEGER")
	}
	return new(big.Int).SetBytes(c), nil
}

// SmallInt consumes a non-negative INTEGER and returns it as an int64.
// Values above limit are reported with ok == false and no error, so the
// caller can tell "too large" from "malformed".
func (r *Reader) SmallInt(limit int64) (v int64, ok bool, err error) {
	n, err := r.Integer()
	if err != nil {
		return 0, false, err
	}
	if !n.IsInt64() || n.Int64() > limit {
		return 0, false, nil
	}
	return n.Int64(), true, nil
}

// OctetString consumes an OCTET STRING (primitive encoding only).
func (r *Reader) OctetString() ([]byte, error) {
	return r.Expect(TagOctetString)
}

// BitString consumes a BIT STRING whose length is a whole number of bytes
// and returns its bytes.
func (r *Reader) BitString() ([]byte, error) {
	c, err := r.Expect(TagBitString)
	if err != nil {
		return nil, err
	}
	if len(c) == 0 {
		return nil, syntaxErr("empty BIT STRING")
	}
	if c[0] != 0 {
		return nil, syntaxErr("BIT STRING with %d unused bits", c[0])
	}
	return c[1:], nil
}

// Null consumes a NULL.
func (r *Reader) Null() error {
	c, err := r.Expect(TagNull)
	if err != nil {
		return err
	}
	if len(c) != 0 {
		return syntaxErr("NULL with contents")
	}
	return nil
}

// OID consumes an OBJECT IDENTIFIER.
func (r *Reader) OID() (asn1.ObjectIdentifier, error) {
	c, err := r.Expect(TagOID)
	if err != nil {
		return nil, err
	}
	return parseOID(c)
}

func parseOID(c []byte) (asn1.ObjectIdentifier, error) {
	if len(c) == 0 {
		return nil, syntaxErr("empty OBJECT IDENTIFIER")
	}
	var arcs []int
	var v uint64
	start := true
	for i, b := range c {
		if start && b == 0x80 {
			return nil, syntaxErr("OBJECT IDENTIFIER arc with a leading 0x80")
		}
		start = false
		v = v<<7 | uint64(b&0x7f)
		if v > 1<<31-1 {
			return nil, syntaxErr("OBJECT IDENTIFIER arc too large")
		}
		if b&0x80 != 0 {
			if i == len(c)-1 {
				return nil, syntaxErr("truncated OBJECT IDENTIFIER")
			}
			continue
		}
		if arcs == nil {
			// The first subidentifier packs the first two arcs.
			switch {
			case v < 40:
				arcs = append(arcs, 0, int(v))
			case v < 80:
				arcs = append(arcs, 1, int(v-40))
			default:
				arcs = append(arcs, 2, int(v-80))
			}
		} else {
			arcs = append(arcs, int(v))
		}
		v = 0
		start = true
	}
	return asn1.ObjectIdentifier(arcs), nil
}

// AlgorithmIdentifier consumes an AlgorithmIdentifier SEQUENCE and returns
// its OID and its parameters element: tag and contents. hasParams is false
// when the parameters are absent.
func (r *Reader) AlgorithmIdentifier() (oid asn1.ObjectIdentifier, paramTag byte, params []byte, hasParams bool, err error) {
	seq, err := r.Sequence()
	if err != nil {
		return nil, 0, nil, false, err
	}
	oid, err = seq.OID()
	if err != nil {
		return nil, 0, nil, false, err
	}
	if seq.Empty() {
		return oid, 0, nil, false, nil
	}
	paramTag, params, err = seq.Next()
	if err != nil {
		return nil, 0, nil, false, err
	}
	if !seq.Empty() {
		return nil, 0, nil, false, syntaxErr("trailing data in AlgorithmIdentifier")
	}
	return oid, paramTag, params, true, nil
}
