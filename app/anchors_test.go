package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/backup"
	"safeinvoice/internal/testkit"
)

// TestRolledBackDataFolderIsNoticed is the sequence of a data folder put
// back from an old copy: copy it, import more, back up, close, put the old
// copy back. The next login raises an alert naming the missing entries, the
// next backup starts a new full chain, and acknowledging the alert makes
// these books the anchor again.
func TestRolledBackDataFolderIsNoticed(t *testing.T) {
	f := newBackupFixture(t)
	if err := f.s.SetBackupSettings(BackupSettings{Dir: f.dir}); err != nil {
		t.Fatal(err)
	}
	f.backup(t, backup.Full)
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	old := f.cfg.DataDir + ".copy"
	testkit.CopyTree(t, f.cfg.DataDir, old)

	s := login(t, f.cfg)
	if _, err := s.Import(context.Background(), bigImport(30), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BackupNow(context.Background(), "", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A clean login of the newer books raises nothing.
	s = login(t, f.cfg)
	if hasAlert(kinds(t, s), AlertRolledBack, "") {
		t.Fatalf("the current books were taken for an old copy: %v", kinds(t, s))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The old copy is put back.
	if err := os.RemoveAll(f.cfg.DataDir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(old, f.cfg.DataDir); err != nil {
		t.Fatal(err)
	}
	s = login(t, f.cfg)
	t.Cleanup(func() { _ = s.Close() })
	alerts, err := s.Alerts(true)
	if err != nil {
		t.Fatal(err)
	}
	var rolled *Alert
	for i := range alerts {
		if alerts[i].Kind == AlertRolledBack {
			rolled = &alerts[i]
		}
	}
	if rolled == nil {
		t.Fatalf("no alert for a vault put back from an old copy: %v", kinds(t, s))
	}
	for _, want := range []string{"audit entries are missing", "put back from an old copy", "than its backup of"} {
		if !strings.Contains(rolled.Message, want) {
			t.Errorf("the alert %q does not say %q", rolled.Message, want)
		}
	}
	// Its next backup cannot follow the newer chain.
	info, err := s.BackupNow(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Manifest.Kind != backup.Full {
		t.Errorf("the old copy's backup is %s, want a new full chain", info.Manifest.Kind)
	}
	// Retention keeps the newer chain, whatever its policy says: it is the
	// only copy of the books the old copy lacks.
	bs, err := s.BackupSettings()
	if err != nil {
		t.Fatal(err)
	}
	bs.Retention = backup.Policy{Last: 1}
	if err := s.SetBackupSettings(bs); err != nil {
		t.Fatal(err)
	}
	res, err := s.PruneBackups("", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 0 || len(res.Pinned) != 1 || len(res.Kept) != 3 {
		t.Errorf("pruning after the rollback: %+v, want nothing removed and the newer backup pinned", res)
	}
	// Closing does not move the anchor back while the alert stands.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = login(t, f.cfg)
	if !hasAlert(kinds(t, s), AlertRolledBack, "missing compared with the books when it was last closed") {
		t.Errorf("the anchor moved back: %v", kinds(t, s))
	}
	// An administrator carries on from these books.
	alerts, _ = s.Alerts(true)
	for _, a := range alerts {
		if a.Kind == AlertRolledBack {
			if err := s.AckAlert(a.Seq); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = login(t, f.cfg)
	if hasAlert(kinds(t, s), AlertRolledBack, "") {
		t.Errorf("still alerted after the acknowledgement: %v", kinds(t, s))
	}
	f.s = s
}

// A restore puts back an older state on purpose: it is not taken for a
// rollback, in place or in a new folder.
func TestRestoreIsNotARollback(t *testing.T) {
	f := newBackupFixture(t)
	f.cfg.Logf = t.Logf
	info := f.backup(t, backup.Full)
	if _, err := f.s.Import(context.Background(), bigImport(5), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(context.Background(), f.cfg, RestoreParams{From: info.Path, RecoveryKey: f.key(t), Replace: true}); err != nil {
		t.Fatal(err)
	}
	s := login(t, f.cfg)
	f.s = s
	if hasAlert(kinds(t, s), AlertRolledBack, "") {
		t.Errorf("a restore was taken for a rollback: %v", kinds(t, s))
	}
}

// An anchor file altered by hand is reported, not trusted.
func TestAlteredAnchorIsReported(t *testing.T) {
	cfg := testConfig(t)
	s := initVault(t, cfg)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(cfg.AnchorDir, "*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("anchor files %v, %v", files, err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[0], []byte(strings.Replace(string(data), `"seq": `, `"seq": 1`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	s = login(t, cfg)
	t.Cleanup(func() { _ = s.Close() })
	if !hasAlert(kinds(t, s), AlertRolledBack, "its anchor file was altered") {
		t.Errorf("an altered anchor was not reported: %v", kinds(t, s))
	}
}

func login(t *testing.T, cfg Config) *Session {
	t.Helper()
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
