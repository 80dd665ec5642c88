//go:build amd64 && !purego

package gcm

// cpuid executes CPUID with EAX = leaf and ECX = sub.
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// xgetbv0 returns XCR0, the set of register states the OS saves.
func xgetbv0() (eax, edx uint32)

// cpuFeatures are the features the assembly needs.
type cpuFeatures struct {
	aes, pclmulqdq, sse41, ssse3, avx, avx2, vaes, vpclmulqdq, osYMM bool
}

func detectCPU() cpuFeatures {
	var f cpuFeatures
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return f
	}
	_, _, ecx1, _ := cpuid(1, 0)
	bit := func(v uint32, n uint) bool { return v>>n&1 == 1 }
	f.aes = bit(ecx1, 25)
	f.pclmulqdq = bit(ecx1, 1)
	f.ssse3 = bit(ecx1, 9)
	f.sse41 = bit(ecx1, 19)
	f.avx = bit(ecx1, 28)
	if bit(ecx1, 27) { // OSXSAVE: XGETBV is usable
		xcr0, _ := xgetbv0()
		f.osYMM = xcr0&6 == 6 // XMM and YMM state
	}
	_, ebx7, ecx7, _ := cpuid(7, 0)
	f.avx2 = bit(ebx7, 5)
	f.vaes = bit(ecx7, 9)
	f.vpclmulqdq = bit(ecx7, 10)
	return f
}

func (f cpuFeatures) asm() bool {
	return f.aes && f.pclmulqdq && f.avx && f.avx2 && f.vaes && f.vpclmulqdq && f.osYMM
}

func cpuSupportsAsm() bool { return detectCPU().asm() }

func cpuSupportsStdlibGCM() bool {
	f := detectCPU()
	return f.aes && f.pclmulqdq && f.sse41 && f.ssse3
}
