package dracoon

import (
	"strings"
	"testing"
)

func TestNewValidatesBaseURL(t *testing.T) {
	tests := []struct {
		url      string
		opts     []Option
		ok       bool
		wantBase string
	}{
		{url: "https://dracoon.example.com", ok: true, wantBase: "https://dracoon.example.com"},
		{url: "https://dracoon.example.com/", ok: true, wantBase: "https://dracoon.example.com"},
		{url: " https://dracoon.example.com/prefix/ ", ok: true, wantBase: "https://dracoon.example.com/prefix"},
		{url: "http://127.0.0.1:8080", ok: true, wantBase: "http://127.0.0.1:8080"},
		{url: "http://localhost:8080", ok: true, wantBase: "http://localhost:8080"},
		{url: "http://[::1]:8080", ok: true, wantBase: "http://[::1]:8080"},
		{url: "http://dracoon.example.com"},
		{url: "http://dracoon.example.com", opts: []Option{WithInsecureHTTP()}, ok: true, wantBase: "http://dracoon.example.com"},
		{url: "ftp://dracoon.example.com"},
		{url: "dracoon.example.com"},
		{url: ""},
		{url: "https://"},
		{url: "https://dracoon.example.com/?a=b"},
		{url: "https://dracoon.example.com/#x"},
		{url: "https://%zz"},
	}
	for _, tt := range tests {
		c, err := New(tt.url, tt.opts...)
		if tt.ok != (err == nil) {
			t.Errorf("New(%q): error = %v, want ok = %t", tt.url, err, tt.ok)
			continue
		}
		if tt.ok && c.BaseURL() != tt.wantBase {
			t.Errorf("New(%q).BaseURL() = %q, want %q", tt.url, c.BaseURL(), tt.wantBase)
		}
	}
}

func TestNewNeverRepeatsURLCredentials(t *testing.T) {
	_, err := New("https://admin:hunter2secret@dracoon.example.com")
	if err == nil {
		t.Fatal("credentials in the base URL accepted")
	}
	if strings.Contains(err.Error(), "hunter2secret") {
		t.Fatalf("error repeats the password: %v", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, opt := range map[string]Option{
		"concurrency 0":   WithMaxConcurrentRequests(0),
		"nil http client": WithHTTPClient(nil),
		"nil logger":      WithLogger(nil),
		"empty client id": WithClientID(""),
		"no attempts":     WithRetryPolicy(RetryPolicy{}),
		"negative margin": WithRefreshMargin(-1),
	} {
		if _, err := New("https://dracoon.example.com", opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestAuthCodeURL(t *testing.T) {
	c, err := New("https://dracoon.example.com", WithClientID("my client"))
	if err != nil {
		t.Fatal(err)
	}
	got := c.AuthCodeURL("st8")
	for _, want := range []string{
		"https://dracoon.example.com/oauth/authorize?",
		"client_id=my+client",
		"redirect_uri=https%3A%2F%2Fdracoon.example.com%2Foauth%2Fcallback",
		"response_type=code", "scope=all", "state=st8",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("AuthCodeURL = %s, lacks %s", got, want)
		}
	}
}
