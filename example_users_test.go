package dracoon_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/crypto"
)

// encryptionPassword opens the key pair the stand-in below starts with
// (one of the crypto package's test key pairs, made with few PBKDF2
// iterations so that the example runs fast).
const encryptionPassword = "Fixture-A-äÖ€🐛"

// offlineDRACOON starts a tiny stand-in for a DRACOON instance so that the
// examples below run without a network: it logs anybody in, creates
// users, holds one key pair and knows one room where user 2 is the last
// admin. Against a real instance, pass its URL to dracoon.New instead.
func offlineDRACOON() *httptest.Server {
	var mu sync.Mutex
	var fixture struct {
		UserKeyPair json.RawMessage `json:"userKeyPair"`
	}
	if b, err := os.ReadFile("crypto/testdata/keypair_A.json"); err != nil || json.Unmarshal(b, &fixture) != nil {
		log.Fatal("example key pair missing")
	}
	keyPair := fixture.UserKeyPair
	nextUserID := int64(2)
	answer := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		answer(w, 200, map[string]any{"access_token": "a", "refresh_token": "r", "token_type": "bearer", "expires_in": 3600})
	})
	mux.HandleFunc("POST /api/v4/users", func(w http.ResponseWriter, r *http.Request) {
		var u map[string]any
		_ = json.NewDecoder(r.Body).Decode(&u)
		mu.Lock()
		u["id"] = nextUserID
		nextUserID++
		mu.Unlock()
		answer(w, http.StatusCreated, u)
	})
	mux.HandleFunc("GET /api/v4/users/2/last_admin_rooms", func(w http.ResponseWriter, r *http.Request) {
		answer(w, 200, map[string]any{"items": []map[string]any{{"id": 10, "name": "Finance", "parentPath": "/", "lastAdminInGroup": false}}})
	})
	mux.HandleFunc("/api/v4/user/account/keypair", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case http.MethodPost:
			_ = json.NewDecoder(r.Body).Decode(&keyPair)
			w.WriteHeader(http.StatusNoContent)
		case http.MethodGet:
			answer(w, 200, keyPair)
		}
	})
	return httptest.NewServer(mux)
}

// connectedClient returns a client logged in to srv.
func connectedClient(srv *httptest.Server) *dracoon.Client {
	client, err := dracoon.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Connect(context.Background(), dracoon.PasswordFlow("admin", "password")); err != nil {
		log.Fatal(err)
	}
	return client
}

// Create a local user. The request is checked before it is sent.
func ExampleUsersService_Create() {
	srv := offlineDRACOON()
	defer srv.Close()
	client := connectedClient(srv)

	req := dracoon.NewLocalUser("Ada", "Lovelace", "ada@example.com")
	req.ReceiverLanguage = "en-GB"
	user, err := client.Users.Create(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.ID, user.UserName, user.AuthData.Method)
	// Output: 2 ada@example.com basic
}

// Bad input is refused before anything is sent, with an error that names
// the field.
func ExampleCreateUserRequest_Validate() {
	req := dracoon.NewLocalUser("Ada", "", "ada@example.com")
	err := req.Validate()
	var ie *dracoon.InvalidRequestError
	fmt.Println(errors.Is(err, dracoon.ErrInvalidRequest), errors.As(err, &ie) && ie.Field == "lastName")
	fmt.Println(err)
	// Output:
	// true true
	// dracoon: invalid request: lastName: must not be empty
}

// List the rooms that keep a user from being deleted.
func ExampleUsersService_LastAdminRooms() {
	srv := offlineDRACOON()
	defer srv.Close()
	client := connectedClient(srv)

	rooms, err := client.Users.LastAdminRooms(context.Background(), 2)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rooms {
		fmt.Printf("%s%s (id %d)\n", r.ParentPath, r.Name, r.ID)
	}
	// Output: /Finance (id 10)
}

// Set a new key pair: it is generated here (RSA-4096 by default), its
// private key encrypted with the encryption password, which never leaves
// this machine.
func ExampleAccountService_GenerateKeyPair() {
	srv := offlineDRACOON()
	defer srv.Close()
	client := connectedClient(srv)

	kp, err := client.Account.GenerateKeyPair(context.Background(), "my encryption password", "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(kp.PublicKeyContainer.Version)
}

// Unlock the own key pair once; the client keeps it for later transfers.
// A wrong password is its own error.
func ExampleAccountService_UnlockKeyPair() {
	srv := offlineDRACOON()
	defer srv.Close()
	client := connectedClient(srv)
	ctx := context.Background()

	_, err := client.Account.UnlockKeyPair(ctx, "a wrong password")
	fmt.Println(errors.Is(err, dracoon.ErrWrongEncryptionPassword))

	kp, err := client.Account.UnlockKeyPair(ctx, encryptionPassword)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(kp.Version(), client.Account.UnlockedKeyPair(crypto.KeyPairRSA2048) == kp)
	// Output:
	// true
	// A true
}
