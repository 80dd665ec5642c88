package main

import (
	"context"
	"io"
	"os"
	"sync"

	"github.com/dracoon-go/dracoon"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// bars shows the progress of a transfer on stderr: one bar per file and,
// for several files, one for the total, each with bytes/s and ETA. They
// are driven by the SDK's progress callbacks, which count bytes on the
// wire. A nil *bars shows nothing; every method accepts it.
type bars struct {
	p     *mpb.Progress
	total *mpb.Bar
	mu    sync.Mutex
	all   []*mpb.Bar
}

// progressOutput returns where bars go: stderr when it is a terminal and
// neither --quiet nor --json asked for results only; nil otherwise. Tests
// set a.barsOut to see the bars without a terminal.
func (a *app) progressOutput() io.Writer {
	if a.quiet || a.jsonOut {
		return nil
	}
	if a.barsOut != nil {
		return a.barsOut
	}
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return f
	}
	return nil
}

// newBars starts the bars of a transfer of files files with totalBytes
// in all (-1: unknown); with several files a total bar comes first. It
// returns nil when progress is off.
func (a *app) newBars(ctx context.Context, files int, totalBytes int64) *bars {
	out := a.progressOutput()
	if out == nil {
		return nil
	}
	b := &bars{p: mpb.NewWithContext(ctx, mpb.WithOutput(out), mpb.WithWidth(40), mpb.WithAutoRefresh())}
	if files > 1 {
		b.total = b.add("total", totalBytes)
	}
	return b
}

// add adds a bar for size bytes (unknown when negative). Beside a total
// bar, a file's bar goes away when the file is done.
func (b *bars) add(name string, size int64) *mpb.Bar {
	opts := []mpb.BarOption{
		mpb.PrependDecorators(decor.Name(shorten(name, 24), decor.WCSyncSpaceR)),
		mpb.AppendDecorators(
			decor.Counters(decor.SizeB1024(0), "% .1f / % .1f", decor.WCSyncSpace),
			decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), "done"),
		),
	}
	if b.total != nil {
		opts = append(opts, mpb.BarRemoveOnComplete())
	}
	bar := b.p.AddBar(max(size, 0), opts...)
	b.mu.Lock()
	b.all = append(b.all, bar)
	b.mu.Unlock()
	return bar
}

// file returns the progress callback of one file, which drives the
// file's bar (shown from its first bytes on) and the total bar; nil when
// progress is off.
func (b *bars) file(name string, size int64) dracoon.ProgressFunc {
	if b == nil {
		return nil
	}
	var bar *mpb.Bar
	var last int64
	return func(done, total int64) {
		if bar == nil {
			bar = b.add(name, size)
		}
		if total >= 0 && total != size {
			size = total
			bar.SetTotal(total, false)
		}
		bar.SetCurrent(done)
		if b.total != nil {
			b.mu.Lock()
			b.total.IncrInt64(done - last)
			b.mu.Unlock()
		}
		last = done
		if total >= 0 && done == total {
			bar.SetTotal(total, true) // completes an empty file's bar too
		}
	}
}

// wait ends the bars; those of files that did not finish (after a
// failure) stop where they were.
func (b *bars) wait() {
	if b == nil {
		return
	}
	if b.total != nil {
		b.total.SetTotal(-1, true)
	}
	b.mu.Lock()
	for _, bar := range b.all {
		if !bar.Completed() {
			bar.Abort(false)
		}
	}
	b.mu.Unlock()
	b.p.Wait()
}

// shorten cuts a name to n runes for the bar's label.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
