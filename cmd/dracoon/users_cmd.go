package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// listFlags are the options of the admin listings: --all, --csv, --filter.
type listFlags struct {
	all, csv bool
	filter   string
}

// register adds the flags.
func (l *listFlags) register(cmd *cobra.Command, filterExample string) {
	cmd.Flags().BoolVar(&l.all, "all", false, "list everything, not only the first 500 entries (pages are fetched concurrently)")
	cmd.Flags().BoolVar(&l.csv, "csv", false, "print CSV")
	if filterExample != "" {
		cmd.Flags().StringVar(&l.filter, "filter", "", "DRACOON filter, e.g. "+filterExample)
	}
}

// options turns the flags into list options.
func (l *listFlags) options() dracoon.ListOptions {
	o := dracoon.ListOptions{Filter: l.filter}
	if l.all {
		o.ReadAhead = dracoon.MaxReadAhead
	}
	return o
}

// page returns every item with --all, else the first page, and the total.
func page[T any](l *listFlags, all func() ([]T, int64, error), first func() (*dracoon.Page[T], error)) ([]T, int64, error) {
	if l.all {
		return all()
	}
	p, err := first()
	if err != nil {
		return nil, 0, err
	}
	return p.Items, p.Range.Total, nil
}

// noteTruncated tells on stderr that a listing shows only its first page.
func (a *app) noteTruncated(shown int, total int64) {
	if total > int64(shown) && !a.quiet {
		fmt.Fprintf(a.stderr, "showing %d of %d entries; use --all for all\n", shown, total)
	}
}

// usersCmd groups the user commands.
func (a *app) usersCmd() *cobra.Command {
	return commandGroup("users", "List, create, import, show and delete users",
		a.usersLsCmd(), a.usersCreateCmd(), a.usersImportCmd(), a.usersRmCmd(), a.usersInfoCmd(),
		a.usersEnforceMFACmd(), a.usersSwitchAuthCmd(), a.usersInviteCmd())
}

// usersLsCmd lists users.
func (a *app) usersLsCmd() *cobra.Command {
	var l listFlags
	cmd := &cobra.Command{
		Use:   "ls TARGET",
		Short: "List users (TARGET is the instance, e.g. dracoon.example.com)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			opts := &dracoon.ListUsersOptions{ListOptions: l.options()}
			users, total, err := page(&l,
				func() ([]dracoon.User, int64, error) { return collect(c.Users.All(ctx, opts)) },
				func() (*dracoon.UserList, error) { return c.Users.List(ctx, opts) })
			if err != nil {
				return err
			}
			a.noteTruncated(len(users), total)
			return a.output(nonNil(users), usersTable(users), l.csv)
		},
	}
	l.register(cmd, "userName:cn:smith")
	return cmd
}

// nonNil turns a nil slice into an empty one, so JSON shows [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// usersTable is the user listing's table and CSV.
func usersTable(users []dracoon.User) *table {
	// The list of DRACOON 4.26 carries no MFA state; users info shows it.
	t := &table{header: []string{"id", "user_name", "first_name", "last_name", "email", "is_locked", "expire_at"}}
	for _, u := range users {
		t.add(strconv.FormatInt(u.ID, 10), u.UserName, u.FirstName, u.LastName, u.Email,
			strconv.FormatBool(u.IsLocked), formatTime(u.ExpireAt))
	}
	return t
}

// userByLogin finds the user whose user name is exactly login.
func userByLogin(ctx context.Context, c *dracoon.Client, login string) (*dracoon.User, error) {
	opts := &dracoon.ListUsersOptions{}
	if !strings.ContainsAny(login, ":|") {
		opts.Filter = "userName:eq:" + login
	}
	for u, err := range c.Users.All(ctx, opts) {
		if err != nil {
			return nil, fmt.Errorf("look up user %s: %w", login, err)
		}
		if u.UserName == login {
			return &u, nil
		}
	}
	return nil, fmt.Errorf("no user with user name %q", login)
}

// userSelector is --user-id, -u/--user-name or the positional login.
type userSelector struct {
	id   int64
	name string
}

// register adds the flags.
func (s *userSelector) register(cmd *cobra.Command) {
	cmd.Flags().Int64Var(&s.id, "user-id", 0, "the user's id")
	cmd.Flags().StringVarP(&s.name, "user-name", "u", "", "the user's user name (login)")
}

// resolve returns the selected user's id.
func (s *userSelector) resolve(ctx context.Context, c *dracoon.Client, args []string) (int64, error) {
	name := s.name
	if len(args) > 1 {
		name = args[1]
	}
	switch {
	case s.id != 0 && name != "":
		return 0, usagef("give either --user-id or a user name, not both")
	case s.id != 0:
		return s.id, nil
	case name != "":
		u, err := userByLogin(ctx, c, name)
		if err != nil {
			return 0, err
		}
		return u.ID, nil
	}
	return 0, usagef("name the user with --user-id or --user-name")
}

// usersRmCmd deletes a user.
func (a *app) usersRmCmd() *cobra.Command {
	var sel userSelector
	cmd := &cobra.Command{
		Use:   "rm TARGET [USER_NAME]",
		Short: "Delete a user, by id (--user-id) or user name",
		Args:  argRange(1, 2, "TARGET [USER_NAME]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			id, err := sel.resolve(ctx, c, args)
			if err != nil {
				return err
			}
			if err := c.Users.Delete(ctx, id); err != nil {
				return fmt.Errorf("delete user %d: %w", id, err)
			}
			if a.jsonOut {
				return a.emitJSON(map[string]int64{"deleted": id})
			}
			a.infof("deleted user %d", id)
			return nil
		},
	}
	sel.register(cmd)
	return cmd
}

// usersInfoCmd shows a user.
func (a *app) usersInfoCmd() *cobra.Command {
	var sel userSelector
	cmd := &cobra.Command{
		Use:   "info TARGET [USER_NAME]",
		Short: "Show a user, by id (--user-id) or user name",
		Args:  argRange(1, 2, "TARGET [USER_NAME]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			id, err := sel.resolve(ctx, c, args)
			if err != nil {
				return err
			}
			u, err := c.Users.Get(ctx, id)
			if err != nil {
				return fmt.Errorf("user %d: %w", id, err)
			}
			t := &table{}
			t.add("id", strconv.FormatInt(u.ID, 10))
			t.add("user name", u.UserName)
			t.add("name", u.FirstName+" "+u.LastName)
			t.add("email", u.Email)
			t.add("auth method", u.AuthData.Method)
			t.add("locked", strconv.FormatBool(u.IsLocked))
			t.add("MFA enforced", strconv.FormatBool(u.IsMFAEnforced))
			t.add("encryption", strconv.FormatBool(u.IsEncryptionEnabled))
			t.add("expires", formatTime(u.ExpireAt))
			t.add("last login", formatTime(u.LastLoginSuccessAt))
			return a.output(u, t, false)
		},
	}
	sel.register(cmd)
	return cmd
}

// newUser describes a user to create, from flags or a CSV row.
type newUser struct {
	first, last, email, login string
	oidcID                    int64
	mfa                       bool
}

// request turns it into the SDK's request: an OpenID user with an OIDC
// configuration id, else a local user (login defaults to the e-mail).
func (n newUser) request() *dracoon.CreateUserRequest {
	login := n.login
	if login == "" {
		login = n.email
	}
	var r *dracoon.CreateUserRequest
	if n.oidcID != 0 {
		r = dracoon.NewOpenIDUser(n.first, n.last, n.email, login, n.oidcID)
	} else {
		r = dracoon.NewLocalUser(n.first, n.last, n.email)
		r.UserName = login
	}
	if n.mfa {
		r.MFAConfig = &dracoon.MFAConfig{MFAEnforced: true}
	}
	return r
}

// usersCreateCmd creates one user.
func (a *app) usersCreateCmd() *cobra.Command {
	var n newUser
	cmd := &cobra.Command{
		Use:   "create TARGET",
		Short: "Create a local user, or an OpenID user with --oidc-id",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			u, err := c.Users.Create(ctx, n.request())
			if err != nil {
				return fmt.Errorf("create user: %w", err)
			}
			if a.jsonOut {
				return a.emitJSON(u)
			}
			a.infof("created user %s (id %d)", u.UserName, u.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&n.first, "first-name", "f", "", "first name")
	f.StringVarP(&n.last, "last-name", "l", "", "last name")
	f.StringVarP(&n.email, "email", "e", "", "e-mail address")
	f.StringVar(&n.login, "login", "", "user name (default: the e-mail address)")
	f.Int64Var(&n.oidcID, "oidc-id", 0, "id of the OpenID Connect configuration the user logs in with")
	f.BoolVar(&n.mfa, "mfa-enforced", false, "enforce multi-factor authentication")
	return cmd
}

// importResult is one row of users import.
type importResult struct {
	Line  int    `json:"line"`
	Login string `json:"login"`
	ID    int64  `json:"id,omitempty"`
	Error string `json:"error,omitempty"`
}

// usersImportCmd creates users from CSV.
func (a *app) usersImportCmd() *cobra.Command {
	var oidcID int64
	cmd := &cobra.Command{
		Use:   "import TARGET FILE",
		Short: "Create users from a CSV file (- reads stdin)",
		Long: "import creates one user per CSV row. The header names the columns in any order: first_name, last_name " +
			"and email are required; login, oidc_id and mfa_enforced may be missing or empty. A row with an oidc_id, " +
			"or every row with --oidc-id, creates an OpenID user. Rows that fail are reported and the others go on; " +
			"the exit code is 1 if any failed.",
		Args: exactArgs("TARGET", "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			users, err := a.readUsersCSV(args[1], oidcID)
			if err != nil {
				return err
			}
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			return a.importUsers(ctx, c, users)
		},
	}
	cmd.Flags().Int64Var(&oidcID, "oidc-id", 0, "create OpenID users with this OpenID Connect configuration id")
	return cmd
}

// csvUser is a parsed CSV row.
type csvUser struct {
	line int
	user newUser
}

// readUsersCSV parses the import file.
func (a *app) readUsersCSV(name string, oidcID int64) ([]csvUser, error) {
	var r io.Reader = a.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("%v", err)
		}
		defer f.Close()
		r = f
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, usagef("%s: no CSV header: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"first_name", "last_name", "email"} {
		if _, ok := col[need]; !ok {
			return nil, usagef("%s: the header lacks %s (columns: first_name,last_name,email,login,oidc_id,mfa_enforced)", name, need)
		}
	}
	var out []csvUser
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usagef("%s: %v", name, err)
		}
		field := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		u := newUser{first: field("first_name"), last: field("last_name"), email: field("email"), login: field("login"), oidcID: oidcID}
		if s := field("oidc_id"); s != "" {
			if u.oidcID, err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil, usagef("%s line %d: oidc_id %q is not a number", name, line, s)
			}
		}
		if s := field("mfa_enforced"); s != "" {
			if u.mfa, err = strconv.ParseBool(s); err != nil {
				return nil, usagef("%s line %d: mfa_enforced %q is not true or false", name, line, s)
			}
		}
		out = append(out, csvUser{line: line, user: u})
	}
	return out, nil
}

// importUsers creates the users one after another and reports each.
func (a *app) importUsers(ctx context.Context, c *dracoon.Client, users []csvUser) error {
	results := make([]importResult, 0, len(users))
	failed := 0
	for _, cu := range users {
		req := cu.user.request()
		res := importResult{Line: cu.line, Login: req.UserName}
		u, err := c.Users.Create(ctx, req)
		if err != nil {
			failed++
			res.Error = strings.TrimPrefix(errorLine(err), "dracoon: ")
		} else {
			res.ID = u.ID
		}
		results = append(results, res)
	}
	if a.jsonOut {
		if err := a.emitJSON(results); err != nil {
			return err
		}
	} else {
		t := &table{header: []string{"LINE", "USER NAME", "RESULT"}}
		for _, r := range results {
			status := "created, id " + strconv.FormatInt(r.ID, 10)
			if r.Error != "" {
				status = "failed: " + r.Error
			}
			t.add(strconv.Itoa(r.Line), r.Login, status)
		}
		if !a.quiet || failed > 0 {
			if err := t.writeText(a.stdout); err != nil {
				return err
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d users not imported", failed, len(users))
	}
	return nil
}
