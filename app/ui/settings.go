package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

// buildSettings shows the business profile once it is read.
func buildSettings(sh *shell) fyne.CanvasObject {
	return loaded(sh, sh.s.Settings, func(st app.Settings, err error) fyne.CanvasObject {
		if err != nil {
			return wrapLabel(plainError(err))
		}
		return settingsForm(sh, st)
	})
}

func settingsForm(sh *shell, st app.Settings) fyne.CanvasObject {
	u, s := sh.u, sh.s
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
	quotePattern := text(st.QuotePattern, app.DefaultQuotePattern)
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
	taxRate := text(st.DefaultTaxRate, "e.g. 19")
	paper := widget.NewSelect([]string{"A4", "US Letter"}, nil)
	paper.SetSelectedIndex(0)
	if st.PDFPaper == "letter" {
		paper.SetSelectedIndex(1)
	}
	locale := widget.NewSelectEntry(pdfLocales)
	locale.SetText(st.PDFLocale)
	locale.SetPlaceHolder("en (1,234.56)")
	clientAddress := widget.NewCheck("Print the client's postal address", nil)
	clientAddress.SetChecked(st.PDFClientAddress)
	clientTaxID := widget.NewCheck("Print the client's tax id", nil)
	clientTaxID.SetChecked(st.PDFClientTaxID)
	pdfNote := u.newMultiLineEntry()
	pdfNote.SetText(st.PDFNote)
	pdfNote.SetPlaceHolder("Optional, e.g. Thank you for your business.")
	pdfNote.SetMinRowsVisible(2)
	// What e-invoices need of the business, and the account paid into.
	city, postal, country := text(st.BusinessCity, ""), text(st.BusinessPostalCode, ""), text(st.BusinessCountry, "DE, FR, BE…")
	vatID, phone, contact := text(st.BusinessVATID, "DE123456789"), text(st.BusinessPhone, "Optional"), text(st.BusinessContact, "Optional")
	eaddr := text(st.BusinessEAddress, "Where e-invoices come from")
	scheme, schemeCode := schemeSelect(st.BusinessEAddressScheme)
	iban, bic := text(st.PaymentIBAN, "DE02 1203 0000 0000 2020 51"), text(st.PaymentBIC, "Optional")
	save := func() {
		next := st
		next.BusinessCity, next.BusinessPostalCode, next.BusinessCountry = city.Text, postal.Text, country.Text
		next.BusinessVATID, next.BusinessPhone, next.BusinessContact = vatID.Text, phone.Text, contact.Text
		next.BusinessEAddress, next.BusinessEAddressScheme = eaddr.Text, schemeCode()
		next.PaymentIBAN, next.PaymentBIC = iban.Text, bic.Text
		next.BusinessName, next.BusinessAddress = name.Text, strings.TrimSpace(address.Text)
		next.BusinessEmail, next.BusinessTaxID = strings.TrimSpace(email.Text), strings.TrimSpace(taxID.Text)
		next.Currency = currency.Text
		next.NumberPattern, next.CreditNotePattern = strings.TrimSpace(pattern.Text), strings.TrimSpace(notePattern.Text)
		next.QuotePattern = strings.TrimSpace(quotePattern.Text)
		next.PaymentTerms = terms.Text
		next.Logo = logo.data
		next.DefaultTaxRate = strings.TrimSpace(taxRate.Text)
		next.PDFPaper = "a4"
		if paper.SelectedIndex() == 1 {
			next.PDFPaper = "letter"
		}
		next.PDFLocale = strings.TrimSpace(locale.Text)
		next.PDFClientAddress, next.PDFClientTaxID = clientAddress.Checked, clientTaxID.Checked
		next.PDFNote = strings.TrimSpace(pdfNote.Text)
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
		widget.NewFormItem("Quote numbers", quotePattern),
		widget.NewFormItem("Currency", currency),
		widget.NewFormItem("Payment days", days),
		widget.NewFormItem("Payment terms", terms),
		widget.NewFormItem("Default tax rate %", taxRate),
	)
	note := wrapLabel("New invoice lines start with the default tax rate; each line can have its own.")
	note.Importance = widget.LowImportance
	pdfs := widget.NewForm(
		widget.NewFormItem("Paper", paper),
		widget.NewFormItem("Number format", locale),
		widget.NewFormItem("Client details", container.NewVBox(clientAddress, clientTaxID)),
		widget.NewFormItem("Closing note", pdfNote),
	)
	einvoices := widget.NewForm(
		widget.NewFormItem("City", city),
		widget.NewFormItem("Postal code", postal),
		widget.NewFormItem("Country", country),
		widget.NewFormItem("VAT id", vatID),
		widget.NewFormItem("Contact person", contact),
		widget.NewFormItem("Phone", phone),
		widget.NewFormItem("Electronic address", eaddr),
		widget.NewFormItem("Address scheme", scheme),
		widget.NewFormItem("IBAN", iban),
		widget.NewFormItem("BIC", bic),
	)
	einvoiceHint := wrapLabel("Only for clients who receive e-invoices (Factur-X, XRechnung, Peppol): exports say which of these a format needs.")
	einvoiceHint.Importance = widget.LowImportance
	pdfHint := wrapLabel("PDFs print the business details above, the client's name and email, and the client fields ticked here: leave out what your invoices do not need.")
	pdfHint.Importance = widget.LowImportance
	body := container.NewVBox(
		boldLabel("Business"), business,
		widget.NewSeparator(),
		boldLabel("Numbering, currency, terms and tax"), numbering, note,
		widget.NewSeparator(),
		boldLabel("PDFs"), pdfs, pdfHint,
		widget.NewSeparator(),
		boldLabel("E-invoices and payment"), einvoices, einvoiceHint,
	)
	actions := []fyne.CanvasObject{u.button("Reminders…", theme.HistoryIcon(), func() { showReminderLevels(sh) }),
		u.button("Email…", theme.MailComposeIcon(), func() { showMailSettings(sh) }),
		u.primary("Save", theme.DocumentSaveIcon(), save)}
	return page("Settings", actions, container.NewVScroll(body))
}

// pdfLocales are the number formats offered for PDFs; any language tag may
// be typed.
var pdfLocales = []string{"en", "en-US", "en-GB", "de-DE", "fr-FR", "pl-PL", "cs-CZ", "es-ES", "it-IT", "nl-NL", "sv-SE", "da-DK"}

type invalidValue struct{ what, value string }

func (e invalidValue) Error() string {
	return e.what + " " + strconv.Quote(e.value) + " is not a number"
}

func errInvalid(what, value string) error { return invalidValue{what, value} }
