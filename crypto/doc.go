// Package crypto implements DRACOON's client-side ("triple-crypt")
// encryption without any network access, byte-compatible with the official
// DRACOON crypto SDKs:
//
//   - User key pairs (versions "A" = RSA-2048 and "RSA-4096"): the private
//     key is stored encrypted with the user's encryption password as a
//     PKCS#8 PBES2 PEM; every historical parameter set of the official
//     clients can be read. Iteration counts are capped (MaxPBKDF2Iterations
//     for HMAC-SHA1, the lower MaxPBKDF2IterationsOtherPRF for the PRFs no
//     official SDK writes), so a hostile key container costs at most about
//     7 s of one core to try a password on (figures at
//     MaxPBKDF2IterationsOtherPRF).
//   - File keys: a fresh AES-256 key and GCM IV per file version, wrapped
//     with RSA-OAEP for every reader (SHA-256 with MGF1-SHA-1 for "A",
//     MGF1-SHA-256 for "RSA-4096").
//   - File contents: streaming AES-256-GCM (Encrypter, Decrypter, Encrypt,
//     Decrypt, and Parts for parts encrypted concurrently and retried
//     independently, as S3 multipart uploads need). The output equals
//     one-shot GCM for any chunking; the tag lives in the PlainFileKey, not
//     in the data; at most MaxPlaintextSize (64 GiB − 32 B) per key.
//     Decrypted bytes are unauthenticated until the Decrypter has reported
//     io.EOF.
//
// The package refuses the misuses that would break GCM: a file key
// encrypts once (ErrFileKeyUsed for a key with a tag or one that already
// started an encryption); a part retried at the same offset must repeat
// the same bytes, checked every MiB without keeping the part
// (ErrPartReuse); a PartSum works only with the Parts that made it
// (ErrForeignPartSum); and decryption needs the tag, even for an empty
// file (ErrMissingTag), so a server cannot strip it.
//
// On amd64 CPUs with VAES and VPCLMULQDQ the data cipher runs on the
// package's own assembly (about 1.5× the standard library's one-shot GCM
// on the development machine, see BENCHMARKS.md); elsewhere it uses the
// standard library's AES-CTR with its GCM as GHASH engine, or a
// constant-time pure-Go GHASH (build tag purego, and GODEBUG=fips140=only).
//
// The package is safe for concurrent use unless a type's documentation says
// otherwise. Errors wrap the sentinels declared in errors.go; test for them
// with errors.Is. No error string or String method reveals key material,
// passwords or plaintext.
package crypto
