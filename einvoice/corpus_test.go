package einvoice

import (
	"testing"

	"safeinvoice/invoice"
)

// seller is a German business with everything XRechnung asks for.
func testSeller() Seller {
	return Seller{Party: Party{Name: "Acme Tools GmbH", Street: "Hauptstraße 1\nHinterhaus", City: "Berlin", PostalCode: "10115", Country: "DE",
		VATID: "DE123456789", TaxID: "12/345/67890", Endpoint: "billing@acme.example", EndpointScheme: "EM",
		Contact: "Erika Mustermann", Phone: "+49 30 1234567", Email: "billing@acme.example"},
		IBAN: "DE02120300000000202051", BIC: "BYLADEM1001"}
}

func testClient() invoice.Client {
	return invoice.Client{ID: "c1", Name: "Müller & Söhne KG", Email: "ap@mueller.example", Address: "Marktplatz 5", City: "München",
		PostalCode: "80331", Country: "DE", VATID: "DE987654321", EAddress: "ap@mueller.example", EAddressScheme: "EM"}
}

// testCase is one invoice of the corpus.
type testCase struct {
	name      string
	inv       invoice.Invoice
	client    invoice.Client
	corrected *invoice.Invoice
}

func issued(number, cur string, lines ...invoice.Line) invoice.Invoice {
	return invoice.Invoice{ID: number, Number: number, Kind: invoice.KindInvoice, Status: invoice.StatusIssued, ClientID: "c1",
		Currency: cur, IssueDate: "2026-11-02", DueDate: "2026-12-02", Terms: "Payable within 30 days", BuyerReference: "04011000-12345-03",
		Lines: lines}
}

func corpus(t testing.TB) []testCase {
	t.Helper()
	fr := testClient()
	fr.Name, fr.Address, fr.City, fr.PostalCode, fr.Country, fr.VATID = "Société Générale d'Électricité", "12 rue de Rivoli", "Paris", "75001", "FR", "FR40303265045"
	us := testClient()
	us.Name, us.Address, us.City, us.PostalCode, us.Country, us.VATID = "Acme Corp.", "1 Main St", "Springfield", "62701", "US", ""
	many := issued("INV-2026-0006", "EUR")
	for i := range 120 {
		many.Lines = append(many.Lines, invoice.Line{Description: "Position " + string(rune('A'+i%26)), Quantity: "3", UnitPrice: "9.99", TaxRate: []string{"19", "7"}[i%2]})
	}
	partial := issued("INV-2026-0004", "EUR", invoice.Line{Description: "Beratung", Quantity: "10", Unit: "HUR", UnitPrice: "95.00", TaxRate: "19"})
	partial.Status = invoice.StatusPartiallyPaid
	partial.Payments = []invoice.Payment{{Date: "2026-11-10", Amount: "500.00"}}
	orig := issued("INV-2026-0001", "EUR", invoice.Line{Description: "Werkzeugkoffer", Quantity: "2", UnitPrice: "150.00", TaxRate: "19"})
	credit := issued("CN-2026-0001", "EUR", invoice.Line{Description: "Werkzeugkoffer, zurückgegeben", Quantity: "1", UnitPrice: "150.00", TaxRate: "19"})
	credit.Kind, credit.Corrects, credit.DueDate = invoice.KindCreditNote, orig.ID, credit.IssueDate
	return []testCase{
		{name: "rates", client: testClient(), inv: issued("INV-2026-0001", "EUR",
			invoice.Line{Description: "Werkzeugkoffer", Quantity: "2", UnitPrice: "150.00", TaxRate: "19"},
			invoice.Line{Description: "Fachbuch", Quantity: "1", UnitPrice: "39.90", TaxRate: "7"},
			invoice.Line{Description: "Montage", Quantity: "1.5", Unit: "HUR", UnitPrice: "80.00", TaxRate: "19", Discount: "10"},
			invoice.Line{Description: "Treuerabatt", Quantity: "1", UnitPrice: "-20.00", TaxRate: "19"})},
		{name: "zero-exempt", client: testClient(), inv: issued("INV-2026-0002", "EUR",
			invoice.Line{Description: "Exported catalogue", Quantity: "1", UnitPrice: "10.00", TaxRate: "0", TaxCategory: "Z"},
			invoice.Line{Description: "Medical advice", Quantity: "1", UnitPrice: "200.00", TaxRate: "0", TaxCategory: "E", ExemptionReason: "Exempt under §4 Nr. 14 UStG"},
			invoice.Line{Description: "Tools", Quantity: "1", UnitPrice: "100.00", TaxRate: "19"})},
		{name: "reverse-charge", client: fr, inv: issued("INV-2026-0003", "EUR",
			invoice.Line{Description: "Consulting", Quantity: "8", Unit: "HUR", UnitPrice: "120.00", TaxRate: "0", TaxCategory: "AE"})},
		{name: "intra-community", client: fr, inv: issued("INV-2026-0007", "EUR",
			invoice.Line{Description: "Machine parts", Quantity: "40", Unit: "KGM", UnitPrice: "12.50", TaxRate: "0", TaxCategory: "K"})},
		{name: "export", client: us, inv: issued("INV-2026-0005", "USD",
			invoice.Line{Description: "Drill press", Quantity: "1", UnitPrice: "2400.00", TaxRate: "0", TaxCategory: "G"})},
		{name: "partial-payment", client: testClient(), inv: partial},
		{name: "credit-note", client: testClient(), inv: credit, corrected: &orig},
		{name: "jpy", client: testClient(), inv: issued("INV-2026-0008", "JPY",
			invoice.Line{Description: "和紙 (washi paper)", Quantity: "3", UnitPrice: "1500", TaxRate: "19"})},
		{name: "many-lines", client: testClient(), inv: many},
	}
}
