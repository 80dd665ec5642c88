package emulator

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// routes assembles the handler: test controls first (never subject to
// faults), then request logging, fault injection and the chi router with
// OAuth and /api/v4.
func (e *Emulator) routes() http.Handler {
	r := chi.NewRouter()
	r.NotFound(e.notFound)
	r.MethodNotAllowed(e.methodNotAllowed)

	// OAuth authorization server (host root, not under /api).
	r.Post("/oauth/token", e.handleToken)
	r.Get("/oauth/authorize", e.handleAuthorizeForm)
	r.Post("/oauth/authorize", e.handleAuthorizeLogin)
	r.Get("/oauth/callback", e.handleCallback)
	r.Post("/oauth/revoke", e.handleRevoke)

	// The object store that presigned S3 part URLs point at (s3.go).
	r.Put("/s3/{bucket}/{key}", e.handleS3PutPart)

	r.Route("/api/v4", func(r chi.Router) {
		// Unauthenticated.
		r.Get("/auth/ping", produces(mediaText, e.handleAuthPing))
		r.Get("/public/system/info", produces(mediaJSON, e.handleSystemInfo))
		r.Get("/public/system/info/auth/ad", produces(mediaJSON, e.handleADInfo))
		r.Get("/public/system/info/auth/openid", produces(mediaJSON, e.handleOpenIDInfo))
		e.provisioningRoutes(r) // own authentication: X-Sds-Service-Token
		r.Get("/public/software/version", produces(mediaJSON, e.handleSoftwareVersion))
		r.Get("/public/software/third_party_dependencies", produces(mediaJSON, e.handleThirdPartyDependencies))
		r.Get("/public/time", produces(mediaJSON, e.handleTime))
		e.transferPublicRoutes(r)
		e.publicShareRoutes(r)
		e.selfServicePublicRoutes(r)

		// Authenticated.
		r.Group(func(r chi.Router) {
			r.Use(e.requireAuth)
			e.systemAdminRoutes(r)
			e.accountRoutes(r)
			e.configRoutes(r)
			e.nodeRoutes(r)
			e.adminRoutes(r)
			e.transferRoutes(r)
			e.shareRoutes(r)
			e.selfServiceRoutes(r)
		})
	})

	// Reporting and branding services (own authentication groups).
	e.reportRoutes(r)
	e.brandingRoutes(r)

	e.router = r
	api := http.Handler(r)
	control := e.controlRoutes()
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodHead {
			// HEAD is served by the GET handler (net/http drops the body);
			// isHead tells handlers that care.
			req = req.Clone(context.WithValue(req.Context(), ctxHeadRequest, true))
			req.Method = http.MethodGet
		}
		if req.URL.Path == controlPrefix || strings.HasPrefix(req.URL.Path, controlPrefix+"/") {
			control.ServeHTTP(w, req)
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			// Path only (queries can carry codes and tokens), with its secret
			// segments hidden.
			e.log.Debug("request", "method", req.Method, "path", logPath(req.URL.Path), "status", sw.status, "duration", time.Since(start))
		}()
		if e.applyFault(sw, req) {
			return
		}
		if p := req.URL.Path; len(p) > len("/api/") && strings.HasPrefix(p, "/api/") && strings.HasSuffix(p, "/") {
			// DRACOON (Spring) ignores a trailing slash; the Python client
			// asks for /users/?offset=…, /nodes/{id}/comments/?… and the like.
			req = req.Clone(req.Context())
			req.URL.Path = strings.TrimRight(p, "/")
			req.URL.RawPath = ""
		}
		api.ServeHTTP(sw, req)
	})
}

// notFound answers unknown routes in DRACOON shape.
func (e *Emulator) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, newAPIError(http.StatusNotFound, 0, "No handler found for "+r.Method+" "+r.URL.Path))
}

// methodNotAllowed answers a known route with the wrong method, naming
// the methods the route has in an Allow header (RFC 9110 §15.5.6).
// A method chi does not know reaches here for any path: where no method
// is allowed the path does not exist, and the answer is 404.
func (e *Emulator) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allow := allowedMethods(e.router, r.URL.Path)
	if allow == "" {
		e.notFound(w, r)
		return
	}
	w.Header().Set("Allow", allow)
	writeError(w, newAPIError(http.StatusMethodNotAllowed, 0, "Request method '"+r.Method+"' is not supported"))
}

// probedMethods are the methods allowedMethods tries, in Allow order.
var probedMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// allowedMethods lists the methods routes has for path, comma-separated.
// HEAD is allowed wherever GET is (the emulator serves HEAD with the GET
// handler).
func allowedMethods(routes chi.Routes, path string) string {
	var allowed []string
	hasGet := false
	for _, m := range probedMethods {
		ok := routes.Match(chi.NewRouteContext(), m, path)
		if m == http.MethodGet {
			hasGet = ok
		}
		if ok || (m == http.MethodHead && hasGet) {
			allowed = append(allowed, m)
		}
	}
	return strings.Join(allowed, ", ")
}

// statusWriter records the status for the request log and passes
// Hijack and Flush through.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer
// (Hijack, Flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
