package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// lineColumns are the widths of the line table: description, quantity,
// unit price, tax %, discount %, net, remove.
var lineColumns = columns{0, 70, 110, 70, 80, 120, 40}

// editor shows one invoice or credit note: editable while a draft,
// read-only with the lifecycle actions once issued.
type editor struct {
	sh       *shell
	inv      invoice.Invoice
	editable bool

	clients  []invoice.Client
	settings app.Settings
	sent     []app.OutboxEntry
	remind   int
	client   *widget.Select
	issue    *entry
	due      *entry
	currency *entry
	notes    *entry
	terms    *entry
	// buyerRef and orderRef, and each line's e-invoice row, are shown
	// only while the chosen client receives e-invoices (einvoice).
	buyerRef, orderRef *entry
	einvoice           []fyne.CanvasObject

	lines    []*lineRow
	linesBox *fyne.Container
	totals   *fyne.Container
	warnings *widget.Label
	status   *widget.Label
}

type lineRow struct {
	desc, qty, price, tax, disc *entry
	net                         *widget.Label
	row                         fyne.CanvasObject
	// What e-invoices need of a line: its unit, VAT category and, for a
	// category without tax, why.
	unit, reason, code *entry
	category           *widget.Select
	einvoice           fyne.CanvasObject
}

// categoryChoices are the VAT categories a line may name, with words.
var categoryChoices = []string{"By the rate (S above 0%)", "S — standard rate", "Z — zero-rated", "E — exempt",
	"AE — reverse charge", "K — intra-community supply", "G — export outside the EU", "O — outside the scope of VAT",
	"L — Canary Islands (IGIC)", "M — Ceuta and Melilla (IPSI)"}

func categoryLabel(code string) string {
	for _, c := range categoryChoices[1:] {
		if strings.HasPrefix(c, code+" ") {
			return c
		}
	}
	return categoryChoices[0]
}

func categoryCode(label string) string {
	if label == categoryChoices[0] {
		return ""
	}
	code, _, _ := strings.Cut(label, " ")
	return code
}

// newInvoice opens the editor on a new draft, with the business's
// defaults read off the UI goroutine.
func newInvoice(sh *shell) { newDocument(sh, invoice.KindInvoice) }

// quoteValidDays is how long a new quote is valid, until changed.
const quoteValidDays = 30

// newDocument opens the editor on a new draft invoice or quote.
func newDocument(sh *shell, kind invoice.Kind) {
	u := sh.u
	opened := sh.opened
	fetch(u, sh.s.Settings, func(st app.Settings, err error) {
		if !sh.still(opened) {
			return
		}
		if err != nil {
			u.showError(err)
			return
		}
		today := u.now()
		inv := invoice.Invoice{
			Kind:      kind,
			Status:    invoice.StatusDraft,
			Currency:  st.Currency,
			IssueDate: today.Format(invoice.DateLayout),
			DueDate:   today.AddDate(0, 0, st.PaymentDays).Format(invoice.DateLayout),
			Terms:     st.PaymentTerms,
			Lines:     []invoice.Line{{Quantity: "1", TaxRate: cmp.Or(st.DefaultTaxRate, "0")}},
		}
		if kind == invoice.KindQuote {
			inv.DueDate, inv.Terms = today.AddDate(0, 0, quoteValidDays).Format(invoice.DateLayout), ""
		}
		showEditor(sh, inv)
	})
}

// openInvoice loads invoice id off the UI goroutine and opens it in the
// editor.
func openInvoice(sh *shell, id string) {
	opened := sh.opened
	fetch(sh.u, func() (invoice.Invoice, error) { return sh.s.Invoice(id) }, func(inv invoice.Invoice, err error) {
		if !sh.still(opened) {
			return // locked, or another screen was opened meanwhile
		}
		if err != nil {
			sh.u.showError(err)
			return
		}
		showEditor(sh, inv)
	})
}

// editorFacts is what the editor reads from the vault besides the invoice.
type editorFacts struct {
	clients  []invoice.Client
	settings app.Settings
	// sent are the invoice's messages in the outbox.
	sent []app.OutboxEntry
	// remind is the level of the reminder the invoice is due for, 0 for
	// none.
	remind int
}

// showEditor opens the editor on inv once the clients and settings are
// read, off the UI goroutine; what is on screen stays until then.
func showEditor(sh *shell, inv invoice.Invoice) {
	opened := sh.opened
	fetch(sh.u, func() (editorFacts, error) {
		var f editorFacts
		var err error
		if f.clients, err = sh.s.Clients(); err != nil {
			return f, err
		}
		if f.settings, err = sh.s.Settings(); err != nil {
			return f, err
		}
		if inv.ID != "" && inv.Status != invoice.StatusDraft {
			if f.sent, err = sh.s.SentMessages(inv.ID); err != nil {
				return f, err
			}
		}
		if inv.Number != "" && inv.Kind == invoice.KindInvoice && sh.s.User().Role.Can(auth.PermRemind) {
			r, err := sh.s.NextReminder(inv.ID)
			switch {
			case err == nil:
				f.remind = r.Level
			case !errors.Is(err, invoice.ErrNoReminder):
				return f, err
			}
		}
		return f, nil
	}, func(f editorFacts, err error) {
		if !sh.still(opened) {
			return // locked, or another screen was opened meanwhile
		}
		if err != nil {
			sh.u.showError(err)
			return
		}
		buildEditor(sh, inv, f)
	})
}

func buildEditor(sh *shell, inv invoice.Invoice, f editorFacts) {
	u, s := sh.u, sh.s
	e := &editor{sh: sh, inv: inv, clients: f.clients, settings: f.settings, sent: f.sent, remind: f.remind}
	role := s.User().Role
	e.editable = inv.Status == invoice.StatusDraft && (inv.ID == "" && role.Can(auth.PermCreateDraft) || inv.ID != "" && role.Can(auth.PermEditDraft))

	e.client = widget.NewSelect(nil, func(string) { e.changed() })
	e.fillClients()
	e.issue = e.field(inv.IssueDate, "YYYY-MM-DD")
	e.due = e.field(inv.DueDate, "YYYY-MM-DD")
	e.currency = e.field(inv.Currency, "EUR")
	e.notes = u.newMultiLineEntry()
	e.notes.SetText(inv.Notes)
	e.notes.SetMinRowsVisible(2)
	e.notes.OnChanged = func(string) { e.changed() }
	e.terms = e.field(inv.Terms, "e.g. Payable within 30 days")
	e.buyerRef = e.field(inv.BuyerReference, "The buyer's reference (Leitweg-ID)")
	e.orderRef = e.field(inv.OrderReference, "The buyer's purchase order")
	e.warnings = wrapLabel("")
	e.warnings.Importance = widget.WarningImportance
	e.warnings.Hide()
	e.status = widget.NewLabel("")
	e.status.Importance = widget.LowImportance

	e.linesBox = container.NewVBox()
	for _, l := range inv.Lines {
		e.addLine(l)
	}
	e.totals = container.NewVBox()

	header := container.New(lineColumns,
		boldLabel("Description"), boldLabel("Qty"), boldLabel("Unit price"),
		boldLabel("Tax %"), boldLabel("Discount %"), rightLabel("Net", true), widget.NewLabel(""))
	var addLine fyne.CanvasObject = layoutSpacer()
	if e.editable {
		addLine = container.NewHBox(u.button("Add line", theme.ContentAddIcon(), func() {
			e.addLine(invoice.Line{Quantity: "1", TaxRate: e.lastRate()})
			e.changed()
		}), u.button("From the catalogue…", theme.ListIcon(), func() {
			pickItem(sh, func(it invoice.Item) {
				e.addItem(it)
				e.changed()
			})
		}))
	}
	var clientRow fyne.CanvasObject = e.client
	if e.editable && inv.Kind != invoice.KindCreditNote && u.can(auth.PermManageClients) {
		newClient := u.button("", theme.ContentAddIcon(), func() {
			showClientForm(sh, invoice.Client{}, func(c invoice.Client) {
				if !slices.ContainsFunc(e.clients, func(o invoice.Client) bool { return o.ID == c.ID }) {
					e.clients = append(e.clients, c)
				}
				e.fillClients()
				e.selectClient(c.ID)
			})
		})
		clientRow = container.NewBorder(nil, nil, nil, newClient, e.client)
	}
	if !e.editable || inv.Kind == invoice.KindCreditNote {
		e.client.Disable()
	}
	dueLabel := "Due date"
	if inv.IsQuote() {
		dueLabel = "Valid until"
	}
	form := widget.NewForm(
		widget.NewFormItem("Client", clientRow),
		widget.NewFormItem("Issue date", e.issue),
		widget.NewFormItem(dueLabel, e.due),
		widget.NewFormItem("Currency", e.currency),
	)
	refs := widget.NewForm(
		widget.NewFormItem("Buyer reference", e.buyerRef),
		widget.NewFormItem("Order reference", e.orderRef),
	)
	form2 := widget.NewForm(
		widget.NewFormItem("Notes", e.notes),
		widget.NewFormItem("Terms", e.terms),
	)
	if !e.editable {
		refs = widget.NewForm(
			widget.NewFormItem("Buyer reference", widget.NewLabel(inv.BuyerReference)),
			widget.NewFormItem("Order reference", widget.NewLabel(inv.OrderReference)),
		)
	}
	if !e.editable {
		client := ""
		if i := e.client.SelectedIndex(); i >= 0 {
			client = e.client.Selected
		}
		form = widget.NewForm(
			widget.NewFormItem("Client", widget.NewLabel(client)),
			widget.NewFormItem("Issue date", widget.NewLabel(inv.IssueDate)),
			widget.NewFormItem(dueLabel, widget.NewLabel(inv.DueDate)),
			widget.NewFormItem("Currency", widget.NewLabel(inv.Currency)),
		)
		form2 = widget.NewForm(
			widget.NewFormItem("Notes", wrapLabel(inv.Notes)),
			widget.NewFormItem("Terms", wrapLabel(inv.Terms)),
		)
	}
	refsRow := container.NewGridWithColumns(2, layoutSpacer(), refs)
	e.einvoice = append(e.einvoice, refsRow)
	details := container.NewVBox(container.NewGridWithColumns(2, form, form2), refsRow)
	totalsRow := container.NewBorder(nil, nil, nil, e.totals)
	body := container.NewVBox(
		details,
		widget.NewSeparator(),
		header,
		e.linesBox,
		addLine,
		widget.NewSeparator(),
		totalsRow,
		e.warnings,
		e.history(),
	)

	back := u.button("Invoices", theme.NavigateBackIcon(), func() { sh.open("invoices") })
	if inv.IsQuote() {
		back = u.button("Quotes", theme.NavigateBackIcon(), func() { sh.open("quotes") })
	}
	title := e.title()
	actions := append([]fyne.CanvasObject{e.status}, e.actions()...)
	top := container.NewBorder(nil, nil, container.NewHBox(back, heading(title)), container.NewHBox(actions...))
	sh.status, sh.editor = e.status, e
	sh.onNew = func() { newDocument(sh, cmp.Or(inv.Kind, invoice.KindInvoice)) }
	sh.onFind = nil
	if e.editable {
		sh.onSave = e.save
	}
	if e.inv.Number != "" && u.can(auth.PermExportPDF) {
		sh.onExport = e.exportPDF
	}
	sh.show(container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(body)))
	e.changed()
	if e.editable && inv.ID == "" {
		u.win.Canvas().Focus(e.lines[0].desc)
	}
}

func boldLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func rightLabel(s string, bold bool) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignTrailing, fyne.TextStyle{Bold: bold})
}

func layoutSpacer() fyne.CanvasObject { return container.NewHBox() }

func (e *editor) title() string {
	kind := "Invoice"
	switch e.inv.Kind {
	case invoice.KindCreditNote:
		kind = "Credit note"
	case invoice.KindQuote:
		kind = "Quote"
	}
	switch {
	case e.inv.ID == "":
		return "New " + strings.ToLower(kind)
	case e.inv.Number == "":
		return kind + " (draft)"
	}
	return kind + " " + e.inv.Number + " · " + statusWord(e.inv.EffectiveStatus(e.sh.u.now()))
}

func (e *editor) field(text, placeholder string) *entry {
	f := e.sh.u.newEntry()
	f.SetText(text)
	f.SetPlaceHolder(placeholder)
	f.OnChanged = func(string) { e.changed() }
	return f
}

func (e *editor) fillClients() {
	opts := make([]string, len(e.clients))
	for i, c := range e.clients {
		opts[i] = c.Name + " <" + c.Email + ">"
	}
	e.client.Options = opts
	e.selectClient(e.inv.ClientID)
	if e.client.SelectedIndex() < 0 && len(opts) > 0 && e.inv.ClientID == "" {
		e.client.SetSelectedIndex(0)
	}
	e.client.Refresh()
}

func (e *editor) selectClient(id string) {
	for i, c := range e.clients {
		if c.ID == id {
			e.client.SetSelectedIndex(i)
			return
		}
	}
}

func (e *editor) lastRate() string {
	if n := len(e.lines); n > 0 && e.lines[n-1].tax.Text != "" {
		return e.lines[n-1].tax.Text
	}
	return cmp.Or(e.settings.DefaultTaxRate, "0")
}

func (e *editor) addLine(l invoice.Line) {
	u := e.sh.u
	r := &lineRow{
		desc:  e.field(l.Description, "What was delivered"),
		qty:   e.field(l.Quantity, "1"),
		price: e.field(l.UnitPrice, "0.00"),
		tax:   e.field(l.TaxRate, "0"),
		disc:  e.field(l.Discount, "0"),
		net:   rightLabel("", false),
	}
	var remove fyne.CanvasObject = widget.NewLabel("")
	if e.editable {
		rb := u.button("", theme.DeleteIcon(), func() { e.removeLine(r) })
		rb.Importance = widget.LowImportance
		remove = rb
	}
	r.unit, r.reason, r.code = e.field(l.Unit, invoice.DefaultUnit), e.field(l.ExemptionReason, "Why no VAT is charged"), e.field(l.ExemptionCode, "VATEX-EU-…")
	r.category = widget.NewSelect(categoryChoices, func(string) { e.changed() })
	r.category.SetSelected(categoryLabel(l.TaxCategory))
	main := container.New(lineColumns, r.desc, r.qty, r.price, r.tax, r.disc, r.net, remove)
	r.einvoice = container.New(columns{70, 250, 0, 150},
		r.unit, r.category, r.reason, r.code)
	if !e.editable {
		desc := widget.NewLabel(l.Description)
		desc.Wrapping = fyne.TextWrapWord
		main = container.New(lineColumns, desc, rightLabel(l.Quantity, false), rightLabel(l.UnitPrice, false),
			rightLabel(l.TaxRate, false), rightLabel(l.Discount, false), r.net, remove)
		r.einvoice = widget.NewLabel(lineFacts(l))
	}
	r.row = container.NewVBox(main, r.einvoice)
	e.einvoice = append(e.einvoice, r.einvoice)
	e.lines = append(e.lines, r)
	e.linesBox.Add(r.row)
}

func (e *editor) removeLine(r *lineRow) {
	if len(e.lines) == 1 {
		return
	}
	for i, l := range e.lines {
		if l == r {
			e.lines = append(e.lines[:i], e.lines[i+1:]...)
			break
		}
	}
	e.linesBox.Remove(r.row)
	e.einvoice = slices.DeleteFunc(e.einvoice, func(o fyne.CanvasObject) bool { return o == r.einvoice })
	e.changed()
}

// lineFacts says a line's unit, VAT category and exemption, read-only.
func lineFacts(l invoice.Line) string {
	parts := []string{"Unit " + cmp.Or(l.Unit, invoice.DefaultUnit), categoryLabel(l.VATCategory())}
	if l.ExemptionReason != "" || l.ExemptionCode != "" {
		parts = append(parts, strings.TrimSpace(l.ExemptionReason+" "+l.ExemptionCode))
	}
	return strings.Join(parts, " · ")
}

// showEInvoiceFields shows the e-invoice fields while the chosen client
// receives e-invoices, and hides them otherwise.
func (e *editor) showEInvoiceFields() {
	show := false
	if i := e.client.SelectedIndex(); i >= 0 && i < len(e.clients) {
		show = e.clients[i].EInvoice != ""
	}
	for _, o := range e.einvoice {
		if show {
			o.Show()
		} else {
			o.Hide()
		}
	}
}

// collect returns the invoice as the form shows it.
func (e *editor) collect() invoice.Invoice {
	inv := e.inv
	if i := e.client.SelectedIndex(); i >= 0 && i < len(e.clients) {
		inv.ClientID = e.clients[i].ID
	}
	inv.IssueDate = strings.TrimSpace(e.issue.Text)
	inv.DueDate = strings.TrimSpace(e.due.Text)
	inv.Currency = strings.ToUpper(strings.TrimSpace(e.currency.Text))
	inv.Notes = e.notes.Text
	inv.Terms = e.terms.Text
	inv.BuyerReference, inv.OrderReference = strings.TrimSpace(e.buyerRef.Text), strings.TrimSpace(e.orderRef.Text)
	inv.Lines = make([]invoice.Line, len(e.lines))
	for i, r := range e.lines {
		inv.Lines[i] = invoice.Line{
			Description:     r.desc.Text,
			Quantity:        strings.TrimSpace(r.qty.Text),
			UnitPrice:       strings.TrimSpace(r.price.Text),
			TaxRate:         strings.TrimSpace(r.tax.Text),
			Discount:        strings.TrimSpace(r.disc.Text),
			Unit:            strings.ToUpper(strings.TrimSpace(r.unit.Text)),
			TaxCategory:     categoryCode(r.category.Selected),
			ExemptionReason: strings.TrimSpace(r.reason.Text),
			ExemptionCode:   strings.ToUpper(strings.TrimSpace(r.code.Text)),
		}
	}
	return inv
}

// changed recomputes the totals, the tax breakdown and the scanner's
// warnings as the user types.
func (e *editor) changed() {
	if e.totals == nil {
		return
	}
	e.showEInvoiceFields()
	inv := e.collect()
	t, err := inv.Totals()
	e.totals.RemoveAll()
	row := func(label, value string, bold bool) {
		e.totals.Add(container.New(columns{200, 140}, rightLabel(label, bold), rightLabel(value, bold)))
	}
	if err != nil {
		for _, r := range e.lines {
			r.net.SetText("")
		}
		row("Total", "—", true)
		msg := wrapLabel("Check the lines: " + sentence(err.Error()))
		msg.Importance = widget.LowImportance
		e.totals.Add(container.NewGridWrap(fyne.NewSize(340, msg.MinSize().Height*2), msg))
	} else {
		for i, r := range e.lines {
			if i < len(t.LineNets) {
				r.net.SetText(formatMoney(t.LineNets[i]))
			}
		}
		row("Net", formatMoney(t.Net), false)
		for _, rt := range t.Rates {
			label := fmt.Sprintf("Tax %s%% on %s", rt.Rate, formatMoney(rt.Net))
			if rt.Category != "" && rt.Category != invoice.VATStandard {
				label = fmt.Sprintf("Tax %s%% (%s) on %s", rt.Rate, rt.Category, formatMoney(rt.Net))
			}
			row(label, formatMoney(rt.Tax), false)
		}
		row("Total", formatMoney(t.Total), true)
		if len(inv.Credits) > 0 {
			row("Credited", formatMoney(t.Credited), false)
		}
		if len(inv.Payments) > 0 {
			row("Paid", formatMoney(t.Paid), false)
		}
		if inv.Status != invoice.StatusDraft && !inv.IsQuote() {
			row("Balance", formatMoney(t.Balance), true)
		}
	}
	e.showFindings(invoice.ScanInvoice(&inv))
}

func (e *editor) showFindings(fs []invoice.Finding) {
	if len(fs) == 0 {
		e.warnings.Hide()
		return
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		where := f.Field
		if where == "" {
			where = "text"
		}
		parts[i] = fmt.Sprintf("%s looks like %s (%s)", where, f.Detail, f.Excerpt)
	}
	e.warnings.SetText("⚠ Sensitive data does not belong on an invoice: " + strings.Join(parts, "; ") + ".")
	e.warnings.Show()
}

// history lists payments and credits of an issued invoice.
func (e *editor) history() fyne.CanvasObject {
	box := container.NewVBox()
	for _, p := range e.inv.Payments {
		text := fmt.Sprintf("Payment of %s on %s", formatAmount(p.Amount, e.inv.Currency), p.Date)
		if p.Note != "" {
			text += " — " + p.Note
		}
		box.Add(widget.NewLabel(text))
	}
	for _, c := range e.inv.Credits {
		box.Add(widget.NewLabel(fmt.Sprintf("Credit note %s of %s on %s", c.Number, formatAmount(c.Amount, e.inv.Currency), c.Date)))
	}
	for _, m := range e.sent {
		text := fmt.Sprintf("Sent to %s on %s", strings.Join(m.To, ", "), m.Sent.Local().Format("2006-01-02 15:04"))
		switch m.State {
		case "queued":
			text = fmt.Sprintf("Waiting to be sent to %s (next try %s)", strings.Join(m.To, ", "), m.NextTry.Local().Format("2006-01-02 15:04"))
		case "failed":
			text = fmt.Sprintf("Not sent to %s: %s", strings.Join(m.To, ", "), m.Reply)
		case "sending":
			text = fmt.Sprintf("Perhaps sent to %s on %s (SafeInvoice stopped while sending)", strings.Join(m.To, ", "), m.Created.Local().Format("2006-01-02 15:04"))
		}
		box.Add(widget.NewLabel(text))
	}
	for _, r := range e.inv.Reminders {
		box.Add(widget.NewLabel(fmt.Sprintf("Payment reminder %d on %s (%s overdue, balance %s)", r.Level, r.Date, invoice.Days(r.DaysOverdue),
			formatAmount(r.Balance, e.inv.Currency))))
	}
	if e.remind > 0 {
		l := widget.NewLabel(fmt.Sprintf("Payment reminder %d is due (Export… makes it)", e.remind))
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	if e.inv.FromQuote != "" {
		box.Add(e.link("Made from a quote", "Open the quote", e.inv.FromQuote))
	}
	if e.inv.Invoiced != "" {
		box.Add(e.link("Made into an invoice", "Open the invoice", e.inv.Invoiced))
	}
	if e.inv.VoidReason != "" {
		l := widget.NewLabel("Voided: " + e.inv.VoidReason)
		l.Importance = widget.DangerImportance
		box.Add(l)
	}
	if len(box.Objects) > 0 {
		box.Objects = append([]fyne.CanvasObject{boldLabel("History")}, box.Objects...)
	}
	return box
}

// link is a line of the history with a button that opens document id.
func (e *editor) link(text, open, id string) fyne.CanvasObject {
	return container.NewHBox(widget.NewLabel(text), e.sh.u.button(open, theme.NavigateNextIcon(), func() { openInvoice(e.sh, id) }))
}

// actions are the buttons the invoice's status and the user's role allow.
func (e *editor) actions() []fyne.CanvasObject {
	u := e.sh.u
	var out []fyne.CanvasObject
	add := func(label string, icon fyne.Resource, perm auth.Permission, fn func()) {
		if u.can(perm) {
			out = append(out, u.button(label, icon, fn))
		}
	}
	if e.inv.IsQuote() {
		return e.quoteActions()
	}
	switch st := e.inv.Status; {
	case st == invoice.StatusDraft:
		if e.inv.ID != "" {
			add("Delete", theme.DeleteIcon(), auth.PermDeleteDraft, e.deleteDraft)
		}
		perm := auth.PermIssueInvoice
		if e.inv.Kind == invoice.KindCreditNote {
			perm = auth.PermCreditNote
		}
		add("Issue", theme.MailSendIcon(), perm, e.issueInvoice)
		if e.editable {
			save := u.primary("Save", theme.DocumentSaveIcon(), e.save)
			out = append(out, save)
		}
	default:
		if e.inv.Kind == invoice.KindInvoice {
			if st == invoice.StatusIssued || st == invoice.StatusPartiallyPaid {
				add("Record payment", theme.ContentAddIcon(), auth.PermRecordPayment, e.recordPayment)
			}
			if st == invoice.StatusIssued && len(e.inv.Payments) == 0 && len(e.inv.Credits) == 0 {
				add("Void", theme.CancelIcon(), auth.PermVoidInvoice, e.void)
			}
			if st != invoice.StatusVoid {
				add("Credit note", theme.ContentUndoIcon(), auth.PermCreditNote, e.creditNote)
			}
		}
		if st != invoice.StatusVoid && u.can(auth.PermExportPDF) {
			// One button for the ways out, so the toolbar keeps its width.
			var export *widget.Button
			export = u.button("Export…", theme.DocumentPrintIcon(), func() {
				items := []*fyne.MenuItem{fyne.NewMenuItem("PDF", e.exportPDF)}
				if f := e.clientEInvoice(); f != "" {
					items = append(items, fyne.NewMenuItem("E-invoice ("+f+")", e.exportEInvoice))
				}
				items = append(items, fyne.NewMenuItem("Send by email…", func() { sendInvoice(e.sh, e.inv.Number, e.clientEmail()) }))
				if e.remind > 0 && u.can(auth.PermRemind) {
					reopen := func() { openInvoice(e.sh, e.inv.ID) }
					items = append(items, fyne.NewMenuItemSeparator(),
						fyne.NewMenuItem(fmt.Sprintf("Payment reminder %d (PDF)…", e.remind), func() { writeReminder(e.sh, e.inv.Number, e.remind, reopen) }),
						fyne.NewMenuItem(fmt.Sprintf("Send payment reminder %d…", e.remind), func() { sendReminder(e.sh, e.inv.Number, e.remind, reopen) }))
				}
				widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), u.win.Canvas(), fyne.NewPos(0, export.Size().Height), export)
			})
			out = append(out, export)
		} else {
			add("Export PDF", theme.DocumentPrintIcon(), auth.PermExportPDF, e.exportPDF)
		}
	}
	if e.inv.ID != "" && e.inv.Kind == invoice.KindInvoice {
		if u.can(auth.PermRunSchedules) && u.can(auth.PermCreateDraft) {
			// Copies of both kinds under one button.
			var copyButton *widget.Button
			copyButton = u.button("Copy…", theme.ContentCopyIcon(), func() {
				from := e.inv.Number
				if from == "" {
					from = e.inv.ID
				}
				menu := fyne.NewMenu("", fyne.NewMenuItem("Duplicate as a draft", e.duplicate),
					fyne.NewMenuItem("Repeat on a schedule…", func() { newSchedule(e.sh, from, nil) }))
				widget.ShowPopUpMenuAtRelativePosition(menu, u.win.Canvas(), fyne.NewPos(0, copyButton.Size().Height), copyButton)
			})
			out = append(out, copyButton)
		} else {
			add("Duplicate", theme.ContentCopyIcon(), auth.PermCreateDraft, e.duplicate)
		}
	}
	return out
}

// save stores the draft; the scanner's warnings stay shown inline.
func (e *editor) save() { e.saveThen(nil) }

func (e *editor) saveThen(next func(inv invoice.Invoice)) {
	u, s := e.sh.u, e.sh.s
	inv := e.collect()
	if inv.ClientID == "" {
		u.showError(errors.New("choose a client (add one with the + button)"))
		return
	}
	var saved invoice.Invoice
	var findings []invoice.Finding
	u.background(func() error {
		var err error
		saved, findings, err = s.SaveDraft(inv)
		return err
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if next != nil {
			next(saved)
			return
		}
		showEditor(e.sh, saved)
		msg := "Saved."
		if len(findings) > 0 {
			msg = "Saved, with warnings."
		}
		e.sh.setStatus(msg)
	})
}

// setStatus shows a short note in the current editor's title row.
func (sh *shell) setStatus(text string) {
	if sh.status != nil {
		sh.status.SetText(text)
	}
}

func (e *editor) issueInvoice() {
	u, s := e.sh.u, e.sh.s
	title := "Issue this invoice?"
	switch e.inv.Kind {
	case invoice.KindCreditNote:
		title = "Issue this credit note?"
	case invoice.KindQuote:
		title = "Mark this quote as sent?"
	}
	dialog.ShowConfirm(title,
		"It gets the next number and can no longer be changed or deleted.", func(ok bool) {
			if !ok {
				return
			}
			issue := func(inv invoice.Invoice) {
				var issued invoice.Invoice
				u.background(func() error {
					var err error
					issued, err = s.IssueInvoice(inv.ID)
					return err
				}, func(err error) {
					if err != nil {
						u.showError(err)
						showEditor(e.sh, inv)
						return
					}
					showEditor(e.sh, issued)
				})
			}
			if e.editable {
				e.saveThen(issue)
			} else {
				issue(e.inv)
			}
		}, u.win)
}

func (e *editor) deleteDraft() {
	u, s := e.sh.u, e.sh.s
	dialog.ShowConfirm("Delete this draft?", "The draft is removed for good.", func(ok bool) {
		if !ok {
			return
		}
		u.background(func() error { return s.DeleteDraft(e.inv.ID) }, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			e.sh.open("invoices")
		})
	}, u.win)
}

func (e *editor) recordPayment() {
	u, s := e.sh.u, e.sh.s
	balance := ""
	if t, err := e.inv.Totals(); err == nil {
		balance = t.Balance.Number()
	}
	date := u.newEntry()
	date.SetText(u.now().Format(invoice.DateLayout))
	amount := u.newEntry()
	amount.SetText(balance)
	note := u.newEntry()
	note.SetPlaceHolder("Optional, e.g. bank transfer")
	items := []*widget.FormItem{
		widget.NewFormItem("Date", date),
		widget.NewFormItem("Amount ("+e.inv.Currency+")", amount),
		widget.NewFormItem("Note", note),
	}
	d := dialog.NewForm("Record payment", "Record", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		p := invoice.Payment{Date: date.Text, Amount: amount.Text, Note: note.Text}
		e.changeThenShow(func() (invoice.Invoice, error) { return s.RecordPayment(e.inv.ID, p) })
	}, u.win)
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
	u.win.Canvas().Focus(amount)
}

// changeThenShow runs a change of the invoice in the background and shows
// the changed invoice, or the error.
func (e *editor) changeThenShow(change func() (invoice.Invoice, error)) {
	var inv invoice.Invoice
	e.sh.u.background(func() error {
		var err error
		inv, err = change()
		return err
	}, func(err error) {
		if err != nil {
			e.sh.u.showError(err)
			return
		}
		showEditor(e.sh, inv)
	})
}

func (e *editor) void() {
	u, s := e.sh.u, e.sh.s
	reason := u.newEntry()
	reason.SetPlaceHolder("Why is this invoice void?")
	d := dialog.NewForm("Void invoice "+e.inv.Number, "Void", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Reason", reason)}, func(ok bool) {
			if !ok {
				return
			}
			r := reason.Text
			e.changeThenShow(func() (invoice.Invoice, error) { return s.VoidInvoice(e.inv.ID, r) })
		}, u.win)
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
}

// creditNote makes a draft credit note for the whole invoice, to be edited
// down and issued.
func (e *editor) creditNote() {
	u, s := e.sh.u, e.sh.s
	lines := append([]invoice.Line(nil), e.inv.Lines...)
	var note invoice.Invoice
	u.background(func() error {
		var err error
		note, err = s.CreateCreditNote(e.inv.ID, lines)
		return err
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		showEditor(e.sh, note)
	})
}

func (e *editor) duplicate() {
	u, s := e.sh.u, e.sh.s
	var dup invoice.Invoice
	u.background(func() error {
		var err error
		dup, err = s.DuplicateInvoice(e.inv.ID)
		return err
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		showEditor(e.sh, dup)
	})
}

// clientEmail is the e-mail address of the invoice's client.
func (e *editor) clientEmail() string {
	for _, c := range e.clients {
		if c.ID == e.inv.ClientID {
			return c.Email
		}
	}
	return ""
}

// clientEInvoice is the e-invoice format of the invoice's client ("" for
// none).
func (e *editor) clientEInvoice() string {
	for _, c := range e.clients {
		if c.ID == e.inv.ClientID {
			return c.EInvoice
		}
	}
	return ""
}

// exportEInvoice asks for a folder and writes the invoice there as its
// client's e-invoice; what is missing for it is said in words.
func (e *editor) exportEInvoice() {
	u, s := e.sh.u, e.sh.s
	number := e.inv.Number
	u.folderDialog(func(dir string) {
		var paths []string
		u.background(func() error {
			var err error
			paths, err = s.ExportEInvoices(context.Background(), dir, "", []string{number}, nil)
			return err
		}, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			if len(paths) > 0 {
				e.sh.setStatus("Saved " + paths[0])
			}
		})
	})
}

// exportPDF asks for a folder, writes the PDF there and opens it.
func (e *editor) exportPDF() {
	if e.inv.Number == "" {
		return
	}
	e.sh.u.folderDialog(func(dir string) { e.exportPDFTo(dir, true) })
}

func (e *editor) exportPDFTo(dir string, open bool) {
	u, s := e.sh.u, e.sh.s
	var paths []string
	number := e.inv.Number
	u.background(func() error {
		var err error
		paths, err = s.ExportPDFs(context.Background(), dir, []string{number}, nil)
		return err
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if len(paths) > 0 {
			e.sh.setStatus("Saved " + paths[0])
			if open {
				u.openFile(paths[0])
			}
		}
	})
}

// quoteActions are a quote's buttons: drafts are saved and marked sent
// (which numbers them); a sent quote is accepted or declined; an accepted
// one is made into an invoice, once.
func (e *editor) quoteActions() []fyne.CanvasObject {
	u, s := e.sh.u, e.sh.s
	var out []fyne.CanvasObject
	add := func(label string, icon fyne.Resource, perm auth.Permission, fn func()) {
		if u.can(perm) {
			out = append(out, u.button(label, icon, fn))
		}
	}
	change := func(verb string, do func(id string) (invoice.Invoice, error)) func() {
		return func() {
			var q invoice.Invoice
			u.background(func() error {
				var err error
				q, err = do(e.inv.ID)
				return err
			}, func(err error) {
				if err != nil {
					u.showError(err)
					return
				}
				showEditor(e.sh, q)
				e.sh.setStatus("Quote " + q.Number + " " + verb)
			})
		}
	}
	switch st := e.inv.EffectiveStatus(u.now()); {
	case st == invoice.StatusDraft:
		if e.inv.ID != "" {
			add("Delete", theme.DeleteIcon(), auth.PermDeleteDraft, e.deleteDraft)
		}
		add("Mark as sent", theme.MailSendIcon(), auth.PermIssueInvoice, e.issueInvoice)
		if e.editable {
			out = append(out, u.primary("Save", theme.DocumentSaveIcon(), e.save))
		}
	case st == invoice.StatusSent:
		add("Declined", theme.CancelIcon(), auth.PermIssueInvoice, change("declined", s.DeclineQuote))
		if u.can(auth.PermIssueInvoice) {
			accept := u.button("Accepted", theme.ConfirmIcon(), change("accepted", s.AcceptQuote))
			accept.Importance = widget.HighImportance
			out = append(out, accept)
		}
	case st == invoice.StatusExpired:
		add("Declined", theme.CancelIcon(), auth.PermIssueInvoice, change("declined", s.DeclineQuote))
	case st == invoice.StatusAccepted && e.inv.Invoiced == "":
		if u.can(auth.PermCreateDraft) {
			toInvoice := u.primary("Make invoice", theme.DocumentCreateIcon(), func() {
				var inv invoice.Invoice
				u.background(func() error {
					var err error
					inv, err = s.QuoteToInvoice(e.inv.ID)
					return err
				}, func(err error) {
					if err != nil {
						u.showError(err)
						return
					}
					showEditor(e.sh, inv)
					e.sh.setStatus("Draft invoice made from quote " + e.inv.Number)
				})
			})
			out = append(out, toInvoice)
		}
	}
	if e.inv.Number != "" && u.can(auth.PermExportPDF) {
		var export *widget.Button
		export = u.button("Export…", theme.DocumentPrintIcon(), func() {
			menu := fyne.NewMenu("", fyne.NewMenuItem("PDF", e.exportPDF),
				fyne.NewMenuItem("Send by email…", func() { sendInvoice(e.sh, e.inv.Number, e.clientEmail()) }))
			widget.ShowPopUpMenuAtRelativePosition(menu, u.win.Canvas(), fyne.NewPos(0, export.Size().Height), export)
		})
		out = append(out, export)
	}
	if e.inv.ID != "" {
		add("Duplicate", theme.ContentCopyIcon(), auth.PermCreateDraft, e.duplicate)
	}
	return out
}

// addItem puts a catalogue item into the lines: into the last line while
// that is still empty, else as a new line.
func (e *editor) addItem(it invoice.Item) {
	l := it.Line()
	if n := len(e.lines); n > 0 {
		last := e.lines[n-1]
		if strings.TrimSpace(last.desc.Text) == "" && strings.TrimSpace(last.price.Text) == "" {
			last.desc.SetText(l.Description)
			last.qty.SetText(l.Quantity)
			last.price.SetText(l.UnitPrice)
			last.tax.SetText(l.TaxRate)
			last.unit.SetText(l.Unit)
			last.category.SetSelected(categoryLabel(l.TaxCategory))
			return
		}
	}
	e.addLine(l)
}
