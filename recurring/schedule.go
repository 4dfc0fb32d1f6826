// Package recurring is the arithmetic of recurring invoices: a Schedule
// made from an invoice, the dates of its occurrences (month ends kept),
// which of them are due as of a date, and the invoice each one makes.
// It keeps no state and does no I/O: the vault stores schedules, and the
// app makes each due occurrence's invoice and advances the schedule in one
// transaction, which is what makes generation exactly-once.
package recurring

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"safeinvoice/invoice"
)

// Period is how often a schedule makes an invoice.
type Period string

// The periods.
const (
	Weekly    Period = "week"
	Monthly   Period = "month"
	Quarterly Period = "quarter"
	Yearly    Period = "year"
)

// Sentinel errors; the errors of this package wrap them.
var (
	// ErrInvalid is a schedule that cannot work as given.
	ErrInvalid = errors.New("invalid schedule")
	// ErrStopped is an action on a schedule that was stopped.
	ErrStopped = errors.New("schedule stopped")
)

// ParsePeriod reads "week", "month", "quarter" or "year" (also "weekly",
// "monthly", "quarterly", "yearly"), in any case.
func ParsePeriod(s string) (Period, error) {
	switch p := strings.ToLower(strings.TrimSpace(s)); p {
	case "week", "weekly":
		return Weekly, nil
	case "month", "monthly":
		return Monthly, nil
	case "quarter", "quarterly":
		return Quarterly, nil
	case "year", "yearly", "annual", "annually":
		return Yearly, nil
	}
	return "", fmt.Errorf("%w: unknown period %q (want week, month, quarter or year)", ErrInvalid, s)
}

// maxOccurrences bounds a schedule's count, and an open-ended schedule's
// occurrences: a weekly schedule runs for 190 years before it.
const maxOccurrences = 10000

// Schedule makes one invoice per period from a template. Generated counts
// the occurrences made so far; occurrence k (0 first) is dated Date(k).
// Every field but Generated, LastRun and Stopped is fixed at creation.
type Schedule struct {
	ID string `json:"id"`
	// Template holds what each invoice copies: client, currency, lines,
	// notes, terms and references. Its dates, number, status, payments
	// and credits are not used.
	Template invoice.Invoice `json:"template"`
	// From is the number (or id) of the invoice the schedule was made
	// from.
	From   string `json:"from,omitempty"`
	Period Period `json:"period"`
	// Start is the first occurrence's date; Until, if set, the last date
	// an occurrence may have; Count, if not zero, how many there are.
	Start string `json:"start"`
	Until string `json:"until,omitempty"`
	Count int    `json:"count,omitempty"`
	// PaymentDays is the due date's distance from each issue date.
	PaymentDays int `json:"payment_days"`
	// Draft leaves the invoices made as drafts; otherwise they are issued
	// (numbered) as they are made.
	Draft     bool      `json:"draft,omitempty"`
	Generated int       `json:"generated"`
	LastRun   time.Time `json:"last_run,omitzero"`
	Stopped   time.Time `json:"stopped,omitzero"`
	CreatedBy string    `json:"created_by"`
	Created   time.Time `json:"created"`
}

// New makes a schedule from the invoice src: the payment days are src's
// due date's distance from its issue date. until ("" for none) and count
// (0 for none) are exclusive; with neither the schedule runs until
// stopped.
func New(id string, src *invoice.Invoice, from string, period Period, start, until string, count int, draft bool, by string, now time.Time) (Schedule, error) {
	s := Schedule{ID: id, From: from, Period: period, Start: strings.TrimSpace(start), Until: strings.TrimSpace(until), Count: count,
		Draft: draft, CreatedBy: by, Created: now.UTC()}
	if src.Kind != "" && src.Kind != invoice.KindInvoice {
		return s, fmt.Errorf("%w: only an invoice can recur, not a %s", ErrInvalid, strings.ReplaceAll(string(src.Kind), "_", " "))
	}
	issue, err1 := invoice.ParseDate(src.IssueDate)
	due, err2 := invoice.ParseDate(src.DueDate)
	if err := errors.Join(err1, err2); err != nil {
		return s, fmt.Errorf("%w: the invoice's dates: %w", ErrInvalid, err)
	}
	s.PaymentDays = int(due.Sub(issue).Hours() / 24)
	// Field by field: what an invoice's history holds (payments, credits,
	// reminders, links to a quote or a schedule) is not repeated.
	s.Template = invoice.Invoice{Kind: invoice.KindInvoice, Status: invoice.StatusDraft, ClientID: src.ClientID,
		Currency: src.Currency, Notes: src.Notes, Terms: src.Terms, Lines: append([]invoice.Line(nil), src.Lines...),
		BuyerReference: src.BuyerReference, OrderReference: src.OrderReference}
	return s, s.Check()
}

// Check returns nil if the schedule can run, or an error wrapping
// ErrInvalid that says why.
func (s *Schedule) Check() error {
	if _, err := ParsePeriod(string(s.Period)); err != nil || s.Period == "" {
		return fmt.Errorf("%w: unknown period %q (want week, month, quarter or year)", ErrInvalid, s.Period)
	}
	start, err := invoice.ParseDate(s.Start)
	if err != nil {
		return fmt.Errorf("%w: start date: %w", ErrInvalid, err)
	}
	switch {
	case s.Until != "" && s.Count != 0:
		return fmt.Errorf("%w: give an end date or a count, not both", ErrInvalid)
	case s.Count < 0 || s.Count > maxOccurrences:
		return fmt.Errorf("%w: count %d is not between 1 and %d", ErrInvalid, s.Count, maxOccurrences)
	case s.PaymentDays < 0:
		return fmt.Errorf("%w: the invoice is due before it is issued", ErrInvalid)
	}
	if s.Until != "" {
		until, err := invoice.ParseDate(s.Until)
		if err != nil {
			return fmt.Errorf("%w: end date: %w", ErrInvalid, err)
		}
		if until.Before(start) {
			return fmt.Errorf("%w: the end date %s is before the start %s", ErrInvalid, s.Until, s.Start)
		}
	}
	if s.Template.ClientID == "" || len(s.Template.Lines) == 0 {
		return fmt.Errorf("%w: the invoice has no client or no lines", ErrInvalid)
	}
	if _, err := s.Make(0, "check", s.Created); err != nil {
		return fmt.Errorf("%w: the invoices it makes: %w", ErrInvalid, err)
	}
	return nil
}

// Date is the date of occurrence k (0 first). Monthly, quarterly and
// yearly schedules keep the start's day of the month, on the month's last
// day when the month is shorter (31 January gives 28 February, 31 March,
// 30 April); a schedule that starts on a month's last day stays on the last
// day (28 February 2026 gives 31 March, 30 April). Dates are counted from
// the start each time, never from the previous one, so a short month does
// not pull the later ones back.
func (s *Schedule) Date(k int) (time.Time, error) {
	start, err := invoice.ParseDate(s.Start)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: start date: %w", ErrInvalid, err)
	}
	months := 0
	switch s.Period {
	case Weekly:
		return start.AddDate(0, 0, 7*k), nil
	case Monthly:
		months = k
	case Quarterly:
		months = 3 * k
	case Yearly:
		months = 12 * k
	default:
		return time.Time{}, fmt.Errorf("%w: unknown period %q", ErrInvalid, s.Period)
	}
	return addMonths(start, months), nil
}

// addMonths is t plus n months, on the same day of the month or the
// month's last day (see Schedule.Date).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := daysIn(first)
	if d > last || d == daysIn(t) {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}

func daysIn(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Ends says in words when the schedule ends: "12 invoices", "until
// 2027-06-30" or "until stopped".
func (s *Schedule) Ends() string {
	switch {
	case s.Count == 1:
		return "1 invoice"
	case s.Count > 0:
		return fmt.Sprintf("%d invoices", s.Count)
	case s.Until != "":
		return "until " + s.Until
	}
	return "until stopped"
}

// Occurrences is how many occurrences the schedule has in all: Count, or
// those up to Until, or (open-ended) a bound no schedule reaches.
func (s *Schedule) Occurrences() (int, error) {
	switch {
	case s.Count > 0:
		return s.Count, nil
	case s.Until == "":
		return maxOccurrences, nil
	}
	until, err := invoice.ParseDate(s.Until)
	if err != nil {
		return 0, fmt.Errorf("%w: end date: %w", ErrInvalid, err)
	}
	n := 0
	for ; n < maxOccurrences; n++ {
		d, err := s.Date(n)
		if err != nil {
			return 0, err
		}
		if d.After(until) {
			break
		}
	}
	return n, nil
}

// Due returns the occurrences not made yet whose date is on or before
// asOf (YYYY-MM-DD), oldest first: after three months without a run, the
// three missing ones. A stopped schedule has none.
func (s *Schedule) Due(asOf string) ([]int, error) {
	day, err := invoice.ParseDate(asOf)
	if err != nil {
		return nil, fmt.Errorf("as-of date: %w", err)
	}
	if !s.Stopped.IsZero() {
		return nil, nil
	}
	total, err := s.Occurrences()
	if err != nil {
		return nil, err
	}
	var due []int
	for k := s.Generated; k < total; k++ {
		d, err := s.Date(k)
		if err != nil {
			return nil, err
		}
		if d.After(day) {
			break
		}
		due = append(due, k)
	}
	return due, nil
}

// Next is the date of the next occurrence to make, and false when the
// schedule has made all it has or was stopped.
func (s *Schedule) Next() (string, bool, error) {
	if !s.Stopped.IsZero() {
		return "", false, nil
	}
	total, err := s.Occurrences()
	if err != nil || s.Generated >= total {
		return "", false, err
	}
	d, err := s.Date(s.Generated)
	if err != nil {
		return "", false, err
	}
	return d.Format(invoice.DateLayout), true, nil
}

// Make returns the draft invoice of occurrence k with the given id: the
// template dated Date(k), due PaymentDays later, linked to the schedule
// (Schedule, Occurrence k+1).
func (s *Schedule) Make(k int, id string, now time.Time) (invoice.Invoice, error) {
	d, err := s.Date(k)
	if err != nil {
		return invoice.Invoice{}, err
	}
	inv := s.Template
	inv.Lines = append([]invoice.Line(nil), s.Template.Lines...)
	inv.ID, inv.Kind, inv.Status = id, invoice.KindInvoice, invoice.StatusDraft
	inv.IssueDate = d.Format(invoice.DateLayout)
	inv.DueDate = d.AddDate(0, 0, s.PaymentDays).Format(invoice.DateLayout)
	inv.Schedule, inv.Occurrence = s.ID, k+1
	inv.Created, inv.Updated = now.UTC(), now.UTC()
	return inv, inv.Validate()
}
