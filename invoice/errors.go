package invoice

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors of the package. Every error returned by a parser, a
// Validate method or a lifecycle transition wraps one of them, so callers
// test with errors.Is and show the message only at the UI or CLI edge.
var (
	// ErrRequired reports an empty required field.
	ErrRequired = errors.New("required")
	// ErrSyntax reports a decimal number that is not plain "[-]digits[.digits]".
	ErrSyntax = errors.New("invalid number")
	// ErrPrecision reports a number with more fraction digits than allowed
	// (for money: more than the currency's minor units).
	ErrPrecision = errors.New("too many fraction digits")
	// ErrRange reports a number outside its allowed range (for example a tax
	// rate above 100, a negative payment, or too many integer digits).
	ErrRange = errors.New("out of range")
	// ErrCurrency reports a currency code that is not a known ISO 4217 code.
	ErrCurrency = errors.New("unknown currency")
	// ErrDate reports a date that is not a valid calendar date "YYYY-MM-DD".
	ErrDate = errors.New("invalid date")
	// ErrDueBeforeIssue reports a due date earlier than the issue date.
	ErrDueBeforeIssue = errors.New("due date before issue date")
	// ErrNoLines reports an invoice without line items.
	ErrNoLines = errors.New("no line items")
	// ErrEmail reports an e-mail address that is not syntactically sane.
	ErrEmail = errors.New("invalid e-mail address")
	// ErrText reports text that breaks a text rule: a line break in a one-line
	// field, a control character, or more than the allowed length.
	ErrText = errors.New("invalid text")
	// ErrInvalid reports any other inconsistent value (unknown status or
	// kind, a number on a draft, a credit note that corrects nothing, ...).
	ErrInvalid = errors.New("invalid value")

	// ErrImmutable reports an attempt to edit or delete an invoice that is
	// no longer a draft: issued invoices are corrected only by void or by a
	// credit note.
	ErrImmutable = errors.New("invoice is issued and cannot be changed")
	// ErrNotDraft reports a transition that needs a draft (Issue).
	ErrNotDraft = errors.New("invoice is not a draft")
	// ErrNotIssued reports a transition that needs an issued invoice
	// (payment, void, credit note) applied to a draft.
	ErrNotIssued = errors.New("invoice is not issued")
	// ErrVoid reports a transition applied to a void invoice.
	ErrVoid = errors.New("invoice is void")
	// ErrWrongKind reports an operation that does not apply to this kind of
	// document, such as a payment on a credit note.
	ErrWrongKind = errors.New("wrong document kind")
	// ErrOverpayment reports a payment larger than the outstanding balance.
	ErrOverpayment = errors.New("payment exceeds balance")
	// ErrCreditExceedsTotal reports a credit note whose total, together with
	// the credit notes already applied, exceeds the corrected invoice's total.
	ErrCreditExceedsTotal = errors.New("credit exceeds invoice total")
	// ErrHasPayments reports a void of an invoice that has payments or
	// credit notes; such an invoice is corrected with a credit note.
	ErrHasPayments = errors.New("invoice has payments or credits")
	// ErrAlreadyApplied reports a credit note applied twice.
	ErrAlreadyApplied = errors.New("credit note already applied")

	// ErrPattern reports an invalid numbering pattern.
	ErrPattern = errors.New("invalid number pattern")
)

// FieldError is a problem with one field. Field names the field the way a
// person reads it, using the JSON names and 1-based positions, such as
// "email", "due_date", "line 2 quantity" or "payment 1 amount". Value is the
// offending value for numbers, dates and codes (truncated, quoted), and empty
// for free text, which may hold personal data and must not leak into logs.
type FieldError struct {
	Field string
	Value string
	Err   error
}

// Error returns `field "value": reason`, or `field: reason` without a value.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Field)
	if e.Value != "" {
		b.WriteString(" ")
		b.WriteString(quoteValue(e.Value))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error, which wraps a sentinel error.
func (e *FieldError) Unwrap() error { return e.Err }

// ValidationError collects every problem found by a Validate method, in
// field order. errors.Is and errors.As see each problem.
type ValidationError struct {
	Problems []*FieldError
}

// Error returns the problems on one line, separated by "; ".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// problems accumulates FieldErrors; its err method returns nil when empty.
type problems []*FieldError

func (p *problems) add(field, value string, err error) {
	if err != nil {
		*p = append(*p, &FieldError{Field: field, Value: value, Err: err})
	}
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Problems: p}
}

// maxValueInError bounds how much of an offending value an error repeats.
const maxValueInError = 40

// quoteValue quotes v for an error message, truncated to maxValueInError
// runes.
func quoteValue(v string) string {
	r := []rune(v)
	if len(r) > maxValueInError {
		return strconv.Quote(string(r[:maxValueInError])) + "…"
	}
	return strconv.Quote(v)
}
