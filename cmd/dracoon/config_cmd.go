package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/internal/emuserve"
	"github.com/spf13/cobra"
)

// configCmd groups the stored-credential and system commands.
func (a *app) configCmd() *cobra.Command {
	auth := commandGroup("auth", "The refresh token stored for an instance", a.storedSecretCmds("refresh token", refreshTokenKey)...)
	cr := commandGroup("crypto", "The encryption password stored for an instance", a.storedSecretCmds("encryption password", encryptionPasswordKey)...)
	return commandGroup("config", "Stored credentials and system information", auth, cr, a.systemInfoCmd())
}

// storedSecret is what config auth/crypto ls reports: never the secret.
type storedSecret struct {
	Host   string `json:"host"`
	Stored bool   `json:"stored"`
	Store  string `json:"store"`
}

// storedSecretCmds returns ls and rm for one kind of stored secret.
func (a *app) storedSecretCmds(what string, key func(host string) string) []*cobra.Command {
	ls := &cobra.Command{
		Use:   "ls TARGET",
		Short: "Say whether a " + what + " is stored for the instance (it is never shown)",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, store, err := a.targetStore(args[0])
			if err != nil {
				return err
			}
			_, err = store.Get(key(t.host))
			if err != nil && !errors.Is(err, errSecretNotFound) {
				return err
			}
			s := storedSecret{Host: t.host, Stored: err == nil, Store: store.Where()}
			if a.jsonOut {
				return a.emitJSON(s)
			}
			if s.Stored {
				fmt.Fprintf(a.stdout, "%s: %s stored in %s\n", s.Host, what, s.Store)
			} else {
				fmt.Fprintf(a.stdout, "%s: no %s stored in %s\n", s.Host, what, s.Store)
			}
			return nil
		},
	}
	rm := &cobra.Command{
		Use:   "rm TARGET",
		Short: "Remove the " + what + " stored for the instance",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, store, err := a.targetStore(args[0])
			if err != nil {
				return err
			}
			if err := store.Delete(key(t.host)); err != nil {
				if errors.Is(err, errSecretNotFound) {
					return fmt.Errorf("no %s stored for %s in %s", what, t.host, store.Where())
				}
				return err
			}
			if a.jsonOut {
				return a.emitJSON(map[string]string{"removed": what, "host": t.host})
			}
			a.infof("removed the %s of %s from %s", what, t.host, store.Where())
			return nil
		},
	}
	return []*cobra.Command{ls, rm}
}

// targetStore parses the target and opens the credential store.
func (a *app) targetStore(arg string) (target, secretStore, error) {
	t, err := parseTarget(arg)
	if err != nil {
		return target{}, nil, err
	}
	s, err := a.secrets()
	return t, s, err
}

// systemInfo is what config system-info shows.
type systemInfo struct {
	System   *dracoon.SystemInfo               `json:"system"`
	AD       []dracoon.ActiveDirectory         `json:"activeDirectories"`
	OpenID   []dracoon.OpenIDProvider          `json:"openIdProviders"`
	Customer *dracoon.CustomerData             `json:"customer"`
	Crypto   bool                              `json:"cryptoEnabled"`
	Infra    *dracoon.InfrastructureProperties `json:"infrastructure"`
}

// systemInfoCmd shows the login configurations, users and storage.
func (a *app) systemInfoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "system-info TARGET",
		Short: "Show the OpenID and Active Directory logins, used users and storage",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			si, err := fetchSystemInfo(ctx, c)
			if err != nil {
				return err
			}
			t := &table{}
			t.add("language", si.System.LanguageDefault)
			t.add("S3 storage", strconv.FormatBool(si.System.UseS3Storage))
			t.add("encryption", strconv.FormatBool(si.Crypto))
			t.add("users", fmt.Sprintf("%d of %d", si.Customer.AccountsUsed, si.Customer.AccountsLimit))
			t.add("storage", fmt.Sprintf("%s of %s", formatSize(si.Customer.SpaceUsed, true), formatSize(si.Customer.SpaceLimit, true)))
			for _, d := range si.AD {
				t.add("Active Directory", fmt.Sprintf("%d %s", d.ID, d.Alias))
			}
			for _, p := range si.OpenID {
				t.add("OpenID", fmt.Sprintf("%d %s (%s)", p.ID, p.Name, p.Issuer))
			}
			return a.output(si, t, false)
		},
	}
}

// fetchSystemInfo gathers system-info's parts.
func fetchSystemInfo(ctx context.Context, c *dracoon.Client) (*systemInfo, error) {
	info, err := c.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("system information: %w", err)
	}
	cust, err := c.Account.Customer(ctx)
	if err != nil {
		return nil, fmt.Errorf("customer data: %w", err)
	}
	return &systemInfo{System: info.SystemInfo, AD: nonNil(info.ADAuth.Items), OpenID: nonNil(info.OpenIDAuth.Items),
		Customer: cust, Crypto: info.General.CryptoEnabled, Infra: info.Infrastructure}, nil
}

// emulatorCmd runs the standalone emulator with dracoon-emulator's flags.
func (a *app) emulatorCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "emulator [flags]",
		Short:              "Run the DRACOON emulator as a server (flags as dracoon-emulator; --help lists them)",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			err := emuserve.Run(cmd.Context(), "dracoon emulator", args, func(k string) string { return a.env[k] }, a.stdout, a.stderr)
			var ue *emuserve.UsageError
			switch {
			case errors.Is(err, flag.ErrHelp):
				return nil
			case errors.As(err, &ue):
				return &usageError{err}
			}
			return err
		},
	}
}
