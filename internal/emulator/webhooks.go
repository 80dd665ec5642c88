package emulator

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Webhooks: the customer webhooks under /settings/webhooks (CONFIG_MANAGER)
// and the tenant webhooks under /provisioning/webhooks (service token),
// with one set of handlers parameterised by scope; and their delivery:
// emit hands every event to notifyWebhooks, which queues a delivery per
// subscribed, enabled webhook; a small pool of workers posts them and
// retries failures with backoff, never on the request path. What is
// unverified is listed in unverified_admin.go.

// webhook is a registered webhook.
type webhook struct {
	id         int64
	tenant     bool // tenant (provisioning) webhook, else customer
	name       string
	url        string
	secret     string
	eventTypes []string
	enabled    bool
	expireAt   time.Time
	createdAt  time.Time
	createdBy  int64
	updatedAt  time.Time
	updatedBy  int64
	failStatus *int
	// rooms are the rooms the webhook is assigned to (room webhooks, kept
	// by the node endpoints); node-scope events of those rooms reach it.
	rooms map[int64]bool
}

var (
	errNoWebhook        = newAPIError(404, -91000, "Webhook not found")
	errInvalidEventType = newAPIError(400, -80060, "Invalid event type")
	errInvalidURL       = newAPIError(400, -80010, "Invalid URL")
	errIllegalProtocol  = newAPIError(400, -80012, "Illegal protocol")
)

const maxWebhookName = 150

// webhookJSON is Webhook.
type webhookJSON struct {
	ID             int64         `json:"id"`
	Name           string        `json:"name"`
	URL            string        `json:"url"`
	Secret         string        `json:"secret,omitempty"`
	IsEnabled      bool          `json:"isEnabled"`
	ExpireAt       apiTime       `json:"expireAt"`
	EventTypeNames []string      `json:"eventTypeNames"`
	CreatedAt      apiTime       `json:"createdAt"`
	CreatedBy      *userInfoJSON `json:"createdBy,omitempty"`
	UpdatedAt      apiTime       `json:"updatedAt"`
	UpdatedBy      *userInfoJSON `json:"updatedBy,omitempty"`
	FailStatus     *int          `json:"failStatus,omitempty"`
}

func (st *state) webhookJSONOf(h *webhook) webhookJSON {
	out := webhookJSON{
		ID: h.id, Name: h.name, URL: h.url, Secret: h.secret, IsEnabled: h.enabled, ExpireAt: apiTime(h.expireAt),
		EventTypeNames: slices.Clone(h.eventTypes), CreatedAt: apiTime(h.createdAt), UpdatedAt: apiTime(h.updatedAt),
		FailStatus: h.failStatus,
	}
	if h.createdBy != 0 {
		by := st.userInfo(h.createdBy)
		out.CreatedBy = &by
	}
	if h.updatedBy != 0 {
		by := st.userInfo(h.updatedBy)
		out.UpdatedBy = &by
	}
	return out
}

// webhookRequest is CreateWebhookRequest and UpdateWebhookRequest.
type webhookRequest struct {
	Name                *string   `json:"name"`
	EventTypeNames      *[]string `json:"eventTypeNames"`
	URL                 *string   `json:"url"`
	Secret              *string   `json:"secret"`
	IsEnabled           *bool     `json:"isEnabled"`
	TriggerExampleEvent *bool     `json:"triggerExampleEvent"`
}

// webhookScope is the customer or tenant flavour of the webhook endpoints.
type webhookScope struct {
	tenant bool
	scope  int // scopeCustomer or scopeTenant
	// authorize checks the caller (config manager or service token).
	// Callers hold e.mu.
	authorize func(r *http.Request) *apiError
}

func (e *Emulator) webhookRoutes(r chi.Router, prefix string, sc webhookScope) {
	r.Get(prefix+"/webhooks", produces(mediaJSON, e.handleListWebhooks(sc)))
	r.Post(prefix+"/webhooks", produces(mediaJSON, e.handleCreateWebhook(sc)))
	r.Get(prefix+"/webhooks/event_types", produces(mediaJSON, e.handleEventTypes(sc)))
	r.Get(prefix+"/webhooks/{webhook_id}", produces(mediaJSON, e.handleGetWebhook(sc)))
	r.Put(prefix+"/webhooks/{webhook_id}", produces(mediaJSON, e.handleUpdateWebhook(sc)))
	r.Delete(prefix+"/webhooks/{webhook_id}", produces(mediaJSON, e.handleDeleteWebhook(sc)))
	r.Post(prefix+"/webhooks/{webhook_id}/reset_lifetime", produces(mediaJSON, e.handleResetWebhookLifetime(sc)))
}

// customerWebhooks is the scope of /settings/webhooks.
func (e *Emulator) customerWebhooks() webhookScope {
	return webhookScope{scope: scopeCustomer, authorize: func(r *http.Request) *apiError { return e.requireRight(r, rightChangeConfig) }}
}

var webhookListSpec = &listSpec[*webhook]{
	filters: map[string]filterField[*webhook]{
		"id":             {kind: kindInt, ops: []string{"eq"}, num: func(h *webhook) int64 { return h.id }},
		"name":           {kind: kindString, ops: []string{"cn", "eq"}, str: func(h *webhook) string { return h.name }},
		"isEnabled":      {kind: kindBool, ops: []string{"eq"}, bl: func(h *webhook) bool { return h.enabled }},
		"createdAt":      {kind: kindTime, ops: []string{"ge", "le"}, tm: func(h *webhook) time.Time { return h.createdAt }},
		"updatedAt":      {kind: kindTime, ops: []string{"ge", "le"}, tm: func(h *webhook) time.Time { return h.updatedAt }},
		"expiration":     {kind: kindTime, ops: []string{"ge", "le", "eq"}, tm: func(h *webhook) time.Time { return h.expireAt }},
		"lastFailStatus": {kind: kindInt, ops: []string{"eq"}, num: func(h *webhook) int64 { return int64(deref(h.failStatus)) }},
	},
	sorts: map[string]func(a, b *webhook) int{
		"id":         func(a, b *webhook) int { return cmp.Compare(a.id, b.id) },
		"name":       func(a, b *webhook) int { return compareFold(a.name, b.name) },
		"isEnabled":  func(a, b *webhook) int { return cmpBool(a.enabled, b.enabled) },
		"createdAt":  func(a, b *webhook) int { return a.createdAt.Compare(b.createdAt) },
		"updatedAt":  func(a, b *webhook) int { return a.updatedAt.Compare(b.updatedAt) },
		"expiration": func(a, b *webhook) int { return a.expireAt.Compare(b.expireAt) },
	},
	tiebreak: func(a, b *webhook) int { return cmp.Compare(a.id, b.id) },
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func (e *Emulator) handleListWebhooks(sc webhookScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := parseListQuery(r, webhookListSpec)
		if err != nil {
			writeError(w, err)
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if err := sc.authorize(r); err != nil {
			writeError(w, err)
			return
		}
		var all []*webhook
		for _, h := range e.st.admin.webhooks {
			if h.tenant == sc.tenant {
				all = append(all, h)
			}
		}
		page, rng := webhookListSpec.apply(all, q)
		out := struct {
			Range rangeJSON     `json:"range"`
			Items []webhookJSON `json:"items"`
		}{Range: rng, Items: make([]webhookJSON, 0, len(page))}
		for _, h := range page {
			out.Items = append(out.Items, e.st.webhookJSONOf(h))
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// checkWebhookFields validates the fields of a create or update request
// for the scope.
func checkWebhookFields(req *webhookRequest, sc webhookScope) *apiError {
	if req.Name != nil {
		if utf8.RuneCountInString(*req.Name) > maxWebhookName {
			return errTooLong
		}
		if err := validateText(*req.Name); err != nil {
			return err
		}
		if *req.Name == "" {
			return errMandatory
		}
	}
	if req.URL != nil {
		u, err := url.Parse(*req.URL)
		if err != nil || u.Host == "" {
			return errInvalidURL
		}
		if u.Scheme != "https" {
			return errIllegalProtocol
		}
	}
	if req.EventTypeNames != nil {
		if len(*req.EventTypeNames) == 0 {
			return errMandatory
		}
		for _, n := range *req.EventTypeNames {
			i := slices.IndexFunc(eventTypes, func(t eventType) bool { return t.name == n })
			if i < 0 || !eventTypes[i].usableIn(sc.scope) {
				return errInvalidEventType
			}
		}
	}
	if req.Secret != nil {
		if err := validateText(*req.Secret); err != nil {
			return err
		}
		if len(*req.Secret) > 255 {
			return errTooLong
		}
	}
	return nil
}

func (e *Emulator) handleCreateWebhook(sc webhookScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req webhookRequest
		if err := decodeJSON(r, &req, false); err != nil {
			writeError(w, err)
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if err := sc.authorize(r); err != nil {
			writeError(w, err)
			return
		}
		if req.Name == nil || req.URL == nil || req.EventTypeNames == nil {
			writeError(w, errMandatory)
			return
		}
		if err := checkWebhookFields(&req, sc); err != nil {
			writeError(w, err)
			return
		}
		now := e.clock.now()
		uid := callerID(r)
		h := &webhook{
			id: e.st.admin.webhookSeq.next(), tenant: sc.tenant, name: *req.Name, url: *req.URL,
			eventTypes: slices.Clone(*req.EventTypeNames), enabled: true,
			expireAt:  now.AddDate(0, 0, webhookLifetimeDays),
			createdAt: now, createdBy: uid, updatedAt: now, updatedBy: uid,
			rooms: map[int64]bool{},
		}
		if req.Secret != nil {
			h.secret = *req.Secret
		}
		if req.IsEnabled != nil {
			h.enabled = *req.IsEnabled
		}
		e.st.admin.webhooks[h.id] = h
		e.emit(r, opWebhookCreated, h.id, h.name)
		if req.TriggerExampleEvent != nil && *req.TriggerExampleEvent {
			e.sendExampleEvent(r, h)
		}
		writeJSON(w, http.StatusCreated, e.st.webhookJSONOf(h))
	}
}

// targetWebhook authorizes the caller and finds {webhook_id} in the
// scope. Callers hold e.mu.
func (e *Emulator) targetWebhook(r *http.Request, sc webhookScope) (*webhook, *apiError) {
	id, err := parseID(chi.URLParam(r, "webhook_id"))
	if err != nil {
		return nil, err
	}
	if err := sc.authorize(r); err != nil {
		return nil, err
	}
	h := e.st.admin.webhooks[id]
	if h == nil || h.tenant != sc.tenant {
		return nil, errNoWebhook
	}
	return h, nil
}

func (e *Emulator) handleGetWebhook(sc webhookScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		h, err := e.targetWebhook(r, sc)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, e.st.webhookJSONOf(h))
	}
}

func (e *Emulator) handleUpdateWebhook(sc webhookScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req webhookRequest
		if err := decodeJSON(r, &req, false); err != nil {
			writeError(w, err)
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		h, err := e.targetWebhook(r, sc)
		if err != nil {
			writeError(w, err)
			return
		}
		if err := checkWebhookFields(&req, sc); err != nil {
			writeError(w, err)
			return
		}
		if req.Name != nil {
			h.name = *req.Name
		}
		if req.URL != nil {
			h.url = *req.URL
		}
		if req.EventTypeNames != nil {
			h.eventTypes = slices.Clone(*req.EventTypeNames)
		}
		if req.Secret != nil {
			h.secret = *req.Secret
		}
		if req.IsEnabled != nil {
			h.enabled = *req.IsEnabled
			if h.enabled {
				h.failStatus = nil
			}
		}
		h.updatedAt, h.updatedBy = e.clock.now(), callerID(r)
		e.emit(r, opWebhookUpdated, h.id, h.name)
		if req.TriggerExampleEvent != nil && *req.TriggerExampleEvent {
			e.sendExampleEvent(r, h)
		}
		writeJSON(w, http.StatusOK, e.st.webhookJSONOf(h))
	}
}

func (e *Emulator) handleDeleteWebhook(sc webhookScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		h, err := e.targetWebhook(r, sc)
		if err != nil {
			writeError(w, err)
			return
		}
		delete(e.st.admin.webhooks, h.id)
		e.emit(r, opWebhookDeleted, h.id, h.name)
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleResetWebhookLifetime renews expireAt from now.
func (e *Emulator) handleResetWebhookLifetime(sc webhookScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		h, err := e.targetWebhook(r, sc)
		if err != nil {
			writeError(w, err)
			return
		}
		now := e.clock.now()
		h.expireAt = now.AddDate(0, 0, webhookLifetimeDays)
		h.updatedAt, h.updatedBy = now, callerID(r)
		writeJSON(w, http.StatusOK, e.st.webhookJSONOf(h))
	}
}

type eventTypeJSON struct {
	ID                         int    `json:"id"`
	Name                       string `json:"name"`
	UsableTenantWebhook        bool   `json:"usableTenantWebhook"`
	UsableCustomerAdminWebhook bool   `json:"usableCustomerAdminWebhook"`
	UsableNodeWebhook          bool   `json:"usableNodeWebhook"`
	UsablePushNotification     bool   `json:"usablePushNotification"`
}

// handleEventTypes lists every event type with its scopes; room (node)
// webhooks are customer webhooks too, so the customer list has all but
// the tenant-only types.
func (e *Emulator) handleEventTypes(sc webhookScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		err := sc.authorize(r)
		e.mu.Unlock()
		if err != nil {
			writeError(w, err)
			return
		}
		out := struct {
			Items []eventTypeJSON `json:"items"`
		}{Items: []eventTypeJSON{}}
		for _, t := range eventTypes {
			if !t.usableIn(sc.scope) {
				continue
			}
			out.Items = append(out.Items, eventTypeJSON{
				ID: t.id, Name: t.name,
				UsableTenantWebhook:        t.scope&scopeTenant != 0,
				UsableCustomerAdminWebhook: t.scope&scopeCustomer != 0,
				UsableNodeWebhook:          t.scope&scopeNode != 0,
			})
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// ---- delivery ----

// webhookPayload is the body posted to a webhook (shape unverified, see
// unverified_admin.go).
type webhookPayload struct {
	EventType       string        `json:"eventType"`
	Timestamp       apiTime       `json:"timestamp"`
	WebhookName     string        `json:"webhookName"`
	TriggeredByUser *userInfoJSON `json:"triggeredByUser,omitempty"`
	TenantID        string        `json:"tenantId"`
	CustomerID      int64         `json:"customerId"`
	Object          payloadObject `json:"object"`
	RoomID          int64         `json:"roomId,omitempty"`
}

type payloadObject struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
}

// delivery is one queued POST to a webhook URL.
type delivery struct {
	webhookID int64
	url       string
	secret    string
	eventType string
	body      []byte
}

// deliverer posts queued deliveries with a fixed pool of workers, started
// on first use and stopped by Emulator.Close.
type deliverer struct {
	once    sync.Once
	queue   chan delivery
	done    chan struct{}
	stop    sync.Once
	wg      sync.WaitGroup
	client  *http.Client
	backoff time.Duration
}

// notifyWebhooks queues a delivery of ev to every enabled, unexpired
// webhook subscribed to its event type and in scope for it. It never
// blocks: when the queue is full the delivery is dropped and a warning
// logged. Callers hold e.mu.
func (e *Emulator) notifyWebhooks(ev *logEvent) {
	name := operations[ev.op].eventType
	for _, h := range e.st.webhookTargets(ev, e.clock.now()) {
		e.queueDelivery(h, name, e.payload(h, name, ev))
	}
}

// webhookTargets are the enabled, unexpired webhooks subscribed to ev's
// event type and in scope for it, in id order. Callers hold e.mu.
func (st *state) webhookTargets(ev *logEvent, now time.Time) []*webhook {
	name := operations[ev.op].eventType
	i := slices.IndexFunc(eventTypes, func(t eventType) bool { return t.name == name })
	if name == "" || i < 0 {
		return nil
	}
	scope := eventTypes[i].scope
	var out []*webhook
	for _, id := range slices.Sorted(mapKeys(st.admin.webhooks)) {
		h := st.admin.webhooks[id]
		if !h.enabled || !h.expireAt.After(now) || !slices.Contains(h.eventTypes, name) {
			continue
		}
		if (scope&scopeTenant != 0 && h.tenant) ||
			(scope&scopeCustomer != 0 && !h.tenant) ||
			(scope&scopeNode != 0 && !h.tenant && h.rooms[ev.hookRoomID]) {
			out = append(out, h)
		}
	}
	return out
}

// payload renders the body for h. Callers hold e.mu.
func (e *Emulator) payload(h *webhook, eventType string, ev *logEvent) []byte {
	p := webhookPayload{
		EventType: eventType, Timestamp: apiTime(ev.time), WebhookName: h.name,
		TenantID: e.st.customer.uuid, CustomerID: e.st.customer.id,
		Object: payloadObject{ID: ev.objID, Type: objectTypeName(ev.objType), Name: ev.objName},
		RoomID: ev.roomID,
	}
	if ev.userID != 0 {
		by := e.st.userInfo(ev.userID)
		p.TriggeredByUser = &by
	}
	body, _ := json.Marshal(p) // plain struct: cannot fail
	return body
}

func objectTypeName(t int) string {
	switch t {
	case objUser:
		return "user"
	case objNode:
		return "node"
	case objTenant:
		return "customer"
	case objWebhook:
		return "webhook"
	}
	return "object"
}

// sendExampleEvent queues an example delivery (triggerExampleEvent) of the
// webhook's first event type. Callers hold e.mu.
func (e *Emulator) sendExampleEvent(r *http.Request, h *webhook) {
	if len(h.eventTypes) == 0 {
		return
	}
	ev := &logEvent{time: e.clock.now(), userID: callerID(r), objID: h.id, objType: objWebhook, objName: h.name}
	e.queueDelivery(h, h.eventTypes[0], e.payload(h, h.eventTypes[0], ev))
}

// queueDelivery hands a delivery to the workers, starting them on first
// use. Callers hold e.mu.
func (e *Emulator) queueDelivery(h *webhook, eventType string, body []byte) {
	d := e.delivery
	d.once.Do(func() {
		for range webhookWorkers {
			d.wg.Add(1)
			go e.deliveryWorker()
		}
	})
	select {
	case d.queue <- delivery{webhookID: h.id, url: h.url, secret: h.secret, eventType: eventType, body: body}:
	default:
		e.log.Warn("webhook delivery queue full; delivery dropped", "webhook", h.id)
	}
}

func (e *Emulator) deliveryWorker() {
	d := e.delivery
	defer d.wg.Done()
	for {
		select {
		case <-d.done:
			return
		case job := <-d.queue:
			e.deliver(job)
		}
	}
}

// deliver posts job, retrying with doubling backoff; after the last
// failed attempt the webhook is disabled with its failStatus.
func (e *Emulator) deliver(job delivery) {
	d := e.delivery
	wait := d.backoff
	status := 0
	for attempt := 1; attempt <= webhookMaxAttempts; attempt++ {
		var ok bool
		ok, status = e.post(job)
		if ok {
			return
		}
		if attempt == webhookMaxAttempts {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-d.done:
			t.Stop()
			return
		case <-t.C:
		}
		wait *= 2
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if h := e.st.admin.webhooks[job.webhookID]; h != nil && h.url == job.url {
		h.enabled = false
		h.failStatus = &status
	}
	e.log.Warn("webhook delivery failed; webhook disabled", "webhook", job.webhookID, "status", status)
}

// post sends one attempt; ok for a 2xx answer. status is the HTTP status
// (0 when no answer came).
func (e *Emulator) post(job delivery) (ok bool, status int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		select {
		case <-e.delivery.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.url, bytes.NewReader(job.body))
	if err != nil {
		return false, 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhookEventHeader, job.eventType)
	if job.secret != "" {
		req.Header.Set(webhookSignatureHeader, "sha256="+signPayload(job.secret, job.body))
	}
	resp, err := e.delivery.client.Do(req)
	if err != nil {
		return false, 0
	}
	resp.Body.Close()
	return resp.StatusCode/100 == 2, resp.StatusCode
}

// signPayload is the hex HMAC-SHA256 of body under secret.
func signPayload(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Close stops the webhook delivery workers; queued deliveries are
// abandoned. The handler keeps working otherwise. Calling it again is
// harmless.
func (e *Emulator) Close() {
	d := e.delivery
	d.stop.Do(func() { close(d.done) })
	d.wg.Wait()
}

// SignWebhookPayload returns the value of the signature header the
// emulator sends with a webhook delivery of body under secret, so that
// receivers in tests can check it.
func SignWebhookPayload(secret string, body []byte) string {
	return "sha256=" + signPayload(secret, body)
}

// WebhookSignatureHeader is the header carrying a delivery's signature.
const WebhookSignatureHeader = webhookSignatureHeader
