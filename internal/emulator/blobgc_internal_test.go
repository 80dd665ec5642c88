package emulator

import (
	"slices"
	"strings"
	"testing"
)

// A purged file's blob goes at the second sweep that finds it
// unreferenced; blobs of live files, deleted files and open channels stay.
func TestSweepBlobs(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		e, err := New(Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		room, err := e.CreateRoom(RoomSpec{Name: "gc"})
		if err != nil {
			t.Fatal(err)
		}
		keep, _ := e.CreateFile(FileSpec{ParentID: room, Name: "keep", Content: []byte("keep")})
		binned, _ := e.CreateFile(FileSpec{ParentID: room, Name: "binned", Content: []byte("binned")})
		purged, _ := e.CreateFile(FileSpec{ParentID: room, Name: "purged", Content: []byte("purged")})
		e.mu.Lock()
		blobOf := func(id int64) string { return e.st.nodes[id].data.segs[0].blob }
		keepBlob, binnedBlob, purgedBlob := blobOf(keep), blobOf(binned), blobOf(purged)
		chanBlob, n, _, _ := e.store.write(strings.NewReader("chunk"), -1)
		e.xfer.uploads["c"] = &uploadChannel{id: "c", state: chanOpen, pieces: []piece{{seg: segment{blob: chanBlob, size: n}}}}
		e.st.recycle(e.st.nodes[binned], 1, e.clock.now())
		e.st.recycle(e.st.nodes[purged], 1, e.clock.now())
		for id, d := range e.st.tree.deleted {
			if d.n.id == purged {
				delete(e.st.tree.deleted, id)
			}
		}
		if n := e.sweepBlobs(); n != 0 {
			t.Errorf("first sweep removed %d blobs", n)
		}
		if n := e.sweepBlobs(); n != 1 {
			t.Errorf("second sweep removed %d blobs, want 1", n)
		}
		ids := e.store.ids()
		e.mu.Unlock()
		if !slices.Contains(ids, keepBlob) || !slices.Contains(ids, binnedBlob) || !slices.Contains(ids, chanBlob) || slices.Contains(ids, purgedBlob) {
			t.Errorf("dir %q: blobs left %v (keep %s, binned %s, purged %s)", dir, ids, keepBlob, binnedBlob, purgedBlob)
		}
		if got, err := e.FileContent(keep); err != nil || string(got) != "keep" {
			t.Errorf("live file after sweeps: %q %v", got, err)
		}
	}
}
