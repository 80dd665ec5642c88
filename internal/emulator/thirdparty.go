package emulator

import (
	"net/http"
	"runtime/debug"
)

// GET /public/software/third_party_dependencies (no login): the
// third-party modules the emulator itself is built with, as
// ThirdPartyDependenciesData. Only the router serves requests; the
// version comes from the build information when the binary has it.

// thirdPartyJSON is ThirdPartyDependenciesData.
type thirdPartyJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	GroupID     string   `json:"groupId"`
	ArtifactID  string   `json:"artifactId"`
	Version     string   `json:"version"`
	Type        string   `json:"type"`
	Licenses    []string `json:"licenses"`
}

// moduleVersion is the version of module path in the build information
// ("unknown" without it).
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "unknown"
}

func (e *Emulator) handleThirdPartyDependencies(w http.ResponseWriter, r *http.Request) {
	const chi = "github.com/go-chi/chi/v5"
	writeJSON(w, http.StatusOK, []thirdPartyJSON{{
		ID: chi, Name: "chi", URL: "https://" + chi, Description: "HTTP router",
		GroupID: "github.com/go-chi", ArtifactID: "chi", Version: moduleVersion(chi), Type: "go-module", Licenses: []string{"MIT"},
	}})
}
