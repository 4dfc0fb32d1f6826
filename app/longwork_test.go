package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/backup"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// demoBackupFixture is a backup fixture with a few hundred invoices, so
// that a backup stream takes many writes.
func demoBackupFixture(t *testing.T, invoices int) *backupFixture {
	t.Helper()
	f := newBackupFixture(t)
	if _, err := f.s.GenerateDemo(DemoOptions{Clients: invoices/10 + 1, Invoices: invoices, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestBackupNowReportsProgressAndEstimates(t *testing.T) {
	f := demoBackupFixture(t, 300)
	p := testkit.NewProgress(t)
	info, err := f.s.BackupNow(t.Context(), f.dir, p.Func())
	if err != nil {
		t.Fatal(err)
	}
	size := info.Manifest.StreamSize
	if last := p.Last(); p.Count() < 5 || last.Done != size {
		t.Fatalf("progress: %d calls, last %d of %d; the stream is %d bytes", p.Count(), last.Done, last.Total, size)
	}
	// The second full backup is estimated from the first one: exactly,
	// when nothing changed.
	st, err := f.s.BackupState()
	if err != nil {
		t.Fatal(err)
	}
	est, err := f.s.fullBackupEstimate(st)
	if err != nil {
		t.Fatal(err)
	}
	if st.FullSize != size || est < size*9/10 || est > size*11/10 {
		t.Errorf("recorded full size %d, estimate %d, stream %d", st.FullSize, est, size)
	}
}

// TestFullBackupEstimate compares the estimate of a first full backup,
// read off the key index, with the stream: within 10 %.
func TestFullBackupEstimate(t *testing.T) {
	f := demoBackupFixture(t, 2000)
	est, err := f.s.fullBackupEstimate(storage.BackupState{})
	if err != nil {
		t.Fatal(err)
	}
	info := f.backup(t, backup.Full)
	size := info.Manifest.StreamSize
	t.Logf("estimate %d, stream %d", est, size)
	if est < size*9/10 || est > size*11/10 {
		t.Errorf("estimate %d for a stream of %d bytes", est, size)
	}
}

func TestBackupNowCancelled(t *testing.T) {
	f := demoBackupFixture(t, 300)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := testkit.NewProgress(t).CancelAfter(20<<10, cancel)
	_, err := f.s.BackupNow(ctx, f.dir, p.Func())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a cancellation", err)
	}
	if names := testkit.DirNames(t, f.dir); len(names) != 0 {
		t.Errorf("a cancelled backup left %v", names)
	}
	st, err := f.s.BackupState()
	if err != nil {
		t.Fatal(err)
	}
	if !st.LastSuccess.IsZero() || !st.LastFailure.IsZero() || st.LastError != "" {
		t.Errorf("a cancelled backup was recorded as a success or failure: %+v", st)
	}
	if e := lastAudit(t, f.s); e.Action != "backup.cancel" {
		t.Errorf("last audit entry %+v, want backup.cancel", e)
	}
	alerts, err := f.s.Alerts(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Kind == AlertBackup {
			t.Errorf("a cancelled backup raised an alert: %+v", a)
		}
	}
	// The next backup is a complete full one.
	f.backup(t, backup.Full)
}

func TestVerifyBackupsProgressCancelAndListing(t *testing.T) {
	f := demoBackupFixture(t, 200)
	full := f.backup(t, backup.Full)
	mustClient(t, f.s, "New client", "new@example.com")
	incr := f.backup(t, backup.Incremental)

	// Before any verification every backup is listed, unverified.
	l, err := f.s.ListBackups("")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Backups) != 2 || l.Backups[0].Name != filepath.Base(incr.Path) || l.Backups[1].Name != filepath.Base(full.Path) {
		t.Fatalf("listing %+v", l)
	}
	for _, b := range l.Backups {
		if b.Verified() || !b.Checked.IsZero() || b.Unreadable != nil || b.Manifest.Records() == 0 {
			t.Errorf("before verification: %+v", b)
		}
		if len(b.Manifest.Kit.Key) != 0 || len(b.Manifest.Kit.Slots) != 0 {
			t.Error("the listing carries the restore kit's secrets")
		}
	}

	// A cancelled verification records nothing.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := testkit.NewProgress(t).CancelAfter(10<<10, cancel)
	if _, err := f.s.VerifyBackups(ctx, "", p.Func()); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a cancellation", err)
	}
	if st, _ := f.s.BackupState(); !st.LastVerified.IsZero() || len(st.Checked) != 0 {
		t.Errorf("a cancelled verification was recorded: %+v", st)
	}

	// A whole one reports every byte it reads: each file checked, the
	// chain restored once.
	p = testkit.NewProgress(t)
	rep, err := f.s.VerifyBackups(t.Context(), "", p.Func())
	if err != nil || rep.Problems() != 0 {
		t.Fatalf("%v %+v", err, rep)
	}
	want := 2 * (full.Manifest.StreamSize + incr.Manifest.StreamSize)
	p.AssertFinished(t, want)
	if l, err = f.s.ListBackups(""); err != nil {
		t.Fatal(err)
	}
	for _, b := range l.Backups {
		if !b.Verified() {
			t.Errorf("after verification: %+v", b)
		}
	}

	// A damaged backup is listed with the problem the verification found.
	data, err := os.ReadFile(incr.Path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(incr.Path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.VerifyBackups(t.Context(), "", nil); err != nil {
		t.Fatal(err)
	}
	if l, err = f.s.ListBackups(""); err != nil {
		t.Fatal(err)
	}
	if b := l.Backups[0]; b.Verified() || b.Problem == "" || !l.Backups[1].Verified() {
		t.Errorf("after damage: %+v / %+v", b, l.Backups[1])
	}
	// An unreadable manifest shows at once, without a verification.
	e, err := backup.EntryFor(l.Backups[1].Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.ManifestPath, []byte("not a manifest"), 0o600); err != nil {
		t.Fatal(err)
	}
	if l, err = f.s.ListBackups(""); err != nil {
		t.Fatal(err)
	}
	if b := l.Backups[1]; b.Unreadable == nil || b.Verified() {
		t.Errorf("damaged manifest: %+v", b)
	}
}

func TestRestoreCancelledChangesNothing(t *testing.T) {
	f := demoBackupFixture(t, 200)
	info := f.backup(t, backup.Full)
	target := f.cfg
	target.DataDir = filepath.Join(t.TempDir(), "restored")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := testkit.NewProgress(t).CancelAfter(10<<10, cancel)
	_, err := Restore(ctx, target, RestoreParams{From: info.Path, RecoveryKey: f.key(t), Progress: p.Func()})
	if !errors.Is(err, context.Canceled) || errors.Is(err, backup.ErrCorrupt) {
		t.Fatalf("got %v, want a cancellation and no damage reported", err)
	}
	if _, err := os.Stat(target.DataDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled restore created %s", target.DataDir)
	}
	if names := testkit.DirNames(t, filepath.Dir(target.DataDir)); len(names) != 0 {
		t.Errorf("a cancelled restore left %v", names)
	}
	// Restoring over existing books and cancelling keeps them in place.
	ctx2, cancel2 := context.WithCancel(t.Context())
	defer cancel2()
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	before := testkit.DirNames(t, f.cfg.DataDir)
	p = testkit.NewProgress(t).CancelAfter(10<<10, cancel2)
	if _, err := Restore(ctx2, f.cfg, RestoreParams{From: info.Path, RecoveryKey: f.key(t), Replace: true, Progress: p.Func()}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a cancellation", err)
	}
	if after := testkit.DirNames(t, f.cfg.DataDir); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("the books changed: %v → %v", before, after)
	}
	if names := testkit.DirNames(t, filepath.Dir(f.cfg.DataDir)); len(names) != 3 { // data, backups, recovery.txt
		t.Errorf("a cancelled restore left %v beside the books", names)
	}
	// A whole restore reports every byte of the stream.
	p = testkit.NewProgress(t)
	if _, err := Restore(t.Context(), target, RestoreParams{From: info.Path, RecoveryKey: f.key(t), Progress: p.Func()}); err != nil {
		t.Fatal(err)
	}
	p.AssertFinished(t, info.Manifest.StreamSize)
}

// bigImport is an import file of one client and n issued invoices.
func bigImport(n int) *ImportFile {
	f := &ImportFile{Clients: []ImportClient{{ID: "c1", Name: "Big Client", Email: "big@example.com"}}}
	for i := range n {
		f.Invoices = append(f.Invoices, ImportInvoice{Client: "c1", Currency: "EUR", IssueDate: "2026-11-01",
			DueDate: "2026-12-01", Status: "issued", Notes: fmt.Sprintf("order %d", i),
			Lines: []invoice.Line{{Description: "Work", Quantity: "1", UnitPrice: "10.00", TaxRate: "19"}}})
	}
	return f
}

func TestImportProgressAndCancel(t *testing.T) {
	s := initVault(t, testConfig(t))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := testkit.NewProgress(t).CancelAfter(300, cancel) // after the second transaction
	_, err := s.Import(ctx, bigImport(1000), p.Func())
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled, nothing kept") {
		t.Fatalf("got %v, want a cancellation that kept nothing", err)
	}
	if done := p.Last().Done; done <= 300 || done >= 1001 {
		t.Errorf("cancelled at %d of 1001 records", done)
	}
	if rows := listAll(t, s); len(rows) != 0 {
		t.Errorf("%d invoices kept by a cancelled import", len(rows))
	}
	if cs, _ := s.Clients(); len(cs) != 0 {
		t.Errorf("%d clients kept by a cancelled import", len(cs))
	}
	if e := lastAudit(t, s); e.Action != "import.rollback" {
		t.Errorf("last audit entry %+v, want import.rollback", e)
	}
	// Cancelled before it starts: nothing is written, nothing to undo.
	if _, err := s.Import(ctx, bigImport(10), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want a cancellation", err)
	}
	// The same file imports whole afterwards, reporting every record.
	p = testkit.NewProgress(t)
	res, err := s.Import(t.Context(), bigImport(1000), p.Func())
	if err != nil {
		t.Fatal(err)
	}
	if res.Invoices != 1000 {
		t.Errorf("imported %d invoices, want 1000", res.Invoices)
	}
	p.AssertFinished(t, 1001)
	// listAll returns at most 1,000 rows; the match count is the whole list.
	if page, err := s.ListInvoices(InvoiceQuery{Limit: 1}); err != nil || page.Matches != 1000 {
		t.Errorf("%d invoices listed (%v), want 1000", page.Matches, err)
	}
}
