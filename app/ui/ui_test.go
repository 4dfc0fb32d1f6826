package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
)

const (
	adminName     = "anna"
	adminPassword = "Tr0mbone-Galaxy-Pickle-42"
)

// windowSize is the fixed size of every test window and golden.
var windowSize = fyne.NewSize(1100, 720)

func TestMain(m *testing.M) {
	time.Local = time.UTC // goldens show times
	os.Exit(m.Run())
}

// testConfig is a fresh data directory with cheap KDF settings and a
// settable clock.
func testConfig(t *testing.T) (app.Config, *testkit.Clock) {
	t.Helper()
	c := testkit.NewClock()
	return app.Config{DataDir: filepath.Join(t.TempDir(), "data"), WorkFactor: testkit.CheapWorkFactor, Now: c.Now,
		AnchorDir: filepath.Join(t.TempDir(), "anchors")}, c
}

func newTestUI(t *testing.T, cfg app.Config) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	u := New(a, cfg)
	u.win.Resize(windowSize)
	dir := t.TempDir()
	u.pickPath = func(name string) string {
		if name == "" {
			return dir
		}
		return filepath.Join(dir, name)
	}
	t.Cleanup(func() { u.Wait(); u.closeSession() })
	return u
}

// seedVault makes a vault with the administrator and one client, closed.
func seedVault(t *testing.T, cfg app.Config) {
	t.Helper()
	s, err := app.Init(cfg, app.InitParams{User: adminName, Password: adminPassword, Business: "Acme Tools"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SaveClient(invoice.Client{Name: "Globex Corporation", Email: "ap@globex.example"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// signIn logs in through the login screen.
func signIn(t *testing.T, u *UI, name, password string) {
	t.Helper()
	es := entries(u)
	es[0].SetText(name)
	es[1].SetText(password)
	tap(t, u, "Unlock")
	if u.Session() == nil {
		t.Fatalf("not signed in: %q", dialogText(u))
	}
}

// all lists every object laid out in the window and its overlays.
func all(u *UI) []fyne.CanvasObject {
	out := test.LaidOutObjects(u.win.Content())
	for _, o := range u.win.Canvas().Overlays().List() {
		out = append(out, test.LaidOutObjects(o)...)
	}
	return out
}

// overlayObjects lists the objects of the dialogs on top.
func overlayObjects(u *UI) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, o := range u.win.Canvas().Overlays().List() {
		out = append(out, test.LaidOutObjects(o)...)
	}
	return out
}

func entries(u *UI) []*entry {
	var es []*entry
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if e, ok := o.(*entry); ok && e.Visible() {
			es = append(es, e)
		}
	}
	return es
}

func dialogEntries(u *UI) []*entry {
	var es []*entry
	for _, o := range overlayObjects(u) {
		if e, ok := o.(*entry); ok {
			es = append(es, e)
		}
	}
	return es
}

func findButton(u *UI, text string) *widget.Button {
	objs := all(u)
	// Dialogs first: they are on top.
	for i := len(objs) - 1; i >= 0; i-- {
		if b, ok := objs[i].(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	return nil
}

func button(t *testing.T, u *UI, text string) *widget.Button {
	t.Helper()
	b := findButton(u, text)
	if b == nil {
		t.Fatalf("no button %q on screen; dialog %q", text, dialogText(u))
	}
	return b
}

func tap(t *testing.T, u *UI, text string) {
	t.Helper()
	b := button(t, u, text)
	if b.Disabled() {
		t.Fatalf("button %q is disabled", text)
	}
	onUI(u, func() { test.Tap(b) })
	u.Wait()
}

// onUI runs fn as the UI goroutine would: background callbacks wait until
// it returns (Fyne's test driver runs them on their own goroutines).
func onUI(u *UI, fn func()) {
	u.doneMu.Lock()
	defer u.doneMu.Unlock()
	fn()
}

func labels(u *UI) string {
	var sb strings.Builder
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			sb.WriteString(l.Text + "\n")
		}
	}
	return sb.String()
}

func hasLabel(u *UI, substr string) bool { return strings.Contains(labels(u), substr) }

// dialogText returns the text of the dialogs on top of the window.
func dialogText(u *UI) string {
	var sb strings.Builder
	for _, o := range overlayObjects(u) {
		switch w := o.(type) {
		case *widget.Label:
			sb.WriteString(w.Text + "\n")
		case *widget.RichText:
			sb.WriteString(w.String() + "\n")
		}
	}
	return sb.String()
}

func closeDialogs(u *UI) {
	for u.win.Canvas().Overlays().Top() != nil {
		u.win.Canvas().Overlays().Top().Hide()
		u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())
	}
}

func TestFirstRun(t *testing.T) {
	cfg, _ := testConfig(t)
	u := newTestUI(t, cfg)
	backupDir := t.TempDir()
	u.pickPath = func(name string) string {
		if name == "" {
			return backupDir
		}
		return filepath.Join(backupDir, name)
	}
	es := entries(u)
	if len(es) != 3 {
		t.Fatalf("administrator step has %d entries, want 3", len(es))
	}
	test.AssertRendersToMarkup(t, "firstrun_admin.xml", u.win.Canvas())
	user, password, repeat := es[0], es[1], es[2]
	test.Type(user, adminName)
	test.Type(password, "short")
	if !hasLabel(u, "Use at least 12 characters (5 so far).") {
		t.Error("no length hint for a short password")
	}
	password.SetText(adminPassword)
	repeat.SetText(adminPassword + "x")
	tap(t, u, "Next")
	if !strings.Contains(dialogText(u), "The two passwords differ.") {
		t.Errorf("dialog: %q", dialogText(u))
	}
	closeDialogs(u)
	repeat.SetText(adminPassword)
	tap(t, u, "Next")

	// Business, with a logo: a text file is refused, a PNG taken.
	es = entries(u)
	es[0].SetText("Acme Tools")
	es[1].SetText("1 Main Street\nSpringfield")
	logoDir := t.TempDir()
	notImage, logoFile := filepath.Join(logoDir, "logo.txt"), filepath.Join(logoDir, "logo.png")
	if err := os.WriteFile(notImage, []byte("not an image"), 0o600); err != nil {
		t.Fatal(err)
	}
	logo := testPNG(t)
	if err := os.WriteFile(logoFile, logo, 0o600); err != nil {
		t.Fatal(err)
	}
	pick := u.pickPath
	u.pickPath = func(string) string { return notImage }
	tap(t, u, "Choose…")
	if d := dialogText(u); !strings.Contains(d, "not a PNG or JPEG image") {
		t.Errorf("a text file as logo: %q", d)
	}
	closeDialogs(u)
	u.pickPath = func(string) string { return logoFile }
	tap(t, u, "Choose…")
	if d := dialogText(u); d != "" || hasLabel(u, "No logo") {
		t.Errorf("the logo was not taken: %q %s", d, labels(u))
	}
	u.pickPath = pick
	tap(t, u, "Next")

	// Backups: choose the folder.
	tap(t, u, "Choose…")
	if got := entries(u)[0].Text; got != backupDir {
		t.Fatalf("backup folder %q", got)
	}
	tap(t, u, "Create vault")
	if d := dialogText(u); d != "" {
		t.Fatalf("create: %s", d)
	}
	if !cfg.VaultExists() {
		t.Fatal("no vault")
	}

	// Recovery kit: Finish stays disabled until the kit is saved and the
	// box ticked.
	if !button(t, u, "Finish set-up").Disabled() {
		t.Error("Finish is enabled before the recovery kit was saved")
	}
	if !button(t, u, "Open to print").Disabled() {
		t.Error("Open to print is enabled before the kit was saved")
	}
	tap(t, u, "Save recovery key…")
	tap(t, u, "Save recovery kit (PDF)…")
	tap(t, u, "Open to print")
	if d := dialogText(u); d != "" {
		t.Errorf("open the kit: %q", d)
	}
	for _, name := range []string{"SafeInvoice recovery key.txt", "SafeInvoice recovery kit.pdf"} {
		st, err := os.Stat(filepath.Join(backupDir, name))
		if err != nil || st.Size() == 0 || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", name, st, err)
		}
	}
	var check *widget.Check
	for _, o := range all(u) {
		if c, ok := o.(*widget.Check); ok {
			check = c
		}
	}
	test.Tap(check)
	tap(t, u, "Finish set-up")
	u.Wait()
	s := u.Session()
	if s == nil || s.User().Role != auth.RoleAdministrator {
		t.Fatal("not signed in as the administrator")
	}
	st, _ := s.Settings()
	bs, _ := s.BackupSettings()
	if st.BusinessAddress != "1 Main Street\nSpringfield" || bs.Dir != backupDir || !bytes.Equal(st.Logo, logo) {
		t.Errorf("settings not applied: %+v %+v", st, bs)
	}
	if u.shell == nil || u.shell.current != "dashboard" {
		t.Fatal("not on the dashboard")
	}
	if !hasLabel(u, "Audit trail verified: intact.") {
		t.Errorf("dashboard: %s", labels(u))
	}
}

func TestLoginLockoutAndNotice(t *testing.T) {
	cfg, clk := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	test.AssertRendersToMarkup(t, "login.xml", u.win.Canvas())
	es := entries(u)
	if len(es) != 2 {
		t.Fatalf("login screen has %d entries, want 2", len(es))
	}
	es[0].SetText(adminName)
	for i := range auth.DefaultLockoutThreshold {
		es[1].SetText("wrong password!")
		tap(t, u, "Unlock")
		d := dialogText(u)
		closeDialogs(u)
		if i == 0 && !strings.Contains(d, "The user name or password is not right.") {
			t.Errorf("dialog after a wrong password: %q", d)
		}
		if es[1].Text != "" {
			t.Error("the wrong password was left in the field")
		}
	}
	es[1].SetText(adminPassword)
	tap(t, u, "Unlock")
	if u.Session() != nil {
		t.Fatal("signed in during the back-off")
	}
	if !strings.Contains(dialogText(u), "Too many failed attempts. Wait") || !hasLabel(u, "Too many failed attempts") {
		t.Errorf("no lockout notice: %q / %q", dialogText(u), labels(u))
	}
	closeDialogs(u)
	clk.Advance(time.Hour)
	es[1].SetText(adminPassword)
	tap(t, u, "Unlock")
	if u.Session() == nil {
		t.Fatalf("not signed in: %q", dialogText(u))
	}
	if d := dialogText(u); !strings.Contains(d, "5 failed attempts since your last login") {
		t.Errorf("no failed-attempt notice: %q", d)
	}
}

func TestInvoiceIssuePayExport(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	sh := u.shell
	onUI(u, func() { sh.open("invoices") })
	u.Wait()
	if !hasLabel(u, "No invoices yet.") {
		t.Errorf("empty list: %s", labels(u))
	}
	test.AssertRendersToMarkup(t, "invoices_empty.xml", u.win.Canvas())
	tap(t, u, "New invoice")
	e := findEditor(t, u)
	l := e.lines[0]
	test.Type(l.desc, "Consulting")
	l.qty.SetText("10")
	l.price.SetText("150.00")
	l.tax.SetText("19")
	if !hasLabel(u, "€1,500.00") || !hasLabel(u, "Tax 19% on €1,500.00") || !hasLabel(u, "€1,785.00") {
		t.Errorf("live totals: %s", labels(u))
	}
	e.notes.SetText("Pay to IBAN DE89 3704 0044 0532 0130 00")
	if !hasLabel(u, "looks like IBAN") {
		t.Errorf("no inline scanner warning: %s", labels(u))
	}
	e.notes.SetText("Thank you for your business.")
	test.AssertRendersToMarkup(t, "editor_draft.xml", u.win.Canvas())
	tap(t, u, "Save")
	if d := dialogText(u); d != "" {
		t.Fatalf("save: %s", d)
	}
	tap(t, u, "Issue")
	tap(t, u, "Yes")
	u.Wait()
	e = findEditor(t, u)
	if e.inv.Number != "INV-2026-0001" || e.inv.Status != invoice.StatusIssued {
		t.Fatalf("after issue: %q %q; %q", e.inv.Number, e.inv.Status, dialogText(u))
	}
	tap(t, u, "Record payment")
	des := dialogEntries(u)
	des[1].SetText("1000.00")
	tap(t, u, "Record")
	e = findEditor(t, u)
	if e.inv.Status != invoice.StatusPartiallyPaid || !hasLabel(u, "Payment of €1,000.00 on 2026-11-24") {
		t.Fatalf("after payment: %q %s %q", e.inv.Status, labels(u), dialogText(u))
	}
	// Export… opens a menu (PDF, e-invoice, send); Ctrl+E exports the PDF.
	onUI(u, func() { sh.onExport() })
	u.Wait()
	dir := u.pickPath("")
	matches, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(matches) != 1 {
		t.Fatalf("exported %v; %q", matches, dialogText(u))
	}
	if data, _ := os.ReadFile(matches[0]); !strings.HasPrefix(string(data), "%PDF") {
		t.Error("not a PDF")
	}
	// The list shows it.
	onUI(u, func() { sh.open("invoices") })
	u.Wait()
	if !hasLabel(u, "1 invoice") {
		t.Errorf("list: %s", labels(u))
	}
	test.AssertRendersToMarkup(t, "invoices_list.xml", u.win.Canvas())
	// Duplicate and credit note from the issued invoice.
	onUI(u, func() { openInvoice(sh, e.inv.ID) })
	u.Wait()
	tap(t, u, "Credit note")
	if ce := findEditor(t, u); ce.inv.Kind != invoice.KindCreditNote || ce.inv.Status != invoice.StatusDraft {
		t.Errorf("credit note: %+v", ce.inv)
	}
}

func findEditor(t *testing.T, u *UI) *editor {
	t.Helper()
	if u.shell == nil || u.shell.editor == nil {
		t.Fatalf("no invoice editor on screen; dialog %q", dialogText(u))
	}
	return u.shell.editor
}

func TestInvoiceListPages(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	s, err := app.Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GenerateDemo(app.DemoOptions{Clients: 20, Invoices: 1200, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	onUI(u, func() { u.shell.open("invoices") })
	u.Wait()
	if !hasLabel(u, "1,200 invoices") {
		t.Fatalf("count: %s", labels(u))
	}
	var l *invoiceList
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if e, ok := o.(*entry); ok && e.list != nil {
			l = e.list
		}
	}
	if l == nil {
		t.Fatal("no list")
	}
	if len(l.pages) != 1 {
		t.Errorf("%d pages loaded at first, want 1", len(l.pages))
	}
	// A row further down comes empty at first, its page fetched off the
	// UI goroutine, and is there once the page is.
	var ok bool
	onUI(u, func() { _, ok = l.row(1100) })
	if ok {
		t.Error("row 1100 was there before its page was fetched")
	}
	u.Wait()
	var r app.InvoiceRow
	onUI(u, func() { r, ok = l.row(1100) })
	if !ok || r.ID == "" {
		t.Error("row 1100 not fetched")
	}
	if len(l.pages) != 2 {
		t.Errorf("%d pages loaded, want 2", len(l.pages))
	}
	// Type a number, press Enter: that invoice opens, once the search
	// is back.
	onUI(u, func() { l.row(700) })
	u.Wait()
	onUI(u, func() { r, _ = l.row(700) })
	onUI(u, func() {
		l.search.SetText(r.Number)
		l.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	u.Wait()
	if u.shell.editor == nil || u.shell.editor.inv.ID != r.ID {
		t.Fatalf("Enter in the search box did not open %s: %s", r.Number, labels(u))
	}
	onUI(u, func() { u.shell.open("invoices") })
	u.Wait()
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if e, ok := o.(*entry); ok && e.list != nil {
			l = e.list
		}
	}
	onUI(u, func() { l.search.SetText("zzzz-no-such-word") })
	u.Wait()
	if !hasLabel(u, "No invoices match.") {
		t.Errorf("search: %s", labels(u))
	}
	// Enter with no match does nothing.
	onUI(u, func() { l.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	u.Wait()
	if u.shell.editor != nil {
		t.Error("Enter without a match opened an invoice")
	}
}

func TestBackupAndRestore(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	keyFile := filepath.Join(t.TempDir(), "key.txt")
	key, err := u.Session().RecoveryKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	onUI(u, func() { u.shell.open("backups") })
	u.Wait()
	tap(t, u, "Choose…")
	tap(t, u, "Save settings")
	tap(t, u, "Back up now")
	if !hasLabel(u, "Backup written") {
		t.Fatalf("backup: %s %q", labels(u), dialogText(u))
	}
	// Listed at once, not yet verified.
	if !hasLabel(u, "1 backup; 1 not verified yet: click Verify all.") || !hasLabel(u, "Not verified yet") {
		t.Fatalf("listing: %s", labels(u))
	}
	// A change after the backup, which the restore must undo.
	if _, _, err := u.Session().SaveClient(invoice.Client{Name: "Initech", Email: "x@initech.example"}); err != nil {
		t.Fatal(err)
	}
	tap(t, u, "Verify all")
	if !hasLabel(u, "1 backup; all verified.") || !hasLabel(u, "Verified just now: restores") {
		t.Fatalf("verify: %s %q", labels(u), dialogText(u))
	}
	tap(t, u, "Restore…")
	if d := dialogText(u); !strings.Contains(d, "It holds") || !strings.Contains(d, "1 client,") || !strings.Contains(d, "It was verified just now") {
		t.Errorf("no preview: %q", d)
	}
	dialogEntries(u)[0].SetText(keyFile)
	tap(t, u, "Replace my books")
	u.Wait()
	if u.Session() != nil {
		t.Fatal("still signed in after a restore")
	}
	if !hasLabel(u, "Restored the backup of") {
		t.Fatalf("no restore notice: %s %q", labels(u), dialogText(u))
	}
	signIn(t, u, adminName, adminPassword)
	cs, err := u.Session().Clients()
	if err != nil || len(cs) != 1 {
		t.Errorf("clients after restore: %v %v", cs, err)
	}
}

func TestUsersAuditAndIdleLock(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	onUI(u, func() { u.shell.open("users") })
	u.Wait()
	tap(t, u, "Add user")
	des := dialogEntries(u)
	des[0].SetText("bob")
	des[1].SetText("Saxophone-Meadow-Turnip-77")
	tap(t, u, "Add")
	if !strings.Contains(dialogText(u), "bob must choose their own password") {
		t.Fatalf("add user: %q", dialogText(u))
	}
	closeDialogs(u)
	users, _ := u.Session().Users()
	if len(users) != 2 || users[1].Name != "bob" && users[0].Name != "bob" {
		t.Errorf("users: %+v", users)
	}

	onUI(u, func() { u.shell.open("audit") })
	u.Wait()
	if !hasLabel(u, "user.add") {
		t.Errorf("audit log: %s", labels(u))
	}
	tap(t, u, "Verify")
	if !hasLabel(u, "Intact: all") {
		t.Errorf("verify: %s", labels(u))
	}
	tap(t, u, "Check the books")
	if !hasLabel(u, "The books are intact: ") || !hasLabel(u, "vault.check") {
		t.Errorf("check the books: %s %q", labels(u), dialogText(u))
	}

	// bob signs in: forced password change, and sees no administrator
	// screens.
	tap(t, u, "Lock")
	signIn(t, u, "bob", "Saxophone-Meadow-Turnip-77")
	if !hasLabel(u, "You must choose a new password") {
		t.Fatalf("no forced change: %s", labels(u))
	}
	es := entries(u)
	es[0].SetText("Saxophone-Meadow-Turnip-77")
	es[1].SetText("Quartz-Harbor-Lantern-19")
	es[2].SetText("Quartz-Harbor-Lantern-19")
	tap(t, u, "Change password")
	if u.shell == nil {
		t.Fatalf("not in the main window: %q", dialogText(u))
	}
	for _, d := range u.shell.defs {
		if d.id == "users" || d.id == "settings" || d.id == "audit" {
			t.Errorf("a clerk is offered %s", d.title)
		}
	}

	// Idle lock.
	u.do(func() {})
	u.startIdle(30 * time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for u.Session() != nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if u.Session() != nil {
		t.Fatal("the idle lock did not lock")
	}
	u.do(func() {
		if !hasLabel(u, "Locked after 1 minute without activity") {
			t.Errorf("no idle notice: %s", labels(u))
		}
	})
}

// TestScreensRender compares the main screens with their markup goldens.
// The audit log has none: it shows record ids, which are random.
func TestScreensRender(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	for _, id := range []string{"dashboard", "quotes", "recurring", "clients", "backups", "users", "settings", "account"} {
		onUI(u, func() { u.shell.open(id) })
		u.Wait()
		u.Wait()
		test.AssertRendersToMarkup(t, id+".xml", u.win.Canvas())
	}
}

func TestExportPDFsBatch(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	s, err := app.Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GenerateDemo(app.DemoOptions{Clients: 3, Invoices: 8, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	page, err := s.ListInvoices(app.InvoiceQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	issued := 0
	for _, r := range page.Rows {
		if r.Status != invoice.StatusDraft {
			issued++
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if issued == 0 {
		t.Fatal("the demo data holds no issued invoice")
	}
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	sh := u.shell
	onUI(u, func() { sh.open("invoices") })
	u.Wait()

	// Through the list's action: the folder dialog, then the export.
	tap(t, u, "Export PDFs…")
	dir := u.pickPath("")
	matches, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(matches) != issued {
		t.Fatalf("exported %d files, want %d; %q", len(matches), issued, dialogText(u))
	}
	if d := dialogText(u); !strings.Contains(d, "Wrote "+plural(issued, "file")+" to "+dir) {
		t.Errorf("end message: %q", d)
	}
	closeDialogs(u)

	// The progress bar follows the export to its end.
	dir2 := t.TempDir()
	var b *task
	onUI(u, func() { b = newPDFExport(sh, dir2) })
	if d := dialogText(u); !strings.Contains(d, "Writing every issued invoice") {
		t.Errorf("progress dialog: %q", d)
	}
	onUI(u, func() { startPDFExport(sh, b, dir2) })
	u.Wait()
	if b.bar.Value != float64(issued) || b.bar.Max != float64(issued) || b.bar.TextFormatter() != fmt.Sprintf("%d of %d", issued, issued) {
		t.Errorf("progress bar at %v of %v", b.bar.Value, b.bar.Max)
	}
	closeDialogs(u)

	// Cancelled before it starts: nothing is written, and the user is told.
	dir3 := t.TempDir()
	onUI(u, func() { b = newPDFExport(sh, dir3) })
	tap(t, u, "Cancel")
	if !button(t, u, "Cancel").Disabled() {
		t.Error("Cancel still enabled after cancelling")
	}
	onUI(u, func() { startPDFExport(sh, b, dir3) })
	u.Wait()
	if matches, _ := filepath.Glob(filepath.Join(dir3, "*")); len(matches) != 0 {
		t.Errorf("a cancelled export wrote %v", matches)
	}
	if d := dialogText(u); !strings.Contains(d, "cancelled before any file was written") {
		t.Errorf("cancel message: %q", d)
	}
}

func TestRestorePreviewFromLogin(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	s, err := app.Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	backups := t.TempDir()
	if _, err := s.BackupNow(context.Background(), backups, nil); err != nil {
		t.Fatal(err)
	}
	key, err := s.RecoveryKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	// A change after the backup, which the restore must undo.
	if _, _, err := s.SaveClient(invoice.Client{Name: "Initech", Email: "x@initech.example"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	keys := t.TempDir()
	keyFile := filepath.Join(keys, "key.txt")
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	other, _ := backup.NewRecoveryKey()
	wrongFile := filepath.Join(keys, "wrong.txt")
	if err := os.WriteFile(wrongFile, other.KeyFile("x", "", time.Now()), 0o600); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, cfg)
	parent := filepath.Dir(cfg.DataDir)
	before, _ := os.ReadDir(parent)

	openRestore := func(keyPath string) {
		t.Helper()
		closeDialogs(u)
		tap(t, u, "Restore from a backup…")
		es := dialogEntries(u)
		if len(es) != 2 {
			t.Fatalf("restore dialog entries: %d", len(es))
		}
		es[0].SetText(backups)
		es[1].SetText(keyPath)
		tap(t, u, "Preview…")
		u.Wait()
	}

	// A wrong key is refused before anything is shown or replaced.
	openRestore(wrongFile)
	if d := dialogText(u); !strings.Contains(d, "This recovery key does not open the backup") {
		t.Errorf("wrong key: %q", d)
	}
	if findButton(u, "Replace my books") != nil {
		t.Error("a restore is offered with a wrong key")
	}

	// The preview says what the backup holds; Cancel changes nothing.
	openRestore(keyFile)
	d := dialogText(u)
	for _, want := range []string{"Made 24 Nov 2026", "a full backup", "It holds 0 invoices, 1 client, 1 user and", "audit entries", "already holds books"} {
		if !strings.Contains(d, want) {
			t.Errorf("preview lacks %q: %q", want, d)
		}
	}
	tap(t, u, "Cancel")
	if after, _ := os.ReadDir(parent); len(after) != len(before) {
		t.Errorf("cancelled preview changed %s: %v", parent, after)
	}
	if hasLabel(u, "Restored the backup of") {
		t.Error("restored without confirmation")
	}

	// Confirmed: the books are those of the backup.
	openRestore(keyFile)
	tap(t, u, "Replace my books")
	u.Wait()
	if !hasLabel(u, "Restored the backup of") {
		t.Fatalf("no restore notice: %s %q", labels(u), dialogText(u))
	}
	signIn(t, u, adminName, adminPassword)
	cs, err := u.Session().Clients()
	if err != nil || len(cs) != 1 {
		t.Errorf("clients after restore: %v %v", cs, err)
	}
}

func TestPlural(t *testing.T) {
	for _, c := range [][3]any{{1, "entry", "1 entry"}, {3, "entry", "3 entries"}, {2, "day", "2 days"}, {2, "key", "2 keys"}, {0, "invoice", "0 invoices"}} {
		if got := plural(c[0].(int), c[1].(string)); got != c[2].(string) {
			t.Errorf("plural(%v, %v) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

// testPNG is a small PNG image, a logo for the tests.
func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := range 40 {
		img.Set(x, 10, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An invoice fetched for the editor does not open over a screen chosen
// while it was on its way.
func TestEditorDoesNotOpenOverALaterScreen(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	s := u.Session()
	cs, err := s.Clients()
	if err != nil || len(cs) == 0 {
		t.Fatal(cs, err)
	}
	d, _, err := s.SaveDraft(invoice.Invoice{ClientID: cs[0].ID, Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01",
		Lines: []invoice.Line{{Description: "Work", Quantity: "1", UnitPrice: "10.00", TaxRate: "19"}}})
	if err != nil {
		t.Fatal(err)
	}
	onUI(u, func() {
		openInvoice(u.shell, d.ID)
		u.shell.open("clients") // before the invoice is back
	})
	u.Wait()
	if u.shell.current != "clients" || u.shell.editor != nil {
		t.Errorf("the editor opened over the Clients screen: current %q, editor %v", u.shell.current, u.shell.editor != nil)
	}
}
