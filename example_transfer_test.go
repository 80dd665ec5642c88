package dracoon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// transferExample starts an emulator, logs the admin in and creates a
// room (encrypted if asked, with the admin's key pair set and unlocked).
// Against a real instance, pass its URL to dracoon.New instead.
func transferExample(encrypted bool) (*dracoontest.Server, *dracoon.Client, int64) {
	srv := emulator()
	ctx := context.Background()
	client, err := dracoon.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Connect(ctx, dracoon.PasswordFlow(srv.AdminLogin, srv.AdminPassword)); err != nil {
		log.Fatal(err)
	}
	room, err := client.Rooms.Create(ctx, &dracoon.CreateRoomRequest{Name: "Projects", AdminIDs: []int64{srv.AdminID}})
	if err != nil {
		log.Fatal(err)
	}
	if encrypted {
		setKeyPair(client, crypto.KeyPairRSA2048)
		if _, err := client.Rooms.Encrypt(ctx, room.ID, &dracoon.EncryptRoomRequest{IsEncrypted: true}); err != nil {
			log.Fatal(err)
		}
	}
	return srv, client, room.ID
}

// setKeyPair gives the client's user the example key pair of version v
// and unlocks it. A real program creates its own with GenerateKeyPair.
func setKeyPair(client *dracoon.Client, v crypto.KeyPairVersion) {
	var fixture struct {
		Password    string                      `json:"password"`
		UserKeyPair crypto.UserKeyPairContainer `json:"userKeyPair"`
	}
	if b, err := os.ReadFile("crypto/testdata/keypair_" + string(v) + ".json"); err != nil || json.Unmarshal(b, &fixture) != nil {
		log.Fatal("example key pair missing")
	}
	ctx := context.Background()
	if err := client.Account.SetKeyPair(ctx, &fixture.UserKeyPair); err != nil {
		log.Fatal(err)
	}
	if _, err := client.Account.UnlockKeyPair(ctx, fixture.Password); err != nil {
		log.Fatal(err)
	}
}

// Upload into an encrypted room and read the file back. The parts are
// encrypted as they are sent; the file key goes to the server encrypted
// for the uploader (and for every other member with a key pair).
func ExampleTransfersService_Upload() {
	srv, client, room := transferExample(true)
	defer srv.Close()
	ctx := context.Background()

	text := []byte("quarterly figures")
	node, err := client.Transfers.Upload(ctx, bytes.NewReader(text), int64(len(text)), dracoon.NodeID(room), &dracoon.UploadOptions{
		Name:           "report.txt",
		Classification: dracoon.ClassificationConfidential,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(node.Name, node.Size, node.IsEncrypted)

	var buf bytes.Buffer
	if _, err := client.Transfers.Download(ctx, dracoon.NodePath("/Projects/report.txt"), &buf, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(buf.String())
	// Output:
	// report.txt 17 true
	// quarterly figures
}

// Upload whatever arrives on a reader of unknown length, such as standard
// input or a pipe: the parts are cut as the data arrives.
func ExampleTransfersService_UploadStream() {
	srv, client, room := transferExample(false)
	defer srv.Close()

	node, err := client.Transfers.UploadStream(context.Background(), strings.NewReader("streamed"), dracoon.NodeID(room), &dracoon.UploadOptions{Name: "backup.txt"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(node.Name, node.Size)
	// Output: backup.txt 8
}

// Download a file into a directory, keeping its DRACOON name. Nothing
// appears there unless every byte arrived and, for an encrypted file, the
// content was authenticated; an existing file is not replaced unless
// Overwrite is set.
func ExampleTransfersService_DownloadFile() {
	srv, client, room := transferExample(false)
	defer srv.Close()
	ctx := context.Background()
	if _, err := client.Transfers.Upload(ctx, strings.NewReader("hello"), 5, dracoon.NodeID(room), &dracoon.UploadOptions{Name: "hello.txt"}); err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	path, err := client.Transfers.DownloadFile(ctx, dracoon.NodePath("/Projects/hello.txt"), dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(filepath.Base(path))
	_, err = client.Transfers.DownloadFile(ctx, dracoon.NodePath("/Projects/hello.txt"), dir, nil)
	fmt.Println(errors.Is(err, dracoon.ErrFileExists))
	// Output:
	// hello.txt
	// true
}

// The Python client reports transfers with callback(val, total), and its
// TransferJob adds up the values of several files. A ProgressFunc gets the
// same pair: the bytes on the wire so far and the total, known from the
// start; the value never goes back and ends exactly at the total. For
// several files, FolderOptions.Progress plays the part of TransferJob.
func ExampleProgressFunc() {
	srv, client, room := transferExample(false)
	defer srv.Close()

	bar := func(val, total int64) {
		const width = 20
		filled := width
		if total > 0 {
			filled = int(val * width / total)
		}
		if val == total { // a real bar would redraw on every call ("\r…")
			fmt.Printf("[%s%s] %d/%d\n", strings.Repeat("#", filled), strings.Repeat(".", width-filled), val, total)
		}
	}
	data := bytes.Repeat([]byte("x"), 3<<20)
	_, err := client.Transfers.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), dracoon.NodeID(room), &dracoon.UploadOptions{
		Name: "video.mp4", Progress: bar,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: [####################] 3145728/3145728
}

// A folder sync-up: upload a local tree; a second run reuses the folders
// and, with ResolutionOverwrite, replaces the files. Several files move
// at once under one limit on the bytes in flight.
func ExampleTransfersService_UploadFolder() {
	srv, client, room := transferExample(false)
	defer srv.Close()
	ctx := context.Background()
	local, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(local)
	tree := filepath.Join(local, "site")
	for name, text := range map[string]string{"index.html": "<h1>hi</h1>", "css/main.css": "h1{}"} {
		os.MkdirAll(filepath.Dir(filepath.Join(tree, name)), 0o755)
		os.WriteFile(filepath.Join(tree, name), []byte(text), 0o644)
	}
	opts := &dracoon.FolderOptions{Upload: dracoon.UploadOptions{ResolutionStrategy: dracoon.ResolutionOverwrite}, MaxBytesInFlight: 64 << 20}
	for range 2 {
		if _, err := client.Transfers.UploadFolder(ctx, tree, dracoon.NodeID(room), opts); err != nil {
			log.Fatal(err)
		}
	}

	fsys, err := client.Transfers.FS(ctx, dracoon.NodePath("/Projects/site"))
	if err != nil {
		log.Fatal(err)
	}
	fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, _ := d.Info()
		fmt.Println(path, info.Size())
		return nil
	})
	// Output:
	// . 0
	// css 0
	// css/main.css 4
	// index.html 11
}

// The key distribution use case: a member who set a key pair after files
// were uploaded cannot read them until someone who can hands them the
// file keys. DistributeMissingKeys works through all missing keys of a
// room (or a file, or a user) in batches.
func ExampleTransfersService_DistributeMissingKeys() {
	srv, admin, room := transferExample(true)
	defer srv.Close()
	ctx := context.Background()
	if _, err := admin.Transfers.Upload(ctx, strings.NewReader("secret"), 6, dracoon.NodeID(room), &dracoon.UploadOptions{Name: "plan.txt"}); err != nil {
		log.Fatal(err)
	}
	// Bob joins the room and sets his key pair afterwards.
	bobID, bobPassword, err := srv.CreateUser("bob", nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := admin.Rooms.GrantUsers(ctx, room, []dracoon.UserGrant{{ID: bobID, Permissions: dracoon.PermissionsRead}}); err != nil {
		log.Fatal(err)
	}
	bob, _ := dracoon.New(srv.URL)
	if err := bob.Connect(ctx, dracoon.PasswordFlow("bob", bobPassword)); err != nil {
		log.Fatal(err)
	}
	setKeyPair(bob, crypto.KeyPairRSA4096)
	_, err = bob.Transfers.Download(ctx, dracoon.NodePath("/Projects/plan.txt"), &bytes.Buffer{}, nil)
	fmt.Println(errors.Is(err, dracoon.ErrMissingFileKey))

	n, err := admin.Transfers.DistributeMissingKeys(ctx, dracoon.MissingKeysFilter{RoomID: room})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("distributed", n)
	var buf bytes.Buffer
	if _, err := bob.Transfers.Download(ctx, dracoon.NodePath("/Projects/plan.txt"), &buf, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(buf.String())
	// Output:
	// true
	// distributed 1
	// secret
}
