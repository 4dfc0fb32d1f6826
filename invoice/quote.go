package invoice

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Quotes (estimates) are documents of KindQuote: an offer with lines and
// totals like an invoice's, and a lifecycle of its own:
//
//	draft ──Issue──▶ sent ──Accept──▶ accepted ──ToInvoice──▶ (a draft invoice)
//	                  │ └───Decline─▶ declined
//	                  └── expired: derived, once the valid-until date (DueDate) has passed
//
// Issue gives a quote its number from the quotes' own sequence. A quote
// owes nothing: it has no payments, credits or balance, is never overdue
// and never counts as revenue. ToInvoice copies an accepted quote into a
// draft invoice once; the two link to each other (FromQuote on the
// invoice, Invoiced on the quote).

// KindQuote is a quote (estimate).
const KindQuote Kind = "quote"

// The stored states of a quote, and its derived one.
const (
	StatusSent     Status = "sent"
	StatusAccepted Status = "accepted"
	StatusDeclined Status = "declined"
	// StatusExpired is derived, never stored: a sent quote whose
	// valid-until date has passed (see EffectiveStatus).
	StatusExpired Status = "expired"
)

// Errors of the quote lifecycle.
var (
	// ErrNotAQuote is a quote action on an invoice or credit note.
	ErrNotAQuote = errors.New("not a quote")
	// ErrQuoteExpired is accepting a quote after its valid-until date.
	ErrQuoteExpired = errors.New("the quote has expired")
	// ErrAlreadyInvoiced is converting a quote a second time.
	ErrAlreadyInvoiced = errors.New("the quote was made into an invoice already")
)

// IsQuote reports whether inv is a quote.
func (inv *Invoice) IsQuote() bool { return inv.Kind == KindQuote }

// Expired is the expiry rule: a sent quote is expired when today's
// calendar date is after its valid-until date (ParseDate's midnight UTC).
// On that date itself it is still valid.
func Expired(kind Kind, status Status, validUntil, today time.Time) bool {
	if kind != KindQuote || status != StatusSent || validUntil.IsZero() {
		return false
	}
	y, m, d := today.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(validUntil)
}

// Effective is the status a list shows for a document with these parts:
// StatusOverdue for an overdue invoice, StatusExpired for an expired
// quote, otherwise status.
func Effective(kind Kind, status Status, due, today time.Time) Status {
	switch {
	case Overdue(kind, status, due, today):
		return StatusOverdue
	case Expired(kind, status, due, today):
		return StatusExpired
	}
	return status
}

func (inv *Invoice) checkQuote(want Status, today time.Time) error {
	if !inv.IsQuote() {
		return fmt.Errorf("%w: %s is an %s", ErrNotAQuote, inv.Number, inv.Kind)
	}
	if st := inv.EffectiveStatus(today); st != want {
		if st == StatusExpired {
			return fmt.Errorf("%w: %s was valid until %s", ErrQuoteExpired, inv.Number, inv.DueDate)
		}
		return fmt.Errorf("%w: quote %s is %s, not %s", ErrInvalid, quoteName(inv), st, want)
	}
	return nil
}

func quoteName(inv *Invoice) string {
	if inv.Number == "" {
		return "(draft)"
	}
	return inv.Number
}

// Accept records that the client accepted the sent quote: its status
// becomes accepted. An expired quote is refused (ErrQuoteExpired): send
// a new one.
func (inv *Invoice) Accept(now time.Time) error {
	if err := inv.checkQuote(StatusSent, now); err != nil {
		return err
	}
	inv.Status, inv.Updated = StatusAccepted, now.UTC()
	return nil
}

// Decline records that the client declined the sent (or expired) quote.
func (inv *Invoice) Decline(now time.Time) error {
	if !inv.IsQuote() {
		return fmt.Errorf("%w: %s is an %s", ErrNotAQuote, inv.Number, inv.Kind)
	}
	if inv.Status != StatusSent {
		return fmt.Errorf("%w: quote %s is %s, not sent", ErrInvalid, quoteName(inv), inv.Status)
	}
	inv.Status, inv.Updated = StatusDeclined, now.UTC()
	return nil
}

// ToInvoice returns the draft invoice an accepted quote becomes, with id,
// dated issueDate and due paymentDays later: the quote's client, currency,
// lines (exactly, so the totals are the quote's to the cent), notes,
// terms and references, FromQuote set. It marks the quote Invoiced with
// id. A quote is made into an invoice once (ErrAlreadyInvoiced).
func (inv *Invoice) ToInvoice(id, issueDate string, paymentDays int, now time.Time) (*Invoice, error) {
	if !inv.IsQuote() {
		return nil, fmt.Errorf("%w: %s is an %s", ErrNotAQuote, inv.Number, inv.Kind)
	}
	if inv.Invoiced != "" {
		return nil, fmt.Errorf("%w: quote %s", ErrAlreadyInvoiced, inv.Number)
	}
	if inv.Status != StatusAccepted {
		return nil, fmt.Errorf("%w: quote %s is %s; only an accepted quote becomes an invoice", ErrInvalid, quoteName(inv), inv.Status)
	}
	if err := requiredText(id, MaxIDLen, false); err != nil {
		return nil, &FieldError{Field: "id", Err: err}
	}
	issue, err := ParseDate(issueDate)
	if err != nil {
		return nil, &FieldError{Field: "issue_date", Value: issueDate, Err: err}
	}
	out := &Invoice{
		ID: id, Kind: KindInvoice, Status: StatusDraft, ClientID: inv.ClientID, Currency: inv.Currency,
		IssueDate: issueDate, DueDate: issue.AddDate(0, 0, max(paymentDays, 0)).Format(DateLayout),
		Notes: inv.Notes, Terms: inv.Terms, Lines: slices.Clone(inv.Lines),
		BuyerReference: inv.BuyerReference, OrderReference: inv.OrderReference,
		FromQuote: inv.ID, Created: now.UTC(), Updated: now.UTC(),
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	inv.Invoiced, inv.Updated = id, now.UTC()
	return out, nil
}
