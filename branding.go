package dracoon

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// BrandingService reads and changes the tenant's branding (name, colours,
// texts, links and images) through DRACOON's branding service, a separate
// application below /branding/api/v1 that the OpenAPI document does not
// describe. Changing it needs the CONFIG_MANAGER role; the public
// branding needs no login.
//
// Unverified: paths and shapes follow the Python client
// (dracoon-python-api), not a specification or a recorded exchange.
type BrandingService service

// brandingPath is the prefix of the branding service.
const brandingPath = "/branding/api/v1"

// Branding image types and sizes.
const (
	ImageWebLogo        = "webLogo"
	ImageAppLogo        = "appLogo"
	ImageSquaredLogo    = "squaredLogo"
	ImageAppSplash      = "appSplashImage"
	ImageWebSplash      = "webSplashImage"
	ImageFavIcon        = "favIcon"
	ImageIngredientLogo = "ingredientLogo"

	ImageSmall  = "small"
	ImageMedium = "medium"
	ImageLarge  = "large"
)

// imageTypes are the valid branding image types.
var imageTypes = []string{ImageWebLogo, ImageAppLogo, ImageSquaredLogo, ImageAppSplash, ImageWebSplash, ImageFavIcon, ImageIngredientLogo}

// maxBrandingImage bounds the size of a branding image, up- or downloaded.
const maxBrandingImage = 16 << 20

// Branding is the editable branding of the tenant. Unverified shape.
type Branding struct {
	ProductName        string          `json:"productName"`
	Colors             []BrandingColor `json:"colors"`
	ColorizeHeader     bool            `json:"colorizeHeader"`
	Texts              []BrandingText  `json:"texts"`
	ImprintURL         string          `json:"imprintUrl"`
	PrivacyURL         string          `json:"privacyUrl"`
	SupportURL         string          `json:"supportUrl"`
	EmailContact       string          `json:"emailContact"`
	Images             []BrandingImage `json:"images"`
	PositionLoginBox   int             `json:"positionLoginBox"`
	AppearanceLoginBox string          `json:"appearanceLoginBox"`
}

// BrandingColor is a named colour with its shades (Type normal, light,
// dark or text; RGBA as "r,g,b,a" or as the service spells it).
type BrandingColor struct {
	Type         string `json:"type"`
	ColorDetails []struct {
		Type string `json:"type"`
		RGBA string `json:"rgba"`
	} `json:"colorDetails"`
}

// BrandingText is a text (Type emailSignature or terms) in several
// languages.
type BrandingText struct {
	Type      string `json:"type"`
	Languages []struct {
		LanguageTag string `json:"languageTag"`
		Content     string `json:"content"`
	} `json:"languages"`
}

// BrandingImage is an uploaded image in use; URL is empty in requests.
type BrandingImage struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
}

// Validate refuses an empty product name, unknown image types and images
// without id.
func (b *Branding) Validate() error {
	if err := checkNotBlank("productName", b.ProductName); err != nil {
		return err
	}
	for i, img := range b.Images {
		if err := firstError(checkID(fmtIndex("images", i, "id"), img.ID),
			checkOneOf(fmtIndex("images", i, "type"), img.Type, imageTypes...)); err != nil {
			return err
		}
	}
	return nil
}

// PublicBranding is the branding anyone may read, with every image in
// several sizes. Unverified shape.
type PublicBranding struct {
	CreatedAt      time.Time       `json:"createdAt,omitzero"`
	ChangedAt      time.Time       `json:"changedAt,omitzero"`
	ProductName    string          `json:"productName"`
	Colors         []BrandingColor `json:"colors"`
	ColorizeHeader bool            `json:"colorizeHeader"`
	ImprintURL     string          `json:"imprintUrl"`
	PrivacyURL     string          `json:"privacyUrl"`
	SupportURL     string          `json:"supportUrl"`
	EmailContact   string          `json:"emailContact"`
	Images         []struct {
		Type  string `json:"type"`
		Files []struct {
			Size string `json:"size"`
			URL  string `json:"url"`
		} `json:"files"`
	} `json:"images"`
	PositionLoginBox   int            `json:"positionLoginBox"`
	AppearanceLoginBox string         `json:"appearanceLoginBox"`
	Texts              []BrandingText `json:"texts"`
}

// BrandingUpload is an uploaded image, to be put into Branding.Images.
type BrandingUpload struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
}

// Get returns the editable branding (GET /branding/api/v1/branding).
func (s *BrandingService) Get(ctx context.Context) (*Branding, error) {
	return getAt[Branding](ctx, s.client, brandingPath+"/branding")
}

// Update replaces the branding and returns it; image URLs are not sent
// (PUT /branding/api/v1/branding).
func (s *BrandingService) Update(ctx context.Context, b *Branding) (*Branding, error) {
	if b != nil {
		cp := *b
		cp.Images = make([]BrandingImage, len(b.Images))
		for i, img := range b.Images {
			cp.Images[i] = BrandingImage{ID: img.ID, Type: img.Type}
		}
		b = &cp
	}
	return sendChecked[Branding](ctx, s.client, http.MethodPut, brandingPath+"/branding", b)
}

// UploadImage uploads an image of the given type (one of the Image…
// constants) as a multipart form, at most 16 MiB; put the answer's id into
// Branding.Images and Update to use it
// (POST /branding/api/v1/branding/files).
func (s *BrandingService) UploadImage(ctx context.Context, imageType, fileName string, image io.Reader) (*BrandingUpload, error) {
	if err := firstError(checkOneOf("type", imageType, imageTypes...), checkNotBlank("fileName", fileName)); err != nil {
		return nil, err
	}
	body, contentType, err := multipartImage(fileName, image, maxBrandingImage)
	if err != nil {
		return nil, err
	}
	return doJSON[BrandingUpload](ctx, s.client, &apiCall{method: http.MethodPost, path: brandingPath + "/branding/files",
		query: url.Values{"type": {imageType}}, rawBody: body, rawType: contentType})
}

// multipartImage reads an image of at most limit bytes and encodes it as
// the file field of a multipart form; a nil or larger image is an invalid
// request.
func multipartImage(fileName string, image io.Reader, limit int) ([]byte, string, error) {
	if image == nil {
		return nil, "", invalid("image", "must not be nil")
	}
	data, err := io.ReadAll(io.LimitReader(image, int64(limit)+1))
	if err != nil {
		return nil, "", fmt.Errorf("dracoon: reading the image: %w", err)
	}
	if len(data) > limit {
		return nil, "", invalid("image", "is larger than %d bytes", limit)
	}
	return multipartFile("file", fileName, data)
}

// multipartFile encodes data as the one file field of a multipart form.
func multipartFile(field, fileName string, data []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	var rnd [16]byte
	_, _ = rand.Read(rnd[:])
	if err := w.SetBoundary("dracoon-" + hex.EncodeToString(rnd[:])); err != nil {
		return nil, "", err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+strings.NewReplacer(`"`, "_", "\r", "_", "\n", "_", `\`, "_").Replace(fileName)+`"`)
	h.Set("Content-Type", http.DetectContentType(data))
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// Public returns the public branding; it needs no login
// (GET /branding/api/v1/public/branding).
func (s *BrandingService) Public(ctx context.Context) (*PublicBranding, error) {
	return doJSON[PublicBranding](ctx, s.client, &apiCall{method: http.MethodGet, path: brandingPath + "/public/branding", public: true})
}

// PublicImage returns the bytes of a public branding image of the given
// type and size (ImageSmall, ImageMedium or ImageLarge), at most 16 MiB,
// and their content type as sniffed from the data; it needs no login
// (GET /branding/api/v1/public/branding/files/{type}/{size}).
func (s *BrandingService) PublicImage(ctx context.Context, imageType, size string) ([]byte, string, error) {
	if err := firstError(checkOneOf("type", imageType, imageTypes...), checkOneOf("size", size, ImageSmall, ImageMedium, ImageLarge)); err != nil {
		return nil, "", err
	}
	var body string
	err := s.client.do(ctx, &apiCall{method: http.MethodGet, path: brandingPath + "/public/branding/files/" + imageType + "/" + size,
		public: true, accept: "image/*", maxBody: maxBrandingImage}, &body)
	if err != nil {
		return nil, "", err
	}
	return []byte(body), http.DetectContentType([]byte(body)), nil
}
