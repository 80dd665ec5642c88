package emulator

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// System rescue key pair: GET|POST|DELETE /settings/keypair (?version=),
// GET|POST /settings/keypairs. Stored like a user's key pairs (at most
// two, one per version; opaque key material) in state.admin.rescueKeyPairs.
// Setting the first switches client-side encryption on for the tenant, for
// good; a second (of another version) comes through POST
// /settings/keypairs. Reading needs an own key pair, setting and deleting
// CONFIG_MANAGER. The error answers are chosen among the statuses the
// document lists for these operations (it lists no 404 or 409):
//
//   - no own key pair: 403 -70020 (GET /settings/keypair, which lists no
//     403: 401 -10006);
//   - no rescue key pair of the version asked for: 400 -70020;
//   - POST /settings/keypair once one exists: 400 -70025 "Customer
//     encryption is already enabled"; POST /settings/keypairs before one
//     exists: 400 -90020; a second pair of the same version: 400 -70021.

func (e *Emulator) rescueKeyRoutes(r chi.Router) {
	r.Get("/settings/keypair", produces(mediaJSON, e.handleGetRescueKeyPair))
	r.Post("/settings/keypair", produces(mediaJSON, e.handleSetRescueKeyPair))
	r.Delete("/settings/keypair", produces(mediaJSON, e.handleDeleteRescueKeyPair))
	r.Get("/settings/keypairs", produces(mediaJSON, e.handleListRescueKeyPairs))
	r.Post("/settings/keypairs", produces(mediaJSON, e.handleCreateRescueKeyPairPreserving))
}

var (
	errNoOwnKeyPair       = newAPIError(403, -70020, "User does not have a keypair")
	errNoRescueKeyPair    = newAPIError(400, -70020, "System rescue key pair not found")
	errRescueKeyPairTwice = newAPIError(400, -70021, "System rescue key pair of this version exists")
	errCryptoAlreadyOn    = newAPIError(400, -70025, "Customer encryption is already enabled")
	errCryptoNotEnabled   = newAPIError(400, -90020, "Client-side encryption is not enabled")
)

// rescueReader checks that the caller has a key pair; noPair is the
// answer otherwise. Callers hold e.mu.
func (e *Emulator) rescueReader(r *http.Request, noPair *apiError) *apiError {
	u, err := e.caller(r)
	if err != nil {
		return err
	}
	if len(u.keyPairs) == 0 {
		return noPair
	}
	return nil
}

func (e *Emulator) handleGetRescueKeyPair(w http.ResponseWriter, r *http.Request) {
	version, err := versionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.rescueReader(r, errNotAuthorized); err != nil {
		writeError(w, err)
		return
	}
	pairs := e.st.admin.rescueKeyPairs
	i := pickKeyPair(pairs, version, false)
	if i < 0 {
		writeError(w, errNoRescueKeyPair)
		return
	}
	writeJSON(w, http.StatusOK, pairs[i].toJSON())
}

func (e *Emulator) handleListRescueKeyPairs(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.rescueReader(r, errNoOwnKeyPair); err != nil {
		writeError(w, err)
		return
	}
	out := make([]keyPairJSON, 0, len(e.st.admin.rescueKeyPairs))
	for _, k := range e.st.admin.rescueKeyPairs {
		out = append(out, k.toJSON())
	}
	writeJSON(w, http.StatusOK, out)
}

// addRescueKeyPair validates and stores a new system rescue key pair and
// switches encryption on. Callers hold e.mu.
func (e *Emulator) addRescueKeyPair(r *http.Request, req *keyPairRequest) *apiError {
	st := e.st
	if err := addPair(&st.admin.rescueKeyPairs, req, callerID(r), e.clock.now(), errRescueKeyPairTwice); err != nil {
		return err
	}
	version := req.PublicKeyContainer.Version
	st.customer.cryptoEnabled = true
	e.emit(r, opRescueKeyPairCreated, 0, version)
	return nil
}

func (e *Emulator) handleSetRescueKeyPair(w http.ResponseWriter, r *http.Request) {
	var req keyPairRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	if len(e.st.admin.rescueKeyPairs) > 0 {
		writeError(w, errCryptoAlreadyOn)
		return
	}
	if err := e.addRescueKeyPair(r, &req); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleCreateRescueKeyPairPreserving adds a pair of another version
// while the existing one keeps its public key and gets the previous
// private key, so that file keys can be migrated.
func (e *Emulator) handleCreateRescueKeyPairPreserving(w http.ResponseWriter, r *http.Request) {
	var req keyPairRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	pairs := e.st.admin.rescueKeyPairs
	if req.PreviousPrivateKey == nil {
		writeError(w, errMandatory)
		return
	}
	if len(pairs) == 0 {
		writeError(w, errCryptoNotEnabled)
		return
	}
	if err := checkPrivateKey(req.PreviousPrivateKey, pairs[0].version); err != nil {
		writeError(w, err)
		return
	}
	old := pairs[0]
	if err := e.addRescueKeyPair(r, &req); err != nil {
		writeError(w, err)
		return
	}
	old.privateKey = req.PreviousPrivateKey.PrivateKey
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleDeleteRescueKeyPair(w http.ResponseWriter, r *http.Request) {
	version, err := versionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	if err := e.rescueReader(r, errNoOwnKeyPair); err != nil {
		writeError(w, err)
		return
	}
	pairs := e.st.admin.rescueKeyPairs
	i := pickKeyPair(pairs, version, true)
	if i < 0 {
		writeError(w, errNoRescueKeyPair)
		return
	}
	e.emit(r, opRescueKeyPairDeleted, 0, pairs[i].version)
	e.st.admin.rescueKeyPairs = slices.Delete(pairs, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}
