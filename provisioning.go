package dracoon

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// ProvisioningService manages the customers (tenants) of a DRACOON
// provider, their attributes and users, and the provider's webhooks.
// Every call is authenticated with the provider's service token
// (X-Sds-Service-Token), which the client gets with WithServiceToken, not
// with an OAuth login; without one the calls fail with ErrInvalidRequest
// before anything is sent. The token never appears in logs or errors.
type ProvisioningService service

// WithServiceToken sets the provider service token that ProvisioningService
// sends. A client used only for provisioning needs no Connect.
func WithServiceToken(token string) Option {
	return func(c *Client) error {
		if token == "" {
			return invalid("serviceToken", "must not be empty")
		}
		c.serviceToken = token
		return nil
	}
}

// provisioningPath is the common prefix of the provisioning API.
const provisioningPath = "/api/v4/provisioning"

// send sends call with the service token instead of a bearer token.
func (s *ProvisioningService) send(ctx context.Context, call *apiCall, out any) error {
	token := s.client.serviceToken
	if token == "" {
		return invalid("X-Sds-Service-Token", "no service token: create the client with WithServiceToken")
	}
	call.public = true // no OAuth token
	call.header = http.Header{"X-Sds-Service-Token": {token}}
	call.secrets = append(call.secrets, token)
	return s.client.do(ctx, call, out)
}

// Customer contract types.
const (
	ContractDemo = "demo"
	ContractFree = "free"
	ContractPay  = "pay"
)

// Customer is a tenant of the provider. Quotas are in bytes.
type Customer struct {
	ID                   int64           `json:"id"`
	CompanyName          string          `json:"companyName"`
	CustomerContractType string          `json:"customerContractType"`
	QuotaMax             int64           `json:"quotaMax"`
	QuotaUsed            int64           `json:"quotaUsed"`
	UserMax              int             `json:"userMax"`
	UserUsed             int             `json:"userUsed"`
	CntInternalUser      int             `json:"cntInternalUser,omitempty"`
	CntGuestUser         int             `json:"cntGuestUser,omitempty"`
	CreatedAt            time.Time       `json:"createdAt,omitzero"`
	UpdatedAt            time.Time       `json:"updatedAt,omitzero"`
	LastLoginAt          time.Time       `json:"lastLoginAt,omitzero"`
	IsLocked             bool            `json:"isLocked"`
	LockStatus           bool            `json:"lockStatus"`
	TrialDaysLeft        int             `json:"trialDaysLeft,omitempty"`
	TrialDays            int             `json:"trialDays,omitempty"`
	CustomerAttributes   *UserAttributes `json:"customerAttributes,omitempty"`
	ProviderCustomerID   string          `json:"providerCustomerId,omitempty"`
	WebhooksMax          int64           `json:"webhooksMax,omitempty"`
	ActivationCode       string          `json:"activationCode,omitempty"`
	CustomerUUID         string          `json:"customerUuid,omitempty"`
	// FirstAdminUser is set in the answer of CreateCustomer only.
	FirstAdminUser *FirstAdminUser `json:"firstAdminUser,omitempty"`
}

// CustomerList is one page of customers.
type CustomerList = Page[Customer]

// FirstAdminUser is the first administrator of a new customer.
type FirstAdminUser struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserName  string `json:"userName,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	// AuthData says how the administrator logs in; nil means a local
	// account. Its password never appears in logs or errors.
	AuthData         *CreateUserAuthData `json:"authData,omitempty"`
	ReceiverLanguage string              `json:"receiverLanguage,omitempty"`
	NotifyUser       *bool               `json:"notifyUser,omitempty"`
}

// CreateCustomerRequest creates a customer with its first administrator.
type CreateCustomerRequest struct {
	CustomerContractType string             `json:"customerContractType"`
	QuotaMax             int64              `json:"quotaMax"`
	UserMax              int                `json:"userMax"`
	FirstAdminUser       FirstAdminUser     `json:"firstAdminUser"`
	CompanyName          string             `json:"companyName,omitempty"`
	TrialDays            int                `json:"trialDays,omitempty"`
	IsLocked             *bool              `json:"isLocked,omitempty"`
	CustomerAttributes   *AttributesRequest `json:"customerAttributes,omitempty"`
	ProviderCustomerID   string             `json:"providerCustomerId,omitempty"`
	WebhooksMax          int64              `json:"webhooksMax,omitempty"`
	ActivationCode       string             `json:"activationCode,omitempty"`
}

// Validate refuses an unknown contract type, negative limits, a first
// administrator without name or with unusable login data, and bad
// attributes.
func (r *CreateCustomerRequest) Validate() error {
	errs := []error{checkOneOf("customerContractType", r.CustomerContractType, ContractDemo, ContractFree, ContractPay),
		checkLimits(r.QuotaMax, r.UserMax, r.WebhooksMax),
		checkNotBlank("firstAdminUser.firstName", r.FirstAdminUser.FirstName),
		checkNotBlank("firstAdminUser.lastName", r.FirstAdminUser.LastName)}
	if r.FirstAdminUser.Email != "" {
		errs = append(errs, checkEmail("firstAdminUser.email", r.FirstAdminUser.Email))
	}
	if a := r.FirstAdminUser.AuthData; a != nil {
		notify := r.FirstAdminUser.NotifyUser == nil || *r.FirstAdminUser.NotifyUser
		errs = append(errs, prefixField("firstAdminUser.", a.validate(notify && a.Method == AuthMethodBasic)))
	}
	if r.TrialDays < 0 {
		errs = append(errs, invalid("trialDays", "must not be negative"))
	}
	if r.CustomerAttributes != nil {
		errs = append(errs, prefixField("customerAttributes.", r.CustomerAttributes.Validate()))
	}
	return firstError(errs...)
}

// checkLimits refuses negative quota, user and webhook limits.
func checkLimits(quota int64, users int, webhooks int64) error {
	switch {
	case quota < 0:
		return invalid("quotaMax", "must not be negative")
	case users < 0:
		return invalid("userMax", "must not be negative")
	case webhooks < 0:
		return invalid("webhooksMax", "must not be negative")
	}
	return nil
}

// prefixField puts prefix before the field an *InvalidRequestError names.
func prefixField(prefix string, err error) error {
	if ie, ok := err.(*InvalidRequestError); ok {
		return &InvalidRequestError{Field: prefix + ie.Field, Reason: ie.Reason}
	}
	return err
}

// UpdateCustomerRequest changes a customer. The contract type is always
// required; zero limits and nil flags stay as they are.
type UpdateCustomerRequest struct {
	CustomerContractType string `json:"customerContractType"`
	CompanyName          string `json:"companyName,omitempty"`
	QuotaMax             int64  `json:"quotaMax,omitempty"`
	UserMax              int    `json:"userMax,omitempty"`
	IsLocked             *bool  `json:"isLocked,omitempty"`
	ProviderCustomerID   string `json:"providerCustomerId,omitempty"`
	WebhooksMax          int64  `json:"webhooksMax,omitempty"`
	LockStatus           *bool  `json:"lockStatus,omitempty"`
}

// Validate refuses an unknown contract type and negative limits.
func (r *UpdateCustomerRequest) Validate() error {
	return firstError(checkOneOf("customerContractType", r.CustomerContractType, ContractDemo, ContractFree, ContractPay),
		checkLimits(r.QuotaMax, r.UserMax, r.WebhooksMax))
}

// ListCustomersOptions select customers. Filter fields: id, companyName,
// customerContractType, trialDaysLeft, providerCustomerId, quotaMax,
// quotaUsed, userMax, userUsed, lockStatus, createdAt, updatedAt,
// lastLoginAt, customerAttributes; sort by the same fields.
type ListCustomersOptions struct {
	ListOptions
	// IncludeAttributes adds each customer's attributes.
	IncludeAttributes bool
}

// customerPath returns the path of one customer followed by suffix.
func customerPath(id int64, suffix string) string {
	return idPath(provisioningPath+"/customers", id, suffix)
}

// ListCustomers returns one page of customers
// (GET /api/v4/provisioning/customers).
func (s *ProvisioningService) ListCustomers(ctx context.Context, opts *ListCustomersOptions) (*CustomerList, error) {
	q := url.Values{}
	if opts != nil {
		q = opts.values(q)
		if opts.IncludeAttributes {
			q.Set("include_attributes", "true")
		}
	}
	return sendFor[CustomerList](ctx, s.send, &apiCall{method: http.MethodGet, path: provisioningPath + "/customers", query: q})
}

// AllCustomers iterates over the customers
// (GET /api/v4/provisioning/customers).
func (s *ProvisioningService) AllCustomers(ctx context.Context, opts *ListCustomersOptions) iter.Seq2[Customer, error] {
	var o ListCustomersOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, &o.ListOptions, func(ctx context.Context, lo *ListOptions) (*CustomerList, error) {
		page := o
		page.ListOptions = *lo
		return s.ListCustomers(ctx, &page)
	})
}

// Customer returns one customer, with its attributes when
// includeAttributes is set (GET /api/v4/provisioning/customers/{customer_id}).
func (s *ProvisioningService) Customer(ctx context.Context, id int64, includeAttributes bool) (*Customer, error) {
	if err := checkID("customer_id", id); err != nil {
		return nil, err
	}
	q := url.Values{}
	if includeAttributes {
		q.Set("include_attributes", "true")
	}
	return sendFor[Customer](ctx, s.send, &apiCall{method: http.MethodGet, path: customerPath(id, ""), query: q})
}

// CreateCustomer creates a customer with its first administrator
// (POST /api/v4/provisioning/customers).
func (s *ProvisioningService) CreateCustomer(ctx context.Context, req *CreateCustomerRequest) (*Customer, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	call := &apiCall{method: http.MethodPost, path: provisioningPath + "/customers", jsonBody: req}
	if a := req.FirstAdminUser.AuthData; a != nil && a.Password != "" {
		call.secrets = []string{a.Password}
	}
	return sendFor[Customer](ctx, s.send, call)
}

// UpdateCustomer changes a customer
// (PUT /api/v4/provisioning/customers/{customer_id}).
func (s *ProvisioningService) UpdateCustomer(ctx context.Context, id int64, req *UpdateCustomerRequest) (*Customer, error) {
	if err := firstError(checkID("customer_id", id), validate(req)); err != nil {
		return nil, err
	}
	return sendFor[Customer](ctx, s.send, &apiCall{method: http.MethodPut, path: customerPath(id, ""), jsonBody: req})
}

// DeleteCustomer removes a customer with all its data
// (DELETE /api/v4/provisioning/customers/{customer_id}).
func (s *ProvisioningService) DeleteCustomer(ctx context.Context, id int64) error {
	if err := checkID("customer_id", id); err != nil {
		return err
	}
	return s.send(ctx, &apiCall{method: http.MethodDelete, path: customerPath(id, "")}, nil)
}

// ListCustomerUsers returns one page of a customer's users
// (GET /api/v4/provisioning/customers/{customer_id}/users).
func (s *ProvisioningService) ListCustomerUsers(ctx context.Context, id int64, opts *ListOptions) (*UserList, error) {
	if err := checkID("customer_id", id); err != nil {
		return nil, err
	}
	return sendFor[UserList](ctx, s.send, &apiCall{method: http.MethodGet, path: customerPath(id, "/users"), query: opts.values(nil)})
}

// AllCustomerUsers iterates over a customer's users
// (GET /api/v4/provisioning/customers/{customer_id}/users).
func (s *ProvisioningService) AllCustomerUsers(ctx context.Context, id int64, opts *ListOptions) iter.Seq2[User, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*UserList, error) {
		return s.ListCustomerUsers(ctx, id, lo)
	})
}

// ListCustomerAttributes returns one page of a customer's attributes
// (GET /api/v4/provisioning/customers/{customer_id}/customerAttributes).
func (s *ProvisioningService) ListCustomerAttributes(ctx context.Context, id int64, opts *ListOptions) (*AttributeList, error) {
	if err := checkID("customer_id", id); err != nil {
		return nil, err
	}
	return sendFor[AttributeList](ctx, s.send, &apiCall{method: http.MethodGet, path: customerPath(id, "/customerAttributes"), query: opts.values(nil)})
}

// AllCustomerAttributes iterates over a customer's attributes
// (GET /api/v4/provisioning/customers/{customer_id}/customerAttributes).
func (s *ProvisioningService) AllCustomerAttributes(ctx context.Context, id int64, opts *ListOptions) iter.Seq2[KeyValueEntry, error] {
	return all(ctx, opts, func(ctx context.Context, lo *ListOptions) (*AttributeList, error) {
		return s.ListCustomerAttributes(ctx, id, lo)
	})
}

// SetCustomerAttributes replaces a customer's attributes with req
// (POST /api/v4/provisioning/customers/{customer_id}/customerAttributes).
func (s *ProvisioningService) SetCustomerAttributes(ctx context.Context, id int64, req *AttributesRequest) (*Customer, error) {
	return s.changeAttributes(ctx, http.MethodPost, id, req)
}

// UpdateCustomerAttributes adds or changes the attributes in req
// (PUT /api/v4/provisioning/customers/{customer_id}/customerAttributes).
func (s *ProvisioningService) UpdateCustomerAttributes(ctx context.Context, id int64, req *AttributesRequest) (*Customer, error) {
	return s.changeAttributes(ctx, http.MethodPut, id, req)
}

// changeAttributes sends an attribute change.
func (s *ProvisioningService) changeAttributes(ctx context.Context, method string, id int64, req *AttributesRequest) (*Customer, error) {
	if err := firstError(checkID("customer_id", id), validate(req)); err != nil {
		return nil, err
	}
	return sendFor[Customer](ctx, s.send, &apiCall{method: method, path: customerPath(id, "/customerAttributes"), jsonBody: req})
}

// DeleteCustomerAttribute removes one attribute of a customer
// (DELETE /api/v4/provisioning/customers/{customer_id}/customerAttributes/{key}).
func (s *ProvisioningService) DeleteCustomerAttribute(ctx context.Context, id int64, key string) error {
	if err := firstError(checkID("customer_id", id), checkAttributeKey(key)); err != nil {
		return err
	}
	return s.send(ctx, &apiCall{method: http.MethodDelete, path: customerPath(id, "/customerAttributes/"+key)}, nil)
}

// License returns the state of the provider's license
// (GET /api/v4/provisioning/check_license).
func (s *ProvisioningService) License(ctx context.Context) (*LicenseInfo, error) {
	return sendFor[LicenseInfo](ctx, s.send, &apiCall{method: http.MethodGet, path: provisioningPath + "/check_license"})
}

// webhooks are the tenant webhook endpoints.
func (s *ProvisioningService) webhooks() webhookEndpoints {
	return webhookEndpoints{base: provisioningPath + "/webhooks", send: s.send}
}

// ListWebhooks returns one page of the provider's tenant webhooks
// (GET /api/v4/provisioning/webhooks).
func (s *ProvisioningService) ListWebhooks(ctx context.Context, opts *ListOptions) (*WebhookList, error) {
	return s.webhooks().list(ctx, opts)
}

// AllWebhooks iterates over the tenant webhooks
// (GET /api/v4/provisioning/webhooks).
func (s *ProvisioningService) AllWebhooks(ctx context.Context, opts *ListOptions) iter.Seq2[Webhook, error] {
	return s.webhooks().all(ctx, opts)
}

// Webhook returns one tenant webhook
// (GET /api/v4/provisioning/webhooks/{webhook_id}).
func (s *ProvisioningService) Webhook(ctx context.Context, id int64) (*Webhook, error) {
	return s.webhooks().get(ctx, id)
}

// CreateWebhook creates a tenant webhook
// (POST /api/v4/provisioning/webhooks).
func (s *ProvisioningService) CreateWebhook(ctx context.Context, req *CreateWebhookRequest) (*Webhook, error) {
	return s.webhooks().create(ctx, req)
}

// UpdateWebhook changes a tenant webhook
// (PUT /api/v4/provisioning/webhooks/{webhook_id}).
func (s *ProvisioningService) UpdateWebhook(ctx context.Context, id int64, req *UpdateWebhookRequest) (*Webhook, error) {
	return s.webhooks().update(ctx, id, req)
}

// DeleteWebhook removes a tenant webhook
// (DELETE /api/v4/provisioning/webhooks/{webhook_id}).
func (s *ProvisioningService) DeleteWebhook(ctx context.Context, id int64) error {
	return s.webhooks().delete(ctx, id)
}

// ResetWebhookLifetime pushes a tenant webhook's expiry forward
// (POST /api/v4/provisioning/webhooks/{webhook_id}/reset_lifetime).
func (s *ProvisioningService) ResetWebhookLifetime(ctx context.Context, id int64) (*Webhook, error) {
	return s.webhooks().resetLifetime(ctx, id)
}

// WebhookEventTypes returns the event types tenant webhooks can use
// (GET /api/v4/provisioning/webhooks/event_types).
func (s *ProvisioningService) WebhookEventTypes(ctx context.Context) (*EventTypes, error) {
	return s.webhooks().eventTypes(ctx)
}
