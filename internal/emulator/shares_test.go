package emulator_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Shares and public share access, every exchange under the contract.

// shareKeyPair is a share key pair as a client would send it (opaque to
// the server).
var shareKeyPair = keyPairBody("RSA-4096", testPublicKey, testPrivateKey)

// sharePath returns the path of a share endpoint.
func sharePath(kind string, shareID int64, suffix string) string {
	return fmt.Sprintf("/shares/%s/%d%s", kind, shareID, suffix)
}

// nodeCounters reads cntDownloadShares and cntUploadShares of a node.
func nodeCounters(t *testing.T, srv *dracoontest.Server, tk string, nodeID int64) (downloads, uploads int64) {
	t.Helper()
	n := ok(t, getNode(t, srv, tk, nodeID), 200)
	return id(n, "cntDownloadShares"), id(n, "cntUploadShares")
}

func TestDownloadShareRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Projects", nil)
	file := mustFile(t, srv, room, "plan.txt", "the plan")

	s := ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(
		`{"nodeId":%d,"name":"For Bob","password":"Share-Secret-1","expiration":{"enableExpiration":true,"expireAt":"2999-01-01T00:00:00Z"},`+
			`"maxDownloads":3,"notes":"hello","internalNotes":"inside","showCreatorName":true,"receiverLanguage":"de-DE",`+
			`"notifyCreator":null}`, file)), 201)
	if len(s["accessKey"].(string)) < 32 || s["isProtected"] != true || s["isEncrypted"] != false ||
		s["nodePath"] != "/Projects/plan.txt" || s["nodeType"] != "file" || id(s, "maxDownloads") != 3 ||
		s["expireAt"] != "2999-01-01T00:00:00.000Z" || s["name"] != "For Bob" || s["notes"] != "hello" {
		t.Fatalf("created share: %v", s)
	}
	if strings.Contains(fmt.Sprint(s), "Share-Secret-1") {
		t.Fatal("the share answer carries the password")
	}
	shareID := id(s, "id")
	if d, _ := nodeCounters(t, srv, tk, file); d != 1 {
		t.Errorf("cntDownloadShares %d after create, want 1", d)
	}
	second := ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d}`, file)), 201)
	if second["accessKey"] == s["accessKey"] || second["name"] != "plan.txt" || second["isProtected"] != false {
		t.Errorf("second share: %v", second)
	}

	got := ok(t, api(t, srv, tk, "GET", sharePath("downloads", shareID, ""), ""), 200)
	if got["accessKey"] != s["accessKey"] || got["internalNotes"] != "inside" {
		t.Errorf("GET share: %v", got)
	}
	upd := ok(t, api(t, srv, tk, "PUT", sharePath("downloads", shareID, ""), `{"name":"Renamed","resetMaxDownloads":true,"resetPassword":true,"expiration":{"enableExpiration":false}}`), 200)
	if upd["name"] != "Renamed" || upd["maxDownloads"] != nil || upd["isProtected"] != false || upd["expireAt"] != nil {
		t.Errorf("updated share: %v", upd)
	}
	wantError(t, api(t, srv, tk, "PUT", sharePath("downloads", shareID, ""), `{"password":"short"}`), 400, -10002)
	wantError(t, api(t, srv, tk, "PUT", sharePath("downloads", shareID, ""), `{"maxDownloads":0}`), 400, -80001)
	if m := ok(t, api(t, srv, tk, "PUT", sharePath("downloads", shareID, ""), `{"notes":"line one\nline two"}`), 200); m["notes"] != "line one\nline two" {
		t.Errorf("multi-line notes: %v", m["notes"])
	}
	wantError(t, api(t, srv, tk, "PUT", sharePath("downloads", shareID, ""), `{"notes":"bell \u0007"}`), 400, -80023)

	list := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/shares/downloads?filter=nodeId:eq:%d&sort=name:desc", file), ""), 200)
	if names := itemNames(t, list); !slices.Equal(names, []string{"Renamed", "plan.txt"}) || total(list) != 2 {
		t.Errorf("list sorted by name desc: %v", names)
	}
	if l := ok(t, api(t, srv, tk, "GET", "/shares/downloads?filter=name:cn:renam", ""), 200); total(l) != 1 {
		t.Errorf("name filter found %d", total(l))
	}
	wantError(t, api(t, srv, tk, "GET", "/shares/downloads?filter=bogus:eq:1", ""), 400, -92001)

	wantStatus(t, api(t, srv, tk, "POST", sharePath("downloads", shareID, "/email"), `{"recipients":["bob@example.com"],"body":"Hi Bob,\n\nhave a look."}`), 204)
	wantError(t, api(t, srv, tk, "POST", sharePath("downloads", shareID, "/email"), `{"recipients":["not an address"],"body":"x"}`), 400, -80009)
	wantError(t, api(t, srv, tk, "POST", sharePath("downloads", shareID, "/email"), `{"recipients":[],"body":"x"}`), 400, -80000)

	qr := ok(t, api(t, srv, tk, "GET", sharePath("downloads", shareID, "/qr"), ""), 200)
	checkQR(t, qr, srv.URL+"/public/download-shares/"+s["accessKey"].(string))

	wantStatus(t, api(t, srv, tk, "DELETE", sharePath("downloads", shareID, ""), ""), 204)
	wantError(t, api(t, srv, tk, "GET", sharePath("downloads", shareID, ""), ""), 404, -60000)
	wantError(t, api(t, srv, tk, "DELETE", sharePath("downloads", shareID, ""), ""), 404, -60000)
	if d, _ := nodeCounters(t, srv, tk, file); d != 1 {
		t.Errorf("cntDownloadShares %d after deleting one of two, want 1", d)
	}
	// Deleting the node takes its shares along.
	wantStatus(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/%d", file), ""), 204)
	if l := ok(t, api(t, srv, tk, "GET", "/shares/downloads", ""), 200); total(l) != 0 {
		t.Errorf("%d shares left after the node was deleted", total(l))
	}
	wantError(t, api(t, srv, tk, "POST", "/shares/downloads", `{"nodeId":999999}`), 404, -41000)
	wantError(t, api(t, srv, tk, "POST", "/shares/downloads", `{"name":"no node"}`), 400, -80000)
}

// checkQR decodes the data URL of a QR answer and finds link in it.
func checkQR(t *testing.T, share map[string]any, link string) {
	t.Helper()
	u, _ := share["dataUrl"].(string)
	raw, found := strings.CutPrefix(u, "data:image/png;base64,")
	if !found {
		t.Fatalf("dataUrl %q is not a PNG data URL", u)
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var text []byte
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		var c byte
		for x := 0; x < 8; x++ {
			r, _, _, _ := img.At(x, y).RGBA()
			c <<= 1
			if r == 0 {
				c |= 1
			}
		}
		text = append(text, c)
	}
	if string(text) != link {
		t.Errorf("the QR image holds %q, want %q", text, link)
	}
}

func TestSharePermissions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	reader := addParty(t, srv, "reader")
	sharer := addParty(t, srv, "sharer")
	outsider := addParty(t, srv, "outsider")
	room := mustRoom(t, srv, "Team", nil)
	file := mustFile(t, srv, room, "a.txt", "a")
	ok(t, grantUsers(t, srv, admin, room, reader.id, perm("read")), 204)
	ok(t, grantUsers(t, srv, admin, room, sharer.id, perm("read", "manageDownloadShare")), 204)

	body := fmt.Sprintf(`{"nodeId":%d}`, file)
	wantError(t, api(t, srv, reader.token, "POST", "/shares/downloads", body), 403, 0)
	wantError(t, api(t, srv, outsider.token, "POST", "/shares/downloads", body), 404, -41000)
	wantError(t, api(t, srv, sharer.token, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d}`, room)), 403, 0)
	mine := id(ok(t, api(t, srv, sharer.token, "POST", "/shares/downloads", body), 201), "id")
	adminShare := id(ok(t, api(t, srv, admin, "POST", "/shares/downloads", body), 201), "id")

	// The reader may neither see nor change shares; the outsider does not
	// learn that they exist.
	wantError(t, api(t, srv, reader.token, "GET", sharePath("downloads", mine, ""), ""), 403, 0)
	wantError(t, api(t, srv, reader.token, "DELETE", sharePath("downloads", mine, ""), ""), 403, 0)
	wantError(t, api(t, srv, outsider.token, "GET", sharePath("downloads", mine, ""), ""), 404, -60000)
	wantError(t, api(t, srv, outsider.token, "DELETE", "/shares/downloads", fmt.Sprintf(`{"shareIds":[%d]}`, mine)), 404, -60000)
	for who, p := range map[string]party{"reader": reader, "outsider": outsider} {
		if l := ok(t, api(t, srv, p.token, "GET", "/shares/downloads", ""), 200); total(l) != 0 {
			t.Errorf("%s lists %d shares", who, total(l))
		}
	}
	// Whoever manages shares on the node sees all of its shares.
	if l := ok(t, api(t, srv, sharer.token, "GET", "/shares/downloads", ""), 200); total(l) != 2 {
		t.Errorf("the sharer lists %d shares, want 2", total(l))
	}
	if l := ok(t, api(t, srv, admin, "GET", fmt.Sprintf("/shares/downloads?filter=createdById:eq:%d", sharer.id), ""), 200); total(l) != 1 || id(items(t, l)[0], "id") != mine {
		t.Errorf("createdById filter: %v", l)
	}
	// Losing the permission ends the management.
	ok(t, grantUsers(t, srv, admin, room, sharer.id, perm("read")), 204)
	wantError(t, api(t, srv, sharer.token, "PUT", sharePath("downloads", adminShare, ""), `{"name":"x"}`), 403, 0)
}

func TestEncryptedDownloadShareRules(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner, ownerTk := keyUser(t, srv, "owner", "RSA-4096")
	room := encryptedRoom(t, srv, ownerTk, "Vault", owner)
	folder := mustFolder(t, srv, room, "Inner")
	file := mustFile(t, srv, room, "secret.bin", "ciphertext")
	plainRoom := mustRoom(t, srv, "Plain", &dracoontest.RoomOptions{AdminIDs: []int64{owner}})
	plainFile := mustFile(t, srv, plainRoom, "open.txt", "open")

	fk := fileKeyBody("share", "RSA-4096/AES-256-GCM")
	withKeys := func(nodeID int64, extra string) string {
		return fmt.Sprintf(`{"nodeId":%d,"keyPair":%s,"fileKey":%s%s}`, nodeID, shareKeyPair, fk, extra)
	}
	wantError(t, api(t, srv, ownerTk, "POST", "/shares/downloads", withKeys(folder, "")), 400, -50004)
	wantError(t, api(t, srv, ownerTk, "POST", "/shares/downloads", withKeys(room, "")), 400, -50004)
	wantError(t, api(t, srv, ownerTk, "POST", "/shares/downloads", withKeys(file, `,"password":"Share-Secret-1"`)), 400, -50003)
	wantError(t, api(t, srv, ownerTk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d,"fileKey":%s}`, file, fk)), 400, -50006)
	wantError(t, api(t, srv, ownerTk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d,"keyPair":%s}`, file, shareKeyPair)), 400, -50005)
	wantError(t, api(t, srv, ownerTk, "POST", "/shares/downloads", withKeys(plainFile, "")), 400, -50007)

	s := ok(t, api(t, srv, ownerTk, "POST", "/shares/downloads", withKeys(file, "")), 201)
	if s["isEncrypted"] != true || s["isProtected"] != true {
		t.Fatalf("encrypted share: %v", s)
	}
	key := s["accessKey"].(string)
	wantError(t, api(t, srv, ownerTk, "PUT", sharePath("downloads", id(s, "id"), ""), `{"password":"Share-Secret-1"}`), 400, -50003)

	// The public view hands out the share's key material, without a login.
	pub := ok(t, api(t, srv, "", "GET", "/public/shares/downloads/"+key, ""), 200)
	fkOut, _ := pub["fileKey"].(map[string]any)
	pk, _ := pub["privateKeyContainer"].(map[string]any)
	if pub["isEncrypted"] != true || fkOut["key"] != "key-for-share" || pk["privateKey"] != testPrivateKey || pk["version"] != "RSA-4096" {
		t.Fatalf("public view of an encrypted share: %v", pub)
	}
	wantError(t, api(t, srv, "", "POST", "/public/shares/downloads/"+key, `{"password":"Share-Secret-1"}`), 400, -50008)
	u := ok(t, api(t, srv, "", "POST", "/public/shares/downloads/"+key, `{}`), 201)["downloadUrl"].(string)
	if r := fetch(t, srv, relative(t, srv, u)); r.status != 200 || string(r.body) != "ciphertext" {
		t.Errorf("download of the encrypted share: %d %q", r.status, r.body)
	}
}

func TestPublicDownloadShare(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Public", nil)
	content := randomBytes(5000, 3)
	file, err := srv.CreateFile(room, "data.bin", content, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(
		`{"nodeId":%d,"password":"Share-Secret-1","maxDownloads":2,"showCreatorName":true,"showCreatorUsername":true,"notes":"for you",`+
			`"expiration":{"enableExpiration":true,"expireAt":%q}}`, file, srv.Now().Add(48*time.Hour).Format(time.RFC3339))), 201)
	key, shareID := s["accessKey"].(string), id(s, "id")

	info := ok(t, api(t, srv, "", "GET", "/public/shares/downloads/"+key, ""), 200)
	if info["isProtected"] != true || info["fileName"] != "data.bin" || id(info, "size") != 5000 || info["hasDownloadLimit"] != true ||
		info["limitReached"] != false || info["creatorName"] != "Admin Emulator" || info["creatorUsername"] != "admin" ||
		info["notes"] != "for you" || info["fileKey"] != nil {
		t.Fatalf("public info: %v", info)
	}
	wantError(t, api(t, srv, "", "GET", "/public/shares/downloads/not-a-key", ""), 404, -50000)
	post := func(body string) response {
		return api(t, srv, "", "POST", "/public/shares/downloads/"+key, body)
	}
	wantError(t, post(`{"password":"wrong-password"}`), 401, -50009)
	wantError(t, post(`{}`), 401, -50009)
	u := relative(t, srv, ok(t, post(`{"password":"Share-Secret-1"}`), 201)["downloadUrl"].(string))
	if !strings.HasPrefix(u, "/api/v4/public/shares/downloads/"+key+"/") {
		t.Fatalf("download URL %q", u)
	}
	downloads := func() int64 {
		return id(ok(t, api(t, srv, tk, "GET", sharePath("downloads", shareID, ""), ""), 200), "cntDownloads")
	}
	// A range that stops short of the end is not a download.
	if r := fetch(t, srv, u, "Range: bytes=0-99"); r.status != 206 || !bytes.Equal(r.body, content[:100]) {
		t.Fatalf("range: %d", r.status)
	}
	if r := call(t, srv, "HEAD", u, nil); r.status != 200 || r.header.Get("Content-Length") != "5000" {
		t.Fatalf("HEAD: %d %v", r.status, r.header)
	}
	if downloads() != 0 {
		t.Errorf("a partial read or a HEAD counted as a download")
	}
	if r := fetch(t, srv, u); r.status != 200 || !bytes.Equal(r.body, content) {
		t.Fatalf("download: %d, %d bytes", r.status, len(r.body))
	}
	if n := downloads(); n != 1 {
		t.Errorf("cntDownloads %d after one download", n)
	}
	wantError(t, fetch(t, srv, "/api/v4/public/shares/downloads/"+key+"/forged-token"), 404, -50001)
	if r := fetch(t, srv, u, "Range: bytes=4000-"); r.status != 206 || !bytes.Equal(r.body, content[4000:]) {
		t.Fatalf("tail range: %d", r.status)
	}
	// The limit of two is reached: no more URLs, and the view says so.
	wantError(t, post(`{"password":"Share-Secret-1"}`), 404, -50002)
	wantError(t, fetch(t, srv, u), 404, -50002)
	if info := ok(t, api(t, srv, "", "GET", "/public/shares/downloads/"+key, ""), 200); info["limitReached"] != true {
		t.Errorf("limitReached false after %d downloads", downloads())
	}
	// Resetting the limit opens the share again; expiry closes it for good.
	ok(t, api(t, srv, tk, "PUT", sharePath("downloads", shareID, ""), `{"resetMaxDownloads":true}`), 200)
	ok(t, post(`{"password":"Share-Secret-1"}`), 201)
	if err := srv.AdvanceClock(49 * time.Hour); err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv, "", "GET", "/public/shares/downloads/"+key, ""), 404, -50000)
	wantError(t, post(`{"password":"Share-Secret-1"}`), 404, -50000)
	wantError(t, fetch(t, srv, u), 404, -50000)
}

func TestPublicDownloadShareLocksAfterWrongPasswords(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Guarded", nil)
	file := mustFile(t, srv, room, "x.txt", "x")
	key := ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d,"password":"Share-Secret-1"}`, file)), 201)["accessKey"].(string)
	locked := false
	for i := 0; i < 20 && !locked; i++ {
		r := api(t, srv, "", "POST", "/public/shares/downloads/"+key, `{"password":"guess"}`)
		switch r.status {
		case 401:
		case 403:
			wantError(t, r, 403, -51000)
			locked = true
		default:
			t.Fatalf("guess %d: %d %s", i, r.status, r.body)
		}
	}
	if !locked {
		t.Fatal("twenty wrong passwords did not lock the share")
	}
	wantError(t, api(t, srv, "", "POST", "/public/shares/downloads/"+key, `{"password":"Share-Secret-1"}`), 403, -51000)
	if err := srv.AdvanceClock(time.Hour); err != nil {
		t.Fatal(err)
	}
	ok(t, api(t, srv, "", "POST", "/public/shares/downloads/"+key, `{"password":"Share-Secret-1"}`), 201)
}

func TestPublicFolderShareIsAZip(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Archive", nil)
	folder := mustFolder(t, srv, room, "Reports")
	mustFile(t, srv, folder, "q1.txt", "first")
	sub := mustFolder(t, srv, folder, "Old")
	mustFile(t, srv, sub, "q0.txt", "zero")
	key := ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d}`, folder)), 201)["accessKey"].(string)
	info := ok(t, api(t, srv, "", "GET", "/public/shares/downloads/"+key, ""), 200)
	if info["mediaType"] != "application/zip" || id(info, "size") != 9 || info["isProtected"] != false || info["creatorName"] != "" {
		t.Fatalf("folder share info: %v", info)
	}
	u := relative(t, srv, ok(t, api(t, srv, "", "POST", "/public/shares/downloads/"+key, "{}"), 201)["downloadUrl"].(string))
	r := fetch(t, srv, u)
	zr, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
	if err != nil {
		t.Fatalf("archive: %d %v", r.status, err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		got[f.Name] = string(b)
	}
	if len(got) != 2 || got["q1.txt"] != "first" || got["Old/q0.txt"] != "zero" {
		t.Errorf("archive holds %v", got)
	}
}

func TestUploadShareRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Inbox", nil)
	folder := mustFolder(t, srv, room, "Incoming")
	file := mustFile(t, srv, room, "f.txt", "f")

	wantError(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d}`, file)), 404, -40000)
	wantError(t, api(t, srv, tk, "POST", "/shares/uploads", `{"targetId":424242}`), 404, -40000)
	wantError(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d,"maxSlots":-1}`, folder)), 400, -80001)
	s := ok(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(
		`{"targetId":%d,"name":"Send files","password":"Share-Secret-1","filesExpiryPeriod":7,"maxSlots":2,"maxSize":1000,`+
			`"showUploadedFiles":true,"notes":"n","internalNotes":"i","showCreatorName":true}`, folder)), 201)
	if s["targetPath"] != "/Inbox/Incoming" || s["targetType"] != "folder" || s["isProtected"] != true || s["isEncrypted"] != false ||
		id(s, "maxSlots") != 2 || id(s, "maxSize") != 1000 || id(s, "filesExpiryPeriod") != 7 || id(s, "cntFiles") != 0 {
		t.Fatalf("upload share: %v", s)
	}
	shareID := id(s, "id")
	if _, u := nodeCounters(t, srv, tk, folder); u != 1 {
		t.Errorf("cntUploadShares %d, want 1", u)
	}
	upd := ok(t, api(t, srv, tk, "PUT", sharePath("uploads", shareID, ""), `{"resetMaxSize":true,"maxSlots":5,"resetFilesExpiryPeriod":true}`), 200)
	if upd["maxSize"] != nil || id(upd, "maxSlots") != 5 || upd["filesExpiryPeriod"] != nil {
		t.Errorf("updated upload share: %v", upd)
	}
	if l := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/shares/uploads?filter=targetId:eq:%d", folder), ""), 200); total(l) != 1 {
		t.Errorf("targetId filter: %d", total(l))
	}
	wantStatus(t, api(t, srv, tk, "POST", sharePath("uploads", shareID, "/email"), `{"recipients":["ann@example.com"],"body":"please upload"}`), 204)
	checkQR(t, ok(t, api(t, srv, tk, "GET", sharePath("uploads", shareID, "/qr"), ""), 200), srv.URL+"/public/upload-shares/"+s["accessKey"].(string))
	wantStatus(t, api(t, srv, tk, "DELETE", sharePath("uploads", shareID, ""), ""), 204)
	wantError(t, api(t, srv, tk, "GET", sharePath("uploads", shareID, ""), ""), 404, -60500)
}

// publicUpload runs a classic upload through an upload share (the chunk
// as multipart, or raw for names ending in ".raw") and returns the
// completion answer.
func publicUpload(t *testing.T, srv *dracoontest.Server, key, password, name string, data []byte, completion string) response {
	t.Helper()
	body := fmt.Sprintf(`{"name":%q,"size":%d,"password":%q}`, name, len(data), password)
	ch := ok(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key, body), 201)
	u := ch["uploadUrl"].(string)
	if want := srv.URL + "/api/v4/public/shares/uploads/" + key + "/" + ch["uploadId"].(string); u != want {
		t.Fatalf("uploadUrl %q, want %q", u, want)
	}
	wantChunk(t, sendChunk(t, srv, channel{UploadURL: u}, data, fmt.Sprintf("bytes 0-%d/%d", len(data)-1, len(data)), !strings.HasSuffix(name, ".raw")), data)
	return call(t, srv, "PUT", relative(t, srv, u), strings.NewReader(completion))
}

func TestPublicUploadShare(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Drop", nil)
	s := ok(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(
		`{"targetId":%d,"password":"Share-Secret-1","maxSlots":2,"maxSize":100,"showUploadedFiles":true,"notes":"thanks"}`, room)), 201)
	key := s["accessKey"].(string)

	locked := ok(t, api(t, srv, "", "GET", "/public/shares/uploads/"+key, ""), 200)
	if locked["isProtected"] != true || locked["notes"] != nil || locked["remainingSlots"] != nil || locked["uploadedFiles"] != nil {
		t.Errorf("locked view shows details: %v", locked)
	}
	pwHeader := "X-Sds-Share-Password: " + base64.StdEncoding.EncodeToString([]byte("Share-Secret-1"))
	wantError(t, api(t, srv, "", "GET", "/public/shares/uploads/"+key, "", "X-Sds-Share-Password: "+base64.StdEncoding.EncodeToString([]byte("nope"))), 401, -50502)
	open := ok(t, api(t, srv, "", "GET", "/public/shares/uploads/"+key, "", pwHeader), 200)
	if open["notes"] != "thanks" || id(open, "remainingSlots") != 2 || id(open, "remainingSize") != 100 || len(open["uploadedFiles"].([]any)) != 0 {
		t.Errorf("unlocked view: %v", open)
	}
	wantError(t, api(t, srv, "", "GET", "/public/shares/uploads/unknown", ""), 404, -50501)
	wantError(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key, `{"name":"a.txt","size":3,"password":"wrong-one"}`), 401, -50502)
	wantError(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key, `{"name":"a.txt","size":300,"password":"Share-Secret-1"}`), 507, -50504)
	wantError(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key, `{"name":"a:b","size":3,"password":"Share-Secret-1"}`), 400, -40755)

	data := []byte("from a stranger")
	done := publicUpload(t, srv, key, "Share-Secret-1", "note.txt", data, "{}")
	if done.status != 201 {
		t.Fatalf("completion: %d %s", done.status, done.body)
	}
	if m := done.json(t); m["name"] != "note.txt" || id(m, "size") != int64(len(data)) || m["hash"] != md5Hex(data) {
		t.Errorf("completion answer: %v", m)
	}
	// The file is there, created by the external user; a second file with
	// the same name is renamed.
	again := publicUpload(t, srv, key, "Share-Secret-1", "note.txt", data, "{}")
	if again.status != 201 || again.json(t)["name"] != "note (1).txt" {
		t.Fatalf("second upload: %d %s", again.status, again.body)
	}
	list := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes?parent_id=%d", room), ""), 200)
	if names := itemNames(t, list); !slices.Equal(names, []string{"note (1).txt", "note.txt"}) {
		t.Fatalf("room holds %v", names)
	}
	if by := items(t, list)[1]["createdBy"].(map[string]any); by["userType"] != "external" || id(by, "id") != -1 {
		t.Errorf("createdBy of an uploaded file: %v", by)
	}
	got := ok(t, api(t, srv, tk, "GET", sharePath("uploads", id(s, "id"), ""), ""), 200)
	if id(got, "cntFiles") != 2 || id(got, "cntUploads") != 2 {
		t.Errorf("counters after two uploads: %v", got)
	}
	// Both slots are taken.
	wantError(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key, `{"name":"c.txt","size":1,"password":"Share-Secret-1"}`), 400, -50506)
	open = ok(t, api(t, srv, "", "GET", "/public/shares/uploads/"+key, "", pwHeader), 200)
	if id(open, "remainingSlots") != 0 || len(open["uploadedFiles"].([]any)) != 2 {
		t.Errorf("view after two uploads: %v", open)
	}
	// Without the slot limit more files fit (this one sent raw); keys for a
	// plain room are refused.
	ok(t, api(t, srv, tk, "PUT", sharePath("uploads", id(s, "id"), ""), `{"resetMaxSlots":true}`), 200)
	raw := publicUpload(t, srv, key, "Share-Secret-1", "bytes.raw", data, "{}")
	if raw.status != 201 || raw.json(t)["hash"] != md5Hex(data) {
		t.Fatalf("raw chunk upload: %d %s", raw.status, raw.body)
	}
	wantError(t, publicUpload(t, srv, key, "Share-Secret-1", "k.txt", data, `{"items":[{"userId":1,"fileKey":`+fileKeyBody("x", "A")+`}]}`), 400, -40001)
	// Cancelling frees the channel.
	ch := ok(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key, `{"name":"gone.txt","password":"Share-Secret-1"}`), 201)
	cancel := relative(t, srv, ch["uploadUrl"].(string))
	wantStatus(t, call(t, srv, "DELETE", cancel, nil), 204)
	wantError(t, call(t, srv, "DELETE", cancel, nil), 404, -20501)
	// An idle channel expires like any other.
	idle := ok(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key, `{"name":"idle.txt","password":"Share-Secret-1"}`), 201)
	if err := srv.AdvanceClock(25 * time.Hour); err != nil {
		t.Fatal(err)
	}
	wantError(t, sendChunk(t, srv, channel{UploadURL: idle["uploadUrl"].(string)}, data, "", false), 404, -20501)
}

func TestEncryptedUploadShareKeys(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	alice, aliceTk := keyUser(t, srv, "alice", "RSA-4096")
	bob, bobTk := keyUser(t, srv, "bob", "RSA-4096")
	carol, carolTk := keyUser(t, srv, "carol", "")
	room := encryptedRoom(t, srv, aliceTk, "Secret inbox", alice)
	for _, u := range []int64{bob, carol} {
		ok(t, grantUsers(t, srv, aliceTk, room, u, perm("read")), 204)
	}
	key := ok(t, api(t, srv, aliceTk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d}`, room)), 201)["accessKey"].(string)

	info := ok(t, api(t, srv, "", "GET", "/public/shares/uploads/"+key, ""), 200)
	if info["isEncrypted"] != true {
		t.Fatalf("info: %v", info)
	}
	var ids []int64
	for _, it := range items(t, info["userUserPublicKeyList"].(map[string]any)) {
		ids = append(ids, id(it, "id"))
		if pk := it["publicKeyContainer"].(map[string]any); pk["publicKey"] != testPublicKey {
			t.Errorf("public key of %v: %v", it["id"], pk)
		}
	}
	if !slices.Equal(ids, []int64{alice, bob}) {
		t.Errorf("recipients %v, want alice %d and bob %d (carol has no key pair)", ids, alice, bob)
	}

	data := []byte("encrypted bytes")
	wantError(t, publicUpload(t, srv, key, "", "doc.bin", data, "{}"), 400, -40763)
	keys := fmt.Sprintf(`{"items":[{"userId":%d,"fileKey":%s},{"userId":%d,"fileKey":%s}]}`,
		alice, fileKeyBody("alice", "RSA-4096/AES-256-GCM"), bob, fileKeyBody("bob", "RSA-4096/AES-256-GCM"))
	done := publicUpload(t, srv, key, "", "doc2.bin", data, keys)
	if done.status != 201 {
		t.Fatalf("encrypted completion: %d %s", done.status, done.body)
	}
	list := ok(t, api(t, srv, aliceTk, "GET", fmt.Sprintf("/nodes?parent_id=%d", room), ""), 200)
	var file int64
	for _, it := range items(t, list) {
		if it["name"] == "doc2.bin" {
			file = id(it, "id")
		}
	}
	for who, tk := range map[string]string{"alice": aliceTk, "bob": bobTk} {
		k := ok(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/files/%d/user_file_key", file), ""), 200)
		if k["key"] != "key-for-"+who {
			t.Errorf("%s's file key: %v", who, k)
		}
	}

	// Without any member key pair nobody could read an upload.
	empty := encryptedRoom(t, srv, carolTk, "Nobody has keys", carol)
	key2 := ok(t, api(t, srv, carolTk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d}`, empty)), 201)["accessKey"].(string)
	wantError(t, api(t, srv, "", "GET", "/public/shares/uploads/"+key2, ""), 400, -50505)
	wantError(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key2, `{"name":"x.bin","size":1}`), 400, -50505)
	// A room with shares keeps its encryption state.
	wantError(t, api(t, srv, carolTk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", empty), `{"isEncrypted":false}`), 400, -40023)
}

func TestShareBulkOperations(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Bulk", nil)
	var dl, ul []int64
	for i := range 3 {
		f := mustFile(t, srv, room, fmt.Sprintf("f%d.txt", i), "x")
		dl = append(dl, id(ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d}`, f)), 201), "id"))
		ul = append(ul, id(ok(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d,"name":"u%d"}`, room, i)), 201), "id"))
	}
	// One unknown id: nothing changes.
	wantError(t, api(t, srv, tk, "PUT", "/shares/downloads", fmt.Sprintf(`{"objectIds":[%d,999],"maxDownloads":4}`, dl[0])), 404, -60000)
	if m := ok(t, api(t, srv, tk, "GET", sharePath("downloads", dl[0], ""), ""), 200); m["maxDownloads"] != nil {
		t.Errorf("a failed bulk update changed share %d: %v", dl[0], m)
	}
	wantStatus(t, api(t, srv, tk, "PUT", "/shares/downloads", fmt.Sprintf(`{"objectIds":[%d,%d],"maxDownloads":4,"showCreatorName":true,"expiration":{"enableExpiration":true,"expireAt":"2999-12-31T00:00:00Z"}}`, dl[0], dl[1])), 200)
	for i, sid := range dl {
		m := ok(t, api(t, srv, tk, "GET", sharePath("downloads", sid, ""), ""), 200)
		changed := i < 2
		if (id(m, "maxDownloads") == 4) != changed || (m["showCreatorName"] == true) != changed || (m["expireAt"] == "2999-12-31T00:00:00.000Z") != changed {
			t.Errorf("share %d after the bulk update: %v", i, m)
		}
	}
	wantStatus(t, api(t, srv, tk, "PUT", "/shares/uploads", fmt.Sprintf(`{"objectIds":[%d],"maxSlots":3,"showUploadedFiles":true}`, ul[2])), 200)
	if m := ok(t, api(t, srv, tk, "GET", sharePath("uploads", ul[2], ""), ""), 200); id(m, "maxSlots") != 3 || m["showUploadedFiles"] != true {
		t.Errorf("upload share after the bulk update: %v", m)
	}
	wantError(t, api(t, srv, tk, "DELETE", "/shares/downloads", `{"shareIds":[]}`), 400, -80000)
	wantError(t, api(t, srv, tk, "DELETE", "/shares/uploads", fmt.Sprintf(`{"shareIds":[%d,12345]}`, ul[0])), 404, -60500)
	wantStatus(t, api(t, srv, tk, "DELETE", "/shares/downloads", fmt.Sprintf(`{"shareIds":[%d,%d]}`, dl[0], dl[2])), 204)
	wantStatus(t, api(t, srv, tk, "DELETE", "/shares/uploads", fmt.Sprintf(`{"shareIds":[%d,%d]}`, ul[0], ul[1])), 204)
	if l := ok(t, api(t, srv, tk, "GET", "/shares/downloads", ""), 200); total(l) != 1 || id(items(t, l)[0], "id") != dl[1] {
		t.Errorf("download shares left: %v", l)
	}
	if l := ok(t, api(t, srv, tk, "GET", "/shares/uploads?sort=name:asc", ""), 200); total(l) != 1 || id(items(t, l)[0], "id") != ul[2] {
		t.Errorf("upload shares left: %v", l)
	}
	if _, u := nodeCounters(t, srv, tk, room); u != 1 {
		t.Errorf("cntUploadShares %d, want 1", u)
	}
}

func TestPublicUploadShareS3(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	alice, aliceTk := keyUser(t, srv, "alice", "RSA-4096")
	room := encryptedRoom(t, srv, aliceTk, "S3 inbox", alice)
	s := ok(t, api(t, srv, aliceTk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d,"maxSize":100000}`, room)), 201)
	key := s["accessKey"].(string)
	base := "/public/shares/uploads/" + key + "/"

	data := randomBytes(3000, 9)
	ch := ok(t, api(t, srv, "", "POST", "/public/shares/uploads/"+key, fmt.Sprintf(`{"name":"scan.pdf","size":%d,"directS3Upload":true}`, len(data))), 201)
	upload := ch["uploadId"].(string)
	// Chunks do not go to an S3 channel, and before completion the status
	// says transfer.
	wantError(t, sendChunk(t, srv, channel{UploadURL: ch["uploadUrl"].(string)}, data, "", false), 400, -20503)
	if st := ok(t, api(t, srv, "", "GET", base+upload, ""), 200); st["status"] != "transfer" || st["fileName"] != "scan.pdf" {
		t.Fatalf("status before completion: %v", st)
	}
	r := api(t, srv, "", "POST", base+upload+"/s3_urls", `{"firstPartNumber":1,"lastPartNumber":1,"size":3000}`)
	urls := items(t, map[string]any{"items": ok(t, r, 201)["urls"]})
	part := putPart(t, srv, relative(t, srv, urls[0]["url"].(string)), data)
	if part.status != 200 {
		t.Fatalf("part: %d %s", part.status, part.body)
	}
	etag := strings.Trim(part.header.Get("ETag"), `"`)
	parts := fmt.Sprintf(`"parts":[{"partNumber":1,"partEtag":%q}]`, etag)
	wantError(t, api(t, srv, "", "PUT", base+upload+"/s3", "{"+parts+"}"), 400, -40763)
	wantStatus(t, api(t, srv, "", "PUT", base+upload+"/s3", fmt.Sprintf(`{%s,"userFileKeyList":[{"userId":%d,"fileKey":%s}]}`,
		parts, alice, fileKeyBody("alice", "RSA-4096/AES-256-GCM"))), 202)
	var st map[string]any
	for range 1000 {
		if st = ok(t, api(t, srv, "", "GET", base+upload, ""), 200); st["status"] != "finishing" {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if st["status"] != "done" || id(st, "size") != 3000 {
		t.Fatalf("final status: %v", st)
	}
	list := ok(t, api(t, srv, aliceTk, "GET", fmt.Sprintf("/nodes?parent_id=%d", room), ""), 200)
	it := items(t, list)
	if len(it) != 1 || it[0]["name"] != "scan.pdf" || it[0]["hash"] != md5Hex(data) {
		t.Fatalf("room holds %v", it)
	}
	k := ok(t, api(t, srv, aliceTk, "GET", fmt.Sprintf("/nodes/files/%d/user_file_key", id(it[0], "id")), ""), 200)
	if k["key"] != "key-for-alice" {
		t.Errorf("alice's key: %v", k)
	}
	// Polling again changes nothing; the share counted one upload.
	ok(t, api(t, srv, "", "GET", base+upload, ""), 200)
	if got := ok(t, api(t, srv, aliceTk, "GET", sharePath("uploads", id(s, "id"), ""), ""), 200); id(got, "cntUploads") != 1 || id(got, "cntFiles") != 1 {
		t.Errorf("share counters: %v", got)
	}
}

func TestShareEventsAreLogged(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Logged", nil)
	file := mustFile(t, srv, room, "l.txt", "logged")
	s := ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d,"name":"watched"}`, file)), 201)
	u := relative(t, srv, ok(t, api(t, srv, "", "POST", "/public/shares/downloads/"+s["accessKey"].(string), "{}"), 201)["downloadUrl"].(string))
	if r := fetch(t, srv, u); r.status != 200 {
		t.Fatalf("download: %d", r.status)
	}
	wantStatus(t, api(t, srv, tk, "DELETE", sharePath("downloads", id(s, "id"), ""), ""), 204)
	up := ok(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d,"name":"inbox"}`, room)), 201)
	if r := publicUpload(t, srv, up["accessKey"].(string), "", "in.txt", []byte("in"), "{}"); r.status != 201 {
		t.Fatalf("public upload: %d %s", r.status, r.body)
	}
	events := items(t, ok(t, api(t, srv, tk, "GET", "/eventlog/events?sort=time:asc", ""), 200))
	var got []string
	for _, ev := range events {
		if name, _ := ev["operationName"].(string); strings.Contains(strings.ToLower(name), "share") {
			got = append(got, fmt.Sprintf("%s %d", name, id(ev, "objectId1")))
		}
	}
	want := []string{
		fmt.Sprintf("Download share created %d", file),
		fmt.Sprintf("Download share used %d", file),
		fmt.Sprintf("Download share deleted %d", file),
		fmt.Sprintf("Upload share created %d", room),
	}
	if len(got) != 5 || !slices.Equal(got[:4], want) || !strings.HasPrefix(got[4], "File uploaded through upload share ") {
		t.Errorf("share events %q, want %q and the upload", got, want)
	}
}

func TestSharePasswordsFollowThePolicy(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Policy", nil)
	file := mustFile(t, srv, room, "p.txt", "p")
	create := func(password string) response {
		return api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d,"password":%q}`, file, password))
	}
	wantError(t, create("short"), 400, -10002)
	ok(t, create("ten-chars!"), 201)
	ok(t, api(t, srv, tk, "PUT", "/system/config/policies/passwords", `{"sharesPasswordPolicies":{"minLength":12}}`), 200)
	wantError(t, create("ten-chars!"), 400, -10002)
	wantError(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d,"password":"ten-chars!"}`, room)), 400, -10002)
	ok(t, create("twelve-chars!"), 201)
}

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The request log shows the public share paths without their access keys,
// tokens and upload ids.
func TestShareSecretsStayOutOfTheLog(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	srv := newServer(t, dracoontest.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "Quiet", nil)
	file := mustFile(t, srv, room, "q.txt", "quiet")
	key := ok(t, api(t, srv, tk, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d,"password":"Share-Secret-1"}`, file)), 201)["accessKey"].(string)
	ok(t, api(t, srv, "", "GET", "/public/shares/downloads/"+key, ""), 200)
	u := relative(t, srv, ok(t, api(t, srv, "", "POST", "/public/shares/downloads/"+key, `{"password":"Share-Secret-1"}`), 201)["downloadUrl"].(string))
	fetch(t, srv, u)
	upKey := ok(t, api(t, srv, tk, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d}`, room)), 201)["accessKey"].(string)
	ch := ok(t, api(t, srv, "", "POST", "/public/shares/uploads/"+upKey, `{"name":"x.txt"}`), 201)
	out := logs.String()
	token := u[strings.LastIndex(u, "/")+1:]
	for _, secret := range []string{key, token, upKey, ch["uploadId"].(string), "Share-Secret-1"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds a secret: %s", out)
		}
	}
	if !strings.Contains(out, "/api/v4/public/shares/downloads/***") {
		t.Errorf("the log does not show the masked public path: %s", out)
	}
}
