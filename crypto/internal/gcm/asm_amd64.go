//go:build amd64 && !purego

package gcm

// The assembly in gcm_amd64.s needs AES-NI, PCLMULQDQ, AVX, AVX2, VAES
// and VPCLMULQDQ (256-bit forms only, no AVX-512), and an OS that saves
// the YMM state.
var haveAsm = cpuSupportsAsm()

// stdlibGCMHardware reports whether crypto/cipher's GCM uses its AES-NI and
// PCLMULQDQ assembly here (the condition the stdlib checks).
var stdlibGCMHardware = cpuSupportsStdlibGCM()

// asmKey is the key material in the layout gcm_amd64.s expects (offsets are
// hard-coded there; TestAsmKeyLayout checks them).
type asmKey struct {
	rk [15][32]byte // AES-256 round keys, each repeated in both 128-bit lanes
	hp [16]elem     // H^16 … H^1, each times x^-1 (see newAsmKey)
	iv [16]byte     // IV ‖ 00000000
}

// newAsmKey expands the AES key and precomputes the powers of H.
//
// The assembly multiplies with VPCLMULQDQ directly on elem integers and
// reduces with two folding steps by the reflected polynomial constant
// 0xC2000000_00000000 (a Montgomery reduction by 2^128 in the bit-reversed
// ring). Together this yields a·b·x (the reversed product is one bit
// short, see reduce in field.go), so each power of H is stored
// pre-multiplied by x^-1. In the reversed representation multiplying by
// x^-1 is a left shift by one with the reflected polynomial folded back in
// when a bit leaves the top.
func newAsmKey(key, iv []byte, h elem) *asmKey {
	k := new(asmKey)
	expandKeyAsm(&key[0], &k.rk)
	p := h
	for i := 15; i >= 0; i-- {
		k.hp[i] = timesXInv(p)
		p = mul(p, h)
	}
	copy(k.iv[:], iv)
	return k
}

// timesXInv returns e·x^-1 (constant time).
func timesXInv(e elem) elem {
	carry := -(e.hi >> 63)
	return elem{
		hi: (e.hi<<1 | e.lo>>63) ^ (carry & 0xc200000000000000),
		lo: e.lo<<1 ^ (carry & 1),
	}
}

// encBlocks encrypts full blocks with CTR starting at counter ctr and
// folds the ciphertext into the GHASH accumulator acc.
func encBlocks(k *asmKey, dst, src []byte, ctr uint32, acc *elem) {
	n := len(src) / 16
	if m := n &^ 15; m > 0 {
		encAsm(k, &dst[0], &src[0], m, ctr, acc)
	}
	if r := n & 15; r > 0 {
		off := (n &^ 15) * 16
		ctrAsm(k, &dst[off], &src[off], r, ctr+uint32(n&^15))
		ghashAsm(k, acc, &dst[off], r)
	}
}

// decBlocks is encBlocks for decryption: GHASH runs over src.
func decBlocks(k *asmKey, dst, src []byte, ctr uint32, acc *elem) {
	n := len(src) / 16
	if m := n &^ 15; m > 0 {
		decAsm(k, &dst[0], &src[0], m, ctr, acc)
	}
	if r := n & 15; r > 0 {
		off := (n &^ 15) * 16
		ghashAsm(k, acc, &src[off], r)
		ctrAsm(k, &dst[off], &src[off], r, ctr+uint32(n&^15))
	}
}

// ctrBlocks XORs full blocks of src with the keystream from counter ctr.
func ctrBlocks(k *asmKey, dst, src []byte, ctr uint32) {
	if n := len(src) / 16; n > 0 {
		ctrAsm(k, &dst[0], &src[0], n, ctr)
	}
}

// ghashBlocks folds full blocks of p into acc.
func ghashBlocks(k *asmKey, acc *elem, p []byte) {
	if n := len(p) / 16; n > 0 {
		ghashAsm(k, acc, &p[0], n)
	}
}

// expandKeyAsm writes the 15 AES-256 round keys of key (32 bytes), each
// twice, to rk.
//
//go:noescape
func expandKeyAsm(key *byte, rk *[15][32]byte)

// ctrAsm XORs n blocks at src with E_K(IV ‖ ctr), E_K(IV ‖ ctr+1), … and
// writes them to dst.
//
//go:noescape
func ctrAsm(k *asmKey, dst, src *byte, n int, ctr uint32)

// ghashAsm folds n blocks at src into the accumulator *acc.
//
//go:noescape
func ghashAsm(k *asmKey, acc *elem, src *byte, n int)

// encAsm is ctrAsm followed by ghashAsm over dst, fused; n must be a
// multiple of 16.
//
//go:noescape
func encAsm(k *asmKey, dst, src *byte, n int, ctr uint32, acc *elem)

// decAsm is ghashAsm over src followed by ctrAsm, fused; n must be a
// multiple of 16.
//
//go:noescape
func decAsm(k *asmKey, dst, src *byte, n int, ctr uint32, acc *elem)
