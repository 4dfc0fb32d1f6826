package reports

import (
	"errors"
	"fmt"

	"github.com/bojanz/currency"

	"safeinvoice/invoice"
)

// sum is an exact running total in one currency. While every amount added
// is written as the summaries write them (digits, an optional point and at
// most the currency's minor digits) and the total fits, it is kept as an
// integer of minor units, which is what makes a report over 100,000
// invoices fast; any other amount, or an overflow, moves it to
// invoice.ParseAmount's decimals for good, which give the same result
// (or the error) more slowly.
type sum struct {
	code   string
	digits int
	minor  int64
	exact  *currency.Amount // nil while minor holds the total
}

// zero is a total of nothing in the currency code.
func zero(code string) (sum, error) {
	d, ok := currency.GetDigits(code)
	if !ok {
		_, err := invoice.ParseAmount("0", code) // the package's own error
		return sum{}, err
	}
	return sum{code: code, digits: int(d)}, nil
}

func (s *sum) add(v, code string) error { return s.addSigned(v, code, false) }
func (s *sum) sub(v, code string) error { return s.addSigned(v, code, true) }

func (s *sum) addSigned(v, code string, negate bool) error {
	if s.exact == nil && code == s.code {
		if m, ok := parseMinor(v, s.digits); ok {
			if negate {
				m = -m // |m| < 10^18, so no overflow
			}
			if r, ok := addInt64(s.minor, m); ok {
				s.minor = r
				return nil
			}
		}
	}
	a, err := invoice.ParseAmount(v, code)
	if err != nil {
		return err
	}
	if s.exact == nil {
		t, err := invoice.ParseAmount(formatMinor(s.minor, s.digits), s.code)
		if err != nil {
			return err
		}
		s.exact = &t
	}
	var t currency.Amount
	if negate {
		t, err = s.exact.Sub(a)
	} else {
		t, err = s.exact.Add(a)
	}
	if err != nil {
		return err
	}
	s.exact = &t
	return nil
}

// addSum adds o, a total in the same currency.
func (s *sum) addSum(o sum) error {
	if o.code != s.code {
		return fmt.Errorf("%w: %s and %s", errMixed, s.code, o.code)
	}
	if s.exact == nil && o.exact == nil {
		if r, ok := addInt64(s.minor, o.minor); ok {
			s.minor = r
			return nil
		}
	}
	return s.add(o.String(), o.code)
}

// errMixed is two currencies added together, a bug in this package.
var errMixed = errors.New("sum of two currencies")

func (s sum) isPositive() bool {
	if s.exact != nil {
		return s.exact.IsPositive()
	}
	return s.minor > 0
}

// String is the total with the currency's minor digits ("0.00", "-12.50",
// "1000" for JPY).
func (s sum) String() string {
	if s.exact != nil {
		return s.exact.Round().Number()
	}
	return formatMinor(s.minor, s.digits)
}

// parseMinor reads v as minor units of a currency with digits minor digits
// when v is [-]D[.F] with D of 1 to invoice.MaxMoneyIntDigits digits and F
// of 1 to digits digits; ok is false otherwise.
func parseMinor(v string, digits int) (m int64, ok bool) {
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	intPart, frac := v, ""
	for i := 0; i < len(v); i++ {
		if v[i] == '.' {
			intPart, frac = v[:i], v[i+1:]
			if frac == "" {
				return 0, false
			}
			break
		}
	}
	if intPart == "" || len(intPart) > invoice.MaxMoneyIntDigits || len(frac) > digits || digits > 3 {
		return 0, false
	}
	for _, part := range [2]string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			m = m*10 + int64(c-'0')
		}
	}
	for range digits - len(frac) {
		m *= 10
	}
	if neg {
		m = -m
	}
	return m, true
}

// addInt64 is a + b, and false when it overflows.
func addInt64(a, b int64) (int64, bool) {
	r := a + b
	if (a >= 0) == (b >= 0) && (r >= 0) != (a >= 0) {
		return 0, false
	}
	return r, true
}

// formatMinor writes m minor units with digits minor digits, in one
// allocation (none for zero, the commonest figure of a report).
func formatMinor(m int64, digits int) string {
	if m == 0 && digits < len(zeros) {
		return zeros[digits]
	}
	var buf [24]byte // a sign, 19 digits, the point and leading zeros
	u := uint64(m)
	if m < 0 {
		u = -u
	}
	i := len(buf)
	for n := 0; u > 0 || n <= digits; n++ {
		if n == digits && digits > 0 {
			i--
			buf[i] = '.'
		}
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
	}
	if m < 0 {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// zeros are zero with 0 to 3 minor digits.
var zeros = [...]string{"0", "0.0", "0.00", "0.000"}
