package app

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/testkit"
)

func TestPreviewRestoreShowsWhatTheBackupHolds(t *testing.T) {
	f := newBackupFixture(t)
	addUser(t, f.s, "bob", auth.RoleBookkeeper, "bob's long passphrase 7")
	c := mustClient(t, f.s, "Müller & Söhne KG", "ap@example.com")
	d := mustDraft(t, f.s, draft(c.ID))
	mustIssue(t, f.s, d.ID)
	full := f.backup(t, backup.Full)
	mustDraft(t, f.s, draft(c.ID))
	inc := f.backup(t, backup.Incremental)
	before := treeDigest(t, f.dir)

	// The folder means its newest backup, an incremental one on the full.
	p, err := PreviewRestore(f.cfg, f.dir, f.key(t))
	if err != nil {
		t.Fatal(err)
	}
	m := inc.Manifest
	if p.Kind != backup.Incremental || p.Files != 2 || !p.Created.Equal(m.Created) || p.VaultID != m.VaultID || p.VaultID == "" {
		t.Errorf("preview %+v, manifest %+v", p, m.Public())
	}
	if p.Invoices != 2 || p.Clients != 1 || p.Users != 2 || p.AuditEntries != m.Counts["audit"] || p.AuditEntries == 0 || p.Records != m.Records() {
		t.Errorf("counts %+v, manifest %v", p, m.Counts)
	}
	if !p.TargetHasVault {
		t.Error("the data directory holds a vault")
	}
	if filepath.Base(p.Backup) != filepath.Base(inc.Path) {
		t.Errorf("backup %s, want %s", p.Backup, inc.Path)
	}

	// A full backup's file, into an empty data directory.
	cfg := Config{DataDir: filepath.Join(t.TempDir(), "new"), WorkFactor: testkit.CheapWorkFactor}
	p, err = PreviewRestore(cfg, full.Path, f.key(t))
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != backup.Full || p.Files != 1 || p.Invoices != 1 || p.TargetHasVault {
		t.Errorf("full preview %+v", p)
	}
	if _, err := os.Stat(cfg.DataDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the preview created the data directory: %v", err)
	}

	// A wrong key, a file that is no key, a damaged manifest are refused.
	other, _ := backup.NewRecoveryKey()
	if _, err := PreviewRestore(cfg, f.dir, other.KeyFile("x", "", time.Now())); !errors.Is(err, ErrBackupWrongKey) {
		t.Errorf("wrong key: %v", err)
	}
	if _, err := PreviewRestore(cfg, f.dir, []byte("nonsense")); !errors.Is(err, backup.ErrBadRecoveryKey) {
		t.Errorf("no key: %v", err)
	}
	if _, err := PreviewRestore(cfg, filepath.Join(t.TempDir(), "nothing"), f.key(t)); err == nil {
		t.Error("a missing backup was accepted")
	}
	if got := treeDigest(t, f.dir); got != before {
		t.Error("the preview changed the backup folder")
	}
	bad := filepath.Join(t.TempDir(), "bad")
	copyDir(t, f.dir, bad)
	man := filepath.Join(bad, filepath.Base(full.ManifestPathForTest()))
	if err := os.WriteFile(man, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = PreviewRestore(cfg, filepath.Join(bad, filepath.Base(full.Path)), f.key(t))
	if !errors.Is(err, ErrBackupCorrupt) && !errors.Is(err, ErrBackupForeign) {
		t.Errorf("damaged manifest: %v", err)
	}
	_, err = PreviewRestore(cfg, bad, f.key(t))
	if !errors.Is(err, ErrBackupChainGap) {
		t.Errorf("incremental on a damaged full: %v", err)
	}
}
