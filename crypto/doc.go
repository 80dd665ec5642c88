// Package crypto implements DRACOON's client-side ("triple-crypt")
// encryption without any network access: user key pairs protected by an
// encryption password, per-file AES-256-GCM keys wrapped with RSA-OAEP for
// each reader, and streaming AES-256-GCM for file contents, byte-compatible
// with the official DRACOON crypto SDKs.
//
// The package is safe for concurrent use unless a type's documentation says
// otherwise. Errors wrap the sentinels declared in errors.go; test for them
// with errors.Is.
package crypto
