package ui

import (
	"image/color"

	"safeinvoice/invoice"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// entry is a widget.Entry that counts typing as activity for the idle
// lock and passes the window's shortcuts (Ctrl+S, Ctrl+N, …) on to the
// canvas instead of swallowing them.
type entry struct {
	widget.Entry
	u *UI
	// list is the invoice list a search entry belongs to (for tests).
	list *invoiceList
}

func (u *UI) newEntry() *entry {
	e := &entry{u: u}
	e.ExtendBaseWidget(e)
	return e
}

func (u *UI) newPasswordEntry() *entry {
	e := u.newEntry()
	e.Password = true
	return e
}

func (u *UI) newMultiLineEntry() *entry {
	e := u.newEntry()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

// TypedRune records activity.
func (e *entry) TypedRune(r rune) {
	e.u.touch()
	e.Entry.TypedRune(r)
}

// TypedKey records activity.
func (e *entry) TypedKey(k *fyne.KeyEvent) {
	e.u.touch()
	e.Entry.TypedKey(k)
}

// TypedShortcut hands the window's own shortcuts to the canvas.
func (e *entry) TypedShortcut(s fyne.Shortcut) {
	e.u.touch()
	if _, ok := s.(*desktop.CustomShortcut); ok {
		e.u.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
		return
	}
	e.Entry.TypedShortcut(s)
}

// activity sits behind the content and sees mouse movement and taps that
// land on nothing interactive, for the idle lock.
type activity struct {
	widget.BaseWidget
	u *UI
}

func newActivity(u *UI) *activity {
	a := &activity{u: u}
	a.ExtendBaseWidget(a)
	return a
}

// CreateRenderer draws nothing.
func (a *activity) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MouseIn records activity.
func (a *activity) MouseIn(*desktop.MouseEvent) { a.u.touch() }

// MouseMoved records activity.
func (a *activity) MouseMoved(*desktop.MouseEvent) { a.u.touch() }

// MouseOut does nothing.
func (a *activity) MouseOut() {}

// Tapped records activity.
func (a *activity) Tapped(*fyne.PointEvent) { a.u.touch() }

// act wraps a button's action so that it counts as activity.
func (u *UI) act(fn func()) func() {
	return func() {
		u.touch()
		fn()
	}
}

// button is a button whose taps count as activity.
func (u *UI) button(label string, icon fyne.Resource, fn func()) *widget.Button {
	return widget.NewButtonWithIcon(label, icon, u.act(fn))
}

// primary is the screen's main button.
func (u *UI) primary(label string, icon fyne.Resource, fn func()) *widget.Button {
	b := u.button(label, icon, fn)
	b.Importance = widget.HighImportance
	return b
}

// schemeSelect is a choice of electronic address scheme (EAS) showing
// code and meaning, set to code; its func returns the chosen code ("" for
// none).
func schemeSelect(code string) (*widget.Select, func() string) {
	var names []string
	codes := map[string]string{}
	for _, sc := range invoice.Schemes() {
		label := sc[0] + " — " + sc[1]
		names = append(names, label)
		codes[label] = sc[0]
	}
	sel := widget.NewSelect(names, nil)
	for label, c := range codes {
		if c != "" && c == code {
			sel.SetSelected(label)
		}
	}
	return sel, func() string { return codes[sel.Selected] }
}
