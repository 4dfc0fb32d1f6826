package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/email"
	"safeinvoice/invoice"
)

// TestSendSelectedInvoices ticks rows in the invoice list and sends them:
// the draft is left out, the invoice sent before goes again only when the
// user says so, and the list then shows both as sent.
func TestSendSelectedInvoices(t *testing.T) {
	cfg, _ := testConfig(t)
	fake := &email.Fake{}
	cfg.Mailer = func(email.Settings) (email.Sender, error) { return fake, nil }
	seedVault(t, cfg)
	s, err := app.Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	pw := "smtp-secret"
	if err := s.SetMailSettings(app.MailSettings{Host: "smtp.acme.example", Port: 587, Security: "starttls",
		Username: "billing", From: "billing@acme.example"}, &pw); err != nil {
		t.Fatal(err)
	}
	clients, err := s.Clients()
	if err != nil || len(clients) != 1 {
		t.Fatalf("clients %v %v", clients, err)
	}
	var numbers []string
	for i := range 3 {
		d, _, err := s.SaveDraft(invoice.Invoice{ClientID: clients[0].ID, Currency: "EUR", IssueDate: "2026-11-01",
			DueDate: "2026-12-01", Lines: []invoice.Line{{Description: "Consulting", Quantity: "1", UnitPrice: "100.00", TaxRate: "19"}}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			break // stays a draft
		}
		inv, err := s.IssueInvoice(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, inv.Number)
	}
	if _, err := s.SendInvoices(t.Context(), numbers[:1], app.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fake.Sent = nil

	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	onUI(u, func() { u.shell.open("invoices") })
	u.Wait()
	l := findList(t, u)
	if l.selBar.Visible() {
		t.Error("the selection's bar shows with nothing selected")
	}
	// Tick all three rows; a tap elsewhere in a row opens it instead.
	onUI(u, func() {
		for i := range 3 {
			l.table.OnSelected(widget.TableCellID{Row: i, Col: 0})
		}
	})
	if !hasLabel(u, "3 invoices selected") {
		t.Fatalf("selection: %s", labels(u))
	}
	tap(t, u, "Send…")
	d := dialogText(u)
	for _, want := range []string{"Send 2 invoices?", "Not sent before: " + numbers[1], "Sent before: " + numbers[0], "Left out", "a draft"} {
		if !strings.Contains(d, want) {
			t.Errorf("the dialog lacks %q: %s", want, d)
		}
	}
	tap(t, u, "Only those not sent")
	if got := fake.Messages(); len(got) != 1 || !strings.Contains(got[0].Subject, numbers[1]) || got[0].To[0] != "ap@globex.example" {
		t.Fatalf("sent %+v", got)
	}
	if d := dialogText(u); !strings.Contains(d, "1 sent, 0 queued for another try, 0 not sent.") {
		t.Errorf("summary: %s", d)
	}
	closeDialogs(u)
	u.Wait()
	l = findList(t, u)
	if len(l.selected) != 0 || l.selBar.Visible() || hasLabel(u, "selected") {
		t.Error("the selection outlived the send")
	}
	var sent int
	onUI(u, func() {
		for i := range 3 {
			if r, ok := l.row(i); ok && r.Sent != "" {
				sent++
			}
		}
	})
	if sent != 2 {
		t.Errorf("%d rows show sent, want 2", sent)
	}

	// Both again, now that both were sent before.
	onUI(u, func() {
		l.table.OnSelected(widget.TableCellID{Row: 0, Col: 0})
		l.table.OnSelected(widget.TableCellID{Row: 1, Col: 0})
	})
	var ticked []string
	for _, r := range l.selection() {
		ticked = append(ticked, r.Number)
	}
	tap(t, u, "Send…")
	if findButton(u, "Only those not sent") != nil {
		t.Errorf("offered to send only unsent ones of %v", ticked)
	}
	tap(t, u, "Send all, again too")
	if got := fake.Messages(); len(got) != 3 {
		t.Errorf("%d messages after sending again, want 3", len(got))
	}
	closeDialogs(u)
	// A tap on a number opens the invoice.
	onUI(u, func() { l.table.OnSelected(widget.TableCellID{Row: 0, Col: 1}) })
	u.Wait()
	if e := findEditor(t, u); !strings.Contains(labels(u), "Sent to ap@globex.example") || e.inv.Number == "" {
		t.Errorf("editor: %s", labels(u))
	}
}

// findList is the invoice list on screen.
func findList(t *testing.T, u *UI) *invoiceList {
	t.Helper()
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if e, ok := o.(*entry); ok && e.list != nil {
			return e.list
		}
	}
	t.Fatal("no invoice list on screen")
	return nil
}
