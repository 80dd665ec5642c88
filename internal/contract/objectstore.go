package contract

import (
	"bytes"
	"encoding/xml"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
)

// Transfers outside the document's shapes: the emulator's S3-style object
// store, where presigned part URLs point, and chunk uploads with raw
// bodies.

// ObjectStorePrefix is the path prefix of the emulator's object store. It
// is not part of the DRACOON API document; its exchanges are checked
// against what S3 clients rely on (api-flows §3).
const ObjectStorePrefix = "/s3/"

// ObjectStoreOperations are the object store's operations, for the
// coverage table beside Undocumented.
func ObjectStoreOperations() []string { return []string{"PUT /s3/{bucket}/{key}"} }

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

// RawChunkBodies (an allowlist entry, see Allowlist): the document
// declares chunk uploads (POST /uploads/{token}, POST
// /nodes/files/uploads/{upload_id}, POST
// /public/shares/uploads/{access_key}/{upload_id}) as multipart/form-data
// only, but real servers also take the raw bytes: dco3 sends
// application/octet-stream, the Python client a raw body without any
// Content-Type (api-flows §2). Such a body is checked as if it were the
// multipart "file" part.
var RawChunkBodies = true

// rawChunkPath matches the chunk upload paths.
var rawChunkPath = regexp.MustCompile(`^/api/v4/(uploads/[^/]+|nodes/files/uploads/[^/]+|public/shares/uploads/[^/]+/[^/]+)$`)

// isRawChunk reports whether r is a chunk upload with a body that is not
// multipart.
func isRawChunk(r *http.Request) bool {
	return RawChunkBodies && r.Method == http.MethodPost && rawChunkPath.MatchString(r.URL.Path) &&
		!strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// asFilePart returns ex with its raw request body wrapped as the
// multipart "file" part.
func asFilePart(ex *exchange) *exchange {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "upload")
	_, _ = fw.Write(ex.reqBody)
	_ = mw.Close()
	c := *ex
	c.req = ex.req.Clone(ex.req.Context())
	c.req.Header.Set("Content-Type", mw.FormDataContentType())
	c.req.ContentLength = int64(body.Len())
	c.reqBody = body.Bytes()
	return &c
}
