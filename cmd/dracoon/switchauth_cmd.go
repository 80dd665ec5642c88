package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// switchAuthOptions are the options of users switch-auth.
type switchAuthOptions struct {
	currentMethod, newMethod string
	currentOIDC, newOIDC     int64
	currentAD, newAD         int64
	filter                   string
	login                    string
}

// usersSwitchAuthCmd moves users from one authentication method to
// another.
func (a *app) usersSwitchAuthCmd() *cobra.Command {
	var o switchAuthOptions
	cmd := &cobra.Command{
		Use:   "switch-auth TARGET",
		Short: "Move users from one authentication method to another (local, openid, active-directory)",
		Long: "switch-auth gives every user of --current-method (and, if given, of --current-oidc-id or --current-ad-id) " +
			"that --filter selects the --new-method. OpenID and Active Directory users need a login at the identity " +
			"provider: --login email (default), username or firstname.lastname derives it from the user.",
		Args: exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			from, to, err := o.methods()
			if err != nil {
				return err
			}
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			return a.switchAuth(ctx, c, from, to, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.currentMethod, "current-method", "", "method the users have now: local, openid or active-directory")
	f.StringVar(&o.newMethod, "new-method", "", "method to give them")
	f.Int64Var(&o.currentOIDC, "current-oidc-id", 0, "only users of this OpenID Connect configuration")
	f.Int64Var(&o.newOIDC, "new-oidc-id", 0, "OpenID Connect configuration for --new-method openid")
	f.Int64Var(&o.currentAD, "current-ad-id", 0, "only users of this Active Directory configuration")
	f.Int64Var(&o.newAD, "new-ad-id", 0, "Active Directory configuration for --new-method active-directory")
	f.StringVar(&o.filter, "filter", "", "DRACOON user filter, e.g. email:cn:example.com")
	f.StringVar(&o.login, "login", "email", "login at the new provider: email, username or firstname.lastname")
	return cmd
}

// methods checks the flags and returns DRACOON's method names.
func (o *switchAuthOptions) methods() (from, to string, err error) {
	if o.currentMethod == "" || o.newMethod == "" {
		return "", "", usagef("--current-method and --new-method are required")
	}
	if from, err = authMethod(o.currentMethod); err != nil {
		return "", "", err
	}
	if to, err = authMethod(o.newMethod); err != nil {
		return "", "", err
	}
	switch {
	case to == dracoon.AuthMethodOpenID && o.newOIDC == 0:
		return "", "", usagef("--new-method openid needs --new-oidc-id")
	case to == dracoon.AuthMethodActiveDirectory && o.newAD == 0:
		return "", "", usagef("--new-method active-directory needs --new-ad-id")
	}
	switch o.login {
	case "email", "username", "firstname.lastname":
	default:
		return "", "", usagef("--login must be email, username or firstname.lastname, got %q", o.login)
	}
	return from, to, nil
}

// matches reports whether a user has the current method and config.
func (o *switchAuthOptions) matches(u *dracoon.User, from string) bool {
	ad := u.AuthData
	return ad.Method == from &&
		(o.currentOIDC == 0 || ad.OIDConfigID == o.currentOIDC) &&
		(o.currentAD == 0 || ad.ADConfigID == o.currentAD)
}

// authData is the new authentication of u.
func (o *switchAuthOptions) authData(u *dracoon.User, to string) *dracoon.UpdateUserAuthData {
	d := &dracoon.UpdateUserAuthData{Method: to}
	switch to {
	case dracoon.AuthMethodOpenID:
		d.OIDConfigID = o.newOIDC
	case dracoon.AuthMethodActiveDirectory:
		d.ADConfigID = o.newAD
	default:
		return d
	}
	switch o.login {
	case "username":
		d.Login = u.UserName
	case "firstname.lastname":
		d.Login = strings.ToLower(u.FirstName + "." + u.LastName)
	default:
		d.Login = u.Email
	}
	return d
}

// switchAuth updates the matching users one after another.
func (a *app) switchAuth(ctx context.Context, c *dracoon.Client, from, to string, o switchAuthOptions) error {
	ids, err := mfaCandidates(ctx, c, mfaOptions{filter: o.filter})
	if err != nil {
		return err
	}
	var results []mfaResult
	failed := 0
	for _, id := range ids {
		u, err := c.Users.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("user %d: %w", id, err)
		}
		if !o.matches(u, from) {
			continue
		}
		r := mfaResult{ID: u.ID, UserName: u.UserName, Result: "switched to " + to}
		if _, err := c.Users.Update(ctx, id, &dracoon.UpdateUserRequest{AuthData: o.authData(u, to)}); err != nil {
			failed++
			r.Result = "failed: " + strings.TrimPrefix(errorLine(err), "dracoon: ")
		}
		results = append(results, r)
	}
	t := &table{header: []string{"id", "user_name", "result"}}
	for _, r := range results {
		t.add(strconv.FormatInt(r.ID, 10), r.UserName, r.Result)
	}
	if err := a.output(nonNil(results), t, false); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d users not switched", failed, len(results))
	}
	return nil
}
