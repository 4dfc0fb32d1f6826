package app

import (
	"context"
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
)

// reportToday is the test clock's today.
const reportToday = "2026-11-24"

// reportDay is today moved by days.
func reportDay(days int) string {
	d, _ := invoice.ParseDate(reportToday)
	return d.AddDate(0, 0, days).Format(invoice.DateLayout)
}

// agingEdges are the open invoices of the report books on either side of
// every aging bucket's edge as of today: days past due (negative: not yet
// due), and the bucket (an index of agingBuckets) each belongs in. Each
// has a client of its own, so that its row shows where it went.
var agingEdges = []struct{ back, bucket int }{
	{-14, 0}, {-1, 0}, {0, 0}, {1, 1}, {30, 1}, {31, 2}, {60, 2}, {61, 3}, {90, 3}, {91, 4},
}

// edgeClient is the client of the edge invoice back days past due.
func edgeClient(back int) string {
	if back < 0 {
		return fmt.Sprintf("Edge: due in %d days", -back)
	}
	return fmt.Sprintf("Edge: %d days past due", back)
}

// reportBooks is a vault for the reports: the demo data (five currencies,
// rates 0, 7 and 19, drafts, void, partly and fully paid invoices over six
// years) and, by hand,
//   - an open invoice on either side of every aging edge (agingEdges);
//   - on "Edge Cases GmbH": one due 61 days ago credited in full, one due
//     91 days ago void, one due 90 days ago credited in part, one due 30
//     days ago paid in part, a quote and a draft (the credit notes are
//     dated today, so they count only from today);
//   - an invoice whose figures depend on the rounding rules (a rate given
//     as "19.00" and "19", "7.70", a discount, a negative line, zero rates
//     with and without a category, tax that differs when rounded per line),
//     paid in part and credited in part;
//   - a partly paid invoice with a second payment after some as-of dates;
//   - two yen invoices (no minor digits), with payments.
//
// The map names the hand-made invoices' numbers: "edge N" (N days past
// due), "credited in full", "void", "credited in part", "paid in part",
// "rounding", "late payer", "yen", "yen paid".
func reportBooks(t *testing.T) (*Session, map[string]string) {
	t.Helper()
	s := initVault(t, testConfig(t)) // today 2026-11-24
	if _, err := s.GenerateDemo(DemoOptions{Clients: 6, Invoices: 120, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	numbers := map[string]string{}
	issue := func(name string, d invoice.Invoice) invoice.Invoice {
		t.Helper()
		inv := mustIssue(t, s, mustDraft(t, s, d).ID)
		numbers[name] = inv.Number
		return inv
	}
	pay := func(inv invoice.Invoice, date, amount string) {
		t.Helper()
		if _, err := s.RecordPayment(inv.ID, invoice.Payment{Date: date, Amount: amount}); err != nil {
			t.Fatal(err)
		}
	}
	credit := func(inv invoice.Invoice, lines ...invoice.Line) {
		t.Helper()
		note, err := s.CreateCreditNote(inv.ID, lines)
		if err != nil {
			t.Fatal(err)
		}
		mustIssue(t, s, note.ID)
	}
	books := invoice.Line{Description: "Books", Quantity: "1", UnitPrice: "9.99", TaxRate: "7"}
	rng := rand.New(rand.NewPCG(7, 11))
	work := func() invoice.Line {
		return invoice.Line{Description: "Work", Quantity: fmt.Sprint(1 + rng.IntN(5)), UnitPrice: "33.33", TaxRate: "19"}
	}
	dueBack := func(clientID string, back int) invoice.Invoice {
		d := draft(clientID, work(), books)
		d.IssueDate, d.DueDate = reportDay(-back-14), reportDay(-back)
		return d
	}

	for _, e := range agingEdges {
		c := mustClient(t, s, edgeClient(e.back), fmt.Sprintf("ap%d@edge.example", e.back+100))
		issue(fmt.Sprint("edge ", e.back), dueBack(c.ID, e.back))
	}

	c := mustClient(t, s, "Edge Cases GmbH", "ap@edge.example")
	inv := issue("credited in full", dueBack(c.ID, 61))
	if _, err := s.CreditInFull(inv.Number, "Returned"); err != nil {
		t.Fatal(err)
	}
	inv = issue("void", dueBack(c.ID, 91))
	if _, err := s.VoidInvoice(inv.ID, "Wrong client"); err != nil {
		t.Fatal(err)
	}
	credit(issue("credited in part", dueBack(c.ID, 90)), books)
	pay(issue("paid in part", dueBack(c.ID, 30)), reportDay(-3), "10.00")
	mustDraft(t, s, dueBack(c.ID, 45))
	mustIssue(t, s, mustDraft(t, s, quoteDraft(c.ID)).ID)

	c = mustClient(t, s, "Rounding Werkstatt KG", "ap@rounding.example")
	d := draft(c.ID,
		invoice.Line{Description: "Screw", Quantity: "1", UnitPrice: "0.03", TaxRate: "19"},
		invoice.Line{Description: "Screw", Quantity: "1", UnitPrice: "0.03", TaxRate: "19.00"},
		invoice.Line{Description: "Screw", Quantity: "1", UnitPrice: "0.03", TaxRate: "19"},
		invoice.Line{Description: "Printing", Quantity: "3", UnitPrice: "0.335", TaxRate: "7.70"},
		invoice.Line{Description: "Design", Quantity: "12.5", UnitPrice: "87.33", TaxRate: "16", Discount: "7.5"},
		invoice.Line{Description: "Rounding", Quantity: "1", UnitPrice: "-0.005", TaxRate: "16"},
		invoice.Line{Description: "Export shipping", Quantity: "1", UnitPrice: "25.00", TaxRate: "0", TaxCategory: "Z"},
		invoice.Line{Description: "Sample", Quantity: "1", UnitPrice: "5.00", TaxRate: "0"})
	d.IssueDate, d.DueDate = "2026-10-20", "2026-11-19"
	inv = issue("rounding", d)
	pay(inv, "2026-11-01", "500.00")
	credit(inv, invoice.Line{Description: "Printing", Quantity: "3", UnitPrice: "0.335", TaxRate: "7.70"})

	c = mustClient(t, s, "Late Payer Ltd", "ap@late.example")
	d = draft(c.ID, invoice.Line{Description: "Consulting", Quantity: "7.5", UnitPrice: "95.00", TaxRate: "19"})
	d.IssueDate, d.DueDate = "2026-09-15", "2026-10-15"
	inv = issue("late payer", d)
	pay(inv, "2026-10-10", "100.00")
	pay(inv, "2026-11-20", "50.00")

	c = mustClient(t, s, "Tanaka Shoji KK", "ap@tanaka.example")
	d = draft(c.ID,
		invoice.Line{Description: "Tea", Quantity: "2.5", UnitPrice: "1333", TaxRate: "10"},
		invoice.Line{Description: "Green tea", Quantity: "7", UnitPrice: "415", TaxRate: "8"},
		invoice.Line{Description: "Sweets", Quantity: "1", UnitPrice: "1200", TaxRate: "10"})
	d.Currency, d.IssueDate, d.DueDate = "JPY", "2026-10-01", "2026-10-31"
	pay(issue("yen", d), "2026-11-05", "5000")
	d = draft(c.ID, invoice.Line{Description: "Tea set", Quantity: "1", UnitPrice: "12345", TaxRate: "10"})
	d.Currency, d.IssueDate, d.DueDate = "JPY", "2026-07-15", "2026-08-14"
	pay(issue("yen paid", d), "2026-08-20", "13580")
	return s, numbers
}

// agingRows writes the aging report's rows as the second computation
// does (exportBooks.aging).
func agingRows(rows []AgingRow) []string {
	var out []string
	for _, r := range rows {
		name := r.Client
		if r.ClientID == "" {
			name = "TOTAL"
		}
		out = append(out, strings.Join(append([]string{r.ClientID, name, r.Currency}, append(r.Buckets[:], r.Total)...), ","))
	}
	return out
}

// The aging report, as of days around every edge, agrees row for row
// (the currency totals too) with the second computation from the export.
func TestAgingReportAgreesWithTheExport(t *testing.T) {
	s, _ := reportBooks(t)
	b := readExport(t, s)
	for _, asOf := range []string{reportToday, reportDay(-1), reportDay(1), "2026-11-20", "2026-11-01", "2026-10-31",
		"2026-10-15", "2026-10-10", "2026-10-09", "2026-09-01", "2025-12-31", "2023-03-01", "2021-06-30"} {
		rows, err := s.AgingReport(asOf)
		if err != nil {
			t.Fatal(err)
		}
		sameRows(t, "aging as of "+asOf, agingRows(rows), b.aging(t, asOf))
	}
}

// As of today, every edge invoice is in its own bucket and nowhere else;
// the void invoice and the one credited in full are not there; a payment
// after the as-of day does not count; yen have no minor digits.
func TestAgingReportPutsEachInvoiceInItsBucket(t *testing.T) {
	s, numbers := reportBooks(t)
	b := readExport(t, s)
	report := func(asOf string) map[string]AgingRow {
		t.Helper()
		rows, err := s.AgingReport(asOf)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]AgingRow{}
		for _, r := range rows {
			if r.ClientID == "" {
				byName["TOTAL "+r.Currency] = r
			} else {
				byName[r.Client+" "+r.Currency] = r
			}
		}
		return byName
	}
	// expect checks a row: the bucket named holds want, the others zero.
	expect := func(rows map[string]AgingRow, asOf, row string, zero string, want map[int]string) {
		t.Helper()
		r, ok := rows[row]
		if !ok {
			t.Errorf("as of %s: no row %q", asOf, row)
			return
		}
		for i, got := range r.Buckets {
			w, ok := want[i]
			if !ok {
				w = zero
			}
			if got != w {
				t.Errorf("as of %s, %s: %s is %s, want %s (row %+v)", asOf, row, agingBuckets[i], got, w, r)
			}
		}
	}
	openOf := func(name, asOf string) string {
		d := b.ByNumber[numbers[name]]
		return money(d.open(asOf), d.Currency)
	}

	rows := report(reportToday)
	for _, e := range agingEdges {
		expect(rows, reportToday, edgeClient(e.back)+" EUR", "0.00", map[int]string{e.bucket: openOf(fmt.Sprint("edge ", e.back), reportToday)})
	}
	// Credited in part (90 days) and paid in part (30 days) are open; void
	// (91) and credited in full (61) add nothing.
	expect(rows, reportToday, "Edge Cases GmbH EUR", "0.00", map[int]string{
		1: openOf("paid in part", reportToday), 3: openOf("credited in part", reportToday)})
	if got := openOf("credited in full", reportToday); got != "0.00" {
		t.Errorf("the invoice credited in full still owes %s", got)
	}
	// Yesterday the credit notes (dated today) did not count yet.
	expect(report(reportDay(-1)), reportDay(-1), "Edge Cases GmbH EUR", "0.00", map[int]string{
		1: openOf("paid in part", reportDay(-1)), 2: openOf("credited in full", reportDay(-1)), 3: openOf("credited in part", reportDay(-1))})

	// Figures worked out by hand: 7.5 × 95.00 = 712.50, tax 19 % 135.375 →
	// 135.38, total 847.88; paid 100.00 on 2026-10-10 and 50.00 on
	// 2026-11-20; due 2026-10-15.
	for _, c := range []struct {
		asOf   string
		bucket int
		open   string
	}{
		{"2026-10-09", 0, "847.88"}, {"2026-10-10", 0, "747.88"}, {"2026-10-15", 0, "747.88"}, {"2026-10-16", 1, "747.88"},
		{"2026-11-14", 1, "747.88"}, {"2026-11-15", 2, "747.88"}, {"2026-11-19", 2, "747.88"}, {"2026-11-20", 2, "697.88"},
		{reportToday, 2, "697.88"},
	} {
		expect(report(c.asOf), c.asOf, "Late Payer Ltd EUR", "0.00", map[int]string{c.bucket: c.open})
		if got := openOf("late payer", c.asOf); got != c.open {
			t.Errorf("as of %s the second computation has the late payer owe %s, want %s", c.asOf, got, c.open)
		}
	}
	// Yen: 2.5 × 1333 = 3332.5 → 3333, + 1200, tax 10 % of 4533 = 453.3 →
	// 453; 7 × 415 = 2905, tax 8 % 232.4 → 232; total 8123, 5000 paid on
	// 2026-11-05; due 2026-10-31, 24 days ago. The other is paid in full.
	expect(rows, reportToday, "Tanaka Shoji KK JPY", "0", map[int]string{1: "3123"})
	expect(rows, reportToday, "TOTAL JPY", "0", map[int]string{1: "3123"})
	if r := rows["TOTAL JPY"]; r.Total != "3123" {
		t.Errorf("yen total %+v", r)
	}
	expect(report("2026-11-04"), "2026-11-04", "Tanaka Shoji KK JPY", "0", map[int]string{1: "8123"})
	expect(report("2026-08-19"), "2026-08-19", "Tanaka Shoji KK JPY", "0", map[int]string{1: "13580"})
	if _, ok := report("2026-08-20")["Tanaka Shoji KK JPY"]; ok {
		t.Errorf("as of 2026-08-20 the yen invoice paid that day is still open")
	}
}

// The tax summary agrees row for row with the second computation, over
// periods whose first and last days fall on invoices and credit notes.
func TestTaxReportAgreesWithTheExport(t *testing.T) {
	s, _ := reportBooks(t)
	b := readExport(t, s)
	for _, p := range reportPeriods {
		rows, err := s.TaxReport(p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, strings.Join([]string{r.Currency, r.Category, r.Rate, r.Net, r.Tax}, ","))
		}
		sameRows(t, "tax "+p[0]+" to "+p[1], got, b.tax(p[0], p[1]))
	}
	// By hand: the rounding invoice's 19 % tax is round(0.09 × 0.19) =
	// 0.02, not three times round(0.03 × 0.19) = 0.03.
	rows, err := s.TaxReport("2026-10-20", "2026-10-20")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"EUR,,0,5.00,0.00", "EUR,S,7.7,1.01,0.08", "EUR,S,16,1009.74,161.56", "EUR,S,19,0.09,0.02", "EUR,Z,0,25.00,0.00"}
	var got []string
	for _, r := range rows {
		got = append(got, strings.Join([]string{r.Currency, r.Category, r.Rate, r.Net, r.Tax}, ","))
	}
	sameRows(t, "tax of 2026-10-20", got, want)
}

// reportPeriods are the tax and revenue reports' periods: all the books,
// two years, from the day of an invoice to the day of a payment and the
// days within, today (the credit notes) alone, and a summer of yen.
var reportPeriods = [][2]string{
	{"2021-01-01", "2026-12-31"}, {"2025-01-01", "2026-12-31"}, {"2026-09-15", "2026-11-20"},
	{"2026-09-16", "2026-11-19"}, {reportToday, reportToday}, {"2026-07-01", "2026-08-31"},
}

// The revenue report agrees row for row with the second computation: a
// row for every month of the period in each currency with anything
// invoiced or received in it, zeros ("0.00", "0" for yen) where a month
// had nothing.
func TestRevenueReportAgreesWithTheExport(t *testing.T) {
	s, _ := reportBooks(t)
	b := readExport(t, s)
	for _, p := range reportPeriods {
		rows, err := s.RevenueReport(p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, strings.Join([]string{r.Month, r.Currency, r.Net, r.Gross, r.Received}, ","))
		}
		sameRows(t, "revenue "+p[0]+" to "+p[1], got, b.revenue(t, p[0], p[1]))
	}
	// By hand: yen in the summer of 2026, a month without anything.
	rows, err := s.RevenueReport("2026-06-01", "2026-08-31")
	if err != nil {
		t.Fatal(err)
	}
	var yen []string
	for _, r := range rows {
		if r.Currency == "JPY" {
			yen = append(yen, strings.Join([]string{r.Month, r.Net, r.Gross, r.Received}, ","))
		}
	}
	if want := "2026-06,0,0,0 2026-07,12345,13580,0 2026-08,0,0,13580"; strings.Join(yen, " ") != want {
		t.Errorf("yen revenue %q, want %q", yen, want)
	}
}

// Every issued document's total, worked out from its exported lines, is
// the total the export and the invoice list give; two invoices' PDFs show
// the same net, tax per rate, total and balance.
func TestReportBooksTotalsAgreeWithTheListAndThePDF(t *testing.T) {
	s, numbers := reportBooks(t)
	b := readExport(t, s)
	n := 0
	for _, d := range b.Docs {
		if !d.counted() {
			continue
		}
		n++
		if want := money(d.Total, d.Currency); d.ExportTotal != want || d.ListTotal != want {
			t.Errorf("%s: the export's total %s, the list's %s; by the rules %s", d.Number, d.ExportTotal, d.ListTotal, want)
		}
	}
	if n < 100 {
		t.Errorf("only %d issued documents", n)
	}
	if got := money(b.ByNumber[numbers["rounding"]].Total, "EUR"); got != "1202.50" {
		t.Errorf("the rounding invoice's total by the second computation is %s, want 1202.50 (by hand)", got)
	}

	symbols := map[string]string{"EUR": "€", "JPY": "¥"}
	for _, name := range []string{"rounding", "yen"} {
		d := b.ByNumber[numbers[name]]
		paths, err := s.ExportPDFs(context.Background(), t.TempDir(), []string{d.Number}, nil)
		if err != nil || len(paths) != 1 {
			t.Fatalf("export %s: %v %v", d.Number, paths, err)
		}
		text := strings.Join(strings.Fields(pdfText(t, paths[0])), " ")
		amount := func(x *big.Rat) string { return symbols[d.Currency] + groupThousands(money(x, d.Currency)) }
		want := []string{"Subtotal (net) " + amount(d.Net), "Total " + amount(d.Total), "Balance due " + amount(d.open("9999-12-31"))}
		for _, g := range d.Groups {
			want = append(want, "Tax "+g.Rate+"% on "+amount(g.Net)+" "+amount(g.Tax))
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the PDF has no %q:\n%s", name, w, text)
			}
		}
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
			// Every month of the period, zeros where nothing happened.
			if lines[0] != "month,currency,invoiced_net,invoiced_gross,received" || len(lines) != 14 ||
				lines[1] != "2026-01,EUR,0.00,0.00,0.00" || lines[9] != "2026-09,EUR,300.00,357.00,0.00" ||
				lines[12] != "2026-12,EUR,0.00,0.00,0.00" {
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
