package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Direct S3: the object store's checks, completion errors and the status
// sequence.

// wantS3Error checks an object-store error: status and the XML Code.
func wantS3Error(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status || !strings.Contains(string(r.body), "<Code>"+code+"</Code>") {
		t.Fatalf("object store: %d %s, want %d %s", r.status, r.body, status, code)
	}
}

func TestS3PresignedURLChecks(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	room, tk := roomFor(t, srv, "s3checks")
	ch := openChannel(t, srv, tk, room, "p.bin", `"directS3Upload":true`)
	if r := api(t, srv, tk, "GET", "/nodes/files/uploads/"+ch.UploadID, ""); r.status != 200 || r.json(t)["status"] != "transfer" {
		t.Fatalf("status before completion: %s", r.body)
	}
	data := randomBytes(100, 7)
	u := presign(t, srv, tk, ch, 1, 1, 100)[0]

	wantS3Error(t, putPart(t, srv, u, data[:99]), 400, "InvalidRequest")
	wantS3Error(t, putPart(t, srv, strings.Replace(u, "X-Amz-Signature=", "X-Amz-Signature=x", 1), data), 403, "SignatureDoesNotMatch")
	wantS3Error(t, putPart(t, srv, strings.Replace(u, "partNumber=1", "partNumber=2", 1), data), 403, "SignatureDoesNotMatch")

	// An expired URL is refused; a fresh one works.
	if n := srv.ExpirePresignedURLs(); n != 1 {
		t.Fatalf("%d URLs expired, want 1", n)
	}
	wantS3Error(t, putPart(t, srv, u, data), 403, "AccessDenied")
	u = presign(t, srv, tk, ch, 1, 1, 100)[0]
	if r := putPart(t, srv, u, data); r.status != 200 || r.header.Get("ETag") != `"`+md5Hex(data)+`"` {
		t.Fatalf("part: %d %v", r.status, r.header)
	}
	// The URL can be used again: the part is replaced.
	if r := putPart(t, srv, u, data); r.status != 200 {
		t.Fatalf("second PUT: %d", r.status)
	}
	bad := `{"parts":[{"partNumber":1,"partEtag":"00000000000000000000000000000000"}]}`
	wantError(t, api(t, srv, tk, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", bad), 400, -80045)
	missing := `{"parts":[{"partNumber":2,"partEtag":"` + md5Hex(data) + `"}]}`
	wantError(t, api(t, srv, tk, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", missing), 400, -80045)
	// A classic chunk on an S3 channel, or S3 calls on a classic one, do
	// not mix.
	wantError(t, sendChunk(t, srv, ch, data, "", false), 400, -20503)
	classic := openChannel(t, srv, tk, room, "c.bin", "")
	wantError(t, api(t, srv, tk, "POST", "/nodes/files/uploads/"+classic.UploadID+"/s3_urls", `{"firstPartNumber":1,"lastPartNumber":1,"size":1}`), 404, -90034)
}

// Parts below the minimum size (but the last) fail the completion.
func TestS3MinimumPartSize(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3MinPartSize(1000))
	room, tk := roomFor(t, srv, "minpart")
	ch := openChannel(t, srv, tk, room, "m.bin", `"directS3Upload":true`)
	urls := presign(t, srv, tk, ch, 1, 2, 999)
	a, b := randomBytes(999, 1), randomBytes(999, 2)
	putPart(t, srv, urls[0], a)
	putPart(t, srv, urls[1], b)
	body := fmt.Sprintf(`{"parts":[{"partNumber":1,"partEtag":%q},{"partNumber":2,"partEtag":%q}]}`, md5Hex(a), md5Hex(b))
	wantError(t, api(t, srv, tk, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", body), 400, -92001)
}

// A fail conflict known at completion is a synchronous 409 that keeps the
// channel; one that arises before the done transition ends in status
// error with the conflict's details.
func TestS3Conflicts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	room, tk := roomFor(t, srv, "s3conflicts")
	if _, err := srv.CreateFile(room, "taken.bin", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(10, 3)
	ch := openChannel(t, srv, tk, room, "taken.bin", `"directS3Upload":true`)
	u := presign(t, srv, tk, ch, 1, 1, 10)[0]
	putPart(t, srv, u, data)
	parts := `"parts":[{"partNumber":1,"partEtag":"` + md5Hex(data) + `"}]`
	wantError(t, api(t, srv, tk, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", `{`+parts+`,"resolutionStrategy":"fail"}`), 409, -40010)
	r := api(t, srv, tk, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", `{`+parts+`,"resolutionStrategy":"fail","fileName":"late.bin"}`)
	if r.status != http.StatusAccepted || len(r.body) != 0 {
		t.Fatalf("completion: %d %s", r.status, r.body)
	}
	// The node appears only at the done transition; someone takes the
	// name first.
	if _, err := srv.CreateFile(room, "late.bin", []byte("first"), nil); err != nil {
		t.Fatal(err)
	}
	var status map[string]any
	for range 100 {
		status = api(t, srv, tk, "GET", "/nodes/files/uploads/"+ch.UploadID, "").json(t)
		if status["status"] != "finishing" {
			break
		}
	}
	details, _ := status["errorDetails"].(map[string]any)
	if status["status"] != "error" || details == nil || details["code"] != float64(409) || details["errorCode"] != float64(-40010) {
		t.Fatalf("status %v", status)
	}
	// Another S3 completion of a finished channel is refused.
	wantError(t, api(t, srv, tk, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", `{`+parts+`}`), 400, -20503)
}

// With S3 enforced, classic channels are refused; without S3, direct
// uploads are.
func TestS3Switches(t *testing.T) {
	t.Parallel()
	enforced := newServer(t, dracoontest.WithS3EnforceDirectUpload(true))
	room, tk := roomFor(t, enforced, "enforced")
	wantError(t, api(t, enforced, tk, "POST", "/nodes/files/uploads", fmt.Sprintf(`{"parentId":%d,"name":"c"}`, room)), 400, -90033)
	classic := newServer(t, dracoontest.WithS3(false))
	room, tk = roomFor(t, classic, "classic")
	wantError(t, api(t, classic, tk, "POST", "/nodes/files/uploads", fmt.Sprintf(`{"parentId":%d,"name":"c","directS3Upload":true}`, room)), 400, -92001)
}

// The transfer test controls need the control token.
func TestTransferControls(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	room, tk := roomFor(t, srv, "controls")
	id, _ := srv.CreateFile(room, "t.bin", []byte("abc"), nil)
	body := func() *strings.Reader { return strings.NewReader(`{"offset":1}`) }
	if r := call(t, srv, "POST", fmt.Sprintf("/_emulator/files/%d/tamper", id), body(), "Content-Type: application/json"); r.status != 401 {
		t.Fatalf("tamper without token: %d", r.status)
	}
	if r := ctl(t, srv, "POST", fmt.Sprintf("/_emulator/files/%d/tamper", id), body(), "Content-Type: application/json"); r.status != 204 {
		t.Fatalf("tamper: %d %s", r.status, r.body)
	}
	wantDownload(t, srv, tk, id, []byte{'a', 'b' ^ 0xff, 'c'})
	if r := ctl(t, srv, "POST", "/_emulator/files/999/tamper", body(), "Content-Type: application/json"); r.status != 400 {
		t.Fatalf("tamper of a missing file: %d", r.status)
	}
	ch := openChannel(t, srv, tk, room, "e.bin", `"directS3Upload":true`)
	presign(t, srv, tk, ch, 1, 3, 5)
	r := ctl(t, srv, "POST", "/_emulator/s3/expire", nil)
	var out struct{ Count int }
	if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 || out.Count != 3 {
		t.Fatalf("expire: %d %s", r.status, r.body)
	}
}
