package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// Key prefixes of the typed records. Ids never contain sensitive data.
const (
	prefixClient  = "client/"
	prefixInvoice = "invoice/"
	prefixSummary = "isum/"
	prefixNumber  = "num/"
	prefixUser    = "user/"
	prefixSeq     = "seq/"
	keySettings   = "settings"
	keyRecovery   = "secret/recovery"
)

// Settings is the business profile and the administrator's choices for the
// whole vault.
type Settings struct {
	BusinessName    string `json:"business_name"`
	BusinessAddress string `json:"business_address,omitempty"`
	BusinessEmail   string `json:"business_email,omitempty"`
	BusinessTaxID   string `json:"business_tax_id,omitempty"`
	// What e-invoices need of the seller besides: the structured address,
	// the VAT id (BusinessTaxID is the tax number), a contact, the
	// electronic address and its EAS scheme, and the account credit
	// transfers go to.
	BusinessCity           string `json:"business_city,omitempty"`
	BusinessPostalCode     string `json:"business_postal_code,omitempty"`
	BusinessCountry        string `json:"business_country,omitempty"`
	BusinessVATID          string `json:"business_vat_id,omitempty"`
	BusinessPhone          string `json:"business_phone,omitempty"`
	BusinessContact        string `json:"business_contact,omitempty"`
	BusinessEAddress       string `json:"business_electronic_address,omitempty"`
	BusinessEAddressScheme string `json:"business_electronic_address_scheme,omitempty"`
	PaymentIBAN            string `json:"payment_iban,omitempty"`
	PaymentBIC             string `json:"payment_bic,omitempty"`
	// Logo is a PNG or JPEG image for the PDF header, if any.
	Logo []byte `json:"logo,omitempty"`
	// Currency is the default ISO 4217 code of new invoices.
	Currency string `json:"currency"`
	// NumberPattern numbers issued invoices, e.g. "INV-{YYYY}-{SEQ:4}".
	NumberPattern string `json:"number_pattern"`
	// CreditNotePattern numbers credit notes, in a sequence of their own;
	// QuotePattern quotes, in a third ("" means the default).
	CreditNotePattern string `json:"credit_note_pattern,omitempty"`
	QuotePattern      string `json:"quote_pattern,omitempty"`
	// PaymentTerms is printed on invoices, e.g. "Payable within 30 days".
	PaymentTerms string `json:"payment_terms,omitempty"`
	// ReminderLevels are the payment reminders' levels; none means
	// invoice.DefaultReminderLevels.
	ReminderLevels []invoice.ReminderLevel `json:"reminder_levels,omitempty"`
	// PaymentDays is the default due-date offset of new invoices.
	PaymentDays int `json:"payment_days,omitempty"`
	// DefaultTaxRate is the tax rate, in percent, of new invoice lines
	// ("" means 0).
	DefaultTaxRate string `json:"default_tax_rate,omitempty"`
	// PDFNote is printed at the end of every PDF: a thank-you, or the
	// company's registration details.
	PDFNote string `json:"pdf_note,omitempty"`
	// PDFClientAddress and PDFClientTaxID print those client fields on
	// PDFs; by default only the name and email are (minimal information).
	PDFClientAddress bool `json:"pdf_client_address,omitempty"`
	PDFClientTaxID   bool `json:"pdf_client_tax_id,omitempty"`
	// PDFPaper is the paper size of PDFs, "a4" (also when empty) or
	// "letter"; PDFLocale the BCP 47 tag amounts are written in ("": the
	// PDF package's default).
	PDFPaper  string `json:"pdf_paper,omitempty"`
	PDFLocale string `json:"pdf_locale,omitempty"`
	// BackupDir is the folder backups are written to, if chosen.
	BackupDir string `json:"backup_dir,omitempty"`
	// BackupRecipients are extra age X25519 public keys ("age1…") backups
	// are encrypted to besides the recovery key, such as an accountant's.
	BackupRecipients []string `json:"backup_recipients,omitempty"`
	// BackupSchedule is when backups run by themselves: "manual" (or
	// empty), "on-close", "hourly" or "daily".
	BackupSchedule string `json:"backup_schedule,omitempty"`
	// BackupKeepLast, BackupKeepDaily, BackupKeepWeekly and
	// BackupKeepMonthly are the retention policy; all zero means the
	// default policy.
	BackupKeepLast    int `json:"backup_keep_last,omitempty"`
	BackupKeepDaily   int `json:"backup_keep_daily,omitempty"`
	BackupKeepWeekly  int `json:"backup_keep_weekly,omitempty"`
	BackupKeepMonthly int `json:"backup_keep_monthly,omitempty"`
	// Demo marks books that hold made-up demo data (app's GenerateDemo),
	// which real invoices are never mixed with.
	Demo bool `json:"demo,omitempty"`
}

// recordID checks an id before it becomes part of a key.
func recordID(kind, id string) (string, error) {
	if id == "" || len(id) > 128 {
		return "", fmt.Errorf("%s id %q is empty or too long", kind, id)
	}
	return id, nil
}

// PutClient creates or replaces a client.
func (tx *Tx) PutClient(c invoice.Client) error {
	id, err := recordID("client", c.ID)
	if err != nil {
		return err
	}
	return putJSON(tx, prefixClient+id, c)
}

// Client returns the client with id, or ErrNotFound.
func (tx *Tx) Client(id string) (invoice.Client, error) {
	c, err := getJSON[invoice.Client](tx, prefixClient+id)
	if errors.Is(err, ErrNotFound) {
		return c, fmt.Errorf("client %s: %w", id, ErrNotFound)
	}
	return c, err
}

// DeleteClient removes a client.
func (tx *Tx) DeleteClient(id string) error { return tx.del(prefixClient + id) }

// EachClient calls fn for every client in id order until fn returns an error.
func (tx *Tx) EachClient(fn func(invoice.Client) error) error {
	return eachJSON(tx, prefixClient, fn)
}

// InvoiceSummary is what lists and searches need of an invoice. One is
// kept beside every invoice, written in the same transaction, so that
// opening a vault of 100,000 invoices reads small summaries instead of
// decoding and totalling every invoice.
type InvoiceSummary struct {
	ID        string         `json:"id"`
	Number    string         `json:"number,omitempty"`
	Kind      invoice.Kind   `json:"kind"`
	Status    invoice.Status `json:"status"`
	ClientID  string         `json:"client"`
	Currency  string         `json:"currency"`
	IssueDate string         `json:"issue"`
	DueDate   string         `json:"due"`
	// Total and Balance are decimal strings in the invoice's currency.
	Total   string `json:"total"`
	Balance string `json:"balance"`
	// Text is the searchable free text: notes and line descriptions.
	Text    string    `json:"text,omitempty"`
	Updated time.Time `json:"updated"`
	// Payments are the payments recorded on the invoice, oldest first.
	Payments []PaymentSummary `json:"payments,omitempty"`
	// Net is the total before tax; Rates the tax breakdown per VAT
	// category and rate (what reports need of the lines); Credits the
	// credit notes applied, each with its date and amount (as
	// PaymentSummary).
	Net     string           `json:"net,omitempty"`
	Rates   []RateSummary    `json:"rates,omitempty"`
	Credits []PaymentSummary `json:"credits,omitempty"`
}

// RateSummary is one line of an invoice's tax breakdown: VAT category,
// rate (percent), taxable net and tax, decimal strings in its currency.
type RateSummary struct {
	Category string `json:"category"`
	Rate     string `json:"rate"`
	Net      string `json:"net"`
	Tax      string `json:"tax"`
}

// PaymentSummary is one payment of an invoice: its date (YYYY-MM-DD) and
// amount (a decimal string in the invoice's currency).
type PaymentSummary struct {
	Date   string `json:"date"`
	Amount string `json:"amount"`
}

// Summarize computes an invoice's summary.
func Summarize(inv *invoice.Invoice) (InvoiceSummary, error) {
	t, err := inv.Totals()
	if err != nil {
		return InvoiceSummary{}, err
	}
	balance := t.Balance.Number()
	if inv.Status == invoice.StatusVoid || inv.IsQuote() {
		// A void invoice is owed by no one, nor is a quote.
		zero, err := t.Balance.Sub(t.Balance)
		if err != nil {
			return InvoiceSummary{}, err
		}
		balance = zero.Number()
	}
	var text strings.Builder
	text.WriteString(inv.Notes)
	for _, l := range inv.Lines {
		text.WriteByte('\n')
		text.WriteString(l.Description)
	}
	var payments, credits []PaymentSummary
	for _, p := range inv.Payments {
		payments = append(payments, PaymentSummary{Date: p.Date, Amount: p.Amount})
	}
	for _, c := range inv.Credits {
		credits = append(credits, PaymentSummary{Date: c.Date, Amount: c.Amount})
	}
	var rates []RateSummary
	for _, r := range t.Rates {
		rates = append(rates, RateSummary{Category: r.Category, Rate: r.Rate, Net: r.Net.Number(), Tax: r.Tax.Number()})
	}
	return InvoiceSummary{
		ID: inv.ID, Number: inv.Number, Kind: inv.Kind, Status: inv.Status, ClientID: inv.ClientID,
		Currency: inv.Currency, IssueDate: inv.IssueDate, DueDate: inv.DueDate,
		Total: t.Total.Number(), Balance: balance, Text: text.String(), Updated: inv.Updated,
		Payments: payments, Net: t.Net.Number(), Rates: rates, Credits: credits,
	}, nil
}

// PutInvoice creates or replaces an invoice or credit note and its summary.
// The invoice's totals must compute (see invoice.Invoice.Totals).
func (tx *Tx) PutInvoice(inv invoice.Invoice) error {
	id, err := recordID("invoice", inv.ID)
	if err != nil {
		return err
	}
	sum, err := Summarize(&inv)
	if err != nil {
		return fmt.Errorf("invoice %s: %w", id, err)
	}
	if err := putJSON(tx, prefixInvoice+id, inv); err != nil {
		return err
	}
	return tx.set(prefixSummary+id, appendSummary(nil, &sum))
}

// EachInvoiceSummary calls fn for every invoice summary in id order until
// fn returns an error.
func (tx *Tx) EachInvoiceSummary(fn func(InvoiceSummary) error) error {
	return tx.eachCounted(prefixSummary, decodingSummaries(fn))
}

// decodingSummaries adapts fn to a walk over the stored summaries.
func decodingSummaries(fn func(InvoiceSummary) error) func(key, val []byte) error {
	return func(key, val []byte) error {
		s, err := decodeSummary(val)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return fn(s)
	}
}

// Invoice returns the invoice with id, or ErrNotFound.
func (tx *Tx) Invoice(id string) (invoice.Invoice, error) {
	inv, err := getJSON[invoice.Invoice](tx, prefixInvoice+id)
	if errors.Is(err, ErrNotFound) {
		return inv, fmt.Errorf("invoice %s: %w", id, ErrNotFound)
	}
	return inv, err
}

// DeleteInvoice removes an invoice and its summary.
func (tx *Tx) DeleteInvoice(id string) error {
	if err := tx.del(prefixInvoice + id); err != nil {
		return err
	}
	return tx.del(prefixSummary + id)
}

// EachInvoice calls fn for every invoice in id order until fn returns an
// error.
func (tx *Tx) EachInvoice(fn func(invoice.Invoice) error) error {
	return eachJSON(tx, prefixInvoice, fn)
}

// PutUser creates or replaces a user record.
func (tx *Tx) PutUser(u auth.User) error {
	if err := checkSlotName(u.Name); err != nil {
		return err
	}
	return putJSON(tx, prefixUser+u.Name, u)
}

// User returns the user called name, or ErrNotFound.
func (tx *Tx) User(name string) (auth.User, error) {
	u, err := getJSON[auth.User](tx, prefixUser+name)
	if errors.Is(err, ErrNotFound) {
		return u, fmt.Errorf("user %s: %w", name, ErrNotFound)
	}
	return u, err
}

// DeleteUser removes a user record (not the key slot).
func (tx *Tx) DeleteUser(name string) error { return tx.del(prefixUser + name) }

// EachUser calls fn for every user in name order until fn returns an error.
func (tx *Tx) EachUser(fn func(auth.User) error) error {
	return eachJSON(tx, prefixUser, fn)
}

// Settings returns the vault's settings, or ErrNotFound before they were
// first saved.
func (tx *Tx) Settings() (Settings, error) { return getJSON[Settings](tx, keySettings) }

// PutSettings replaces the vault's settings.
func (tx *Tx) PutSettings(s Settings) error { return putJSON(tx, keySettings, s) }

// RecoveryIdentity returns the age identity (AGE-SECRET-KEY-1…) that backups
// are encrypted to, or ErrNotFound.
func (tx *Tx) RecoveryIdentity() (string, error) {
	raw, err := tx.getRaw(keyRecovery)
	if err != nil {
		return "", err
	}
	return string(raw), nil
}

// PutRecoveryIdentity stores the recovery identity.
func (tx *Tx) PutRecoveryIdentity(identity string) error {
	return tx.set(keyRecovery, []byte(identity))
}

// NextSeq increments the named counter and returns its new value (1 first).
// The counter lives in the transaction, so numbers handed out are gap-free:
// a transaction that fails or is retried takes none.
func (tx *Tx) NextSeq(name string) (uint64, error) {
	cur, err := tx.Seq(name)
	if err != nil {
		return 0, err
	}
	next := cur + 1
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], next)
	if err := tx.set(prefixSeq+name, b[:]); err != nil {
		return 0, err
	}
	return next, nil
}

// Seq returns the current value of the named counter (0 if never used).
func (tx *Tx) Seq(name string) (uint64, error) {
	raw, err := tx.getOptional(prefixSeq + name)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if len(raw) != 8 {
		return 0, fmt.Errorf("counter %s is damaged", name)
	}
	return binary.BigEndian.Uint64(raw), nil
}

const keyPolicy = "policy"

// Policy returns the administrator's password policy, or ErrNotFound before
// one was saved (callers then use auth.DefaultPolicy).
func (tx *Tx) Policy() (auth.Policy, error) { return getJSON[auth.Policy](tx, keyPolicy) }

// PutPolicy replaces the password policy.
func (tx *Tx) PutPolicy(p auth.Policy) error { return putJSON(tx, keyPolicy, p) }

// ErrNumberTaken means an invoice number is already used by another invoice.
var ErrNumberTaken = errors.New("invoice number already used")

// ClaimNumber records that number belongs to invoice id, so that no other
// invoice can ever carry it. It fails with ErrNumberTaken if another
// invoice has it. Numbers are never released, even when an invoice is void.
func (tx *Tx) ClaimNumber(number, id string) error {
	if number == "" {
		return errors.New("empty invoice number")
	}
	owner, err := tx.getOptional(prefixNumber + number)
	switch {
	case err == nil && string(owner) == id:
		return nil
	case err == nil:
		return fmt.Errorf("%s: %w", number, ErrNumberTaken)
	case !errors.Is(err, ErrNotFound):
		return err
	}
	return tx.set(prefixNumber+number, []byte(id))
}

// InvoiceByNumber returns the id of the invoice carrying number, or
// ErrNotFound.
func (tx *Tx) InvoiceByNumber(number string) (string, error) {
	id, err := tx.getRaw(prefixNumber + number)
	if errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("invoice %s: %w", number, ErrNotFound)
	}
	return string(id), err
}

// keyLockoutAnchor holds the hash of the failed-login journal's base as the
// last good login wrote it (see app's lockout.go).
const keyLockoutAnchor = "meta/lockout"

// LockoutAnchor returns the kept hash of the failed-login journal, "" when
// none was kept yet.
func (tx *Tx) LockoutAnchor() (string, error) {
	raw, err := tx.getOptional(keyLockoutAnchor)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return string(raw), err
}

// PutLockoutAnchor keeps the hash of the failed-login journal.
func (tx *Tx) PutLockoutAnchor(hash string) error { return tx.set(keyLockoutAnchor, []byte(hash)) }
