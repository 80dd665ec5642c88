//go:build (arm64 || ppc64 || ppc64le || s390x) && !purego

package gcm

// stdlibGCMHardware: crypto/cipher has GCM assembly for this architecture.
// (On arm64 CPUs without the AES and PMULL instructions the stdlib falls
// back to table-based AES and GHASH; Generic would not help there, since
// its AES is the stdlib's as well.)
var stdlibGCMHardware = true
