package interchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
)

func FuzzParseJSON(f *testing.F) {
	seed, err := os.ReadFile("testdata/import.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"clients": [], "invoices": []}`))
	f.Add([]byte(`{"invoices": [{"lines": [{"quantity": 2}]}]}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseJSON(data)
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) || ie.Record == "" {
				t.Fatalf("error %v is not an *Error naming a record", err)
			}
			return
		}
		// What parses re-encodes to something that parses the same.
		again, err := json.Marshal(file)
		if err != nil {
			t.Fatal(err)
		}
		file2, err := ParseJSON(again)
		if err != nil {
			t.Fatalf("re-encoded file does not parse: %v", err)
		}
		if !reflect.DeepEqual(normalizeFile(file), normalizeFile(file2)) {
			t.Fatalf("round trip changed the file")
		}
	})
}

// normalizeFile makes nil and empty slices alike for comparison.
func normalizeFile(f *File) *File {
	c := *f
	if len(c.Clients) == 0 {
		c.Clients = nil
	}
	if len(c.Invoices) == 0 {
		c.Invoices = nil
	}
	for i := range c.Invoices {
		if len(c.Invoices[i].Lines) == 0 {
			c.Invoices[i].Lines = nil
		}
		if len(c.Invoices[i].Payments) == 0 {
			c.Invoices[i].Payments = nil
		}
	}
	return &c
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("invoice,status,client_name,client_email,currency,issue_date,due_date,description,quantity,unit_price,tax_rate\n" +
		"r1,issued,A,a@example.com,EUR,2026-11-01,2026-12-01,Work,1,10.00,19\nr1,,,,,,,More,2,5.00,7\n"))
	f.Add([]byte("invoice,kind\nr1,credit_note\n"))
	f.Add([]byte("\ufeffinvoice,payment_date,payment_amount\nr1,2026-11-01,'=1\n"))
	f.Add([]byte("invoice\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseCSV(data)
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) || ie.Record == "" {
				t.Fatalf("error %v is not an *Error naming a record", err)
			}
			return
		}
		if len(file.Invoices) == 0 {
			t.Fatal("a file without invoices was accepted")
		}
		for _, inv := range file.Invoices {
			if inv.Client == "" {
				t.Fatal("an invoice without a client reference was accepted")
			}
		}
	})
}

// FuzzParseCatalogueCSV: any bytes give items or an *Error naming a
// record, and what the export writes of the items reads back the same.
func FuzzParseCatalogueCSV(f *testing.F) {
	f.Add([]byte("description,unit_price,unit,tax_rate,tax_category\nConsulting,95.00,HUR,19,\n\"'=cmd\",1,,0,E\n"))
	f.Add([]byte("\ufeffunit_price,description\n1,a\n"))
	f.Add([]byte("description,unit_price\n\"unterminated\n"))
	f.Add([]byte("description,description\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, given, err := ParseCatalogueCSV(data)
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) || ie.Record == "" {
				t.Fatalf("error %v is not an *Error naming a record", err)
			}
			return
		}
		if len(items) == 0 || !given["description"] || !given["unit_price"] {
			t.Fatalf("accepted %d items, columns %v", len(items), given)
		}
		var buf bytes.Buffer
		if err := WriteCatalogueCSV(&buf, items); err != nil {
			t.Fatal(err)
		}
		again, _, err := ParseCatalogueCSV(buf.Bytes())
		if err != nil {
			t.Fatalf("the export does not read back: %v\n%q", err, buf.String())
		}
		if !reflect.DeepEqual(again, items) {
			t.Fatalf("round trip changed the items:\n%q\n%q", items, again)
		}
	})
}
