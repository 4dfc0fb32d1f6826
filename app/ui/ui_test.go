package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
)

const (
	adminName     = "anna"
	adminPassword = "Tr0mbone-Galaxy-Pickle-42"
)

func testConfig(t *testing.T) app.Config {
	t.Helper()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	return app.Config{DataDir: filepath.Join(t.TempDir(), "data"), WorkFactor: 10, Now: func() time.Time { return now }}
}

func newTestUI(t *testing.T, cfg app.Config) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	u := New(a, cfg)
	u.win.Resize(fyne.NewSize(960, 640))
	t.Cleanup(func() { u.Wait(); u.closeSession() })
	return u
}

// objects lists every canvas object under the window's content, depth first.
func objects(u *UI) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		out = append(out, o)
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *widget.Form:
			for _, it := range w.Items {
				walk(it.Widget)
			}
		case *container.Scroll:
			walk(w.Content)
		}
	}
	walk(u.win.Content())
	return out
}

func entries(t *testing.T, u *UI) []*widget.Entry {
	t.Helper()
	var es []*widget.Entry
	for _, o := range objects(u) {
		if e, ok := o.(*widget.Entry); ok {
			es = append(es, e)
		}
	}
	return es
}

func button(t *testing.T, u *UI, text string) *widget.Button {
	t.Helper()
	for _, o := range objects(u) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q on screen", text)
	return nil
}

func hasLabel(u *UI, substr string) bool {
	for _, o := range objects(u) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, substr) {
			return true
		}
	}
	return false
}

// dialogText returns the text of the dialog on top of the window, if any.
func dialogText(u *UI) string {
	var sb strings.Builder
	for _, o := range u.win.Canvas().Overlays().List() {
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *widget.Label:
				sb.WriteString(w.Text + "\n")
			case *fyne.Container:
				for _, c := range w.Objects {
					walk(c)
				}
			case fyne.Widget:
				for _, c := range test.WidgetRenderer(w).Objects() {
					walk(c)
				}
			}
		}
		walk(o)
	}
	return sb.String()
}

func TestFirstRunCreatesAdministratorAndSignsIn(t *testing.T) {
	cfg := testConfig(t)
	u := newTestUI(t, cfg)
	es := entries(t, u)
	if len(es) != 4 {
		t.Fatalf("first-run screen has %d entries, want 4", len(es))
	}
	business, user, password, repeat := es[0], es[1], es[2], es[3]
	test.Type(business, "Acme Tools")
	test.Type(user, adminName)
	test.Type(password, "short")
	if !hasLabel(u, "Use at least 12 characters (5 so far).") {
		t.Error("no length hint for a short password")
	}
	password.SetText("")
	test.Type(password, adminPassword)
	test.Type(repeat, adminPassword)
	test.Tap(button(t, u, "Create administrator"))
	u.Wait()
	u.Wait() // the audit check the home screen starts
	if d := dialogText(u); d != "" {
		t.Fatalf("set-up failed: %s", d)
	}
	s := u.Session()
	if s == nil {
		t.Fatal("no session after set-up")
	}
	if s.User().Name != adminName || s.User().Role != auth.RoleAdministrator {
		t.Errorf("signed in as %+v", s.User())
	}
	if !hasLabel(u, "Signed in as anna (administrator).") || !hasLabel(u, "intact") {
		t.Error("home screen does not say who is signed in and that the audit trail is intact")
	}
	test.Tap(button(t, u, "Lock"))
	if u.Session() != nil {
		t.Error("Lock left the session open")
	}
	if len(entries(t, u)) != 2 {
		t.Error("Lock did not return to the login screen")
	}
}

func TestFirstRunRefusesMismatchAndWeakPassword(t *testing.T) {
	cfg := testConfig(t)
	u := newTestUI(t, cfg)
	es := entries(t, u)
	test.Type(es[0], "Acme Tools")
	test.Type(es[1], adminName)
	test.Type(es[2], adminPassword)
	test.Type(es[3], adminPassword+"x")
	test.Tap(button(t, u, "Create administrator"))
	u.Wait()
	if !strings.Contains(dialogText(u), "The two passwords differ.") {
		t.Errorf("dialog: %q", dialogText(u))
	}
	if cfg.VaultExists() {
		t.Fatal("a vault was created")
	}
	u.win.Canvas().Overlays().Top().Hide()
	es[2].SetText("acmetools123")
	es[3].SetText("acmetools123")
	test.Tap(button(t, u, "Create administrator"))
	u.Wait()
	if !strings.Contains(strings.ToLower(dialogText(u)), "password") || cfg.VaultExists() {
		t.Errorf("weak password accepted or not explained: %q", dialogText(u))
	}
}

func TestLoginScreen(t *testing.T) {
	cfg := testConfig(t)
	s, err := app.Init(cfg, app.InitParams{User: adminName, Password: adminPassword, Business: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, cfg)
	es := entries(t, u)
	if len(es) != 2 {
		t.Fatalf("login screen has %d entries, want 2", len(es))
	}
	test.Type(es[0], adminName)
	test.Type(es[1], "wrong password!")
	test.Tap(button(t, u, "Unlock"))
	u.Wait()
	if !strings.Contains(dialogText(u), "The user name or password is not right.") {
		t.Errorf("dialog after a wrong password: %q", dialogText(u))
	}
	if es[1].Text != "" {
		t.Error("the wrong password was left in the field")
	}
	u.win.Canvas().Overlays().Top().Hide()
	test.Type(es[1], adminPassword)
	test.Tap(button(t, u, "Unlock"))
	u.Wait()
	u.Wait()
	if !hasLabel(u, "intact") {
		t.Error("the audit check's result is not shown")
	}
	if u.Session() == nil || !hasLabel(u, "Signed in as anna") {
		t.Fatalf("not signed in; dialog %q", dialogText(u))
	}
}
