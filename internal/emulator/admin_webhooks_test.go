package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/emulator"
)

// TestWebhookDelivery: a customer webhook subscribed to user.created gets
// a signed JSON POST when a user is created; events it did not subscribe
// to are not delivered.
func TestWebhookDelivery(t *testing.T) {
	rc := newReceiver(t, http.StatusOK)
	srv := newServer(t, dracoontest.WithWebhookClient(rc.srv.Client(), time.Millisecond))
	tok := login(t, srv).Access
	var hook struct {
		ID        int64
		IsEnabled bool
		ExpireAt  string
	}
	expect(t, api(t, srv, tok, "POST", "/settings/webhooks",
		fmt.Sprintf(`{"name":"users","url":%q,"eventTypeNames":["user.created"],"secret":"s3cr3t"}`, rc.srv.URL+"/hook")), 201, &hook)
	if !hook.IsEnabled || hook.ExpireAt == "" {
		t.Fatalf("new webhook: %+v", hook)
	}
	// Not subscribed: creating a group does not reach the receiver.
	expect(t, api(t, srv, tok, "POST", "/groups", `{"name":"g"}`), 201, nil)
	var u struct{ ID int64 }
	expect(t, createUser(t, srv, tok, "hooked", "Hooked-pass-123"), 201, &u)
	rc.await(t)

	got := rc.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	d := got[0]
	if ct := d.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if sig := d.header.Get(emulator.WebhookSignatureHeader); sig != emulator.SignWebhookPayload("s3cr3t", d.body) {
		t.Errorf("signature %q does not sign the body", sig)
	}
	var p struct {
		EventType       string
		WebhookName     string
		Timestamp       string
		TriggeredByUser struct{ ID int64 }
		Object          struct {
			ID   int64
			Type string
			Name string
		}
	}
	if err := json.Unmarshal(d.body, &p); err != nil {
		t.Fatal(err)
	}
	if p.EventType != "user.created" || p.WebhookName != "users" || p.TriggeredByUser.ID != srv.AdminID ||
		p.Object.ID != u.ID || p.Object.Type != "user" || p.Object.Name != "hooked" || p.Timestamp == "" {
		t.Errorf("payload %s", d.body)
	}
}

// TestTenantWebhookDelivery: a tenant webhook made with the service token
// receives customer.created when a customer is provisioned.
func TestTenantWebhookDelivery(t *testing.T) {
	rc := newReceiver(t, http.StatusNoContent)
	srv := newServer(t, dracoontest.WithWebhookClient(rc.srv.Client(), time.Millisecond))
	hdr := "X-Sds-Service-Token: " + srv.ServiceToken
	expect(t, api(t, srv, "", "POST", "/provisioning/webhooks",
		fmt.Sprintf(`{"name":"tenant","url":%q,"eventTypeNames":["customer.created"]}`, rc.srv.URL), hdr), 201, nil)
	var c struct{ ID int64 }
	expect(t, api(t, srv, "", "POST", "/provisioning/customers",
		`{"customerContractType":"pay","quotaMax":1073741824,"userMax":5,"firstAdminUser":{"firstName":"Ann","lastName":"Bee"}}`, hdr), 201, &c)
	rc.await(t)
	var p struct {
		EventType string
		Object    struct {
			ID   int64
			Type string
		}
	}
	if err := json.Unmarshal(rc.deliveries()[0].body, &p); err != nil {
		t.Fatal(err)
	}
	if p.EventType != "customer.created" || p.Object.ID != c.ID || p.Object.Type != "customer" {
		t.Errorf("tenant payload %+v", p)
	}
	if h := rc.deliveries()[0].header.Get(emulator.WebhookSignatureHeader); h != "" {
		t.Errorf("a webhook without secret sent a signature %q", h)
	}
}

// TestWebhookRetriedThenDisabled: a receiver that always fails gets the
// delivery a bounded number of times; then the webhook is disabled with
// the last status.
func TestWebhookRetriedThenDisabled(t *testing.T) {
	rc := newReceiver(t, http.StatusInternalServerError)
	srv := newServer(t, dracoontest.WithWebhookClient(rc.srv.Client(), time.Millisecond))
	tok := login(t, srv).Access
	var hook struct{ ID int64 }
	expect(t, api(t, srv, tok, "POST", "/settings/webhooks",
		fmt.Sprintf(`{"name":"failing","url":%q,"eventTypeNames":["user.deleted"]}`, rc.srv.URL)), 201, &hook)
	var u struct{ ID int64 }
	expect(t, createUser(t, srv, tok, "doomed", "Doomed-pass-123"), 201, &u)
	if r := api(t, srv, tok, "DELETE", fmt.Sprintf("/users/%d", u.ID), ""); r.status != 204 {
		t.Fatalf("delete user: %d %s", r.status, r.body)
	}
	var after struct {
		IsEnabled  bool
		FailStatus int
	}
	for i := 0; ; i++ {
		expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/settings/webhooks/%d", hook.ID), ""), 200, &after)
		if !after.IsEnabled {
			break
		}
		if i > 3000 {
			t.Fatal("the failing webhook was never disabled")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after.FailStatus != 500 {
		t.Errorf("failStatus %d, want 500", after.FailStatus)
	}
	if n := len(rc.deliveries()); n != 3 {
		t.Errorf("%d attempts, want 3 (one delivery, two retries)", n)
	}
	// A disabled webhook receives nothing more.
	expect(t, createUser(t, srv, tok, "doomed2", "Doomed-pass-123"), 201, &u)
	api(t, srv, tok, "DELETE", fmt.Sprintf("/users/%d", u.ID), "")
	// Re-enabling clears failStatus.
	var re struct {
		IsEnabled  bool
		FailStatus *int
	}
	expect(t, api(t, srv, tok, "PUT", fmt.Sprintf("/settings/webhooks/%d", hook.ID), `{"isEnabled":true}`), 200, &re)
	if !re.IsEnabled || re.FailStatus != nil {
		t.Errorf("re-enabled: %+v", re)
	}
	if n := len(rc.deliveries()); n != 3 {
		t.Errorf("the disabled webhook got more deliveries: %d", n)
	}
}

// TestWebhookAdministration: round trip of the customer webhooks, event
// types, lifetime reset, checks and the config-manager role.
func TestWebhookAdministration(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	wantError(t, api(t, srv, tok, "POST", "/settings/webhooks", `{"name":"x","url":"http://example.invalid/","eventTypeNames":["user.created"]}`), 400, -80012)
	wantError(t, api(t, srv, tok, "POST", "/settings/webhooks", `{"name":"x","url":"https://example.invalid/","eventTypeNames":["no.such"]}`), 400, -80060)
	wantError(t, api(t, srv, tok, "POST", "/settings/webhooks", `{"name":"x","url":"https://example.invalid/","eventTypeNames":["customer.created"]}`), 400, -80060)

	var h struct {
		ID             int64
		Name           string
		EventTypeNames []string
		ExpireAt       string
		IsEnabled      bool
	}
	expect(t, api(t, srv, tok, "POST", "/settings/webhooks", `{"name":"one","url":"https://example.invalid/a","eventTypeNames":["user.created","user.locked"],"isEnabled":false}`), 201, &h)
	if h.IsEnabled || len(h.EventTypeNames) != 2 {
		t.Fatalf("created: %+v", h)
	}
	expect(t, api(t, srv, tok, "POST", "/settings/webhooks", `{"name":"two","url":"https://example.invalid/b","eventTypeNames":["user.deleted"]}`), 201, nil)
	var list struct {
		Range struct{ Total int }
		Items []struct{ Name string }
	}
	expect(t, api(t, srv, tok, "GET", "/settings/webhooks?filter=name:cn:tw&sort=name:desc", ""), 200, &list)
	if list.Range.Total != 1 || list.Items[0].Name != "two" {
		t.Errorf("filtered list: %+v", list)
	}
	expect(t, api(t, srv, tok, "PUT", fmt.Sprintf("/settings/webhooks/%d", h.ID), `{"name":"renamed"}`), 200, &h)
	if h.Name != "renamed" {
		t.Errorf("update: %+v", h)
	}
	before := h.ExpireAt
	if err := srv.AdvanceClock(48 * time.Hour); err != nil {
		t.Fatal(err)
	}
	tok = login(t, srv).Access
	expect(t, api(t, srv, tok, "POST", fmt.Sprintf("/settings/webhooks/%d/reset_lifetime", h.ID), ""), 200, &h)
	if h.ExpireAt <= before {
		t.Errorf("reset_lifetime kept expireAt %s (was %s)", h.ExpireAt, before)
	}
	var types struct {
		Items []struct {
			Name                       string
			UsableCustomerAdminWebhook bool
			UsableNodeWebhook          bool
		}
	}
	expect(t, api(t, srv, tok, "GET", "/settings/webhooks/event_types", ""), 200, &types)
	names := map[string]bool{}
	for _, it := range types.Items {
		names[it.Name] = true
	}
	if !names["user.created"] || !names["file.created"] || names["customer.created"] {
		t.Errorf("customer event types: %+v", types)
	}
	if r := api(t, srv, tok, "DELETE", fmt.Sprintf("/settings/webhooks/%d", h.ID), ""); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	wantError(t, api(t, srv, tok, "GET", fmt.Sprintf("/settings/webhooks/%d", h.ID), ""), 404, -91000)

	if _, err := srv.AddUser("nocfg", "Nocfg-pass-123", dracoontest.RoleUserManager); err != nil {
		t.Fatal(err)
	}
	ntok := loginAs(t, srv, "nocfg", "Nocfg-pass-123").Access
	for _, p := range []string{"/settings/webhooks", "/settings", "/system/config/policies/passwords", "/system/config/settings/general"} {
		wantError(t, api(t, srv, ntok, "GET", p, ""), 403, 0)
	}
}
