package emulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestNodeWebhookScope: only webhooks with node-scope event types can be
// assigned to rooms, and a room.created event reaches the webhook
// assigned to the room the new room was created in, and no other.
func TestNodeWebhookScope(t *testing.T) {
	got := make(chan []byte, 4)
	rcv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- b
	}))
	defer rcv.Close()
	e, err := New(Config{WebhookClient: rcv.Client(), WebhookRetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	parent, err := e.CreateRoom(RoomSpec{Name: "Parent"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.CreateRoom(RoomSpec{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	child, err := e.CreateRoom(RoomSpec{Name: "Child", ParentID: parent})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/api/v4/nodes/rooms", nil)
	r = r.WithContext(context.WithValue(r.Context(), ctxUserID, e.AdminID()))

	e.mu.Lock()
	for id := range int64(3) {
		types := []string{"room.created"}
		if id == 0 {
			types = []string{"user.created"} // customer scope only: not for rooms
		}
		e.st.admin.webhooks[id+1] = &webhook{id: id + 1, name: "h", url: rcv.URL, eventTypes: types, enabled: true,
			expireAt: e.clock.now().Add(time.Hour), rooms: map[int64]bool{}}
	}
	if err := e.st.assignRoomWebhooks(other, map[int64]bool{1: true}); err != errNoWebhook {
		t.Errorf("a customer-scope webhook was assigned to a room: %v", err)
	}
	if err := e.st.assignRoomWebhooks(other, map[int64]bool{2: true, 99: true}); err != errNoWebhook {
		t.Errorf("an unknown webhook was assigned: %v", err)
	}
	if err := e.st.assignRoomWebhooks(other, map[int64]bool{2: true}); err != nil { // assigned elsewhere: must not fire
		t.Fatal(err)
	}
	if err := e.st.assignRoomWebhooks(parent, map[int64]bool{3: true}); err != nil { // the room the child was created in
		t.Fatal(err)
	}
	items := e.st.roomWebhookItems(parent)
	if len(items) != 2 || items[0].IsAssigned || !items[1].IsAssigned || items[1].Webhook.ID != 3 {
		t.Errorf("room webhook items of the parent: %+v", items)
	}
	e.emit(r, opRoomCreated, child, "Child")
	ev := e.st.admin.events[len(e.st.admin.events)-1]
	targets := e.st.webhookTargets(ev, e.clock.now())
	e.mu.Unlock()
	if len(targets) != 1 || targets[0].id != 3 {
		t.Fatalf("targets %v, want webhook 3 only", targets)
	}

	select {
	case b := <-got:
		var p struct {
			EventType string
			RoomID    int64
			Object    struct{ ID int64 }
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		if p.EventType != "room.created" || p.Object.ID != child {
			t.Errorf("payload %s", b)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no delivery")
	}
}
