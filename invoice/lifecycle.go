package invoice

import (
	"fmt"
	"slices"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// StatusOverdue is a derived status, never stored: an issued or partially
// paid invoice whose due date has passed (see EffectiveStatus). Validate
// rejects it as a stored Status.
const StatusOverdue Status = "overdue"

// ParseStatus parses a stored status name ("draft", "issued",
// "partially_paid", "paid", "void") or the derived "overdue", as a filter
// on the command line would. The error wraps ErrInvalid.
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case StatusDraft, StatusIssued, StatusPartiallyPaid, StatusPaid, StatusVoid, StatusOverdue,
		StatusSent, StatusAccepted, StatusDeclined, StatusExpired:
		return st, nil
	}
	return "", fmt.Errorf("%w: unknown status %q (want draft, issued, partially_paid, paid, void or overdue; for quotes sent, accepted, declined or expired)", ErrInvalid, s)
}

// The lifecycle of an invoice:
//
//	draft ──Issue──▶ issued ──RecordPayment──▶ partially_paid ──▶ paid
//	                   │                              ▲
//	                   └──Void (no payments)──▶ void  └── ApplyCreditNote also settles
//
// A draft is the only editable and deletable state. An issued invoice is
// never edited or deleted; it is corrected by Void (only while nothing was
// paid or credited) or by a credit note (NewCreditNote, Issue,
// ApplyCreditNote). Every transition below checks everything first and
// changes the invoice only when it returns nil, so a failed transition
// leaves the invoice untouched. Timestamps (Created, Updated) are set from
// the caller's now, converted to UTC, which also drops any monotonic clock
// reading so that records round-trip through JSON exactly. The caller persists the result and writes
// the audit entry.

// CheckEditable returns nil if inv may be edited, that is if it is a
// draft; otherwise an error wrapping ErrImmutable.
func (inv *Invoice) CheckEditable() error {
	if inv.Status != StatusDraft {
		return fmt.Errorf("%w: status is %s", ErrImmutable, inv.Status)
	}
	return nil
}

// CheckDeletable returns nil if inv may be deleted, that is if it is a
// draft; otherwise an error wrapping ErrImmutable. Issued invoices are
// voided or credited, never deleted.
func (inv *Invoice) CheckDeletable() error { return inv.CheckEditable() }

// CheckEdit returns nil if updated may replace old as an edit: old is a
// draft, updated is still a draft of the same ID, kind and corrected
// invoice, and updated is valid. The error wraps ErrImmutable, ErrInvalid
// or is updated's *ValidationError.
func CheckEdit(old, updated *Invoice) error {
	if err := old.CheckEditable(); err != nil {
		return err
	}
	if updated.Status != StatusDraft {
		return fmt.Errorf("%w: an edit cannot change the status; use the transitions", ErrInvalid)
	}
	if updated.ID != old.ID || updated.Kind != old.Kind || updated.Corrects != old.Corrects ||
		updated.Schedule != old.Schedule || updated.Occurrence != old.Occurrence ||
		updated.FromQuote != old.FromQuote || updated.Invoiced != old.Invoiced {
		return fmt.Errorf("%w: an edit cannot change the id, kind, corrected invoice, schedule or quote", ErrInvalid)
	}
	return updated.Validate()
}

// CheckIssuable returns nil if Issue would succeed with a valid number: inv
// is a valid draft whose total is not negative (positive for a credit
// note). Callers check this before taking a number from the
// gap-free sequence, so that no number is consumed by a failing issue.
func (inv *Invoice) CheckIssuable() error {
	if inv.Status != StatusDraft {
		return fmt.Errorf("%w: status is %s", ErrNotDraft, inv.Status)
	}
	if err := inv.Validate(); err != nil {
		return err
	}
	t, err := inv.Totals()
	if err != nil {
		return err
	}
	if inv.IsCreditNote() && !t.Total.IsPositive() {
		return fmt.Errorf("%w: a credit note's total must be positive", ErrRange)
	}
	if t.Total.IsNegative() {
		return fmt.Errorf("%w: an invoice's total must not be negative; issue a credit note instead", ErrRange)
	}
	return nil
}

// Issue turns a valid draft into an issued invoice with the given number
// (from the storage layer's gap-free sequence, usually Pattern.Format) and
// sets Updated to now. An invoice whose total is zero is settled at once
// (StatusPaid): nothing is owed. The issue date is not changed: the caller sets it
// beforehand if it should be today. The error wraps ErrNotDraft,
// ErrRequired or is the draft's *ValidationError.
func (inv *Invoice) Issue(number string, now time.Time) error {
	if err := inv.CheckIssuable(); err != nil {
		return err
	}
	if err := requiredText(number, MaxNumberLen, false); err != nil {
		return &FieldError{Field: "number", Value: number, Err: err}
	}
	inv.Number = number
	inv.Status = StatusIssued
	if inv.IsQuote() {
		inv.Status = StatusSent
	} else if !inv.IsCreditNote() {
		if t, err := inv.Totals(); err == nil {
			inv.settle(t)
		}
	}
	inv.Updated = now.UTC()
	return nil
}

// checkCorrectable returns nil if inv is an issued invoice (not a credit
// note) that payments and credit notes may apply to.
func (inv *Invoice) checkCorrectable() error {
	if inv.IsCreditNote() {
		return fmt.Errorf("%w: %s is a credit note", ErrWrongKind, inv.Number)
	}
	switch inv.Status {
	case StatusIssued, StatusPartiallyPaid, StatusPaid:
		return nil
	case StatusVoid:
		return ErrVoid
	default:
		return fmt.Errorf("%w: status is %s", ErrNotIssued, inv.Status)
	}
}

// settle sets the status from the totals: paid when nothing is owed,
// partially paid when something was paid or credited, issued otherwise.
func (inv *Invoice) settle(t Totals) {
	switch {
	case !t.Balance.IsPositive():
		inv.Status = StatusPaid
	case t.Paid.IsPositive() || t.Credited.IsPositive():
		inv.Status = StatusPartiallyPaid
	default:
		inv.Status = StatusIssued
	}
}

// RecordPayment adds a payment to an issued or partially paid invoice and
// moves it to partially paid, or to paid when the balance reaches zero. The
// payment must be valid (ValidatePayment) and must not exceed the balance:
// an overpayment is refused with ErrOverpayment rather than recorded, so a
// balance never goes negative through payments (the excess is a matter for
// a refund outside the invoice). Payments on drafts (ErrNotIssued), void
// invoices (ErrVoid), credit notes (ErrWrongKind) and settled invoices
// (ErrOverpayment) are refused.
func (inv *Invoice) RecordPayment(p Payment, now time.Time) error {
	if err := inv.checkCorrectable(); err != nil {
		return err
	}
	if err := ValidatePayment(p, inv.Currency); err != nil {
		return err
	}
	t, err := inv.Totals()
	if err != nil {
		return err
	}
	amount, err := ParseAmount(p.Amount, inv.Currency)
	if err != nil {
		return err
	}
	if c, err := amount.Cmp(t.Balance); err != nil || c > 0 {
		return fmt.Errorf("%w: %s is more than the balance of %s", ErrOverpayment, amount, t.Balance)
	}
	inv.Payments = append(slices.Clip(inv.Payments), p)
	t, err = inv.Totals()
	if err != nil {
		inv.Payments = inv.Payments[:len(inv.Payments)-1]
		return err
	}
	inv.settle(t)
	inv.Updated = now.UTC()
	return nil
}

// Void marks an issued invoice void, with a required reason kept on the
// invoice. Only an issued invoice with no payments and no credits may be
// voided: one with money against it is corrected by a credit note
// (ErrHasPayments); a draft is deleted instead (ErrNotIssued); a credit
// note is not voided (ErrWrongKind); a void invoice stays void (ErrVoid).
func (inv *Invoice) Void(reason string, now time.Time) error {
	if err := inv.checkCorrectable(); err != nil {
		return err
	}
	if inv.Status != StatusIssued || len(inv.Payments) > 0 || len(inv.Credits) > 0 {
		return fmt.Errorf("%w: use a credit note", ErrHasPayments)
	}
	if err := requiredText(reason, MaxShortTextLen, true); err != nil {
		return &FieldError{Field: "void_reason", Err: err}
	}
	inv.Status = StatusVoid
	inv.VoidReason = reason
	inv.Updated = now.UTC()
	return nil
}

// NewCreditNote returns a draft credit note (Kind KindCreditNote) that
// corrects orig: same client and currency, Corrects = orig.ID, the given ID,
// issue date (also its due date) and lines. The lines state what is
// credited with positive amounts (copy orig.Lines for a full credit), so
// the credit note's Totals are positive and its Total is what it takes off
// orig's balance. orig must be an issued, partially paid or paid invoice;
// the note must be valid with a positive total that, with the credit notes
// already applied to orig, does not exceed orig's total
// (ErrCreditExceedsTotal). The caller issues the note (Issue, with a
// number) and then applies it (ApplyCreditNote), saving both together.
func NewCreditNote(orig *Invoice, id, issueDate string, lines []Line, now time.Time) (*Invoice, error) {
	if err := orig.checkCorrectable(); err != nil {
		return nil, err
	}
	note := &Invoice{
		ID:        id,
		Kind:      KindCreditNote,
		Status:    StatusDraft,
		ClientID:  orig.ClientID,
		Currency:  orig.Currency,
		IssueDate: issueDate,
		DueDate:   issueDate,
		Lines:     slices.Clone(lines),
		Corrects:  orig.ID,
		// The buyer's references stay with the correction.
		BuyerReference: orig.BuyerReference,
		OrderReference: orig.OrderReference,
		Created:        now.UTC(),
		Updated:        now.UTC(),
	}
	if err := requiredText(id, MaxIDLen, false); err != nil {
		return nil, &FieldError{Field: "id", Err: err}
	}
	if err := note.CheckIssuable(); err != nil {
		return nil, err
	}
	if err := CheckCreditNote(orig, note); err != nil {
		return nil, err
	}
	return note, nil
}

// CheckCreditNote returns nil if note may be applied to orig: note is a
// credit note correcting orig, in orig's currency, not yet applied, with a
// positive total that together with orig's existing credits does not
// exceed orig's total. Callers run it again in the transaction that issues
// the note, as other credit notes may have been applied since the draft
// was made. The error wraps ErrWrongKind, ErrInvalid, ErrAlreadyApplied,
// ErrRange or ErrCreditExceedsTotal.
func CheckCreditNote(orig, note *Invoice) error {
	if err := orig.checkCorrectable(); err != nil {
		return err
	}
	if !note.IsCreditNote() {
		return fmt.Errorf("%w: not a credit note", ErrWrongKind)
	}
	if note.Corrects != orig.ID || note.Currency != orig.Currency {
		return fmt.Errorf("%w: the credit note corrects another invoice or uses another currency", ErrInvalid)
	}
	if note.ID != "" && slices.ContainsFunc(orig.Credits, func(c Credit) bool { return c.NoteID == note.ID }) {
		return ErrAlreadyApplied
	}
	ot, err := orig.Totals()
	if err != nil {
		return err
	}
	nt, err := note.Totals()
	if err != nil {
		return err
	}
	if !nt.Total.IsPositive() {
		return fmt.Errorf("%w: a credit note's total must be positive", ErrRange)
	}
	room := new(apd.Decimal)
	if _, err := exactContext().Sub(room, decimalOf(ot.Total), decimalOf(ot.Credited)); err != nil {
		return fmt.Errorf("%w: %v", ErrRange, err)
	}
	if decimalOf(nt.Total).Cmp(room) > 0 {
		return fmt.Errorf("%w: credit of %s, but only %s %s of the total is not yet credited", ErrCreditExceedsTotal, nt.Total, room.Text('f'), orig.Currency)
	}
	return nil
}

// ApplyCreditNote records the issued credit note on orig as a Credit (its
// ID, number, issue date and total) and settles orig's status: paid when
// nothing is owed any more, else partially paid. If orig was already paid,
// its Balance becomes negative: a refund of that amount is due. The error
// is CheckCreditNote's, or wraps ErrNotIssued if note is not issued.
func ApplyCreditNote(orig, note *Invoice, now time.Time) error {
	if note.Status != StatusIssued {
		return fmt.Errorf("%w: the credit note must be issued before it is applied", ErrNotIssued)
	}
	if err := CheckCreditNote(orig, note); err != nil {
		return err
	}
	nt, err := note.Totals()
	if err != nil {
		return err
	}
	orig.Credits = append(slices.Clip(orig.Credits), Credit{NoteID: note.ID, Number: note.Number, Date: note.IssueDate, Amount: nt.Total.Number()})
	t, err := orig.Totals()
	if err != nil {
		orig.Credits = orig.Credits[:len(orig.Credits)-1]
		return err
	}
	orig.settle(t)
	orig.Updated = now.UTC()
	return nil
}

// IsOverdue reports whether inv is an invoice, issued or partially paid
// (so something is still owed), whose due date is before today's calendar
// date in today's own location (see Overdue). An invoice with an
// unparsable due date is not reported overdue.
func (inv *Invoice) IsOverdue(today time.Time) bool {
	due, err := ParseDate(inv.DueDate)
	if err != nil {
		return false
	}
	return Overdue(inv.Kind, inv.Status, due, today)
}

// Overdue is the overdue rule on the parts of an invoice it needs, for
// callers that keep summaries rather than invoices: an invoice (not a
// credit note) of status issued or partially paid is overdue when today's
// calendar date, in today's own location, is after its due date (midnight
// UTC of the due day, as ParseDate returns it). On the due date itself it
// is not overdue. A zero due date (unknown) is never overdue.
func Overdue(kind Kind, status Status, due, today time.Time) bool {
	if kind == KindCreditNote || (status != StatusIssued && status != StatusPartiallyPaid) || due.IsZero() {
		return false
	}
	y, m, d := today.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(due)
}

// EffectiveStatus returns StatusOverdue when IsOverdue(today),
// StatusExpired for a sent quote past its valid-until date (DueDate), else
// the stored Status.
func (inv *Invoice) EffectiveStatus(today time.Time) Status {
	due, err := ParseDate(inv.DueDate)
	if err != nil {
		return inv.Status
	}
	return Effective(inv.Kind, inv.Status, due, today)
}

// Duplicate returns a new draft invoice copied from inv with the given ID
// and issue date: same client, currency, lines, notes and terms, and a due
// date as many days after the new issue date as inv's was after its own
// (the payment term). The copy has no number, payments, credits, void
// reason or corrected invoice, is of KindInvoice (KindQuote for a quote's
// copy), and has Created
// and Updated set to now. inv itself is not changed and may be in any
// state. The error names a missing id or an invalid issue date.
func (inv *Invoice) Duplicate(id, issueDate string, now time.Time) (*Invoice, error) {
	if err := requiredText(id, MaxIDLen, false); err != nil {
		return nil, &FieldError{Field: "id", Err: err}
	}
	issue, err := ParseDate(issueDate)
	if err != nil {
		return nil, &FieldError{Field: "issue_date", Value: issueDate, Err: err}
	}
	days := 0
	oi, err1 := ParseDate(inv.IssueDate)
	od, err2 := ParseDate(inv.DueDate)
	if err1 == nil && err2 == nil && !od.Before(oi) {
		days = int(od.Sub(oi) / (24 * time.Hour)) // UTC midnights: exact
	}
	kind := KindInvoice
	if inv.IsQuote() {
		kind = KindQuote // a quote's copy is a new quote
	}
	return &Invoice{
		ID:        id,
		Kind:      kind,
		Status:    StatusDraft,
		ClientID:  inv.ClientID,
		Currency:  inv.Currency,
		IssueDate: issueDate,
		DueDate:   issue.AddDate(0, 0, days).Format(DateLayout),
		Notes:     inv.Notes,
		Terms:     inv.Terms,
		Lines:     slices.Clone(inv.Lines),
		Created:   now.UTC(),
		Updated:   now.UTC(),
	}, nil
}
