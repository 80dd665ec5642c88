package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

// TestReplayJavaSDKShareExchanges replays the recorded Java SDK share
// requests against room 1 holding folder 2 and file 3, with download
// shares 1 and 2 on the file and upload shares 1 and 2 on the room. The
// recordings come from a mock server: their password "acc-pw" is shorter
// than the default shares policy, so the policy is relaxed first (as an
// administrator may), and the encrypted scenario, whose key pair is not
// PEM at all, is left out. The recorded status class must come back; the
// contract middleware checks the answers.
func TestReplayJavaSDKShareExchanges(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(testutil.SharedTestdataDir(t), "api", "shares", "java-sdk", "shares")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*_request.json"))
	if err != nil {
		t.Fatal(err)
	}
	replayed := 0
	for _, file := range files {
		scenario := filepath.Base(filepath.Dir(file))
		if scenario == "create_download_share_encrypted" {
			continue
		}
		var req, want recorded
		if data, err := os.ReadFile(file); err != nil || json.Unmarshal(data, &req) != nil || req.Method == "" {
			continue
		}
		data, err := os.ReadFile(strings.Replace(file, "_request", "_response", 1))
		if err != nil || json.Unmarshal(data, &want) != nil {
			continue
		}
		u, err := url.Parse(strings.Replace(req.URL, "[SERVER_URL]", "", 1))
		if err != nil {
			t.Fatal(err)
		}
		replayed++
		t.Run(scenario+"/"+filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			tk := login(t, srv).Access
			room := mustRoom(t, srv, "test", nil)
			folder := mustFolder(t, srv, room, "sub")
			file := mustFile(t, srv, room, "dl-share.txt", "shared")
			if room != 1 || folder != 2 || file != 3 {
				t.Fatalf("ids %d %d %d, want 1 2 3", room, folder, file)
			}
			ok(t, api(t, srv, tk, "PUT", "/system/config/policies/passwords", `{"sharesPasswordPolicies":{"minLength":1}}`), 200)
			for i := range 2 {
				ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":3,"name":"dl-%d"}`, i)), 201)
				ok(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":1,"name":"ul-%d"}`, i)), 201)
			}
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
	if replayed < 12 {
		t.Fatalf("only %d share recordings replayed; the recordings moved?", replayed)
	}
}
