// Package gcm is the data-encryption core of package crypto: AES-256-GCM
// with a 12-byte IV, no associated data and a 16-byte tag, computed as
// AES-CTR plus GHASH so that data can be processed in pieces of any size
// and at any block offset, with a result byte-identical to one-shot GCM.
//
// Construction (NIST SP 800-38D): H = E_K(0^128), J0 = IV ‖ 00000001; data
// block i (counting from 0) is XORed with E_K(IV ‖ uint32(2+i)); the tag is
// GHASH_H(C ‖ [0]_64 ‖ [8·len(C)]_64) ⊕ E_K(J0). GHASH is linear, so the
// contribution of a range of blocks can be computed on its own and
// multiplied into place by a power of H (see Key.Combine).
//
// Three engines compute the same function:
//
//   - Asm (amd64, not with the purego build tag): own assembly with VAES and
//     VPCLMULQDQ on 256-bit vectors, CTR and GHASH fused in one 16-block loop.
//   - Oracle: stdlib AES-CTR plus the stdlib's own GCM used as a GHASH oracle
//     (it seals an empty plaintext with the data as associated data). The
//     default where the stdlib has GCM assembly (amd64 and arm64 with the
//     AES and carry-less multiply instructions, ppc64x, s390x) and the own
//     assembly cannot run; unavailable when crypto/cipher refuses GCM
//     (GODEBUG=fips140=only), where keys fall back to Generic.
//   - Generic: stdlib AES-CTR plus a constant-time pure-Go GHASH. Works
//     everywhere; the default where the stdlib's GHASH would be its
//     variable-time table code (other architectures, -tags purego).
//
// Constant time: the own assembly and Generic's GHASH have no
// secret-dependent branches or memory indices. AES itself is the stdlib's
// in the other engines, which is hardware AES wherever the stdlib's GCM is.
//
// The package trusts its caller (package crypto) with sizes and buffers:
// the GCM limit of 2^32−2 blocks, destination lengths and aliasing are
// checked there.
package gcm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"errors"
	"fmt"
)

// Engine names an implementation of the construction.
type Engine uint8

// The engines, from slowest to fastest.
const (
	Generic Engine = iota + 1
	Oracle
	Asm
)

func (e Engine) String() string {
	switch e {
	case Generic:
		return "generic"
	case Oracle:
		return "oracle"
	case Asm:
		return "asm"
	}
	return fmt.Sprintf("Engine(%d)", uint8(e))
}

// Engines returns the engines usable in this build on this CPU, slowest
// first. Generic and Oracle are always listed; whether Oracle really works
// is decided per key (see NewKey).
func Engines() []Engine {
	if haveAsm {
		return []Engine{Generic, Oracle, Asm}
	}
	return []Engine{Generic, Oracle}
}

// Best returns the engine to use: Asm where available; otherwise Oracle
// where the stdlib's GCM runs on hardware GHASH (constant-time); otherwise
// Generic, because the stdlib's software GHASH is table-based and
// variable-time, while Generic is constant-time.
func Best() Engine {
	switch {
	case haveAsm:
		return Asm
	case stdlibGCMHardware:
		return Oracle
	}
	return Generic
}

// Sizes.
const (
	KeySize   = 32
	NonceSize = 12
	TagSize   = 16
	BlockSize = 16
)

// oracleChunkBlocks is the largest number of blocks given to the oracle in
// one Seal call; H^(2^k) is precomputed for 2^k up to this.
const (
	oracleChunkLog    = 12
	oracleChunkBlocks = 1 << oracleChunkLog
)

// Key holds everything derived from one AES-256 key and IV. It is
// immutable and safe for concurrent use.
type Key struct {
	engine Engine
	block  cipher.Block
	iv     [NonceSize]byte
	h      elem // H = E_K(0^128)
	mask   elem // E_K(J0), XORed into the tag

	// Oracle engine.
	oracle     cipher.AEAD
	oracleMask elem                     // E_K(0^96 ‖ 00000001), the oracle's tag mask
	hpow2      [oracleChunkLog + 1]elem // H^(2^k)

	// Asm engine.
	asm *asmKey
}

// NewKey prepares key (32 bytes) and iv (12 bytes) for the engine e. If
// e is Oracle and crypto/cipher refuses GCM (as it does under
// GODEBUG=fips140=only), the key falls back to Generic; if e is Asm and
// the CPU or build lacks it, the key falls back to Oracle (and from there
// possibly to Generic). Key.Engine reports the engine in use.
func NewKey(key, iv []byte, e Engine) (*Key, error) {
	if len(key) != KeySize {
		return nil, errors.New("gcm: key must be 32 bytes")
	}
	if len(iv) != NonceSize {
		return nil, errors.New("gcm: IV must be 12 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	k := &Key{block: block}
	copy(k.iv[:], iv)
	var b [16]byte
	block.Encrypt(b[:], b[:])
	k.h = loadElem(b[:])
	copy(b[:], iv)
	b[12], b[13], b[14], b[15] = 0, 0, 0, 1
	block.Encrypt(b[:], b[:])
	k.mask = loadElem(b[:])

	if e == Asm && !haveAsm {
		e = Oracle
	}
	switch e {
	case Asm:
		k.asm = newAsmKey(key, iv, k.h)
	case Oracle:
		if aead, err := cipher.NewGCM(block); err == nil {
			k.oracle = aead
			clear(b[:])
			b[15] = 1
			block.Encrypt(b[:], b[:])
			k.oracleMask = loadElem(b[:])
			k.hpow2[0] = k.h
			for i := 1; i < len(k.hpow2); i++ {
				k.hpow2[i] = mul(k.hpow2[i-1], k.hpow2[i-1])
			}
		} else {
			e = Generic
		}
	case Generic:
	default:
		return nil, fmt.Errorf("gcm: unknown engine %d", uint8(e))
	}
	k.engine = e
	return k, nil
}

// Engine reports the engine the key uses.
func (k *Key) Engine() Engine { return k.engine }

// counterBlock returns IV ‖ uint32(ctr).
func (k *Key) counterBlock(ctr uint32) [16]byte {
	var b [16]byte
	copy(b[:], k.iv[:])
	b[12], b[13], b[14], b[15] = byte(ctr>>24), byte(ctr>>16), byte(ctr>>8), byte(ctr)
	return b
}

// Sum is the GHASH contribution of a contiguous range of ciphertext that
// starts at a block boundary: V = Y·H, where Y is the GHASH accumulator
// after absorbing the range's blocks (a partial last block zero-padded)
// starting from zero. It is secret: together with the ciphertext it
// reveals H.
type Sum [16]byte

// Part describes one range for Combine.
type Part struct {
	Sum    Sum
	Length uint64 // bytes
}

// Combine returns the tag of the concatenation of parts, in order. All
// parts but the last must have lengths that are multiples of 16; Combine
// does not check that.
func (k *Key) Combine(parts []Part) [TagSize]byte {
	// V_total = Σ V_k · H^(blocks after part k), computed Horner-style from
	// the front: acc = acc·H^(blocks of part k) ⊕ V_k.
	var acc elem
	var total uint64
	for _, p := range parts {
		blocks := (p.Length + 15) / 16
		if blocks > 0 {
			acc = mul(acc, pow(k.h, blocks))
		}
		acc = acc.xor(loadElem(p.Sum[:]))
		total += p.Length
	}
	return k.tag(acc, total)
}

// tag finishes V (the Sum of the whole ciphertext of n bytes) into the GCM
// tag: GHASH = (Y ⊕ L)·H = V ⊕ L·H; tag = GHASH ⊕ E_K(J0).
func (k *Key) tag(v elem, n uint64) [TagSize]byte {
	t := v.xor(mul(lengthBlock(n), k.h)).xor(k.mask)
	var out [TagSize]byte
	t.put(out[:])
	return out
}

// Tag returns the tag of a ciphertext of n bytes whose Sum is s.
func (k *Key) Tag(s Sum, n uint64) [TagSize]byte { return k.tag(loadElem(s[:]), n) }

// Equal reports in constant time whether two tags are equal.
func Equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }
