package reports

import (
	"errors"
	"reflect"
	"testing"
)

func TestAxisIsRoundAndCoversTheLargestValue(t *testing.T) {
	for _, c := range []struct {
		hi     int64
		digits int
		top    int64
		labels []string
	}{
		{0, 2, 100, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}}, // nothing: one major unit
		{123456, 2, 150000, []string{"0", "500", "1k", "1.5k"}},     // 1,234.56 EUR
		{99, 0, 100, []string{"0", "20", "40", "60", "80", "100"}},  // JPY
		{5_000_000_00, 2, 5_000_000_00, []string{"0", "1M", "2M", "3M", "4M", "5M"}},
		{1, 3, 1, []string{"0", "0"}}, // 0.001 BHD: the step is one minor unit, labels round
	} {
		top, ticks := axis(c.hi, c.digits)
		var labels []string
		for _, tk := range ticks {
			labels = append(labels, tk.Label)
			if tk.Minor > top {
				t.Errorf("hi %d: tick %d above the top %d", c.hi, tk.Minor, top)
			}
		}
		if top != c.top || !reflect.DeepEqual(labels, c.labels) {
			t.Errorf("axis(%d, %d) = %d %q, want %d %q", c.hi, c.digits, top, labels, c.top, c.labels)
		}
		if top < c.hi || len(ticks) > 6 || ticks[len(ticks)-1].Minor != top {
			t.Errorf("axis(%d, %d): top %d, %d ticks, last %d", c.hi, c.digits, top, len(ticks), ticks[len(ticks)-1].Minor)
		}
	}
}

func TestRevenueChartHasEveryMonth(t *testing.T) {
	months, err := Months("2025-12-15", "2026-03-01")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2025-12", "2026-01", "2026-02", "2026-03"}; !reflect.DeepEqual(months, want) {
		t.Fatalf("Months = %v, want %v", months, want)
	}
	rows := []RevenueRow{
		{Month: "2026-01", Currency: "EUR", Net: "100.00", Gross: "119.00", Received: "50.00"},
		{Month: "2026-01", Currency: "USD", Net: "999.00", Gross: "999.00", Received: "0.00"},
		{Month: "2026-03", Currency: "EUR", Net: "-10.00", Gross: "-11.90", Received: "1000.00"},
	}
	c, err := RevenueChart(rows, "EUR", months)
	if err != nil {
		t.Fatal(err)
	}
	wantMinor := [][]int64{{0, 0}, {11900, 5000}, {0, 0}, {-1190, 100000}}
	if !reflect.DeepEqual(c.Minor, wantMinor) || c.Values[3][0] != "-11.90" || c.Values[0][1] != "0.00" {
		t.Errorf("values %v / %v, want minor %v", c.Values, c.Minor, wantMinor)
	}
	if c.Top != 100000 || c.Series[0] != "Invoiced" || len(c.Groups) != 4 {
		t.Errorf("top %d, series %v, groups %v", c.Top, c.Series, c.Groups)
	}
	if got := Currencies(rows); !reflect.DeepEqual(got, []string{"EUR", "USD"}) {
		t.Errorf("Currencies = %v", got)
	}
}

func TestAgingChartIsTheCurrencyTotal(t *testing.T) {
	rows := []AgingRow{
		{Client: "A", ClientID: "a", Currency: "EUR", Buckets: [5]string{"1.00", "0.00", "0.00", "0.00", "0.00"}, Total: "1.00"},
		{Currency: "EUR", Buckets: [5]string{"1.00", "2.00", "0.00", "0.00", "40.00"}, Total: "43.00"},
	}
	c, err := AgingChart(rows, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int64{{100}, {200}, {0}, {0}, {4000}}; !reflect.DeepEqual(c.Minor, want) || c.Top != 4000 {
		t.Errorf("minor %v top %d, want %v and 4000", c.Minor, c.Top, want)
	}
	if _, err := newChart("x", "EUR", []string{"a"}, []string{"s"}, [][]string{{"99999999999999999999"}}); !errors.Is(err, ErrChartRange) {
		t.Errorf("huge value: %v, want ErrChartRange", err)
	}
}

func TestShortLabels(t *testing.T) {
	c := Chart{Currency: "EUR", Minor: [][]int64{{95000, 1250000, 121000000, -120000, 3, 99999}}}
	want := []string{"950", "12.5k", "1.21M", "-1.2k", "0.03", "1k"}
	for i, w := range want {
		if got := c.Short(0, i); got != w {
			t.Errorf("Short(%d) = %q, want %q", c.Minor[0][i], got, w)
		}
	}
}
