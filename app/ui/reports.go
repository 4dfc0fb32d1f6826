package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// reportKinds are the reports the screen offers, in its choice's order.
var reportKinds = []struct{ kind, title string }{
	{app.ReportAging, "Aged receivables"},
	{app.ReportTax, "Tax summary"},
	{app.ReportRevenue, "Revenue per month"},
}

// periods are the ready-made periods of the tax and revenue reports.
var periods = []string{"This month", "Last month", "This quarter", "Last quarter", "This year", "Last year", "Last 12 months"}

// periodDates is the first and last day of a ready-made period around
// today.
func periodDates(name string, today time.Time) (from, to time.Time) {
	y, m := today.Year(), today.Month()
	month := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	q := month(y, m-(m-1)%3) // the first month of this quarter
	switch name {
	case "Last month":
		return month(y, m-1), month(y, m).AddDate(0, 0, -1)
	case "This quarter":
		return q, q.AddDate(0, 3, -1)
	case "Last quarter":
		return q.AddDate(0, -3, 0), q.AddDate(0, 0, -1)
	case "This year":
		return month(y, 1), month(y+1, 1).AddDate(0, 0, -1)
	case "Last year":
		return month(y-1, 1), month(y, 1).AddDate(0, 0, -1)
	case "Last 12 months":
		return month(y, m-11), month(y, m+1).AddDate(0, 0, -1)
	}
	return month(y, m), month(y, m+1).AddDate(0, 0, -1)
}

// dateField is a date typed as YYYY-MM-DD, or picked from a calendar.
type dateField struct {
	entry *entry
	label string
	box   fyne.CanvasObject
}

func newDateField(u *UI, label string) *dateField {
	d := &dateField{entry: u.newEntry(), label: label}
	d.entry.SetPlaceHolder("YYYY-MM-DD")
	d.entry.Validator = func(s string) error { _, err := invoice.ParseDate(strings.TrimSpace(s)); return err }
	var pick *widget.Button
	pick = widget.NewButtonWithIcon("", theme.CalendarIcon(), func() {
		start := u.now()
		if t, err := invoice.ParseDate(d.text()); err == nil {
			start = t
		}
		var pop *widget.PopUp
		cal := widget.NewCalendar(start, func(t time.Time) {
			d.entry.SetText(t.Format(invoice.DateLayout))
			pop.Hide()
		})
		c := fyne.CurrentApp().Driver().CanvasForObject(pick)
		pop = widget.NewPopUp(cal, c)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(pick)
		pop.ShowAtPosition(pos.Add(fyne.NewPos(0, pick.Size().Height)))
	})
	d.box = container.NewBorder(nil, nil, widget.NewLabel(label), pick, container.NewGridWrap(fyne.NewSize(130, d.entry.MinSize().Height), d.entry))
	return d
}

func (d *dateField) text() string    { return strings.TrimSpace(d.entry.Text) }
func (d *dateField) set(t time.Time) { d.entry.SetText(t.Format(invoice.DateLayout)) }

// reportTable is the report's table with headings that sort it: a tap
// sorts by that column, a second tap the other way round. Total rows stay
// at the bottom, in their order.
type reportTable struct {
	table  *widget.Table
	cols   []app.ReportColumn
	rows   []app.ReportRow // the body, in the order shown
	totals []app.ReportRow
	sortBy int // the column sorted by, or -1 for the report's order
	desc   bool
	plain  []app.ReportRow // the body in the report's order
}

func newReportTable(u *UI) *reportTable {
	t := &reportTable{sortBy: -1}
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(t.rows) + len(t.totals), len(t.cols) },
		func() fyne.CanvasObject {
			lb := widget.NewLabel("")
			lb.Truncation = fyne.TextTruncateEllipsis
			return lb
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			lb := o.(*widget.Label)
			r, ok := t.row(id.Row)
			if !ok || id.Col >= len(t.cols) {
				lb.SetText("")
				return
			}
			lb.TextStyle.Bold = r.Total
			lb.Alignment = fyne.TextAlignLeading
			v := r.Cells[id.Col]
			if t.cols[id.Col].Amount {
				v, lb.Alignment = formatAmount(v, r.Currency), fyne.TextAlignTrailing
			}
			lb.SetText(v)
		})
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		return b
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 || id.Col >= len(t.cols) {
			b.SetText("")
			return
		}
		title := t.cols[id.Col].Title
		switch {
		case id.Col == t.sortBy && t.desc:
			title += " ▼"
		case id.Col == t.sortBy:
			title += " ▲"
		}
		b.SetText(title)
		col := id.Col
		b.OnTapped = func() {
			u.touch()
			t.sort(col)
		}
	}
	t.table.OnSelected = func(widget.TableCellID) { t.table.UnselectAll() }
	return t
}

func (t *reportTable) row(i int) (app.ReportRow, bool) {
	switch {
	case i < len(t.rows):
		return t.rows[i], true
	case i-len(t.rows) < len(t.totals):
		return t.totals[i-len(t.rows)], true
	}
	return app.ReportRow{}, false
}

// set shows a report's table, kept sorted as the user chose while the
// columns are the same.
func (t *reportTable) set(cols []app.ReportColumn, rows []app.ReportRow) {
	if !slices.Equal(cols, t.cols) {
		t.sortBy, t.desc = -1, false
	}
	t.cols, t.plain, t.totals = cols, nil, nil
	for _, r := range rows {
		if r.Total {
			t.totals = append(t.totals, r)
		} else {
			t.plain = append(t.plain, r)
		}
	}
	for i, c := range cols {
		t.table.SetColumnWidth(i, float32(c.Size)*37)
	}
	t.apply()
}

// sort sorts by col, or the other way round when it is sorted by col.
func (t *reportTable) sort(col int) {
	if t.sortBy == col {
		t.desc = !t.desc
	} else {
		t.sortBy, t.desc = col, false
	}
	t.apply()
}

func (t *reportTable) apply() {
	t.rows = slices.Clone(t.plain)
	if c := t.sortBy; c >= 0 && c < len(t.cols) {
		amount := t.cols[c].Amount
		slices.SortStableFunc(t.rows, func(a, b app.ReportRow) int {
			var r int
			if amount {
				r = strings.Compare(a.Currency, b.Currency) // amounts of one currency only
				if r == 0 {
					r = invoice.CompareDecimal(a.Cells[c], b.Cells[c])
				}
			} else {
				r = strings.Compare(invoice.Fold(a.Cells[c]), invoice.Fold(b.Cells[c]))
			}
			if t.desc {
				return -r
			}
			return r
		})
	}
	t.table.Refresh()
}

func buildReports(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	today := u.now()
	kind := widget.NewSelect(nil, nil)
	for _, k := range reportKinds {
		kind.Options = append(kind.Options, k.title)
	}
	asOf, from, to := newDateField(u, "As of"), newDateField(u, "From"), newDateField(u, "To")
	asOf.set(today)
	f, t := periodDates("This year", today)
	from.set(f)
	to.set(t)
	var run func()
	quiet := false // both dates of a period change, one report runs
	period := widget.NewSelect(periods, func(p string) {
		f, t := periodDates(p, u.now())
		quiet = true
		from.set(f)
		to.set(t)
		quiet = false
		run()
	})
	period.PlaceHolder = "Period…"
	status := widget.NewLabel("")
	table := newReportTable(u)
	chart := newBarChart(app.Chart{})
	chartInfo := wrapLabel("")
	chartInfo.SizeName = theme.SizeNameCaptionText
	chartCurrency := widget.NewSelect(nil, nil)
	var report app.Report
	chartHint := "Point at a bar for its figures."
	chart.OnHover = func(text string) {
		if text == "" {
			text = chartHint
		}
		chartInfo.SetText(text)
	}
	chartCurrency.OnChanged = func(code string) {
		for _, c := range report.Charts {
			if c.Currency == code {
				chart.SetChart(c)
			}
		}
	}
	chartBox := container.NewBorder(nil, chartInfo, nil, nil, chart)
	split := container.NewVSplit(chartBox, table.table)
	split.Offset = 0.42

	selectedKind := func() string { return reportKinds[max(0, kind.SelectedIndex())].kind }
	query := func() app.ReportQuery {
		q := app.ReportQuery{Kind: selectedKind()}
		if q.Kind == app.ReportAging {
			q.AsOf = asOf.text()
		} else {
			q.From, q.To = from.text(), to.text()
		}
		return q
	}
	var exports []*widget.Button
	// blank leaves nothing on the screen, and nothing to export, that
	// belongs to another period than the one the fields show.
	blank := func(msg string) {
		status.Importance = widget.DangerImportance
		status.SetText(msg)
		report = app.Report{}
		table.set(table.cols, nil)
		chartCurrency.Hidden = true
		chartBox.Hidden = true
		for _, b := range exports {
			b.Disable()
		}
		split.Refresh()
	}
	gen := 0
	run = func() {
		gen++
		mine, q := gen, query()
		status.SetText("Working…")
		var r app.Report
		var cols []app.ReportColumn
		var rows []app.ReportRow
		var empty string
		u.background(func() error {
			var err error
			if r, err = s.Report(q); err != nil {
				return err
			}
			cols, rows, empty, err = r.Table()
			return err
		}, func(err error) {
			if mine != gen {
				return
			}
			// A period the wrong way round is said where the dates are,
			// not in a dialog that would interrupt the typing.
			status.Importance = widget.MediumImportance
			if err != nil {
				blank(sentence(plainError(err)))
				return
			}
			report = r
			for _, b := range exports {
				b.Enable()
			}
			table.set(cols, rows)
			switch {
			case len(rows) == 0:
				status.SetText(empty)
			default:
				status.SetText(r.Period() + " · " + plural(len(table.plain), "row") + ". Tap a heading to sort.")
			}
			var codes []string
			for _, c := range r.Charts {
				codes = append(codes, c.Currency)
			}
			chartCurrency.Options = codes
			chartCurrency.Hidden = len(codes) < 2
			chartBox.Hidden = len(codes) == 0
			if len(codes) > 0 {
				chartCurrency.Selected = codes[0] // not SetSelected: draw once, here
				chartCurrency.Refresh()
				chart.SetChart(r.Charts[0])
				chartInfo.SetText(chartHint)
			}
			split.Refresh()
		})
	}
	dates := container.NewHBox(asOf.box)
	kind.OnChanged = func(string) {
		u.fyneApp.Preferences().SetString(prefLastReport, selectedKind())
		if kind.SelectedIndex() == 0 {
			dates.Objects = []fyne.CanvasObject{asOf.box}
		} else {
			dates.Objects = []fyne.CanvasObject{from.box, to.box, period}
		}
		dates.Refresh()
		run()
	}
	for _, d := range []*dateField{asOf, from, to} {
		d.entry.OnChanged = func(string) {
			if quiet {
				return
			}
			if d.entry.Validate() != nil {
				gen++ // a report still running is for the date before
				blank(d.label + ": enter a calendar day as YYYY-MM-DD.")
				return
			}
			run()
		}
	}

	export := func(ext string) {
		if report.Kind == "" {
			return
		}
		r := report
		u.saveDialog(r.FileName()+"."+ext, func(path string) {
			u.background(func() error {
				if ext == "pdf" {
					return s.WriteReportPDF(path, r)
				}
				return s.WriteReportCSV(path, r)
			}, func(err error) {
				if err != nil {
					u.showError(err)
					return
				}
				u.showInfo("Report saved", fmt.Sprintf("Wrote the %s to %s.", strings.ToLower(r.Title()), path))
			})
		})
	}
	var actions []fyne.CanvasObject
	if u.can(auth.PermExportCSV) {
		exports = append(exports, u.button("Export CSV…", theme.DocumentSaveIcon(), func() { export("csv") }))
	}
	if u.can(auth.PermExportPDF) {
		exports = append(exports, u.button("Export PDF…", theme.DocumentPrintIcon(), func() { export("pdf") }))
	}
	for _, b := range exports {
		actions = append(actions, b)
	}
	top := container.NewVBox(container.NewHBox(container.NewGridWrap(fyne.NewSize(210, kind.MinSize().Height), kind), dates,
		layout.NewSpacer(), chartCurrency), status)
	// The report last looked at, the aged receivables at first; selecting
	// it runs it.
	lastKind := u.fyneApp.Preferences().String(prefLastReport)
	last := slices.IndexFunc(reportKinds, func(k struct{ kind, title string }) bool { return k.kind == lastKind })
	kind.SetSelectedIndex(max(0, last))
	return page("Reports", actions, container.NewBorder(top, nil, nil, nil, split))
}
