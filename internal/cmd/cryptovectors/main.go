// Command cryptovectors writes and checks fresh DRACOON crypto vectors
// (format "dracoon-crypto-fresh-vectors/1", see package freshvec).
//
// Write a complete file made by this module's crypto package (both key pair
// versions; plaintexts of 0 B, 1 B and 1 MiB + 17 B; new key pairs with
// the real PBKDF2 parameters):
//
//	go run ./internal/cmd/cryptovectors -o FILE
//
// -sizes and -versions select other plaintext sizes and key pair versions.
//
// Check vector files made by any implementation (a file or a directory of
// *.json files):
//
//	go run ./internal/cmd/cryptovectors -check PATH
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/dracoon-go/dracoon/crypto"
	"github.com/dracoon-go/dracoon/internal/cmd/cryptovectors/freshvec"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cryptovectors:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cryptovectors", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write fresh vectors to `FILE` (- for standard output)")
	check := fs.String("check", "", "check the vector file or directory at `PATH`")
	sizes := fs.String("sizes", "0,1,1048593", "comma-separated plaintext `sizes` in bytes")
	versions := fs.String("versions", "A,RSA-4096", "comma-separated key pair `versions`")
	b64Limit := fs.Int("plaintext-b64-limit", 0, "write plaintextB64 only for plaintexts up to `N` bytes (0: always)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 || (*out == "") == (*check == "") {
		fs.Usage()
		return errors.New("give exactly one of -o FILE and -check PATH")
	}
	if *check != "" {
		return checkPath(*check, stdout)
	}
	sz, err := parseSizes(*sizes)
	if err != nil {
		return err
	}
	var vs []crypto.KeyPairVersion
	for _, v := range strings.Split(*versions, ",") {
		kv := crypto.KeyPairVersion(strings.TrimSpace(v))
		if err := kv.Validate(); err != nil {
			return err
		}
		vs = append(vs, kv)
	}
	f, err := freshvec.Generate(freshvec.Options{Sizes: sz, Versions: vs, PlaintextB64Limit: *b64Limit})
	if err != nil {
		return err
	}
	if *out == "-" {
		return f.Write(stdout)
	}
	fh, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := f.Write(fh); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("invalid size %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// checkPath checks every case of every file at path and prints one line
// per file case.
func checkPath(path string, w io.Writer) error {
	paths, err := freshvec.Paths(path)
	if err != nil {
		return err
	}
	failed, total := 0, 0
	for _, p := range paths {
		f, err := freshvec.ReadFile(p)
		if err != nil {
			return err
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			kp, kpErr := freshvec.CheckKeyPair(c)
			if len(c.Files) == 0 {
				total++
				if kpErr == nil {
					kpErr = errors.New("case has no files")
				}
			}
			if kpErr != nil {
				fmt.Fprintf(w, "FAIL %s %s: %v\n", p, c.ID, kpErr)
			}
			for j := range c.Files {
				fc := &c.Files[j]
				total++
				err := kpErr
				if err == nil {
					err = freshvec.CheckFile(kp, fc)
				}
				if err != nil {
					failed++
					fmt.Fprintf(w, "FAIL %s %s: %v\n", p, fc.ID, err)
					continue
				}
				fmt.Fprintf(w, "ok   %s %s\n", p, fc.ID)
			}
			if len(c.Files) == 0 {
				failed++
			}
		}
	}
	fmt.Fprintf(w, "%d of %d file cases passed\n", total-failed, total)
	if failed > 0 {
		return fmt.Errorf("%d file cases failed", failed)
	}
	return nil
}
