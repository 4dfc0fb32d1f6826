// Package reports computes the bookkeepers' reports from what the invoice
// list keeps of each document (Entry): aged receivables as of a date, the
// tax summary of a period and revenue per month. Amounts of different
// currencies are never added together; every sum is exact decimal
// arithmetic in the currency's minor units (invoice.ParseAmount), as the
// invoices and their PDFs have them. It does no I/O: the app feeds it one
// pass over its index.
package reports

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"safeinvoice/invoice"
)

// Dated is an amount on a date: a payment, or a credit note applied.
type Dated struct {
	Date   string // YYYY-MM-DD
	Amount string
}

// Rate is one line of a document's tax breakdown.
type Rate struct {
	Category, Rate, Net, Tax string
}

// Entry is what the reports need of one invoice, credit note or quote.
// The reports read an entry only while it is yielded to them, so a source
// may reuse one Entry for every document.
type Entry struct {
	Number, ClientID, Client string
	Kind                     invoice.Kind
	Status                   invoice.Status
	Currency                 string
	IssueDate, DueDate       string
	Net, Total               string
	Rates                    []Rate
	Payments, Credits        []Dated
}

// All is the entries of a slice, for the reports.
func All(entries []Entry) iter.Seq[*Entry] {
	return func(yield func(*Entry) bool) {
		for i := range entries {
			if !yield(&entries[i]) {
				return
			}
		}
	}
}

// ErrPeriod is a period whose dates do not parse or are the wrong way round.
var ErrPeriod = errors.New("invalid period")

// counts reports whether e is an issued invoice or credit note, not void:
// what the books hold (drafts, quotes and void invoices are not).
func counts(e *Entry) bool {
	switch e.Kind {
	case invoice.KindQuote:
		return false
	}
	return e.Status != invoice.StatusDraft && e.Status != invoice.StatusVoid && e.Status != ""
}

func isCreditNote(e *Entry) bool { return e.Kind == invoice.KindCreditNote }

// Buckets are the aging report's columns, in order.
var Buckets = []string{"current", "1-30", "31-60", "61-90", "over-90"}

// AgingRow is one client's open balance in one currency, by bucket (see
// Buckets), and its total; Client "" is the currency's total row.
type AgingRow struct {
	Client   string    `json:"client"`
	ClientID string    `json:"-"`
	Currency string    `json:"currency"`
	Buckets  [5]string `json:"-"` // see MarshalJSON
	Total    string    `json:"total"`
}

// MarshalJSON writes the row with the CSV's column names as keys
// ("client", "currency", "current", "1-30", …, "total"), and
// "currency_total": true on a currency's total row.
func (r AgingRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Client        string `json:"client"`
		Currency      string `json:"currency"`
		Current       string `json:"current"`
		Days30        string `json:"1-30"`
		Days60        string `json:"31-60"`
		Days90        string `json:"61-90"`
		Over90        string `json:"over-90"`
		Total         string `json:"total"`
		CurrencyTotal bool   `json:"currency_total,omitempty"`
	}{r.Client, r.Currency, r.Buckets[0], r.Buckets[1], r.Buckets[2], r.Buckets[3], r.Buckets[4], r.Total, r.ClientID == ""})
}

// bucket is the aging bucket of an invoice days past due.
func bucket(days int) int {
	switch {
	case days <= 0:
		return 0
	case days <= 30:
		return 1
	case days <= 60:
		return 2
	case days <= 90:
		return 3
	}
	return 4
}

// daysBetween is to − from in whole days (UTC midnights).
func daysBetween(from, to time.Time) int { return int(to.Sub(from) / (24 * time.Hour)) }

// OpenBalance is what e still owes as of asOf: its total less the payments
// and credits dated on or before that day ("" when it owes nothing, or is
// not an issued invoice issued by then).
func OpenBalance(e *Entry, asOf string) (string, error) {
	open, ok, err := openBalance(e, asOf)
	if err != nil || !ok {
		return "", err
	}
	return open.String(), nil
}

// openBalance is OpenBalance as a sum, ok false when nothing is owed.
func openBalance(e *Entry, asOf string) (open sum, ok bool, err error) {
	if !counts(e) || isCreditNote(e) || e.IssueDate > asOf {
		return sum{}, false, nil
	}
	if open, err = zero(e.Currency); err != nil {
		return sum{}, false, err
	}
	if err := open.add(e.Total, e.Currency); err != nil {
		return sum{}, false, err
	}
	for _, ps := range [2][]Dated{e.Payments, e.Credits} {
		for _, p := range ps {
			if p.Date <= asOf {
				if err := open.sub(p.Amount, e.Currency); err != nil {
					return sum{}, false, err
				}
			}
		}
	}
	return open, open.isPositive(), nil
}

// Aging is the aged receivables as of asOf (YYYY-MM-DD): per client and
// currency, the open balance (OpenBalance) of each issued invoice in the
// bucket of its days past due, by client name; then one total row per
// currency (Client ""), by currency. name, when not nil, gives the
// clients' names (the entries' Client is not read then), once per row.
func Aging(entries iter.Seq[*Entry], asOf string, name func(clientID string) string) ([]AgingRow, error) {
	return aging(entries, asOf, name, true)
}

// AgingTotals is Aging's currency totals only, without the per-client
// rows: what a chart of the buckets needs.
func AgingTotals(entries iter.Seq[*Entry], asOf string) ([]AgingRow, error) {
	return aging(entries, asOf, nil, false)
}

func aging(entries iter.Seq[*Entry], asOf string, name func(clientID string) string, perClient bool) ([]AgingRow, error) {
	day, err := invoice.ParseDate(asOf)
	if err != nil {
		return nil, fmt.Errorf("as-of date: %w", err)
	}
	type key struct{ client, currency string }
	rows := map[key]*[6]sum{}
	names := map[key]string{}
	bucketOf := map[string]int{}
	for e := range entries {
		open, ok, err := openBalance(e, asOf)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Number, err)
		}
		if !ok {
			continue
		}
		b, ok := bucketOf[e.DueDate] // a few thousand due dates among 100,000 invoices
		if !ok {
			due, err := invoice.ParseDate(e.DueDate)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", e.Number, err)
			}
			b = bucket(daysBetween(due, day))
			bucketOf[e.DueDate] = b
		}
		keys := [2]key{{"", e.Currency}, {e.ClientID, e.Currency}}
		for _, k := range keys[:1+boolInt(perClient)] {
			r := rows[k]
			if r == nil {
				r = new([6]sum)
				for j := range r {
					if r[j], err = zero(e.Currency); err != nil {
						return nil, err
					}
				}
				rows[k] = r
				if k.client != "" {
					names[k] = e.Client
				}
			}
			if err := errors.Join(r[b].addSum(open), r[5].addSum(open)); err != nil {
				return nil, err
			}
		}
	}
	out := make([]AgingRow, 0, len(rows))
	for k, r := range rows {
		row := AgingRow{Client: names[k], ClientID: k.client, Currency: k.currency, Total: r[5].String()}
		if name != nil && k.client != "" {
			row.Client = name(k.client)
		}
		for j := range row.Buckets {
			row.Buckets[j] = r[j].String()
		}
		out = append(out, row)
	}
	sortAging(out)
	return out, nil
}

// sortAging puts aging rows in their order: clients by name (then id and
// currency), the currency totals last.
func sortAging(rows []AgingRow) {
	type sortable struct {
		fold string
		row  AgingRow
	}
	keyed := make([]sortable, len(rows))
	for i, r := range rows {
		keyed[i] = sortable{invoice.Fold(r.Client), r}
	}
	slices.SortFunc(keyed, func(a, b sortable) int {
		// Not cmp.Or: it would make every comparison for every pair.
		if c := boolOrder(a.row.ClientID == "", b.row.ClientID == ""); c != 0 {
			return c
		}
		if c := strings.Compare(a.fold, b.fold); c != 0 {
			return c
		}
		if c := strings.Compare(a.row.ClientID, b.row.ClientID); c != 0 {
			return c
		}
		return strings.Compare(a.row.Currency, b.row.Currency)
	})
	for i := range keyed {
		rows[i] = keyed[i].row
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// boolOrder puts false before true.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// TaxRow is the taxable net and the tax of one currency, VAT category and
// rate in a period.
type TaxRow struct {
	Currency string `json:"currency"`
	Category string `json:"tax_category"`
	Rate     string `json:"tax_rate"`
	Net      string `json:"net"`
	Tax      string `json:"tax"`
}

// period checks from and to.
func period(from, to string) error {
	f, err1 := invoice.ParseDate(from)
	t, err2 := invoice.ParseDate(to)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%w: %w", ErrPeriod, err)
	}
	if t.Before(f) {
		return fmt.Errorf("%w: %s is before %s", ErrPeriod, to, from)
	}
	return nil
}

// Tax is the tax summary of the invoices and credit notes issued from
// from to to (inclusive): per currency, category and rate, the taxable net
// and the tax, as each invoice's breakdown says, credit notes subtracted.
// Rows are by currency, category and rate.
func Tax(entries iter.Seq[*Entry], from, to string) ([]TaxRow, error) {
	if err := period(from, to); err != nil {
		return nil, err
	}
	type key struct{ currency, category, rate string }
	rows := map[key]*[2]sum{}
	for e := range entries {
		if !counts(e) || e.IssueDate < from || e.IssueDate > to {
			continue
		}
		for _, r := range e.Rates {
			k := key{e.Currency, r.Category, r.Rate}
			s := rows[k]
			if s == nil {
				z, err := zero(e.Currency)
				if err != nil {
					return nil, err
				}
				s = &[2]sum{z, z}
				rows[k] = s
			}
			op := (*sum).add
			if isCreditNote(e) {
				op = (*sum).sub
			}
			if err := op(&s[0], r.Net, e.Currency); err != nil {
				return nil, fmt.Errorf("%s: %w", e.Number, err)
			}
			if err := op(&s[1], r.Tax, e.Currency); err != nil {
				return nil, fmt.Errorf("%s: %w", e.Number, err)
			}
		}
	}
	out := make([]TaxRow, 0, len(rows))
	for k, s := range rows {
		out = append(out, TaxRow{Currency: k.currency, Category: k.category, Rate: k.rate, Net: s[0].String(), Tax: s[1].String()})
	}
	slices.SortFunc(out, func(a, b TaxRow) int {
		return cmp.Or(cmp.Compare(a.Currency, b.Currency), cmp.Compare(a.Category, b.Category),
			invoice.CompareDecimal(a.Rate, b.Rate))
	})
	return out, nil
}

// RevenueRow is one month's revenue in one currency: invoiced net and
// gross (invoices issued that month, credit notes subtracted) and received
// (payments dated that month).
type RevenueRow struct {
	Month    string `json:"month"` // YYYY-MM
	Currency string `json:"currency"`
	Net      string `json:"invoiced_net"`
	Gross    string `json:"invoiced_gross"`
	Received string `json:"received"`
}

// month is YYYY-MM of a YYYY-MM-DD date.
func month(date string) string { return date[:min(len(date), 7)] }

// Revenue is the revenue per month from from to to (inclusive), by month
// and currency: a row for every month of the period in each currency with
// any revenue in the period (zeros where a month had none).
func Revenue(entries iter.Seq[*Entry], from, to string) ([]RevenueRow, error) {
	if err := period(from, to); err != nil {
		return nil, err
	}
	type key struct{ month, currency string }
	rows := map[key]*[3]sum{}
	get := func(month, code string) (*[3]sum, error) {
		k := key{month, code}
		if s := rows[k]; s != nil {
			return s, nil
		}
		z, err := zero(code)
		if err != nil {
			return nil, err
		}
		s := &[3]sum{z, z, z}
		rows[k] = s
		return s, nil
	}
	for e := range entries {
		if !counts(e) {
			continue
		}
		if e.IssueDate >= from && e.IssueDate <= to {
			s, err := get(month(e.IssueDate), e.Currency)
			if err != nil {
				return nil, err
			}
			op := (*sum).add
			if isCreditNote(e) {
				op = (*sum).sub
			}
			if err := errors.Join(op(&s[0], e.Net, e.Currency), op(&s[1], e.Total, e.Currency)); err != nil {
				return nil, fmt.Errorf("%s: %w", e.Number, err)
			}
		}
		if isCreditNote(e) {
			continue
		}
		for _, p := range e.Payments {
			if p.Date < from || p.Date > to {
				continue
			}
			s, err := get(month(p.Date), e.Currency)
			if err != nil {
				return nil, err
			}
			if err := s[2].add(p.Amount, e.Currency); err != nil {
				return nil, fmt.Errorf("%s: %w", e.Number, err)
			}
		}
	}
	// Every month of the period, in every currency that had any revenue
	// in it: a month without invoices or payments is a row of zeros, not
	// a gap a reader has to notice.
	months, err := Months(from, to)
	if err != nil {
		return nil, err
	}
	codes := map[string]bool{}
	for k := range rows {
		codes[k.currency] = true
	}
	for code := range codes {
		for _, m := range months {
			if _, err := get(m, code); err != nil {
				return nil, err
			}
		}
	}
	out := make([]RevenueRow, 0, len(rows))
	for k, s := range rows {
		out = append(out, RevenueRow{Month: k.month, Currency: k.currency, Net: s[0].String(), Gross: s[1].String(), Received: s[2].String()})
	}
	slices.SortFunc(out, func(a, b RevenueRow) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// TaxTotals is the tax report's total per currency: its net and tax over
// every category and rate (Category and Rate ""), by currency.
func TaxTotals(rows []TaxRow) ([]TaxRow, error) {
	var out []TaxRow
	for _, code := range Currencies(rows) {
		net, err := zero(code)
		if err != nil {
			return nil, err
		}
		tax := net
		for _, r := range rows {
			if r.Currency == code {
				if err := errors.Join(net.add(r.Net, code), tax.add(r.Tax, code)); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, TaxRow{Currency: code, Net: net.String(), Tax: tax.String()})
	}
	return out, nil
}

// RevenueTotals is the revenue report's total per currency over the
// period (Month ""), by currency.
func RevenueTotals(rows []RevenueRow) ([]RevenueRow, error) {
	var out []RevenueRow
	for _, code := range Currencies(rows) {
		var s [3]sum
		for i := range s {
			var err error
			if s[i], err = zero(code); err != nil {
				return nil, err
			}
		}
		for _, r := range rows {
			if r.Currency == code {
				if err := errors.Join(s[0].add(r.Net, code), s[1].add(r.Gross, code), s[2].add(r.Received, code)); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, RevenueRow{Currency: code, Net: s[0].String(), Gross: s[1].String(), Received: s[2].String()})
	}
	return out, nil
}
