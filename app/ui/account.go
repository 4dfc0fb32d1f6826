package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func buildAccount(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	me := s.User()
	var f *passwordForm
	f = u.newPasswordForm(s, func() {
		f.current.SetText("")
		f.next.SetText("")
		f.repeat.SetText("")
		u.showInfo("Password changed", "Use the new password from now on.")
	})
	sh.onSave = f.change.OnTapped
	info := widget.NewForm(
		widget.NewFormItem("User", widget.NewLabel(me.Name)),
		widget.NewFormItem("Role", widget.NewLabel(string(me.Role))),
		widget.NewFormItem("Password changed", widget.NewLabel(me.PasswordChanged.Local().Format("2 Jan 2006"))),
	)
	if f := s.FailedLogins(); f.Count > 0 {
		info.Append("Before this sign-in", widget.NewLabel(sentence(f.String())))
	}
	box := container.NewVBox(info, widget.NewSeparator(), boldLabel("Change password"), f.form, f.hints, container.NewHBox(f.change))
	return page("My account", nil, container.NewVScroll(container.NewGridWrap(fyne.NewSize(560, box.MinSize().Height), box)))
}
