package dracoon

import (
	"context"
	"fmt"
	"net/http"
)

// notificationConfigPath is the own notification configuration.
const notificationConfigPath = "/api/v4/user/notifications/config"

// NotificationConfig says through which channels the user hears about one
// kind of event in one scope.
type NotificationConfig struct {
	ID int64 `json:"id"`
	// ScopeID is one of NotificationScopes' ids.
	ScopeID       int    `json:"scopeId"`
	EventTypeName string `json:"eventTypeName"`
	// ChannelIDs are ids of ConfigService.NotificationChannels; empty
	// means the user is not notified.
	ChannelIDs []int64 `json:"channelIds"`
}

// NotificationConfigList is the user's notification configuration.
type NotificationConfigList struct {
	Items []NotificationConfig `json:"items"`
}

// NotificationScope is an area notifications are grouped in (such as
// the rooms the user manages).
type NotificationScope struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// NotificationScopeList lists the notification scopes.
type NotificationScopeList struct {
	Items []NotificationScope `json:"items"`
}

// NotificationConfigChangeRequest sets the channels of one notification
// configuration.
type NotificationConfigChangeRequest struct {
	// ChannelIDs may be empty (no notification), but not nil.
	ChannelIDs []int64 `json:"channelIds"`
}

// Validate refuses a nil channel list (which would send null) and ids
// that are not positive.
func (r *NotificationConfigChangeRequest) Validate() error {
	if r.ChannelIDs == nil {
		return invalid("channelIds", "must not be nil (use an empty list to turn notifications off)")
	}
	for i, id := range r.ChannelIDs {
		if err := checkID(fmt.Sprintf("channelIds[%d]", i), id); err != nil {
			return err
		}
	}
	return nil
}

// NotificationConfigs returns the own notification configuration
// (GET /api/v4/user/notifications/config).
func (s *AccountService) NotificationConfigs(ctx context.Context) (*NotificationConfigList, error) {
	return getAt[NotificationConfigList](ctx, s.client, notificationConfigPath)
}

// UpdateNotificationConfig sets the channels of one notification
// configuration and returns it
// (PUT /api/v4/user/notifications/config/{id}).
func (s *AccountService) UpdateNotificationConfig(ctx context.Context, id int64, req *NotificationConfigChangeRequest) (*NotificationConfig, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return sendChecked[NotificationConfig](ctx, s.client, http.MethodPut, idPath(notificationConfigPath, id, ""), req)
}

// NotificationScopes returns the scopes notifications are grouped in
// (GET /api/v4/resources/user/notifications/scopes).
func (s *AccountService) NotificationScopes(ctx context.Context) (*NotificationScopeList, error) {
	return getAt[NotificationScopeList](ctx, s.client, "/api/v4/resources/user/notifications/scopes")
}
