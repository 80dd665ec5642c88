package dracoon

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/internal/contract"
	"github.com/dracoon-go/dracoon/internal/testutil"
)

// newPublicFake is a fakeAPI whose client never logs in: the public
// share endpoints must work without Connect. Every request is checked to
// carry no Authorization header.
func newPublicFake(t *testing.T, opts ...Option) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, mux: http.NewServeMux()}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			t.Errorf("%s %s carries Authorization %q", r.Method, r.URL.Path, a)
		}
		f.requests.Add(1)
		f.mux.ServeHTTP(w, r)
	})
	f.client = newTestClient(t, contract.RequestMiddleware(t)(h), opts...)
	return f
}

// accessKey is a share's access key in the public tests.
const accessKey = "pUbLiC-aCcEsS-kEy-7f3a"

func TestPublicShareEndpoints(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		pattern string
		call    fakeCall
		run     func(t *testing.T, c *Client) error
	}{
		{"download share", "GET /api/v4/public/shares/downloads/" + accessKey, fakeCall{answer: `{"isProtected":true,"fileName":"a.pdf","size":12,
			"limitReached":false,"creatorName":"Ada L","createdAt":"2030-01-01T00:00:00Z","hasDownloadLimit":true,"mediaType":"application/pdf","isEncrypted":false}`},
			func(t *testing.T, c *Client) error {
				s, err := c.Public.DownloadShare(ctx, accessKey)
				return firstError(err, expect(err == nil && s.FileName == "a.pdf" && s.Size == 12 && s.IsProtected && s.HasDownloadLimit && s.FileKey == nil, "%+v", s))
			}},
		{"download url with password", "POST /api/v4/public/shares/downloads/" + accessKey, fakeCall{status: 201, body: `{"password":"Dl-Pw-1"}`,
			answer: `{"downloadUrl":"https://h/api/v4/public/shares/downloads/` + accessKey + `/tok-99","token":"tok-99"}`},
			func(t *testing.T, c *Client) error {
				u, err := c.Public.DownloadShareURL(ctx, accessKey, "Dl-Pw-1")
				if err == nil && strings.Contains(fmtAll(u), "tok-99") {
					t.Errorf("formatted download URL shows the token: %s", fmtAll(u))
				}
				return firstError(err, expect(err == nil && strings.HasSuffix(u.DownloadURL, "/tok-99") && u.Token == "tok-99", "%+v", u))
			}},
		{"download url without password", "POST /api/v4/public/shares/downloads/" + accessKey, fakeCall{status: 201, body: `{}`,
			answer: `{"downloadUrl":"https://h/x","token":"t"}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Public.DownloadShareURL(ctx, accessKey, "")
				return err
			}},
		{"create upload channel", "POST /api/v4/public/shares/uploads/" + accessKey, fakeCall{status: 201,
			body:   `{"name":"scan.pdf","size":2048,"password":"Up-Pw-2","directS3Upload":true}`,
			answer: `{"uploadId":"up-1","uploadUrl":"https://h/api/v4/public/shares/uploads/` + accessKey + `/up-1","token":"up-1"}`},
			func(t *testing.T, c *Client) error {
				req := &CreateShareUploadRequest{Name: "scan.pdf", Size: 2048, Password: "Up-Pw-2", DirectS3Upload: true}
				if strings.Contains(fmtAll(req), "Up-Pw-2") {
					t.Errorf("formatted request shows the password: %s", fmtAll(req))
				}
				ch, err := c.Public.CreateShareUpload(ctx, accessKey, req)
				if err == nil && strings.Contains(fmtAll(ch), "up-1") {
					t.Errorf("formatted channel shows the upload id: %s", fmtAll(ch))
				}
				return firstError(err, expect(err == nil && ch.UploadID == "up-1", "%+v", ch))
			}},
		{"complete classic", "PUT /api/v4/public/shares/uploads/" + accessKey + "/up-1", fakeCall{status: 201, body: `{}`,
			answer: `{"name":"scan.pdf","size":2048,"createdAt":"2030-01-01T00:00:00Z","hash":"abc"}`},
			func(t *testing.T, c *Client) error {
				f, err := c.Public.CompleteShareUpload(ctx, accessKey, "up-1", nil)
				return firstError(err, expect(err == nil && f.Name == "scan.pdf" && f.Hash == "abc", "%+v", f))
			}},
		{"complete classic encrypted", "PUT /api/v4/public/shares/uploads/" + accessKey + "/up-1", fakeCall{status: 202,
			body:   `{"items":[{"userId":3,"fileKey":{"version":"A","key":"a2V5","iv":"aXY=","tag":"dGFn"}}]}`,
			answer: `{"name":"scan.pdf","size":2048,"createdAt":"2030-01-01T00:00:00Z"}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Public.CompleteShareUpload(ctx, accessKey, "up-1", []UserFileKey{{UserID: 3, FileKey: &crypto.FileKey{Version: "A", Key: "a2V5", IV: "aXY=", Tag: "dGFn"}}})
				return err
			}},
		{"cancel", "DELETE /api/v4/public/shares/uploads/" + accessKey + "/up-1", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Public.CancelShareUpload(ctx, accessKey, "up-1") }},
		{"s3 urls", "POST /api/v4/public/shares/uploads/" + accessKey + "/up-1/s3_urls", fakeCall{status: 201,
			body:   `{"size":5242880,"firstPartNumber":1,"lastPartNumber":2}`,
			answer: `{"urls":[{"url":"https://s3/p1?sig=x","partNumber":1},{"url":"https://s3/p2?sig=y","partNumber":2}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Public.ShareUploadS3URLs(ctx, accessKey, "up-1", &PresignedURLsRequest{Size: 5 << 20, FirstPartNumber: 1, LastPartNumber: 2})
				if err == nil && strings.Contains(fmtAll(l.URLs[0]), "sig=x") {
					t.Errorf("formatted URL shows the signature: %s", fmtAll(l.URLs[0]))
				}
				return firstError(err, expect(err == nil && len(l.URLs) == 2 && l.URLs[1].PartNumber == 2, "%+v", l))
			}},
		{"complete s3", "PUT /api/v4/public/shares/uploads/" + accessKey + "/up-1/s3", fakeCall{status: 202,
			body: `{"parts":[{"partNumber":1,"partEtag":"e1"},{"partNumber":2,"partEtag":"e2"}],"userFileKeyList":[{"userId":4,"fileKey":{"version":"A","key":"k","iv":"i","tag":"t"}}]}`},
			func(t *testing.T, c *Client) error {
				return c.Public.CompleteS3ShareUpload(ctx, accessKey, "up-1", &CompleteS3ShareUploadRequest{
					Parts:           []S3UploadPart{{PartNumber: 1, PartEtag: "e1"}, {PartNumber: 2, PartEtag: "e2"}},
					UserFileKeyList: []UserFileKey{{UserID: 4, FileKey: &crypto.FileKey{Version: "A", Key: "k", IV: "i", Tag: "t"}}}})
			}},
		{"s3 status", "GET /api/v4/public/shares/uploads/" + accessKey + "/up-1", fakeCall{
			answer: `{"status":"error","fileName":"scan.pdf","size":2048,"errorDetails":{"code":400,"message":"Bad Request","errorCode":-80000}}`},
			func(t *testing.T, c *Client) error {
				s, err := c.Public.ShareUploadStatus(ctx, accessKey, "up-1")
				return firstError(err, expect(err == nil && s.Status == S3UploadError && s.ErrorDetails.ErrorCode == -80000, "%+v", s))
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newPublicFake(t)
			hits := f.handle(tc.pattern, tc.call)
			if err := tc.run(t, f.client); err != nil {
				t.Fatal(err)
			}
			if hits.Load() != 1 || f.requests.Load() != 1 {
				t.Errorf("%d requests to %s, %d in all; want 1", hits.Load(), tc.pattern, f.requests.Load())
			}
		})
	}
}

// TestPublicUploadSharePassword: the password goes base64-encoded in
// X-Sds-Share-Password, and only when given.
func TestPublicUploadSharePassword(t *testing.T) {
	const password = "Späti-Pw 3"
	f := newPublicFake(t)
	var seen atomic.Value
	f.mux.HandleFunc("GET /api/v4/public/shares/uploads/"+accessKey, func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("X-Sds-Share-Password"))
		writeRaw(w, `{"isProtected":true,"createdAt":"2030-01-01T00:00:00Z","creatorName":"Ada","maxSlots":3,"remainingSlots":2,"isEncrypted":false}`)
	})
	ctx := context.Background()
	s, err := f.client.Public.UploadShare(ctx, accessKey, password)
	if err != nil || s.RemainingSlots != 2 || !s.IsProtected {
		t.Fatalf("%+v, %v", s, err)
	}
	if got := seen.Load(); got != base64.StdEncoding.EncodeToString([]byte(password)) {
		t.Errorf("X-Sds-Share-Password %q", got)
	}
	if _, err := f.client.Public.UploadShare(ctx, accessKey, ""); err != nil || seen.Load() != "" {
		t.Errorf("without password: header %q, %v", seen.Load(), err)
	}
}

// TestPublicShareSecretsStayHidden: the access key, upload id and
// passwords appear in no error and no log record, also when the server
// echoes them and when a request is retried.
func TestPublicShareSecretsStayHidden(t *testing.T) {
	const password = "Share-Pw-Hidden-9"
	var logs testutil.SyncBuffer
	f := newPublicFake(t, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	echo := func(status int) http.HandlerFunc {
		var n atomic.Int32
		return func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 && r.Method == http.MethodGet {
				writeJSON(w, 503, map[string]any{"code": 503, "message": "busy " + r.URL.Path})
				return
			}
			writeJSON(w, status, map[string]any{"code": status, "message": "no share " + r.URL.Path,
				"debugInfo": "key=" + accessKey + " pw=" + password + " b64=" + base64.StdEncoding.EncodeToString([]byte(password)), "errorCode": -50000})
		}
	}
	f.mux.Handle("GET /api/v4/public/shares/downloads/{key}", echo(404))
	f.mux.Handle("POST /api/v4/public/shares/downloads/{key}", echo(401))
	f.mux.Handle("GET /api/v4/public/shares/uploads/{key}", echo(404))
	f.mux.Handle("POST /api/v4/public/shares/uploads/{key}", echo(401))
	f.mux.Handle("PUT /api/v4/public/shares/uploads/{key}/{id}", echo(404))
	ctx := context.Background()
	var errs []error
	_, err := f.client.Public.DownloadShare(ctx, accessKey)
	errs = append(errs, err)
	_, err = f.client.Public.DownloadShareURL(ctx, accessKey, password)
	errs = append(errs, err)
	_, err = f.client.Public.UploadShare(ctx, accessKey, password)
	errs = append(errs, err)
	_, err = f.client.Public.CreateShareUpload(ctx, accessKey, &CreateShareUploadRequest{Name: "a.txt", Password: password})
	errs = append(errs, err)
	_, err = f.client.Public.CompleteShareUpload(ctx, accessKey, "upload-id-secret", nil)
	errs = append(errs, err)
	knowsPassword := []bool{false, true, true, true, false} // the calls given the password
	for i, err := range errs {
		secrets := []string{accessKey, "upload-id-secret"}
		if knowsPassword[i] {
			secrets = append(secrets, password)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode != -50000 {
			t.Errorf("call %d: got %v, want the server's error", i, err)
			continue
		}
		if s := err.Error() + fmtAll(apiErr); containsAny(s, secrets...) {
			t.Errorf("call %d: error shows a secret: %s", i, s)
		}
		if !strings.Contains(apiErr.URL, redacted) {
			t.Errorf("call %d: URL %q does not show where the access key was", i, apiErr.URL)
		}
	}
	if errors.Is(errs[0], ErrNotFound) != true || !errors.Is(errs[1], ErrUnauthorized) {
		t.Errorf("kinds: %v, %v", errs[0], errs[1])
	}
	l := logs.String()
	if containsAny(l, accessKey, password, "upload-id-secret") {
		t.Errorf("logs show a secret:\n%s", l)
	}
	if !strings.Contains(l, "retrying request") || !strings.Contains(l, "/api/v4/public/shares/downloads/"+redacted) {
		t.Errorf("logs lack the retried, redacted request:\n%s", l)
	}
}

func TestPublicSharesRefuseInvalidRequests(t *testing.T) {
	f := newPublicFake(t)
	cases := []invalidCase{
		{"empty access key", "access_key", func(ctx context.Context, c *Client) error { _, err := c.Public.DownloadShare(ctx, ""); return err }},
		{"access key with slash", "access_key", func(ctx context.Context, c *Client) error { _, err := c.Public.UploadShare(ctx, "a/b", ""); return err }},
		{"access key ..", "access_key", func(ctx context.Context, c *Client) error {
			_, err := c.Public.DownloadShareURL(ctx, "..", "")
			return err
		}},
		{"empty upload id", "upload_id", func(ctx context.Context, c *Client) error {
			_, err := c.Public.CompleteShareUpload(ctx, accessKey, "", nil)
			return err
		}},
		{"upload id with slash", "upload_id", func(ctx context.Context, c *Client) error { return c.Public.CancelShareUpload(ctx, accessKey, "x/y") }},
		{"channel without name", "name", func(ctx context.Context, c *Client) error {
			_, err := c.Public.CreateShareUpload(ctx, accessKey, &CreateShareUploadRequest{Size: 1})
			return err
		}},
		{"channel bad name", "name", func(ctx context.Context, c *Client) error {
			_, err := c.Public.CreateShareUpload(ctx, accessKey, &CreateShareUploadRequest{Name: "a:b"})
			return err
		}},
		{"channel nil", "request", func(ctx context.Context, c *Client) error {
			_, err := c.Public.CreateShareUpload(ctx, accessKey, nil)
			return err
		}},
		{"file key without user", "items[0].userId", func(ctx context.Context, c *Client) error {
			_, err := c.Public.CompleteShareUpload(ctx, accessKey, "u", []UserFileKey{{FileKey: &crypto.FileKey{}}})
			return err
		}},
		{"file key nil", "items[0].fileKey", func(ctx context.Context, c *Client) error {
			_, err := c.Public.CompleteShareUpload(ctx, accessKey, "u", []UserFileKey{{UserID: 2}})
			return err
		}},
		{"s3 urls backwards", "lastPartNumber", func(ctx context.Context, c *Client) error {
			_, err := c.Public.ShareUploadS3URLs(ctx, accessKey, "u", &PresignedURLsRequest{Size: 1, FirstPartNumber: 3, LastPartNumber: 2})
			return err
		}},
		{"s3 urls part 0", "firstPartNumber", func(ctx context.Context, c *Client) error {
			_, err := c.Public.ShareUploadS3URLs(ctx, accessKey, "u", &PresignedURLsRequest{Size: 1})
			return err
		}},
		{"s3 complete without parts", "parts", func(ctx context.Context, c *Client) error {
			return c.Public.CompleteS3ShareUpload(ctx, accessKey, "u", &CompleteS3ShareUploadRequest{})
		}},
		{"s3 complete blank etag", "parts[0].partEtag", func(ctx context.Context, c *Client) error {
			return c.Public.CompleteS3ShareUpload(ctx, accessKey, "u", &CompleteS3ShareUploadRequest{Parts: []S3UploadPart{{PartNumber: 1}}})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(context.Background(), f.client)
			var ie *InvalidRequestError
			if !errors.As(err, &ie) || ie.Field != tc.field {
				t.Fatalf("got %v, want an invalid %s", err, tc.field)
			}
		})
	}
	if n := f.requests.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestPublicUploadShareEncryptFileKey: the file key is encrypted for
// every user of the share's list, and each user's key pair opens it.
func TestPublicUploadShareEncryptFileKey(t *testing.T) {
	var pairs []*crypto.UserKeyPair
	share := &PublicUploadShare{IsEncrypted: true, UserUserPublicKeyList: &UserPublicKeyList{}}
	for i, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA2048, crypto.KeyPairRSA4096, crypto.KeyPairRSA2048} {
		fx := loadKeyPairFixture(t, v)
		kp, err := fx.UserKeyPair.Unlock(fx.Password)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, kp)
		share.UserUserPublicKeyList.Items = append(share.UserUserPublicKeyList.Items, UserPublicKey{ID: int64(10 + i), PublicKeyContainer: fx.UserKeyPair.PublicKeyContainer})
	}
	plain, err := crypto.GenerateFileKey()
	if err != nil {
		t.Fatal(err)
	}
	plain.Tag = bytes.Repeat([]byte{7}, crypto.TagSize)
	keys, err := share.EncryptFileKey(plain)
	if err != nil || len(keys) != 3 {
		t.Fatalf("%d keys, %v", len(keys), err)
	}
	for i, k := range keys {
		got, err := pairs[i].DecryptFileKey(k.FileKey)
		if k.UserID != int64(10+i) || err != nil || !bytes.Equal(got.Key, plain.Key) || !bytes.Equal(got.Tag, plain.Tag) {
			t.Errorf("key %d (user %d): %v", i, k.UserID, err)
		}
	}
	if _, err := (&PublicUploadShare{}).EncryptFileKey(plain); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("unencrypted share: %v", err)
	}
	if _, err := (&PublicUploadShare{IsEncrypted: true}).EncryptFileKey(plain); !errors.Is(err, ErrInvalidResponse) {
		t.Errorf("encrypted share without keys: %v", err)
	}
	broken := &PublicUploadShare{IsEncrypted: true, UserUserPublicKeyList: &UserPublicKeyList{Items: []UserPublicKey{{ID: 1, PublicKeyContainer: crypto.PublicKeyContainer{Version: "A", PublicKey: "junk"}}}}}
	if _, err := broken.EncryptFileKey(plain); !errors.Is(err, ErrInvalidResponse) || !errors.Is(err, crypto.ErrMalformedPEM) {
		t.Errorf("broken public key: %v", err)
	}
}

// TestPublicDownloadShareDecryptFileKeyRefusals covers what
// DecryptFileKey refuses before any cryptography.
func TestPublicDownloadShareDecryptFileKeyRefusals(t *testing.T) {
	if _, err := (&PublicDownloadShare{}).DecryptFileKey("pw"); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("unencrypted share: %v", err)
	}
	if _, err := (&PublicDownloadShare{IsEncrypted: true}).DecryptFileKey(""); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty password: %v", err)
	}
	if _, err := (&PublicDownloadShare{IsEncrypted: true}).DecryptFileKey("pw"); !errors.Is(err, ErrInvalidResponse) {
		t.Errorf("no keys: %v", err)
	}
}

// TestRecordedPublicShareResponsesDecode reads dco3's recorded public
// share answers through the public methods of a client that never logged
// in.
func TestRecordedPublicShareResponsesDecode(t *testing.T) {
	f := newPublicFake(t)
	for pattern, file := range map[string]string{
		"GET /api/v4/public/shares/downloads/" + accessKey: "public/dco3/download_share_ok.json",
		"GET /api/v4/public/shares/uploads/" + accessKey:   "public/dco3/upload_share_ok.json",
	} {
		b, err := os.ReadFile(apiData(t, file))
		if err != nil {
			t.Fatal(err)
		}
		f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { writeRaw(w, string(b)) })
	}
	ctx := context.Background()
	d, err := f.client.Public.DownloadShare(ctx, accessKey)
	if err != nil || !d.IsEncrypted || d.FileKey == nil || d.FileKey.Version != crypto.FileKeyRSA4096 || d.PrivateKeyContainer == nil ||
		d.PrivateKeyContainer.Version != crypto.KeyPairRSA4096 || d.Size != 123456 || !d.HasDownloadLimit {
		t.Errorf("download share %+v, %v", d, err)
	}
	u, err := f.client.Public.UploadShare(ctx, accessKey, "")
	if err != nil || len(u.UploadedFiles) != 1 || u.UploadedFiles[0].Size != 16 || u.UserUserPublicKeyList == nil ||
		u.UserUserPublicKeyList.Items[0].PublicKeyContainer.Version != crypto.KeyPairRSA4096 || u.RemainingSlots != 1 {
		t.Errorf("upload share %+v, %v", u, err)
	}
	raw, _ := json.Marshal(d)
	if !strings.Contains(string(raw), `"privateKeyContainer"`) {
		t.Errorf("re-encoded share lost its key: %s", raw)
	}
}
