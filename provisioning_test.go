package dracoon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const (
	serviceToken = "svc-token-s3cr3t-77"
	customerJSON = `{"id":5,"companyName":"ACME","customerContractType":"pay","quotaMax":1000,"quotaUsed":10,"userMax":50,"userUsed":3,
"createdAt":"2030-01-01T00:00:00Z","isLocked":false,"lockStatus":false,"customerUuid":"u-5","customerAttributes":{"items":[{"key":"plan","value":"gold"}]}}`
)

// runProvisioningCases runs each case against a fresh fake whose client
// has a service token; every request must carry the token and no bearer
// token.
func runProvisioningCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t, WithServiceToken(serviceToken))
			h, hits := f.handler(tc.pattern, tc.call)
			f.mux.HandleFunc(tc.pattern, func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("X-Sds-Service-Token"); got != serviceToken {
					t.Errorf("X-Sds-Service-Token %q", got)
				}
				if got := r.Header.Get("Authorization"); got != "" {
					t.Errorf("provisioning request carries Authorization %q", got)
				}
				h(w, r)
			})
			if err := tc.run(t, f.client); err != nil {
				t.Fatal(err)
			}
			if hits.Load() != 1 || f.requests.Load() != 1 {
				t.Errorf("%d requests to %s, %d in all; want 1", hits.Load(), tc.pattern, f.requests.Load())
			}
		})
	}
}

func TestProvisioningEndpoints(t *testing.T) {
	ctx := context.Background()
	runProvisioningCases(t, []opCase{
		{"customers", "GET /api/v4/provisioning/customers", fakeCall{query: "limit=10&filter=companyName:cn:AC&include_attributes=true",
			answer: `{"range":{"offset":0,"limit":10,"total":1},"items":[` + customerJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Provisioning.ListCustomers(ctx, &ListCustomersOptions{ListOptions: ListOptions{Limit: 10, Filter: "companyName:cn:AC"}, IncludeAttributes: true})
				return firstError(err, expect(err == nil && l.Items[0].CompanyName == "ACME" && l.Items[0].CustomerAttributes.Items[0].Value == "gold", "%+v", l))
			}},
		{"customer", "GET /api/v4/provisioning/customers/5", fakeCall{query: "include_attributes=true", answer: customerJSON},
			func(t *testing.T, c *Client) error {
				cu, err := c.Provisioning.Customer(ctx, 5, true)
				return firstError(err, expect(err == nil && cu.QuotaMax == 1000 && cu.UserUsed == 3, "%+v", cu))
			}},
		{"create customer", "POST /api/v4/provisioning/customers", fakeCall{status: 201,
			body: `{"customerContractType":"demo","quotaMax":1000,"userMax":5,"companyName":"ACME","trialDays":14,
				"firstAdminUser":{"firstName":"Ada","lastName":"L","userName":"ada","email":"ada@example.com","authData":{"method":"basic","password":"First-Admin-Pw1"},"notifyUser":false},
				"customerAttributes":{"items":[{"key":"plan","value":"gold"}]}}`,
			answer: `{"id":5,"companyName":"ACME","customerContractType":"demo","quotaMax":1000,"userMax":5,"customerUuid":"u","lockStatus":false,"firstAdminUser":{"firstName":"Ada","lastName":"L"}}`},
			func(t *testing.T, c *Client) error {
				cu, err := c.Provisioning.CreateCustomer(ctx, &CreateCustomerRequest{CustomerContractType: ContractDemo, QuotaMax: 1000, UserMax: 5, CompanyName: "ACME", TrialDays: 14,
					FirstAdminUser: FirstAdminUser{FirstName: "Ada", LastName: "L", UserName: "ada", Email: "ada@example.com", NotifyUser: ptrTo(false),
						AuthData: &CreateUserAuthData{Method: AuthMethodBasic, Password: "First-Admin-Pw1"}},
					CustomerAttributes: NewAttributesRequest(map[string]string{"plan": "gold"})})
				return firstError(err, expect(err == nil && cu.ID == 5 && cu.FirstAdminUser.FirstName == "Ada", "%+v", cu))
			}},
		{"update customer", "PUT /api/v4/provisioning/customers/5", fakeCall{body: `{"customerContractType":"pay","userMax":100,"isLocked":true}`,
			answer: `{"id":5,"companyName":"ACME","customerContractType":"pay","quotaMax":1000,"userMax":100,"customerUuid":"u","lockStatus":true,"isLocked":true}`},
			func(t *testing.T, c *Client) error {
				cu, err := c.Provisioning.UpdateCustomer(ctx, 5, &UpdateCustomerRequest{CustomerContractType: ContractPay, UserMax: 100, IsLocked: ptrTo(true)})
				return firstError(err, expect(err == nil && cu.IsLocked, "%+v", cu))
			}},
		{"delete customer", "DELETE /api/v4/provisioning/customers/5", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Provisioning.DeleteCustomer(ctx, 5) }},
		{"customer users", "GET /api/v4/provisioning/customers/5/users", fakeCall{query: "offset=1", answer: `{"range":{"offset":1,"limit":500,"total":2},"items":[` + userJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Provisioning.ListCustomerUsers(ctx, 5, &ListOptions{Offset: 1})
				return firstError(err, expect(err == nil && l.Items[0].UserName == "ada", "%+v", l))
			}},
		{"customer attributes", "GET /api/v4/provisioning/customers/5/customerAttributes", fakeCall{answer: `{"range":{"offset":0,"limit":500,"total":1},"items":[{"key":"plan","value":"gold"}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Provisioning.ListCustomerAttributes(ctx, 5, nil)
				return firstError(err, expect(err == nil && l.Items[0].Key == "plan", "%+v", l))
			}},
		{"set attributes", "POST /api/v4/provisioning/customers/5/customerAttributes", fakeCall{status: 201, body: `{"items":[{"key":"plan","value":"gold"}]}`, answer: customerJSON},
			func(t *testing.T, c *Client) error {
				_, err := c.Provisioning.SetCustomerAttributes(ctx, 5, NewAttributesRequest(map[string]string{"plan": "gold"}))
				return err
			}},
		{"update attributes", "PUT /api/v4/provisioning/customers/5/customerAttributes", fakeCall{body: `{"items":[{"key":"a","value":"1"},{"key":"b","value":"2"}]}`, answer: customerJSON},
			func(t *testing.T, c *Client) error {
				_, err := c.Provisioning.UpdateCustomerAttributes(ctx, 5, NewAttributesRequest(map[string]string{"b": "2", "a": "1"}))
				return err
			}},
		{"delete attribute", "DELETE /api/v4/provisioning/customers/5/customerAttributes/plan%20b", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Provisioning.DeleteCustomerAttribute(ctx, 5, "plan b") }},
		{"license", "GET /api/v4/provisioning/check_license", fakeCall{answer: `{"state":"valid"}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Provisioning.License(ctx)
				return firstError(err, expect(err == nil && l.State == "valid", "%+v", l))
			}},
		{"webhooks", "GET /api/v4/provisioning/webhooks", fakeCall{query: "sort=name:desc", answer: `{"range":{"offset":0,"limit":500,"total":1},"items":[` + webhookJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Provisioning.ListWebhooks(ctx, &ListOptions{Sort: "name:desc"})
				return firstError(err, expect(err == nil && l.Items[0].ID == 7, "%+v", l))
			}},
		{"webhook", "GET /api/v4/provisioning/webhooks/7", fakeCall{answer: webhookJSON},
			func(t *testing.T, c *Client) error { _, err := c.Provisioning.Webhook(ctx, 7); return err }},
		{"create webhook", "POST /api/v4/provisioning/webhooks", fakeCall{status: 201, answer: webhookJSON,
			body: `{"name":"t","eventTypeNames":["customer.created"],"url":"https://p.example/hook"}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Provisioning.CreateWebhook(ctx, &CreateWebhookRequest{Name: "t", EventTypeNames: []string{"customer.created"}, URL: "https://p.example/hook"})
				return err
			}},
		{"update webhook", "PUT /api/v4/provisioning/webhooks/7", fakeCall{body: `{"eventTypeNames":["customer.deleted"]}`, answer: webhookJSON},
			func(t *testing.T, c *Client) error {
				_, err := c.Provisioning.UpdateWebhook(ctx, 7, &UpdateWebhookRequest{EventTypeNames: []string{"customer.deleted"}})
				return err
			}},
		{"delete webhook", "DELETE /api/v4/provisioning/webhooks/7", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Provisioning.DeleteWebhook(ctx, 7) }},
		{"reset webhook", "POST /api/v4/provisioning/webhooks/7/reset_lifetime", fakeCall{answer: webhookJSON},
			func(t *testing.T, c *Client) error { _, err := c.Provisioning.ResetWebhookLifetime(ctx, 7); return err }},
		{"event types", "GET /api/v4/provisioning/webhooks/event_types", fakeCall{answer: `{"items":[]}`},
			func(t *testing.T, c *Client) error { _, err := c.Provisioning.WebhookEventTypes(ctx); return err }},
	})
}

func TestProvisioningIterators(t *testing.T) {
	item := `{"id":%[1]d,"companyName":"c","customerContractType":"pay","quotaMax":1,"quotaUsed":0,"userMax":1,"userUsed":0,"createdAt":"2030-01-01T00:00:00Z","customerUuid":"u","lockStatus":false}`
	for _, tc := range []struct {
		name, pattern string
		item          string
		iterate       func(ctx context.Context, c *Client) ([]int64, error)
	}{
		{"customers", "GET /api/v4/provisioning/customers", item, func(ctx context.Context, c *Client) ([]int64, error) {
			return collectIDs(c.Provisioning.AllCustomers(ctx, &ListCustomersOptions{ListOptions: ListOptions{Limit: 2}}), func(cu Customer) int64 { return cu.ID })
		}},
		{"customer users", "GET /api/v4/provisioning/customers/5/users", `{"id":%[1]d,"userName":"u","firstName":"f","lastName":"l","isLocked":false,"avatarUuid":"a","authData":{"method":"basic"}}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Provisioning.AllCustomerUsers(ctx, 5, &ListOptions{Limit: 2}), func(u User) int64 { return u.ID })
			}},
		{"tenant webhooks", "GET /api/v4/provisioning/webhooks", `{"id":%[1]d,"name":"h","url":"https://h","isEnabled":true,"eventTypeNames":[]}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Provisioning.AllWebhooks(ctx, &ListOptions{Limit: 2}), func(h Webhook) int64 { return h.ID })
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t, WithServiceToken(serviceToken))
			offsets := f.servePaged(tc.pattern, 5, nil, func(id int) string { return fmt.Sprintf(tc.item, id) })
			ids, err := tc.iterate(context.Background(), f.client)
			if err != nil || len(ids) != 5 || ids[4] != 5 || len(offsets()) != 3 {
				t.Errorf("ids %v, offsets %v, %v", ids, offsets(), err)
			}
		})
	}
}

func TestProvisioningAttributesIterator(t *testing.T) {
	f := newFakeAPI(t, WithServiceToken(serviceToken))
	f.servePaged("GET /api/v4/provisioning/customers/5/customerAttributes", 3, nil, func(id int) string { return fmt.Sprintf(`{"key":"k%d","value":"v"}`, id) })
	var keys []string
	for kv, err := range f.client.Provisioning.AllCustomerAttributes(context.Background(), 5, &ListOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, kv.Key)
	}
	if strings.Join(keys, ",") != "k1,k2,k3" {
		t.Errorf("keys %v", keys)
	}
}

func TestProvisioningWithoutServiceToken(t *testing.T) {
	f := newFakeAPI(t)
	_, err := f.client.Provisioning.ListCustomers(context.Background(), nil)
	var ie *InvalidRequestError
	if !errors.As(err, &ie) || ie.Field != "X-Sds-Service-Token" || f.requests.Load() != 0 {
		t.Errorf("got %v after %d requests", err, f.requests.Load())
	}
	if _, err := New("https://d.example", WithServiceToken("")); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty service token accepted: %v", err)
	}
}

func TestProvisioningTokenAndPasswordStayOutOfErrors(t *testing.T) {
	f := newFakeAPI(t, WithServiceToken(serviceToken))
	f.mux.HandleFunc("POST /api/v4/provisioning/customers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":400,"message":"Bad Request","debugInfo":"token ` + serviceToken + ` and password First-Admin-Pw1 rejected","errorCode":-10000}`))
	})
	_, err := f.client.Provisioning.CreateCustomer(context.Background(), &CreateCustomerRequest{CustomerContractType: ContractPay, QuotaMax: 1, UserMax: 1,
		FirstAdminUser: FirstAdminUser{FirstName: "A", LastName: "B", AuthData: &CreateUserAuthData{Method: AuthMethodBasic, Password: "First-Admin-Pw1"}, NotifyUser: ptrTo(false)}})
	if err == nil || containsAny(err.Error(), serviceToken, "First-Admin-Pw1") || !strings.Contains(err.Error(), "rejected") {
		t.Errorf("error %v", err)
	}
}

func TestProvisioningRefusesInvalidRequests(t *testing.T) {
	runInvalidCases(t, []invalidCase{
		{"contract", "customerContractType", func(ctx context.Context, c *Client) error {
			_, err := c.Provisioning.CreateCustomer(ctx, &CreateCustomerRequest{CustomerContractType: "gold", FirstAdminUser: FirstAdminUser{FirstName: "a", LastName: "b"}})
			return err
		}},
		{"admin name", "firstAdminUser.lastName", func(ctx context.Context, c *Client) error {
			_, err := c.Provisioning.CreateCustomer(ctx, &CreateCustomerRequest{CustomerContractType: ContractFree, FirstAdminUser: FirstAdminUser{FirstName: "a"}})
			return err
		}},
		{"admin email", "firstAdminUser.email", func(ctx context.Context, c *Client) error {
			_, err := c.Provisioning.CreateCustomer(ctx, &CreateCustomerRequest{CustomerContractType: ContractFree, FirstAdminUser: FirstAdminUser{FirstName: "a", LastName: "b", Email: "nope"}})
			return err
		}},
		{"admin auth", "firstAdminUser.authData.login", func(ctx context.Context, c *Client) error {
			_, err := c.Provisioning.CreateCustomer(ctx, &CreateCustomerRequest{CustomerContractType: ContractFree,
				FirstAdminUser: FirstAdminUser{FirstName: "a", LastName: "b", AuthData: &CreateUserAuthData{Method: AuthMethodOpenID, OIDConfigID: 1}}})
			return err
		}},
		{"quota", "quotaMax", func(ctx context.Context, c *Client) error {
			_, err := c.Provisioning.UpdateCustomer(ctx, 1, &UpdateCustomerRequest{CustomerContractType: ContractPay, QuotaMax: -1})
			return err
		}},
		{"attributes", "customerAttributes.items", func(ctx context.Context, c *Client) error {
			_, err := c.Provisioning.CreateCustomer(ctx, &CreateCustomerRequest{CustomerContractType: ContractFree,
				FirstAdminUser: FirstAdminUser{FirstName: "a", LastName: "b"}, CustomerAttributes: &AttributesRequest{}})
			return err
		}},
		{"customer id", "customer_id", func(ctx context.Context, c *Client) error { return c.Provisioning.DeleteCustomer(ctx, 0) }},
		{"attribute key", "key", func(ctx context.Context, c *Client) error {
			return c.Provisioning.DeleteCustomerAttribute(ctx, 1, "a/b")
		}},
		{"set attributes nil", "request", func(ctx context.Context, c *Client) error {
			_, err := c.Provisioning.SetCustomerAttributes(ctx, 1, nil)
			return err
		}},
		{"tenant webhook", "url", func(ctx context.Context, c *Client) error {
			_, err := c.Provisioning.CreateWebhook(ctx, &CreateWebhookRequest{Name: "n", EventTypeNames: []string{"x"}, URL: "http://x"})
			return err
		}},
	})
}
