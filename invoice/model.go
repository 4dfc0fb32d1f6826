package invoice

import "time"

// Client is a customer of the business. Only Name and Email are required: a
// client may be email-only, with no postal address and no tax id, which is
// the minimal-information default.
type Client struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Address string `json:"address,omitempty"`
	TaxID   string `json:"tax_id,omitempty"`
	// The rest is asked for only when the client receives e-invoices
	// (EInvoice): the structured address, the VAT id and the electronic
	// address (with its EAS scheme) the e-invoice is delivered to.
	City           string    `json:"city,omitempty"`
	PostalCode     string    `json:"postal_code,omitempty"`
	Country        string    `json:"country,omitempty"`
	VATID          string    `json:"vat_id,omitempty"`
	EAddress       string    `json:"electronic_address,omitempty"`
	EAddressScheme string    `json:"electronic_address_scheme,omitempty"`
	EInvoice       string    `json:"einvoice,omitempty"`
	Created        time.Time `json:"created"`
	Updated        time.Time `json:"updated"`
}

// Status is the stored lifecycle state of an invoice. Overdue is not a stored
// state: it is derived from the due date and the balance.
type Status string

// The lifecycle states.
const (
	StatusDraft         Status = "draft"
	StatusIssued        Status = "issued"
	StatusPartiallyPaid Status = "partially_paid"
	StatusPaid          Status = "paid"
	StatusVoid          Status = "void"
)

// Kind tells an invoice from a credit note and a quote (see quote.go).
type Kind string

// The document kinds.
const (
	KindInvoice    Kind = "invoice"
	KindCreditNote Kind = "credit_note"
)

// Invoice is an invoice or a credit note. ID is a stable internal identifier
// given at creation; Number is assigned only when the document is issued and
// is never reused.
type Invoice struct {
	ID       string `json:"id"`
	Number   string `json:"number,omitempty"`
	Kind     Kind   `json:"kind"`
	Status   Status `json:"status"`
	ClientID string `json:"client_id"`
	// Currency is an ISO 4217 code such as "EUR".
	Currency string `json:"currency"`
	// IssueDate and DueDate are calendar dates, "YYYY-MM-DD".
	IssueDate string `json:"issue_date"`
	DueDate   string `json:"due_date"`
	Notes     string `json:"notes,omitempty"`
	Terms     string `json:"terms,omitempty"`
	Lines     []Line `json:"lines"`
	// Payments are recorded against an issued invoice.
	Payments []Payment `json:"payments,omitempty"`
	// Credits are the credit notes applied to an issued invoice (see
	// ApplyCreditNote); they reduce its balance like payments do.
	Credits []Credit `json:"credits,omitempty"`
	// Reminders are the payment reminders made for an issued invoice,
	// oldest first (see ReminderDue).
	Reminders []Reminder `json:"reminders,omitempty"`
	// Corrects is, on a credit note, the ID of the invoice it corrects.
	Corrects string `json:"corrects,omitempty"`
	// Schedule is, on an invoice a recurring schedule made, the schedule's
	// id, and Occurrence which of its occurrences it is (1 first).
	Schedule   string `json:"schedule,omitempty"`
	Occurrence int    `json:"occurrence,omitempty"`
	// FromQuote is, on an invoice made from a quote, the quote's ID;
	// Invoiced is, on a quote made into an invoice, the invoice's ID.
	FromQuote string `json:"from_quote,omitempty"`
	Invoiced  string `json:"invoiced,omitempty"`
	// BuyerReference is the buyer's reference for the invoice (EN 16931
	// BT-10; the Leitweg-ID of a German public buyer); OrderReference the
	// buyer's purchase order (BT-13).
	BuyerReference string `json:"buyer_reference,omitempty"`
	OrderReference string `json:"order_reference,omitempty"`
	// VoidReason is set when an issued invoice is voided.
	VoidReason string    `json:"void_reason,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

// Line is one line item. Quantity, UnitPrice, TaxRate (percent) and Discount
// (percent) are decimal strings such as "2", "150.00", "19" and "0"; a
// negative quantity or price makes a discount line.
type Line struct {
	Description string `json:"description"`
	Quantity    string `json:"quantity"`
	UnitPrice   string `json:"unit_price"`
	TaxRate     string `json:"tax_rate"`
	Discount    string `json:"discount,omitempty"`
	// Unit is a UN/ECE Rec. 20 code ("" means DefaultUnit, C62);
	// TaxCategory a UNTDID 5305 VAT category ("" means S above a zero
	// rate, see VATCategory); a line without tax says why in
	// ExemptionReason and/or ExemptionCode (VATEX).
	Unit            string `json:"unit,omitempty"`
	TaxCategory     string `json:"tax_category,omitempty"`
	ExemptionReason string `json:"exemption_reason,omitempty"`
	ExemptionCode   string `json:"exemption_code,omitempty"`
}

// Payment is money received against an invoice, in the invoice's currency.
// Date is "YYYY-MM-DD"; Amount is a decimal string.
type Payment struct {
	Date   string `json:"date"`
	Amount string `json:"amount"`
	Note   string `json:"note,omitempty"`
}

// Credit records, on the corrected invoice, one credit note applied to it.
// Amount is the credit note's total, a positive decimal string in the
// invoice's currency.
type Credit struct {
	NoteID string `json:"note_id"`
	Number string `json:"number"`
	Date   string `json:"date"`
	Amount string `json:"amount"`
}
