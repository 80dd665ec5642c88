package emulator_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// readZip opens an archive and returns its entries' contents by name
// (folders map to nil), in archive order.
func readZip(t *testing.T, body []byte) (map[string][]byte, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("archive of %d bytes: %v", len(body), err)
	}
	got, order := map[string][]byte{}, []string(nil)
	for _, f := range zr.File {
		order = append(order, f.Name)
		if f.FileInfo().IsDir() {
			got[f.Name] = nil
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // checks the CRC-32 at the end
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		got[f.Name] = b
	}
	return got, order
}

func TestZipDownload(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	room, tk := roomFor(t, srv, "zips")
	top := randomBytes(3*classicChunk+17, 1)
	inner := randomBytes(1000, 2)
	topNode := classicUpload(t, srv, tk, room, "top.bin", top, classicChunk)
	folder := id(ok(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"docs"}`, room)), 201), "id")
	ok(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"empty"}`, folder)), 201)
	classicUpload(t, srv, tk, folder, "inner.txt", inner, classicChunk)
	want := map[string][]byte{"top.bin": top, "docs/": nil, "docs/empty/": nil, "docs/inner.txt": inner}
	body := fmt.Sprintf(`{"nodeIds":[%d,%d]}`, idOf(topNode), folder)

	// The download URL, usable twice and without authentication.
	m := ok(t, api(t, srv, tk, "POST", "/nodes/zip", body), 200)
	u, _ := m["downloadUrl"].(string)
	for range 2 {
		r := fetch(t, srv, relative(t, srv, u))
		if r.status != 200 || r.header.Get("Content-Type") != "application/zip" {
			t.Fatalf("zip by token: %d %v", r.status, r.header)
		}
		got, _ := readZip(t, r.body)
		compareZip(t, got, want)
	}

	// The archive at once.
	r := api(t, srv, tk, "POST", "/nodes/zip/download", body)
	if r.status != 200 {
		t.Fatalf("zip download: %d %s", r.status, r.body)
	}
	got, order := readZip(t, r.body)
	compareZip(t, got, want)
	if order[0] != "top.bin" || order[1] != "docs/" {
		t.Errorf("entries in order %v, want the selection's order", order)
	}

	// The same name twice (a file and its copy elsewhere) gets a suffix.
	other := id(ok(t, api(t, srv, tk, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"other"}`, room)), 201), "id")
	dup := classicUpload(t, srv, tk, other, "top.bin", inner, classicChunk)
	r = api(t, srv, tk, "POST", "/nodes/zip/download", fmt.Sprintf(`{"nodeIds":[%d,%d]}`, idOf(topNode), idOf(dup)))
	got, _ = readZip(t, r.body)
	compareZip(t, got, map[string][]byte{"top.bin": top, "top.bin (2)": inner})
}

func compareZip(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("archive has %d entries, want %d", len(got), len(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok || !bytes.Equal(g, w) || (w == nil) != (g == nil) {
			t.Errorf("entry %q: present %v, %d bytes, want %d", name, ok, len(g), len(w))
		}
	}
}

func TestZipErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	wantStatus(t, api(t, srv, admin, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)), 204)
	plain, _ := roomFor(t, srv, "plain")
	enc := encryptedRoom(t, srv, admin, "secret", srv.AdminID)
	encFolder := id(ok(t, api(t, srv, admin, "POST", "/nodes/folders", fmt.Sprintf(`{"parentId":%d,"name":"f"}`, enc)), 201), "id")
	for _, path := range []string{"/nodes/zip", "/nodes/zip/download"} {
		wantError(t, api(t, srv, admin, "POST", path, `{"nodeIds":[]}`), 400, -80000)
		wantError(t, api(t, srv, admin, "POST", path, `{"nodeIds":[987654]}`), 404, -41000)
		wantError(t, api(t, srv, admin, "POST", path, fmt.Sprintf(`{"nodeIds":[%d]}`, plain)), 400, -92001)
		wantError(t, api(t, srv, admin, "POST", path, fmt.Sprintf(`{"nodeIds":[%d]}`, encFolder)), 400, -40002)
	}
	// A user who cannot see the folder gets not found, not a hint.
	_, otk := keyUser(t, srv, "outsider", "")
	wantError(t, api(t, srv, otk, "POST", "/nodes/zip/download", fmt.Sprintf(`{"nodeIds":[%d]}`, encFolder)), 404, -41000)
	r := fetch(t, srv, "/api/v4/downloads/zip/not-a-token")
	if r.status != http.StatusUnauthorized {
		t.Errorf("unknown zip token: %d %s", r.status, r.body)
	}
}
