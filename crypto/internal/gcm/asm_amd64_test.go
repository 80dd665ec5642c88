//go:build amd64 && !purego

package gcm

import (
	"bytes"
	"crypto/aes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// TestAsmKeyLayout pins the offsets gcm_amd64.s hard-codes.
func TestAsmKeyLayout(t *testing.T) {
	var k asmKey
	if o := unsafe.Offsetof(k.rk); o != 0 {
		t.Errorf("rk at %d", o)
	}
	if o := unsafe.Offsetof(k.hp); o != 480 {
		t.Errorf("hp at %d", o)
	}
	if o := unsafe.Offsetof(k.hp) + 15*unsafe.Sizeof(k.hp[0]); o != 720 {
		t.Errorf("hp[15] at %d", o)
	}
	if o := unsafe.Offsetof(k.iv); o != 736 {
		t.Errorf("iv at %d", o)
	}
	if s := unsafe.Sizeof(elem{}); s != 16 {
		t.Errorf("elem is %d bytes", s)
	}
}

// TestCPUDetection compares the own CPUID code with the kernel's view.
func TestCPUDetection(t *testing.T) {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("no /proc/cpuinfo: %v", err)
	}
	var flags map[string]bool
	for _, line := range strings.Split(string(raw), "\n") {
		if name, val, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = map[string]bool{}
			for _, f := range strings.Fields(val) {
				flags[f] = true
			}
			break
		}
	}
	if flags == nil {
		t.Skip("no flags line in /proc/cpuinfo")
	}
	f := detectCPU()
	for name, got := range map[string]bool{"aes": f.aes, "pclmulqdq": f.pclmulqdq, "ssse3": f.ssse3, "sse4_1": f.sse41, "avx": f.avx, "avx2": f.avx2, "vaes": f.vaes, "vpclmulqdq": f.vpclmulqdq} {
		if got != flags[name] {
			t.Errorf("%s: CPUID says %v, /proc/cpuinfo says %v", name, got, flags[name])
		}
	}
	t.Logf("asm engine available: %v", haveAsm)
}

// refCTR is the keystream by the book: block i uses IV ‖ uint32(ctr+i),
// wrapping modulo 2^32 like GCM's inc32.
func refCTR(key, iv, src []byte, ctr uint32) []byte {
	block, _ := aes.NewCipher(key)
	out := make([]byte, len(src))
	var cb, ks [16]byte
	copy(cb[:], iv)
	for i := 0; i+16 <= len(src); i += 16 {
		binary.BigEndian.PutUint32(cb[12:], ctr+uint32(i/16))
		block.Encrypt(ks[:], cb[:])
		for j := range 16 {
			out[i+j] = src[i+j] ^ ks[j]
		}
	}
	return out
}

// checkAsm compares every assembly routine with the generic code for one
// input. data is truncated to whole blocks.
func checkAsm(t *testing.T, key, iv, data []byte, ctr uint32, acc elem) {
	data = data[:len(data)&^15]
	k, err := NewKey(key, iv, Asm)
	if err != nil || k.Engine() != Asm {
		t.Skip("no asm engine")
	}
	wantCT := refCTR(key, iv, data, ctr)

	got := make([]byte, len(data))
	ctrBlocks(k.asm, got, data, ctr)
	if !bytes.Equal(got, wantCT) {
		t.Fatalf("ctrAsm differs (%d blocks, ctr %#x)", len(data)/16, ctr)
	}

	y := acc
	ghashBlocks(k.asm, &y, data)
	if want := ghashGeneric(acc, k.h, data); y != want {
		t.Fatalf("ghashAsm differs (%d blocks): %x, want %x", len(data)/16, y, want)
	}

	y = acc
	encBlocks(k.asm, got, data, ctr, &y)
	if want := ghashGeneric(acc, k.h, wantCT); !bytes.Equal(got, wantCT) || y != want {
		t.Fatalf("encAsm differs (%d blocks, ctr %#x)", len(data)/16, ctr)
	}

	// Decrypt wantCT in place back to data.
	buf := bytes.Clone(wantCT)
	y = acc
	decBlocks(k.asm, buf, buf, ctr, &y)
	if want := ghashGeneric(acc, k.h, wantCT); !bytes.Equal(buf, data) || y != want {
		t.Fatalf("decAsm differs (%d blocks, ctr %#x)", len(data)/16, ctr)
	}
}

func TestAsmVsGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 31))
	ctrs := []uint32{2, 0, 1<<32 - 1, 1<<32 - 16, 1<<32 - 17, 1<<32 - 255, 0x00ffffff, 0x0100fff0}
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 64, 100, 255, 256, 257, 1000} {
		for _, c := range ctrs {
			acc := elem{}
			if n%2 == 1 {
				acc = randElem(r)
			}
			checkAsm(t, randBytes(r, 32), randBytes(r, 12), randBytes(r, 16*n), c, acc)
		}
	}
}

// FuzzAsmVsGeneric is the differential fuzz test of the assembly against
// the generic code: any key, IV, counter (including the wrap at 2^32),
// accumulator and length.
func FuzzAsmVsGeneric(f *testing.F) {
	r := rand.New(rand.NewPCG(32, 32))
	for _, n := range []int{0, 16, 256, 272, 512, 4096 + 48} {
		f.Add(randBytes(r, 32), randBytes(r, 12), randBytes(r, n), uint32(2), uint64(0), uint64(0))
		f.Add(randBytes(r, 32), randBytes(r, 12), randBytes(r, n), uint32(1<<32-7), r.Uint64(), r.Uint64())
	}
	f.Fuzz(func(t *testing.T, key, iv, data []byte, ctr uint32, acclo, acchi uint64) {
		key = append(key, make([]byte, 32)...)[:32]
		iv = append(iv, make([]byte, 12)...)[:12]
		data = data[:min(len(data), 16<<10)] // bigger adds only loop iterations
		checkAsm(t, key, iv, data, ctr, elem{lo: acclo, hi: acchi})
	})
}
