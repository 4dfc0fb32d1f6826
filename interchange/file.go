package interchange

import (
	"bytes"
	"path/filepath"
	"strings"

	"safeinvoice/invoice"
)

// File is what an import file holds, in either format: clients, and
// invoices that refer to them. In JSON it is the top-level object (see
// README.md, "Import format"); all amounts are strings.
type File struct {
	Clients  []Client  `json:"clients"`
	Invoices []Invoice `json:"invoices"`
}

// Client is a client of an import file. ID is the file's own
// reference, used by its invoices; it does not become the vault's id.
type Client struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Address string `json:"address,omitempty"`
	TaxID   string `json:"tax_id,omitempty"`
	// For clients who receive e-invoices (see invoice.Client).
	City           string `json:"city,omitempty"`
	PostalCode     string `json:"postal_code,omitempty"`
	Country        string `json:"country,omitempty"`
	VATID          string `json:"vat_id,omitempty"`
	EAddress       string `json:"electronic_address,omitempty"`
	EAddressScheme string `json:"electronic_address_scheme,omitempty"`
	EInvoice       string `json:"einvoice,omitempty"`
}

// Invoice is an invoice of an import file. Client is an id from the
// file's clients (or of a client already in the vault). Number is optional:
// issued invoices without one get the next number of the sequence.
type Invoice struct {
	// Kind is "invoice" (also when empty) or "quote".
	Kind      string `json:"kind,omitempty"`
	Number    string `json:"number,omitempty"`
	Client    string `json:"client"`
	Currency  string `json:"currency"`
	IssueDate string `json:"issue_date"`
	DueDate   string `json:"due_date"`
	Status    string `json:"status"`
	Notes     string `json:"notes,omitempty"`
	Terms     string `json:"terms,omitempty"`
	// BuyerReference and OrderReference are the buyer's references
	// (EN 16931 BT-10, BT-13).
	BuyerReference string            `json:"buyer_reference,omitempty"`
	OrderReference string            `json:"order_reference,omitempty"`
	Lines          []invoice.Line    `json:"lines"`
	Payments       []invoice.Payment `json:"payments,omitempty"`
}

// BOM is the UTF-8 byte-order mark. Exports start with it; parsers skip it.
var BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse reads an import file in the format its name's extension says
// (.json, .csv), or else the one its first character suggests ('{' is
// JSON).
func Parse(name string, data []byte) (*File, error) {
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(name), "."))
	if format != "json" && format != "csv" {
		format = "csv"
		if t := bytes.TrimLeft(bytes.TrimPrefix(data, BOM), " \t\r\n"); len(t) > 0 && t[0] == '{' {
			format = "json"
		}
	}
	if format == "json" {
		return ParseJSON(data)
	}
	return ParseCSV(data)
}
