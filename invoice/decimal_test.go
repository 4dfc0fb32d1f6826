package invoice

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, code string
		want     string // Number() of the result
		err      error
		msg      string // substring of the error
	}{
		{"100.00", "EUR", "100.00", nil, ""},
		{"100", "EUR", "100", nil, ""},
		{"0.5", "EUR", "0.5", nil, ""},
		{"-12.34", "EUR", "-12.34", nil, ""},
		{"-0", "EUR", "0", nil, ""},
		{"007.10", "EUR", "7.10", nil, ""},
		{"1500", "JPY", "1500", nil, ""},
		{"1.250", "BHD", "1.250", nil, ""},
		{"999999999999999.99", "EUR", "999999999999999.99", nil, ""},
		{"", "EUR", "", ErrRequired, "required"},
		{"1.001", "EUR", "", ErrPrecision, "at most 2"},
		{"1.5", "JPY", "", ErrPrecision, "no fraction digits"},
		{"1.2345", "BHD", "", ErrPrecision, "at most 3"},
		{"1,50", "EUR", "", ErrSyntax, "decimal commas"},
		{"1,000.00", "EUR", "", ErrSyntax, "thousand separators"},
		{"1 000", "EUR", "", ErrSyntax, "thousand separators"},
		{"1'000", "EUR", "", ErrSyntax, "thousand separators"},
		{"1_000", "EUR", "", ErrSyntax, "thousand separators"},
		{"1e3", "EUR", "", ErrSyntax, "exponent"},
		{"1.5E2", "EUR", "", ErrSyntax, "exponent"},
		{"NaN", "EUR", "", ErrSyntax, "not a decimal number"},
		{"Inf", "EUR", "", ErrSyntax, "not a decimal number"},
		{"-Infinity", "EUR", "", ErrSyntax, "not a decimal number"},
		{"+1", "EUR", "", ErrSyntax, "\"+\""},
		{" 1", "EUR", "", ErrSyntax, "space"},
		{"1 ", "EUR", "", ErrSyntax, "space"},
		{".5", "EUR", "", ErrSyntax, "before the decimal point"},
		{"5.", "EUR", "", ErrSyntax, "after the decimal point"},
		{"1.2.3", "EUR", "", ErrSyntax, "more than one decimal point"},
		{"--1", "EUR", "", ErrSyntax, "misplaced sign"},
		{"1-", "EUR", "", ErrSyntax, "misplaced sign"},
		{"0x10", "EUR", "", ErrSyntax, "not a decimal number"},
		{"١٢", "EUR", "", ErrSyntax, "not a decimal number"},
		{"€5", "EUR", "", ErrSyntax, "not a decimal number"},
		{"1000000000000000", "EUR", "", ErrRange, "integer digits"},
		{"5", "", "", ErrCurrency, "empty"},
		{"5", "XXY", "", ErrCurrency, "XXY"},
		{"5", "eur", "", ErrCurrency, "eur"},
	}
	for _, tt := range tests {
		a, err := ParseAmount(tt.in, tt.code)
		if tt.err != nil {
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("ParseAmount(%q, %q) error = %v, want %v containing %q", tt.in, tt.code, err, tt.err, tt.msg)
			}
			continue
		}
		if err != nil || a.Number() != tt.want || a.CurrencyCode() != tt.code {
			t.Errorf("ParseAmount(%q, %q) = %v, %v; want %s", tt.in, tt.code, a, err, tt.want)
		}
	}
}

func TestParseUnitPrice(t *testing.T) {
	for _, ok := range []struct{ in, code string }{{"1.799", "EUR"}, {"0.000001", "EUR"}, {"-10.5", "EUR"}, {"12.3456", "JPY"}, {"1.2345678", "BHD"}} {
		if _, err := ParseUnitPrice(ok.in, ok.code); err != nil {
			t.Errorf("ParseUnitPrice(%q, %q): %v", ok.in, ok.code, err)
		}
	}
	for _, bad := range []struct{ in, code string }{{"0.0000001", "EUR"}, {"1.23456", "JPY"}, {"1,5", "EUR"}} {
		if _, err := ParseUnitPrice(bad.in, bad.code); err == nil {
			t.Errorf("ParseUnitPrice(%q, %q) accepted", bad.in, bad.code)
		}
	}
}

func TestParseQuantityRateDiscount(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string) error
		in    string
		err   error
	}{
		{"qty", qtyErr, "2", nil},
		{"qty", qtyErr, "0.333333", nil},
		{"qty", qtyErr, "-1", nil},
		{"qty", qtyErr, "0", nil},
		{"qty", qtyErr, "0.3333333", ErrPrecision},
		{"qty", qtyErr, "1000000000", ErrRange},
		{"qty", qtyErr, "1e2", ErrSyntax},
		{"qty", qtyErr, "", ErrRequired},
		{"rate", rateErr, "19", nil},
		{"rate", rateErr, "7.7", nil},
		{"rate", rateErr, "0", nil},
		{"rate", rateErr, "100", nil},
		{"rate", rateErr, "100.0000", nil},
		{"rate", rateErr, "100.0001", ErrRange},
		{"rate", rateErr, "101", ErrRange},
		{"rate", rateErr, "-1", ErrRange},
		{"rate", rateErr, "19%", ErrSyntax},
		{"rate", rateErr, "1.23456", ErrPrecision},
		{"rate", rateErr, "", ErrRequired},
		{"discount", discErr, "", nil},
		{"discount", discErr, "10", nil},
		{"discount", discErr, "100", nil},
		{"discount", discErr, "150", ErrRange},
		{"discount", discErr, "-5", ErrRange},
		{"discount", discErr, "NaN", ErrSyntax},
	}
	for _, tt := range tests {
		err := tt.parse(tt.in)
		if (tt.err == nil) != (err == nil) || (tt.err != nil && !errors.Is(err, tt.err)) {
			t.Errorf("%s %q: error %v, want %v", tt.name, tt.in, err, tt.err)
		}
	}
}

func qtyErr(s string) error  { _, err := ParseQuantity(s); return err }
func rateErr(s string) error { _, err := ParseRate(s); return err }
func discErr(s string) error { _, err := ParseDiscount(s); return err }

func TestParseDate(t *testing.T) {
	for _, ok := range []string{"2026-11-01", "2024-02-29", "1900-01-01", "9999-12-31"} {
		if d, err := ParseDate(ok); err != nil || d.Format(DateLayout) != ok {
			t.Errorf("ParseDate(%q) = %v, %v", ok, d, err)
		}
	}
	for _, bad := range []string{"2026-2-01", "2026-02-30", "2025-02-29", "26-11-01", "2026/11/01", "01.11.2026", "2026-11-01T00:00:00Z", " 2026-11-01", "1899-12-31", "0000-01-01", "2026-13-01"} {
		if _, err := ParseDate(bad); !errors.Is(err, ErrDate) {
			t.Errorf("ParseDate(%q) error %v, want ErrDate", bad, err)
		}
	}
	if _, err := ParseDate(""); !errors.Is(err, ErrRequired) {
		t.Errorf("ParseDate(\"\") error %v, want ErrRequired", err)
	}
}

var plainDecimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// FuzzParseAmount checks that the money parser accepts only the plain
// grammar, never more fraction digits than the currency has, and that what
// it accepts round-trips through Amount.Number.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"100.00", "-0.005", "1,50", "1e3", "NaN", "Inf", " 1", "0.1", "-0", "99999999999999999999", ".5", "5.", "1.2.3", "١٢", "+1"} {
		for _, code := range []string{"EUR", "JPY", "BHD"} {
			f.Add(s, code)
		}
	}
	f.Fuzz(func(t *testing.T, s, code string) {
		a, err := ParseAmount(s, code)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrPrecision) && !errors.Is(err, ErrRange) &&
				!errors.Is(err, ErrRequired) && !errors.Is(err, ErrCurrency) {
				t.Fatalf("ParseAmount(%q, %q): error %v wraps no sentinel", s, code, err)
			}
			return
		}
		if !plainDecimal.MatchString(s) {
			t.Fatalf("ParseAmount accepted %q", s)
		}
		digits, _ := currencyDigits(code)
		if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > digits {
			t.Fatalf("ParseAmount(%q, %q) accepted %d fraction digits", s, code, len(frac))
		}
		b, err := ParseAmount(a.Number(), code)
		if err != nil || !a.Equal(b) {
			t.Fatalf("round trip of %q: %v, %v", s, b, err)
		}
	})
}
