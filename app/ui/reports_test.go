package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

// seedReports adds to a seeded vault three issued invoices of two
// clients, in two currencies, one partly paid.
func seedReports(t *testing.T, cfg app.Config) {
	t.Helper()
	s, err := app.Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	c1, _, err := s.SaveClient(invoice.Client{Name: "Blue Door Café", Email: "hello@bluedoor.example"})
	if err != nil {
		t.Fatal(err)
	}
	c2, _, err := s.SaveClient(invoice.Client{Name: "Alder & Co", Email: "ap@alder.example"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct{ client, cur, issue, due, price, paid string }{
		{c1.ID, "EUR", "2026-07-01", "2026-07-15", "400.00", "100.00"},
		{c2.ID, "EUR", "2026-10-20", "2026-11-10", "50.00", ""},
		{c2.ID, "USD", "2026-11-02", "2026-12-02", "80.00", ""},
	} {
		inv, _, err := s.SaveDraft(invoice.Invoice{ClientID: d.client, Currency: d.cur, IssueDate: d.issue, DueDate: d.due,
			Lines: []invoice.Line{{Description: "Catering", Quantity: "1", UnitPrice: d.price, TaxRate: "19"}}})
		if err != nil {
			t.Fatal(err)
		}
		if inv, err = s.IssueInvoice(inv.ID); err != nil {
			t.Fatal(err)
		}
		if d.paid != "" {
			if _, err := s.RecordPayment(inv.ID, invoice.Payment{Date: "2026-08-01", Amount: d.paid}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// openOnReportsVault signs in to a vault with seedReports' invoices and
// opens screen.
func openOnReportsVault(t *testing.T, screen string) *UI {
	t.Helper()
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	seedReports(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	onUI(u, func() { u.shell.open(screen) })
	u.Wait()
	return u
}

func findSelect(t *testing.T, u *UI, option string) *widget.Select {
	t.Helper()
	for _, o := range all(u) {
		if s, ok := o.(*widget.Select); ok {
			for _, opt := range s.Options {
				if opt == option {
					return s
				}
			}
		}
	}
	t.Fatalf("no choice offers %q", option)
	return nil
}

// TestReportsScreen: the aged receivables as of today with their chart,
// then the revenue per month of a period typed in, then a CSV export.
func TestReportsScreen(t *testing.T) {
	u := openOnReportsVault(t, "reports")
	// Blue Door owes 376.00 (476.00 less 100.00) 132 days past due; Alder
	// 59.50 EUR 14 days past due and 95.20 USD, not yet due.
	for _, want := range []string{"As of 2026-11-24 · 3 rows", "Blue Door Café", "€376.00", "€59.50", "$95.20", "€435.50", "Open balance, EUR"} {
		if !hasLabel(u, want) && !hasText(u, want) {
			t.Errorf("aging: no %q in %s", want, labels(u))
		}
	}
	test.AssertRendersToMarkup(t, "reports_aging.xml", u.win.Canvas())

	onUI(u, func() { findSelect(t, u, "Revenue per month").SetSelected("Revenue per month") })
	u.Wait()
	es := entries(u)
	onUI(u, func() {
		es[0].SetText("2026-07-01")
		es[1].SetText("2026-11-30")
	})
	u.Wait()
	for _, want := range []string{"2026-07-01 to 2026-11-30", "2026-07", "€476.00", "€100.00", "Invoiced and received, EUR"} {
		if !hasLabel(u, want) && !hasText(u, want) {
			t.Errorf("revenue: no %q in %s", want, labels(u))
		}
	}
	tap(t, u, "Export CSV…")
	u.Wait()
	defer func() {
		// A period the wrong way round is said on the screen, and leaves
		// nothing to export.
		closeDialogs(u)
		onUI(u, func() { es[0].SetText("2026-12-01") })
		u.Wait()
		if !hasLabel(u, "Invalid period: 2026-11-30 is before 2026-12-01.") || u.win.Canvas().Overlays().Top() != nil {
			t.Errorf("backwards period: %s", labels(u))
		}
		// A ready-made period sets both dates and runs the report once.
		onUI(u, func() { findSelect(t, u, "Last month").SetSelected("Last month") })
		u.Wait()
		if !hasLabel(u, "2026-10-01 to 2026-10-31 · 1 row") {
			t.Errorf("last month: %s", labels(u))
		}
	}()
	data, err := os.ReadFile(filepath.Join(u.pickPath(""), "revenue-2026-07-01-to-2026-11-30.csv"))
	if err != nil {
		t.Fatalf("export: %v (%q)", err, dialogText(u))
	}
	// Every month in both currencies, the months without revenue as zeros.
	if lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n"); len(lines) != 12 || lines[0] != "month,currency,invoiced_net,invoiced_gross,received" ||
		lines[1] != "2026-07,EUR,400.00,476.00,0.00" || lines[2] != "2026-07,USD,0.00,0.00,0.00" ||
		lines[3] != "2026-08,EUR,0.00,0.00,100.00" || lines[10] != "2026-11,USD,80.00,95.20,0.00" {
		t.Errorf("CSV:\n%s", data)
	}
}

// A date that is not a calendar day takes the previous period's report
// off the screen and leaves nothing to export until it is put right.
func TestReportsScreenClearsOnAnInvalidDate(t *testing.T) {
	u := openOnReportsVault(t, "reports")
	onUI(u, func() { findSelect(t, u, "Tax summary").SetSelected("Tax summary") })
	u.Wait()
	if !hasLabel(u, "2026-01-01 to 2026-12-31 · 2 rows. Tap a heading to sort.") || !hasText(u, "€85.50") {
		t.Fatalf("tax summary: %s", labels(u))
	}
	es := entries(u)
	onUI(u, func() { es[1].SetText("2026-02-30") })
	u.Wait()
	if !hasLabel(u, "To: enter a calendar day as YYYY-MM-DD.") {
		t.Errorf("invalid date: %s", labels(u))
	}
	if hasText(u, "€85.50") || hasLabel(u, "€85.50") {
		t.Error("the previous period's figures are still shown")
	}
	for _, o := range all(u) {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, "Export") && !b.Disabled() {
			t.Errorf("%s is enabled with no report", b.Text)
		}
	}
	onUI(u, func() { es[1].SetText("2026-12-31") })
	u.Wait()
	if !hasLabel(u, "2026-01-01 to 2026-12-31 · 2 rows. Tap a heading to sort.") || !hasText(u, "€85.50") {
		t.Errorf("after the date is put right: %s", labels(u))
	}
	for _, o := range all(u) {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, "Export") && b.Disabled() {
			t.Errorf("%s is disabled with a report", b.Text)
		}
	}
}

// The screen opens on the report last looked at, here the tax summary
// and the revenue per month of this year.
func TestReportsScreenOpensOnTheLastReport(t *testing.T) {
	u := openOnReportsVault(t, "reports")
	for _, c := range []struct {
		title, golden string
		want          []string
	}{
		// Per currency and rate, the three invoices' net and VAT (19 % of
		// 400.00, 50.00 and 80.00).
		{"Tax summary", "reports_tax.xml", []string{"2026-01-01 to 2026-12-31 · 2 rows", "€450.00", "€85.50", "$80.00", "$15.20"}},
		{"Revenue per month", "reports_revenue.xml", []string{"2026-01-01 to 2026-12-31 · 24 rows", "2026-07", "€476.00", "€100.00", "Invoiced and received, EUR"}},
	} {
		onUI(u, func() { findSelect(t, u, c.title).SetSelected(c.title) })
		u.Wait()
		onUI(u, func() { u.shell.open("dashboard") })
		u.Wait()
		onUI(u, func() { u.shell.open("reports") })
		u.Wait()
		if got := findSelect(t, u, c.title).Selected; got != c.title {
			t.Errorf("the screen opened on %q, want %q", got, c.title)
		}
		for _, want := range c.want {
			if !hasLabel(u, want) && !hasText(u, want) {
				t.Errorf("%s: no %q in %s", c.title, want, labels(u))
			}
		}
		test.AssertRendersToMarkup(t, c.golden, u.win.Canvas())
	}
}

// hasText reports whether a canvas text (a chart's label) or a cell of a
// table on the screen says s.
func hasText(u *UI, s string) bool {
	for _, o := range all(u) {
		switch o := o.(type) {
		case *canvas.Text:
			if strings.Contains(o.Text, s) {
				return true
			}
		case *widget.Table:
			rows, cols := o.Length()
			for r := range rows {
				for c := range cols {
					cell := o.CreateCell()
					o.UpdateCell(widget.TableCellID{Row: r, Col: c}, cell)
					if l, ok := cell.(*widget.Label); ok && strings.Contains(l.Text, s) {
						return true
					}
				}
			}
		}
	}
	return false
}

// The table sorts by a tapped heading, the other way round at a second
// tap, amounts as numbers, text folded; total rows stay at the bottom.
func TestReportTableSorts(t *testing.T) {
	cfg, _ := testConfig(t)
	u := newTestUI(t, cfg)
	tb := newReportTable(u)
	cols := []app.ReportColumn{{Title: "Client", Size: 4}, {Title: "Currency", Size: 2}, {Title: "Total", Size: 3, Amount: true}}
	row := func(client, total string) app.ReportRow {
		return app.ReportRow{Currency: "EUR", Cells: []string{client, "EUR", total}}
	}
	total := app.ReportRow{Currency: "EUR", Cells: []string{"Total", "EUR", "1111.00"}, Total: true}
	tb.set(cols, []app.ReportRow{row("émile", "100.00"), row("Zed", "9.00"), row("adam", "1002.00"), total})
	order := func() string {
		var names []string
		for i := range tb.rows {
			names = append(names, tb.rows[i].Cells[0])
		}
		last, _ := tb.row(len(tb.rows))
		return strings.Join(names, ",") + "|" + last.Cells[0]
	}
	for _, c := range []struct {
		col  int
		want string
	}{
		{-1, "émile,Zed,adam|Total"},
		{2, "Zed,émile,adam|Total"}, // 9 < 100 < 1002, not as text
		{2, "adam,émile,Zed|Total"},
		{0, "adam,émile,Zed|Total"}, // é folds to e
		{0, "Zed,émile,adam|Total"},
	} {
		if c.col >= 0 {
			tb.sort(c.col)
		}
		if got := order(); got != c.want {
			t.Errorf("after sorting by %d: %s, want %s", c.col, got, c.want)
		}
	}
}

func TestPeriodDates(t *testing.T) {
	today := time.Date(2026, 2, 14, 10, 0, 0, 0, time.UTC)
	for name, want := range map[string]string{
		"This month": "2026-02-01 2026-02-28", "Last month": "2026-01-01 2026-01-31",
		"This quarter": "2026-01-01 2026-03-31", "Last quarter": "2025-10-01 2025-12-31",
		"This year": "2026-01-01 2026-12-31", "Last year": "2025-01-01 2025-12-31",
		"Last 12 months": "2025-03-01 2026-02-28",
	} {
		f, to := periodDates(name, today)
		if got := f.Format("2006-01-02") + " " + to.Format("2006-01-02"); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
}

// The dashboard's charts: revenue per month and the aging buckets in the
// default currency, another currency a choice away, and a month's figures
// under the pointer.
func TestDashboardCharts(t *testing.T) {
	u := openOnReportsVault(t, "dashboard")
	for _, want := range []string{"Invoiced and received, EUR", "Open balance, EUR", "Jul", "2025", "90+ days"} {
		if !hasText(u, want) {
			t.Errorf("no %q on the dashboard", want)
		}
	}
	test.AssertRendersToMarkup(t, "dashboard_charts.xml", u.win.Canvas())
	var charts []*barChart
	for _, o := range all(u) {
		if c, ok := o.(*barChart); ok {
			charts = append(charts, c)
		}
	}
	if len(charts) != 2 {
		t.Fatalf("%d charts", len(charts))
	}
	rev := charts[0]
	// July 2026 is the 8th of the 12 months, December 2025 to November 2026.
	x0, x1 := rev.plotX(rev.Size())
	onUI(u, func() {
		rev.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x0+(x1-x0)*7.5/12, 50)}})
	})
	if !hasLabel(u, "July 2026: Invoiced €476.00 · Received €0.00") {
		t.Errorf("hover: %s", labels(u))
	}
	onUI(u, func() { rev.MouseOut() })
	if !hasLabel(u, revenueHint) {
		t.Errorf("after the pointer left: %s", labels(u))
	}
	onUI(u, func() { findSelect(t, u, "USD").SetSelected("USD") })
	if !hasText(u, "Invoiced and received, USD") {
		t.Error("no USD chart after choosing USD")
	}
}
