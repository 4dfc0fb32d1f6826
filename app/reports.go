package app

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"safeinvoice/app/internal/search"
	"safeinvoice/auth"
	"safeinvoice/interchange"
	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
	"safeinvoice/pdf"
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
// document, so a pass allocates nothing per document. Entries carry no
// client name (looking one up per document would be most of the cost):
// the aging report looks them up once per row (search.Index.ClientName).
func (s *Session) reportEntries() (iter.Seq[*reports.Entry], *search.Index, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return nil, nil, err
	}
	x, err := s.index()
	if err != nil {
		return nil, nil, err
	}
	return func(yield func(*reports.Entry) bool) {
		var e reports.Entry
		_ = x.Each(func(d *search.Doc) error { // only errStop
			e = reports.Entry{Number: d.Number, ClientID: d.ClientID, Kind: d.Kind, Status: d.Status,
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
	}, x, nil
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
	entries, x, err := s.reportEntries()
	if err != nil {
		return nil, err
	}
	return reports.Aging(entries, day.Format("2006-01-02"), x.ClientName)
}

// TaxReport is the tax summary of the documents issued from from to to.
func (s *Session) TaxReport(from, to string) ([]TaxRow, error) {
	entries, _, err := s.reportEntries()
	if err != nil {
		return nil, err
	}
	return reports.Tax(entries, from, to)
}

// RevenueReport is the revenue per month from from to to.
func (s *Session) RevenueReport(from, to string) ([]RevenueRow, error) {
	entries, _, err := s.reportEntries()
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

// The reports, by name: ReportQuery.Kind and Report.Kind.
const (
	ReportAging   = "aging"
	ReportTax     = "tax"
	ReportRevenue = "revenue"
)

// ErrReportKind is a report name that is none of ReportAging, ReportTax
// and ReportRevenue.
var ErrReportKind = errors.New("unknown report")

// ReportQuery asks for one report: the aging report as of AsOf ("" is
// today), the tax and revenue reports of From to To (inclusive).
type ReportQuery struct {
	Kind           string
	AsOf, From, To string
}

// Report is one report made: its query (AsOf resolved to a date), its
// rows (in the field of its kind) and its charts.
type Report struct {
	ReportQuery
	Aging   []AgingRow
	Tax     []TaxRow
	Revenue []RevenueRow
	// Charts are the aging buckets or the revenue per month, one per
	// currency; the tax report has none.
	Charts []Chart
}

// Chart is a bar chart of a report (see reports.Chart).
type Chart = reports.Chart

// maxChartMonths is the most months a revenue chart shows: the last ones
// of a longer period.
const maxChartMonths = 24

// Report makes the report q asks for, from one pass over the index.
func (s *Session) Report(q ReportQuery) (Report, error) {
	r := Report{ReportQuery: q}
	var err error
	switch q.Kind {
	case ReportAging:
		day, derr := s.asOfDate(q.AsOf, false)
		if derr != nil {
			return r, derr
		}
		r.AsOf = day.Format("2006-01-02")
		if r.Aging, err = s.AgingReport(r.AsOf); err != nil {
			return r, err
		}
		for _, code := range reports.Currencies(r.Aging) {
			c, err := reports.AgingChart(r.Aging, code)
			if err != nil {
				return r, err
			}
			r.Charts = append(r.Charts, c)
		}
	case ReportTax:
		r.Tax, err = s.TaxReport(q.From, q.To)
	case ReportRevenue:
		if r.Revenue, err = s.RevenueReport(q.From, q.To); err != nil {
			return r, err
		}
		months, err := reports.Months(q.From, q.To)
		if err != nil {
			return r, err
		}
		months = months[max(0, len(months)-maxChartMonths):]
		for _, code := range reports.Currencies(r.Revenue) {
			c, err := reports.RevenueChart(r.Revenue, code, months)
			if err != nil {
				return r, err
			}
			r.Charts = append(r.Charts, c)
		}
	default:
		return r, fmt.Errorf("%w %q: aging, tax or revenue", ErrReportKind, q.Kind)
	}
	if err != nil {
		return r, err
	}
	// The business's own currency first.
	st, err := s.Settings()
	slices.SortStableFunc(r.Charts, func(a, b Chart) int { return boolFirst(a.Currency == st.Currency, b.Currency == st.Currency) })
	return r, err
}

// Rows is the report's rows: []AgingRow, []TaxRow or []RevenueRow.
func (r Report) Rows() any {
	switch r.Kind {
	case ReportAging:
		return r.Aging
	case ReportTax:
		return r.Tax
	}
	return r.Revenue
}

// Len is the number of rows.
func (r Report) Len() int { return len(r.Aging) + len(r.Tax) + len(r.Revenue) }

// Title is the report's name: "Aged receivables", "Tax summary",
// "Revenue per month".
func (r Report) Title() string {
	switch r.Kind {
	case ReportAging:
		return "Aged receivables"
	case ReportTax:
		return "Tax summary"
	}
	return "Revenue per month"
}

// Period is what the report covers: "As of 2026-11-30" or "2026-01-01 to
// 2026-12-31".
func (r Report) Period() string {
	if r.Kind == ReportAging {
		return "As of " + r.AsOf
	}
	return r.From + " to " + r.To
}

// FileName is the report's suggested file name without extension:
// "aging-2026-11-30", "tax-2026-01-01-to-2026-12-31".
func (r Report) FileName() string {
	if r.Kind == ReportAging {
		return r.Kind + "-" + r.AsOf
	}
	return r.Kind + "-" + r.From + "-to-" + r.To
}

// WriteReportCSV is ReportCSV of the report into the file at path,
// written atomically and never over a file (exports need PermExportCSV),
// audited.
func (s *Session) WriteReportCSV(path string, r Report) error {
	if err := s.require(auth.PermExportCSV); err != nil {
		return err
	}
	if err := fsutil.WriteFile(path, 0o600, true, func(w io.Writer) error { return ReportCSV(w, r.Rows()) }); err != nil {
		return err
	}
	return s.update(func(tx *storage.Tx) error { return tx.Audit("export.report", path, r.Kind+" report as CSV") })
}

// ReportColumn and ReportRow are a report's table as people read it, in
// the window and in the PDF.
type (
	ReportColumn = pdf.ReportColumn
	ReportRow    = pdf.ReportRow
)

// Table is the report's table as the window shows it and the PDF prints
// it: the CSV's columns headed for people, the rows, and total rows
// (Total) per currency: the aging report's currency totals, the tax and
// revenue reports' sums over the period. Empty is what to say when there
// are no rows.
func (r Report) Table() (cols []ReportColumn, rows []ReportRow, empty string, err error) {
	doc, err := r.document()
	return doc.Columns, doc.Rows, doc.Empty, err
}

// document is the report as the PDF prints it.
func (r Report) document() (pdf.Report, error) {
	doc := pdf.Report{Title: r.Title(), Period: r.Period(), Charts: r.Charts}
	money := func(title string, size int) pdf.ReportColumn {
		return pdf.ReportColumn{Title: title, Size: size, Amount: true}
	}
	switch r.Kind {
	case ReportAging:
		doc.Empty = "Nothing is owed as of " + r.AsOf + "."
		doc.Columns = []pdf.ReportColumn{{Title: "Client", Size: 4}, {Title: "Currency", Size: 2}}
		for _, t := range []string{"Current", "1–30", "31–60", "61–90", "Over 90"} {
			doc.Columns = append(doc.Columns, money(t, 3))
		}
		doc.Columns[len(doc.Columns)-1].Size = 3
		doc.Columns = append(doc.Columns, money("Total", 3))
		for _, a := range r.Aging {
			row := pdf.ReportRow{Currency: a.Currency, Cells: append([]string{a.Client, a.Currency}, append(a.Buckets[:], a.Total)...)}
			if a.ClientID == "" {
				row.Cells[0], row.Total = "Total", true
			}
			doc.Rows = append(doc.Rows, row)
		}
	case ReportTax:
		doc.Empty = "Nothing was issued from " + r.From + " to " + r.To + "."
		doc.Columns = []pdf.ReportColumn{{Title: "Currency", Size: 3}, {Title: "VAT category", Size: 7}, {Title: "Rate", Size: 3},
			money("Taxable net", 6), money("Tax", 5)}
		totals, err := reports.TaxTotals(r.Tax)
		if err != nil {
			return doc, err
		}
		for i, t := range r.Tax {
			category := "none given"
			if t.Category != "" {
				category = strings.TrimSpace(t.Category + " " + invoice.CategoryName(t.Category))
			}
			doc.Rows = append(doc.Rows, pdf.ReportRow{Currency: t.Currency, Cells: []string{t.Currency, category, t.Rate + "%", t.Net, t.Tax}})
			if i == len(r.Tax)-1 || r.Tax[i+1].Currency != t.Currency {
				for _, tt := range totals {
					if tt.Currency == t.Currency {
						doc.Rows = append(doc.Rows, pdf.ReportRow{Currency: tt.Currency, Cells: []string{tt.Currency, "Total", "", tt.Net, tt.Tax}, Total: true})
					}
				}
			}
		}
	default:
		doc.Empty = "Nothing was invoiced or received from " + r.From + " to " + r.To + "."
		doc.Columns = []pdf.ReportColumn{{Title: "Month", Size: 4}, {Title: "Currency", Size: 3},
			money("Invoiced net", 6), money("Invoiced gross", 6), money("Received", 5)}
		totals, err := reports.RevenueTotals(r.Revenue)
		if err != nil {
			return doc, err
		}
		for _, v := range r.Revenue {
			doc.Rows = append(doc.Rows, pdf.ReportRow{Currency: v.Currency, Cells: []string{v.Month, v.Currency, v.Net, v.Gross, v.Received}})
		}
		for _, v := range totals {
			doc.Rows = append(doc.Rows, pdf.ReportRow{Currency: v.Currency, Cells: []string{"Total", v.Currency, v.Net, v.Gross, v.Received}, Total: true})
		}
	}
	return doc, nil
}

// ReportPDF is the report as a PDF, in the business's name and the
// invoices' style, with its charts (exports need PermExportPDF).
func (s *Session) ReportPDF(r Report) ([]byte, error) {
	if err := s.require(auth.PermExportPDF); err != nil {
		return nil, err
	}
	st, err := s.Settings()
	if err != nil {
		return nil, err
	}
	seller, opts := pdfSetup(st, s.cfg.now())
	opts.Logo, opts.Note = nil, ""
	rd, err := pdf.NewRenderer(seller, opts)
	if err != nil {
		return nil, err
	}
	doc, err := r.document()
	if err != nil {
		return nil, err
	}
	return rd.RenderReport(doc)
}

// WriteReportPDF is ReportPDF into the file at path, written atomically
// and never over a file, audited.
func (s *Session) WriteReportPDF(path string, r Report) error {
	b, err := s.ReportPDF(r)
	if err != nil {
		return err
	}
	if err := fsutil.WriteFile(path, 0o600, true, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return err
	}
	return s.update(func(tx *storage.Tx) error { return tx.Audit("export.report", path, r.Kind+" report as PDF") })
}

// DashboardCharts are the dashboard's two charts in one currency: revenue
// per month over the last 12 (this month included), invoiced against
// received, and today's open balance per aging bucket.
type DashboardCharts struct {
	Currency       string
	Revenue, Aging Chart
}

// DashboardCharts are the dashboard's charts, one set per currency the
// books have anything in (the business's default currency first, then by
// code), from two passes over the index.
func (s *Session) DashboardCharts() ([]DashboardCharts, error) {
	entries, _, err := s.reportEntries()
	if err != nil {
		return nil, err
	}
	st, err := s.Settings()
	if err != nil {
		return nil, err
	}
	today := s.cfg.now()
	first := time.Date(today.Year(), today.Month()-11, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	day := today.Format("2006-01-02")
	revenue, err := reports.Revenue(entries, first, day)
	if err != nil {
		return nil, err
	}
	aging, err := reports.AgingTotals(entries, day)
	if err != nil {
		return nil, err
	}
	months, err := reports.Months(first, day)
	if err != nil {
		return nil, err
	}
	codes := reports.Currencies(revenue)
	for _, c := range reports.Currencies(aging) {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	slices.SortFunc(codes, func(a, b string) int {
		return cmp.Or(boolFirst(a == st.Currency, b == st.Currency), cmp.Compare(a, b))
	})
	var out []DashboardCharts
	for _, code := range codes {
		d := DashboardCharts{Currency: code}
		if d.Revenue, err = reports.RevenueChart(revenue, code, months); err != nil {
			return nil, err
		}
		if d.Aging, err = reports.AgingChart(aging, code); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// boolFirst puts true before false.
func boolFirst(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}
