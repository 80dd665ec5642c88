package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// replayNodeOps are the recorded Java SDK node requests beyond those
// TestReplayJavaSDKExchanges covers: search, folders, files, copy/move,
// deletes, comments, favorites and room updates.
var replayNodeOps = regexp.MustCompile(`^(GET /api/v4/nodes/search|POST /api/v4/nodes/folders|PUT /api/v4/nodes/folders/[0-9]+|PUT /api/v4/nodes/files/[0-9]+|` +
	`POST /api/v4/nodes/[0-9]+/(copy_to|move_to|comments|favorite)|DELETE /api/v4/nodes(/[0-9]+(/favorite)?)?|GET /api/v4/nodes/[0-9]+/comments|` +
	`(PUT|DELETE) /api/v4/nodes/comments/[0-9]+|PUT /api/v4/nodes/rooms/[0-9]+(/config)?)$`)

// TestReplayJavaSDKNodeExchanges replays those recordings against a tree
// shaped like the one they were recorded on: room 1 holding folders 2–5
// (see seedRecordedTree), group 1, and comments 1 and 2 on node 5. Only successful exchanges were recorded with their
// requests; the recorded status class must come back and the contract
// middleware checks the answers.
func TestReplayJavaSDKNodeExchanges(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(testutil.SharedTestdataDir(t), "api", "nodes", "java-sdk", "nodes")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*_request.json"))
	if err != nil {
		t.Fatal(err)
	}
	replayed := 0
	for _, file := range files {
		var req, want recorded
		if data, err := os.ReadFile(file); err != nil || json.Unmarshal(data, &req) != nil || req.Method == "" {
			continue
		}
		u, err := url.Parse(strings.Replace(req.URL, "[SERVER_URL]", "", 1))
		if err != nil {
			t.Fatal(err)
		}
		if !replayNodeOps.MatchString(strings.ToUpper(req.Method) + " " + u.Path) {
			continue
		}
		data, err := os.ReadFile(strings.Replace(file, "_request", "_response", 1))
		if err != nil || json.Unmarshal(data, &want) != nil {
			continue
		}
		scenario := filepath.Base(filepath.Dir(file))
		replayed++
		t.Run(scenario+"/"+filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			seedRecordedTree(t, srv, scenario)
			tk := login(t, srv).Access
			hdr := []string{"Authorization: Bearer " + tk}
			for _, h := range req.Headers {
				if !strings.EqualFold(h.Name, "authorization") {
					hdr = append(hdr, h.Name+": "+h.Value)
				}
			}
			var r response
			if req.Body != nil && req.Body.Content != "" {
				r = call(t, srv, strings.ToUpper(req.Method), u.RequestURI(), strings.NewReader(req.Body.Content), hdr...)
			} else {
				r = call(t, srv, strings.ToUpper(req.Method), u.RequestURI(), nil, hdr...)
			}
			if r.status/100 != want.Status/100 {
				t.Fatalf("status %d, recorded %d: %s", r.status, want.Status, r.body)
			}
		})
	}
	if replayed < 15 {
		t.Fatalf("only %d node recordings replayed; the recordings moved?", replayed)
	}
}

// seedRecordedTree builds the ids the recordings address: room 1;
// folders 2–5 (room 2 for the room scenarios, file 4 for the file
// update); files 6–10, 10 a favorite.
func seedRecordedTree(t *testing.T, srv *dracoontest.Server, scenario string) {
	t.Helper()
	room := mustRoom(t, srv, "test", nil)
	if room != 1 {
		t.Fatalf("room id %d, want 1", room)
	}
	for i := int64(2); i <= 10; i++ {
		name := fmt.Sprintf("node-%d", i)
		switch {
		case i == 2 && scenario == "create_update_room":
			mustRoom(t, srv, name, &dracoontest.RoomOptions{ParentID: room})
		case i == 4 && scenario == "update_file", i > 5:
			mustFile(t, srv, room, name+".txt", name)
		default:
			mustFolder(t, srv, room, name)
		}
	}
	if _, err := srv.CreateGroup("group-1", []int64{srv.AdminID}); err != nil {
		t.Fatal(err)
	}
	tk := login(t, srv).Access
	for _, text := range []string{"one", "two"} {
		ok(t, api(t, srv, tk, "POST", "/nodes/5/comments", jsonBody(map[string]string{"text": text})), 201)
	}
	ok(t, api(t, srv, tk, "POST", "/nodes/10/favorite", ""), 201)
}
