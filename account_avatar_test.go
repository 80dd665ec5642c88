package dracoon

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const avatarJSON = `{"avatarUri":"https://d.example/api/v4/downloads/avatar/42/av-2","avatarUuid":"av-2","isCustomAvatar":true}`

func TestAvatarEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"get", "GET /api/v4/user/account/avatar", fakeCall{answer: avatarJSON},
			func(t *testing.T, c *Client) error {
				a, err := c.Account.Avatar(ctx)
				return firstError(err, expect(err == nil && a.AvatarUUID == "av-2" && a.IsCustomAvatar && strings.HasSuffix(a.AvatarURI, "/42/av-2"), "%+v", a))
			}},
		{"delete", "DELETE /api/v4/user/account/avatar", fakeCall{answer: `{"avatarUri":"https://d.example/x","avatarUuid":"av-0","isCustomAvatar":false}`},
			func(t *testing.T, c *Client) error {
				a, err := c.Account.DeleteAvatar(ctx)
				return firstError(err, expect(err == nil && a.AvatarUUID == "av-0" && !a.IsCustomAvatar, "%+v", a))
			}},
		{"other user", "GET /api/v4/resources/users/42/avatar/av-2", fakeCall{answer: avatarJSON},
			func(t *testing.T, c *Client) error {
				a, err := c.Account.UserAvatar(ctx, 42, "av-2")
				return firstError(err, expect(err == nil && a.AvatarUUID == "av-2", "%+v", a))
			}},
	})
	runInvalidCases(t, []invalidCase{
		{"upload without name", "fileName", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UploadAvatar(ctx, "", strings.NewReader("x"))
			return err
		}},
		{"upload nil image", "image", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UploadAvatar(ctx, "a.png", nil)
			return err
		}},
		{"upload too large", "image", func(ctx context.Context, c *Client) error {
			_, err := c.Account.UploadAvatar(ctx, "a.png", io.LimitReader(zeros{}, maxAvatarImage+1))
			return err
		}},
		{"user id", "user_id", func(ctx context.Context, c *Client) error { _, err := c.Account.UserAvatar(ctx, 0, "av"); return err }},
		{"uuid", "uuid", func(ctx context.Context, c *Client) error { _, err := c.Account.UserAvatar(ctx, 1, "a/b"); return err }},
	})
}

// TestUploadAvatarSendsMultipart checks the shape of the upload: one file
// part named "file" with the file name and the sniffed content type, and
// the bearer token.
func TestUploadAvatarSendsMultipart(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("p", 300))
	f := newFakeAPI(t)
	f.mux.HandleFunc("POST /api/v4/user/account/avatar", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			t.Error("the upload carries no bearer token")
		}
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			t.Fatalf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		part, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(part)
		if part.FormName() != "file" || part.FileName() != "me.png" || part.Header.Get("Content-Type") != "image/png" || !bytes.Equal(data, png) {
			t.Errorf("part %q %q %q, %d bytes", part.FormName(), part.FileName(), part.Header.Get("Content-Type"), len(data))
		}
		if _, err := mr.NextPart(); err != io.EOF {
			t.Errorf("more than one part: %v", err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, avatarJSON)
	})
	a, err := f.client.Account.UploadAvatar(context.Background(), "me.png", bytes.NewReader(png))
	if err != nil || a == nil || a.AvatarUUID != "av-2" {
		t.Fatalf("%+v, %v", a, err)
	}
	if f.requests.Load() != 1 {
		t.Errorf("%d requests", f.requests.Load())
	}
}

// TestRecordedAvatarExchanges replays the Java SDK's avatar recordings,
// whose change and delete answers have no body: the methods return a nil
// avatar then, not an error. A 412 is ErrPreconditionFailed.
func TestRecordedAvatarExchanges(t *testing.T) {
	const dir = "user/java-sdk/account/user_avatar"
	login := exchange{req: readFixture[recordedRequest](t, "auth/java-sdk/oauth/refresh_tokens/refresh_tokens_request.json"),
		resp: readFixture[recordedResponse](t, "auth/java-sdk/oauth/retrieve_tokens/retrieve_tokens_response.json")}
	form, _ := url.ParseQuery(login.req.Body.Content)
	h, n := replay(t, login,
		ex(t, dir, "get_avatar_info_request.json", "get_avatar_info_response.json"),
		ex(t, "user/java-sdk/account/user_account", "get_user_avatar_info_request.json", "get_user_avatar_info_response.json"),
		ex(t, dir, "set_avatar_request.json", "set_avatar_response.json"),
		ex(t, dir, "delete_avatar_request.json", "delete_avatar_response.json"),
		ex(t, dir, "get_avatar_info_request.json", "precondition_failed_response.json"),
	)
	c := javaClient(t, h)
	ctx := context.Background()
	if err := c.Connect(ctx, RefreshTokenFlow(form.Get("refresh_token"))); err != nil {
		t.Fatal(err)
	}
	a, err := c.Account.Avatar(ctx)
	if err != nil || a.AvatarUUID != "c33e748c-d05b-4af2-90e3-1a24d79b1d41" || !a.IsCustomAvatar || !strings.HasSuffix(a.AvatarURI, "/api/v4/downloads/avatar/1/"+a.AvatarUUID) {
		t.Fatalf("avatar %+v, %v", a, err)
	}
	if a, err := c.Account.Avatar(ctx); err != nil || a.AvatarURI != "" || a.AvatarUUID == "" {
		t.Fatalf("avatar without URI %+v, %v", a, err)
	}
	if a, err := c.Account.UploadAvatar(ctx, "avatar.png", strings.NewReader("avatar")); err != nil || a != nil {
		t.Fatalf("upload: %+v, %v", a, err)
	}
	if a, err := c.Account.DeleteAvatar(ctx); err != nil || a != nil {
		t.Fatalf("delete: %+v, %v", a, err)
	}
	if _, err := c.Account.Avatar(ctx); !errors.Is(err, ErrPreconditionFailed) {
		t.Fatalf("got %v, want ErrPreconditionFailed", err)
	}
	if *n != 6 {
		t.Errorf("%d of 6 exchanges", *n)
	}
}

// TestOptionalJSONRefusesMalformedAnswers: an answer that is there must be
// JSON.
func TestOptionalJSONRefusesMalformedAnswers(t *testing.T) {
	f := newFakeAPI(t)
	f.handleOffSpec("DELETE", "/api/v4/user/account/avatar", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"avatarUuid":`)
	})
	a, err := f.client.Account.DeleteAvatar(context.Background())
	if !errors.Is(err, ErrInvalidResponse) || a != nil {
		t.Fatalf("%+v, %v", a, err)
	}
}
