package app

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/invoice"
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
	aging, err := s.AgingReport("")
	if err != nil {
		t.Fatal(err)
	}
	tax, _ := s.TaxReport("2026-01-01", "2026-12-31")
	rev, _ := s.RevenueReport("2026-01-01", "2026-12-31")
	for name, rows := range map[string]any{"aging": aging, "tax": tax, "revenue": rev} {
		path := filepath.Join(dir, name+".csv")
		if err := s.WriteReportCSV(path, name, rows); err != nil {
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
		if err := s.WriteReportCSV(path, name, rows); err == nil {
			t.Errorf("%s: written over a file", name)
		}
	}
}
