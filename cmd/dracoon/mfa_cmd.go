package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// authMethod maps dccmd-rs's method names (local, openid,
// active-directory) and DRACOON's to DRACOON's.
func authMethod(s string) (string, error) {
	switch s {
	case "local", dracoon.AuthMethodBasic:
		return dracoon.AuthMethodBasic, nil
	case "openid", "oidc":
		return dracoon.AuthMethodOpenID, nil
	case "active-directory", "ad", dracoon.AuthMethodActiveDirectory:
		return dracoon.AuthMethodActiveDirectory, nil
	case "radius":
		return dracoon.AuthMethodRadius, nil
	}
	return "", usagef("unknown authentication method %q: use local, openid or active-directory", s)
}

// mfaOptions select the users whose MFA is enforced.
type mfaOptions struct {
	authMethod string
	filter     string
	groupID    int64
}

// usersEnforceMFACmd enforces multi-factor authentication for a subset
// of users.
func (a *app) usersEnforceMFACmd() *cobra.Command {
	var o mfaOptions
	cmd := &cobra.Command{
		Use:   "enforce-mfa TARGET",
		Short: "Enforce multi-factor authentication for the users selected by --auth-method, --filter or --group-id",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			method := ""
			if o.authMethod != "" {
				m, err := authMethod(o.authMethod)
				if err != nil {
					return err
				}
				method = m
			}
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			ids, err := mfaCandidates(ctx, c, o)
			if err != nil {
				return err
			}
			return a.enforceMFA(ctx, c, ids, method)
		},
	}
	cmd.Flags().StringVar(&o.authMethod, "auth-method", "", "only users of this method: local, openid or active-directory")
	cmd.Flags().StringVar(&o.filter, "filter", "", "DRACOON user filter, e.g. email:cn:example.com")
	cmd.Flags().Int64Var(&o.groupID, "group-id", 0, "only the members of this group")
	return cmd
}

// mfaCandidates lists the ids of the selected users.
func mfaCandidates(ctx context.Context, c *dracoon.Client, o mfaOptions) ([]int64, error) {
	var ids []int64
	if o.groupID != 0 {
		if o.filter != "" {
			return nil, usagef("give either --group-id or --filter, not both")
		}
		for m, err := range c.Groups.AllUsers(ctx, o.groupID, &dracoon.ListOptions{ReadAhead: dracoon.MaxReadAhead}) {
			if err != nil {
				return nil, fmt.Errorf("members of group %d: %w", o.groupID, err)
			}
			ids = append(ids, m.UserInfo.ID)
		}
		return ids, nil
	}
	opts := &dracoon.ListUsersOptions{ListOptions: dracoon.ListOptions{Filter: o.filter, ReadAhead: dracoon.MaxReadAhead}}
	for u, err := range c.Users.All(ctx, opts) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// mfaResult is one user of enforce-mfa.
type mfaResult struct {
	ID       int64  `json:"id"`
	UserName string `json:"userName"`
	Result   string `json:"result"`
}

// enforceMFA enforces MFA for each user of the method ("" for any), one
// after another, and reports each.
func (a *app) enforceMFA(ctx context.Context, c *dracoon.Client, ids []int64, method string) error {
	var results []mfaResult
	failed := 0
	for _, id := range ids {
		u, err := c.Users.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("user %d: %w", id, err)
		}
		if method != "" && u.AuthData.Method != method {
			continue
		}
		r := mfaResult{ID: u.ID, UserName: u.UserName, Result: "already enforced"}
		if !u.IsMFAEnforced {
			r.Result = "enforced"
			if _, err := c.Users.Update(ctx, id, &dracoon.UpdateUserRequest{MFAConfig: &dracoon.MFAConfig{MFAEnforced: true}}); err != nil {
				failed++
				r.Result = "failed: " + strings.TrimPrefix(errorLine(err), "dracoon: ")
			}
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
		return fmt.Errorf("MFA not enforced for %d of %d users", failed, len(results))
	}
	return nil
}
