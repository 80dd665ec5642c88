package dracoon

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// The self-service calls against the emulator, under the contract
// validator: password reset with the token the emulator "mailed", avatar,
// node subscriptions with paging, and revoking a session through the
// OAuth authorizations.

func connectAs(t *testing.T, srv *dracoontest.Server, login, password string) *Client {
	t.Helper()
	c := emulatorClient(t, srv)
	if err := c.Connect(context.Background(), PasswordFlow(login, password)); err != nil {
		t.Fatalf("connect as %s: %v", login, err)
	}
	return c
}

func TestEmulatorPasswordResetThroughSDK(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	if _, err := srv.AddUser("sdk-forgetful", "Old-Secret-1"); err != nil {
		t.Fatal(err)
	}
	anon := emulatorClient(t, srv)
	if err := anon.Auth.RequestPasswordReset(ctx, &ResetPasswordRequest{UserName: "sdk-forgetful"}); err != nil {
		t.Fatal(err)
	}
	m, found := srv.LastMail()
	if !found || m.Token == "" {
		t.Fatalf("no reset mail: %+v", m)
	}
	info, err := anon.Auth.ValidateResetToken(ctx, m.Token)
	if err != nil || info.FirstName != "sdk-forgetful" || info.LoginPasswordPolicies == nil {
		t.Fatalf("token info %+v, %v", info, err)
	}
	var apiErr *APIError
	if err := anon.Auth.ResetPassword(ctx, m.Token, "short"); !errors.As(err, &apiErr) || apiErr.ErrorCode != -10002 {
		t.Fatalf("a weak password: %v", err)
	}
	if err := anon.Auth.ResetPassword(ctx, m.Token, "New-Secret-98765"); err != nil {
		t.Fatal(err)
	}
	if err := anon.Auth.ResetPassword(ctx, m.Token, "Again-Secret-1"); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("a used token: %v", err)
	}
	connectAs(t, srv, "sdk-forgetful", "New-Secret-98765")
}

func TestEmulatorAvatarAndSubscriptionsThroughSDK(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	c := connectAs(t, srv, srv.AdminLogin, srv.AdminPassword)

	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 256, 256))); err != nil {
		t.Fatal(err)
	}
	av, err := c.Account.UploadAvatar(ctx, "me.png", &img)
	if err != nil || !av.IsCustomAvatar {
		t.Fatalf("upload avatar: %+v, %v", av, err)
	}
	if other, err := c.Account.UserAvatar(ctx, srv.AdminID, av.AvatarUUID); err != nil || *other != *av {
		t.Errorf("user avatar %+v, %v; own %+v", other, err, av)
	}
	if reset, err := c.Account.DeleteAvatar(ctx); err != nil || reset.IsCustomAvatar {
		t.Errorf("reset avatar: %+v, %v", reset, err)
	}

	room, err := srv.CreateRoom("Subscribed", nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{room}
	for _, name := range []string{"a", "b", "c", "d"} {
		id, err := srv.CreateFolder(room, name)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := c.Subscriptions.UpdateNodes(ctx, &UpdateSubscriptionsRequest{IsSubscribed: true, ObjectIDs: ids}); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for n, err := range c.Subscriptions.AllNodes(ctx, &ListOptions{Limit: 2, Sort: "nodeId:asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		if n.AuthParentID != room {
			t.Errorf("subscribed node %+v", n)
		}
		got = append(got, n.ID)
	}
	if len(got) != len(ids) || got[0] != room || got[len(got)-1] != ids[len(ids)-1] {
		t.Errorf("subscribed nodes over pages of 2: %v, want %v", got, ids)
	}
	if err := c.Subscriptions.UnsubscribeNode(ctx, room); err != nil {
		t.Fatal(err)
	}
	if page, err := c.Subscriptions.ListNodes(ctx, nil); err != nil || page.Range.Total != int64(len(ids)-1) {
		t.Errorf("after unsubscribing: %+v, %v", page, err)
	}
}

func TestEmulatorRevokeSessionThroughSDK(t *testing.T) {
	srv := newEmulator(t)
	ctx := context.Background()
	me := connectAs(t, srv, srv.AdminLogin, srv.AdminPassword)
	other := emulatorClient(t, srv, WithClientID(srv.ClientID), WithClientSecret(srv.ClientSecret))
	if err := other.Connect(ctx, PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		t.Fatal(err)
	}
	auths, err := me.Account.OAuthAuthorizations(ctx, "", "clientName:asc")
	if err != nil || len(auths) != 2 {
		t.Fatalf("authorizations %+v, %v", auths, err)
	}
	if err := me.Account.RevokeOAuthAuthorizations(ctx, srv.ClientID); err != nil {
		t.Fatal(err)
	}
	if err := other.TestConnection(ctx); err == nil {
		t.Error("the revoked client's session still works")
	}
	if err := me.TestConnection(ctx); err != nil {
		t.Errorf("the other session ended too: %v", err)
	}
}
