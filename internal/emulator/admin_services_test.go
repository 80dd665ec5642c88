package emulator_test

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestReportsAndBranding round-trips the reporting and branding services,
// which the OpenAPI document lacks (the contract checks only that their
// answers are JSON and their errors ErrorResponse).
func TestReportsAndBranding(t *testing.T) {
	srv := newServer(t)
	tok := login(t, srv).Access
	room, err := srv.CreateRoom("Reports", nil)
	if err != nil {
		t.Fatal(err)
	}
	doReq := func(method, path, body, ctype string, auth bool) response {
		t.Helper()
		hdr := []string{}
		if auth {
			hdr = append(hdr, "Authorization: Bearer "+tok)
		}
		if ctype != "" {
			hdr = append(hdr, "Content-Type: "+ctype)
		}
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		return call(t, srv, method, path, rd, hdr...)
	}
	var rp struct {
		ID    int64
		State string
	}
	expect(t, doReq("POST", "/reporting/api/reports", fmt.Sprintf(`{"name":"audit","type":"single","subType":"general-audit-report","formats":["pdf"],"target":{"id":%d}}`, room), "application/json", true), 201, &rp)
	if rp.State != "waiting" {
		t.Errorf("new report: %+v", rp)
	}
	var rl struct {
		Pagination struct{ Total int }
		Items      []struct{ Name string }
	}
	expect(t, doReq("GET", "/reporting/api/reports?name=aud", "", "", true), 200, &rl)
	if rl.Pagination.Total != 1 || rl.Items[0].Name != "audit" {
		t.Errorf("reports: %+v", rl)
	}
	if r := doReq("DELETE", "/reporting/api/reports", fmt.Sprintf(`{"ids":[%d]}`, rp.ID), "application/json", true); r.status != 204 {
		t.Errorf("bulk delete: %d %s", r.status, r.body)
	}
	if r := doReq("GET", "/reporting/api/reports", "", "", false); r.status != 401 {
		t.Errorf("reports without token: %d", r.status)
	}

	// Branding: upload an image, use it, read it publicly.
	body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--b--\r\n"
	var up struct{ ID int64 }
	expect(t, doReq("POST", "/branding/api/v1/branding/files?type=webLogo", body, "multipart/form-data; boundary=b", true), 201, &up)
	upd := fmt.Sprintf(`{"productName":"Acme Files","colorizeHeader":true,"texts":[],"colors":[{"type":"primary","colorDetails":[{"type":"normal","rgba":"0,0,0,1"}]}],"imprintUrl":"","privacyUrl":"","supportUrl":"","emailContact":"","positionLoginBox":2,"appearanceLoginBox":"dark","images":[{"id":%d,"type":"webLogo"}]}`, up.ID)
	var b struct {
		ProductName string
		Images      []struct{ ID int64 }
	}
	expect(t, doReq("PUT", "/branding/api/v1/branding", upd, "application/json", true), 200, &b)
	if b.ProductName != "Acme Files" || len(b.Images) != 1 || b.Images[0].ID != up.ID {
		t.Errorf("branding: %+v", b)
	}
	var pub struct {
		ProductName string
		Images      []struct {
			Type  string
			Files []struct{ Size, URL string }
		}
	}
	expect(t, doReq("GET", "/branding/api/v1/public/branding", "", "", false), 200, &pub)
	if pub.ProductName != "Acme Files" || len(pub.Images) != 1 || len(pub.Images[0].Files) != 3 {
		t.Errorf("public branding: %+v", pub)
	}
	img := doReq("GET", "/branding/api/v1/public/branding/files/webLogo/small", "", "", false)
	if img.status != 200 || string(img.body) != "PNGDATA" || img.header.Get("Content-Type") != "image/png" {
		t.Errorf("public image: %d %q %q", img.status, img.body, img.header.Get("Content-Type"))
	}
	if r := doReq("GET", "/branding/api/v1/public/branding/files/appLogo/small", "", "", false); r.status != 404 {
		t.Errorf("unused image type: %d", r.status)
	}
}
