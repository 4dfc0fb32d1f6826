package ui

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// firstRun is the set-up wizard shown when the data directory holds no
// vault: the administrator, the business profile, the backup folder and the
// recovery kit, one step at a time.
type firstRun struct {
	u    *UI
	step int

	user, password, repeat *entry
	meter                  *widget.ProgressBar
	hints                  *widget.Label

	business, address, taxID *entry
	logo                     *logoPicker
	currency                 *widget.SelectEntry
	pattern                  *entry
	patternExample           *widget.Label

	backupDir *entry

	saved   *widget.Label
	print   *widget.Button
	kitPath string // where the recovery kit PDF was saved
	confirm *widget.Check
	finish  *widget.Button

	session *app.Session
}

var strengthWords = [...]string{"very weak", "weak", "fair", "strong", "very strong"}

// commonCurrencies are offered first; any ISO 4217 code may be typed.
var commonCurrencies = []string{"EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK"}

var stepTitles = [...]string{"Administrator", "Business", "Backups", "Recovery kit"}

func (u *UI) showFirstRun() {
	u.shell = nil
	f := &firstRun{u: u}
	f.user = u.newEntry()
	f.user.SetPlaceHolder("e.g. anna")
	f.password = u.newPasswordEntry()
	f.repeat = u.newPasswordEntry()
	f.meter = widget.NewProgressBar()
	f.meter.Max = 4
	f.meter.TextFormatter = func() string { return "Strength: " + strengthWords[int(f.meter.Value)] }
	f.hints = wrapLabel("")
	f.hints.Importance = widget.MediumImportance
	f.password.OnChanged = func(string) { f.updateStrength() }
	f.user.OnChanged = func(string) { f.updateStrength() }

	f.business = u.newEntry()
	f.business.SetPlaceHolder("As printed on invoices")
	f.address = u.newMultiLineEntry()
	f.address.SetMinRowsVisible(3)
	f.taxID = u.newEntry()
	f.taxID.SetPlaceHolder("Optional, e.g. DE123456789")
	f.logo = newLogoPicker(u, nil)
	f.currency = widget.NewSelectEntry(commonCurrencies)
	f.currency.SetText(app.DefaultCurrency)
	f.pattern = u.newEntry()
	f.pattern.SetText(invoice.DefaultPattern)
	f.patternExample = widget.NewLabel("")
	f.pattern.OnChanged = func(string) { f.updatePattern() }
	f.updatePattern()

	f.backupDir = u.newEntry()
	f.backupDir.SetPlaceHolder("Optional: a USB drive or a synced folder")

	f.saved = wrapLabel("")
	f.print = u.button("Open to print", theme.DocumentPrintIcon(), func() { u.openFile(f.kitPath) })
	f.print.Disable()
	f.confirm = widget.NewCheck("I saved my recovery kit and will keep a copy away from this computer", func(on bool) {
		if on && f.session != nil {
			f.finish.Enable()
		} else {
			f.finish.Disable()
		}
	})
	f.confirm.Disable()
	f.finish = u.primary("Finish set-up", theme.ConfirmIcon(), f.done)
	f.finish.Disable()
	f.show()
}

func (f *firstRun) updateStrength() {
	pw := f.password.Text
	policy := auth.DefaultPolicy()
	score, hints := auth.Strength(auth.NormalizePassword(pw), auth.PasswordContext{UserName: f.user.Text, BusinessName: f.business.Text})
	f.meter.SetValue(float64(score))
	if n := len([]rune(pw)); n < policy.MinLength {
		hints = append([]string{fmt.Sprintf("Use at least %d characters (%d so far).", policy.MinLength, n)}, hints...)
	} else if score < policy.MinStrength {
		hints = append([]string{"Not strong enough yet: a few unrelated words make a strong password."}, hints...)
	}
	f.hints.SetText(strings.Join(hints, " "))
}

func (f *firstRun) updatePattern() {
	p, err := invoice.ParsePattern(f.pattern.Text)
	if err != nil {
		f.patternExample.SetText("Not a valid pattern: " + plainError(err))
		f.patternExample.Importance = widget.DangerImportance
		f.patternExample.Refresh()
		return
	}
	f.patternExample.Importance = widget.MediumImportance
	f.patternExample.SetText("First invoice: " + p.Format(1, f.u.now()))
}

// show lays out the current step.
func (f *firstRun) show() {
	u := f.u
	var body fyne.CanvasObject
	var focus fyne.Focusable
	switch f.step {
	case 0:
		intro := wrapLabel("Welcome. Your invoices are kept encrypted on this computer. First, create the administrator account.")
		form := widget.NewForm(
			widget.NewFormItem("User name", f.user),
			widget.NewFormItem("Password", f.password),
			widget.NewFormItem("", f.meter),
			widget.NewFormItem("Repeat password", f.repeat),
		)
		policy := auth.DefaultPolicy()
		rule := wrapLabel(fmt.Sprintf("At least %d characters and hard to guess. There is no way to recover a forgotten password without the recovery key.", policy.MinLength))
		rule.Importance = widget.LowImportance
		body = container.NewVBox(intro, form, f.hints, rule)
		focus = f.user
	case 1:
		form := widget.NewForm(
			widget.NewFormItem("Business name", f.business),
			widget.NewFormItem("Address", f.address),
			widget.NewFormItem("Tax id", f.taxID),
			widget.NewFormItem("Logo", f.logo.object),
			widget.NewFormItem("Currency", f.currency),
			widget.NewFormItem("Invoice numbers", f.pattern),
			widget.NewFormItem("", f.patternExample),
		)
		body = container.NewVBox(wrapLabel("How your business appears on invoices. You can change this later in Settings."), form)
		focus = f.business
	case 2:
		choose := u.button("Choose…", theme.FolderOpenIcon(), func() {
			u.folderDialog(f.backupDir.SetText)
		})
		row := container.NewBorder(nil, nil, nil, choose, f.backupDir)
		body = container.NewVBox(
			wrapLabel("Backups are encrypted and can be written to any folder: a USB drive, a network share or a synced folder. You can also choose one later."),
			widget.NewForm(widget.NewFormItem("Backup folder", row)),
		)
		focus = f.backupDir
	case 3:
		saveKey := u.button("Save recovery key…", theme.DocumentSaveIcon(), func() {
			u.saveDialog("SafeInvoice recovery key.txt", f.saveKeyTo)
		})
		saveKit := u.button("Save recovery kit (PDF)…", theme.DocumentSaveIcon(), func() {
			u.saveDialog("SafeInvoice recovery kit.pdf", f.saveKitTo)
		})
		body = container.NewVBox(
			wrapLabel("Your vault is ready. The recovery key opens your backups if every password is lost. "+
				"Save the key file to a USB stick, or save the kit as a PDF and print it. Keep it away from this computer."),
			container.NewHBox(saveKey, saveKit, f.print),
			f.saved,
			f.confirm,
		)
	}
	steps := make([]fyne.CanvasObject, 0, len(stepTitles))
	for i, t := range stepTitles {
		l := widget.NewLabel(fmt.Sprintf("%d. %s", i+1, t))
		if i == f.step {
			l.TextStyle.Bold = true
		} else {
			l.Importance = widget.LowImportance
		}
		steps = append(steps, l)
	}
	back := u.button("Back", theme.NavigateBackIcon(), func() { f.step--; f.show() })
	if f.step == 3 {
		back.Hide()
	}
	if f.step == 0 || f.session != nil {
		back.Disable()
	}
	var next fyne.CanvasObject
	switch {
	case f.step == 2:
		next = u.primary("Create vault", theme.ConfirmIcon(), f.next)
	case f.step < len(stepTitles)-1:
		nb := u.primary("Next", theme.NavigateNextIcon(), f.next)
		nb.IconPlacement = widget.ButtonIconTrailingText
		next = nb
	default:
		next = f.finish
	}
	nav := container.NewBorder(nil, nil, back, next)
	content := container.NewVBox(container.NewHBox(steps...), widget.NewSeparator(), body, widget.NewSeparator(), nav)
	u.win.SetContent(centered("Set up SafeInvoice", content))
	if focus != nil {
		u.win.Canvas().Focus(focus)
	}
}

// next checks the current step and moves on.
func (f *firstRun) next() {
	switch f.step {
	case 0:
		name := strings.TrimSpace(f.user.Text)
		if err := auth.ValidateUserName(name); err != nil {
			f.u.showError(err)
			return
		}
		if f.password.Text != f.repeat.Text {
			f.u.showError(errors.New("the two passwords differ"))
			return
		}
		if err := auth.DefaultPolicy().CheckPassword(auth.NormalizePassword(f.password.Text), auth.PasswordContext{UserName: name}); err != nil {
			f.u.showError(err)
			return
		}
	case 1:
		if strings.TrimSpace(f.business.Text) == "" {
			f.u.showError(errors.New("enter the business name"))
			return
		}
		if _, err := invoice.ParsePattern(f.pattern.Text); err != nil {
			f.u.showError(fmt.Errorf("invoice numbers: %w", err))
			return
		}
	case 2:
		if d := strings.TrimSpace(f.backupDir.Text); d != "" {
			if st, err := os.Stat(d); err != nil || !st.IsDir() {
				f.u.showError(fmt.Errorf("the backup folder %s does not exist", d))
				return
			}
		}
		f.create()
		return
	}
	f.step++
	f.show()
}

// create makes the vault and applies the business profile and backup
// folder, then moves on to the recovery kit.
func (f *firstRun) create() {
	u := f.u
	params := app.InitParams{
		User:     strings.TrimSpace(f.user.Text),
		Password: f.password.Text,
		Business: strings.TrimSpace(f.business.Text),
	}
	settings := func(st app.Settings) app.Settings {
		st.BusinessAddress = strings.TrimSpace(f.address.Text)
		st.BusinessTaxID = strings.TrimSpace(f.taxID.Text)
		st.Currency = strings.ToUpper(strings.TrimSpace(f.currency.Text))
		st.NumberPattern = strings.TrimSpace(f.pattern.Text)
		st.Logo = f.logo.data
		return st
	}
	backupDir := strings.TrimSpace(f.backupDir.Text)
	var s *app.Session
	u.background(func() error {
		var err error
		if s, err = app.Init(u.cfg, params); err != nil {
			return err
		}
		st, err := s.Settings()
		if err == nil {
			err = s.SaveSettings(settings(st))
		}
		if err == nil && backupDir != "" {
			var bs app.BackupSettings
			if bs, err = s.BackupSettings(); err == nil {
				bs.Dir = backupDir
				err = s.SetBackupSettings(bs)
			}
		}
		if err != nil {
			return fmt.Errorf("the vault was created, but %w; correct it later in Settings", err)
		}
		return nil
	}, func(err error) {
		if s == nil {
			u.showError(err)
			return
		}
		f.session = s
		if err != nil {
			u.showError(err)
		}
		f.step = 3
		f.show()
	})
}

// saveKeyTo writes the recovery key file to path.
func (f *firstRun) saveKeyTo(path string) {
	f.saveTo(path, f.session.RecoveryKeyFile, nil)
}

// saveKitTo writes the recovery kit PDF to path; it can then be opened in
// the system's viewer to print it.
func (f *firstRun) saveKitTo(path string) {
	f.saveTo(path, f.session.RecoveryKitPDF, func() {
		f.kitPath = path
		f.print.Enable()
	})
}

// saveTo writes what make returns to path, then calls saved, if set.
func (f *firstRun) saveTo(path string, make func() ([]byte, error), saved func()) {
	u := f.u
	u.background(func() error {
		data, err := make()
		if err != nil {
			return err
		}
		return writeNewFile(path, data)
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		text := "Saved to " + path + "."
		if f.saved.Text != "" {
			text = f.saved.Text + "\n" + text
		}
		f.saved.SetText(text)
		f.confirm.Enable()
		if saved != nil {
			saved()
		}
	})
}

// done opens the main window.
func (f *firstRun) done() {
	if f.session == nil || !f.confirm.Checked {
		return
	}
	f.u.setSession(f.session)
	f.u.showMain("")
}
