package dracoon

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

// runUnauthenticatedCases runs each case against a fresh fake, on its
// logged-in client and on a second client of the same server that never
// connected: both must reach the endpoint, and neither may send an
// Authorization header.
func runUnauthenticatedCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			h, hits := f.handler(tc.pattern, tc.call)
			f.mux.HandleFunc(tc.pattern, func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("Authorization"); got != "" {
					t.Errorf("%s carries Authorization %q", tc.pattern, got)
				}
				h(w, r)
			})
			fresh, err := New(f.client.BaseURL(), WithRetryPolicy(fastRetries))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []*Client{f.client, fresh} {
				if err := tc.run(t, c); err != nil {
					t.Fatal(err)
				}
			}
			if hits.Load() != 2 || f.requests.Load() != 2 {
				t.Errorf("%d requests to %s, %d in all; want 2", hits.Load(), tc.pattern, f.requests.Load())
			}
		})
	}
}

const resetTokenJSON = `{"firstName":"Ada","lastName":"Lovelace","title":"Dr.","allowSystemGlobalWeakPassword":false,` +
	`"loginPasswordPolicies":{"characterRules":{"mustContainCharacters":["alpha","numeric"],"numberOfCharacteristicsToEnforce":2},"minLength":12,` +
	`"rejectDictionaryWords":true,"rejectUserInfo":true,"rejectKeyboardPatterns":true,"numberOfArchivedPasswords":3,"passwordExpiration":{"enabled":false},` +
	`"userLockout":{"enabled":false},"updatedAt":"2030-01-01T00:00:00Z","updatedBy":{"id":1,"userType":"internal","avatarUuid":"a","userName":"u","firstName":"f","lastName":"l"}}}`

func TestAuthEndpoints(t *testing.T) {
	ctx := context.Background()
	runUnauthenticatedCases(t, []opCase{
		{"recover user name", "POST /api/v4/auth/recover_username", fakeCall{body: `{"email":"ada@example.com","creatorLanguage":"de-DE"}`},
			func(t *testing.T, c *Client) error {
				return c.Auth.RecoverUserName(ctx, &RecoverUserNameRequest{Email: "ada@example.com", CreatorLanguage: "de-DE"})
			}},
		{"request reset", "POST /api/v4/auth/reset_password", fakeCall{body: `{"userName":"ada"}`},
			func(t *testing.T, c *Client) error {
				return c.Auth.RequestPasswordReset(ctx, &ResetPasswordRequest{UserName: "ada"})
			}},
		{"validate token", "GET /api/v4/auth/reset_password/tok-123", fakeCall{answer: resetTokenJSON},
			func(t *testing.T, c *Client) error {
				info, err := c.Auth.ValidateResetToken(ctx, "tok-123")
				return firstError(err, expect(err == nil && info.FirstName == "Ada" && info.LoginPasswordPolicies.MinLength == 12 &&
					info.LoginPasswordPolicies.CharacterRules.NumberOfCharacteristicsToEnforce == 2, "%+v", info))
			}},
		{"reset", "PUT /api/v4/auth/reset_password/tok-123", fakeCall{body: `{"password":"N3w-Secret-Pass"}`},
			func(t *testing.T, c *Client) error { return c.Auth.ResetPassword(ctx, "tok-123", "N3w-Secret-Pass") }},
	})
	t.Run("ping", func(t *testing.T) {
		f := newFakeAPI(t)
		f.mux.HandleFunc("GET /api/v4/auth/ping", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				t.Error("the ping carries a token")
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("test"))
		})
		fresh, err := New(f.client.BaseURL(), WithRetryPolicy(fastRetries))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*Client{f.client, fresh} {
			if pong, err := c.Auth.Ping(ctx); err != nil || pong != "test" {
				t.Errorf("%q, %v", pong, err)
			}
		}
	})
	runInvalidCases(t, []invalidCase{
		{"recover nil", "request", func(ctx context.Context, c *Client) error { return c.Auth.RecoverUserName(ctx, nil) }},
		{"recover bad mail", "email", func(ctx context.Context, c *Client) error {
			return c.Auth.RecoverUserName(ctx, &RecoverUserNameRequest{Email: "Ada <ada@example.com>"})
		}},
		{"reset no user", "userName", func(ctx context.Context, c *Client) error {
			return c.Auth.RequestPasswordReset(ctx, &ResetPasswordRequest{UserName: " "})
		}},
		{"validate empty token", "token", func(ctx context.Context, c *Client) error { _, err := c.Auth.ValidateResetToken(ctx, ""); return err }},
		{"validate token with slash", "token", func(ctx context.Context, c *Client) error {
			_, err := c.Auth.ValidateResetToken(ctx, "a/b")
			return err
		}},
		{"reset dot token", "token", func(ctx context.Context, c *Client) error { return c.Auth.ResetPassword(ctx, "..", "pw") }},
		{"reset empty password", "password", func(ctx context.Context, c *Client) error { return c.Auth.ResetPassword(ctx, "tok", "") }},
	})
}

// TestResetPasswordKeepsSecrets resets a password against a server that
// refuses it and echoes the password and the token in its error: neither
// the errors nor the debug log may show either of them.
func TestResetPasswordKeepsSecrets(t *testing.T) {
	const token, password = "reset-T0KEN-4711", "N3w-Secret-Pass"
	var logs testutil.SyncBuffer
	f := newFakeAPI(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	f.mux.HandleFunc("PUT /api/v4/auth/reset_password/{token}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"code": 400, "message": "Bad Request", "errorCode": -10104,
			"debugInfo": "password " + password + " of token " + r.PathValue("token") + " rejected"})
	})
	f.mux.HandleFunc("GET /api/v4/auth/reset_password/{token}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, map[string]any{"code": 404, "message": "Not Found", "debugInfo": "token " + r.PathValue("token") + " unknown"})
	})
	ctx := context.Background()
	errReset := f.client.Auth.ResetPassword(ctx, token, password)
	_, errValidate := f.client.Auth.ValidateResetToken(ctx, token)
	if !errors.Is(errReset, ErrBadRequest) || !errors.Is(errValidate, ErrNotFound) {
		t.Fatalf("got %v and %v", errReset, errValidate)
	}
	if ae, ok := errors.AsType[*APIError](errReset); !ok || ae.ErrorCode != -10104 {
		t.Errorf("not the server's error: %#v", errReset)
	}
	for _, err := range []error{errReset, errValidate} {
		if containsAny(err.Error(), token, password) {
			t.Errorf("error shows a secret: %v", err)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "/api/v4/auth/reset_password") || !strings.Contains(out, `"level":"DEBUG"`) {
		t.Fatalf("the log does not cover the requests:\n%s", out)
	}
	if containsAny(out, token, password) {
		t.Errorf("the log shows a secret:\n%s", out)
	}
}
