package invoice

import (
	"errors"
	"strings"
	"testing"
)

func TestEInvoiceFieldsOfAClient(t *testing.T) {
	good := Client{Name: "Müller & Söhne KG", Email: "ap@mueller.example", City: "München", PostalCode: "80331", Country: "DE",
		VATID: "DE987654321", EAddress: "ap@mueller.example", EAddressScheme: "EM", EInvoice: EInvoiceXRechnungCII}
	if err := good.Validate(); err != nil {
		t.Fatalf("a complete client: %v", err)
	}
	for name, c := range map[string]struct {
		edit  func(*Client)
		field string
	}{
		"lower-case country":  {func(c *Client) { c.Country = "de" }, "country"},
		"no such country":     {func(c *Client) { c.Country = "XX" }, "country"},
		"VAT id with a space": {func(c *Client) { c.VATID = "DE 987654321" }, "vat_id"},
		"scheme alone":        {func(c *Client) { c.EAddress = "" }, "electronic_address_scheme"},
		"unknown scheme":      {func(c *Client) { c.EAddressScheme = "1234" }, "electronic_address_scheme"},
		"EM that is no email": {func(c *Client) { c.EAddress = "not an address" }, "electronic_address"},
		"unknown format":      {func(c *Client) { c.EInvoice = "edifact" }, "einvoice"},
	} {
		cl := good
		c.edit(&cl)
		var ve *ValidationError
		err := cl.Validate()
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestLineCategoriesAgreeWithRates(t *testing.T) {
	inv := Invoice{Kind: KindInvoice, Status: StatusDraft, ClientID: "c", Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-11-30"}
	for _, c := range []struct {
		line Line
		ok   bool
	}{
		{Line{Description: "a", Quantity: "1", UnitPrice: "1", TaxRate: "19"}, true},
		{Line{Description: "a", Quantity: "1", UnitPrice: "1", TaxRate: "19", TaxCategory: "S", Unit: "HUR"}, true},
		{Line{Description: "a", Quantity: "1", UnitPrice: "1", TaxRate: "0", TaxCategory: "S"}, false},
		{Line{Description: "a", Quantity: "1", UnitPrice: "1", TaxRate: "7", TaxCategory: "E"}, false},
		{Line{Description: "a", Quantity: "1", UnitPrice: "1", TaxRate: "0", TaxCategory: "AE", ExemptionCode: "VATEX-EU-AE"}, true},
		{Line{Description: "a", Quantity: "1", UnitPrice: "1", TaxRate: "0", TaxCategory: "X"}, false},
		{Line{Description: "a", Quantity: "1", UnitPrice: "1", TaxRate: "0", TaxCategory: "E", ExemptionCode: "vatex-eu-ae"}, false},
		{Line{Description: "a", Quantity: "1", UnitPrice: "1", TaxRate: "19", Unit: "hours"}, false},
	} {
		inv.Lines = []Line{c.line}
		if err := inv.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.line, err)
		}
	}
	if got := (Line{TaxRate: "19"}).VATCategory(); got != VATStandard {
		t.Errorf("a 19%% line's category: %q", got)
	}
	if got := (Line{TaxRate: "0"}).VATCategory(); got != "" {
		t.Errorf("a 0%% line without a category: %q", got)
	}
}

func TestTaxIsBrokenDownByCategoryAndRate(t *testing.T) {
	inv := Invoice{Currency: "EUR", Lines: []Line{
		{Quantity: "1", UnitPrice: "10.00", TaxRate: "0", TaxCategory: "Z"},
		{Quantity: "1", UnitPrice: "20.00", TaxRate: "0", TaxCategory: "E"},
		{Quantity: "1", UnitPrice: "30.00", TaxRate: "19"},
	}}
	tot, err := inv.Totals()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tot.Rates {
		got = append(got, r.Category+" "+r.Rate+" "+r.Net.Number()+" "+r.Tax.Number())
	}
	if want := "E 0 20.00 0.00|Z 0 10.00 0.00|S 19 30.00 5.70"; strings.Join(got, "|") != want {
		t.Errorf("breakdown %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestIBANAndBIC(t *testing.T) {
	for _, good := range []string{"DE02120300000000202051", "GB33BUKB20201555555555", "BE71096123456769"} {
		if err := CheckIBAN(NormalizeIBAN(good)); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
	if got := NormalizeIBAN("de02 1203 0000 0000 2020 51"); got != "DE02120300000000202051" {
		t.Errorf("NormalizeIBAN: %q", got)
	}
	for _, bad := range []string{"DE02120300000000202052", "XX02120300000000202051", "DE0212030000", "DE02-1203-0000-0000-2020-51"} {
		if err := CheckIBAN(bad); !errors.Is(err, ErrCode) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if err := CheckBIC("BYLADEM1001"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"BYLADEM", "BYLAXXM1001", "1YLADEM1"} {
		if err := CheckBIC(bad); !errors.Is(err, ErrCode) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
