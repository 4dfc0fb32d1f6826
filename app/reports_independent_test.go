package app

// A second, deliberately simple implementation of the three reports, for
// the tests in reports_test.go. It starts from what a user can take out of
// the books — the CSV export (lines and payments) and the invoice list —
// and does its own arithmetic with math/big.Rat. It never calls the
// invoice package's totalling (Invoice.Totals, LineNet) or the reports
// package, so a mistake there cannot cancel out.
//
// The rules it follows are the documented ones (invoice/doc.go, "Money"):
//
//	line net      = round(quantity × unit price × (1 − discount/100))
//	tax per rate  = round(Σ line nets at that category and rate × rate/100)
//	                (rounded once per group, never per line)
//	total         = Σ line nets + Σ taxes
//
// where round is half away from zero to the currency's minor digits
// (EUR 2, JPY 0). A line's VAT category is its tax_category, or S when it
// has none and a rate above zero, or "" for a zero rate without one; lines
// whose rates are equal as numbers ("19", "19.00") share a group, named by
// the rate's shortest form.
//
// Two things the export does not carry are read from the stored records:
// which invoice a credit note corrects, and the client's id (the list has
// it; the export has only the client's name).

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// minorDigits are the minor digits of the currencies the test books use
// (ISO 4217), written out here rather than asked of the product.
var minorDigits = map[string]int{"EUR": 2, "USD": 2, "GBP": 2, "PLN": 2, "CZK": 2, "JPY": 0}

// exportedLine is one line row of the CSV export.
type exportedLine struct {
	Quantity, UnitPrice, TaxRate, Discount, TaxCategory string
	LineNet                                             string // the export's own figure, only compared
}

// datedAmount is an amount on a day.
type datedAmount struct {
	Date   string
	Amount *big.Rat
}

// taxGroup is the part of a document at one VAT category and rate.
type taxGroup struct {
	Category, Rate string // Rate in its shortest form
	Net, Tax       *big.Rat
}

// exportedDoc is one invoice or credit note as the CSV export has it,
// with the figures this file computes for it.
type exportedDoc struct {
	Number, Kind, Status, ClientName, Currency, IssueDate, DueDate string
	ClientID                                                       string // from the invoice list
	ExportTotal, ListTotal                                         string // the export's invoice_total and the list's total, only compared
	Lines                                                          []exportedLine
	Payments                                                       []datedAmount

	Groups          []taxGroup // by category, then rate
	Net, Tax, Total *big.Rat
	Credits         []datedAmount // the credit notes applied: their issue dates and totals
}

// isInvoice is an invoice (not a credit note) that the books hold.
func (d *exportedDoc) isInvoice() bool { return d.counted() && d.Kind == string(invoice.KindInvoice) }

// counted is an issued invoice or credit note, not void: drafts and void
// invoices are in the export but in no report (quotes are not exported).
func (d *exportedDoc) counted() bool {
	return d.Status != string(invoice.StatusDraft) && d.Status != string(invoice.StatusVoid)
}

// sign is +1 for an invoice and −1 for a credit note.
func (d *exportedDoc) sign() *big.Rat {
	if d.Kind == string(invoice.KindCreditNote) {
		return big.NewRat(-1, 1)
	}
	return big.NewRat(1, 1)
}

// exportBooks is the books as the user can export them.
type exportBooks struct {
	Docs     []*exportedDoc
	ByNumber map[string]*exportedDoc
}

// readExport exports the books to CSV (Session.ExportCSVFile, which
// `export-csv` runs), lists them (Session.ListInvoices, page by page as
// `list --json` does) and computes every document's figures.
func readExport(t *testing.T, s *Session) *exportBooks {
	t.Helper()
	path := filepath.Join(t.TempDir(), "books.csv")
	if _, err := s.ExportCSVFile(path, false); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b := parseExport(t, data)

	// The client of every document, from the invoice list.
	q := InvoiceQuery{Limit: 1000}
	for {
		page, err := s.ListInvoices(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			if d := b.ByNumber[r.Number]; d != nil {
				d.ClientID, d.ListTotal = r.ClientID, r.Total
			}
		}
		q.Offset += len(page.Rows)
		if len(page.Rows) == 0 || q.Offset >= page.Matches {
			break
		}
	}

	for _, d := range b.Docs {
		if d.ClientID == "" && d.counted() {
			t.Fatalf("%s is exported but not listed", d.Number)
		}
		d.compute(t)
	}

	// Credit notes: the stored records say which invoice each corrects;
	// the note counts against it from its issue date, for its total.
	numbers := map[string]string{}  // id → number
	corrects := map[string]string{} // note id → corrected invoice id
	if err := s.vault.View(func(tx *storage.Tx) error {
		return tx.EachInvoice(func(inv invoice.Invoice) error {
			numbers[inv.ID] = inv.Number
			if inv.Kind == invoice.KindCreditNote {
				corrects[inv.ID] = inv.Corrects
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	for noteID, origID := range corrects {
		note, orig := b.ByNumber[numbers[noteID]], b.ByNumber[numbers[origID]]
		if note == nil || !note.counted() {
			continue // a draft credit note has no number and credits nothing yet
		}
		if orig == nil {
			t.Fatalf("credit note %s corrects %s, which is not exported", note.Number, numbers[origID])
		}
		orig.Credits = append(orig.Credits, datedAmount{Date: note.IssueDate, Amount: note.Total})
	}
	return b
}

// parseExport reads the CSV export: rows grouped by the "invoice" column,
// a row with a quantity being a line and one with a payment_date a
// payment.
func parseExport(t *testing.T, data []byte) *exportBooks {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	b := &exportBooks{ByNumber: map[string]*exportedDoc{}}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		get := func(name string) string {
			i, ok := col[name]
			if !ok {
				t.Fatalf("the export has no column %q", name)
			}
			return unquoteCell(row[i])
		}
		ref := get("invoice")
		d := b.ByNumber[ref]
		if d == nil {
			d = &exportedDoc{Number: get("number"), Kind: get("kind"), Status: get("status"), ClientName: get("client_name"),
				Currency: get("currency"), IssueDate: get("issue_date"), DueDate: get("due_date"), ExportTotal: get("invoice_total")}
			if _, ok := minorDigits[d.Currency]; !ok {
				t.Fatalf("%s: currency %q not in this test's table", ref, d.Currency)
			}
			b.ByNumber[ref] = d
			b.Docs = append(b.Docs, d)
		}
		switch {
		case get("quantity") != "":
			d.Lines = append(d.Lines, exportedLine{Quantity: get("quantity"), UnitPrice: get("unit_price"), TaxRate: get("tax_rate"),
				Discount: get("discount"), TaxCategory: get("tax_category"), LineNet: get("line_net")})
		case get("payment_date") != "":
			d.Payments = append(d.Payments, datedAmount{Date: get("payment_date"), Amount: decimal(t, get("payment_amount"))})
		default:
			t.Fatalf("%s: a row that is neither a line nor a payment: %q", ref, row)
		}
	}
	return b
}

// unquoteCell undoes the export's formula neutralising (a ' before a cell
// that starts with = + - @, a tab or a carriage return).
func unquoteCell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// decimal parses a decimal string exactly ("" is zero).
func decimal(t *testing.T, s string) *big.Rat {
	t.Helper()
	if s == "" {
		return new(big.Rat)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("not a decimal: %q", s)
	}
	return r
}

// roundHalfAway rounds x to digits fraction digits, half away from zero.
func roundHalfAway(x *big.Rat, digits int) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	n := new(big.Int).Mul(x.Num(), scale) // x × 10^digits = n / den
	q, rem := new(big.Int).QuoRem(new(big.Int).Abs(n), x.Denom(), new(big.Int))
	if rem.Lsh(rem, 1).Cmp(x.Denom()) >= 0 { // the remainder is half or more
		q.Add(q, big.NewInt(1))
	}
	if n.Sign() < 0 {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, scale)
}

// money writes x with exactly the currency's minor digits ("0.00", "0").
func money(x *big.Rat, code string) string { return x.FloatString(minorDigits[code]) }

// shortestRate writes a rate in its shortest decimal form ("19.00" → "19",
// "7.70" → "7.7").
func shortestRate(r *big.Rat) string {
	for d := 0; ; d++ {
		s := r.FloatString(d)
		if v, _ := new(big.Rat).SetString(s); v.Cmp(r) == 0 {
			return s
		}
	}
}

var hundred = big.NewRat(100, 1)

// compute works out the document's tax groups, net, tax and total by the
// rules at the top of this file, and checks each line net against the
// export's line_net column.
func (d *exportedDoc) compute(t *testing.T) {
	t.Helper()
	digits := minorDigits[d.Currency]
	groups := map[string]*taxGroup{}
	for i, l := range d.Lines {
		keep := new(big.Rat).Sub(hundred, decimal(t, l.Discount)) // 100 − discount
		exact := new(big.Rat).Mul(decimal(t, l.Quantity), decimal(t, l.UnitPrice))
		exact.Mul(exact, keep).Quo(exact, hundred)
		net := roundHalfAway(exact, digits)
		if money(net, d.Currency) != l.LineNet {
			t.Errorf("%s line %d: the export says net %s, by the rules it is %s", d.Number, i+1, l.LineNet, money(net, d.Currency))
		}
		rate := decimal(t, l.TaxRate)
		category := l.TaxCategory
		if category == "" && rate.Sign() > 0 {
			category = "S"
		}
		key := category + "|" + shortestRate(rate)
		g := groups[key]
		if g == nil {
			g = &taxGroup{Category: category, Rate: shortestRate(rate), Net: new(big.Rat), Tax: new(big.Rat)}
			groups[key] = g
		}
		g.Net.Add(g.Net, net)
	}
	d.Net, d.Tax = new(big.Rat), new(big.Rat)
	for _, g := range groups {
		exact := new(big.Rat).Mul(g.Net, decimal(t, g.Rate))
		g.Tax = roundHalfAway(exact.Quo(exact, hundred), digits) // once per group
		d.Net.Add(d.Net, g.Net)
		d.Tax.Add(d.Tax, g.Tax)
		d.Groups = append(d.Groups, *g)
	}
	slices.SortFunc(d.Groups, func(a, b taxGroup) int {
		return strings.Compare(a.Category+"|"+a.Rate, b.Category+"|"+b.Rate)
	})
	d.Total = new(big.Rat).Add(d.Net, d.Tax)
}

// open is what the invoice still owed at the end of asOf: its total less
// the payments and credit notes dated on or before that day.
func (d *exportedDoc) open(asOf string) *big.Rat {
	open := new(big.Rat).Set(d.Total)
	for _, p := range append(slices.Clone(d.Payments), d.Credits...) {
		if p.Date <= asOf {
			open.Sub(open, p.Amount)
		}
	}
	return open
}

// agingBuckets are the aging report's columns.
var agingBuckets = []string{"current", "1-30", "31-60", "61-90", "over-90"}

// agingBucket is the bucket (an index of agingBuckets) of an invoice due
// on due, as of asOf: not yet due (or due that very day) is current, then
// 1–30, 31–60, 61–90 and over 90 whole days past due.
func agingBucket(t *testing.T, due, asOf string) int {
	t.Helper()
	dd, err1 := time.Parse(time.DateOnly, due)
	ad, err2 := time.Parse(time.DateOnly, asOf)
	if err1 != nil || err2 != nil {
		t.Fatalf("dates %q, %q", due, asOf)
	}
	days := int(ad.Sub(dd).Hours()) / 24
	switch {
	case days <= 0:
		return 0
	case days <= 30:
		return 1
	case days <= 60:
		return 2
	case days <= 90:
		return 3
	}
	return 4
}

// aging is the aged receivables as of asOf, one string per row:
// "client id,client name,currency,current,1-30,31-60,61-90,over-90,total",
// the currency totals with the client "TOTAL". Each invoice issued by
// then with something still open adds it to its client's row and its
// currency's total row.
func (b *exportBooks) aging(t *testing.T, asOf string) []string {
	t.Helper()
	type key struct{ clientID, name, currency string }
	sums := map[key]*[6]big.Rat{} // the buckets, then the total
	for _, d := range b.Docs {
		if !d.isInvoice() || d.IssueDate > asOf {
			continue
		}
		open := d.open(asOf)
		if open.Sign() <= 0 {
			continue
		}
		bucket := agingBucket(t, d.DueDate, asOf)
		for _, k := range []key{{d.ClientID, d.ClientName, d.Currency}, {"", "TOTAL", d.Currency}} {
			if sums[k] == nil {
				sums[k] = new([6]big.Rat)
			}
			sums[k][bucket].Add(&sums[k][bucket], open)
			sums[k][5].Add(&sums[k][5], open)
		}
	}
	var rows []string
	for k, s := range sums {
		cells := []string{k.clientID, k.name, k.currency}
		for i := range s {
			cells = append(cells, money(&s[i], k.currency))
		}
		rows = append(rows, strings.Join(cells, ","))
	}
	return rows
}

// tax is the tax summary of from to to, one string per row:
// "currency,category,rate,net,tax": each group of every invoice issued in
// the period added, of every credit note subtracted.
func (b *exportBooks) tax(from, to string) []string {
	sums := map[string]*[2]big.Rat{}
	for _, d := range b.Docs {
		if !d.counted() || d.IssueDate < from || d.IssueDate > to {
			continue
		}
		for _, g := range d.Groups {
			k := d.Currency + "," + g.Category + "," + g.Rate
			if sums[k] == nil {
				sums[k] = new([2]big.Rat)
			}
			sums[k][0].Add(&sums[k][0], new(big.Rat).Mul(d.sign(), g.Net))
			sums[k][1].Add(&sums[k][1], new(big.Rat).Mul(d.sign(), g.Tax))
		}
	}
	var rows []string
	for k, s := range sums {
		code, _, _ := strings.Cut(k, ",")
		rows = append(rows, k+","+money(&s[0], code)+","+money(&s[1], code))
	}
	return rows
}

// revenue is the revenue per month from from to to, one string per row:
// "month,currency,invoiced net,invoiced gross,received": by issue month the
// net and total of the invoices (credit notes subtracted), by payment date
// the payments on invoices. Every month of the period has a row in every
// currency with any of these in the period, zeros where it had none.
func (b *exportBooks) revenue(t *testing.T, from, to string) []string {
	t.Helper()
	type key struct{ month, currency string }
	sums := map[key]*[3]big.Rat{}
	add := func(date, code string, i int, v *big.Rat) {
		k := key{date[:7], code}
		if sums[k] == nil {
			sums[k] = new([3]big.Rat)
		}
		sums[k][i].Add(&sums[k][i], v)
	}
	for _, d := range b.Docs {
		if !d.counted() {
			continue
		}
		if d.IssueDate >= from && d.IssueDate <= to {
			add(d.IssueDate, d.Currency, 0, new(big.Rat).Mul(d.sign(), d.Net))
			add(d.IssueDate, d.Currency, 1, new(big.Rat).Mul(d.sign(), d.Total))
		}
		if d.Kind != string(invoice.KindInvoice) {
			continue
		}
		for _, p := range d.Payments {
			if p.Date >= from && p.Date <= to {
				add(p.Date, d.Currency, 2, p.Amount)
			}
		}
	}
	codes := map[string]bool{}
	for k := range sums {
		codes[k.currency] = true
	}
	first, err1 := time.Parse("2006-01", from[:7])
	last, err2 := time.Parse("2006-01", to[:7])
	if err1 != nil || err2 != nil {
		t.Fatalf("period %s to %s", from, to)
	}
	var rows []string
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		for code := range codes {
			s := sums[key{m.Format("2006-01"), code}]
			if s == nil {
				s = new([3]big.Rat)
			}
			rows = append(rows, fmt.Sprintf("%s,%s,%s,%s,%s", m.Format("2006-01"), code,
				money(&s[0], code), money(&s[1], code), money(&s[2], code)))
		}
	}
	return rows
}

// sameRows reports the rows only one side has (each row a string, each
// side a multiset: the same row twice is two rows).
func sameRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(want) == 0 {
		t.Errorf("%s: the second computation has no rows: nothing was compared", what)
	}
	count := map[string]int{}
	for _, r := range got {
		count[r]++
	}
	for _, r := range want {
		count[r]--
	}
	var extra, missing []string
	for r, n := range count {
		for ; n > 0; n-- {
			extra = append(extra, r)
		}
		for ; n < 0; n++ {
			missing = append(missing, r)
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	if len(extra)+len(missing) > 0 {
		t.Errorf("%s: %d rows, want %d\nonly in the report:\n  %s\nonly in the second computation:\n  %s",
			what, len(got), len(want), strings.Join(extra, "\n  "), strings.Join(missing, "\n  "))
	}
}

// groupThousands writes a decimal string with commas between thousands
// ("1234.50" → "1,234.50"), as the invoice PDFs do by default.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}
