package dracoon

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// ReportsService manages audit reports of DRACOON's reporting service, a
// separate application below /reporting/api that the OpenAPI document
// does not describe. It needs the LOG_AUDITOR role.
//
// Unverified: paths, parameters and shapes follow the Python client
// (dracoon-python-api), not a specification or a recorded exchange.
// Whether the service wants a version segment in its path is not known.
type ReportsService service

// reportsPath is the reports collection of the reporting service.
const reportsPath = "/reporting/api/reports"

// Report types, sub-types, formats, execution types and states.
const (
	ReportSingle   = "single"
	ReportPeriodic = "periodic"

	ReportGeneralAudit = "general-audit-report"
	ReportUserAudit    = "user-audit-report"

	ReportPDF             = "pdf"
	ReportCSV             = "csv-plain"
	ReportCSVSemicolon    = "csv-semicolon-delimited"
	ReportOnDemand        = "on-demand"
	ReportMonthly         = "monthly"
	ReportStateWaiting    = "waiting"
	ReportStateProcessing = "processing"
	ReportStateCanceled   = "canceled"
	ReportStateFinished   = "finished"
)

// Report is a report job and its state. Unverified shape (see
// ReportsService).
type Report struct {
	ID           int64            `json:"id"`
	Created      time.Time        `json:"created,omitzero"`
	LastModified time.Time        `json:"lastModified,omitzero"`
	Name         string           `json:"name"`
	Type         string           `json:"type"`
	SubType      string           `json:"subType"`
	Enabled      bool             `json:"enabled"`
	Execution    *ReportExecution `json:"execution,omitempty"`
	Formats      ReportFormats    `json:"formats,omitempty"`
	State        string           `json:"state"`
	Error        *ReportError     `json:"error,omitempty"`
	Filter       *ReportFilter    `json:"filter,omitempty"`
	Target       *ReportTarget    `json:"target,omitempty"`
}

// ReportFormats are the file formats of a report. The Python client
// models the answer's field as a single format although requests send a
// list; both are accepted.
type ReportFormats []string

// UnmarshalJSON accepts a list of formats or a single one.
func (f *ReportFormats) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*f = ReportFormats{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*f = many
	return nil
}

// ReportExecution says when a periodic report runs: TimeOfDay as
// "HH:MM:SS", on DayOfMonth (1–31) for monthly reports.
type ReportExecution struct {
	Type       string `json:"type"`
	TimeOfDay  string `json:"timeOfDay"`
	DayOfMonth int    `json:"dayOfMonth"`
}

// ReportError says why a report failed.
type ReportError struct {
	Message string `json:"message,omitempty"`
	Code    int    `json:"code,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// ReportFilter narrows what a report covers. FromDate and ToDate are
// ISO-8601 dates; Operations are event log operation ids.
type ReportFilter struct {
	FromDate   string  `json:"fromDate,omitempty"`
	ToDate     string  `json:"toDate,omitempty"`
	ParentRoom int64   `json:"parentRoom,omitempty"`
	UserID     int64   `json:"userId,omitempty"`
	Operations []int64 `json:"operations,omitempty"`
}

// ReportTarget is the room the report files are stored in.
type ReportTarget struct {
	ID int64 `json:"id"`
}

// CreateReportRequest creates a report job.
type CreateReportRequest struct {
	Name string `json:"name"`
	// Type is ReportSingle or ReportPeriodic; SubType ReportGeneralAudit
	// or ReportUserAudit.
	Type    string `json:"type"`
	SubType string `json:"subType"`
	Enabled *bool  `json:"enabled,omitempty"`
	// Execution schedules a periodic report.
	Execution *ReportExecution `json:"execution,omitempty"`
	// Formats are ReportPDF, ReportCSV or ReportCSVSemicolon.
	Formats []string      `json:"formats"`
	Filter  *ReportFilter `json:"filter,omitempty"`
	Target  ReportTarget  `json:"target"`
}

// Validate refuses an empty name, unknown types and formats, a missing
// target room and a bad schedule.
func (r *CreateReportRequest) Validate() error {
	errs := []error{checkNotBlank("name", r.Name), checkOneOf("type", r.Type, ReportSingle, ReportPeriodic),
		checkOneOf("subType", r.SubType, ReportGeneralAudit, ReportUserAudit), checkID("target.id", r.Target.ID)}
	if len(r.Formats) == 0 {
		errs = append(errs, invalid("formats", "must not be empty"))
	}
	for i, f := range r.Formats {
		errs = append(errs, checkOneOf("formats["+strconv.Itoa(i)+"]", f, ReportPDF, ReportCSV, ReportCSVSemicolon))
	}
	if e := r.Execution; e != nil {
		errs = append(errs, checkOneOf("execution.type", e.Type, ReportOnDemand, ReportMonthly))
		if _, err := time.Parse(time.TimeOnly, e.TimeOfDay); err != nil {
			errs = append(errs, invalid("execution.timeOfDay", "must be HH:MM:SS"))
		}
		if e.DayOfMonth < 0 || e.DayOfMonth > 31 {
			errs = append(errs, invalid("execution.dayOfMonth", "must lie between 1 and 31"))
		}
	} else if r.Type == ReportPeriodic {
		errs = append(errs, invalid("execution", "a periodic report needs a schedule"))
	}
	return firstError(errs...)
}

// ListReportsOptions select reports. Sort as in ListOptions; Filter is not
// offered by the reporting service.
type ListReportsOptions struct {
	ListOptions
	Name    string
	Type    string
	SubType string
	State   string
	// HasError and Enabled select by flag; nil means either.
	HasError *bool
	Enabled  *bool
}

// query returns the query of a report list.
func (o *ListReportsOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	q = o.values(q)
	for k, v := range map[string]string{"name": o.Name, "type": o.Type, "subType": o.SubType, "state": o.State} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for k, v := range map[string]*bool{"hasError": o.HasError, "enabled": o.Enabled} {
		if v != nil {
			q.Set(k, strconv.FormatBool(*v))
		}
	}
	return q
}

// List returns one page of reports (GET /reporting/api/reports).
func (s *ReportsService) List(ctx context.Context, opts *ListReportsOptions) (*Page[Report], error) {
	if opts != nil && opts.Filter != "" {
		return nil, invalid("filter", "the reporting service takes no filter; use the other options")
	}
	l, err := doJSON[struct {
		Pagination Range    `json:"pagination"`
		Items      []Report `json:"items"`
	}](ctx, s.client, &apiCall{method: http.MethodGet, path: reportsPath, query: opts.query()})
	if err != nil {
		return nil, err
	}
	return &Page[Report]{Range: l.Pagination, Items: l.Items}, nil
}

// All iterates over the reports (GET /reporting/api/reports).
func (s *ReportsService) All(ctx context.Context, opts *ListReportsOptions) iter.Seq2[Report, error] {
	var o ListReportsOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, &o.ListOptions, func(ctx context.Context, lo *ListOptions) (*Page[Report], error) {
		page := o
		page.ListOptions = *lo
		return s.List(ctx, &page)
	})
}

// Create starts a report job. The answer's shape is unverified: the
// report is returned when the service answers with one, else nil
// (POST /reporting/api/reports).
func (s *ReportsService) Create(ctx context.Context, req *CreateReportRequest) (*Report, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	return doOptionalJSON[Report](ctx, s.client, &apiCall{method: http.MethodPost, path: reportsPath, jsonBody: req})
}

// Delete removes one report (DELETE /reporting/api/reports/{report_id}).
func (s *ReportsService) Delete(ctx context.Context, id int64) error {
	if err := checkID("report_id", id); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, idPath(reportsPath, id, ""))
}

// DeleteMany removes several reports (DELETE /reporting/api/reports).
func (s *ReportsService) DeleteMany(ctx context.Context, ids []int64) error {
	if err := checkIDs("ids", ids); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: reportsPath, jsonBody: struct {
		IDs []int64 `json:"ids"`
	}{ids}}, nil)
}
