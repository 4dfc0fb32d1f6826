package einvoice

import (
	"errors"
	"fmt"
	"strings"

	"safeinvoice/invoice"
)

// Format is an e-invoice format a client can receive.
type Format string

// The formats.
const (
	// FacturX is CII at the EN 16931 profile, embedded in a PDF/A-3 as
	// factur-x.xml (Factur-X 1.0 / ZUGFeRD 2.x "EN 16931"); Write gives
	// the XML alone.
	FacturX Format = invoice.EInvoiceFacturX
	// XRechnungCII is CII to the German CIUS XRechnung 3.0.
	XRechnungCII Format = invoice.EInvoiceXRechnungCII
	// XRechnungUBL is UBL 2.1 meeting XRechnung 3.0 and Peppol BIS
	// Billing 3.0 together (see ARCHITECTURE.md for the specification id).
	XRechnungUBL Format = invoice.EInvoiceXRechnungUBL
	// Peppol is UBL 2.1 to Peppol BIS Billing 3.0.
	Peppol Format = invoice.EInvoicePeppol
)

// Formats lists the formats.
var Formats = []Format{FacturX, XRechnungCII, XRechnungUBL, Peppol}

// ParseFormat checks a format's name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w: %q (facturx, xrechnung-cii, xrechnung-ubl or peppol)", ErrFormat, s)
}

// UBL reports whether f is written in UBL (else CII).
func (f Format) UBL() bool { return f == XRechnungUBL || f == Peppol }

// XRechnung reports whether f follows the German CIUS.
func (f Format) XRechnung() bool { return f == XRechnungCII || f == XRechnungUBL }

// Ext is the file name extension of f's files.
func (f Format) Ext() string {
	if f == FacturX {
		return ".pdf"
	}
	return ".xml"
}

// Errors.
var (
	// ErrFormat means an unknown format name.
	ErrFormat = errors.New("unknown e-invoice format")
	// ErrIncomplete means a Document lacks what its format needs; the
	// *IncompleteError lists it.
	ErrIncomplete = errors.New("the e-invoice cannot be made")
)

// IncompleteError lists, in words, everything a Document lacks.
type IncompleteError struct {
	Number   string
	Format   Format
	Problems []string
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("invoice %s as %s: %s", e.Number, e.Format, strings.Join(e.Problems, "; "))
}

func (e *IncompleteError) Unwrap() error { return ErrIncomplete }

// Party is the seller or the buyer.
type Party struct {
	// Name is the legal name (BT-27, BT-44).
	Name string
	// Street holds the address lines (BT-35/36, BT-50/51), City,
	// PostalCode and Country (ISO 3166-1 alpha-2) the rest.
	Street, City, PostalCode, Country string
	// VATID is the VAT identifier (BT-31, BT-48); TaxID the seller's tax
	// registration number (BT-32).
	VATID, TaxID string
	// Endpoint is the electronic address (BT-34, BT-49) and
	// EndpointScheme its EAS code.
	Endpoint, EndpointScheme string
	// Contact, Phone and Email are the contact point (BG-6, BG-9).
	Contact, Phone, Email string
}

// Line is one invoice line, its money as the PDF prints it.
type Line struct {
	Description string
	// Quantity is a decimal; Unit a UN/ECE Rec. 20 code.
	Quantity, Unit string
	// Price is the unit price before discount (BT-148) and NetPrice
	// after it (BT-146); Discount is Quantity × Price − Net, the line
	// allowance ("" or zero when none).
	Price, NetPrice, Discount string
	// Net is the line net amount (BT-131), rounded as on the PDF.
	Net string
	// Category and Rate are the VAT category and rate in percent.
	Category, Rate string
}

// TaxBreakdown is the tax of one VAT category and rate (BG-23).
type TaxBreakdown struct {
	Category, Rate string
	// Base is the taxable amount, Tax the tax on it.
	Base, Tax string
	// ExemptionReason and ExemptionCode say why a category charges no
	// tax (BT-120, BT-121).
	ExemptionReason, ExemptionCode string
}

// Document is an invoice or credit note ready to be written: every amount
// a decimal string in the currency's minor units.
type Document struct {
	// CreditNote makes it a credit note (type 381) of Preceding, the
	// number of the invoice it corrects, issued on PrecedingDate.
	CreditNote               bool
	Number                   string
	IssueDate, DueDate       string // YYYY-MM-DD
	Currency                 string
	Note, Terms              string
	BuyerReference, OrderRef string
	Preceding, PrecedingDate string
	Seller, Buyer            Party
	// IBAN and BIC are the seller's account for a credit transfer.
	IBAN, BIC string
	Lines     []Line
	Taxes     []TaxBreakdown
	// LineTotal is Σ line nets (BT-106), TaxTotal Σ tax (BT-110), Total
	// LineTotal + TaxTotal (BT-112), Prepaid what was paid or credited
	// already (BT-113) and Payable Total − Prepaid (BT-115).
	LineTotal, TaxTotal, Total, Prepaid, Payable string
}
