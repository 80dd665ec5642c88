package gcm

import (
	"encoding/binary"
	"math/bits"
)

// elem is an element of GF(2^128) in GCM's representation (NIST SP 800-38D
// §6.3): a 16-byte block read as one big-endian 128-bit integer, so the
// most significant bit of hi is the coefficient of x^0 and the least
// significant bit of lo the coefficient of x^127. The field polynomial is
// x^128 + x^7 + x^2 + x + 1.
//
// The field order (lo before hi) makes the in-memory layout on a
// little-endian machine the 128-bit little-endian integer that the
// assembly loads with one vector move.
type elem struct {
	lo, hi uint64
}

// loadElem reads a 16-byte block.
func loadElem(b []byte) elem {
	_ = b[15]
	return elem{lo: binary.BigEndian.Uint64(b[8:]), hi: binary.BigEndian.Uint64(b)}
}

// put writes e as a 16-byte block.
func (e elem) put(b []byte) {
	_ = b[15]
	binary.BigEndian.PutUint64(b, e.hi)
	binary.BigEndian.PutUint64(b[8:], e.lo)
}

func (e elem) xor(f elem) elem { return elem{lo: e.lo ^ f.lo, hi: e.hi ^ f.hi} }

// lengthBlock returns GCM's final GHASH block for no associated data and n
// bytes of ciphertext: [0]_64 ‖ [8n]_64.
func lengthBlock(n uint64) elem { return elem{lo: n << 3} }

// Constant-time multiplication.
//
// The multiply below never branches on, or indexes memory with, its
// operands. It is built from bmul64, a carry-less 64×64→64 multiply made
// of ordinary integer multiplications with "holes" (the technique BearSSL
// calls ctmul64): each operand is split into four parts whose set bits are
// four positions apart; an integer product of two such parts adds at most
// 15 one-bits into any result position below 60 (and 16 at positions 60–63,
// whose carry leaves the 64-bit word), so the carries never reach the next
// position of the same residue class, and masking keeps exactly the parity
// bits — the carry-less product. The high 64 bits of a carry-less product
// come from the same routine on bit-reversed operands.

const (
	m0 = 0x1111111111111111
	m1 = 0x2222222222222222
	m2 = 0x4444444444444444
	m3 = 0x8888888888888888
)

// bmul64 returns the low 64 bits of the carry-less product of x and y.
func bmul64(x, y uint64) uint64 {
	x0, x1, x2, x3 := x&m0, x&m1, x&m2, x&m3
	y0, y1, y2, y3 := y&m0, y&m1, y&m2, y&m3
	z0 := (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1)
	z1 := (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2)
	z2 := (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3)
	z3 := (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0)
	return (z0 & m0) | (z1 & m1) | (z2 & m2) | (z3 & m3)
}

// clmul64 returns the 128-bit carry-less product of x and y as (hi, lo).
// If xr and yr are the bit reversals of x and y, the low 64 bits of xr·yr
// hold bits 126…63 of x·y in reverse order.
func clmul64(x, y, xr, yr uint64) (hi, lo uint64) {
	lo = bmul64(x, y)
	hi = bits.Reverse64(bmul64(xr, yr)) >> 1
	return hi, lo
}

// mul returns x·y in GF(2^128).
func mul(x, y elem) elem {
	// 256-bit carry-less product of the two 128-bit integers (Karatsuba).
	x0, x1, x2 := x.lo, x.hi, x.lo^x.hi
	y0, y1, y2 := y.lo, y.hi, y.lo^y.hi
	x0r, x1r, x2r := bits.Reverse64(x0), bits.Reverse64(x1), bits.Reverse64(x2)
	y0r, y1r, y2r := bits.Reverse64(y0), bits.Reverse64(y1), bits.Reverse64(y2)
	z0h, z0l := clmul64(x0, y0, x0r, y0r)
	z1h, z1l := clmul64(x1, y1, x1r, y1r)
	z2h, z2l := clmul64(x2, y2, x2r, y2r)
	z2h ^= z0h ^ z1h
	z2l ^= z0l ^ z1l
	p0 := z0l
	p1 := z0h ^ z2l
	p2 := z1l ^ z2h
	p3 := z1h
	return reduce(p3, p2, p1, p0)
}

// reduce takes the 256-bit carry-less product (p3:p2:p1:p0) of two field
// elements' integers and returns the field element it represents.
//
// Because the integers hold coefficients in reverse bit order, the
// carry-less product of two of them equals the reversed 255-coefficient
// product shifted right by one; shifting left by one restores it, after
// which (p3:p2) holds the coefficients of x^0…x^127 and (p1:p0) those of
// x^128…x^255. With x^128 = x^7 + x^2 + x + 1, the upper part W folds in as
// W + W·x + W·x^2 + W·x^7 — right shifts by 0, 1, 2 and 7 in this bit
// order. The up to seven coefficients shifted out at the low end (x^128 and
// above again) are folded in the same way once more; merging them into W
// first lets one set of shifts do both folds.
func reduce(p3, p2, p1, p0 uint64) elem {
	p3 = p3<<1 | p2>>63
	p2 = p2<<1 | p1>>63
	p1 = p1<<1 | p0>>63
	p0 <<= 1
	s := p0<<63 ^ p0<<62 ^ p0<<57
	vh, vl := p1^s, p0
	return elem{
		hi: p3 ^ vh ^ vh>>1 ^ vh>>2 ^ vh>>7,
		lo: p2 ^ vl ^ (vl>>1 | vh<<63) ^ (vl>>2 | vh<<62) ^ (vl>>7 | vh<<57),
	}
}

// pow returns h^n. The exponent is public (it derives from data lengths),
// so branching on its bits reveals nothing secret; the multiplications
// themselves are constant-time.
func pow(h elem, n uint64) elem {
	r := elem{hi: 1 << 63} // the field's 1
	for n > 0 {
		if n&1 != 0 {
			r = mul(r, h)
		}
		n >>= 1
		if n > 0 {
			h = mul(h, h)
		}
	}
	return r
}

// ghashGeneric folds the full 16-byte blocks of p into the GHASH
// accumulator y with hash key h and returns the new accumulator.
func ghashGeneric(y, h elem, p []byte) elem {
	for len(p) >= 16 {
		y = mul(y.xor(loadElem(p)), h)
		p = p[16:]
	}
	return y
}
