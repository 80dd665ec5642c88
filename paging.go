package dracoon

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"sync"
)

// MaxPageSize is the largest page DRACOON returns; larger limits are
// clamped by the server.
const MaxPageSize = 500

// Range describes where a page lies in a list: the offset of its first
// item, the limit asked for (0 in some responses means "not limited by the
// request") and the total number of items in the whole list.
type Range struct {
	Offset int64 `json:"offset"`
	Limit  int64 `json:"limit"`
	Total  int64 `json:"total"`
}

// Page is one page of a paged list.
type Page[T any] struct {
	Range Range `json:"range"`
	Items []T   `json:"items"`
}

// ListOptions select a page and filter and sort the list. The zero value
// asks for the first page in the server's default size and order.
//
// Filter uses DRACOON's syntax FIELD:OPERATOR:VALUE[:VALUE…], several
// conditions joined with "|" (all must hold), for example
// "type:eq:room|name:cn:project". Sort is FIELD:asc or FIELD:desc; some
// lists accept several fields joined with "|".
type ListOptions struct {
	// Offset is the index of the first item to return.
	Offset int64
	// Limit is the page size; 0 means the server's default (500).
	Limit int64
	// Filter and Sort are passed to the server unchanged.
	Filter string
	Sort   string
	// ReadAhead is used by the All iterators only: once the first page
	// gives the total, up to ReadAhead of the following pages (at most
	// MaxReadAhead) are fetched concurrently while the loop works through
	// earlier ones. Items still come in order, and requests in flight
	// never exceed the client's concurrency limit. 0 fetches each page
	// only when the loop reaches it.
	ReadAhead int
}

// MaxReadAhead caps ListOptions.ReadAhead.
const MaxReadAhead = 8

// values adds the options to a query.
func (o *ListOptions) values(q url.Values) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if o == nil {
		return q
	}
	if o.Offset > 0 {
		q.Set("offset", strconv.FormatInt(o.Offset, 10))
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.FormatInt(o.Limit, 10))
	}
	if o.Filter != "" {
		q.Set("filter", o.Filter)
	}
	if o.Sort != "" {
		q.Set("sort", o.Sort)
	}
	return q
}

// pageFetcher fetches the page that opts selects.
type pageFetcher[T any] func(ctx context.Context, opts *ListOptions) (*Page[T], error)

// all iterates over every item from opts.Offset on, fetching each page
// only when the loop reaches it (or, with opts.ReadAhead, a few pages
// ahead). It stops at the end of the list (the total, or an empty page,
// whichever comes first), when the loop breaks, or after yielding an
// error.
func all[T any](ctx context.Context, opts *ListOptions, fetch pageFetcher[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var o ListOptions
		if opts != nil {
			o = *opts
		}
		if o.ReadAhead > 0 {
			readAhead(ctx, o, fetch, yield)
			return
		}
		sequential(ctx, o, fetch, yield)
	}
}

// sequential yields the pages from o.Offset on, one request at a time.
func sequential[T any](ctx context.Context, o ListOptions, fetch pageFetcher[T], yield func(T, error) bool) {
	for {
		page, err := fetch(ctx, &o)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		if !yieldItems(page.Items, yield) {
			return
		}
		o.Offset += int64(len(page.Items))
		if len(page.Items) == 0 || o.Offset >= page.Range.Total {
			return
		}
	}
}

// yieldItems yields items in order and reports whether the loop wants more.
func yieldItems[T any](items []T, yield func(T, error) bool) bool {
	for _, item := range items {
		if !yield(item, nil) {
			return false
		}
	}
	return true
}

// pageResult is the outcome of one page fetched ahead.
type pageResult[T any] struct {
	page *Page[T]
	err  error
}

// readAhead yields the first page, then fetches the pages the total
// promises up to o.ReadAhead at a time, yielding them in order. A short or
// failed page ends the read-ahead; what follows a short page is fetched
// one page at a time, as sequential does. Fetches still running when it
// returns are cancelled and waited for, so no goroutine outlives the loop.
func readAhead[T any](ctx context.Context, o ListOptions, fetch pageFetcher[T], yield func(T, error) bool) {
	first, err := fetch(ctx, &o)
	if err != nil {
		var zero T
		yield(zero, err)
		return
	}
	if !yieldItems(first.Items, yield) {
		return
	}
	size := int64(len(first.Items))
	next := o.Offset + size
	if size == 0 || next >= first.Range.Total {
		return
	}

	aheadCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	var queue []chan pageResult[T] // in offset order
	planned := next                // offset of the next page to start
	latest := first.Range.Total    // the total as the last page saw it
	start := func() {
		po := o
		po.Offset, po.Limit = planned, size
		planned += size
		ch := make(chan pageResult[T], 1) // buffered: the fetch never blocks on a loop that stopped
		queue = append(queue, ch)
		wg.Go(func() {
			p, err := fetch(aheadCtx, &po)
			ch <- pageResult[T]{p, err}
		})
	}
	window := min(o.ReadAhead, MaxReadAhead)
	for len(queue) > 0 || planned < first.Range.Total {
		for len(queue) < window && planned < first.Range.Total {
			start()
		}
		r := <-queue[0]
		queue = queue[1:]
		if r.err != nil {
			var zero T
			yield(zero, r.err)
			return
		}
		if !yieldItems(r.page.Items, yield) {
			return
		}
		next += int64(len(r.page.Items))
		latest = r.page.Range.Total
		if len(r.page.Items) == 0 {
			return // an empty page ends the list, as in sequential
		}
		if int64(len(r.page.Items)) < size {
			break // the list shrank: the planned offsets no longer fit
		}
	}
	cancel()
	wg.Wait()
	// The list may have grown or shrunk meanwhile: go on one page at a
	// time from where the items end.
	if next < latest {
		o.Offset = next
		sequential(ctx, o, fetch, yield)
	}
}
