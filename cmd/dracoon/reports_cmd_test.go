package main

import (
	"strings"
	"testing"
)

func TestReports(t *testing.T) {
	h := newHarness(t)
	seedTree(t, h)
	must[int64](t)(h.srv.AddUser("alice", "Alice-Pa55-word!"))
	h.ok("mkdir", h.target("/Projects/Docs/2026"))
	host := h.target("/")
	golden(t, "reports_events.csv", h.normalize(h.ok("reports", "events", "--csv", "--all", host)))
	golden(t, "reports_events.txt", h.normalize(h.ok("reports", "events", "--status", "success", "--start-date", "2026-03-01", "--end-date", "2026-03-05T00:00:00Z", "--user-id", "1", host)))
	golden(t, "reports_operation_types.txt", h.ok("reports", "operation-types", host))
	golden(t, "reports_permissions.csv", h.normalize(h.ok("reports", "permissions", "--csv", "--all", host)))
	golden(t, "reports_permissions.json", h.normalize(h.ok("reports", "permissions", "--json", "--filter", "nodeName:cn:Proj", host)))
	if out := h.ok("reports", "events", "--json", "--status", "failure", host); strings.TrimSpace(out) == "" || !strings.HasPrefix(out, "[") {
		t.Errorf("events --json: %q", out)
	}
	if out := h.ok("reports", "events", "--csv", "--operation-type", "43", host); strings.Count(out, "\n") != 2 || !strings.Contains(out, ",43,Folder created,success,Folder created: 2026") {
		t.Errorf("events --operation-type 43:\n%s", out)
	}
	h.fails(exitUsage, []string{"--status", "success or failure"}, "reports", "events", "--status", "maybe", host)
	h.fails(exitUsage, []string{"--start-date", "YYYY-MM-DD"}, "reports", "events", "--start-date", "yesterday", host)
	h.fails(exitUsage, []string{"date_end"}, "reports", "events", "--start-date", "2026-03-05", "--end-date", "2026-03-01", host)
	h.fails(exitUsage, []string{"--json and --csv"}, "reports", "permissions", "--json", "--csv", host)
}
