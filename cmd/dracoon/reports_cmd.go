package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// reportsCmd groups the audit reports.
func (a *app) reportsCmd() *cobra.Command {
	return commandGroup("reports", "Audit events, event kinds and room permissions",
		a.reportsEventsCmd(), a.reportsOperationTypesCmd(), a.reportsPermissionsCmd())
}

// eventFlags are the options of reports events.
type eventFlags struct {
	listFlags
	start, end, status string
	userID             int64
	operation          int
}

// options turns the flags into event list options.
func (f *eventFlags) options() (*dracoon.ListEventsOptions, error) {
	o := &dracoon.ListEventsOptions{ListOptions: f.listFlags.options(), UserID: f.userID, Type: f.operation}
	var err error
	if o.From, err = parseDate("--start-date", f.start); err != nil {
		return nil, err
	}
	if o.To, err = parseDate("--end-date", f.end); err != nil {
		return nil, err
	}
	switch strings.ToLower(f.status) {
	case "":
	case "success", "0":
		o.Status = new(dracoon.EventStatusSuccess)
	case "failure", "2":
		o.Status = new(dracoon.EventStatusFailure)
	default:
		return nil, usagef("--status %q: use success or failure", f.status)
	}
	return o, nil
}

// parseDate parses a date flag: YYYY-MM-DD (UTC midnight) or RFC 3339.
func parseDate(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("%s %q: write a date as YYYY-MM-DD or RFC 3339", flag, s)
}

// statusName names an event status.
func statusName(s int) string {
	if s == dracoon.EventStatusSuccess {
		return "success"
	}
	return "failure"
}

// reportsEventsCmd lists audit events.
func (a *app) reportsEventsCmd() *cobra.Command {
	var f eventFlags
	cmd := &cobra.Command{
		Use:   "events TARGET",
		Short: "List audit events (first 500, or --all)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			opts, err := f.options()
			if err != nil {
				return err
			}
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			events, total, err := page(&f.listFlags,
				func() ([]dracoon.LogEvent, int64, error) { return collect(c.EventLog.AllEvents(ctx, opts)) },
				func() (*dracoon.LogEventList, error) { return c.EventLog.Events(ctx, opts) })
			if err != nil {
				return fmt.Errorf("events: %w", err)
			}
			t := &table{header: []string{"id", "time", "user_id", "user_name", "operation_id", "operation", "status", "message"}}
			for _, e := range events {
				t.add(strconv.FormatInt(e.ID, 10), formatTime(e.Time), strconv.FormatInt(e.UserID, 10), e.UserName,
					strconv.Itoa(e.OperationID), e.OperationName, statusName(e.Status), e.Message)
			}
			if err := a.output(nonNil(events), t, f.csv); err != nil {
				return err
			}
			a.noteTruncated(len(events), total)
			return nil
		},
	}
	f.listFlags.register(cmd, "")
	fl := cmd.Flags()
	fl.StringVar(&f.start, "start-date", "", "only events at or after this date (YYYY-MM-DD or RFC 3339)")
	fl.StringVar(&f.end, "end-date", "", "only events at or before this date (YYYY-MM-DD or RFC 3339)")
	fl.StringVar(&f.status, "status", "", "only events that succeeded (success) or failed (failure)")
	fl.Int64Var(&f.userID, "user-id", 0, "only events of this user")
	fl.IntVar(&f.operation, "operation-type", 0, "only events of this kind (see reports operation-types)")
	return cmd
}

// reportsOperationTypesCmd lists the kinds of events.
func (a *app) reportsOperationTypesCmd() *cobra.Command {
	var asCSV, deprecated bool
	cmd := &cobra.Command{
		Use:   "operation-types TARGET",
		Short: "List the kinds of audit events and their ids",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			ops, err := c.EventLog.Operations(ctx, deprecated)
			if err != nil {
				return fmt.Errorf("operation types: %w", err)
			}
			t := &table{header: []string{"id", "name", "deprecated"}}
			for _, o := range ops {
				t.add(strconv.Itoa(o.ID), o.Name, strconv.FormatBool(o.IsDeprecated))
			}
			return a.output(nonNil(ops), t, asCSV)
		},
	}
	cmd.Flags().BoolVar(&asCSV, "csv", false, "print CSV")
	cmd.Flags().BoolVar(&deprecated, "deprecated", false, "list the deprecated kinds instead")
	return cmd
}

// permissionRow is one user's permissions in one room.
type permissionRow struct {
	NodeID      int64  `json:"nodeId"`
	Path        string `json:"path"`
	UserID      int64  `json:"userId"`
	UserLogin   string `json:"userLogin"`
	UserName    string `json:"userName"`
	Permissions string `json:"permissions"`
}

// permissionNames lists the permissions granted, comma-separated.
func permissionNames(p dracoon.NodePermissions) string {
	var out []string
	for _, f := range []struct {
		on   bool
		name string
	}{
		{p.Manage, "manage"}, {p.Read, "read"}, {p.Create, "create"}, {p.Change, "change"}, {p.Delete, "delete"},
		{p.ManageDownloadShare, "manage_download_share"}, {p.ManageUploadShare, "manage_upload_share"},
		{p.ReadRecycleBin, "read_recycle_bin"}, {p.RestoreRecycleBin, "restore_recycle_bin"}, {p.DeleteRecycleBin, "delete_recycle_bin"},
	} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return strings.Join(out, ",")
}

// reportsPermissionsCmd lists who may do what in which room.
func (a *app) reportsPermissionsCmd() *cobra.Command {
	var l listFlags
	cmd := &cobra.Command{
		Use:   "permissions TARGET",
		Short: "List the users' permissions in every room (first 500 rooms, or --all)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			nodes, err := auditNodes(ctx, c, &l)
			if err != nil {
				return fmt.Errorf("permissions: %w", err)
			}
			rows := []permissionRow{}
			t := &table{header: []string{"node_id", "path", "user_id", "user_login", "user_name", "permissions"}}
			for _, n := range nodes {
				path := strings.TrimSuffix(n.NodeParentPath, "/") + "/" + n.NodeName
				for _, u := range n.AuditUserPermissionList {
					r := permissionRow{NodeID: n.NodeID, Path: path, UserID: u.UserID, UserLogin: u.UserLogin,
						UserName: strings.TrimSpace(u.UserFirstName + " " + u.UserLastName), Permissions: permissionNames(u.Permissions)}
					rows = append(rows, r)
					t.add(strconv.FormatInt(r.NodeID, 10), r.Path, strconv.FormatInt(r.UserID, 10), r.UserLogin, r.UserName, r.Permissions)
				}
			}
			return a.output(rows, t, l.csv)
		},
	}
	l.register(cmd, "userId:eq:99, nodeId:eq:99")
	return cmd
}

// auditNodes returns the permission audit: all of it with --all, else the
// first page.
func auditNodes(ctx context.Context, c *dracoon.Client, l *listFlags) ([]dracoon.AuditNode, error) {
	opts := l.options()
	if l.all {
		nodes, _, err := collect(c.EventLog.AllAuditNodes(ctx, &opts))
		return nodes, err
	}
	return c.EventLog.AuditNodes(ctx, &opts)
}
