package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
)

// screenDef is one entry of the navigation list.
type screenDef struct {
	id    string
	title string
	icon  fyne.Resource
	perm  auth.Permission
	build func(sh *shell) fyne.CanvasObject
}

// screens is the navigation, in order. A screen is offered only to roles
// that have its permission.
func screens() []screenDef {
	return []screenDef{
		{"dashboard", "Dashboard", theme.HomeIcon(), auth.PermViewInvoices, buildDashboard},
		{"invoices", "Invoices", theme.DocumentIcon(), auth.PermViewInvoices, buildInvoices},
		{"quotes", "Quotes", theme.FileTextIcon(), auth.PermViewInvoices, buildQuotes},
		{"recurring", "Recurring", theme.HistoryIcon(), auth.PermViewInvoices, buildRecurring},
		{"clients", "Clients", theme.AccountIcon(), auth.PermViewClients, buildClients},
		{"catalogue", "Catalogue", theme.ListIcon(), auth.PermViewInvoices, buildCatalogue},
		{"reports", "Reports", theme.DocumentPrintIcon(), auth.PermViewInvoices, buildReports},
		{"backups", "Backups", theme.StorageIcon(), auth.PermVerifyBackups, buildBackups},
		{"audit", "Audit log", theme.ListIcon(), auth.PermViewAuditLog, buildAudit},
		{"users", "Users and policy", theme.GridIcon(), auth.PermManageUsers, buildUsers},
		{"settings", "Settings", theme.SettingsIcon(), auth.PermEditSettings, buildSettings},
		{"account", "My account", theme.LoginIcon(), auth.PermChangeOwnPassword, buildAccount},
	}
}

// shell is the signed-in window: navigation on the left, the current screen
// on the right. Screens set the shortcut handlers they support.
type shell struct {
	u       *UI
	s       *app.Session
	defs    []screenDef
	nav     *widget.List
	body    *fyne.Container
	current string

	// Shortcut handlers of the current screen; nil when it has none.
	onNew, onSave, onFind, onExport func()
	// onAlerts is called when an alert arrives.
	onAlerts func()
	// status is the current editor's note label, and editor the editor,
	// if one is shown.
	status *widget.Label
	editor *editor
	// opened counts the screens opened from the navigation: what was
	// fetched for an earlier one is not shown over a later one.
	opened int
}

// showMain opens the signed-in window on screen id (the first allowed
// screen if id is empty or not allowed).
func (u *UI) showMain(id string) {
	s := u.Session()
	if s == nil {
		u.showLogin("")
		return
	}
	sh := &shell{u: u, s: s}
	for _, d := range screens() {
		if s.User().Role.Can(d.perm) {
			sh.defs = append(sh.defs, d)
		}
	}
	sh.nav = widget.NewList(
		func() int { return len(sh.defs) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel("Users and policy"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Icon).SetResource(sh.defs[i].icon)
			c.Objects[1].(*widget.Label).SetText(sh.defs[i].title)
		})
	sh.nav.OnSelected = func(i widget.ListItemID) {
		u.touch()
		if sh.defs[i].id != sh.current {
			sh.open(sh.defs[i].id)
		}
	}
	sh.body = container.NewStack()

	who := widget.NewLabel(s.User().Name + " · " + string(s.User().Role))
	who.Importance = widget.LowImportance
	lock := u.button("Lock", theme.LogoutIcon(), u.lock)
	title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(nil, nil, title, container.NewHBox(who, lock))
	fetch(u, s.Settings, func(st app.Settings, err error) {
		if err == nil {
			title.SetText(st.BusinessName)
			top.Refresh() // the title's width changed
		}
	})
	left := container.NewBorder(nil, nil, nil, widget.NewSeparator(), sh.nav)
	split := container.NewBorder(nil, nil, left, nil, container.NewPadded(sh.body))
	content := container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, split)
	u.shell = sh
	u.win.SetContent(container.NewStack(newActivity(u), content))
	sh.addShortcuts()

	if id == "" || sh.index(id) < 0 {
		id = sh.defs[0].id
	}
	sh.open(id)
}

func (sh *shell) index(id string) int {
	for i, d := range sh.defs {
		if d.id == id {
			return i
		}
	}
	return -1
}

// open shows screen id, remembering it as the last screen.
func (sh *shell) open(id string) {
	i := sh.index(id)
	if i < 0 {
		return
	}
	sh.onNew, sh.onSave, sh.onFind, sh.onExport, sh.onAlerts, sh.status, sh.editor = nil, nil, nil, nil, nil, nil, nil
	sh.current = id
	sh.opened++
	sh.u.fyneApp.Preferences().SetString(prefLastScreen, id)
	sh.show(sh.defs[i].build(sh))
	sh.nav.Select(i)
}

// show replaces the right-hand side (a screen or a sub-view such as the
// invoice editor).
func (sh *shell) show(o fyne.CanvasObject) {
	sh.body.Objects = []fyne.CanvasObject{o}
	sh.body.Refresh()
}

func (sh *shell) alertsChanged() {
	if sh.onAlerts != nil {
		sh.onAlerts()
	}
}

// addShortcuts registers Ctrl+N (new invoice), Ctrl+S (save), Ctrl+F
// (search), Ctrl+E (export) and Ctrl+1…9 (the screens of the navigation,
// in order) on the window.
func (sh *shell) addShortcuts() {
	c := sh.u.win.Canvas()
	mod := fyne.KeyModifierShortcutDefault
	add := func(key fyne.KeyName, fn func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod}, func(fyne.Shortcut) {
			if sh.u.shell != sh {
				return
			}
			sh.u.touch()
			fn()
		})
	}
	add(fyne.KeyN, func() {
		if sh.onNew != nil {
			sh.onNew()
			return
		}
		if sh.u.can(auth.PermCreateDraft) {
			sh.open("invoices")
			if sh.onNew != nil {
				sh.onNew()
			}
		}
	})
	add(fyne.KeyS, func() {
		if sh.onSave != nil {
			sh.onSave()
		}
	})
	add(fyne.KeyF, func() {
		if sh.onFind == nil {
			sh.open("invoices")
		}
		if sh.onFind != nil {
			sh.onFind()
		}
	})
	add(fyne.KeyE, func() {
		if sh.onExport != nil {
			sh.onExport()
		}
	})
	// Ctrl+, is Settings, as in most desktop programs (it is past Ctrl+9).
	add(fyne.KeyComma, func() {
		if sh.index("settings") >= 0 {
			sh.open("settings")
		}
	})
	digits := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	for i, key := range digits {
		add(key, func() {
			if i < len(sh.defs) {
				sh.open(sh.defs[i].id)
			}
		})
	}
}

// loaded stands in for what build makes of the value get reads off the UI
// goroutine: a "Loading…" line until then. Should the screen have been
// left meanwhile, build is not called, so that a screen no longer shown
// never takes the shortcuts (onSave, onNew…) of the one that is.
func loaded[T any](sh *shell, get func() (T, error), build func(T, error) fyne.CanvasObject) fyne.CanvasObject {
	wait := widget.NewLabel("Loading…")
	wait.Importance = widget.LowImportance
	box := container.NewStack(wait)
	fetch(sh.u, get, func(v T, err error) {
		if sh.u.shell != sh || !sh.showing(box) {
			return
		}
		box.Objects = []fyne.CanvasObject{build(v, err)}
		box.Refresh()
	})
	return box
}

// still reports whether the window shows sh, and no screen was opened
// since opened was read from sh.opened: whether what was fetched then may
// still be shown.
func (sh *shell) still(opened int) bool { return sh.u.shell == sh && sh.opened == opened }

// showing reports whether o is part of what the right-hand side shows.
func (sh *shell) showing(o fyne.CanvasObject) bool {
	var in func(c fyne.CanvasObject) bool
	in = func(c fyne.CanvasObject) bool {
		if c == o {
			return true
		}
		var children []fyne.CanvasObject
		switch w := c.(type) {
		case *fyne.Container:
			children = w.Objects
		case *container.Scroll:
			children = []fyne.CanvasObject{w.Content}
		case *container.Split:
			children = []fyne.CanvasObject{w.Leading, w.Trailing}
		}
		for _, ch := range children {
			if ch != nil && in(ch) {
				return true
			}
		}
		return false
	}
	return in(sh.body)
}
