package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/crypto"
	"github.com/spf13/cobra"
)

// envSharePassword holds the password of a new share.
const envSharePassword = "DRACOON_SHARE_PASSWORD"

// shareSettings are the options of share and request.
type shareSettings struct {
	password     bool
	expire       string
	maxDownloads int
}

// register adds the flags common to share and request. --password is a
// switch: the password itself comes from the environment or a prompt,
// never from the command line.
func (s *shareSettings) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&s.password, "password", false, "protect the share with a password, read from $"+envSharePassword+" or asked without echo")
	cmd.Flags().StringVar(&s.expire, "expire", "", "expiry date, YYYY-MM-DD or RFC 3339 (e.g. 2027-01-31T18:00:00Z)")
}

// expiration parses --expire.
func (s *shareSettings) expiration() (*dracoon.Expiration, error) {
	if s.expire == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s.expire); err == nil {
			return dracoon.ExpireAt(t), nil
		}
	}
	return nil, usagef("--expire %q: write a date as YYYY-MM-DD or RFC 3339", s.expire)
}

// sharePassword reads a share password from the environment or asks for
// it.
func (a *app) sharePassword() (string, error) {
	return a.secret("", envSharePassword, "Share password: ")
}

// shareLink is a created share, for output. The link holds the access
// key: it is printed because handing it on is the point of a share.
type shareLink struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"` // download or upload
	Path         string    `json:"path"`
	Link         string    `json:"link"`
	Protected    bool      `json:"protected"`
	Encrypted    bool      `json:"encrypted"`
	ExpireAt     time.Time `json:"expireAt,omitzero"`
	MaxDownloads int       `json:"maxDownloads,omitempty"`
}

// printLink prints a share's link on stdout.
func (a *app) printLink(s *shareLink) {
	what := "share"
	if s.Protected {
		what = "password-protected share"
	}
	if s.Encrypted {
		what = "encrypted " + what
	}
	var limits []string
	if !s.ExpireAt.IsZero() {
		limits = append(limits, "expires "+formatTime(s.ExpireAt))
	}
	if s.MaxDownloads > 0 {
		limits = append(limits, fmt.Sprintf("%d downloads", s.MaxDownloads))
	}
	if len(limits) > 0 {
		what += " (" + strings.Join(limits, ", ") + ")"
	}
	a.infof("%s of %s: %s", what, s.Path, s.Link)
	if a.quiet && !a.jsonOut {
		fmt.Fprintln(a.stdout, s.Link)
	}
}

// unlocked reports whether the client holds an unlocked key pair.
func unlocked(c *dracoon.Client) bool {
	return c.Account.UnlockedKeyPair(crypto.KeyPairRSA4096) != nil || c.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) != nil
}

// createShare creates a download share of n. A file of an encrypted room
// gets an encrypted share, whose password is required; other nodes get
// a password only with --password.
func (a *app) createShare(ctx context.Context, c *dracoon.Client, t target, n *dracoon.Node, s shareSettings) (*shareLink, error) {
	exp, err := s.expiration()
	if err != nil {
		return nil, err
	}
	req := &dracoon.CreateDownloadShareRequest{NodeID: n.ID, Expiration: exp, MaxDownloads: s.maxDownloads}
	var share *dracoon.DownloadShare
	switch {
	case n.IsEncrypted && n.Type != dracoon.NodeTypeFile:
		return nil, usagef("only files of an encrypted room can be shared, not a %s", n.Type)
	case n.IsEncrypted:
		password, err := a.sharePassword()
		if err != nil {
			return nil, err
		}
		if !unlocked(c) {
			if err := a.unlock(ctx, c, t); err != nil {
				return nil, err
			}
		}
		share, err = c.Shares.CreateEncryptedDownloadShare(ctx, req, password)
		if err != nil {
			return nil, fmt.Errorf("create encrypted share: %w", err)
		}
	default:
		if s.password {
			if req.Password, err = a.sharePassword(); err != nil {
				return nil, err
			}
		}
		if share, err = c.Shares.CreateDownloadShare(ctx, req); err != nil {
			return nil, fmt.Errorf("create share: %w", err)
		}
	}
	return &shareLink{
		ID: share.ID, Kind: "download", Path: nodePath(n), Link: t.base + "/public/download-shares/" + share.AccessKey,
		Protected: share.IsProtected, Encrypted: share.IsEncrypted, ExpireAt: share.ExpireAt, MaxDownloads: share.MaxDownloads,
	}, nil
}

// nodePath is the node's full path.
func nodePath(n *dracoon.Node) string {
	return refOf(*n, n.ParentPath).Path
}

// shareCmd creates a download share.
func (a *app) shareCmd() *cobra.Command {
	var s shareSettings
	cmd := &cobra.Command{
		Use:   "share TARGET",
		Short: "Create a download share of a file, folder or room and print its link",
		Long: "share creates a download share of TARGET and prints its link. With --password the share is protected by " +
			"a password from $" + envSharePassword + " (or asked without echo). A file of an encrypted room always gets " +
			"an encrypted share: its password protects the file's key and is required; the encryption password unlocks " +
			"your key pair to make it.",
		Args: exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			t, err := parseTarget(args[0])
			if err != nil {
				return err
			}
			if t.pattern != "" || t.isRoot() {
				return usagef("share one room, folder or file, not %s", t.display())
			}
			c, err := a.connect(ctx, t)
			if err != nil {
				return err
			}
			n, err := c.Nodes.Resolve(ctx, t.path)
			if err != nil {
				return err
			}
			link, err := a.createShare(ctx, c, t, n, s)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.emitJSON(link)
			}
			a.printLink(link)
			return nil
		},
	}
	s.register(cmd)
	cmd.Flags().IntVar(&s.maxDownloads, "max-downloads", 0, "number of downloads allowed (0: no limit)")
	return cmd
}

// requestCmd creates an upload share (file request).
func (a *app) requestCmd() *cobra.Command {
	var s shareSettings
	var maxFiles int
	cmd := &cobra.Command{
		Use:   "request TARGET",
		Short: "Create an upload share (file request) for a room or folder and print its link",
		Long: "request creates an upload share for the room or folder TARGET: whoever has the link may upload files " +
			"into it. With --password the share is protected by a password from $" + envSharePassword + " (or asked).",
		Args: exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			exp, err := s.expiration()
			if err != nil {
				return err
			}
			t, err := parseTarget(args[0])
			if err != nil {
				return err
			}
			if t.pattern != "" || t.isRoot() {
				return usagef("request names one room or folder, not %s", t.display())
			}
			c, err := a.connect(ctx, t)
			if err != nil {
				return err
			}
			id, err := containerID(ctx, c, t.path)
			if err != nil {
				return err
			}
			req := &dracoon.CreateUploadShareRequest{TargetID: id, Expiration: exp, MaxSlots: maxFiles}
			if s.password {
				if req.Password, err = a.sharePassword(); err != nil {
					return err
				}
			}
			share, err := c.Shares.CreateUploadShare(ctx, req)
			if err != nil {
				return fmt.Errorf("create upload share: %w", err)
			}
			link := &shareLink{ID: share.ID, Kind: "upload", Path: t.path, Link: t.base + "/public/upload-shares/" + share.AccessKey,
				Protected: share.IsProtected, Encrypted: share.IsEncrypted, ExpireAt: share.ExpireAt}
			if a.jsonOut {
				return a.emitJSON(link)
			}
			a.printLink(link)
			return nil
		},
	}
	s.register(cmd)
	cmd.Flags().IntVar(&maxFiles, "max-files", 0, "number of files that may be uploaded (0: no limit)")
	return cmd
}
