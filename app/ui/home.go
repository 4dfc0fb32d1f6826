package ui

import (
	"fmt"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// showHome is the signed-in start page. The full navigation (invoices,
// clients, backups, users, audit log, settings) grows here screen by screen.
func (u *UI) showHome() {
	s := u.Session()
	if s == nil {
		u.showLogin("")
		return
	}
	user := s.User()
	business := ""
	if st, err := s.Settings(); err == nil {
		business = st.BusinessName
	}
	status := widget.NewLabel("Checking the audit trail…")
	u.background(s.AuditProblem, func(err error) {
		if err != nil {
			status.Importance = widget.DangerImportance
			status.SetText("Audit trail problem: " + plainError(err))
			return
		}
		status.SetText("Audit trail verified at unlock: intact.")
	})
	lock := widget.NewButtonWithIcon("Lock", theme.LoginIcon(), u.lock)
	u.win.SetContent(centered(business, container.NewVBox(
		widget.NewLabel(fmt.Sprintf("Signed in as %s (%s).", user.Name, user.Role)),
		status,
		lock,
	)))
}
