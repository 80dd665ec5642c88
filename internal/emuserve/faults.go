package emuserve

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon/internal/emulator"
)

// faultFlags are the flags of random fault injection (docs/RELIABILITY.md).
type faultFlags struct {
	seed       *uint64
	rate       *float64
	kinds      *string
	rates      *string
	latency    *time.Duration
	retryAfter *time.Duration
	path       *string
	method     *string
	oauth      *bool
}

func addFaultFlags(fs *flag.FlagSet) *faultFlags {
	return &faultFlags{
		seed:       fs.Uint64("fault-seed", 1, "seed of the random fault sequence (same seed and request order, same faults)"),
		rate:       fs.Float64("fault-rate", 0, "share of requests (0…1) that get a random fault, spread evenly over --fault-kinds"),
		kinds:      fs.String("fault-kinds", "all", "comma-separated fault kinds --fault-rate spreads over: "+kindList()),
		rates:      fs.String("fault-rates", "", "rates per kind, added to --fault-rate's, e.g. 5xx=0.01,reset=0.005"),
		latency:    fs.Duration("fault-latency", emulator.DefaultFaultLatency, "longest delay a latency fault adds"),
		retryAfter: fs.Duration("fault-retry-after", emulator.DefaultFaultRetryAfter, "Retry-After of injected 429 answers"),
		path:       fs.String("fault-path", "", "regular expression: only URL paths matching it get random faults (default all but OAuth and /_emulator)"),
		method:     fs.String("fault-method", "", "only requests with this method get random faults (default all)"),
		oauth:      fs.Bool("fault-oauth", false, "let random faults reach /oauth/* too"),
	}
}

func kindList() string {
	s := make([]string, len(emulator.FaultKinds))
	for i, k := range emulator.FaultKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

// profile builds the fault profile the flags describe; nil when no rate is
// set.
func (f *faultFlags) profile() (*emulator.FaultProfile, error) {
	rates := map[emulator.FaultKind]float64{}
	if *f.rate != 0 {
		if !(*f.rate > 0 && *f.rate <= 1) {
			return nil, fmt.Errorf("--fault-rate must lie between 0 and 1")
		}
		var kinds []emulator.FaultKind
		if k := strings.TrimSpace(*f.kinds); k != "" && k != "all" {
			for _, name := range strings.Split(k, ",") {
				kind, err := emulator.ParseFaultKind(name)
				if err != nil {
					return nil, fmt.Errorf("--fault-kinds: %w", err)
				}
				kinds = append(kinds, kind)
			}
		}
		for k, v := range emulator.SpreadFaultRate(*f.rate, kinds...) {
			rates[k] += v
		}
	}
	if s := strings.TrimSpace(*f.rates); s != "" {
		for _, pair := range strings.Split(s, ",") {
			name, val, ok := strings.Cut(pair, "=")
			kind, err := emulator.ParseFaultKind(name)
			if err != nil || !ok {
				return nil, fmt.Errorf("--fault-rates: want kind=rate pairs: %q", pair)
			}
			r, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil {
				return nil, fmt.Errorf("--fault-rates: bad rate in %q", pair)
			}
			rates[kind] += r
		}
	}
	if len(rates) == 0 {
		return nil, nil
	}
	return &emulator.FaultProfile{
		Seed: *f.seed, Rates: rates, Latency: *f.latency, RetryAfter: *f.retryAfter,
		Path: *f.path, Method: *f.method, IncludeOAuth: *f.oauth,
	}, nil
}

// describeRates renders rates as "kind=rate" pairs in the kinds' order.
func describeRates(rates map[emulator.FaultKind]float64) string {
	var out []string
	for _, k := range emulator.FaultKinds {
		if r := rates[k]; r > 0 {
			out = append(out, fmt.Sprintf("%s=%.4g", k, r))
		}
	}
	return strings.Join(out, ",")
}
