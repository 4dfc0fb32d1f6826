package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/app"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
)

// TestTaskDialogProgressAndCancel drives the progress dialog of long work:
// an unknown total shows the amount done, a known one a bar and a
// percentage, and Cancel ends the work's context and says so.
func TestTaskDialogProgressAndCancel(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)

	step := make(chan app.Progress)
	proceed := make(chan struct{})
	var tk *task
	var ended error
	onUI(u, func() {
		tk = u.newTask(taskSpec{title: "Backing up…", intro: "Writing a backup.", unit: byteSize,
			doing: func(n string) string { return n + " written." }, cancelling: "Cancelling…"})
		tk.start(func(ctx context.Context, progress app.Progress) error {
			step <- progress
			<-proceed
			step <- progress
			<-ctx.Done()
			return ctx.Err()
		}, func(err error) { ended = err })
	})
	progress := <-step
	progress(300<<10, 0) // no total yet: the amount, and a spinner
	onUI(u, func() {
		if tk.bar.Visible() || !tk.spin.Visible() || tk.status.Text != "300 kB written." {
			t.Errorf("unknown total: bar shown %v, spinner shown %v, status %q", tk.bar.Visible(), tk.spin.Visible(), tk.status.Text)
		}
	})
	proceed <- struct{}{}
	progress = <-step
	progress(3<<20, 4<<20)
	onUI(u, func() {
		if !tk.bar.Visible() || tk.spin.Visible() || tk.bar.TextFormatter() != "3.0 MB of 4.0 MB" || tk.status.Text != "75 % done." {
			t.Errorf("known total: bar %v %q, spinner %v, status %q", tk.bar.Visible(), tk.bar.TextFormatter(), tk.spin.Visible(), tk.status.Text)
		}
	})
	if d := dialogText(u); !strings.Contains(d, "Writing a backup.") {
		t.Errorf("dialog: %q", d)
	}
	tap(t, u, "Cancel")
	u.Wait()
	if !errors.Is(ended, context.Canceled) {
		t.Errorf("the work ended with %v, want a cancellation", ended)
	}
	if tk.status.Text != "Cancelling…" || !tk.stop.Disabled() {
		t.Errorf("after Cancel: status %q, button disabled %v", tk.status.Text, tk.stop.Disabled())
	}
	if strings.Contains(dialogText(u), "Writing a backup.") {
		t.Error("the progress dialog is still shown")
	}
}

// cancelTasks makes every long task of u cancelled before its work starts,
// as if Cancel were pressed at once.
func cancelTasks(u *UI) { u.onTask = func(tk *task) { tk.stop.OnTapped() } }

func TestBackupsScreenCancel(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	onUI(u, func() { u.shell.open("backups") })
	u.Wait()
	tap(t, u, "Choose…")
	folder := u.pickPath("")
	tap(t, u, "Save settings")

	cancelTasks(u)
	tap(t, u, "Back up now")
	if !hasLabel(u, "The backup was cancelled; nothing was written.") {
		t.Fatalf("cancelled backup: %s %q", labels(u), dialogText(u))
	}
	if entries, _ := os.ReadDir(folder); len(entries) != 0 {
		t.Errorf("a cancelled backup left %v", entries)
	}

	u.onTask = nil
	tap(t, u, "Back up now")
	cancelTasks(u)
	tap(t, u, "Verify all")
	if !hasLabel(u, "The verification was cancelled; the earlier results stand.") || !hasLabel(u, "Not verified yet") {
		t.Fatalf("cancelled verification: %s %q", labels(u), dialogText(u))
	}
}

func TestRestoreCancelKeepsTheBooks(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	s := u.Session()
	folder := t.TempDir()
	info, err := s.BackupNow(context.Background(), folder, nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := s.RecoveryKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	// A change after the backup, which a cancelled restore must keep.
	if _, _, err := s.SaveClient(invoice.Client{Name: "Initech", Email: "x@initech.example"}); err != nil {
		t.Fatal(err)
	}
	cancelTasks(u)
	onUI(u, func() { u.restore(info.Path, keyFile) })
	u.Wait()
	if !hasLabel(u, "The restore was cancelled; nothing was replaced.") {
		t.Fatalf("cancelled restore: %s %q", labels(u), dialogText(u))
	}
	u.onTask = nil
	signIn(t, u, adminName, adminPassword)
	if cs, err := u.Session().Clients(); err != nil || len(cs) != 2 {
		t.Errorf("clients after a cancelled restore: %v %v", cs, err)
	}
}

func TestImportCancel(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	path := filepath.Join(t.TempDir(), "in.json")
	data := `{"clients": [{"id": "c1", "name": "A", "email": "a@example.com"}], "invoices": [{"client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "issued", "lines": [{"description": "A", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]}]}`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	onUI(u, func() { u.shell.open("invoices") })
	u.Wait()
	cancelTasks(u)
	onUI(u, func() { runImport(u.shell, path, func() {}) })
	u.Wait()
	if d := dialogText(u); !strings.Contains(d, "nothing from "+path+" was kept") {
		t.Fatalf("cancelled import: %q", d)
	}
	page, err := u.Session().ListInvoices(app.InvoiceQuery{})
	if err != nil || page.Matches != 0 {
		t.Errorf("invoices after a cancelled import: %d %v", page.Matches, err)
	}
	closeDialogs(u)
	u.onTask = nil
	onUI(u, func() { runImport(u.shell, path, func() {}) })
	u.Wait()
	if d := dialogText(u); !strings.Contains(d, "Imported 1 invoice") {
		t.Fatalf("import: %q", d)
	}
}

// Closing the window with an on-close schedule writes the backup off the
// UI goroutine with a progress dialog, then quits; Cancel quits without it.
func TestCloseRunsTheScheduledBackupWithProgress(t *testing.T) {
	for _, cancel := range []bool{false, true} {
		cfg, _ := testConfig(t)
		seedVault(t, cfg)
		u := newTestUI(t, cfg)
		signIn(t, u, adminName, adminPassword)
		s := u.Session()
		folder := t.TempDir()
		bs, err := s.BackupSettings()
		if err != nil {
			t.Fatal(err)
		}
		bs.Dir, bs.Schedule = folder, "on-close"
		if err := s.SetBackupSettings(bs); err != nil {
			t.Fatal(err)
		}
		var shown *task
		u.onTask = func(tk *task) {
			shown = tk
			if cancel {
				tk.stop.OnTapped()
			}
		}
		onUI(u, u.onClose)
		u.Wait()
		if shown == nil || shown.spec.title != "Backing up before closing…" {
			t.Fatalf("cancel %v: no progress dialog for the backup on close", cancel)
		}
		if u.Session() != nil {
			t.Errorf("cancel %v: the session is still open after closing", cancel)
		}
		names := testkit.DirNames(t, folder)
		if cancel && len(names) != 0 || !cancel && len(names) != 2 {
			t.Errorf("cancel %v: the backup folder holds %v", cancel, names)
		}
	}
}
