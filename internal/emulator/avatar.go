package emulator

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // for image.DecodeConfig
	"image/png"
	"io"
	"net/http"
	"strconv"
	"sync"

	"github.com/go-chi/chi/v5"
)

// Avatars: GET|POST|DELETE /user/account/avatar (own), GET
// /resources/users/{user_id}/avatar/{uuid} (anyone's Avatar, no login) and
// GET /downloads/avatar/{user_id}/{uuid} (the image, no login). Every
// user has an avatar UUID; until a custom image is uploaded it names the
// default avatar. An upload or a reset gives a new UUID, so old avatar
// URLs stop working.

// Limits of an uploaded avatar (the document's "Further Information").
const (
	maxAvatarBytes = 5 << 20
	avatarSide     = 256
)

var (
	errAvatarNotFound   = newAPIError(404, -70028, "Avatar not found")
	errAvatarMediaType  = newAPIError(400, -80042, "Invalid media type for user avatar")
	errAvatarTooLarge   = newAPIError(400, -80043, "File size of an avatar image is too large")
	errAvatarDimensions = newAPIError(400, -80044, "Avatar dimensions are invalid")
)

// avatarImage is an uploaded avatar.
type avatarImage struct {
	data      []byte
	mediaType string
}

// avatarJSON is Avatar.
type avatarJSON struct {
	AvatarURI      string `json:"avatarUri"`
	AvatarUUID     string `json:"avatarUuid"`
	IsCustomAvatar bool   `json:"isCustomAvatar"`
}

func (e *Emulator) avatarRoutes(r chi.Router) {
	r.Get("/user/account/avatar", produces(mediaJSON, e.handleGetAvatar))
	r.Post("/user/account/avatar", produces(mediaJSON, e.handleUploadAvatar))
	r.Delete("/user/account/avatar", produces(mediaJSON, e.handleResetAvatar))
}

// publicAvatarRoutes are the avatar reads that need no login.
func (e *Emulator) publicAvatarRoutes(r chi.Router) {
	r.Get("/resources/users/{user_id}/avatar/{uuid}", produces(mediaJSON, e.handleUserAvatar))
	r.Get("/downloads/avatar/{user_id}/{uuid}", e.handleDownloadAvatar)
}

// avatarView renders u's avatar. Callers hold e.mu.
func (e *Emulator) avatarView(r *http.Request, u *user) avatarJSON {
	_, custom := e.st.self().avatars[u.id]
	return avatarJSON{
		AvatarURI:      e.baseURL(r) + "/api/v4/downloads/avatar/" + strconv.FormatInt(u.id, 10) + "/" + u.avatarUUID,
		AvatarUUID:     u.avatarUUID,
		IsCustomAvatar: custom,
	}
}

func (e *Emulator) handleGetAvatar(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.avatarView(r, u))
}

// readAvatar reads the multipart part "file" and checks it: at most
// maxAvatarBytes, PNG or JPEG, avatarSide pixels square.
func readAvatar(w http.ResponseWriter, r *http.Request) (*avatarImage, *apiError) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAvatarBytes+1<<16)
	f, _, err := r.FormFile("file")
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errAvatarTooLarge
		}
		return nil, errMandatory.withDebug("Mandatory fields cannot be empty: multipart part 'file' is missing")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxAvatarBytes+1))
	if err != nil {
		return nil, errAvatarTooLarge
	}
	if len(data) > maxAvatarBytes {
		return nil, errAvatarTooLarge
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return nil, errAvatarMediaType
	}
	if cfg.Width != avatarSide || cfg.Height != avatarSide {
		return nil, errAvatarDimensions
	}
	return &avatarImage{data: data, mediaType: "image/" + format}, nil
}

func (e *Emulator) handleUploadAvatar(w http.ResponseWriter, r *http.Request) {
	img, aerr := readAvatar(w, r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	e.st.self().avatars[u.id] = img
	u.avatarUUID = randomUUID()
	e.emit(r, opUserUpdated, u.id, u.login)
	writeJSON(w, http.StatusCreated, e.avatarView(r, u))
}

func (e *Emulator) handleResetAvatar(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.caller(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if _, custom := e.st.self().avatars[u.id]; custom {
		delete(e.st.self().avatars, u.id)
		u.avatarUUID = randomUUID()
		e.emit(r, opUserUpdated, u.id, u.login)
	}
	writeJSON(w, http.StatusOK, e.avatarView(r, u))
}

// avatarOwner returns the user of the URL's user_id whose avatar UUID is
// the URL's uuid; anything else is "Avatar not found". Callers hold e.mu.
func (e *Emulator) avatarOwner(r *http.Request) (*user, *apiError) {
	id, err := strconv.ParseInt(chi.URLParam(r, "user_id"), 10, 64)
	if err != nil {
		return nil, errInvalidNumber
	}
	u := e.st.users[id]
	if u == nil || u.avatarUUID != chi.URLParam(r, "uuid") {
		return nil, errAvatarNotFound
	}
	return u, nil
}

func (e *Emulator) handleUserAvatar(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.avatarOwner(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.avatarView(r, u))
}

// handleDownloadAvatar serves the image bytes: the custom image, else the
// default avatar.
func (e *Emulator) handleDownloadAvatar(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	u, err := e.avatarOwner(r)
	var img *avatarImage
	if err == nil {
		img = e.st.self().avatars[u.id]
	}
	e.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	if img == nil {
		img = defaultAvatar()
	}
	w.Header().Set("Content-Type", avatarContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(img.data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(img.data)
}

// defaultAvatar is a plain grey PNG of the avatar size, made once.
var defaultAvatar = sync.OnceValue(func() *avatarImage {
	img := image.NewGray(image.Rect(0, 0, avatarSide, avatarSide))
	for i := range img.Pix {
		img.Pix[i] = 0xC0
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return &avatarImage{data: buf.Bytes(), mediaType: "image/png"}
})
