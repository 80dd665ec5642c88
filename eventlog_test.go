package dracoon

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"
)

const eventJSON = `{"id":%[1]d,"time":"2030-01-02T03:04:05Z","userId":2,"message":"m","operationId":7,"operationName":"upload","status":0,
"userClient":"dracoon-go","userName":"ada","objectId1":5,"objectName1":"file.txt","attribute1":"a"}`

func TestEventLogEndpoints(t *testing.T) {
	ctx := context.Background()
	from := time.Date(2030, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	to := from.Add(24 * time.Hour)
	runOpCases(t, []opCase{
		{"events", "GET /api/v4/eventlog/events", fakeCall{
			query:  "offset=5&limit=10&sort=time:desc&date_start=2029-12-31T23:00:00Z&date_end=2030-01-01T23:00:00Z&type=7&user_id=2&status=2&user_client=dracoon-go",
			answer: `{"range":{"offset":5,"limit":10,"total":6},"items":[` + fmt.Sprintf(eventJSON, 1) + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.EventLog.Events(ctx, &ListEventsOptions{ListOptions: ListOptions{Offset: 5, Limit: 10, Sort: "time:desc"},
					From: from, To: to, Type: 7, UserID: 2, Status: ptrTo(EventStatusFailure), UserClient: "dracoon-go"})
				if err != nil {
					return err
				}
				e := l.Items[0]
				return expect(l.Range.Total == 6 && e.OperationName == "upload" && e.ObjectName1 == "file.txt" && e.Time.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)), "%+v", l)
			}},
		{"events without options", "GET /api/v4/eventlog/events", fakeCall{answer: `{"range":{"offset":0,"limit":500,"total":0},"items":[]}`},
			func(t *testing.T, c *Client) error { _, err := c.EventLog.Events(ctx, nil); return err }},
		{"room events", "GET /api/v4/nodes/rooms/9/events", fakeCall{query: "status=0&user_id=3",
			answer: `{"range":{"offset":0,"limit":500,"total":1},"items":[` + fmt.Sprintf(eventJSON, 1) + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.EventLog.RoomEvents(ctx, 9, &ListEventsOptions{UserID: 3, Status: ptrTo(EventStatusSuccess)})
				return firstError(err, expect(err == nil && len(l.Items) == 1, "%+v", l))
			}},
		{"operations", "GET /api/v4/eventlog/operations", fakeCall{answer: `{"operationList":[{"id":7,"name":"upload","isDeprecated":false}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.EventLog.Operations(ctx, false)
				return firstError(err, expect(err == nil && len(l) == 1 && l[0].ID == 7, "%+v", l))
			}},
		{"operations with deprecated", "GET /api/v4/eventlog/operations", fakeCall{query: "is_deprecated=true", answer: `{"operationList":[]}`},
			func(t *testing.T, c *Client) error { _, err := c.EventLog.Operations(ctx, true); return err }},
		{"audit nodes", "GET /api/v4/eventlog/audits/nodes", fakeCall{query: "limit=20&filter=nodeName:cn:x&sort=nodeName:asc",
			answer: `[{"nodeId":1,"nodeName":"x","nodeParentPath":"/","nodeCntChildren":0,"auditUserPermissionList":[{"userId":2,"userLogin":"ada","userFirstName":"A","userLastName":"L","permissions":{"manage":true,"read":true}}]}]`},
			func(t *testing.T, c *Client) error {
				l, err := c.EventLog.AuditNodes(ctx, &ListOptions{Limit: 20, Filter: "nodeName:cn:x", Sort: "nodeName:asc"})
				return firstError(err, expect(err == nil && len(l) == 1 && l[0].AuditUserPermissionList[0].Permissions.Manage, "%+v", l))
			}},
	})
	runPagedCases(t, []pagedCase{
		{"all events", "GET /api/v4/eventlog/events", map[string][]string{"type": {"7"}}, eventJSON,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.EventLog.AllEvents(ctx, &ListEventsOptions{ListOptions: ListOptions{Limit: 2}, Type: 7}), func(e LogEvent) int64 { return e.ID })
			}},
		{"all room events", "GET /api/v4/nodes/rooms/9/events", nil, eventJSON,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.EventLog.AllRoomEvents(ctx, 9, &ListEventsOptions{ListOptions: ListOptions{Limit: 2}}), func(e LogEvent) int64 { return e.ID })
			}},
	})
}

// TestAllAuditNodesPagesOverBareArrays checks that the audit iterator,
// whose pages carry no total, asks for pages until one is not full.
func TestAllAuditNodesPagesOverBareArrays(t *testing.T) {
	for _, tc := range []struct {
		name        string
		n           int
		wantOffsets []int
	}{
		{"ends on a short page", 5, []int{0, 2, 4}},
		{"ends on an empty page", 4, []int{0, 2, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			var mu sync.Mutex
			var offsets []int
			f.mux.HandleFunc("GET /api/v4/eventlog/audits/nodes", func(w http.ResponseWriter, r *http.Request) {
				offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
				mu.Lock()
				offsets = append(offsets, offset)
				mu.Unlock()
				items := "["
				for id := offset + 1; id <= min(offset+limit, tc.n); id++ {
					if id > offset+1 {
						items += ","
					}
					items += fmt.Sprintf(`{"nodeId":%d,"nodeName":"r","nodeParentPath":"/","nodeCntChildren":0,"auditUserPermissionList":[]}`, id)
				}
				writeRaw(w, items+"]")
			})
			ids, err := collectIDs(f.client.EventLog.AllAuditNodes(context.Background(), &ListOptions{Limit: 2}), func(a AuditNode) int64 { return a.NodeID })
			if err != nil {
				t.Fatal(err)
			}
			want := []int64{}
			for i := 1; i <= tc.n; i++ {
				want = append(want, int64(i))
			}
			if !reflect.DeepEqual(ids, want) || !reflect.DeepEqual(offsets, tc.wantOffsets) {
				t.Errorf("ids %v, offsets %v; want %v, %v", ids, offsets, want, tc.wantOffsets)
			}
		})
	}
}

func TestEventLogRefusesInvalidRequests(t *testing.T) {
	runInvalidCases(t, []invalidCase{
		{"filter", "filter", func(ctx context.Context, c *Client) error {
			_, err := c.EventLog.Events(ctx, &ListEventsOptions{ListOptions: ListOptions{Filter: "x:eq:1"}})
			return err
		}},
		{"status", "status", func(ctx context.Context, c *Client) error {
			_, err := c.EventLog.Events(ctx, &ListEventsOptions{Status: ptrTo(1)})
			return err
		}},
		{"reversed range", "date_end", func(ctx context.Context, c *Client) error {
			now := time.Now()
			_, err := c.EventLog.Events(ctx, &ListEventsOptions{From: now, To: now.Add(-time.Hour)})
			return err
		}},
		{"room id", "room_id", func(ctx context.Context, c *Client) error { _, err := c.EventLog.RoomEvents(ctx, 0, nil); return err }},
		{"room user client", "user_client", func(ctx context.Context, c *Client) error {
			_, err := c.EventLog.RoomEvents(ctx, 1, &ListEventsOptions{UserClient: "x"})
			return err
		}},
		{"iterator too", "user_id", func(ctx context.Context, c *Client) error {
			for _, err := range c.EventLog.AllEvents(ctx, &ListEventsOptions{UserID: -1}) {
				return err
			}
			return nil
		}},
	})
}
