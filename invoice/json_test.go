package invoice

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// roundTrip marshals v, unmarshals into a new value of the same type,
// checks deep equality and that a second marshal gives the same bytes.
func roundTrip[T any](t *testing.T, v T) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	var got T
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("unmarshal %T: %v", v, err)
	}
	if !reflect.DeepEqual(v, got) {
		t.Fatalf("%T round trip:\n got %#v\nwant %#v", v, got, v)
	}
	b2, err := json.Marshal(got)
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("%T second marshal differs: %s vs %s", v, b, b2)
	}
	return b
}

func TestJSONRoundTrip(t *testing.T) {
	created := time.Date(2026, 11, 1, 9, 30, 0, 123456789, time.UTC)
	updated := time.Date(2026, 11, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600)).UTC() // the lifecycle stores UTC
	c := Client{ID: "c1", Name: "Müller & Söhne KG", Email: "ap@example.com", Address: "Hauptstr. 1\n10115 Berlin", TaxID: "DE123456789", Created: created, Updated: created}
	roundTrip(t, c)
	roundTrip(t, Client{ID: "c2", Name: "Email Only", Email: "x@example.com"})

	inv := Invoice{
		ID: "i1", Number: "INV-2026-0001", Kind: KindInvoice, Status: StatusPartiallyPaid, ClientID: "c1", Currency: "EUR",
		IssueDate: "2026-11-01", DueDate: "2026-12-01", Notes: "Danke!", Terms: "30 Tage",
		Lines:    []Line{{Description: "Consulting", Quantity: "2", UnitPrice: "150.00", TaxRate: "19", Discount: "0"}, {Description: "Rabatt", Quantity: "-1", UnitPrice: "10.00", TaxRate: "19"}},
		Payments: []Payment{{Date: "2026-11-20", Amount: "100.00", Note: "bank"}},
		Credits:  []Credit{{NoteID: "cn1", Number: "CN-2026-0001", Date: "2026-11-21", Amount: "11.90"}},
		Created:  created, Updated: updated,
	}
	if err := inv.Validate(); err != nil {
		t.Fatal(err)
	}
	b := roundTrip(t, inv)
	// Decimal fields are JSON strings.
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if q := raw["lines"].([]any)[0].(map[string]any)["quantity"]; q != "2" {
		t.Errorf("quantity in JSON is %#v, want the string \"2\"", q)
	}
	if a := raw["payments"].([]any)[0].(map[string]any)["amount"]; a != "100.00" {
		t.Errorf("amount in JSON is %#v", a)
	}
	roundTrip(t, Invoice{ID: "cn1", Kind: KindCreditNote, Status: StatusDraft, Currency: "JPY", Corrects: "i1", Lines: []Line{}})
	roundTrip(t, Invoice{ID: "v", Status: StatusVoid, VoidReason: "wrong client"})
	d, err := draft(t).Duplicate("i2", "2026-12-01", time.Now().In(time.FixedZone("CET", 3600)))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, *d) // timestamps from the lifecycle are UTC without monotonic reading
	roundTrip(t, Finding{Kind: FindingIBAN, Detail: "IBAN", Field: "notes", Start: 3, End: 30, Excerpt: "DE** ****"})

	// Clients and invoices shaped like the import example of README.md
	// (amounts as strings), with the model's field names, decode into the
	// model and validate.
	var imp struct {
		Clients  []Client  `json:"clients"`
		Invoices []Invoice `json:"invoices"`
	}
	const example = `{"clients": [{"id": "c1", "name": "Müller & Söhne KG", "email": "ap@example.com"}],
	 "invoices": [{"client_id": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01",
	   "status": "draft", "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "150.00", "tax_rate": "19", "discount": "0"}]}]}`
	if err := json.Unmarshal([]byte(example), &imp); err != nil {
		t.Fatal(err)
	}
	if err := imp.Clients[0].Validate(); err != nil {
		t.Error(err)
	}
	if err := imp.Invoices[0].Validate(); err != nil {
		t.Error(err)
	}
}

func TestTotalsJSON(t *testing.T) {
	inv := issued(t, line("2", "150.00", "19", "10"), line("1", "0.005", "7", ""))
	if err := inv.RecordPayment(Payment{Date: "2026-11-10", Amount: "21.30"}, testNow); err != nil {
		t.Fatal(err)
	}
	tt := totals(t, inv)
	b, err := json.Marshal(tt)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"currency":"EUR","line_nets":["270.00","0.01"],"rates":[{"category":"S","rate":"7","net":"0.01","tax":"0.00"},{"category":"S","rate":"19","net":"270.00","tax":"51.30"}],"net":"270.01","tax":"51.30","total":"321.31","credited":"0.00","paid":"21.30","balance":"300.01"}`
	if string(b) != want {
		t.Fatalf("JSON\n got %s\nwant %s", b, want)
	}
	var back Totals
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Total.Equal(tt.Total) || !back.Balance.Equal(tt.Balance) || len(back.Rates) != 2 || !back.Rates[1].Tax.Equal(tt.Rates[1].Tax) || back.Rates[0].Rate != "7" {
		t.Fatalf("round trip: %+v", back)
	}
	b2, _ := json.Marshal(back)
	if string(b2) != want {
		t.Fatalf("second marshal %s", b2)
	}
	empty := totals(t, &Invoice{Currency: "JPY"})
	b3, _ := json.Marshal(empty)
	var e2 Totals
	if err := json.Unmarshal(b3, &e2); err != nil {
		t.Fatal(err)
	}
	if b4, _ := json.Marshal(e2); string(b3) != string(b4) {
		t.Fatalf("empty totals: %s vs %s", b3, b4)
	}
	if err := json.Unmarshal([]byte(`{"currency":"EUR","net":"1.001"}`), &back); err == nil {
		t.Fatal("bad amount accepted")
	}
}
