package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/internal/emulator"
	"github.com/spf13/cobra"
)

// demoFileSize is the size of the file the demo uploads.
const demoFileSize = 4 << 20

// demoCmd runs the main job against an emulator in this process.
func (a *app) demoCmd() *cobra.Command {
	var adminPassword string
	var cryptoOn bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Show the main job against an embedded DRACOON emulator, in a few seconds",
		Long: "demo starts a DRACOON emulator inside this process and, step by step: logs in; creates a key pair and " +
			"an encrypted room; uploads a generated file (with a progress bar on a terminal); lists the room and " +
			"creates a password-protected share; downloads the file through the public share as a stranger would, " +
			"with a client that never logged in; and compares the SHA-256 of both. It needs no configuration and no " +
			"network. The secrets it makes up are never shown. --crypto=false runs it without client-side encryption.",
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

	// 1. Log in.
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
	fmt.Fprintf(w, "1. Logged in as %s (password flow).\n\n", info.Account.UserName)
	printAccount(w, info.Account)
	printSystemInfo(w, info)

	// 2. A key pair and an encrypted room.
	room, err := demoRoom(ctx, client, info.Account.ID, cryptoOn, w)
	if err != nil {
		return err
	}

	// 3. Upload a generated file.
	data := make([]byte, demoFileSize)
	rand.Read(data)
	sum := sha256.Sum256(data)
	b := g.newBars(ctx, 1, demoFileSize)
	start := time.Now()
	file, err := client.Transfers.Upload(ctx, bytes.NewReader(data), demoFileSize, dracoon.NodeID(room.ID),
		&dracoon.UploadOptions{Name: "demo.bin", Progress: b.file("demo.bin", demoFileSize)})
	b.wait()
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	how := "as is"
	if file.IsEncrypted {
		how = "encrypted on this machine (AES-256-GCM) with a fresh file key, sealed for the key pair"
	}
	fmt.Fprintf(w, "3. Uploaded demo.bin, %s of random bytes, in %s, %s.\n   SHA-256 %x\n\n",
		formatSize(demoFileSize, true), time.Since(start).Round(time.Millisecond), how, sum)

	// 4. List the room and share the file with a password.
	fmt.Fprintf(w, "4. Room /%s holds:\n", room.Name)
	for n, err := range client.Nodes.All(ctx, room.ID, nil) {
		if err != nil {
			return fmt.Errorf("list room: %w", err)
		}
		fmt.Fprintf(w, "     %-10s %9s  encrypted=%t\n", n.Name, formatSize(n.Size, true), n.IsEncrypted)
	}
	sharePassword := rand.Text()
	req := &dracoon.CreateDownloadShareRequest{NodeID: file.ID}
	var share *dracoon.DownloadShare
	if file.IsEncrypted {
		share, err = client.Shares.CreateEncryptedDownloadShare(ctx, req, sharePassword)
	} else {
		req.Password = sharePassword
		share, err = client.Shares.CreateDownloadShare(ctx, req)
	}
	if err != nil {
		return fmt.Errorf("create share: %w", err)
	}
	fmt.Fprintf(w, "   Created a password-protected download share (encrypted=%t): %s/public/download-shares/<access key, not shown>\n", share.IsEncrypted, baseURL)
	fmt.Fprintln(w, "   (the share password was made up for the demo and is not shown)")
	fmt.Fprintln(w)

	// 5. A stranger downloads it through the public share.
	stranger, err := dracoon.New(baseURL, dracoon.WithLogger(logger))
	if err != nil {
		return err
	}
	h := sha256.New()
	start = time.Now()
	pub, err := stranger.Public.DownloadShareTo(ctx, share.AccessKey, sharePassword, h, nil)
	if err != nil {
		return fmt.Errorf("download through the public share: %w", err)
	}
	fmt.Fprintf(w, "5. Downloaded %s (%s) through the public share in %s, with a new client that never logged in and knows only the link and the password", pub.FileName, formatSize(pub.Size, true), time.Since(start).Round(time.Millisecond))
	if pub.IsEncrypted {
		fmt.Fprint(w, "; the password opened the share's key pair, which decrypted the file key, and the content was decrypted and authenticated on the way")
	}
	fmt.Fprint(w, ".\n\n")

	// 6. Compare.
	got := h.Sum(nil)
	if !bytes.Equal(got, sum[:]) {
		return fmt.Errorf("SHA-256 mismatch: uploaded %x, downloaded %x", sum, got)
	}
	fmt.Fprintf(w, "6. SHA-256 of the download %x\n   matches the upload: the file made the round trip intact.\n", got)
	return nil
}

// demoRoom creates the demo's room: with encryption, after a key pair
// for the user, unlocked with a password made up for the demo.
func demoRoom(ctx context.Context, c *dracoon.Client, adminID int64, cryptoOn bool, w io.Writer) (*dracoon.Node, error) {
	room, err := c.Nodes.CreateRoom(ctx, &dracoon.CreateRoomRequest{Name: "Demo", AdminIDs: []int64{adminID}})
	if err != nil {
		return nil, fmt.Errorf("create room: %w", err)
	}
	if !cryptoOn {
		fmt.Fprintf(w, "2. Created room /%s without encryption (--crypto=false).\n\n", room.Name)
		return room, nil
	}
	password := rand.Text()
	if _, err := c.Account.GenerateKeyPair(ctx, password, crypto.KeyPairRSA2048); err != nil {
		return nil, fmt.Errorf("create key pair: %w", err)
	}
	if _, err := c.Account.UnlockKeyPair(ctx, password); err != nil {
		return nil, fmt.Errorf("unlock key pair: %w", err)
	}
	if room, err = c.Rooms.Encrypt(ctx, room.ID, &dracoon.EncryptRoomRequest{IsEncrypted: true}); err != nil {
		return nil, fmt.Errorf("encrypt room: %w", err)
	}
	fmt.Fprintf(w, "2. Created a key pair (version %s; its private key is encrypted with a password made up for the demo,\n"+
		"   not shown) and the encrypted room /%s (encrypted=%t).\n\n", crypto.KeyPairRSA2048, room.Name, room.IsEncrypted)
	return room, nil
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
