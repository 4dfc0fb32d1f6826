package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/auth"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// An import that SafeInvoice did not finish (killed, or its undo failed) is
// undone by the next command, which says so before its own output.
func TestCommandAfterAnUnfinishedImportSaysItWasUndone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if r := run(t, testPassword+"\n", "--data-dir", dir, "--password-file", "-", "init", "--user", "admin", "--business", "Acme Tools",
		"--recovery-key-out", filepath.Join(t.TempDir(), "key.txt")); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	v, err := storage.Unlock(dir, "admin", auth.NormalizePassword(testPassword), storage.Options{WorkFactor: testkit.CheapWorkFactor, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	st, err := v.Stage("admin", "import", "import of 2 invoices and 1 new clients")
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *storage.Tx) error {
		if err := tx.PutClient(invoice.Client{ID: "c1", Name: "Half Imported Ltd", Email: "h@example.com"}); err != nil {
			return err
		}
		return tx.Audit("client.import", "c1", "")
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil { // as a kill leaves it: no commit
		t.Fatal(err)
	}
	r := run(t, testPassword+"\n", "--data-dir", dir, "--user", "admin", "--password-file", "-", "list")
	if r.code != 0 {
		t.Fatalf("list: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "warning: the unfinished import of 2 invoices and 1 new clients started by admin") ||
		!strings.Contains(r.stderr, "was undone: 1 records removed") {
		t.Errorf("stderr %q", r.stderr)
	}
	// Said once: the next command has nothing to undo, and the books
	// check out whole, the trail included.
	r = run(t, testPassword+"\n", "--data-dir", dir, "--user", "admin", "--password-file", "-", "check")
	if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "No problems found") {
		t.Errorf("check after the undo: %d %q %q", r.code, r.stdout, r.stderr)
	}
}
