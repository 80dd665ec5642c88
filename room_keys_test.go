package dracoon

import (
	"context"
	"net/http"
	"testing"

	"github.com/dracoon-go/dracoon/crypto"
)

// fixtureGenerator replaces the key pair generator for the test with one
// that hands out fx (an RSA-4096 key costs seconds) after checking the
// password, and records the versions asked for.
func fixtureGenerator(t *testing.T, fx keyPairFixture) *[]crypto.KeyPairVersion {
	var asked []crypto.KeyPairVersion
	saved := generateUserKeyPair
	t.Cleanup(func() { generateUserKeyPair = saved })
	generateUserKeyPair = func(v crypto.KeyPairVersion, password string) (*crypto.UserKeyPairContainer, error) {
		asked = append(asked, v)
		if password != fx.Password {
			t.Error("the generator did not get the password")
		}
		c := fx.UserKeyPair
		return &c, nil
	}
	return &asked
}

func TestRoomRescueKeyPairEndpoints(t *testing.T) {
	ctx := context.Background()
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA4096)
	asked := fixtureGenerator(t, fx)
	runOpCases(t, []opCase{
		{"get", "GET /api/v4/nodes/rooms/7/keypair", fakeCall{query: "version=RSA-4096", answer: fx.raw},
			func(t *testing.T, c *Client) error {
				kp, err := c.Rooms.RescueKeyPair(ctx, 7, crypto.KeyPairRSA4096)
				return firstError(err, expect(err == nil && kp.PublicKeyContainer.PublicKey == fx.UserKeyPair.PublicKeyContainer.PublicKey, "%v", kp))
			}},
		{"get preferred", "GET /api/v4/nodes/rooms/7/keypair", fakeCall{answer: fx.raw},
			func(t *testing.T, c *Client) error { _, err := c.Rooms.RescueKeyPair(ctx, 7, ""); return err }},
		{"set", "POST /api/v4/nodes/rooms/7/keypair", fakeCall{body: fx.raw},
			func(t *testing.T, c *Client) error {
				kp := fx.UserKeyPair
				return c.Rooms.SetRescueKeyPair(ctx, 7, &kp)
			}},
		{"generate", "POST /api/v4/nodes/rooms/7/keypair", fakeCall{body: fx.raw},
			func(t *testing.T, c *Client) error {
				kp, err := c.Rooms.GenerateRescueKeyPair(ctx, 7, fx.Password, "")
				return firstError(err, expect(err == nil && kp.PrivateKeyContainer.PrivateKey == fx.UserKeyPair.PrivateKeyContainer.PrivateKey &&
					len(*asked) == 1 && (*asked)[0] == crypto.KeyPairRSA4096, "%v, asked %v", kp, *asked))
			}},
		{"migrate", "POST /api/v4/nodes/rooms/7/keypairs", fakeCall{
			body: `{"privateKeyContainer":{"version":"RSA-4096","privateKey":"new-priv"},"publicKeyContainer":{"version":"RSA-4096","publicKey":"new-pub"},
				"previousPrivateKey":{"version":"A","privateKey":"old-priv"}}`},
			func(t *testing.T, c *Client) error {
				return c.Rooms.MigrateRescueKeyPair(ctx, 7, &CreateKeyPairRequest{
					PrivateKeyContainer: crypto.PrivateKeyContainer{Version: crypto.KeyPairRSA4096, PrivateKey: "new-priv"},
					PublicKeyContainer:  crypto.PublicKeyContainer{Version: crypto.KeyPairRSA4096, PublicKey: "new-pub"},
					PreviousPrivateKey:  crypto.PrivateKeyContainer{Version: crypto.KeyPairRSA2048, PrivateKey: "old-priv"}})
			}},
		{"delete", "DELETE /api/v4/nodes/rooms/7/keypair", fakeCall{query: "version=A"},
			func(t *testing.T, c *Client) error { return c.Rooms.DeleteRescueKeyPair(ctx, 7, crypto.KeyPairRSA2048) }},
	})
	// The document answers this list with 204 and a body, which HTTP
	// forbids and its own validator cannot read: both shapes a server can
	// send are served off the contract.
	t.Run("list with 204", func(t *testing.T) {
		f := newFakeAPI(t)
		f.handleOffSpec(http.MethodGet, "/api/v4/nodes/rooms/7/keypairs", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNoContent)
		})
		l, err := f.client.Rooms.RescueKeyPairs(ctx, 7)
		if err != nil || len(l) != 0 || f.requests.Load() != 1 {
			t.Fatalf("%v, %v", l, err)
		}
	})
	t.Run("list with 200", func(t *testing.T) {
		f := newFakeAPI(t)
		f.handleOffSpec(http.MethodGet, "/api/v4/nodes/rooms/7/keypairs", func(w http.ResponseWriter, r *http.Request) {
			writeRaw(w, "["+fx.raw+","+fx.raw+"]")
		})
		l, err := f.client.Rooms.RescueKeyPairs(ctx, 7)
		if err != nil || len(l) != 2 || l[1].PrivateKeyContainer.Version != crypto.KeyPairRSA4096 {
			t.Fatalf("%v, %v", l, err)
		}
	})
	kp := fx.UserKeyPair
	mixed := fx.UserKeyPair
	mixed.PublicKeyContainer.Version = crypto.KeyPairRSA2048
	runInvalidCases(t, []invalidCase{
		{"get room", "room_id", func(ctx context.Context, c *Client) error { _, err := c.Rooms.RescueKeyPair(ctx, 0, ""); return err }},
		{"get version", "version", func(ctx context.Context, c *Client) error {
			_, err := c.Rooms.RescueKeyPair(ctx, 7, "RSA-1024")
			return err
		}},
		{"list room", "room_id", func(ctx context.Context, c *Client) error { _, err := c.Rooms.RescueKeyPairs(ctx, -1); return err }},
		{"set room", "room_id", func(ctx context.Context, c *Client) error { return c.Rooms.SetRescueKeyPair(ctx, 0, &kp) }},
		{"set nil", "keyPair", func(ctx context.Context, c *Client) error { return c.Rooms.SetRescueKeyPair(ctx, 7, nil) }},
		{"set mixed versions", "publicKeyContainer.version", func(ctx context.Context, c *Client) error { return c.Rooms.SetRescueKeyPair(ctx, 7, &mixed) }},
		{"generate room", "room_id", func(ctx context.Context, c *Client) error {
			_, err := c.Rooms.GenerateRescueKeyPair(ctx, 0, "pw", "")
			return err
		}},
		{"generate password", "password", func(ctx context.Context, c *Client) error {
			_, err := c.Rooms.GenerateRescueKeyPair(ctx, 7, "", "")
			return err
		}},
		{"generate version", "version", func(ctx context.Context, c *Client) error {
			_, err := c.Rooms.GenerateRescueKeyPair(ctx, 7, "pw", "B")
			return err
		}},
		{"migrate room", "room_id", func(ctx context.Context, c *Client) error {
			return c.Rooms.MigrateRescueKeyPair(ctx, 0, &CreateKeyPairRequest{})
		}},
		{"migrate nil", "request", func(ctx context.Context, c *Client) error { return c.Rooms.MigrateRescueKeyPair(ctx, 7, nil) }},
		{"delete version", "version", func(ctx context.Context, c *Client) error { return c.Rooms.DeleteRescueKeyPair(ctx, 7, "x") }},
		{"delete room", "room_id", func(ctx context.Context, c *Client) error { return c.Rooms.DeleteRescueKeyPair(ctx, 0, "") }},
	})
	if len(*asked) != 1 {
		t.Errorf("the generator ran %d times; refused requests must not generate", len(*asked))
	}
}

func TestGenerateSystemRescueKeyPair(t *testing.T) {
	fx := loadKeyPairFixture(t, crypto.KeyPairRSA2048)
	asked := fixtureGenerator(t, fx)
	runOpCases(t, []opCase{
		{"generate", "POST /api/v4/settings/keypair", fakeCall{body: fx.raw},
			func(t *testing.T, c *Client) error {
				kp, err := c.Settings.GenerateRescueKeyPair(context.Background(), fx.Password, crypto.KeyPairRSA2048)
				return firstError(err, expect(err == nil && kp.PrivateKeyContainer.Version == crypto.KeyPairRSA2048 && len(*asked) == 1 &&
					(*asked)[0] == crypto.KeyPairRSA2048, "%v, asked %v", kp, *asked))
			}},
	})
	runInvalidCases(t, []invalidCase{
		{"password", "password", func(ctx context.Context, c *Client) error {
			_, err := c.Settings.GenerateRescueKeyPair(ctx, "", "")
			return err
		}},
	})
}

func TestRoomS3TagEndpoints(t *testing.T) {
	ctx := context.Background()
	const tags = `{"items":[{"id":1,"key":"cost-center","value":"42","isMandatory":true},{"id":3,"key":"project","value":"x","isMandatory":false}]}`
	runOpCases(t, []opCase{
		{"get", "GET /api/v4/nodes/rooms/7/s3_tags", fakeCall{answer: tags},
			func(t *testing.T, c *Client) error {
				l, err := c.Rooms.S3Tags(ctx, 7)
				return firstError(err, expect(err == nil && len(l.Items) == 2 && l.Items[0].IsMandatory && l.Items[1].Key == "project", "%+v", l))
			}},
		{"set", "POST /api/v4/nodes/rooms/7/s3_tags", fakeCall{status: 201, body: `{"ids":[1,3]}`, answer: tags},
			func(t *testing.T, c *Client) error {
				l, err := c.Rooms.SetS3Tags(ctx, 7, &S3TagIDs{IDs: []int64{1, 3}})
				return firstError(err, expect(err == nil && l.Items[1].ID == 3, "%+v", l))
			}},
		{"clear", "POST /api/v4/nodes/rooms/7/s3_tags", fakeCall{status: 201, body: `{"ids":[]}`, answer: `{"items":[]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Rooms.SetS3Tags(ctx, 7, &S3TagIDs{IDs: []int64{}})
				return firstError(err, expect(err == nil && len(l.Items) == 0, "%+v", l))
			}},
	})
	runInvalidCases(t, []invalidCase{
		{"get room", "room_id", func(ctx context.Context, c *Client) error { _, err := c.Rooms.S3Tags(ctx, 0); return err }},
		{"set room", "room_id", func(ctx context.Context, c *Client) error {
			_, err := c.Rooms.SetS3Tags(ctx, 0, &S3TagIDs{IDs: []int64{1}})
			return err
		}},
		{"set nil", "request", func(ctx context.Context, c *Client) error { _, err := c.Rooms.SetS3Tags(ctx, 7, nil); return err }},
		{"set nil ids", "ids", func(ctx context.Context, c *Client) error {
			_, err := c.Rooms.SetS3Tags(ctx, 7, &S3TagIDs{})
			return err
		}},
		{"set bad id", "ids[0]", func(ctx context.Context, c *Client) error {
			_, err := c.Rooms.SetS3Tags(ctx, 7, &S3TagIDs{IDs: []int64{0}})
			return err
		}},
	})
}

// TestRecordedS3TagsDecode reads the S3 tag list other clients' tests use
// (recorded for the instance-wide list, the same S3TagList as a room's).
func TestRecordedS3TagsDecode(t *testing.T) {
	l := readFixture[S3Tags](t, "config/dco3/s3_tags_ok.json")
	if len(l.Items) != 1 || l.Items[0].Key != "string" || l.Items[0].IsMandatory {
		t.Errorf("%+v", l)
	}
}
