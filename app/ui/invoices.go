package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// listPage is how many rows one ListInvoices call fetches; the table asks
// only for the rows it shows, so 100,000 invoices scroll as smoothly as 10.
const listPage = 200

// sortChoice is one entry of the sort menu.
type sortChoice struct {
	label string
	key   string
	desc  bool
}

var sortChoices = []sortChoice{
	{"Newest first", "date", false},
	{"Oldest first", "date", true},
	{"Due date", "due", false},
	{"Number", "number", false},
	{"Client", "client", false},
	{"Largest total", "total", true},
	{"Largest balance", "balance", true},
	{"Status", "status", false},
}

type statusChoice struct {
	label  string
	status invoice.Status
}

var statusChoices = []statusChoice{
	{"All statuses", ""},
	{"Draft", invoice.StatusDraft},
	{"Issued", invoice.StatusIssued},
	{"Partly paid", invoice.StatusPartiallyPaid},
	{"Paid", invoice.StatusPaid},
	{"Overdue", invoice.StatusOverdue},
	{"Void", invoice.StatusVoid},
}

var quoteStatusChoices = []statusChoice{
	{"All statuses", ""},
	{"Draft", invoice.StatusDraft},
	{"Sent", invoice.StatusSent},
	{"Accepted", invoice.StatusAccepted},
	{"Declined", invoice.StatusDeclined},
	{"Expired", invoice.StatusExpired},
}

// listKind is what differs between the invoice list and the quote list.
type listKind struct {
	kind     invoice.Kind // the query's: "" for invoices and credit notes
	title    string       // "Invoices"
	noun     string       // "invoice"
	statuses []statusChoice
	// titles replaces column titles by index (the quotes' "Valid until").
	titles map[int]string
}

var (
	invoicesList = listKind{title: "Invoices", noun: "invoice", statuses: statusChoices}
	quotesList   = listKind{kind: invoice.KindQuote, title: "Quotes", noun: "quote", statuses: quoteStatusChoices,
		titles: map[int]string{3: "Date", 4: "Valid until", 7: ""}}
)

// invoiceColumns are the list's columns and their widths.
var invoiceColumns = []struct {
	title string
	width float32
}{
	{"", 36}, {"Number", 120}, {"Client", 170}, {"Issued", 100}, {"Due", 100},
	{"Status", 134}, {"Total", 120}, {"Balance", 120},
}

// invoiceList is the paged invoice list. Pages are fetched on demand,
// off the UI goroutine (the first one after sign-in waits for the index,
// a text search for its word index), and cached until the query changes;
// a row whose page is on its way shows empty and fills in when it comes.
type invoiceList struct {
	sh      *shell
	lk      listKind
	query   app.InvoiceQuery
	pages   map[int][]app.InvoiceRow
	loading map[int]bool // pages being fetched for this query
	gen     int          // the query's generation: reload starts a new one
	matches int
	table   *widget.Table
	count   *widget.Label
	search  *entry
	// selected holds the rows ticked in the first column, by invoice id,
	// until the query changes; selBar says how many and acts on them.
	selected map[string]app.InvoiceRow
	selBar   *fyne.Container
	selCount *widget.Label
	// onLoaded, if set, runs once the first page of a reload is shown.
	onLoaded func()
}

// row returns row i if its page is here, and otherwise starts fetching it.
func (l *invoiceList) row(i int) (app.InvoiceRow, bool) {
	p := i / listPage
	rows, ok := l.pages[p]
	if !ok {
		l.fetchPage(p)
		return app.InvoiceRow{}, false
	}
	if j := i - p*listPage; j < len(rows) {
		return rows[j], true
	}
	return app.InvoiceRow{}, false
}

// fetchPage fetches page p of the current query unless it is on its way.
func (l *invoiceList) fetchPage(p int) {
	if l.loading[p] {
		return
	}
	l.loading[p] = true
	gen, q := l.gen, l.query
	q.Offset, q.Limit = p*listPage, listPage
	fetch(l.sh.u, func() (app.InvoicePage, error) { return l.sh.s.ListInvoices(q) }, func(page app.InvoicePage, err error) {
		if gen != l.gen {
			return // the query changed meanwhile
		}
		delete(l.loading, p)
		if err != nil {
			l.sh.u.showError(err)
			return
		}
		l.pages[p] = page.Rows
		l.table.Refresh()
	})
}

// reload runs the query again from the first page, off the UI goroutine;
// the count says "Loading…" until it is back.
func (l *invoiceList) reload() {
	l.gen++
	gen, q := l.gen, l.query
	l.pages, l.loading = map[int][]app.InvoiceRow{}, map[int]bool{0: true}
	l.count.SetText("Loading…")
	q.Limit = listPage
	fetch(l.sh.u, func() (app.InvoicePage, error) { return l.sh.s.ListInvoices(q) }, func(page app.InvoicePage, err error) {
		if gen != l.gen {
			return
		}
		delete(l.loading, 0)
		if err != nil {
			l.sh.u.showError(err)
			l.matches = 0
		} else {
			l.pages[0], l.matches = page.Rows, page.Matches
		}
		l.showCount()
		l.clearSelection()
		l.table.UnselectAll()
		l.table.ScrollToTop()
		l.table.Refresh()
		if l.onLoaded != nil {
			l.onLoaded()
		}
	})
}

func (l *invoiceList) showCount() {
	switch l.matches {
	case 0:
		if l.query.Text != "" || l.query.Status != "" {
			l.count.SetText("No " + l.lk.noun + "s match.")
		} else {
			l.count.SetText("No " + l.lk.noun + "s yet.")
		}
	case 1:
		l.count.SetText("1 " + l.lk.noun)
	default:
		l.count.SetText(fmt.Sprintf("%s %ss", groupThousands(l.matches), l.lk.noun))
	}
}

func groupThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// cell is the text of column col (1 on: column 0 is the tick box).
func (l *invoiceList) cell(r app.InvoiceRow, col int) (string, fyne.TextAlign, widget.Importance) {
	switch col {
	case 1:
		if r.Number == "" {
			return "(draft)", fyne.TextAlignLeading, widget.LowImportance
		}
		return r.Number, fyne.TextAlignLeading, widget.MediumImportance
	case 2:
		return r.ClientName, fyne.TextAlignLeading, widget.MediumImportance
	case 3:
		return r.IssueDate, fyne.TextAlignLeading, widget.MediumImportance
	case 4:
		return r.DueDate, fyne.TextAlignLeading, widget.MediumImportance
	case 5:
		imp := widget.MediumImportance
		switch r.Status {
		case invoice.StatusOverdue:
			imp = widget.DangerImportance
		case invoice.StatusPaid:
			imp = widget.SuccessImportance
		case invoice.StatusDraft, invoice.StatusVoid:
			imp = widget.LowImportance
		}
		word := statusWord(r.Status)
		if r.Kind == invoice.KindCreditNote {
			word += " (credit)"
		}
		if r.Sent != "" {
			word += " · sent " + r.Sent[5:] // MM-DD
		}
		return word, fyne.TextAlignLeading, imp
	case 6:
		return formatAmount(r.Total, r.Currency), fyne.TextAlignTrailing, widget.MediumImportance
	case 7:
		if r.Kind == invoice.KindQuote {
			return "", fyne.TextAlignTrailing, widget.MediumImportance // a quote owes nothing
		}
		return formatAmount(r.Balance, r.Currency), fyne.TextAlignTrailing, widget.MediumImportance
	}
	return "", fyne.TextAlignLeading, widget.MediumImportance
}

// toggle ticks or unticks row i.
func (l *invoiceList) toggle(i int) {
	r, ok := l.row(i)
	if !ok {
		return
	}
	if _, on := l.selected[r.ID]; on {
		delete(l.selected, r.ID)
	} else {
		l.selected[r.ID] = r
	}
	l.showSelection()
	l.table.Refresh()
}

func (l *invoiceList) clearSelection() {
	l.selected = map[string]app.InvoiceRow{}
	l.showSelection()
}

func (l *invoiceList) showSelection() {
	if l.selBar == nil {
		return
	}
	if len(l.selected) == 0 {
		l.selCount.SetText("")
		l.selBar.Hide()
		return
	}
	l.selCount.SetText(plural(len(l.selected), l.lk.noun) + " selected")
	l.selBar.Show()
}

// selection is the ticked rows in number order, drafts last.
func (l *invoiceList) selection() []app.InvoiceRow {
	rows := make([]app.InvoiceRow, 0, len(l.selected))
	for _, r := range l.selected {
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if (rows[i].Number == "") != (rows[j].Number == "") {
			return rows[j].Number == ""
		}
		if rows[i].Number != rows[j].Number {
			return rows[i].Number < rows[j].Number
		}
		return rows[i].ID < rows[j].ID
	})
	return rows
}

func buildInvoices(sh *shell) fyne.CanvasObject { return buildList(sh, invoicesList) }

func buildQuotes(sh *shell) fyne.CanvasObject { return buildList(sh, quotesList) }

// buildList is the invoice list or the quote list.
func buildList(sh *shell, lk listKind) fyne.CanvasObject {
	u := sh.u
	l := &invoiceList{sh: sh, lk: lk, pages: map[int][]app.InvoiceRow{}, loading: map[int]bool{}, count: widget.NewLabel("")}
	l.query.Kind = lk.kind
	l.table = widget.NewTableWithHeaders(
		func() (int, int) { return l.matches, len(invoiceColumns) },
		func() fyne.CanvasObject {
			lb := widget.NewLabel("INV-2026-00000")
			lb.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(lb, widget.NewIcon(nil))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			objs := o.(*fyne.Container).Objects
			lb, tick := objs[0].(*widget.Label), objs[1].(*widget.Icon)
			r, ok := l.row(id.Row)
			if id.Col == 0 {
				lb.Hide()
				tick.Show()
				switch _, on := l.selected[r.ID]; {
				case !ok:
					tick.SetResource(nil)
				case on:
					tick.SetResource(theme.CheckButtonCheckedIcon())
				default:
					tick.SetResource(theme.CheckButtonIcon())
				}
				return
			}
			tick.Hide()
			lb.Show()
			if !ok {
				lb.SetText("")
				return
			}
			text, align, imp := l.cell(r, id.Col)
			lb.Alignment, lb.Importance = align, imp
			lb.SetText(text)
		})
	l.table.ShowHeaderColumn = false
	l.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	l.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		lb := o.(*widget.Label)
		if id.Col >= 0 && id.Col < len(invoiceColumns) {
			title := invoiceColumns[id.Col].title
			if t, ok := lk.titles[id.Col]; ok {
				title = t
			}
			lb.SetText(title)
			lb.Alignment = fyne.TextAlignLeading
			if id.Col >= 6 {
				lb.Alignment = fyne.TextAlignTrailing
			}
		}
	}
	for i, c := range invoiceColumns {
		l.table.SetColumnWidth(i, c.width)
	}
	// A tap on the tick box selects the row; anywhere else it opens.
	l.table.OnSelected = func(id widget.TableCellID) {
		u.touch()
		l.table.UnselectAll()
		if id.Col == 0 {
			l.toggle(id.Row)
			return
		}
		if r, ok := l.row(id.Row); ok {
			openInvoice(sh, r.ID)
		}
	}
	l.selCount = widget.NewLabel("")
	selActions := []fyne.CanvasObject{l.selCount}
	if u.can(auth.PermExportPDF) {
		selActions = append(selActions, u.button("Send…", theme.MailSendIcon(), func() { sendSelected(sh, l.selection(), l.reload) }))
	}
	selActions = append(selActions, u.button("Clear selection", theme.CancelIcon(), func() {
		l.clearSelection()
		l.table.Refresh()
	}))
	l.selBar = container.NewHBox(selActions...)
	l.clearSelection()

	l.search = u.newEntry()
	l.search.list = l
	l.search.SetPlaceHolder("Search number, client, text…  (Ctrl+F)")
	l.search.OnChanged = func(text string) {
		l.query.Text = text
		l.reload()
	}
	// Enter opens the first match: type a number, press Enter (at once,
	// or as soon as the search is back).
	l.search.OnSubmitted = func(string) {
		open := func() {
			l.onLoaded = nil
			if r, ok := l.row(0); ok {
				openInvoice(sh, r.ID)
			}
		}
		if l.loading[0] {
			l.onLoaded = open
			return
		}
		open()
	}
	status := widget.NewSelect(nil, nil)
	for _, c := range lk.statuses {
		status.Options = append(status.Options, c.label)
	}
	status.OnChanged = func(string) {
		u.touch()
		l.query.Status = lk.statuses[status.SelectedIndex()].status
		l.reload()
	}
	sortSel := widget.NewSelect(nil, nil)
	for _, c := range sortChoices {
		sortSel.Options = append(sortSel.Options, c.label)
	}
	sortSel.OnChanged = func(string) {
		u.touch()
		c := sortChoices[sortSel.SelectedIndex()]
		l.query.Sort, l.query.Desc = c.key, c.desc
		l.reload()
	}
	status.SetSelectedIndex(0)
	sortSel.SetSelectedIndex(0)
	l.reload()

	var actions []fyne.CanvasObject
	if lk.kind == invoice.KindQuote {
		if u.can(auth.PermCreateDraft) {
			actions = append(actions, u.primary("New quote", theme.ContentAddIcon(), func() { newDocument(sh, invoice.KindQuote) }))
			sh.onNew = func() { newDocument(sh, invoice.KindQuote) }
		}
	} else {
		actions = invoiceActions(sh, l)
	}
	sh.onFind = func() { u.win.Canvas().Focus(l.search) }
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(status, sortSel), l.search)
	top := container.NewVBox(filters)
	bottom := container.NewBorder(nil, nil, l.count, l.selBar)
	return page(lk.title, actions, container.NewBorder(top, bottom, nil, nil, l.table))
}

// invoiceActions are the invoice list's buttons.
func invoiceActions(sh *shell, l *invoiceList) []fyne.CanvasObject {
	u := sh.u
	var actions []fyne.CanvasObject
	if u.can(auth.PermImport) {
		actions = append(actions, u.button("Import…", theme.UploadIcon(), func() { importInvoices(sh, l) }))
	}
	if u.can(auth.PermExportPDF) {
		actions = append(actions, u.button("Export PDFs…", theme.DocumentSaveIcon(), func() { exportPDFs(sh) }),
			u.button("E-invoices…", theme.DocumentSaveIcon(), func() { exportEInvoices(sh) }),
			u.button("Outbox…", theme.MailSendIcon(), func() { showOutbox(sh, &l.query) }))
	}
	if u.can(auth.PermExportCSV) {
		actions = append(actions, u.button("Export CSV…", theme.DownloadIcon(), func() { exportCSV(sh) }))
	}
	if u.can(auth.PermCreateDraft) {
		actions = append(actions, u.primary("New invoice", theme.ContentAddIcon(), func() { newInvoice(sh) }))
		sh.onNew = func() { newInvoice(sh) }
	}
	return actions
}

// importInvoices reads a JSON or CSV file chosen by the user, all or
// nothing.
func importInvoices(sh *shell, l *invoiceList) {
	u := sh.u
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		runImport(sh, path, l.reload)
	}, u.win)
	d.Show()
}

// runImport imports path with a progress dialog, then calls done.
func runImport(sh *shell, path string, done func()) {
	u := sh.u
	var res app.ImportResult
	u.runTask(taskSpec{
		title:      "Importing…",
		intro:      "Checking every record of " + path + ", then writing them. The file is imported whole or not at all.",
		unit:       count,
		doing:      func(n string) string { return n + " records written." },
		cancelling: "Cancelling: the records already written are removed again…",
	}, func(ctx context.Context, progress app.Progress) error {
		var err error
		res, err = sh.s.ImportPath(ctx, path, progress)
		return err
	}, func(err error) {
		if errors.Is(err, context.Canceled) {
			u.showInfo("Import cancelled", "The import was cancelled; nothing from "+path+" was kept.")
			return
		}
		if err != nil {
			u.showError(err)
			return
		}
		u.showInfo("Import finished", fmt.Sprintf("Imported %s and %s.", plural(res.Invoices, "invoice"), plural(res.ClientsCreated, "new client")))
		done()
	})
}

// exportCSV writes every invoice to a CSV file the user chooses.
func exportCSV(sh *shell) {
	u := sh.u
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		runExportCSV(sh, path)
	}, u.win)
	d.SetFileName("invoices.csv")
	d.Show()
}

func runExportCSV(sh *shell, path string) {
	u := sh.u
	var n int
	u.background(func() error {
		// The save dialog asked before replacing a file; the file is
		// written whole or not at all.
		var err error
		n, err = sh.s.ExportCSVFile(path, true)
		return err
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		u.showInfo("Export finished", fmt.Sprintf("Wrote %s to %s.", plural(n, "invoice"), path))
	})
}
