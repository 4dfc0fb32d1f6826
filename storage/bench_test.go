package storage

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"safeinvoice/invoice"
)

// invoiceSized is a realistic invoice: ten lines, notes, a payment.
func invoiceSized(id string) invoice.Invoice {
	inv := invoice.Invoice{ID: id, Kind: invoice.KindInvoice, Status: invoice.StatusDraft, ClientID: "c42",
		Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01",
		Notes: "Thank you for your business. Please quote the invoice number with your payment.",
		Terms: "Payable within 30 days without deduction.", Created: t1, Updated: t1}
	for i := range 10 {
		inv.Lines = append(inv.Lines, invoice.Line{Description: fmt.Sprintf("Consulting, workshop day %d, on site", i+1),
			Quantity: "1.5", UnitPrice: "950.00", TaxRate: "19", Discount: "0"})
	}
	return inv
}

// reportPercentiles adds p50 and p95 of the per-operation durations.
func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	pct := func(p int) float64 { return float64(d[(len(d)-1)*p/100].Microseconds()) / 1000 }
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(95), "p95-ms")
}

// BenchmarkDurableSave is one audited, fsynced save of an invoice-sized
// record (target p95 ≤ 5 ms).
func BenchmarkDurableSave(b *testing.B) {
	dir := b.TempDir()
	v, err := Create(dir, testUser, testPassword, nil, testOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		inv := invoiceSized(fmt.Sprintf("inv-%d", i))
		start := time.Now()
		err := v.Update(testUser, func(tx *Tx) error {
			if err := tx.PutInvoice(inv); err != nil {
				return err
			}
			return tx.Audit("invoice.save", inv.ID, "")
		})
		durations = append(durations, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, durations)
}

// BenchmarkOpenWithKey is opening and closing a vault of 2,000 invoices
// with its master key: unlock time without the key derivation.
func BenchmarkOpenWithKey(b *testing.B) {
	dir := b.TempDir()
	v, err := Create(dir, testUser, testPassword, nil, testOptions())
	if err != nil {
		b.Fatal(err)
	}
	for i := range 2000 {
		inv := invoiceSized(fmt.Sprintf("inv-%d", i))
		if err := v.Update(testUser, func(tx *Tx) error {
			if err := tx.PutInvoice(inv); err != nil {
				return err
			}
			return tx.Audit("invoice.save", inv.ID, "")
		}); err != nil {
			b.Fatal(err)
		}
	}
	key := masterKey(v)
	if err := v.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		v, err := Open(dir, key, testOptions())
		if err != nil {
			b.Fatal(err)
		}
		if err := v.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKDF is unwrapping one key slot at the product's work factor: the
// cost of a login, and of each guess an attacker makes.
func BenchmarkKDF(b *testing.B) {
	dir := b.TempDir()
	opts := testOptions()
	opts.WorkFactor = ProductWorkFactor
	v, err := Create(dir, testUser, testPassword, nil, opts)
	if err != nil {
		b.Fatal(err)
	}
	id := v.ID()
	if err := v.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := readSlot(dir, id, testUser, testPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyAudit walks a chain of 10,000 entries.
func BenchmarkVerifyAudit(b *testing.B) {
	dir := b.TempDir()
	v, err := Create(dir, testUser, testPassword, nil, testOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for i := range 100 {
		if err := v.Update(testUser, func(tx *Tx) error {
			for j := range 100 {
				if err := tx.Audit("test.step", fmt.Sprint(i*100+j), ""); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.VerifyAudit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSlotRewrite is a password change: one .slot sealed at the
// product's work factor.
func BenchmarkSlotRewrite(b *testing.B) {
	dir := b.TempDir()
	v, err := Create(dir, testUser, testPassword, nil, testOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	v.opts.WorkFactor = ProductWorkFactor
	b.ResetTimer()
	for b.Loop() {
		if err := v.ChangePassword(testUser, testPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRotateKey is the master-key rotation after removing a user, on
// a vault of SAFEINVOICE_BENCH_N invoice-sized records (default 2,000) and
// five users. Rotation re-wraps Badger's key registry and reopens the
// database; it does not re-encrypt the data.
func BenchmarkRotateKey(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("SAFEINVOICE_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	v, err := Create(dir, testUser, testPassword, nil, testOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for i := range 4 {
		if err := v.AddSlot(fmt.Sprintf("user%d", i), testPassword, nil); err != nil {
			b.Fatal(err)
		}
	}
	for start := 0; start < n; start += 200 {
		if err := v.Update(testUser, func(tx *Tx) error {
			for i := start; i < min(start+200, n); i++ {
				if err := tx.PutInvoice(invoiceSized(fmt.Sprintf("inv-%d", i))); err != nil {
					return err
				}
			}
			return tx.Audit("bench.fill", "", "")
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := v.RotateKey(); err != nil {
			b.Fatal(err)
		}
	}
}
