package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/backup"
)

func TestBackupVerifyRestoreCommands(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	key := filepath.Join(root, "recovery.txt")
	bdir := filepath.Join(root, "backups")
	if err := os.Mkdir(bdir, 0o700); err != nil {
		t.Fatal(err)
	}
	pw := writePasswordFile(t, testPassword)
	login := []string{"--data-dir", dir, "--user", "admin", "--password-file", pw}
	if r := run(t, "", append(login, "init", "--user", "admin", "--recovery-key-out", key)...); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	r := run(t, "", append(login, "backup")...)
	assertOneLineError(t, r, "--to FOLDER")

	lastLine := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return lines[len(lines)-1]
	}
	r = run(t, "", append(login, "backup", "--to", bdir)...)
	if r.code != 0 {
		t.Fatalf("backup: %s", r.stderr)
	}
	first := lastLine(r.stdout)
	if filepath.Dir(first) != bdir || !strings.Contains(first, "-full-") || !strings.HasPrefix(r.stdout, "Full backup written") {
		t.Fatalf("backup said %q", r.stdout)
	}
	// The folder is remembered; the next backup continues the chain.
	r = run(t, "", append(login, "backup")...)
	if r.code != 0 || !strings.Contains(lastLine(r.stdout), "-incr-") {
		t.Fatalf("second backup: %d %q %s", r.code, r.stdout, r.stderr)
	}
	second := lastLine(r.stdout)

	r = run(t, "", append(login, "backup-verify")...)
	if r.code != 0 || strings.Count(r.stdout, "\nok ")+strings.Count("\n"+r.stdout, "\nok ") < 2 {
		t.Fatalf("verify: %d %q %s", r.code, r.stdout, r.stderr)
	}

	acct, _ := backup.NewRecoveryKey()
	r = run(t, "", append(login, "backup-settings", "--add-recipient", acct.Recipient, "--schedule", "daily", "--keep-last", "3")...)
	if r.code != 0 || !strings.Contains(r.stdout, "recipient: "+acct.Recipient) || !strings.Contains(r.stdout, "schedule: daily") ||
		!strings.Contains(r.stdout, "keep: last 3") {
		t.Fatalf("backup-settings: %d %q %s", r.code, r.stdout, r.stderr)
	}
	assertOneLineError(t, run(t, "", append(login, "backup-settings", "--add-recipient", "ssh-ed25519 AAAA")...), "SSH keys")

	// Restore into a new data directory, then over the old one.
	newDir := filepath.Join(root, "restored")
	r = run(t, "", "--data-dir", newDir, "restore", "--from", bdir, "--recovery-key", key)
	if r.code != 0 || !strings.Contains(r.stdout, "into "+newDir) {
		t.Fatalf("restore: %d %q %s", r.code, r.stdout, r.stderr)
	}
	assertOneLineError(t, run(t, "", "--data-dir", dir, "restore", "--from", first, "--recovery-key", key), "--replace")
	r = run(t, "", "--data-dir", dir, "restore", "--from", first, "--recovery-key", key, "--replace")
	if r.code != 0 || !strings.Contains(r.stdout, "previous data directory is kept at "+dir+".before-restore-") {
		t.Fatalf("restore --replace: %d %q %s", r.code, r.stdout, r.stderr)
	}
	assertOneLineError(t, run(t, "", "restore", "--from", first), "--recovery-key")

	// A damaged backup: verify fails with one line per file.
	data, err := os.ReadFile(second)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x40
	if err := os.WriteFile(second, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bdir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, "", "--data-dir", newDir, "--user", "admin", "--password-file", pw, "backup-verify", "--from", bdir)
	if r.code != ExitError || !strings.Contains(r.stdout, "BAD  "+filepath.Base(second)+": ") ||
		!strings.Contains(r.stdout, "skip notes.txt: not a SafeInvoice backup") || strings.Count(r.stdout, "\n") != 3 {
		t.Fatalf("verify of a damaged folder: %d %q %s", r.code, r.stdout, r.stderr)
	}
	assertOneLineError(t, r, "problems in "+bdir)
	// Restoring the damaged chain is refused and changes nothing.
	assertOneLineError(t, run(t, "", "--data-dir", filepath.Join(root, "again"), "restore", "--from", bdir, "--recovery-key", key), "damaged")
	if _, err := os.Stat(filepath.Join(root, "again")); !os.IsNotExist(err) {
		t.Error("a refused restore left a data directory")
	}
}
