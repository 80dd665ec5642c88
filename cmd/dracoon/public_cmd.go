package main

import (
	"context"
)

// uploadToShare uploads to a public upload share link. The SDK's public
// share transfers are not in this build yet.
func (a *app) uploadToShare(_ context.Context, _ string, _ target, _ uploadOptions) error {
	return usagef("uploads to public upload share links are not supported yet")
}

// downloadShare downloads from a public download share link. The SDK's
// public share transfers are not in this build yet.
func (a *app) downloadShare(_ context.Context, _ target, _, _ string, _ downloadOptions) error {
	return usagef("downloads from public download share links are not supported yet")
}
