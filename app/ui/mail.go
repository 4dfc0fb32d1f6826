package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// mailLoaded is the mail settings as a dialog shows them.
type mailLoaded struct {
	m           app.MailSettings
	hasPassword bool
}

// showMailSettings edits the mail server invoices are sent through
// (Settings → Email). The password is never shown: empty keeps it.
func showMailSettings(sh *shell) {
	u, s := sh.u, sh.s
	fetch(u, func() (mailLoaded, error) {
		m, has, err := s.MailSettings()
		if errors.Is(err, app.ErrNoMailSettings) {
			return mailLoaded{m: app.MailSettings{Port: 587, Security: "starttls"}}, nil
		}
		return mailLoaded{m, has}, err
	}, func(l mailLoaded, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		m := l.m
		host, port, from, fromName, user := u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry()
		host.SetText(m.Host)
		host.SetPlaceHolder("smtp.example.com")
		port.SetText(strconv.Itoa(m.Port))
		from.SetText(m.From)
		fromName.SetText(m.FromName)
		user.SetText(m.Username)
		password := u.newPasswordEntry()
		password.SetPlaceHolder("The SMTP password")
		if l.hasPassword {
			password.SetPlaceHolder("Kept in the vault; type to replace")
		}
		security := widget.NewSelect([]string{"STARTTLS (port 587)", "TLS (port 465)"}, func(v string) {
			if strings.HasPrefix(v, "TLS") && port.Text == "587" {
				port.SetText("465")
			}
			if strings.HasPrefix(v, "STARTTLS") && port.Text == "465" {
				port.SetText("587")
			}
		})
		security.SetSelectedIndex(0)
		if m.Security == "tls" {
			security.SetSelectedIndex(1)
		}
		subject := u.newEntry()
		subject.SetText(m.Subject)
		subject.SetPlaceHolder(app.DefaultMailSubject)
		body := u.newMultiLineEntry()
		body.SetText(m.Body)
		body.SetPlaceHolder(strings.ReplaceAll(app.DefaultMailBody, "\n", " "))
		body.SetMinRowsVisible(3)
		ca := u.newMultiLineEntry()
		ca.SetText(m.CA)
		ca.SetPlaceHolder("Optional: the PEM certificate of a server's own authority")
		ca.SetMinRowsVisible(2)
		hint := wrapLabel("Mail is only ever sent encrypted: a server without TLS, or whose certificate does not verify, gets nothing.")
		hint.Importance = widget.LowImportance
		form := widget.NewForm(
			widget.NewFormItem("Server", host), widget.NewFormItem("Security", security), widget.NewFormItem("Port", port),
			widget.NewFormItem("From address", from), widget.NewFormItem("From name", fromName),
			widget.NewFormItem("User name", user), widget.NewFormItem("Password", password),
			widget.NewFormItem("CA certificate", ca),
			widget.NewFormItem("Subject", subject), widget.NewFormItem("Message", body))
		placeholders := wrapLabel("In the subject and message: {number}, {total}, {due_date}, {business}, {client}.")
		placeholders.Importance = widget.LowImportance
		test := u.button("Send a test message to the From address", nil, func() {
			addr := strings.TrimSpace(from.Text)
			u.background(func() error {
				_, err := s.SendTestMessage(context.Background(), addr)
				return err
			}, func(err error) {
				if err != nil {
					u.showError(err)
					return
				}
				u.showInfo("Test message sent", "A test message went to "+addr+". Save first if you changed anything: the test uses the saved settings.")
			})
		})
		d := dialog.NewCustomConfirm("Email", "Save", "Cancel", container.NewVBox(form, placeholders, hint, test), func(ok bool) {
			if !ok {
				return
			}
			next := m
			next.Host, next.From, next.FromName, next.Username, next.CA = host.Text, from.Text, fromName.Text, user.Text, ca.Text
			next.Subject, next.Body = strings.TrimSpace(subject.Text), body.Text
			next.Security = "starttls"
			if security.SelectedIndex() == 1 {
				next.Security = "tls"
			}
			p, err := strconv.Atoi(strings.TrimSpace(port.Text))
			if err != nil {
				u.showError(errInvalid("port", port.Text))
				return
			}
			next.Port = p
			var pw *string
			if password.Text != "" {
				v := password.Text
				pw = &v
			}
			u.background(func() error { return s.SetMailSettings(next, pw) }, func(err error) {
				if err != nil {
					u.showError(err)
					return
				}
				u.showInfo("Email saved", "Invoices are sent through "+next.Host+".")
			})
		}, u.win)
		d.Resize(fyne.NewSize(560, d.MinSize().Height))
		d.Show()
	})
}

// sendInvoice asks to whom and sends one issued invoice; an invoice sent
// before is sent again only after asking.
func sendInvoice(sh *shell, number, clientEmail string) {
	u, s := sh.u, sh.s
	to := u.newEntry()
	to.SetText(clientEmail)
	to.SetPlaceHolder("Addresses, separated by commas")
	pdfPassword := u.newPasswordEntry()
	pdfPassword.SetPlaceHolder("Optional: give it to the client another way")
	var run func(again bool)
	run = func(again bool) {
		var recipients []string
		for _, a := range strings.Split(to.Text, ",") {
			if a = strings.TrimSpace(a); a != "" {
				recipients = append(recipients, a)
			}
		}
		var results []app.SendResult
		u.background(func() error {
			var err error
			results, err = s.SendInvoices(context.Background(), []string{number}, app.SendOptions{To: recipients, Again: again, PDFPassword: pdfPassword.Text})
			return err
		}, func(err error) {
			if err == nil && len(results) == 1 {
				err = results[0].Err
			}
			switch {
			case errors.Is(err, app.ErrAlreadySent):
				dialog.ShowConfirm("Send again?", plainError(err)+".", func(ok bool) {
					if ok {
						run(true)
					}
				}, u.win)
			case err != nil && len(results) == 1 && results[0].Entry.State == "queued":
				u.showInfo("Not sent yet", fmt.Sprintf("%s. It stays in the outbox and is tried again from %s.", plainError(err),
					results[0].Entry.NextTry.Local().Format("15:04")))
			case err != nil:
				u.showError(err)
			default:
				sh.setStatus("Sent " + number + " to " + strings.Join(results[0].Entry.To, ", "))
			}
		})
	}
	dialog.ShowForm("Send "+number, "Send", "Cancel", []*widget.FormItem{widget.NewFormItem("To", to),
		widget.NewFormItem("PDF password", pdfPassword)}, func(ok bool) {
		if ok {
			run(false)
		}
	}, u.win)
}

// showOutbox lists the messages sent, queued and failed, and tries again
// the queued ones that are due.
func showOutbox(sh *shell, shown *app.InvoiceQuery) {
	u, s := sh.u, sh.s
	fetch(u, s.Outbox, func(entries []app.OutboxEntry, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		rows := container.NewVBox()
		if len(entries) == 0 {
			rows.Add(widget.NewLabel("No message was sent yet."))
		}
		for i := len(entries) - 1; i >= 0; i-- { // newest first
			e := entries[i]
			note := e.MessageID
			switch e.State {
			case "queued":
				note = "next try " + e.NextTry.Local().Format("2 Jan 15:04") + ": " + e.Reply
			case "failed":
				note = e.Reply
			case "sending":
				note = "SafeInvoice stopped while sending: it may have gone; check before sending again"
			}
			line := wrapLabel(fmt.Sprintf("%s  %s → %s  %s (%s)  %s", e.Created.Local().Format("2 Jan 2006 15:04"), e.Number,
				strings.Join(e.To, ", "), e.State, e.User, note))
			rows.Add(line)
		}
		retry := u.button("Try the queued ones again", nil, func() {
			u.background(func() error {
				_, err := s.SendDue(context.Background())
				return err
			}, func(err error) {
				if err != nil {
					u.showError(err)
					return
				}
				sh.setStatus("Queued messages tried again at " + time.Now().Format("15:04"))
			})
		})
		buttons := container.NewHBox(retry)
		if shown != nil && u.can(auth.PermExportPDF) {
			buttons.Add(u.button("Send the unsent invoices of the list…", nil, func() { sendShown(sh, *shown) }))
		}
		scroll := container.NewVScroll(rows)
		scroll.SetMinSize(fyne.NewSize(760, 360))
		dialog.ShowCustom("Outbox", "Close", container.NewBorder(nil, buttons, nil, nil, scroll), u.win)
	})
}

// sendShown sends, after asking, every issued invoice the list's query
// matches that was never e-mailed, each to its client.
func sendShown(sh *shell, q app.InvoiceQuery) {
	u, s := sh.u, sh.s
	q.Limit, q.Offset = 1000, 0
	fetch(u, func() ([]string, error) {
		page, err := s.ListInvoices(q)
		var numbers []string
		for _, r := range page.Rows {
			if r.Number != "" && r.Sent == "" && r.Status != invoice.StatusDraft && r.Status != invoice.StatusVoid {
				numbers = append(numbers, r.Number)
			}
		}
		return numbers, err
	}, func(numbers []string, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if len(numbers) == 0 {
			u.showInfo("Nothing to send", "Every issued invoice the list shows was sent already.")
			return
		}
		dialog.ShowConfirm("Send "+plural(len(numbers), "invoice")+"?", "Each goes to its client's e-mail address: "+
			listNumbers(numbers)+".", func(ok bool) {
			if ok {
				sendBatch(sh, numbers, false, nil)
			}
		}, u.win)
	})
}

// sendSelected sends the invoices ticked in the list, each to its client,
// after asking; drafts and void invoices are left out, and those sent
// before go again only if the user says so.
func sendSelected(sh *shell, rows []app.InvoiceRow, done func()) {
	u := sh.u
	var fresh, before, skipped []string
	for _, r := range rows {
		switch {
		case r.Number == "" || r.Status == invoice.StatusDraft || r.Status == invoice.StatusVoid:
			if r.Number == "" {
				skipped = append(skipped, "a draft")
			} else {
				skipped = append(skipped, r.Number)
			}
		case r.Sent != "":
			before = append(before, r.Number)
		default:
			fresh = append(fresh, r.Number)
		}
	}
	if len(fresh)+len(before) == 0 {
		u.showInfo("Nothing to send", "Only issued invoices are sent; drafts and void invoices are not.")
		return
	}
	text := "Each goes to its client's e-mail address."
	if len(fresh) > 0 {
		text += "\n\nNot sent before: " + listNumbers(fresh) + "."
	}
	if len(before) > 0 {
		text += "\n\nSent before: " + listNumbers(before) + "."
	}
	if len(skipped) > 0 {
		text += "\n\nLeft out (drafts and void invoices are never sent): " + listNumbers(skipped) + "."
	}
	var d dialog.Dialog
	buttons := container.NewHBox(layout.NewSpacer(), widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { d.Hide() }))
	if len(before) > 0 {
		again := widget.NewButtonWithIcon("Send all, again too", theme.MailSendIcon(), func() {
			d.Hide()
			sendBatch(sh, append(fresh, before...), true, done)
		})
		buttons.Add(again)
		if len(fresh) > 0 {
			buttons.Add(widget.NewButtonWithIcon("Only those not sent", theme.MailSendIcon(), func() {
				d.Hide()
				sendBatch(sh, fresh, false, done)
			}))
		}
	} else {
		send := widget.NewButtonWithIcon("Send", theme.MailSendIcon(), func() {
			d.Hide()
			sendBatch(sh, fresh, false, done)
		})
		send.Importance = widget.HighImportance
		buttons.Add(send)
	}
	buttons.Add(layout.NewSpacer())
	msg := wrapLabel(text)
	d = dialog.NewCustomWithoutButtons("Send "+plural(len(fresh)+len(before), "invoice")+"?", container.NewBorder(nil, buttons, nil, nil, msg), u.win)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	d.Show()
}

// sendBatch sends the numbered invoices off the UI goroutine and says
// how it went, naming those not sent and why; done, if set, runs after.
func sendBatch(sh *shell, numbers []string, again bool, done func()) {
	u, s := sh.u, sh.s
	var results []app.SendResult
	u.background(func() error {
		var err error
		results, err = s.SendInvoices(context.Background(), numbers, app.SendOptions{Again: again})
		return err
	}, func(err error) {
		if err != nil {
			u.showError(err)
			if done != nil {
				done()
			}
			return
		}
		sent, queued := 0, 0
		var failed []string
		for _, r := range results {
			switch {
			case r.Err == nil:
				sent++
			case r.Entry.State == "queued":
				queued++
			default:
				failed = append(failed, r.Number+": "+plainError(r.Err))
			}
		}
		text := fmt.Sprintf("%d sent, %d queued for another try, %d not sent.", sent, queued, len(failed))
		if len(failed) > 0 {
			text += "\n\n" + strings.Join(failed[:min(len(failed), 8)], "\n") + ellipsis(len(failed) > 8)
		}
		if queued > 0 {
			text += "\n\nQueued messages are tried again by themselves; the Outbox shows them."
		}
		u.showInfo("Sending finished", text)
		if done != nil {
			done()
		}
	})
}

// listNumbers is up to eight invoice numbers, comma-separated.
func listNumbers(numbers []string) string {
	return strings.Join(numbers[:min(len(numbers), 8)], ", ") + ellipsis(len(numbers) > 8)
}

func ellipsis(more bool) string {
	if more {
		return " …"
	}
	return ""
}
