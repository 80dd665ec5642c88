package dracoon

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// EventLogService reads the event log and the permission audit. It needs
// the LOG_AUDITOR role; a room's own events need room admin rights.
type EventLogService service

// Event statuses (LogEvent.Status, ListEventsOptions.Status).
const (
	EventStatusSuccess = 0
	EventStatusFailure = 2
)

// LogEvent is one entry of the event log: who did which operation to
// which objects, when, and whether it worked.
type LogEvent struct {
	ID               int64     `json:"id"`
	Time             time.Time `json:"time"`
	UserID           int64     `json:"userId"`
	Message          string    `json:"message"`
	OperationID      int       `json:"operationId,omitempty"`
	OperationName    string    `json:"operationName,omitempty"`
	Status           int       `json:"status"`
	UserClient       string    `json:"userClient,omitempty"`
	CustomerID       int64     `json:"customerId,omitempty"`
	UserName         string    `json:"userName,omitempty"`
	UserIP           string    `json:"userIp,omitempty"`
	AuthParentSource string    `json:"authParentSource,omitempty"`
	AuthParentTarget string    `json:"authParentTarget,omitempty"`
	ObjectID1        int64     `json:"objectId1,omitempty"`
	ObjectType1      int       `json:"objectType1,omitempty"`
	ObjectName1      string    `json:"objectName1,omitempty"`
	ObjectID2        int64     `json:"objectId2,omitempty"`
	ObjectType2      int       `json:"objectType2,omitempty"`
	ObjectName2      string    `json:"objectName2,omitempty"`
	Attribute1       string    `json:"attribute1,omitempty"`
	Attribute2       string    `json:"attribute2,omitempty"`
	Attribute3       string    `json:"attribute3,omitempty"`
}

// LogEventList is one page of events.
type LogEventList = Page[LogEvent]

// LogOperation is a kind of event; its ID filters events
// (ListEventsOptions.Type).
type LogOperation struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	IsDeprecated bool   `json:"isDeprecated"`
}

// ListEventsOptions select events. The event log has no filter
// parameter: Filter must stay empty; Sort takes time:asc or time:desc.
type ListEventsOptions struct {
	ListOptions
	// From and To bound the event times (zero: unbounded).
	From, To time.Time
	// Type is an operation id (LogOperation.ID); 0 means all.
	Type int
	// UserID selects the events of one user; 0 means all.
	UserID int64
	// Status is EventStatusSuccess or EventStatusFailure; nil means both.
	Status *int
	// UserClient selects events by the client's user agent (system
	// events only).
	UserClient string
}

// Validate refuses a filter, an unknown status, negative ids and a
// reversed time range.
func (o *ListEventsOptions) Validate() error {
	var errs []error
	if o.Filter != "" {
		errs = append(errs, invalid("filter", "the event log takes no filter; use the other options"))
	}
	if o.Status != nil && *o.Status != EventStatusSuccess && *o.Status != EventStatusFailure {
		errs = append(errs, invalid("status", "must be %d (success) or %d (failure), got %d", EventStatusSuccess, EventStatusFailure, *o.Status))
	}
	if o.Type < 0 {
		errs = append(errs, invalid("type", "must not be negative"))
	}
	if o.UserID < 0 {
		errs = append(errs, invalid("user_id", "must not be negative"))
	}
	if !o.From.IsZero() && !o.To.IsZero() && o.To.Before(o.From) {
		errs = append(errs, invalid("date_end", "lies before date_start"))
	}
	return firstError(errs...)
}

// query returns the query of an event list; room events take no user
// client.
func (o *ListEventsOptions) query(withClient bool) url.Values {
	if o == nil {
		return url.Values{}
	}
	q := o.values(nil)
	if !o.From.IsZero() {
		q.Set("date_start", o.From.UTC().Format(time.RFC3339))
	}
	if !o.To.IsZero() {
		q.Set("date_end", o.To.UTC().Format(time.RFC3339))
	}
	if o.Type > 0 {
		q.Set("type", strconv.Itoa(o.Type))
	}
	if o.UserID > 0 {
		q.Set("user_id", strconv.FormatInt(o.UserID, 10))
	}
	if o.Status != nil {
		q.Set("status", strconv.Itoa(*o.Status))
	}
	if withClient && o.UserClient != "" {
		q.Set("user_client", o.UserClient)
	}
	return q
}

// listEvents fetches one page of events at path.
func (s *EventLogService) listEvents(ctx context.Context, path string, opts *ListEventsOptions, withClient bool) (*LogEventList, error) {
	if opts != nil {
		if err := opts.Validate(); err != nil {
			return nil, err
		}
		if !withClient && opts.UserClient != "" {
			return nil, invalid("user_client", "room events cannot be selected by client")
		}
	}
	return doJSON[LogEventList](ctx, s.client, &apiCall{method: http.MethodGet, path: path, query: opts.query(withClient)})
}

// allEvents iterates over the events that list returns.
func allEvents(ctx context.Context, opts *ListEventsOptions, list func(context.Context, *ListEventsOptions) (*LogEventList, error)) iter.Seq2[LogEvent, error] {
	var o ListEventsOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, &o.ListOptions, func(ctx context.Context, lo *ListOptions) (*LogEventList, error) {
		page := o
		page.ListOptions = *lo
		return list(ctx, &page)
	})
}

// Events returns one page of the system's events
// (GET /api/v4/eventlog/events).
func (s *EventLogService) Events(ctx context.Context, opts *ListEventsOptions) (*LogEventList, error) {
	return s.listEvents(ctx, "/api/v4/eventlog/events", opts, true)
}

// AllEvents iterates over the system's events
// (GET /api/v4/eventlog/events).
func (s *EventLogService) AllEvents(ctx context.Context, opts *ListEventsOptions) iter.Seq2[LogEvent, error] {
	return allEvents(ctx, opts, s.Events)
}

// RoomEvents returns one page of the events of one room; UserClient must
// stay empty (GET /api/v4/nodes/rooms/{room_id}/events).
func (s *EventLogService) RoomEvents(ctx context.Context, roomID int64, opts *ListEventsOptions) (*LogEventList, error) {
	if err := checkID("room_id", roomID); err != nil {
		return nil, err
	}
	return s.listEvents(ctx, idPath("/api/v4/nodes/rooms", roomID, "/events"), opts, false)
}

// AllRoomEvents iterates over the events of one room
// (GET /api/v4/nodes/rooms/{room_id}/events).
func (s *EventLogService) AllRoomEvents(ctx context.Context, roomID int64, opts *ListEventsOptions) iter.Seq2[LogEvent, error] {
	return allEvents(ctx, opts, func(ctx context.Context, o *ListEventsOptions) (*LogEventList, error) {
		return s.RoomEvents(ctx, roomID, o)
	})
}

// Operations returns the kinds of events; deprecated ones only when
// withDeprecated is set (GET /api/v4/eventlog/operations).
func (s *EventLogService) Operations(ctx context.Context, withDeprecated bool) ([]LogOperation, error) {
	q := url.Values{}
	if withDeprecated {
		q.Set("is_deprecated", "true")
	}
	l, err := doJSON[struct {
		OperationList []LogOperation `json:"operationList"`
	}](ctx, s.client, &apiCall{method: http.MethodGet, path: "/api/v4/eventlog/operations", query: q})
	if err != nil {
		return nil, err
	}
	return l.OperationList, nil
}

// AuditNode is a room in the permission audit, with every user who has
// permissions there.
type AuditNode struct {
	NodeID                        int64                 `json:"nodeId"`
	NodeName                      string                `json:"nodeName"`
	NodeParentPath                string                `json:"nodeParentPath"`
	NodeCntChildren               int                   `json:"nodeCntChildren"`
	AuditUserPermissionList       []AuditUserPermission `json:"auditUserPermissionList"`
	NodeParentID                  int64                 `json:"nodeParentId,omitempty"`
	NodeSize                      int64                 `json:"nodeSize,omitempty"`
	NodeRecycleBinRetentionPeriod int                   `json:"nodeRecycleBinRetentionPeriod,omitempty"`
	NodeQuota                     int64                 `json:"nodeQuota,omitempty"`
	NodeIsEncrypted               bool                  `json:"nodeIsEncrypted,omitempty"`
	NodeHasActivitiesLog          bool                  `json:"nodeHasActivitiesLog,omitempty"`
	NodeHasRecycleBin             bool                  `json:"nodeHasRecycleBin,omitempty"`
	NodeCreatedAt                 time.Time             `json:"nodeCreatedAt,omitzero"`
	NodeCreatedBy                 *UserInfo             `json:"nodeCreatedBy,omitempty"`
	NodeUpdatedAt                 time.Time             `json:"nodeUpdatedAt,omitzero"`
	NodeUpdatedBy                 *UserInfo             `json:"nodeUpdatedBy,omitempty"`
}

// AuditUserPermission is one user's permissions in an audited room.
type AuditUserPermission struct {
	UserID        int64           `json:"userId"`
	UserLogin     string          `json:"userLogin"`
	UserFirstName string          `json:"userFirstName"`
	UserLastName  string          `json:"userLastName"`
	Permissions   NodePermissions `json:"permissions"`
}

// AuditNodes returns one page of the permission audit: rooms with their
// users' permissions. Filter fields: nodeId, nodeName, nodeParentId,
// userId, … (see the DRACOON documentation); the answer carries no total,
// so AllAuditNodes pages until a page is not full
// (GET /api/v4/eventlog/audits/nodes).
func (s *EventLogService) AuditNodes(ctx context.Context, opts *ListOptions) ([]AuditNode, error) {
	var out []AuditNode
	if err := s.client.do(ctx, &apiCall{method: http.MethodGet, path: "/api/v4/eventlog/audits/nodes", query: opts.values(nil)}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// AllAuditNodes iterates over the permission audit
// (GET /api/v4/eventlog/audits/nodes).
func (s *EventLogService) AllAuditNodes(ctx context.Context, opts *ListOptions) iter.Seq2[AuditNode, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*Page[AuditNode], error) {
		items, err := s.AuditNodes(ctx, lo)
		if err != nil {
			return nil, err
		}
		return arrayPage(items, lo), nil
	})
}
