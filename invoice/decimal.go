package invoice

import (
	"fmt"
	"strings"
	"time"

	"github.com/bojanz/currency"
	"github.com/cockroachdb/apd/v3"
)

// Limits of the strict decimal parsers. They keep every computation exact
// (see exactContext) and refuse absurd input early.
const (
	// MaxMoneyIntDigits is the most integer digits of a money amount or
	// unit price (999 trillion and change).
	MaxMoneyIntDigits = 15
	// MaxQuantityIntDigits is the most integer digits of a quantity.
	MaxQuantityIntDigits = 9
	// MaxQuantityFracDigits is the most fraction digits of a quantity.
	MaxQuantityFracDigits = 6
	// MaxPercentFracDigits is the most fraction digits of a tax rate or
	// discount percentage (such as "7.7" or "12.3456").
	MaxPercentFracDigits = 4
	// ExtraUnitPriceDigits is how many fraction digits a unit price may have
	// beyond the currency's minor units ("1.7990" EUR per litre). Line nets
	// and every other money amount are rounded to the minor units.
	ExtraUnitPriceDigits = 4
)

// DateLayout is the layout of every date in the model: "YYYY-MM-DD".
const DateLayout = "2006-01-02"

// decimalSpec describes what one strict decimal field accepts.
type decimalSpec struct {
	negative  bool // a leading "-" is allowed
	intDigits int  // most integer digits (leading zeros not counted)
	fracDigit int  // most fraction digits
}

// parseDecimal parses s by the strict grammar `-?[0-9]+(\.[0-9]+)?` and
// the limits of spec. The errors wrap ErrRequired, ErrSyntax, ErrPrecision
// or ErrRange and say precisely what is wrong.
func parseDecimal(s string, spec decimalSpec) (*apd.Decimal, error) {
	if s == "" {
		return nil, ErrRequired
	}
	if strings.TrimSpace(s) != s {
		return nil, fmt.Errorf("%w: leading or trailing space", ErrSyntax)
	}
	body := s
	neg := false
	switch body[0] {
	case '-':
		neg = true
		body = body[1:]
	case '+':
		return nil, fmt.Errorf("%w: leading \"+\" not allowed", ErrSyntax)
	}
	intPart, fracPart, hasPoint := strings.Cut(body, ".")
	for _, c := range body {
		switch {
		case c >= '0' && c <= '9', c == '.':
		case c == ',' || c == ' ' || c == '\'' || c == '_' || c == '\u00a0' || c == '\u202f':
			return nil, fmt.Errorf("%w: thousand separators and decimal commas are not allowed; write digits with a point, like 1234.50", ErrSyntax)
		case c == 'e' || c == 'E':
			if strings.ContainsAny(body, "0123456789") && !strings.ContainsAny(strings.ToLower(body), "abcdfghijklmnopqrstuvwxyz") {
				return nil, fmt.Errorf("%w: exponents are not allowed", ErrSyntax)
			}
			return nil, fmt.Errorf("%w: not a decimal number", ErrSyntax)
		case c == '-' || c == '+':
			return nil, fmt.Errorf("%w: misplaced sign", ErrSyntax)
		default:
			return nil, fmt.Errorf("%w: not a decimal number", ErrSyntax)
		}
	}
	if strings.Contains(fracPart, ".") {
		return nil, fmt.Errorf("%w: more than one decimal point", ErrSyntax)
	}
	if intPart == "" {
		return nil, fmt.Errorf("%w: a digit is required before the decimal point", ErrSyntax)
	}
	if hasPoint && fracPart == "" {
		return nil, fmt.Errorf("%w: a digit is required after the decimal point", ErrSyntax)
	}
	if neg && !spec.negative {
		return nil, fmt.Errorf("%w: must not be negative", ErrRange)
	}
	if len(fracPart) > spec.fracDigit {
		if spec.fracDigit == 0 {
			return nil, fmt.Errorf("%w: no fraction digits allowed", ErrPrecision)
		}
		return nil, fmt.Errorf("%w: at most %d allowed", ErrPrecision, spec.fracDigit)
	}
	if n := len(strings.TrimLeft(intPart, "0")); n > spec.intDigits {
		return nil, fmt.Errorf("%w: at most %d integer digits allowed", ErrRange, spec.intDigits)
	}
	if len(intPart) > spec.intDigits+20 {
		// Leading zeros only, but absurdly many.
		return nil, fmt.Errorf("%w: too many digits", ErrRange)
	}
	d := new(apd.Decimal)
	if _, _, err := d.SetString(s); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	if d.IsZero() {
		d.Negative = false // "-0" is 0
	}
	return d, nil
}

// currencyDigits returns the CLDR minor units of code, or an error wrapping
// ErrCurrency.
func currencyDigits(code string) (int, error) {
	if code == "" {
		return 0, fmt.Errorf("%w: currency code is empty", ErrCurrency)
	}
	d, ok := currency.GetDigits(code)
	if !ok {
		return 0, fmt.Errorf("%w %q", ErrCurrency, code)
	}
	return int(d), nil
}

// ParseAmount parses a money amount in the currency code, such as "100.00"
// EUR, "1500" JPY or "-0.125" BHD. The grammar is strict: an optional "-",
// digits, and optionally "." and digits; no "+", spaces, thousand
// separators, decimal commas, exponents, NaN or Inf. It allows at most the
// currency's minor units as fraction digits (EUR 2, JPY 0, BHD 3) and at
// most MaxMoneyIntDigits integer digits. The error wraps ErrRequired,
// ErrSyntax, ErrPrecision, ErrRange or ErrCurrency.
func ParseAmount(s, code string) (currency.Amount, error) {
	digits, err := currencyDigits(code)
	if err != nil {
		return currency.Amount{}, err
	}
	d, err := parseDecimal(s, decimalSpec{negative: true, intDigits: MaxMoneyIntDigits, fracDigit: digits})
	if err != nil {
		return currency.Amount{}, err
	}
	return amountOf(d, code)
}

// ParseUnitPrice parses a unit price in the currency code. It is ParseAmount
// except that it allows ExtraUnitPriceDigits more fraction digits than the
// currency's minor units, because per-unit prices are often finer than the
// money that changes hands (fuel at 1.799 EUR per litre). Negative prices
// are allowed (discount lines).
func ParseUnitPrice(s, code string) (currency.Amount, error) {
	digits, err := currencyDigits(code)
	if err != nil {
		return currency.Amount{}, err
	}
	d, err := parseDecimal(s, decimalSpec{negative: true, intDigits: MaxMoneyIntDigits, fracDigit: digits + ExtraUnitPriceDigits})
	if err != nil {
		return currency.Amount{}, err
	}
	return amountOf(d, code)
}

// ParseQuantity parses a line quantity such as "2", "0.5" or "-1": at most
// MaxQuantityIntDigits integer and MaxQuantityFracDigits fraction digits,
// negative allowed (a returned item or a discount line). The strict grammar
// of ParseAmount applies. The returned decimal is owned by the caller.
func ParseQuantity(s string) (*apd.Decimal, error) {
	return parseDecimal(s, decimalSpec{negative: true, intDigits: MaxQuantityIntDigits, fracDigit: MaxQuantityFracDigits})
}

// ParseRate parses a tax rate in percent, 0 to 100 inclusive, with at most
// MaxPercentFracDigits fraction digits ("19", "7.7", "0").
func ParseRate(s string) (*apd.Decimal, error) {
	return parsePercent(s)
}

// ParseDiscount parses a line discount in percent, 0 to 100 inclusive, with
// at most MaxPercentFracDigits fraction digits. The empty string is 0, as
// the Line.Discount field is optional.
func ParseDiscount(s string) (*apd.Decimal, error) {
	if s == "" {
		return new(apd.Decimal), nil
	}
	return parsePercent(s)
}

func parsePercent(s string) (*apd.Decimal, error) {
	d, err := parseDecimal(s, decimalSpec{negative: false, intDigits: 3, fracDigit: MaxPercentFracDigits})
	if err != nil {
		return nil, err
	}
	if d.Cmp(apd.New(100, 0)) > 0 {
		return nil, fmt.Errorf("%w: must be between 0 and 100", ErrRange)
	}
	return d, nil
}

// ParseDate parses a calendar date "YYYY-MM-DD" (exactly that form, with a
// four-digit year from 1900 to 9999) and returns midnight UTC of that day.
// The error wraps ErrRequired or ErrDate.
func ParseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, ErrRequired
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.Format(DateLayout) != s {
		return time.Time{}, fmt.Errorf("%w: want YYYY-MM-DD, a real calendar day", ErrDate)
	}
	if t.Year() < 1900 {
		return time.Time{}, fmt.Errorf("%w: year before 1900", ErrDate)
	}
	return t, nil
}

// amountOf turns an exact decimal into a currency.Amount.
func amountOf(d *apd.Decimal, code string) (currency.Amount, error) {
	a, err := currency.NewAmount(d.Text('f'), code)
	if err != nil {
		return currency.Amount{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return a, nil
}

// decimalOf returns the exact decimal of a.
func decimalOf(a currency.Amount) *apd.Decimal {
	d, _, err := apd.NewFromString(a.Number())
	if err != nil {
		// Unreachable: Number always returns a finite decimal string.
		panic("invoice: bad amount " + a.Number())
	}
	return d
}
