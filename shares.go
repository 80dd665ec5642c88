package dracoon

// Helpers shared by download shares (shares_download.go) and upload
// shares (shares_upload.go).

import (
	"context"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// SharesService holds download shares (links to a file, folder or room)
// and upload shares (file requests: links through which anyone may upload
// into a room or folder). Creating either needs the manageDownloadShare or
// manageUploadShare permission on the node.
type SharesService service

// Paths of the two share areas.
const (
	downloadSharesPath = "/api/v4/shares/downloads"
	uploadSharesPath   = "/api/v4/shares/uploads"
)

// maxShareNoteLength is the longest note (or internal note) of a share,
// in characters.
const maxShareNoteLength = 255

// checkShareText refuses a note longer than maxShareNoteLength characters.
func checkShareText(field, value string) error {
	if utf8.RuneCountInString(value) > maxShareNoteLength {
		return invalid(field, "longer than %d characters", maxShareNoteLength)
	}
	return nil
}

// checkOptionalShareText is checkShareText for a field that may be left
// out (nil).
func checkOptionalShareText(field string, value *string) error {
	if value == nil {
		return nil
	}
	return checkShareText(field, *value)
}

// checkNotNegative refuses a negative count or size.
func checkNotNegative[T int | int64](field string, v T) error {
	if v < 0 {
		return invalid(field, "must not be negative, got %d", v)
	}
	return nil
}

// checkOptionalPositive refuses a set value below 1 (use the reset flag
// of the request to remove a limit).
func checkOptionalPositive[T int | int64](field string, v *T) error {
	if v != nil && *v < 1 {
		return invalid(field, "must be at least 1, got %d (use the reset flag to remove the limit)", *v)
	}
	return nil
}

// redactedPtr hides an optional secret for formatting, keeping whether
// it is set.
func redactedPtr(secret *string) *string {
	if secret == nil {
		return nil
	}
	s := redactedIfSet(*secret)
	return &s
}

// checkNotBoth refuses a value together with the flag that resets it.
func checkNotBoth(field string, set, reset bool, resetField string) error {
	if set && reset {
		return invalid(field, "cannot be set together with %s", resetField)
	}
	return nil
}

// checkPhoneNumbers refuses blank text message recipients.
func checkPhoneNumbers(field string, numbers []string) error {
	for i, n := range numbers {
		if err := checkNotBlank(fmt.Sprintf("%s[%d]", field, i), n); err != nil {
			return err
		}
	}
	return nil
}

// ShareLinkEmail sends the link of an existing share to people by e-mail.
type ShareLinkEmail struct {
	// Recipients are e-mail addresses; at least one.
	Recipients []string `json:"recipients"`
	// Body is the message text shown above the link.
	Body string `json:"body"`
	// ReceiverLanguage is the language of the mail ("de-DE"); empty means
	// the server's default.
	ReceiverLanguage string `json:"receiverLanguage,omitempty"`
}

// Validate requires at least one plain e-mail address and a body.
func (m *ShareLinkEmail) Validate() error {
	if len(m.Recipients) == 0 {
		return invalid("recipients", "must not be empty")
	}
	for i, r := range m.Recipients {
		if err := checkEmail(fmt.Sprintf("recipients[%d]", i), r); err != nil {
			return err
		}
	}
	return checkNotBlank("body", m.Body)
}

// deleteSharesRequest is the body of the bulk deletions.
type deleteSharesRequest struct {
	ShareIDs []int64 `json:"shareIds"`
}

// deleteShares deletes the shares ids below path (DELETE with a body).
func (s *SharesService) deleteShares(ctx context.Context, path string, ids []int64) error {
	if err := checkIDs("shareIds", ids); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodDelete, path: path, jsonBody: &deleteSharesRequest{ShareIDs: ids}}, nil)
}

// mailShare sends the link of share id below path by e-mail.
func (s *SharesService) mailShare(ctx context.Context, path string, id int64, m *ShareLinkEmail) error {
	if err := firstError(checkID("share_id", id), validate(m)); err != nil {
		return err
	}
	return s.client.do(ctx, &apiCall{method: http.MethodPost, path: idPath(path, id, "/email"), jsonBody: m}, nil)
}

// updateShares sends a bulk update whose body was validated.
func (s *SharesService) updateShares(ctx context.Context, path string, req any) error {
	return s.client.do(ctx, &apiCall{method: http.MethodPut, path: path, jsonBody: req}, nil)
}

// listShares fetches one page of the shares below path.
func listShares[L any](ctx context.Context, s *SharesService, path string, opts *ListOptions) (*L, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	return doJSON[L](ctx, s.client, &apiCall{method: http.MethodGet, path: path, query: opts.values(nil)})
}

// shareUpdate is an update request of one share: validated, and maybe
// setting a new password that must stay out of logs and errors.
type shareUpdate[R any] interface {
	*R
	validator
	newPassword() *string
}

// updateShare changes share id below path and returns the changed share.
func updateShare[T any, R any, P shareUpdate[R]](ctx context.Context, s *SharesService, path string, id int64, req P) (*T, error) {
	if err := checkID("share_id", id); err != nil {
		return nil, err
	}
	var secrets []string
	if req != nil && req.newPassword() != nil {
		secrets = []string{*req.newPassword()}
	}
	return sendChecked[T](ctx, s.client, http.MethodPut, idPath(path, id, ""), req, secrets...)
}

// deleteShare deletes share id below path.
func (s *SharesService) deleteShare(ctx context.Context, path string, id int64) error {
	if err := checkID("share_id", id); err != nil {
		return err
	}
	return deleteAt(ctx, s.client, idPath(path, id, ""))
}

// checkNewSharePassword refuses an empty new password and a new password
// together with resetPassword.
func checkNewSharePassword(password *string, reset bool) error {
	if password != nil && *password == "" {
		return invalid("password", "must not be empty (use resetPassword to remove it)")
	}
	return checkNotBoth("password", password != nil, reset, "resetPassword")
}
