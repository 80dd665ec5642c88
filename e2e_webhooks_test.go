package dracoon

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// TestEmulatorRoomWebhookGetsUpload registers a customer webhook for
// file.created, assigns it to a room through the SDK, uploads a file there
// and waits for the receiver to get the event naming that file.
func TestEmulatorRoomWebhookGetsUpload(t *testing.T) {
	type delivery struct {
		EventType string `json:"eventType"`
		Object    struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"object"`
	}
	got := make(chan delivery, 4)
	receiver := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var d delivery
		if err := json.Unmarshal(body, &d); err != nil {
			t.Errorf("delivery %q: %v", body, err)
		}
		got <- d
	}))
	t.Cleanup(receiver.Close)

	srv := newEmulator(t, dracoontest.WithCrypto(false), dracoontest.WithWebhookClient(receiver.Client(), time.Millisecond))
	ctx := context.Background()
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	room, err := c.Rooms.Create(ctx, &CreateRoomRequest{Name: "Hooked", AdminIDs: []int64{srv.AdminID}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.Rooms.Create(ctx, &CreateRoomRequest{Name: "Quiet", AdminIDs: []int64{srv.AdminID}})
	if err != nil {
		t.Fatal(err)
	}
	hook, err := c.Webhooks.Create(ctx, &CreateWebhookRequest{Name: "uploads", URL: receiver.URL + "/hook", EventTypeNames: []string{"file.created"}})
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.Rooms.AssignWebhooks(ctx, room.ID, []WebhookAssignment{{WebhookID: hook.ID, IsAssigned: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || !page.Items[0].IsAssigned || page.Items[0].Webhook.ID != hook.ID {
		t.Fatalf("room webhooks after assigning: %+v", page.Items)
	}

	// An upload into a room without the webhook sends nothing; one into
	// the hooked room sends file.created for that file.
	if _, err := c.Transfers.Upload(ctx, bytes.NewReader([]byte("not watched")), 11, NodeID(other.ID), &UploadOptions{Name: "quiet.txt"}); err != nil {
		t.Fatal(err)
	}
	node, err := c.Transfers.Upload(ctx, bytes.NewReader([]byte("watched")), 7, NodeID(room.ID), &UploadOptions{Name: "hooked.txt"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-got:
		if d.EventType != "file.created" || d.Object.ID != node.ID || d.Object.Name != "hooked.txt" {
			t.Errorf("delivery %+v, want file.created for node %d", d, node.ID)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no delivery within 30 s")
	}
	select {
	case d := <-got:
		t.Errorf("a second delivery: %+v", d)
	case <-time.After(200 * time.Millisecond):
	}
}
