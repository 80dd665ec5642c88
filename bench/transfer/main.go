// Command transfer is the whole-process transfer benchmark: it uploads a
// file of -size bytes into a new room of a DRACOON instance (normally the
// standalone emulator on loopback) and downloads it again, reporting MB/s
// per step. Run it under /usr/bin/time -v to read the process's peak RSS;
// bench/README.md describes the method.
//
// The data is generated from its offset as it is read (an io.ReaderAt), so
// the harness itself holds no copy of the file; downloads go to a file in
// -dest (or to io.Discard with -dest "").
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/crypto"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "base URL of the instance")
	user := flag.String("user", "admin", "login")
	size := flag.Int64("size", 1<<30, "file size in bytes")
	encrypted := flag.Bool("encrypted", false, "use an encrypted room")
	partSize := flag.Int64("part-size", 0, "part size (0: the SDK's default)")
	conc := flag.Int("concurrency", 0, "parts or ranges in flight (0: the SDK's default)")
	dest := flag.String("dest", os.TempDir(), `directory for the downloaded file ("" discards the bytes)`)
	flag.Parse()
	password := os.Getenv("DRACOON_PASSWORD")
	if password == "" {
		password = os.Getenv("DRACOON_EMULATOR_ADMIN_PASSWORD")
	}
	if err := run(context.Background(), *url, *user, password, *size, *encrypted, *partSize, *conc, *dest); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, url, user, password string, size int64, encrypted bool, partSize int64, conc int, dest string) error {
	c, err := dracoon.New(url)
	if err != nil {
		return err
	}
	if err := c.Connect(ctx, dracoon.PasswordFlow(user, password)); err != nil {
		return err
	}
	acc, err := c.Account.Get(ctx)
	if err != nil {
		return err
	}
	room, err := c.Rooms.Create(ctx, &dracoon.CreateRoomRequest{Name: fmt.Sprintf("bench-%d", time.Now().UnixNano()), AdminIDs: []int64{acc.ID}})
	if err != nil {
		return err
	}
	if encrypted {
		const pw = "Bench-Encryption-Password-1"
		if _, err := c.Account.UnlockKeyPair(ctx, pw); err != nil {
			if _, err := c.Account.GenerateKeyPair(ctx, pw, crypto.KeyPairRSA4096); err != nil {
				return err
			}
			if _, err := c.Account.UnlockKeyPair(ctx, pw); err != nil {
				return err
			}
		}
		if _, err := c.Rooms.Encrypt(ctx, room.ID, &dracoon.EncryptRoomRequest{IsEncrypted: true}); err != nil {
			return err
		}
	}
	start := time.Now()
	node, err := c.Transfers.Upload(ctx, generated{}, size, dracoon.NodeID(room.ID), &dracoon.UploadOptions{Name: "bench.bin", PartSize: partSize, Concurrency: conc})
	if err != nil {
		return err
	}
	report("upload", size, time.Since(start))
	start = time.Now()
	if dest == "" {
		_, err = c.Transfers.Download(ctx, dracoon.NodeID(node.ID), io.Discard, &dracoon.DownloadOptions{Concurrency: conc})
	} else {
		path := filepath.Join(dest, fmt.Sprintf("dracoon-bench-%d.bin", node.ID))
		defer os.Remove(path)
		_, err = c.Transfers.DownloadFile(ctx, dracoon.NodeID(node.ID), path, &dracoon.DownloadOptions{Concurrency: conc, Overwrite: true})
	}
	if err != nil {
		return err
	}
	report("download", size, time.Since(start))
	return c.Nodes.Delete(ctx, room.ID)
}

// report prints one step's throughput.
func report(step string, size int64, d time.Duration) {
	fmt.Printf("%-8s %d bytes in %v: %.0f MB/s\n", step, size, d.Round(time.Millisecond), float64(size)/d.Seconds()/1e6)
}

// generated is an endless io.ReaderAt whose bytes follow from their
// offset (a SplitMix64 stream per 8-byte word), so nothing is kept.
type generated struct{}

func (generated) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], splitmix(uint64(pos/8)))
		n += copy(p[n:], w[pos%8:])
	}
	return n, nil
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
