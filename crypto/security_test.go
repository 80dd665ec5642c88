package crypto

// Tests for the findings of the security review (issue 6, crypto part):
// file-key reuse, foreign part sums, the PBKDF2 cost bound, tag-less keys
// and concatenated PEM blocks.

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/dracoon-go/dracoon/crypto/internal/gcm"
)

// secFailAfter accepts limit bytes, then fails every write.
type secFailAfter struct {
	buf   bytes.Buffer
	limit int
}

func (w *secFailAfter) Write(p []byte) (int, error) {
	room := w.limit - w.buf.Len()
	if room <= 0 {
		return 0, errors.New("connection reset")
	}
	if len(p) > room {
		w.buf.Write(p[:room])
		return room, errors.New("connection reset")
	}
	return w.buf.Write(p)
}

// A file key that has encrypted something is refused for encryption by
// every entry point, whether its tag is set or the encryption failed
// before it could be.
func TestFileKeyReuseRefused(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 61))
	for _, e := range gcm.Engines() {
		refusedEverywhere := func(what string, key *PlainFileKey) {
			t.Helper()
			if _, err := newEncrypter(io.Discard, key, e); !errors.Is(err, ErrFileKeyUsed) {
				t.Errorf("%v, %s: NewEncrypter = %v, want ErrFileKeyUsed", e, what, err)
			}
			if _, err := encrypt(key, []byte("second plaintext"), e); !errors.Is(err, ErrFileKeyUsed) {
				t.Errorf("%v, %s: Encrypt = %v, want ErrFileKeyUsed", e, what, err)
			}
			if _, err := newParts(key, e); !errors.Is(err, ErrFileKeyUsed) {
				t.Errorf("%v, %s: NewParts = %v, want ErrFileKeyUsed", e, what, err)
			}
		}

		key := stRandKey(r)
		if _, err := encrypt(key, []byte("first plaintext!"), e); err != nil {
			t.Fatal(err)
		}
		refusedEverywhere("after Encrypt", key)

		key = stRandKey(r)
		enc, err := newEncrypter(io.Discard, key, e)
		if err != nil {
			t.Fatal(err)
		}
		enc.Write([]byte("data"))
		enc.Close()
		refusedEverywhere("after Encrypter.Close", key)

		// A tag from elsewhere (an unwrapped file key of a stored file).
		key = stRandKey(r)
		key.Tag = stRandBytes(r, TagSize)
		refusedEverywhere("with a tag", key)

		// An Encrypter that failed half-way set no tag, but its ciphertext
		// may have left: the key is spent all the same.
		key = stRandKey(r)
		enc, _ = newEncrypter(&secFailAfter{limit: 10}, key, e)
		if _, err := enc.Write(make([]byte, 100)); err == nil {
			t.Fatal("write to failing writer succeeded")
		}
		if key.Tag != nil {
			t.Fatal("failed Encrypter set a tag")
		}
		refusedEverywhere("after a failed Encrypter", key)

		// Two Encrypters open at once on one key.
		key = stRandKey(r)
		if _, err := newEncrypter(io.Discard, key, e); err != nil {
			t.Fatal(err)
		}
		refusedEverywhere("while an Encrypter is open", key)

		key = stRandKey(r)
		if _, err := newParts(key, e); err != nil {
			t.Fatal(err)
		}
		refusedEverywhere("after NewParts", key)
	}
	// The error never shows the key.
	key := stRandKey(r)
	Encrypt(key, nil)
	if _, err := Encrypt(key, nil); err == nil || bytes.Contains([]byte(err.Error()), key.Key) {
		t.Fatalf("second Encrypt: %v", err)
	}
}

// EncryptPart accepts a repeated offset only for the same bytes; anything
// else is refused before any differing ciphertext is returned.
func TestPartRetryOnlyForIdenticalData(t *testing.T) {
	r := rand.New(rand.NewPCG(62, 62))
	for _, e := range gcm.Engines() {
		key := stRandKey(r)
		plain := stRandBytes(r, 3*partCheckpoint+1000)
		wantCT, wantTag := stSeal(t, key, plain)
		p, err := newParts(key, e)
		if err != nil {
			t.Fatal(err)
		}
		cut := 2 * partCheckpoint // two parts: [0, cut) and [cut, end)
		a, b := plain[:cut], plain[cut:]
		ct := make([]byte, len(plain))
		s1, err := p.EncryptPart(ct[:cut], a, 0)
		if err != nil {
			t.Fatal(err)
		}
		// The same bytes again: accepted, same result.
		again := make([]byte, cut)
		s1b, err := p.EncryptPart(again, a, 0)
		if err != nil || s1b != s1 || !bytes.Equal(again, ct[:cut]) {
			t.Fatalf("%v: identical retry: %v", e, err)
		}
		refused := func(what string, src []byte, off int64) {
			t.Helper()
			dst := bytes.Repeat([]byte{0xee}, len(src))
			if _, err := p.EncryptPart(dst, src, off); !errors.Is(err, ErrPartReuse) {
				t.Errorf("%v, %s: %v, want ErrPartReuse", e, what, err)
			}
			// Zeroed, or untouched when refused before encrypting.
			if !bytes.Equal(dst, make([]byte, len(src))) && !bytes.Equal(dst, bytes.Repeat([]byte{0xee}, len(src))) {
				t.Errorf("%v, %s: refused part left ciphertext in dst", e, what)
			}
		}
		for _, pos := range []int{0, 17, partCheckpoint - 1, partCheckpoint, cut - 1} {
			changed := bytes.Clone(a)
			changed[pos] ^= 1
			refused("one byte changed", changed, 0)
		}
		refused("shorter", a[:cut-16], 0)
		// In place: the caller's plaintext comes back, not ciphertext.
		for _, pos := range []int{5, partCheckpoint + 5, cut - 1} {
			changed := bytes.Clone(a)
			changed[pos] ^= 1
			buf := bytes.Clone(changed)
			if _, err := p.EncryptPart(buf, buf, 0); !errors.Is(err, ErrPartReuse) || !bytes.Equal(buf, changed) {
				t.Errorf("%v: in-place changed retry at %d: %v, plaintext restored %v", e, pos, err, bytes.Equal(buf, changed))
			}
		}
		refused("overlapping from inside", plain[16:cut+16], 16)
		// The second part, then one that runs into it from before.
		s2, err := p.EncryptPart(ct[cut:], b, int64(cut))
		if err != nil {
			t.Fatal(err)
		}
		refused("longer, into the next part", plain[:cut+16], 0)
		tag, err := p.SealTag([]PartSum{s2, s1}, int64(len(plain)))
		if err != nil || !bytes.Equal(tag, wantTag) || !bytes.Equal(ct, wantCT) {
			t.Fatalf("%v: SealTag after refused retries: %v", e, err)
		}
		// Sealed: no more encryption with this key.
		if _, err := p.EncryptPart(ct[:cut], a, 0); !errors.Is(err, ErrFileKeyUsed) {
			t.Errorf("%v: EncryptPart after SealTag: %v", e, err)
		}
	}
}

// A part upload that failed half-way is retried by streaming the part
// again from its source: the bytes the failed attempt released are
// checked against it checkpoint by checkpoint; bytes beyond are new. A
// changed source is refused before any of its differing ciphertext is
// written.
func TestPartWriterRetry(t *testing.T) {
	r := rand.New(rand.NewPCG(63, 63))
	for _, e := range gcm.Engines() {
		key := stRandKey(r)
		plain := stRandBytes(r, 3*partCheckpoint+555)
		wantCT, _ := stSeal(t, key, plain)
		p, err := newParts(key, e)
		if err != nil {
			t.Fatal(err)
		}
		stream := func(w io.Writer, src []byte) (*PartWriter, error) {
			pw, err := p.NewPartEncrypter(w, 0)
			if err != nil {
				return nil, err
			}
			for len(src) > 0 {
				n := min(len(src), 1+r.IntN(300_000))
				if _, err := pw.Write(src[:n]); err != nil {
					return pw, err
				}
				src = src[n:]
			}
			return pw, pw.Close()
		}
		// Attempt 1 dies after 1.5 checkpoints.
		failed := &secFailAfter{limit: partCheckpoint + partCheckpoint/2}
		if _, err := stream(failed, plain); err == nil {
			t.Fatal("failing upload succeeded")
		}
		// Attempt 2 with a byte changed inside what attempt 1 released:
		// refused; only ciphertext equal to attempt 1's was written.
		changed := bytes.Clone(plain)
		changed[partCheckpoint+1000] ^= 0x80
		var out2 bytes.Buffer
		if _, err := stream(&out2, changed); !errors.Is(err, ErrPartReuse) {
			t.Fatalf("%v: changed retry: %v, want ErrPartReuse", e, err)
		}
		if out2.Len() > partCheckpoint || !bytes.Equal(out2.Bytes(), wantCT[:out2.Len()]) {
			t.Fatalf("%v: changed retry released %d bytes", e, out2.Len())
		}
		// A retry that ends early is refused too.
		if _, err := stream(io.Discard, plain[:partCheckpoint]); !errors.Is(err, ErrPartReuse) {
			t.Fatalf("%v: short retry: %v", e, err)
		}
		// Attempt 3 with a change beyond what attempt 1 released: new
		// keystream, accepted (the file simply has other content there).
		changed = bytes.Clone(plain)
		changed[2*partCheckpoint+7] ^= 1
		if _, err := stream(io.Discard, changed); err != nil {
			t.Fatalf("%v: retry changed beyond the released bytes: %v", e, err)
		}
		// From now on the whole part is fixed: the original is refused,
		// an identical copy of attempt 3 streams through.
		if _, err := stream(io.Discard, plain); !errors.Is(err, ErrPartReuse) {
			t.Fatalf("%v: original after attempt 3: %v", e, err)
		}
		var out4 bytes.Buffer
		pw, err := stream(&out4, changed)
		if err != nil {
			t.Fatalf("%v: identical retry: %v", e, err)
		}
		wantCT3, wantTag3 := stSeal(t, stKeyCopy(key), changed)
		sum, _ := pw.Sum()
		tag, err := p.SealTag([]PartSum{sum}, int64(len(changed)))
		if err != nil || !bytes.Equal(out4.Bytes(), wantCT3) || !bytes.Equal(tag, wantTag3) {
			t.Fatalf("%v: retried part: %v", e, err)
		}
	}
}

func stKeyCopy(k *PlainFileKey) *PlainFileKey {
	return &PlainFileKey{Version: k.Version, Key: k.Key, IV: k.IV}
}

// An open attempt blocks a concurrent one at the same offset; Close
// (also after a failure) releases the part for a retry.
func TestPartOpenAttemptBlocksRetry(t *testing.T) {
	r := rand.New(rand.NewPCG(64, 64))
	p, err := NewParts(stRandKey(r))
	if err != nil {
		t.Fatal(err)
	}
	src := stRandBytes(r, 100)
	pw, err := p.NewPartEncrypter(io.Discard, 0)
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(src[:50])
	if _, err := p.EncryptPart(make([]byte, 100), src, 0); !errors.Is(err, ErrPartReuse) {
		t.Fatalf("EncryptPart during an open attempt: %v", err)
	}
	if _, err := p.NewPartEncrypter(io.Discard, 0); !errors.Is(err, ErrPartReuse) {
		t.Fatalf("second PartWriter during an open attempt: %v", err)
	}
	if _, err := p.EncryptPart(make([]byte, 16), src[:16], 32); !errors.Is(err, ErrPartReuse) {
		t.Fatalf("part inside an open attempt's bytes: %v", err)
	}
	pw.Close()
	if _, err := p.EncryptPart(make([]byte, 100), src, 0); err != nil {
		t.Fatalf("retry after Close: %v", err)
	}
}

// SealTag and VerifyTag refuse sums made by another Parts value instead of
// returning a wrong tag.
func TestForeignPartSumRefused(t *testing.T) {
	r := rand.New(rand.NewPCG(65, 65))
	for _, e := range gcm.Engines() {
		k1, k2 := stRandKey(r), stRandKey(r)
		plain := stRandBytes(r, 64)
		p1, _ := newParts(k1, e)
		p2, _ := newParts(k2, e)
		s1, err := p1.EncryptPart(make([]byte, 32), plain[:32], 0)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := p2.EncryptPart(make([]byte, 32), plain[32:], 32)
		if err != nil {
			t.Fatal(err)
		}
		if tag, err := p2.SealTag([]PartSum{s1, s2}, 64); !errors.Is(err, ErrForeignPartSum) {
			t.Fatalf("%v: SealTag with a foreign sum = %x, %v", e, tag, err)
		}
		if k2.Tag != nil {
			t.Fatalf("%v: refused SealTag set a tag", e)
		}
		// Same key, two decrypting Parts: still foreign.
		ct, tag := stSeal(t, k1, plain)
		dk := stKeyCopy(k1)
		dk.Tag = tag
		d1, err := NewDecryptParts(dk)
		if err != nil {
			t.Fatal(err)
		}
		d2, _ := NewDecryptParts(dk)
		a, _ := d1.DecryptPart(make([]byte, 32), ct[:32], 0)
		b, _ := d2.DecryptPart(make([]byte, 32), ct[32:], 32)
		if err := d2.VerifyTag([]PartSum{a, b}, 64); !errors.Is(err, ErrForeignPartSum) {
			t.Fatalf("%v: VerifyTag with a foreign sum: %v", e, err)
		}
		if err := d1.VerifyTag([]PartSum{a, stMust(d1.DecryptPart(make([]byte, 32), ct[32:], 32))}, 64); err != nil {
			t.Fatalf("%v: own sums: %v", e, err)
		}
	}
}

// A key without tag decrypts nothing, not even an empty file: a server
// that strips the tag must not get an empty download accepted.
func TestMissingTagNeverDecrypts(t *testing.T) {
	r := rand.New(rand.NewPCG(66, 66))
	for _, e := range gcm.Engines() {
		key := stRandKey(r) // no tag
		if _, err := decrypt(key, nil, e); !errors.Is(err, ErrMissingTag) {
			t.Errorf("%v: Decrypt(empty) without tag: %v", e, err)
		}
		if _, err := decrypt(key, []byte{}, e); !errors.Is(err, ErrMissingTag) {
			t.Errorf("%v: Decrypt([]byte{}) without tag: %v", e, err)
		}
		if _, err := decrypt(key, []byte{1, 2}, e); !errors.Is(err, ErrMissingTag) {
			t.Errorf("%v: Decrypt(data) without tag: %v", e, err)
		}
		if _, err := newDecrypter(bytes.NewReader(nil), key, e); !errors.Is(err, ErrMissingTag) {
			t.Errorf("%v: NewDecrypter without tag: %v", e, err)
		}
		if _, err := newDecryptParts(key, e); !errors.Is(err, ErrMissingTag) {
			t.Errorf("%v: NewDecryptParts without tag: %v", e, err)
		}
		// An encrypting Parts has no tag until SealTag: it cannot decrypt.
		p, _ := newParts(key, e)
		if _, err := p.DecryptPart(nil, nil, 0); !errors.Is(err, ErrMissingTag) {
			t.Errorf("%v: DecryptPart before SealTag: %v", e, err)
		}
		if _, err := p.NewPartDecrypter(io.Discard, 0); !errors.Is(err, ErrMissingTag) {
			t.Errorf("%v: NewPartDecrypter before SealTag: %v", e, err)
		}
		if err := p.VerifyTag(nil, 0); !errors.Is(err, ErrMissingTag) {
			t.Errorf("%v: VerifyTag before SealTag: %v", e, err)
		}
		// With the tag of the empty file it does decrypt.
		_, tag := stSeal(t, key, nil)
		withTag := stKeyCopy(key)
		withTag.Tag = tag
		if got, err := decrypt(withTag, nil, e); err != nil || len(got) != 0 {
			t.Errorf("%v: empty file with tag: %v", e, err)
		}
	}
}

// The iteration cap for PRFs no official SDK writes is lower than the
// general one; every PRF and count that official data uses stays open.
func TestPBKDF2CapForUnofficialPRFs(t *testing.T) {
	t.Parallel()
	plain := pkcs8Of(t, pairA(t))
	for _, c := range []struct {
		name string
		oid  asn1.ObjectIdentifier
	}{
		{"SHA-224", oidHMACWithSHA224},
		{"SHA-256", oidHMACWithSHA256},
		{"SHA-384", oidHMACWithSHA384},
		{"SHA-512", oidHMACWithSHA512},
	} {
		text := variant{prf: c.oid, iterations: MaxPBKDF2IterationsOtherPRF + 1}.encrypt(t, plain, []byte("pw"))
		if _, _, err := unlockPEM(text, "pw", MaxPBKDF2Iterations); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s above its cap: %v, want ErrUnsupported", c.name, err)
		}
		// The general cap passed to unlock still applies when lower.
		text = variant{prf: c.oid, iterations: 50}.encrypt(t, plain, []byte("pw"))
		if _, _, err := unlockPEM(text, "pw", 49); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s, cap 49: %v", c.name, err)
		}
	}
	if MaxPBKDF2IterationsOtherPRF < PBKDF2Iterations || MaxPBKDF2IterationsOtherPRF >= MaxPBKDF2Iterations {
		t.Fatalf("MaxPBKDF2IterationsOtherPRF = %d", MaxPBKDF2IterationsOtherPRF)
	}
	// HMAC-SHA1, implied or explicit, keeps the general cap: a count
	// between the two caps parses (checked without running PBKDF2).
	for name, v := range map[string]variant{
		"implied SHA-1":  {iterations: MaxPBKDF2IterationsOtherPRF + 1},
		"explicit SHA-1": {prf: oidHMACWithSHA1, iterations: MaxPBKDF2IterationsOtherPRF + 1},
	} {
		params, _, err := parseEncryptedPrivateKeyInfo(pemBody(t, v.encrypt(t, plain, []byte("pw"))), MaxPBKDF2Iterations)
		if err != nil || params.iterations != MaxPBKDF2IterationsOtherPRF+1 {
			t.Errorf("%s between the caps: %v", name, err)
		}
	}
}

func pemBody(t testing.TB, text string) []byte {
	t.Helper()
	_, b, err := decodePEM(text, pemEncryptedPrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Two PEM blocks, or anything but white space around one, is broken
// armour, not a broken key.
func TestConcatenatedPEMIsMalformedPEM(t *testing.T) {
	good := encodePEM("PUBLIC KEY", []byte("hello DER"))
	for name, text := range map[string]string{
		"two blocks":                   good + good,
		"two blocks, CRLF":             string(bytes.ReplaceAll([]byte(good+good), []byte("\n"), []byte("\r\n"))),
		"two blocks, no line break":    good[:len(good)-1] + good,
		"second block of other type":   good + encodePEM("RSA PUBLIC KEY", []byte("x")),
		"END line inside the body":     "-----BEGIN PUBLIC KEY-----\naGVsbG8g\n-----END PUBLIC KEY-----\nREVS\n-----END PUBLIC KEY-----\n",
		"garbage after END":            good + "garbage\n",
		"garbage after END, same line": good[:len(good)-1] + "garbage\n",
		"garbage before BEGIN":         "garbage\n" + good,
	} {
		if _, _, err := decodePEM(text, "PUBLIC KEY", "RSA PUBLIC KEY"); !errors.Is(err, ErrMalformedPEM) {
			t.Errorf("%s: %v, want ErrMalformedPEM", name, err)
		}
	}
	// Through the public API too.
	pub := spkiPEMForTest(t)
	if _, err := ParsePublicKey(PublicKeyContainer{Version: KeyPairRSA2048, PublicKey: pub + pub}); !errors.Is(err, ErrMalformedPEM) {
		t.Errorf("ParsePublicKey of two blocks: %v", err)
	}
}

func spkiPEMForTest(t testing.TB) string {
	t.Helper()
	return pairA(t).PublicKey().Container().PublicKey
}

// FuzzPartRetries runs a fuzz-chosen sequence of part attempts (EncryptPart
// or PartWriter, complete or failing after some bytes, with the source
// changed, shortened or lengthened) against one Parts with small
// checkpoints, and checks the property that matters: every ciphertext byte
// that left the package (returned by a successful EncryptPart or written by
// a PartWriter, also one that failed later) is the only one ever released
// at its file position. Afterwards, sums of successful attempts that tile
// the file seal the tag one-shot GCM gives for the released bytes.
func FuzzPartRetries(f *testing.F) {
	r := rand.New(rand.NewPCG(67, 67))
	f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, 400), []byte{0, 3, 1, 0, 0, 0, 2, 10, 0, 5, 0, 0}, uint8(0))
	f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, 1000), []byte{1, 7, 0x13, 9, 200, 1, 0x22, 50, 0, 0, 0x31, 3, 17, 2, 0x40, 0}, uint8(2))
	f.Add(stRandBytes(r, 32), stRandBytes(r, 12), stRandBytes(r, 257), []byte{2, 1, 0x11, 0, 40, 0x21, 0, 90, 0x05, 1, 1, 0x16, 0, 0, 0x26, 1, 1}, uint8(1))
	f.Fuzz(func(t *testing.T, k, iv, plain, script []byte, eng uint8) {
		plain = plain[:min(len(plain), 4096)]
		if len(script) < 2 {
			return
		}
		key := fzKey(k, iv)
		p, err := newParts(key, fzEngine(eng))
		if err != nil {
			t.Fatal(err)
		}
		p.cp = 16 * (1 + int64(script[0]%8))
		partSize := 16 * (1 + int(script[1]%16))
		script = script[2:]
		nParts := max(1, (len(plain)+partSize-1)/partSize)

		released := make([]int, len(plain)+16*256) // -1: nothing yet, else the byte
		for i := range released {
			released[i] = -1
		}
		release := func(what string, off int, ct []byte) {
			t.Helper()
			for i, c := range ct {
				if prev := released[off+i]; prev >= 0 && prev != int(c) {
					t.Fatalf("%s: position %d released as %#x and as %#x", what, off+i, prev, c)
				}
				released[off+i] = int(c)
			}
		}
		sums := make(map[int]PartSum)
		for len(script) >= 3 {
			op, a, b := script[0], int(script[1]), int(script[2])
			script = script[3:]
			part := int(op>>4) % nParts
			off := part * partSize
			src := bytes.Clone(plain[min(off, len(plain)):min(off+partSize, len(plain))])
			switch op & 3 {
			case 1: // change one byte
				if len(src) > 0 {
					src[a%len(src)] ^= byte(1 + b%255)
				}
			case 2: // shorter
				src = src[:len(src)-min(len(src), a%17)]
			case 3: // longer (into the next part's bytes)
				src = append(src, bytes.Repeat([]byte{byte(b)}, a%40)...)
			}
			if op&4 == 0 {
				dst := make([]byte, len(src))
				s, err := p.EncryptPart(dst, src, int64(off))
				if err != nil {
					if !errors.Is(err, ErrPartReuse) {
						t.Fatalf("EncryptPart: unexpected %v", err)
					}
					if !bytes.Equal(dst, make([]byte, len(dst))) {
						t.Fatal("refused EncryptPart left bytes in dst")
					}
					continue
				}
				release("EncryptPart", off, dst)
				if len(src) == partSize || off+len(src) == len(plain) {
					sums[part] = s
				}
				continue
			}
			var w bytes.Buffer
			var sink io.Writer = &w
			if op&8 != 0 {
				sink = &secFailAfter{limit: b % (len(src) + 1)}
			}
			pw, err := p.NewPartEncrypter(sink, int64(off))
			if err != nil {
				if !errors.Is(err, ErrPartReuse) {
					t.Fatalf("NewPartEncrypter: unexpected %v", err)
				}
				continue
			}
			rest := src
			for len(rest) > 0 && err == nil {
				n := min(len(rest), 1+a%50)
				_, err = pw.Write(rest[:n])
				rest = rest[n:]
			}
			if cerr := pw.Close(); err == nil {
				err = cerr
			}
			if fw, ok := sink.(*secFailAfter); ok {
				release("failed PartWriter", off, fw.buf.Bytes())
			} else {
				release("PartWriter", off, w.Bytes())
			}
			if err != nil {
				if !errors.Is(err, ErrPartReuse) && op&8 == 0 {
					t.Fatalf("PartWriter: unexpected %v", err)
				}
				continue
			}
			if s, _ := pw.Sum(); len(src) == partSize || off+len(src) == len(plain) {
				sums[part] = s
			}
		}
		// If every part has a sum and together they make the file, the
		// tag is that of the released bytes.
		list := make([]PartSum, 0, len(sums))
		total := int64(0)
		for i := range nParts {
			s, ok := sums[i]
			if !ok {
				return
			}
			list = append(list, s)
			total = s.Offset() + s.Len()
		}
		ct := make([]byte, total)
		for i := range ct {
			if released[i] < 0 {
				t.Fatalf("sealed byte %d was never released", i)
			}
			ct[i] = byte(released[i])
		}
		tag, err := p.SealTag(list, total)
		if err != nil {
			return // e.g. an empty part in the middle
		}
		// Decrypting the released bytes with the sealed tag must work.
		dk := stKeyCopy(key)
		dk.Tag = tag
		if _, err := decrypt(dk, ct, gcm.Generic); err != nil {
			t.Fatalf("released ciphertext does not verify under the sealed tag: %v", err)
		}
	})
}
