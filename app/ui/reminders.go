package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
)

// maxDashReminders is how many reminders the dashboard lists.
const maxDashReminders = 8

// reminderRows fills box with the invoices due for a reminder, each with
// its buttons; done runs after a reminder was made.
func reminderRows(sh *shell, box *fyne.Container, due []app.ReminderDue, done func()) {
	box.RemoveAll()
	for i, d := range due {
		if i == maxDashReminders {
			more := widget.NewLabel(fmt.Sprintf("and %d more (safeinvoice reminders lists them all)", len(due)-i))
			more.Importance = widget.LowImportance
			box.Add(more)
			break
		}
		text := fmt.Sprintf("%s · %s · %d days overdue · %s · reminder %d", d.Number, d.Client, d.DaysOverdue,
			formatAmount(d.Balance, d.Currency), d.Level)
		box.Add(container.NewBorder(nil, nil, nil, remindButtons(sh, d.Number, d.Level, done), wrapLabel(text)))
	}
}

// remindButtons are "PDF…" and "Send" for the reminder of number.
func remindButtons(sh *shell, number string, level int, done func()) fyne.CanvasObject {
	u := sh.u
	buttons := container.NewHBox(u.button("PDF…", theme.DocumentSaveIcon(), func() { writeReminder(sh, number, level, done) }))
	if u.can(auth.PermExportPDF) {
		buttons.Add(u.button("Send", theme.MailSendIcon(), func() { sendReminder(sh, number, level, done) }))
	}
	return buttons
}

// writeReminder asks where to save the reminder's PDF, writes and records
// it.
func writeReminder(sh *shell, number string, level int, done func()) {
	u, s := sh.u, sh.s
	u.saveDialog(fmt.Sprintf("Reminder %d %s.pdf", level, number), func(path string) {
		u.background(func() error {
			_, err := s.WriteReminder(number, "", path)
			return err
		}, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			sh.setStatus(fmt.Sprintf("Reminder %d for %s saved", level, number))
			u.openFile(path)
			if done != nil {
				done()
			}
		})
	})
}

// sendReminder asks first, then e-mails the reminder through the outbox.
func sendReminder(sh *shell, number string, level int, done func()) {
	u, s := sh.u, sh.s
	dialog.ShowConfirm(fmt.Sprintf("Send reminder %d for %s?", level, number),
		"It goes to the client's e-mail address with the invoice attached, and is recorded on the invoice.", func(ok bool) {
			if !ok {
				return
			}
			var e app.OutboxEntry
			u.background(func() error {
				var err error
				_, e, err = s.SendReminder(context.Background(), number, "", nil)
				if err != nil && e.State == "queued" {
					return nil // it waits in the outbox; said below
				}
				return err
			}, func(err error) {
				if done != nil {
					done()
				}
				switch {
				case err != nil:
					u.showError(err)
				case e.State == "queued":
					u.showInfo("Not sent yet", fmt.Sprintf("The reminder for %s waits in the outbox and is tried again from %s.", number,
						e.NextTry.Local().Format("15:04")))
				default:
					u.showInfo("Reminder sent", fmt.Sprintf("Reminder %d for %s went to %s.", level, number, e.To[0]))
				}
			})
		}, u.win)
}
