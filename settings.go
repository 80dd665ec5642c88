package dracoon

import (
	"context"
	"net/http"
)

// SettingsService holds the customer settings a config manager changes:
// home rooms and notification channels (GET /api/v4/settings and below).
// Customer webhooks are in WebhooksService, the system rescue key in the
// key pair area.
type SettingsService service

// settingsPath is the common prefix of the customer settings.
const settingsPath = "/api/v4/settings"

// CustomerSettings say whether every new user gets a personal home room,
// below which parent and with which quota.
type CustomerSettings struct {
	HomeRoomsActive    bool   `json:"homeRoomsActive"`
	HomeRoomParentID   int64  `json:"homeRoomParentId,omitempty"`
	HomeRoomParentName string `json:"homeRoomParentName,omitempty"`
	// HomeRoomQuota is in bytes; 0 means no quota.
	HomeRoomQuota int64 `json:"homeRoomQuota,omitempty"`
}

// UpdateCustomerSettingsRequest changes the home room settings; nil fields
// stay as they are. Home rooms cannot be switched off again once active.
type UpdateCustomerSettingsRequest struct {
	HomeRoomsActive *bool `json:"homeRoomsActive,omitempty"`
	// HomeRoomParentName names the room created to hold the home rooms.
	HomeRoomParentName *string `json:"homeRoomParentName,omitempty"`
	// HomeRoomQuota is the quota of each home room in bytes.
	HomeRoomQuota *int64 `json:"homeRoomQuota,omitempty"`
}

// Validate refuses an empty parent name and a negative quota.
func (r *UpdateCustomerSettingsRequest) Validate() error {
	if r.HomeRoomParentName != nil {
		if err := checkNotBlank("homeRoomParentName", *r.HomeRoomParentName); err != nil {
			return err
		}
	}
	if r.HomeRoomQuota != nil && *r.HomeRoomQuota < 0 {
		return invalid("homeRoomQuota", "must not be negative")
	}
	return nil
}

// NotificationChannelChange switches one notification channel on or off.
type NotificationChannelChange struct {
	ChannelID int  `json:"channelId"`
	IsEnabled bool `json:"isEnabled"`
}

// Validate refuses a non-positive channel id.
func (r *NotificationChannelChange) Validate() error {
	return checkID("channelId", int64(r.ChannelID))
}

// Get returns the customer settings (GET /api/v4/settings).
func (s *SettingsService) Get(ctx context.Context) (*CustomerSettings, error) {
	return getAt[CustomerSettings](ctx, s.client, settingsPath)
}

// Update changes the customer settings and returns them
// (PUT /api/v4/settings).
func (s *SettingsService) Update(ctx context.Context, req *UpdateCustomerSettingsRequest) (*CustomerSettings, error) {
	return sendChecked[CustomerSettings](ctx, s.client, http.MethodPut, settingsPath, req)
}

// NotificationChannels returns the notification channels with their
// configuration (GET /api/v4/settings/notifications/channels).
func (s *SettingsService) NotificationChannels(ctx context.Context) (*NotificationChannels, error) {
	return getAt[NotificationChannels](ctx, s.client, settingsPath+"/notifications/channels")
}

// SetNotificationChannel switches a notification channel on or off and
// returns all channels (PUT /api/v4/settings/notifications/channels).
func (s *SettingsService) SetNotificationChannel(ctx context.Context, req *NotificationChannelChange) (*NotificationChannels, error) {
	return sendChecked[NotificationChannels](ctx, s.client, http.MethodPut, settingsPath+"/notifications/channels", req)
}
