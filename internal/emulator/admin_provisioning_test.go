package emulator_test

import (
	"fmt"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

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
