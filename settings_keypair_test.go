package dracoon

import (
	"context"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
)

func TestRescueKeyPairEndpoints(t *testing.T) {
	ctx := context.Background()
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA4096)
	runOpCases(t, []opCase{
		{"get", "GET /api/v4/settings/keypair", fakeCall{query: "version=RSA-4096", answer: fx.raw},
			func(t *testing.T, c *Client) error {
				kp, err := c.Settings.RescueKeyPair(ctx, crypto.KeyPairRSA4096)
				return firstError(err, expect(err == nil && kp.PublicKeyContainer.PublicKey == fx.UserKeyPair.PublicKeyContainer.PublicKey, "%v", kp))
			}},
		{"list", "GET /api/v4/settings/keypairs", fakeCall{answer: "[" + fx.raw + "]"},
			func(t *testing.T, c *Client) error {
				l, err := c.Settings.RescueKeyPairs(ctx)
				return firstError(err, expect(err == nil && len(l) == 1 && l[0].PrivateKeyContainer.Version == crypto.KeyPairRSA4096, "%v", l))
			}},
		{"set", "POST /api/v4/settings/keypair", fakeCall{body: fx.raw},
			func(t *testing.T, c *Client) error {
				kp := fx.UserKeyPair
				return c.Settings.SetRescueKeyPair(ctx, &kp)
			}},
		{"migrate", "POST /api/v4/settings/keypairs", fakeCall{
			body: `{"privateKeyContainer":{"version":"RSA-4096","privateKey":"new-priv"},"publicKeyContainer":{"version":"RSA-4096","publicKey":"new-pub"},
				"previousPrivateKey":{"version":"A","privateKey":"old-priv"}}`},
			func(t *testing.T, c *Client) error {
				return c.Settings.MigrateRescueKeyPair(ctx, &CreateKeyPairRequest{
					PrivateKeyContainer: crypto.PrivateKeyContainer{Version: crypto.KeyPairRSA4096, PrivateKey: "new-priv"},
					PublicKeyContainer:  crypto.PublicKeyContainer{Version: crypto.KeyPairRSA4096, PublicKey: "new-pub"},
					PreviousPrivateKey:  crypto.PrivateKeyContainer{Version: crypto.KeyPairRSA2048, PrivateKey: "old-priv"}})
			}},
		{"delete", "DELETE /api/v4/settings/keypair", fakeCall{query: "version=A"},
			func(t *testing.T, c *Client) error { return c.Settings.DeleteRescueKeyPair(ctx, crypto.KeyPairRSA2048) }},
	})
	runInvalidCases(t, []invalidCase{
		{"version", "version", func(ctx context.Context, c *Client) error {
			_, err := c.Settings.RescueKeyPair(ctx, "RSA-1024")
			return err
		}},
		{"nil pair", "keyPair", func(ctx context.Context, c *Client) error { return c.Settings.SetRescueKeyPair(ctx, nil) }},
		{"half pair", "publicKeyContainer.publicKey", func(ctx context.Context, c *Client) error {
			kp := fx.UserKeyPair
			kp.PublicKeyContainer.PublicKey = ""
			return c.Settings.SetRescueKeyPair(ctx, &kp)
		}},
		{"migrate nil", "request", func(ctx context.Context, c *Client) error { return c.Settings.MigrateRescueKeyPair(ctx, nil) }},
		{"delete version", "version", func(ctx context.Context, c *Client) error { return c.Settings.DeleteRescueKeyPair(ctx, "B") }},
	})
}
