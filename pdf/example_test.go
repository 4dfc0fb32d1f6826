package pdf_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"safeinvoice/invoice"
	"safeinvoice/pdf"
)

func ExampleRender() {
	inv := &invoice.Invoice{
		ID: "i1", Number: "INV-2026-0001", Kind: invoice.KindInvoice, Status: invoice.StatusIssued,
		ClientID: "c1", Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01",
		Lines: []invoice.Line{{Description: "Consulting", Quantity: "2", UnitPrice: "150.00", TaxRate: "19"}},
	}
	client := &invoice.Client{ID: "c1", Name: "Dvořák a synové s.r.o.", Email: "ap@example.com"}
	b, err := pdf.Render(pdf.Document{Invoice: inv, Client: client},
		invoice.Party{Name: "Nordlicht Design GmbH", Email: "billing@nordlicht.example"},
		pdf.Options{Locale: "de-DE", CreationDate: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(b[:5]), pdf.Document{Invoice: inv}.Title())
	// Output: %PDF- Invoice INV-2026-0001
}

func ExampleSafeFileName() {
	fmt.Println(pdf.SafeFileName("INV-2026-0001", "Müller & Söhne KG"))
	fmt.Println(pdf.SafeFileName("INV-2026-0002", "../../etc/passwd"))
	fmt.Println(pdf.SafeFileName("", "CON"))
	// Output:
	// INV-2026-0001 Müller & Söhne KG.pdf
	// INV-2026-0002 .._.._etc_passwd.pdf
	// _CON.pdf
}

func ExampleExport() {
	dir, err := os.MkdirTemp("", "export")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var docs []pdf.Document
	for i, name := range []string{"Łódź Sp. z o.o.", "Ελληνικά Α.Ε."} {
		docs = append(docs, pdf.Document{
			Invoice: &invoice.Invoice{
				ID: fmt.Sprint(i), Number: fmt.Sprintf("INV-2026-%04d", i+1), Kind: invoice.KindInvoice,
				Status: invoice.StatusIssued, ClientID: "c", Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01",
				Lines: []invoice.Line{{Description: "Consulting", Quantity: "1", UnitPrice: "100.00", TaxRate: "19"}},
			},
			Client: &invoice.Client{ID: "c", Name: name, Email: "ap@example.com"},
		})
	}
	paths, err := pdf.Export(context.Background(), docs, dir, pdf.BatchOptions{
		Seller:   invoice.Party{Name: "Nordlicht Design GmbH"},
		Progress: func(done, total int) { fmt.Printf("%d/%d\n", done, total) },
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(paths), "files")
	// Output:
	// 1/2
	// 2/2
	// 2 files
}
