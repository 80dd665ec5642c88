package dracoon

import (
	"context"
	"iter"
	"net/url"
	"strconv"
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
}

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
// only when the loop reaches it. It stops at the end of the list (the
// total, or an empty page, whichever comes first), when the loop breaks, or
// after yielding an error.
func all[T any](ctx context.Context, opts *ListOptions, fetch pageFetcher[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var o ListOptions
		if opts != nil {
			o = *opts
		}
		for {
			page, err := fetch(ctx, &o)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			o.Offset += int64(len(page.Items))
			if len(page.Items) == 0 || o.Offset >= page.Range.Total {
				return
			}
		}
	}
}
