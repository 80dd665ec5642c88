package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon"
)

func TestDemo(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"demo"}, &out, &errOut); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, errOut.String())
	}
	got := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Emulator running at http://127\.0\.0\.1:\d+`),
		regexp.MustCompile(`(?m)^  user name admin$`),
		regexp.MustCompile(`(?m)^  roles .*ROOM_MANAGER`),
		regexp.MustCompile(`(?m)^  S3 storage\s+true`),
		regexp.MustCompile(`(?m)^  \d+\s+Demo\s+encrypted=false$`),
		regexp.MustCompile(`\(1 rooms\)`),
	} {
		if !want.MatchString(got) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
	if errOut.Len() != 0 {
		t.Errorf("unexpected stderr:\n%s", errOut.String())
	}
}

func TestDemoVerboseLogsWithoutSecrets(t *testing.T) {
	const password = "demo-Pa55word-SECRET"
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"demo", "-v", "--admin-password", password}, &out, &errOut); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, errOut.String())
	}
	logs := errOut.String()
	if !strings.Contains(logs, "level=DEBUG") || !strings.Contains(logs, "/oauth/token") || !strings.Contains(logs, "/api/v4/nodes") {
		t.Fatalf("no debug log of the session:\n%s", logs)
	}
	if strings.Contains(logs, password) || strings.Contains(logs, "Bearer") || strings.Contains(logs, "Basic ") {
		t.Errorf("log holds credentials:\n%s", logs)
	}
	// Token attributes may only say whether a token exists.
	for _, m := range regexp.MustCompile(`(access_token|refresh_token|token)=(\S+)`).FindAllStringSubmatch(logs, -1) {
		if m[2] != "true" && m[2] != "false" {
			t.Errorf("log shows a token value: %s", m[0])
		}
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, &errOut); code != 0 || out.String() != "dracoon "+dracoon.Version+"\n" {
		t.Errorf("version: code %d, output %q", code, out.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"no-such-command"}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "unknown command") {
		t.Errorf("unknown command: code %d, stderr %q", code, errOut.String())
	}
}
