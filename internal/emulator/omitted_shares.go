package emulator

// init adds the properties of the share schemas that stay out when they
// have no value (see OmittedWhenUnset); every other property is always
// sent.
func init() {
	for schema, props := range map[string][]string{
		"DownloadShare": {
			"expireAt",       // no expiry
			"maxDownloads",   // no download limit
			"dataUrl",        // only the QR endpoint sends the image
			"classification", // deprecated since 4.11
			"recipients",     // deprecated since 4.11
			"smsRecipients",  // deprecated since 4.11
		},
		"UploadShare": {
			"expireAt",          // no expiry
			"filesExpiryPeriod", // uploaded files do not expire
			"maxSlots",          // no file limit
			"maxSize",           // no size limit
			"dataUrl",           // only the QR endpoint sends the image
			"recipients",        // deprecated since 4.11
			"smsRecipients",     // deprecated since 4.11
		},
		"PublicDownloadShare": {
			"creatorUsername",     // the share hides it
			"expireAt",            // no expiry
			"fileKey",             // encrypted shares only
			"privateKeyContainer", // encrypted shares only
		},
		"PublicUploadShare": {
			"expireAt",              // no expiry, or the share is locked
			"notes",                 // only with the password of a protected share
			"uploadedFiles",         // showUploadedFiles off, or locked
			"userUserPublicKeyList", // plain targets
			"remainingSize",         // no size limit, or locked
			"remainingSlots",        // no file limit, or locked
			"creatorUsername",       // hidden, or locked
			"maxSize",               // deprecated since 4.2; no limit, or locked
		},
		"PublicUploadedFileData": {
			"hash", // not yet computed
		},
		"CreateShareUploadChannelResponse": {
			"token", // deprecated since 4.3; share channels have no token URL
		},
		"S3ShareUploadStatus": {
			"size",         // known once the file exists
			"errorDetails", // status error only
		},
	} {
		OmittedWhenUnset[schema] = append(OmittedWhenUnset[schema], props...)
	}
}
