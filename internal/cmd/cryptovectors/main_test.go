package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command end to end: write vectors with real key pair parameters (one
// RSA-2048 pair, small plaintexts, to keep the run short), check them, and
// check that damage is reported.
func TestWriteAndCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.json")
	var out, errOut bytes.Buffer
	if err := run([]string{"-o", path, "-sizes", "0,1,333", "-versions", "A"}, &out, &errOut); err != nil {
		t.Fatalf("write: %v\n%s", err, errOut.String())
	}
	out.Reset()
	if err := run([]string{"-check", dir}, &out, &errOut); err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "3 of 3 file cases passed") {
		t.Fatalf("check output:\n%s", out.String())
	}

	// Change the plaintext length of one file case.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	files := m["cases"].([]any)[0].(map[string]any)["files"].([]any)
	files[2].(map[string]any)["plaintextLength"] = 334
	b, _ = json.Marshal(m)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run([]string{"-check", path}, &out, &errOut); err == nil {
		t.Fatalf("damaged file passed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "FAIL") || !strings.Contains(out.String(), "2 of 3 file cases passed") {
		t.Fatalf("check output:\n%s", out.String())
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	for _, args := range [][]string{
		{},
		{"-o", "x", "-check", "y"},
		{"-o", "x", "-sizes", "1,-2"},
		{"-o", "x", "-sizes", "a"},
		{"-o", "x", "-versions", "RSA-2048"},
		{"-check", filepath.Join(t.TempDir(), "missing")},
		{"-check", t.TempDir()}, // no *.json inside
	} {
		if err := run(args, &out, &errOut); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("0, 1,1048593")
	if err != nil || len(got) != 3 || got[2] != 1048593 {
		t.Fatalf("%v %v", got, err)
	}
}
