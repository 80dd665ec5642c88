package dracoon

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
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
