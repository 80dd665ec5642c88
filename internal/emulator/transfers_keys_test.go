package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Encrypted uploads and the file-key bookkeeping: the emulator stores
// keys as sent and never decrypts.

// fileKeyBody is a FileKey for user tag; the values are opaque.
func fileKeyBody(tag, version string) string {
	return fmt.Sprintf(`{"key":"key-for-%s","iv":"iv-%s","tag":"tag-%s","version":%q}`, tag, tag, tag, version)
}

// keyUser creates a user with a key pair of version (none when empty)
// and returns its id and token.
func keyUser(t *testing.T, srv *dracoontest.Server, login, version string) (int64, string) {
	t.Helper()
	id, err := srv.AddUser(login, "Secret-123456")
	if err != nil {
		t.Fatal(err)
	}
	tk := loginAs(t, srv, login, "Secret-123456").Access
	if version != "" {
		wantStatus(t, api(t, srv, tk, "POST", "/user/account/keypair", keyPairBody(version, testPublicKey, testPrivateKey)), 204)
	}
	return id, tk
}

// encryptedRoom creates a room administered by the given users and
// switches encryption on.
func encryptedRoom(t *testing.T, srv *dracoontest.Server, tk, name string, admins ...int64) int64 {
	t.Helper()
	room, err := srv.CreateRoom(name, &dracoontest.RoomOptions{AdminIDs: admins})
	if err != nil {
		t.Fatal(err)
	}
	r := api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/rooms/%d/encrypt", room), `{"isEncrypted":true,"useDataSpaceRescueKey":true}`)
	if r.status != 200 {
		t.Fatalf("encrypt room: %d %s", r.status, r.body)
	}
	return room
}

type missingKeys struct {
	Range struct{ Offset, Limit, Total int } `json:"range"`
	Items []struct {
		UserID int64 `json:"userId"`
		FileID int64 `json:"fileId"`
	} `json:"items"`
	Users []struct {
		ID                 int64 `json:"id"`
		PublicKeyContainer struct {
			Version   string `json:"version"`
			PublicKey string `json:"publicKey"`
		} `json:"publicKeyContainer"`
	} `json:"users"`
	Files []struct {
		ID               int64           `json:"id"`
		FileKeyContainer json.RawMessage `json:"fileKeyContainer"`
	} `json:"files"`
}

func TestEncryptedUploadAndKeyDistribution(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3MinPartSize(100))
	admin := login(t, srv).Access
	wantStatus(t, api(t, srv, admin, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)), 204)
	b, btk := keyUser(t, srv, "bob", "A")
	c, ctk := keyUser(t, srv, "carol", "") // no key pair: never listed
	d, _ := keyUser(t, srv, "dave", "RSA-4096")
	room := encryptedRoom(t, srv, admin, "secret", srv.AdminID, b, c)
	_ = d // has a key pair but no permission: never listed

	// A user without a key pair cannot upload into an encrypted room.
	wantError(t, api(t, srv, ctk, "POST", "/nodes/files/uploads", fmt.Sprintf(`{"parentId":%d,"name":"x"}`, room)), 403, -70020)

	cipher := randomBytes(1000, 5)
	ch := openChannel(t, srv, admin, room, "c.bin", "")
	wantChunk(t, sendChunk(t, srv, ch, cipher, "", true), cipher)
	wantError(t, complete(t, srv, ch, `{}`), 400, -40763)
	n := nodeOf(t, complete(t, srv, ch, `{"fileKey":`+fileKeyBody("admin", "RSA-4096/AES-256-GCM")+`}`), http.StatusCreated)
	if n["isEncrypted"] != true {
		t.Errorf("encrypted upload gave %v", n)
	}
	file := idOf(n)
	own := api(t, srv, admin, "GET", fmt.Sprintf("/nodes/files/%d/user_file_key", file), "")
	if own.status != 200 || !strings.Contains(string(own.body), "key-for-admin") {
		t.Fatalf("uploader's key: %d %s", own.status, own.body)
	}
	wantError(t, api(t, srv, btk, "GET", fmt.Sprintf("/nodes/files/%d/user_file_key", file), ""), 404, -40761)

	// The missing-keys list names bob only, with his public key and the
	// caller's own file key.
	var mk missingKeys
	r := api(t, srv, admin, "GET", fmt.Sprintf("/nodes/missingFileKeys?file_id=%d&limit=50", file), "")
	if err := json.Unmarshal(r.body, &mk); err != nil || r.status != 200 {
		t.Fatalf("missing keys: %d %s", r.status, r.body)
	}
	if mk.Range.Total != 1 || len(mk.Items) != 1 || mk.Items[0].UserID != b || mk.Items[0].FileID != file ||
		len(mk.Users) != 1 || mk.Users[0].PublicKeyContainer.Version != "A" || len(mk.Files) != 1 || !strings.Contains(string(mk.Files[0].FileKeyContainer), "key-for-admin") {
		t.Fatalf("missing keys %s", r.body)
	}
	// Bob cannot distribute a key he does not hold; the admin can, and the
	// first key stored wins.
	setKey := func(tk string, user int64, tag string) response {
		return api(t, srv, tk, "POST", "/nodes/files/keys", fmt.Sprintf(`{"items":[{"fileId":%d,"userId":%d,"fileKey":%s}]}`, file, user, fileKeyBody(tag, "A")))
	}
	wantError(t, setKey(btk, b, "bob-himself"), 403, -40761)
	wantStatus(t, setKey(admin, b, "bob"), 204)
	wantStatus(t, setKey(admin, b, "bob-again"), 204)
	// Each distribution is one event on the file; Bob's refusal is none.
	var dist eventList
	expect(t, api(t, srv, admin, "GET", fmt.Sprintf("/eventlog/events?type=%d", operationID(t, srv, admin, "File keys distributed")), ""), 200, &dist)
	if len(dist.Items) != 2 || dist.Items[0].ObjectID1 != file || dist.Items[0].UserID != srv.AdminID {
		t.Errorf("key distribution events %+v", dist.Items)
	}
	got := api(t, srv, btk, "GET", fmt.Sprintf("/nodes/files/%d/user_file_key", file), "")
	if got.status != 200 || !strings.Contains(string(got.body), "key-for-bob\"") {
		t.Fatalf("bob's key: %d %s", got.status, got.body)
	}
	wantError(t, api(t, srv, admin, "POST", "/nodes/files/keys", fmt.Sprintf(`{"items":[{"fileId":%d,"userId":999,"fileKey":%s}]}`, file, fileKeyBody("x", "A"))), 404, -70501)
	r = api(t, srv, admin, "GET", fmt.Sprintf("/nodes/missingFileKeys?room_id=%d", room), "")
	if err := json.Unmarshal(r.body, &mk); err != nil || mk.Range.Total != 0 || len(mk.Items) != 0 {
		t.Fatalf("after distribution: %s", r.body)
	}
	// Bob downloads the ciphertext as stored.
	wantDownload(t, srv, btk, file, cipher)

	// Plain rooms refuse file keys.
	plain, _ := srv.CreateRoom("plain", nil)
	ch = openChannel(t, srv, admin, plain, "p.bin", "")
	wantError(t, complete(t, srv, ch, `{"fileKey":`+fileKeyBody("admin", "A")+`}`), 400, -40001)

	// Direct S3 into the encrypted room: the key goes with the completion.
	s3n := s3Upload(t, srv, admin, room, "s3.bin", cipher, 300, `"fileKey":`+fileKeyBody("admin-s3", "RSA-4096/AES-256-GCM"))
	if s3n["isEncrypted"] != true {
		t.Errorf("S3 encrypted node %v", s3n)
	}
	r = api(t, srv, admin, "GET", fmt.Sprintf("/nodes/missingFileKeys?user_id=%d", b), "")
	if err := json.Unmarshal(r.body, &mk); err != nil || mk.Range.Total != 1 || mk.Items[0].FileID != idOf(s3n) {
		t.Fatalf("missing keys after the S3 upload: %s", r.body)
	}
}

// The list is paged: at most limit (≤ 100) items, total counts all.
func TestMissingKeysBatches(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	admin := login(t, srv).Access
	wantStatus(t, api(t, srv, admin, "POST", "/user/account/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 204)
	var users []int64
	for i := range 3 {
		id, _ := keyUser(t, srv, fmt.Sprintf("u%d", i), "RSA-4096")
		users = append(users, id)
	}
	room := encryptedRoom(t, srv, admin, "batch", append(users, srv.AdminID)...)
	for i := range 4 {
		ch := openChannel(t, srv, admin, room, fmt.Sprintf("f%d", i), "")
		nodeOf(t, complete(t, srv, ch, `{"fileKey":`+fileKeyBody("admin", "A")+`}`), http.StatusCreated)
	}
	seen := map[string]bool{}
	for offset := 0; offset < 12; offset += 5 {
		var mk missingKeys
		r := api(t, srv, admin, "GET", fmt.Sprintf("/nodes/missingFileKeys?room_id=%d&offset=%d&limit=5", room, offset), "")
		if err := json.Unmarshal(r.body, &mk); err != nil || mk.Range.Total != 12 || len(mk.Items) != min(5, 12-offset) {
			t.Fatalf("offset %d: %s", offset, r.body)
		}
		for _, it := range mk.Items {
			seen[fmt.Sprint(it.UserID, "/", it.FileID)] = true
		}
	}
	if len(seen) != 12 {
		t.Errorf("%d distinct pairs over the pages, want 12", len(seen))
	}
	wantError(t, api(t, srv, admin, "GET", "/nodes/missingFileKeys?use_key=nonsense", ""), 400, -92001)
}

// Deleting a key pair deletes the file keys encrypted for it.
func TestKeyPairDeletionDropsFileKeys(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dracoontest.WithS3(false))
	admin := login(t, srv).Access
	wantStatus(t, api(t, srv, admin, "POST", "/user/account/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 204)
	room := encryptedRoom(t, srv, admin, "drop", srv.AdminID)
	ch := openChannel(t, srv, admin, room, "k.bin", "")
	file := idOf(nodeOf(t, complete(t, srv, ch, `{"fileKey":`+fileKeyBody("admin", "A")+`}`), http.StatusCreated))
	wantStatus(t, api(t, srv, admin, "GET", fmt.Sprintf("/nodes/files/%d/user_file_key", file), ""), 200)
	wantStatus(t, api(t, srv, admin, "DELETE", "/user/account/keypair?version=A", ""), 204)
	wantError(t, api(t, srv, admin, "GET", fmt.Sprintf("/nodes/files/%d/user_file_key", file), ""), 404, -40761)
}
