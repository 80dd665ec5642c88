package emulator

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
)

// filePart is the "file" part of a multipart/form-data request body.
type filePart struct {
	data        []byte
	contentType string
	tooLong     bool // the part had more than the allowed bytes
}

// readFilePart reads the form part "file" of a multipart/form-data body,
// keeping at most max bytes of it and reading at most
// maxMultipartPreamble bytes before it, so no upload form is ever read
// whole. A body that is not multipart gets the 415 DRACOON gives; one
// without a "file" part the 400 for a missing mandatory field.
func readFilePart(r *http.Request, max int64) (*filePart, *apiError) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, unsupportedMediaType(r.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(io.LimitReader(r.Body, max+maxMultipartPreamble), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, errMandatory.withDebug("Mandatory fields cannot be empty: multipart part 'file' is missing")
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, max+1))
		if err != nil {
			return nil, errMandatory.withDebug("Mandatory fields cannot be empty: multipart part 'file' is incomplete")
		}
		return &filePart{data: data, contentType: part.Header.Get("Content-Type"), tooLong: int64(len(data)) > max}, nil
	}
}
