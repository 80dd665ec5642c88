//go:build !(amd64 || arm64 || ppc64 || ppc64le || s390x) || purego

package gcm

// stdlibGCMHardware: crypto/cipher's GCM is its variable-time software
// code in this build.
const stdlibGCMHardware = false
