package dracoon

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

const downloadShareJSON = `{"id":5,"name":"report","nodeId":77,"nodePath":"/Team/report.pdf","nodeType":"file","accessKey":"Ak-9f8e7d",
"cntDownloads":2,"maxDownloads":10,"expireAt":"2031-05-06T07:08:09Z","notes":"for you","internalNotes":"ours","showCreatorName":true,
"showCreatorUsername":false,"isProtected":true,"isEncrypted":false,"notifyCreator":true,"createdAt":"2030-01-01T00:00:00Z",
"createdBy":{"id":7,"userType":"internal","avatarUuid":"a","userName":"ada","firstName":"Ada","lastName":"L"}}`

const uploadShareJSON = `{"id":6,"name":"inbox","targetId":12,"targetPath":"/Team/In","targetType":"folder","accessKey":"Uk-1a2b3c",
"isProtected":false,"isEncrypted":true,"filesExpiryPeriod":30,"maxSlots":5,"maxSize":1048576,"cntFiles":1,"cntUploads":2,
"showUploadedFiles":true,"notifyCreator":false,"createdAt":"2030-01-01T00:00:00Z",
"createdBy":{"id":7,"userType":"internal","avatarUuid":"a","userName":"ada","firstName":"Ada","lastName":"L"}}`

func TestDownloadShareEndpoints(t *testing.T) {
	ctx := context.Background()
	future := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	runOpCases(t, []opCase{
		{"create", "POST /api/v4/shares/downloads", fakeCall{status: 201, answer: downloadShareJSON,
			body: `{"nodeId":77,"name":"report","password":"Share-Pw-0815","expiration":{"enableExpiration":true,"expireAt":"2031-05-06T07:08:09Z"},
				"maxDownloads":10,"notes":"for you","internalNotes":"ours","showCreatorName":true,"notifyCreator":true,"creatorLanguage":"en-US",
				"receiverLanguage":"de-DE","textMessageRecipients":["+49 170 1"]}`},
			func(t *testing.T, c *Client) error {
				req := &CreateDownloadShareRequest{NodeID: 77, Name: "report", Password: "Share-Pw-0815", Expiration: ExpireAt(future),
					MaxDownloads: 10, Notes: "for you", InternalNotes: "ours", ShowCreatorName: true, NotifyCreator: true,
					CreatorLanguage: "en-US", ReceiverLanguage: "de-DE", TextMessageRecipients: []string{"+49 170 1"}}
				if s := fmtAll(req); strings.Contains(s, "Share-Pw-0815") {
					t.Errorf("formatted request shows the password: %s", s)
				}
				s, err := c.Shares.CreateDownloadShare(ctx, req)
				return firstError(err, expect(err == nil && s.ID == 5 && s.AccessKey == "Ak-9f8e7d" && s.IsProtected && s.MaxDownloads == 10 &&
					s.CreatedBy.UserName == "ada" && s.ExpireAt.Equal(future), "%+v", s))
			}},
		{"list", "GET /api/v4/shares/downloads", fakeCall{query: "offset=2&limit=1&filter=nodeId:eq:77&sort=name:asc",
			answer: `{"range":{"offset":2,"limit":1,"total":3},"items":[` + downloadShareJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Shares.ListDownloadShares(ctx, &ListOptions{Offset: 2, Limit: 1, Filter: "nodeId:eq:77", Sort: "name:asc"})
				return firstError(err, expect(err == nil && l.Range.Total == 3 && l.Items[0].NodePath == "/Team/report.pdf", "%+v", l))
			}},
		{"get", "GET /api/v4/shares/downloads/5", fakeCall{answer: downloadShareJSON},
			func(t *testing.T, c *Client) error {
				s, err := c.Shares.GetDownloadShare(ctx, 5)
				if err == nil && strings.Contains(fmtAll(s)+fmtAll(*s), s.AccessKey) {
					t.Errorf("formatted share shows the access key: %s", fmtAll(s))
				}
				return firstError(err, expect(err == nil && s.NodeType == NodeTypeFile && s.CntDownloads == 2 && s.AccessKey == "Ak-9f8e7d", "%+v", s))
			}},
		{"qr", "GET /api/v4/shares/downloads/5/qr", fakeCall{answer: strings.Replace(downloadShareJSON, `"id":5,`, `"id":5,"dataUrl":"data:image/png;base64,iVBO",`, 1)},
			func(t *testing.T, c *Client) error {
				s, err := c.Shares.DownloadShareQR(ctx, 5)
				return firstError(err, expect(err == nil && strings.HasPrefix(s.DataURL, "data:image/png"), "%+v", s))
			}},
		{"update", "PUT /api/v4/shares/downloads/5", fakeCall{answer: downloadShareJSON,
			body: `{"name":"new","resetPassword":true,"maxDownloads":3,"expiration":{"enableExpiration":false},"showCreatorUsername":true,"defaultCountry":"DE"}`},
			func(t *testing.T, c *Client) error {
				_, err := c.Shares.UpdateDownloadShare(ctx, 5, &UpdateDownloadShareRequest{Name: ptrTo("new"), ResetPassword: true,
					MaxDownloads: ptrTo(3), Expiration: &Expiration{}, ShowCreatorUsername: ptrTo(true), DefaultCountry: ptrTo("DE")})
				return err
			}},
		{"update password", "PUT /api/v4/shares/downloads/5", fakeCall{answer: downloadShareJSON, body: `{"password":"Neu-Pw-4711","resetMaxDownloads":true}`},
			func(t *testing.T, c *Client) error {
				req := &UpdateDownloadShareRequest{Password: ptrTo("Neu-Pw-4711"), ResetMaxDownloads: true}
				if s := fmtAll(req); strings.Contains(s, "Neu-Pw-4711") {
					t.Errorf("formatted request shows the password: %s", s)
				}
				_, err := c.Shares.UpdateDownloadShare(ctx, 5, req)
				return err
			}},
		{"update many", "PUT /api/v4/shares/downloads", fakeCall{status: 200,
			body: `{"objectIds":[5,6],"expiration":{"enableExpiration":true,"expireAt":"2031-05-06T07:08:09Z"},"showCreatorName":false,"resetMaxDownloads":true}`},
			func(t *testing.T, c *Client) error {
				return c.Shares.UpdateDownloadShares(ctx, &UpdateDownloadSharesRequest{ObjectIDs: []int64{5, 6}, Expiration: ExpireAt(future),
					ShowCreatorName: ptrTo(false), ResetMaxDownloads: true})
			}},
		{"delete", "DELETE /api/v4/shares/downloads/5", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Shares.DeleteDownloadShare(ctx, 5) }},
		{"delete many", "DELETE /api/v4/shares/downloads", fakeCall{body: `{"shareIds":[5,6,9]}`},
			func(t *testing.T, c *Client) error { return c.Shares.DeleteDownloadShares(ctx, []int64{5, 6, 9}) }},
		{"mail", "POST /api/v4/shares/downloads/5/email", fakeCall{body: `{"recipients":["bob@example.com","eve@example.org"],"body":"Here it is","receiverLanguage":"en-GB"}`},
			func(t *testing.T, c *Client) error {
				return c.Shares.MailDownloadShare(ctx, 5, &ShareLinkEmail{Recipients: []string{"bob@example.com", "eve@example.org"}, Body: "Here it is", ReceiverLanguage: "en-GB"})
			}},
	})
}

func TestUploadShareEndpoints(t *testing.T) {
	ctx := context.Background()
	future := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	runOpCases(t, []opCase{
		{"create", "POST /api/v4/shares/uploads", fakeCall{status: 201, answer: uploadShareJSON,
			body: `{"targetId":12,"name":"inbox","password":"Up-Pw-0815","expiration":{"enableExpiration":true,"expireAt":"2031-05-06T07:08:09Z"},
				"filesExpiryPeriod":30,"maxSlots":5,"maxSize":1048576,"showUploadedFiles":true,"notes":"drop here","notifyCreator":true,
				"receiverLanguage":"fr-FR","showCreatorUsername":true}`},
			func(t *testing.T, c *Client) error {
				req := &CreateUploadShareRequest{TargetID: 12, Name: "inbox", Password: "Up-Pw-0815", Expiration: ExpireAt(future),
					FilesExpiryPeriod: 30, MaxSlots: 5, MaxSize: 1 << 20, ShowUploadedFiles: true, Notes: "drop here", NotifyCreator: true,
					ReceiverLanguage: "fr-FR", ShowCreatorUsername: true}
				if s := fmtAll(req); strings.Contains(s, "Up-Pw-0815") {
					t.Errorf("formatted request shows the password: %s", s)
				}
				s, err := c.Shares.CreateUploadShare(ctx, req)
				return firstError(err, expect(err == nil && s.ID == 6 && s.IsEncrypted && s.MaxSize == 1<<20 && s.TargetType == "folder", "%+v", s))
			}},
		{"list", "GET /api/v4/shares/uploads", fakeCall{query: "filter=targetId:eq:12",
			answer: `{"range":{"offset":0,"limit":500,"total":1},"items":[` + uploadShareJSON + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Shares.ListUploadShares(ctx, &ListOptions{Filter: "targetId:eq:12"})
				return firstError(err, expect(err == nil && l.Items[0].CntUploads == 2, "%+v", l))
			}},
		{"get", "GET /api/v4/shares/uploads/6", fakeCall{answer: uploadShareJSON},
			func(t *testing.T, c *Client) error {
				s, err := c.Shares.GetUploadShare(ctx, 6)
				if err == nil && strings.Contains(fmtAll(s)+fmtAll(*s), s.AccessKey) {
					t.Errorf("formatted share shows the access key: %s", fmtAll(s))
				}
				return firstError(err, expect(err == nil && s.FilesExpiryPeriod == 30 && s.AccessKey == "Uk-1a2b3c", "%+v", s))
			}},
		{"qr", "GET /api/v4/shares/uploads/6/qr", fakeCall{answer: strings.Replace(uploadShareJSON, `"id":6,`, `"id":6,"dataUrl":"data:image/png;base64,AA",`, 1)},
			func(t *testing.T, c *Client) error {
				s, err := c.Shares.UploadShareQR(ctx, 6)
				return firstError(err, expect(err == nil && s.DataURL != "", "%+v", s))
			}},
		{"update", "PUT /api/v4/shares/uploads/6", fakeCall{answer: uploadShareJSON,
			body: `{"password":"Other-Pw-1","resetMaxSlots":true,"maxSize":2048,"resetFilesExpiryPeriod":true,"showUploadedFiles":false,"notes":""}`},
			func(t *testing.T, c *Client) error {
				req := &UpdateUploadShareRequest{Password: ptrTo("Other-Pw-1"), ResetMaxSlots: true, MaxSize: ptrTo(int64(2048)),
					ResetFilesExpiryPeriod: true, ShowUploadedFiles: ptrTo(false), Notes: ptrTo("")}
				if s := fmtAll(req); strings.Contains(s, "Other-Pw-1") {
					t.Errorf("formatted request shows the password: %s", s)
				}
				_, err := c.Shares.UpdateUploadShare(ctx, 6, req)
				return err
			}},
		{"update many", "PUT /api/v4/shares/uploads", fakeCall{status: 200,
			body: `{"objectIds":[6],"maxSlots":9,"resetMaxSize":true,"filesExpiryPeriod":7,"showCreatorName":true}`},
			func(t *testing.T, c *Client) error {
				return c.Shares.UpdateUploadShares(ctx, &UpdateUploadSharesRequest{ObjectIDs: []int64{6}, MaxSlots: ptrTo(9), ResetMaxSize: true,
					FilesExpiryPeriod: ptrTo(7), ShowCreatorName: ptrTo(true)})
			}},
		{"delete", "DELETE /api/v4/shares/uploads/6", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Shares.DeleteUploadShare(ctx, 6) }},
		{"delete many", "DELETE /api/v4/shares/uploads", fakeCall{body: `{"shareIds":[6,8]}`},
			func(t *testing.T, c *Client) error { return c.Shares.DeleteUploadShares(ctx, []int64{6, 8}) }},
		{"mail", "POST /api/v4/shares/uploads/6/email", fakeCall{body: `{"recipients":["bob@example.com"],"body":"Please upload"}`},
			func(t *testing.T, c *Client) error {
				return c.Shares.MailUploadShare(ctx, 6, &ShareLinkEmail{Recipients: []string{"bob@example.com"}, Body: "Please upload"})
			}},
	})
}

func TestSharesIterators(t *testing.T) {
	runPagedCases(t, []pagedCase{
		{"download shares", "GET /api/v4/shares/downloads", nil,
			`{"id":%[1]d,"name":"s","nodeId":1,"accessKey":"k%[1]d","cntDownloads":0,"createdAt":"2030-01-01T00:00:00Z","notifyCreator":false,
			"createdBy":{"id":1,"userType":"internal","avatarUuid":"a","userName":"u","firstName":"f","lastName":"l"}}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Shares.AllDownloadShares(ctx, &ListOptions{Limit: 2}), func(s DownloadShare) int64 { return s.ID })
			}},
		{"upload shares", "GET /api/v4/shares/uploads", url.Values{"filter": {"targetId:eq:3"}},
			`{"id":%[1]d,"name":"s","targetId":3,"accessKey":"k%[1]d","isProtected":false,"createdAt":"2030-01-01T00:00:00Z","notifyCreator":false,
			"createdBy":{"id":1,"userType":"internal","avatarUuid":"a","userName":"u","firstName":"f","lastName":"l"}}`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				return collectIDs(c.Shares.AllUploadShares(ctx, &ListOptions{Limit: 2, Filter: "targetId:eq:3"}), func(s UploadShare) int64 { return s.ID })
			}},
	})
}

func TestSharesRefuseInvalidRequests(t *testing.T) {
	past := time.Now().Add(-time.Hour)
	long := strings.Repeat("é", 256)
	fx := loadKeyPairFixture(t, "A")
	halfKeys := &CreateDownloadShareRequest{NodeID: 1, KeyPair: &fx.UserKeyPair}
	runInvalidCases(t, []invalidCase{
		{"create download nil", "request", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateDownloadShare(ctx, nil)
			return err
		}},
		{"create download without node", "nodeId", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateDownloadShare(ctx, &CreateDownloadShareRequest{Name: "x"})
			return err
		}},
		{"create download expired", "expiration.expireAt", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: 1, Expiration: ExpireAt(past)})
			return err
		}},
		{"create download negative limit", "maxDownloads", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: 1, MaxDownloads: -1})
			return err
		}},
		{"create download long notes", "notes", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: 1, Notes: long})
			return err
		}},
		{"create download key pair without file key", "fileKey", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateDownloadShare(ctx, halfKeys)
			return err
		}},
		{"create download password with keys", "password", func(ctx context.Context, c *Client) error {
			r := *halfKeys
			r.Password = "pw"
			_, err := c.Shares.CreateDownloadShare(ctx, &r)
			return err
		}},
		{"encrypted share without password", "sharePassword", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateEncryptedDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: 1}, "")
			return err
		}},
		{"encrypted share with server password", "password", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateEncryptedDownloadShare(ctx, &CreateDownloadShareRequest{NodeID: 1, Password: "x"}, "pw")
			return err
		}},
		{"get download share 0", "share_id", func(ctx context.Context, c *Client) error { _, err := c.Shares.GetDownloadShare(ctx, 0); return err }},
		{"qr upload share -1", "share_id", func(ctx context.Context, c *Client) error { _, err := c.Shares.UploadShareQR(ctx, -1); return err }},
		{"list negative offset", "offset", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.ListDownloadShares(ctx, &ListOptions{Offset: -1})
			return err
		}},
		{"update download password and reset", "password", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.UpdateDownloadShare(ctx, 5, &UpdateDownloadShareRequest{Password: ptrTo("x"), ResetPassword: true})
			return err
		}},
		{"update download empty password", "password", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.UpdateDownloadShare(ctx, 5, &UpdateDownloadShareRequest{Password: ptrTo("")})
			return err
		}},
		{"update download limit 0", "maxDownloads", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.UpdateDownloadShare(ctx, 5, &UpdateDownloadShareRequest{MaxDownloads: ptrTo(0)})
			return err
		}},
		{"update many without ids", "objectIds", func(ctx context.Context, c *Client) error {
			return c.Shares.UpdateDownloadShares(ctx, &UpdateDownloadSharesRequest{ResetMaxDownloads: true})
		}},
		{"delete many with zero id", "shareIds[1]", func(ctx context.Context, c *Client) error { return c.Shares.DeleteDownloadShares(ctx, []int64{1, 0}) }},
		{"delete upload shares none", "shareIds", func(ctx context.Context, c *Client) error { return c.Shares.DeleteUploadShares(ctx, nil) }},
		{"mail without recipients", "recipients", func(ctx context.Context, c *Client) error {
			return c.Shares.MailDownloadShare(ctx, 5, &ShareLinkEmail{Body: "x"})
		}},
		{"mail to a display name", "recipients[0]", func(ctx context.Context, c *Client) error {
			return c.Shares.MailUploadShare(ctx, 5, &ShareLinkEmail{Recipients: []string{"Bob <bob@example.com>"}, Body: "x"})
		}},
		{"mail without body", "body", func(ctx context.Context, c *Client) error {
			return c.Shares.MailUploadShare(ctx, 5, &ShareLinkEmail{Recipients: []string{"bob@example.com"}})
		}},
		{"create upload without target", "targetId", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateUploadShare(ctx, &CreateUploadShareRequest{Name: "x"})
			return err
		}},
		{"create upload negative size", "maxSize", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateUploadShare(ctx, &CreateUploadShareRequest{TargetID: 1, MaxSize: -1})
			return err
		}},
		{"create upload blank phone", "textMessageRecipients[0]", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.CreateUploadShare(ctx, &CreateUploadShareRequest{TargetID: 1, TextMessageRecipients: []string{" "}})
			return err
		}},
		{"update upload slots and reset", "maxSlots", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.UpdateUploadShare(ctx, 6, &UpdateUploadShareRequest{MaxSlots: ptrTo(2), ResetMaxSlots: true})
			return err
		}},
		{"update upload long internal notes", "internalNotes", func(ctx context.Context, c *Client) error {
			_, err := c.Shares.UpdateUploadShare(ctx, 6, &UpdateUploadShareRequest{InternalNotes: &long})
			return err
		}},
		{"update uploads expiry period 0", "filesExpiryPeriod", func(ctx context.Context, c *Client) error {
			return c.Shares.UpdateUploadShares(ctx, &UpdateUploadSharesRequest{ObjectIDs: []int64{6}, FilesExpiryPeriod: ptrTo(0)})
		}},
		{"update uploads nil", "request", func(ctx context.Context, c *Client) error { return c.Shares.UpdateUploadShares(ctx, nil) }},
	})
}

// TestRecordedShareResponsesDecode reads the recorded share answers
// (dco3's and the Java SDK's test data) with our models.
func TestRecordedShareResponsesDecode(t *testing.T) {
	f := newFakeAPI(t)
	for pattern, file := range map[string]string{
		"GET /api/v4/shares/downloads":      "shares/dco3/download_shares_ok.json",
		"GET /api/v4/shares/downloads/1":    "shares/dco3/download_share_ok.json",
		"GET /api/v4/shares/uploads":        "shares/dco3/upload_shares_ok.json",
		"GET /api/v4/shares/uploads/1":      "shares/dco3/upload_share_ok.json",
		"GET /api/v4/shares/downloads/1/qr": "shares/java-sdk/shares/get_download_share_qr/get_dl_share_qr_response.json",
		"GET /api/v4/shares/uploads/1/qr":   "shares/java-sdk/shares/get_upload_share_qr/get_ul_share_qr_response.json",
	} {
		b, err := os.ReadFile(apiData(t, file))
		if err != nil {
			t.Fatal(err)
		}
		body := string(b)
		if strings.Contains(file, "java-sdk") {
			body = readFixture[recordedResponse](t, file).Body.Content
		}
		f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { writeRaw(w, body) })
	}
	ctx := context.Background()
	check := func(name string, err error, ok bool, v any) {
		t.Helper()
		if err != nil || !ok {
			t.Errorf("%s: %+v, %v", name, v, err)
		}
	}
	dl, err := f.client.Shares.ListDownloadShares(ctx, nil)
	check("download shares", err, err == nil && len(dl.Items) > 0 && dl.Items[0].AccessKey != "" && dl.Items[0].CreatedBy != nil, dl)
	d, err := f.client.Shares.GetDownloadShare(ctx, 1)
	check("download share", err, err == nil && d.ID == 1 && d.NodeID == 2 && d.CntDownloads == 10 && d.MaxDownloads == 2 &&
		d.IsEncrypted && d.NodeType == "file" && d.UpdatedBy.ID == 3 && !d.ExpireAt.IsZero(), d)
	ul, err := f.client.Shares.ListUploadShares(ctx, nil)
	check("upload shares", err, err == nil && len(ul.Items) > 0 && ul.Items[0].TargetID != 0, ul)
	u, err := f.client.Shares.GetUploadShare(ctx, 1)
	check("upload share", err, err == nil && u.TargetID == 2 && u.FilesExpiryPeriod == 30 && u.CntUploads == 15 && u.MaxSize == 123456 &&
		u.ShowUploadedFiles, u)
	dq, err := f.client.Shares.DownloadShareQR(ctx, 1)
	check("download share qr", err, err == nil && strings.HasPrefix(dq.DataURL, "data:image/png;base64,"), dq)
	uq, err := f.client.Shares.UploadShareQR(ctx, 1)
	check("upload share qr", err, err == nil && strings.HasPrefix(uq.DataURL, "data:image/png;base64,"), uq)
}
