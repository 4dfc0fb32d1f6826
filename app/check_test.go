package app

import (
	"context"
	"os"
	"strings"
	"testing"

	"safeinvoice/backup"
	"safeinvoice/storage"
)

// An issued invoice that is lost leaves a gap in the numbering, which the
// check names; intact numbering, and numbers from an older pattern, do not.
func TestCheckFindsAGapInTheNumbering(t *testing.T) {
	s := initVault(t, testConfig(t))
	c := mustClient(t, s, "Globex", "ap@globex.example")
	var ids []string
	for range 3 {
		ids = append(ids, mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID).ID)
	}
	res, err := s.CheckBooks(context.Background(), nil)
	if err != nil || !res.OK() {
		t.Fatalf("intact books: %v %+v", err, res.Problems)
	}
	// The second invoice disappears, as a rewrite by someone with the
	// keys would make it.
	err = s.vault.Update(adminName, func(tx *storage.Tx) error {
		if err := tx.DeleteInvoice(ids[1]); err != nil {
			return err
		}
		return tx.Audit("test.delete", ids[1], "")
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err = s.CheckBooks(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var gap string
	for _, p := range res.Problems {
		if p.Record == "seq/invoice" {
			gap = p.Problem
		}
	}
	if !strings.Contains(gap, "number 2 of the sequence after INV-2026-0001") || !strings.Contains(gap, "gap in the numbering") {
		t.Errorf("problems %+v, want the gap at number 2", res.Problems)
	}
}

// A damaged record is looked for in the verified backups, newest first:
// the check names the one whose restored copy still holds it.
func TestCheckNamesTheBackupThatHoldsARecord(t *testing.T) {
	f := newBackupFixture(t)
	if err := f.s.SetBackupSettings(BackupSettings{Dir: f.dir}); err != nil {
		t.Fatal(err)
	}
	old := mustClient(t, f.s, "Globex", "ap@globex.example")
	first := f.backup(t, backup.Full)
	late := mustClient(t, f.s, "Initech", "ap@initech.example")
	second := f.backup(t, backup.Incremental)
	if _, err := f.s.VerifyBackups(context.Background(), "", nil); err != nil {
		t.Fatal(err)
	}
	l, err := f.s.ListBackups("")
	if err != nil {
		t.Fatal(err)
	}
	held, err := f.s.findInBackups(context.Background(), []string{"client/" + old.ID, "client/" + late.ID, "client/never"}, l.Backups)
	if err != nil {
		t.Fatal(err)
	}
	if h := held["client/"+late.ID]; h.Path != second.Path {
		t.Errorf("the newer client is held by %q, want %s", h.Path, second.Path)
	}
	if h := held["client/"+old.ID]; h.Path != second.Path {
		t.Errorf("the older client is held by %q, want the newest backup %s", h.Path, second.Path)
	}
	if h, ok := held["client/never"]; ok {
		t.Errorf("a record no backup has is held by %s", h.Path)
	}
	// A backup whose restore fails is passed over for the next.
	if err := os.WriteFile(second.Path, []byte("not a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	held, err = f.s.findInBackups(context.Background(), []string{"client/" + old.ID}, l.Backups)
	if err != nil {
		t.Fatal(err)
	}
	if h := held["client/"+old.ID]; h.Path != first.Path {
		t.Errorf("with the newest backup broken, the client is held by %q, want %s", h.Path, first.Path)
	}
	if got := damagedRecords([]CheckProblem{{Record: "invoice/ab"}, {Record: "the database files"}, {Record: "seq/invoice"}, {Record: "invoice/…"}, {Record: "invoice/ab"}}); len(got) != 1 || got[0] != "invoice/ab" {
		t.Errorf("damagedRecords = %v", got)
	}
}
