package app

import (
	"context"
	"errors"
	"testing"

	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// While an import is written, the rest of the session cannot build on it:
// its clients are not listed or used, its invoices not opened or changed,
// the clients it refers to not deleted. So cancelling it undoes it whole,
// and the list agrees with the vault afterwards.
func TestARunningImportIsNotBuiltOn(t *testing.T) {
	s := initVault(t, testConfig(t))
	mine := mustClient(t, s, "Existing Ltd", "ex@example.com")
	f := bigImport(600)
	f.Invoices[0].Client = mine.ID // one invoice reuses a vault client
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	checked := false
	_, err := s.Import(ctx, f, func(done, total int64) {
		if done < 300 || checked {
			return
		}
		checked = true
		defer cancel()
		cs, err := s.Clients()
		if err != nil || len(cs) != 1 || cs[0].ID != mine.ID {
			t.Errorf("clients during the import: %v %v, want only %s", cs, err, mine.Name)
		}
		page, err := s.ListInvoices(InvoiceQuery{Limit: 1})
		if err != nil || page.Matches != 0 {
			t.Errorf("the list during the import shows %d invoices (%v)", page.Matches, err)
		}
		var staged storage.InvoiceSummary
		_ = s.vault.View(func(tx *storage.Tx) error {
			return tx.EachInvoiceSummary(func(sum storage.InvoiceSummary) error { staged = sum; return errStop })
		})
		if _, err := s.Invoice(staged.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an invoice being imported opened: %v", err)
		}
		if _, _, err := s.SaveDraft(draft(staged.ClientID)); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a draft for a client being imported: %v, want ErrNotFound", err)
		}
		if err := s.DeleteClient(mine.ID); !errors.Is(err, ErrClientInUse) {
			t.Errorf("deleting a client the import refers to: %v, want ErrClientInUse", err)
		}
		if _, err := s.Import(context.Background(), bigImport(1), nil); !errors.Is(err, ErrImportRunning) {
			t.Errorf("a second import meanwhile: %v, want ErrImportRunning", err)
		}
	})
	if !checked || !errors.Is(err, context.Canceled) {
		t.Fatalf("checked %v, import %v", checked, err)
	}
	rep, err := s.vault.Check(t.Context(), nil)
	if err != nil || len(rep.Problems) != 0 {
		t.Errorf("check after the undo: %v %+v", err, rep.Problems)
	}
	page, err := s.ListInvoices(InvoiceQuery{Limit: 1})
	if err != nil || page.Matches != 0 {
		t.Errorf("the list after the undo shows %d invoices (%v)", page.Matches, err)
	}
	if d := mustDraft(t, s, draft(mine.ID, invoice.Line{Description: "x", Quantity: "1", UnitPrice: "1.00", TaxRate: "0"})); d.ID == "" {
		t.Error("no draft after the import")
	}
}
