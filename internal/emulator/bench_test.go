package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkListNodes measures GET /api/v4/nodes over 500 top-level rooms
// (one full page, default sort) through the emulator's handler.
func BenchmarkListNodes(b *testing.B) {
	e, err := New(Config{AdminPassword: "pw"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 500 {
		if _, err := e.CreateRoom(RoomSpec{Name: fmt.Sprintf("room-%03d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	h := e.Handler()
	form := url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"pw"}, "client_id": {PublicClientID}}
	req := httptest.NewRequest("POST", "/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	tok := rec.Body.String()
	tok = tok[strings.Index(tok, `"access_token":"`)+16:]
	tok = tok[:strings.IndexByte(tok, '"')]
	b.ReportAllocs()
	var size int
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v4/nodes?limit=500", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		size = rec.Body.Len()
	}
	b.SetBytes(int64(size))
}
