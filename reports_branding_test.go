package dracoon

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

const reportJSON = `{"id":%[1]d,"created":"2030-01-01T00:00:00Z","name":"audit","type":"single","subType":"general-audit-report","enabled":true,
"formats":["pdf","csv-plain"],"state":"finished","target":{"id":9},"filter":{"fromDate":"2030-01-01","operations":[7]}}`

const brandingJSON = `{"productName":"ACME Drive","colors":[{"type":"primary","colorDetails":[{"type":"normal","rgba":"0,0,255,1"}]}],"colorizeHeader":true,
"texts":[{"type":"terms","languages":[{"languageTag":"en-US","content":"Be nice"}]}],"imprintUrl":"https://acme/imprint","privacyUrl":"https://acme/privacy",
"supportUrl":"https://acme/support","emailContact":"help@acme.example","images":[{"id":3,"url":"https://acme/logo.png","type":"webLogo"}],
"positionLoginBox":1,"appearanceLoginBox":"light"}`

func TestReportEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"list", "GET /reporting/api/reports", fakeCall{query: "offset=1&limit=1&sort=name:asc&name=audit&type=single&subType=user-audit-report&state=finished&hasError=false&enabled=true",
			answer: `{"pagination":{"offset":1,"limit":1,"total":2},"items":[` + strings.ReplaceAll(reportJSON, "%[1]d", "4") + `]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Reports.List(ctx, &ListReportsOptions{ListOptions: ListOptions{Offset: 1, Limit: 1, Sort: "name:asc"}, Name: "audit", Type: ReportSingle,
					SubType: ReportUserAudit, State: ReportStateFinished, HasError: ptrTo(false), Enabled: ptrTo(true)})
				if err != nil {
					return err
				}
				r := l.Items[0]
				return expect(l.Range.Total == 2 && r.ID == 4 && len(r.Formats) == 2 && r.Target.ID == 9 && r.Filter.Operations[0] == 7 &&
					r.Created.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)), "%+v", l)
			}},
		{"single format in the answer", "GET /reporting/api/reports", fakeCall{answer: `{"pagination":{"offset":0,"limit":500,"total":1},"items":[{"id":1,"formats":"pdf"},{"id":2,"formats":null}]}`},
			func(t *testing.T, c *Client) error {
				l, err := c.Reports.List(ctx, nil)
				return firstError(err, expect(err == nil && len(l.Items[0].Formats) == 1 && l.Items[0].Formats[0] == ReportPDF && l.Items[1].Formats == nil, "%+v", l))
			}},
		{"create", "POST /reporting/api/reports", fakeCall{status: 201, answer: strings.ReplaceAll(reportJSON, "%[1]d", "4"),
			body: `{"name":"monthly audit","type":"periodic","subType":"general-audit-report","enabled":true,"execution":{"type":"monthly","timeOfDay":"02:30:00","dayOfMonth":1},
				"formats":["csv-semicolon-delimited"],"filter":{"parentRoom":9,"userId":2},"target":{"id":9}}`},
			func(t *testing.T, c *Client) error {
				r, err := c.Reports.Create(ctx, &CreateReportRequest{Name: "monthly audit", Type: ReportPeriodic, SubType: ReportGeneralAudit, Enabled: ptrTo(true),
					Execution: &ReportExecution{Type: ReportMonthly, TimeOfDay: "02:30:00", DayOfMonth: 1}, Formats: []string{ReportCSVSemicolon},
					Filter: &ReportFilter{ParentRoom: 9, UserID: 2}, Target: ReportTarget{ID: 9}})
				return firstError(err, expect(err == nil && r != nil && r.ID == 4, "%+v", r))
			}},
		{"create without answer", "POST /reporting/api/reports", fakeCall{status: 201, body: `{"name":"a","type":"single","subType":"user-audit-report","formats":["pdf"],"target":{"id":1}}`},
			func(t *testing.T, c *Client) error {
				r, err := c.Reports.Create(ctx, &CreateReportRequest{Name: "a", Type: ReportSingle, SubType: ReportUserAudit, Formats: []string{ReportPDF}, Target: ReportTarget{ID: 1}})
				return firstError(err, expect(err == nil && r == nil, "%+v", r))
			}},
		{"delete", "DELETE /reporting/api/reports/4", fakeCall{},
			func(t *testing.T, c *Client) error { return c.Reports.Delete(ctx, 4) }},
		{"delete many", "DELETE /reporting/api/reports", fakeCall{body: `{"ids":[4,5]}`},
			func(t *testing.T, c *Client) error { return c.Reports.DeleteMany(ctx, []int64{4, 5}) }},
	})
}

func TestReportIterator(t *testing.T) {
	f := newFakeAPI(t)
	var offsets []string
	f.mux.HandleFunc("GET /reporting/api/reports", func(w http.ResponseWriter, r *http.Request) {
		offsets = append(offsets, r.URL.Query().Get("offset"))
		items := map[string]string{"": `[{"id":1},{"id":2}]`, "2": `[{"id":3}]`}[r.URL.Query().Get("offset")]
		writeRaw(w, `{"pagination":{"offset":0,"limit":2,"total":3},"items":`+items+`}`)
	})
	ids, err := collectIDs(f.client.Reports.All(context.Background(), &ListReportsOptions{ListOptions: ListOptions{Limit: 2}}), func(r Report) int64 { return r.ID })
	if err != nil || len(ids) != 3 || ids[2] != 3 || strings.Join(offsets, ",") != ",2" {
		t.Errorf("ids %v, offsets %q, %v", ids, offsets, err)
	}
}

func TestBrandingEndpoints(t *testing.T) {
	ctx := context.Background()
	runOpCases(t, []opCase{
		{"get", "GET /branding/api/v1/branding", fakeCall{answer: brandingJSON},
			func(t *testing.T, c *Client) error {
				b, err := c.Branding.Get(ctx)
				return firstError(err, expect(err == nil && b.ProductName == "ACME Drive" && b.Images[0].URL == "https://acme/logo.png" &&
					b.Colors[0].ColorDetails[0].RGBA == "0,0,255,1" && b.Texts[0].Languages[0].Content == "Be nice", "%+v", b))
			}},
		{"update", "PUT /branding/api/v1/branding", fakeCall{answer: brandingJSON,
			body: `{"productName":"ACME Drive","colors":null,"colorizeHeader":false,"texts":null,"imprintUrl":"","privacyUrl":"","supportUrl":"","emailContact":"",
				"images":[{"id":3,"type":"webLogo"}],"positionLoginBox":2,"appearanceLoginBox":"dark"}`},
			func(t *testing.T, c *Client) error {
				b := &Branding{ProductName: "ACME Drive", PositionLoginBox: 2, AppearanceLoginBox: "dark", Images: []BrandingImage{{ID: 3, Type: ImageWebLogo, URL: "https://acme/logo.png"}}}
				_, err := c.Branding.Update(ctx, b)
				return firstError(err, expect(b.Images[0].URL != "", "the caller's branding was changed"))
			}},
		{"public", "GET /branding/api/v1/public/branding", fakeCall{answer: `{"createdAt":"2030-01-01T00:00:00Z","productName":"ACME Drive","images":[{"type":"webLogo","files":[{"size":"small","url":"https://acme/s.png"}]}]}`},
			func(t *testing.T, c *Client) error {
				b, err := c.Branding.Public(ctx)
				return firstError(err, expect(err == nil && b.Images[0].Files[0].Size == ImageSmall, "%+v", b))
			}},
	})
}

func TestBrandingImages(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("x", 100))
	t.Run("upload", func(t *testing.T) {
		f := newFakeAPI(t)
		f.mux.HandleFunc("POST /branding/api/v1/branding/files", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("type") != ImageFavIcon || r.Header.Get("Authorization") == "" {
				t.Errorf("query %q, Authorization set: %v", r.URL.RawQuery, r.Header.Get("Authorization") != "")
			}
			mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "multipart/form-data" {
				t.Fatalf("Content-Type %q", r.Header.Get("Content-Type"))
			}
			part, err := multipart.NewReader(r.Body, params["boundary"]).NextPart()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(part)
			if part.FormName() != "file" || part.FileName() != "icon_.png" || !bytes.Equal(data, png) || part.Header.Get("Content-Type") != "image/png" {
				t.Errorf("part %q %q %q, %d bytes", part.FormName(), part.FileName(), part.Header.Get("Content-Type"), len(data))
			}
			writeRaw(w, `{"id":11,"createdAt":"2030-01-01T00:00:00Z"}`)
		})
		up, err := f.client.Branding.UploadImage(context.Background(), ImageFavIcon, `icon".png`, bytes.NewReader(png))
		if err != nil || up.ID != 11 {
			t.Errorf("%+v, %v", up, err)
		}
	})
	t.Run("public image", func(t *testing.T) {
		f := newFakeAPI(t)
		f.mux.HandleFunc("GET /branding/api/v1/public/branding/files/webLogo/large", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				t.Error("the public image request carries a token")
			}
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(png)
		})
		data, ct, err := f.client.Branding.PublicImage(context.Background(), ImageWebLogo, ImageLarge)
		if err != nil || !bytes.Equal(data, png) || ct != "image/png" {
			t.Errorf("%d bytes, %q, %v", len(data), ct, err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		f := newFakeAPI(t)
		_, err := f.client.Branding.UploadImage(context.Background(), ImageWebLogo, "big.png", io.LimitReader(zeros{}, maxBrandingImage+1))
		if !errors.Is(err, ErrInvalidRequest) || f.requests.Load() != 0 {
			t.Errorf("got %v after %d requests", err, f.requests.Load())
		}
	})
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReportsAndBrandingRefuseInvalidRequests(t *testing.T) {
	valid := func() *CreateReportRequest {
		return &CreateReportRequest{Name: "a", Type: ReportSingle, SubType: ReportUserAudit, Formats: []string{ReportPDF}, Target: ReportTarget{ID: 1}}
	}
	runInvalidCases(t, []invalidCase{
		{"report name", "name", func(ctx context.Context, c *Client) error {
			r := valid()
			r.Name = ""
			_, err := c.Reports.Create(ctx, r)
			return err
		}},
		{"report format", "formats[0]", func(ctx context.Context, c *Client) error {
			r := valid()
			r.Formats = []string{"xlsx"}
			_, err := c.Reports.Create(ctx, r)
			return err
		}},
		{"report target", "target.id", func(ctx context.Context, c *Client) error {
			r := valid()
			r.Target.ID = 0
			_, err := c.Reports.Create(ctx, r)
			return err
		}},
		{"periodic without schedule", "execution", func(ctx context.Context, c *Client) error {
			r := valid()
			r.Type = ReportPeriodic
			_, err := c.Reports.Create(ctx, r)
			return err
		}},
		{"time of day", "execution.timeOfDay", func(ctx context.Context, c *Client) error {
			r := valid()
			r.Execution = &ReportExecution{Type: ReportMonthly, TimeOfDay: "25:00", DayOfMonth: 1}
			_, err := c.Reports.Create(ctx, r)
			return err
		}},
		{"report filter", "filter", func(ctx context.Context, c *Client) error {
			_, err := c.Reports.List(ctx, &ListReportsOptions{ListOptions: ListOptions{Filter: "a:eq:b"}})
			return err
		}},
		{"report id", "report_id", func(ctx context.Context, c *Client) error { return c.Reports.Delete(ctx, 0) }},
		{"report ids", "ids", func(ctx context.Context, c *Client) error { return c.Reports.DeleteMany(ctx, nil) }},
		{"branding name", "productName", func(ctx context.Context, c *Client) error { _, err := c.Branding.Update(ctx, &Branding{}); return err }},
		{"branding nil", "request", func(ctx context.Context, c *Client) error { _, err := c.Branding.Update(ctx, nil); return err }},
		{"branding image type", "images[0].type", func(ctx context.Context, c *Client) error {
			_, err := c.Branding.Update(ctx, &Branding{ProductName: "p", Images: []BrandingImage{{ID: 1, Type: "banner"}}})
			return err
		}},
		{"upload type", "type", func(ctx context.Context, c *Client) error {
			_, err := c.Branding.UploadImage(ctx, "banner", "a.png", strings.NewReader("x"))
			return err
		}},
		{"upload nil", "image", func(ctx context.Context, c *Client) error {
			_, err := c.Branding.UploadImage(ctx, ImageAppLogo, "a.png", nil)
			return err
		}},
		{"image size", "size", func(ctx context.Context, c *Client) error {
			_, _, err := c.Branding.PublicImage(ctx, ImageAppLogo, "huge")
			return err
		}},
	})
}
