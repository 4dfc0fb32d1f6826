package reports

import (
	"math"
	"strconv"
	"testing"

	"safeinvoice/invoice"
)

// slowSum is the reference: every amount through invoice.ParseAmount.
func slowSum(t testing.TB, code string, values []string, negate []bool) (string, error) {
	t.Helper()
	total, err := invoice.ParseAmount("0", code)
	if err != nil {
		return "", err
	}
	for i, v := range values {
		a, err := invoice.ParseAmount(v, code)
		if err != nil {
			return "", err
		}
		if negate[i] {
			total, err = total.Sub(a)
		} else {
			total, err = total.Add(a)
		}
		if err != nil {
			return "", err
		}
	}
	return total.Round().Number(), nil
}

func fastSum(code string, values []string, negate []bool) (string, error) {
	s, err := zero(code)
	if err != nil {
		return "", err
	}
	for i, v := range values {
		op := (*sum).add
		if negate[i] {
			op = (*sum).sub
		}
		if err := op(&s, v, code); err != nil {
			return "", err
		}
	}
	return s.String(), nil
}

func TestSumMatchesDecimals(t *testing.T) {
	big := "999999999999999.99" // the largest amount, 15 integer digits
	for _, c := range []struct {
		code   string
		values []string
		negate []bool
		want   string
	}{
		{"EUR", nil, nil, "0.00"},
		{"EUR", []string{"1.5", "2.25", "-0.75"}, []bool{false, false, false}, "3.00"},
		{"EUR", []string{"10.00", "10.00"}, []bool{false, true}, "0.00"},
		{"EUR", []string{"0.01"}, []bool{true}, "-0.01"},
		{"JPY", []string{"1000", "250"}, []bool{false, true}, "750"},
		{"BHD", []string{"0.005", "1"}, []bool{false, false}, "1.005"},
		{"EUR", []string{"007.10"}, []bool{false}, "7.10"},
		// Past int64: 10 × the largest amount moves the total to decimals.
		{"EUR", []string{big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big},
			make([]bool, 20), "19999999999999999.80"},
	} {
		got, err := fastSum(c.code, c.values, c.negate)
		if err != nil || got != c.want {
			t.Errorf("%s %v: got %q, %v; want %q", c.code, c.values, got, err, c.want)
		}
		ref, err := slowSum(t, c.code, c.values, c.negate)
		if err != nil || ref != got {
			t.Errorf("%s %v: decimals say %q, %v", c.code, c.values, ref, err)
		}
	}
}

func TestSumRefusesWhatParseAmountRefuses(t *testing.T) {
	for _, v := range []string{"", "1.", ".5", "+1", "1,00", "1.001", "1e3", "--1", " 1", "1000000000000000"} {
		s, _ := zero("EUR")
		if err := s.add(v, "EUR"); err == nil {
			t.Errorf("%q: added, want an error", v)
		}
	}
	if _, err := zero("XXX1"); err == nil {
		t.Error("zero(XXX1): no error")
	}
}

func TestFormatMinor(t *testing.T) {
	for _, c := range []struct {
		m      int64
		digits int
		want   string
	}{{0, 2, "0.00"}, {5, 2, "0.05"}, {-5, 3, "-0.005"}, {123456, 2, "1234.56"}, {42, 0, "42"}, {math.MinInt64, 2, "-92233720368547758.08"}} {
		if got := formatMinor(c.m, c.digits); got != c.want {
			t.Errorf("formatMinor(%d, %d) = %q, want %q", c.m, c.digits, got, c.want)
		}
	}
}

// FuzzSum holds the integer path to the decimals for any amounts.
func FuzzSum(f *testing.F) {
	f.Add("EUR", "1.50", "-2.25", false)
	f.Add("JPY", "999999999999999", "999999999999999", true)
	f.Add("BHD", "0.005", "1.", false)
	f.Fuzz(func(t *testing.T, code, a, b string, negate bool) {
		if code != "EUR" && code != "JPY" && code != "BHD" {
			code = []string{"EUR", "JPY", "BHD"}[len(code)%3]
		}
		values := []string{a, b, a, b, strconv.Itoa(len(a))}
		neg := []bool{false, negate, negate, false, true}
		want, errSlow := slowSum(t, code, values, neg)
		got, errFast := fastSum(code, values, neg)
		if (errSlow == nil) != (errFast == nil) || got != want {
			t.Fatalf("%s %q: fast %q, %v; decimals %q, %v", code, values, got, errFast, want, errSlow)
		}
	})
}
