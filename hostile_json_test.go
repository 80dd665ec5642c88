package dracoon

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// connectedTo returns a logged-in client whose API requests go to h.
func connectedTo(t *testing.T, pattern string, h http.Handler) *Client {
	t.Helper()
	oauth := newFakeOAuth("ada", "pw")
	root := oauth.mux()
	root.Handle(pattern, h)
	c := newTestClient(t, root)
	connect(t, c, oauth)
	return c
}

// bombs are JSON documents a lying server might send: within the byte cap,
// but costly to decode.
var bombs = map[string]string{
	"nested objects": strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000),
	"nested arrays":  `{"x":` + strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000) + `}`,
	"huge list":      `{"items":[` + strings.TrimSuffix(strings.Repeat(`{},`, 2_000_000), ",") + `]}`,
	"many members":   `{"x":{` + strings.TrimSuffix(strings.Repeat(`"a":1,`, maxJSONValues+1), ",") + `}}`,
}

// TestJSONBombsAreInvalidResponses: each bomb, as the answer of a call that
// decodes it directly (a page of nodes) and of one that decodes an optional
// body later (creating a report), gives ErrInvalidResponse without building
// the document.
func TestJSONBombsAreInvalidResponses(t *testing.T) {
	ctx := context.Background()
	for name, bomb := range bombs {
		t.Run(name, func(t *testing.T) {
			h := func(status int) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(status)
					_, _ = w.Write([]byte(bomb))
				})
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)

			c := connectedTo(t, "/api/v4/nodes", h(http.StatusOK))
			_, err := c.Nodes.List(ctx, 0, nil)
			if !errors.Is(err, ErrInvalidResponse) {
				t.Errorf("nodes page: got %v, want ErrInvalidResponse", err)
			}

			c = connectedTo(t, "/reporting/api/reports", h(http.StatusCreated))
			r, err := c.Reports.Create(ctx, &CreateReportRequest{Name: "a", Type: ReportSingle, SubType: ReportUserAudit, Formats: []string{ReportPDF}, Target: ReportTarget{ID: 1}})
			if !errors.Is(err, ErrInvalidResponse) || r != nil {
				t.Errorf("report: got %v, %v, want ErrInvalidResponse", r, err)
			}

			// As an error answer the bomb is not decoded either: the
			// status comes through.
			c = connectedTo(t, "/api/v4/nodes", h(http.StatusBadRequest))
			_, err = c.Nodes.List(ctx, 0, nil)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || len(ae.ConflictNodes) != 0 {
				t.Errorf("error answer: got %v, want the 400", err)
			}

			runtime.ReadMemStats(&after)
			// Three fetches of a document of at most 6 MiB, each read
			// once and refused: well under 256 MiB in all.
			if a := after.TotalAlloc - before.TotalAlloc; a > 256<<20 {
				t.Errorf("refusing the bomb allocated %d MiB", a>>20)
			}
		})
	}
}
