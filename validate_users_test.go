package dracoon

import (
	"errors"
	"testing"
	"time"
)

func TestCheckEmail(t *testing.T) {
	for _, ok := range []string{"a@example.com", "first.last+tag@example.co.uk", "ü@exämple.de", "x@localhost"} {
		if err := checkEmail("email", ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a", "a@", "@example.com", "Ada <a@example.com>", "<a@example.com>", "a b@example.com", "a@example.com "} {
		if err := checkEmail("email", bad); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckExpiration(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		e  *Expiration
		ok bool
	}{
		{nil, true},
		{&Expiration{}, true},
		{ExpireAt(now.Add(time.Hour)), true},
		{ExpireAt(now.Add(-time.Hour)), false},
		{&Expiration{Enabled: true}, false},
		{&Expiration{ExpireAt: now.Add(time.Hour)}, false},
	} {
		if err := checkExpiration("expiration", tc.e); (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc.e, err)
		}
	}
}

// TestValidRequestsPass guards against validation that refuses what the
// server takes.
func TestValidRequestsPass(t *testing.T) {
	radius := &CreateUserRequest{FirstName: "R", LastName: "U", AuthData: CreateUserAuthData{Method: AuthMethodRadius, Login: "ru"}}
	keep := NewLocalUser("K", "P", "k@example.com")
	keep.NotifyUser, keep.AuthData.MustChangePassword, keep.AuthData.Password = ptrTo(false), ptrTo(false), "Initial-1"
	noMail := NewLocalUser("N", "M", "")
	noMail.UserName, noMail.NotifyUser = "nm", ptrTo(false)
	for name, v := range map[string]interface{ Validate() error }{
		"local user":            NewLocalUser("Ada", "Lovelace", "ada@example.com"),
		"openid user":           NewOpenIDUser("A", "B", "", "ab", 1),
		"AD user":               NewActiveDirectoryUser("A", "B", "a@example.com", `CORP\ab`, 2),
		"radius user":           radius,
		"kept initial password": keep,
		"unnotified, no e-mail": noMail,
		"empty user update":     &UpdateUserRequest{},
		"lock user":             &UpdateUserRequest{IsLocked: ptrTo(true)},
		"group":                 &CreateGroupRequest{Name: "g"},
		"group update":          &UpdateGroupRequest{Expiration: &Expiration{}},
		"account update":        &UpdateAccountRequest{Phone: ptrTo("")},
		"attributes":            NewAttributesRequest(map[string]string{"k": ""}),
	} {
		if err := v.Validate(); err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
}
