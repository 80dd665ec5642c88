package emulator_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// expect unmarshals a response body into v, failing on a status other
// than want.
func expect(t *testing.T, r response, want int, v any) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

type logEvent struct {
	ID               int64  `json:"id"`
	UserID           int64  `json:"userId"`
	OperationID      int    `json:"operationId"`
	OperationName    string `json:"operationName"`
	Status           int    `json:"status"`
	ObjectID1        int64  `json:"objectId1"`
	ObjectName1      string `json:"objectName1"`
	AuthParentSource string `json:"authParentSource"`
	Time             string `json:"time"`
}

type eventList struct {
	Range struct{ Total int } `json:"range"`
	Items []logEvent          `json:"items"`
}

// operationID looks an operation up by name in GET /eventlog/operations.
func operationID(t *testing.T, srv *dracoontest.Server, token, name string) int {
	t.Helper()
	var ops struct {
		OperationList []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"operationList"`
	}
	expect(t, api(t, srv, token, "GET", "/eventlog/operations", ""), 200, &ops)
	for _, o := range ops.OperationList {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no operation %q in %+v", name, ops)
	return 0
}

const userBody = `{"firstName":"Eve","lastName":"Log","userName":"%s","authData":{"method":"basic","password":"%s","mustChangePassword":true}}`

func createUser(t *testing.T, srv *dracoontest.Server, token, login, password string) response {
	t.Helper()
	return api(t, srv, token, "POST", "/users", fmt.Sprintf(userBody, login, password))
}

// receiver is a TLS webhook endpoint that records deliveries and answers
// with status.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []delivered
	status int
	notify chan struct{}
}

type delivered struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, status int) *receiver {
	rc := &receiver{status: status, notify: make(chan struct{}, 16)}
	rc.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, delivered{r.Header.Clone(), b})
		rc.mu.Unlock()
		w.WriteHeader(rc.status)
		rc.notify <- struct{}{}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) deliveries() []delivered {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivered(nil), rc.got...)
}

// await waits for the next delivery; the deadline only guards against a
// hang.
func (rc *receiver) await(t *testing.T) {
	t.Helper()
	select {
	case <-rc.notify:
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook delivery arrived")
	}
}
