package invoice

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

func TestCompareDecimal(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"1.00", "1", 0}, {"10.00", "9.99", 1}, {"-1.00", "0.50", -1}, {"-2", "-10", 1},
		{"0.005", "0.0049", 1}, {"1500", "1500.000", 0}, {"-0.01", "-0.010", 0}, {"100", "99", 1},
		{"-0", "0", 0}, {"-0.00", "0", 0}, {"0.5", "0.05", 1}, {"007", "7.0", 0}, {"-0.5", "-0.05", -1},
	}
	for _, c := range cases {
		if got := CompareDecimal(c.a, c.b); got != c.want {
			t.Errorf("CompareDecimal(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestCompareDecimalAgreesWithApd checks CompareDecimal against an exact
// decimal comparison on random amounts of every sign, scale and length.
func TestCompareDecimalAgreesWithApd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	amount := func() string {
		whole := r.Uint64N(1_000_000) / (1 + r.Uint64N(10_000))
		s := fmt.Sprint(whole)
		if digits := r.IntN(5); digits > 0 {
			s += fmt.Sprintf(".%0*d", digits, r.Uint64N(100_000)%pow10(digits))
		}
		if r.IntN(2) == 0 {
			s = "-" + s
		}
		return s
	}
	for range 20000 {
		a, b := amount(), amount()
		if r.IntN(10) == 0 {
			b = a + "0" // equal with a trailing zero, when a has a fraction
			if !strings.Contains(a, ".") {
				b = a + ".0"
			}
		}
		da, _, err := apd.NewFromString(a)
		if err != nil {
			t.Fatal(err)
		}
		db, _, err := apd.NewFromString(b)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := CompareDecimal(a, b), da.Cmp(db); got != want {
			t.Fatalf("CompareDecimal(%s, %s) = %d, exact comparison says %d", a, b, got, want)
		}
	}
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}
