package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

// TestRemindersOnTheDashboard: an overdue invoice shows among the
// reminders due; PDF… writes and records the reminder, which then leaves
// the list and shows in the invoice's history.
func TestRemindersOnTheDashboard(t *testing.T) {
	cfg, _ := testConfig(t) // 2026-11-24
	seedVault(t, cfg)
	s, err := app.Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	clients, _ := s.Clients()
	d, _, err := s.SaveDraft(invoice.Invoice{ClientID: clients[0].ID, Currency: "EUR", IssueDate: "2026-10-01", DueDate: "2026-10-15",
		Lines: []invoice.Line{{Description: "Audit", Quantity: "1", UnitPrice: "500.00", TaxRate: "19"}}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.IssueInvoice(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	onUI(u, func() { u.shell.open("dashboard") })
	u.Wait()
	want := inv.Number + " · Globex Corporation · 40 days overdue · €595.00 · reminder 2"
	if !hasLabel(u, "Payment reminders due") || !hasLabel(u, want) {
		t.Fatalf("the dashboard lacks %q: %s", want, labels(u))
	}
	tap(t, u, "PDF…")
	u.Wait()
	path := filepath.Join(u.pickPath(""), "Reminder 2 "+inv.Number+".pdf")
	if data, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(data), "%PDF") {
		t.Fatalf("the reminder PDF: %v", err)
	}
	if hasLabel(u, want) || hasLabel(u, "Payment reminders due") {
		t.Errorf("the reminder made is still listed: %s", labels(u))
	}
	onUI(u, func() { openInvoice(u.shell, inv.ID) })
	u.Wait()
	if !hasLabel(u, "Payment reminder 2 on 2026-11-24 (40 days overdue, balance €595.00)") {
		t.Errorf("the history lacks the reminder: %s", labels(u))
	}
}

// TestReminderLevelsInSettings: Settings → Reminders… changes the days of
// a level and drops another; the defaults come back with one button.
func TestReminderLevelsInSettings(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	onUI(u, func() { u.shell.open("settings") })
	u.Wait()
	tap(t, u, "Reminders…")
	es := dialogEntries(u) // text, days per level
	if len(es) != 6 || es[1].Text != "7" || es[5].Text != "45" {
		t.Fatalf("the levels shown: %d entries", len(es))
	}
	onUI(u, func() {
		es[1].SetText("10")
		es[0].SetText("Please pay {balance} for {number}.")
		es[5].SetText("")
	})
	tap(t, u, "Save")
	u.Wait()
	levels, err := u.Session().ReminderLevels()
	if err != nil || len(levels) != 2 || levels[0].Days != 10 || levels[0].Text != "Please pay {balance} for {number}." || levels[1].Days != 21 {
		t.Fatalf("levels %+v %v; %q", levels, err, dialogText(u))
	}
	tap(t, u, "Reminders…")
	tap(t, u, "Back to the defaults (7, 21, 45 days)")
	u.Wait()
	if levels, _ := u.Session().ReminderLevels(); len(levels) != 3 || levels[0].Days != 7 {
		t.Errorf("after the reset %+v", levels)
	}
}
