package gcm

import (
	"crypto/cipher"
	"crypto/subtle"
)

// Stream encrypts or decrypts one contiguous range of a message, starting
// at a block boundary, in pieces of any size, and accumulates the range's
// GHASH contribution. A Stream is not safe for concurrent use.
type Stream struct {
	k   *Key
	ctr uint32 // counter word of the next keystream block (asm engine)
	std cipher.Stream

	ks    [16]byte // keystream of the current partial block (asm engine)
	ksOff int      // bytes of ks already used; 16 = none pending

	h hasher
	n uint64 // bytes processed
}

// NewStream returns a Stream for the range that starts at block index
// block of the message (byte offset 16·block), that is at counter
// IV ‖ uint32(2+block). The caller keeps 2+block+blocks of the range within
// 2^32.
func (k *Key) NewStream(block uint64) *Stream {
	s := &Stream{}
	s.init(k, block)
	return s
}

// Init prepares s like NewStream, reusing its memory.
func (s *Stream) Init(k *Key, block uint64) { s.init(k, block) }

func (s *Stream) init(k *Key, block uint64) {
	*s = Stream{k: k, ctr: uint32(2 + block), ksOff: 16}
	s.h.init(k)
	if k.engine != Asm {
		cb := k.counterBlock(s.ctr)
		s.std = cipher.NewCTR(k.block, cb[:])
	}
}

// Len returns the number of bytes processed so far.
func (s *Stream) Len() uint64 { return s.n }

// chunk bounds the bytes that the two-pass engines handle at once, so that
// the data is still in cache for the second pass.
const chunk = 16 << 10

// Encrypt encrypts src into dst, which must be at least as long as src.
// dst and src may overlap entirely or not at all.
func (s *Stream) Encrypt(dst, src []byte) {
	dst = dst[:len(src)]
	s.n += uint64(len(src))
	if s.k.engine == Asm {
		s.cryptAsm(dst, src, true)
		return
	}
	for len(src) > 0 {
		n := min(len(src), chunk)
		s.std.XORKeyStream(dst[:n], src[:n])
		s.h.write(dst[:n])
		dst, src = dst[n:], src[n:]
	}
}

// Decrypt decrypts src into dst, which must be at least as long as src.
// dst and src may overlap entirely or not at all.
func (s *Stream) Decrypt(dst, src []byte) {
	dst = dst[:len(src)]
	s.n += uint64(len(src))
	if s.k.engine == Asm {
		s.cryptAsm(dst, src, false)
		return
	}
	for len(src) > 0 {
		n := min(len(src), chunk)
		s.h.write(src[:n])
		s.std.XORKeyStream(dst[:n], src[:n])
		dst, src = dst[n:], src[n:]
	}
}

// cryptAsm is Encrypt/Decrypt for the asm engine: the keystream of a
// partial block is kept in s.ks, full blocks go through the fused loop.
func (s *Stream) cryptAsm(dst, src []byte, enc bool) {
	// Finish a partial block.
	if s.ksOff < 16 && len(src) > 0 {
		n := min(len(src), 16-s.ksOff)
		if enc {
			subtle.XORBytes(dst[:n], src[:n], s.ks[s.ksOff:])
			s.h.write(dst[:n])
		} else {
			s.h.write(src[:n])
			subtle.XORBytes(dst[:n], src[:n], s.ks[s.ksOff:])
		}
		s.ksOff += n
		dst, src = dst[n:], src[n:]
	}
	// Here either src is empty or the position is block-aligned, and so is
	// the hasher's (its buffer is empty).
	if nb := len(src) / 16; nb > 0 {
		if enc {
			encBlocks(s.k.asm, dst[:nb*16], src[:nb*16], s.ctr, &s.h.y)
		} else {
			decBlocks(s.k.asm, dst[:nb*16], src[:nb*16], s.ctr, &s.h.y)
		}
		s.ctr += uint32(nb)
		dst, src = dst[nb*16:], src[nb*16:]
	}
	if len(src) > 0 {
		clear(s.ks[:])
		ctrBlocks(s.k.asm, s.ks[:], s.ks[:], s.ctr)
		s.ctr++
		n := len(src)
		if enc {
			subtle.XORBytes(dst, src, s.ks[:])
			s.h.write(dst)
		} else {
			s.h.write(src)
			subtle.XORBytes(dst, src, s.ks[:])
		}
		s.ksOff = n
	}
}

// Sum returns the GHASH contribution of everything processed so far (a
// partial last block zero-padded). The Stream must not be used afterwards
// except through Sum again.
func (s *Stream) Sum() Sum {
	var out Sum
	s.h.sum().put(out[:])
	return out
}

// SumSoFar returns what Sum would return now but leaves the Stream
// usable: a pending partial block is padded in a copy of the accumulator.
func (s *Stream) SumSoFar() Sum {
	h := s.h
	var out Sum
	h.sum().put(out[:])
	return out
}

// Tag returns the GCM tag of a message that consists of exactly what s
// processed, which must have started at block 0.
func (s *Stream) Tag() [TagSize]byte { return s.k.tag(s.h.sum(), s.n) }

// hasher is a GHASH accumulator over a byte stream.
type hasher struct {
	k    *Key
	y    elem // Y for Generic and Asm; Y·H for Oracle
	buf  [16]byte
	nbuf int
	otag [16]byte // oracle output scratch
}

func (h *hasher) init(k *Key) { *h = hasher{k: k} }

// write absorbs p, keeping a partial block for the next call.
func (h *hasher) write(p []byte) {
	if h.nbuf > 0 {
		n := copy(h.buf[h.nbuf:], p)
		h.nbuf += n
		p = p[n:]
		if h.nbuf < 16 {
			return
		}
		h.blocks(h.buf[:])
		h.nbuf = 0
	}
	if nb := len(p) &^ 15; nb > 0 {
		h.blocks(p[:nb])
		p = p[nb:]
	}
	h.nbuf = copy(h.buf[:], p)
}

// blocks absorbs full blocks.
func (h *hasher) blocks(p []byte) {
	k := h.k
	switch k.engine {
	case Asm:
		ghashBlocks(k.asm, &h.y, p)
	case Oracle:
		for len(p) > 0 {
			n := min(len(p), oracleChunkBlocks*16)
			h.oracleChunk(p[:n])
			p = p[n:]
		}
	default:
		h.y = ghashGeneric(h.y, k.h, p)
	}
}

// oracleChunk absorbs up to oracleChunkBlocks full blocks through the
// stdlib GCM: Seal(0^96, plaintext = empty, aad = p) returns
// GHASH_H(p ‖ [8·len(p)]_64 ‖ [0]_64) ⊕ E_K(0^96 ‖ 1) = Z ⊕ L·H ⊕ mask with
// Z = G·H, G being p's contribution to the accumulator. Hence
// (Y·H)' = (Y·H)·H^m ⊕ Z.
func (h *hasher) oracleChunk(p []byte) {
	k := h.k
	var nonce [NonceSize]byte
	t := k.oracle.Seal(h.otag[:0], nonce[:], nil, p)
	z := loadElem(t).xor(k.oracleMask).xor(mul(elem{hi: uint64(len(p)) << 3}, k.h))
	m := uint64(len(p) / 16)
	y := h.y
	for i := 0; m != 0; i, m = i+1, m>>1 {
		if m&1 != 0 {
			y = mul(y, k.hpow2[i])
		}
	}
	h.y = y.xor(z)
}

// sum pads a pending partial block and returns V = Y·H.
func (h *hasher) sum() elem {
	if h.nbuf > 0 {
		clear(h.buf[h.nbuf:])
		h.blocks(h.buf[:])
		h.nbuf = 0
	}
	if h.k.engine == Oracle {
		return h.y
	}
	return mul(h.y, h.k.h)
}
