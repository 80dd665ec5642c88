package emulator

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"time"
)

// Behaviour of shares and public share access that no recorded exchange
// or document settles. Each choice is the most plausible reading; all of
// them sit here so that they are easy to change once real answers are
// known.

// After this many wrong passwords in a row at a public share endpoint the
// share is locked (403 -51000) for shareLockDuration; the real limits are
// not documented.
const (
	maxWrongSharePasswords = 10
	shareLockDuration      = 5 * time.Minute
)

// GET /shares/downloads and /shares/uploads list every share whose node
// the caller may manage shares on (manageDownloadShare /
// manageUploadShare), not only the caller's own; with false, a caller
// sees only the shares they created. Single shares are readable and
// changeable by whoever holds that permission on the node.
const sharesListedForManagers = true

// GET /shares/uploads also takes the filter field nodeId as another name
// of targetId: the document lists only targetId, but the Java SDK filters
// file requests with nodeId:eq:<id>.
const uploadSharesFilterNodeID = true

// Also settled here without a constant of their own:
//
//   - Deleting a node deletes its shares (also when the node goes to the
//     recycle bin: a restored file comes back without them). Shares of a
//     deleted node are dropped lazily (dropOrphanShares), the next time
//     any share endpoint or the room encryption switch looks at shares.
//   - A download counts when the last byte of the content is served by a
//     GET of the public download URL (a Range request reaching the end
//     counts, a HEAD never); the limit is checked again at that moment.
//     The download URL itself (POST) only checks the limit. Archives of
//     folders and rooms are counted per GET.
//   - The public views name the creator only when the share says so:
//     creatorName is "" (the schema requires the property) unless
//     showCreatorName is set, creatorUsername is absent unless
//     showCreatorUsername is set. A password-protected upload share shows
//     its details (notes, expiry, remaining slots and size, uploaded
//     files, creator) only with the right password in
//     X-Sds-Share-Password; a wrong one is 401 -50502.
//   - maxSlots of a file request bounds the files it may take in:
//     uploaded files that still exist plus channels that are open count;
//     deleting an uploaded file frees its slot. maxSize bounds the bytes
//     of the files that still exist. PublicUploadShare.maxSlots (required
//     but deprecated) is 0 for an unlimited share.
//   - Uploads through a file request take the room's usual name rules and
//     are renamed automatically on a name clash ("name (1).ext").
//   - A direct S3 upload through a file request makes its file at the
//     status poll that reports done, as uploads of users do; an upload
//     whose status is never polled keeps its slot and creates nothing.

// Files uploaded through a file request are created and last changed by
// an "external" user with id -1 (the filter documentation's "-1 for
// external user"), not by the share's creator. Its userName is
// "external" (UserInfo requires one).
func externalUserInfo() userInfoJSON {
	return userInfoJSON{ID: externalUserID, UserType: "external", AvatarUUID: "", UserName: "external", FirstName: "External", LastName: "User"}
}

// The QR endpoints (GET /shares/{downloads,uploads}/{id}/qr) answer the
// share with dataUrl set to a PNG data URL, as the Java SDK's recording
// shows. The emulator has no QR encoder: the image is a 1-bit picture of
// the link's bytes (one row per byte, most significant bit first), which
// tests can decode, but no phone can scan.
func shareQRDataURL(link string) string {
	img := image.NewGray(image.Rect(0, 0, 8, len(link)))
	for y := 0; y < len(link); y++ {
		for x := 0; x < 8; x++ {
			if link[y]&(0x80>>x) != 0 {
				img.SetGray(x, y, color.Gray{Y: 0})
			} else {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding to memory cannot fail
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}
