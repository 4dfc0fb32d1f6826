package interchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"safeinvoice/invoice"
)

// The CSV format, for import and export: one row per line item, grouped by
// the "invoice" column; invoice-level columns are given on the invoice's
// first row and may be repeated (identically) or left empty on the others.
// A row with payment_date and payment_amount and no line columns records a
// payment. Export adds computed columns (line_net, invoice_total,
// invoice_balance) that import ignores.
var Columns = []string{
	"invoice", "number", "status", "client", "client_name", "client_email", "client_address", "client_tax_id",
	"currency", "issue_date", "due_date", "notes", "terms",
	"description", "quantity", "unit_price", "tax_rate", "discount",
	"payment_date", "payment_amount",
	// For e-invoices: the client's structured address, VAT id, electronic
	// address and format, the buyer's references, each line's unit, VAT
	// category and exemption.
	"client_city", "client_postal_code", "client_country", "client_vat_id",
	"client_electronic_address", "client_electronic_address_scheme", "client_einvoice",
	"buyer_reference", "order_reference",
	"unit", "tax_category", "exemption_reason", "exemption_code",
}

var ComputedColumns = []string{"kind", "line_net", "invoice_total", "invoice_balance"}

// invoiceLevel are the columns that describe the invoice, not the row.
var invoiceLevel = []string{"number", "status", "client", "client_name", "client_email", "client_address",
	"client_tax_id", "currency", "issue_date", "due_date", "notes", "terms",
	"client_city", "client_postal_code", "client_country", "client_vat_id",
	"client_electronic_address", "client_electronic_address_scheme", "client_einvoice",
	"buyer_reference", "order_reference"}

// ParseCSV reads the CSV format into an File. The header row is
// required; columns may come in any order; unknown columns are an error
// (a misspelt column would otherwise be silently lost). Cells neutralised
// by ExportCSV (a leading ' before = + - @) are restored.
func ParseCSV(data []byte) (*File, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, BOM)))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &Error{Record: "CSV file", Err: errors.New("the file is empty")}
	}
	if err != nil {
		return nil, &Error{Record: "CSV header", Err: err}
	}
	col := map[string]int{}
	known := map[string]bool{}
	for _, c := range append(append([]string{}, Columns...), ComputedColumns...) {
		known[c] = true
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !known[h] {
			return nil, &Error{Record: "CSV header", Field: h, Err: fmt.Errorf("unknown column; the columns are %s", strings.Join(Columns, ", "))}
		}
		if _, dup := col[h]; dup {
			return nil, &Error{Record: "CSV header", Field: h, Err: errors.New("the column appears twice")}
		}
		col[h] = i
	}
	if _, ok := col["invoice"]; !ok {
		return nil, &Error{Record: "CSV header", Field: "invoice", Err: errors.New("required column missing")}
	}
	f := &File{}
	byRef := map[string]int{}          // invoice column → index in f.Invoices
	levels := map[string][]string{}    // invoice ref → invoice-level values
	clientByKey := map[string]string{} // client key → file client id
	for rowNo := 2; ; rowNo++ {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		rec := fmt.Sprintf("CSV row %d", rowNo)
		if err != nil {
			return nil, &Error{Record: rec, Err: err}
		}
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(row) {
				return ""
			}
			return unneutralize(strings.TrimSpace(row[i]))
		}
		if strings.Join(row, "") == "" {
			continue // blank line
		}
		if k := get("kind"); k != "" && k != string(invoice.KindInvoice) {
			return nil, &Error{Record: rec, Field: "kind", Value: k, Err: errors.New("only invoices can be imported; credit notes are made in SafeInvoice")}
		}
		ref := get("invoice")
		if ref == "" {
			return nil, &Error{Record: rec, Field: "invoice", Err: invoice.ErrRequired}
		}
		vals := make([]string, len(invoiceLevel))
		for i, name := range invoiceLevel {
			vals[i] = get(name)
		}
		idx, seen := byRef[ref]
		if !seen {
			clientRef := get("client")
			if clientRef == "" {
				key := invoice.ClientKey(get("client_name"), get("client_email"))
				if key == "\x00" {
					return nil, &Error{Record: rec, Field: "client", Err: errors.New("give a client id, or client_name and client_email")}
				}
				if id, ok := clientByKey[key]; ok {
					clientRef = id
				} else {
					clientRef = fmt.Sprintf("csv-client-%d", len(f.Clients)+1)
					clientByKey[key] = clientRef
					f.Clients = append(f.Clients, Client{ID: clientRef, Name: get("client_name"),
						Email: get("client_email"), Address: get("client_address"), TaxID: get("client_tax_id"),
						City: get("client_city"), PostalCode: get("client_postal_code"), Country: get("client_country"),
						VATID: get("client_vat_id"), EAddress: get("client_electronic_address"),
						EAddressScheme: get("client_electronic_address_scheme"), EInvoice: get("client_einvoice")})
				}
			}
			idx = len(f.Invoices)
			byRef[ref] = idx
			levels[ref] = vals
			f.Invoices = append(f.Invoices, Invoice{
				Number: get("number"), Client: clientRef, Currency: get("currency"),
				IssueDate: get("issue_date"), DueDate: get("due_date"), Status: get("status"),
				Notes: get("notes"), Terms: get("terms"),
				BuyerReference: get("buyer_reference"), OrderReference: get("order_reference"),
			})
		} else {
			first := levels[ref]
			for i, v := range vals {
				if v != "" && v != first[i] {
					return nil, &Error{Record: rec, Field: invoiceLevel[i], Value: v,
						Err: fmt.Errorf("differs from the first row of invoice %q", ref)}
				}
			}
		}
		inv := &f.Invoices[idx]
		line := invoice.Line{Description: get("description"), Quantity: get("quantity"),
			UnitPrice: get("unit_price"), TaxRate: get("tax_rate"), Discount: get("discount"),
			Unit: get("unit"), TaxCategory: get("tax_category"), ExemptionReason: get("exemption_reason"), ExemptionCode: get("exemption_code")}
		if line != (invoice.Line{}) {
			inv.Lines = append(inv.Lines, line)
		}
		if pd, pa := get("payment_date"), get("payment_amount"); pd != "" || pa != "" {
			inv.Payments = append(inv.Payments, invoice.Payment{Date: pd, Amount: pa})
		}
	}
	if len(f.Invoices) == 0 {
		return nil, &Error{Record: "CSV file", Err: errors.New("no invoice rows")}
	}
	return f, nil
}

// Neutralize makes a text cell safe to open in a spreadsheet: a cell that
// starts with = + - @ (or a tab or carriage return) would be run as a
// formula, so it gets a leading apostrophe. Numbers that SafeInvoice wrote
// itself (strict decimals such as "-20.00") are left as they are, so that
// they stay numbers.
func Neutralize(s string) string {
	if s == "" || isStrictDecimal(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// unneutralize undoes Neutralize on import.
func unneutralize(s string) string {
	if len(s) >= 2 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r':
			return s[1:]
		}
	}
	return s
}

func isStrictDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	digits := func(x string) bool {
		if x == "" {
			return false
		}
		for _, r := range x {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	return digits(intPart) && (!hasDot || digits(frac))
}

// CSVWriter writes invoices in the CSV format, formula-injection safe (see
// Neutralize): UTF-8 with a byte-order mark, so that spreadsheets detect the
// encoding, then the header row, then one row per line item and one per
// payment of each invoice. Call Flush at the end.
type CSVWriter struct {
	cw *csv.Writer
}

// NewCSVWriter writes the byte-order mark and the header row to w.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	if _, err := w.Write(BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append(slices.Clone(Columns), ComputedColumns...)); err != nil {
		return nil, err
	}
	return &CSVWriter{cw: cw}, nil
}

// Flush writes what is buffered and returns the first write error.
func (w *CSVWriter) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// WriteInvoice writes inv's rows; c is its client.
func (w *CSVWriter) WriteInvoice(inv *invoice.Invoice, c invoice.Client) error {
	cw := w.cw
	t, err := inv.Totals()
	if err != nil {
		return fmt.Errorf("invoice %s: %w", inv.ID, err)
	}
	ref := inv.Number
	if ref == "" {
		ref = "draft-" + inv.ID
	}
	status := inv.Status
	if status == invoice.StatusPartiallyPaid {
		status = invoice.StatusIssued // payments rows carry the rest
	}
	base := map[string]string{
		"invoice": ref, "number": inv.Number, "status": string(status), "client": "",
		"client_name": c.Name, "client_email": c.Email, "client_address": c.Address, "client_tax_id": c.TaxID,
		"currency": inv.Currency, "issue_date": inv.IssueDate, "due_date": inv.DueDate,
		"notes": inv.Notes, "terms": inv.Terms, "kind": string(inv.Kind),
		"client_city": c.City, "client_postal_code": c.PostalCode, "client_country": c.Country, "client_vat_id": c.VATID,
		"client_electronic_address": c.EAddress, "client_electronic_address_scheme": c.EAddressScheme, "client_einvoice": c.EInvoice,
		"buyer_reference": inv.BuyerReference, "order_reference": inv.OrderReference,
		"invoice_total": t.Total.Number(), "invoice_balance": t.Balance.Number(),
	}
	row := func(extra map[string]string) []string {
		out := make([]string, 0, len(Columns)+len(ComputedColumns))
		for _, name := range append(append([]string{}, Columns...), ComputedColumns...) {
			v, ok := extra[name]
			if !ok {
				v = base[name]
			}
			out = append(out, Neutralize(v))
		}
		return out
	}
	for i, l := range inv.Lines {
		err := cw.Write(row(map[string]string{"description": l.Description, "quantity": l.Quantity,
			"unit_price": l.UnitPrice, "tax_rate": l.TaxRate, "discount": l.Discount, "line_net": t.LineNets[i].Number(),
			"unit": l.Unit, "tax_category": l.TaxCategory, "exemption_reason": l.ExemptionReason, "exemption_code": l.ExemptionCode}))
		if err != nil {
			return err
		}
	}
	for _, p := range inv.Payments {
		if err := cw.Write(row(map[string]string{"payment_date": p.Date, "payment_amount": p.Amount})); err != nil {
			return err
		}
	}
	return nil
}
