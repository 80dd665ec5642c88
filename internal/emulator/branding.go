package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// Branding: the separate branding service at /branding/api/v1 (not in the
// OpenAPI document). GET|PUT /branding (config manager for PUT), POST
// /branding/files (an image, multipart "file", ?type=…), and the public,
// unauthenticated GET /public/branding and GET
// /public/branding/files/{type}/{size}. Shapes follow the Python client's
// models (UpdateBrandingResponse, CacheableBrandingResponse, Upload);
// unverified. An uploaded image is served for every size.

// brandingDoc is the editable part of the branding, kept in the shape of
// UpdateBrandingRequest minus images.
type brandingDoc struct {
	ProductName        string            `json:"productName"`
	Colors             []json.RawMessage `json:"colors"`
	ColorizeHeader     bool              `json:"colorizeHeader"`
	Texts              []json.RawMessage `json:"texts"`
	ImprintURL         string            `json:"imprintUrl"`
	PrivacyURL         string            `json:"privacyUrl"`
	SupportURL         string            `json:"supportUrl"`
	EmailContact       string            `json:"emailContact"`
	PositionLoginBox   int               `json:"positionLoginBox"`
	AppearanceLoginBox string            `json:"appearanceLoginBox"`
}

// branding is the tenant's branding: the document, the uploaded images
// and which image is in use per type.
type branding struct {
	doc       brandingDoc
	createdAt time.Time
	changedAt time.Time
	uploadSeq sequence
	uploads   map[int64]brandingImage
	inUse     map[string]int64 // image type → upload id
}

type brandingImage struct {
	typ         string
	contentType string
	data        []byte
	createdAt   time.Time
}

var brandingImageTypes = []string{"webLogo", "appLogo", "squaredLogo", "appSplashImage", "webSplashImage", "favIcon", "ingredientLogo"}

var brandingImageSizes = []string{"small", "medium", "large"}

// maxBrandingImage bounds an uploaded image.
const maxBrandingImage = 5 << 20

var errBrandingImageNF = newAPIError(404, 0, "Branding image not found")

func defaultBranding(now time.Time) *branding {
	return &branding{
		doc: brandingDoc{ProductName: "DRACOON", Colors: []json.RawMessage{}, Texts: []json.RawMessage{},
			ImprintURL: "", PrivacyURL: "", SupportURL: "", EmailContact: "", PositionLoginBox: 1, AppearanceLoginBox: "light"},
		createdAt: now, changedAt: now,
		uploads: map[int64]brandingImage{}, inUse: map[string]int64{},
	}
}

func (e *Emulator) brandingRoutes(r chi.Router) {
	r.Get("/branding/api/v1/public/branding", produces(mediaJSON, e.handlePublicBranding))
	r.Get("/branding/api/v1/public/branding/files/{type}/{size}", e.handleBrandingImage)
	r.Group(func(r chi.Router) {
		r.Use(e.requireAuth)
		r.Get("/branding/api/v1/branding", produces(mediaJSON, e.handleGetBranding))
		r.Put("/branding/api/v1/branding", produces(mediaJSON, e.handleUpdateBranding))
		r.Post("/branding/api/v1/branding/files", produces(mediaJSON, e.handleUploadBrandingImage))
	})
}

type simpleImageJSON struct {
	ID   int64  `json:"id"`
	URL  string `json:"url,omitempty"`
	Type string `json:"type"`
}

// brandingJSON is UpdateBrandingResponse.
type brandingJSON struct {
	brandingDoc
	Images []simpleImageJSON `json:"images"`
}

func (e *Emulator) imageURL(r *http.Request, typ, size string) string {
	return e.baseURL(r) + "/branding/api/v1/public/branding/files/" + typ + "/" + size
}

func (e *Emulator) brandingJSON(r *http.Request) brandingJSON {
	b := e.st.admin.branding
	out := brandingJSON{brandingDoc: b.doc, Images: []simpleImageJSON{}}
	for _, t := range brandingImageTypes {
		if id, ok := b.inUse[t]; ok {
			out.Images = append(out.Images, simpleImageJSON{ID: id, URL: e.imageURL(r, t, "large"), Type: t})
		}
	}
	return out
}

func (e *Emulator) handleGetBranding(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	writeJSON(w, http.StatusOK, e.brandingJSON(r))
}

type updateBrandingRequest struct {
	brandingDoc
	Images []simpleImageJSON `json:"images"`
}

func (e *Emulator) handleUpdateBranding(w http.ResponseWriter, r *http.Request) {
	var req updateBrandingRequest
	if err := decodeJSON(r, &req, false); err != nil {
		writeError(w, err)
		return
	}
	for _, s := range []string{req.ProductName, req.ImprintURL, req.PrivacyURL, req.SupportURL, req.EmailContact, req.AppearanceLoginBox} {
		if err := validateText(s); err != nil {
			writeError(w, err)
			return
		}
		if utf8.RuneCountInString(s) > 1024 {
			writeError(w, errTooLong)
			return
		}
	}
	if strings.TrimSpace(req.ProductName) == "" {
		writeError(w, errMandatory)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	b := e.st.admin.branding
	inUse := map[string]int64{}
	for _, im := range req.Images {
		up, ok := b.uploads[im.ID]
		if !ok || up.typ != im.Type {
			writeError(w, errBrandingImageNF)
			return
		}
		inUse[im.Type] = im.ID
	}
	if req.Colors == nil {
		req.Colors = []json.RawMessage{}
	}
	if req.Texts == nil {
		req.Texts = []json.RawMessage{}
	}
	b.doc, b.inUse, b.changedAt = req.brandingDoc, inUse, e.clock.now()
	e.emit(r, opBrandingChanged, 0, "branding")
	writeJSON(w, http.StatusOK, e.brandingJSON(r))
}

// handleUploadBrandingImage stores the "file" part of a multipart body as
// an image of ?type and answers Upload {id, createdAt}.
func (e *Emulator) handleUploadBrandingImage(w http.ResponseWriter, r *http.Request) {
	typ := r.URL.Query().Get("type")
	if !slices.Contains(brandingImageTypes, typ) {
		writeError(w, errInvalidParameter.withDebug("Invalid parameter value: type"))
		return
	}
	part, perr := readFilePart(r, maxBrandingImage)
	switch {
	case perr != nil:
		writeError(w, perr)
		return
	case part.tooLong:
		writeError(w, errTooLong)
		return
	}
	data := part.data
	// Only raster image types are served back as such; anything else
	// (HTML, SVG with scripts) is served as octet-stream.
	ctype := "application/octet-stream"
	if ct := part.contentType; strings.HasPrefix(ct, "image/") && !strings.Contains(ct, "svg") {
		ctype = ct
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.requireRight(r, rightChangeConfig); err != nil {
		writeError(w, err)
		return
	}
	b := e.st.admin.branding
	id := b.uploadSeq.next()
	now := e.clock.now()
	b.uploads[id] = brandingImage{typ: typ, contentType: ctype, data: data, createdAt: now}
	writeJSON(w, http.StatusCreated, struct {
		ID        int64   `json:"id"`
		CreatedAt apiTime `json:"createdAt"`
	}{id, apiTime(now)})
}

type brandingFileJSON struct {
	Size string `json:"size"`
	URL  string `json:"url"`
}

type brandingImageJSON struct {
	Type  string             `json:"type"`
	Files []brandingFileJSON `json:"files"`
}

// handlePublicBranding answers CacheableBrandingResponse without a token.
func (e *Emulator) handlePublicBranding(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	b := e.st.admin.branding
	images := []brandingImageJSON{}
	for _, t := range brandingImageTypes {
		if _, ok := b.inUse[t]; !ok {
			continue
		}
		im := brandingImageJSON{Type: t}
		for _, s := range brandingImageSizes {
			im.Files = append(im.Files, brandingFileJSON{Size: s, URL: e.imageURL(r, t, s)})
		}
		images = append(images, im)
	}
	writeJSON(w, http.StatusOK, struct {
		CreatedAt apiTime `json:"createdAt"`
		ChangedAt apiTime `json:"changedAt"`
		brandingDoc
		Images []brandingImageJSON `json:"images"`
	}{apiTime(b.createdAt), apiTime(b.changedAt), b.doc, images})
}

// handleBrandingImage serves the image in use for {type} (any {size}).
func (e *Emulator) handleBrandingImage(w http.ResponseWriter, r *http.Request) {
	typ, size := chi.URLParam(r, "type"), chi.URLParam(r, "size")
	if !slices.Contains(brandingImageTypes, typ) || !slices.Contains(brandingImageSizes, size) {
		writeError(w, errBrandingImageNF)
		return
	}
	e.mu.Lock()
	b := e.st.admin.branding
	id, ok := b.inUse[typ]
	im := b.uploads[id]
	e.mu.Unlock()
	if !ok {
		writeError(w, errBrandingImageNF)
		return
	}
	w.Header().Set("Content-Type", im.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(im.data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(im.data)
}
