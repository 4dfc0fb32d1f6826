package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/einvoice"
	"safeinvoice/email"
	"safeinvoice/invoice"
	"safeinvoice/pdf"
	"safeinvoice/storage"
)

// MailSettings is how the business's mail server is reached, and the
// templates of invoice messages (see storage.MailSettings).
type MailSettings = storage.MailSettings

// OutboxEntry is one message of the outbox.
type OutboxEntry = storage.OutboxEntry

// Errors of sending.
var (
	// ErrNoMailSettings means no mail server is set up yet.
	ErrNoMailSettings = errors.New("no mail server is set up: an administrator sets one with mail-settings (Settings → Email in the window)")
	// ErrAlreadySent means the invoice was sent before, or waits in the
	// outbox; sending it again must be asked for.
	ErrAlreadySent = errors.New("was sent before")
	// ErrNotIssued means a draft was to be sent.
	ErrNotIssued = errors.New("only issued invoices and credit notes are sent, never a draft")
)

// AlertBulkSend: a user other than an administrator sent more than
// BulkSendThreshold invoices within an hour.
const AlertBulkSend = "bulk-send"

// BulkSendThreshold is how many invoices a user other than an
// administrator sends within an hour before the administrators are told.
const BulkSendThreshold = 20

// Default templates; the placeholders are {number}, {total}, {due_date},
// {business} and {client}.
const (
	DefaultMailSubject = "Invoice {number} from {business}"
	DefaultMailBody    = "Dear {client},\n\nplease find attached invoice {number} of {total}, due on {due_date}.\n\nKind regards,\n{business}\n"
	// A quote goes with these ({due_date} is the date it is valid until)
	// and always as a PDF.
	DefaultQuoteSubject = "Quote {number} from {business}"
	DefaultQuoteBody    = "Dear {client},\n\nplease find attached our quote {number} of {total}, valid until {due_date}.\n\nKind regards,\n{business}\n"
)

// SetMailSettings stores the mail settings (administrators). password
// nil keeps the one kept; "" removes it. The password lives only inside
// the vault, among its secrets; the audit entry names the server, never
// the password.
func (s *Session) SetMailSettings(m MailSettings, password *string) error {
	if err := s.require(auth.PermEditSettings); err != nil {
		return err
	}
	m.Host, m.From, m.FromName, m.Username = strings.TrimSpace(m.Host), strings.TrimSpace(m.From), strings.TrimSpace(m.FromName), strings.TrimSpace(m.Username)
	return s.update(func(tx *storage.Tx) error {
		pw := ""
		if password != nil {
			pw = *password
		} else {
			var err error
			if pw, err = tx.MailPassword(); err != nil {
				return err
			}
		}
		if err := mailSettings(m, pw).Check(); err != nil {
			return err
		}
		if err := tx.PutMailSettings(m); err != nil {
			return err
		}
		if password != nil {
			if err := tx.PutMailPassword(*password); err != nil {
				return err
			}
		}
		return tx.Audit("settings.mail", m.Host, fmt.Sprintf("%s:%d, %s, from %s", m.Host, m.Port, m.Security, m.From))
	})
}

// MailSettings returns the mail settings and whether a password is kept
// (never the password itself); ErrNoMailSettings before any.
func (s *Session) MailSettings() (MailSettings, bool, error) {
	if err := s.require(auth.PermViewPolicy); err != nil {
		return MailSettings{}, false, err
	}
	m, pw, err := s.readMail()
	return m, pw != "", err
}

// readMail reads the mail settings and the password; ErrNoMailSettings
// before any.
func (s *Session) readMail() (MailSettings, string, error) {
	var m MailSettings
	var pw string
	err := s.view(func(tx *storage.Tx) error {
		var err error
		if m, err = tx.MailSettings(); err != nil {
			return err
		}
		pw, err = tx.MailPassword()
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return MailSettings{}, "", ErrNoMailSettings
	}
	return m, pw, err
}

func mailSettings(m MailSettings, password string) email.Settings {
	return email.Settings{Host: m.Host, Port: m.Port, Security: email.Security(m.Security), Username: m.Username, Password: password,
		From: m.From, FromName: m.FromName, CA: []byte(m.CA)}
}

// SendOptions say how invoices are sent.
type SendOptions struct {
	// To replaces the client's address.
	To []string
	// Again sends invoices that were sent before.
	Again bool
	// PDFPassword encrypts the PDF (AES-256); the message never holds
	// it, so it reaches the client another way. Not for clients who
	// receive e-invoices: a Factur-X or XRechnung file cannot be
	// encrypted.
	PDFPassword string
}

// SendTestMessage sends a short message through the mail settings to to
// (administrators), to prove the server, its TLS and the login work. It
// is audited; it does not go through the outbox.
func (s *Session) SendTestMessage(ctx context.Context, to string) (string, error) {
	if err := s.require(auth.PermEditSettings); err != nil {
		return "", err
	}
	if err := invoice.CheckEmail(to); err != nil {
		return "", fmt.Errorf("recipient %q: %w", to, err)
	}
	sender, _, err := s.sender()
	if err != nil {
		return "", err
	}
	st, err := s.Settings()
	if err != nil {
		return "", err
	}
	r, sendErr := sender.Send(ctx, email.Message{To: []string{to}, Subject: "SafeInvoice test message from " + st.BusinessName,
		Body: "This message shows that SafeInvoice can send mail through this server, encrypted.\n"})
	detail := "to " + to + ", sent"
	if sendErr != nil {
		detail = "to " + to + ", not sent: " + oneLine(sendErr.Error())
	}
	if err := s.update(func(tx *storage.Tx) error { return tx.Audit("mail.test", "", detail) }); err != nil {
		return "", errors.Join(sendErr, err)
	}
	return r.MessageID, sendErr
}

// SendResult is what became of one invoice's message.
type SendResult struct {
	Number string
	Entry  OutboxEntry
	Err    error
}

// SendInvoices sends each issued invoice or credit note numbered to its
// client's e-mail address, or to opts.To when given: the PDF attached (the
// Factur-X PDF for a Factur-X client, the PDF and the e-invoice XML for
// the other formats). An invoice sent before is refused with
// ErrAlreadySent unless opts.Again is set. Each message goes through the
// outbox: written as "sending" before the server is called (with a
// "send.start" audit entry naming who, which invoice and to whom), then
// "sent" with the server's message id ("send"), "queued" for another try
// after a temporary failure, or "failed" for good. A session stopped
// in between leaves "sending": the message may have gone, and is never
// sent again without being asked. It needs auth.PermExportPDF.
func (s *Session) SendInvoices(ctx context.Context, numbers []string, opts SendOptions) ([]SendResult, error) {
	if err := s.require(auth.PermExportPDF); err != nil {
		return nil, err
	}
	sender, m, err := s.sender()
	if err != nil {
		return nil, err
	}
	var results []SendResult
	for _, n := range numbers {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		e, err := s.sendOne(ctx, sender, m, n, opts)
		results = append(results, SendResult{Number: n, Entry: e, Err: err})
	}
	return results, nil
}

// sender makes the sender of the stored settings.
func (s *Session) sender() (email.Sender, MailSettings, error) {
	m, pw, err := s.readMail()
	if err != nil {
		return nil, m, err
	}
	sender, err := s.cfg.mailer(mailSettings(m, pw))
	return sender, m, err
}

// retryDelay is the wait before the next try after n temporary failures:
// 5 minutes, doubling to 8 hours.
func retryDelay(n int) time.Duration {
	d := 5 * time.Minute
	for i := 1; i < n && d < 8*time.Hour; i++ {
		d *= 2
	}
	return min(d, 8*time.Hour)
}

func (s *Session) sendOne(ctx context.Context, sender email.Sender, m MailSettings, number string, opts SendOptions) (OutboxEntry, error) {
	to, again := opts.To, opts.Again
	inv, err := s.InvoiceByNumber(number)
	if err != nil {
		return OutboxEntry{}, err
	}
	if inv.Status == invoice.StatusDraft {
		return OutboxEntry{}, ErrNotIssued
	}
	src, err := s.messageSource(inv.ID)
	if err != nil {
		return OutboxEntry{}, err
	}
	var earlier []OutboxEntry
	if err := s.view(func(tx *storage.Tx) error {
		return tx.EachOutboxEntry(func(e OutboxEntry) error {
			if e.InvoiceID == inv.ID && e.State != storage.OutboxFailed && e.Reminder == 0 {
				earlier = append(earlier, e)
			}
			return nil
		})
	}); err != nil {
		return OutboxEntry{}, err
	}
	if len(earlier) > 0 && !again {
		last := earlier[len(earlier)-1]
		return OutboxEntry{}, fmt.Errorf("%s %w to %s (%s, %s): send it again only on purpose", number, ErrAlreadySent,
			strings.Join(last.To, ", "), last.State, last.Created.UTC().Format("2006-01-02 15:04 MST"))
	}
	if len(to) == 0 {
		to = []string{src.client.Email}
	}
	for _, a := range to {
		if err := invoice.CheckEmail(a); err != nil {
			return OutboxEntry{}, fmt.Errorf("recipient %q: %w", a, err)
		}
	}
	msg, err := s.invoiceMessage(src, m, to, opts.PDFPassword)
	if err != nil {
		return OutboxEntry{}, err
	}
	id, err := newID()
	if err != nil {
		return OutboxEntry{}, err
	}
	now := s.cfg.now().UTC()
	e := OutboxEntry{ID: id, InvoiceID: inv.ID, Number: inv.Number, To: to, User: s.user.Name, State: storage.OutboxSending, Attempts: 1, Created: now}
	if err := s.update(func(tx *storage.Tx) error {
		if err := tx.PutOutboxEntry(e); err != nil {
			return err
		}
		if err := s.alertBulkSend(tx, now); err != nil {
			return err
		}
		return tx.Audit("send.start", inv.Number, "to "+strings.Join(to, ", "))
	}); err != nil {
		return OutboxEntry{}, err
	}
	return s.deliver(ctx, sender, e, msg)
}

// deliver sends msg for entry e and records the outcome.
func (s *Session) deliver(ctx context.Context, sender email.Sender, e OutboxEntry, msg email.Message) (OutboxEntry, error) {
	receipt, sendErr := sender.Send(ctx, msg)
	now := s.cfg.now().UTC()
	var f *email.Failure
	switch {
	case sendErr == nil:
		e.State, e.MessageID, e.Sent, e.Reply, e.NextTry = storage.OutboxSent, receipt.MessageID, now, "", time.Time{}
	case errors.As(sendErr, &f) && f.Temporary:
		e.State, e.Reply, e.NextTry = storage.OutboxQueued, sendErr.Error(), now.Add(retryDelay(e.Attempts))
	default:
		e.State, e.Reply = storage.OutboxFailed, sendErr.Error()
	}
	var undone *invoice.Invoice
	err := s.update(func(tx *storage.Tx) error {
		undone = nil
		if err := tx.PutOutboxEntry(e); err != nil {
			return err
		}
		if e.Reminder > 0 && e.State == storage.OutboxFailed {
			// A reminder refused for good was not made: its level is
			// free again.
			var err error
			if undone, err = s.undoReminder(tx, e); err != nil {
				return err
			}
		}
		if e.State == storage.OutboxSent {
			return tx.Audit("send", e.Number, fmt.Sprintf("to %s, message id %s", strings.Join(e.To, ", "), e.MessageID))
		}
		return tx.Audit("send.failed", e.Number, fmt.Sprintf("to %s, %s: %s", strings.Join(e.To, ", "), e.State, oneLine(e.Reply)))
	})
	s.sentChanged()
	if undone != nil {
		s.indexInvoice(undone)
	}
	return e, errors.Join(sendErr, err)
}

// SendDue tries again every queued message whose time has come.
func (s *Session) SendDue(ctx context.Context) ([]SendResult, error) {
	if err := s.require(auth.PermExportPDF); err != nil {
		return nil, err
	}
	entries, err := s.Outbox()
	if err != nil {
		return nil, err
	}
	now := s.cfg.now()
	entries = slices.DeleteFunc(entries, func(e OutboxEntry) bool { return e.State != storage.OutboxQueued || e.NextTry.After(now) })
	if len(entries) == 0 {
		return nil, nil
	}
	sender, m, err := s.sender()
	if err != nil {
		return nil, err
	}
	var results []SendResult
	for _, e := range entries {
		var msg email.Message
		if e.Reminder > 0 {
			var obsolete bool
			if obsolete, err = s.cancelObsoleteReminder(&e); obsolete {
				results = append(results, SendResult{Number: e.Number, Entry: e, Err: err})
				continue
			}
			if err == nil {
				msg, err = s.recordedReminderMessage(e)
			}
		} else {
			var src messageSource
			if src, err = s.messageSource(e.InvoiceID); err == nil {
				msg, err = s.invoiceMessage(src, m, e.To, "")
			}
		}
		if err == nil {
			e.Attempts++
			e.State = storage.OutboxSending
			if err = s.update(func(tx *storage.Tx) error {
				if err := tx.PutOutboxEntry(e); err != nil {
					return err
				}
				return tx.Audit("send.start", e.Number, fmt.Sprintf("to %s, try %d", strings.Join(e.To, ", "), e.Attempts))
			}); err == nil {
				e, err = s.deliver(ctx, sender, e, msg)
			}
		}
		results = append(results, SendResult{Number: e.Number, Entry: e, Err: err})
	}
	return results, nil
}

// SentMessages lists the outbox entries of one invoice, oldest first: what
// the editor shows as "sent".
func (s *Session) SentMessages(invoiceID string) ([]OutboxEntry, error) {
	all, err := s.Outbox()
	return slices.DeleteFunc(all, func(e OutboxEntry) bool { return e.InvoiceID != invoiceID }), err
}

// Outbox lists the outbox, oldest first.
func (s *Session) Outbox() ([]OutboxEntry, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return nil, err
	}
	var out []OutboxEntry
	err := s.view(func(tx *storage.Tx) error {
		return tx.EachOutboxEntry(func(e OutboxEntry) error {
			out = append(out, e)
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b OutboxEntry) int { return a.Created.Compare(b.Created) })
	return out, err
}

// alertBulkSend raises AlertBulkSend when a user other than an
// administrator starts the message that takes them past
// BulkSendThreshold within an hour.
func (s *Session) alertBulkSend(tx *storage.Tx, now time.Time) error {
	if s.user.Role == auth.RoleAdministrator {
		return nil
	}
	n := 0
	if err := tx.EachOutboxEntry(func(e OutboxEntry) error {
		if e.User == s.user.Name && now.Sub(e.Created) < time.Hour {
			n++
		}
		return nil
	}); err != nil {
		return err
	}
	if n != BulkSendThreshold+1 {
		return nil
	}
	return s.raiseAlert(tx, AlertBulkSend, fmt.Sprintf("%s %s sent more than %d invoices within an hour", s.user.Role, s.user.Name, BulkSendThreshold))
}

// messageSource is what an invoice's message is made of.
type messageSource struct {
	inv       invoice.Invoice
	corrected *invoice.Invoice
	client    invoice.Client
	settings  storage.Settings
}

// messageSource reads the invoice id, its client, the invoice it
// corrects and the settings.
func (s *Session) messageSource(id string) (messageSource, error) {
	var src messageSource
	err := s.view(func(tx *storage.Tx) error {
		var err error
		if src.inv, err = s.invoiceIn(tx, id); err != nil {
			return err
		}
		if src.client, err = tx.Client(src.inv.ClientID); err != nil {
			return err
		}
		if src.inv.IsCreditNote() && src.inv.Corrects != "" {
			orig, err := s.invoiceIn(tx, src.inv.Corrects)
			if err != nil {
				return err
			}
			src.corrected = &orig
		}
		src.settings, err = tx.Settings()
		return err
	})
	return src, err
}

// invoiceMessage makes the message of src's invoice: the templates filled
// in, the PDF attached (Factur-X for a Factur-X client; the PDF and the
// XML for the other e-invoice formats).
func (s *Session) invoiceMessage(src messageSource, m MailSettings, to []string, pdfPassword string) (email.Message, error) {
	inv, corrected, client, st := &src.inv, src.corrected, src.client, src.settings
	t, err := inv.Totals()
	if err != nil {
		return email.Message{}, err
	}
	fill := strings.NewReplacer("{number}", inv.Number, "{total}", t.Total.Number()+" "+inv.Currency, "{due_date}", inv.DueDate,
		"{business}", st.BusinessName, "{client}", client.Name)
	subject, body := MailTemplate(m)
	if inv.IsQuote() {
		subject, body = DefaultQuoteSubject, DefaultQuoteBody
		client.EInvoice = "" // a quote is no e-invoice
	}
	seller, opts := pdfSetup(st, s.cfg.now())
	if pdfPassword != "" {
		if client.EInvoice != "" {
			return email.Message{}, fmt.Errorf("%s: %w", inv.Number, pdf.ErrFacturXEncrypted)
		}
		opts.Password = pdfPassword
	}
	doc := pdf.Document{Invoice: inv, Client: &client}
	if corrected != nil {
		doc.CorrectsNumber = corrected.Number
	}
	plain, err := pdf.Render(doc, seller, opts)
	if err != nil {
		return email.Message{}, err
	}
	name := pdf.SafeFileName(inv.Number, client.Name)
	msg := email.Message{To: to, Subject: oneLine(fill.Replace(subject)), Body: fill.Replace(body)}
	if client.EInvoice == "" {
		msg.Attachments = []email.Attachment{{Name: name, ContentType: "application/pdf", Data: plain}}
		return msg, nil
	}
	f, err := einvoice.ParseFormat(client.EInvoice)
	if err != nil {
		return email.Message{}, err
	}
	d, err := einvoice.Build(inv, corrected, client, sellerOf(st))
	if err != nil {
		return email.Message{}, err
	}
	var xml bytes.Buffer
	if err := einvoice.Write(&xml, d, f); err != nil {
		return email.Message{}, err
	}
	if f == einvoice.FacturX {
		fx, err := pdf.FacturX(plain, xml.Bytes(), pdf.FacturXMeta{Title: doc.Title(), Created: s.cfg.now()})
		if err != nil {
			return email.Message{}, err
		}
		msg.Attachments = []email.Attachment{{Name: name, ContentType: "application/pdf", Data: fx}}
		return msg, nil
	}
	msg.Attachments = []email.Attachment{{Name: name, ContentType: "application/pdf", Data: plain},
		{Name: strings.TrimSuffix(name, ".pdf") + ".xml", ContentType: "application/xml", Data: xml.Bytes()}}
	return msg, nil
}

// MailTemplate is the subject and body invoices are sent with: m's own,
// or the defaults (DefaultMailSubject, DefaultMailBody) where they are
// blank.
func MailTemplate(m MailSettings) (subject, body string) {
	return orDefault(m.Subject, DefaultMailSubject), orDefault(m.Body, DefaultMailBody)
}

// orDefault is s, or def when s is blank.
func orDefault(s, def string) string {
	if strings.TrimSpace(s) != "" {
		return s
	}
	return def
}

// oneLine joins the words of s with single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
