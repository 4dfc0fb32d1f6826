package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

func TestInvoiceLifecycle(t *testing.T) {
	s := initVault(t, testConfig(t))
	c := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	d := mustDraft(t, s, draft(c.ID))
	if d.Status != invoice.StatusDraft || d.Number != "" || d.ID == "" {
		t.Fatalf("new draft %+v", d)
	}
	d.Lines = append(d.Lines, invoice.Line{Description: "Travel", Quantity: "1", UnitPrice: "80.00", TaxRate: "7"})
	d, _, err := s.SaveDraft(d)
	if err != nil {
		t.Fatalf("edit draft: %v", err)
	}
	inv := mustIssue(t, s, d.ID)
	if inv.Number != "INV-2026-0001" || inv.Status != invoice.StatusIssued {
		t.Fatalf("issued %s %s", inv.Number, inv.Status)
	}
	inv.Notes = "changed after issue"
	if _, _, err := s.SaveDraft(inv); !errors.Is(err, invoice.ErrImmutable) {
		t.Errorf("edit issued: %v, want ErrImmutable", err)
	}
	if err := s.DeleteDraft(inv.ID); !errors.Is(err, invoice.ErrImmutable) {
		t.Errorf("delete issued: %v, want ErrImmutable", err)
	}
	// 300.00 + 57.00 tax + 80.00 + 5.60 tax = 442.60
	inv, err = s.RecordPayment(inv.ID, invoice.Payment{Date: "2026-11-10", Amount: "100.00"})
	if err != nil || inv.Status != invoice.StatusPartiallyPaid {
		t.Fatalf("partial payment: %v %s", err, inv.Status)
	}
	if _, err := s.RecordPayment(inv.ID, invoice.Payment{Date: "2026-11-11", Amount: "342.61"}); !errors.Is(err, invoice.ErrOverpayment) {
		t.Errorf("overpayment: %v", err)
	}
	inv, err = s.RecordPayment(inv.ID, invoice.Payment{Date: "2026-11-11", Amount: "342.60"})
	if err != nil || inv.Status != invoice.StatusPaid {
		t.Fatalf("final payment: %v %s", err, inv.Status)
	}

	second := mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID)
	if second.Number != "INV-2026-0002" {
		t.Errorf("second number %s", second.Number)
	}
	if _, err := s.VoidInvoice(second.ID, ""); err == nil {
		t.Error("void without a reason was accepted")
	}
	voided, err := s.VoidInvoice(second.ID, "wrong client")
	if err != nil || voided.Status != invoice.StatusVoid {
		t.Fatalf("void: %v", err)
	}
	third := mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID)
	if third.Number != "INV-2026-0003" {
		t.Errorf("a voided invoice's number was reused: %s", third.Number)
	}
	// A credit note larger than the invoice is refused and takes no number.
	if _, err := s.CreateCreditNote(third.ID, []invoice.Line{{Description: "Too much", Quantity: "1", UnitPrice: "1000.00", TaxRate: "19"}}); !errors.Is(err, invoice.ErrCreditExceedsTotal) {
		t.Errorf("oversized credit note: %v", err)
	}
	note, err := s.CreateCreditNote(third.ID, []invoice.Line{{Description: "Consulting, one hour less", Quantity: "1", UnitPrice: "75.00", TaxRate: "19"}})
	if err != nil {
		t.Fatal(err)
	}
	note = mustIssue(t, s, note.ID)
	if note.Number != "CN-2026-0001" || note.Kind != invoice.KindCreditNote {
		t.Errorf("credit note %s %s", note.Number, note.Kind)
	}
	third, err = s.Invoice(third.ID)
	if err != nil {
		t.Fatal(err)
	}
	tt, err := third.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if tt.Credited.Number() != "89.25" || tt.Balance.Number() != "267.75" {
		t.Errorf("after credit note: credited %s balance %s", tt.Credited.Number(), tt.Balance.Number())
	}
	dup, err := s.DuplicateInvoice(third.ID)
	if err != nil {
		t.Fatal(err)
	}
	if dup.Status != invoice.StatusDraft || dup.Number != "" || len(dup.Credits) != 0 || dup.IssueDate != "2026-11-24" {
		t.Errorf("duplicate %+v", dup)
	}
	if err := s.DeleteDraft(dup.ID); err != nil {
		t.Errorf("delete draft: %v", err)
	}
	if _, err := s.Invoice(dup.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted draft still there: %v", err)
	}
	if err := s.DeleteClient(c.ID); !errors.Is(err, ErrClientInUse) {
		t.Errorf("delete client with invoices: %v", err)
	}
	if _, err := s.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
	byNumber, err := s.InvoiceByNumber("INV-2026-0003")
	if err != nil || byNumber.ID != third.ID {
		t.Errorf("by number: %v", err)
	}
}

func TestDraftNeedsAnExistingClientAndValidFields(t *testing.T) {
	s := initVault(t, testConfig(t))
	if _, _, err := s.SaveDraft(draft("nobody")); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown client: %v", err)
	}
	c := mustClient(t, s, "A", "a@example.com")
	bad := draft(c.ID, invoice.Line{Description: "x", Quantity: "1,5", UnitPrice: "10", TaxRate: "19"})
	_, _, err := s.SaveDraft(bad)
	var ve *invoice.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("bad quantity: %v", err)
	}
	if got := err.Error(); !strings.Contains(got, "line 1") || !strings.Contains(got, "quantity") {
		t.Errorf("error %q does not name the line and field", got)
	}
}

func TestScannerWarnsThenBlocks(t *testing.T) {
	s := initVault(t, testConfig(t))
	c, warnings, err := s.SaveClient(invoice.Client{Name: "Bank client", Email: "b@example.com", Address: "IBAN DE89 3704 0044 0532 0130 00"})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || warnings[0].Kind != invoice.FindingIBAN || strings.Contains(warnings[0].Excerpt, "3704") {
		t.Fatalf("warnings %+v", warnings)
	}
	err = s.vault.Update(s.user.Name, func(tx *storage.Tx) error {
		p := auth.DefaultPolicy()
		p.ScannerBlocks = true
		if err := tx.PutPolicy(p); err != nil {
			return err
		}
		return tx.Audit("policy.set", "", "scanner blocks")
	})
	if err != nil {
		t.Fatal(err)
	}
	d := draft(c.ID)
	d.Notes = "Card 4111 1111 1111 1111, exp 12/28"
	_, _, err = s.SaveDraft(d)
	if !errors.Is(err, ErrSensitiveData) || strings.Contains(err.Error(), "4111 1111") {
		t.Fatalf("blocked save: %v", err)
	}
	page, err := s.ListInvoices(InvoiceQuery{})
	if err != nil || page.Matches != 0 {
		t.Errorf("a blocked draft was saved: %v %d", err, page.Matches)
	}
}

func TestListSearchFilterSortPage(t *testing.T) {
	s := initVault(t, testConfig(t))
	mueller := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	lodz := mustClient(t, s, "Łódź Bakery", "orders@lodz.example")
	var ids []string
	for i := range 30 {
		cl := mueller
		if i%3 == 0 {
			cl = lodz
		}
		d := draft(cl.ID, invoice.Line{Description: fmt.Sprintf("Widget batch %d", i), Quantity: fmt.Sprint(i + 1), UnitPrice: "10.00", TaxRate: "19"})
		d.IssueDate = fmt.Sprintf("2026-10-%02d", i+1)
		d.DueDate = fmt.Sprintf("2026-11-%02d", i+1) // 1..30 Nov; today is 24 Nov
		if i == 7 {
			d.Notes = "Rush order for the Kraków fair"
		}
		d = mustDraft(t, s, d)
		if i < 20 {
			d = mustIssue(t, s, d.ID)
		}
		ids = append(ids, d.ID)
	}
	q := func(query InvoiceQuery) InvoicePage {
		t.Helper()
		p, err := s.ListInvoices(query)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	all := q(InvoiceQuery{Limit: 100})
	if all.Matches != 30 || all.Rows[0].IssueDate != "2026-10-30" {
		t.Fatalf("default order: %d matches, first %s", all.Matches, all.Rows[0].IssueDate)
	}
	if p := q(InvoiceQuery{Text: "muller"}); p.Matches != 20 {
		t.Errorf("search muller: %d, want 20", p.Matches)
	}
	if p := q(InvoiceQuery{Text: "lodz bakery"}); p.Matches != 10 || p.Rows[0].ClientName != "Łódź Bakery" {
		t.Errorf("search lodz bakery: %d", p.Matches)
	}
	if p := q(InvoiceQuery{Text: "krakow"}); p.Matches != 1 || p.Rows[0].ID != ids[7] {
		t.Errorf("search in notes: %+v", p)
	}
	if p := q(InvoiceQuery{Text: "INV-2026-001"}); p.Matches != 10 {
		t.Errorf("number prefix INV-2026-001: %d, want 10 (0010..0019)", p.Matches)
	}
	if p := q(InvoiceQuery{Text: "INV-2026-0005"}); p.Matches != 1 || p.Rows[0].Number != "INV-2026-0005" {
		t.Errorf("exact number: %+v", p.Rows)
	}
	if p := q(InvoiceQuery{Text: "widget 12"}); p.Matches != 1 {
		t.Errorf("two words: %d", p.Matches)
	}
	// Issued invoices 0..19 are due 1..20 Nov: all overdue on the 24th.
	if p := q(InvoiceQuery{Status: invoice.StatusOverdue, Limit: 100}); p.Matches != 20 {
		t.Errorf("overdue: %d", p.Matches)
	}
	if p := q(InvoiceQuery{Status: invoice.StatusDraft}); p.Matches != 10 {
		t.Errorf("drafts: %d", p.Matches)
	}
	if p := q(InvoiceQuery{ClientID: lodz.ID}); p.Matches != 10 {
		t.Errorf("by client: %d", p.Matches)
	}
	if p := q(InvoiceQuery{From: "2026-10-05", To: "2026-10-09"}); p.Matches != 5 {
		t.Errorf("date range: %d", p.Matches)
	}
	byTotal := q(InvoiceQuery{Sort: "total", Limit: 3})
	if byTotal.Rows[0].Total != "11.90" || byTotal.Rows[1].Total != "23.80" {
		t.Errorf("by total ascending: %v %v", byTotal.Rows[0].Total, byTotal.Rows[1].Total)
	}
	if p := q(InvoiceQuery{Sort: "total", Desc: true, Limit: 1}); p.Rows[0].Total != "357.00" {
		t.Errorf("by total descending: %s", p.Rows[0].Total)
	}
	page2 := q(InvoiceQuery{Sort: "date", Offset: 10, Limit: 10})
	if len(page2.Rows) != 10 || page2.Rows[0].IssueDate != "2026-10-20" || page2.Matches != 30 {
		t.Errorf("page 2 starts at %s (%d rows)", page2.Rows[0].IssueDate, len(page2.Rows))
	}
	// The index follows writes.
	if err := s.DeleteDraft(ids[25]); err != nil {
		t.Fatal(err)
	}
	mueller.Name = "Meier GmbH"
	if _, _, err := s.SaveClient(mueller); err != nil {
		t.Fatal(err)
	}
	if p := q(InvoiceQuery{Text: "meier"}); p.Matches != 19 {
		t.Errorf("after rename and delete: %d, want 19", p.Matches)
	}
	if p := q(InvoiceQuery{Text: "muller"}); p.Matches != 0 {
		t.Errorf("old name still found: %d", p.Matches)
	}
}
