package emulator

import (
	"cmp"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Provisioning (tenant API): /provisioning/customers with attributes and
// users, /provisioning/webhooks and /provisioning/check_license,
// authenticated with the X-Sds-Service-Token header (Config.ServiceToken)
// instead of OAuth; a missing or wrong token is 401 -10012. Customers
// created here are inert records: the emulator serves one tenant, and a
// new customer's only user is its first administrator, who cannot log in.

// tenantCustomer is a provisioned customer.
type tenantCustomer struct {
	id                 int64
	companyName        string
	contractType       string
	quotaMax           int64
	userMax            int64
	isLocked           bool
	trialDays          int
	providerCustomerID string
	webhooksMax        int64
	uuid               string
	createdAt          time.Time
	updatedAt          time.Time
	attributes         attrSet
	admin              firstAdminJSON
	adminID            int64
	adminAvatar        string
}

var (
	errCustomerNotFound  = newAPIError(404, -90103, "Customer not found")
	errQuotaBelowOneMB   = newAPIError(400, -90510, "Maximum quota must not be less than one MB")
	errContractType      = errInvalidParameter.withDebug("Invalid parameter value: customerContractType")
	errContractDowngrade = newAPIError(400, -90111, "Invalid customer contract type transition")
)

const serviceTokenHeader = "X-Sds-Service-Token"

// requireServiceToken admits requests carrying the configured service
// token.
func (e *Emulator) requireServiceToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get(serviceTokenHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(e.serviceToken)) != 1 {
			writeError(w, errWrongToken)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServiceToken returns the provisioning service token (configured or
// generated). It is a secret.
func (e *Emulator) ServiceToken() string { return e.serviceToken }

// provisioningRoutes registers the tenant API and the public license
// information, both outside OAuth.
func (e *Emulator) provisioningRoutes(r chi.Router) {
	r.Get("/public/system/info/license", produces(mediaJSON, e.handlePublicLicense))
	r.Group(func(r chi.Router) {
		r.Use(e.requireServiceToken)
		r.Get("/provisioning/check_license", produces(mediaJSON, e.handleLicense))
		r.Get("/provisioning/customers", produces(mediaJSON, e.handleListCustomers))
		r.Post("/provisioning/customers", produces(mediaJSON, e.handleCreateCustomer))
		r.Get("/provisioning/customers/{customer_id}", produces(mediaJSON, e.handleGetCustomer))
		r.Put("/provisioning/customers/{customer_id}", produces(mediaJSON, e.handleUpdateCustomer))
		r.Delete("/provisioning/customers/{customer_id}", produces(mediaJSON, e.handleDeleteCustomer))
		r.Get("/provisioning/customers/{customer_id}/customerAttributes", produces(mediaJSON, e.handleCustomerAttributes))
		r.Put("/provisioning/customers/{customer_id}/customerAttributes", produces(mediaJSON, e.handleSetCustomerAttributes(false)))
		r.Post("/provisioning/customers/{customer_id}/customerAttributes", produces(mediaJSON, e.handleSetCustomerAttributes(true)))
		r.Delete("/provisioning/customers/{customer_id}/customerAttributes/{key}", produces(mediaJSON, e.handleDeleteCustomerAttribute))
		r.Get("/provisioning/customers/{customer_id}/users", produces(mediaJSON, e.handleCustomerUsers))
		e.webhookRoutes(r, "/provisioning", webhookScope{tenant: true, scope: scopeTenant, authorize: func(*http.Request) *apiError { return nil }})
	})
}

// firstAdminJSON is FirstAdminUser (request and response).
type firstAdminJSON struct {
	FirstName        string          `json:"firstName"`
	LastName         string          `json:"lastName"`
	UserName         string          `json:"userName,omitempty"`
	AuthData         *authDataEcho   `json:"authData,omitempty"`
	ReceiverLanguage string          `json:"receiverLanguage,omitempty"`
	NotifyUser       *bool           `json:"notifyUser,omitempty"`
	Email            string          `json:"email,omitempty"`
	Phone            string          `json:"phone,omitempty"`
	Login            string          `json:"login,omitempty"`
	Password         string          `json:"password,omitempty"`
	AuthMethods      json0AuthMethod `json:"authMethods,omitempty"`
}

// json0AuthMethod swallows the deprecated authMethods of requests; it is
// never answered.
type json0AuthMethod []struct {
	AuthID    string `json:"authId"`
	IsEnabled bool   `json:"isEnabled"`
}

// authDataEcho is UserAuthData without the password.
type authDataEcho struct {
	Method             string `json:"method"`
	Login              string `json:"login"`
	Password           string `json:"password,omitempty"`
	MustChangePassword bool   `json:"mustChangePassword"`
	AdConfigID         *int   `json:"adConfigId,omitempty"`
	OidConfigID        *int   `json:"oidConfigId,omitempty"`
}

type customerAttributesJSON struct {
	Items []keyValueJSON `json:"items"`
}

// customerJSON is Customer (and, with firstAdminUser, the bodies of
// NewCustomerResponse and UpdateCustomerResponse, whose extra or missing
// properties are marked in OmittedWhenUnset).
type customerJSON struct {
	ID                   int64  `json:"id"`
	CompanyName          string `json:"companyName"`
	CustomerContractType string `json:"customerContractType"`
	QuotaMax             int64  `json:"quotaMax"`
	QuotaUsed            *int64 `json:"quotaUsed,omitempty"`
	UserMax              int64  `json:"userMax"`
	UserUsed             *int64 `json:"userUsed,omitempty"`
	// CntInternalUser and CntGuestUser are sent by newer servers (recorded
	// dco3 fixture provisioning/customer_ok.json), not in 4.26.7.
	CntInternalUser    *int64                  `json:"cntInternalUser,omitempty"`
	CntGuestUser       *int64                  `json:"cntGuestUser,omitempty"`
	CreatedAt          apiTime                 `json:"createdAt"`
	IsLocked           bool                    `json:"isLocked"`
	TrialDaysLeft      *int                    `json:"trialDaysLeft,omitempty"`
	TrialDays          *int                    `json:"trialDays,omitempty"`
	UpdatedAt          *apiTime                `json:"updatedAt,omitempty"`
	CustomerAttributes *customerAttributesJSON `json:"customerAttributes,omitempty"`
	ProviderCustomerID string                  `json:"providerCustomerId,omitempty"`
	WebhooksMax        int64                   `json:"webhooksMax"`
	LockStatus         bool                    `json:"lockStatus"`
	CustomerUUID       string                  `json:"customerUuid"`
	FirstAdminUser     *firstAdminJSON         `json:"firstAdminUser,omitempty"`
}

// customerView renders c as Customer; attrs includes the attributes.
func (e *Emulator) customerView(c *tenantCustomer, attrs bool) customerJSON {
	used, users, guests := int64(0), int64(1), int64(0)
	out := customerJSON{
		ID: c.id, CompanyName: c.companyName, CustomerContractType: c.contractType, QuotaMax: c.quotaMax, QuotaUsed: &used,
		UserMax: c.userMax, UserUsed: &users, CntInternalUser: &users, CntGuestUser: &guests, CreatedAt: apiTime(c.createdAt), IsLocked: c.isLocked,
		ProviderCustomerID: c.providerCustomerID, WebhooksMax: c.webhooksMax, LockStatus: c.isLocked, CustomerUUID: c.uuid,
	}
	if c.contractType == "demo" {
		left := max(0, c.trialDays-int(e.clock.now().Sub(c.createdAt).Hours()/24))
		out.TrialDaysLeft = &left
	}
	if !c.updatedAt.IsZero() {
		t := apiTime(c.updatedAt)
		out.UpdatedAt = &t
	}
	if attrs {
		out.CustomerAttributes = &customerAttributesJSON{Items: c.attributes.sorted()}
	}
	return out
}

var customerListSpec = &listSpec[*tenantCustomer]{
	filters: map[string]filterField[*tenantCustomer]{
		"id":                   {kind: kindInt, ops: []string{"eq"}, num: func(c *tenantCustomer) int64 { return c.id }},
		"companyName":          {kind: kindString, ops: []string{"cn"}, str: func(c *tenantCustomer) string { return c.companyName }},
		"customerContractType": {kind: kindEnum, ops: []string{"eq"}, enum: []string{"demo", "free", "pay"}, str: func(c *tenantCustomer) string { return c.contractType }},
		"trialDaysLeft":        {kind: kindInt, ops: []string{"ge", "le"}, num: func(c *tenantCustomer) int64 { return int64(c.trialDays) }},
		"providerCustomerId":   {kind: kindString, ops: []string{"cn", "eq"}, str: func(c *tenantCustomer) string { return c.providerCustomerID }},
		"quotaMax":             {kind: kindInt, ops: []string{"ge", "le"}, num: func(c *tenantCustomer) int64 { return c.quotaMax }},
		"quotaUsed":            {kind: kindInt, ops: []string{"ge", "le"}, num: func(c *tenantCustomer) int64 { return 0 }},
		"userMax":              {kind: kindInt, ops: []string{"ge", "le"}, num: func(c *tenantCustomer) int64 { return c.userMax }},
		"userUsed":             {kind: kindInt, ops: []string{"ge", "le"}, num: func(c *tenantCustomer) int64 { return 1 }},
		"isLocked":             {kind: kindBool, ops: []string{"eq"}, bl: func(c *tenantCustomer) bool { return c.isLocked }},
		"lockStatus":           {kind: kindBool, ops: []string{"eq"}, bl: func(c *tenantCustomer) bool { return c.isLocked }},
		"createdAt":            {kind: kindTime, ops: []string{"ge", "le"}, tm: func(c *tenantCustomer) time.Time { return c.createdAt }},
		"updatedAt":            {kind: kindTime, ops: []string{"ge", "le"}, tm: func(c *tenantCustomer) time.Time { return c.updatedAt }},
		// Nobody of a provisioned customer logs in: no last login date.
		"lastLoginAt": {kind: kindTime, ops: []string{"ge", "le"}, tm: func(c *tenantCustomer) time.Time { return time.Time{} }},
		"userLogin":   {kind: kindString, ops: []string{"eq"}, str: func(c *tenantCustomer) string { return c.admin.UserName }},
		// Attribute conditions are read by attributeMatch (modifiers).
		"attributeKey":   {kind: kindString, ops: []string{"eq", "nex"}},
		"attributeValue": {kind: kindString, ops: []string{"eq"}},
	},
	modifiers: []string{"attributeKey", "attributeValue"},
	sorts: map[string]func(a, b *tenantCustomer) int{
		"companyName":          func(a, b *tenantCustomer) int { return compareFold(a.companyName, b.companyName) },
		"customerContractType": func(a, b *tenantCustomer) int { return cmp.Compare(a.contractType, b.contractType) },
		"trialDaysLeft":        func(a, b *tenantCustomer) int { return cmp.Compare(a.trialDays, b.trialDays) },
		"providerCustomerId":   func(a, b *tenantCustomer) int { return cmp.Compare(a.providerCustomerID, b.providerCustomerID) },
		"quotaMax":             func(a, b *tenantCustomer) int { return cmp.Compare(a.quotaMax, b.quotaMax) },
		"userMax":              func(a, b *tenantCustomer) int { return cmp.Compare(a.userMax, b.userMax) },
		"createdAt":            func(a, b *tenantCustomer) int { return a.createdAt.Compare(b.createdAt) },
		"updatedAt":            func(a, b *tenantCustomer) int { return a.updatedAt.Compare(b.updatedAt) },
		"isLocked":             func(a, b *tenantCustomer) int { return cmpBool(a.isLocked, b.isLocked) },
		"lockStatus":           func(a, b *tenantCustomer) int { return cmpBool(a.isLocked, b.isLocked) },
		"quotaUsed":            func(a, b *tenantCustomer) int { return 0 }, // nothing is stored for a provisioned customer
		"userUsed":             func(a, b *tenantCustomer) int { return 0 }, // each has its first administrator only
		"lastLoginAt":          func(a, b *tenantCustomer) int { return 0 }, // nobody logs in
	},
	tiebreak: func(a, b *tenantCustomer) int { return cmp.Compare(a.id, b.id) },
}

func (e *Emulator) handleListCustomers(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, customerListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	attrs, _, err := queryBool(r, "include_attributes")
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var all []*tenantCustomer
	for _, c := range e.st.admin.customers {
		if attributeMatch(c.attributes, q.filters) {
			all = append(all, c)
		}
	}
	page, rng := customerListSpec.apply(all, q)
	out := struct {
		Range rangeJSON      `json:"range"`
		Items []customerJSON `json:"items"`
	}{Range: rng, Items: make([]customerJSON, 0, len(page))}
	for _, c := range page {
		out.Items = append(out.Items, e.customerView(c, attrs))
	}
	writeJSON(w, http.StatusOK, out)
}

type customerRequest struct {
	CustomerContractType *string                 `json:"customerContractType"`
	QuotaMax             *int64                  `json:"quotaMax"`
	UserMax              *int64                  `json:"userMax"`
	FirstAdminUser       *firstAdminJSON         `json:"firstAdminUser"`
	CompanyName          *string                 `json:"companyName"`
	TrialDays            *int                    `json:"trialDays"`
	IsLocked             *bool                   `json:"isLocked"`
	LockStatus           *bool                   `json:"lockStatus"`
	CustomerAttributes   *customerAttributesJSON `json:"customerAttributes"`
	ProviderCustomerID   *string                 `json:"providerCustomerId"`
	WebhooksMax          *int64                  `json:"webhooksMax"`
}

// applyCustomer checks and applies the fields common to create and update.
func applyCustomer(c *tenantCustomer, req *customerRequest) *apiError {
	if t := req.CustomerContractType; t != nil {
		if *t != "demo" && *t != "free" && *t != "pay" {
			return errContractType
		}
		if c.contractType == "pay" && *t != "pay" {
			return errContractDowngrade
		}
		c.contractType = *t
	}
	if req.QuotaMax != nil {
		if *req.QuotaMax < 1<<20 {
			return errQuotaBelowOneMB
		}
		c.quotaMax = *req.QuotaMax
	}
	if req.UserMax != nil {
		if *req.UserMax < 1 {
			return errPositiveNumber
		}
		c.userMax = *req.UserMax
	}
	if req.WebhooksMax != nil {
		if *req.WebhooksMax < 0 {
			return errPositiveNumber
		}
		c.webhooksMax = *req.WebhooksMax
	}
	for _, s := range []*string{req.CompanyName, req.ProviderCustomerID} {
		if s == nil {
			continue
		}
		if err := validateText(*s); err != nil {
			return err
		}
		if utf8.RuneCountInString(*s) > 150 {
			return errTooLong
		}
	}
	if req.CompanyName != nil {
		c.companyName = strings.TrimSpace(*req.CompanyName)
	}
	if req.ProviderCustomerID != nil {
		c.providerCustomerID = *req.ProviderCustomerID
	}
	if req.LockStatus != nil {
		c.isLocked = *req.LockStatus
	}
	if req.IsLocked != nil {
		c.isLocked = *req.IsLocked
	}
	return nil
}

func (e *Emulator) handleCreateCustomer(w http.ResponseWriter, r *http.Request) {
	var req customerRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.CustomerContractType == nil || req.QuotaMax == nil || req.UserMax == nil || req.FirstAdminUser == nil ||
		strings.TrimSpace(req.FirstAdminUser.FirstName) == "" || strings.TrimSpace(req.FirstAdminUser.LastName) == "" {
		writeError(w, errMandatory)
		return
	}
	fa := *req.FirstAdminUser
	for _, s := range []string{fa.FirstName, fa.LastName, fa.UserName, fa.Email, fa.Phone} {
		if err := validateText(s); err != nil {
			writeError(w, err)
			return
		}
		if utf8.RuneCountInString(s) > maxAccountField {
			writeError(w, errTooLong)
			return
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.now()
	c := &tenantCustomer{webhooksMax: 350, uuid: randomUUID(), createdAt: now, adminAvatar: randomUUID()}
	if err := applyCustomer(c, &req); err != nil {
		writeError(w, err)
		return
	}
	if fa.AuthData != nil && fa.AuthData.Password != "" {
		if err := e.st.checkPassword(fa.AuthData.Password, fa.UserName, fa.FirstName, fa.LastName, fa.Email); err != nil {
			writeError(w, err)
			return
		}
	}
	if req.TrialDays != nil {
		c.trialDays = *req.TrialDays
	}
	if c.companyName == "" {
		// The document's rule: first letter of the first name, a dot, the
		// last name.
		first, _ := utf8.DecodeRuneInString(fa.FirstName)
		c.companyName = string(first) + "." + fa.LastName
	}
	if req.CustomerAttributes != nil {
		c.attributes.merge(req.CustomerAttributes.Items)
	}
	// The first administrator as answered: no password, no deprecated
	// fields; basic authentication unless another method is named.
	admin := firstAdminJSON{FirstName: fa.FirstName, LastName: fa.LastName, UserName: fa.UserName, ReceiverLanguage: fa.ReceiverLanguage,
		NotifyUser: fa.NotifyUser, Email: fa.Email, Phone: fa.Phone}
	if admin.UserName == "" {
		admin.UserName = cmp.Or(fa.Login, fa.Email, strings.ToLower(fa.FirstName+"."+fa.LastName))
	}
	auth := authDataEcho{Method: authBasic, MustChangePassword: true}
	if fa.AuthData != nil {
		auth = *fa.AuthData
		auth.Password = ""
	}
	auth.Login = cmp.Or(auth.Login, admin.UserName)
	admin.AuthData = &auth
	c.admin = admin
	c.id = e.st.admin.customerSeq.next() + 1 // 1 is the emulator's own tenant
	c.adminID = 1
	e.st.admin.customers[c.id] = c
	e.emit(r, opCustomerCreated, c.id, c.companyName)
	out := e.customerView(c, req.CustomerAttributes != nil)
	out.FirstAdminUser = &admin
	out.QuotaUsed, out.UserUsed, out.TrialDaysLeft, out.CntInternalUser, out.CntGuestUser = nil, nil, nil, nil, nil
	if req.TrialDays != nil {
		out.TrialDays = req.TrialDays
	}
	writeJSON(w, http.StatusCreated, out)
}

// targetCustomer finds {customer_id}. Callers hold e.mu.
func (e *Emulator) targetCustomer(r *http.Request) (*tenantCustomer, *apiError) {
	id, err := parseID(chi.URLParam(r, "customer_id"))
	if err != nil {
		return nil, err
	}
	c := e.st.admin.customers[id]
	if c == nil {
		return nil, errCustomerNotFound
	}
	return c, nil
}

func (e *Emulator) handleGetCustomer(w http.ResponseWriter, r *http.Request) {
	attrs, _, err := queryBool(r, "include_attributes")
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.targetCustomer(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.customerView(c, attrs))
}

func (e *Emulator) handleUpdateCustomer(w http.ResponseWriter, r *http.Request) {
	var req customerRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.CustomerContractType == nil {
		writeError(w, errMandatory)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.targetCustomer(r)
	if err != nil {
		writeError(w, err)
		return
	}
	next := *c
	if err := applyCustomer(&next, &req); err != nil {
		writeError(w, err)
		return
	}
	next.updatedAt = e.clock.now()
	*c = next
	e.emit(r, opCustomerUpdated, c.id, c.companyName)
	out := e.customerView(c, false)
	out.QuotaUsed, out.UserUsed, out.TrialDaysLeft, out.CntInternalUser, out.CntGuestUser = nil, nil, nil, nil, nil
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) handleDeleteCustomer(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.targetCustomer(r)
	if err != nil {
		writeError(w, err)
		return
	}
	delete(e.st.admin.customers, c.id)
	e.emit(r, opCustomerDeleted, c.id, c.companyName)
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleCustomerAttributes(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, attrListSpec)
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.targetCustomer(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, attributesPage(c.attributes, q))
}

// handleSetCustomerAttributes adds or overwrites (PUT) or replaces (POST)
// the attributes and answers the customer with them.
func (e *Emulator) handleSetCustomerAttributes(replace bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		items, err := decodeAttributes(r)
		if err != nil {
			writeError(w, err)
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		c, err := e.targetCustomer(r)
		if err != nil {
			writeError(w, err)
			return
		}
		status := http.StatusOK
		if replace {
			c.attributes.replace(items)
			status = http.StatusCreated
		} else {
			c.attributes.merge(items)
		}
		c.updatedAt = e.clock.now()
		writeJSON(w, status, e.customerView(c, true))
	}
}

func (e *Emulator) handleDeleteCustomerAttribute(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.targetCustomer(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if !c.attributes.remove(chi.URLParam(r, "key")) {
		writeError(w, errAttrNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleCustomerUsers lists the customer's users: its first
// administrator.
func (e *Emulator) handleCustomerUsers(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r, &listSpec[userItemJSON]{})
	if err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.targetCustomer(r)
	if err != nil {
		writeError(w, err)
		return
	}
	roles := roleListJSON{Items: []roleJSON{}}
	for _, id := range []int{roleConfigManager, roleUserManager, roleGroupManager, roleRoomManager, roleLogAuditor} {
		roles.Items = append(roles.Items, roleJSON{ID: id, Name: roleTable[id].name, Description: roleTable[id].description})
	}
	admin := userItemJSON{ID: c.adminID, UserName: c.admin.UserName, FirstName: c.admin.FirstName, LastName: c.admin.LastName,
		AvatarUUID: c.adminAvatar, CreatedAt: apiTime(c.createdAt), Email: c.admin.Email, Phone: c.admin.Phone,
		UserRoles: roles, Login: c.admin.UserName}
	page, rng := (&listSpec[userItemJSON]{}).apply([]userItemJSON{admin}, q)
	writeJSON(w, http.StatusOK, userListJSON{Range: rng, Items: page})
}

// attributeMatch applies the attributeKey (eq: has the key, nex: lacks
// it) and attributeValue (some attribute has the value) conditions.
func attributeMatch(a attrSet, conds []filterCond) bool {
	for _, c := range conds {
		ok := false
		for _, v := range c.values {
			switch {
			case c.field == "attributeKey":
				_, has := a[strings.ToLower(v)]
				ok = ok || has == (c.op == "eq")
			case c.field == "attributeValue":
				for _, kv := range a {
					ok = ok || kv.Value == v
				}
			default:
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
