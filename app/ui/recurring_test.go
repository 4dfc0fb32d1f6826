package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/invoice"
	"safeinvoice/recurring"
)

// TestRecurringInvoicesInTheWindow: unlocking makes what a schedule has
// due and says so; the Recurring screen lists the schedule, stops it, and
// sets up a new one from an invoice, which makes today's at once.
func TestRecurringInvoicesInTheWindow(t *testing.T) {
	cfg, _ := testConfig(t) // the clock says 2026-11-24
	seedVault(t, cfg)
	s, err := app.Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	clients, err := s.Clients()
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := s.SaveDraft(invoice.Invoice{ClientID: clients[0].ID, Currency: "EUR", IssueDate: "2026-08-31", DueDate: "2026-09-14",
		Lines: []invoice.Line{{Description: "Hosting", Quantity: "1", UnitPrice: "49.00", TaxRate: "19"}}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := s.IssueInvoice(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddSchedule(app.ScheduleParams{From: src.Number, Period: recurring.Monthly, Start: "2026-09-30"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	u.Wait()
	if d := dialogText(u); !strings.Contains(d, "Issued 2 recurring invoices: INV-2026-0002 (2026-09-30), INV-2026-0003 (2026-10-31).") {
		t.Fatalf("no notice of what unlocking made: %q", d)
	}
	closeDialogs(u)
	onUI(u, func() { u.shell.open("recurring") })
	u.Wait()
	for _, want := range []string{"Globex Corporation", src.Number, "every month", "until stopped, issued", "next 2026-11-30", "1 schedule"} {
		if !hasLabel(u, want) {
			t.Errorf("the Recurring screen lacks %q: %s", want, labels(u))
		}
	}
	test.AssertRendersToMarkup(t, "recurring_list.xml", u.win.Canvas())

	// Stop it.
	var list *widget.List
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if l, ok := o.(*widget.List); ok && l.Length() == 1 {
			list = l
		}
	}
	onUI(u, func() { list.Select(0) })
	if d := dialogText(u); !strings.Contains(d, "2 invoices made so far; next 2026-11-30.") {
		t.Errorf("the schedule's dialog: %q", d)
	}
	tap(t, u, "Stop this schedule")
	tap(t, u, "Yes")
	u.Wait()
	if !hasLabel(u, "stopped 2026-11-24") {
		t.Errorf("not shown stopped: %s", labels(u))
	}
	closeDialogs(u)

	// A new weekly one from the first invoice, starting today: today's is
	// made at once, as a draft.
	tap(t, u, "New schedule")
	es := dialogEntries(u)
	es[0].SetText(src.Number)
	for _, o := range overlayObjects(u) {
		switch w := o.(type) {
		case *widget.Select:
			w.SetSelectedIndex(0)
		case *widget.Check:
			w.SetChecked(true)
		}
	}
	tap(t, u, "Set up")
	u.Wait()
	if d := dialogText(u); !strings.Contains(d, "Made 1 draft to check and issue.") {
		t.Errorf("after setting up: %q", d)
	}
	if !hasLabel(u, "every week") || !hasLabel(u, "2 schedules") || !hasLabel(u, "next 2026-12-01") {
		t.Errorf("the new schedule: %s", labels(u))
	}
}
