package interchange

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"safeinvoice/invoice"
)

func TestParseCSVErrors(t *testing.T) {
	header := "invoice,status,client_name,client_email,currency,issue_date,due_date,description,quantity,unit_price,tax_rate\n"
	row := "r1,issued,A,a@example.com,EUR,2026-11-01,2026-12-01,Work,1,10.00,19\n"
	cases := []struct{ name, data, want string }{
		{"empty", "", "the file is empty"},
		{"unknown column", "invoice,colour\nr1,red\n", `field colour: unknown column`},
		{"no invoice column", "status\nissued\n", "field invoice: required column missing"},
		{"conflicting invoice fields", header + row + "r1,issued,A,a@example.com,USD,2026-11-01,2026-12-01,More,1,5.00,19\n", `CSV row 3, field currency, value "USD": differs from the first row`},
		{"missing client", "invoice,status,currency\nr1,draft,EUR\n", "CSV row 2, field client"},
		{"credit note row", "invoice,kind\nr1,credit_note\n", "only invoices can be imported"},
	}
	for _, tc := range cases {
		_, err := ParseCSV([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	f, err := ParseCSV([]byte("\ufeff" + header + row + "r1,,,,,,,More work,2,5.00,7\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Invoices) != 1 || len(f.Invoices[0].Lines) != 2 || f.Invoices[0].Lines[1].TaxRate != "7" {
		t.Errorf("grouping: %+v", f.Invoices)
	}
}

func TestNeutralize(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+49 30 1234": "'+49 30 1234", "-20.00": "-20.00", "-1+2": "'-1+2", "@x": "'@x",
		"\tx": "'\tx", "plain": "plain", "": "", "1500": "1500", "-": "'-",
	} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
		if back := unneutralize(Neutralize(in)); back != in {
			t.Errorf("round trip of %q gave %q", in, back)
		}
	}
}

// TestCSVWriterRoundTrip writes an invoice whose text would run as
// spreadsheet formulas, and reads it back: the cells are neutralised in
// the file and restored by the parser, amounts stay numbers.
func TestCSVWriterRoundTrip(t *testing.T) {
	inv := &invoice.Invoice{ID: "i1", Number: "INV-7", Kind: invoice.KindInvoice, Status: invoice.StatusPartiallyPaid,
		ClientID: "c1", Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01", Notes: "=HYPERLINK(\"x\")",
		Lines: []invoice.Line{
			{Description: "@SUM(A1)", Quantity: "2", UnitPrice: "150.00", TaxRate: "19"},
			{Description: "-1+2 refund", Quantity: "1", UnitPrice: "-20.00", TaxRate: "19"},
		},
		Payments: []invoice.Payment{{Date: "2026-11-20", Amount: "100.00"}},
	}
	c := invoice.Client{ID: "c1", Name: "+Müller & Söhne KG", Email: "ap@example.com"}
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteInvoice(inv, c); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, string(BOM)) {
		t.Error("no byte-order mark")
	}
	for _, want := range []string{`"'=HYPERLINK(""x"")"`, "'@SUM(A1)", "'-1+2 refund", "'+Müller", ",-20.00,", ",333.20,", ",233.20"} {
		if !strings.Contains(out, want) {
			t.Errorf("the file lacks %s:\n%s", want, out)
		}
	}
	f, err := ParseCSV(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Invoices) != 1 || len(f.Clients) != 1 {
		t.Fatalf("read back %d invoices, %d clients", len(f.Invoices), len(f.Clients))
	}
	got := f.Invoices[0]
	if got.Number != "INV-7" || got.Status != "issued" || got.Notes != inv.Notes || f.Clients[0].Name != c.Name {
		t.Errorf("read back %+v, client %+v", got, f.Clients[0])
	}
	if !reflect.DeepEqual(got.Lines, inv.Lines) || !reflect.DeepEqual(got.Payments, inv.Payments) {
		t.Errorf("lines %+v, payments %+v; want %+v, %+v", got.Lines, got.Payments, inv.Lines, inv.Payments)
	}
}
