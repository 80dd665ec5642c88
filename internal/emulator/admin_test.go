package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
	"github.com/dracoon-go/dracoon/internal/emulator"
)

// expect unmarshals a response body into v, failing on a status other
// than want.
func expect(t *testing.T, r response, want int, v any) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

type logEvent struct {
	ID               int64  `json:"id"`
	UserID           int64  `json:"userId"`
	OperationID      int    `json:"operationId"`
	OperationName    string `json:"operationName"`
	ObjectID1        int64  `json:"objectId1"`
	ObjectName1      string `json:"objectName1"`
	AuthParentSource string `json:"authParentSource"`
	Time             string `json:"time"`
}

type eventList struct {
	Range struct{ Total int } `json:"range"`
	Items []logEvent          `json:"items"`
}

// operationID looks an operation up by name in GET /eventlog/operations.
func operationID(t *testing.T, srv *dracoontest.Server, token, name string) int {
	t.Helper()
	var ops struct {
		OperationList []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"operationList"`
	}
	expect(t, api(t, srv, token, "GET", "/eventlog/operations", ""), 200, &ops)
	for _, o := range ops.OperationList {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no operation %q in %+v", name, ops)
	return 0
}

const userBody = `{"firstName":"Eve","lastName":"Log","userName":"%s","authData":{"method":"basic","password":"%s","mustChangePassword":true}}`

func createUser(t *testing.T, srv *dracoontest.Server, token, login, password string) response {
	t.Helper()
	return api(t, srv, token, "POST", "/users", fmt.Sprintf(userBody, login, password))
}

// TestEventLogShowsWhatATestDid: creating a user and a room leaves events
// with their operation ids, filterable by type, user and room; only log
// auditors read the log.
func TestEventLogShowsWhatATestDid(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	var u struct{ ID int64 }
	expect(t, createUser(t, srv, tok, "eve", "Secret-123-pass"), 201, &u)
	var room struct{ ID int64 }
	expect(t, api(t, srv, tok, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Audit room","adminIds":[%d]}`, srv.AdminID)), 201, &room)

	userCreated := operationID(t, srv, tok, "User created")
	roomCreated := operationID(t, srv, tok, "Room created")

	var all eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events?sort=time:asc", ""), 200, &all)
	if all.Range.Total != 2 || len(all.Items) != 2 {
		t.Fatalf("want exactly the two events of this test, got %+v", all)
	}
	if e := all.Items[0]; e.OperationID != userCreated || e.ObjectID1 != u.ID || e.ObjectName1 != "eve" || e.UserID != srv.AdminID {
		t.Errorf("first event %+v is not the user creation", e)
	}
	if e := all.Items[1]; e.OperationID != roomCreated || e.ObjectID1 != room.ID || e.AuthParentSource != fmt.Sprint(room.ID) {
		t.Errorf("second event %+v is not the room creation", e)
	}

	var byType eventList
	expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/eventlog/events?type=%d", roomCreated), ""), 200, &byType)
	if len(byType.Items) != 1 || byType.Items[0].ObjectID1 != room.ID {
		t.Errorf("type filter: %+v", byType)
	}
	var byUser eventList
	expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/eventlog/events?user_id=%d", u.ID), ""), 200, &byUser)
	if len(byUser.Items) != 0 {
		t.Errorf("eve did nothing, yet: %+v", byUser)
	}
	var paged eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events?limit=1", ""), 200, &paged)
	if paged.Range.Total != 2 || len(paged.Items) != 1 || paged.Items[0].OperationID != roomCreated {
		t.Errorf("default order is newest first, paged: %+v", paged)
	}
	var future eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events?date_start=9000-01-01", ""), 200, &future)
	if len(future.Items) != 0 {
		t.Errorf("date_start in the future still lists %+v", future)
	}
	var roomEvents eventList
	expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/nodes/rooms/%d/events", room.ID), ""), 200, &roomEvents)
	if len(roomEvents.Items) != 1 || roomEvents.Items[0].OperationID != roomCreated {
		t.Errorf("room events: %+v", roomEvents)
	}
	wantError(t, api(t, srv, tok, "GET", "/eventlog/events?type=99999", ""), 400, -80026)
	wantError(t, api(t, srv, tok, "GET", "/eventlog/events?status=1", ""), 400, -80027)

	// Not a log auditor: 403 on the log and the audit.
	if _, err := srv.AddUser("plain", "Plain-pass-123"); err != nil {
		t.Fatal(err)
	}
	plain := loginAs(t, srv, "plain", "Plain-pass-123").Access
	for _, p := range []string{"/eventlog/events", "/eventlog/operations", "/eventlog/audits/nodes"} {
		wantError(t, api(t, srv, plain, "GET", p, ""), 403, 0)
	}
	auditor, err := srv.AddUser("auditor", "Audit-pass-123", dracoontest.RoleLogAuditor)
	if err != nil {
		t.Fatal(err)
	}
	_ = auditor
	atok := loginAs(t, srv, "auditor", "Audit-pass-123").Access
	expect(t, api(t, srv, atok, "GET", "/eventlog/events", ""), 200, nil)
}

// TestAuditNodes lists rooms with the users holding permissions on them,
// filterable by user.
func TestAuditNodes(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	for _, name := range []string{"A", "B"} {
		expect(t, api(t, srv, tok, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":%q,"adminIds":[%d]}`, name, srv.AdminID)), 201, nil)
	}
	var audit []struct {
		NodeName                string
		NodeParentPath          string
		AuditUserPermissionList []struct {
			UserID      int64
			UserLogin   string
			Permissions struct{ Manage bool }
		}
	}
	expect(t, api(t, srv, tok, "GET", "/eventlog/audits/nodes?filter=nodeName:eq:B", ""), 200, &audit)
	if len(audit) != 1 || audit[0].NodeName != "B" || audit[0].NodeParentPath != "/" {
		t.Fatalf("audit: %+v", audit)
	}
	l := audit[0].AuditUserPermissionList
	if len(l) != 1 || l[0].UserID != srv.AdminID || !l[0].Permissions.Manage {
		t.Errorf("room B's permissions: %+v", l)
	}
	expect(t, api(t, srv, tok, "GET", "/eventlog/audits/nodes?filter=userName:eq:nobody", ""), 200, &audit)
	if len(audit) != 0 {
		t.Errorf("no room has user nobody: %+v", audit)
	}
}

// TestPasswordPolicyEnforced: after the login policy is made stricter, a
// user with a weak password is refused with -10002 and the info endpoint
// reports the new policy.
func TestPasswordPolicyEnforced(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	expect(t, createUser(t, srv, tok, "weak1", "abcdefgh"), 201, nil)

	body := `{"loginPasswordPolicies":{"minLength":12,"characterRules":{"mustContainCharacters":["uppercase","numeric","special"],"numberOfCharacteristicsToEnforce":2},"rejectUserInfo":true}}`
	var pol struct {
		LoginPasswordPolicies struct {
			MinLength      int
			CharacterRules struct{ MustContainCharacters []string }
			UpdatedBy      struct{ ID int64 }
		}
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/policies/passwords", body), 200, &pol)
	if pol.LoginPasswordPolicies.MinLength != 12 || pol.LoginPasswordPolicies.UpdatedBy.ID != srv.AdminID {
		t.Fatalf("policy after PUT: %+v", pol)
	}
	var info struct {
		LoginPasswordPolicies struct{ MinLength int }
	}
	expect(t, api(t, srv, tok, "GET", "/config/info/policies/passwords", ""), 200, &info)
	if info.LoginPasswordPolicies.MinLength != 12 {
		t.Errorf("config info reports minLength %d, the policy says 12", info.LoginPasswordPolicies.MinLength)
	}

	for _, p := range []string{"abcdefgh", "abcdefghijkl", "abcdefghijk1", "Weak2Secret!x"} {
		r := createUser(t, srv, tok, "weak2", p)
		if p == "Weak2Secret!x" {
			// Contains the user name (rejectUserInfo).
			wantError(t, r, 400, -10002)
			continue
		}
		wantError(t, r, 400, -10002)
	}
	expect(t, createUser(t, srv, tok, "strong", "Abcdefghijk1"), 201, nil)

	// Changing one's own password follows the same policy.
	if _, err := srv.AddUser("changer", "Old-password-12"); err != nil {
		t.Fatal(err)
	}
	ctok := loginAs(t, srv, "changer", "Old-password-12").Access
	wantError(t, api(t, srv, ctok, "PUT", "/user/account/password", `{"oldPassword":"Old-password-12","newPassword":"short1A"}`), 400, -10002)
	if r := api(t, srv, ctok, "PUT", "/user/account/password", `{"oldPassword":"Old-password-12","newPassword":"Better-password-34"}`); r.status != 204 {
		t.Fatalf("a compliant new password: %d %s", r.status, r.body)
	}

	var one map[string]any
	expect(t, api(t, srv, tok, "GET", "/system/config/policies/passwords/shares", ""), 200, &one)
	if _, ok := one["sharesPasswordPolicies"]; !ok || len(one) != 1 {
		t.Errorf("policy of one type: %v", one)
	}
	wantError(t, api(t, srv, tok, "PUT", "/system/config/policies/passwords", `{"loginPasswordPolicies":{"minLength":0}}`), 400, -92001)
	if r := api(t, srv, ctok, "PUT", "/system/config/policies/passwords", body); r.status != 403 {
		t.Errorf("a plain user changed the policy: %d", r.status)
	}
}

// receiver is a TLS webhook endpoint that records deliveries and answers
// with status.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []delivered
	status int
	notify chan struct{}
}

type delivered struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, status int) *receiver {
	rc := &receiver{status: status, notify: make(chan struct{}, 16)}
	rc.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, delivered{r.Header.Clone(), b})
		rc.mu.Unlock()
		w.WriteHeader(rc.status)
		rc.notify <- struct{}{}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) deliveries() []delivered {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivered(nil), rc.got...)
}

// await waits for the next delivery; the deadline only guards against a
// hang.
func (rc *receiver) await(t *testing.T) {
	t.Helper()
	select {
	case <-rc.notify:
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook delivery arrived")
	}
}

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
	// Not subscribed: deleting a group does not reach the receiver.
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

// TestProvisioning: the tenant API answers only with the service token;
// customers and their attributes round-trip.
func TestProvisioning(t *testing.T) {
	srv := newServer(t, dracoontest.WithServiceToken("service-token-for-tests"))
	hdr := "X-Sds-Service-Token: " + srv.ServiceToken
	if srv.ServiceToken != "service-token-for-tests" {
		t.Fatalf("service token %q", srv.ServiceToken)
	}
	wantError(t, api(t, srv, "", "GET", "/provisioning/customers", ""), 401, -10012)
	wantError(t, api(t, srv, "", "GET", "/provisioning/customers", "", "X-Sds-Service-Token: wrong"), 401, -10012)
	// An OAuth token is no service token.
	wantError(t, api(t, srv, login(t, srv).Access, "GET", "/provisioning/customers", ""), 401, -10012)

	wantError(t, api(t, srv, "", "POST", "/provisioning/customers",
		`{"customerContractType":"pay","quotaMax":1000,"userMax":10,"firstAdminUser":{"firstName":"Jane","lastName":"Doe"}}`, hdr), 400, -90510)
	var c struct {
		ID             int64
		CompanyName    string
		CustomerUUID   string
		FirstAdminUser struct {
			UserName string
			AuthData struct{ Method string }
		}
	}
	expect(t, api(t, srv, "", "POST", "/provisioning/customers",
		`{"customerContractType":"demo","quotaMax":1073741824,"userMax":10,"trialDays":14,"firstAdminUser":{"firstName":"Jane","lastName":"Doe","userName":"jdoe"},"customerAttributes":{"items":[{"key":"plan","value":"gold"}]}}`, hdr), 201, &c)
	if c.CompanyName != "J.Doe" || c.FirstAdminUser.UserName != "jdoe" || c.FirstAdminUser.AuthData.Method != "basic" || c.CustomerUUID == "" {
		t.Errorf("new customer: %+v", c)
	}
	var got struct {
		ID                 int64
		TrialDaysLeft      int
		CustomerAttributes struct{ Items []struct{ Key, Value string } }
	}
	expect(t, api(t, srv, "", "GET", fmt.Sprintf("/provisioning/customers/%d?include_attributes=true", c.ID), "", hdr), 200, &got)
	if got.TrialDaysLeft != 14 || len(got.CustomerAttributes.Items) != 1 || got.CustomerAttributes.Items[0].Value != "gold" {
		t.Errorf("get: %+v", got)
	}
	var list struct {
		Range struct{ Total int }
	}
	for filter, want := range map[string]int{
		"customerContractType:eq:demo|companyName:cn:doe": 1,
		"customerContractType:eq:pay":                     0,
		"attributeKey:eq:plan":                            1,
		"attributeKey:nex:plan":                           0,
		"attributeValue:eq:gold|userLogin:eq:jdoe":        1,
	} {
		expect(t, api(t, srv, "", "GET", "/provisioning/customers?filter="+filter, "", hdr), 200, &list)
		if list.Range.Total != want {
			t.Errorf("customers with %s: %d, want %d", filter, list.Range.Total, want)
		}
	}
	expect(t, api(t, srv, "", "PUT", fmt.Sprintf("/provisioning/customers/%d", c.ID), `{"customerContractType":"pay","companyName":"Doe Inc"}`, hdr), 200, &c)
	if c.CompanyName != "Doe Inc" {
		t.Errorf("update: %+v", c)
	}
	wantError(t, api(t, srv, "", "PUT", fmt.Sprintf("/provisioning/customers/%d", c.ID), `{"customerContractType":"demo"}`, hdr), 400, -90111)
	expect(t, api(t, srv, "", "PUT", fmt.Sprintf("/provisioning/customers/%d/customerAttributes", c.ID), `{"items":[{"key":"region","value":"eu"}]}`, hdr), 200, nil)
	var attrs struct {
		Range struct{ Total int }
	}
	expect(t, api(t, srv, "", "GET", fmt.Sprintf("/provisioning/customers/%d/customerAttributes", c.ID), "", hdr), 200, &attrs)
	if attrs.Range.Total != 2 {
		t.Errorf("attributes after PUT: %+v", attrs)
	}
	if r := api(t, srv, "", "DELETE", fmt.Sprintf("/provisioning/customers/%d/customerAttributes/plan", c.ID), "", hdr); r.status != 204 {
		t.Errorf("delete attribute: %d %s", r.status, r.body)
	}
	var users struct {
		Items []struct{ UserName string }
	}
	expect(t, api(t, srv, "", "GET", fmt.Sprintf("/provisioning/customers/%d/users", c.ID), "", hdr), 200, &users)
	if len(users.Items) != 1 || users.Items[0].UserName != "jdoe" {
		t.Errorf("customer users: %+v", users)
	}
	expect(t, api(t, srv, "", "GET", "/provisioning/check_license", "", hdr), 200, nil)
	expect(t, api(t, srv, "", "POST", "/provisioning/webhooks", `{"name":"tenant","url":"https://example.invalid/t","eventTypeNames":["customer.created"]}`, hdr), 201, nil)
	wantError(t, api(t, srv, "", "POST", "/provisioning/webhooks", `{"name":"tenant","url":"https://example.invalid/t","eventTypeNames":["user.created"]}`, hdr), 400, -80060)
	if r := api(t, srv, "", "DELETE", fmt.Sprintf("/provisioning/customers/%d", c.ID), "", hdr); r.status != 204 {
		t.Fatalf("delete customer: %d", r.status)
	}
	wantError(t, api(t, srv, "", "GET", fmt.Sprintf("/provisioning/customers/%d", c.ID), "", hdr), 404, -90103)
}

// TestSettingsAndSystemConfig: customer settings and the system
// configuration areas store and return, and the info endpoints read the
// same state.
func TestSettingsAndSystemConfig(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access

	var s struct {
		HomeRoomsActive    bool
		HomeRoomParentName string
		HomeRoomQuota      int64
	}
	expect(t, api(t, srv, tok, "GET", "/settings", ""), 200, &s)
	if s.HomeRoomsActive {
		t.Fatalf("home rooms active by default: %+v", s)
	}
	expect(t, api(t, srv, tok, "PUT", "/settings", `{"homeRoomsActive":true,"homeRoomParentName":"Homes","homeRoomQuota":1048576}`), 200, &s)
	if !s.HomeRoomsActive || s.HomeRoomParentName != "Homes" || s.HomeRoomQuota != 1048576 {
		t.Errorf("settings: %+v", s)
	}
	var gen struct{ HomeRoomsActive bool }
	expect(t, api(t, srv, tok, "GET", "/config/info/general", ""), 200, &gen)
	if !gen.HomeRoomsActive {
		t.Error("general settings info does not show home rooms active")
	}
	wantError(t, api(t, srv, tok, "PUT", "/settings", `{"homeRoomsActive":false}`), 400, -90001)

	var d struct {
		LanguageDefault                      string
		DownloadShareDefaultExpirationPeriod int
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/defaults", `{"languageDefault":"de-DE","downloadShareDefaultExpirationPeriod":7}`), 200, &d)
	expect(t, api(t, srv, tok, "GET", "/config/info/defaults", ""), 200, &d)
	if d.LanguageDefault != "de-DE" || d.DownloadShareDefaultExpirationPeriod != 7 {
		t.Errorf("defaults info after update: %+v", d)
	}
	wantError(t, api(t, srv, tok, "PUT", "/system/config/settings/defaults", `{"downloadShareDefaultExpirationPeriod":"x"}`), 400, -80002)

	var g struct{ EulaEnabled, CryptoEnabled bool }
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/general", `{"eulaEnabled":true}`), 200, &g)
	if !g.EulaEnabled {
		t.Errorf("general: %+v", g)
	}
	wantError(t, api(t, srv, tok, "PUT", "/system/config/settings/general", `{"cryptoEnabled":false}`), 400, -90010)

	for _, p := range []string{"/system/config/settings/auth", "/system/config/settings/eventlog", "/system/config/settings/syslog",
		"/system/config/settings/infrastructure", "/system/config/storage/s3", "/system/config/auth/ads", "/system/config/auth/openid/idps",
		"/config/info/license", "/config/info/notifications/channels", "/settings/notifications/channels"} {
		expect(t, api(t, srv, tok, "GET", p, ""), 200, nil)
	}
	var auth struct {
		AuthMethods []struct {
			Name      string
			IsEnabled bool
			Priority  int
		}
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/auth", `{"authMethods":[{"name":"basic","isEnabled":true,"priority":2},{"name":"openid","isEnabled":true,"priority":1}]}`), 200, &auth)
	if len(auth.AuthMethods) != 2 || auth.AuthMethods[1].Name != "openid" || !auth.AuthMethods[1].IsEnabled || auth.AuthMethods[1].Priority != 1 {
		t.Errorf("auth methods: %+v", auth)
	}
	wantError(t, api(t, srv, tok, "PUT", "/system/config/settings/auth", `{"authMethods":[1,2]}`), 400, -92001)
	wantError(t, api(t, srv, tok, "PUT", "/system/config/settings/auth", `{"authMethods":[{"name":"basic","priority":"high"}]}`), 400, -80002)

	var syslog struct {
		Enabled bool
		Host    string
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/syslog", `{"enabled":true,"host":"log.example.invalid"}`), 200, &syslog)
	if !syslog.Enabled || syslog.Host != "log.example.invalid" {
		t.Errorf("syslog: %+v", syslog)
	}

	var s3 map[string]any
	expect(t, api(t, srv, tok, "PUT", "/system/config/storage/s3", `{"accessKey":"AK","secretKey":"SK","bucketUrl":"https://bucket.example.invalid"}`), 200, &s3)
	if s3["accessKeyDefined"] != true || s3["secretKeyDefined"] != true || s3["accessKey"] != nil {
		t.Errorf("S3 config keeps secrets write-only: %v", s3)
	}

	var ad struct {
		ID    int64
		Alias string
	}
	expect(t, api(t, srv, tok, "POST", "/system/config/auth/ads",
		`{"alias":"corp","serverIp":"10.0.0.1","serverPort":636,"serverAdminName":"cn=admin","serverAdminPassword":"pw","ldapUsersDomain":"corp.invalid","userFilter":"(uid=*)","useLdaps":true}`), 201, &ad)
	expect(t, api(t, srv, tok, "PUT", fmt.Sprintf("/system/config/auth/ads/%d", ad.ID), `{"alias":"corp2"}`), 200, &ad)
	if ad.Alias != "corp2" {
		t.Errorf("AD update: %+v", ad)
	}
	if r := api(t, srv, tok, "DELETE", fmt.Sprintf("/system/config/auth/ads/%d", ad.ID), ""); r.status != 204 {
		t.Errorf("AD delete: %d", r.status)
	}
	wantError(t, api(t, srv, tok, "GET", fmt.Sprintf("/system/config/auth/ads/%d", ad.ID), ""), 404, -90050)

	wantError(t, api(t, srv, tok, "GET", "/system/config/auth/radius", ""), 404, 0)
	expect(t, api(t, srv, tok, "POST", "/system/config/auth/radius", `{"ipAddress":"10.0.0.2","port":1812,"sharedSecret":"x"}`), 201, nil)
	expect(t, api(t, srv, tok, "PUT", "/system/config/auth/radius", `{"otpPinFirst":true}`), 200, nil)
	if r := api(t, srv, tok, "DELETE", "/system/config/auth/radius", ""); r.status != 204 {
		t.Errorf("RADIUS delete: %d", r.status)
	}

	var idp struct {
		ID   int64
		Name string
	}
	expect(t, api(t, srv, tok, "POST", "/system/config/auth/openid/idps",
		`{"name":"idp","issuer":"https://idp.invalid","authorizationEndPointUrl":"https://idp.invalid/a","tokenEndPointUrl":"https://idp.invalid/t","userInfoEndPointUrl":"https://idp.invalid/u","jwksEndPointUrl":"https://idp.invalid/j","clientId":"c","clientSecret":"s","scopes":["openid"],"redirectUris":["https://app.invalid/cb"],"mappingClaim":"email"}`), 201, &idp)
	expect(t, api(t, srv, tok, "GET", fmt.Sprintf("/system/config/auth/openid/idps/%d", idp.ID), ""), 200, &idp)
	if idp.Name != "idp" {
		t.Errorf("IdP: %+v", idp)
	}
	wantError(t, api(t, srv, tok, "POST", "/system/config/auth/openid/idps", `{"name":"incomplete"}`), 400, -80000)
	expect(t, api(t, srv, tok, "POST", "/system/config/actions/test/ad",
		`{"serverIp":"10.0.0.1","serverPort":389,"serverAdminName":"a","serverAdminPassword":"b","ldapUsersDomain":"d"}`), 200, nil)
	expect(t, api(t, srv, tok, "PUT", "/settings/notifications/channels", `{"channelId":1,"isEnabled":false}`), 200, nil)

	var tag struct{ ID int64 }
	expect(t, api(t, srv, tok, "POST", "/system/config/storage/s3/tags", `{"key":"cost","value":"42","isMandatory":true}`), 201, &tag)
	var tags struct {
		Items []struct{ Key string }
	}
	expect(t, api(t, srv, tok, "GET", "/config/info/s3_tags", ""), 200, &tags)
	if len(tags.Items) != 1 || tags.Items[0].Key != "cost" {
		t.Errorf("S3 tags info: %+v", tags)
	}
}

// TestReportsAndBranding round-trips the reporting and branding services,
// which the OpenAPI document lacks (the contract checks only that their
// answers are JSON and their errors ErrorResponse).
func TestReportsAndBranding(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	room, err := srv.CreateRoom("Reports", nil)
	if err != nil {
		t.Fatal(err)
	}
	doReq := func(method, path, body, ctype string, auth bool) response {
		t.Helper()
		hdr := []string{}
		if auth {
			hdr = append(hdr, "Authorization: Bearer "+tok)
		}
		if ctype != "" {
			hdr = append(hdr, "Content-Type: "+ctype)
		}
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		return call(t, srv, method, path, rd, hdr...)
	}
	var rp struct {
		ID    int64
		State string
	}
	expect(t, doReq("POST", "/reporting/api/reports", fmt.Sprintf(`{"name":"audit","type":"single","subType":"general-audit-report","formats":["pdf"],"target":{"id":%d}}`, room), "application/json", true), 201, &rp)
	if rp.State != "waiting" {
		t.Errorf("new report: %+v", rp)
	}
	var rl struct {
		Pagination struct{ Total int }
		Items      []struct{ Name string }
	}
	expect(t, doReq("GET", "/reporting/api/reports?name=aud", "", "", true), 200, &rl)
	if rl.Pagination.Total != 1 || rl.Items[0].Name != "audit" {
		t.Errorf("reports: %+v", rl)
	}
	if r := doReq("DELETE", "/reporting/api/reports", fmt.Sprintf(`{"ids":[%d]}`, rp.ID), "application/json", true); r.status != 204 {
		t.Errorf("bulk delete: %d %s", r.status, r.body)
	}
	if r := doReq("GET", "/reporting/api/reports", "", "", false); r.status != 401 {
		t.Errorf("reports without token: %d", r.status)
	}

	// Branding: upload an image, use it, read it publicly.
	body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--b--\r\n"
	var up struct{ ID int64 }
	expect(t, doReq("POST", "/branding/api/v1/branding/files?type=webLogo", body, "multipart/form-data; boundary=b", true), 201, &up)
	upd := fmt.Sprintf(`{"productName":"Acme Files","colorizeHeader":true,"texts":[],"colors":[{"type":"primary","colorDetails":[{"type":"normal","rgba":"0,0,0,1"}]}],"imprintUrl":"","privacyUrl":"","supportUrl":"","emailContact":"","positionLoginBox":2,"appearanceLoginBox":"dark","images":[{"id":%d,"type":"webLogo"}]}`, up.ID)
	var b struct {
		ProductName string
		Images      []struct{ ID int64 }
	}
	expect(t, doReq("PUT", "/branding/api/v1/branding", upd, "application/json", true), 200, &b)
	if b.ProductName != "Acme Files" || len(b.Images) != 1 || b.Images[0].ID != up.ID {
		t.Errorf("branding: %+v", b)
	}
	var pub struct {
		ProductName string
		Images      []struct {
			Type  string
			Files []struct{ Size, URL string }
		}
	}
	expect(t, doReq("GET", "/branding/api/v1/public/branding", "", "", false), 200, &pub)
	if pub.ProductName != "Acme Files" || len(pub.Images) != 1 || len(pub.Images[0].Files) != 3 {
		t.Errorf("public branding: %+v", pub)
	}
	img := doReq("GET", "/branding/api/v1/public/branding/files/webLogo/small", "", "", false)
	if img.status != 200 || string(img.body) != "PNGDATA" || img.header.Get("Content-Type") != "image/png" {
		t.Errorf("public image: %d %q %q", img.status, img.body, img.header.Get("Content-Type"))
	}
	if r := doReq("GET", "/branding/api/v1/public/branding/files/appLogo/small", "", "", false); r.status != 404 {
		t.Errorf("unused image type: %d", r.status)
	}
}

// TestEventLogSettings: the event log answers CSV on request, and records
// nothing while it is switched off.
func TestEventLogSettings(t *testing.T) {
	srv := dracoontest.NewServer(t) // CSV is not in the document's media types
	tok := login(t, srv).Access
	expect(t, createUser(t, srv, tok, "csv1", "Csv-pass-1234"), 201, nil)
	r := api(t, srv, tok, "GET", "/eventlog/events", "", "Accept: text/csv")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV answer: %d %q", r.status, r.header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "id,time,") || !strings.Contains(lines[1], "csv1") {
		t.Errorf("CSV body: %q", r.body)
	}
	wantError(t, api(t, srv, tok, "GET", "/eventlog/events", "", "Accept: image/png"), 406, 0)

	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/eventlog", `{"enabled":false}`), 200, nil)
	expect(t, createUser(t, srv, tok, "csv2", "Csv-pass-1234"), 201, nil)
	var list eventList
	expect(t, api(t, srv, tok, "GET", "/eventlog/events", ""), 200, &list)
	if list.Range.Total != 1 {
		t.Errorf("events recorded while the log was off: %+v", list)
	}

	// Events older than the retention period are gone.
	expect(t, api(t, srv, tok, "PUT", "/system/config/settings/eventlog", `{"enabled":true,"retentionPeriod":1}`), 200, nil)
	if err := srv.AdvanceClock(25 * time.Hour); err != nil {
		t.Fatal(err)
	}
	tok = login(t, srv).Access
	expect(t, createUser(t, srv, tok, "csv3", "Csv-pass-1234"), 201, nil)
	expect(t, api(t, srv, tok, "GET", "/eventlog/events", ""), 200, &list)
	if list.Range.Total != 1 || list.Items[0].ObjectName1 != "csv3" {
		t.Errorf("after the retention period: %+v", list)
	}
}

// TestLoginPolicies: with password expiration on, an old password must be
// changed at the next login; with user lockout on, too many failed logins
// lock the user out for the lockout period, even with the right password.
func TestLoginPolicies(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	expect(t, api(t, srv, tok, "PUT", "/system/config/policies/passwords",
		`{"loginPasswordPolicies":{"passwordExpiration":{"enabled":true,"maxPasswordAge":1},"userLockout":{"enabled":true,"maxNumberOfLoginFailures":2,"lockoutPeriod":5}}}`), 200, nil)
	if _, err := srv.AddUser("aging", "Aging-pass-123"); err != nil {
		t.Fatal(err)
	}
	mustChange := func() bool {
		t.Helper()
		var acc struct{ NeedsToChangePassword bool }
		expect(t, api(t, srv, loginAs(t, srv, "aging", "Aging-pass-123").Access, "GET", "/user/account", ""), 200, &acc)
		return acc.NeedsToChangePassword
	}
	if mustChange() {
		t.Fatal("a fresh password must not be expired")
	}
	if err := srv.AdvanceClock(49 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if !mustChange() {
		t.Error("a password older than maxPasswordAge is not expired")
	}

	password := func(user, pw string) response {
		return oauthPost(t, srv, "/oauth/token", map[string][]string{"grant_type": {"password"}, "username": {user}, "password": {pw}},
			basic(srv.ClientID, srv.ClientSecret, base64.StdEncoding))
	}
	if _, err := srv.AddUser("locky", "Locky-pass-123"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := password("locky", "wrong"); r.status != 400 {
			t.Fatalf("wrong password: %d", r.status)
		}
	}
	if r := password("locky", "Locky-pass-123"); r.status != 400 || !strings.Contains(string(r.body), "locked") {
		t.Errorf("right password during the lockout: %d %s", r.status, r.body)
	}
	if err := srv.AdvanceClock(6 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if r := password("locky", "Locky-pass-123"); r.status != 200 {
		t.Errorf("after the lockout period: %d %s", r.status, r.body)
	}
}

// TestOAuthClientAdministration: a client created through the API can log
// in at once; a disabled one cannot; the standard clients cannot be
// changed; deleting a client ends its tokens.
func TestOAuthClientAdministration(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientName":"weak","grantTypes":["password"],"clientSecret":"short"}`), 400, -10002)
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientName":"cc","grantTypes":["client_credentials"]}`), 400, -90083)
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientName":"rt","grantTypes":["refresh_token"]}`), 400, -90091)
	var c struct {
		ClientID, ClientSecret, ClientType string
		IsEnabled, IsStandard              bool
		AccessTokenValidity                int64
	}
	expect(t, api(t, srv, tok, "POST", "/system/config/oauth/clients",
		`{"clientId":"my-script","clientName":"My script","grantTypes":["password","refresh_token"],"accessTokenValidity":600}`), 201, &c)
	if c.ClientID != "my-script" || len(c.ClientSecret) < 12 || c.ClientType != "confidential" || !c.IsEnabled || c.IsStandard || c.AccessTokenValidity != 600 {
		t.Fatalf("created client: %+v", c)
	}
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientId":"my-script","clientName":"Other","grantTypes":["password"]}`), 409, -90081)
	wantError(t, api(t, srv, tok, "POST", "/system/config/oauth/clients", `{"clientName":"my script","grantTypes":["password"]}`), 409, -90087)

	grant := func() response {
		return oauthPost(t, srv, "/oauth/token", map[string][]string{"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword}},
			basic("my-script", c.ClientSecret, base64.StdEncoding))
	}
	issued := decodeTokens(t, grant())
	if issued.ExpiresIn != 600 {
		t.Errorf("the client's access token validity is not used: %d", issued.ExpiresIn)
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/oauth/clients/my-script", `{"grantTypes":["password"],"isEnabled":false}`), 200, &c)
	if c.IsEnabled {
		t.Error("client still enabled")
	}
	if r := grant(); r.status != 400 || !strings.Contains(string(r.body), "invalid_client") {
		t.Errorf("a disabled client logged in: %d %s", r.status, r.body)
	}
	var list []struct{ ClientID string }
	expect(t, api(t, srv, tok, "GET", "/system/config/oauth/clients?filter=isEnabled:eq:false", ""), 200, &list)
	if len(list) != 1 || list[0].ClientID != "my-script" {
		t.Errorf("disabled clients: %+v", list)
	}
	expect(t, api(t, srv, tok, "PUT", "/system/config/oauth/clients/my-script", `{"grantTypes":["password"],"isEnabled":true}`), 200, nil)
	issued = decodeTokens(t, grant())
	wantError(t, api(t, srv, tok, "PUT", "/system/config/oauth/clients/"+srv.ClientID, `{"grantTypes":["password"]}`), 403, -90088)
	wantError(t, api(t, srv, tok, "DELETE", "/system/config/oauth/clients/"+srv.PublicClientID, ""), 403, -90088)
	if r := api(t, srv, tok, "DELETE", "/system/config/oauth/clients/my-script", ""); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, issued.Access, "GET", "/user/account", ""), 401, -10012)
	wantError(t, api(t, srv, tok, "GET", "/system/config/oauth/clients/my-script", ""), 404, -90080)
	c.ClientSecret = ""
	expect(t, api(t, srv, tok, "GET", "/system/config/oauth/clients/"+srv.PublicClientID, ""), 200, &c)
	if !c.IsStandard || c.ClientType != "public" || c.ClientSecret != "" {
		t.Errorf("the public standard client: %+v", c)
	}
	expect(t, api(t, srv, "", "GET", "/public/system/info/license", ""), 200, nil)
}

// TestSystemRescueKeyPair: a config manager sets the system rescue key
// pair, which switches encryption on; users with a key pair read it.
func TestSystemRescueKeyPair(t *testing.T) {
	srv := newServer(t, dracoontest.WithCrypto(false))
	tok := login(t, srv).Access
	var gen struct{ CryptoEnabled bool }
	expect(t, api(t, srv, tok, "GET", "/config/info/general", ""), 200, &gen)
	if gen.CryptoEnabled {
		t.Fatal("crypto on although switched off")
	}
	// Reading needs an own key pair.
	wantError(t, api(t, srv, tok, "GET", "/settings/keypair", ""), 401, -10006)
	wantError(t, api(t, srv, tok, "GET", "/settings/keypairs", ""), 403, -70020)
	if r := api(t, srv, tok, "POST", "/settings/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)); r.status != 204 {
		t.Fatalf("set rescue key pair: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, tok, "POST", "/settings/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 400, -70025)
	expect(t, api(t, srv, tok, "GET", "/config/info/general", ""), 200, &gen)
	if !gen.CryptoEnabled {
		t.Error("setting the rescue key pair did not switch encryption on")
	}
	if r := api(t, srv, tok, "POST", "/user/account/keypair", keyPairBody("RSA-4096", testPublicKey, testPrivateKey)); r.status != 204 {
		t.Fatalf("own key pair: %d %s", r.status, r.body)
	}
	var kp struct {
		PublicKeyContainer struct{ Version, PublicKey string }
	}
	expect(t, api(t, srv, tok, "GET", "/settings/keypair?version=RSA-4096", ""), 200, &kp)
	if kp.PublicKeyContainer.PublicKey != testPublicKey {
		t.Errorf("rescue key pair: %+v", kp)
	}
	var all []any
	expect(t, api(t, srv, tok, "GET", "/settings/keypairs", ""), 200, &all)
	if len(all) != 1 {
		t.Errorf("%d rescue key pairs", len(all))
	}
	// Migration: a pair of another version, keeping the old private key.
	migrate := `{"privateKeyContainer":{"version":"A","privateKey":` + fmt.Sprintf("%q", testPrivateKey) + `},"publicKeyContainer":{"version":"A","publicKey":` +
		fmt.Sprintf("%q", testPublicKey) + `},"previousPrivateKey":{"version":"RSA-4096","privateKey":` + fmt.Sprintf("%q", testPrivateKey) + `}}`
	if r := api(t, srv, tok, "POST", "/settings/keypairs", migrate); r.status != 204 {
		t.Fatalf("migrate: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, tok, "POST", "/settings/keypairs", migrate), 400, -70021)
	expect(t, api(t, srv, tok, "GET", "/settings/keypairs", ""), 200, &all)
	if len(all) != 2 {
		t.Errorf("%d rescue key pairs after the migration", len(all))
	}
	if r := api(t, srv, tok, "DELETE", "/settings/keypair?version=A", ""); r.status != 204 {
		t.Fatalf("delete A: %d %s", r.status, r.body)
	}
	if _, err := srv.AddUser("noconfig", "Noconfig-pass-1"); err != nil {
		t.Fatal(err)
	}
	wantError(t, api(t, srv, loginAs(t, srv, "noconfig", "Noconfig-pass-1").Access, "POST", "/settings/keypair", keyPairBody("A", testPublicKey, testPrivateKey)), 403, 0)
	if r := api(t, srv, tok, "DELETE", "/settings/keypair?version=RSA-4096", ""); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantError(t, api(t, srv, tok, "GET", "/settings/keypair", ""), 400, -70020)
	wantError(t, api(t, srv, tok, "POST", "/settings/keypairs", `{"privateKeyContainer":{"version":"A","privateKey":"x"},"publicKeyContainer":{"version":"A","publicKey":"y"},"previousPrivateKey":{"version":"RSA-4096","privateKey":"z"}}`), 400, -90020)
}
