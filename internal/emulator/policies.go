package emulator

import (
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Password policies: GET|PUT /system/config/policies/passwords,
// GET …/{password_type}, POST …/enforce_change. The same state answers
// GET /config/info/policies/passwords (config.go) and is what
// checkPassword enforces when users are created and passwords changed.

// passwordPolicies is PasswordPoliciesConfig, kept as its JSON shape.
type passwordPolicies = passwordPoliciesJSON

// defaultPasswordPolicies are the policies of a new tenant: at least 8
// characters, no character rules.
func defaultPasswordPolicies(now time.Time, adminID int64) passwordPolicies {
	rules := characterRulesJSON{MustContainCharacters: []string{"none"}}
	by := userInfoJSON{ID: adminID} // filled in on read (policyJSON)
	return passwordPolicies{
		LoginPasswordPolicies: loginPasswordPoliciesJSON{
			CharacterRules: rules, MinLength: 8, NumberOfArchivedPasswords: 3,
			PasswordExpiration: passwordExpirationJSON{Enabled: false},
			UserLockout:        userLockoutJSON{Enabled: false},
			UpdatedAt:          apiTime(now), UpdatedBy: by,
		},
		SharesPasswordPolicies:     sharesPasswordPoliciesJSON{CharacterRules: rules, MinLength: 8, UpdatedAt: apiTime(now), UpdatedBy: by},
		EncryptionPasswordPolicies: encryptionPasswordPoliciesJSON{CharacterRules: rules, MinLength: 8, UpdatedAt: apiTime(now), UpdatedBy: by},
	}
}

// policyJSON returns the stored policies with current UserInfo of their
// editors. Callers hold e.mu.
func (st *state) policyJSON() passwordPoliciesJSON {
	p := st.admin.policies
	p.LoginPasswordPolicies.UpdatedBy = st.userInfo(p.LoginPasswordPolicies.UpdatedBy.ID)
	p.SharesPasswordPolicies.UpdatedBy = st.userInfo(p.SharesPasswordPolicies.UpdatedBy.ID)
	p.EncryptionPasswordPolicies.UpdatedBy = st.userInfo(p.EncryptionPasswordPolicies.UpdatedBy.ID)
	return p
}

// checkPassword applies the login password policy to a new password of
// the user described by who (login, first name, last name, e-mail; may
// be empty), plus the document's forbidden characters. Every violation is
// 400 -10002 "Password is not secure". Callers hold e.mu.
func (st *state) checkPassword(p string, who ...string) *apiError {
	if strings.ContainsAny(p, forbiddenPasswordChars) {
		return errPasswordNotSecure
	}
	l := st.admin.policies.LoginPasswordPolicies
	return passwordRules{l.CharacterRules, l.MinLength, l.RejectDictionaryWords, l.RejectUserInfo, l.RejectKeyboardPatterns}.check(p, who)
}

// checkSharePassword applies the shares password policy to a share
// password; who describes the share's creator. For the share handlers.
// Callers hold e.mu.
func (st *state) checkSharePassword(p string, who ...string) *apiError {
	s := st.admin.policies.SharesPasswordPolicies
	return passwordRules{s.CharacterRules, s.MinLength, s.RejectDictionaryWords, s.RejectUserInfo, s.RejectKeyboardPatterns}.check(p, who)
}

// passwordRules are the checks one password policy makes.
type passwordRules struct {
	chars                    characterRulesJSON
	minLength                int
	dictionary, info, layout bool
}

// check refuses p with -10002 when it breaks a rule.
func (pr passwordRules) check(p string, who []string) *apiError {
	if utf8.RuneCountInString(p) < pr.minLength || !meetsCharacterRules(p, pr.chars) {
		return errPasswordNotSecure
	}
	lower := strings.ToLower(p)
	if pr.info {
		for _, w := range who {
			if len(w) >= 3 && strings.Contains(lower, strings.ToLower(w)) {
				return errPasswordNotSecure
			}
		}
	}
	if (pr.layout && hasKeyboardPattern(lower)) || (pr.dictionary && hasDictionaryWord(lower)) {
		return errPasswordNotSecure
	}
	return nil
}

// characterSets are the classes of mustContainCharacters ("all" stands
// for the four specific ones).
var characterSets = map[string]func(rune) bool{
	"alpha":     unicode.IsLetter,
	"uppercase": unicode.IsUpper,
	"lowercase": unicode.IsLower,
	"numeric":   unicode.IsDigit,
	"special":   func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) },
}

// meetsCharacterRules: the password must contain characters of at least
// numberOfCharacteristicsToEnforce of the listed sets (all listed sets
// when it is 0); "none" switches the rule off.
func meetsCharacterRules(p string, rules characterRulesJSON) bool {
	sets := rules.MustContainCharacters
	if len(sets) == 0 || slices.Contains(sets, "none") {
		return true
	}
	if slices.Contains(sets, "all") {
		sets = []string{"uppercase", "lowercase", "numeric", "special"}
	}
	met := 0
	for _, s := range sets {
		if strings.IndexFunc(p, characterSets[s]) >= 0 {
			met++
		}
	}
	need := rules.NumberOfCharacteristicsToEnforce
	if need <= 0 || need > len(sets) {
		need = len(sets)
	}
	return met >= need
}

// keyboardRows are scanned for runs of four neighbouring keys.
var keyboardRows = []string{"1234567890", "qwertzuiop", "qwertyuiop", "asdfghjkl", "yxcvbnm", "zxcvbnm"}

func hasKeyboardPattern(lower string) bool {
	for _, row := range keyboardRows {
		for i := 0; i+4 <= len(row); i++ {
			if strings.Contains(lower, row[i:i+4]) {
				return true
			}
		}
	}
	return false
}

// dictionaryWords is the emulator's tiny dictionary (the real one is
// unknown).
var dictionaryWords = []string{"password", "passwort", "dracoon", "secret", "welcome", "letmein", "admin"}

func hasDictionaryWord(lower string) bool {
	return slices.ContainsFunc(dictionaryWords, func(w string) bool { return strings.Contains(lower, w) })
}

// ---- handlers ----

func (e *Emulator) policyRoutes(r chi.Router) {
	r.Get("/system/config/policies/passwords", produces(mediaJSON, e.handleGetPolicies))
	r.Put("/system/config/policies/passwords", produces(mediaJSON, e.handleUpdatePolicies))
	r.Get("/system/config/policies/passwords/{password_type}", produces(mediaJSON, e.handleGetPolicy))
	r.Post("/system/config/policies/passwords/enforce_change", produces(mediaJSON, e.handleEnforcePasswordChange))
}

func (e *Emulator) handleGetPolicies(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.st.policyJSON())
}

var errInvalidPasswordType = newAPIError(400, -80036, "Invalid password type")

// handleGetPolicy answers PasswordPoliciesConfig with only the policy of
// the named type.
func (e *Emulator) handleGetPolicy(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	p := e.st.policyJSON()
	out := map[string]any{}
	switch chi.URLParam(r, "password_type") {
	case "login":
		out["loginPasswordPolicies"] = p.LoginPasswordPolicies
	case "shares":
		out["sharesPasswordPolicies"] = p.SharesPasswordPolicies
	case "encryption":
		out["encryptionPasswordPolicies"] = p.EncryptionPasswordPolicies
	default:
		writeError(w, errInvalidPasswordType)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// characterRulesRequest is CharacterRules in an update.
type characterRulesRequest struct {
	MustContainCharacters            *[]string `json:"mustContainCharacters"`
	NumberOfCharacteristicsToEnforce *int      `json:"numberOfCharacteristicsToEnforce"`
}

// commonPolicyRequest holds the fields every password type has.
type commonPolicyRequest struct {
	CharacterRules         *characterRulesRequest `json:"characterRules"`
	MinLength              *int                   `json:"minLength"`
	RejectDictionaryWords  *bool                  `json:"rejectDictionaryWords"`
	RejectUserInfo         *bool                  `json:"rejectUserInfo"`
	RejectKeyboardPatterns *bool                  `json:"rejectKeyboardPatterns"`
}

type updatePoliciesRequest struct {
	LoginPasswordPolicies *struct {
		commonPolicyRequest
		NumberOfArchivedPasswords  *int                    `json:"numberOfArchivedPasswords"`
		PasswordExpiration         *passwordExpirationJSON `json:"passwordExpiration"`
		UserLockout                *userLockoutJSON        `json:"userLockout"`
		EnforceLoginPasswordChange *bool                   `json:"enforceLoginPasswordChange"`
	} `json:"loginPasswordPolicies"`
	SharesPasswordPolicies     *commonPolicyRequest `json:"sharesPasswordPolicies"`
	EncryptionPasswordPolicies *commonPolicyRequest `json:"encryptionPasswordPolicies"`
}

// apply merges the common fields into the stored ones after checking
// them (minLength 1–1024, known character sets, 0–4 characteristics).
func (c *commonPolicyRequest) apply(rules *characterRulesJSON, minLength *int, dict, info, keyboard *bool) *apiError {
	if c.MinLength != nil {
		if *c.MinLength < 1 || *c.MinLength > 1024 {
			return errInvalidParameter.withDebug("Invalid parameter value: minLength must be between 1 and 1024")
		}
		*minLength = *c.MinLength
	}
	if cr := c.CharacterRules; cr != nil {
		if cr.MustContainCharacters != nil {
			for _, s := range *cr.MustContainCharacters {
				if _, ok := characterSets[s]; !ok && s != "all" && s != "none" {
					return errInvalidParameter.withDebug("Invalid parameter value: mustContainCharacters")
				}
			}
			rules.MustContainCharacters = slices.Clone(*cr.MustContainCharacters)
			if len(rules.MustContainCharacters) == 0 {
				rules.MustContainCharacters = []string{"none"}
			}
		}
		if n := cr.NumberOfCharacteristicsToEnforce; n != nil {
			if *n < 0 || *n > 4 {
				return errInvalidParameter.withDebug("Invalid parameter value: numberOfCharacteristicsToEnforce must be between 0 and 4")
			}
			rules.NumberOfCharacteristicsToEnforce = *n
		}
	}
	for _, f := range []struct{ dst, src *bool }{{dict, c.RejectDictionaryWords}, {info, c.RejectUserInfo}, {keyboard, c.RejectKeyboardPatterns}} {
		if f.src != nil && f.dst != nil {
			*f.dst = *f.src
		}
	}
	return nil
}

func (e *Emulator) handleUpdatePolicies(w http.ResponseWriter, r *http.Request) {
	var req updatePoliciesRequest
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
	next := e.st.admin.policies
	next.LoginPasswordPolicies.CharacterRules.MustContainCharacters = slices.Clone(next.LoginPasswordPolicies.CharacterRules.MustContainCharacters)
	next.SharesPasswordPolicies.CharacterRules.MustContainCharacters = slices.Clone(next.SharesPasswordPolicies.CharacterRules.MustContainCharacters)
	next.EncryptionPasswordPolicies.CharacterRules.MustContainCharacters = slices.Clone(next.EncryptionPasswordPolicies.CharacterRules.MustContainCharacters)
	now, by := apiTime(e.clock.now()), userInfoJSON{ID: callerID(r)}
	enforce := false
	if l := req.LoginPasswordPolicies; l != nil {
		p := &next.LoginPasswordPolicies
		if err := l.apply(&p.CharacterRules, &p.MinLength, &p.RejectDictionaryWords, &p.RejectUserInfo, &p.RejectKeyboardPatterns); err != nil {
			writeError(w, err)
			return
		}
		if n := l.NumberOfArchivedPasswords; n != nil {
			if *n < 0 || *n > 10 {
				writeError(w, errInvalidParameter.withDebug("Invalid parameter value: numberOfArchivedPasswords must be between 0 and 10"))
				return
			}
			p.NumberOfArchivedPasswords = *n
		}
		if x := l.PasswordExpiration; x != nil {
			if x.Enabled && x.MaxPasswordAge < 1 {
				writeError(w, errPositiveNumber)
				return
			}
			p.PasswordExpiration = *x
		}
		if x := l.UserLockout; x != nil {
			if x.Enabled && (x.MaxNumberOfLoginFailures < 1 || x.LockoutPeriod < 1) {
				writeError(w, errPositiveNumber)
				return
			}
			p.UserLockout = *x
		}
		enforce = l.EnforceLoginPasswordChange != nil && *l.EnforceLoginPasswordChange
		p.UpdatedAt, p.UpdatedBy = now, by
	}
	if s := req.SharesPasswordPolicies; s != nil {
		p := &next.SharesPasswordPolicies
		if err := s.apply(&p.CharacterRules, &p.MinLength, &p.RejectDictionaryWords, &p.RejectUserInfo, &p.RejectKeyboardPatterns); err != nil {
			writeError(w, err)
			return
		}
		p.UpdatedAt, p.UpdatedBy = now, by
	}
	if c := req.EncryptionPasswordPolicies; c != nil {
		p := &next.EncryptionPasswordPolicies
		// Encryption passwords have no dictionary rule.
		if err := c.apply(&p.CharacterRules, &p.MinLength, nil, &p.RejectUserInfo, &p.RejectKeyboardPatterns); err != nil {
			writeError(w, err)
			return
		}
		p.UpdatedAt, p.UpdatedBy = now, by
	}
	e.st.admin.policies = next
	if enforce {
		e.st.enforcePasswordChange()
	}
	e.emit(r, opPasswordPolicyChanged, 0, "passwords")
	writeJSON(w, http.StatusOK, e.st.policyJSON())
}

// enforcePasswordChange makes every local user change their password at
// the next login. Callers hold e.mu.
func (st *state) enforcePasswordChange() {
	for _, u := range st.users {
		if u.method() == authBasic {
			u.mustChangePassword = true
		}
	}
}

func (e *Emulator) handleEnforcePasswordChange(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	e.st.enforcePasswordChange()
	e.emit(r, opPasswordPolicyChanged, 0, "enforce_change")
	w.WriteHeader(http.StatusNoContent)
}

// ---- login rules of the policy: expiration and lockout ----

// passwordChanged records that u set a new password now. Callers hold
// e.mu.
func (st *state) passwordChanged(u *user, now time.Time) {
	st.admin.passwordSetAt[u.id] = now
}

// loginSucceeded applies password expiration at a login: a password
// older than maxPasswordAge days must be changed (the user's
// mustChangePassword is set), and the failure count is reset. Callers
// hold e.mu.
func (st *state) loginSucceeded(u *user, now time.Time) {
	delete(st.admin.loginFailures, u.id)
	exp := st.admin.policies.LoginPasswordPolicies.PasswordExpiration
	if !exp.Enabled || exp.MaxPasswordAge <= 0 || u.method() != authBasic {
		return
	}
	set, ok := st.admin.passwordSetAt[u.id]
	if !ok {
		set = u.createdAt
	}
	if now.Sub(set) > time.Duration(exp.MaxPasswordAge)*24*time.Hour {
		u.mustChangePassword = true
	}
}

// loginFailed counts a failed login; reaching maxNumberOfLoginFailures
// locks the user out for lockoutPeriod minutes. Callers hold e.mu.
func (st *state) loginFailed(u *user, now time.Time) {
	lock := st.admin.policies.LoginPasswordPolicies.UserLockout
	if !lock.Enabled || lock.MaxNumberOfLoginFailures <= 0 {
		return
	}
	st.admin.loginFailures[u.id]++
	if st.admin.loginFailures[u.id] >= lock.MaxNumberOfLoginFailures {
		st.admin.lockedUntil[u.id] = now.Add(time.Duration(lock.LockoutPeriod) * time.Minute)
		delete(st.admin.loginFailures, u.id)
	}
}

// lockedOut reports whether u is in a lockout period; even the right
// password is refused then. Callers hold e.mu.
func (st *state) lockedOut(u *user, now time.Time) bool {
	until, ok := st.admin.lockedUntil[u.id]
	if ok && !now.Before(until) {
		delete(st.admin.lockedUntil, u.id)
		return false
	}
	return ok
}
