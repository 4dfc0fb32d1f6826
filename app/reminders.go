package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/email"
	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
	"safeinvoice/pdf"
	"safeinvoice/storage"
)

// Payment reminders: the levels are the administrator's
// (Settings.ReminderLevels, invoice.DefaultReminderLevels until set);
// which invoice is due for which level is invoice.ReminderDue's rule. A
// reminder is recorded on the invoice (invoice.Reminder) and audited
// ("invoice.remind") in the transaction that makes it, after its PDF was
// written or its message queued: a level is never reminded twice.

// ReminderDue is one invoice due for a reminder as of a date.
type ReminderDue struct {
	InvoiceID   string `json:"-"`
	Number      string `json:"number"`
	Client      string `json:"client"`
	Level       int    `json:"level"`
	DaysOverdue int    `json:"days_overdue"`
	DueDate     string `json:"due_date"`
	Currency    string `json:"currency"`
	Balance     string `json:"balance"`
}

// ReminderLevels returns the reminder levels in force.
func (s *Session) ReminderLevels() ([]invoice.ReminderLevel, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return nil, err
	}
	return read(s, func(tx *storage.Tx) ([]invoice.ReminderLevel, error) {
		st, err := tx.Settings()
		return reminderLevels(st), err
	})
}

func reminderLevels(st storage.Settings) []invoice.ReminderLevel {
	if len(st.ReminderLevels) == 0 {
		return invoice.DefaultReminderLevels()
	}
	return slices.Clone(st.ReminderLevels)
}

// SetReminderLevels replaces the reminder levels (administrators), each
// checked (invoice.CheckReminderLevels); nil goes back to the defaults.
func (s *Session) SetReminderLevels(levels []invoice.ReminderLevel) error {
	if err := s.require(auth.PermEditSettings); err != nil {
		return err
	}
	if levels != nil {
		for i := range levels {
			levels[i].Text = strings.TrimSpace(levels[i].Text)
		}
		if err := invoice.CheckReminderLevels(levels); err != nil {
			return err
		}
	}
	return s.update(func(tx *storage.Tx) error {
		st, err := tx.Settings()
		if err != nil {
			return err
		}
		st.ReminderLevels = levels
		if err := tx.PutSettings(st); err != nil {
			return err
		}
		var days []string
		for _, l := range reminderLevels(st) {
			days = append(days, fmt.Sprint(l.Days))
		}
		return tx.Audit("settings.reminders", "", "after "+strings.Join(days, ", ")+" days")
	})
}

// ErrFutureDate is an as-of date after today for something recorded: a
// reminder or an invoice cannot be made for a day that has not come.
var ErrFutureDate = errors.New("the date is after today")

// asOfDate parses an as-of date ("" is today); with record, a date after
// today is refused (ErrFutureDate).
func (s *Session) asOfDate(asOf string, record bool) (time.Time, error) {
	asOf = cmp.Or(strings.TrimSpace(asOf), s.today())
	d, err := invoice.ParseDate(asOf)
	if err != nil {
		return d, fmt.Errorf("as-of date: %w", err)
	}
	if record && asOf > s.today() {
		return d, fmt.Errorf("as-of date %s: %w (%s)", asOf, ErrFutureDate, s.today())
	}
	return d, nil
}

// DueReminders lists the invoices due for a reminder as of asOf ("" is
// today), most overdue first. Only the overdue invoices of the index are
// read.
func (s *Session) DueReminders(asOf string) ([]ReminderDue, error) {
	if err := s.require(auth.PermRemind); err != nil {
		return nil, err
	}
	day, err := s.asOfDate(asOf, false)
	if err != nil {
		return nil, err
	}
	x, err := s.index()
	if err != nil {
		return nil, err
	}
	var candidates []InvoiceRow
	for q := (InvoiceQuery{Status: invoice.StatusOverdue, Limit: 1000}); ; {
		page := x.Query(q, day)
		candidates = append(candidates, page.Rows...)
		q.Offset += len(page.Rows)
		if len(page.Rows) == 0 || q.Offset >= page.Matches {
			break
		}
	}
	var out []ReminderDue
	err = s.view(func(tx *storage.Tx) error {
		st, err := tx.Settings()
		if err != nil {
			return err
		}
		levels := reminderLevels(st)
		for _, r := range candidates {
			inv, err := s.invoiceIn(tx, r.ID)
			if err != nil {
				return err
			}
			level, days, err := inv.ReminderDue(levels, day)
			if errors.Is(err, invoice.ErrNoReminder) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, ReminderDue{InvoiceID: inv.ID, Number: inv.Number, Client: r.ClientName, Level: level,
				DaysOverdue: days, DueDate: inv.DueDate, Currency: inv.Currency, Balance: r.Balance})
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b ReminderDue) int {
		return cmp.Or(cmp.Compare(b.DaysOverdue, a.DaysOverdue), cmp.Compare(a.Number, b.Number))
	})
	return out, err
}

// NextReminder is the reminder the invoice id is due for today, not yet
// made; an invoice not due gives an error wrapping invoice.ErrNoReminder.
func (s *Session) NextReminder(id string) (invoice.Reminder, error) {
	if err := s.require(auth.PermRemind); err != nil {
		return invoice.Reminder{}, err
	}
	inv, err := s.Invoice(id)
	if err != nil {
		return invoice.Reminder{}, err
	}
	src, err := s.reminderSource(inv.Number)
	if err != nil {
		return invoice.Reminder{}, err
	}
	day, err := s.asOfDate("", true)
	if err != nil {
		return invoice.Reminder{}, err
	}
	return s.nextReminder(src, day)
}

// reminderSource is what a reminder is made of: the invoice, its client,
// the settings and the level's text.
type reminderSource struct {
	inv      invoice.Invoice
	client   invoice.Client
	settings storage.Settings
	levels   []invoice.ReminderLevel
}

func (s *Session) reminderSource(number string) (reminderSource, error) {
	var src reminderSource
	err := s.view(func(tx *storage.Tx) error {
		id, err := tx.InvoiceByNumber(number)
		if err != nil {
			return err
		}
		if src.inv, err = s.invoiceIn(tx, id); err != nil {
			return err
		}
		if src.client, err = tx.Client(src.inv.ClientID); err != nil {
			return err
		}
		src.settings, err = tx.Settings()
		src.levels = reminderLevels(src.settings)
		return err
	})
	return src, err
}

// reminderPDF renders the reminder r of src's invoice.
func (s *Session) reminderPDF(src reminderSource, r invoice.Reminder) ([]byte, error) {
	seller, opts := pdfSetup(src.settings, s.cfg.now())
	text := invoice.ReminderText(src.levels[min(r.Level, len(src.levels))-1].Text, &src.inv, r)
	return pdf.Render(pdf.Document{Invoice: &src.inv, Client: &src.client,
		Reminder: &pdf.ReminderNote{Level: r.Level, Date: r.Date, DaysOverdue: r.DaysOverdue, Text: text}}, seller, opts)
}

// nextReminder is the reminder src's invoice is due for as of day, not yet
// recorded.
func (s *Session) nextReminder(src reminderSource, day time.Time) (invoice.Reminder, error) {
	level, days, err := src.inv.ReminderDue(src.levels, day)
	if err != nil {
		return invoice.Reminder{}, err
	}
	t, err := src.inv.Totals()
	if err != nil {
		return invoice.Reminder{}, err
	}
	return invoice.Reminder{Level: level, Date: day.Format(invoice.DateLayout), DaysOverdue: days, Balance: t.Balance.Number()}, nil
}

// recordReminder records the reminder at level on the invoice, checking
// again inside the transaction that it is still due at that level; also,
// if not nil, runs in the same transaction.
func (s *Session) recordReminder(id string, level int, day time.Time, how string, also func(tx *storage.Tx) error) (invoice.Reminder, error) {
	var r invoice.Reminder
	var inv invoice.Invoice
	err := s.update(func(tx *storage.Tx) error {
		var err error
		if inv, err = s.invoiceIn(tx, id); err != nil {
			return err
		}
		st, err := tx.Settings()
		if err != nil {
			return err
		}
		if r, err = inv.RecordReminder(reminderLevels(st), level, day, s.cfg.now()); err != nil {
			return err
		}
		if err := tx.PutInvoice(inv); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		return tx.Audit("invoice.remind", inv.ID, fmt.Sprintf("%s: level %d, %s overdue, balance %s %s, %s",
			inv.Number, r.Level, invoice.Days(r.DaysOverdue), r.Balance, inv.Currency, how))
	})
	if err != nil {
		return r, err
	}
	s.indexInvoice(&inv)
	return r, nil
}

// WriteReminder writes the reminder the invoice numbered is due for as of
// asOf ("" is today) as a PDF at path (never replacing a file), then
// records it. It returns the reminder; an invoice not due says why
// (invoice.ErrNoReminder).
func (s *Session) WriteReminder(number, asOf, path string) (invoice.Reminder, error) {
	if err := s.require(auth.PermRemind); err != nil {
		return invoice.Reminder{}, err
	}
	day, err := s.asOfDate(asOf, true)
	if err != nil {
		return invoice.Reminder{}, err
	}
	src, err := s.reminderSource(number)
	if err != nil {
		return invoice.Reminder{}, err
	}
	r, err := s.nextReminder(src, day)
	if err != nil {
		return r, err
	}
	data, err := s.reminderPDF(src, r)
	if err != nil {
		return r, err
	}
	if err := fsutil.WriteFile(path, 0o600, true, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return r, err
	}
	written := r
	if r, err = s.recordReminder(src.inv.ID, r.Level, day, "written to "+path, nil); err != nil {
		return r, errors.Join(err, os.Remove(path))
	}
	if r.Balance != written.Balance {
		// A payment came in between: the PDF says what was recorded.
		if src, err = s.reminderSource(number); err == nil {
			if data, err = s.reminderPDF(src, r); err == nil {
				err = fsutil.WriteBytes(path, data, 0o600, false)
			}
		}
		if err != nil {
			return r, fmt.Errorf("reminder %d of %s was recorded, but its PDF shows the balance before a payment: %w", r.Level, number, err)
		}
	}
	return r, nil
}

// SendReminder e-mails the reminder the invoice numbered is due for as of
// asOf to its client (or to), through the outbox, with the reminder's PDF
// and the invoice's attached; the reminder is recorded once the message
// is in the outbox, so a temporary failure retries it without recording it
// twice.
func (s *Session) SendReminder(ctx context.Context, number, asOf string, to []string) (invoice.Reminder, OutboxEntry, error) {
	if err := s.require(auth.PermRemind); err != nil {
		return invoice.Reminder{}, OutboxEntry{}, err
	}
	if err := s.require(auth.PermExportPDF); err != nil {
		return invoice.Reminder{}, OutboxEntry{}, err
	}
	day, err := s.asOfDate(asOf, true)
	if err != nil {
		return invoice.Reminder{}, OutboxEntry{}, err
	}
	src, err := s.reminderSource(number)
	if err != nil {
		return invoice.Reminder{}, OutboxEntry{}, err
	}
	r, err := s.nextReminder(src, day)
	if err != nil {
		return r, OutboxEntry{}, err
	}
	sender, _, err := s.sender()
	if err != nil {
		return r, OutboxEntry{}, err
	}
	if len(to) == 0 {
		to = []string{src.client.Email}
	}
	for _, a := range to {
		if err := invoice.CheckEmail(a); err != nil {
			return r, OutboxEntry{}, fmt.Errorf("recipient %q: %w", a, err)
		}
	}
	// Made once before anything is recorded, so that a reminder that
	// cannot be made is not recorded either.
	if _, err := s.reminderMessage(src, r, to); err != nil {
		return r, OutboxEntry{}, err
	}
	id, err := newID()
	if err != nil {
		return r, OutboxEntry{}, err
	}
	now := s.cfg.now().UTC()
	e := OutboxEntry{ID: id, InvoiceID: src.inv.ID, Number: src.inv.Number, To: to, User: s.user.Name, State: storage.OutboxSending,
		Attempts: 1, Created: now, Reminder: r.Level, ReminderDate: r.Date}
	// The reminder and its message are recorded together: a kill leaves
	// both or neither.
	if r, err = s.recordReminder(src.inv.ID, r.Level, day, "sent to "+strings.Join(to, ", "), func(tx *storage.Tx) error {
		if err := tx.PutOutboxEntry(e); err != nil {
			return err
		}
		if err := s.alertBulkSend(tx, now); err != nil {
			return err
		}
		return tx.Audit("send.start", src.inv.Number, fmt.Sprintf("reminder %d to %s", r.Level, strings.Join(to, ", ")))
	}); err != nil {
		return r, OutboxEntry{}, err
	}
	// The message says what was recorded (a payment may have come in
	// between), as a retry will.
	msg, err := s.recordedReminderMessage(e)
	if err != nil {
		e.State, e.Reply = storage.OutboxFailed, err.Error()
		var undone *invoice.Invoice
		uerr := s.update(func(tx *storage.Tx) error {
			if err := tx.PutOutboxEntry(e); err != nil {
				return err
			}
			var err error
			undone, err = s.undoReminder(tx, e)
			return err
		})
		if undone != nil {
			s.indexInvoice(undone)
		}
		return r, e, errors.Join(err, uerr)
	}
	e, err = s.deliver(ctx, sender, e, msg)
	return r, e, err
}

// Default reminder message; the placeholders are those of invoice
// messages and {level}.
const (
	DefaultReminderSubject = "Payment reminder: invoice {number} from {business}"
	DefaultReminderBody    = "Dear {client},\n\n{text}\n\nThe reminder and the invoice are attached.\n\nKind regards,\n{business}\n"
)

// reminderMessage is the message of reminder r: the level's text, the
// reminder's PDF and the invoice's PDF attached.
func (s *Session) reminderMessage(src reminderSource, r invoice.Reminder, to []string) (email.Message, error) {
	rem, err := s.reminderPDF(src, r)
	if err != nil {
		return email.Message{}, err
	}
	seller, opts := pdfSetup(src.settings, s.cfg.now())
	plain, err := pdf.Render(pdf.Document{Invoice: &src.inv, Client: &src.client}, seller, opts)
	if err != nil {
		return email.Message{}, err
	}
	text := invoice.ReminderText(src.levels[min(r.Level, len(src.levels))-1].Text, &src.inv, r)
	fill := strings.NewReplacer("{number}", src.inv.Number, "{business}", src.settings.BusinessName, "{client}", src.client.Name,
		"{level}", fmt.Sprint(r.Level), "{text}", text)
	name := pdf.SafeFileName(src.inv.Number, src.client.Name)
	return email.Message{To: to, Subject: oneLine(fill.Replace(DefaultReminderSubject)), Body: fill.Replace(DefaultReminderBody),
		Attachments: []email.Attachment{
			{Name: fmt.Sprintf("Reminder %d %s", r.Level, name), ContentType: "application/pdf", Data: rem},
			{Name: name, ContentType: "application/pdf", Data: plain},
		}}, nil
}

// recordedReminderMessage makes again the message of the queued reminder
// e, from the reminder recorded on its invoice.
func (s *Session) recordedReminderMessage(e OutboxEntry) (email.Message, error) {
	src, err := s.reminderSource(e.Number)
	if err != nil {
		return email.Message{}, err
	}
	i := slices.IndexFunc(src.inv.Reminders, func(r invoice.Reminder) bool { return r.Level == e.Reminder && r.Date == e.ReminderDate })
	if i < 0 {
		return email.Message{}, fmt.Errorf("%s: reminder %d of %s is not recorded: %w", e.Number, e.Reminder, e.ReminderDate, storage.ErrNotFound)
	}
	return s.reminderMessage(src, src.inv.Reminders[i], e.To)
}

// ErrReminderObsolete is a queued reminder not sent because its invoice
// was paid, voided or credited meanwhile.
var ErrReminderObsolete = errors.New("the reminder is not sent any more")

// cancelObsoleteReminder marks the queued reminder e failed, and frees its
// level, when its invoice needs no reminder any more (paid, void or
// credited since); it reports whether it did.
func (s *Session) cancelObsoleteReminder(e *OutboxEntry) (bool, error) {
	inv, err := s.Invoice(e.InvoiceID)
	if err != nil {
		return false, err
	}
	why := ""
	switch {
	case len(inv.Credits) > 0:
		why = "corrected by a credit note"
	case inv.Status == invoice.StatusPaid:
		why = "paid"
	case inv.Status == invoice.StatusVoid:
		why = "void"
	default:
		return false, nil
	}
	e.State, e.Reply, e.NextTry = storage.OutboxFailed, fmt.Sprintf("not sent: %s is %s now", inv.Number, why), time.Time{}
	var undone *invoice.Invoice
	err = s.update(func(tx *storage.Tx) error {
		if err := tx.PutOutboxEntry(*e); err != nil {
			return err
		}
		if undone, err = s.undoReminder(tx, *e); err != nil {
			return err
		}
		return tx.Audit("send.cancelled", e.Number, fmt.Sprintf("reminder %d: %s is %s now", e.Reminder, inv.Number, why))
	})
	if undone != nil {
		s.indexInvoice(undone)
	}
	if err != nil {
		return true, err
	}
	return true, fmt.Errorf("%s: %w: it is %s now", e.Number, ErrReminderObsolete, why)
}

// undoReminder removes, in tx, the reminder of the outbox entry e from its
// invoice (a reminder never delivered was not made), audited; nil when the
// invoice has no such reminder.
func (s *Session) undoReminder(tx *storage.Tx, e OutboxEntry) (*invoice.Invoice, error) {
	inv, err := s.invoiceIn(tx, e.InvoiceID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(inv.Reminders, func(r invoice.Reminder) bool { return r.Level == e.Reminder && r.Date == e.ReminderDate })
	if i < 0 {
		return nil, nil
	}
	inv.Reminders = slices.Delete(inv.Reminders, i, i+1)
	inv.Updated = s.cfg.now().UTC()
	if err := tx.PutInvoice(inv); err != nil {
		return nil, err
	}
	return &inv, tx.Audit("invoice.remind.undone", inv.ID, fmt.Sprintf("%s: level %d was not delivered", inv.Number, e.Reminder))
}
