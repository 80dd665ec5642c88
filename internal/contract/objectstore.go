package contract

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
)

// ObjectStorePrefix is the path prefix of the emulator's S3-style object
// store, where presigned part URLs point. It is not part of the DRACOON
// API document; its exchanges are checked against what S3 clients rely on
// (api-flows §3).
const ObjectStorePrefix = "/s3/"

// objectStoreOperations are the object store's operations.
var objectStoreOperations = []string{"PUT /s3/{bucket}/{key}"}

// quotedETag is an S3 part ETag: the MD5 hex digest in double quotes.
var quotedETag = regexp.MustCompile(`^"[0-9a-f]{32}"$`)

// checkObjectStore checks a presigned part upload: only PUT, 200 with a
// quoted ETag, errors as S3 XML <Error> documents with a Code.
func checkObjectStore(ex *exchange) []string {
	if ex.req.Method != http.MethodPut {
		return []string{"the object store takes PUT only"}
	}
	if ex.status == http.StatusOK {
		if !quotedETag.MatchString(ex.header.Get("ETag")) {
			return []string{"part upload answered without a quoted MD5 ETag: " + ex.header.Get("ETag")}
		}
		return nil
	}
	if ex.status < 400 {
		return []string{"part upload answered neither 200 nor an error"}
	}
	if !strings.Contains(ex.header.Get("Content-Type"), "xml") {
		return []string{"object store error is not XML"}
	}
	var e struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
	}
	if err := xml.Unmarshal(ex.body, &e); err != nil || e.Code == "" {
		return []string{"object store error is not an S3 <Error> document with a Code"}
	}
	return nil
}
