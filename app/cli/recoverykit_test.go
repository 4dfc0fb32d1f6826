package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/backup"
)

func TestRecoveryKitCommand(t *testing.T) {
	dir, pw := initCLIVault(t)
	as := []string{"--data-dir", dir, "--user", "admin", "--password-file", pw}
	out := t.TempDir()
	kit, key := filepath.Join(out, "kit.pdf"), filepath.Join(out, "key.txt")
	r := run(t, "", append(as, "recovery-kit", "--out", kit, "--key-out", key)...)
	if r.code != 0 {
		t.Fatalf("recovery-kit: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Recovery kit written to "+kit) || !strings.Contains(r.stdout, "Recovery key written to "+key) {
		t.Errorf("recovery-kit said %q", r.stdout)
	}
	for _, p := range []string{kit, key} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, st.Mode().Perm())
		}
	}
	data, err := os.ReadFile(kit)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Error("the kit is not a PDF")
	}
	keyData, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	k, err := backup.ParseKeyFile(keyData)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", kit, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(txt), k.Identity) {
			t.Error("the kit does not hold the key of the key file")
		}
	}

	// Never over an existing file: the kit, or the key file (checked
	// before anything is written).
	r = run(t, "", append(as, "recovery-kit", "--out", kit)...)
	assertOneLineError(t, r, "already exists")
	other := filepath.Join(out, "other.pdf")
	r = run(t, "", append(as, "recovery-kit", "--out", other, "--key-out", key)...)
	assertOneLineError(t, r, "already exists")
	if _, err := os.Lstat(other); err == nil {
		t.Error("the kit was written although the key file exists")
	}
	if again, _ := os.ReadFile(key); !bytes.Equal(again, keyData) {
		t.Error("the key file changed")
	}

	// Without --key-out, only the kit; the same key inside.
	r = run(t, "", append(as, "recovery-kit", "--out", other)...)
	if r.code != 0 {
		t.Fatalf("recovery-kit: %s", r.stderr)
	}
	if !strings.Contains(r.stdout, "then delete the file") || strings.Contains(r.stdout, "Recovery key written") {
		t.Errorf("recovery-kit said %q", r.stdout)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatal(err)
	}

	if r := run(t, "", append(as, "recovery-kit")...); r.code != ExitUsage {
		t.Errorf("no --out: exit %d", r.code)
	}
	if r := run(t, "", append(as, "recovery-kit", "--out", filepath.Join(out, "x"), "--key-out", filepath.Join(out, "x"))...); r.code != ExitUsage {
		t.Errorf("the same file twice: exit %d", r.code)
	}
}
