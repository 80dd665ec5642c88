package dracoon_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/dracoon-go/dracoon"
)

// connected returns a logged-in client for the examples below (their
// instance is not reachable from tests, so they are compiled, not run).
func connected(ctx context.Context) *dracoon.Client {
	client, err := dracoon.New("https://dracoon.example.com")
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Connect(ctx, dracoon.PasswordFlow(os.Getenv("DRACOON_USER"), os.Getenv("DRACOON_PASSWORD"))); err != nil {
		log.Fatal(err)
	}
	return client
}

// Upload a local file into a folder given by path. Into an encrypted room
// the client needs its key pair unlocked first; the upload then encrypts
// the parts as they are sent and hands the file key to the other members.
func ExampleTransfersService_UploadFile() {
	ctx := context.Background()
	client := connected(ctx)
	if _, err := client.Account.UnlockKeyPair(ctx, os.Getenv("DRACOON_ENCRYPTION_PASSWORD")); err != nil {
		log.Fatal(err)
	}
	node, err := client.Transfers.UploadFile(ctx, "report.pdf", dracoon.NodePath("/Projects/2026"), &dracoon.UploadOptions{
		ResolutionStrategy: dracoon.ResolutionOverwrite,
		Classification:     dracoon.ClassificationConfidential,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("uploaded", node.Name, node.Size)
}

// Upload whatever arrives on standard input, without knowing its length.
func ExampleTransfersService_UploadStream() {
	ctx := context.Background()
	client := connected(ctx)
	node, err := client.Transfers.UploadStream(ctx, os.Stdin, dracoon.NodeID(42), &dracoon.UploadOptions{Name: "backup.tar"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("uploaded", node.Size, "bytes")
}

// Download a file into a directory, keeping its DRACOON name. Nothing
// appears there unless every byte arrived and, for an encrypted file, the
// content was authenticated.
func ExampleTransfersService_DownloadFile() {
	ctx := context.Background()
	client := connected(ctx)
	path, err := client.Transfers.DownloadFile(ctx, dracoon.NodePath("/Projects/2026/report.pdf"), ".", nil)
	switch {
	case errors.Is(err, dracoon.ErrFileExists):
		fmt.Println("already there; pass Overwrite to replace it")
	case errors.Is(err, dracoon.ErrUnsafeName):
		fmt.Println("the server sent a name that is not a safe local file name")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("saved", path)
	}
}

// The Python client reports transfers with callback(val, total) and its
// TransferJob adds the values of several files up. A ProgressFunc gets the
// same pair — bytes on the wire so far and the total, known from the
// start — so a progress bar maps onto it directly; its value never goes
// back and ends exactly at the total.
func ExampleProgressFunc() {
	bar := func(done, total int64) {
		const width = 30
		filled := 0
		if total > 0 {
			filled = int(done * width / total)
		} else {
			filled = width
		}
		fmt.Printf("\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
	}
	ctx := context.Background()
	client := connected(ctx)
	if _, err := client.Transfers.UploadFile(ctx, "video.mp4", dracoon.NodeID(42), &dracoon.UploadOptions{Progress: bar}); err != nil {
		log.Fatal(err)
	}
	fmt.Println()
}

// The key distribution use case: give every member of a room who has a
// key pair but lacks the file keys of its encrypted files those keys,
// working through the missing keys in batches.
func ExampleTransfersService_DistributeMissingKeys() {
	ctx := context.Background()
	client := connected(ctx)
	if _, err := client.Account.UnlockKeyPair(ctx, os.Getenv("DRACOON_ENCRYPTION_PASSWORD")); err != nil {
		log.Fatal(err)
	}
	n, err := client.Transfers.DistributeMissingKeys(ctx, dracoon.MissingKeysFilter{RoomID: 42})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("distributed", n, "file keys")
}
