package recurring

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"safeinvoice/invoice"
)

var now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

func source() *invoice.Invoice {
	return &invoice.Invoice{ID: "src", Number: "INV-2026-0007", Kind: invoice.KindInvoice, Status: invoice.StatusPaid,
		ClientID: "c1", Currency: "EUR", IssueDate: "2026-01-10", DueDate: "2026-01-24", Notes: "Hosting", Terms: "14 days",
		BuyerReference: "PO-1", Lines: []invoice.Line{{Description: "Hosting", Quantity: "1", UnitPrice: "49.00", TaxRate: "19"}},
		Payments: []invoice.Payment{{Date: "2026-01-20", Amount: "58.31"}}}
}

func schedule(t *testing.T, period Period, start, until string, count int) Schedule {
	t.Helper()
	s, err := New("s1", source(), "INV-2026-0007", period, start, until, count, false, "anna", now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func dates(t *testing.T, s Schedule, n int) []string {
	t.Helper()
	var out []string
	for k := range n {
		d, err := s.Date(k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.Format(invoice.DateLayout))
	}
	return out
}

func TestOccurrenceDates(t *testing.T) {
	for _, tc := range []struct {
		name   string
		period Period
		start  string
		want   []string
	}{
		{"weekly", Weekly, "2026-12-28", []string{"2026-12-28", "2027-01-04", "2027-01-11"}},
		{"monthly on the 31st keeps the month end", Monthly, "2026-01-31",
			[]string{"2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"}},
		{"monthly on the 31st in a leap year", Monthly, "2028-01-31", []string{"2028-01-31", "2028-02-29", "2028-03-31"}},
		{"monthly on the 30th: February clamps, March goes back to the 30th", Monthly, "2026-01-30",
			[]string{"2026-01-30", "2026-02-28", "2026-03-30", "2026-04-30", "2026-05-30"}},
		{"monthly on the 29th across a leap February", Monthly, "2027-12-29", []string{"2027-12-29", "2028-01-29", "2028-02-29", "2028-03-29"}},
		{"monthly from the last day of February stays on month ends", Monthly, "2026-02-28",
			[]string{"2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"}},
		{"monthly on the 28th of a leap February is not a month end", Monthly, "2028-02-28", []string{"2028-02-28", "2028-03-28"}},
		{"monthly on the 15th", Monthly, "2026-11-15", []string{"2026-11-15", "2026-12-15", "2027-01-15", "2027-02-15"}},
		{"quarterly from 30 November", Quarterly, "2026-11-30", []string{"2026-11-30", "2027-02-28", "2027-05-31", "2027-08-31"}},
		{"quarterly from 31 August", Quarterly, "2026-08-31", []string{"2026-08-31", "2026-11-30", "2027-02-28", "2027-05-31"}},
		{"yearly from a leap day", Yearly, "2028-02-29", []string{"2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"}},
		{"yearly on 1 March", Yearly, "2027-03-01", []string{"2027-03-01", "2028-03-01", "2029-03-01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := schedule(t, tc.period, tc.start, "", 0)
			if got := dates(t, s, len(tc.want)); !slices.Equal(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestDueCatchesUpAndEnds(t *testing.T) {
	s := schedule(t, Monthly, "2026-01-31", "", 0)
	due, err := s.Due("2026-04-29")
	if err != nil || !slices.Equal(due, []int{0, 1, 2}) {
		t.Fatalf("due %v %v, want the three missing months", due, err)
	}
	s.Generated = 3
	if due, _ := s.Due("2026-04-29"); len(due) != 0 {
		t.Errorf("made ones due again: %v", due)
	}
	if due, _ := s.Due("2026-04-30"); !slices.Equal(due, []int{3}) {
		t.Errorf("on the day: %v", due)
	}
	next, ok, err := s.Next()
	if err != nil || !ok || next != "2026-04-30" {
		t.Errorf("next %q %v %v", next, ok, err)
	}
	s.Stopped = now
	if due, _ := s.Due("2027-01-01"); len(due) != 0 {
		t.Errorf("a stopped schedule made %v", due)
	}
	if _, ok, _ := s.Next(); ok {
		t.Error("a stopped schedule has a next date")
	}

	counted := schedule(t, Weekly, "2026-01-05", "", 3)
	if due, _ := counted.Due("2027-01-01"); !slices.Equal(due, []int{0, 1, 2}) {
		t.Errorf("count 3: %v", due)
	}
	until := schedule(t, Quarterly, "2026-01-31", "2026-10-30", 0)
	if due, _ := until.Due("2030-01-01"); !slices.Equal(due, []int{0, 1, 2}) {
		t.Errorf("until 30 October: %v (31 October is after it)", due)
	}
	inclusive := schedule(t, Quarterly, "2026-01-31", "2026-10-31", 0)
	if n, _ := inclusive.Occurrences(); n != 4 {
		t.Errorf("the end date is inclusive: %d occurrences", n)
	}
	for sc, want := range map[*Schedule]string{&s: "until stopped", &counted: "3 invoices", &until: "until 2026-10-30"} {
		if got := sc.Ends(); got != want {
			t.Errorf("Ends() = %q, want %q", got, want)
		}
	}
	if _, err := s.Due("1 May"); err == nil {
		t.Error("a bad as-of date was taken")
	}
}

func TestMakeCopiesTheTemplateOnly(t *testing.T) {
	// The source's history is not repeated: reminders, credits, a quote.
	src := source()
	src.Reminders = []invoice.Reminder{{Level: 1, Date: "2026-02-01", DaysOverdue: 8, Balance: "58.31"}}
	src.FromQuote, src.VoidReason = "q1", "x"
	s, err := New("s1", src, "INV-2026-0007", Monthly, "2026-01-31", "", 0, false, "anna", now)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.Make(1, "gen1", now)
	if err != nil {
		t.Fatal(err)
	}
	if inv.IssueDate != "2026-02-28" || inv.DueDate != "2026-03-14" || inv.Status != invoice.StatusDraft || inv.Number != "" ||
		inv.Payments != nil || inv.Reminders != nil || inv.FromQuote != "" || inv.VoidReason != "" || inv.Schedule != "s1" || inv.Occurrence != 2 || inv.ClientID != "c1" || inv.Notes != "Hosting" ||
		inv.Terms != "14 days" || inv.BuyerReference != "PO-1" || len(inv.Lines) != 1 {
		t.Errorf("made %+v", inv)
	}
	inv.Lines[0].Description = "changed"
	if s.Template.Lines[0].Description != "Hosting" {
		t.Error("the made invoice shares its lines with the template")
	}
}

func TestInvalidSchedules(t *testing.T) {
	for _, tc := range []struct {
		name         string
		period       Period
		start, until string
		count        int
		mutate       func(*invoice.Invoice)
		want         string
	}{
		{"no period", "", "2026-01-01", "", 0, nil, "unknown period"},
		{"bad start", Monthly, "2026-02-30", "", 0, nil, "start date"},
		{"end before start", Monthly, "2026-03-01", "2026-02-01", 0, nil, "before the start"},
		{"end and count", Monthly, "2026-03-01", "2026-12-01", 4, nil, "not both"},
		{"huge count", Weekly, "2026-03-01", "", 20000, nil, "count 20000"},
		{"a credit note", Monthly, "2026-03-01", "", 0, func(i *invoice.Invoice) { i.Kind = invoice.KindCreditNote }, "not a credit note"},
		{"due before issue", Monthly, "2026-03-01", "", 0, func(i *invoice.Invoice) { i.DueDate = "2026-01-01" }, "due before"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := source()
			if tc.mutate != nil {
				tc.mutate(src)
			}
			_, err := New("s", src, "", tc.period, tc.start, tc.until, tc.count, false, "anna", now)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want ErrInvalid saying %q", err, tc.want)
			}
		})
	}
	if _, err := ParsePeriod("fortnight"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParsePeriod(fortnight) = %v", err)
	}
	if p, err := ParsePeriod(" Monthly "); err != nil || p != Monthly {
		t.Errorf("ParsePeriod(Monthly) = %q %v", p, err)
	}
}
