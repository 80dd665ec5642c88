package emulator

import (
	"net/http"
	"time"
)

// Test controls of the random fault profile and the fault counters
// (control.go lists every control endpoint).

// faultProfileJSON is the JSON form of FaultProfile. Rate and Kinds are a
// shorthand for Rates: Rate spread evenly over Kinds (default every kind),
// added to Rates.
type faultProfileJSON struct {
	Seed              uint64                `json:"seed"`
	Rates             map[FaultKind]float64 `json:"rates,omitempty"`
	Rate              float64               `json:"rate,omitempty"`
	Kinds             []FaultKind           `json:"kinds,omitempty"`
	LatencyMs         int64                 `json:"latencyMs"`
	RetryAfterSeconds float64               `json:"retryAfterSeconds"`
	Method            string                `json:"method,omitempty"`
	Path              string                `json:"path,omitempty"`
	IncludeOAuth      bool                  `json:"includeOAuth,omitempty"`
}

// injectedFaultsJSON is the body of GET /_emulator/faults/injected.
type injectedFaultsJSON struct {
	Total  int64               `json:"total"`
	ByKind map[FaultKind]int64 `json:"byKind"`
}

func (e *Emulator) ctlSetFaultProfile(w http.ResponseWriter, r *http.Request) {
	var req faultProfileJSON
	if err := decodeJSON(r, &req, false); err != nil {
		controlFail(w, http.StatusBadRequest, "body must be a JSON fault profile")
		return
	}
	latency, ok1 := durationOf(float64(req.LatencyMs), time.Millisecond)
	retryAfter, ok2 := durationOf(req.RetryAfterSeconds, time.Second)
	if !ok1 || !ok2 || !(req.Rate >= 0 && req.Rate <= 1) {
		controlFail(w, http.StatusBadRequest, "latencyMs, retryAfterSeconds and rate must be non-negative (rate at most 1)")
		return
	}
	rates := map[FaultKind]float64{}
	for k, v := range req.Rates {
		rates[k] += v
	}
	if req.Rate > 0 {
		for k, v := range SpreadFaultRate(req.Rate, req.Kinds...) {
			rates[k] += v
		}
	}
	err := e.SetFaultProfile(&FaultProfile{
		Seed: req.Seed, Rates: rates, Latency: latency, RetryAfter: retryAfter,
		Method: req.Method, Path: req.Path, IncludeOAuth: req.IncludeOAuth,
	})
	if err != nil {
		controlFail(w, http.StatusBadRequest, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) ctlGetFaultProfile(w http.ResponseWriter, r *http.Request) {
	p, ok := e.FaultProfile()
	if !ok {
		controlFail(w, http.StatusNotFound, "no fault profile is set")
		return
	}
	writeJSON(w, http.StatusOK, faultProfileJSON{
		Seed: p.Seed, Rates: p.Rates, LatencyMs: p.Latency.Milliseconds(), RetryAfterSeconds: p.RetryAfter.Seconds(),
		Method: p.Method, Path: p.Path, IncludeOAuth: p.IncludeOAuth,
	})
}

func (e *Emulator) ctlDeleteFaultProfile(w http.ResponseWriter, r *http.Request) {
	_ = e.SetFaultProfile(nil)
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) ctlInjectedFaults(w http.ResponseWriter, r *http.Request) {
	counts := e.InjectedFaults()
	out := injectedFaultsJSON{ByKind: map[FaultKind]int64{}}
	for k, n := range counts {
		out.ByKind[k] = n
		out.Total += n
	}
	writeJSON(w, http.StatusOK, out)
}
