package dracoontest

import (
	"time"

	"github.com/dracoon-go/dracoon/internal/emulator"
)

// Random, seeded fault injection (see FaultProfile) and the counters of
// injected faults.

// FaultKind names one way a request can misbehave.
type FaultKind = emulator.FaultKind

// The kinds of faults (docs/RELIABILITY.md describes each).
const (
	// FaultServerError answers 500, 502, 503 or 504.
	FaultServerError = emulator.FaultServerError
	// FaultRateLimit answers 429 with Retry-After.
	FaultRateLimit = emulator.FaultRateLimit
	// FaultReset resets the connection before the request body is read.
	FaultReset = emulator.FaultReset
	// FaultResetRequestBody resets the connection in the middle of the
	// request body; the request is not served.
	FaultResetRequestBody = emulator.FaultResetRequestBody
	// FaultResetResponseBody serves the request and resets the connection
	// in the middle of the answer's body.
	FaultResetResponseBody = emulator.FaultResetResponseBody
	// FaultTruncate serves the request and closes the connection before
	// the promised Content-Length is sent.
	FaultTruncate = emulator.FaultTruncate
	// FaultLatency delays the request.
	FaultLatency = emulator.FaultLatency
	// FaultTokenExpiry expires the presented access token (401; refresh).
	FaultTokenExpiry = emulator.FaultTokenExpiry
	// FaultPresignedExpiry expires the presigned S3 part URL being used.
	FaultPresignedExpiry = emulator.FaultPresignedExpiry
	// FaultCorruptBlob flips a stored byte of the file being downloaded.
	FaultCorruptBlob = emulator.FaultCorruptBlob
)

// FaultProfile injects faults at random from a seeded sequence: each
// request the profile selects (by Method and Path; OAuth only with
// IncludeOAuth; the test controls never) draws whether and how it
// misbehaves. The same seed and the same sequence of requests give the
// same faults; with concurrent clients the sequence is the order in which
// requests arrive.
type FaultProfile struct {
	Seed uint64
	// Rates is the probability per kind, for each request the kind can
	// apply to; together at most 1. SpreadFaultRate fills it evenly.
	Rates map[FaultKind]float64
	// Latency is the longest wait of a FaultLatency (default 100 ms).
	Latency time.Duration
	// RetryAfter is sent with FaultRateLimit (default 1 s).
	RetryAfter   time.Duration
	Method       string
	Path         string
	IncludeOAuth bool
}

// SpreadFaultRate gives each of kinds (default: all) an equal share of
// total, e.g. SpreadFaultRate(0.05) for 5 % faults of every kind.
func SpreadFaultRate(total float64, kinds ...FaultKind) map[FaultKind]float64 {
	return emulator.SpreadFaultRate(total, kinds...)
}

func (p FaultProfile) internal() *emulator.FaultProfile {
	return &emulator.FaultProfile{
		Seed: p.Seed, Rates: p.Rates, Latency: p.Latency, RetryAfter: p.RetryAfter,
		Method: p.Method, Path: p.Path, IncludeOAuth: p.IncludeOAuth,
	}
}

// WithFaults starts the server with a random fault profile; NewServer
// fails the test when the profile is invalid (unknown kind, rates outside
// 0…1 or adding up to more than 1, bad path expression).
func WithFaults(p FaultProfile) Option {
	return func(c *config) { c.faults = p.internal() }
}

// SetFaultProfile replaces the fault profile; its random sequence starts
// from its seed.
func (s *Server) SetFaultProfile(p FaultProfile) error { return s.emu.SetFaultProfile(p.internal()) }

// ClearFaultProfile stops random fault injection.
func (s *Server) ClearFaultProfile() { _ = s.emu.SetFaultProfile(nil) }

// InjectedFaults returns how many faults took effect, by kind (random and
// targeted ones), since the start or the last Reset.
func (s *Server) InjectedFaults() map[FaultKind]int64 { return s.emu.InjectedFaults() }

// InjectedFaultCount returns the total of InjectedFaults.
func (s *Server) InjectedFaultCount() int64 {
	var n int64
	for _, c := range s.emu.InjectedFaults() {
		n += c
	}
	return n
}
