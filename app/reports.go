package app

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"

	"safeinvoice/app/internal/search"
	"safeinvoice/auth"
	"safeinvoice/interchange"
	"safeinvoice/internal/fsutil"
	"safeinvoice/reports"
	"safeinvoice/storage"
)

// The reports (package reports) come from one pass over the invoice index:
// every figure is in the summaries, so no invoice is opened.

// The rows of the reports.
type (
	AgingRow   = reports.AgingRow
	TaxRow     = reports.TaxRow
	RevenueRow = reports.RevenueRow
)

// reportEntries is what the reports read of every document in the index,
// one at a time: the entry yielded (and its slices) is reused for the next
// document, so a pass allocates nothing per document.
func (s *Session) reportEntries() (iter.Seq[*reports.Entry], error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return nil, err
	}
	x, err := s.index()
	if err != nil {
		return nil, err
	}
	return func(yield func(*reports.Entry) bool) {
		var e reports.Entry
		_ = x.Each(func(d *search.Doc, client string) error { // only errStop
			e = reports.Entry{Number: d.Number, ClientID: d.ClientID, Client: client, Kind: d.Kind, Status: d.Status,
				Currency: d.Currency, IssueDate: d.IssueDate, DueDate: d.DueDate, Net: d.Net, Total: d.Total,
				Rates: e.Rates[:0], Payments: dated(e.Payments[:0], d.Payments), Credits: dated(e.Credits[:0], d.Credits)}
			for _, r := range d.Rates {
				e.Rates = append(e.Rates, reports.Rate{Category: r.Category, Rate: r.Rate, Net: r.Net, Tax: r.Tax})
			}
			if !yield(&e) {
				return errStop
			}
			return nil
		})
	}, nil
}

// dated appends ps to buf.
func dated(buf []reports.Dated, ps []storage.PaymentSummary) []reports.Dated {
	for _, p := range ps {
		buf = append(buf, reports.Dated{Date: p.Date, Amount: p.Amount})
	}
	return buf
}

// AgingReport is the aged receivables as of asOf ("" is today).
func (s *Session) AgingReport(asOf string) ([]AgingRow, error) {
	day, err := s.asOfDate(asOf, false)
	if err != nil {
		return nil, err
	}
	entries, err := s.reportEntries()
	if err != nil {
		return nil, err
	}
	return reports.Aging(entries, day.Format("2006-01-02"))
}

// TaxReport is the tax summary of the documents issued from from to to.
func (s *Session) TaxReport(from, to string) ([]TaxRow, error) {
	entries, err := s.reportEntries()
	if err != nil {
		return nil, err
	}
	return reports.Tax(entries, from, to)
}

// RevenueReport is the revenue per month from from to to.
func (s *Session) RevenueReport(from, to string) ([]RevenueRow, error) {
	entries, err := s.reportEntries()
	if err != nil {
		return nil, err
	}
	return reports.Revenue(entries, from, to)
}

// The CSV columns of the reports, in order.
var (
	AgingColumns   = []string{"client", "currency", "current", "1-30", "31-60", "61-90", "over-90", "total"}
	TaxColumns     = []string{"currency", "tax_category", "tax_rate", "net", "tax"}
	RevenueColumns = []string{"month", "currency", "invoiced_net", "invoiced_gross", "received"}
)

// ReportCSV writes rows (AgingRow, TaxRow or RevenueRow values) as CSV to
// w: a byte-order mark, the report's columns, one row each, text cells
// neutralised (interchange.Neutralize). The aging report's currency totals
// have the client "TOTAL".
func ReportCSV(w io.Writer, rows any) error {
	if _, err := w.Write(interchange.BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	write := func(cells ...string) {
		for i := range cells {
			cells[i] = interchange.Neutralize(cells[i])
		}
		_ = cw.Write(cells) // the error stays in cw, read at the end
	}
	switch rs := rows.(type) {
	case []AgingRow:
		write(AgingColumns...)
		for _, r := range rs {
			client := r.Client
			if r.ClientID == "" {
				client = "TOTAL"
			}
			write(append([]string{client, r.Currency}, append(r.Buckets[:], r.Total)...)...)
		}
	case []TaxRow:
		write(TaxColumns...)
		for _, r := range rs {
			write(r.Currency, r.Category, r.Rate, r.Net, r.Tax)
		}
	case []RevenueRow:
		write(RevenueColumns...)
		for _, r := range rs {
			write(r.Month, r.Currency, r.Net, r.Gross, r.Received)
		}
	default:
		return fmt.Errorf("not a report: %T", rows)
	}
	cw.Flush()
	return cw.Error()
}

// WriteReportCSV is ReportCSV into the file at path, written atomically
// and never over a file (exports need PermExportCSV), audited.
func (s *Session) WriteReportCSV(path, report string, rows any) error {
	if err := s.require(auth.PermExportCSV); err != nil {
		return err
	}
	if err := fsutil.WriteFile(path, 0o600, true, func(w io.Writer) error { return ReportCSV(w, rows) }); err != nil {
		return err
	}
	return s.update(func(tx *storage.Tx) error { return tx.Audit("export.report", path, report+" report as CSV") })
}
