package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/invoice"
)

// TestQuoteToInvoiceInTheWindow: a quote is drafted on the Quotes screen,
// marked as sent (numbered QUO-…), accepted and made into a draft invoice
// with its lines; each links to the other.
func TestQuoteToInvoiceInTheWindow(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	sh := u.shell
	onUI(u, func() { sh.open("quotes") })
	u.Wait()
	if !hasLabel(u, "No quotes yet.") || !hasLabel(u, "Valid until") {
		t.Errorf("empty quotes: %s", labels(u))
	}
	tap(t, u, "New quote")
	e := findEditor(t, u)
	if e.inv.Kind != invoice.KindQuote || e.due.Text != "2026-12-24" {
		t.Fatalf("new quote %+v, valid until %q: %s", e.inv, e.due.Text, labels(u))
	}
	l := e.lines[0]
	test.Type(l.desc, "Kitchen refit")
	l.qty.SetText("1")
	l.price.SetText("1500.00")
	l.tax.SetText("19")
	test.AssertRendersToMarkup(t, "editor_quote.xml", u.win.Canvas())
	tap(t, u, "Save")
	tap(t, u, "Mark as sent")
	tap(t, u, "Yes")
	u.Wait()
	e = findEditor(t, u)
	if e.inv.Number != "QUO-2026-0001" || e.inv.Status != invoice.StatusSent || !strings.Contains(e.title(), "Quote QUO-2026-0001 · Sent") {
		t.Fatalf("sent: %q %q %q; %q", e.inv.Number, e.inv.Status, e.title(), dialogText(u))
	}
	if findButton(u, "Record payment") != nil || findButton(u, "Credit note") != nil {
		t.Error("a quote offers payments or credit notes")
	}
	tap(t, u, "Accepted")
	u.Wait()
	e = findEditor(t, u)
	if e.inv.Status != invoice.StatusAccepted {
		t.Fatalf("accepted: %q; %q", e.inv.Status, dialogText(u))
	}
	quoteID := e.inv.ID
	tap(t, u, "Make invoice")
	u.Wait()
	e = findEditor(t, u)
	if e.inv.Kind != invoice.KindInvoice || e.inv.Status != invoice.StatusDraft || e.inv.FromQuote != quoteID ||
		len(e.inv.Lines) != 1 || e.inv.Lines[0].UnitPrice != "1500.00" || !hasLabel(u, "€1,785.00") || !hasLabel(u, "Made from a quote") {
		t.Fatalf("the invoice made: %+v: %s", e.inv, labels(u))
	}
	tap(t, u, "Open the quote")
	u.Wait()
	e = findEditor(t, u)
	if e.inv.ID != quoteID || !hasLabel(u, "Made into an invoice") || findButton(u, "Make invoice") != nil {
		t.Errorf("the quote after: %+v: %s", e.inv, labels(u))
	}
	// The lists: the quote among quotes only, the invoice among invoices.
	onUI(u, func() { sh.open("quotes") })
	u.Wait()
	if !hasLabel(u, "1 quote") {
		t.Errorf("quotes: %s", labels(u))
	}
	onUI(u, func() { sh.open("invoices") })
	u.Wait()
	if !hasLabel(u, "1 invoice") {
		t.Errorf("invoices: %s", labels(u))
	}
	var statuses []string
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if s, ok := o.(*widget.Select); ok {
			statuses = append(statuses, s.Options...)
		}
	}
	if strings.Contains(strings.Join(statuses, ","), "Accepted") {
		t.Errorf("the invoice list filters by quote states: %v", statuses)
	}
}
