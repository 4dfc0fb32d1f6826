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

var itemColumns = columns{0, 120, 70, 70, 70}

// itemRow is the catalogue list's row template.
func itemRow() fyne.CanvasObject {
	desc := widget.NewLabel("")
	desc.Truncation = fyne.TextTruncateEllipsis
	return container.New(itemColumns, desc, widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}),
		widget.NewLabel(""), widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}), widget.NewLabel(""))
}

func fillItemRow(it invoice.Item, o fyne.CanvasObject) {
	objs := o.(*fyne.Container).Objects
	objs[0].(*widget.Label).SetText(it.Description)
	objs[1].(*widget.Label).SetText(it.UnitPrice)
	objs[2].(*widget.Label).SetText(it.Unit)
	objs[3].(*widget.Label).SetText(it.TaxRate + " %")
	objs[4].(*widget.Label).SetText(it.TaxCategory)
}

func itemHeader() fyne.CanvasObject {
	return container.New(itemColumns, boldLabel("Description"), rightLabel("Unit price", true), boldLabel("Unit"),
		rightLabel("Tax", true), boldLabel("Category"))
}

// filterItems is the items whose description has every word of q.
func filterItems(all []invoice.Item, q string) []invoice.Item {
	words := strings.Fields(invoice.Fold(q))
	var out []invoice.Item
	for _, it := range all {
		d := invoice.Fold(it.Description)
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(d, w)
		}
		if ok {
			out = append(out, it)
		}
	}
	return out
}

func buildCatalogue(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	var all, shown []invoice.Item
	filter := u.newEntry()
	filter.SetPlaceHolder("Filter by description  (Ctrl+F)")
	count := widget.NewLabel("")
	list := widget.NewList(func() int { return len(shown) }, itemRow, func(i widget.ListItemID, o fyne.CanvasObject) { fillItemRow(shown[i], o) })
	apply := func() {
		shown = filterItems(all, filter.Text)
		switch {
		case len(all) == 0:
			count.SetText("No items yet: products and services added here are picked into invoice lines.")
		default:
			count.SetText(plural(len(shown), "item"))
		}
		list.UnselectAll()
		list.Refresh()
	}
	reload := func() {
		fetch(u, s.Items, func(got []invoice.Item, err error) {
			if err != nil {
				u.showError(err)
			}
			all = got
			apply()
		})
	}
	filter.OnChanged = func(string) { apply() }
	manage := u.can(auth.PermManageCatalogue)
	list.OnSelected = func(i widget.ListItemID) {
		u.touch()
		it := shown[i]
		list.UnselectAll()
		if manage {
			showItemForm(sh, it, reload)
		}
	}
	reload()
	sh.onFind = func() { u.win.Canvas().Focus(filter) }
	var actions []fyne.CanvasObject
	if manage {
		actions = append(actions,
			u.button("Import…", theme.UploadIcon(), func() { importCatalogue(sh, reload) }),
			u.button("Export…", theme.DownloadIcon(), func() { exportCatalogue(sh) }),
			u.primary("New item", theme.ContentAddIcon(), func() { showItemForm(sh, invoice.Item{}, reload) }))
		sh.onNew = func() { showItemForm(sh, invoice.Item{}, reload) }
	}
	return page("Catalogue", actions, container.NewBorder(container.NewVBox(filter, itemHeader()), count, nil, nil, list))
}

// showItemForm edits it (a new item when its ID is empty); saved runs
// after a save or a delete.
func showItemForm(sh *shell, it invoice.Item, saved func()) {
	u, s := sh.u, sh.s
	desc, price, unit, rate, category := u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry()
	desc.SetText(it.Description)
	price.SetText(it.UnitPrice)
	price.SetPlaceHolder("95.00")
	unit.SetText(it.Unit)
	unit.SetPlaceHolder("Optional: HUR (hour), DAY, C62 (piece)…")
	rate.SetText(it.TaxRate)
	rate.SetPlaceHolder("19")
	category.SetText(it.TaxCategory)
	category.SetPlaceHolder("Optional: E, Z, AE… for a rate that needs one")
	items := []*widget.FormItem{widget.NewFormItem("Description", desc), widget.NewFormItem("Unit price", price),
		widget.NewFormItem("Unit", unit), widget.NewFormItem("Tax %", rate), widget.NewFormItem("VAT category", category)}
	title := "New item"
	if it.ID != "" {
		title = "Item"
	}
	var d dialog.Dialog
	form := widget.NewForm(items...)
	form.SubmitText = "Save"
	form.OnSubmit = func() {
		next := it
		next.Description, next.UnitPrice, next.Unit, next.TaxRate, next.TaxCategory = desc.Text, price.Text, unit.Text, rate.Text, category.Text
		u.background(func() error {
			_, err := s.SaveItem(next)
			return err
		}, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			d.Hide()
			saved()
		})
	}
	form.CancelText = "Cancel"
	form.OnCancel = func() { d.Hide() }
	body := container.NewVBox(form)
	if it.ID != "" {
		body.Add(u.button("Remove from the catalogue", theme.DeleteIcon(), func() {
			dialog.ShowConfirm("Remove "+it.Description+"?", "Invoices that used it keep their lines.", func(ok bool) {
				if !ok {
					return
				}
				u.background(func() error { return s.DeleteItem(it.ID) }, func(err error) {
					if err != nil {
						u.showError(err)
						return
					}
					d.Hide()
					saved()
				})
			}, u.win)
		}))
	}
	d = dialog.NewCustomWithoutButtons(title, body, u.win)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	d.Show()
}

func importCatalogue(sh *shell, done func()) {
	u, s := sh.u, sh.s
	u.openDialog(func(path string) {
		var created, updated int
		u.background(func() error {
			res, err := s.ImportCatalogue(path)
			created, updated = res.Created, res.Updated
			return err
		}, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			u.showInfo("Catalogue imported", fmt.Sprintf("%s added, %d updated.", plural(created, "item"), updated))
			done()
		})
	})
}

func exportCatalogue(sh *shell) {
	u, s := sh.u, sh.s
	u.saveDialog("catalogue.csv", func(path string) {
		var n int
		u.background(func() error {
			var err error
			n, err = s.ExportCatalogue(path)
			return err
		}, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			u.showInfo("Catalogue exported", fmt.Sprintf("Wrote %s to %s.", plural(n, "item"), path))
		})
	})
}

// pickItem shows the catalogue, filtered as one types, and calls picked
// with the item chosen.
func pickItem(sh *shell, picked func(invoice.Item)) {
	u, s := sh.u, sh.s
	fetch(u, s.Items, func(all []invoice.Item, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if len(all) == 0 {
			u.showInfo("The catalogue is empty", "Add products and services on the Catalogue screen first.")
			return
		}
		shown := all
		filter := u.newEntry()
		filter.SetPlaceHolder("Type to filter")
		var d dialog.Dialog
		list := widget.NewList(func() int { return len(shown) }, itemRow, func(i widget.ListItemID, o fyne.CanvasObject) { fillItemRow(shown[i], o) })
		list.OnSelected = func(i widget.ListItemID) {
			it := shown[i]
			d.Hide()
			picked(it)
		}
		filter.OnChanged = func(q string) {
			shown = filterItems(all, q)
			list.UnselectAll()
			list.Refresh()
		}
		filter.OnSubmitted = func(string) {
			if len(shown) > 0 {
				d.Hide()
				picked(shown[0])
			}
		}
		scroll := container.NewBorder(container.NewVBox(filter, itemHeader()), nil, nil, nil, list)
		d = dialog.NewCustom("Add from the catalogue", "Cancel", scroll, u.win)
		d.Resize(fyne.NewSize(640, 420))
		d.Show()
		u.win.Canvas().Focus(filter)
	})
}
