package app

import (
	"testing"

	"safeinvoice/invoice"
)

// sumsText is sums as "EUR 545.10 USD 119.00", currencies in order.
func sumsText(s Sums) string {
	out := ""
	for _, code := range []string{"EUR", "GBP", "USD"} {
		if a, ok := s[code]; ok {
			if out != "" {
				out += " "
			}
			out += code + " " + a.Number()
		}
	}
	return out
}

func TestDashboardFiguresAreExact(t *testing.T) {
	cfg := testConfig(t) // today is 2026-11-24
	s := initVault(t, cfg)
	c := mustClient(t, s, "Globex", "ap@globex.example")
	pay := func(id, date, amount string) {
		t.Helper()
		if _, err := s.RecordPayment(id, invoice.Payment{Date: date, Amount: amount}); err != nil {
			t.Fatal(err)
		}
	}
	issue := func(inv invoice.Invoice) invoice.Invoice {
		t.Helper()
		return mustIssue(t, s, mustDraft(t, s, inv).ID)
	}
	// A: 357.00 EUR, due next week, 100.00 paid this month, then 11.90
	// credited.
	a := issue(draft(c.ID))
	pay(a.ID, "2026-11-10", "100.00")
	cn, err := s.CreateCreditNote(a.ID, []invoice.Line{{Description: "Discount", Quantity: "1", UnitPrice: "10.00", TaxRate: "19"}})
	if err != nil {
		t.Fatal(err)
	}
	mustIssue(t, s, cn.ID)
	// B: 357.00 EUR, overdue, 57.00 paid last month.
	b := draft(c.ID)
	b.DueDate = "2026-11-15"
	b = issue(b)
	pay(b.ID, "2026-10-30", "57.00")
	// C: 119.00 USD, overdue.
	cu := draft(c.ID, invoice.Line{Description: "Licence", Quantity: "1", UnitPrice: "100.00", TaxRate: "19"})
	cu.Currency, cu.DueDate = "USD", "2026-11-20"
	cu = issue(cu)
	// D: 357.00 EUR, paid in full this month.
	d := issue(draft(c.ID))
	pay(d.ID, "2026-11-03", "357.00")
	// E: void; F: a draft. Neither is owed.
	e := issue(draft(c.ID))
	if _, err := s.VoidInvoice(e.ID, "sent twice"); err != nil {
		t.Fatal(err)
	}
	mustDraft(t, s, draft(c.ID))

	check := func(when string, outstanding string, open int, overdue string, overdueN int, paid string, payments int) {
		t.Helper()
		got, err := s.Dashboard()
		if err != nil {
			t.Fatal(err)
		}
		if sumsText(got.Outstanding) != outstanding || got.OpenCount != open || sumsText(got.Overdue) != overdue ||
			got.OverdueCount != overdueN || sumsText(got.PaidThisMonth) != paid || got.PaymentsThisMonth != payments || got.Month != "2026-11" {
			t.Errorf("%s: outstanding %q (%d), overdue %q (%d), paid %q (%d payments), month %s;\nwant %q (%d), %q (%d), %q (%d)",
				when, sumsText(got.Outstanding), got.OpenCount, sumsText(got.Overdue), got.OverdueCount,
				sumsText(got.PaidThisMonth), got.PaymentsThisMonth, got.Month, outstanding, open, overdue, overdueN, paid, payments)
		}
	}
	check("at first", "EUR 545.10 USD 119.00", 3, "EUR 300.00 USD 119.00", 2, "EUR 457.00", 2)

	pay(cu.ID, "2026-11-24", "119.00")
	check("after C is paid", "EUR 545.10", 2, "EUR 300.00", 1, "EUR 457.00 USD 119.00", 3)

	// G: issued and overdue, then voided: it leaves both sums.
	g := draft(c.ID)
	g.DueDate = "2026-11-01"
	g = issue(g)
	check("with G", "EUR 902.10", 3, "EUR 657.00", 2, "EUR 457.00 USD 119.00", 3)
	if _, err := s.VoidInvoice(g.ID, "wrong client"); err != nil {
		t.Fatal(err)
	}
	check("after G is voided", "EUR 545.10", 2, "EUR 300.00", 1, "EUR 457.00 USD 119.00", 3)
	want, err := s.Dashboard()
	if err != nil {
		t.Fatal(err)
	}

	// Reopened, the index is rebuilt from the stored summaries.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s = s2
	check("after reopening", sumsText(want.Outstanding), want.OpenCount, sumsText(want.Overdue), want.OverdueCount,
		sumsText(want.PaidThisMonth), want.PaymentsThisMonth)
}
