package main

import (
	"io"
	"log/slog"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// globals are the flags every command shares.
type globals struct {
	verbose bool
	stdout  io.Writer
	stderr  io.Writer
	log     *slog.Logger
}

// logger returns the logger the flags ask for: debug records on stderr
// with -v, nothing otherwise. Every caller gets the same logger, so that
// records from several goroutines never interleave on stderr.
func (g *globals) logger() *slog.Logger {
	if g.log == nil {
		h := slog.Handler(slog.DiscardHandler)
		if g.verbose {
			h = slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		}
		g.log = slog.New(h)
	}
	return g.log
}

// newRootCmd builds the command tree writing to stdout and stderr.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "dracoon",
		Short:         "Work with DRACOON from the command line",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log every request to stderr (secrets are never logged)")
	root.AddCommand(newDemoCmd(g), newVersionCmd(g))
	return root
}

// newVersionCmd prints the SDK version.
func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := io.WriteString(g.stdout, "dracoon "+dracoon.Version+"\n")
			return err
		},
	}
}
