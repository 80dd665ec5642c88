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

// TestNodeWebhookScope: a room.created event reaches a webhook assigned
// to the room the new room was created in, and no other.
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
	hook := func(id int64, room int64) {
		e.st.admin.webhooks[id] = &webhook{id: id, name: "h", url: rcv.URL, eventTypes: []string{"room.created"}, enabled: true,
			expireAt: e.clock.now().Add(time.Hour), rooms: map[int64]bool{room: true}}
	}
	hook(1, other)  // assigned elsewhere: must not fire
	hook(2, parent) // the room the child was created in
	e.emit(r, opRoomCreated, child, "Child")
	ev := e.st.admin.events[len(e.st.admin.events)-1]
	targets := e.st.webhookTargets(ev, e.clock.now())
	e.mu.Unlock()
	if len(targets) != 1 || targets[0].id != 2 {
		t.Fatalf("targets %v, want webhook 2 only", targets)
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
