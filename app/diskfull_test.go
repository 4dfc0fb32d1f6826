package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"safeinvoice/internal/fsutil"
	"safeinvoice/internal/testkit"
	"safeinvoice/storage"
)

func freeSpace(t *testing.T, dir string) uint64 {
	t.Helper()
	free, err := fsutil.FreeSpace(dir)
	if err != nil {
		t.Fatal(err)
	}
	return free
}

// Books on a disk too small to open them safely are refused, clearly, and
// nothing is left half-made.
func TestInitOnAFullDiskIsRefused(t *testing.T) {
	disk := testkit.SmallDisk(t, "32m")
	cfg := testConfig(t)
	cfg.DataDir = filepath.Join(disk, "data")
	_, err := Init(cfg, InitParams{User: adminName, Password: adminPassword, Business: "Acme Tools"})
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("init on a 32 MB disk: %v, want ErrDiskFull", err)
	}
	if storage.Exists(cfg.DataDir) {
		t.Error("a refused init left a vault")
	}
	t.Logf("init said: %v", err)
}

// An import that the disk cannot hold is refused before its first write;
// with room made, the same file imports whole.
func TestImportOnANearlyFullDisk(t *testing.T) {
	disk := testkit.SmallDisk(t, "160m")
	cfg := testConfig(t)
	cfg.DataDir = filepath.Join(disk, "data")
	s := initVault(t, cfg)
	testkit.FillDisk(t, disk, freeSpace(t, disk), storage.MinFreeSpace+8<<20)
	_, err := s.Import(context.Background(), bigImport(5000), nil)
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("import on a nearly full disk: %v, want ErrDiskFull", err)
	}
	var n int
	if err := s.vault.View(func(tx *storage.Tx) error {
		c, err := tx.Counters()
		n = c["invoice"]
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a refused import left %d invoices", n)
	}
	if _, err := s.vault.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
	fillers, _ := filepath.Glob(filepath.Join(disk, "filler-*"))
	for _, f := range fillers {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := s.Import(context.Background(), bigImport(5000), nil); err != nil || res.Invoices != 5000 {
		t.Fatalf("import with room: %+v %v", res, err)
	}
}

// A backup to a full disk fails clearly and leaves no file behind, whether
// the full backup is refused before it starts or an incremental one runs
// out of space while it writes; the books are unharmed.
func TestBackupToAFullDisk(t *testing.T) {
	f := newBackupFixture(t)
	if _, err := f.s.Import(context.Background(), bigImport(2000), nil); err != nil {
		t.Fatal(err)
	}
	disk := testkit.SmallDisk(t, "1m")
	_, err := f.s.BackupNow(context.Background(), disk, nil)
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("a full backup to a 1 MB disk: %v, want ErrDiskFull", err)
	}
	if names := testkit.DirNames(t, disk); len(names) != 0 {
		t.Errorf("the refused backup left %v", names)
	}
	// An incremental one that runs out of room as it writes.
	big := testkit.SmallDisk(t, "8m")
	if _, err := f.s.BackupNow(context.Background(), big, nil); err != nil {
		t.Fatal(err)
	}
	before := testkit.DirNames(t, big)
	testkit.FillDisk(t, big, freeSpace(t, big), 16<<10)
	if _, err := f.s.Import(context.Background(), bigImport(1000), nil); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.BackupNow(context.Background(), big, nil)
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("an incremental backup filling the disk: %v, want ErrDiskFull", err)
	}
	after := testkit.DirNames(t, big)
	if len(after) != len(before)+1 { // the filler only
		t.Errorf("the failed backup left files: before %v, after %v", before, after)
	}
	if _, err := f.s.vault.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
}
