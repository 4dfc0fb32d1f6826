package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/invoice"
)

func buildSettings(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	st, err := s.Settings()
	if err != nil {
		return wrapLabel(plainError(err))
	}
	text := func(v, ph string) *entry {
		e := u.newEntry()
		e.SetText(v)
		e.SetPlaceHolder(ph)
		return e
	}
	name := text(st.BusinessName, "")
	address := u.newMultiLineEntry()
	address.SetText(st.BusinessAddress)
	address.SetMinRowsVisible(3)
	email := text(st.BusinessEmail, "Optional")
	taxID := text(st.BusinessTaxID, "Optional")
	currency := widget.NewSelectEntry(commonCurrencies)
	currency.SetText(st.Currency)
	pattern := text(st.NumberPattern, invoice.DefaultPattern)
	notePattern := text(st.CreditNotePattern, "CN-{YYYY}-{SEQ:4}")
	example := widget.NewLabel("")
	example.Importance = widget.LowImportance
	showExample := func(string) {
		p, err := invoice.ParsePattern(pattern.Text)
		if err != nil {
			example.SetText("Not a valid pattern: " + plainError(err))
			return
		}
		example.SetText("Next invoices look like " + p.Format(1, u.now()) + ". Tokens: {YYYY} {YY} {MM} {SEQ:4}.")
	}
	pattern.OnChanged = showExample
	showExample("")
	days := text(strconv.Itoa(st.PaymentDays), "30")
	terms := text(st.PaymentTerms, "e.g. Payable within 30 days")
	logo := newLogoPicker(u, st.Logo)
	save := func() {
		next := st
		next.BusinessName, next.BusinessAddress = name.Text, strings.TrimSpace(address.Text)
		next.BusinessEmail, next.BusinessTaxID = strings.TrimSpace(email.Text), strings.TrimSpace(taxID.Text)
		next.Currency = currency.Text
		next.NumberPattern, next.CreditNotePattern = strings.TrimSpace(pattern.Text), strings.TrimSpace(notePattern.Text)
		next.PaymentTerms = terms.Text
		next.Logo = logo.data
		n, err := strconv.Atoi(strings.TrimSpace(days.Text))
		if err != nil {
			u.showError(errInvalid("payment days", days.Text))
			return
		}
		next.PaymentDays = n
		u.background(func() error { return s.SaveSettings(next) }, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			st = next
			u.showInfo("Settings saved", "New invoices use these settings; issued invoices keep theirs.")
		})
	}
	sh.onSave = save
	business := widget.NewForm(
		widget.NewFormItem("Business name", name),
		widget.NewFormItem("Address", address),
		widget.NewFormItem("Email", email),
		widget.NewFormItem("Tax id", taxID),
		widget.NewFormItem("Logo", logo.object),
	)
	numbering := widget.NewForm(
		widget.NewFormItem("Invoice numbers", pattern),
		widget.NewFormItem("", example),
		widget.NewFormItem("Credit note numbers", notePattern),
		widget.NewFormItem("Currency", currency),
		widget.NewFormItem("Payment days", days),
		widget.NewFormItem("Payment terms", terms),
	)
	note := wrapLabel("Tax rates are set per invoice line. PDFs print the business name, address, email, tax id, logo and payment terms above.")
	note.Importance = widget.LowImportance
	body := container.NewVBox(
		boldLabel("Business"), business,
		widget.NewSeparator(),
		boldLabel("Numbering, currency and terms"), numbering, note,
	)
	actions := []fyne.CanvasObject{u.primary("Save", theme.DocumentSaveIcon(), save)}
	return page("Settings", actions, container.NewVScroll(body))
}

type invalidValue struct{ what, value string }

func (e invalidValue) Error() string {
	return e.what + " " + strconv.Quote(e.value) + " is not a number"
}

func errInvalid(what, value string) error { return invalidValue{what, value} }
