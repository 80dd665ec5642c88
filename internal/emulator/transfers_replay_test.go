package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// TestReplayJavaEncryptedChunkedUpload replays the Java SDK's recorded
// encrypted classic upload (uploads/java-sdk/upload/
// write_dc_encrypted_multi_chunk): its three multipart chunks with their
// "bytes 0-2048/*" style ranges on the deprecated authenticated chunk
// endpoint, then its completion body with the file key, into a channel of
// an encrypted room. The upload id is the live one; everything else is as
// recorded.
func TestReplayJavaEncryptedChunkedUpload(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(testutil.SharedTestdataDir(t), "api", "uploads", "java-sdk", "upload", "write_dc_encrypted_multi_chunk")
	srv := newServer(t, dracoontest.WithS3(false))
	admin := login(t, srv).Access
	wantStatus(t, api(t, srv, admin, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)), 204)
	room := encryptedRoom(t, srv, admin, "java", srv.AdminID)
	ch := openChannel(t, srv, admin, room, "file.txt", "")
	var want []byte
	for i := 1; i <= 3; i++ {
		var req recorded
		raw, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("upload_request_%d.json", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &req); err != nil {
			t.Fatal(err)
		}
		var contentRange string
		for _, h := range req.Headers {
			if h.Name == "content-range" {
				contentRange = h.Value
			}
		}
		part, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("upload_request_%d_content.bin", i)))
		if err != nil {
			t.Fatal(err)
		}
		// The recording keeps the part with its headers; the data follow
		// the first empty line.
		_, data, ok := bytes.Cut(part, []byte("\n\n"))
		if !ok {
			_, data, ok = bytes.Cut(part, []byte("\r\n\r\n"))
		}
		if !ok || contentRange == "" {
			t.Fatalf("chunk %d: no data or no Content-Range in the recording", i)
		}
		want = append(want, data...)
		body := &bytes.Buffer{}
		mw := multipartWriter(body, "file.txt", data)
		r := call(t, srv, "POST", "/api/v4/nodes/files/uploads/"+ch.UploadID, body,
			"Authorization: Bearer "+admin, "Content-Type: "+mw, "Content-Range: "+contentRange)
		wantChunk(t, r, data)
	}
	var compl recorded
	raw, err := os.ReadFile(filepath.Join(dir, "complete_upload_request.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &compl); err != nil || compl.Body == nil {
		t.Fatalf("completion recording: %v", err)
	}
	n := nodeOf(t, api(t, srv, admin, "PUT", "/nodes/files/uploads/"+ch.UploadID, compl.Body.Content), http.StatusCreated)
	if n["name"] != "file.txt" || n["isEncrypted"] != true || int(n["size"].(float64)) != len(want) {
		t.Errorf("node %v, want an encrypted file.txt of %d bytes", n, len(want))
	}
	wantDownload(t, srv, admin, idOf(n), want)
	var sent struct{ FileKey map[string]string }
	if err := json.Unmarshal([]byte(compl.Body.Content), &sent); err != nil {
		t.Fatal(err)
	}
	var stored map[string]string
	key := api(t, srv, admin, "GET", fmt.Sprintf("/nodes/files/%d/user_file_key", idOf(n)), "")
	if err := json.Unmarshal(key.body, &stored); err != nil || key.status != 200 {
		t.Fatalf("user_file_key: %d %s", key.status, key.body)
	}
	for _, f := range []string{"key", "iv", "tag", "version"} {
		if stored[f] != sent.FileKey[f] {
			t.Errorf("stored file key %s = %q, recorded %q", f, stored[f], sent.FileKey[f])
		}
	}
}
