package reports

import (
	"errors"
	"reflect"
	"testing"

	"safeinvoice/invoice"
)

func inv(number, client, cur, issue, due, total string, payments ...Dated) Entry {
	return Entry{Number: number, ClientID: client, Client: "Client " + client, Kind: invoice.KindInvoice, Status: invoice.StatusIssued,
		Currency: cur, IssueDate: issue, DueDate: due, Total: total, Net: total, Payments: payments,
		Rates: []Rate{{Category: "S", Rate: "19", Net: total, Tax: "0.00"}}}
}

// The bucket edges, as of 30 April: due on 30 April is current, 29 April
// one day past due, 31 March 30 days, 30 March 31 days, 1 March 60, 28
// February 61, 30 January 90, 29 January 91.
func TestAgingBucketEdges(t *testing.T) {
	entries := []Entry{
		inv("A", "c1", "EUR", "2026-04-01", "2026-04-30", "1.00"),
		inv("B", "c1", "EUR", "2026-04-01", "2026-04-29", "2.00"),
		inv("C", "c1", "EUR", "2026-03-01", "2026-03-31", "4.00"),
		inv("D", "c1", "EUR", "2026-03-01", "2026-03-30", "8.00"),
		inv("E", "c1", "EUR", "2026-02-01", "2026-03-01", "16.00"),
		inv("F", "c1", "EUR", "2026-02-01", "2026-02-28", "32.00"),
		inv("G", "c1", "EUR", "2026-01-01", "2026-01-30", "64.00"),
		inv("H", "c1", "EUR", "2026-01-01", "2026-01-29", "128.00"),
	}
	rows, err := Aging(All(entries), "2026-04-30", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []AgingRow{
		{Client: "Client c1", ClientID: "c1", Currency: "EUR", Buckets: [5]string{"1.00", "6.00", "24.00", "96.00", "128.00"}, Total: "255.00"},
		{Client: "", ClientID: "", Currency: "EUR", Buckets: [5]string{"1.00", "6.00", "24.00", "96.00", "128.00"}, Total: "255.00"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %+v\nwant %+v", rows, want)
	}
}

func TestAgingTakesPaymentsAndCreditsUpToTheDate(t *testing.T) {
	a := inv("A", "c2", "JPY", "2026-03-01", "2026-03-31", "10000",
		Dated{"2026-04-10", "3000"}, Dated{"2026-05-02", "7000"})
	a.Credits = []Dated{{"2026-04-20", "1000"}}
	paid := inv("P", "c1", "EUR", "2026-03-01", "2026-03-31", "50.00", Dated{"2026-04-01", "50.00"})
	paid.Status = invoice.StatusPaid
	void := inv("V", "c1", "EUR", "2026-03-01", "2026-03-31", "70.00")
	void.Status = invoice.StatusVoid
	later := inv("L", "c1", "EUR", "2026-05-01", "2026-05-31", "90.00") // issued after the date
	note := Entry{Number: "CN", ClientID: "c2", Kind: invoice.KindCreditNote, Status: invoice.StatusIssued, Currency: "JPY",
		IssueDate: "2026-04-20", DueDate: "2026-04-20", Total: "1000"}
	quote := inv("Q", "c1", "EUR", "2026-03-01", "2026-03-31", "500.00")
	quote.Kind, quote.Status = invoice.KindQuote, invoice.StatusSent
	rows, err := Aging(All([]Entry{a, paid, void, later, note, quote}), "2026-04-30", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].ClientID != "c2" || rows[0].Buckets[1] != "6000" || rows[0].Total != "6000" {
		t.Errorf("rows %+v", rows)
	}
	if open, _ := OpenBalance(&a, "2026-05-02"); open != "" {
		t.Errorf("paid off on 2 May, still open %q", open)
	}
	if _, err := Aging(nil, "30 April", nil); err == nil {
		t.Error("a bad date was taken")
	}
}

func TestTaxSubtractsCreditNotesAndKeepsCurrenciesApart(t *testing.T) {
	a := Entry{Number: "A", Kind: invoice.KindInvoice, Status: invoice.StatusPaid, Currency: "EUR", IssueDate: "2026-04-05",
		Rates: []Rate{{"S", "19", "100.00", "19.00"}, {"S", "7", "10.00", "0.70"}, {"E", "0", "5.00", "0.00"}}}
	b := Entry{Number: "B", Kind: invoice.KindInvoice, Status: invoice.StatusIssued, Currency: "EUR", IssueDate: "2026-04-30",
		Rates: []Rate{{"S", "19", "0.05", "0.01"}}}
	n := Entry{Number: "CN", Kind: invoice.KindCreditNote, Status: invoice.StatusIssued, Currency: "EUR", IssueDate: "2026-04-10",
		Rates: []Rate{{"S", "19", "20.00", "3.80"}}}
	pln := Entry{Number: "P", Kind: invoice.KindInvoice, Status: invoice.StatusIssued, Currency: "PLN", IssueDate: "2026-04-01",
		Rates: []Rate{{"S", "23", "100.00", "23.00"}}}
	out := Entry{Number: "O", Kind: invoice.KindInvoice, Status: invoice.StatusIssued, Currency: "EUR", IssueDate: "2026-05-01",
		Rates: []Rate{{"S", "19", "999.00", "189.81"}}}
	void := b
	void.Status = invoice.StatusVoid
	rows, err := Tax(All([]Entry{a, b, n, pln, out, void}), "2026-04-01", "2026-04-30")
	if err != nil {
		t.Fatal(err)
	}
	want := []TaxRow{
		{"EUR", "E", "0", "5.00", "0.00"},
		{"EUR", "S", "7", "10.00", "0.70"},
		{"EUR", "S", "19", "80.05", "15.21"},
		{"PLN", "S", "23", "100.00", "23.00"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %+v\nwant %+v", rows, want)
	}
	if _, err := Tax(nil, "2026-05-01", "2026-04-01"); !errors.Is(err, ErrPeriod) {
		t.Errorf("a period backwards: %v", err)
	}
}

func TestRevenuePerMonth(t *testing.T) {
	a := Entry{Number: "A", Kind: invoice.KindInvoice, Status: invoice.StatusPartiallyPaid, Currency: "EUR", IssueDate: "2026-03-31",
		Net: "100.00", Total: "119.00", Payments: []Dated{{"2026-04-01", "50.00"}, {"2026-06-01", "10.00"}}}
	b := Entry{Number: "B", Kind: invoice.KindInvoice, Status: invoice.StatusPaid, Currency: "EUR", IssueDate: "2026-04-15",
		Net: "10.00", Total: "11.90", Payments: []Dated{{"2026-04-15", "11.90"}}}
	n := Entry{Number: "CN", Kind: invoice.KindCreditNote, Status: invoice.StatusIssued, Currency: "EUR", IssueDate: "2026-04-20",
		Net: "20.00", Total: "23.80"}
	j := Entry{Number: "J", Kind: invoice.KindInvoice, Status: invoice.StatusIssued, Currency: "JPY", IssueDate: "2026-05-02",
		Net: "1000", Total: "1080"}
	rows, err := Revenue(All([]Entry{a, b, n, j}), "2026-03-01", "2026-05-31")
	if err != nil {
		t.Fatal(err)
	}
	// May has nothing in euros and March and April nothing in yen: rows
	// of zeros, so that every month of the period is there.
	want := []RevenueRow{
		{"2026-03", "EUR", "100.00", "119.00", "0.00"},
		{"2026-03", "JPY", "0", "0", "0"},
		{"2026-04", "EUR", "-10.00", "-11.90", "61.90"},
		{"2026-04", "JPY", "0", "0", "0"},
		{"2026-05", "EUR", "0.00", "0.00", "0.00"},
		{"2026-05", "JPY", "1000", "1080", "0"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %+v\nwant %+v", rows, want)
	}
}

func TestTotalsPerCurrency(t *testing.T) {
	tax, err := TaxTotals([]TaxRow{
		{Currency: "EUR", Category: "S", Rate: "19", Net: "100.00", Tax: "19.00"},
		{Currency: "EUR", Category: "S", Rate: "7", Net: "-10.00", Tax: "-0.70"},
		{Currency: "JPY", Category: "S", Rate: "8", Net: "1000", Tax: "80"},
	})
	want := []TaxRow{{Currency: "EUR", Net: "90.00", Tax: "18.30"}, {Currency: "JPY", Net: "1000", Tax: "80"}}
	if err != nil || !reflect.DeepEqual(tax, want) {
		t.Errorf("TaxTotals = %+v, %v; want %+v", tax, err, want)
	}
	rev, err := RevenueTotals([]RevenueRow{
		{Month: "2026-01", Currency: "EUR", Net: "100.00", Gross: "119.00", Received: "0.00"},
		{Month: "2026-02", Currency: "EUR", Net: "1.00", Gross: "1.19", Received: "119.00"},
	})
	if err != nil || !reflect.DeepEqual(rev, []RevenueRow{{Currency: "EUR", Net: "101.00", Gross: "120.19", Received: "119.00"}}) {
		t.Errorf("RevenueTotals = %+v, %v", rev, err)
	}
}

func TestAgingTotalsAreAgingsTotalRows(t *testing.T) {
	entries := []Entry{
		inv("A", "c1", "EUR", "2026-04-01", "2026-04-30", "1.00"),
		inv("B", "c2", "EUR", "2026-01-01", "2026-01-29", "128.00"),
		inv("J", "c2", "JPY", "2026-03-01", "2026-03-31", "500"),
	}
	all, err := Aging(All(entries), "2026-04-30", nil)
	if err != nil {
		t.Fatal(err)
	}
	totals, err := AgingTotals(All(entries), "2026-04-30")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || !reflect.DeepEqual(totals, all[3:]) {
		t.Errorf("totals %+v, want the last rows of %+v", totals, all)
	}
}
