package emulator

// Content hashes of files uploaded in several chunks or parts. Every chunk
// and part is hashed once while it is stored (its MD5 is the chunk answer's
// hash and the part's S3 ETag), so a file of one piece has its MD5 at
// completion. The MD5 of a file of several pieces needs one more pass over
// the content; it runs in the background after completion, as a real server
// computes it after accepting the upload, and until it is done the node has
// no hash (the field is optional). Uploads thus run at the speed of storing
// and hashing each byte once.

// hashInBackground computes the MD5 of d and gives it to every file (also
// in recycle bins) whose content d still is and which has no hash yet.
// Callers hold e.mu.
func (e *Emulator) hashInBackground(d *fileData) {
	if e.cfg.NoContentHashes {
		return
	}
	e.hashing.Add(1)
	go func() {
		defer e.hashing.Done()
		sum, err := md5Of(e.store, d)
		if err != nil {
			return // the content is gone (deleted and swept, or a reset)
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		set := func(n *node) {
			if n.data == d && n.hash == "" {
				n.hash = sum
			}
		}
		for _, n := range e.st.nodes {
			set(n)
		}
		for _, del := range e.st.tree.deleted {
			for _, n := range del.subtree {
				set(n)
			}
		}
	}()
}

// WaitContentHashes returns when the content hashes computed in the
// background (files uploaded in several chunks or parts) have been given
// to their files (test control).
func (e *Emulator) WaitContentHashes() { e.hashing.Wait() }
