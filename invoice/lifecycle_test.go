package invoice

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestIssue(t *testing.T) {
	inv := draft(t)
	later := testNow.Add(time.Hour)
	if err := inv.CheckIssuable(); err != nil {
		t.Fatal(err)
	}
	if err := inv.Issue("", later); !errors.Is(err, ErrRequired) || inv.Status != StatusDraft {
		t.Fatalf("empty number: %v, status %s", err, inv.Status)
	}
	if err := inv.Issue("INV-2026-0001", later); err != nil {
		t.Fatal(err)
	}
	if inv.Status != StatusIssued || inv.Number != "INV-2026-0001" || !inv.Updated.Equal(later) {
		t.Fatalf("after issue: %+v", inv)
	}
	if err := inv.Validate(); err != nil {
		t.Fatalf("issued invoice invalid: %v", err)
	}
	if err := inv.Issue("INV-2026-0002", later); !errors.Is(err, ErrNotDraft) || inv.Number != "INV-2026-0001" {
		t.Fatalf("second issue: %v, number %s", err, inv.Number)
	}
	for _, err := range []error{inv.CheckEditable(), inv.CheckDeletable(), CheckEdit(inv, inv)} {
		if !errors.Is(err, ErrImmutable) {
			t.Errorf("issued invoice editable: %v", err)
		}
	}

	bad := draft(t)
	bad.Lines[0].TaxRate = "x"
	before := *bad
	if err := bad.Issue("INV-2026-0002", later); err == nil || !reflect.DeepEqual(before, *bad) {
		t.Fatalf("invalid draft issued or changed: %v", err)
	}
	neg := draft(t, line("-1", "10.00", "19", ""))
	if err := neg.CheckIssuable(); !errors.Is(err, ErrRange) {
		t.Errorf("negative invoice issuable: %v", err)
	}
	zero := draft(t, line("1", "0.00", "19", ""))
	if err := zero.Issue("INV-2026-0003", later); err != nil || zero.Status != StatusPaid {
		t.Errorf("zero invoice: %v, status %s; want settled", err, zero.Status)
	}
}

func TestDraftEditable(t *testing.T) {
	inv := draft(t)
	if err := inv.CheckEditable(); err != nil {
		t.Fatal(err)
	}
	if err := inv.CheckDeletable(); err != nil {
		t.Fatal(err)
	}
	upd := *inv
	upd.Lines = []Line{line("3", "10.00", "7", "")}
	if err := CheckEdit(inv, &upd); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*Invoice){
		"status": func(i *Invoice) { i.Status = StatusIssued },
		"id":     func(i *Invoice) { i.ID = "other" },
		"kind":   func(i *Invoice) { i.Kind = KindCreditNote },
	} {
		u := *inv
		mod(&u)
		if err := CheckEdit(inv, &u); !errors.Is(err, ErrInvalid) {
			t.Errorf("edit changing %s: %v", name, err)
		}
	}
	u := *inv
	u.Currency = "???"
	if err := CheckEdit(inv, &u); !errors.Is(err, ErrCurrency) {
		t.Errorf("invalid edit accepted: %v", err)
	}
}

func TestRecordPayment(t *testing.T) {
	inv := issued(t) // total 357.00
	pay := func(amount string) error {
		return inv.RecordPayment(Payment{Date: "2026-11-10", Amount: amount}, testNow)
	}
	if err := pay("357.01"); !errors.Is(err, ErrOverpayment) || len(inv.Payments) != 0 {
		t.Fatalf("overpayment: %v", err)
	}
	if err := pay("0"); !errors.Is(err, ErrRange) {
		t.Fatalf("zero payment: %v", err)
	}
	if err := pay("1.001"); !errors.Is(err, ErrPrecision) {
		t.Fatalf("sub-cent payment: %v", err)
	}
	if err := inv.RecordPayment(Payment{Date: "10.11.2026", Amount: "1.00"}, testNow); !errors.Is(err, ErrDate) {
		t.Fatalf("bad date: %v", err)
	}
	if err := pay("100.00"); err != nil || inv.Status != StatusPartiallyPaid {
		t.Fatalf("partial payment: %v, %s", err, inv.Status)
	}
	if err := pay("257.01"); !errors.Is(err, ErrOverpayment) {
		t.Fatalf("overpayment of the rest: %v", err)
	}
	if err := pay("257.00"); err != nil || inv.Status != StatusPaid {
		t.Fatalf("final payment: %v, %s", err, inv.Status)
	}
	if tt := totals(t, inv); tt.Balance.Number() != "0.00" || tt.Paid.Number() != "357.00" {
		t.Fatalf("balance %s paid %s", tt.Balance.Number(), tt.Paid.Number())
	}
	if err := pay("0.01"); !errors.Is(err, ErrOverpayment) {
		t.Fatalf("payment on paid invoice: %v", err)
	}
	if inv.IsOverdue(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("paid invoice overdue")
	}

	d := draft(t)
	if err := d.RecordPayment(Payment{Date: "2026-11-10", Amount: "1.00"}, testNow); !errors.Is(err, ErrNotIssued) {
		t.Errorf("payment on draft: %v", err)
	}
	v := issued(t)
	if err := v.Void("wrong client", testNow); err != nil {
		t.Fatal(err)
	}
	if err := v.RecordPayment(Payment{Date: "2026-11-10", Amount: "1.00"}, testNow); !errors.Is(err, ErrVoid) {
		t.Errorf("payment on void: %v", err)
	}
}

func TestPaymentDoesNotAlias(t *testing.T) {
	inv := issued(t)
	inv.Payments = make([]Payment, 0, 4)
	copyInv := *inv
	if err := inv.RecordPayment(Payment{Date: "2026-11-10", Amount: "1.00"}, testNow); err != nil {
		t.Fatal(err)
	}
	if err := copyInv.RecordPayment(Payment{Date: "2026-11-11", Amount: "2.00"}, testNow); err != nil {
		t.Fatal(err)
	}
	if inv.Payments[0].Amount != "1.00" {
		t.Errorf("a copy's payment overwrote the original's: %+v", inv.Payments)
	}
}

func TestVoid(t *testing.T) {
	inv := issued(t)
	if err := inv.Void("  ", testNow); !errors.Is(err, ErrRequired) || inv.Status != StatusIssued {
		t.Fatalf("void without reason: %v", err)
	}
	if err := inv.Void("duplicate of INV-2026-0000", testNow); err != nil || inv.Status != StatusVoid || inv.VoidReason == "" {
		t.Fatalf("void: %v %+v", err, inv)
	}
	if err := inv.Validate(); err != nil {
		t.Fatalf("void invoice invalid: %v", err)
	}
	if err := inv.Void("again", testNow); !errors.Is(err, ErrVoid) {
		t.Errorf("void twice: %v", err)
	}
	if err := inv.CheckEditable(); !errors.Is(err, ErrImmutable) {
		t.Errorf("void editable: %v", err)
	}
	if err := draft(t).Void("x", testNow); !errors.Is(err, ErrNotIssued) {
		t.Errorf("void draft: %v", err)
	}
	paid := issued(t)
	if err := paid.RecordPayment(Payment{Date: "2026-11-10", Amount: "1.00"}, testNow); err != nil {
		t.Fatal(err)
	}
	if err := paid.Void("x", testNow); !errors.Is(err, ErrHasPayments) {
		t.Errorf("void with payment: %v", err)
	}
}

func TestCreditNotes(t *testing.T) {
	orig := issued(t, line("2", "150.00", "19", ""), line("1", "50.00", "7", "")) // 357.00 + 53.50 = 410.50
	if tt := totals(t, orig); tt.Total.Number() != "410.50" {
		t.Fatalf("total %s", tt.Total.Number())
	}
	if _, err := NewCreditNote(draft(t), "cn0", "2026-11-05", orig.Lines, testNow); !errors.Is(err, ErrNotIssued) {
		t.Errorf("credit note on draft: %v", err)
	}
	tooMuch := []Line{line("3", "150.00", "19", "")}
	if _, err := NewCreditNote(orig, "cn0", "2026-11-05", tooMuch, testNow); !errors.Is(err, ErrCreditExceedsTotal) {
		t.Errorf("credit above total: %v", err)
	}
	if _, err := NewCreditNote(orig, "cn0", "2026-11-05", []Line{line("-1", "10.00", "19", "")}, testNow); !errors.Is(err, ErrRange) {
		t.Errorf("negative credit note: %v", err)
	}
	if _, err := NewCreditNote(orig, "", "2026-11-05", []Line{line("1", "10.00", "19", "")}, testNow); !errors.Is(err, ErrRequired) {
		t.Errorf("credit note without id: %v", err)
	}

	// Partial credit: one consulting unit, 178.50.
	cn, err := NewCreditNote(orig, "cn1", "2026-11-05", []Line{line("1", "150.00", "19", "")}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if cn.Kind != KindCreditNote || cn.Status != StatusDraft || cn.Corrects != orig.ID || cn.Currency != "EUR" || cn.ClientID != orig.ClientID {
		t.Fatalf("credit note %+v", cn)
	}
	if err := ApplyCreditNote(orig, cn, testNow); !errors.Is(err, ErrNotIssued) {
		t.Fatalf("apply draft credit note: %v", err)
	}
	if err := cn.Issue("CN-2026-0001", testNow); err != nil {
		t.Fatal(err)
	}
	if cn.Status != StatusIssued {
		t.Fatalf("credit note status %s", cn.Status)
	}
	if err := ApplyCreditNote(orig, cn, testNow); err != nil {
		t.Fatal(err)
	}
	if err := ApplyCreditNote(orig, cn, testNow); !errors.Is(err, ErrAlreadyApplied) {
		t.Fatalf("apply twice: %v", err)
	}
	tt := totals(t, orig)
	if tt.Credited.Number() != "178.50" || tt.Balance.Number() != "232.00" || orig.Status != StatusPartiallyPaid {
		t.Fatalf("after credit: credited %s balance %s status %s", tt.Credited.Number(), tt.Balance.Number(), orig.Status)
	}
	if err := orig.Validate(); err != nil {
		t.Fatal(err)
	}
	// The rest of the total can still be credited, not more.
	if _, err := NewCreditNote(orig, "cn2", "2026-11-06", []Line{line("1", "150.00", "19", ""), line("1", "50.00", "7", "")}, testNow); err != nil {
		t.Errorf("credit of the remaining 232.00: %v", err)
	}
	if _, err := NewCreditNote(orig, "cn2", "2026-11-06", []Line{line("1", "150.00", "19", ""), line("1", "50.01", "7", "")}, testNow); !errors.Is(err, ErrCreditExceedsTotal) {
		t.Errorf("credit of 232.01: %v", err)
	}
	// A payment of the rest settles it; crediting a paid invoice makes a refund due.
	if err := orig.RecordPayment(Payment{Date: "2026-11-10", Amount: "232.00"}, testNow); err != nil || orig.Status != StatusPaid {
		t.Fatalf("pay rest: %v %s", err, orig.Status)
	}
	cn3, err := NewCreditNote(orig, "cn3", "2026-11-12", []Line{line("1", "10.00", "0", "")}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := cn3.Issue("CN-2026-0002", testNow); err != nil {
		t.Fatal(err)
	}
	if err := ApplyCreditNote(orig, cn3, testNow); err != nil {
		t.Fatal(err)
	}
	if tt := totals(t, orig); tt.Balance.Number() != "-10.00" || orig.Status != StatusPaid {
		t.Fatalf("refund due: balance %s status %s", tt.Balance.Number(), orig.Status)
	}
	// Credit notes take no payments and are not voided.
	if err := cn.RecordPayment(Payment{Date: "2026-11-10", Amount: "1.00"}, testNow); !errors.Is(err, ErrWrongKind) {
		t.Errorf("payment on credit note: %v", err)
	}
	if err := cn.Void("x", testNow); !errors.Is(err, ErrWrongKind) {
		t.Errorf("void credit note: %v", err)
	}
	other := issued(t)
	other.ID = "i2"
	if err := ApplyCreditNote(other, cn, testNow); !errors.Is(err, ErrInvalid) {
		t.Errorf("apply to another invoice: %v", err)
	}
	// Voided invoices are not credited.
	v := issued(t)
	_ = v.Void("x", testNow)
	if _, err := NewCreditNote(v, "cn9", "2026-11-05", v.Lines, testNow); !errors.Is(err, ErrVoid) {
		t.Errorf("credit note on void: %v", err)
	}
}

func TestOverdue(t *testing.T) {
	inv := issued(t) // due 2026-12-01
	day := func(y int, m time.Month, d, h int, loc *time.Location) time.Time {
		return time.Date(y, m, d, h, 0, 0, 0, loc)
	}
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		today time.Time
		want  bool
	}{
		{day(2026, 11, 30, 12, time.UTC), false},
		{day(2026, 12, 1, 23, time.UTC), false}, // the due date itself
		{day(2026, 12, 2, 0, time.UTC), true},
		{day(2026, 12, 2, 1, tokyo), true}, // 2026-12-01 16:00 UTC, but the 2nd in Tokyo
		{day(2027, 6, 1, 0, time.UTC), true},
	}
	for _, tt := range tests {
		if got := inv.IsOverdue(tt.today); got != tt.want {
			t.Errorf("IsOverdue(%v) = %v, want %v", tt.today, got, tt.want)
		}
	}
	late := day(2027, 1, 1, 0, time.UTC)
	if inv.EffectiveStatus(late) != StatusOverdue || inv.EffectiveStatus(day(2026, 11, 2, 0, time.UTC)) != StatusIssued {
		t.Error("EffectiveStatus")
	}
	if draft(t).IsOverdue(late) {
		t.Error("draft overdue")
	}
	_ = inv.RecordPayment(Payment{Date: "2026-11-10", Amount: "1.00"}, testNow)
	if !inv.IsOverdue(late) {
		t.Error("partially paid invoice past due not overdue")
	}
	_ = inv.Void("x", testNow) // refused: has payments
	v := issued(t)
	_ = v.Void("x", testNow)
	if v.IsOverdue(late) {
		t.Error("void invoice overdue")
	}
}

func TestDuplicate(t *testing.T) {
	orig := issued(t)
	orig.Notes, orig.Terms = "Thanks", "30 days net"
	if err := orig.RecordPayment(Payment{Date: "2026-11-10", Amount: "1.00"}, testNow); err != nil {
		t.Fatal(err)
	}
	later := testNow.Add(48 * time.Hour)
	dup, err := orig.Duplicate("i9", "2027-01-31", later)
	if err != nil {
		t.Fatal(err)
	}
	want := Invoice{ID: "i9", Kind: KindInvoice, Status: StatusDraft, ClientID: "c1", Currency: "EUR",
		IssueDate: "2027-01-31", DueDate: "2027-03-02", Notes: "Thanks", Terms: "30 days net", Lines: orig.Lines,
		Created: later, Updated: later}
	if !reflect.DeepEqual(*dup, want) {
		t.Fatalf("duplicate\n got %+v\nwant %+v", *dup, want)
	}
	if err := dup.Validate(); err != nil {
		t.Fatal(err)
	}
	dup.Lines[0].Quantity = "99"
	if orig.Lines[0].Quantity == "99" {
		t.Error("duplicate shares lines with the original")
	}
	if orig.Status != StatusPartiallyPaid || len(orig.Payments) != 1 {
		t.Error("original changed")
	}
	if _, err := orig.Duplicate("", "2027-01-31", later); !errors.Is(err, ErrRequired) {
		t.Errorf("no id: %v", err)
	}
	if _, err := orig.Duplicate("i9", "31.01.2027", later); !errors.Is(err, ErrDate) {
		t.Errorf("bad date: %v", err)
	}
}

func TestParseStatus(t *testing.T) {
	for _, s := range []string{"draft", "issued", "partially_paid", "paid", "void", "overdue"} {
		if st, err := ParseStatus(s); err != nil || string(st) != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, st, err)
		}
	}
	if _, err := ParseStatus("Paid"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseStatus(Paid): %v", err)
	}
}
