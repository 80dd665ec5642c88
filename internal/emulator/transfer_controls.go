package emulator

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Test controls of the transfer area: tampering with stored content,
// expiring presigned URLs and the customer's space limit.

func (e *Emulator) transferControlRoutes(r chi.Router) {
	r.Post("/files/{file_id}/tamper", e.ctlTamper)
	r.Post("/s3/expire", e.ctlExpirePresigned)
}

// TamperFile flips the bits of the stored byte at offset of file id, as a
// broken or malicious storage would; an encrypted file then fails its GCM
// check on download. Copies sharing the content see the change too.
func (e *Emulator) TamperFile(id, offset int64) error {
	e.mu.Lock()
	n := e.st.nodes[id]
	if n == nil || n.typ != typeFile || n.data == nil {
		e.mu.Unlock()
		return fmt.Errorf("emulator: no file %d", id)
	}
	data := n.data
	e.mu.Unlock()
	if offset < 0 || offset >= data.size {
		return errors.New("emulator: tamper offset outside the file")
	}
	for _, s := range data.segs {
		if offset < s.size {
			return e.store.flip(s.blob, offset)
		}
		offset -= s.size
	}
	return errors.New("emulator: tamper offset outside the file")
}

// SetSpaceLimit sets the customer's space limit in bytes (0: unlimited);
// uploads beyond it fail with 507 -90200.
func (e *Emulator) SetSpaceLimit(bytes int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.customer.spaceLimit = bytes
}

func (e *Emulator) ctlTamper(w http.ResponseWriter, r *http.Request) {
	id, aerr := urlID(r, "file_id")
	var req struct {
		Offset int64 `json:"offset"`
	}
	if aerr == nil {
		aerr = decodeJSON(r, &req, true)
	}
	if aerr != nil {
		controlFail(w, http.StatusBadRequest, "need a file id and a body {\"offset\": n}")
		return
	}
	if err := e.TamperFile(id, req.Offset); err != nil {
		controlFail(w, http.StatusBadRequest, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) ctlExpirePresigned(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]int{"count": e.ExpirePresignedURLs()})
}

// OpenUploadChannels returns how many upload channels are still open or
// being completed (not those done, failed or cancelled), so a test can
// check that a client leaves none behind.
func (e *Emulator) OpenUploadChannels() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ch := range e.xfer.uploads {
		switch ch.state {
		case chanOpen, chanFinishing:
			n++
		}
	}
	return n
}
