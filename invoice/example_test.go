package invoice_test

import (
	"errors"
	"fmt"
	"time"

	"safeinvoice/invoice"
)

func ExampleInvoice_Totals() {
	inv := &invoice.Invoice{
		Currency: "EUR",
		Lines: []invoice.Line{
			{Description: "Consulting", Quantity: "2", UnitPrice: "150.00", TaxRate: "19", Discount: "10"},
			{Description: "Book", Quantity: "1", UnitPrice: "25.00", TaxRate: "7"},
			{Description: "Loyalty discount", Quantity: "-1", UnitPrice: "20.00", TaxRate: "19"},
		},
		Payments: []invoice.Payment{{Date: "2026-11-20", Amount: "100.00"}},
	}
	t, err := inv.Totals()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range t.Rates {
		fmt.Printf("%s%%: net %s tax %s\n", r.Rate, r.Net.Number(), r.Tax.Number())
	}
	fmt.Println("net", t.Net.Number(), "tax", t.Tax.Number(), "total", t.Total.Number(), "balance", t.Balance)
	// Output:
	// 7%: net 25.00 tax 1.75
	// 19%: net 250.00 tax 47.50
	// net 275.00 tax 49.25 total 324.25 balance 224.25 EUR
}

func ExampleLineNet() {
	for _, c := range []struct{ price, code string }{{"0.005", "EUR"}, {"-0.005", "EUR"}, {"0.5", "JPY"}, {"1.2345", "BHD"}} {
		net, _ := invoice.LineNet(invoice.Line{Quantity: "1", UnitPrice: c.price, TaxRate: "0"}, c.code)
		fmt.Println(c.price, "→", net)
	}
	// Output:
	// 0.005 → 0.01 EUR
	// -0.005 → -0.01 EUR
	// 0.5 → 1 JPY
	// 1.2345 → 1.235 BHD
}

func ExampleParseAmount() {
	a, err := invoice.ParseAmount("1234.50", "EUR")
	fmt.Println(a, err)
	_, err = invoice.ParseAmount("1.234,50", "EUR")
	fmt.Println(errors.Is(err, invoice.ErrSyntax), err)
	_, err = invoice.ParseAmount("10.5", "JPY")
	fmt.Println(errors.Is(err, invoice.ErrPrecision), err)
	// Output:
	// 1234.50 EUR <nil>
	// true invalid number: thousand separators and decimal commas are not allowed; write digits with a point, like 1234.50
	// true too many fraction digits: no fraction digits allowed
}

func ExampleInvoice_Validate() {
	inv := &invoice.Invoice{
		Status: invoice.StatusDraft, ClientID: "c1", Currency: "EUR",
		IssueDate: "2026-11-01", DueDate: "2026-10-01",
		Lines: []invoice.Line{{Description: "Consulting", Quantity: "2", UnitPrice: "150,00", TaxRate: "19"}},
	}
	err := inv.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, invoice.ErrDueBeforeIssue))
	// Output:
	// due_date "2026-10-01": due date before issue date 2026-11-01; line 1 unit_price "150,00": invalid number: thousand separators and decimal commas are not allowed; write digits with a point, like 1234.50
	// true
}

func ExampleClient_Validate() {
	c := invoice.Client{Name: "Müller & Söhne KG", Email: "ap@example.com"} // email-only is fine
	fmt.Println(c.Validate())
	c.Email = "ap@example"
	fmt.Println(c.Validate())
	// Output:
	// <nil>
	// email: invalid e-mail address: the domain needs a dot, like example.com
}

func ExampleParsePattern() {
	p, err := invoice.ParsePattern("INV-{YYYY}-{SEQ:4}")
	if err != nil {
		fmt.Println(err)
		return
	}
	issued := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	fmt.Println(p.Format(1, issued))
	fmt.Println(p.Format(12345, issued))
	_, err = invoice.ParsePattern("INV/{YYYY}")
	fmt.Println(err)
	// Output:
	// INV-2026-0001
	// INV-2026-12345
	// invalid number pattern "INV/{YYYY}": character '/' at position 4 is unsafe in file names
}

func ExampleInvoice_RecordPayment() {
	inv := &invoice.Invoice{
		ID: "i1", Status: invoice.StatusDraft, ClientID: "c1", Currency: "EUR",
		IssueDate: "2026-11-01", DueDate: "2026-12-01",
		Lines: []invoice.Line{{Description: "Consulting", Quantity: "1", UnitPrice: "100.00", TaxRate: "19"}},
	}
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	if err := inv.Issue("INV-2026-0001", now); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inv.Status)
	fmt.Println(inv.RecordPayment(invoice.Payment{Date: "2026-11-05", Amount: "50.00"}, now), inv.Status)
	err := inv.RecordPayment(invoice.Payment{Date: "2026-11-06", Amount: "100.00"}, now)
	fmt.Println(errors.Is(err, invoice.ErrOverpayment), err)
	fmt.Println(inv.IsOverdue(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)))
	fmt.Println(inv.RecordPayment(invoice.Payment{Date: "2026-12-03", Amount: "69.00"}, now), inv.Status)
	fmt.Println(errors.Is(inv.CheckEditable(), invoice.ErrImmutable))
	// Output:
	// issued
	// <nil> partially_paid
	// true payment exceeds balance: 100.00 EUR is more than the balance of 69.00 EUR
	// true
	// <nil> paid
	// true
}

func ExampleNewCreditNote() {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	inv := &invoice.Invoice{
		ID: "i1", Status: invoice.StatusDraft, ClientID: "c1", Currency: "EUR",
		IssueDate: "2026-11-01", DueDate: "2026-12-01",
		Lines: []invoice.Line{{Description: "Consulting", Quantity: "2", UnitPrice: "100.00", TaxRate: "19"}},
	}
	_ = inv.Issue("INV-2026-0001", now)

	// Credit one of the two days.
	cn, err := invoice.NewCreditNote(inv, "cn1", "2026-11-03", []invoice.Line{
		{Description: "Consulting (1 day not delivered)", Quantity: "1", UnitPrice: "100.00", TaxRate: "19"},
	}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = cn.Issue("CN-2026-0001", now)
	fmt.Println(invoice.ApplyCreditNote(inv, cn, now))
	t, _ := inv.Totals()
	fmt.Println(inv.Status, "credited", t.Credited, "balance", t.Balance)

	_, err = invoice.NewCreditNote(inv, "cn2", "2026-11-04", inv.Lines, now)
	fmt.Println(errors.Is(err, invoice.ErrCreditExceedsTotal))
	// Output:
	// <nil>
	// partially_paid credited 119.00 EUR balance 119.00 EUR
	// true
}

func ExampleInvoice_Duplicate() {
	orig := &invoice.Invoice{
		ID: "i1", Number: "INV-2026-0001", Status: invoice.StatusPaid, ClientID: "c1", Currency: "EUR",
		IssueDate: "2026-11-01", DueDate: "2026-11-15",
		Lines: []invoice.Line{{Description: "Hosting", Quantity: "1", UnitPrice: "20.00", TaxRate: "19"}},
	}
	dup, err := orig.Duplicate("i2", "2026-12-01", time.Now())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dup.Status, dup.Number == "", dup.IssueDate, dup.DueDate, len(dup.Payments))
	// Output: draft true 2026-12-01 2026-12-15 0
}

func ExampleScan() {
	text := "Please pay to DE89 3704 0044 0532 0130 00. Invoice INV-2026-0001, call +49 30 1234567. Portal password: hunter2"
	for _, f := range invoice.Scan(text) {
		fmt.Printf("%s (%s) at %d: %s\n", f.Kind, f.Detail, f.Start, f.Excerpt)
	}
	// Output:
	// iban (IBAN) at 14: DE** **** **** **** **30 00
	// password (password) at 94: password: ****
}

func ExampleScanClient() {
	c := &invoice.Client{Name: "Jane Doe", Email: "jane@example.com", Address: "SSN 123-45-6789", TaxID: "DE123456789"}
	for _, f := range invoice.ScanClient(c) {
		fmt.Println(f.Field, f.Kind, f.Excerpt)
	}
	// Output: address ssn SSN ***-**-****
}
