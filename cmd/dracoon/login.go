package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// credentialFlags are the global credential flags. Each falls back to its
// environment variable; the environment is the documented way, since flags
// end up in shell history.
type credentialFlags struct {
	username, password, encryptionPassword string
	clientID, clientSecret                 string
}

// register adds the flags to the root command.
func (c *credentialFlags) register(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.StringVar(&c.username, "username", "", "user name for the password flow (default $"+envUsername+")")
	pf.StringVar(&c.password, "password", "", "password for the password flow (default $"+envPassword+"; prefer the variable, flags end up in shell history)")
	pf.StringVar(&c.encryptionPassword, "encryption-password", "", "encryption password (default $"+envEncryptionPassword+"; prefer the variable)")
	pf.StringVar(&c.clientID, "client-id", "", "OAuth client id (default $"+envClientID+", else "+dracoon.DefaultClientID+")")
	pf.StringVar(&c.clientSecret, "client-secret", "", "OAuth client secret (default $"+envClientSecret+")")
}

// setting returns a flag's value, else the environment variable's.
func (a *app) setting(flag, env string) string {
	if flag != "" {
		return flag
	}
	return a.env[env]
}

// secret returns a flag's or environment variable's value, else asks on
// the terminal, else fails with an error naming the variable.
func (a *app) secret(flag, env, prompt string) (string, error) {
	if v := a.setting(flag, env); v != "" {
		return v, nil
	}
	if !a.term.Interactive() {
		return "", usagef("%s is not set and there is no terminal to ask for it", env)
	}
	v, err := a.term.ReadSecret(prompt)
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", usagef("no %s given", prompt)
	}
	return v, nil
}

// secrets opens the credential store on first use.
func (a *app) secrets() (secretStore, error) {
	if a.store == nil {
		s, err := a.openStore()
		if err != nil {
			return nil, err
		}
		a.store = s
	}
	return a.store, nil
}

// newClient returns an SDK client for the target's instance, not yet
// logged in.
func (a *app) newClient(t target, opts ...dracoon.Option) (*dracoon.Client, error) {
	opts = append([]dracoon.Option{dracoon.WithLogger(a.logger()), dracoon.WithUserAgent("dracoon-cli/" + dracoon.Version)}, opts...)
	if id := a.setting(a.creds.clientID, envClientID); id != "" {
		opts = append(opts, dracoon.WithClientID(id))
	}
	if s := a.setting(a.creds.clientSecret, envClientSecret); s != "" {
		opts = append(opts, dracoon.WithClientSecret(s))
	}
	if a.httpClient != nil {
		opts = append(opts, dracoon.WithHTTPClient(a.httpClient))
	}
	return dracoon.New(t.base, opts...)
}

// connect returns a client logged in to the target's instance:
//
//  1. with a user name (flag or $DRACOON_USERNAME), the password flow,
//     asking for the password on a terminal;
//  2. else with a refresh token stored for the host;
//  3. else, on a terminal, the authorization-code flow, whose refresh
//     token is then stored.
//
// Without a terminal and without credentials it fails naming the
// variables to set.
func (a *app) connect(ctx context.Context, t target) (*dracoon.Client, error) {
	if user := a.setting(a.creds.username, envUsername); user != "" {
		password, err := a.secret(a.creds.password, envPassword, "Password for "+user+" at "+t.host+": ")
		if err != nil {
			return nil, err
		}
		c, err := a.newClient(t)
		if err != nil {
			return nil, err
		}
		if err := c.Connect(ctx, dracoon.PasswordFlow(user, password)); err != nil {
			return nil, fmt.Errorf("login as %s at %s: %w", user, t.host, err)
		}
		return c, nil
	}
	if a.setting(a.creds.password, envPassword) != "" {
		return nil, usagef("%s is set but %s is not", envPassword, envUsername)
	}
	store, err := a.secrets()
	if err != nil {
		return nil, err
	}
	c, err := a.newClient(t, dracoon.WithTokenHook(a.keepRefreshToken(store, t.host)))
	if err != nil {
		return nil, err
	}
	refresh, err := store.Get(refreshTokenKey(t.host))
	switch {
	case err == nil:
		err = c.Connect(ctx, dracoon.RefreshTokenFlow(refresh))
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, dracoon.ErrUnauthorized) || !a.term.Interactive() {
			return nil, fmt.Errorf("login at %s with the stored refresh token (remove it with: dracoon config auth rm %s): %w", t.host, t.host, err)
		}
		a.logger().Info("stored refresh token refused; logging in again", "host", t.host)
	case !errors.Is(err, errSecretNotFound):
		return nil, err
	}
	if !a.term.Interactive() {
		return nil, usagef("no credentials for %s: set %s and %s (no terminal to log in through the browser)", t.host, envUsername, envPassword)
	}
	return c, a.authorize(ctx, c, t)
}

// authorize runs the authorization-code flow: the user opens the URL,
// logs in and pastes the code shown. The refresh token is then stored by
// the token hook.
func (a *app) authorize(ctx context.Context, c *dracoon.Client, t target) error {
	fmt.Fprintf(a.stderr, "Open this address in a browser, log in and paste the code shown:\n\n  %s\n\n", c.AuthCodeURL(""))
	code, err := a.term.ReadSecret("Code: ")
	if err != nil {
		return err
	}
	if code == "" {
		return usagef("no authorization code given")
	}
	if err := c.Connect(ctx, dracoon.AuthCodeFlow(code)); err != nil {
		return fmt.Errorf("login at %s: %w", t.host, err)
	}
	return nil
}

// keepRefreshToken returns a token hook that stores each new refresh
// token for host, so that rotated tokens survive the run. A failure to
// store is logged (without the token) and does not fail the command.
func (a *app) keepRefreshToken(store secretStore, host string) func(dracoon.Token) {
	return func(tok dracoon.Token) {
		if tok.RefreshToken == "" {
			return
		}
		if err := store.Set(refreshTokenKey(host), tok.RefreshToken); err != nil {
			a.logger().Warn("could not store the refresh token", "host", host, "store", store.Where(), "error", err.Error())
		}
	}
}

// encryptionPassword returns the encryption password: flag or
// environment, else stored for the host, else asked on a terminal, with
// the offer to store it.
func (a *app) encryptionPassword(t target) (string, error) {
	if v := a.setting(a.creds.encryptionPassword, envEncryptionPassword); v != "" {
		return v, nil
	}
	store, err := a.secrets()
	if err != nil {
		return "", err
	}
	if v, err := store.Get(encryptionPasswordKey(t.host)); err == nil {
		return v, nil
	} else if !errors.Is(err, errSecretNotFound) {
		return "", err
	}
	v, err := a.secret("", envEncryptionPassword, "Encryption password for "+t.host+": ")
	if err != nil {
		return "", err
	}
	ok, err := confirm(a.term, "Store the encryption password in "+store.Where()+"?")
	if err != nil {
		return "", err
	}
	if ok {
		if err := store.Set(encryptionPasswordKey(t.host), v); err != nil {
			return "", err
		}
	}
	return v, nil
}

// unlock unlocks the user's key pair with the encryption password
// (environment, stored or asked), for transfers into and out of
// encrypted rooms and for encrypted shares.
func (a *app) unlock(ctx context.Context, c *dracoon.Client, t target) error {
	password, err := a.encryptionPassword(t)
	if err != nil {
		return err
	}
	if _, err := c.Account.UnlockKeyPair(ctx, password); err != nil {
		return fmt.Errorf("unlock the key pair for %s: %w", t.host, err)
	}
	return nil
}
