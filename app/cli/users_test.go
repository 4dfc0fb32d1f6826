package cli

import (
	"strings"
	"testing"
)

func TestUserLifecycleFromTheCommandLine(t *testing.T) {
	dir, pw := initCLIVault(t)
	as := []string{"--data-dir", dir, "--user", "admin", "--password-file", pw}
	first := writePasswordFile(t, "Quiet-Harbour-Violin-17")
	if r := run(t, "", append(as, "user", "add", "--name", "bob", "--role", "clerk", "--new-password-file", first)...); r.code != 0 {
		t.Fatalf("user add: %s", r.stderr)
	}
	weak := writePasswordFile(t, "bob")
	r := run(t, "", append(as, "user", "add", "--name", "eve", "--role", "clerk", "--new-password-file", weak)...)
	assertOneLineError(t, r, "password")
	r = run(t, "", append(as, "user", "add", "--name", "eve", "--role", "boss", "--new-password-file", first)...)
	assertOneLineError(t, r, "boss")

	bob := []string{"--data-dir", dir, "--user", "bob", "--password-file", first}
	// Bob must change his password before anything else.
	r = run(t, "", append(bob, "list")...)
	assertOneLineError(t, r, "safeinvoice passwd")
	next := writePasswordFile(t, "Copper-Lantern-Meadow-58")
	if r := run(t, "", append(bob, "passwd", "--new-password-file", next)...); r.code != 0 {
		t.Fatalf("passwd: %s", r.stderr)
	}
	bob = []string{"--data-dir", dir, "--user", "bob", "--password-file", next}
	if r := run(t, "", append(bob, "list")...); r.code != 0 {
		t.Fatalf("list after passwd: %s", r.stderr)
	}
	// A clerk may not manage users: the refusal names the role.
	r = run(t, "", append(bob, "user", "disable", "admin")...)
	assertOneLineError(t, r, "a clerk may not")

	r = run(t, "", append(as, "user", "list")...)
	if r.code != 0 || !strings.Contains(r.stdout, "bob") || !strings.Contains(r.stdout, "clerk") {
		t.Errorf("user list:\n%s%s", r.stdout, r.stderr)
	}
	r = run(t, "", append(as, "user", "reset-password", "bob")...)
	if r.code != 0 {
		t.Fatalf("reset: %s", r.stderr)
	}
	code := strings.TrimSpace(r.stdout[strings.LastIndex(strings.TrimSpace(r.stdout), "\n")+1:])
	if len(code) != 23 {
		t.Fatalf("code %q", code)
	}
	if r := run(t, "", append(as, "user", "disable", "bob")...); r.code != 0 || !strings.Contains(r.stdout, "bob is disabled") {
		t.Fatalf("disable: %s", r.stderr)
	}
	r = run(t, code+"\n", "--data-dir", dir, "--user", "bob", "--password-file", "-", "list")
	assertOneLineError(t, r, "disabled")
	if r := run(t, "", append(as, "user", "remove", "bob")...); r.code != 0 || !strings.Contains(r.stdout, "rotated") {
		t.Fatalf("remove: %s", r.stderr)
	}
	r = run(t, "", append(as, "alerts")...)
	if r.code != 0 || strings.Count(r.stdout, "\tusers\t") != 4 {
		t.Errorf("alerts:\n%s%s", r.stdout, r.stderr)
	}
	if r := run(t, "", append(as, "alerts", "--ack", "all")...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "", append(as, "alerts")...); strings.TrimSpace(r.stdout) != "" {
		t.Errorf("after ack all:\n%s", r.stdout)
	}
	if r := run(t, "", append(as, "audit", "verify")...); r.code != 0 {
		t.Errorf("audit: %s", r.stderr)
	}
}

func TestPolicyShowAndSet(t *testing.T) {
	dir, pw := initCLIVault(t)
	as := []string{"--data-dir", dir, "--user", "admin", "--password-file", pw}
	r := run(t, "", append(as, "policy", "show")...)
	if r.code != 0 || !strings.Contains(r.stdout, "min_length") || !strings.Contains(r.stdout, "12") {
		t.Fatalf("policy show:\n%s%s", r.stdout, r.stderr)
	}
	if r := run(t, "", append(as, "policy", "set", "max_age_days", "60")...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r = run(t, "", append(as, "policy", "set", "max_age_days", "45")...)
	assertOneLineError(t, r, "max_age_days")
	r = run(t, "", append(as, "policy", "show")...)
	if !strings.Contains(r.stdout, "60") {
		t.Errorf("after set:\n%s", r.stdout)
	}
}

func TestFailedAttemptsAreShownAtTheNextLogin(t *testing.T) {
	dir, pw := initCLIVault(t)
	bad := writePasswordFile(t, "not the password")
	for range 2 {
		run(t, "", "--data-dir", dir, "--user", "admin", "--password-file", bad, "list")
	}
	r := run(t, "", "--data-dir", dir, "--user", "admin", "--password-file", pw, "list")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: 2 failed attempts since your last login") {
		t.Errorf("notice: %q", r.stderr)
	}
}
