package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"safeinvoice/invoice"
)

// fixedDate is the creation date of every test document.
var fixedDate = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func testSeller() invoice.Party {
	return invoice.Party{
		Name:    "Nordlicht Design GmbH",
		Address: "Schönhauser Allee 12\n10119 Berlin\nGermany",
		Email:   "billing@nordlicht.example",
		TaxID:   "DE123456789",
	}
}

// withLogo returns opts with the test logo.
func withLogo(t testing.TB, opts Options) Options {
	t.Helper()
	opts.Logo = testLogo(t)
	return opts
}

// testLogo draws a small two-colour PNG logo.
func testLogo(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 240, 80))
	for y := 0; y < 80; y++ {
		for x := 0; x < 240; x++ {
			c := color.NRGBA{23, 62, 107, 255}
			if (x/20+y/20)%2 == 0 || x > 90 {
				c = color.NRGBA{0, 0, 0, 0}
			}
			if x > 100 && x < 230 && y > 30 && y < 50 {
				c = color.NRGBA{60, 140, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testClient(name string) *invoice.Client {
	return &invoice.Client{
		ID:      "c1",
		Name:    name,
		Email:   "ap@example.com",
		Address: "ul. Piotrkowska 104\n90-926 Łódź\nPoland",
		TaxID:   "PL5260001246",
	}
}

func baseInvoice(currency string, lines ...invoice.Line) *invoice.Invoice {
	return &invoice.Invoice{
		ID:        "i1",
		Number:    "INV-2026-0001",
		Kind:      invoice.KindInvoice,
		Status:    invoice.StatusIssued,
		ClientID:  "c1",
		Currency:  currency,
		IssueDate: "2026-11-01",
		DueDate:   "2026-12-01",
		Lines:     lines,
	}
}

// fixture is one representative document of the golden tests.
type fixture struct {
	name   string
	doc    Document
	seller invoice.Party
	opts   Options
}

func fixtures(t testing.TB) []fixture {
	t.Helper()
	opts := Options{CreationDate: fixedDate}

	simple := baseInvoice("EUR",
		invoice.Line{Description: "Website redesign — discovery workshop", Quantity: "2", UnitPrice: "650.00", TaxRate: "19"},
		invoice.Line{Description: "Hosting, November", Quantity: "1", UnitPrice: "29.90", TaxRate: "19"},
	)
	simple.Terms = "Payable within 30 days by bank transfer to IBAN DE02 1203 0000 0000 2020 51, quoting the invoice number."

	jpy := baseInvoice("JPY",
		invoice.Line{Description: "Translation, 12 pages", Quantity: "12", UnitPrice: "4500", TaxRate: "10"},
		invoice.Line{Description: "Proofreading", Quantity: "3.5", UnitPrice: "3000", TaxRate: "10"},
	)
	jpy.Number = "INV-2026-0002"

	mixed := baseInvoice("EUR",
		invoice.Line{Description: "Consulting", Quantity: "10", UnitPrice: "120.00", TaxRate: "19", Discount: "10"},
		invoice.Line{Description: "Books (reduced rate)", Quantity: "3", UnitPrice: "24.95", TaxRate: "7"},
		invoice.Line{Description: "Export service, tax exempt", Quantity: "1", UnitPrice: "300.00", TaxRate: "0"},
		invoice.Line{Description: "Loyalty discount", Quantity: "1", UnitPrice: "-50.00", TaxRate: "19"},
	)
	mixed.Number = "INV-2026-0003"
	mixed.Status = invoice.StatusPartiallyPaid
	mixed.Payments = []invoice.Payment{{Date: "2026-11-15", Amount: "500.00"}}
	mixed.Notes = "Thank you for your business.\nQuestions about this invoice? Write to billing@nordlicht.example."
	mixed.Terms = "Net 30."
	mixedOpts := opts
	mixedOpts.Locale = "de-DE"
	mixedOpts.Buyer = BuyerAddress | BuyerTaxID

	credit := baseInvoice("EUR",
		invoice.Line{Description: "Refund: hosting, November (service outage)", Quantity: "1", UnitPrice: "29.90", TaxRate: "19"},
	)
	credit.ID, credit.Number, credit.Kind, credit.Corrects = "cn1", "CN-2026-0001", invoice.KindCreditNote, "i1"
	credit.DueDate = "2026-11-01"

	void := baseInvoice("EUR",
		invoice.Line{Description: "Logo design", Quantity: "1", UnitPrice: "900.00", TaxRate: "19"},
	)
	void.Number, void.Status, void.VoidReason = "INV-2026-0004", invoice.StatusVoid, "issued to the wrong client"

	long := baseInvoice("EUR")
	long.Number = "INV-2026-0005"
	for i := 1; i <= 120; i++ {
		long.Lines = append(long.Lines, invoice.Line{
			Description: fmt.Sprintf("Line %03d: support ticket #%d", i, 4000+i),
			Quantity:    fmt.Sprintf("%d", 1+i%3), UnitPrice: "45.00", TaxRate: "19",
		})
	}

	unicode := baseInvoice("PLN",
		invoice.Line{Description: "Usługi doradcze — Łódź", Quantity: "1", UnitPrice: "1000.00", TaxRate: "23"},
		invoice.Line{Description: "Překlad: Antonín Dvořák, Rusalka", Quantity: "2", UnitPrice: "150.00", TaxRate: "23"},
		invoice.Line{Description: "Μετάφραση: Ελληνικά", Quantity: "1", UnitPrice: "80.00", TaxRate: "23"},
		invoice.Line{Description: "Перевод: Кириллица", Quantity: "1", UnitPrice: "80.00", TaxRate: "23"},
	)
	unicode.Number = "FV/2026/11/007"
	unicodeOpts := opts
	unicodeOpts.Locale = "pl-PL"
	unicodeOpts.Buyer = BuyerAddress

	draft := baseInvoice("USD",
		invoice.Line{Description: "Workshop (2 days)", Quantity: "2", UnitPrice: "1200.00", TaxRate: "0"},
	)
	draft.Number, draft.Status = "", invoice.StatusDraft
	draftOpts := opts
	draftOpts.Locale = "en-US"
	draftOpts.PaperSize = Letter

	credited := baseInvoice("EUR",
		invoice.Line{Description: "Annual maintenance", Quantity: "1", UnitPrice: "2400.00", TaxRate: "19"},
	)
	credited.Number, credited.Status = "INV-2026-0006", invoice.StatusPartiallyPaid
	credited.Credits = []invoice.Credit{{NoteID: "cn2", Number: "CN-2026-0002", Date: "2026-11-10", Amount: "476.00"}}
	credited.Payments = []invoice.Payment{{Date: "2026-11-20", Amount: "1000.00"}}

	return []fixture{
		{"simple-eur", Document{Invoice: simple, Client: testClient("Müller & Söhne KG")}, testSeller(), withLogo(t, opts)},
		{"jpy", Document{Invoice: jpy, Client: testClient("Yamada Shoten")}, testSeller(), opts},
		{"discount-rates", Document{Invoice: mixed, Client: testClient("Dvořák a synové s.r.o.")}, testSeller(), withLogo(t, mixedOpts)},
		{"credit-note", Document{Invoice: credit, Client: testClient("Müller & Söhne KG"), CorrectsNumber: "INV-2026-0001"}, testSeller(), withLogo(t, opts)},
		{"void", Document{Invoice: void, Client: testClient("Wrong Client Ltd")}, testSeller(), opts},
		{"long-120", Document{Invoice: long, Client: testClient("Ελληνικά Α.Ε.")}, testSeller(), withLogo(t, opts)},
		{"unicode", Document{Invoice: unicode, Client: testClient("Łódź Кириллица Dvořák Ελληνικά")}, testSeller(), unicodeOpts},
		{"draft-letter", Document{Invoice: draft, Client: testClient("Acme Corp.")}, testSeller(), draftOpts},
		{"credited-paid", Document{Invoice: credited, Client: testClient("Müller & Söhne KG")}, testSeller(), withLogo(t, opts)},
	}
}
