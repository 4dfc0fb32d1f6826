package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/interchange"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

func listAll(t *testing.T, s *Session) []InvoiceRow {
	t.Helper()
	p, err := s.ListInvoices(InvoiceQuery{Sort: "date", Desc: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Rows {
		p.Rows[i].ID, p.Rows[i].ClientID = "", ""
	}
	return p.Rows
}

func TestImportJSONThenCSVRoundTrip(t *testing.T) {
	s := initVault(t, testConfig(t))
	res, err := s.ImportPath(context.Background(), "../interchange/testdata/import.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Invoices != 5 || res.ClientsCreated != 3 {
		t.Fatalf("result %+v", res)
	}
	rows := listAll(t, s)
	want := map[string][4]string{ // issue date → number, status, total, balance
		"2026-10-01": {"A-17", "paid", "333.20", "0.00"},
		"2026-11-02": {"INV-2026-0001", "partially_paid", "4050", "3050"},
		"2026-11-03": {"INV-2026-0002", "paid", "4.82", "0.00"},
		"2026-11-04": {"INV-2026-0003", "void", "1.375", "0.000"},
		"2026-11-20": {"", "draft", "5.00", "5.00"},
	}
	for _, r := range rows {
		w, ok := want[r.IssueDate]
		if !ok || r.Number != w[0] || string(r.Status) != w[1] || r.Total != w[2] || r.Balance != w[3] {
			t.Errorf("row %+v, want %v", r, w)
		}
	}
	// Importing the same file again is refused (A-17 exists) and changes nothing.
	if _, err := s.ImportPath(context.Background(), "../interchange/testdata/import.json", nil); !errors.Is(err, storage.ErrNumberTaken) || !strings.Contains(err.Error(), "invoice 1 (number A-17)") {
		t.Fatalf("second import: %v", err)
	}
	if got := listAll(t, s); len(got) != 5 {
		t.Fatalf("second import changed the vault: %d invoices", len(got))
	}

	var buf bytes.Buffer
	if _, err := s.ExportCSV(&buf); err != nil {
		t.Fatal(err)
	}
	exported := buf.Bytes()
	if !bytes.HasPrefix(exported, interchange.BOM) {
		t.Error("no byte-order mark")
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(exported, interchange.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
			if strings.HasPrefix(cell, "-") && interchange.Neutralize(cell) != cell {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	if !bytes.Contains(exported, []byte(`'=HYPERLINK`)) || !bytes.Contains(exported, []byte(`'@SUM`)) || !bytes.Contains(exported, []byte(`'-1+2`)) {
		t.Errorf("formula cells not neutralised:\n%s", exported)
	}
	if !bytes.Contains(exported, []byte(",-20.00,")) {
		t.Error("a negative amount lost its number form")
	}

	// The CSV imports into a fresh vault and lists the same.
	s2 := initVault(t, testConfig(t))
	f, err := ParseImportCSV(exported)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Import(context.Background(), f, nil); err != nil {
		t.Fatalf("import of the export: %v", err)
	}
	got := listAll(t, s2)
	if len(got) != len(rows) {
		t.Fatalf("%d rows after CSV round trip, want %d", len(got), len(rows))
	}
	for i := range rows {
		if got[i] != rows[i] {
			t.Errorf("row %d after CSV round trip:\n got %+v\nwant %+v", i, got[i], rows[i])
		}
	}
	c, err := s2.Clients()
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 3 || c[0].Name != `=HYPERLINK("http://evil.example","click")` {
		t.Errorf("clients after round trip: %+v", c)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	good := `{"number": "X-1", "client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "issued", "lines": [{"description": "A", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]}`
	file := func(second string) string {
		return `{"clients": [{"id": "c1", "name": "A", "email": "a@example.com"}], "invoices": [` + good + `, ` + second + `]}`
	}
	cases := []struct {
		name, data           string
		record, field, value string
	}{
		{"bad quantity", file(`{"client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "draft", "lines": [{"description": "B", "quantity": "1,5", "unit_price": "10.00", "tax_rate": "19"}]}`), "invoice 2", "quantity", "1,5"},
		{"unknown client", file(`{"client": "c9", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "draft", "lines": [{"description": "B", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]}`), "invoice 2", "client", "c9"},
		{"bad currency", file(`{"client": "c1", "currency": "EUX", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "draft", "lines": [{"description": "B", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]}`), "invoice 2", "currency", "EUX"},
		{"bad date", file(`{"client": "c1", "currency": "EUR", "issue_date": "2026-02-30", "due_date": "2026-12-01", "status": "draft", "lines": [{"description": "B", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]}`), "invoice 2", "issue_date", "2026-02-30"},
		{"duplicate number", file(strings.Replace(good, "\"A\"", "\"B\"", 1)), "invoice 2 (number X-1)", "number", "X-1"},
		{"overpayment", file(`{"client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "issued", "lines": [{"description": "B", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}], "payments": [{"date": "2026-11-02", "amount": "20.00"}]}`), "invoice 2", "payments 1", "20.00"},
		{"paid but not covered", file(`{"client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "paid", "lines": [{"description": "B", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}], "payments": [{"date": "2026-11-02", "amount": "5.00"}]}`), "invoice 2", "status", "paid"},
		{"bad status", file(`{"client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "sent", "lines": [{"description": "B", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]}`), "invoice 2", "status", "sent"},
		{"number on a draft", file(`{"number": "X-2", "client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "draft", "lines": [{"description": "B", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]}`), "invoice 2 (number X-2)", "number", "X-2"},
		{"amount as a JSON number", file(`{"client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "draft", "lines": [{"description": "B", "quantity": 1, "unit_price": "10.00", "tax_rate": "19"}]}`), "JSON line 1", "quantity", ""},
		{"unknown field", file(`{"client": "c1", "colour": "red"}`), "JSON file", "", ""},
		{"truncated", file(good)[:200], "JSON file", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := initVault(t, testConfig(t))
			path := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(path, []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.ImportPath(context.Background(), path, nil)
			var ie *ImportError
			if !errors.As(err, &ie) || !errors.Is(err, ErrImport) {
				t.Fatalf("got %v, want an *ImportError", err)
			}
			if !strings.HasPrefix(ie.Record, tc.record) || !strings.Contains(err.Error(), tc.field) || ie.Value != tc.value && tc.value != "" {
				t.Errorf("error %q (record %q field %q value %q), want record %q field %q value %q",
					err, ie.Record, ie.Field, ie.Value, tc.record, tc.field, tc.value)
			}
			if rows := listAll(t, s); len(rows) != 0 {
				t.Errorf("%d invoices written by a refused import", len(rows))
			}
			if cs, _ := s.Clients(); len(cs) != 0 {
				t.Errorf("%d clients written by a refused import", len(cs))
			}
		})
	}
}

// Invoices with long notes do not fit 250 to a transaction; the import
// splits its chunks until they do.
func TestImportOfLargeInvoicesSplitsTransactions(t *testing.T) {
	s := initVault(t, testConfig(t))
	f := &ImportFile{Clients: []ImportClient{{ID: "c", Name: "Big Notes Ltd", Email: "b@example.com"}}}
	notes := strings.Repeat("Delivery schedule and acceptance criteria as agreed. ", 150) // ~8 KB
	for range 300 {
		f.Invoices = append(f.Invoices, ImportInvoice{Client: "c", Currency: "EUR", IssueDate: "2026-11-01",
			DueDate: "2026-12-01", Status: "issued", Notes: notes,
			Lines: []invoice.Line{{Description: "Work", Quantity: "1", UnitPrice: "10.00", TaxRate: "19"}}})
	}
	res, err := s.Import(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Invoices != 300 {
		t.Errorf("imported %d", res.Invoices)
	}
	if p, _ := s.ListInvoices(InvoiceQuery{Limit: 1}); p.Matches != 300 || p.Rows[0].Number != "INV-2026-0300" {
		t.Errorf("list: %d, %+v", p.Matches, p.Rows)
	}
}
