package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func buildAccount(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	me := s.User()
	current, next, repeat := u.newPasswordEntry(), u.newPasswordEntry(), u.newPasswordEntry()
	meter, hints := u.strengthMeter(next, me.Name)
	var change *widget.Button
	change = u.primary("Change password", theme.ConfirmIcon(), func() {
		if next.Text != repeat.Text {
			u.showError(errors.New("the two new passwords differ"))
			return
		}
		change.Disable()
		cur, nw := current.Text, next.Text
		u.background(func() error { return s.ChangePassword(cur, nw) }, func(err error) {
			change.Enable()
			if err != nil {
				u.showError(err)
				return
			}
			current.SetText("")
			next.SetText("")
			repeat.SetText("")
			u.showInfo("Password changed", "Use the new password from now on.")
		})
	})
	sh.onSave = change.OnTapped
	info := widget.NewForm(
		widget.NewFormItem("User", widget.NewLabel(me.Name)),
		widget.NewFormItem("Role", widget.NewLabel(string(me.Role))),
		widget.NewFormItem("Password changed", widget.NewLabel(me.PasswordChanged.Local().Format("2 Jan 2006"))),
	)
	if f := s.FailedLogins(); f.Count > 0 {
		info.Append("Before this sign-in", widget.NewLabel(sentence(f.String())))
	}
	form := widget.NewForm(
		widget.NewFormItem("Current password", current),
		widget.NewFormItem("New password", next),
		widget.NewFormItem("", meter),
		widget.NewFormItem("Repeat new password", repeat),
	)
	box := container.NewVBox(info, widget.NewSeparator(), boldLabel("Change password"), form, hints, container.NewHBox(change))
	return page("My account", nil, container.NewVScroll(container.NewGridWrap(fyne.NewSize(560, box.MinSize().Height), box)))
}
