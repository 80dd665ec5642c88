package emulator

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// Notification settings of the own user: GET /user/notifications/config,
// PUT /user/notifications/config/{id}, and the scopes they belong to (GET
// /resources/user/notifications/scopes, no login). The configurations
// are a fixed catalogue (notificationCatalogue, unverified_users.go); each
// user starts with every configuration on the channels of
// defaultNotificationChannels and may change the channel list of each.
// The channels are the tenant's (GET /settings/notifications/channels).

var (
	errNotifyConfigNotFound  = newAPIError(400, -70120, "Notification configuration not found")
	errNotifyChannelNotFound = newAPIError(400, -70121, "Notification channel not found")
	errNotifyChannelDisabled = newAPIError(400, -70122, "Notification channel is disabled")
)

// notificationConfigJSON is NotificationConfig.
type notificationConfigJSON struct {
	ID            int64  `json:"id"`
	ScopeID       int    `json:"scopeId"`
	EventTypeName string `json:"eventTypeName"`
	ChannelIDs    []int  `json:"channelIds"`
}

// notificationScopeJSON is NotificationScope.
type notificationScopeJSON struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func (e *Emulator) notificationRoutes(r chi.Router) {
	r.Get("/user/notifications/config", produces(mediaJSON, e.handleNotificationConfigs))
	r.Put("/user/notifications/config/{id}", produces(mediaJSON, e.handleUpdateNotificationConfig))
}

// publicNotificationRoutes need no login.
func (e *Emulator) publicNotificationRoutes(r chi.Router) {
	r.Get("/resources/user/notifications/scopes", produces(mediaJSON, e.handleNotificationScopes))
}

func (e *Emulator) handleNotificationScopes(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		Items []notificationScopeJSON `json:"items"`
	}{notificationScopes})
}

// notificationConfigs renders uid's configurations. Callers hold e.mu.
func (st *state) notificationConfigs(uid int64) []notificationConfigJSON {
	own := st.self().notify[uid]
	out := make([]notificationConfigJSON, 0, len(notificationCatalogue))
	for _, c := range notificationCatalogue {
		ch, changed := own[c.ID]
		if !changed {
			ch = defaultNotificationChannels
		}
		c.ChannelIDs = append([]int{}, ch...)
		out = append(out, c)
	}
	return out
}

func (e *Emulator) handleNotificationConfigs(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Items []notificationConfigJSON `json:"items"`
	}{e.st.notificationConfigs(u.id)})
}

// channelEnabled looks a channel up in the tenant's channel list.
// Callers hold e.mu.
func (st *state) channelEnabled(id int) (known, enabled bool) {
	items, _ := st.admin.sysconf.docs["channels"]["items"].([]any)
	for _, it := range items {
		ch, _ := it.(map[string]any)
		if ch["id"] == float64(id) {
			on, _ := ch["isEnabled"].(bool)
			return true, on
		}
	}
	return false, false
}

// handleUpdateNotificationConfig replaces the channel list of one
// configuration; an empty list switches it off.
func (e *Emulator) handleUpdateNotificationConfig(w http.ResponseWriter, r *http.Request) {
	id, err := urlID(r, "id")
	if err != nil {
		writeError(w, err)
		return
	}
	var req struct {
		ChannelIDs []int `json:"channelIds"`
	}
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	if req.ChannelIDs == nil {
		writeError(w, errMandatory)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	i := slices.IndexFunc(notificationCatalogue, func(c notificationConfigJSON) bool { return c.ID == id })
	if i < 0 {
		writeError(w, errNotifyConfigNotFound)
		return
	}
	for _, ch := range req.ChannelIDs {
		known, on := e.st.channelEnabled(ch)
		if !known {
			writeError(w, errNotifyChannelNotFound)
			return
		}
		if !on {
			writeError(w, errNotifyChannelDisabled)
			return
		}
	}
	s := e.st.self()
	if s.notify[u.id] == nil {
		s.notify[u.id] = map[int64][]int{}
	}
	chans := append([]int{}, slices.Compact(slices.Sorted(slices.Values(req.ChannelIDs)))...)
	s.notify[u.id][id] = chans
	e.emit(r, opUserUpdated, u.id, u.login)
	c := notificationCatalogue[i]
	c.ChannelIDs = append([]int{}, chans...)
	writeJSON(w, http.StatusOK, c)
}
