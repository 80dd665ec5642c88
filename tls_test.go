package dracoon

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTLSVerificationOnByDefault: a self-signed server is refused with an
// error that names WithHTTPClient, and accepted once its CA is trusted.
func TestTLSVerificationOnByDefault(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"restApiVersion":"4.26.7","sdsServerVersion":"4.26.7","buildDate":"2024-01-01T00:00:00Z","isDracoonCloud":false}`))
	}))
	defer srv.Close()
	ctx := context.Background()

	c, err := New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Public.SoftwareVersion(ctx)
	if err == nil {
		t.Fatal("self-signed server accepted with default settings")
	}
	var rerr *RequestError
	if !errors.As(err, &rerr) {
		t.Fatalf("error %T %v, want *RequestError", err, err)
	}
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %v does not wrap *tls.CertificateVerificationError", err)
	}
	if !strings.Contains(err.Error(), "WithHTTPClient") {
		t.Fatalf("error %q does not name the option WithHTTPClient", err)
	}

	// Trusting the server's CA through WithHTTPClient connects.
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	c, err = New(srv.URL, WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Public.SoftwareVersion(ctx)
	if err != nil {
		t.Fatalf("with the CA trusted: %v", err)
	}
	if v.RestAPIVersion != "4.26.7" {
		t.Fatalf("version %q", v.RestAPIVersion)
	}
}

// TestRequestErrorHintOnlyForCertificates: other transport failures carry no
// certificate hint.
func TestRequestErrorHintOnlyForCertificates(t *testing.T) {
	e := &RequestError{Method: "GET", URL: "https://h/…", Err: errors.New("connection reset")}
	if strings.Contains(e.Error(), "WithHTTPClient") {
		t.Fatalf("hint on a non-certificate error: %q", e)
	}
	e.Err = x509.UnknownAuthorityError{}
	if !strings.Contains(e.Error(), "WithHTTPClient") {
		t.Fatalf("no hint on an unknown authority: %q", e)
	}
}
