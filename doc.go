// Package dracoon is a client for the DRACOON cloud-storage API.
//
// One Client, safe for concurrent use, talks to one DRACOON instance. It
// logs in with OAuth 2 (password, authorization-code or refresh-token
// grant), keeps its access token fresh on its own, retries what can safely
// be retried, limits the number of requests in flight, and exposes each API
// area as a service field:
//
//	client, err := dracoon.New("https://dracoon.example.com")
//	if err != nil { … }
//	if err := client.Connect(ctx, dracoon.PasswordFlow(user, password)); err != nil { … }
//	account, err := client.Account.Get(ctx)
//	for room, err := range client.Nodes.All(ctx, 0, nil) { … }
//
// Every method takes a context first. Paged lists come twice: List returns
// one page with its Range, All returns an iterator over every item that
// fetches the next page only when the loop reaches it (or, with
// ListOptions.ReadAhead, a few pages ahead). Nodes.Resolve finds a node by
// its path, comparing every name exactly.
//
// Request types (CreateRoomRequest, TransferRequest, UserGrant, …) have a
// Validate method; methods call it before sending anything, and what the
// server would refuse fails with an *InvalidRequestError that matches
// ErrInvalidRequest and names the field.
//
// Transfers moves file content: Upload, UploadStream and UploadFile (classic
// or direct S3, as the instance says; encrypted with a fresh file key in
// encrypted rooms), DownloadFile (through a temporary file that replaces
// the destination only once the content is complete and authenticated) and
// Download into an io.Writer, UploadFolder and DownloadFolder, and FS, a
// read-only io/fs.FS over a room or folder. Encrypted rooms need an
// unlocked key pair (Account.UnlockKeyPair); a ProgressFunc reports the
// bytes on the wire. DownloadZip and DownloadZipFile fetch a ZIP archive
// of several nodes.
//
// Public needs no login: with a share's access key, DownloadShareFile and
// DownloadShareTo fetch a download share (encrypted shares are opened
// with the share password on the client) and UploadToShare uploads
// through an upload share (for an encrypted target, with the file key
// encrypted for every user the share lists), with the same transfer code
// as the logged-in methods.
//
// Errors from the server are *APIError values; match them with errors.Is
// against the sentinels (ErrNotFound, ErrUnauthorized, …) or inspect them
// with errors.As. Transport failures are *RequestError values and
// responses the client cannot read (or that exceed its limits on size and
// shape) are *ResponseError values. The client never follows redirects:
// a redirect gives a *RequestError matching ErrRedirect.
//
// Secrets — passwords, client secrets, access and refresh tokens, share
// access keys, download tokens and presigned URLs — never appear in log
// records or error strings.
//
// The package imports only the standard library and golang.org/x modules.
// Client-side encryption lives in the sub-package crypto.
package dracoon
