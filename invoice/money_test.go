package invoice

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestLineNetRounding(t *testing.T) {
	tests := []struct {
		code, qty, price, disc string
		want                   string
	}{
		{"EUR", "1", "0.005", "", "0.01"},      // half away from zero
		{"EUR", "1", "-0.005", "", "-0.01"},    // ... also below zero
		{"EUR", "1", "0.0049", "", "0.00"},     // below half
		{"EUR", "-1", "0.0049", "", "0.00"},    // no negative zero
		{"EUR", "1", "0.025", "", "0.03"},      // banker's rounding would give 0.02
		{"EUR", "1", "0.045", "", "0.05"},      // banker's rounding would give 0.04
		{"EUR", "1", "-0.025", "", "-0.03"},    // half up (towards +∞) would give -0.02
		{"EUR", "1.5", "33.33", "", "50.00"},   // 49.995
		{"EUR", "3", "0.3333", "", "1.00"},     // 0.9999
		{"EUR", "2", "150.00", "10", "270.00"}, // discount
		{"EUR", "1", "99.99", "100", "0.00"},   // full discount
		{"EUR", "1", "10.00", "33.3333", "6.67"},
		{"EUR", "-1", "10.00", "", "-10.00"},
		{"EUR", "1", "-10.00", "", "-10.00"},
		{"EUR", "-1", "-10.00", "", "10.00"},
		{"JPY", "1", "0.5", "", "1"},
		{"JPY", "1", "-0.5", "", "-1"},
		{"JPY", "3", "333.5", "", "1001"},
		{"JPY", "1", "1000", "15", "850"},
		{"BHD", "1", "1.2345", "", "1.235"},
		{"BHD", "1", "-1.2345", "", "-1.235"},
		{"BHD", "3", "0.3333", "", "1.000"},
		{"EUR", "0.000001", "0.000001", "", "0.00"},
		{"EUR", "999999999", "999999999999999.999999", "0", "999999998999999999999000.00"},
	}
	for _, tt := range tests {
		got, err := LineNet(line(tt.qty, tt.price, "19", tt.disc), tt.code)
		if err != nil || got.Number() != tt.want || got.CurrencyCode() != tt.code {
			t.Errorf("LineNet(%s × %s %s, -%s%%) = %v, %v; want %s", tt.qty, tt.price, tt.code, tt.disc, got, err, tt.want)
		}
	}
}

func TestTotals(t *testing.T) {
	type rate struct{ rate, net, tax string }
	tests := []struct {
		name                 string
		code                 string
		lines                []Line
		payments             []string
		rates                []rate
		net, tax, total, bal string
	}{
		{
			name: "2 × 150.00 at 19% tax", code: "EUR",
			lines: []Line{line("2", "150.00", "19", "0")},
			rates: []rate{{"19", "300.00", "57.00"}}, net: "300.00", tax: "57.00", total: "357.00", bal: "357.00",
		},
		{
			name: "tax on the sum of rounded nets, not per line", code: "EUR",
			lines: []Line{line("1", "1.05", "7", ""), line("1", "1.05", "7", ""), line("1", "1.05", "7", "")},
			// per line 0.0735 would round to 0.07 each = 0.21; on the sum 3.15 × 7% = 0.2205 → 0.22
			rates: []rate{{"7", "3.15", "0.22"}}, net: "3.15", tax: "0.22", total: "3.37", bal: "3.37",
		},
		{
			name: "tax half away from zero", code: "EUR",
			lines: []Line{line("1", "0.50", "1", "")},
			rates: []rate{{"1", "0.50", "0.01"}}, net: "0.50", tax: "0.01", total: "0.51", bal: "0.51",
		},
		{
			name: "negative tax half away from zero", code: "EUR",
			lines: []Line{line("-1", "0.50", "1", "")},
			rates: []rate{{"1", "-0.50", "-0.01"}}, net: "-0.50", tax: "-0.01", total: "-0.51", bal: "-0.51",
		},
		{
			name: "discount line with its own rate", code: "EUR",
			lines: []Line{line("1", "100.00", "19", ""), line("1", "50.00", "7", ""), line("-1", "10.00", "19", "")},
			rates: []rate{{"7", "50.00", "3.50"}, {"19", "90.00", "17.10"}}, net: "140.00", tax: "20.60", total: "160.60", bal: "160.60",
		},
		{
			name: "many rates sorted numerically, equal rates merged", code: "EUR",
			lines: []Line{line("1", "10.00", "19", ""), line("1", "10.00", "7.7", ""), line("1", "10.00", "0", ""),
				line("1", "10.00", "19.00", ""), line("1", "10.00", "100", ""), line("1", "10.00", "2.5", "")},
			rates: []rate{{"0", "10.00", "0.00"}, {"2.5", "10.00", "0.25"}, {"7.7", "10.00", "0.77"}, {"19", "20.00", "3.80"}, {"100", "10.00", "10.00"}},
			net:   "60.00", tax: "14.82", total: "74.82", bal: "74.82",
		},
		{
			name: "payments", code: "EUR",
			lines:    []Line{line("2", "150.00", "19", "10")},
			payments: []string{"100.00", "21.30"},
			rates:    []rate{{"19", "270.00", "51.30"}}, net: "270.00", tax: "51.30", total: "321.30", bal: "200.00",
		},
		{
			name: "JPY", code: "JPY",
			lines: []Line{line("3", "333.5", "10", ""), line("1", "999", "8", "")},
			rates: []rate{{"8", "999", "80"}, {"10", "1001", "100"}}, net: "2000", tax: "180", total: "2180", bal: "2180",
		},
		{
			name: "BHD", code: "BHD",
			lines: []Line{line("1", "1.2345", "10", "")},
			rates: []rate{{"10", "1.235", "0.124"}}, net: "1.235", tax: "0.124", total: "1.359", bal: "1.359",
		},
		{
			name: "no lines", code: "EUR",
			rates: []rate{}, net: "0.00", tax: "0.00", total: "0.00", bal: "0.00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &Invoice{Currency: tt.code, Lines: tt.lines}
			for _, p := range tt.payments {
				inv.Payments = append(inv.Payments, Payment{Date: "2026-11-02", Amount: p})
			}
			got := totals(t, inv)
			var rates []rate
			for _, r := range got.Rates {
				rates = append(rates, rate{r.Rate, r.Net.Number(), r.Tax.Number()})
			}
			if fmt.Sprint(rates) != fmt.Sprint(tt.rates) {
				t.Errorf("rates = %v, want %v", rates, tt.rates)
			}
			if got.Net.Number() != tt.net || got.Tax.Number() != tt.tax || got.Total.Number() != tt.total || got.Balance.Number() != tt.bal {
				t.Errorf("net %s tax %s total %s balance %s; want %s %s %s %s", got.Net.Number(), got.Tax.Number(), got.Total.Number(), got.Balance.Number(), tt.net, tt.tax, tt.total, tt.bal)
			}
			if got.Currency != tt.code || got.Total.CurrencyCode() != tt.code {
				t.Errorf("currency %s / %s, want %s", got.Currency, got.Total.CurrencyCode(), tt.code)
			}
			if len(got.LineNets) != len(tt.lines) {
				t.Errorf("%d line nets for %d lines", len(got.LineNets), len(tt.lines))
			}
		})
	}
}

func TestTotalsErrorsNameTheLine(t *testing.T) {
	inv := &Invoice{Currency: "EUR", Lines: []Line{line("1", "1.00", "19", ""), line("1,5", "1.00", "19", ""), line("1", "1.00", "120", "")},
		Payments: []Payment{{Date: "2026-11-01", Amount: "1.001"}}}
	_, err := inv.Totals()
	for _, want := range []string{`line 2 quantity "1,5": invalid number`, `line 3 tax_rate "120": out of range`, `payment 1 amount "1.001": too many fraction digits`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not contain %q", err, want)
		}
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "line 2 quantity" || !errors.Is(err, ErrRange) || !errors.Is(err, ErrSyntax) {
		t.Errorf("error %v: want FieldError for line 2 quantity wrapping ErrSyntax and ErrRange", err)
	}
	if _, err := (&Invoice{Currency: "XYZ"}).Totals(); !errors.Is(err, ErrCurrency) {
		t.Errorf("unknown currency: %v", err)
	}
}

// refNet is an independent reference for a line net using math/big.Rat:
// round(q × p × (100 − d) / 100) half away from zero to digits.
func refNet(q, p, d string, digits int) *big.Rat {
	r := func(s string) *big.Rat {
		if s == "" {
			s = "0"
		}
		x, ok := new(big.Rat).SetString(s)
		if !ok {
			panic(s)
		}
		return x
	}
	x := new(big.Rat).Mul(r(q), r(p))
	x.Mul(x, new(big.Rat).Sub(big.NewRat(100, 1), r(d)))
	x.Quo(x, big.NewRat(100, 1))
	return refRound(x, digits)
}

// refRound rounds x half away from zero to digits fraction digits.
func refRound(x *big.Rat, digits int) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(scale))
	neg := y.Sign() < 0
	y.Abs(y)
	y.Add(y, big.NewRat(1, 2))
	n := new(big.Int).Quo(y.Num(), y.Denom()) // floor, y >= 0
	if neg {
		n.Neg(n)
	}
	return new(big.Rat).SetFrac(n, scale)
}

func ratOf(t *testing.T, s string) *big.Rat {
	t.Helper()
	x, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("bad decimal %q", s)
	}
	return x
}

// randDecimal returns a random decimal string with up to intDigits integer
// and fracDigits fraction digits, negative with probability neg/10.
func randDecimal(rng *rand.Rand, intDigits, fracDigits, neg int) string {
	var b strings.Builder
	if rng.IntN(10) < neg {
		b.WriteByte('-')
	}
	n := 1 + rng.IntN(intDigits)
	for i := 0; i < n; i++ {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	if f := rng.IntN(fracDigits + 1); f > 0 {
		b.WriteByte('.')
		for i := 0; i < f; i++ {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
	}
	return b.String()
}

func randLines(rng *rand.Rand, code string) []Line {
	digits, _ := currencyDigits(code)
	rates := []string{"0", "5", "7", "7.7", "8.1", "10", "19", "19.0", "20", "21", "2.5"}
	lines := make([]Line, 1+rng.IntN(12))
	for i := range lines {
		disc := ""
		if rng.IntN(3) == 0 {
			disc = randDecimal(rng, 2, 2, 0)
		}
		lines[i] = Line{
			Description: "x",
			Quantity:    randDecimal(rng, 3, 3, 1),
			UnitPrice:   randDecimal(rng, 5, digits+rng.IntN(2), 1),
			TaxRate:     rates[rng.IntN(len(rates))],
			Discount:    disc,
		}
	}
	return lines
}

// TestTotalsProperties checks, over seeded random invoices in EUR, JPY and
// BHD: every line net equals an independent big.Rat reference; each rate's
// net is the sum of its lines and its tax the rounded percentage; net = Σ
// line nets; tax = Σ rate taxes; total = net + tax; balance = total − paid;
// and shuffling the lines changes nothing.
func TestTotalsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	for iter := 0; iter < 2000; iter++ {
		code := []string{"EUR", "JPY", "BHD"}[iter%3]
		digits, _ := currencyDigits(code)
		inv := &Invoice{Currency: code, Lines: randLines(rng, code)}
		if rng.IntN(2) == 0 {
			inv.Payments = []Payment{{Date: "2026-11-01", Amount: randDecimal(rng, 4, digits, 0)}}
		}
		got := totals(t, inv)

		sumNets := new(big.Rat)
		perRate := map[string]*big.Rat{}
		for i, l := range inv.Lines {
			want := refNet(l.Quantity, l.UnitPrice, l.Discount, digits)
			if ratOf(t, got.LineNets[i].Number()).Cmp(want) != 0 {
				t.Fatalf("%s line %+v: net %s, reference %s", code, l, got.LineNets[i].Number(), want.FloatString(digits))
			}
			sumNets.Add(sumNets, want)
			key := ratOf(t, l.TaxRate).RatString()
			if perRate[key] == nil {
				perRate[key] = new(big.Rat)
			}
			perRate[key].Add(perRate[key], want)
		}
		if len(got.Rates) != len(perRate) {
			t.Fatalf("%d rate groups, want %d", len(got.Rates), len(perRate))
		}
		sumTax := new(big.Rat)
		for i, r := range got.Rates {
			rate := ratOf(t, r.Rate)
			if i > 0 && ratOf(t, got.Rates[i-1].Rate).Cmp(rate) >= 0 {
				t.Fatalf("rates not sorted: %v", got.Rates)
			}
			net := perRate[rate.RatString()]
			if net == nil || ratOf(t, r.Net.Number()).Cmp(net) != 0 {
				t.Fatalf("rate %s net %s, want %v", r.Rate, r.Net.Number(), net)
			}
			tax := refRound(new(big.Rat).Quo(new(big.Rat).Mul(net, rate), big.NewRat(100, 1)), digits)
			if ratOf(t, r.Tax.Number()).Cmp(tax) != 0 {
				t.Fatalf("rate %s tax %s, want %s", r.Rate, r.Tax.Number(), tax.FloatString(digits))
			}
			sumTax.Add(sumTax, tax)
		}
		if ratOf(t, got.Net.Number()).Cmp(sumNets) != 0 || ratOf(t, got.Tax.Number()).Cmp(sumTax) != 0 {
			t.Fatalf("net %s tax %s, want %s %s", got.Net.Number(), got.Tax.Number(), sumNets.FloatString(digits), sumTax.FloatString(digits))
		}
		total := new(big.Rat).Add(sumNets, sumTax)
		if ratOf(t, got.Total.Number()).Cmp(total) != 0 {
			t.Fatalf("total %s, want net + tax = %s", got.Total.Number(), total.FloatString(digits))
		}
		bal := new(big.Rat).Sub(total, ratOf(t, got.Paid.Number()))
		if ratOf(t, got.Balance.Number()).Cmp(bal) != 0 {
			t.Fatalf("balance %s, want %s", got.Balance.Number(), bal.FloatString(digits))
		}
		for _, a := range append(got.LineNets, got.Net, got.Tax, got.Total, got.Paid, got.Balance) {
			if _, frac, _ := strings.Cut(a.Number(), "."); len(frac) != digits {
				t.Fatalf("%s amount %s not at %d minor digits", code, a.Number(), digits)
			}
		}

		shuffled := *inv
		shuffled.Lines = append([]Line(nil), inv.Lines...)
		rng.Shuffle(len(shuffled.Lines), func(i, j int) { shuffled.Lines[i], shuffled.Lines[j] = shuffled.Lines[j], shuffled.Lines[i] })
		got2 := totals(t, &shuffled)
		if !got.Total.Equal(got2.Total) || !got.Tax.Equal(got2.Tax) || !got.Net.Equal(got2.Net) || fmt.Sprint(got.Rates) != fmt.Sprint(got2.Rates) {
			t.Fatalf("line order changed totals: %v vs %v", got, got2)
		}
	}
}

// FuzzLineNet checks LineNet against the big.Rat reference for any input
// the parsers accept, and that it never panics on anything else.
func FuzzLineNet(f *testing.F) {
	f.Add("1", "0.005", "", "EUR")
	f.Add("-1", "0.005", "0", "EUR")
	f.Add("1.5", "33.33", "10", "EUR")
	f.Add("3", "333.5", "", "JPY")
	f.Add("1", "1.2345", "100", "BHD")
	f.Add("999999999.999999", "-999999999999999.999999", "99.9999", "EUR")
	f.Add("1e3", "NaN", "-1", "XXX")
	f.Fuzz(func(t *testing.T, q, p, d, code string) {
		net, err := LineNet(Line{Quantity: q, UnitPrice: p, TaxRate: "0", Discount: d}, code)
		if err != nil {
			return
		}
		digits, _ := currencyDigits(code)
		if want := refNet(q, p, d, digits); ratOf(t, net.Number()).Cmp(want) != 0 {
			t.Fatalf("LineNet(%s × %s − %s%%) = %s, reference %s", q, p, d, net.Number(), want.FloatString(digits))
		}
		if _, frac, _ := strings.Cut(net.Number(), "."); len(frac) != digits {
			t.Fatalf("net %s not at %d minor digits", net.Number(), digits)
		}
	})
}
