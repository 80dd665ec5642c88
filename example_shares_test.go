package dracoon_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/dracoon-go/dracoon"
)

// Share a file of an encrypted room with someone outside DRACOON: unlock
// the own key pair, create the share (the SDK makes the share's key pair,
// protected by the share password, and encrypts the file key for it), and
// mail the link. The share password goes to the recipient another way.
// The file is one uploaded before (see TransfersService once transfers
// land); this example only compiles, as it needs a real tenant.
func ExampleSharesService_CreateEncryptedDownloadShare() {
	ctx := context.Background()
	client, err := dracoon.New("https://dracoon.example.com")
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Connect(ctx, dracoon.PasswordFlow(os.Getenv("DRACOON_USER"), os.Getenv("DRACOON_PASSWORD"))); err != nil {
		log.Fatal(err)
	}
	if _, err := client.Account.UnlockKeyPair(ctx, os.Getenv("DRACOON_ENCRYPTION_PASSWORD")); err != nil {
		log.Fatal(err)
	}
	file, err := client.Nodes.Resolve(ctx, "/Projects/Reports/2026-q1.pdf")
	if err != nil {
		log.Fatal(err)
	}
	share, err := client.Shares.CreateEncryptedDownloadShare(ctx, &dracoon.CreateDownloadShareRequest{
		NodeID:       file.ID,
		Expiration:   dracoon.ExpireAt(time.Now().AddDate(0, 0, 14)),
		MaxDownloads: 3,
		Notes:        "Q1 report, as promised",
	}, os.Getenv("SHARE_PASSWORD"))
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Shares.MailDownloadShare(ctx, share.ID, &dracoon.ShareLinkEmail{
		Recipients: []string{"partner@example.com"},
		Body:       "Here is the report; the password comes by phone.",
	}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL() + "/public/download-shares/" + share.AccessKey)
}

// A file request for a stranger: an upload share on a folder, limited to
// five files of at most 100 MiB together, kept for 30 days.
func ExampleSharesService_CreateUploadShare() {
	ctx := context.Background()
	client, err := dracoon.New("https://dracoon.example.com")
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Connect(ctx, dracoon.PasswordFlow(os.Getenv("DRACOON_USER"), os.Getenv("DRACOON_PASSWORD"))); err != nil {
		log.Fatal(err)
	}
	inbox, err := client.Nodes.Resolve(ctx, "/Projects/Inbox")
	if err != nil {
		log.Fatal(err)
	}
	share, err := client.Shares.CreateUploadShare(ctx, &dracoon.CreateUploadShareRequest{
		TargetID:          inbox.ID,
		Name:              "Documents for the application",
		Password:          os.Getenv("SHARE_PASSWORD"),
		MaxSlots:          5,
		MaxSize:           100 << 20,
		FilesExpiryPeriod: 30,
		NotifyCreator:     true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL() + "/public/upload-shares/" + share.AccessKey)
}

// A stranger fetches a shared file with the link's access key and the
// share password, without logging in. An encrypted share is decrypted on
// the stranger's machine; the file appears only once it is complete and
// verified. This example only compiles, as it needs a real share.
func ExamplePublicService_DownloadShareFile() {
	ctx := context.Background()
	client, err := dracoon.New("https://dracoon.example.com")
	if err != nil {
		log.Fatal(err)
	}
	path, err := client.Public.DownloadShareFile(ctx, os.Getenv("SHARE_ACCESS_KEY"), os.Getenv("SHARE_PASSWORD"), os.TempDir(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("saved as", path)
}

// A stranger answers a file request: the upload goes through the share,
// without logging in, and is encrypted for the room's members when the
// room is encrypted. This example only compiles, as it needs a real share.
func ExamplePublicService_UploadFileToShare() {
	ctx := context.Background()
	client, err := dracoon.New("https://dracoon.example.com")
	if err != nil {
		log.Fatal(err)
	}
	file, err := client.Public.UploadFileToShare(ctx, os.Getenv("SHARE_ACCESS_KEY"), os.Getenv("SHARE_PASSWORD"), "invoice.pdf",
		&dracoon.ShareUploadOptions{Progress: func(done, total int64) { fmt.Fprintf(os.Stderr, "\r%d of %d bytes", done, total) }})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("\nuploaded", file.Name)
}
