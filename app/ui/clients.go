package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/auth"
	"safeinvoice/invoice"
)

var clientColumns = columns{0, 0, 160}

func buildClients(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	var all, shown []invoice.Client
	filter := u.newEntry()
	filter.SetPlaceHolder("Filter by name or email  (Ctrl+F)")
	count := widget.NewLabel("")
	list := widget.NewList(
		func() int { return len(shown) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			email := widget.NewLabel("")
			email.Truncation = fyne.TextTruncateEllipsis
			tax := widget.NewLabel("")
			tax.Importance = widget.LowImportance
			return container.New(clientColumns, name, email, tax)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := shown[i]
			objs := o.(*fyne.Container).Objects
			objs[0].(*widget.Label).SetText(c.Name)
			objs[1].(*widget.Label).SetText(c.Email)
			objs[2].(*widget.Label).SetText(c.TaxID)
		})
	apply := func() {
		q := strings.ToLower(strings.TrimSpace(filter.Text))
		shown = shown[:0]
		for _, c := range all {
			if q == "" || strings.Contains(strings.ToLower(c.Name+" "+c.Email), q) {
				shown = append(shown, c)
			}
		}
		count.SetText(plural(len(shown), "client"))
		list.UnselectAll()
		list.Refresh()
	}
	reload := func() {
		fetch(u, s.Clients, func(got []invoice.Client, err error) {
			if err != nil {
				u.showError(err)
			}
			all = got
			apply()
		})
	}
	filter.OnChanged = func(string) { apply() }
	list.OnSelected = func(i widget.ListItemID) {
		u.touch()
		c := shown[i]
		list.UnselectAll()
		if u.can(auth.PermManageClients) {
			showClientForm(sh, c, func(invoice.Client) { reload() })
		}
	}
	reload()
	sh.onFind = func() { u.win.Canvas().Focus(filter) }
	var actions []fyne.CanvasObject
	if u.can(auth.PermManageClients) {
		add := func() { showClientForm(sh, invoice.Client{}, func(invoice.Client) { reload() }) }
		actions = append(actions, u.primary("New client", theme.ContentAddIcon(), add))
		sh.onNew = add
	}
	header := container.New(clientColumns, boldLabel("Name"), boldLabel("Email"), boldLabel("Tax id"))
	return page("Clients", actions, container.NewBorder(container.NewVBox(filter, header), count, nil, nil, list))
}

// showClientForm edits c (or a new client when c.ID is empty) in a dialog;
// saved is called with the stored client. The scanner's warnings are shown
// after saving.
func showClientForm(sh *shell, c invoice.Client, saved func(invoice.Client)) {
	u, s := sh.u, sh.s
	name, email, tax := u.newEntry(), u.newEntry(), u.newEntry()
	address := u.newMultiLineEntry()
	address.SetMinRowsVisible(3)
	name.SetText(c.Name)
	email.SetText(c.Email)
	address.SetText(c.Address)
	address.SetPlaceHolder("Optional: only if the invoice must show it")
	tax.SetText(c.TaxID)
	tax.SetPlaceHolder("Optional")
	// E-invoices need more of the client; only then is it asked for.
	city, postal, country, vat, eaddr := u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry()
	city.SetText(c.City)
	postal.SetText(c.PostalCode)
	country.SetText(c.Country)
	country.SetPlaceHolder("DE, FR, BE…")
	vat.SetText(c.VATID)
	vat.SetPlaceHolder("DE123456789")
	eaddr.SetText(c.EAddress)
	eaddr.SetPlaceHolder("Where e-invoices are delivered")
	scheme, schemeCode := schemeSelect(c.EAddressScheme)
	einvoiceForm := widget.NewForm(
		widget.NewFormItem("City", city),
		widget.NewFormItem("Postal code", postal),
		widget.NewFormItem("Country", country),
		widget.NewFormItem("VAT id", vat),
		widget.NewFormItem("Electronic address", eaddr),
		widget.NewFormItem("Address scheme", scheme),
	)
	formats := []string{"None (PDF only)", "Factur-X / ZUGFeRD", "XRechnung (CII)", "XRechnung (UBL)", "Peppol BIS 3.0"}
	formatCode := map[string]string{formats[0]: "", formats[1]: invoice.EInvoiceFacturX, formats[2]: invoice.EInvoiceXRechnungCII,
		formats[3]: invoice.EInvoiceXRechnungUBL, formats[4]: invoice.EInvoicePeppol}
	format := widget.NewSelect(formats, nil)
	var d dialog.Dialog
	format.OnChanged = func(v string) {
		if formatCode[v] == "" {
			einvoiceForm.Hide()
		} else {
			einvoiceForm.Show()
		}
		if d != nil {
			d.Resize(fyne.NewSize(520, d.MinSize().Height))
		}
	}
	format.SetSelected(formats[0])
	for label, code := range formatCode {
		if code == c.EInvoice && code != "" {
			format.SetSelected(label)
		}
	}
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Email", email),
		widget.NewFormItem("Address", address),
		widget.NewFormItem("Tax id", tax),
		widget.NewFormItem("E-invoices", format),
	}
	title := "New client"
	if c.ID != "" {
		title = "Client " + c.Name
	}
	var deleteRow fyne.CanvasObject = layoutSpacer()
	if c.ID != "" && u.can(auth.PermManageClients) {
		// Deleting is offered in a separate confirmation.
		deleteRow = container.NewHBox(layoutSpacer(), u.button("Delete client…", theme.DeleteIcon(), func() {
			dialog.ShowConfirm("Delete "+c.Name+"?", "A client with invoices cannot be deleted.", func(ok bool) {
				if !ok {
					return
				}
				u.background(func() error { return s.DeleteClient(c.ID) }, func(err error) {
					if err != nil {
						u.showError(err)
						return
					}
					d.Hide()
					saved(invoice.Client{})
				})
			}, u.win)
		}))
	}
	// The e-invoice fields sit below the form, where hiding them takes
	// their room away too.
	content := container.NewVBox(widget.NewForm(items...), einvoiceForm, deleteRow)
	d = dialog.NewCustomConfirm(title, "Save", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		next := c
		next.Name, next.Email, next.Address, next.TaxID = name.Text, email.Text, address.Text, tax.Text
		next.EInvoice = formatCode[format.Selected]
		next.City, next.PostalCode, next.Country, next.VATID = city.Text, postal.Text, country.Text, vat.Text
		next.EAddress, next.EAddressScheme = eaddr.Text, schemeCode()
		var stored invoice.Client
		var warnings []invoice.Finding
		u.background(func() error {
			var err error
			stored, warnings, err = s.SaveClient(next)
			return err
		}, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			saved(stored)
			if len(warnings) > 0 {
				parts := make([]string, len(warnings))
				for i, f := range warnings {
					parts[i] = fmt.Sprintf("%s looks like %s (%s)", f.Field, f.Detail, f.Excerpt)
				}
				u.showInfo("Saved, with a warning", "Sensitive data does not belong on an invoice: "+strings.Join(parts, "; ")+".")
			}
		})
	}, u.win)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	d.Show()
	u.win.Canvas().Focus(name)
}
