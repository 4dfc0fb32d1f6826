package reports

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/bojanz/currency"
)

// Chart is a bar chart of amounts in one currency: for each group (a
// month, an aging bucket) one bar per series. It holds what every drawing
// of it needs, the window's and the PDF's alike, in integers: each value in
// minor units, and a round axis top and ticks. A drawer scales a bar to
// Minor / Top of its height; a negative value (a month with more credited
// than invoiced) draws no bar but keeps its figure.
type Chart struct {
	Title    string
	Currency string
	Groups   []string // along the axis
	Series   []string // the bars of each group, in order
	// Values[g][s] is series s in group g, as the report has it
	// ("1234.50"); Minor[g][s] the same in minor units.
	Values [][]string
	Minor  [][]int64
	// Top is the axis top in minor units, a round number at least every
	// value (never 0); Ticks go from 0 up to it.
	Top   int64
	Ticks []Tick
}

// Tick is a mark up the value axis.
type Tick struct {
	Minor int64
	Label string // "0", "2.5k", "1M"
}

// ErrChartRange is an amount too large to chart.
var ErrChartRange = errors.New("amount too large to chart")

// newChart fills in the minor units, the top and the ticks.
func newChart(title, code string, groups, series []string, values [][]string) (Chart, error) {
	c := Chart{Title: title, Currency: code, Groups: groups, Series: series, Values: values}
	d, ok := currency.GetDigits(code)
	if !ok {
		_, err := zero(code)
		return Chart{}, err
	}
	var hi int64
	for _, row := range values {
		m := make([]int64, len(row))
		for i, v := range row {
			n, ok := parseMinor(v, int(d))
			if !ok || n > maxChartMinor || n < -maxChartMinor {
				return Chart{}, fmt.Errorf("%w: %s %s", ErrChartRange, v, code)
			}
			m[i] = n
			hi = max(hi, n)
		}
		c.Minor = append(c.Minor, m)
	}
	c.Top, c.Ticks = axis(hi, int(d))
	return c, nil
}

// maxChartMinor bounds the values a chart takes, so that its axis
// arithmetic cannot overflow.
const maxChartMinor = 1 << 60

// axis is a round top at least hi and its ticks (at most six, 0
// included): steps of 1, 2 or 5 times a power of ten, never finer than one
// minor unit.
func axis(hi int64, digits int) (int64, []Tick) {
	unit := pow10(digits) // one major unit
	if hi <= 0 {
		hi = unit
	}
	step := roundStep(hi)
	top := (hi + step - 1) / step * step
	ticks := make([]Tick, 0, 6)
	for v := int64(0); v <= top; v += step {
		ticks = append(ticks, Tick{Minor: v, Label: compact(v, unit)})
	}
	return top, ticks
}

// roundStep is the smallest of 1, 2, 5, 10, 20, 50… that covers hi in
// at most five steps.
func roundStep(hi int64) int64 {
	for base := int64(1); ; base *= 10 {
		for _, m := range [3]int64{1, 2, 5} {
			if step := base * m; (hi+step-1)/step <= 5 {
				return step
			}
		}
	}
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// compact writes v minor units (unit to the major unit) in thousands or
// millions when it reaches them, to at most two decimals: "0", "250",
// "2.5k", "1M".
func compact(v, unit int64) string {
	r, suffix := scaled(v, unit)
	return trimPoint(r.FloatString(2)) + suffix
}

// scaled is v minor units in major units, thousands or millions, and the
// suffix that says which.
func scaled(v, unit int64) (*big.Rat, string) {
	div, suffix := unit, ""
	switch {
	case v >= 1_000_000*unit:
		div, suffix = 1_000_000*unit, "M"
	case v >= 1_000*unit:
		div, suffix = 1_000*unit, "k"
	}
	return new(big.Rat).SetFrac(big.NewInt(v), big.NewInt(div)), suffix
}

// trimPoint drops the trailing zeros of a decimal fraction, and the point.
func trimPoint(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Months is every month from the one of from to the one of to
// (YYYY-MM-DD, inclusive), as YYYY-MM.
func Months(from, to string) ([]string, error) {
	if err := period(from, to); err != nil {
		return nil, err
	}
	f, _ := time.Parse("2006-01", month(from))
	t, _ := time.Parse("2006-01", month(to))
	var out []string
	for m := f; !m.After(t); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out, nil
}

// Currencies is the currencies of report rows, in order.
func Currencies[R AgingRow | RevenueRow | TaxRow](rows []R) []string {
	var out []string
	for _, r := range rows {
		var code string
		switch r := any(r).(type) {
		case AgingRow:
			code = r.Currency
		case RevenueRow:
			code = r.Currency
		case TaxRow:
			code = r.Currency
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

// RevenueChart is the revenue report's chart in currency code: for each
// of months (every month, with nothing or not), the gross invoiced and
// the payments received.
func RevenueChart(rows []RevenueRow, code string, months []string) (Chart, error) {
	z, err := zero(code)
	if err != nil {
		return Chart{}, err
	}
	values := make([][]string, len(months))
	for i, m := range months {
		values[i] = []string{z.String(), z.String()}
		for _, r := range rows {
			if r.Month == m && r.Currency == code {
				values[i] = []string{r.Gross, r.Received}
			}
		}
	}
	return newChart("Invoiced and received, "+code, code, months, []string{"Invoiced", "Received"}, values)
}

// BucketTitles are the aging buckets as a chart or a table heads them.
var BucketTitles = []string{"Current", "1–30 days", "31–60 days", "61–90 days", "90+ days"}

// AgingChart is the aging report's chart in currency code: the open
// balance in each bucket, from the currency's total row.
func AgingChart(rows []AgingRow, code string) (Chart, error) {
	z, err := zero(code)
	if err != nil {
		return Chart{}, err
	}
	values := make([][]string, len(Buckets))
	for i := range values {
		values[i] = []string{z.String()}
	}
	for _, r := range rows {
		if r.ClientID == "" && r.Currency == code {
			for i, v := range r.Buckets {
				values[i] = []string{v}
			}
		}
	}
	return newChart("Open balance, "+code, code, BucketTitles, []string{"Open"}, values)
}

// Short is value s of group g written short, to three significant
// digits, as a bar's label: "950", "12.5k", "1.21M", "-1.2k".
func (c Chart) Short(g, s int) string {
	d, _ := currency.GetDigits(c.Currency)
	unit := pow10(int(d))
	v := c.Minor[g][s]
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	r, suffix := scaled(v, unit)
	prec := 2
	switch {
	case r.Cmp(big.NewRat(100, 1)) >= 0:
		prec = 0
	case r.Cmp(big.NewRat(10, 1)) >= 0:
		prec = 1
	}
	out := r.FloatString(prec)
	if out == "1000" && suffix != "M" { // 999.99 rounds up into the next unit
		out, suffix = "1", map[string]string{"": "k", "k": "M"}[suffix]
	}
	return sign + trimPoint(out) + suffix
}
