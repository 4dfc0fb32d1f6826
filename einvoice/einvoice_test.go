package einvoice

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"safeinvoice/invoice"
)

// readBack walks an e-invoice with a plain XML decoder, independently of
// the writer, and returns the text of every element by its path of local
// names ("CrossIndustryInvoice/…/DuePayableAmount"), and how often each
// path occurs.
func readBack(t *testing.T, data []byte) (map[string]string, map[string]int) {
	t.Helper()
	text, count := map[string]string{}, map[string]int{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var path []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the written XML does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			path = append(path, tok.Name.Local)
			count[strings.Join(path, "/")]++
		case xml.EndElement:
			path = path[:len(path)-1]
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				text[strings.Join(path, "/")] = s
			}
		}
	}
	return text, count
}

func TestTheWrittenAmountsAreTheInvoiceTotals(t *testing.T) {
	for _, c := range corpus(t) {
		totals, err := c.inv.Totals()
		if err != nil {
			t.Fatal(err)
		}
		d, err := Build(&c.inv, c.corrected, c.client, testSeller())
		if err != nil {
			t.Fatal(err)
		}
		wantPayable := totals.Balance.Number()
		if c.inv.IsCreditNote() {
			wantPayable = totals.Total.Number()
		}
		for _, f := range []Format{FacturX, XRechnungCII} {
			var buf bytes.Buffer
			if err := WriteCII(&buf, d, f); err != nil {
				t.Fatalf("%s %s: %v", c.name, f, err)
			}
			text, count := readBack(t, buf.Bytes())
			const sum = "CrossIndustryInvoice/SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradeSettlementHeaderMonetarySummation/"
			for what, want := range map[string]string{
				"DuePayableAmount": wantPayable, "TaxTotalAmount": totals.Tax.Number(),
				"GrandTotalAmount": totals.Total.Number(), "LineTotalAmount": totals.Net.Number(),
			} {
				if got := text[sum+what]; got != want {
					t.Errorf("%s %s: %s %q, the invoice says %q", c.name, f, what, got, want)
				}
			}
			if n := count["CrossIndustryInvoice/SupplyChainTradeTransaction/IncludedSupplyChainTradeLineItem"]; n != len(c.inv.Lines) {
				t.Errorf("%s %s: %d lines, want %d", c.name, f, n, len(c.inv.Lines))
			}
			if n := count["CrossIndustryInvoice/SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/ApplicableTradeTax"]; n != len(totals.Rates) {
				t.Errorf("%s %s: %d tax breakdowns, want %d", c.name, f, n, len(totals.Rates))
			}
		}
		var buf bytes.Buffer
		seller := testSeller()
		seller.Endpoint, seller.EndpointScheme = "4012345000009", "0088"
		d.Seller.Endpoint, d.Seller.EndpointScheme = seller.Endpoint, seller.EndpointScheme
		d.Buyer.Endpoint, d.Buyer.EndpointScheme = "0614141000005", "0088"
		if err := WriteUBL(&buf, d, Peppol); err != nil {
			t.Fatalf("%s peppol: %v", c.name, err)
		}
		text, count := readBack(t, buf.Bytes())
		root, line := "Invoice", "InvoiceLine"
		if c.inv.IsCreditNote() {
			root, line = "CreditNote", "CreditNoteLine"
		}
		if got := text[root+"/LegalMonetaryTotal/PayableAmount"]; got != wantPayable {
			t.Errorf("%s peppol: payable %q, want %q", c.name, got, wantPayable)
		}
		if got := text[root+"/TaxTotal/TaxAmount"]; got != totals.Tax.Number() {
			t.Errorf("%s peppol: tax %q, want %q", c.name, got, totals.Tax.Number())
		}
		if n := count[root+"/"+line]; n != len(c.inv.Lines) {
			t.Errorf("%s peppol: %d lines, want %d", c.name, n, len(c.inv.Lines))
		}
	}
}

func TestWritingIsDeterministic(t *testing.T) {
	c := corpus(t)[0]
	d, err := Build(&c.inv, nil, c.client, testSeller())
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := WriteCII(&a, d, FacturX); err != nil {
		t.Fatal(err)
	}
	if err := WriteCII(&b, d, FacturX); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same invoice was written differently twice")
	}
}

func TestCheckSaysWhatIsMissingAndWritesNothing(t *testing.T) {
	client := invoice.Client{ID: "c1", Name: "Müller & Söhne KG", Email: "ap@mueller.example"}
	inv := issued("INV-1", "EUR",
		invoice.Line{Description: "Tools", Quantity: "1", UnitPrice: "10.00", TaxRate: "19"},
		invoice.Line{Description: "Books", Quantity: "1", UnitPrice: "10.00", TaxRate: "0"})
	inv.BuyerReference = ""
	seller := Seller{Party: Party{Name: "Acme"}}
	d, err := Build(&inv, nil, client, seller)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = WriteCII(&buf, d, XRechnungCII)
	var ie *IncompleteError
	if !errors.As(err, &ie) || !errors.Is(err, ErrIncomplete) {
		t.Fatalf("WriteCII of an incomplete invoice: %v", err)
	}
	if buf.Len() != 0 {
		t.Error("something was written")
	}
	for _, want := range []string{
		"client Müller & Söhne KG has no country: e-invoices need the buyer's country",
		"the business has no country",
		"the business has no VAT id",
		"line 2 has a 0% rate but no VAT category",
		"the invoice has no buyer reference: XRechnung needs it",
		"the business has no contact name, phone or email",
		"the business has no IBAN",
		"client Müller & Söhne KG has no electronic address",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the check does not say %q:\n%v", want, err)
		}
	}
}

func TestCurrenciesWithThreeDecimalsAreRefused(t *testing.T) {
	inv := issued("INV-1", "BHD", invoice.Line{Description: "Tools", Quantity: "1", UnitPrice: "10.000", TaxRate: "10"})
	d, err := Build(&inv, nil, testClient(), testSeller())
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(d, FacturX); err == nil || !strings.Contains(err.Error(), "BHD amounts have 3 decimals; EN 16931 allows at most two") {
		t.Errorf("a BHD invoice: %v", err)
	}
}

func TestPeppolRefusesAnEmailAsElectronicAddress(t *testing.T) {
	c := corpus(t)[0]
	d, err := Build(&c.inv, nil, c.client, testSeller())
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(d, Peppol); err == nil || !strings.Contains(err.Error(), "the business has an e-mail address as electronic address") {
		t.Errorf("Peppol with EM addresses: %v", err)
	}
	if err := Check(d, FacturX); err != nil {
		t.Errorf("Factur-X with EM addresses: %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		if g, err := ParseFormat(string(f)); err != nil || g != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, g, err)
		}
	}
	if _, err := ParseFormat("pdf"); !errors.Is(err, ErrFormat) {
		t.Errorf("ParseFormat(pdf): %v", err)
	}
}

// BenchmarkWrite writes the corpus' first invoice (four lines, two rates)
// in each format: the XML per invoice.
func BenchmarkWrite(b *testing.B) {
	c := corpus(b)[0]
	seller := testSeller()
	seller.Endpoint, seller.EndpointScheme = "4012345000009", "0088"
	client := c.client
	client.EAddress, client.EAddressScheme = "0614141000005", "0088"
	d, err := Build(&c.inv, nil, client, seller)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Write(&buf, d, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len())/1024, "KiB/xml")
		})
	}
}
