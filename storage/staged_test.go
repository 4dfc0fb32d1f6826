package storage

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"safeinvoice/invoice"
)

// books is every record but the trail, the delete marks and counters at
// zero: what a staged change that is undone must leave as it found it.
func books(t *testing.T, v *Vault) map[string]string {
	t.Helper()
	got := allPayloads(t, v)
	for k, val := range got {
		if strings.HasPrefix(k, prefixAudit) || k == keyAuditHead || k == prefixCount+"audit" ||
			strings.HasPrefix(k, prefixGone) || (isCounter(k) && val == string(make([]byte, 8))) {
			delete(got, k)
		}
	}
	return got
}

// stagedImport writes parts transactions of 100 clients, invoices and
// numbers each, the numbers from the sequence "inv", as an import does.
func stagedImport(t *testing.T, st *Staged, tag string, parts int) {
	t.Helper()
	for p := range parts {
		err := st.Update(func(tx *Tx) error {
			for i := range 100 {
				id := fmt.Sprintf("%s-%d-%d", tag, p, i)
				c := invoice.Client{ID: "c" + id, Name: "Client " + id, Email: "x@example.com"}
				if err := tx.PutClient(c); err != nil {
					return err
				}
				n, err := tx.NextSeq("inv")
				if err != nil {
					return err
				}
				number := fmt.Sprintf("INV-%04d", n)
				if err := tx.ClaimNumber(number, "i"+id); err != nil {
					return err
				}
				inv := invoice.Invoice{ID: "i" + id, Kind: invoice.KindInvoice, Status: invoice.StatusDraft, ClientID: c.ID,
					Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01",
					Lines: []invoice.Line{{Description: "Work", Quantity: "1", UnitPrice: "10.00", TaxRate: "19"}}}
				if err := tx.PutInvoice(inv); err != nil {
					return err
				}
				if err := tx.Audit("invoice.import", inv.ID, number); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("staged update %d: %v", p, err)
		}
	}
}

func sameBooks(t *testing.T, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if a, ok := after[k]; !ok {
			t.Errorf("%s is gone", k)
		} else if a != v {
			t.Errorf("%s changed", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s was added", k)
		}
	}
}

func verifyChain(t *testing.T, v *Vault) {
	t.Helper()
	if _, err := v.VerifyAudit(); err != nil {
		t.Fatalf("the audit chain does not verify: %v", err)
	}
}

func auditActions(t *testing.T, v *Vault) map[string]int {
	t.Helper()
	got := map[string]int{}
	err := v.View(func(tx *Tx) error {
		return tx.EachAudit(1, func(e AuditEntry) error {
			got[e.Action]++
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestDiscardedStageLeavesTheBooksAsTheyWere(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 30)
	mustUpdate(t, v, func(tx *Tx) error {
		if _, err := tx.NextSeq("inv"); err != nil {
			return err
		}
		return tx.Audit("test.seq", "", "")
	})
	before := books(t, v)
	st, err := v.Stage(testUser, "import", "import of 1200 invoices")
	if err != nil {
		t.Fatal(err)
	}
	stagedImport(t, st, "a", 12) // 3,600 records and more: far over one transaction's undo
	d, err := st.Discard("the import was cancelled")
	if err != nil {
		t.Fatalf("Discard: %v", err)
	}
	if d.Removed != 12*100*4+12 || d.Kept != 0 {
		t.Errorf("discard removed %d and kept %d records, want %d and 0", d.Removed, d.Kept, 12*100*4+12)
	}
	sameBooks(t, before, books(t, v))
	verifyChain(t, v)
	acts := auditActions(t, v)
	if acts["import.begin"] != 1 || acts["invoice.import"] != 1200 || acts["import.rollback"] < 5 {
		t.Errorf("the trail does not show the undone import: %v", acts)
	}
	// The numbers the import used are free again, and the sequence goes on
	// from where it was.
	mustUpdate(t, v, func(tx *Tx) error {
		n, err := tx.NextSeq("inv")
		if err != nil || n != 2 {
			return fmt.Errorf("next number %d, %v; want 2", n, err)
		}
		if err := tx.ClaimNumber("INV-0002", "other"); err != nil {
			return err
		}
		return tx.Audit("test.seq", "", "")
	})
	if _, err := st.Discard("again"); err == nil {
		t.Error("a discarded change could be discarded again")
	}
}

func TestCommittedStageIsKeptAndLeavesNoBookkeeping(t *testing.T) {
	v, dir := newVault(t)
	st, err := v.Stage(testUser, "import", "import of 300 invoices")
	if err != nil {
		t.Fatal(err)
	}
	stagedImport(t, st, "a", 3)
	if err := st.Commit(func(tx *Tx) error { return tx.Audit("import", "", "300 invoices") }); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	for k := range allPayloads(t, v) {
		if strings.HasPrefix(k, prefixStage) || strings.HasPrefix(k, prefixStageLog) {
			t.Errorf("%s is left after the commit", k)
		}
	}
	v = reopen(t, v, dir)
	if d := v.Discarded(); len(d) != 0 {
		t.Errorf("a committed change was undone at unlock: %v", d)
	}
	if n := keptCounts(t, v)["invoice"]; n != 300 {
		t.Errorf("%d invoices after the commit, want 300", n)
	}
	if err := st.Update(func(tx *Tx) error { return nil }); err == nil {
		t.Error("a committed change took another update")
	}
}

// An unfinished change (the process was killed, which Close without Commit
// is to the database) is undone by the next Unlock, which says so.
func TestUnlockUndoesAnUnfinishedStage(t *testing.T) {
	v, dir := newVault(t)
	fillBooks(t, v, 10)
	before := books(t, v)
	st, err := v.Stage(testUser, "import", "import of 500 invoices")
	if err != nil {
		t.Fatal(err)
	}
	stagedImport(t, st, "a", 5)
	v = reopen(t, v, dir)
	d := v.Discarded()
	if len(d) != 1 || d[0].What != "import of 500 invoices" || d[0].Removed != 5*100*4+5 || d[0].Actor != testUser {
		t.Fatalf("Discarded() = %+v", d)
	}
	if !strings.Contains(d[0].String(), "import of 500 invoices started by alice") {
		t.Errorf("notice %q", d[0])
	}
	sameBooks(t, before, books(t, v))
	verifyChain(t, v)
	v = reopen(t, v, dir)
	if d := v.Discarded(); len(d) != 0 {
		t.Errorf("the undo was repeated: %v", d)
	}
}

// Another writer between the staged transactions: its records and the
// numbers it took stay, so no number is handed out twice.
func TestUndoKeepsWhatOthersWroteMeanwhile(t *testing.T) {
	v, _ := newVault(t)
	st, err := v.Stage(testUser, "import", "import of 300 invoices")
	if err != nil {
		t.Fatal(err)
	}
	stagedImport(t, st, "a", 2)
	var mine uint64
	mustUpdate(t, v, func(tx *Tx) error {
		var err error
		if mine, err = tx.NextSeq("inv"); err != nil {
			return err
		}
		if err := tx.ClaimNumber(fmt.Sprintf("INV-%04d", mine), "theirs"); err != nil {
			return err
		}
		if err := tx.PutClient(invoice.Client{ID: "theirs", Name: "Their client", Email: "t@example.com"}); err != nil {
			return err
		}
		return tx.Audit("invoice.issue", "theirs", "")
	})
	stagedImport(t, st, "b", 1)
	// One imported client changed by someone else is kept too.
	mustUpdate(t, v, func(tx *Tx) error {
		c, err := tx.Client("ca-0-7")
		if err != nil {
			return err
		}
		c.Name = "Renamed meanwhile"
		if err := tx.PutClient(c); err != nil {
			return err
		}
		return tx.Audit("client.update", c.ID, "")
	})
	d, err := st.Discard("cancelled")
	if err != nil {
		t.Fatal(err)
	}
	// The renamed client, and the sequence as the first two transactions
	// left it (another writer advanced it since).
	if d.Kept != 3 {
		t.Errorf("kept %d records, want 3: %+v", d.Kept, d)
	}
	err = v.View(func(tx *Tx) error {
		if _, err := tx.Client("theirs"); err != nil {
			return err
		}
		if _, err := tx.Client("ca-0-7"); err != nil {
			return fmt.Errorf("the renamed client: %w", err)
		}
		if _, err := tx.Client("ca-0-8"); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("an imported client is still there: %v", err)
		}
		if id, err := tx.InvoiceByNumber(fmt.Sprintf("INV-%04d", mine)); err != nil || id != "theirs" {
			return fmt.Errorf("their number: %q, %v", id, err)
		}
		n, err := tx.Seq("inv")
		if err != nil {
			return err
		}
		if n < mine {
			return fmt.Errorf("the sequence went back to %d below the number %d another invoice has", n, mine)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	verifyChain(t, v)
}

func TestStagedChangeCannotDelete(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 1)
	st, err := v.Stage(testUser, "import", "import")
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *Tx) error {
		if err := tx.DeleteClient("c0000"); err != nil {
			return err
		}
		return tx.Audit("client.delete", "c0000", "")
	})
	if !errors.Is(err, ErrStagedDelete) {
		t.Fatalf("delete in a staged change: %v, want ErrStagedDelete", err)
	}
}
