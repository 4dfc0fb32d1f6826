package app

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/invoice"
	"safeinvoice/reports"
	"safeinvoice/storage"
)

// rat parses a decimal string exactly.
func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("not a decimal: %q", s)
	}
	return r
}

// reportBooks is a vault with invoices in three currencies and several
// rates, payments, credit notes (in full and in part), voids, a quote and
// drafts, with due dates near every aging bucket's edge as of 2026-11-24.
func reportBooks(t *testing.T) *Session {
	t.Helper()
	s := initVault(t, testConfig(t)) // today 2026-11-24
	if _, err := s.GenerateDemo(DemoOptions{Clients: 6, Invoices: 120, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	c := mustClient(t, s, "Edge Cases GmbH", "ap@edge.example")
	rng := rand.New(rand.NewPCG(7, 11))
	// Due 0, 1, 30, 31, 60, 61, 90, 91 days before today.
	for _, back := range []int{0, 1, 30, 31, 60, 61, 90, 91} {
		due := testkitDay(-back)
		d := draft(c.ID, invoice.Line{Description: "Work", Quantity: fmt.Sprint(1 + rng.IntN(5)), UnitPrice: "33.33", TaxRate: "19"},
			invoice.Line{Description: "Books", Quantity: "1", UnitPrice: "9.99", TaxRate: "7"})
		d.IssueDate, d.DueDate = testkitDay(-back-14), due
		inv := mustIssue(t, s, mustDraft(t, s, d).ID)
		switch back {
		case 30:
			if _, err := s.RecordPayment(inv.ID, invoice.Payment{Date: testkitDay(-3), Amount: "10.00"}); err != nil {
				t.Fatal(err)
			}
		case 61:
			if _, err := s.CreditInFull(inv.Number, "Returned"); err != nil {
				t.Fatal(err)
			}
		case 90:
			note, err := s.CreateCreditNote(inv.ID, []invoice.Line{{Description: "Books", Quantity: "1", UnitPrice: "9.99", TaxRate: "7"}})
			if err != nil {
				t.Fatal(err)
			}
			mustIssue(t, s, note.ID)
		case 91:
			if _, err := s.VoidInvoice(inv.ID, "Wrong client"); err != nil {
				t.Fatal(err)
			}
		}
	}
	q := mustDraft(t, s, quoteDraft(c.ID))
	mustIssue(t, s, q.ID)
	return s
}

// testkitDay is today (2026-11-24) moved by days.
func testkitDay(days int) string {
	d, _ := invoice.ParseDate("2026-11-24")
	return d.AddDate(0, 0, days).Format(invoice.DateLayout)
}

// rawDocs reads every invoice as the vault holds it.
func rawDocs(t *testing.T, s *Session) ([]invoice.Invoice, map[string]string) {
	t.Helper()
	var docs []invoice.Invoice
	names := map[string]string{}
	if err := s.vault.View(func(tx *storage.Tx) error {
		if err := tx.EachClient(func(c invoice.Client) error { names[c.ID] = c.Name; return nil }); err != nil {
			return err
		}
		return tx.EachInvoice(func(inv invoice.Invoice) error { docs = append(docs, inv); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	return docs, names
}

func TestReportsAgreeWithTheRecords(t *testing.T) {
	s := reportBooks(t)
	docs, names := rawDocs(t, s)
	counted := func(inv *invoice.Invoice) bool {
		return inv.Kind != invoice.KindQuote && inv.Status != invoice.StatusDraft && inv.Status != invoice.StatusVoid
	}

	// Aging, a second way: for each issued invoice, total less what was
	// paid and credited by the day, put in its bucket by days past due.
	for _, asOf := range []string{"2026-11-24", "2026-10-31", "2026-09-01"} {
		want := map[string]*big.Rat{} // client|currency|bucket → open
		day, _ := invoice.ParseDate(asOf)
		for i := range docs {
			inv := &docs[i]
			if !counted(inv) || inv.Kind == invoice.KindCreditNote || inv.IssueDate > asOf {
				continue
			}
			tot, err := inv.Totals()
			if err != nil {
				t.Fatal(err)
			}
			open := rat(t, tot.Total.Number())
			for _, p := range inv.Payments {
				if p.Date <= asOf {
					open.Sub(open, rat(t, p.Amount))
				}
			}
			for _, c := range inv.Credits {
				if c.Date <= asOf {
					open.Sub(open, rat(t, c.Amount))
				}
			}
			if open.Sign() <= 0 {
				continue
			}
			due, _ := invoice.ParseDate(inv.DueDate)
			days := int(day.Sub(due).Hours() / 24)
			b := "current"
			switch {
			case days > 90:
				b = "over-90"
			case days > 60:
				b = "61-90"
			case days > 30:
				b = "31-60"
			case days > 0:
				b = "1-30"
			}
			k := names[inv.ClientID] + "|" + inv.Currency + "|" + b
			if want[k] == nil {
				want[k] = new(big.Rat)
			}
			want[k].Add(want[k], open)
		}
		rows, err := s.AgingReport(asOf)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*big.Rat{}
		for _, r := range rows {
			if r.ClientID == "" {
				continue
			}
			sum := new(big.Rat)
			for j, b := range []string{"current", "1-30", "31-60", "61-90", "over-90"} {
				v := rat(t, r.Buckets[j])
				sum.Add(sum, v)
				if v.Sign() != 0 {
					got[r.Client+"|"+r.Currency+"|"+b] = v
				}
			}
			if sum.Cmp(rat(t, r.Total)) != 0 {
				t.Errorf("as of %s, %s %s: the buckets add to %s, the total says %s", asOf, r.Client, r.Currency, sum.FloatString(3), r.Total)
			}
		}
		if len(got) != len(want) {
			t.Errorf("as of %s: %d cells, want %d\n got %v\nwant %v", asOf, len(got), len(want), got, want)
		}
		for k, w := range want {
			if g := got[k]; g == nil || g.Cmp(w) != 0 {
				t.Errorf("as of %s, %s: %v, want %s", asOf, k, g, w.FloatString(3))
			}
		}
	}

	// Tax and revenue, a second way, over two periods.
	for _, p := range [][2]string{{"2025-01-01", "2026-12-31"}, {"2026-09-01", "2026-11-30"}} {
		from, to := p[0], p[1]
		wantTax := map[string][2]*big.Rat{}
		wantRev := map[string][3]*big.Rat{}
		revCell := func(k string) [3]*big.Rat {
			if _, ok := wantRev[k]; !ok {
				wantRev[k] = [3]*big.Rat{new(big.Rat), new(big.Rat), new(big.Rat)}
			}
			return wantRev[k]
		}
		for i := range docs {
			inv := &docs[i]
			if !counted(inv) {
				continue
			}
			tot, err := inv.Totals()
			if err != nil {
				t.Fatal(err)
			}
			sign := big.NewRat(1, 1)
			if inv.Kind == invoice.KindCreditNote {
				sign = big.NewRat(-1, 1)
			}
			if inv.IssueDate >= from && inv.IssueDate <= to {
				for _, r := range tot.Rates {
					k := inv.Currency + "|" + r.Category + "|" + r.Rate
					c, ok := wantTax[k]
					if !ok {
						c = [2]*big.Rat{new(big.Rat), new(big.Rat)}
						wantTax[k] = c
					}
					c[0].Add(c[0], new(big.Rat).Mul(sign, rat(t, r.Net.Number())))
					c[1].Add(c[1], new(big.Rat).Mul(sign, rat(t, r.Tax.Number())))
				}
				c := revCell(inv.IssueDate[:7] + "|" + inv.Currency)
				c[0].Add(c[0], new(big.Rat).Mul(sign, rat(t, tot.Net.Number())))
				c[1].Add(c[1], new(big.Rat).Mul(sign, rat(t, tot.Total.Number())))
			}
			for _, pay := range inv.Payments {
				if pay.Date >= from && pay.Date <= to {
					c := revCell(pay.Date[:7] + "|" + inv.Currency)
					c[2].Add(c[2], rat(t, pay.Amount))
				}
			}
		}
		tax, err := s.TaxReport(from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(tax) != len(wantTax) {
			t.Errorf("%s–%s: %d tax rows, want %d", from, to, len(tax), len(wantTax))
		}
		for _, r := range tax {
			w, ok := wantTax[r.Currency+"|"+r.Category+"|"+r.Rate]
			if !ok || w[0].Cmp(rat(t, r.Net)) != 0 || w[1].Cmp(rat(t, r.Tax)) != 0 {
				t.Errorf("%s–%s: tax row %+v, want %v", from, to, r, w)
			}
		}
		rev, err := s.RevenueReport(from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(rev) != len(wantRev) {
			t.Errorf("%s–%s: %d revenue rows, want %d", from, to, len(rev), len(wantRev))
		}
		for _, r := range rev {
			w, ok := wantRev[r.Month+"|"+r.Currency]
			if !ok || w[0].Cmp(rat(t, r.Net)) != 0 || w[1].Cmp(rat(t, r.Gross)) != 0 || w[2].Cmp(rat(t, r.Received)) != 0 {
				t.Errorf("%s–%s: revenue row %+v, want %v", from, to, r, w)
			}
		}
	}
	// The edges: as of today, the invoice due today is current, the one
	// due yesterday 1–30, and the void one and the one credited in full are
	// not there.
	rows, _ := s.AgingReport("")
	var edge *AgingRow
	for i := range rows {
		if rows[i].Client == "Edge Cases GmbH" {
			edge = &rows[i]
		}
	}
	if edge == nil || edge.Buckets[0] == "0.00" || edge.Buckets[4] != "0.00" {
		t.Errorf("the edge client's row %+v", edge)
	}
}

func TestReportCSVColumnsAndFormulaSafety(t *testing.T) {
	s := initVault(t, testConfig(t))
	c := mustClient(t, s, "=HYPERLINK(\"http://evil.example\")", "x@evil.example")
	d := draft(c.ID)
	d.IssueDate, d.DueDate = "2026-09-01", "2026-09-15"
	mustIssue(t, s, mustDraft(t, s, d).ID)
	dir := t.TempDir()
	for _, q := range []ReportQuery{{Kind: ReportAging}, {Kind: ReportTax, From: "2026-01-01", To: "2026-12-31"},
		{Kind: ReportRevenue, From: "2026-01-01", To: "2026-12-31"}} {
		r, err := s.Report(q)
		if err != nil {
			t.Fatal(err)
		}
		name := q.Kind
		path := filepath.Join(dir, name+".csv")
		if err := s.WriteReportCSV(path, r); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
		switch name {
		case "aging":
			if lines[0] != "client,currency,current,1-30,31-60,61-90,over-90,total" ||
				lines[1] != `"'=HYPERLINK(""http://evil.example"")",EUR,0.00,0.00,0.00,357.00,0.00,357.00` ||
				lines[2] != "TOTAL,EUR,0.00,0.00,0.00,357.00,0.00,357.00" {
				t.Errorf("aging CSV:\n%s", data)
			}
		case "tax":
			if lines[0] != "currency,tax_category,tax_rate,net,tax" || lines[1] != "EUR,S,19,300.00,57.00" {
				t.Errorf("tax CSV:\n%s", data)
			}
		case "revenue":
			if lines[0] != "month,currency,invoiced_net,invoiced_gross,received" || lines[1] != "2026-09,EUR,300.00,357.00,0.00" {
				t.Errorf("revenue CSV:\n%s", data)
			}
		}
		if err := s.WriteReportCSV(path, r); err == nil {
			t.Errorf("%s: written over a file", name)
		}
	}
}

func TestReportKindAndPeriodErrors(t *testing.T) {
	s := initVault(t, testConfig(t))
	if _, err := s.Report(ReportQuery{Kind: "profit"}); !errors.Is(err, ErrReportKind) {
		t.Errorf("profit: %v, want ErrReportKind", err)
	}
	if _, err := s.Report(ReportQuery{Kind: ReportRevenue, From: "2026-12-01", To: "2026-01-01"}); !errors.Is(err, reports.ErrPeriod) {
		t.Errorf("backwards period: %v, want reports.ErrPeriod", err)
	}
}

// pdfText is the text of the PDF at path (poppler's pdftotext, which the
// test set-up installs), after qpdf has checked the file's structure.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check %s: %v\n%s", path, err, out)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// The report PDFs carry the report's figures in the locale's format, the
// charts' labels and the business's name, and no client in their metadata.
func TestReportPDFs(t *testing.T) {
	cfg := testConfig(t)
	s := initVault(t, cfg)
	c := mustClient(t, s, "Blue Door Café", "hello@bluedoor.example")
	for i, day := range []string{"2026-09-01", "2026-10-05", "2026-11-20"} {
		d := draft(c.ID)
		d.IssueDate, d.DueDate = day, day
		d.Lines[0].UnitPrice = fmt.Sprint(1000 * (i + 1))
		mustIssue(t, s, mustDraft(t, s, d).ID)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		q    ReportQuery
		want []string
	}{
		{ReportQuery{Kind: ReportAging, AsOf: "2026-11-30"}, []string{"Aged receivables", "As of 2026-11-30",
			"Open balance, EUR", "90+ days", "Over 90", "Blue Door Café", "14,280.00", "Total", "7,140.00", "61–90"}},
		{ReportQuery{Kind: ReportTax, From: "2026-01-01", To: "2026-12-31"}, []string{"Tax summary",
			"2026-01-01 to 2026-12-31", "S standard rate", "19%", "12,000.00", "2,280.00"}},
		{ReportQuery{Kind: ReportRevenue, From: "2026-01-01", To: "2026-12-31"}, []string{"Revenue per month",
			"Invoiced and received, EUR", "Invoiced", "Received", "2026-10", "7,140.00", "7.14k", "4.76k"}},
	} {
		r, err := s.Report(c.q)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, r.FileName()+".pdf")
		if err := s.WriteReportPDF(path, r); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, path)
		for _, w := range append(c.want, "Acme") {
			if !strings.Contains(text, w) {
				t.Errorf("%s: no %q in\n%s", c.q.Kind, w, text)
			}
		}
		info, err := exec.Command("pdfinfo", path).Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(info), r.Title()+" · "+r.Period()) || strings.Contains(string(info), "Blue Door") {
			t.Errorf("%s: metadata\n%s", c.q.Kind, info)
		}
		if err := s.WriteReportPDF(path, r); err == nil {
			t.Errorf("%s: written over a file", c.q.Kind)
		}
	}
	entries, err := s.AuditLog(AuditFilter{Action: "export.report"})
	if err != nil || len(entries) != 3 || !strings.Contains(entries[0].Detail+entries[2].Detail, "report as PDF") {
		t.Errorf("audit entries %+v, %v; want three PDF exports", entries, err)
	}
}

// The dashboard's charts are the revenue report of the last 12 months and
// the aging report's totals, one set per currency, the default first.
func TestDashboardCharts(t *testing.T) {
	s := initVault(t, testConfig(t)) // today is 2026-11-24
	c := mustClient(t, s, "Blue Door Café", "hello@bluedoor.example")
	for _, d := range []struct{ cur, issue, due, price string }{
		{"USD", "2026-11-02", "2026-11-16", "10.00"},
		{"EUR", "2025-11-30", "2025-12-14", "999.00"}, // 13 months ago: aging only
		{"EUR", "2026-06-10", "2026-06-24", "100.00"},
		{"EUR", "2026-11-20", "2026-12-04", "50.00"},
	} {
		inv := draft(c.ID)
		inv.Currency, inv.IssueDate, inv.DueDate, inv.Lines[0].UnitPrice = d.cur, d.issue, d.due, d.price
		mustIssue(t, s, mustDraft(t, s, inv).ID)
	}
	sets, err := s.DashboardCharts()
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Currency != "EUR" || sets[1].Currency != "USD" {
		t.Fatalf("chart sets %+v, want EUR then USD", sets)
	}
	rev := sets[0].Revenue
	if len(rev.Groups) != 12 || rev.Groups[0] != "2025-12" || rev.Groups[11] != "2026-11" {
		t.Errorf("months %v, want 2025-12 … 2026-11", rev.Groups)
	}
	if rev.Values[6][0] != "238.00" || rev.Values[11][0] != "119.00" || rev.Values[0][0] != "0.00" {
		t.Errorf("invoiced %v", rev.Values)
	}
	aging := sets[0].Aging.Values // current, 1–30, 31–60, 61–90, 90+
	if aging[0][0] != "119.00" || aging[4][0] != "2615.62" || aging[1][0] != "0.00" {
		t.Errorf("aging %v", aging)
	}
	if sets[1].Aging.Values[1][0] != "23.80" {
		t.Errorf("USD aging %v", sets[1].Aging.Values)
	}
}
