package dracoon_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"time"

	"github.com/dracoon-go/dracoon"
)

// offlineEventLog starts a tiny stand-in for a DRACOON instance whose
// event log holds three uploads, so that the example runs without a
// network. Against a real instance, pass its URL to dracoon.New instead.
func offlineEventLog() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "a", "refresh_token": "r", "token_type": "bearer", "expires_in": 3600})
	})
	mux.HandleFunc("GET /api/v4/eventlog/events", func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var items []map[string]any
		for i := offset; i < min(offset+limit, 3); i++ {
			items = append(items, map[string]any{"id": i + 1, "time": time.Date(2030, 1, 2, 9, i, 0, 0, time.UTC), "userId": 2,
				"userName": "ada", "message": "upload", "operationName": "Upload file", "status": 0, "objectName1": fmt.Sprintf("report-%d.pdf", i+1)})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"range": map[string]int{"offset": offset, "limit": limit, "total": 3}, "items": items})
	})
	return httptest.NewServer(mux)
}

// The event log of one day as CSV, fetched two events per request.
func ExampleEventLogService_AllEvents() {
	srv := offlineEventLog()
	defer srv.Close()
	ctx := context.Background()
	client, err := dracoon.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Connect(ctx, dracoon.PasswordFlow("auditor", "secret")); err != nil {
		log.Fatal(err)
	}
	day := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	out := csv.NewWriter(os.Stdout)
	_ = out.Write([]string{"time", "user", "operation", "object", "status"})
	for e, err := range client.EventLog.AllEvents(ctx, &dracoon.ListEventsOptions{
		ListOptions: dracoon.ListOptions{Limit: 2, Sort: "time:asc"}, From: day, To: day.Add(24 * time.Hour)}) {
		if err != nil {
			log.Fatal(err)
		}
		status := "ok"
		if e.Status == dracoon.EventStatusFailure {
			status = "failed"
		}
		_ = out.Write([]string{e.Time.Format(time.RFC3339), e.UserName, e.OperationName, e.ObjectName1, status})
	}
	out.Flush()
	// Output:
	// time,user,operation,object,status
	// 2030-01-02T09:00:00Z,ada,Upload file,report-1.pdf,ok
	// 2030-01-02T09:01:00Z,ada,Upload file,report-2.pdf,ok
	// 2030-01-02T09:02:00Z,ada,Upload file,report-3.pdf,ok
}

// A webhook request is checked before anything is sent.
func ExampleCreateWebhookRequest_Validate() {
	req := &dracoon.CreateWebhookRequest{Name: "uploads", URL: "http://hooks.example.com/in", EventTypeNames: []string{"file.created"}}
	fmt.Println(req.Validate())
	req.URL = "https://hooks.example.com/in"
	fmt.Println(req.Validate())
	// Output:
	// dracoon: invalid request: url: must be an https URL
	// <nil>
}
