package emulator

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

// selfServicePublicRoutes are the self-service endpoints without login:
// forgotten credentials, avatars of any user, notification scopes.
func (e *Emulator) selfServicePublicRoutes(r chi.Router) {
	e.passwordResetRoutes(r)
	e.publicAvatarRoutes(r)
	e.publicNotificationRoutes(r)
}

// selfServiceRoutes are the authenticated ones: the own avatar,
// notification settings, OAuth grants and subscriptions, and the rescue
// key pairs and S3 tags of rooms.
func (e *Emulator) selfServiceRoutes(r chi.Router) {
	e.avatarRoutes(r)
	e.notificationRoutes(r)
	e.oauthGrantRoutes(r)
	e.subscriptionRoutes(r)
	e.roomKeyRoutes(r)
	e.roomS3TagRoutes(r)
}

// State of the self-service areas: password reset tokens and the mails
// that carry them (password_reset.go), custom avatars (avatar.go),
// notification settings (notifications.go), OAuth approvals
// (oauth_grants.go), subscriptions (subscriptions.go) and the S3 tags of
// rooms (room_s3tags.go). Its maps are made on first use, so the seed
// needs no change.
type selfServiceState struct {
	resets map[secretHash]*resetToken
	mails  []Mail
	// avatars are the custom avatars by user id.
	avatars map[int64]*avatarImage
	// notify holds, per user, the channel ids of the notification
	// configurations the user changed (absent: the default).
	notify map[int64]map[int64][]int
	// approvals maps user id → client id → expiry of the approval.
	approvals map[int64]map[string]time.Time
	// subscriptions maps a kind (subNodes, …) → user id → object ids.
	subscriptions map[string]map[int64]map[int64]bool
	// roomTags are the S3 tag ids assigned to each room.
	roomTags map[int64][]int64
	// grantSeq numbers OAuth authorizations (refresh tokens).
	grantSeq sequence
}

// self returns the self-service state, making its maps on first use.
// Callers hold e.mu.
func (st *state) self() *selfServiceState {
	s := &st.selfService
	if s.resets == nil {
		s.resets = map[secretHash]*resetToken{}
		s.avatars = map[int64]*avatarImage{}
		s.notify = map[int64]map[int64][]int{}
		s.approvals = map[int64]map[string]time.Time{}
		s.subscriptions = map[string]map[int64]map[int64]bool{}
		s.roomTags = map[int64][]int64{}
	}
	return s
}

// Mail is a mail the emulator "sent" (none leaves it): password reset
// tokens and user name reminders, which DRACOON delivers by mail only.
// Tests read them through Emulator.Mails or GET /_emulator/mails.
type Mail struct {
	// Kind is "reset_password" or "recover_username".
	Kind string `json:"kind"`
	// To is the recipient address.
	To string `json:"to"`
	// UserID is the account the mail is about (0 for user name reminders).
	UserID int64 `json:"userId,omitempty"`
	// Token is the password reset token (reset mails only).
	Token string `json:"token,omitempty"`
	// UserNames are the accounts of the address (user name reminders).
	UserNames []string `json:"userNames,omitempty"`
	// SentAt is the emulator time of sending.
	SentAt time.Time `json:"sentAt"`
}

// Mails returns the mails sent so far, oldest first. They carry secrets
// (reset tokens): for tests only.
func (e *Emulator) Mails() []Mail {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Mail{}, e.st.self().mails...)
}

// LastMail returns the newest mail and whether there is one.
func (e *Emulator) LastMail() (Mail, bool) {
	m := e.Mails()
	if len(m) == 0 {
		return Mail{}, false
	}
	return m[len(m)-1], true
}

// ctlMails is GET /_emulator/mails: {"items": [Mail…]}.
func (e *Emulator) ctlMails(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		Items []Mail `json:"items"`
	}{e.Mails()})
}

// sendMail records a mail. Callers hold e.mu.
func (st *state) sendMail(m Mail) {
	s := st.self()
	s.mails = append(s.mails, m)
}
