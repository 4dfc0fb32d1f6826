// Package einvoice writes invoices as e-invoices to the European norm
// EN 16931: UN/CEFACT Cross Industry Invoice (CII D16B) for Factur-X /
// ZUGFeRD and XRechnung, and OASIS UBL 2.1 for Peppol BIS Billing 3.0 and
// XRechnung. It knows nothing of the vault: the app builds a Document from
// an invoice, its client, the seller's settings and the invoice's Totals,
// so that every amount is the one the PDF prints.
//
// Check lists, in words, every field a Document lacks for a format before
// anything is written; Write refuses a Document that fails it.
package einvoice
