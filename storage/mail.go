package storage

import (
	"errors"
	"time"
)

// Mail records: the server settings (the password apart, among the
// secrets, which backup streams leave out and the restore kit carries) and
// the outbox, one entry per message.
const (
	keyMailSettings = "mail/settings"
	keyMailPassword = "secret/smtp_password"
	prefixOutbox    = "outbox/"
)

// MailSettings is how the business's mail server is reached (no password:
// see MailPassword).
type MailSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Security string `json:"security"`
	Username string `json:"username,omitempty"`
	From     string `json:"from"`
	FromName string `json:"from_name,omitempty"`
	// CA is a PEM certificate to trust besides the system roots.
	CA string `json:"ca,omitempty"`
	// Subject and Body are the templates of invoice messages.
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body,omitempty"`
}

// MailSettings returns the mail settings, or ErrNotFound before any.
func (tx *Tx) MailSettings() (MailSettings, error) { return getJSON[MailSettings](tx, keyMailSettings) }

// PutMailSettings stores the mail settings.
func (tx *Tx) PutMailSettings(m MailSettings) error { return putJSON(tx, keyMailSettings, m) }

// MailPassword returns the SMTP password ("" when none is kept).
func (tx *Tx) MailPassword() (string, error) {
	raw, err := tx.getRaw(keyMailPassword)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return string(raw), err
}

// PutMailPassword keeps the SMTP password among the vault's secrets; ""
// removes it.
func (tx *Tx) PutMailPassword(password string) error {
	if password == "" {
		if _, err := tx.getRaw(keyMailPassword); errors.Is(err, ErrNotFound) {
			return nil
		}
		return tx.del(keyMailPassword)
	}
	return tx.set(keyMailPassword, []byte(password))
}

// Outbox states.
const (
	OutboxQueued  = "queued"  // waiting to be sent (again, after a temporary failure)
	OutboxSending = "sending" // handed to the server when the session stopped: it may have gone
	OutboxSent    = "sent"
	OutboxFailed  = "failed" // refused for good
)

// OutboxEntry is one message of the outbox. It holds no body text: the
// message is made again from the invoice when it is sent.
type OutboxEntry struct {
	ID        string    `json:"id"`
	InvoiceID string    `json:"invoice_id"`
	Number    string    `json:"number"`
	To        []string  `json:"to"`
	User      string    `json:"user"`
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	NextTry   time.Time `json:"next_try,omitzero"`
	Reply     string    `json:"reply,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
	// Reminder is, for a payment reminder's message, its level, and
	// ReminderDate the date it was made for; 0 for the invoice itself.
	Reminder     int       `json:"reminder,omitempty"`
	ReminderDate string    `json:"reminder_date,omitempty"`
	Created      time.Time `json:"created"`
	Sent         time.Time `json:"sent,omitzero"`
}

// OutboxEntry returns the entry id, or ErrNotFound.
func (tx *Tx) OutboxEntry(id string) (OutboxEntry, error) {
	if _, err := recordID("outbox", id); err != nil {
		return OutboxEntry{}, err
	}
	return getJSON[OutboxEntry](tx, prefixOutbox+id)
}

// PutOutboxEntry creates or replaces an outbox entry.
func (tx *Tx) PutOutboxEntry(e OutboxEntry) error {
	if _, err := recordID("outbox", e.ID); err != nil {
		return err
	}
	return putJSON(tx, prefixOutbox+e.ID, e)
}

// EachOutboxEntry calls fn for every outbox entry, in id order.
func (tx *Tx) EachOutboxEntry(fn func(OutboxEntry) error) error {
	return eachJSON(tx, prefixOutbox, fn)
}
