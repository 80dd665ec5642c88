package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/internal/emulator"
	"github.com/spf13/cobra"
)

// demoCmd runs the main job against an emulator in this process.
func (a *app) demoCmd() *cobra.Command {
	var adminPassword string
	var cryptoOn bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the SDK's main job against an embedded DRACOON emulator",
		Long: "demo starts a DRACOON emulator inside this process, logs in with the password flow, " +
			"prints the account, the system information and the room list, and exits. " +
			"It needs no configuration and no network. Client-side encryption is enabled for the " +
			"emulated tenant, as on DRACOON Cloud; --crypto=false turns it off.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.jsonOut {
				return usagef("demo tells a story in text; it has no --json output")
			}
			return runDemo(cmd.Context(), a, adminPassword, cryptoOn)
		},
	}
	cmd.Flags().StringVar(&adminPassword, "admin-password", "", "password of the emulator's admin user (default: random)")
	cmd.Flags().BoolVar(&cryptoOn, "crypto", true, "enable client-side encryption for the emulated tenant, as on DRACOON Cloud")
	return cmd
}

// runDemo is the demo's body.
func runDemo(ctx context.Context, g *app, adminPassword string, cryptoOn bool) error {
	logger := g.logger()
	emu, err := emulator.New(emulator.Config{AdminPassword: adminPassword, Logger: logger, CryptoEnabled: emulator.Bool(cryptoOn)})
	if err != nil {
		return err
	}
	baseURL, stop, err := serveLoopback(emu.Handler())
	if err != nil {
		return err
	}
	defer stop()
	w := g.stdout
	fmt.Fprintf(w, "Emulator running at %s\n\n", baseURL)

	client, err := dracoon.New(baseURL, dracoon.WithLogger(logger))
	if err != nil {
		return err
	}
	if err := client.Connect(ctx, dracoon.PasswordFlow(emu.AdminLogin(), emu.AdminPassword())); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	defer client.Logout(context.WithoutCancel(ctx), true) //nolint:errcheck // best effort at exit

	info, err := client.Info(ctx)
	if err != nil {
		return fmt.Errorf("instance info: %w", err)
	}
	printAccount(w, info.Account)
	printSystemInfo(w, info)

	if _, err := client.Nodes.CreateRoom(ctx, &dracoon.CreateRoomRequest{Name: "Demo", AdminIDs: []int64{info.Account.ID}}); err != nil {
		return fmt.Errorf("create room: %w", err)
	}
	fmt.Fprintln(w, "Rooms:")
	n := 0
	for room, err := range client.Nodes.All(ctx, 0, nil) {
		if err != nil {
			return fmt.Errorf("list rooms: %w", err)
		}
		n++
		fmt.Fprintf(w, "  %-6d %-20s encrypted=%t\n", room.ID, room.Name, room.IsEncrypted)
	}
	fmt.Fprintf(w, "  (%d rooms)\n", n)
	return nil
}

// printAccount writes the account block.
func printAccount(w io.Writer, a *dracoon.UserAccount) {
	roles := make([]string, 0, len(a.UserRoles.Items))
	for _, r := range a.UserRoles.Items {
		roles = append(roles, r.Name)
	}
	fmt.Fprintln(w, "Account:")
	fmt.Fprintf(w, "  id        %d\n", a.ID)
	fmt.Fprintf(w, "  user name %s\n", a.UserName)
	fmt.Fprintf(w, "  name      %s %s\n", a.FirstName, a.LastName)
	fmt.Fprintf(w, "  language  %s\n", a.Language)
	fmt.Fprintf(w, "  roles     %s\n\n", strings.Join(roles, ", "))
}

// printSystemInfo writes the system information block.
func printSystemInfo(w io.Writer, info *dracoon.InstanceInfo) {
	s := info.SystemInfo
	fmt.Fprintln(w, "System:")
	fmt.Fprintf(w, "  language        %s\n", s.LanguageDefault)
	fmt.Fprintf(w, "  S3 storage      %t (direct upload enforced: %t)\n", s.UseS3Storage, s.S3EnforceDirectUpload)
	fmt.Fprintf(w, "  encryption      %t\n", info.General.CryptoEnabled)
	fmt.Fprintf(w, "  AD logins       %d, OpenID providers %d\n\n", len(info.ADAuth.Items), len(info.OpenIDAuth.Items))
}

// serveLoopback serves h on a free loopback port and returns its base URL
// and a function that shuts the server down.
func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen on loopback: %w", err)
	}
	srv := &http.Server{Handler: h}
	emulator.ConfigureServer(srv, emulator.Timeouts{}) // header, idle and per-read/write progress timeouts
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err) // cannot happen on a fresh listener
		}
	}()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String(), stop, nil
}
