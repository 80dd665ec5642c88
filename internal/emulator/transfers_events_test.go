package emulator_test

import (
	"fmt"
	"testing"
)

// The event log shows what a transfer test did: the folder made, the
// upload, the download URL, the copy, the move and the deletion, each
// with its node, in that order.
func TestEventLogShowsTransfers(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	room, tk := roomFor(t, srv, "events")
	folder := id(ok(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"in"}`, room)), 201), "id")
	data := randomBytes(3*5<<20+17, 9)
	file := idOf(s3Upload(t, srv, tk, room, "up.bin", data, 5<<20, ""))
	wantDownload(t, srv, tk, file, data)
	ok(t, api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/copy_to", folder), fmt.Sprintf(`{"items":[{"id":%d}]}`, file)), 201)
	ok(t, api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/move_to", folder), fmt.Sprintf(`{"items":[{"id":%d,"name":"moved.bin"}]}`, file)), 200)
	wantStatus(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", file), ""), 204)

	type want struct {
		op   string
		id   int64
		name string
	}
	wants := []want{
		{"Folder created", folder, "in"},
		{"File uploaded", file, "up.bin"},
		{"File downloaded", file, "up.bin"},
		{"Node copied", 0, "up.bin"},
		{"Node moved", file, "moved.bin"},
		{"File deleted", file, "moved.bin"},
	}
	var all eventList
	expect(t, api(t, srv, tk, "GET", "/eventlog/events?sort=time:asc&limit=500", ""), 200, &all)
	i := 0
	for _, e := range all.Items {
		if i == len(wants) {
			break
		}
		w := wants[i]
		if e.OperationID == operationID(t, srv, tk, w.op) && (w.id == 0 || e.ObjectID1 == w.id) && e.ObjectName1 == w.name && e.UserID == srv.AdminID {
			if e.AuthParentSource != fmt.Sprint(room) {
				t.Errorf("%s: auth parent %q, want the room %d", w.op, e.AuthParentSource, room)
			}
			i++
		}
	}
	if i < len(wants) {
		t.Errorf("event %q (node %d %q) is missing or out of order in %+v", wants[i].op, wants[i].id, wants[i].name, all.Items)
	}
}
