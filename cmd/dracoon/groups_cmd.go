package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// groupsCmd groups the group commands.
func (a *app) groupsCmd() *cobra.Command {
	users := commandGroup("users", "Group members", a.groupUsersLsCmd())
	return commandGroup("groups", "List, create and delete groups and list their members",
		a.groupsLsCmd(), a.groupsCreateCmd(), a.groupsRmCmd(), users)
}

// groupsLsCmd lists groups.
func (a *app) groupsLsCmd() *cobra.Command {
	var l listFlags
	cmd := &cobra.Command{
		Use:   "ls TARGET",
		Short: "List groups (TARGET is the instance)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			opts := l.options()
			groups, total, err := page(&l,
				func() ([]dracoon.Group, int64, error) { return collect(c.Groups.All(ctx, &opts)) },
				func() (*dracoon.GroupList, error) { return c.Groups.List(ctx, &opts) })
			if err != nil {
				return err
			}
			a.noteTruncated(len(groups), total)
			t := &table{header: []string{"id", "name", "cnt_users", "expire_at"}}
			for _, g := range groups {
				t.add(strconv.FormatInt(g.ID, 10), g.Name, strconv.Itoa(g.CntUsers), formatTime(g.ExpireAt))
			}
			return a.output(nonNil(groups), t, l.csv)
		},
	}
	l.register(cmd, "name:cn:sales")
	return cmd
}

// groupsCreateCmd creates a group.
func (a *app) groupsCreateCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "create TARGET [NAME]",
		Short: "Create a group (name from --name or the argument)",
		Args:  argRange(1, 2, "TARGET [NAME]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if len(args) == 2 {
				name = args[1]
			}
			if name == "" {
				return usagef("name the group with --name")
			}
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			g, err := c.Groups.Create(ctx, &dracoon.CreateGroupRequest{Name: name})
			if err != nil {
				return fmt.Errorf("create group %s: %w", name, err)
			}
			if a.jsonOut {
				return a.emitJSON(g)
			}
			a.infof("created group %s (id %d)", g.Name, g.ID)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "name of the group")
	return cmd
}

// groupSelector is --group-id or --group-name.
type groupSelector struct {
	id   int64
	name string
}

// register adds the flags.
func (s *groupSelector) register(cmd *cobra.Command) {
	cmd.Flags().Int64Var(&s.id, "group-id", 0, "the group's id")
	cmd.Flags().StringVar(&s.name, "group-name", "", "the group's name")
}

// set reports whether a group was named.
func (s *groupSelector) set() bool { return s.id != 0 || s.name != "" }

// resolve returns the selected group's id.
func (s *groupSelector) resolve(ctx context.Context, c *dracoon.Client) (int64, error) {
	switch {
	case s.id != 0 && s.name != "":
		return 0, usagef("give either --group-id or --group-name, not both")
	case s.id != 0:
		return s.id, nil
	case s.name == "":
		return 0, usagef("name the group with --group-id or --group-name")
	}
	opts := &dracoon.ListOptions{}
	if !strings.ContainsAny(s.name, ":|") {
		opts.Filter = "name:cn:" + s.name
	}
	for g, err := range c.Groups.All(ctx, opts) {
		if err != nil {
			return 0, fmt.Errorf("look up group %s: %w", s.name, err)
		}
		if g.Name == s.name {
			return g.ID, nil
		}
	}
	return 0, fmt.Errorf("no group named %q", s.name)
}

// groupsRmCmd deletes a group.
func (a *app) groupsRmCmd() *cobra.Command {
	var sel groupSelector
	cmd := &cobra.Command{
		Use:   "rm TARGET",
		Short: "Delete a group, by --group-id or --group-name",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			id, err := sel.resolve(ctx, c)
			if err != nil {
				return err
			}
			if err := c.Groups.Delete(ctx, id); err != nil {
				return fmt.Errorf("delete group %d: %w", id, err)
			}
			if a.jsonOut {
				return a.emitJSON(map[string]int64{"deleted": id})
			}
			a.infof("deleted group %d", id)
			return nil
		},
	}
	sel.register(cmd)
	return cmd
}

// groupMember is one row of groups users ls.
type groupMember struct {
	GroupID   int64            `json:"groupId"`
	GroupName string           `json:"groupName"`
	User      dracoon.UserInfo `json:"user"`
}

// groupUsersLsCmd lists the members of one group or of all groups.
func (a *app) groupUsersLsCmd() *cobra.Command {
	var l listFlags
	var sel groupSelector
	cmd := &cobra.Command{
		Use:   "ls TARGET",
		Short: "List the members of one group (--group-id, --group-name) or of all groups",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			members, err := a.groupMembers(ctx, c, &sel, &l)
			if err != nil {
				return err
			}
			t := &table{header: []string{"group_id", "group_name", "user_id", "user_name", "first_name", "last_name", "email"}}
			for _, m := range members {
				t.add(strconv.FormatInt(m.GroupID, 10), m.GroupName, strconv.FormatInt(m.User.ID, 10), m.User.UserName, m.User.FirstName, m.User.LastName, m.User.Email)
			}
			return a.output(nonNil(members), t, l.csv)
		},
	}
	l.register(cmd, "")
	sel.register(cmd)
	return cmd
}

// groupMembers collects the members of the selected group, or of every
// group when none is selected.
func (a *app) groupMembers(ctx context.Context, c *dracoon.Client, sel *groupSelector, l *listFlags) ([]groupMember, error) {
	var groups []dracoon.Group
	if sel.set() {
		id, err := sel.resolve(ctx, c)
		if err != nil {
			return nil, err
		}
		g, err := c.Groups.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("group %d: %w", id, err)
		}
		groups = []dracoon.Group{*g}
	} else {
		opts := dracoon.ListOptions{ReadAhead: dracoon.MaxReadAhead}
		var err error
		if groups, _, err = collect(c.Groups.All(ctx, &opts)); err != nil {
			return nil, err
		}
	}
	var out []groupMember
	for _, g := range groups {
		opts := l.options()
		users, total, err := page(l,
			func() ([]dracoon.GroupUser, int64, error) { return collect(c.Groups.AllUsers(ctx, g.ID, &opts)) },
			func() (*dracoon.GroupUserList, error) { return c.Groups.ListUsers(ctx, g.ID, &opts) })
		if err != nil {
			return nil, fmt.Errorf("members of group %s: %w", g.Name, err)
		}
		a.noteTruncated(len(users), total)
		for _, u := range users {
			out = append(out, groupMember{GroupID: g.ID, GroupName: g.Name, User: u.UserInfo})
		}
	}
	return out, nil
}
