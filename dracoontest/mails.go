package dracoontest

import "time"

// Mail is a mail the emulator "sent" instead of delivering it: DRACOON
// mails password reset tokens and user name reminders, so tests of those
// flows read them here.
type Mail struct {
	// Kind is "reset_password" or "recover_username".
	Kind string
	// To is the recipient address.
	To string
	// UserID is the account a reset mail is about.
	UserID int64
	// Token is the password reset token (reset mails only).
	Token string
	// UserNames are the accounts of the address (user name reminders).
	UserNames []string
	// SentAt is the emulator time of sending.
	SentAt time.Time
}

// Mails returns the mails sent so far, oldest first. They carry secrets
// (reset tokens).
func (s *Server) Mails() []Mail {
	var out []Mail
	for _, m := range s.emu.Mails() {
		out = append(out, Mail{Kind: m.Kind, To: m.To, UserID: m.UserID, Token: m.Token, UserNames: m.UserNames, SentAt: m.SentAt})
	}
	return out
}

// LastMail returns the newest mail and whether there is one.
func (s *Server) LastMail() (Mail, bool) {
	m := s.Mails()
	if len(m) == 0 {
		return Mail{}, false
	}
	return m[len(m)-1], true
}
