package dracoon

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestRecordedAdminResponsesDecode reads the recorded answers of the event
// log, the system configuration and provisioning (dco3's test data) with
// our models, through the administration methods. The system settings
// areas share their schemas with the config info views, so they read the
// config recordings.
func TestRecordedAdminResponsesDecode(t *testing.T) {
	f := newFakeAPI(t, WithServiceToken(serviceToken))
	for pattern, file := range map[string]string{
		"GET /api/v4/eventlog/events":                        "eventlog/dco3/events_ok.json",
		"GET /api/v4/eventlog/operations":                    "eventlog/dco3/event_operations_ok.json",
		"GET /api/v4/eventlog/audits/nodes":                  "eventlog/dco3/audit_node_list_ok.json",
		"GET /api/v4/system/config/auth/ads":                 "system/dco3/active_directory_list_ok.json",
		"GET /api/v4/system/config/auth/openid/idps":         "system/dco3/openid_config_list_ok.json",
		"GET /api/v4/system/config/settings/defaults":        "config/dco3/defaults_ok.json",
		"GET /api/v4/system/config/settings/infrastructure":  "config/dco3/infrastructure_properties_ok.json",
		"GET /api/v4/system/config/policies/passwords":       "config/dco3/password_policies_ok.json",
		"GET /api/v4/system/config/storage/s3/tags":          "config/dco3/s3_tags_ok.json",
		"GET /api/v4/provisioning/customers":                 "provisioning/dco3/customers_ok.json",
		"GET /api/v4/provisioning/customers/1":               "provisioning/dco3/customer_ok.json",
		"POST /api/v4/provisioning/customers":                "provisioning/dco3/new_customer_ok.json",
		"PUT /api/v4/provisioning/customers/1":               "provisioning/dco3/update_customer_ok.json",
		"GET /api/v4/system/config/settings/general":         "config/dco3/general_settings_ok.json",
		"GET /api/v4/system/config/policies/passwords/login": "config/dco3/password_policies_ok.json",
	} {
		b, err := os.ReadFile(apiData(t, file))
		if err != nil {
			t.Fatal(err)
		}
		status := http.StatusOK
		if strings.HasPrefix(pattern, "POST ") {
			status = http.StatusCreated // what the document gives creations
		}
		f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			w.WriteHeader(status)
			_, _ = w.Write(b)
		})
	}
	ctx := context.Background()
	check := func(name string, err error, ok bool, v any) {
		t.Helper()
		if err != nil || !ok {
			t.Errorf("%s: %+v, %v", name, v, err)
		}
	}

	events, err := f.client.EventLog.Events(ctx, nil)
	check("events", err, err == nil && events.Range.Total == 1 && events.Items[0].Status == EventStatusFailure &&
		events.Items[0].ObjectID2 == 6 && events.Items[0].ObjectType1 == 5 && !events.Items[0].Time.IsZero(), events)
	ops, err := f.client.EventLog.Operations(ctx, false)
	check("operations", err, err == nil && len(ops) == 1 && ops[0].ID == 1 && ops[0].Name != "", ops)
	audit, err := f.client.EventLog.AuditNodes(ctx, nil)
	check("audit nodes", err, err == nil && len(audit) == 1 && audit[0].NodeQuota == 999 && audit[0].NodeCreatedBy.ID == 2 &&
		audit[0].AuditUserPermissionList[0].Permissions.DeleteRecycleBin, audit)

	ads, err := f.client.System.ActiveDirectories(ctx)
	check("ads", err, err == nil && ads.Items[0].ServerPort == 65535 && ads.Items[0].SDSImportGroup == 2 && ads.Items[0].UseLDAPS, ads)
	idps, err := f.client.System.OpenIDProviders(ctx)
	check("idps", err, err == nil && len(idps) == 1 && idps[0].Flow == OpenIDFlowAuthorizationCode && *idps[0].PKCEEnabled &&
		idps[0].UserImportGroup == 2 && idps[0].UserInfoSource == OpenIDUserInfoFromEndpoint, idps)
	defaults, err := f.client.System.Defaults(ctx)
	check("defaults", err, err == nil && defaults.LanguageDefault != "", defaults)
	infra, err := f.client.System.Infrastructure(ctx)
	check("infrastructure", err, err == nil && infra.TenantUUID != "", infra)
	general, err := f.client.System.General(ctx)
	check("general", err, err == nil, general)
	policies, err := f.client.System.PasswordPolicies(ctx)
	check("password policies", err, err == nil && policies.LoginPasswordPolicies != nil && policies.LoginPasswordPolicies.MinLength > 0, policies)
	login, err := f.client.System.PasswordPolicy(ctx, PasswordTypeLogin)
	check("login policy", err, err == nil && login.LoginPasswordPolicies != nil, login)
	tags, err := f.client.System.S3Tags(ctx)
	check("s3 tags", err, err == nil && len(tags.Items) > 0, tags)

	customers, err := f.client.Provisioning.ListCustomers(ctx, nil)
	check("customers", err, err == nil && customers.Range.Total == 1 && customers.Items[0].CustomerContractType == ContractPay &&
		customers.Items[0].CntInternalUser == 99 && customers.Items[0].CustomerAttributes.Items[0].Key != "" && !customers.Items[0].LastLoginAt.IsZero(), customers)
	customer, err := f.client.Provisioning.Customer(ctx, 1, false)
	check("customer", err, err == nil && customer.QuotaMax == 10000000 && customer.WebhooksMax == 1 && customer.CustomerUUID != "", customer)
	created, err := f.client.Provisioning.CreateCustomer(ctx, &CreateCustomerRequest{CustomerContractType: ContractPay, QuotaMax: 10000000, UserMax: 100,
		FirstAdminUser: FirstAdminUser{FirstName: "string", LastName: "string"}})
	check("new customer", err, err == nil && created.ID == 1 && created.FirstAdminUser != nil && created.FirstAdminUser.AuthData.Method == AuthMethodBasic, created)
	updated, err := f.client.Provisioning.UpdateCustomer(ctx, 1, &UpdateCustomerRequest{CustomerContractType: ContractPay})
	check("updated customer", err, err == nil && updated.UserMax == 100 && !updated.UpdatedAt.IsZero(), updated)
}
