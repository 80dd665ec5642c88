package emulator

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// Event log: every handler that changes something calls e.emit once on
// its success path; emit appends a LogEvent and hands the event to the
// webhooks (webhooks.go). Read side: GET /eventlog/events (LOG_AUDITOR),
// GET /eventlog/operations, GET /eventlog/audits/nodes and GET
// /nodes/rooms/{room_id}/events. The
// operation ids and names are the emulator's own (unverified_admin.go).

// Object types of LogEvent.objectType1/2 (unverified numbering).
const (
	objUser    = 1
	objGroup   = 2
	objNode    = 3
	objRole    = 4
	objKeyPair = 5
	objWebhook = 6
	objConfig  = 7
	objTenant  = 8
)

// logEvent is one entry of the event log.
type logEvent struct {
	id       int64
	time     time.Time
	userID   int64
	userName string
	op       int
	status   int
	client   string
	objID    int64
	objType  int
	objName  string
	// For node events: authParent is the room defining the node's
	// permissions (authParentSource); roomID the nearest room (the node
	// itself for a room), whose room event list shows the event;
	// hookRoomID the room whose webhooks see it: the nearest room, for a
	// room its parent room ("created in affected room"). All 0 outside
	// the node tree.
	authParent int64
	roomID     int64
	hookRoomID int64
	// attribute is a free detail (e.g. the role name of a role grant).
	attribute string
}

// emit records a successful change by the caller of r: operation op on
// the object (id, name), and hands it to the webhooks. For node
// operations id is the node, whose room becomes the event's auth parent;
// a deletion must therefore be emitted while the node is still in the
// tree. Handlers call it once on their success path. Callers hold e.mu.
func (e *Emulator) emit(r *http.Request, op int, id int64, name string) {
	e.record(r, callerID(r), op, 0, id, name)
}

// emitLogin records a login of u through OAuth, successful or not
// (status 2). Callers hold e.mu.
func (e *Emulator) emitLogin(r *http.Request, u *user, ok bool) {
	e.record(r, u.id, opLogin, pick(ok, 0, 2), u.id, u.login)
}

// record appends an event by user uid and hands it to the webhooks.
// Callers hold e.mu.
func (e *Emulator) record(r *http.Request, uid int64, op, status int, id int64, name string) {
	st := e.st
	ev := &logEvent{
		id:      st.admin.eventSeq.next(),
		time:    e.clock.now(),
		userID:  uid,
		op:      op,
		status:  status,
		client:  r.Header.Get("User-Agent"),
		objID:   id,
		objType: operations[op].objType,
		objName: name,
	}
	if len(ev.client) > 255 {
		ev.client = ev.client[:255]
	}
	if u := st.users[ev.userID]; u != nil {
		ev.userName = u.login
	}
	if ev.objType == objNode {
		if n := st.nodes[id]; n != nil {
			ev.authParent, ev.roomID, ev.hookRoomID = st.authParentID(n), st.nearestRoomID(n), st.nearestRoomID(n)
			if n.typ == typeRoom {
				ev.hookRoomID = st.nearestRoomID(st.nodes[n.parentID])
			}
		}
	}
	// With the event log switched off (PUT /system/config/settings/eventlog)
	// nothing is recorded; webhooks still fire.
	if on, _ := st.admin.sysconf.docs["eventlog"]["enabled"].(bool); on {
		st.admin.events = append(st.admin.events, ev)
	}
	e.notifyWebhooks(ev)
}

// logEventJSON is LogEvent.
type logEventJSON struct {
	ID               int64   `json:"id"`
	Time             apiTime `json:"time"`
	UserID           int64   `json:"userId"`
	Message          string  `json:"message"`
	OperationID      int     `json:"operationId"`
	OperationName    string  `json:"operationName"`
	Status           int     `json:"status"`
	UserClient       string  `json:"userClient,omitempty"`
	CustomerID       int64   `json:"customerId"`
	UserName         string  `json:"userName"`
	AuthParentSource string  `json:"authParentSource,omitempty"`
	ObjectID1        int64   `json:"objectId1"`
	ObjectType1      int     `json:"objectType1"`
	ObjectName1      string  `json:"objectName1"`
	Attribute1       string  `json:"attribute1,omitempty"`
}

type logEventListJSON struct {
	Range rangeJSON      `json:"range"`
	Items []logEventJSON `json:"items"`
}

func (st *state) logEventJSONOf(ev *logEvent) logEventJSON {
	op := operations[ev.op]
	out := logEventJSON{
		ID: ev.id, Time: apiTime(ev.time), UserID: ev.userID,
		Message:       op.name + ": " + ev.objName,
		OperationID:   ev.op,
		OperationName: op.name,
		Status:        ev.status,
		UserClient:    ev.client,
		CustomerID:    st.customer.id,
		UserName:      ev.userName,
		ObjectID1:     ev.objID,
		ObjectType1:   ev.objType,
		ObjectName1:   ev.objName,
		Attribute1:    ev.attribute,
	}
	if ev.authParent != 0 {
		out.AuthParentSource = strconv.FormatInt(ev.authParent, 10)
	}
	return out
}

// eventListSpec sorts events by time (the only documented sort field,
// default descending); the filters are query parameters, not a filter
// string.
var eventListSpec = &listSpec[*logEvent]{
	sorts: map[string]func(a, b *logEvent) int{
		// Events of the same millisecond keep their recording order.
		"time": func(a, b *logEvent) int { return cmp.Or(a.time.Compare(b.time), cmp.Compare(a.id, b.id)) },
	},
	multiSort:   true,
	defaultSort: []sortKey{{field: "time", desc: true}},
}

var (
	errInvalidOperationID = newAPIError(400, -80026, "Invalid operation ID")
	errInvalidOpStatus    = newAPIError(400, -80027, "Invalid operation status")
)

// eventFilter reads the query filters of the event lists.
func eventFilter(r *http.Request) (func(*logEvent) bool, *apiError) {
	q := r.URL.Query()
	var from, until time.Time
	var err *apiError
	if s := q.Get("date_start"); s != "" {
		if from, err = parseDate(s); err != nil {
			return nil, err
		}
	}
	if s := q.Get("date_end"); s != "" {
		if until, err = parseDate(s); err != nil {
			return nil, err
		}
	}
	op := 0
	if s := q.Get("type"); s != "" {
		n, perr := strconv.Atoi(s)
		if _, ok := operations[n]; perr != nil || !ok {
			return nil, errInvalidOperationID
		}
		op = n
	}
	var uid int64
	if s := q.Get("user_id"); s != "" {
		if uid, err = parseID(s); err != nil {
			return nil, err
		}
	}
	status := -1
	if s := q.Get("status"); s != "" {
		if s != "0" && s != "2" {
			return nil, errInvalidOpStatus
		}
		status, _ = strconv.Atoi(s)
	}
	client := q.Get("user_client")
	return func(ev *logEvent) bool {
		return (from.IsZero() || !ev.time.Before(from)) &&
			(until.IsZero() || !ev.time.After(until)) &&
			(op == 0 || ev.op == op) &&
			(uid == 0 || ev.userID == uid) &&
			(status < 0 || ev.status == status) &&
			(client == "" || ev.client == client)
	}, nil
}

// listEvents answers an event list of the events keep admits. Callers
// hold e.mu.
func (e *Emulator) listEvents(w http.ResponseWriter, r *http.Request, keep func(*logEvent) bool) {
	q, err := parseListQuery(r, eventListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	match, err := eventFilter(r)
	if err != nil {
		writeError(w, err)
		return
	}
	// Events older than the configured retention period are gone.
	retention, _ := e.st.admin.sysconf.docs["eventlog"]["retentionPeriod"].(float64)
	oldest := e.clock.now().AddDate(0, 0, -int(retention))
	var sel []*logEvent
	for _, ev := range e.st.admin.events {
		if keep(ev) && match(ev) && (retention <= 0 || !ev.time.Before(oldest)) {
			sel = append(sel, ev)
		}
	}
	page, rng := eventListSpec.apply(sel, q)
	out := logEventListJSON{Range: rng, Items: make([]logEventJSON, 0, len(page))}
	for _, ev := range page {
		out.Items = append(out.Items, e.st.logEventJSONOf(ev))
	}
	if !acceptable(r, mediaJSON) {
		writeEventsCSV(w, out.Items)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// eventsAcceptable wraps the event list handlers: they answer JSON or,
// for "Accept: text/csv", CSV (the document allows both).
func eventsAcceptable(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !acceptable(r, mediaJSON) && !acceptable(r, mediaCSV) {
			writeError(w, notAcceptable(r, mediaJSON+", "+mediaCSV))
			return
		}
		h(w, r)
	}
}

const mediaCSV = "text/csv"

// writeEventsCSV renders events as CSV with a header row named after the
// LogEvent properties (the real column set is unverified).
func writeEventsCSV(w http.ResponseWriter, items []logEventJSON) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"id", "time", "userId", "userName", "operationId", "operationName", "status", "userClient", "objectId1", "objectType1", "objectName1", "authParentSource", "message"})
	for _, ev := range items {
		t, _ := ev.Time.MarshalJSON()
		_ = cw.Write([]string{strconv.FormatInt(ev.ID, 10), strings.Trim(string(t), `"`), strconv.FormatInt(ev.UserID, 10), ev.UserName,
			strconv.Itoa(ev.OperationID), ev.OperationName, strconv.Itoa(ev.Status), ev.UserClient, strconv.FormatInt(ev.ObjectID1, 10),
			strconv.Itoa(ev.ObjectType1), ev.ObjectName1, ev.AuthParentSource, ev.Message})
	}
	cw.Flush()
	w.Header().Set("Content-Type", mediaCSV+";charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func (e *Emulator) handleEvents(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightReadLogs); err != nil {
		writeError(w, err)
		return
	}
	e.listEvents(w, r, func(*logEvent) bool { return true })
}

// handleRoomEvents lists the events of one room (room admins: manage
// permission on it; log auditors too).
func (e *Emulator) handleRoomEvents(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(chi.URLParam(r, "room_id"))
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	uid := callerID(r)
	n := e.st.nodes[id]
	if n == nil || n.typ != typeRoom || !(e.st.permissions(n, uid).any() || e.st.hasRight(uid, rightReadLogs)) {
		writeError(w, errContainerNotFound)
		return
	}
	if !e.st.permissions(n, uid).Manage && !e.st.hasRight(uid, rightReadLogs) {
		writeError(w, errForbidden)
		return
	}
	e.listEvents(w, r, func(ev *logEvent) bool { return ev.roomID == id })
}

type logOperationJSON struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	IsDeprecated bool   `json:"isDeprecated"`
}

func (e *Emulator) handleOperations(w http.ResponseWriter, r *http.Request) {
	deprecated, present, err := queryBool(r, "is_deprecated")
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	err = e.requireRight(r, rightReadLogs)
	e.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	out := struct {
		OperationList []logOperationJSON `json:"operationList"`
	}{OperationList: []logOperationJSON{}}
	// None of the emulator's operations is deprecated.
	if !present || !deprecated {
		for _, id := range slices.Sorted(mapKeys(operations)) {
			out.OperationList = append(out.OperationList, logOperationJSON{ID: id, Name: operations[id].name})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ---- permission audit ----

type auditUserPermissionJSON struct {
	UserID        int64  `json:"userId"`
	UserLogin     string `json:"userLogin"`
	UserFirstName string `json:"userFirstName"`
	UserLastName  string `json:"userLastName"`
	Permissions   perms  `json:"permissions"`
}

// auditNodeJSON is AuditNodeResponse.
type auditNodeJSON struct {
	NodeID                        int64                     `json:"nodeId"`
	NodeName                      string                    `json:"nodeName"`
	NodeParentPath                string                    `json:"nodeParentPath"`
	NodeCntChildren               int                       `json:"nodeCntChildren"`
	AuditUserPermissionList       []auditUserPermissionJSON `json:"auditUserPermissionList"`
	NodeParentID                  int64                     `json:"nodeParentId,omitempty"`
	NodeSize                      int64                     `json:"nodeSize"`
	NodeRecycleBinRetentionPeriod int                       `json:"nodeRecycleBinRetentionPeriod"`
	NodeQuota                     int64                     `json:"nodeQuota"`
	NodeIsEncrypted               bool                      `json:"nodeIsEncrypted"`
	NodeHasActivitiesLog          bool                      `json:"nodeHasActivitiesLog"`
	NodeCreatedAt                 apiTime                   `json:"nodeCreatedAt"`
	NodeCreatedBy                 userInfoJSON              `json:"nodeCreatedBy"`
	NodeUpdatedAt                 apiTime                   `json:"nodeUpdatedAt"`
	NodeUpdatedBy                 userInfoJSON              `json:"nodeUpdatedBy"`
}

// auditRow is one (room, user) pair of the audit, the unit the filters
// test.
type auditRow struct {
	room *node
	user *user
	p    perms
}

var auditSpec = &listSpec[auditRow]{
	filters: map[string]filterField[auditRow]{
		"nodeId":               {kind: kindInt, ops: []string{"eq"}, num: func(a auditRow) int64 { return a.room.id }},
		"nodeName":             {kind: kindString, ops: []string{"cn", "eq"}, str: func(a auditRow) string { return a.room.name }},
		"nodeParentId":         {kind: kindInt, ops: []string{"eq"}, num: func(a auditRow) int64 { return a.room.parentID }},
		"userId":               {kind: kindInt, ops: []string{"eq"}, num: func(a auditRow) int64 { return a.user.id }},
		"userName":             {kind: kindString, ops: []string{"cn", "eq"}, str: func(a auditRow) string { return a.user.login }},
		"userFirstName":        {kind: kindString, ops: []string{"cn", "eq"}, str: func(a auditRow) string { return a.user.firstName }},
		"userLastName":         {kind: kindString, ops: []string{"cn", "eq"}, str: func(a auditRow) string { return a.user.lastName }},
		"permissionsManage":    {kind: kindBool, ops: []string{"eq"}, bl: func(a auditRow) bool { return a.p.Manage }},
		"nodeIsEncrypted":      {kind: kindBool, ops: []string{"eq"}, bl: func(a auditRow) bool { return a.room.isEncrypted }},
		"nodeHasActivitiesLog": {kind: kindBool, ops: []string{"eq"}, bl: func(a auditRow) bool { return a.room.hasActivitiesLog }},
	},
	anyOf: []string{"userName", "userFirstName", "userLastName"},
	sorts: map[string]func(a, b auditRow) int{
		"nodeId":       func(a, b auditRow) int { return cmp.Compare(a.room.id, b.room.id) },
		"nodeName":     func(a, b auditRow) int { return compareFold(a.room.name, b.room.name) },
		"nodeParentId": func(a, b auditRow) int { return cmp.Compare(a.room.parentID, b.room.parentID) },
		// Rooms report nodeSize 0 (auditNodeJSON), so the order by size
		// is the tiebreak.
		"nodeSize":  func(a, b auditRow) int { return 0 },
		"nodeQuota": func(a, b auditRow) int { return cmp.Compare(a.room.quota, b.room.quota) },
	},
	multiSort: true,
	tiebreak:  func(a, b auditRow) int { return cmp.Compare(a.room.id, b.room.id) },
}

// handleAuditNodes lists every room with the users holding permissions on
// it (direct, through groups or inherited). The filters select (room,
// user) pairs; paging counts rooms. The answer is a bare array.
func (e *Emulator) handleAuditNodes(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, auditSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightReadLogs); err != nil {
		writeError(w, err)
		return
	}
	st := e.st
	var rows []auditRow
	for _, n := range st.roomsByID() {
		for _, u := range st.users {
			if p := st.permissions(n, u.id); p.any() {
				rows = append(rows, auditRow{room: n, user: u, p: p})
			}
		}
	}
	all := q
	all.offset, all.limit = 0, len(rows)+1
	kept, _ := auditSpec.apply(rows, all)
	var order []*node
	byRoom := map[int64][]auditUserPermissionJSON{}
	for _, row := range kept {
		if _, seen := byRoom[row.room.id]; !seen {
			order = append(order, row.room)
		}
		byRoom[row.room.id] = append(byRoom[row.room.id], auditUserPermissionJSON{
			UserID: row.user.id, UserLogin: row.user.login, UserFirstName: row.user.firstName, UserLastName: row.user.lastName, Permissions: row.p,
		})
	}
	start := min(q.offset, len(order))
	end := min(start+q.limit, len(order))
	out := make([]auditNodeJSON, 0, end-start)
	for _, n := range order[start:end] {
		list := byRoom[n.id]
		slices.SortFunc(list, func(a, b auditUserPermissionJSON) int { return cmp.Compare(a.UserID, b.UserID) })
		out = append(out, auditNodeJSON{
			NodeID: n.id, NodeName: n.name, NodeParentPath: st.parentPath(n), NodeCntChildren: len(st.children(n.id)),
			AuditUserPermissionList: list, NodeParentID: n.parentID, NodeRecycleBinRetentionPeriod: n.retentionPeriod,
			NodeQuota: n.quota, NodeIsEncrypted: n.isEncrypted, NodeHasActivitiesLog: n.hasActivitiesLog,
			NodeCreatedAt: apiTime(n.createdAt), NodeCreatedBy: st.userInfo(n.createdBy),
			NodeUpdatedAt: apiTime(n.updatedAt), NodeUpdatedBy: st.userInfo(n.updatedBy),
		})
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) eventlogRoutes(r chi.Router) {
	r.Get("/eventlog/events", eventsAcceptable(e.handleEvents))
	r.Get("/eventlog/operations", produces(mediaJSON, e.handleOperations))
	r.Get("/eventlog/audits/nodes", produces(mediaJSON, e.handleAuditNodes))
	r.Get("/nodes/rooms/{room_id}/events", eventsAcceptable(e.handleRoomEvents))
}

// pick returns a when cond holds, else b (the operation of an add/remove
// handler).
func pick(cond bool, a, b int) int {
	if cond {
		return a
	}
	return b
}

// nearestRoomID is the nearest room holding n, n itself for a room; 0 for nil.
func (st *state) nearestRoomID(n *node) int64 {
	for n != nil && n.typ != typeRoom {
		n = st.nodes[n.parentID]
	}
	if n == nil {
		return 0
	}
	return n.id
}
