package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// press types Ctrl (Cmd on macOS) + key on the window, as a person does.
func press(u *UI, key fyne.KeyName) {
	onUI(u, func() {
		u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
	})
	u.Wait()
}

func TestKeyboardShortcuts(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	sh := u.shell

	// Ctrl+1…9 open the first nine screens of the navigation in order.
	digits := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	if len(sh.defs) < len(digits) {
		t.Fatalf("an administrator has %d screens, want at least %d", len(sh.defs), len(digits))
	}
	for i, key := range digits {
		press(u, key)
		if sh.current != sh.defs[i].id {
			t.Errorf("Ctrl+%s opened %q, want %q", key, sh.current, sh.defs[i].id)
		}
	}
	key := func(id string) fyne.KeyName {
		if id == "settings" {
			return fyne.KeyComma
		}
		return digits[sh.index(id)]
	}

	// Ctrl+F opens the invoice list with the search box focused.
	press(u, fyne.Key1)
	press(u, fyne.KeyF)
	if sh.current != "invoices" {
		t.Fatalf("Ctrl+F opened %q", sh.current)
	}
	if e, ok := u.win.Canvas().Focused().(*entry); !ok || e.list == nil {
		t.Errorf("Ctrl+F focused %T, want the search box", u.win.Canvas().Focused())
	}

	// Ctrl+N is "new" of the screen: a client on Clients, else an
	// invoice.
	press(u, key("clients"))
	press(u, fyne.KeyN)
	if dialogText(u) == "" || sh.editor != nil {
		t.Errorf("Ctrl+N on Clients: dialog %q, editor %v", dialogText(u), sh.editor != nil)
	}
	closeDialogs(u)
	press(u, fyne.Key1)
	press(u, fyne.KeyN)
	if sh.editor == nil || sh.editor.inv.ID != "" || !sh.editor.editable {
		t.Fatalf("Ctrl+N on the dashboard: editor %+v", sh.editor)
	}

	// Ctrl+S saves the screen's form: the business name in Settings.
	press(u, key("settings"))
	if sh.current != "settings" {
		t.Fatalf("Ctrl+%s opened %q", key("settings"), sh.current)
	}
	var name *entry
	for _, e := range entries(u) {
		if e.Text == "Acme Tools" {
			name = e
		}
	}
	if name == nil {
		t.Fatalf("no business name field: %s", labels(u))
	}
	onUI(u, func() { name.SetText("Acme Tools Ltd") })
	press(u, fyne.KeyS)
	st, err := u.Session().Settings()
	if err != nil || st.BusinessName != "Acme Tools Ltd" {
		t.Errorf("Ctrl+S did not save the settings: %q %v", st.BusinessName, err)
	}
}

// TestSettingsTaxAndPDFFields sets the default tax rate and the PDF fields
// on the Settings screen; a new invoice's first line then has that rate.
func TestSettingsTaxAndPDFFields(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	onUI(u, func() { u.shell.open("settings") })
	u.Wait()
	var rate, note *entry
	for _, e := range entries(u) {
		switch e.PlaceHolder {
		case "e.g. 19":
			rate = e
		case "Optional, e.g. Thank you for your business.":
			note = e
		}
	}
	var address *widget.Check
	for _, o := range all(u) {
		if c, ok := o.(*widget.Check); ok && c.Text == "Print the client's postal address" {
			address = c
		}
	}
	if rate == nil || note == nil || address == nil {
		t.Fatalf("fields missing: %s", labels(u))
	}
	onUI(u, func() {
		rate.SetText("19,5")
		note.SetText("Thank you for your business.")
		address.SetChecked(true)
	})
	tap(t, u, "Save")
	if d := dialogText(u); !strings.Contains(d, `tax rate "19,5": invalid number`) {
		t.Fatalf("a bad rate was not refused: %q", d)
	}
	closeDialogs(u)
	onUI(u, func() { rate.SetText("7") })
	tap(t, u, "Save")
	if d := dialogText(u); !strings.Contains(d, "Settings saved") {
		t.Fatalf("save: %q", d)
	}
	closeDialogs(u)
	st, err := u.Session().Settings()
	if err != nil || st.DefaultTaxRate != "7" || st.PDFNote != "Thank you for your business." || !st.PDFClientAddress || st.PDFClientTaxID || st.PDFPaper != "a4" {
		t.Fatalf("settings %+v %v", st, err)
	}
	press(u, fyne.Key1)
	press(u, fyne.KeyN)
	if e := u.shell.editor; e == nil || e.lines[0].tax.Text != "7" {
		t.Errorf("new invoice's tax rate: %v", e)
	}
}

// TestWindowRemembersSizeScreenAndUser: closing the window keeps its size,
// the last screen and the last user in Fyne's preferences, and the next
// window opens with them.
func TestWindowRemembersSizeScreenAndUser(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	a := test.NewTempApp(t)
	u := New(a, cfg)
	u.win.Resize(fyne.NewSize(1000, 640))
	signIn(t, u, adminName, adminPassword)
	press(u, fyne.Key5) // Clients
	onUI(u, u.onClose)
	u.Wait()

	u2 := New(a, cfg)
	t.Cleanup(func() { u2.Wait(); u2.closeSession() })
	if size := u2.win.Canvas().Size(); size.Width != 1000 || size.Height != 640 {
		t.Errorf("the new window is %v, want 1000×640", size)
	}
	if u2.loginScreen == nil || entries(u2)[0].Text != adminName {
		t.Fatalf("the user name is not filled in: %s", labels(u2))
	}
	entries(u2)[1].SetText(adminPassword)
	tap(t, u2, "Unlock")
	if u2.shell == nil || u2.shell.current != "clients" {
		t.Errorf("opened on %v, want the last screen, clients", u2.shell)
	}
}
