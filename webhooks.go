package dracoon

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// WebhooksService administers the customer's webhooks: DRACOON posts the
// events a webhook names to its https URL. Rooms choose among these
// webhooks through the room webhook assignment; tenant (provider)
// webhooks are in ProvisioningService.
type WebhooksService service

// Webhook is a webhook of a customer or of the provider: DRACOON posts
// the named events to URL.
type Webhook struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	URL            string    `json:"url"`
	IsEnabled      bool      `json:"isEnabled"`
	ExpireAt       time.Time `json:"expireAt,omitzero"`
	EventTypeNames []string  `json:"eventTypeNames"`
	CreatedAt      time.Time `json:"createdAt,omitzero"`
	CreatedBy      *UserInfo `json:"createdBy,omitempty"`
	UpdatedAt      time.Time `json:"updatedAt,omitzero"`
	UpdatedBy      *UserInfo `json:"updatedBy,omitempty"`
	// FailStatus is the HTTP status that disabled the webhook, if any.
	FailStatus int `json:"failStatus,omitempty"`
	// Secret signs the deliveries; servers may leave it out of answers.
	Secret string `json:"secret,omitempty"`
}

// WebhookList is one page of webhooks.
type WebhookList = Page[Webhook]

// EventType is an event a webhook can subscribe to, and at which levels
// it is available.
type EventType struct {
	ID                         int    `json:"id"`
	Name                       string `json:"name"`
	UsableTenantWebhook        bool   `json:"usableTenantWebhook"`
	UsableCustomerAdminWebhook bool   `json:"usableCustomerAdminWebhook"`
	UsableNodeWebhook          bool   `json:"usableNodeWebhook"`
	UsablePushNotification     bool   `json:"usablePushNotification"`
}

// EventTypes lists event types.
type EventTypes struct {
	Items []EventType `json:"items"`
}

// CreateWebhookRequest creates a webhook.
type CreateWebhookRequest struct {
	Name string `json:"name"`
	// EventTypeNames are names from EventTypes (such as "file.created").
	EventTypeNames []string `json:"eventTypeNames"`
	// URL must use https.
	URL string `json:"url"`
	// Secret, if set, signs every delivery; it never appears in logs or
	// errors.
	Secret    string `json:"secret,omitempty"`
	IsEnabled *bool  `json:"isEnabled,omitempty"`
	// TriggerExampleEvent asks DRACOON to send a test delivery.
	TriggerExampleEvent *bool `json:"triggerExampleEvent,omitempty"`
}

// Validate refuses an empty name, a URL that is not https and an empty or
// blank event type list.
func (r *CreateWebhookRequest) Validate() error {
	return firstError(checkNotBlank("name", r.Name), checkHTTPS("url", r.URL), checkEventTypes(r.EventTypeNames))
}

// UpdateWebhookRequest changes a webhook; nil fields stay as they are.
type UpdateWebhookRequest struct {
	Name                *string  `json:"name,omitempty"`
	EventTypeNames      []string `json:"eventTypeNames,omitempty"`
	URL                 *string  `json:"url,omitempty"`
	Secret              *string  `json:"secret,omitempty"`
	IsEnabled           *bool    `json:"isEnabled,omitempty"`
	TriggerExampleEvent *bool    `json:"triggerExampleEvent,omitempty"`
}

// Validate refuses an empty name, a URL that is not https and blank event
// type names.
func (r *UpdateWebhookRequest) Validate() error {
	var errs []error
	if r.Name != nil {
		errs = append(errs, checkNotBlank("name", *r.Name))
	}
	if r.URL != nil {
		errs = append(errs, checkHTTPS("url", *r.URL))
	}
	if r.EventTypeNames != nil {
		errs = append(errs, checkEventTypes(r.EventTypeNames))
	}
	return firstError(errs...)
}

// checkEventTypes requires at least one event type name, none blank.
func checkEventTypes(names []string) error {
	if len(names) == 0 {
		return invalid("eventTypeNames", "must not be empty")
	}
	for i, n := range names {
		if err := checkNotBlank(fmt.Sprintf("eventTypeNames[%d]", i), n); err != nil {
			return err
		}
	}
	return nil
}

// webhookEndpoints implements the webhook operations that customer and
// tenant webhooks share, below base, sending with send.
type webhookEndpoints struct {
	base string
	send sender
}

func (w webhookEndpoints) list(ctx context.Context, opts *ListOptions) (*WebhookList, error) {
	return sendFor[WebhookList](ctx, w.send, &apiCall{method: http.MethodGet, path: w.base, query: opts.values(nil)})
}

func (w webhookEndpoints) all(ctx context.Context, opts *ListOptions) iter.Seq2[Webhook, error] {
	return all(ctx, opts, w.list)
}

func (w webhookEndpoints) get(ctx context.Context, id int64) (*Webhook, error) {
	if err := checkID("webhook_id", id); err != nil {
		return nil, err
	}
	return sendFor[Webhook](ctx, w.send, &apiCall{method: http.MethodGet, path: idPath(w.base, id, "")})
}

func (w webhookEndpoints) create(ctx context.Context, req *CreateWebhookRequest) (*Webhook, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	return sendFor[Webhook](ctx, w.send, &apiCall{method: http.MethodPost, path: w.base, jsonBody: req, secrets: []string{req.Secret}})
}

func (w webhookEndpoints) update(ctx context.Context, id int64, req *UpdateWebhookRequest) (*Webhook, error) {
	if err := firstError(checkID("webhook_id", id), validate(req)); err != nil {
		return nil, err
	}
	call := &apiCall{method: http.MethodPut, path: idPath(w.base, id, ""), jsonBody: req}
	if req.Secret != nil {
		call.secrets = []string{*req.Secret}
	}
	return sendFor[Webhook](ctx, w.send, call)
}

func (w webhookEndpoints) delete(ctx context.Context, id int64) error {
	if err := checkID("webhook_id", id); err != nil {
		return err
	}
	return w.send(ctx, &apiCall{method: http.MethodDelete, path: idPath(w.base, id, "")}, nil)
}

func (w webhookEndpoints) resetLifetime(ctx context.Context, id int64) (*Webhook, error) {
	if err := checkID("webhook_id", id); err != nil {
		return nil, err
	}
	return sendFor[Webhook](ctx, w.send, &apiCall{method: http.MethodPost, path: idPath(w.base, id, "/reset_lifetime"), idempotent: true})
}

func (w webhookEndpoints) eventTypes(ctx context.Context) (*EventTypes, error) {
	return sendFor[EventTypes](ctx, w.send, &apiCall{method: http.MethodGet, path: w.base + "/event_types"})
}

// endpoints are the customer webhook endpoints.
func (s *WebhooksService) endpoints() webhookEndpoints {
	return webhookEndpoints{base: "/api/v4/settings/webhooks", send: s.client.do}
}

// List returns one page of the customer's webhooks. Filter fields: id,
// isEnabled, name; sort fields: name, isEnabled, createdAt, updatedAt,
// expireAt (GET /api/v4/settings/webhooks).
func (s *WebhooksService) List(ctx context.Context, opts *ListOptions) (*WebhookList, error) {
	return s.endpoints().list(ctx, opts)
}

// All iterates over the customer's webhooks (GET /api/v4/settings/webhooks).
func (s *WebhooksService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Webhook, error] {
	return s.endpoints().all(ctx, opts)
}

// Get returns one webhook (GET /api/v4/settings/webhooks/{webhook_id}).
func (s *WebhooksService) Get(ctx context.Context, id int64) (*Webhook, error) {
	return s.endpoints().get(ctx, id)
}

// Create creates a webhook (POST /api/v4/settings/webhooks).
func (s *WebhooksService) Create(ctx context.Context, req *CreateWebhookRequest) (*Webhook, error) {
	return s.endpoints().create(ctx, req)
}

// Update changes a webhook (PUT /api/v4/settings/webhooks/{webhook_id}).
func (s *WebhooksService) Update(ctx context.Context, id int64, req *UpdateWebhookRequest) (*Webhook, error) {
	return s.endpoints().update(ctx, id, req)
}

// Delete removes a webhook (DELETE /api/v4/settings/webhooks/{webhook_id}).
func (s *WebhooksService) Delete(ctx context.Context, id int64) error {
	return s.endpoints().delete(ctx, id)
}

// ResetLifetime pushes a webhook's expiry date forward and returns it
// (POST /api/v4/settings/webhooks/{webhook_id}/reset_lifetime).
func (s *WebhooksService) ResetLifetime(ctx context.Context, id int64) (*Webhook, error) {
	return s.endpoints().resetLifetime(ctx, id)
}

// EventTypes returns the event types and where each can be used
// (GET /api/v4/settings/webhooks/event_types).
func (s *WebhooksService) EventTypes(ctx context.Context) (*EventTypes, error) {
	return s.endpoints().eventTypes(ctx)
}
