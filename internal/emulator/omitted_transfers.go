package emulator

// Properties of the transfer schemas that are absent when unset (see
// OmittedWhenUnset).
func init() {
	OmittedWhenUnset["S3FileUploadStatus"] = []string{
		"node",         // only with status done
		"errorDetails", // only with status error
	}
}
