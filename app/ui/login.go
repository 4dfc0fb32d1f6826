package ui

import (
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
)

// showLogin shows the login screen, with user pre-filled if given.
func (u *UI) showLogin(user string) {
	name := widget.NewEntry()
	name.SetText(user)
	password := widget.NewPasswordEntry()
	var unlock *widget.Button
	submit := func() {
		unlock.Disable()
		var s *app.Session
		n, pw := strings.TrimSpace(name.Text), password.Text
		u.background(func() error {
			var err error
			s, err = app.Login(u.cfg, n, pw)
			return err
		}, func(err error) {
			unlock.Enable()
			if err != nil {
				password.SetText("")
				u.showError(err)
				return
			}
			u.setSession(s)
			u.showHome()
		})
	}
	unlock = widget.NewButton("Unlock", submit)
	unlock.Importance = widget.HighImportance
	password.OnSubmitted = func(string) { submit() }
	form := widget.NewForm(
		widget.NewFormItem("User name", name),
		widget.NewFormItem("Password", password),
	)
	u.win.SetContent(centered("Unlock SafeInvoice", container.NewVBox(form, unlock)))
	if user == "" {
		u.win.Canvas().Focus(name)
	} else {
		u.win.Canvas().Focus(password)
	}
}
