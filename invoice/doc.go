// Package invoice is the invoicing domain of SafeInvoice: clients, invoices,
// lines, payments and credit notes, decimal money and tax arithmetic, number
// patterns, lifecycle rules and the minimal-information scanner.
//
// The package does no I/O and imports no other package of the project. Money
// is decimal (github.com/bojanz/currency, with github.com/cockroachdb/apd/v3
// for quantities and rates); no float is used anywhere.
//
// # Money
//
// Decimal fields of the model (Line.Quantity, Line.UnitPrice, Line.TaxRate,
// Line.Discount, Payment.Amount, Credit.Amount) are decimal strings, in Go
// and in JSON, parsed strictly by ParseQuantity, ParseUnitPrice, ParseRate,
// ParseDiscount and ParseAmount. Invoice.Totals computes exactly:
// line net = round(quantity × unit price × (1 − discount/100));
// tax per rate = round(Σ line nets at that rate × rate/100); total = Σ nets
// + Σ taxes; balance = total − Σ credits − Σ payments. Rounding is half away
// from zero to the currency's CLDR minor units (EUR 2, JPY 0, BHD 3).
//
// # Numbers
//
// ParsePattern parses a pattern such as "INV-{YYYY}-{SEQ:4}"; Pattern.Format
// makes the number of an invoice from a sequence value. The sequence is
// global, gap-free and owned by the storage layer, which must call
// Invoice.CheckIssuable before it takes a number.
//
// # Lifecycle
//
// draft → issued → partially paid → paid, with void and credit notes as the
// only corrections of issued invoices, and overdue derived from the due
// date: see Invoice.Issue, Invoice.RecordPayment, Invoice.Void,
// NewCreditNote, ApplyCreditNote, Invoice.IsOverdue and Invoice.Duplicate.
// Overpayments are refused (ErrOverpayment). Transitions return errors
// wrapping the package's sentinel errors, for errors.Is.
//
// # Minimal information
//
// Scan, ScanClient and ScanInvoice find text that looks like a US SSN, a
// tax id, an IBAN, a payment card number or a password, and report it
// masked; whether a finding warns or blocks is the caller's policy.
package invoice
