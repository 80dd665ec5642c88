package dracoontest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// start is Start for the examples; a test calls NewServer(t) instead.
func start() *dracoontest.Server {
	srv, err := dracoontest.Start()
	if err != nil {
		panic(err)
	}
	return srv
}

func token(srv *dracoontest.Server) string {
	resp, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"password"}, "username": {srv.AdminLogin}, "password": {srv.AdminPassword},
		"client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret},
	})
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	return tok.AccessToken
}

// A test starts a server, logs in with the seeded admin and calls the API.
func ExampleNewServer() {
	srv := start() // in a test: dracoontest.NewServer(t)
	defer srv.Close()

	if _, err := srv.CreateRoom("Projects", nil); err != nil {
		panic(err)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v4/nodes?parent_id=0", nil)
	req.Header.Set("Authorization", "Bearer "+token(srv))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []struct {
			Name       string `json:"name"`
			ParentPath string `json:"parentPath"`
		} `json:"items"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&list)
	fmt.Println(resp.StatusCode, list.Items[0].ParentPath+list.Items[0].Name)
	// Output: 200 /Projects
}

// Injected faults let a test check a client's retry logic: here the next
// two calls of an endpoint are rate-limited.
func ExampleServer_InjectFault() {
	srv := start()
	defer srv.Close()

	_ = srv.InjectFault(dracoontest.Fault{Method: "GET", Path: `^/api/v4/public/time$`, Count: 2, Status: 429, RetryAfter: 3 * time.Second})
	for range 3 {
		resp, err := http.Get(srv.URL + "/api/v4/public/time")
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode, strings.TrimSpace(resp.Header.Get("Retry-After")))
	}
	// Output:
	// 429 3
	// 429 3
	// 200
}

// Multi-user scenarios: seed a user manager and a group, then log in as
// the new user with its generated password.
func ExampleServer_CreateUser() {
	srv := start()
	defer srv.Close()

	id, password, err := srv.CreateUser("jane", &dracoontest.UserOptions{Roles: []int{dracoontest.RoleUserManager}})
	if err != nil {
		panic(err)
	}
	if _, err := srv.CreateGroup("Editors", []int64{id}); err != nil {
		panic(err)
	}
	resp, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"password"}, "username": {"jane"}, "password": {password},
		"client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret},
	})
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output: 200
}
