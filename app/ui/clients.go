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
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Email", email),
		widget.NewFormItem("Address", address),
		widget.NewFormItem("Tax id", tax),
	}
	title := "New client"
	if c.ID != "" {
		title = "Client " + c.Name
	}
	var d dialog.Dialog
	if c.ID != "" && u.can(auth.PermManageClients) {
		// Deleting is offered in a separate confirmation.
		items = append(items, widget.NewFormItem("", u.button("Delete client…", theme.DeleteIcon(), func() {
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
		})))
	}
	d = dialog.NewForm(title, "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		next := c
		next.Name, next.Email, next.Address, next.TaxID = name.Text, email.Text, address.Text, tax.Text
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
	d.Resize(fyne.NewSize(480, d.MinSize().Height))
	d.Show()
	u.win.Canvas().Focus(name)
}
