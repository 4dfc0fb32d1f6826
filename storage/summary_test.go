package storage

import (
	"reflect"
	"testing"
	"time"

	"safeinvoice/invoice"
)

func TestSummaryEncodingRoundTrip(t *testing.T) {
	s := InvoiceSummary{ID: "a1", Number: "INV-2026-0001", Kind: invoice.KindCreditNote, Status: invoice.StatusPaid,
		ClientID: "c9", Currency: "BHD", IssueDate: "2026-11-01", DueDate: "2026-12-01", Total: "1.375",
		Balance: "-0.500", Text: "Łódź\nConsulting", Updated: time.Date(2026, 11, 24, 9, 30, 0, 123, time.UTC)}
	got, err := decodeSummary(appendSummary(nil, &s))
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	enc := appendSummary(nil, &s)
	for i := range enc {
		if _, err := decodeSummary(enc[:i]); err == nil {
			t.Fatalf("truncated to %d bytes decoded without error", i)
		}
	}
	if _, err := decodeSummary(append(enc, 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
}

func FuzzDecodeSummary(f *testing.F) {
	f.Add(appendSummary(nil, &InvoiceSummary{ID: "x", Total: "1.00"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeSummary(b)
		if err != nil {
			return
		}
		again, err := decodeSummary(appendSummary(nil, &s))
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("re-encoding changed %+v", s)
		}
	})
}
