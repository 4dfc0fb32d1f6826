package app

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/storage"
)

func TestRecoveryKit(t *testing.T) {
	cfg := testConfig(t)
	s := initVault(t, cfg)
	var want backup.RecoveryKey
	if err := s.vault.View(func(tx *storage.Tx) error {
		var err error
		want, err = recoveryKey(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	alertsBefore, err := s.Alerts(false)
	if err != nil {
		t.Fatal(err)
	}

	kit, err := s.RecoveryKitPDF()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(kit, []byte("%PDF-")) {
		t.Fatal("the kit is not a PDF")
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		path := filepath.Join(t.TempDir(), "kit.pdf")
		if err := os.WriteFile(path, kit, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{want.Identity, want.Recipient, "Acme Tools", s.vault.ID(), "2026-11-24"} {
			if !strings.Contains(string(out), w) {
				t.Errorf("the kit's text lacks %q", w)
			}
		}
	}

	file, err := s.RecoveryKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	got, err := backup.ParseKeyFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("the key file holds %v, want the vault's key", got.Recipient)
	}
	if !strings.Contains(string(file), "# vault: "+s.vault.ID()) {
		t.Errorf("the key file does not name the vault:\n%s", file)
	}

	for _, action := range []string{"recovery.kit", "recovery.key"} {
		if e := pdfAuditEntries(t, s, action); len(e) != 1 || e[0].User != adminName {
			t.Errorf("audit %s: %+v, want one entry by %s", action, e, adminName)
		}
	}
	alertsAfter, err := s.Alerts(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(alertsAfter) != len(alertsBefore) {
		t.Errorf("the recovery kit raised alerts: %+v", alertsAfter[:len(alertsAfter)-len(alertsBefore)])
	}
}

func TestRecoveryKitAdministratorOnly(t *testing.T) {
	cfg := testConfig(t)
	s := initVault(t, cfg)
	passwords := map[auth.Role]string{}
	for _, r := range []auth.Role{auth.RoleBookkeeper, auth.RoleClerk, auth.RoleAuditor} {
		passwords[r] = "Sturdy-Horse-Lamp-" + string(r)
		addUser(t, s, string(r), r, passwords[r])
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for r, pw := range passwords {
		u, err := Login(cfg, string(r), pw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := u.RecoveryKitPDF(); !errors.Is(err, auth.ErrPermission) {
			t.Errorf("%s: RecoveryKitPDF err = %v, want auth.ErrPermission", r, err)
		}
		if _, err := u.RecoveryKeyFile(); !errors.Is(err, auth.ErrPermission) {
			t.Errorf("%s: RecoveryKeyFile err = %v, want auth.ErrPermission", r, err)
		}
		if e := pdfAuditEntries(t, u, "recovery.kit"); len(e) != 0 {
			t.Errorf("%s: refused kit audited as made: %+v", r, e)
		}
		if err := u.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
