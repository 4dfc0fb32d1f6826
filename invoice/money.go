package invoice

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/bojanz/currency"
	"github.com/cockroachdb/apd/v3"
)

// exactContext returns an apd context for exact arithmetic: the parsers
// bound every operand (see the Max constants), so products and sums fit
// well within its precision, and any rounding would be an error (Inexact is
// trapped) rather than a silent loss.
func exactContext() *apd.Context {
	c := apd.BaseContext.WithPrecision(200)
	c.Traps |= apd.Inexact
	return c
}

// roundContext returns the context that rounds half away from zero (apd's
// RoundHalfUp works on the magnitude).
func roundContext() *apd.Context {
	c := apd.BaseContext.WithPrecision(200)
	c.Rounding = apd.RoundHalfUp
	return c
}

// roundMinor rounds d half away from zero to digits fraction digits. A
// negative zero result becomes zero.
func roundMinor(d *apd.Decimal, digits int) (*apd.Decimal, error) {
	r := new(apd.Decimal)
	if _, err := roundContext().Quantize(r, d, -int32(digits)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRange, err)
	}
	if r.IsZero() {
		r.Negative = false
	}
	return r, nil
}

// percentOf returns d × p / 100 exactly.
func percentOf(d, p *apd.Decimal) (*apd.Decimal, error) {
	c := exactContext()
	r := new(apd.Decimal)
	if _, err := c.Mul(r, d, p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRange, err)
	}
	if _, err := c.Mul(r, r, apd.New(1, -2)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRange, err)
	}
	return r, nil
}

// lineNet computes round(quantity × unit price × (1 − discount/100)) and the
// parsed tax rate. Errors are FieldErrors naming the field (prefix is
// "line N " or "").
func lineNet(l Line, code string, digits int, prefix string) (net, rate *apd.Decimal, err error) {
	var ps problems
	qty, err := ParseQuantity(l.Quantity)
	ps.add(prefix+"quantity", l.Quantity, err)
	price, err := ParseUnitPrice(l.UnitPrice, code)
	ps.add(prefix+"unit_price", l.UnitPrice, err)
	rate, err = ParseRate(l.TaxRate)
	ps.add(prefix+"tax_rate", l.TaxRate, err)
	disc, err := ParseDiscount(l.Discount)
	ps.add(prefix+"discount", l.Discount, err)
	if len(ps) > 0 {
		return nil, nil, ps.err()
	}
	c := exactContext()
	gross := new(apd.Decimal)
	if _, err := c.Mul(gross, qty, decimalOf(price)); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrRange, err)
	}
	keep := new(apd.Decimal) // 100 − discount
	if _, err := c.Sub(keep, apd.New(100, 0), disc); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrRange, err)
	}
	exact, err := percentOf(gross, keep)
	if err != nil {
		return nil, nil, err
	}
	net, err = roundMinor(exact, digits)
	if err != nil {
		return nil, nil, err
	}
	return net, rate, nil
}

// LineNet returns the net amount of one line in the currency code:
// quantity × unit price × (1 − discount/100), rounded half away from zero
// to the currency's minor units. The error is a *ValidationError naming
// each bad field, or wraps ErrCurrency.
func LineNet(l Line, code string) (currency.Amount, error) {
	digits, err := currencyDigits(code)
	if err != nil {
		return currency.Amount{}, err
	}
	net, _, err := lineNet(l, code, digits, "")
	if err != nil {
		return currency.Amount{}, err
	}
	return amountOf(net, code)
}

// RateTotal is the part of an invoice taxed at one rate in one VAT
// category.
type RateTotal struct {
	// Category is the lines' VAT category (Line.VATCategory): S for a
	// rate above zero unless a line names another, "" for a zero rate
	// without one.
	Category string
	// Rate is the tax rate in percent in its shortest form ("19", "7.7",
	// "0"); lines whose rates are numerically equal ("19" and "19.00")
	// share one RateTotal.
	Rate string
	// Net is the sum of the rounded line nets at this rate.
	Net currency.Amount
	// Tax is round(Net × Rate / 100), half away from zero.
	Tax currency.Amount
}

// Totals is the computed money of an invoice (or credit note). Every amount
// is a currency.Amount in the invoice's currency, rounded to the currency's
// minor units, so Amount.Number gives the canonical decimal string ("119.00"
// EUR, "1500" JPY, "1.250" BHD). In JSON, amounts are decimal strings and
// the currency is given once (see MarshalJSON).
type Totals struct {
	// Currency is the ISO 4217 code of every amount.
	Currency string
	// LineNets holds the rounded net of each line, in line order.
	LineNets []currency.Amount
	// Rates is the breakdown per tax rate, sorted by ascending rate.
	Rates []RateTotal
	// Net is Σ line nets; Tax is Σ Rates[i].Tax; Total is Net + Tax.
	Net, Tax, Total currency.Amount
	// Credited is the sum of the credit notes applied to the invoice.
	Credited currency.Amount
	// Paid is the sum of the payments.
	Paid currency.Amount
	// Balance is Total − Credited − Paid: what the client still owes. It is
	// negative when more was received than is owed (a refund is due).
	Balance currency.Amount
}

// Totals computes the invoice's money exactly: each line net is
// rounded to the currency's minor units; tax per rate is
// round(Σ line nets at that rate × rate/100); Total = Σ nets + Σ taxes;
// Balance = Total − Σ credits − Σ payments. Rounding is half away from zero.
// An invoice without lines has zero totals. The error is a
// *ValidationError naming each bad line, payment or credit field, or wraps
// ErrCurrency.
func (inv *Invoice) Totals() (Totals, error) {
	code := inv.Currency
	digits, err := currencyDigits(code)
	if err != nil {
		return Totals{}, &ValidationError{Problems: []*FieldError{{Field: "currency", Value: code, Err: err}}}
	}
	var ps problems
	c := exactContext()
	type bucket struct {
		category  string
		rate, net *apd.Decimal
	}
	var buckets []*bucket
	nets := make([]*apd.Decimal, len(inv.Lines))
	for i, l := range inv.Lines {
		net, rate, err := lineNet(l, code, digits, fmt.Sprintf("line %d ", i+1))
		if err != nil {
			appendProblems(&ps, err, fmt.Sprintf("line %d", i+1))
			continue
		}
		nets[i] = net
		cat := l.VATCategory()
		idx := slices.IndexFunc(buckets, func(b *bucket) bool { return b.rate.Cmp(rate) == 0 && b.category == cat })
		if idx < 0 {
			buckets = append(buckets, &bucket{category: cat, rate: rate, net: new(apd.Decimal)})
			idx = len(buckets) - 1
		}
		if _, err := c.Add(buckets[idx].net, buckets[idx].net, net); err != nil {
			ps.add(fmt.Sprintf("line %d", i+1), "", fmt.Errorf("%w: %v", ErrRange, err))
		}
	}
	paid := new(apd.Decimal)
	for i, p := range inv.Payments {
		a, err := ParseAmount(p.Amount, code)
		if err != nil {
			ps.add(fmt.Sprintf("payment %d amount", i+1), p.Amount, err)
			continue
		}
		if _, err := c.Add(paid, paid, decimalOf(a)); err != nil {
			ps.add(fmt.Sprintf("payment %d amount", i+1), p.Amount, fmt.Errorf("%w: %v", ErrRange, err))
		}
	}
	credited := new(apd.Decimal)
	for i, cr := range inv.Credits {
		a, err := ParseAmount(cr.Amount, code)
		if err != nil {
			ps.add(fmt.Sprintf("credit %d amount", i+1), cr.Amount, err)
			continue
		}
		if _, err := c.Add(credited, credited, decimalOf(a)); err != nil {
			ps.add(fmt.Sprintf("credit %d amount", i+1), cr.Amount, fmt.Errorf("%w: %v", ErrRange, err))
		}
	}
	if err := ps.err(); err != nil {
		return Totals{}, err
	}
	slices.SortFunc(buckets, func(a, b *bucket) int {
		if c := a.rate.Cmp(b.rate); c != 0 {
			return c
		}
		return strings.Compare(a.category, b.category)
	})

	t := Totals{Currency: code, LineNets: make([]currency.Amount, 0, len(nets)), Rates: make([]RateTotal, 0, len(buckets))}
	amt := func(d *apd.Decimal) currency.Amount {
		r, err := roundMinor(d, digits) // already exact to minor units; sets the scale
		if err != nil {
			ps.add("totals", "", err)
			return currency.Amount{}
		}
		a, err := amountOf(r, code)
		ps.add("totals", "", err)
		return a
	}
	net, tax := new(apd.Decimal), new(apd.Decimal)
	for _, d := range nets {
		t.LineNets = append(t.LineNets, amt(d))
		_, err := c.Add(net, net, d)
		ps.add("totals", "", err)
	}
	for _, b := range buckets {
		exact, err := percentOf(b.net, b.rate)
		if err != nil {
			ps.add("totals", "", err)
			continue
		}
		bt, err := roundMinor(exact, digits)
		if err != nil {
			ps.add("totals", "", err)
			continue
		}
		_, err = c.Add(tax, tax, bt)
		ps.add("totals", "", err)
		rate := new(apd.Decimal)
		rate.Reduce(b.rate)
		t.Rates = append(t.Rates, RateTotal{Category: b.category, Rate: rate.Text('f'), Net: amt(b.net), Tax: amt(bt)})
	}
	total, balance := new(apd.Decimal), new(apd.Decimal)
	_, err = c.Add(total, net, tax)
	ps.add("totals", "", err)
	_, err = c.Sub(balance, total, credited)
	ps.add("totals", "", err)
	_, err = c.Sub(balance, balance, paid)
	ps.add("totals", "", err)
	t.Net, t.Tax, t.Total = amt(net), amt(tax), amt(total)
	t.Credited, t.Paid, t.Balance = amt(credited), amt(paid), amt(balance)
	if err := ps.err(); err != nil {
		return Totals{}, err
	}
	return t, nil
}

// appendProblems adds the problems of err (a *ValidationError or another
// error) to ps; a plain error is attributed to field.
func appendProblems(ps *problems, err error, field string) {
	if ve, ok := err.(*ValidationError); ok {
		*ps = append(*ps, ve.Problems...)
		return
	}
	ps.add(field, "", err)
}

// totalsJSON is the JSON form of Totals: decimal strings, currency once.
type totalsJSON struct {
	Currency string          `json:"currency"`
	LineNets []string        `json:"line_nets"`
	Rates    []rateTotalJSON `json:"rates"`
	Net      string          `json:"net"`
	Tax      string          `json:"tax"`
	Total    string          `json:"total"`
	Credited string          `json:"credited"`
	Paid     string          `json:"paid"`
	Balance  string          `json:"balance"`
}

type rateTotalJSON struct {
	Category string `json:"category,omitempty"`
	Rate     string `json:"rate"`
	Net      string `json:"net"`
	Tax      string `json:"tax"`
}

// MarshalJSON encodes t with every amount as a decimal string, such as
// {"currency":"EUR","line_nets":["100.00"],"rates":[{"category":"S","rate":"19","net":
// "100.00","tax":"19.00"}],"net":"100.00","tax":"19.00","total":"119.00",
// "credited":"0.00","paid":"0.00","balance":"119.00"}.
func (t Totals) MarshalJSON() ([]byte, error) {
	j := totalsJSON{
		Currency: t.Currency,
		LineNets: make([]string, len(t.LineNets)),
		Rates:    make([]rateTotalJSON, len(t.Rates)),
		Net:      t.Net.Number(), Tax: t.Tax.Number(), Total: t.Total.Number(),
		Credited: t.Credited.Number(), Paid: t.Paid.Number(), Balance: t.Balance.Number(),
	}
	for i, a := range t.LineNets {
		j.LineNets[i] = a.Number()
	}
	for i, r := range t.Rates {
		j.Rates[i] = rateTotalJSON{Category: r.Category, Rate: r.Rate, Net: r.Net.Number(), Tax: r.Tax.Number()}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the form written by MarshalJSON. Amounts must be
// valid amounts in the currency (ParseAmount).
func (t *Totals) UnmarshalJSON(data []byte) error {
	var j totalsJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	var ps problems
	parse := func(field, s string) currency.Amount {
		a, err := ParseAmount(s, j.Currency)
		ps.add(field, s, err)
		return a
	}
	out := Totals{Currency: j.Currency}
	if j.LineNets != nil {
		out.LineNets = make([]currency.Amount, len(j.LineNets))
	}
	for i, s := range j.LineNets {
		out.LineNets[i] = parse(fmt.Sprintf("line_nets %d", i+1), s)
	}
	if j.Rates != nil {
		out.Rates = make([]RateTotal, len(j.Rates))
	}
	for i, r := range j.Rates {
		if _, err := ParseRate(r.Rate); err != nil {
			ps.add(fmt.Sprintf("rates %d rate", i+1), r.Rate, err)
		}
		out.Rates[i] = RateTotal{Category: r.Category, Rate: r.Rate, Net: parse(fmt.Sprintf("rates %d net", i+1), r.Net), Tax: parse(fmt.Sprintf("rates %d tax", i+1), r.Tax)}
	}
	out.Net, out.Tax, out.Total = parse("net", j.Net), parse("tax", j.Tax), parse("total", j.Total)
	out.Credited, out.Paid, out.Balance = parse("credited", j.Credited), parse("paid", j.Paid), parse("balance", j.Balance)
	if err := ps.err(); err != nil {
		return err
	}
	*t = out
	return nil
}
