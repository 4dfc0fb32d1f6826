package invoice

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// scanPositives are texts that hold exactly one piece of sensitive data of
// the given kind; secret is the part that must not appear in the excerpt.
var scanPositives = []struct {
	text   string
	kind   FindingKind
	secret string
}{
	{"Client SSN 123-45-6789 on file", FindingSSN, "123-45-6789"},
	{"078-05-1120", FindingSSN, "078-05-1120"},
	{"SSN: 219 09 9999", FindingSSN, "219 09 9999"},
	{"social security number 219099999.", FindingSSN, "219099999"},
	{"EIN 12-3456789", FindingTaxID, "3456789"},
	{"Our EIN is 45-1234567.", FindingTaxID, "1234567"},
	{"Steuer-ID 86095742719", FindingTaxID, "86095742719"},
	{"IdNr: 65 929 970 489", FindingTaxID, "929 970 489"},
	{"Steuernummer 21/815/08150", FindingTaxID, "815/08150"},
	{"NI number AB 12 34 56 C", FindingTaxID, "12 34 56"},
	{"nino ab123456c", FindingTaxID, "123456"},
	{"VAT DE123456789", FindingTaxID, "123456789"},
	{"UID ATU12345678", FindingTaxID, "12345678"},
	{"TVA FR40303265045 (intracom.)", FindingTaxID, "303265045"},
	{"BTW NL123456789B01", FindingTaxID, "123456789"},
	{"Swiss UID CHE-123.456.789 MWST", FindingTaxID, "123.456.789"},
	{"Tax ID: 98765432", FindingTaxID, "98765432"},
	{"Pay to IBAN DE89 3704 0044 0532 0130 00, thank you", FindingIBAN, "3704 0044 0532"},
	{"GB82WEST12345698765432", FindingIBAN, "WEST123456"},
	{"iban fr14 2004 1010 0505 0001 3m02 606", FindingIBAN, "2004 1010 0505"},
	{"CH9300762011623852957", FindingIBAN, "0762011623"},
	{"Card 4111 1111 1111 1111 exp 12/28", FindingCard, "4111 1111 1111"},
	{"cc: 4111-1111-1111-1111", FindingCard, "4111-1111-1111"},
	{"5555555555554444", FindingCard, "555555555555"},
	{"Amex 3782 822463 10005", FindingCard, "822463"},
	{"Discover 6011111111111117 charged", FindingCard, "601111111111"},
	{"paid 2026 4111 1111 1111 1111", FindingCard, "4111 1111 1111"},
	{"password: hunter2", FindingPassword, "hunter2"},
	{"Login admin / pwd=S3cret!", FindingPassword, "S3cret!"},
	{"Das Passwort lautet Sommer2026", FindingPassword, "Sommer2026"},
	{"Passwort: geheim123", FindingPassword, "geheim123"},
	{"PIN 1234", FindingPassword, "1234"},
	{"Door pin-code: 987654", FindingPassword, "987654"},
	{"Kennwort = Tr0ub4dor", FindingPassword, "Tr0ub4dor"},
	{"API key: sk_live_abcdef123456", FindingPassword, "sk_live_abcdef123456"},
	{"the password is correcthorse", FindingPassword, "correcthorse"},
}

// scanNegatives are ordinary invoice texts that must raise no finding.
var scanNegatives = []string{
	"Consulting, 2 days at 150.00 EUR",
	"Invoice INV-2026-0001 dated 2026-11-01, due 2026-12-01",
	"RE-2026-00042",
	"Order #123456789",
	"Order 4500012345 (SAP PO)",
	"Bestellnummer 100234567, Kundennummer 100234",
	"Total: 1,234.56 EUR incl. 19% VAT",
	"Gesamt 1.234,56 € inkl. 19 % USt.",
	"¥150,000",
	"Dates: 01.11.2026, 11/01/2026, 2026-11-01, 1 Nov 2026",
	"Tel. +49 30 1234567",
	"Phone (555) 123-4567 or 555-123-4567",
	"+1 415 555 2671",
	"+44 20 7946 0958",
	"030 12345678",
	"Mobil 0151 12345678",
	"+4915112345678",
	"Musterstraße 1, 10115 Berlin",
	"221B Baker Street, London NW1 6XE",
	"Beverly Hills, CA 90210-1234",
	"75008 Paris",
	"Ottawa ON K1A 0B1",
	"Quantity 3 × 12.50",
	"Password-protected PDF available on request",
	"The PIN code will be sent separately",
	"Please reset your password via the portal",
	"Pay within 14 days without deduction",
	"Meeting at 10:30, room 4.12",
	"Certified ISO 9001:2015",
	"EAN 4006381333931",
	"Tracking 449044304137821",
	"ISBN 978-3-16-148410-0",
	"Version v1.2.3, build 20261101",
	"Serial no. 000-00-0000",
	"000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000",
	"IBAN DE89 3704 0044 0532 0130 01 (typo, bad checksum)",
	"Card 4111 1111 1111 1112",
	"1234 5678 9012 3456",
	"Wir liefern ein 1234567 Teile",
	"Tin cans 1234567",
	"Ref 12-34-56",
	"IP 192.168.1.1",
	"550e8400-e29b-41d4-a716-446655440000",
	"Hotel room 0815, 3 nights, 2 × 89.00",
	"Account: see remittance advice",
	"DE 10115 Berlin",
	"ATU",
	"Ihre Steuernummer bitte",
	"Invoice 2026/001 and 2026/002",
	"Lieferschein 12/2026/00123",
	"Stückpreis 0,005 €",
	"Reference number 2026110100001",
	"Subtotal 4,111.11 + 1,111.11",
}

func TestScanPositives(t *testing.T) {
	for _, tt := range scanPositives {
		fs := Scan(tt.text)
		if len(fs) != 1 || fs[0].Kind != tt.kind {
			t.Errorf("Scan(%q) = %+v, want one %s", tt.text, fs, tt.kind)
			continue
		}
		f := fs[0]
		if f.Start < 0 || f.End > len(tt.text) || f.Start >= f.End || !strings.Contains(tt.text[f.Start:f.End], tt.secret) {
			t.Errorf("Scan(%q): span [%d:%d] does not cover %q", tt.text, f.Start, f.End, tt.secret)
		}
		if strings.Contains(f.Excerpt, tt.secret) || f.Excerpt == "" || !strings.Contains(f.Excerpt, "*") {
			t.Errorf("Scan(%q): excerpt %q is not masked", tt.text, f.Excerpt)
		}
		if f.Detail == "" || f.Field != "" {
			t.Errorf("Scan(%q): detail %q field %q", tt.text, f.Detail, f.Field)
		}
	}
	if len(scanPositives) < 20 {
		t.Errorf("only %d positives", len(scanPositives))
	}
}

func TestScanNegatives(t *testing.T) {
	for _, text := range scanNegatives {
		if fs := Scan(text); len(fs) != 0 {
			t.Errorf("Scan(%q) = %+v, want nothing", text, fs)
		}
	}
	if len(scanNegatives) < 30 {
		t.Errorf("only %d negatives", len(scanNegatives))
	}
}

func TestScanMasking(t *testing.T) {
	tests := map[string]string{
		"4111 1111 1111 1111":          "**** **** **** 1111",
		"DE89 3704 0044 0532 0130 00":  "DE** **** **** **** **30 00",
		"123-45-6789":                  "***-**-****",
		"pwd=x":                        "pwd=****",
		"password: a-very-long-secret": "password: ****",
	}
	for text, want := range tests {
		fs := Scan(text)
		if len(fs) != 1 || fs[0].Excerpt != want {
			t.Errorf("Scan(%q) = %+v, want excerpt %q", text, fs, want)
		}
	}
}

func TestScanSeveral(t *testing.T) {
	text := "SSN 123-45-6789; pay IBAN GB82WEST12345698765432 or card 5555 5555 5555 4444, PIN 4321"
	fs := Scan(text)
	var kinds []string
	for i, f := range fs {
		kinds = append(kinds, string(f.Kind))
		if i > 0 && f.Start < fs[i-1].End {
			t.Errorf("overlapping findings %+v", fs)
		}
	}
	if got := strings.Join(kinds, ","); got != "ssn,iban,card,password" {
		t.Errorf("kinds %s", got)
	}
}

func TestScanClientInvoice(t *testing.T) {
	c := &Client{Name: "Jane Doe", Email: "jane@example.com", Address: "SSN 123-45-6789", TaxID: "DE123456789"}
	fs := ScanClient(c)
	if len(fs) != 1 || fs[0].Field != "address" || fs[0].Kind != FindingSSN {
		t.Errorf("ScanClient = %+v", fs)
	}
	c.TaxID = "123-45-6789" // an SSN used as tax id is still reported
	if fs := ScanClient(c); len(fs) != 2 || fs[1].Field != "tax_id" {
		t.Errorf("ScanClient with SSN tax id = %+v", fs)
	}
	inv := &Invoice{Notes: "password: x", Lines: []Line{{Description: "ok"}, {Description: "card 4111111111111111"}},
		Payments: []Payment{{Note: "from DE89370400440532013000"}}}
	var fields []string
	for _, f := range ScanInvoice(inv) {
		fields = append(fields, f.Field+"="+string(f.Kind))
	}
	if got := strings.Join(fields, ","); got != "line 2 description=card,notes=password,payment 1 note=iban" {
		t.Errorf("ScanInvoice fields %s", got)
	}
	if fs := ScanInvoice(draft(t)); len(fs) != 0 {
		t.Errorf("clean invoice: %+v", fs)
	}
}

func TestChecksums(t *testing.T) {
	for _, s := range []string{"79927398713", "4111111111111111", "378282246310005"} {
		if !ValidLuhn(s) {
			t.Errorf("ValidLuhn(%s) = false", s)
		}
	}
	for _, s := range []string{"79927398710", "4111111111111112", "", "1", "12a4"} {
		if ValidLuhn(s) {
			t.Errorf("ValidLuhn(%q) = true", s)
		}
	}
	for _, s := range []string{"DE89370400440532013000", "de89 3704 0044 0532 0130 00", "NO9386011117947", "BE68539007547034"} {
		if !ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = false", s)
		}
	}
	for _, s := range []string{"DE89370400440532013001", "DE8937040044053201300", "XX89370400440532013000", "DE89-3704", ""} {
		if ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = true", s)
		}
	}
	for _, s := range []string{"86095742719", "65929970489"} {
		if !ValidSteuerID(s) {
			t.Errorf("ValidSteuerID(%s) = false", s)
		}
	}
	for _, s := range []string{"86095742718", "06095742719", "12345678901", "11111111116", "8609574271"} {
		if ValidSteuerID(s) {
			t.Errorf("ValidSteuerID(%s) = true", s)
		}
	}
	for _, c := range [][3]string{{"000", "12", "3456"}, {"666", "12", "3456"}, {"900", "12", "3456"}, {"999", "12", "3456"}, {"123", "00", "4567"}, {"123", "45", "0000"}} {
		if ValidSSN(c[0], c[1], c[2]) {
			t.Errorf("ValidSSN(%v) = true", c)
		}
	}
	if !ValidSSN("899", "99", "9999") {
		t.Error("ValidSSN(899-99-9999) = false")
	}
}

// FuzzScan checks that Scan never panics, reports sorted, non-overlapping
// spans inside the text, and never puts a whole card number in an excerpt.
func FuzzScan(f *testing.F) {
	for _, p := range scanPositives {
		f.Add(p.text)
	}
	for _, n := range scanNegatives[:10] {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fs := Scan(text)
		end := 0
		for _, f := range fs {
			if f.Start < end || f.End <= f.Start || f.End > len(text) {
				t.Fatalf("bad span %+v in %q", f, text)
			}
			end = f.End
			if f.Kind == FindingCard || f.Kind == FindingIBAN {
				if d := digitsOf(f.Excerpt); len(d) > 4 {
					t.Fatalf("excerpt %q shows %d digits", f.Excerpt, len(d))
				}
			}
			if utf8.ValidString(text) && !utf8.ValidString(f.Excerpt) {
				t.Fatalf("excerpt %q is not UTF-8", f.Excerpt)
			}
		}
	})
}

func TestScanLongInput(t *testing.T) {
	// Inputs that would make a careless scanner quadratic must still work;
	// the 10,000-character note limit bounds real input.
	long := strings.Repeat("1 ", 5000) + "4111 1111 1111 1111"
	if fs := Scan(long); len(fs) != 1 || fs[0].Kind != FindingCard || fs[0].Start != 10000 {
		t.Errorf("card at the end of a long digit run: %+v", fs)
	}
	long = strings.Repeat("x ", 5000) + "4111 1111 1111 1111"
	if fs := Scan(long); len(fs) != 1 || fs[0].Kind != FindingCard {
		t.Errorf("card after long text: %+v", fs)
	}
}

func BenchmarkScan(b *testing.B) {
	notes := strings.Repeat("Consulting services for November 2026, 2 × 150.00 EUR, order 4500012345, call +49 30 1234567. ", 20)
	b.SetBytes(int64(len(notes)))
	for b.Loop() {
		Scan(notes)
	}
}

func BenchmarkScanDigitRun(b *testing.B) {
	text := strings.Repeat("1 ", 5000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Scan(text)
	}
}
