package storage

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

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

// TestSummaryCarriesWhatReportsNeed: the net, the tax breakdown and the
// credits round-trip, and a format-2 summary (payments, no more) is read.
func TestSummaryCarriesWhatReportsNeed(t *testing.T) {
	s := InvoiceSummary{ID: "a1", Number: "INV-1", Kind: invoice.KindInvoice, Status: invoice.StatusPartiallyPaid, Currency: "EUR",
		Total: "126.90", Balance: "26.90", Updated: time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC),
		Payments: []PaymentSummary{{Date: "2026-11-02", Amount: "50.00"}},
		Net:      "110.00", Rates: []RateSummary{{Category: "S", Rate: "19", Net: "60.00", Tax: "11.40"}, {Category: "S", Rate: "7", Net: "50.00", Tax: "3.50"}},
		Credits: []PaymentSummary{{Date: "2026-11-10", Amount: "50.00"}}}
	enc := appendSummary(nil, &s)
	got, err := decodeSummary(enc)
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for i := range enc {
		if _, err := decodeSummary(enc[:i]); err == nil {
			t.Fatalf("truncated to %d bytes decoded without error", i)
		}
	}
	v2 := s
	v2.Net, v2.Rates, v2.Credits = "", nil, nil
	got, err = decodeSummary(appendSummaryV2(&v2))
	if err != nil || !reflect.DeepEqual(got, v2) {
		t.Fatalf("format 2: %+v, %v", got, err)
	}
}

// appendSummaryV2 encodes s in format 2, as vaults made before the tax
// breakdown and credits were summarised hold it.
func appendSummaryV2(s *InvoiceSummary) []byte {
	b := appendSummaryV1(s)
	b[0] = summaryFormatV2
	b = binary.AppendUvarint(b, uint64(len(s.Payments)))
	for _, p := range s.Payments {
		b = appendString(b, p.Date)
		b = appendString(b, p.Amount)
	}
	return b
}

func FuzzDecodeSummary(f *testing.F) {
	f.Add(appendSummary(nil, &InvoiceSummary{ID: "x", Total: "1.00"}))
	f.Add(appendSummaryV1(&InvoiceSummary{ID: "x", Total: "1.00"}))
	f.Add(appendSummaryV2(&InvoiceSummary{ID: "x", Total: "1.00", Payments: []PaymentSummary{{Date: "2026-11-01", Amount: "2.50"}}}))
	f.Add(appendSummary(nil, &InvoiceSummary{ID: "z", Net: "1.00", Rates: []RateSummary{{"S", "19", "1.00", "0.19"}}, Credits: []PaymentSummary{{"2026-11-01", "1.19"}}}))
	f.Add(appendSummary(nil, &InvoiceSummary{ID: "y", Total: "5.00", Payments: []PaymentSummary{{Date: "2026-11-01", Amount: "2.50"}}}))
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

// appendSummaryV1 encodes s in format 1, as vaults made before payments
// were summarised hold it.
func appendSummaryV1(s *InvoiceSummary) []byte {
	b := []byte{summaryFormatV1}
	for _, f := range [...]string{s.ID, s.Number, string(s.Kind), string(s.Status), s.ClientID, s.Currency,
		s.IssueDate, s.DueDate, s.Total, s.Balance, s.Text} {
		b = appendString(b, f)
	}
	return binary.AppendVarint(b, s.Updated.UnixNano())
}

func TestSummaryFormat1IsRead(t *testing.T) {
	s := InvoiceSummary{ID: "a1", Number: "INV-1", Kind: invoice.KindInvoice, Status: invoice.StatusPaid, Currency: "EUR",
		Total: "10.00", Balance: "0.00", Updated: time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)}
	got, err := decodeSummary(appendSummaryV1(&s))
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("format 1: %+v, %v", got, err)
	}
	s.Payments = []PaymentSummary{{Date: "2026-11-02", Amount: "4.00"}, {Date: "2026-11-20", Amount: "6.00"}}
	got, err = decodeSummary(appendSummary(nil, &s))
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("format 2 with payments: %+v, %v", got, err)
	}
	enc := appendSummary(nil, &s)
	for i := range enc {
		if _, err := decodeSummary(enc[:i]); err == nil {
			t.Fatalf("truncated to %d bytes decoded without error", i)
		}
	}
}

// TestSummariesMigrateOnce: a vault whose summaries are in format 1 gets
// them rewritten, with payments, at the next unlock, and only once.
func TestSummariesMigrateOnce(t *testing.T) {
	v, dir := newVault(t)
	// A new vault is born in the current format: nothing to migrate.
	if err := v.View(func(tx *Tx) error {
		raw, err := tx.getRaw(keySummaryFormat)
		if err == nil && (len(raw) != 1 || raw[0] != summaryFormat) {
			err = fmt.Errorf("marker %v", raw)
		}
		return err
	}); err != nil {
		t.Fatalf("a new vault's summary format: %v", err)
	}
	inv := invoice.Invoice{ID: "i1", Kind: invoice.KindInvoice, Status: invoice.StatusPartiallyPaid, Number: "INV-1",
		ClientID: "c1", Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01",
		Lines:    []invoice.Line{{Description: "Work", Quantity: "1", UnitPrice: "100.00", TaxRate: "0"}},
		Payments: []invoice.Payment{{Date: "2026-11-05", Amount: "40.00"}}}
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.PutInvoice(inv); err != nil {
			return err
		}
		return tx.Audit("invoice.create", "i1", "")
	})
	// Make it a vault of before: format-1 summary, no marker.
	downgrade := func(v *Vault, dropMarker bool) {
		t.Helper()
		err := v.db.Update(func(txn *badger.Txn) error {
			sum, err := Summarize(&inv)
			if err != nil {
				return err
			}
			if err := txn.Set([]byte(prefixSummary+"i1"), v.macs.seal(prefixSummary+"i1", appendSummaryV1(&sum))); err != nil {
				return err
			}
			if !dropMarker {
				return nil
			}
			tx := &Tx{v: v, txn: txn, write: true}
			if err := tx.del(keySummaryFormat); err != nil {
				return err
			}
			return tx.applyCounts()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	payments := func(v *Vault) []PaymentSummary {
		t.Helper()
		var got []PaymentSummary
		if err := v.View(func(tx *Tx) error {
			return tx.EachInvoiceSummary(func(s InvoiceSummary) error { got = s.Payments; return nil })
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	downgrade(v, true)
	if p := payments(v); len(p) != 0 {
		t.Fatalf("the downgraded summary has payments %v", p)
	}
	v = reopen(t, v, dir)
	if p := payments(v); len(p) != 1 || p[0] != (PaymentSummary{Date: "2026-11-05", Amount: "40.00"}) {
		t.Fatalf("after the migration: payments %v", p)
	}
	// Migrated: the next unlock does not scan again (a format-1 summary
	// written behind its back stays as it is).
	downgrade(v, false)
	v = reopen(t, v, dir)
	defer v.Close()
	if p := payments(v); len(p) != 0 {
		t.Errorf("the summaries were rewritten again: %v", p)
	}
	counts, err := v.Counts()
	if err != nil {
		t.Fatal(err)
	}
	var kept map[string]int
	if err := v.View(func(tx *Tx) error { kept, err = tx.Counters(); return err }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(counts, kept) {
		t.Errorf("counters %v disagree with a scan %v", kept, counts)
	}
}
