package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
	"safeinvoice/invoice"
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
		text := fmt.Sprintf("%s · %s · %s overdue · %s · reminder %d", d.Number, d.Client, invoice.Days(d.DaysOverdue),
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

// showReminderLevels edits the reminder levels (Settings → Reminders…):
// the days after the due date and the text of each.
func showReminderLevels(sh *shell) {
	u, s := sh.u, sh.s
	fetch(u, s.ReminderLevels, func(levels []invoice.ReminderLevel, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		type levelRow struct {
			days, text *entry
		}
		var rows []levelRow
		box := container.NewVBox()
		add := func(l invoice.ReminderLevel) {
			days, text := u.newEntry(), u.newMultiLineEntry()
			if l.Days > 0 {
				days.SetText(strconv.Itoa(l.Days))
			}
			days.SetPlaceHolder("days")
			text.SetText(l.Text)
			text.SetMinRowsVisible(2)
			text.Wrapping = fyne.TextWrapWord
			rows = append(rows, levelRow{days, text})
			box.Add(container.NewBorder(nil, nil, container.NewVBox(boldLabel(fmt.Sprintf("Level %d", len(rows))), days), nil, text))
		}
		for _, l := range levels {
			add(l)
		}
		more := u.button("Add a level", theme.ContentAddIcon(), func() {
			if len(rows) < invoice.MaxReminderLevels {
				add(invoice.ReminderLevel{})
			}
		})
		hint := wrapLabel("Days after the due date. In the text: {number}, {due_date}, {balance}, {days} (overdue), {level}. Leave a level's days empty to drop it.")
		hint.Importance = widget.LowImportance
		reset := u.button("Back to the defaults (7, 21, 45 days)", nil, nil)
		var d dialog.Dialog
		save := func(next []invoice.ReminderLevel) {
			u.background(func() error { return s.SetReminderLevels(next) }, func(err error) {
				if err != nil {
					u.showError(err)
					return
				}
				d.Hide()
				sh.setStatus("Reminder levels saved")
			})
		}
		reset.OnTapped = func() { save(nil) }
		scroll := container.NewVScroll(box)
		scroll.SetMinSize(fyne.NewSize(600, 320))
		d = dialog.NewCustomConfirm("Payment reminders", "Save", "Cancel", container.NewBorder(nil, container.NewVBox(hint, container.NewHBox(more, reset)), nil, nil, scroll), func(ok bool) {
			if !ok {
				return
			}
			var next []invoice.ReminderLevel
			for i, r := range rows {
				t := strings.TrimSpace(r.days.Text)
				if t == "" {
					continue
				}
				n, err := strconv.Atoi(t)
				if err != nil {
					u.showError(fmt.Errorf("level %d: %w", i+1, errInvalid("days", t)))
					return
				}
				next = append(next, invoice.ReminderLevel{Days: n, Text: r.text.Text})
			}
			save(next)
		}, u.win)
		d.Resize(fyne.NewSize(680, d.MinSize().Height))
		d.Show()
	})
}
