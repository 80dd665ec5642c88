//go:build !amd64 || purego

package gcm

// No assembly in this build: the Asm engine is never selected and these
// functions are never called.
const haveAsm = false

type asmKey struct{}

func newAsmKey(key, iv []byte, h elem) *asmKey { panic("gcm: no assembly in this build") }

func encBlocks(k *asmKey, dst, src []byte, ctr uint32, acc *elem) { panic("gcm: no assembly") }
func decBlocks(k *asmKey, dst, src []byte, ctr uint32, acc *elem) { panic("gcm: no assembly") }
func ctrBlocks(k *asmKey, dst, src []byte, ctr uint32)            { panic("gcm: no assembly") }
func ghashBlocks(k *asmKey, acc *elem, p []byte)                  { panic("gcm: no assembly") }
