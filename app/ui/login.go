package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
)

// login is the sign-in screen; notice says why it is shown, when that is
// not obvious (an idle lock, a restore).
type login struct {
	name, password *entry
	unlock         *widget.Button
	notice         *widget.Label
}

// showLogin shows the login screen, with user pre-filled if given.
func (u *UI) showLogin(user string) {
	u.shell = nil
	l := &login{name: u.newEntry(), password: u.newPasswordEntry(), notice: wrapLabel("")}
	l.name.SetText(user)
	l.notice.Hide()
	submit := func() { u.submitLogin(l) }
	l.unlock = u.primary("Unlock", theme.LoginIcon(), submit)
	l.password.OnSubmitted = func(string) { submit() }
	l.name.OnSubmitted = func(string) { u.win.Canvas().Focus(l.password) }
	form := widget.NewForm(
		widget.NewFormItem("User name", l.name),
		widget.NewFormItem("Password", l.password),
	)
	restore := u.button("Restore from a backup…", theme.HistoryIcon(), u.showRestoreFromLogin)
	restore.Importance = widget.LowImportance
	u.win.SetContent(centered("Unlock SafeInvoice", container.NewVBox(
		l.notice, form, container.NewBorder(nil, nil, restore, l.unlock))))
	u.loginScreen = l
	if user == "" {
		u.win.Canvas().Focus(l.name)
	} else {
		u.win.Canvas().Focus(l.password)
	}
}

// loginNotice shows msg above the login form.
func (u *UI) loginNotice(msg string) {
	if l := u.loginScreen; l != nil && u.shell == nil {
		l.notice.SetText(msg)
		l.notice.Show()
	}
}

func (u *UI) submitLogin(l *login) {
	l.unlock.Disable()
	var s *app.Session
	var need bool
	var why string
	n, pw := strings.TrimSpace(l.name.Text), l.password.Text
	u.background(func() error {
		var err error
		if s, err = app.Login(u.cfg, n, pw); err == nil {
			need, why = s.NeedsPasswordChange()
		}
		return err
	}, func(err error) {
		l.unlock.Enable()
		if err != nil {
			l.password.SetText("")
			var locked *auth.LockedOutError
			if errors.As(err, &locked) {
				l.notice.Importance = widget.WarningImportance
				l.notice.SetText(plainError(err))
				l.notice.Show()
			}
			u.showError(err)
			return
		}
		u.setSession(s)
		if need {
			u.showForcedChange(s, why)
			return
		}
		u.enter(s)
	})
}

// enter opens the main window after a login, with the failed-attempt
// notice if there were any.
func (u *UI) enter(s *app.Session) {
	u.showMain(u.fyneApp.Preferences().String(prefLastScreen))
	if f := s.FailedLogins(); f.Count > 0 {
		u.showInfo("Failed sign-in attempts", sentence(f.String())+
			" If this was not you, tell an administrator.")
	}
	for _, d := range s.Discarded() {
		u.showInfo("Unfinished import undone", sentence(d.String())+
			" Import the file again to have its invoices.")
	}
}

// passwordForm is the change-password form of the forced-change screen and
// of My account: current, new (with the strength meter) and repeat. done
// runs on the UI goroutine after the password was changed.
type passwordForm struct {
	current, next, repeat *entry
	form                  *widget.Form
	hints                 *widget.Label
	change                *widget.Button
}

func (u *UI) newPasswordForm(s *app.Session, done func()) *passwordForm {
	f := &passwordForm{current: u.newPasswordEntry(), next: u.newPasswordEntry(), repeat: u.newPasswordEntry()}
	var meter *widget.ProgressBar
	meter, f.hints = u.strengthMeter(f.next, s.User().Name)
	f.change = u.primary("Change password", theme.ConfirmIcon(), func() {
		if f.next.Text != f.repeat.Text {
			u.showError(errors.New("the two new passwords differ"))
			return
		}
		f.change.Disable()
		cur, nw := f.current.Text, f.next.Text
		u.background(func() error { return s.ChangePassword(cur, nw) }, func(err error) {
			f.change.Enable()
			if err != nil {
				u.showError(err)
				return
			}
			done()
		})
	})
	f.form = widget.NewForm(
		widget.NewFormItem("Current password", f.current),
		widget.NewFormItem("New password", f.next),
		widget.NewFormItem("", meter),
		widget.NewFormItem("Repeat new password", f.repeat),
	)
	return f
}

// showForcedChange asks for a new password before anything else.
func (u *UI) showForcedChange(s *app.Session, why string) {
	u.shell = nil
	f := u.newPasswordForm(s, func() { u.enter(s) })
	f.repeat.OnSubmitted = func(string) { f.change.OnTapped() }
	msg := "You must choose a new password before you continue."
	if why != "" {
		msg = sentence(why) + " " + msg
	}
	lock := u.button("Sign out", theme.LogoutIcon(), u.lock)
	u.win.SetContent(centered("Choose a new password", container.NewVBox(
		wrapLabel(msg), f.form, f.hints, container.NewBorder(nil, nil, lock, f.change))))
	u.win.Canvas().Focus(f.current)
}

// strengthMeter returns a live strength bar and hints for a password entry.
func (u *UI) strengthMeter(pw *entry, user string) (*widget.ProgressBar, *widget.Label) {
	meter := widget.NewProgressBar()
	meter.Max = 4
	meter.TextFormatter = func() string { return "Strength: " + strengthWords[int(meter.Value)] }
	hints := wrapLabel("")
	// The default policy and no business name until the vault's are read.
	policy, business := auth.DefaultPolicy(), ""
	if s := u.Session(); s != nil {
		type facts struct {
			policy   auth.Policy
			business string
		}
		fetch(u, func() (facts, error) {
			p, err := s.Policy()
			if err != nil {
				return facts{}, err
			}
			st, err := s.Settings()
			return facts{p, st.BusinessName}, err
		}, func(f facts, err error) {
			if err == nil {
				policy, business = f.policy, f.business
			}
		})
	}
	pw.OnChanged = func(text string) {
		score, hs := auth.Strength(auth.NormalizePassword(text), auth.PasswordContext{UserName: user, BusinessName: business})
		meter.SetValue(float64(score))
		if n := len([]rune(text)); n < policy.MinLength {
			hs = append([]string{"Use at least " + itoa(policy.MinLength) + " characters (" + itoa(n) + " so far)."}, hs...)
		}
		hints.SetText(strings.Join(hs, " "))
	}
	return meter, hints
}

var _ fyne.Focusable = (*entry)(nil)
