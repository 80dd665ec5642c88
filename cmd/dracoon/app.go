package main

import (
	"context"
	"encoding/csv"
	"encoding/json"

	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"text/tabwriter"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// Environment variables read by the CLI.
const (
	envUsername           = "DRACOON_USERNAME"
	envPassword           = "DRACOON_PASSWORD"
	envEncryptionPassword = "DRACOON_ENCRYPTION_PASSWORD"
	envClientID           = "DRACOON_CLIENT_ID"
	envClientSecret       = "DRACOON_CLIENT_SECRET"
	// envConfigDir replaces os.UserConfigDir()/dracoon as the directory of
	// the credentials file.
	envConfigDir = "DRACOON_CONFIG_DIR"
	// envCredentialStore is "keyring" or "file" to force a store; by
	// default the OS keyring is used when one answers, else the file.
	envCredentialStore = "DRACOON_CREDENTIAL_STORE"
)

// app is one invocation of the CLI: its environment, streams, terminal,
// credential store and global flags. Nothing in it is global state, so
// tests run commands side by side.
type app struct {
	env    map[string]string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	term   terminal
	// openStore returns the credential store (opened on first use).
	openStore func() (secretStore, error)
	store     secretStore
	// httpClient, when set, is used for every DRACOON client (tests).
	httpClient *http.Client
	// barsOut, when set, receives the progress bars even without a
	// terminal (tests).
	barsOut io.Writer

	// global flags
	debug   bool
	quiet   bool
	jsonOut bool
	creds   credentialFlags

	log *slog.Logger
}

// newApp returns an app reading env (KEY=VALUE entries) and the streams,
// with the real terminal and credential store.
func newApp(env []string, stdin io.Reader, stdout, stderr io.Writer) *app {
	a := &app{env: make(map[string]string, len(env)), stdin: stdin, stdout: stdout, stderr: stderr}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			a.env[k] = v
		}
	}
	a.term = newTerminal(stdin, stderr)
	a.openStore = func() (secretStore, error) { return defaultStore(a.env) }
	return a
}

// execute runs the command line and returns the exit code, writing an
// error as one line on stderr.
func (a *app) execute(ctx context.Context, args []string) int {
	root := a.rootCmd()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintln(a.stderr, errorLine(err))
	}
	return exitCode(err)
}

// logger returns the logger the flags ask for: debug records on stderr
// with --debug, nothing otherwise. The SDK never logs secrets, and the
// CLI logs none either. Every caller gets the same logger, so that
// records from several goroutines never interleave on stderr.
func (a *app) logger() *slog.Logger {
	if a.log == nil {
		h := slog.Handler(slog.DiscardHandler)
		if a.debug {
			h = slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		}
		a.log = slog.New(h)
	}
	return a.log
}

// rootCmd builds the command tree.
func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "dracoon",
		Short:         "Work with DRACOON from the command line",
		Long:          "dracoon works with DRACOON rooms, folders, files, users and groups from the command line, with the commands and options of DRACOON Commander (dccmd-rs).\n\nCredentials come from the environment (" + envUsername + ", " + envPassword + ", " + envEncryptionPassword + ", " + envClientID + ", " + envClientSecret + "); with a terminal attached, dracoon asks for what is missing or logs in through the browser.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetIn(a.stdin)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	pf := root.PersistentFlags()
	pf.BoolVar(&a.debug, "debug", false, "log every request to stderr (secrets are never logged)")
	pf.BoolVarP(&a.debug, "verbose", "v", false, "same as --debug")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print nothing but results and errors")
	pf.BoolVar(&a.jsonOut, "json", false, "print the result as one JSON document on stdout")
	a.creds.register(root)
	root.AddCommand(
		a.lsCmd(), a.mkdirCmd(), a.mkroomCmd(), a.rmCmd(), a.cpCmd(), a.mvCmd(),
		a.uploadCmd(), a.downloadCmd(), a.instanceTransferCmd(), a.shareCmd(), a.requestCmd(),
		a.usersCmd(), a.reportsCmd(), a.groupsCmd(), a.keypairCmd(), a.configCmd(),
		a.emulatorCmd(), a.demoCmd(), a.versionCmd(),
	)
	return root
}

// versionCmd prints the version.
func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.jsonOut {
				return a.emitJSON(map[string]string{"version": dracoon.Version})
			}
			_, err := io.WriteString(a.stdout, "dracoon "+dracoon.Version+"\n")
			return err
		},
	}
}

// noArgs refuses arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// exactArgs wants n arguments, named in the message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usagef("%s needs %d argument(s): %s", cmd.CommandPath(), len(names), strings.Join(names, " "))
		}
		return nil
	}
}

// infof prints a progress or success message on stdout, unless --quiet or
// --json asks for results only.
func (a *app) infof(format string, args ...any) {
	if a.quiet || a.jsonOut {
		return
	}
	fmt.Fprintf(a.stdout, format+"\n", args...)
}

// emitJSON writes v as one indented JSON document on stdout.
func (a *app) emitJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table is a result shown as aligned columns or CSV.
type table struct {
	header []string
	rows   [][]string
}

// add appends a row.
func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// writeText writes the table as aligned columns under a header line in
// capitals ("user_name" becomes "USER NAME").
func (t *table) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(t.header) > 0 {
		h := strings.ToUpper(strings.ReplaceAll(strings.Join(t.header, "\t"), "_", " "))
		fmt.Fprintln(tw, h)
	}
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// writeCSV writes the table as CSV with a header line.
func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.header); err != nil {
		return err
	}
	if err := cw.WriteAll(t.rows); err != nil {
		return err
	}
	return cw.Error()
}

// output writes a result: v as JSON with --json, t as CSV with asCSV,
// else t as a table.
func (a *app) output(v any, t *table, asCSV bool) error {
	switch {
	case a.jsonOut && asCSV:
		return usagef("--json and --csv exclude each other")
	case a.jsonOut:
		return a.emitJSON(v)
	case asCSV:
		return t.writeCSV(a.stdout)
	}
	return t.writeText(a.stdout)
}

// argRange wants between lo and hi arguments, shown as usage.
func argRange(lo, hi int, usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usagef("usage: %s %s", cmd.CommandPath(), usage)
		}
		return nil
	}
}

// commandGroup returns a command that only holds subcommands: alone it
// shows its help, with an unknown subcommand it is a usage error.
func commandGroup(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(subs...)
	return cmd
}
