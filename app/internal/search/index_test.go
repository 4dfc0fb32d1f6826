package search

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"safeinvoice/invoice"
	"safeinvoice/storage"
)

func summary(id, number, due, total string, kind invoice.Kind, status invoice.Status) storage.InvoiceSummary {
	return storage.InvoiceSummary{ID: id, Number: number, Kind: kind, Status: status, ClientID: "c1",
		Currency: "EUR", IssueDate: "2026-11-01", DueDate: due, Total: total, Balance: total}
}

// TestEffectiveStatusIsTheInvoiceRule checks that a summary is overdue
// exactly when the invoice it summarises is, for every kind and status, due
// dates around today, and clocks in other time zones.
func TestEffectiveStatusIsTheInvoiceRule(t *testing.T) {
	tokyo := time.FixedZone("UTC+9", 9*3600)
	honolulu := time.FixedZone("UTC-10", -10*3600)
	todays := []time.Time{
		time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC),
		time.Date(2026, 12, 1, 0, 30, 0, 0, tokyo),     // still 30 November in UTC
		time.Date(2026, 11, 30, 23, 0, 0, 0, honolulu), // already 1 December in UTC
	}
	dues := []string{"2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "", "2026-13-01"}
	statuses := []invoice.Status{invoice.StatusDraft, invoice.StatusIssued, invoice.StatusPartiallyPaid,
		invoice.StatusPaid, invoice.StatusVoid}
	overdue := 0
	for _, today := range todays {
		for _, kind := range []invoice.Kind{invoice.KindInvoice, invoice.KindCreditNote} {
			for _, st := range statuses {
				for _, due := range dues {
					inv := invoice.Invoice{Kind: kind, Status: st, DueDate: due}
					sum := summary("x", "N", due, "1.00", kind, st)
					d := docOf(&sum)
					want := inv.EffectiveStatus(today)
					if got := d.EffectiveStatus(today); got != want {
						t.Errorf("%s %s due %q on %s: summary says %s, invoice says %s", kind, st, due, today, got, want)
					}
					if want == invoice.StatusOverdue {
						overdue++
					}
				}
			}
		}
	}
	if overdue == 0 {
		t.Fatal("no case was overdue: the table tests nothing")
	}
}

// TestQueryOrdersAmountsAsNumbers sorts by total: "9.50" comes before
// "10.00" and "-5" before "0", which a comparison of strings would get
// wrong.
func TestQueryOrdersAmountsAsNumbers(t *testing.T) {
	x := New()
	x.PutClient(invoice.Client{ID: "c1", Name: "Łódź Bakery", Email: "ap@example.com"})
	totals := []string{"10.00", "9.50", "-5", "0", "100", "0.05"}
	for i, total := range totals {
		x.Put(summary(fmt.Sprint(i), fmt.Sprintf("INV-%d", i), "2026-12-31", total, invoice.KindInvoice, invoice.StatusIssued))
	}
	page := x.Query(Query{Sort: "total"}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	var got []string
	for _, r := range page.Rows {
		got = append(got, r.Total)
	}
	want := []string{"-5", "0", "0.05", "9.50", "10.00", "100"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sorted by total: %v, want %v", got, want)
	}
	if page.Matches != len(totals) {
		t.Errorf("matches %d, want %d", page.Matches, len(totals))
	}
	if p := x.Query(Query{Text: "lodz"}, time.Now()); p.Matches != len(totals) {
		t.Errorf("search by the folded client name: %d matches, want %d", p.Matches, len(totals))
	}
}

// TestEachSeesLiveDocuments checks that Each skips removed and replaced
// documents and stops at fn's error.
func TestEachSeesLiveDocuments(t *testing.T) {
	x := New()
	for i := range 5 {
		x.Put(summary(fmt.Sprint(i), fmt.Sprintf("INV-%d", i), "2026-12-31", "1", invoice.KindInvoice, invoice.StatusIssued))
	}
	x.Remove("1")
	x.Put(summary("2", "INV-2", "2026-12-31", "7", invoice.KindInvoice, invoice.StatusPaid))
	seen := map[string]string{}
	if err := x.Each(func(d *Doc) error { seen[d.ID] = d.Total; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 || seen["2"] != "7" || seen["1"] != "" {
		t.Errorf("Each saw %v, want 0, 2 (replaced, total 7), 3 and 4", seen)
	}
	stop := fmt.Errorf("stop")
	calls := 0
	if err := x.Each(func(*Doc) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("Each returned %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func TestDateKey(t *testing.T) {
	for in, want := range map[string]int32{"2026-11-24": 20261124, "0000-00-00": 0, "2026-1-24": -1, "2026/11/24": -1, "2026-11-2x": -1, "": -1} {
		if got := dateKey(in); got != want {
			t.Errorf("dateKey(%q) = %d, want %d", in, got, want)
		}
	}
}

// The number, date and due-date orders, which compare dates by their
// dateKeys and numbers by their numKeys first, are exactly those of the plain strings: shared prefixes, numbers
// that are prefixes of others, zero bytes, equal numbers (then the id
// decides), loaded in bulk and put one by one.
func TestOrdersMatchAPlainStringSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	parts := []string{"INV-2026-", "INV-2026-0", "INV-", "CN-2026-", "Q-", "", "\x00", "0", "00", "9", "ä"}
	dates := []string{"2026-11-24", "2026-11-25", "2026-12-01", "bad"}
	var sums []storage.InvoiceSummary
	for i := range 400 {
		n := parts[r.IntN(len(parts))] + parts[r.IntN(len(parts))] + strconv.Itoa(r.IntN(30))
		s := summary(fmt.Sprintf("i%03d", i), n, "2026-12-31", "1.00", invoice.KindInvoice, invoice.StatusIssued)
		s.IssueDate, s.DueDate = dates[r.IntN(len(dates))], dates[r.IntN(len(dates))]
		s.Text = fmt.Sprintf("tag%03d", i)
		sums = append(sums, s)
	}
	for _, mode := range []string{"add", "batches", "put"} {
		bulk := mode != "put"
		x := New()
		switch mode {
		case "add":
			x.Grow(len(sums))
			for _, s := range sums {
				x.Add(s)
			}
			x.FinishLoad()
		case "batches":
			var a, b Batch
			a.Grow(len(sums))
			for i, s := range sums {
				if i < 150 {
					a.Add(s)
				} else {
					b.Add(s)
				}
			}
			x.AddBatches(&a, &b)
			x.FinishLoad()
		default:
			for _, s := range sums {
				x.Put(s)
			}
		}
		for _, i := range []int{0, 149, 150, 399} {
			p := x.Query(Query{Text: fmt.Sprintf("tag%03d", i)}, time.Now())
			if p.Matches != 1 || p.Rows[0].ID != sums[i].ID {
				t.Errorf("%s: the text of summary %d finds %+v", mode, i, p)
			}
		}
		for _, key := range []string{"number", "date", "due"} {
			want := slices.Clone(sums)
			slices.SortFunc(want, func(a, b storage.InvoiceSummary) int {
				c := cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(a.ID, b.ID))
				switch key {
				case "date":
					c = cmp.Or(cmp.Compare(a.IssueDate, b.IssueDate), c)
				case "due":
					c = cmp.Or(cmp.Compare(a.DueDate, b.DueDate), c)
				}
				return c
			})
			// Ascending: the date order is newest first unless Desc.
			page := x.Query(Query{Sort: key, Desc: key == "date", Limit: len(sums)}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
			if len(page.Rows) != len(want) {
				t.Fatalf("%s: %d rows, want %d", key, len(page.Rows), len(want))
			}
			for i, row := range page.Rows {
				if row.ID != want[i].ID {
					t.Fatalf("%s (bulk %v), %s order, row %d: %s (%q %q), want %s (%q %q)", mode, bulk, key, i,
						row.ID, row.IssueDate, row.Number, want[i].ID, want[i].IssueDate, want[i].Number)
				}
			}
		}
	}
}

// The due date the overdue rule sees is the one invoice.ParseDate returns,
// and none where it refuses the date.
func FuzzDueTimeIsParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-24", "2024-02-29", "2026-02-29", "2026-02-28", "1900-01-01", "1899-12-31",
		"2026-13-01", "2026-00-10", "2026-04-31", "2026-04-30", "2026-12-31", "2026-01-00", "9999-12-31",
		"2026-1-01", "2026/01/01", "abcd-ef-gh", "", "2026-11-24 ", "+026-11-24", "2026-11-2a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := invoice.ParseDate(s)
		if err != nil {
			want = time.Time{}
		}
		d := docOf(&storage.InvoiceSummary{DueDate: s})
		if got := d.dueTime(); !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("%q: due %v, ParseDate %v (%v)", s, got, want, err)
		}
	})
}
