package emulator_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// TestEventLogShowsWhatATestDid: creating a user and a room leaves events
// with their operation ids, filterable by type, user and room; only log
// auditors read the log.
func TestEventLogShowsWhatATestDid(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	var u struct{ ID int64 }
	expect(t, createUser(t, srv, tok, "eve", "Secret-123-pass"), 201, &u)
	var room struct{ ID int64 }
	expect(t, api(t, srv, tok, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Audit room","adminIds":[%d]}`, srv.AdminID)), 201, &room)

	userCreated := operationID(t, srv, tok, "User created")
	roomCreated := operationID(t, srv, tok, "Room created")

	loggedIn := operationID(t, srv, tok, "User logged in")

	var all eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events?sort=time:asc", ""), 200, &all)
	if all.Range.Total != 3 || len(all.Items) != 3 {
		t.Fatalf("want exactly the three events of this test, got %+v", all)
	}
	if e := all.Items[0]; e.OperationID != loggedIn || e.UserID != srv.AdminID || e.Status != 0 {
		t.Errorf("first event %+v is not the login", e)
	}
	if e := all.Items[1]; e.OperationID != userCreated || e.ObjectID1 != u.ID || e.ObjectName1 != "eve" || e.UserID != srv.AdminID {
		t.Errorf("second event %+v is not the user creation", e)
	}
	if e := all.Items[2]; e.OperationID != roomCreated || e.ObjectID1 != room.ID || e.AuthParentSource != fmt.Sprint(room.ID) {
		t.Errorf("third event %+v is not the room creation", e)
	}

	// A failed login is an event with status 2.
	if r := oauthPost(t, srv, "/oauth/token", map[string][]string{"grant_type": {"password"}, "username": {"eve"}, "password": {"wrong-password"}},
		basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding)); r.status != 400 {
		t.Fatalf("wrong password: %d", r.status)
	}
	var failed eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events?status=2", ""), 200, &failed)
	if len(failed.Items) != 1 || failed.Items[0].UserID != u.ID || failed.Items[0].OperationID != loggedIn {
		t.Errorf("failed logins: %+v", failed)
	}

	var byType eventList
	expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/eventlog/events?type=%d", roomCreated), ""), 200, &byType)
	if len(byType.Items) != 1 || byType.Items[0].ObjectID1 != room.ID {
		t.Errorf("type filter: %+v", byType)
	}
	var byUser eventList
	expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/eventlog/events?user_id=%d", srv.AdminID), ""), 200, &byUser)
	if byUser.Range.Total != 3 {
		t.Errorf("the admin's events: %+v", byUser)
	}
	var paged eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events?limit=1&status=0", ""), 200, &paged)
	if paged.Range.Total != 3 || len(paged.Items) != 1 || paged.Items[0].OperationID != roomCreated {
		t.Errorf("default order is newest first, paged: %+v", paged)
	}
	var future eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events?date_start=9000-01-01", ""), 200, &future)
	if len(future.Items) != 0 {
		t.Errorf("date_start in the future still lists %+v", future)
	}
	var roomEvents eventList
	expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/nodes/rooms/%d/events", room.ID), ""), 200, &roomEvents)
	if len(roomEvents.Items) != 1 || roomEvents.Items[0].OperationID != roomCreated {
		t.Errorf("room events: %+v", roomEvents)
	}
	wantError(t, api(t, srv, tok, "GET", "/eventlog/events?type=99999", ""), 400, -80026)
	wantError(t, api(t, srv, tok, "GET", "/eventlog/events?status=1", ""), 400, -80027)

	// Not a log auditor: 403 on the log and the audit.
	if _, err := srv.AddUser("plain", "Plain-pass-123"); err != nil {
		t.Fatal(err)
	}
	plain := loginAs(t, srv, "plain", "Plain-pass-123").Access
	for _, p := range []string{"/eventlog/events", "/eventlog/operations", "/eventlog/audits/nodes"} {
		wantError(t, api(t, srv, plain, "GET", p, ""), 403, 0)
	}
	auditor, err := srv.AddUser("auditor", "Audit-pass-123", dracoontest.RoleLogAuditor)
	if err != nil {
		t.Fatal(err)
	}
	_ = auditor
	atok := loginAs(t, srv, "auditor", "Audit-pass-123").Access
	expect(t, api(t, srv, atok, "GET", "/eventlog/events", ""), 200, nil)
}

// TestAuditNodes lists rooms with the users holding permissions on them,
// filterable by user.
func TestAuditNodes(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	for _, name := range []string{"A", "B"} {
		expect(t, api(t, srv, tok, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":%q,"adminIds":[%d]}`, name, srv.AdminID)), 201, nil)
	}
	var audit []struct {
		NodeName                string
		NodeParentPath          string
		AuditUserPermissionList []struct {
			UserID      int64
			UserLogin   string
			Permissions struct{ Manage bool }
		}
	}
	expect(t, api(t, srv, tok, "GET", "/eventlog/audits/nodes?filter=nodeName:eq:B", ""), 200, &audit)
	if len(audit) != 1 || audit[0].NodeName != "B" || audit[0].NodeParentPath != "/" {
		t.Fatalf("audit: %+v", audit)
	}
	l := audit[0].AuditUserPermissionList
	if len(l) != 1 || l[0].UserID != srv.AdminID || !l[0].Permissions.Manage {
		t.Errorf("room B's permissions: %+v", l)
	}
	expect(t, api(t, srv, tok, "GET", "/eventlog/audits/nodes?filter=userName:eq:nobody", ""), 200, &audit)
	if len(audit) != 0 {
		t.Errorf("no room has user nobody: %+v", audit)
	}
}

// TestEventLogSettings: the event log answers CSV on request, and records
// nothing while it is switched off.
func TestEventLogSettings(t *testing.T) {
	srv := dracoontest.NewServer(t) // CSV is not in the document's media types
	tok := login(t, srv).Access
	expect(t, createUser(t, srv, tok, "csv1", "Csv-pass-1234"), 201, nil)
	r := api(t, srv, tok, "GET", "/eventlog/events", "", "Accept: text/csv")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV answer: %d %q", r.status, r.header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,time,") || !strings.Contains(lines[1], "csv1") || !strings.Contains(lines[2], "User logged in") {
		t.Errorf("CSV body: %q", r.body)
	}
	wantError(t, api(t, srv, tok, "GET", "/eventlog/events", "", "Accept: image/png"), 406, 0)

	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/eventlog", `{"enabled":false}`), 200, nil)
	expect(t, createUser(t, srv, tok, "csv2", "Csv-pass-1234"), 201, nil)
	var list eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events", ""), 200, &list)
	if list.Range.Total != 2 {
		t.Errorf("events recorded while the log was off: %+v", list)
	}

	// Events older than the retention period are gone.
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/eventlog", `{"enabled":true,"retentionPeriod":1}`), 200, nil)
	if err := srv.AdvanceClock(25 * time.Hour); err != nil {
		t.Fatal(err)
	}
	tok = login(t, srv).Access
	expect(t, createUser(t, srv, tok, "csv3", "Csv-pass-1234"), 201, nil)
	expect(t, api(t, srv, tok, "GET", "/eventlog/events", ""), 200, &list)
	for _, ev := range list.Items {
		if ev.ObjectName1 == "csv1" {
			t.Errorf("an event older than the retention period is listed: %+v", ev)
		}
	}
	if list.Range.Total != 2 || list.Items[0].ObjectName1 != "csv3" {
		t.Errorf("after the retention period (login and csv3): %+v", list)
	}
}
