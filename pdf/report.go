package pdf

import (
	"errors"
	"fmt"
	"time"

	"github.com/bojanz/currency"
	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"safeinvoice/reports"
)

// Report is one of the bookkeepers' reports to print: a title, the day
// or period it covers, its charts and its table. The cells are the
// report's own figures; the PDF only writes them in the locale's number
// format.
type Report struct {
	// Title names the report ("Aged receivables"), Period what it covers
	// ("As of 2026-11-30"); both go into the PDF's metadata, so they must
	// hold no client data.
	Title, Period string
	Columns       []ReportColumn
	Rows          []ReportRow
	Charts        []reports.Chart
	// Empty is printed instead of the table when there are no rows.
	Empty string
}

// ReportColumn is a column of a report's table: its heading, its width in
// grid units (all of them together at most 24) and whether it holds
// amounts (right-aligned, written with the locale's separators and the
// row's currency's minor digits).
type ReportColumn struct {
	Title  string
	Size   int
	Amount bool
}

// ReportRow is one row of a report's table; Total rows are shaded.
type ReportRow struct {
	Currency string // of the row's amounts
	Cells    []string
	Total    bool
}

// ErrReport is a report that cannot be laid out: columns too wide, or a
// row that does not fit them.
var ErrReport = errors.New("invalid report")

// title is the report's title as recorded in the PDF's metadata and its
// footer: "Tax summary · 2026-01-01 to 2026-12-31".
func (r Report) title() string {
	if r.Period == "" {
		return r.Title
	}
	return r.Title + " · " + r.Period
}

// RenderReport returns the PDF of a report, in the seller's name and the
// documents' style (fonts, colours, footer and page numbers). For a fixed
// Options.CreationDate and no password the same report gives the same
// bytes.
func (r *Renderer) RenderReport(rep Report) ([]byte, error) {
	opts := r.opts
	if opts.CreationDate.IsZero() {
		opts.CreationDate = time.Now()
	}
	m, err := r.buildReport(rep, opts)
	if err != nil {
		return nil, err
	}
	out, err := m.Generate()
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", rep.Title, err)
	}
	b := fixModDate(out.GetBytes(), opts.CreationDate)
	if opts.Password != "" {
		if b, err = encrypt(b, opts.Password); err != nil {
			return nil, fmt.Errorf("encrypt %s: %w", rep.Title, err)
		}
	}
	return b, nil
}

// reportBuilder lays out one report.
type reportBuilder struct {
	*builder
	rep Report
	// formats are the amount formatters per currency, made on first use.
	formats map[string]*currency.Formatter
}

func (r *Renderer) buildReport(rep Report, opts Options) (core.Maroto, error) {
	width := 0
	for _, c := range rep.Columns {
		if c.Size < 1 {
			return nil, fmt.Errorf("%w: column %q has no width", ErrReport, c.Title)
		}
		width += c.Size
	}
	if width > gridSize {
		return nil, fmt.Errorf("%w: columns %d units wide, at most %d", ErrReport, width, gridSize)
	}
	for i, row := range rep.Rows {
		if len(row.Cells) != len(rep.Columns) {
			return nil, fmt.Errorf("%w: row %d has %d cells for %d columns", ErrReport, i+1, len(row.Cells), len(rep.Columns))
		}
	}
	b := &reportBuilder{builder: &builder{seller: r.seller, opts: opts, c: newPalette()}, rep: rep, formats: map[string]*currency.Formatter{}}
	b.m = maroto.New(docConfig(rep.title(), opts, b.c))
	if err := b.m.RegisterFooter(b.reportFooter()); err != nil {
		return nil, fmt.Errorf("footer: %w", err)
	}
	b.reportHeading()
	// Charts of a few groups (the aging buckets) go two to a row.
	for i := 0; i < len(rep.Charts); i++ {
		c := rep.Charts[i]
		r := row.New(chartHeight)
		if i+1 < len(rep.Charts) && len(c.Groups) <= narrowChartGroups && len(rep.Charts[i+1].Groups) <= narrowChartGroups {
			r.Add(col.New(11).Add(&chart{c: c, pal: b.c}), col.New(2), col.New(11).Add(&chart{c: rep.Charts[i+1], pal: b.c}))
			i++
		} else {
			r.Add(col.New(gridSize).Add(&chart{c: c, pal: b.c}))
		}
		b.m.AddRows(r, row.New(5))
	}
	if err := b.table(); err != nil {
		return nil, err
	}
	return b.m, nil
}

// reportFooter is the invoices' footer with the report's title, and no
// status mark.
func (b *reportBuilder) reportFooter() core.Row {
	return row.New(8).Add(col.New(gridSize).Add(b.footerInfo(b.rep.title(), 140))).WithStyle(b.footerRule())
}

// reportHeading is the seller's name on the left, the report's title,
// period and date of making on the right.
func (b *reportBuilder) reportHeading() {
	right := vstack().add(b.text(b.rep.Title, b.tp(18, align.Right, b.c.accent), 14))
	np := b.tp(11, align.Right, b.c.ink)
	np.Top = 2
	if b.rep.Period != "" {
		right.add(b.text(b.rep.Period, np, 14))
	}
	mp := b.tp(smallSize, align.Right, b.c.muted)
	mp.Top = 1.5
	right.add(text.New("Made "+b.opts.CreationDate.Format("2006-01-02 15:04"), mp))
	left := b.text(oneLine(b.seller.Name), b.tp(15, align.Left, b.c.accent), 10)
	b.m.AddRows(row.New().Add(col.New(10).Add(left), col.New(14).Add(right)))
	b.m.AddRows(row.New(6))
}

// amount writes an amount of the row's currency in the locale's format,
// without the currency (the table has a column for it).
func (b *reportBuilder) amount(v, code string) string {
	f, ok := b.formats[code]
	if !ok {
		n, err := newNumbers(code, b.opts.Locale)
		if err != nil {
			return v
		}
		f = currency.NewFormatter(n.locale)
		f.CurrencyDisplay = currency.DisplayNone
		f.MaxDigits = currency.DefaultDigits
		b.formats[code] = f
	}
	a, err := currency.NewAmount(v, code)
	if err != nil {
		return v
	}
	return f.Format(a)
}

// table is the report's table, its heading repeated on every page.
func (b *reportBuilder) table() error {
	cols := b.rep.Columns
	if len(b.rep.Rows) == 0 {
		p := b.tp(baseSize, align.Left, b.c.muted)
		p.Top = 2
		b.m.AddRows(row.New().Add(col.New(gridSize).Add(text.New(b.rep.Empty, p))))
		return nil
	}
	heads := make([]column, len(cols))
	for i, c := range cols {
		heads[i] = column{title: c.Title, size: c.Size, al: align.Left}
		if c.Amount {
			heads[i].al = align.Right
		}
	}
	if err := b.tableHeader(heads); err != nil {
		return err
	}
	cell, sep := b.tableCell()
	total := &props.Cell{BackgroundColor: b.c.band, BorderType: border.Bottom, BorderColor: b.c.rule, BorderThickness: 0.2}
	for _, rw := range b.rep.Rows {
		r := row.New().WithStyle(sep)
		if rw.Total {
			r = row.New().WithStyle(total)
		}
		for j, c := range cols {
			v := oneLine(rw.Cells[j])
			p := cell
			if c.Amount {
				v, p.Align = b.amount(v, rw.Currency), align.Right
			}
			r.Add(col.New(c.Size).Add(b.text(v, p, c.Size)))
		}
		b.m.AddRows(r)
	}
	if err := b.m.RegisterHeader(); err != nil {
		return fmt.Errorf("table header: %w", err)
	}
	return nil
}
