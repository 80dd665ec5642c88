package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon"
	"github.com/dracoon-go/dracoon/dracoontest"
)

// seedUsers adds two users and a group holding one of them.
func seedUsers(t *testing.T, h *harness) {
	t.Helper()
	bob := must[int64](t)(h.srv.AddUser("bob", "Bob-Pa55-word!x"))
	must[int64](t)(h.srv.AddUser("carol", "Carol-Pa55-word!"))
	must[int64](t)(h.srv.CreateGroup("Sales", []int64{bob}))
}

func TestUsers(t *testing.T) {
	h := newHarness(t)
	seedUsers(t, h)
	host := h.target("")
	golden(t, "users_ls.txt", h.ok("users", "ls", host))
	golden(t, "users_ls.csv", h.ok("users", "ls", "--csv", "--all", host))
	golden(t, "users_ls_filter.json", h.normalize(h.ok("users", "ls", "--json", "--filter", "userName:cn:bo", host)))
	golden(t, "users_create.txt", h.ok("users", "create", "-f", "Dana", "-l", "Doe", "-e", "dana@example.com", host))
	h.ok("users", "create", "-f", "Eve", "-l", "Roe", "-e", "eve@example.com", "--login", "eve", "--mfa-enforced", host)
	golden(t, "users_info.txt", h.ok("users", "info", host, "eve"))
	golden(t, "users_info_by_id.txt", h.ok("users", "info", "--user-id", "5", host))
	h.fails(exitFailure, []string{`no user with user name "nobody"`}, "users", "info", host, "nobody")
	h.fails(exitUsage, []string{"--user-id or --user-name"}, "users", "rm", host)
	h.fails(exitFailure, []string{"user 999", "404"}, "users", "info", "--user-id", "999", host)
	h.ok("users", "rm", "-u", "eve", host)
	h.ok("users", "rm", "--user-id", "4", host)
	if out := h.ok("users", "ls", host); strings.Contains(out, "eve") || strings.Contains(out, "dana") {
		t.Errorf("deleted users still listed:\n%s", out)
	}
	h.fails(exitUsage, []string{"--json and --csv"}, "users", "ls", "--json", "--csv", host)
}

func TestUsersImport(t *testing.T) {
	h := newHarness(t)
	// Columns in another order; optional ones present but empty; one bad row.
	csvText := "email,last_name,login,first_name,oidc_id,mfa_enforced\n" +
		"fred@example.com,Flint,,Fred,,\n" +
		"gina@example.com,Grey,gina,Gina,,true\n" +
		"not-an-address,Hill,,Hank,,\n" +
		"olaf@example.com,Olsen,olaf,Olaf,1,\n"
	file := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(file, []byte(csvText), 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.run("users", "import", h.target(""), file)
	if r.code != exitFailure || r.stderr != "dracoon: 1 of 4 users not imported\n" {
		t.Fatalf("import: exit %d, stderr %q", r.code, r.stderr)
	}
	golden(t, "users_import.txt", r.stdout)
	info := h.ok("users", "info", h.target(""), "gina")
	if !strings.Contains(info, "MFA enforced  true") {
		t.Errorf("gina has no enforced MFA:\n%s", info)
	}
	h.ok("users", "info", h.target(""), "fred@example.com") // login defaults to the e-mail
	if info := h.ok("users", "info", h.target(""), "olaf"); !strings.Contains(info, "auth method   openid") {
		t.Errorf("olaf (oidc_id 1) is not an OpenID user:\n%s", info)
	}
	// From stdin, as JSON.
	h.stdin = "first_name,last_name,email\nIda,Ito,ida@example.com\n"
	golden(t, "users_import.json", h.ok("users", "import", "--json", h.target(""), "-"))
	h.stdin = "name,mail\nx,y\n"
	h.fails(exitUsage, []string{"lacks first_name"}, "users", "import", h.target(""), "-")
}

func TestGroups(t *testing.T) {
	h := newHarness(t)
	seedUsers(t, h)
	host := h.target("")
	golden(t, "groups_create.txt", h.ok("groups", "create", "--name", "Support", host))
	h.ok("groups", "create", host, "Empty")
	golden(t, "groups_ls.txt", h.ok("groups", "ls", host))
	golden(t, "groups_ls.csv", h.ok("groups", "ls", "--csv", host))
	golden(t, "groups_ls.json", h.normalize(h.ok("groups", "ls", "--json", "--filter", "name:cn:Sa", host)))
	golden(t, "groups_users_ls.csv", h.ok("groups", "users", "ls", "--csv", host))
	golden(t, "groups_users_ls_one.txt", h.ok("groups", "users", "ls", "--group-name", "Sales", host))
	h.ok("groups", "rm", "--group-name", "Support", host)
	h.ok("groups", "rm", "--group-id", "3", host)
	if out := h.ok("groups", "ls", host); strings.Contains(out, "Support") || strings.Contains(out, "Empty") {
		t.Errorf("deleted groups still listed:\n%s", out)
	}
	h.fails(exitFailure, []string{`no group named "Support"`}, "groups", "rm", "--group-name", "Support", host)
	h.fails(exitUsage, []string{"--group-id or --group-name"}, "groups", "rm", host)
}

func TestKeypair(t *testing.T) {
	h := newHarness(t)
	host := h.target("")
	if out := h.ok("keypair", "show", host); out != "no key pair\n" {
		t.Errorf("show before create: %q", out)
	}
	// Without the encryption password and without a terminal: an error
	// naming the variable.
	h.fails(exitUsage, []string{envEncryptionPassword}, "keypair", "create", "--version", "A", host)
	env := append(h.env, envEncryptionPassword+"="+testEncryptionPassword)
	if r := h.runEnv(env, "keypair", "create", "--version", "A", host); r.code != 0 || r.stdout != "created key pair A\n" {
		t.Fatalf("create: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	golden(t, "keypair_show.txt", h.ok("keypair", "show", host))
	golden(t, "keypair_show.json", h.ok("keypair", "show", "--json", host))
	if out := h.ok("keypair", "show", "--public-key", host); !strings.Contains(out, "-----BEGIN PUBLIC KEY-----") || strings.Contains(out, "PRIVATE") {
		t.Errorf("--public-key shows no public key or a private one:\n%s", out)
	}
	h.fails(exitFailure, []string{"create key pair", "409"}, append([]string{}, "keypair", "create", "--version", "A", "--encryption-password", testEncryptionPassword, host)...)
	h.fails(exitUsage, []string{"--version must be"}, "keypair", "delete", "--version", "B", host)
	h.fails(exitUsage, []string{"needs --yes"}, "keypair", "delete", "--version", "A", host)
	h.ok("keypair", "delete", "--version", "A", "--yes", host)
	if out := h.ok("keypair", "show", host); out != "no key pair\n" {
		t.Errorf("show after delete: %q", out)
	}
}

func TestSystemInfo(t *testing.T) {
	h := newHarness(t, dracoontest.WithS3(false))
	golden(t, "system_info.txt", h.ok("config", "system-info", h.target("")))
	golden(t, "system_info.json", h.normalize(h.ok("config", "system-info", "--json", h.target(""))))
}

func TestUsersEnforceMFA(t *testing.T) {
	h := newHarness(t)
	seedUsers(t, h) // bob (in Sales, group 1), carol
	host := h.target("")
	golden(t, "users_enforce_mfa_group.txt", h.ok("users", "enforce-mfa", "--group-id", "1", host))
	golden(t, "users_enforce_mfa.json", h.ok("users", "enforce-mfa", "--json", "--auth-method", "local", "--filter", "userName:cn:o", host))
	for login, want := range map[string]string{"bob": "true", "carol": "true", "admin": "false"} {
		if out := h.ok("users", "info", host, login); !strings.Contains(out, "MFA enforced  "+want+"\n") {
			t.Errorf("%s: MFA enforced should be %s:\n%s", login, want, out)
		}
	}
	h.fails(exitUsage, []string{"unknown authentication method"}, "users", "enforce-mfa", "--auth-method", "kerberos", host)
}

func TestUsersSwitchAuthAndInvite(t *testing.T) {
	h := newHarness(t)
	seedUsers(t, h)
	host := h.target("")
	golden(t, "users_switch_auth.txt", h.ok("users", "switch-auth", "--current-method", "local", "--new-method", "openid",
		"--new-oidc-id", "1", "--login", "firstname.lastname", "--filter", "userName:cn:o", host))
	if out := h.ok("users", "info", host, "carol"); !strings.Contains(out, "auth method   openid") {
		t.Errorf("carol not switched:\n%s", out)
	}
	if out := h.ok("users", "info", host, "admin"); !strings.Contains(out, "auth method   basic") {
		t.Errorf("admin switched:\n%s", out)
	}
	h.fails(exitUsage, []string{"needs --new-oidc-id"}, "users", "switch-auth", "--current-method", "local", "--new-method", "openid", host)
	h.fails(exitUsage, []string{"--current-method and --new-method"}, "users", "switch-auth", host)

	projects := must[int64](t)(h.srv.CreateRoom("Projects", nil))
	must[int64](t)(h.srv.CreateFolder(projects, "Docs"))
	golden(t, "users_invite.txt", h.ok("users", "invite", "-f", "Gus", "-l", "Guest", "-e", "gus@example.com", h.target("/Projects/Docs")))
	c := must[*dracoon.Client](t)(dracoon.New(h.srv.URL))
	if err := c.Connect(t.Context(), dracoon.PasswordFlow(h.srv.AdminLogin, testAdminPassword)); err != nil {
		t.Fatal(err)
	}
	granted := false
	for ru, err := range c.Rooms.AllUsers(t.Context(), projects, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if ru.UserInfo.UserName == "gus@example.com" {
			granted = ru.IsGranted && ru.Permissions != nil && ru.Permissions.Read && !ru.Permissions.Create && !ru.Permissions.Manage
		}
	}
	if !granted {
		t.Error("the guest has no read-only permission in the room above the folder")
	}
	// OpenID users by --oidc-id.
	h.ok("users", "create", "-f", "Olga", "-l", "Oidc", "-e", "olga@example.com", "--login", "olga", "--oidc-id", "1", host)
	if out := h.ok("users", "info", host, "olga"); !strings.Contains(out, "auth method   openid") {
		t.Errorf("olga is not an OpenID user:\n%s", out)
	}
}
