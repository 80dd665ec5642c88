package der

import (
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"
)

func TestInteger(t *testing.T) {
	cases := []struct {
		in   []byte
		want int64 // -1: error
	}{
		{[]byte{0x02, 0x01, 0x00}, 0},
		{[]byte{0x02, 0x01, 0x7f}, 127},
		{[]byte{0x02, 0x02, 0x00, 0x80}, 128},
		{[]byte{0x02, 0x03, 0x00, 0x00, 0x80}, 128}, // superfluous zero: accepted
		{[]byte{0x02, 0x02, 0x00, 0x01}, 1},         // non-minimal positive: accepted
		{[]byte{0x02, 0x01, 0x80}, -1},              // negative
		{[]byte{0x02, 0x02, 0xff, 0x01}, -1},        // negative
		{[]byte{0x02, 0x00}, -1},                    // empty
		{[]byte{0x04, 0x01, 0x01}, -1},              // wrong tag
		{[]byte{0x02, 0x02, 0x01}, -1},              // truncated
	}
	for _, c := range cases {
		got, err := NewReader(c.in).Integer()
		if c.want < 0 {
			if err == nil || !errors.Is(err, ErrSyntax) {
				t.Errorf("% x: got %v, %v; want ErrSyntax", c.in, got, err)
			}
			continue
		}
		if err != nil || got.Cmp(big.NewInt(c.want)) != 0 {
			t.Errorf("% x: got %v, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestSmallInt(t *testing.T) {
	r := NewReader([]byte{0x02, 0x03, 0x13, 0xd6, 0x20, 0x02, 0x01, 0x05, 0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0})
	if v, ok, err := r.SmallInt(2_000_000); v != 1_300_000 || !ok || err != nil {
		t.Fatalf("got %d %t %v", v, ok, err)
	}
	if _, ok, err := r.SmallInt(4); ok || err != nil {
		t.Fatalf("5 > 4 must report !ok without error, got %t %v", ok, err)
	}
	if _, ok, err := r.SmallInt(1 << 62); ok || err != nil {
		t.Fatalf("2^64 must report !ok without error, got %t %v", ok, err)
	}
	if !r.Empty() {
		t.Fatal("not consumed")
	}
}

func TestLengths(t *testing.T) {
	long := make([]byte, 300)
	cases := []struct {
		name string
		in   []byte
		ok   bool
		n    int
	}{
		{"short form", []byte{0x04, 0x02, 1, 2}, true, 2},
		{"long form", append([]byte{0x04, 0x82, 0x01, 0x2c}, long...), true, 300},
		{"non-minimal long form", []byte{0x04, 0x81, 0x02, 1, 2}, true, 2},
		{"indefinite", []byte{0x30, 0x80, 0, 0}, false, 0},
		{"5 length bytes", []byte{0x04, 0x85, 0, 0, 0, 0, 1, 1}, false, 0},
		{"overrun", []byte{0x04, 0x03, 1, 2}, false, 0},
		{"huge", []byte{0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 1}, false, 0},
		{"truncated length", []byte{0x04, 0x82, 0x01}, false, 0},
		{"header only", []byte{0x04}, false, 0},
		{"high tag number", []byte{0x1f, 0x81, 0x01, 0x00}, false, 0},
	}
	for _, c := range cases {
		_, body, err := NewReader(c.in).Next()
		if c.ok != (err == nil) || c.ok && len(body) != c.n {
			t.Errorf("%s: body %d bytes, err %v", c.name, len(body), err)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: error does not wrap ErrSyntax: %v", c.name, err)
		}
	}
}

func TestOID(t *testing.T) {
	for _, oid := range []asn1.ObjectIdentifier{
		{1, 2, 840, 113549, 1, 5, 13},
		{2, 16, 840, 1, 101, 3, 4, 1, 42},
		{0, 9},
		{2, 999, 3},
		{1, 3, 6, 1, 4, 1, 11591, 4, 11},
	} {
		enc, _ := asn1.Marshal(oid)
		got, err := NewReader(enc).OID()
		if err != nil || !got.Equal(oid) {
			t.Errorf("%v: got %v, %v", oid, got, err)
		}
	}
	for name, in := range map[string][]byte{
		"empty":            {0x06, 0x00},
		"truncated arc":    {0x06, 0x02, 0x2a, 0x86},
		"leading 0x80":     {0x06, 0x03, 0x2a, 0x80, 0x01},
		"arc beyond 2^31":  {0x06, 0x07, 0x2a, 0x8f, 0xff, 0xff, 0xff, 0xff, 0x7f},
		"not an OID":       {0x05, 0x00},
		"first arc padded": {0x06, 0x02, 0x80, 0x01},
	} {
		if _, err := NewReader(in).OID(); !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestBitStringNullSequence(t *testing.T) {
	if b, err := NewReader([]byte{0x03, 0x03, 0x00, 0xab, 0xcd}).BitString(); err != nil || len(b) != 2 {
		t.Fatalf("bit string: %x %v", b, err)
	}
	for _, in := range [][]byte{{0x03, 0x00}, {0x03, 0x02, 0x01, 0xfe}} {
		if _, err := NewReader(in).BitString(); !errors.Is(err, ErrSyntax) {
			t.Errorf("% x: %v", in, err)
		}
	}
	if err := NewReader([]byte{0x05, 0x00}).Null(); err != nil {
		t.Fatal(err)
	}
	if err := NewReader([]byte{0x05, 0x01, 0x00}).Null(); !errors.Is(err, ErrSyntax) {
		t.Fatal("NULL with contents accepted")
	}
	seq, err := NewReader([]byte{0x30, 0x03, 0x02, 0x01, 0x05}).Sequence()
	if err != nil {
		t.Fatal(err)
	}
	if tag, ok := seq.PeekTag(); !ok || tag != TagInteger {
		t.Fatalf("peek %x %t", tag, ok)
	}
	if _, err := seq.Integer(); err != nil || !seq.Empty() {
		t.Fatalf("%v", err)
	}
	if _, ok := seq.PeekTag(); ok {
		t.Fatal("peek on empty reader")
	}
}

func TestAlgorithmIdentifier(t *testing.T) {
	withNull, _ := asn1.Marshal(struct {
		OID  asn1.ObjectIdentifier
		Null asn1.RawValue
	}{asn1.ObjectIdentifier{1, 2, 3}, asn1.NullRawValue})
	oid, tag, params, has, err := NewReader(withNull).AlgorithmIdentifier()
	if err != nil || !oid.Equal(asn1.ObjectIdentifier{1, 2, 3}) || tag != TagNull || len(params) != 0 || !has {
		t.Fatalf("with NULL: %v %x %x %t %v", oid, tag, params, has, err)
	}
	bare, _ := asn1.Marshal(struct{ OID asn1.ObjectIdentifier }{asn1.ObjectIdentifier{1, 2, 3}})
	if _, _, _, has, err := NewReader(bare).AlgorithmIdentifier(); has || err != nil {
		t.Fatalf("absent params: %t %v", has, err)
	}
	extra, _ := asn1.Marshal(struct {
		OID  asn1.ObjectIdentifier
		A, B int
	}{asn1.ObjectIdentifier{1, 2, 3}, 1, 2})
	if _, _, _, _, err := NewReader(extra).AlgorithmIdentifier(); !errors.Is(err, ErrSyntax) {
		t.Fatalf("two parameters: %v", err)
	}
}
