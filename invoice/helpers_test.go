package invoice

import (
	"testing"
	"time"
)

// now is a fixed clock for tests.
var testNow = time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)

// draft returns a valid EUR draft with the given lines.
func draft(t *testing.T, lines ...Line) *Invoice {
	t.Helper()
	if len(lines) == 0 {
		lines = []Line{{Description: "Consulting", Quantity: "2", UnitPrice: "150.00", TaxRate: "19", Discount: "0"}}
	}
	inv := &Invoice{
		ID: "i1", Kind: KindInvoice, Status: StatusDraft, ClientID: "c1", Currency: "EUR",
		IssueDate: "2026-11-01", DueDate: "2026-12-01", Lines: lines,
		Created: testNow, Updated: testNow,
	}
	if err := inv.Validate(); err != nil {
		t.Fatalf("draft: %v", err)
	}
	return inv
}

// issued returns draft(lines) issued as INV-2026-0001.
func issued(t *testing.T, lines ...Line) *Invoice {
	t.Helper()
	inv := draft(t, lines...)
	if err := inv.Issue("INV-2026-0001", testNow); err != nil {
		t.Fatalf("issue: %v", err)
	}
	return inv
}

// totals computes inv.Totals and fails the test on error.
func totals(t *testing.T, inv *Invoice) Totals {
	t.Helper()
	tt, err := inv.Totals()
	if err != nil {
		t.Fatalf("totals: %v", err)
	}
	return tt
}

// line is a short constructor for test lines.
func line(qty, price, rate, disc string) Line {
	return Line{Description: "item", Quantity: qty, UnitPrice: price, TaxRate: rate, Discount: disc}
}
