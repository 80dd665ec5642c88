package dracoon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeCall is what a handler registered with fakeAPI.handle expects and answers.
type fakeCall struct {
	query  string // expected query (compared parsed; "" = none)
	body   string // expected JSON body (compared parsed; "" = none)
	status int    // answer status; default 200, or 204 without answer
	answer string // JSON answer body ("" = none)
}

// handle registers pattern ("METHOD /path") to check the request against
// fc and answer with it. It returns a counter of the requests served.
func (f *fakeAPI) handle(pattern string, fc fakeCall) *atomic.Int32 {
	h, n := f.handler(pattern, fc)
	f.mux.Handle(pattern, h)
	return n
}

// handler returns the handler that handle registers, and its counter, for
// tests that wrap it.
func (f *fakeAPI) handler(pattern string, fc fakeCall) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		want, err := url.ParseQuery(fc.query)
		if err != nil {
			f.t.Fatalf("bad query in test: %v", err)
		}
		if got := r.URL.Query(); !reflect.DeepEqual(got, want) {
			f.t.Errorf("%s: query %v, want %v", pattern, got, want)
		}
		body, _ := io.ReadAll(r.Body)
		checkJSONBody(f.t, pattern, body, fc.body)
		if fc.body != "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			f.t.Errorf("%s: Content-Type %q", pattern, r.Header.Get("Content-Type"))
		}
		status := fc.status
		if fc.answer == "" {
			if status == 0 {
				status = http.StatusNoContent
			}
			w.WriteHeader(status)
			return
		}
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, fc.answer)
	}, &n
}

// checkJSONBody compares a request body with the expected JSON text.
func checkJSONBody(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if want == "" {
		if len(got) != 0 {
			t.Errorf("%s: unexpected body %s", what, got)
		}
		return
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: body %q is not JSON: %v", what, got, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad JSON in test: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: body\n got %s\nwant %s", what, got, want)
	}
}

// opCase is one SDK method against one fake endpoint.
type opCase struct {
	name    string
	pattern string
	call    fakeCall
	// run calls the method and checks what it returned.
	run func(t *testing.T, c *Client) error
}

// runOpCases runs each case against a fresh fakeAPI and checks that
// the method reached its endpoint exactly once.
func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			hits := f.handle(tc.pattern, tc.call)
			if err := tc.run(t, f.client); err != nil {
				t.Fatal(err)
			}
			if hits.Load() != 1 || f.requests.Load() != 1 {
				t.Errorf("%d requests to %s, %d in all; want 1", hits.Load(), tc.pattern, f.requests.Load())
			}
		})
	}
}

// expect turns a failed expectation into an error naming it.
func expect(ok bool, format string, args ...any) error {
	if !ok {
		return fmt.Errorf("unexpected result: "+format, args...)
	}
	return nil
}

// servePaged answers pattern with n items, made by item(id) for ids 1…n,
// paged by the offset and limit of the request, and records each offset.
// Extra query parameters must equal extra.
func (f *fakeAPI) servePaged(pattern string, n int, extra url.Values, item func(id int) string) func() []int {
	var mu sync.Mutex
	var offsets []int
	f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		q.Del("offset")
		q.Del("limit")
		if extra == nil {
			extra = url.Values{}
		}
		if !reflect.DeepEqual(q, extra) {
			f.t.Errorf("%s: query %v, want %v besides offset and limit", pattern, q, extra)
		}
		mu.Lock()
		offsets = append(offsets, offset)
		mu.Unlock()
		if limit <= 0 {
			limit = MaxPageSize
		}
		var items []string
		for id := offset + 1; id <= min(offset+limit, n); id++ {
			items = append(items, item(id))
		}
		writeRaw(w, fmt.Sprintf(`{"range":{"offset":%d,"limit":%d,"total":%d},"items":[%s]}`, offset, limit, n, strings.Join(items, ",")))
	})
	return func() []int {
		mu.Lock()
		defer mu.Unlock()
		return append([]int(nil), offsets...)
	}
}

// writeRaw answers 200 with a JSON text.
func writeRaw(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_, _ = io.WriteString(w, body)
}

// collectIDs runs an iterator to the end and returns the id of each item.
func collectIDs[T any](seq iter.Seq2[T, error], id func(T) int64) ([]int64, error) {
	var ids []int64
	for v, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, id(v))
	}
	return ids, nil
}

// pagedCase is one All iterator over a paged fake endpoint.
type pagedCase struct {
	name    string
	pattern string
	extra   url.Values // query parameters besides offset and limit
	item    string     // JSON of one item; %[1]d is its id
	iterate func(ctx context.Context, c *Client) ([]int64, error)
}

// runPagedCases checks that each iterator yields all 5 items of its list,
// in order, fetching pages of 2 at offsets 0, 2 and 4.
func runPagedCases(t *testing.T, cases []pagedCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			offsets := f.servePaged(tc.pattern, 5, tc.extra, func(id int) string { return fmt.Sprintf(tc.item, id) })
			ids, err := tc.iterate(context.Background(), f.client)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids, []int64{1, 2, 3, 4, 5}) {
				t.Errorf("ids %v", ids)
			}
			if got := offsets(); !reflect.DeepEqual(got, []int{0, 2, 4}) {
				t.Errorf("offsets %v, want [0 2 4]", got)
			}
		})
	}
}

// invalidCase is a call that must be refused before anything is sent.
type invalidCase struct {
	name  string
	field string // the InvalidRequestError's Field
	call  func(ctx context.Context, c *Client) error
}

// runInvalidCases checks that each call fails with ErrInvalidRequest for
// the expected field and sends nothing.
func runInvalidCases(t *testing.T, cases []invalidCase) {
	t.Helper()
	f := newFakeAPI(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.requests.Load()
			err := tc.call(context.Background(), f.client)
			var ie *InvalidRequestError
			if !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &ie) {
				t.Fatalf("got %v, want ErrInvalidRequest", err)
			}
			if ie.Field != tc.field {
				t.Errorf("field %q, want %q (%v)", ie.Field, tc.field, err)
			}
			if n := f.requests.Load() - before; n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}
