//go:build amd64 && !purego

#include "textflag.h"

// AES-256-CTR and GHASH for GCM with VAES and VPCLMULQDQ on YMM registers
// (two 16-byte blocks per register, AVX2 encoding, so no AVX-512 needed).
//
// Layout of asmKey (see asm_amd64.go):
//   0   rk[15][32]  round keys, each repeated in both lanes
//   480 hp[16][16]  H^16 … H^1 pre-multiplied by x^-1, as 128-bit
//                   little-endian integers of the byte-reversed blocks
//   736 iv[16]      IV ‖ 00000000
//
// Counter blocks are kept byte-reversed per lane, so that GCM's 32-bit
// big-endian block counter becomes dword 0 of the lane and VPADDD does
// GCM's inc32 (wrapping modulo 2^32 within the word); VPSHUFB with REV
// turns them back before encryption.
//
// GHASH works on byte-reversed blocks: VPCLMULQDQ multiplies the 128-bit
// integers (Karatsuba-free schoolbook: four products per block), up to 16
// products are summed unreduced, and one reduction follows: two folds of
// the low 128 bits by the constant 0xC2000000_00000000 (multiplying the
// low qword by it and swapping qwords cancels the low qword modulo the
// reflected polynomial), then the high 128 bits are added.

#define RK 0
#define HP 480
#define H1 720
#define IV 736

DATA rev<>+0x00(SB)/8, $0x08090a0b0c0d0e0f
DATA rev<>+0x08(SB)/8, $0x0001020304050607
DATA rev<>+0x10(SB)/8, $0x08090a0b0c0d0e0f
DATA rev<>+0x18(SB)/8, $0x0001020304050607
GLOBL rev<>(SB), RODATA|NOPTR, $32

DATA poly<>+0x00(SB)/8, $0x0000000000000001
DATA poly<>+0x08(SB)/8, $0xc200000000000000
GLOBL poly<>(SB), RODATA|NOPTR, $16

// lane1 adds 1 to the counter of the upper lane.
DATA lane1<>+0x00(SB)/8, $0
DATA lane1<>+0x08(SB)/8, $0
DATA lane1<>+0x10(SB)/8, $1
DATA lane1<>+0x18(SB)/8, $0
GLOBL lane1<>(SB), RODATA|NOPTR, $32

// inc<>+32*j adds 2j to both lanes' counters (j = 1 … 8).
DATA inc<>+0x00(SB)/8, $2
DATA inc<>+0x08(SB)/8, $0
DATA inc<>+0x10(SB)/8, $2
DATA inc<>+0x18(SB)/8, $0
DATA inc<>+0x20(SB)/8, $4
DATA inc<>+0x28(SB)/8, $0
DATA inc<>+0x30(SB)/8, $4
DATA inc<>+0x38(SB)/8, $0
DATA inc<>+0x40(SB)/8, $6
DATA inc<>+0x48(SB)/8, $0
DATA inc<>+0x50(SB)/8, $6
DATA inc<>+0x58(SB)/8, $0
DATA inc<>+0x60(SB)/8, $8
DATA inc<>+0x68(SB)/8, $0
DATA inc<>+0x70(SB)/8, $8
DATA inc<>+0x78(SB)/8, $0
DATA inc<>+0x80(SB)/8, $10
DATA inc<>+0x88(SB)/8, $0
DATA inc<>+0x90(SB)/8, $10
DATA inc<>+0x98(SB)/8, $0
DATA inc<>+0xa0(SB)/8, $12
DATA inc<>+0xa8(SB)/8, $0
DATA inc<>+0xb0(SB)/8, $12
DATA inc<>+0xb8(SB)/8, $0
DATA inc<>+0xc0(SB)/8, $14
DATA inc<>+0xc8(SB)/8, $0
DATA inc<>+0xd0(SB)/8, $14
DATA inc<>+0xd8(SB)/8, $0
DATA inc<>+0xe0(SB)/8, $16
DATA inc<>+0xe8(SB)/8, $0
DATA inc<>+0xf0(SB)/8, $16
DATA inc<>+0xf8(SB)/8, $0
GLOBL inc<>(SB), RODATA|NOPTR, $256

DATA one<>+0x00(SB)/8, $1
DATA one<>+0x08(SB)/8, $0
GLOBL one<>(SB), RODATA|NOPTR, $16

// ---------------------------------------------------------------------------
// Key expansion (FIPS 197 §5.2 for Nk = 8) with AESKEYGENASSIST.

// KEXP_EVEN: X2 = AESKEYGENASSIST(rcon, previous odd key); X1 = next even key.
#define KEXP_EVEN \
	PSHUFD $0xff, X2, X2; \
	MOVOU  X1, X4; \
	PSLLO  $4, X4; \
	PXOR   X4, X1; \
	PSLLO  $4, X4; \
	PXOR   X4, X1; \
	PSLLO  $4, X4; \
	PXOR   X4, X1; \
	PXOR   X2, X1

// KEXP_ODD: X3 = next odd key from the even key in X1 (SubWord, no RotWord, no rcon).
#define KEXP_ODD \
	AESKEYGENASSIST $0x00, X1, X2; \
	PSHUFD $0xaa, X2, X2; \
	MOVOU  X3, X4; \
	PSLLO  $4, X4; \
	PXOR   X4, X3; \
	PSLLO  $4, X4; \
	PXOR   X4, X3; \
	PSLLO  $4, X4; \
	PXOR   X4, X3; \
	PXOR   X2, X3

#define STORE2(x, off) \
	MOVOU x, off(DX); \
	MOVOU x, off+16(DX)

// func expandKeyAsm(key *byte, rk *[15][32]byte)
TEXT ·expandKeyAsm(SB), NOSPLIT, $0-16
	MOVQ key+0(FP), AX
	MOVQ rk+8(FP), DX
	MOVOU (AX), X1
	MOVOU 16(AX), X3
	STORE2(X1, 0)
	STORE2(X3, 32)
	AESKEYGENASSIST $0x01, X3, X2
	KEXP_EVEN
	STORE2(X1, 64)
	KEXP_ODD
	STORE2(X3, 96)
	AESKEYGENASSIST $0x02, X3, X2
	KEXP_EVEN
	STORE2(X1, 128)
	KEXP_ODD
	STORE2(X3, 160)
	AESKEYGENASSIST $0x04, X3, X2
	KEXP_EVEN
	STORE2(X1, 192)
	KEXP_ODD
	STORE2(X3, 224)
	AESKEYGENASSIST $0x08, X3, X2
	KEXP_EVEN
	STORE2(X1, 256)
	KEXP_ODD
	STORE2(X3, 288)
	AESKEYGENASSIST $0x10, X3, X2
	KEXP_EVEN
	STORE2(X1, 320)
	KEXP_ODD
	STORE2(X3, 352)
	AESKEYGENASSIST $0x20, X3, X2
	KEXP_EVEN
	STORE2(X1, 384)
	KEXP_ODD
	STORE2(X3, 416)
	AESKEYGENASSIST $0x40, X3, X2
	KEXP_EVEN
	STORE2(X1, 448)
	PXOR X1, X1
	PXOR X2, X2
	PXOR X3, X3
	PXOR X4, X4
	RET

// ---------------------------------------------------------------------------
// Shared pieces. Register use in the 16-block loops:
//   DI asmKey, SI src, DX dst, CX blocks left, R8 acc pointer
//   Y0  counters [c, c+1] (byte-reversed lanes)
//   Y1…Y8 data, Y9 round key / scratch
//   Y10 GHASH accumulator (upper lane zero), Y11 LO, Y12 HI, Y13 MID,
//   Y14 scratch, Y15 REV mask

// CTR_INIT builds Y0 = [ctr, ctr+1] from the IV and the counter in AX.
#define CTR_INIT \
	BSWAPL AX; \
	VMOVDQU IV(DI), X0; \
	VPINSRD $3, AX, X0, X0; \
	VPSHUFB rev<>(SB), X0, X0; \
	VINSERTI128 $1, X0, Y0, Y0; \
	VPADDD lane1<>(SB), Y0, Y0

// CTR8 loads the next 16 counter blocks into Y1…Y8, ready for round 1.
#define CTR8 \
	VPSHUFB Y15, Y0, Y1; \
	VPADDD inc<>+0x00(SB), Y0, Y2; \
	VPADDD inc<>+0x20(SB), Y0, Y3; \
	VPADDD inc<>+0x40(SB), Y0, Y4; \
	VPADDD inc<>+0x60(SB), Y0, Y5; \
	VPADDD inc<>+0x80(SB), Y0, Y6; \
	VPADDD inc<>+0xa0(SB), Y0, Y7; \
	VPADDD inc<>+0xc0(SB), Y0, Y8; \
	VPADDD inc<>+0xe0(SB), Y0, Y0; \
	VPSHUFB Y15, Y2, Y2; \
	VPSHUFB Y15, Y3, Y3; \
	VPSHUFB Y15, Y4, Y4; \
	VPSHUFB Y15, Y5, Y5; \
	VPSHUFB Y15, Y6, Y6; \
	VPSHUFB Y15, Y7, Y7; \
	VPSHUFB Y15, Y8, Y8; \
	VMOVDQU RK(DI), Y9; \
	VPXOR Y9, Y1, Y1; \
	VPXOR Y9, Y2, Y2; \
	VPXOR Y9, Y3, Y3; \
	VPXOR Y9, Y4, Y4; \
	VPXOR Y9, Y5, Y5; \
	VPXOR Y9, Y6, Y6; \
	VPXOR Y9, Y7, Y7; \
	VPXOR Y9, Y8, Y8

#define ROUND8(off) \
	VMOVDQU off(DI), Y9; \
	VAESENC Y9, Y1, Y1; \
	VAESENC Y9, Y2, Y2; \
	VAESENC Y9, Y3, Y3; \
	VAESENC Y9, Y4, Y4; \
	VAESENC Y9, Y5, Y5; \
	VAESENC Y9, Y6, Y6; \
	VAESENC Y9, Y7, Y7; \
	VAESENC Y9, Y8, Y8

#define LAST8 \
	VMOVDQU 448(DI), Y9; \
	VAESENCLAST Y9, Y1, Y1; \
	VAESENCLAST Y9, Y2, Y2; \
	VAESENCLAST Y9, Y3, Y3; \
	VAESENCLAST Y9, Y4, Y4; \
	VAESENCLAST Y9, Y5, Y5; \
	VAESENCLAST Y9, Y6, Y6; \
	VAESENCLAST Y9, Y7, Y7; \
	VAESENCLAST Y9, Y8, Y8

#define AES8 \
	ROUND8(32); \
	ROUND8(64); \
	ROUND8(96); \
	ROUND8(128); \
	ROUND8(160); \
	ROUND8(192); \
	ROUND8(224); \
	ROUND8(256); \
	ROUND8(288); \
	ROUND8(320); \
	ROUND8(352); \
	ROUND8(384); \
	ROUND8(416); \
	LAST8

// XOR8 XORs Y1…Y8 with 256 bytes at SI and stores them at DX.
#define XOR8 \
	VPXOR 0x00(SI), Y1, Y1; \
	VPXOR 0x20(SI), Y2, Y2; \
	VPXOR 0x40(SI), Y3, Y3; \
	VPXOR 0x60(SI), Y4, Y4; \
	VPXOR 0x80(SI), Y5, Y5; \
	VPXOR 0xa0(SI), Y6, Y6; \
	VPXOR 0xc0(SI), Y7, Y7; \
	VPXOR 0xe0(SI), Y8, Y8; \
	VMOVDQU Y1, 0x00(DX); \
	VMOVDQU Y2, 0x20(DX); \
	VMOVDQU Y3, 0x40(DX); \
	VMOVDQU Y4, 0x60(DX); \
	VMOVDQU Y5, 0x80(DX); \
	VMOVDQU Y6, 0xa0(DX); \
	VMOVDQU Y7, 0xc0(DX); \
	VMOVDQU Y8, 0xe0(DX)

// GH_FIRST starts a 16-block GHASH with the byte-reversed pair in x, which
// already has the accumulator added, times [H^16, H^15].
#define GH_FIRST(x) \
	VPCLMULQDQ $0x00, HP(DI), x, Y11; \
	VPCLMULQDQ $0x11, HP(DI), x, Y12; \
	VPCLMULQDQ $0x01, HP(DI), x, Y13; \
	VPCLMULQDQ $0x10, HP(DI), x, Y14; \
	VPXOR Y14, Y13, Y13

// GH_NEXT adds the byte-reversed pair in x times the powers at off.
#define GH_NEXT(x, off) \
	VPCLMULQDQ $0x00, off(DI), x, Y14; \
	VPXOR Y14, Y11, Y11; \
	VPCLMULQDQ $0x11, off(DI), x, Y14; \
	VPXOR Y14, Y12, Y12; \
	VPCLMULQDQ $0x01, off(DI), x, Y14; \
	VPXOR Y14, Y13, Y13; \
	VPCLMULQDQ $0x10, off(DI), x, Y14; \
	VPXOR Y14, Y13, Y13

// GH_REDUCE folds the lanes of Y11…Y13 and reduces into X10 (upper lane
// of Y10 becomes zero).
#define GH_REDUCE \
	VEXTRACTI128 $1, Y11, X14; \
	VPXOR X14, X11, X11; \
	VEXTRACTI128 $1, Y12, X14; \
	VPXOR X14, X12, X12; \
	VEXTRACTI128 $1, Y13, X14; \
	VPXOR X14, X13, X13; \
	VPSLLDQ $8, X13, X14; \
	VPXOR X14, X11, X11; \
	VPSRLDQ $8, X13, X13; \
	VPXOR X13, X12, X12; \
	VPCLMULQDQ $0x10, poly<>(SB), X11, X14; \
	VPSHUFD $0x4e, X11, X11; \
	VPXOR X14, X11, X11; \
	VPCLMULQDQ $0x10, poly<>(SB), X11, X14; \
	VPSHUFD $0x4e, X11, X11; \
	VPXOR X14, X11, X11; \
	VPXOR X12, X11, X10

// GH_ONE folds one byte-reversed block in X1 (accumulator already added)
// times H into X10.
#define GH_ONE \
	VPCLMULQDQ $0x00, H1(DI), X1, X11; \
	VPCLMULQDQ $0x11, H1(DI), X1, X12; \
	VPCLMULQDQ $0x01, H1(DI), X1, X13; \
	VPCLMULQDQ $0x10, H1(DI), X1, X14; \
	VPXOR X14, X13, X13; \
	VPSLLDQ $8, X13, X14; \
	VPXOR X14, X11, X11; \
	VPSRLDQ $8, X13, X13; \
	VPXOR X13, X12, X12; \
	VPCLMULQDQ $0x10, poly<>(SB), X11, X14; \
	VPSHUFD $0x4e, X11, X11; \
	VPXOR X14, X11, X11; \
	VPCLMULQDQ $0x10, poly<>(SB), X11, X14; \
	VPSHUFD $0x4e, X11, X11; \
	VPXOR X14, X11, X11; \
	VPXOR X12, X11, X10

// GH8 hashes the 16 ciphertext blocks in Y1…Y8 (clobbering them) into Y10.
#define GH8 \
	VPSHUFB Y15, Y1, Y1; \
	VPXOR Y10, Y1, Y1; \
	GH_FIRST(Y1); \
	VPSHUFB Y15, Y2, Y2; \
	GH_NEXT(Y2, HP+0x20); \
	VPSHUFB Y15, Y3, Y3; \
	GH_NEXT(Y3, HP+0x40); \
	VPSHUFB Y15, Y4, Y4; \
	GH_NEXT(Y4, HP+0x60); \
	VPSHUFB Y15, Y5, Y5; \
	GH_NEXT(Y5, HP+0x80); \
	VPSHUFB Y15, Y6, Y6; \
	GH_NEXT(Y6, HP+0xa0); \
	VPSHUFB Y15, Y7, Y7; \
	GH_NEXT(Y7, HP+0xc0); \
	VPSHUFB Y15, Y8, Y8; \
	GH_NEXT(Y8, HP+0xe0); \
	GH_REDUCE

// GH_MEM(off) loads the pair at off(SI) byte-reversed into Y9 and adds its products.
#define GH_MEM(off) \
	VMOVDQU off(SI), Y9; \
	VPSHUFB Y15, Y9, Y9; \
	GH_NEXT(Y9, HP+off)

// ---------------------------------------------------------------------------

// func ctrAsm(k *asmKey, dst, src *byte, n int, ctr uint32)
TEXT ·ctrAsm(SB), NOSPLIT, $0-36
	MOVQ k+0(FP), DI
	MOVQ dst+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	MOVL ctr+32(FP), AX
	CTR_INIT
	VMOVDQU rev<>(SB), Y15

ctr16:
	CMPQ CX, $16
	JB   ctr1
	CTR8
	AES8
	XOR8
	ADDQ $256, SI
	ADDQ $256, DX
	SUBQ $16, CX
	JMP  ctr16

ctr1:
	TESTQ CX, CX
	JZ    ctrdone
	VPSHUFB X15, X0, X1
	VPXOR RK(DI), X1, X1
	VAESENC 32(DI), X1, X1
	VAESENC 64(DI), X1, X1
	VAESENC 96(DI), X1, X1
	VAESENC 128(DI), X1, X1
	VAESENC 160(DI), X1, X1
	VAESENC 192(DI), X1, X1
	VAESENC 224(DI), X1, X1
	VAESENC 256(DI), X1, X1
	VAESENC 288(DI), X1, X1
	VAESENC 320(DI), X1, X1
	VAESENC 352(DI), X1, X1
	VAESENC 384(DI), X1, X1
	VAESENC 416(DI), X1, X1
	VAESENCLAST 448(DI), X1, X1
	VPXOR (SI), X1, X1
	VMOVDQU X1, (DX)
	VPADDD one<>(SB), X0, X0
	ADDQ $16, SI
	ADDQ $16, DX
	DECQ CX
	JMP  ctr1

ctrdone:
	VZEROUPPER
	RET

// func ghashAsm(k *asmKey, acc *elem, src *byte, n int)
TEXT ·ghashAsm(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), DI
	MOVQ acc+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	VMOVDQU (R8), X10
	VMOVDQU rev<>(SB), Y15

gh16:
	CMPQ CX, $16
	JB   gh1
	VMOVDQU (SI), Y9
	VPSHUFB Y15, Y9, Y9
	VPXOR Y10, Y9, Y9
	GH_FIRST(Y9)
	GH_MEM(0x20)
	GH_MEM(0x40)
	GH_MEM(0x60)
	GH_MEM(0x80)
	GH_MEM(0xa0)
	GH_MEM(0xc0)
	GH_MEM(0xe0)
	GH_REDUCE
	ADDQ $256, SI
	SUBQ $16, CX
	JMP  gh16

gh1:
	TESTQ CX, CX
	JZ    ghdone
	VMOVDQU (SI), X1
	VPSHUFB X15, X1, X1
	VPXOR X10, X1, X1
	GH_ONE
	ADDQ $16, SI
	DECQ CX
	JMP  gh1

ghdone:
	VMOVDQU X10, (R8)
	VZEROUPPER
	RET

// func encAsm(k *asmKey, dst, src *byte, n int, ctr uint32, acc *elem)
TEXT ·encAsm(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), DI
	MOVQ dst+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	MOVL ctr+32(FP), AX
	MOVQ acc+40(FP), R8
	CTR_INIT
	VMOVDQU rev<>(SB), Y15
	VMOVDQU (R8), X10

enc16:
	CMPQ CX, $16
	JB   encdone
	CTR8
	AES8
	XOR8
	GH8
	ADDQ $256, SI
	ADDQ $256, DX
	SUBQ $16, CX
	JMP  enc16

encdone:
	VMOVDQU X10, (R8)
	VZEROUPPER
	RET

// func decAsm(k *asmKey, dst, src *byte, n int, ctr uint32, acc *elem)
TEXT ·decAsm(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), DI
	MOVQ dst+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	MOVL ctr+32(FP), AX
	MOVQ acc+40(FP), R8
	CTR_INIT
	VMOVDQU rev<>(SB), Y15
	VMOVDQU (R8), X10

dec16:
	CMPQ CX, $16
	JB   decdone
	VMOVDQU (SI), Y9
	VPSHUFB Y15, Y9, Y9
	VPXOR Y10, Y9, Y9
	GH_FIRST(Y9)
	GH_MEM(0x20)
	GH_MEM(0x40)
	GH_MEM(0x60)
	GH_MEM(0x80)
	GH_MEM(0xa0)
	GH_MEM(0xc0)
	GH_MEM(0xe0)
	GH_REDUCE
	CTR8
	AES8
	XOR8
	ADDQ $256, SI
	ADDQ $256, DX
	SUBQ $16, CX
	JMP  dec16

decdone:
	VMOVDQU X10, (R8)
	VZEROUPPER
	RET
