package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/spf13/cobra"
)

// keyPairVersion parses --version: "RSA-4096" (default) or "A" (RSA-2048).
func keyPairVersion(s string) (crypto.KeyPairVersion, error) {
	switch strings.ToUpper(s) {
	case "", "RSA-4096", "RSA4096", "4096":
		return crypto.KeyPairRSA4096, nil
	case "A", "RSA-2048", "RSA2048", "2048":
		return crypto.KeyPairRSA2048, nil
	}
	return "", usagef("--version must be RSA-4096 or A (RSA-2048), got %q", s)
}

// keypairCmd groups the key pair commands.
func (a *app) keypairCmd() *cobra.Command {
	return commandGroup("keypair", "Create, show or delete your key pair for client-side encryption",
		a.keypairCreateCmd(), a.keypairShowCmd(), a.keypairDeleteCmd())
}

// keypairCreateCmd creates a key pair protected by the encryption password.
func (a *app) keypairCreateCmd() *cobra.Command {
	var version string
	cmd := &cobra.Command{
		Use:   "create TARGET",
		Short: "Create a key pair, protected by the encryption password ($" + envEncryptionPassword + " or asked)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			v, err := keyPairVersion(version)
			if err != nil {
				return err
			}
			t, err := parseTarget(args[0])
			if err != nil {
				return err
			}
			password, err := a.encryptionPassword(t)
			if err != nil {
				return err
			}
			c, err := a.connect(ctx, t)
			if err != nil {
				return err
			}
			kp, err := c.Account.GenerateKeyPair(ctx, password, v)
			if err != nil {
				return fmt.Errorf("create key pair: %w", err)
			}
			if a.jsonOut {
				return a.emitJSON(keyPairInfo{Version: string(kp.PublicKeyContainer.Version)})
			}
			a.infof("created key pair %s", kp.PublicKeyContainer.Version)
			return nil
		},
	}
	cmd.Flags().StringVar(&version, "version", "RSA-4096", "key pair version: RSA-4096 or A (RSA-2048)")
	return cmd
}

// keyPairInfo is what keypair show tells about a key pair: never the
// private key.
type keyPairInfo struct {
	Version   string    `json:"version"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	PublicKey string    `json:"publicKey,omitempty"`
}

// keypairShowCmd lists the own key pairs.
func (a *app) keypairShowCmd() *cobra.Command {
	var pem bool
	cmd := &cobra.Command{
		Use:   "show TARGET",
		Short: "Show your key pairs' versions (and public keys with --public-key)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			kps, err := c.Account.KeyPairs(ctx)
			if err != nil {
				return fmt.Errorf("key pairs: %w", err)
			}
			infos := make([]keyPairInfo, 0, len(kps))
			t := &table{header: []string{"VERSION", "CREATED"}}
			for _, kp := range kps {
				pk := kp.PublicKeyContainer
				info := keyPairInfo{Version: string(pk.Version), CreatedAt: pk.CreatedAt}
				if pem {
					info.PublicKey = pk.PublicKey
				}
				infos = append(infos, info)
				t.add(info.Version, formatTime(info.CreatedAt))
			}
			if len(kps) == 0 && !a.jsonOut {
				a.infof("no key pair")
				return nil
			}
			if err := a.output(infos, t, false); err != nil || a.jsonOut || !pem {
				return err
			}
			for _, kp := range kps {
				fmt.Fprintf(a.stdout, "\n%s\n", strings.TrimSpace(kp.PublicKeyContainer.PublicKey))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&pem, "public-key", false, "also print the public keys (PEM)")
	return cmd
}

// keypairDeleteCmd deletes a key pair.
func (a *app) keypairDeleteCmd() *cobra.Command {
	var version string
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete TARGET",
		Short: "Delete a key pair; files only it can decrypt become unreadable",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			v, err := keyPairVersion(version)
			if err != nil {
				return err
			}
			if !yes {
				if !a.term.Interactive() {
					return usagef("deleting a key pair needs --yes when no terminal is attached")
				}
				ok, err := confirm(a.term, fmt.Sprintf("Delete key pair %s? Files only it can decrypt become unreadable.", v))
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("key pair %s not deleted", v)
				}
			}
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			if err := c.Account.DeleteKeyPair(ctx, v); err != nil {
				return fmt.Errorf("delete key pair %s: %w", v, err)
			}
			if a.jsonOut {
				return a.emitJSON(map[string]string{"deleted": string(v)})
			}
			a.infof("deleted key pair %s", v)
			return nil
		},
	}
	cmd.Flags().StringVar(&version, "version", "RSA-4096", "key pair version: RSA-4096 or A (RSA-2048)")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return cmd
}
