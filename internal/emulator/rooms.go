package emulator

import (
	"encoding/json"
	"net/http"
)

// Rooms beyond creation: PUT /nodes/rooms/{room_id}, .../config,
// .../encrypt, .../policies (GET/PUT, newer than 4.26.7) and .../webhooks
// (GET/PUT; no webhooks exist yet, so the list is empty).

// lookupRoom finds a room the caller can see (404 -40000 otherwise).
func (e *Emulator) lookupRoom(r *http.Request, uid int64) (*node, *apiError) {
	id, err := urlID(r, "room_id")
	if err != nil {
		return nil, err
	}
	n, err := e.st.lookupNode(id, uid, errContainerNotFound)
	if err == nil && n.typ != typeRoom {
		err = errContainerNotFound
	}
	return n, err
}

// managedRoom is lookupRoom plus the room administrator check.
func (e *Emulator) managedRoom(r *http.Request, uid int64) (*node, *apiError) {
	n, err := e.lookupRoom(r, uid)
	if err != nil {
		return nil, err
	}
	if !e.st.permissions(n, uid).Manage {
		return nil, errForbidden
	}
	return n, nil
}

// updateRoomRequest is UpdateRoomRequest.
type updateRoomRequest struct {
	Name                  *string `json:"name"`
	Quota                 *int64  `json:"quota"`
	Notes                 *string `json:"notes"`
	TimestampCreation     *string `json:"timestampCreation"`
	TimestampModification *string `json:"timestampModification"`
}

// canUpdateRoom: see roomManagerDeletesTopLevelRooms in unverified.go.
func (st *state) canUpdateRoom(n *node, uid int64) bool {
	if st.permissions(n, uid).Manage {
		return true
	}
	if n.parentID != 0 {
		return st.permissions(st.nodes[n.parentID], uid).Manage
	}
	return st.hasRole(uid, roleRoomManager)
}

func (e *Emulator) handleUpdateRoom(w http.ResponseWriter, r *http.Request) {
	var req updateRoomRequest
	if err := decodeJSON(r, &req, true); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.lookupRoom(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if !e.st.canUpdateRoom(n, uid) {
		writeError(w, errForbidden)
		return
	}
	if req.Quota != nil && *req.Quota < 0 {
		writeError(w, errPositiveNumber)
		return
	}
	if err := e.applyNodeUpdate(n, uid, req.Name, req.Notes, req.TimestampCreation, req.TimestampModification); err != nil {
		writeError(w, err)
		return
	}
	if req.Quota != nil {
		n.quota = *req.Quota
	}
	writeJSON(w, http.StatusOK, e.st.view(n, uid).toJSON(false))
}

// configRoomRequest is ConfigRoomRequest.
type configRoomRequest struct {
	RecycleBinRetentionPeriod *int    `json:"recycleBinRetentionPeriod"`
	InheritPermissions        *bool   `json:"inheritPermissions"`
	TakeOverPermissions       *bool   `json:"takeOverPermissions"`
	AdminIDs                  []int64 `json:"adminIds"`
	AdminGroupIDs             []int64 `json:"adminGroupIds"`
	NewGroupMemberAcceptance  *string `json:"newGroupMemberAcceptance"`
	HasActivitiesLog          *bool   `json:"hasActivitiesLog"`
	Classification            *int    `json:"classification"`
	HasRecycleBin             *bool   `json:"hasRecycleBin"`
}

var errNeedsNull = newAPIError(400, -80028, "Due to existing dependency the input must be null")

func (e *Emulator) handleConfigRoom(w http.ResponseWriter, r *http.Request) {
	var req configRoomRequest
	if err := decodeJSON(r, &req, true); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	n, err := e.managedRoom(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := validateConfig(n, &req); err != nil {
		writeError(w, err)
		return
	}
	for _, id := range req.AdminIDs {
		if st.users[id] == nil {
			writeError(w, errUserNotFound)
			return
		}
	}
	for _, id := range req.AdminGroupIDs {
		if st.groups[id] == nil {
			writeError(w, errGroupNotFound)
			return
		}
	}
	// Apply on a copy of the grants, so a failing admin rule changes
	// nothing.
	inherit := n.inheritPermissions
	if req.InheritPermissions != nil {
		inherit = *req.InheritPermissions
	}
	users, groups := cloneGrants(n.userPerms), cloneGrants(n.groupPerms)
	if n.inheritPermissions && !inherit && req.TakeOverPermissions != nil && *req.TakeOverPermissions {
		parent := st.nodes[n.parentID]
		for id := range st.users {
			if p := st.permissions(parent, id); p.any() {
				users[id] = users[id].or(p)
			}
		}
	}
	for _, id := range req.AdminIDs {
		users[id] = fullPerms()
	}
	for _, id := range req.AdminGroupIDs {
		groups[id] = fullPerms()
	}
	if !inherit && !st.hasAdmin(users, groups, 0, 0) {
		writeError(w, errNeedAdmin)
		return
	}
	n.inheritPermissions, n.userPerms = inherit, users
	if req.NewGroupMemberAcceptance != nil {
		n.newGroupMemberAcceptance = *req.NewGroupMemberAcceptance
	}
	for _, id := range req.AdminGroupIDs {
		st.grantGroup(n, id, fullPerms(), n.newGroupMemberAcceptance)
	}
	if req.RecycleBinRetentionPeriod != nil {
		n.retentionPeriod = *req.RecycleBinRetentionPeriod
	}
	if req.HasActivitiesLog != nil {
		n.hasActivitiesLog = *req.HasActivitiesLog
	}
	if req.Classification != nil {
		n.classification = *req.Classification
	}
	st.touch(n, uid, e.clock.now())
	writeJSON(w, http.StatusOK, st.view(n, uid).toJSON(false))
}

// validateConfig checks the request values against the room.
func validateConfig(n *node, req *configRoomRequest) *apiError {
	if req.RecycleBinRetentionPeriod != nil && (*req.RecycleBinRetentionPeriod < 0 || *req.RecycleBinRetentionPeriod > 9999) {
		return errNotBetween
	}
	if req.HasRecycleBin != nil && !*req.HasRecycleBin {
		return errRecycleBinOff
	}
	if err := checkClassification(req.Classification); err != nil {
		return err
	}
	if req.NewGroupMemberAcceptance != nil && !validAcceptance(*req.NewGroupMemberAcceptance) {
		return errInvalidAcceptance
	}
	if n.parentID == 0 && req.InheritPermissions != nil && *req.InheritPermissions {
		return errInheritTopLevel
	}
	if n.parentID == 0 && req.TakeOverPermissions != nil && *req.TakeOverPermissions {
		return errTakeoverTopLevel
	}
	inherit := n.inheritPermissions
	if req.InheritPermissions != nil {
		inherit = *req.InheritPermissions
	}
	if inherit && (len(req.AdminIDs) > 0 || len(req.AdminGroupIDs) > 0) {
		// "To set adminIds or adminGroupIds the inheritPermissions value
		// has to be false."
		return errNeedsNull
	}
	return nil
}

func validAcceptance(s string) bool { return s == "autoallow" || s == "pending" }

// encryptRoomRequest is EncryptRoomRequest.
type encryptRoomRequest struct {
	IsEncrypted           *bool           `json:"isEncrypted"`
	UseDataSpaceRescueKey *bool           `json:"useDataSpaceRescueKey"`
	DataRoomRescueKey     json.RawMessage `json:"dataRoomRescueKey"`
}

func (e *Emulator) handleEncryptRoom(w http.ResponseWriter, r *http.Request) {
	var req encryptRoomRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.IsEncrypted == nil {
		writeError(w, errMandatory)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	n, err := e.managedRoom(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	on := *req.IsEncrypted
	hasKey := len(req.DataRoomRescueKey) > 0 && string(req.DataRoomRescueKey) != "null"
	switch {
	case on && !st.customer.cryptoEnabled:
		err = errCryptoDisabled
	case encryptTopLevelOnly && n.parentID != 0:
		err = errInvalidParameter.withDebug("Only top-level rooms can be encrypted")
	case on != n.isEncrypted && st.hasFiles(n):
		err = map[bool]*apiError{true: errRoomHasFiles, false: errRoomHasFilesPlain}[on]
	case on != n.isEncrypted && len(st.binOf(n)) > 0:
		err = map[bool]*apiError{true: errBinNotEmptyEncrypt, false: errBinNotEmptyDecrypt}[on]
	case on != n.isEncrypted && st.roomHasShares(n):
		err = errRoomHasShares
	case hasKey && len(n.roomRescueKeys) > 0:
		err = errOneRescueKey
	case hasKey:
		err = checkRoomRescueKey(req.DataRoomRescueKey)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	st.tree.init()
	for _, x := range st.subtree(n) {
		if x == n || (x.typ != typeRoom && st.roomOf(x) == n) {
			x.isEncrypted = on
		}
	}
	if req.UseDataSpaceRescueKey != nil {
		n.useDataSpaceRescueKey = *req.UseDataSpaceRescueKey
	}
	if hasKey {
		e.setRoomRescueKey(n, req.DataRoomRescueKey, uid)
	}
	if !on {
		n.roomRescueKeys, n.useDataSpaceRescueKey = nil, false
	}
	st.touch(n, uid, e.clock.now())
	writeJSON(w, http.StatusOK, st.view(n, uid).toJSON(false))
}

// roomPolicies are RoomPolicies (newer than 4.26.7).
type roomPolicies struct {
	DefaultExpirationPeriod  int  `json:"defaultExpirationPeriod"`
	IsVirusProtectionEnabled bool `json:"isVirusProtectionEnabled"`
}

// roomPoliciesRequest is RoomPoliciesRequest (note the missing "is").
type roomPoliciesRequest struct {
	DefaultExpirationPeriod *int  `json:"defaultExpirationPeriod"`
	VirusProtectionEnabled  *bool `json:"virusProtectionEnabled"`
}

func (e *Emulator) handleGetRoomPolicies(w http.ResponseWriter, r *http.Request) {
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.lookupRoom(r, uid)
	if err == nil && !policiesReadableByMembers && !e.st.permissions(n, uid).Manage {
		err = errForbidden
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, n.policies)
}

func (e *Emulator) handleSetRoomPolicies(w http.ResponseWriter, r *http.Request) {
	var req roomPoliciesRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.managedRoom(r, uid)
	if err != nil {
		writeError(w, err)
		return
	}
	if req.DefaultExpirationPeriod != nil && *req.DefaultExpirationPeriod < 0 {
		writeError(w, errPositiveNumber)
		return
	}
	if req.DefaultExpirationPeriod != nil {
		n.policies.DefaultExpirationPeriod = *req.DefaultExpirationPeriod
	}
	if req.VirusProtectionEnabled != nil {
		n.policies.IsVirusProtectionEnabled = *req.VirusProtectionEnabled
	}
	w.WriteHeader(http.StatusNoContent)
}

// roomWebhookListJSON is RoomWebhookList. Webhooks do not exist yet, so
// every room's list is empty; the filter is still checked.
type roomWebhookListJSON struct {
	Range rangeJSON         `json:"range"`
	Items []json.RawMessage `json:"items"`
}

var roomWebhookSpec = &listSpec[json.RawMessage]{
	filters: map[string]filterField[json.RawMessage]{
		"isAssigned": {kind: kindBool, ops: []string{"eq"}, bl: func(json.RawMessage) bool { return false }},
	},
	sorts: map[string]func(a, b json.RawMessage) int{},
}

var errWebhookNotFound = newAPIError(404, -91000, "Webhook not found")

func (e *Emulator) handleGetRoomWebhooks(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r, roomWebhookSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.managedRoom(r, uid); err != nil {
		writeError(w, err)
		return
	}
	page, rng := roomWebhookSpec.apply(nil, lq)
	writeJSON(w, http.StatusOK, roomWebhookListJSON{Range: rng, Items: append([]json.RawMessage{}, page...)})
}

// roomWebhookRequest is UpdateRoomWebhookRequest.
type roomWebhookRequest struct {
	Items []struct {
		WebhookID  *int64 `json:"webhookId"`
		IsAssigned *bool  `json:"isAssigned"`
	} `json:"items"`
}

func (e *Emulator) handleSetRoomWebhooks(w http.ResponseWriter, r *http.Request) {
	var req roomWebhookRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	uid := callerID(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.managedRoom(r, uid); err != nil {
		writeError(w, err)
		return
	}
	for _, it := range req.Items {
		if it.WebhookID == nil || it.IsAssigned == nil {
			writeError(w, errMandatory)
			return
		}
	}
	if len(req.Items) > 0 {
		// No webhook exists yet, so any id is unknown.
		writeError(w, errWebhookNotFound)
		return
	}
	writeJSON(w, http.StatusOK, roomWebhookListJSON{Range: rangeJSON{Limit: defaultLimit}, Items: []json.RawMessage{}})
}
