package crypto_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/dracoon-go/dracoon/crypto"
)

// storedKeyPair stands in for GET /user/account/keypair: a key pair
// container as the server returns it, and its encryption password. (The
// fixture uses a low PBKDF2 iteration count so the examples run fast.)
func storedKeyPair() (*crypto.UserKeyPairContainer, string) {
	b, err := os.ReadFile("testdata/keypair_A.json")
	if err != nil {
		log.Fatal(err)
	}
	var f struct {
		Password    string                      `json:"password"`
		UserKeyPair crypto.UserKeyPairContainer `json:"userKeyPair"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		log.Fatal(err)
	}
	return &f.UserKeyPair, f.Password
}

// Create a key pair for a user: the result is what POST
// /user/account/keypair expects. Prefer KeyPairRSA4096 unless the server
// only offers "A"; it takes about a second longer to generate.
func ExampleGenerateUserKeyPair() {
	c, err := crypto.GenerateUserKeyPair(crypto.KeyPairRSA2048, "my encryption password")
	if err != nil {
		log.Fatal(err)
	}
	body, err := json.Marshal(c)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.PrivateKeyContainer.Version, c.PublicKeyContainer.Version)
	fmt.Println(strings.SplitN(c.PrivateKeyContainer.PrivateKey, "\n", 2)[0])
	fmt.Println(strings.SplitN(c.PublicKeyContainer.PublicKey, "\n", 2)[0])
	fmt.Println(strings.HasPrefix(string(body), `{"privateKeyContainer":{"version":"A","privateKey":"-----BEGIN`))
	// Output:
	// A A
	// -----BEGIN ENCRYPTED PRIVATE KEY-----
	// -----BEGIN PUBLIC KEY-----
	// true
}

// Open the user's key pair once per session and keep the result: each
// Unlock runs PBKDF2 with 1.3 million iterations.
func ExampleUserKeyPairContainer_Unlock() {
	container, password := storedKeyPair()

	if _, err := container.Unlock("not the password"); errors.Is(err, crypto.ErrWrongPassword) {
		fmt.Println("wrong password")
	}
	kp, err := container.Unlock(password)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(kp) // never prints key material
	// Output:
	// wrong password
	// UserKeyPair(A)
}

// Upload and download of an encrypted file: a fresh file key encrypts the
// data, the tag goes into the file key, and the file key travels to the
// server wrapped for the user's public key.
func ExampleUserKeyPair_DecryptFileKey() {
	container, password := storedKeyPair()
	kp, err := container.Unlock(password)
	if err != nil {
		log.Fatal(err)
	}

	// Upload: encrypt the content, then wrap the file key (now with tag).
	fileKey, err := crypto.GenerateFileKey()
	if err != nil {
		log.Fatal(err)
	}
	ciphertext, err := crypto.Encrypt(fileKey, []byte("hello, DRACOON"))
	if err != nil {
		log.Fatal(err)
	}
	wrapped, err := crypto.EncryptFileKey(fileKey, container.PublicKeyContainer)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("upload file key version:", wrapped.Version)

	// Download: unwrap the user file key and decrypt the content.
	plainKey, err := kp.DecryptFileKey(wrapped)
	if err != nil {
		log.Fatal(err)
	}
	plaintext, err := crypto.Decrypt(plainKey, ciphertext)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(plaintext))
	// Output:
	// upload file key version: A
	// hello, DRACOON
}

// Distribute a file key to other users (missing file keys): parse each
// recipient's public key once and wrap the file key for it. The file key
// version follows the recipient's key pair version.
func ExamplePublicKey_EncryptFileKey() {
	recipients := []crypto.PublicKeyContainer{}
	for _, v := range []crypto.KeyPairVersion{crypto.KeyPairRSA2048, crypto.KeyPairRSA4096} {
		b, err := os.ReadFile("testdata/keypair_" + string(v) + ".json")
		if err != nil {
			log.Fatal(err)
		}
		var f struct {
			UserKeyPair crypto.UserKeyPairContainer `json:"userKeyPair"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			log.Fatal(err)
		}
		recipients = append(recipients, f.UserKeyPair.PublicKeyContainer)
	}

	fileKey, err := crypto.GenerateFileKey() // in practice: unwrapped with DecryptFileKey
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range recipients {
		pub, err := crypto.ParsePublicKey(c)
		if err != nil {
			log.Fatal(err)
		}
		fk, err := pub.EncryptFileKey(fileKey)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(pub.Version(), "→", fk.Version)
	}
	// Output:
	// A → A
	// RSA-4096 → RSA-4096/AES-256-GCM
}

// Check an encryption password, for example before storing it in a
// keychain.
func ExampleCheckUserKeyPair() {
	container, password := storedKeyPair()
	fmt.Println(crypto.CheckUserKeyPair(container, password) == nil)
	err := crypto.CheckUserKeyPair(container, "guess")
	fmt.Println(errors.Is(err, crypto.ErrWrongPassword))
	// Output:
	// true
	// true
}
