package dracoon

import (
	"context"
)

// PublicLicenseInfo is the license state anyone may read.
type PublicLicenseInfo struct {
	// State is valid, exceeding, expiring, expired, exceeded or invalid.
	State string `json:"state"`
}

// ThirdPartyDependency is a library the server software uses, with its
// licenses.
type ThirdPartyDependency struct {
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

// License returns the license state; it needs no login
// (GET /api/v4/public/system/info/license).
func (s *PublicService) License(ctx context.Context) (*PublicLicenseInfo, error) {
	return publicGet[PublicLicenseInfo](ctx, s, "/system/info/license")
}

// ThirdPartyDependencies lists the libraries the server uses; it needs no
// login (GET /api/v4/public/software/third_party_dependencies).
func (s *PublicService) ThirdPartyDependencies(ctx context.Context) ([]ThirdPartyDependency, error) {
	l, err := publicGet[[]ThirdPartyDependency](ctx, s, "/software/third_party_dependencies")
	if err != nil {
		return nil, err
	}
	return *l, nil
}
