package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// BenchmarkTransferPlain moves plain data through the emulator on
// loopback, blobs on disk (--data-dir), without the contract validator
// (which buffers every body): a classic upload in 32 MiB chunks, a direct
// S3 upload with 4 parts in flight, and a download; with the MD5 digests
// (the default) and without (NoContentHashes). The size is 256 MiB, or
// $DRACOON_BENCH_SIZE_MIB. MB/s is the throughput; B/op shows that
// neither side buffers the file.
//
//	go test -run '^$' -bench TransferPlain -benchtime 3x ./internal/emulator
func BenchmarkTransferPlain(b *testing.B) {
	b.Run("md5", func(b *testing.B) { benchTransfer(b) })
	b.Run("no-hashes", func(b *testing.B) { benchTransfer(b, dracoontest.WithoutContentHashes()) })
}

func benchTransfer(b *testing.B, opts ...dracoontest.Option) {
	size := int64(256 << 20)
	if s := os.Getenv("DRACOON_BENCH_SIZE_MIB"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			b.Fatalf("DRACOON_BENCH_SIZE_MIB=%q", s)
		}
		size = n << 20
	}
	const part = 32 << 20
	srv := dracoontest.NewServer(b, append(opts, dracoontest.WithDataDir(b.TempDir()))...)
	c := &benchClient{srv: srv, hc: srv.Client()}
	c.token = c.login(b)
	room, err := srv.CreateRoom("bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	var last int64
	b.Run("classic-upload", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			last = c.classic(b, room, fmt.Sprintf("c%d.bin", i), size, part)
		}
	})
	b.Run("s3-upload", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c.s3(b, room, fmt.Sprintf("s%d.bin", i), size, part, 4)
		}
	})
	b.Run("download", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			c.download(b, last, size)
		}
	})
}

// patternReader yields n bytes of a fixed pattern without allocating.
type patternReader struct{ n int64 }

var pattern = bytes.Repeat([]byte("dracoon-emulator-benchmark-data!"), 1<<15) // 1 MiB

func (r *patternReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	k := 0
	for k < len(p) {
		k += copy(p[k:], pattern)
	}
	r.n -= int64(k)
	return k, nil
}

type benchClient struct {
	srv   *dracoontest.Server
	hc    *http.Client
	token string
}

func (c *benchClient) do(b testing.TB, method, url string, body io.Reader, n int64, hdr map[string]string, into any) *http.Response {
	b.Helper()
	resp, err := c.try(method, url, body, n, hdr, into)
	if err != nil {
		b.Fatal(err)
	}
	return resp
}

// try sends one request; it is safe in goroutines (no testing calls).
func (c *benchClient) try(method, url string, body io.Reader, n int64, hdr map[string]string, into any) (*http.Response, error) {
	if !strings.HasPrefix(url, "http") {
		url = c.srv.URL + "/api/v4" + url
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.ContentLength = n
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		msg, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, msg)
	}
	if into != nil {
		err = json.NewDecoder(resp.Body).Decode(into)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return resp, err
}

func (c *benchClient) login(b testing.TB) string {
	req, _ := http.NewRequest("POST", c.srv.URL+"/oauth/token", strings.NewReader("grant_type=password&username="+c.srv.AdminLogin+"&password="+c.srv.AdminPassword))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.srv.ClientID, c.srv.ClientSecret)
	resp, err := c.hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tk tokens
	if err := json.NewDecoder(resp.Body).Decode(&tk); err != nil {
		b.Fatal(err)
	}
	return tk.Access
}

func (c *benchClient) open(b testing.TB, room int64, name string, size int64, s3 bool) channel {
	var ch channel
	body := fmt.Sprintf(`{"parentId":%d,"name":%q,"size":%d,"directS3Upload":%v}`, room, name, size, s3)
	c.do(b, "POST", "/nodes/files/uploads", strings.NewReader(body), int64(len(body)), map[string]string{"Content-Type": "application/json"}, &ch)
	return ch
}

func (c *benchClient) classic(b testing.TB, room int64, name string, size, part int64) int64 {
	ch := c.open(b, room, name, size, false)
	for off := int64(0); off < size; off += part {
		n := min(part, size-off)
		c.do(b, "POST", ch.UploadURL, &patternReader{n: n}, n, map[string]string{
			"Content-Type":  "application/octet-stream",
			"Content-Range": fmt.Sprintf("bytes %d-%d/%d", off, off+n-1, size),
		}, nil)
	}
	var node struct{ ID int64 }
	c.do(b, "PUT", ch.UploadURL, strings.NewReader("{}"), 2, map[string]string{"Content-Type": "application/json"}, &node)
	return node.ID
}

func (c *benchClient) s3(b testing.TB, room int64, name string, size, part int64, inFlight int) {
	ch := c.open(b, room, name, size, true)
	parts := int((size + part - 1) / part)
	etags := make([]string, parts)
	var urls struct {
		URLs []struct{ URL string } `json:"urls"`
	}
	body := fmt.Sprintf(`{"firstPartNumber":1,"lastPartNumber":%d,"size":%d}`, parts, part)
	c.do(b, "POST", "/nodes/files/uploads/"+ch.UploadID+"/s3_urls", strings.NewReader(body), int64(len(body)), map[string]string{"Content-Type": "application/json"}, &urls)
	if last := size - int64(parts-1)*part; last != part {
		var lastURL struct {
			URLs []struct{ URL string } `json:"urls"`
		}
		body := fmt.Sprintf(`{"firstPartNumber":%d,"lastPartNumber":%d,"size":%d}`, parts, parts, last)
		c.do(b, "POST", "/nodes/files/uploads/"+ch.UploadID+"/s3_urls", strings.NewReader(body), int64(len(body)), map[string]string{"Content-Type": "application/json"}, &lastURL)
		urls.URLs[parts-1] = lastURL.URLs[0]
	}
	sem := make(chan struct{}, inFlight)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		n := min(part, size-int64(i)*part)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			resp, err := c.try("PUT", urls.URLs[i].URL, &patternReader{n: n}, n, nil, nil)
			if errs[i] = err; err == nil {
				etags[i] = resp.Header.Get("ETag")
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	var list []string
	for i, e := range etags {
		list = append(list, fmt.Sprintf(`{"partNumber":%d,"partEtag":%s}`, i+1, e))
	}
	body = `{"parts":[` + strings.Join(list, ",") + `]}`
	c.do(b, "PUT", "/nodes/files/uploads/"+ch.UploadID+"/s3", strings.NewReader(body), int64(len(body)), map[string]string{"Content-Type": "application/json"}, nil)
	for {
		var st struct{ Status string }
		c.do(b, "GET", "/nodes/files/uploads/"+ch.UploadID, nil, 0, nil, &st)
		if st.Status == "done" {
			return
		}
		if st.Status == "error" {
			b.Fatal("S3 upload failed")
		}
		time.Sleep(time.Millisecond)
	}
}

func (c *benchClient) download(b testing.TB, id, size int64) {
	var tok struct{ DownloadURL string }
	c.do(b, "POST", fmt.Sprintf("/nodes/files/%d/downloads", id), nil, 0, nil, &tok)
	resp := c.do(b, "GET", tok.DownloadURL, nil, 0, nil, nil)
	if resp.ContentLength != size {
		b.Fatalf("download of %d bytes", resp.ContentLength)
	}
}

// TestStreamingKeepsMemoryBounded moves 64 MiB up (classic and S3) and
// down through an emulator with its blobs on disk and checks that the
// whole process allocated far less than that: no side buffers a file. It
// is not parallel, so other tests' allocations do not count.
func TestStreamingKeepsMemoryBounded(t *testing.T) {
	const size, part = 64 << 20, 16 << 20
	srv := dracoontest.NewServer(t, dracoontest.WithDataDir(t.TempDir()))
	c := &benchClient{srv: srv, hc: srv.Client()}
	c.token = c.login(t)
	room, err := srv.CreateRoom("memory", nil)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	id := c.classic(t, room, "c.bin", size, part)
	c.s3(t, room, "s.bin", size, part, 2)
	c.download(t, id, size)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/4 {
		t.Errorf("moving 3 × %d MiB allocated %d MiB", size>>20, alloc>>20)
	}
}
