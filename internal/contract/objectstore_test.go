package contract

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The object store's exchanges: a quoted MD5 ETag on success, S3 XML on
// errors, PUT only.
func TestCheckObjectStore(t *testing.T) {
	ex := func(method string, status int, hdr http.Header, body string) *exchange {
		return &exchange{req: httptest.NewRequest(method, "/s3/b/k?partNumber=1", nil), status: status, header: hdr, body: []byte(body)}
	}
	good := http.Header{"Etag": {`"3c8b5395757553139ba746a3e0a9df82"`}}
	xmlHdr := http.Header{"Content-Type": {"application/xml"}}
	cases := []struct {
		ex   *exchange
		okay bool
	}{
		{ex("PUT", 200, good, ""), true},
		{ex("PUT", 200, http.Header{"Etag": {"3c8b5395757553139ba746a3e0a9df82"}}, ""), false},
		{ex("PUT", 200, http.Header{}, ""), false},
		{ex("GET", 200, good, ""), false},
		{ex("PUT", 403, xmlHdr, "<Error><Code>AccessDenied</Code><Message>x</Message></Error>"), true},
		{ex("PUT", 403, xmlHdr, "<Error><Message>x</Message></Error>"), false},
		{ex("PUT", 403, http.Header{"Content-Type": {"application/json"}}, `{"code":403}`), false},
	}
	s := &spec{}
	for i, c := range cases {
		if got := s.check(c.ex); (len(got) == 0) != c.okay {
			t.Errorf("case %d: problems %q, want ok=%v", i, got, c.okay)
		}
	}
}

// A raw chunk body is checked as the multipart file part.
func TestRawChunkBecomesFilePart(t *testing.T) {
	req := httptest.NewRequest("POST", "/api/v4/uploads/tok", strings.NewReader("abc"))
	req.Header.Set("Content-Type", "application/octet-stream")
	if !isRawChunk(req) {
		t.Fatal("raw chunk not recognised")
	}
	c := asFilePart(&exchange{req: req, reqBody: []byte("abc")})
	if !strings.HasPrefix(c.req.Header.Get("Content-Type"), "multipart/form-data; boundary=") || !strings.Contains(string(c.reqBody), "name=\"file\"") || req.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("wrapped body %q, type %q; original type %q", c.reqBody, c.req.Header.Get("Content-Type"), req.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/api/v4/uploads/tok/x", "/api/v4/nodes/files/uploads"} {
		if isRawChunk(httptest.NewRequest("POST", p, nil)) {
			t.Errorf("%s taken for a chunk upload", p)
		}
	}
}
