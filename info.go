package dracoon

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// InstanceInfo is what a client usually wants to know right after login:
// who it is and what the instance offers.
type InstanceInfo struct {
	Account        *UserAccount
	SystemInfo     *SystemInfo
	ADAuth         *ActiveDirectoryAuthInfo
	OpenIDAuth     *OpenIDAuthInfo
	Defaults       *SystemDefaults
	Infrastructure *InfrastructureProperties
	General        *GeneralSettings
}

// Info fetches the own account, the public system information, the Active
// Directory and OpenID Connect login offers, the system defaults, the
// infrastructure properties and the general settings, concurrently. It
// fails with the first error.
func (c *Client) Info(ctx context.Context) (*InstanceInfo, error) {
	var info InstanceInfo
	g, ctx := errgroup.WithContext(ctx)
	fetchInto(ctx, g, &info.Account, c.Account.Get)
	fetchInto(ctx, g, &info.SystemInfo, c.Public.SystemInfo)
	fetchInto(ctx, g, &info.ADAuth, c.Public.ActiveDirectoryAuthInfo)
	fetchInto(ctx, g, &info.OpenIDAuth, c.Public.OpenIDAuthInfo)
	fetchInto(ctx, g, &info.Defaults, c.Config.Defaults)
	fetchInto(ctx, g, &info.Infrastructure, c.Config.Infrastructure)
	fetchInto(ctx, g, &info.General, c.Config.General)
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return &info, nil
}

// fetchInto runs get in g and stores its result in dst.
func fetchInto[T any](ctx context.Context, g *errgroup.Group, dst **T, get func(context.Context) (*T, error)) {
	g.Go(func() error {
		v, err := get(ctx)
		*dst = v
		return err
	})
}
