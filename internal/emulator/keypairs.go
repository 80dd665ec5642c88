package emulator

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// Own key pairs: GET|POST|DELETE /user/account/keypair (?version=),
// GET|POST /user/account/keypairs. The server stores the encrypted private
// key container and the public key exactly as given and never decrypts
// anything; it checks only the shape (unverified_users.go lists the
// accepted versions and PEM headers).

var (
	errKeyPairExists    = newAPIError(409, -70021, "User does already have a keypair")
	errBadPublicKey     = newAPIError(400, -70022, "Invalid public key format")
	errBadPrivateKey    = newAPIError(400, -70023, "Invalid private key format")
	errCustomerNoCrypto = newAPIError(400, -70027, "Customer encryption is not enabled")
)

// keyPair is one stored UserKeyPairContainer.
type keyPair struct {
	version    string
	publicKey  string
	privateKey string
	createdAt  apiTime
	createdBy  int64
}

func (k *keyPair) public() publicKeyJSON {
	at, by := k.createdAt, k.createdBy
	return publicKeyJSON{Version: k.version, PublicKey: k.publicKey, CreatedAt: &at, CreatedBy: &by}
}

// privateKeyJSON is PrivateKeyContainer.
type privateKeyJSON struct {
	Version    string   `json:"version"`
	PrivateKey string   `json:"privateKey"`
	CreatedAt  *apiTime `json:"createdAt,omitempty"`
	CreatedBy  *int64   `json:"createdBy,omitempty"`
	ExpireAt   *apiTime `json:"expireAt,omitempty"`
}

// keyPairJSON is UserKeyPairContainer.
type keyPairJSON struct {
	PrivateKeyContainer privateKeyJSON `json:"privateKeyContainer"`
	PublicKeyContainer  publicKeyJSON  `json:"publicKeyContainer"`
}

func (k *keyPair) toJSON() keyPairJSON {
	at, by := k.createdAt, k.createdBy
	return keyPairJSON{
		PrivateKeyContainer: privateKeyJSON{Version: k.version, PrivateKey: k.privateKey, CreatedAt: &at, CreatedBy: &by},
		PublicKeyContainer:  k.public(),
	}
}

// keyPairOf returns uid's newest key pair of version (any version when
// empty), for the file-key endpoints; nil when there is none.
func (st *state) keyPairOf(uid int64, version string) *keyPair {
	u := st.users[uid]
	if u == nil {
		return nil
	}
	for _, k := range slices.Backward(u.keyPairs) {
		if version == "" || k.version == version {
			return k
		}
	}
	return nil
}

func (e *Emulator) keyPairRoutes(r chi.Router) {
	r.Get("/user/account/keypair", produces(mediaJSON, e.handleGetKeyPair))
	r.Post("/user/account/keypair", produces(mediaJSON, e.handleSetKeyPair))
	r.Delete("/user/account/keypair", produces(mediaJSON, e.handleDeleteKeyPair))
	r.Get("/user/account/keypairs", produces(mediaJSON, e.handleListKeyPairs))
	r.Post("/user/account/keypairs", produces(mediaJSON, e.handleCreateKeyPairPreserving))
}

// versionParam reads ?version= ("" when absent); unknown versions are 400.
func versionParam(r *http.Request) (string, *apiError) {
	v := r.URL.Query().Get("version")
	if v != "" && !slices.Contains(keyPairVersions, v) {
		return "", errBadKeyVersion
	}
	return v, nil
}

// pickKeyPair chooses the pair GET (oldest=false: newest of the version)
// or DELETE (oldest of the version) addresses; without a version see
// defaultKeyPairVersion. It returns the index or -1.
func pickKeyPair(pairs []*keyPair, version string, forDelete bool) int {
	if version == "" {
		if !forDelete {
			if len(pairs) > 0 {
				return 0
			}
			return -1
		}
		if i := pickKeyPair(pairs, defaultKeyPairVersion, true); i >= 0 || len(pairs) != 1 {
			return i
		}
		return 0
	}
	idx := -1
	for i, k := range pairs {
		if k.version == version {
			idx = i
			if forDelete {
				break
			}
		}
	}
	return idx
}

// caller returns the authenticated user. Callers hold e.mu.
func (e *Emulator) caller(r *http.Request) (*user, *apiError) {
	u := e.st.users[callerID(r)]
	if u == nil {
		return nil, errWrongToken
	}
	return u, nil
}

func (e *Emulator) handleGetKeyPair(w http.ResponseWriter, r *http.Request) {
	version, err := versionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	i := pickKeyPair(u.keyPairs, version, false)
	if i < 0 {
		writeError(w, errNoKeyPair)
		return
	}
	writeJSON(w, http.StatusOK, u.keyPairs[i].toJSON())
}

func (e *Emulator) handleListKeyPairs(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]keyPairJSON, 0, len(u.keyPairs))
	for _, k := range u.keyPairs {
		out = append(out, k.toJSON())
	}
	writeJSON(w, http.StatusOK, out)
}

// keyContainerRequest is PrivateKeyContainer / PublicKeyContainer as sent.
type keyContainerRequest struct {
	Version    string `json:"version"`
	PublicKey  string `json:"publicKey"`
	PrivateKey string `json:"privateKey"`
}

// keyPairRequest is UserKeyPairContainer / CreateKeyPairRequest.
type keyPairRequest struct {
	PrivateKeyContainer *keyContainerRequest `json:"privateKeyContainer"`
	PublicKeyContainer  *keyContainerRequest `json:"publicKeyContainer"`
	PreviousPrivateKey  *keyContainerRequest `json:"previousPrivateKey"`
}

func hasPEMHeader(s string, headers []string) bool {
	s = strings.TrimSpace(s)
	for _, h := range headers {
		if strings.HasPrefix(s, h) && strings.Contains(s[len(h):], "-----END ") {
			return true
		}
	}
	return false
}

// checkPrivateKey validates a private key container of version.
func checkPrivateKey(c *keyContainerRequest, version string) *apiError {
	if c == nil || c.Version == "" || c.PrivateKey == "" {
		return errMandatory
	}
	if c.Version != version {
		return errBadKeyVersion
	}
	if !hasPEMHeader(c.PrivateKey, privateKeyHeaders) {
		return errBadPrivateKey
	}
	return nil
}

// checkKeyPair validates the shape of a new pair.
func checkKeyPair(req *keyPairRequest) *apiError {
	pub := req.PublicKeyContainer
	if pub == nil || pub.Version == "" || pub.PublicKey == "" {
		return errMandatory
	}
	if !slices.Contains(keyPairVersions, pub.Version) {
		return errBadKeyVersion
	}
	if !hasPEMHeader(pub.PublicKey, publicKeyHeaders) {
		return errBadPublicKey
	}
	return checkPrivateKey(req.PrivateKeyContainer, pub.Version)
}

// addPair validates req and appends it to *pairs, which hold at most
// maxKeyPairs, one per version; dup is the error for one too many. The
// one store of new key pairs: users', the system rescue key pairs and
// room rescue key pairs.
func addPair(pairs *[]*keyPair, req *keyPairRequest, by int64, now time.Time, dup *apiError) *apiError {
	if err := checkKeyPair(req); err != nil {
		return err
	}
	version := req.PublicKeyContainer.Version
	if len(*pairs) >= maxKeyPairs || slices.ContainsFunc(*pairs, func(k *keyPair) bool { return k.version == version }) {
		return dup
	}
	*pairs = append(*pairs, &keyPair{
		version:    version,
		publicKey:  req.PublicKeyContainer.PublicKey,
		privateKey: req.PrivateKeyContainer.PrivateKey,
		createdAt:  apiTime(now),
		createdBy:  by,
	})
	return nil
}

// preservePair adds a pair of another version (POST …/keypairs) while
// the existing one keeps its public key and gets previousPrivateKey, the
// old private key encrypted with the current password, so that its file
// keys can still be migrated. none is the error when no pair exists yet.
func preservePair(pairs *[]*keyPair, req *keyPairRequest, by int64, now time.Time, none, dup *apiError) *apiError {
	if err := checkKeyPair(req); err != nil {
		return err
	}
	if req.PreviousPrivateKey == nil {
		return errMandatory
	}
	if len(*pairs) == 0 {
		return none
	}
	old := (*pairs)[0]
	if err := checkPrivateKey(req.PreviousPrivateKey, old.version); err != nil {
		return err
	}
	if err := addPair(pairs, req, by, now, dup); err != nil {
		return err
	}
	old.privateKey = req.PreviousPrivateKey.PrivateKey
	return nil
}

// addKeyPair validates and stores a new pair for u. Callers hold e.mu.
func (e *Emulator) addKeyPair(u *user, req *keyPairRequest) *apiError {
	if err := checkKeyPair(req); err != nil {
		return err
	}
	if !e.st.customer.cryptoEnabled {
		return errCustomerNoCrypto
	}
	return addPair(&u.keyPairs, req, u.id, e.clock.now(), errKeyPairExists)
}

func (e *Emulator) handleSetKeyPair(w http.ResponseWriter, r *http.Request) {
	var req keyPairRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := e.addKeyPair(u, &req); err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opKeyPairCreated, u.id, req.PublicKeyContainer.Version)
	w.WriteHeader(http.StatusNoContent)
}

// handleCreateKeyPairPreserving is POST /user/account/keypairs: a new
// pair, while the existing one keeps its public key and gets
// previousPrivateKey (the old private key, encrypted with the current
// password) so that its file keys can still be migrated.
func (e *Emulator) handleCreateKeyPairPreserving(w http.ResponseWriter, r *http.Request) {
	var req keyPairRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if !e.st.customer.cryptoEnabled {
		writeError(w, errCustomerNoCrypto)
		return
	}
	if err := preservePair(&u.keyPairs, &req, u.id, e.clock.now(), errNoKeyPair, errKeyPairExists); err != nil {
		writeError(w, err)
		return
	}
	e.emit(r, opKeyPairCreated, u.id, req.PublicKeyContainer.Version)
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleDeleteKeyPair(w http.ResponseWriter, r *http.Request) {
	version, err := versionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	i := pickKeyPair(u.keyPairs, version, true)
	if i < 0 {
		writeError(w, errNoKeyPair)
		return
	}
	e.emit(r, opKeyPairDeleted, u.id, u.keyPairs[i].version)
	u.keyPairs = slices.Delete(u.keyPairs, i, i+1)
	e.st.dropFileKeys(u)
	w.WriteHeader(http.StatusNoContent)
}
