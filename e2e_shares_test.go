package dracoon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// The SDK's share calls against the contract-checked emulator: a share is
// made with a login, then used anonymously through the public API.

// wantAPIError checks that err is an *APIError of status and code.
func wantAPIError(t *testing.T, err error, status, code int) {
	t.Helper()
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != status || ae.ErrorCode != code {
		t.Fatalf("error %v, want %d (%d)", err, status, code)
	}
}

// fetchURL GETs an absolute URL without credentials.
func fetchURL(t *testing.T, u string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET download URL: %d %v", resp.StatusCode, err)
	}
	return b
}

func TestEmulatorDownloadShareRoundTrip(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	room, err := srv.CreateRoom("Shared", nil)
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("a report for a stranger")
	file, err := srv.CreateFile(room, "report.txt", content, nil)
	if err != nil {
		t.Fatal(err)
	}
	share, err := c.Shares.CreateDownloadShare(ctx, &CreateDownloadShareRequest{
		NodeID: file, Password: "Share-Secret-1", MaxDownloads: 1, ShowCreatorName: true,
		Expiration: &Expiration{Enabled: true, ExpireAt: srv.Now().Add(24 * time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if share.AccessKey == "" || share.NodePath != "/Shared/report.txt" || !share.IsProtected {
		t.Fatalf("share %+v", share)
	}

	anon := emulatorClient(t, srv) // never logs in
	info, err := anon.Public.DownloadShare(ctx, share.AccessKey)
	if err != nil {
		t.Fatal(err)
	}
	if info.FileName != "report.txt" || info.Size != int64(len(content)) || !info.IsProtected || info.IsEncrypted || info.LimitReached {
		t.Fatalf("public view %+v", info)
	}
	_, err = anon.Public.DownloadShareURL(ctx, share.AccessKey, "wrong-password")
	wantAPIError(t, err, 401, -50009)
	u, err := anon.Public.DownloadShareURL(ctx, share.AccessKey, "Share-Secret-1")
	if err != nil {
		t.Fatal(err)
	}
	if got := fetchURL(t, u.DownloadURL); string(got) != string(content) {
		t.Fatalf("downloaded %q", got)
	}
	// The single download is used up.
	_, err = anon.Public.DownloadShareURL(ctx, share.AccessKey, "Share-Secret-1")
	wantAPIError(t, err, 404, -50002)
	got, err := c.Shares.GetDownloadShare(ctx, share.ID)
	if err != nil || got.CntDownloads != 1 {
		t.Fatalf("share after the download: %+v %v", got, err)
	}
	// Expired shares are gone for the public.
	if err := srv.AdvanceClock(25 * time.Hour); err != nil {
		t.Fatal(err)
	}
	_, err = anon.Public.DownloadShare(ctx, share.AccessKey)
	wantAPIError(t, err, 404, -50000)
	if err := c.Shares.DeleteDownloadShare(ctx, share.ID); err != nil {
		t.Fatal(err)
	}
}

func TestEmulatorUploadShareRoundTrip(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	room, err := srv.CreateRoom("Requests", nil)
	if err != nil {
		t.Fatal(err)
	}
	share, err := c.Shares.CreateUploadShare(ctx, &CreateUploadShareRequest{TargetID: room, Password: "Share-Secret-1", MaxSlots: 3, ShowUploadedFiles: true, Notes: "drop it here"})
	if err != nil {
		t.Fatal(err)
	}
	anon := emulatorClient(t, srv)
	locked, err := anon.Public.UploadShare(ctx, share.AccessKey, "")
	if err != nil {
		t.Fatal(err)
	}
	if !locked.IsProtected || locked.Notes != "" || locked.RemainingSlots != 0 {
		t.Fatalf("locked view %+v", locked)
	}
	open, err := anon.Public.UploadShare(ctx, share.AccessKey, "Share-Secret-1")
	if err != nil {
		t.Fatal(err)
	}
	if open.Notes != "drop it here" || open.RemainingSlots != 3 {
		t.Fatalf("unlocked view %+v", open)
	}
	_, err = anon.Public.UploadShare(ctx, share.AccessKey, "wrong-password")
	wantAPIError(t, err, 401, -50502)
	_, err = anon.Public.CreateShareUpload(ctx, share.AccessKey, &CreateShareUploadRequest{Name: "x.txt", Password: "wrong-password"})
	wantAPIError(t, err, 401, -50502)
	ch, err := anon.Public.CreateShareUpload(ctx, share.AccessKey, &CreateShareUploadRequest{Name: "x.txt", Password: "Share-Secret-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := anon.Public.CancelShareUpload(ctx, share.AccessKey, ch.UploadID); err != nil {
		t.Fatal(err)
	}
	if err := c.Shares.DeleteUploadShare(ctx, share.ID); err != nil {
		t.Fatal(err)
	}
	_, err = anon.Public.UploadShare(ctx, share.AccessKey, "")
	wantAPIError(t, err, 404, -50501)
}

// rawAPI sends one JSON request with a bearer token (or none) and decodes
// a JSON answer into out; it fails unless the status is want.
func rawAPI(t *testing.T, srv *dracoontest.Server, token, method, u string, body []byte, contentType string, want int, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s", method, u, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatal(err)
		}
	}
}

// uploadEncrypted stores ciphertext as a file of room with the uploader's
// file key, through a classic upload channel (the SDK's transfer calls
// live on another branch), and returns the file id.
func uploadEncrypted(t *testing.T, srv *dracoontest.Server, room int64, name string, ciphertext []byte, fk *crypto.FileKey) int64 {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword},
		"client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret}}
	var tok struct {
		Access string `json:"access_token"`
	}
	rawAPI(t, srv, "", http.MethodPost, srv.URL+"/oauth/token", []byte(form.Encode()), "application/x-www-form-urlencoded", 200, &tok)
	var ch struct {
		UploadURL string `json:"uploadUrl"`
	}
	rawAPI(t, srv, tok.Access, http.MethodPost, srv.URL+"/api/v4/nodes/files/uploads",
		[]byte(fmt.Sprintf(`{"parentId":%d,"name":%q,"size":%d}`, room, name, len(ciphertext))), "application/json", 201, &ch)
	rawAPI(t, srv, "", http.MethodPost, ch.UploadURL, ciphertext, "application/octet-stream", 201, nil)
	fkJSON, err := json.Marshal(fk)
	if err != nil {
		t.Fatal(err)
	}
	var node struct {
		ID int64 `json:"id"`
	}
	rawAPI(t, srv, "", http.MethodPut, ch.UploadURL, []byte(`{"fileKey":`+string(fkJSON)+`}`), "application/json", 201, &node)
	return node.ID
}

func TestEmulatorEncryptedDownloadShareRoundTrip(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	c := emulatorClient(t, srv)
	if err := c.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	pair, err := c.Account.GenerateKeyPair(ctx, "Key-Password-1", crypto.KeyPairRSA2048)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Account.UnlockKeyPair(ctx, "Key-Password-1"); err != nil {
		t.Fatal(err)
	}
	room, err := srv.CreateRoom("Vault", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Rooms.Encrypt(ctx, room, &EncryptRoomRequest{IsEncrypted: true}); err != nil {
		t.Fatal(err)
	}
	content := []byte(strings.Repeat("confidential ", 100))
	plain, err := crypto.GenerateFileKey()
	if err != nil {
		t.Fatal(err)
	}
	ciphertext, err := crypto.Encrypt(plain, content)
	if err != nil {
		t.Fatal(err)
	}
	fk, err := crypto.EncryptFileKey(plain, pair.PublicKeyContainer)
	if err != nil {
		t.Fatal(err)
	}
	file := uploadEncrypted(t, srv, room, "secret.txt", ciphertext, fk)

	share, err := c.Shares.CreateEncryptedDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: file}, "Share-Password-1")
	if err != nil {
		t.Fatal(err)
	}
	if !share.IsEncrypted || !share.IsProtected {
		t.Fatalf("share %+v", share)
	}
	anon := emulatorClient(t, srv)
	info, err := anon.Public.DownloadShare(ctx, share.AccessKey)
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsEncrypted || info.FileKey == nil || info.PrivateKeyContainer == nil {
		t.Fatalf("public view of an encrypted share %+v", info)
	}
	if _, err := info.DecryptFileKey("wrong-password"); err == nil {
		t.Fatal("a wrong share password decrypted the file key")
	}
	key, err := info.DecryptFileKey("Share-Password-1")
	if err != nil {
		t.Fatal(err)
	}
	u, err := anon.Public.DownloadShareURL(ctx, share.AccessKey, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := crypto.Decrypt(key, fetchURL(t, u.DownloadURL))
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("decrypted share content: %v, %d bytes", err, len(got))
	}
}

func TestEmulatorEncryptedUploadShareThreeRecipients(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	admin := emulatorClient(t, srv)
	if err := admin.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	// Three room members with key pairs: the admin and two users.
	members := []*Client{admin}
	ids := []int64{srv.AdminID}
	for _, login := range []string{"ann", "ben"} {
		id, _, err := srv.CreateUser(login, &dracoontest.UserOptions{Password: "Login-Password-1"})
		if err != nil {
			t.Fatal(err)
		}
		c := emulatorClient(t, srv)
		if err := c.Connect(ctx, PasswordFlow(login, "Login-Password-1")); err != nil {
			t.Fatal(err)
		}
		members, ids = append(members, c), append(ids, id)
	}
	for _, c := range members {
		if _, err := c.Account.GenerateKeyPair(ctx, "Key-Password-1", crypto.KeyPairRSA2048); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Account.UnlockKeyPair(ctx, "Key-Password-1"); err != nil {
			t.Fatal(err)
		}
	}
	room, err := srv.CreateRoom("Inbox", &dracoontest.RoomOptions{AdminIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Rooms.Encrypt(ctx, room, &EncryptRoomRequest{IsEncrypted: true}); err != nil {
		t.Fatal(err)
	}
	share, err := admin.Shares.CreateUploadShare(ctx, &CreateUploadShareRequest{TargetID: room})
	if err != nil {
		t.Fatal(err)
	}

	// A stranger encrypts for every listed key and uploads.
	anon := emulatorClient(t, srv)
	info, err := anon.Public.UploadShare(ctx, share.AccessKey, "")
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsEncrypted || info.UserUserPublicKeyList == nil || len(info.UserUserPublicKeyList.Items) != 3 {
		t.Fatalf("public view %+v", info)
	}
	content := []byte("for the three of you")
	plain, err := crypto.GenerateFileKey()
	if err != nil {
		t.Fatal(err)
	}
	ciphertext, err := crypto.Encrypt(plain, content)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := info.EncryptFileKey(plain)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := anon.Public.CreateShareUpload(ctx, share.AccessKey, &CreateShareUploadRequest{Name: "letter.txt", Size: int64(len(ciphertext))})
	if err != nil {
		t.Fatal(err)
	}
	rawAPI(t, srv, "", http.MethodPost, ch.UploadURL, ciphertext, "application/octet-stream", 201, nil)
	uploaded, err := anon.Public.CompleteShareUpload(ctx, share.AccessKey, ch.UploadID, keys)
	if err != nil {
		t.Fatal(err)
	}
	if uploaded.Name != "letter.txt" || uploaded.Size != int64(len(ciphertext)) {
		t.Fatalf("uploaded %+v", uploaded)
	}

	nodes, err := admin.Nodes.List(ctx, room, nil)
	if err != nil || len(nodes.Items) != 1 {
		t.Fatalf("room listing: %v %v", nodes, err)
	}
	file := nodes.Items[0].ID
	stored, err := srv.FileContent(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range members {
		key, err := c.plainFileKey(ctx, file)
		if err != nil {
			t.Fatalf("member %d: %v", ids[i], err)
		}
		got, err := crypto.Decrypt(key, stored)
		if err != nil || !bytes.Equal(got, content) {
			t.Errorf("member %d decrypted %q (%v)", ids[i], got, err)
		}
	}
}
