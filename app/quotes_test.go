package app

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/einvoice"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// quoteDraft is a quote with lines whose totals need exact decimal
// arithmetic: a discount, a fractional quantity, two rates.
func quoteDraft(clientID string) invoice.Invoice {
	return invoice.Invoice{Kind: invoice.KindQuote, ClientID: clientID, Currency: "EUR", IssueDate: "2026-11-10", DueDate: "2026-11-30",
		Notes: "Valid for three weeks", Terms: "50 % on order", OrderReference: "RFQ-7", Lines: []invoice.Line{
			{Description: "Design", Quantity: "12.5", UnitPrice: "87.33", TaxRate: "19", Discount: "7.5"},
			{Description: "Printing", Quantity: "3", UnitPrice: "0.335", TaxRate: "7"},
			{Description: "Loyalty", Quantity: "1", UnitPrice: "-10.01", TaxRate: "19"},
		}}
}

func TestAQuoteBecomesAnInvoiceWithTheSameLinesAndTotals(t *testing.T) {
	cfg, clock := clockConfig(t) // 2026-11-24
	s := initVault(t, cfg)
	c := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	q := mustDraft(t, s, quoteDraft(c.ID))
	if q.Kind != invoice.KindQuote || q.Status != invoice.StatusDraft {
		t.Fatalf("draft %+v", q)
	}
	if _, err := s.AcceptQuote(q.ID); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("accepting a draft: %v", err)
	}
	sent := mustIssue(t, s, q.ID)
	if sent.Number != "QUO-2026-0001" || sent.Status != invoice.StatusSent {
		t.Fatalf("sent %q %q", sent.Number, sent.Status)
	}
	// Quotes number apart from invoices, and owe nothing.
	inv := mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID)
	if inv.Number != "INV-2026-0001" {
		t.Errorf("the first invoice after a quote is %s", inv.Number)
	}
	if _, err := s.RecordPayment(sent.ID, invoice.Payment{Date: "2026-11-24", Amount: "1.00"}); err == nil {
		t.Error("a payment on a quote was taken")
	}
	if _, err := s.QuoteToInvoice(sent.ID); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("converting a quote not accepted: %v", err)
	}
	accepted, err := s.AcceptQuote(sent.ID)
	if err != nil || accepted.Status != invoice.StatusAccepted {
		t.Fatalf("accept: %v %q", err, accepted.Status)
	}
	made, err := s.QuoteToInvoice(sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if made.Kind != invoice.KindInvoice || made.Status != invoice.StatusDraft || made.FromQuote != sent.ID ||
		made.IssueDate != "2026-11-24" || made.DueDate != "2026-12-24" || made.OrderReference != "RFQ-7" || made.Terms != sent.Terms {
		t.Errorf("the invoice made %+v", made)
	}
	qt, _ := sent.Totals()
	it, _ := made.Totals()
	if qt.Net.Number() != it.Net.Number() || qt.Total.Number() != it.Total.Number() || len(qt.Rates) != len(it.Rates) {
		t.Errorf("quote %s/%s, invoice %s/%s", qt.Net.Number(), qt.Total.Number(), it.Net.Number(), it.Total.Number())
	}
	for i := range qt.Rates {
		if qt.Rates[i].Tax.Number() != it.Rates[i].Tax.Number() {
			t.Errorf("rate %d: tax %s vs %s", i, qt.Rates[i].Tax.Number(), it.Rates[i].Tax.Number())
		}
	}
	for i, l := range made.Lines {
		if l != sent.Lines[i] {
			t.Errorf("line %d: %+v, the quote's %+v", i+1, l, sent.Lines[i])
		}
	}
	// The quote shows the invoice it became, once.
	q, err = s.Invoice(sent.ID)
	if err != nil || q.Invoiced != made.ID {
		t.Errorf("the quote links to %q, want %q (%v)", q.Invoiced, made.ID, err)
	}
	if _, err := s.QuoteToInvoice(sent.ID); !errors.Is(err, invoice.ErrAlreadyInvoiced) {
		t.Errorf("a second conversion: %v", err)
	}
	// Deleting the draft frees the quote; made again, it links anew.
	if err := s.DeleteDraft(made.ID); err != nil {
		t.Fatal(err)
	}
	if q, _ := s.Invoice(sent.ID); q.Invoiced != "" {
		t.Errorf("the quote still links to the deleted draft %q", q.Invoiced)
	}
	if made, err = s.QuoteToInvoice(sent.ID); err != nil {
		t.Fatal(err)
	}
	// Issued, the invoice keeps its link; the number is the invoices'.
	issued := mustIssue(t, s, made.ID)
	if issued.Number != "INV-2026-0002" || issued.FromQuote != sent.ID {
		t.Errorf("issued %q from %q", issued.Number, issued.FromQuote)
	}

	// A second quote expires after its valid-until date; it is declined,
	// never accepted then.
	q2 := mustIssue(t, s, mustDraft(t, s, quoteDraft(c.ID)).ID)
	clock.Advance(7 * 24 * time.Hour) // 2026-12-01, after 30 November
	if st := q2.EffectiveStatus(cfg.now()); st != invoice.StatusExpired {
		t.Errorf("status %q after its date", st)
	}
	if _, err := s.AcceptQuote(q2.ID); !errors.Is(err, invoice.ErrQuoteExpired) {
		t.Errorf("accepting an expired quote: %v", err)
	}
	if d, err := s.DeclineQuote(q2.ID); err != nil || d.Status != invoice.StatusDeclined {
		t.Errorf("decline: %v %q", err, d.Status)
	}

	// The list: quotes only with Kind, never among invoices; the dashboard
	// and the CSV export leave them out.
	page, err := s.ListInvoices(InvoiceQuery{Kind: invoice.KindQuote})
	if err != nil || page.Matches != 2 {
		t.Fatalf("quotes listed: %d %v", page.Matches, err)
	}
	for _, r := range page.Rows {
		if r.Kind != invoice.KindQuote || r.Balance != "0.00" {
			t.Errorf("quote row %+v", r)
		}
	}
	all, _ := s.ListInvoices(InvoiceQuery{})
	for _, r := range all.Rows {
		if r.Kind == invoice.KindQuote {
			t.Errorf("a quote among the invoices: %+v", r)
		}
	}
	var csv strings.Builder
	if _, err := s.ExportCSV(&csv); err != nil || strings.Contains(csv.String(), "QUO-") {
		t.Errorf("the CSV export has quotes (%v)", err)
	}
	// The numbering check knows the quotes' sequence.
	if res, err := s.CheckBooks(t.Context(), nil); err != nil || !res.OK() {
		t.Errorf("check: %v %+v", err, res.Problems)
	}
}

func TestAQuotePDFSaysQuote(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("needs pdftotext (poppler-utils)")
	}
	s := initVault(t, testConfig(t))
	c := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	q := mustIssue(t, s, mustDraft(t, s, quoteDraft(c.ID)).ID)
	paths, err := s.ExportPDFs(t.Context(), t.TempDir(), []string{q.Number}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", paths[0], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"QUOTE", "Quote no.", "QUO-2026-0001", "Valid until", "2026-11-30", "QUOTE FOR", "QUOTED TOTAL"} {
		if !strings.Contains(text, want) {
			t.Errorf("the quote's PDF lacks %q:\n%s", want, text)
		}
	}
	for _, unwanted := range []string{"INVOICE", "Balance due", "AMOUNT DUE", "Due date"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("the quote's PDF says %q", unwanted)
		}
	}
	// Without numbers, export-pdf writes invoices only.
	paths, err = s.ExportPDFs(t.Context(), t.TempDir(), nil, nil)
	if err != nil || len(paths) != 0 {
		t.Errorf("exporting every issued invoice wrote %v (%v)", paths, err)
	}
	// Not an e-invoice.
	if _, err := s.ExportEInvoices(t.Context(), t.TempDir(), einvoice.FacturX, []string{q.Number}, nil); !errors.Is(err, ErrQuoteNotEInvoice) {
		t.Errorf("a quote as an e-invoice: %v", err)
	}
}

func TestQuoteRoles(t *testing.T) {
	cfg := testConfig(t)
	admin := initVault(t, cfg)
	c := mustClient(t, admin, "Initech", "ap@initech.example")
	addUser(t, admin, "carl", auth.RoleClerk, bobPassword)
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	clerk, err := Login(cfg, "carl", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer clerk.Close()
	q, _, err := clerk.SaveDraft(quoteDraft(c.ID))
	if err != nil {
		t.Fatalf("a clerk drafts a quote: %v", err)
	}
	if _, err := clerk.IssueInvoice(q.ID); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("a clerk sent a quote: %v", err)
	}
	var n int
	if err := clerk.vault.View(func(tx *storage.Tx) error {
		return tx.EachInvoice(func(inv invoice.Invoice) error { n++; return nil })
	}); err != nil || n != 1 {
		t.Errorf("%d documents (%v)", n, err)
	}
}
