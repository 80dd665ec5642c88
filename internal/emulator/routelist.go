package emulator

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// Routes lists the operations the emulator serves on its router (OAuth
// and /api/v4; not the test controls) as "METHOD /pattern" strings in chi
// syntax, for example "GET /api/v4/nodes/{id}", sorted. The list is read
// from the router itself, so it is complete whatever registers the routes.
func (e *Emulator) Routes() ([]string, error) {
	var out []string
	err := chi.Walk(e.router, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+pattern)
		return nil
	})
	slices.Sort(out)
	return slices.Compact(out), err
}
