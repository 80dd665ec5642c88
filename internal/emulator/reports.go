package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Reports: the separate reporting service at /reporting/api/reports, as
// the Python client calls it (not in the OpenAPI document). Store and
// return: a report is created "waiting" and shows as "finished" once
// read after creation; no report file is produced. The shapes follow the
// Python client's models (CreateReport, Report, ReportList with
// "pagination"); everything here is unverified. LOG_AUDITOR required
// (the emulator's choice).

// report is a stored report job.
type report struct {
	id           int64
	name         string
	typ          string // single | periodic
	subType      string // general-audit-report | user-audit-report
	enabled      bool
	execution    *reportExecution
	formats      []string
	filter       *reportFilter
	targetID     int64
	created      time.Time
	lastModified time.Time
	state        string
}

type reportExecution struct {
	Type       string `json:"type"`
	TimeOfDay  string `json:"timeOfDay"`
	DayOfMonth int    `json:"dayOfMonth"`
}

type reportFilter struct {
	FromDate   *string `json:"fromDate,omitempty"`
	ToDate     *string `json:"toDate,omitempty"`
	ParentRoom *int64  `json:"parentRoom,omitempty"`
	UserID     *int64  `json:"userId,omitempty"`
	Operations []int   `json:"operations,omitempty"`
}

type reportTarget struct {
	ID int64 `json:"id"`
}

type createReportRequest struct {
	Name      string           `json:"name"`
	Type      string           `json:"type"`
	SubType   string           `json:"subType"`
	Enabled   *bool            `json:"enabled"`
	Execution *reportExecution `json:"execution"`
	Formats   []string         `json:"formats"`
	Filter    *reportFilter    `json:"filter"`
	Target    *reportTarget    `json:"target"`
}

// reportJSON is Report.
type reportJSON struct {
	ID           int64            `json:"id"`
	Created      apiTime          `json:"created"`
	LastModified apiTime          `json:"lastModified"`
	Name         string           `json:"name"`
	Type         string           `json:"type"`
	SubType      string           `json:"subType"`
	Enabled      bool             `json:"enabled"`
	Execution    *reportExecution `json:"execution,omitempty"`
	Formats      []string         `json:"formats"`
	State        string           `json:"state"`
	Error        *struct{}        `json:"error,omitempty"`
	Filter       *reportFilter    `json:"filter,omitempty"`
	Target       reportTarget     `json:"target"`
}

func (rp *report) toJSON() reportJSON {
	return reportJSON{ID: rp.id, Created: apiTime(rp.created), LastModified: apiTime(rp.lastModified), Name: rp.name, Type: rp.typ,
		SubType: rp.subType, Enabled: rp.enabled, Execution: rp.execution, Formats: slices.Clone(rp.formats), State: rp.state,
		Filter: rp.filter, Target: reportTarget{ID: rp.targetID}}
}

var (
	reportTypes    = []string{"single", "periodic"}
	reportSubTypes = []string{"general-audit-report", "user-audit-report"}
	reportFormats  = []string{"pdf", "csv-plain", "csv-semicolon-delimited"}
	reportStates   = []string{"waiting", "processing", "canceled", "finished"}
	errReportNF    = newAPIError(404, 0, "Report not found")
)

func (e *Emulator) reportRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(e.requireAuth)
		r.Get("/reporting/api/reports", produces(mediaJSON, e.handleListReports))
		r.Post("/reporting/api/reports", produces(mediaJSON, e.handleCreateReport))
		r.Delete("/reporting/api/reports", produces(mediaJSON, e.handleDeleteReports))
		r.Delete("/reporting/api/reports/{report_id}", produces(mediaJSON, e.handleDeleteReport))
	})
}

func (e *Emulator) handleCreateReport(w http.ResponseWriter, r *http.Request) {
	var req createReportRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if strings.TrimSpace(req.Name) == "" || req.Target == nil || len(req.Formats) == 0 {
		writeError(w, errMandatory)
		return
	}
	if err := validateText(req.Name); err != nil {
		writeError(w, err)
		return
	}
	if utf8.RuneCountInString(req.Name) > 255 {
		writeError(w, errTooLong)
		return
	}
	if !slices.Contains(reportTypes, req.Type) || !slices.Contains(reportSubTypes, req.SubType) {
		writeError(w, errInvalidParameter)
		return
	}
	for _, f := range req.Formats {
		if !slices.Contains(reportFormats, f) {
			writeError(w, errInvalidParameter)
			return
		}
	}
	if f := req.Filter; f != nil {
		for _, d := range []*string{f.FromDate, f.ToDate} {
			if d != nil {
				if _, err := parseDate(*d); err != nil {
					writeError(w, err)
					return
				}
			}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightReadLogs); err != nil {
		writeError(w, err)
		return
	}
	if n := e.st.nodes[req.Target.ID]; n == nil || n.typ != typeRoom {
		writeError(w, errContainerNotFound)
		return
	}
	now := e.clock.now()
	rp := &report{id: e.st.admin.reportSeq.next(), name: req.Name, typ: req.Type, subType: req.SubType, enabled: true,
		execution: req.Execution, formats: slices.Clone(req.Formats), filter: req.Filter, targetID: req.Target.ID,
		created: now, lastModified: now, state: "waiting"}
	if req.Enabled != nil {
		rp.enabled = *req.Enabled
	}
	e.st.admin.reports[rp.id] = rp
	e.emit(r, opReportCreated, rp.id, rp.name)
	writeJSON(w, http.StatusCreated, rp.toJSON())
}

// reportListSpec sorts and pages reports (sort name, created,
// lastModified, type, subType, state; default id order). The Python
// client filters with plain query parameters, read by reportFilterOf.
var reportListSpec = &listSpec[*report]{
	sorts: map[string]func(a, b *report) int{
		"name":         func(a, b *report) int { return compareFold(a.name, b.name) },
		"created":      func(a, b *report) int { return a.created.Compare(b.created) },
		"lastModified": func(a, b *report) int { return a.lastModified.Compare(b.lastModified) },
		"type":         func(a, b *report) int { return cmp.Compare(a.typ, b.typ) },
		"subType":      func(a, b *report) int { return cmp.Compare(a.subType, b.subType) },
		"state":        func(a, b *report) int { return cmp.Compare(a.state, b.state) },
	},
	tiebreak: func(a, b *report) int { return cmp.Compare(a.id, b.id) },
}

// reportFilterOf reads the query parameters name (contains), type,
// subType, state, hasError and enabled.
func reportFilterOf(r *http.Request) (func(*report) bool, *apiError) {
	q := r.URL.Query()
	if s := q.Get("state"); s != "" && !slices.Contains(reportStates, s) {
		return nil, errInvalidParameter
	}
	hasError, errSet, err := queryBool(r, "hasError")
	if err != nil {
		return nil, err
	}
	enabled, enabledSet, err := queryBool(r, "enabled")
	if err != nil {
		return nil, err
	}
	return func(rp *report) bool {
		return (q.Get("name") == "" || containsFold(rp.name, q.Get("name"))) &&
			(q.Get("type") == "" || rp.typ == q.Get("type")) &&
			(q.Get("subType") == "" || rp.subType == q.Get("subType")) &&
			(q.Get("state") == "" || rp.state == q.Get("state")) &&
			(!errSet || !hasError) && // the emulator's reports never fail
			(!enabledSet || rp.enabled == enabled)
	}, nil
}

// handleListReports lists reports; a waiting report is finished once it
// has been listed after its creation.
func (e *Emulator) handleListReports(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, reportListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	match, err := reportFilterOf(r)
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
	now := e.clock.now()
	var sel []*report
	for _, rp := range e.st.admin.reports {
		if rp.state == "waiting" && now.After(rp.created) {
			rp.state, rp.lastModified = "finished", now
		}
		if match(rp) {
			sel = append(sel, rp)
		}
	}
	page, rng := reportListSpec.apply(sel, q)
	items := make([]reportJSON, 0, len(page))
	for _, rp := range page {
		items = append(items, rp.toJSON())
	}
	writeJSON(w, http.StatusOK, struct {
		Pagination rangeJSON    `json:"pagination"`
		Items      []reportJSON `json:"items"`
	}{rng, items})
}

func (e *Emulator) handleDeleteReports(w http.ResponseWriter, r *http.Request) {
	var req struct {
		IDs []int64 `json:"ids"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if len(req.IDs) == 0 {
		writeError(w, errMandatory)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightReadLogs); err != nil {
		writeError(w, err)
		return
	}
	for _, id := range req.IDs {
		if e.st.admin.reports[id] == nil {
			writeError(w, errReportNF)
			return
		}
	}
	for _, id := range req.IDs {
		e.emit(r, opReportDeleted, id, e.st.admin.reports[id].name)
		delete(e.st.admin.reports, id)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleDeleteReport(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(chi.URLParam(r, "report_id"))
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
	rp := e.st.admin.reports[id]
	if rp == nil {
		writeError(w, errReportNF)
		return
	}
	delete(e.st.admin.reports, id)
	e.emit(r, opReportDeleted, id, rp.name)
	w.WriteHeader(http.StatusNoContent)
}
