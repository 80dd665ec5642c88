package emulator

import "time"

// Blob garbage collection. Blobs are shared (copies of a file share its
// content) and are dropped in many places (purged recycle bins, deleted
// rooms, overwritten versions), so instead of counting references the
// emulator sweeps: a blob that no file, deleted file or upload channel
// references in two sweeps at least blobSweepInterval apart is removed.
// The second look protects a chunk that is stored but not yet placed in
// its channel; blobs still being written are not listed at all.

// blobSweepInterval is the least time between two sweeps.
const blobSweepInterval = time.Minute

// blobSweeper is the sweep state, kept in transfers.
type blobSweeper struct {
	last     time.Time
	suspects map[string]bool
}

// maybeSweepBlobs sweeps when the interval has passed (wall-clock time:
// the emulator's clock can jump). Callers hold e.mu.
func (e *Emulator) maybeSweepBlobs() {
	if now := time.Now(); now.Sub(e.xfer.gc.last) >= blobSweepInterval {
		e.xfer.gc.last = now
		for _, ch := range e.xfer.uploads {
			e.channelExpired(ch)
		}
		e.sweepBlobs()
	}
}

// sweepBlobs removes the blobs unreferenced now and at the previous sweep.
// Callers hold e.mu.
func (e *Emulator) sweepBlobs() int {
	live := e.liveBlobs()
	next := map[string]bool{}
	removed := 0
	for _, id := range e.store.ids() {
		switch {
		case live[id]:
		case e.xfer.gc.suspects[id]:
			e.store.remove(id)
			removed++
		default:
			next[id] = true
		}
	}
	e.xfer.gc.suspects = next
	return removed
}

// liveBlobs marks every blob referenced by a file, a deleted file or an
// upload channel.
func (e *Emulator) liveBlobs() map[string]bool {
	live := map[string]bool{}
	mark := func(d *fileData) {
		if d != nil {
			for _, s := range d.segs {
				live[s.blob] = true
			}
		}
	}
	for _, n := range e.st.nodes {
		mark(n.data)
	}
	for _, d := range e.st.tree.deleted {
		for _, n := range d.subtree {
			mark(n.data)
		}
	}
	for _, ch := range e.xfer.uploads {
		for _, p := range ch.pieces {
			live[p.seg.blob] = true
		}
		for _, p := range ch.parts {
			live[p.seg.blob] = true
		}
		if ch.pending != nil {
			mark(ch.pending.data)
		}
	}
	return live
}
