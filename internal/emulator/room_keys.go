package emulator

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// Room rescue key pairs: GET|POST|DELETE /nodes/rooms/{room_id}/keypair
// (?version=), GET|POST /nodes/rooms/{room_id}/keypairs. Stored like the
// user and system key pairs (keypairs.go: at most two, one per version,
// opaque key material) in node.roomRescueKeys; PUT …/encrypt with
// dataRoomRescueKey sets the first one through the same store, and
// switching encryption off drops them. Reading needs "read" on the room
// and an own key pair, changing room administration; the room must be
// encrypted (roomKeysNeedEncryptedRoom, unverified.go).

var (
	errNoRoomRescueKey = newAPIError(404, -40007, "No room emergency password (rescue key) found")
	// errRoomKeyPairExists is -70021 with the status the document lists
	// for these operations (400; the catalogue's text).
	errRoomKeyPairExists = newAPIError(400, -70021, "User does already have a keypair")
)

func (e *Emulator) roomKeyRoutes(r chi.Router) {
	r.Get("/nodes/rooms/{room_id}/keypair", produces(mediaJSON, e.handleGetRoomKeyPair))
	r.Post("/nodes/rooms/{room_id}/keypair", produces(mediaJSON, e.handleSetRoomKeyPair))
	r.Delete("/nodes/rooms/{room_id}/keypair", produces(mediaJSON, e.handleDeleteRoomKeyPair))
	r.Get("/nodes/rooms/{room_id}/keypairs", produces(mediaJSON, e.handleListRoomKeyPairs))
	r.Post("/nodes/rooms/{room_id}/keypairs", produces(mediaJSON, e.handleCreateRoomKeyPairPreserving))
}

// checkRoomRescueKey validates the dataRoomRescueKey of PUT …/encrypt
// (a UserKeyPairContainer); an incomplete container is an invalid key
// (-70022) there.
func checkRoomRescueKey(raw json.RawMessage) *apiError {
	var req keyPairRequest
	if json.Unmarshal(raw, &req) != nil {
		return errBadPublicKey
	}
	if err := checkKeyPair(&req); err != nil {
		if err == errMandatory {
			return errBadPublicKey
		}
		return err
	}
	return nil
}

// setRoomRescueKey stores the (checked) dataRoomRescueKey of PUT
// …/encrypt as the room's first rescue key pair. Callers hold e.mu.
func (e *Emulator) setRoomRescueKey(n *node, raw json.RawMessage, uid int64) {
	var req keyPairRequest
	if json.Unmarshal(raw, &req) == nil {
		_ = addPair(&n.roomRescueKeys, &req, uid, e.clock.now(), errOneRescueKey)
	}
}

// keyRoom finds the URL's room for a room key operation: visible to the
// caller (404), allowed by allowed (403), encrypted (400 -40001).
// Callers hold e.mu.
func (e *Emulator) keyRoom(r *http.Request, allowed func(perms) bool) (*node, *apiError) {
	uid := callerID(r)
	n, err := e.lookupRoom(r, uid)
	if err != nil {
		return nil, err
	}
	if !allowed(e.st.permissions(n, uid)) {
		return nil, errForbidden
	}
	if roomKeysNeedEncryptedRoom && !n.isEncrypted {
		return nil, errRoomNotEncrypted
	}
	return n, nil
}

func canRead(p perms) bool   { return p.Read }
func canManage(p perms) bool { return p.Manage }

// keyReadingRoom is keyRoom for reads, which also need an own key pair
// (403 -70020): the private keys are only of use to key holders.
func (e *Emulator) keyReadingRoom(r *http.Request) (*node, *apiError) {
	n, err := e.keyRoom(r, canRead)
	if err != nil {
		return nil, err
	}
	if err := e.rescueReader(r, errNoOwnKeyPair); err != nil {
		return nil, err
	}
	return n, nil
}

func (e *Emulator) handleGetRoomKeyPair(w http.ResponseWriter, r *http.Request) {
	version, err := versionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.keyReadingRoom(r)
	if err != nil {
		writeError(w, err)
		return
	}
	i := pickKeyPair(n.roomRescueKeys, version, false)
	if i < 0 {
		writeError(w, errNoRoomRescueKey)
		return
	}
	writeJSON(w, http.StatusOK, n.roomRescueKeys[i].toJSON())
}

// handleListRoomKeyPairs answers 200 with the pairs although the document
// declares only a 204 for this operation: a 204 cannot carry the list the
// document describes (internal/contract's Allowlist.OKForNoContent).
func (e *Emulator) handleListRoomKeyPairs(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.keyReadingRoom(r)
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]keyPairJSON, 0, len(n.roomRescueKeys))
	for _, k := range n.roomRescueKeys {
		out = append(out, k.toJSON())
	}
	writeJSON(w, http.StatusOK, out)
}

// roomKeyWrite finds the URL's room for a
// change of its rescue keys (room administrators, tenant encryption on).
// Callers hold e.mu; the returned error is already written.
func (e *Emulator) roomKeyWrite(w http.ResponseWriter, r *http.Request) *node {
	n, err := e.keyRoom(r, canManage)
	if err == nil && !e.st.customer.cryptoEnabled {
		err = errCustomerNoCrypto
	}
	if err != nil {
		writeError(w, err)
		return nil
	}
	return n
}

func (e *Emulator) handleSetRoomKeyPair(w http.ResponseWriter, r *http.Request) {
	var req keyPairRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.roomKeyWrite(w, r)
	if n == nil {
		return
	}
	if len(n.roomRescueKeys) > 0 {
		// One pair through this call; a second version comes with
		// POST …/keypairs, which keeps the old private key.
		writeError(w, errRoomKeyPairExists)
		return
	}
	if err := addPair(&n.roomRescueKeys, &req, callerID(r), e.clock.now(), errRoomKeyPairExists); err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opRoomUpdated, n.id, n.name)
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleCreateRoomKeyPairPreserving(w http.ResponseWriter, r *http.Request) {
	var req keyPairRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.roomKeyWrite(w, r)
	if n == nil {
		return
	}
	if err := preservePair(&n.roomRescueKeys, &req, callerID(r), e.clock.now(), errNoRoomRescueKey, errRoomKeyPairExists); err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opRoomUpdated, n.id, n.name)
	w.WriteHeader(http.StatusNoContent)
}

// handleDeleteRoomKeyPair removes the pair of ?version (without it, the
// one DELETE /user/account/keypair would pick).
func (e *Emulator) handleDeleteRoomKeyPair(w http.ResponseWriter, r *http.Request) {
	version, err := versionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.keyRoom(r, canManage)
	if err != nil {
		writeError(w, err)
		return
	}
	i := pickKeyPair(n.roomRescueKeys, version, true)
	if i < 0 {
		writeError(w, errNoRoomRescueKey)
		return
	}
	n.roomRescueKeys = slices.Delete(n.roomRescueKeys, i, i+1)
	e.emit(r, opRoomUpdated, n.id, n.name)
	w.WriteHeader(http.StatusNoContent)
}
