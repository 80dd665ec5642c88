package dracoontest

// Options and controls for file transfers (uploads, downloads, file keys).

// WithDataDir keeps file contents in files below dir instead of in memory,
// for tests that move large files; t.TempDir() is a good dir.
func WithDataDir(dir string) Option {
	return func(c *config) { c.emu.DataDir = dir }
}

// WithS3MinPartSize lowers (or raises) the smallest direct-S3 part other
// than the last (default 5 MiB, as S3 requires), so tests can upload
// several parts without megabytes of data.
func WithS3MinPartSize(n int64) Option {
	return func(c *config) { c.emu.S3MinPartSize = n }
}

// WithTrustHostHeader makes absolute URLs (upload, download and presigned
// URLs) follow the request's Host header and X-Forwarded-Proto, as behind
// a proxy. Off by default.
func WithTrustHostHeader(on bool) Option {
	return func(c *config) { c.emu.TrustHostHeader = on }
}

// TamperFile flips the bits of the stored byte at offset of file id: the
// download of an encrypted file then fails its authentication check.
func (s *Server) TamperFile(id, offset int64) error { return s.emu.TamperFile(id, offset) }

// ExpirePresignedURLs makes every presigned S3 part URL issued so far
// expired, so a client has to ask for new ones; it returns their number.
func (s *Server) ExpirePresignedURLs() int { return s.emu.ExpirePresignedURLs() }

// SetSpaceLimit sets the customer's space limit in bytes (0: unlimited);
// uploads beyond it fail with 507.
func (s *Server) SetSpaceLimit(bytes int64) { s.emu.SetSpaceLimit(bytes) }

// WithoutContentHashes skips the MD5 digests of uploaded bytes (chunk
// answers and ETags carry random tags, multi-part files no hash), for
// throughput measurements of the transport alone.
func WithoutContentHashes() Option {
	return func(c *config) { c.emu.NoContentHashes = true }
}

// OpenUploadChannels returns how many upload channels are open or being
// completed: zero once every upload has finished, failed or been
// cancelled, so a test can check that a client leaves none behind.
func (s *Server) OpenUploadChannels() int { return s.emu.OpenUploadChannels() }
