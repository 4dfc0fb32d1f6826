package invoice

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Payment reminders. An administrator sets the levels: how many days after
// the due date each one comes, and its text. An invoice is due for the
// highest level its days overdue have reached, above the last level it
// was reminded at: one reminder at a time, never the same level twice,
// and a late look (50 days overdue, nothing sent) sends the level reached
// rather than all those before it.

// ReminderLevel is one level of reminders: Days after the due date, and
// the Text the reminder says.
type ReminderLevel struct {
	Days int    `json:"days"`
	Text string `json:"text"`
}

// Reminder records, on an invoice, one reminder made: its level (1
// first), the date it was made for, the days overdue and the balance then.
type Reminder struct {
	Level       int    `json:"level"`
	Date        string `json:"date"`
	DaysOverdue int    `json:"days_overdue"`
	Balance     string `json:"balance"`
}

// MaxReminderLevels bounds the levels an administrator sets.
const MaxReminderLevels = 9

// Sentinel errors of reminders.
var (
	// ErrNoReminder is an invoice that is not due for a reminder; the
	// error says why.
	ErrNoReminder = errors.New("no reminder is due")
)

// DefaultReminderLevels are the levels until an administrator sets
// others: 7, 21 and 45 days after the due date.
func DefaultReminderLevels() []ReminderLevel {
	return []ReminderLevel{
		{7, "We have not yet received payment of this invoice, which was due on {due_date}. If you have paid in the meantime, please disregard this reminder; otherwise please pay the balance of {balance} soon."},
		{21, "Despite our reminder, the balance of {balance} of this invoice, due on {due_date}, is still unpaid. Please pay it within the next seven days."},
		{45, "This is our final reminder: the invoice was due on {due_date} and {balance} is still unpaid, {days} days later. Please pay it now; otherwise we will have to take further steps."},
	}
}

// CheckReminderLevels returns nil for 1 to MaxReminderLevels levels whose
// days grow strictly, from 1 to 3650, each with a text; otherwise an
// error wrapping ErrInvalid that names the level.
func CheckReminderLevels(levels []ReminderLevel) error {
	if len(levels) == 0 || len(levels) > MaxReminderLevels {
		return fmt.Errorf("%w: between 1 and %d reminder levels, not %d", ErrInvalid, MaxReminderLevels, len(levels))
	}
	for i, l := range levels {
		switch {
		case l.Days < 1 || l.Days > 3650:
			return fmt.Errorf("%w: reminder level %d: %d days is not between 1 and 3650", ErrInvalid, i+1, l.Days)
		case i > 0 && l.Days <= levels[i-1].Days:
			return fmt.Errorf("%w: reminder level %d comes after %d days, not later than level %d (%d days)", ErrInvalid, i+1, l.Days, i, levels[i-1].Days)
		case strings.TrimSpace(l.Text) == "":
			return fmt.Errorf("%w: reminder level %d has no text", ErrInvalid, i+1)
		}
		if err := checkText(l.Text, MaxNotesLen, true); err != nil {
			return fmt.Errorf("reminder level %d: %w", i+1, err)
		}
	}
	return nil
}

// DaysOverdue is how many days after inv's due date asOf is (0 on the due
// date or before).
func (inv *Invoice) DaysOverdue(asOf time.Time) int {
	due, err := ParseDate(inv.DueDate)
	if err != nil {
		return 0
	}
	y, m, d := asOf.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if !day.After(due) {
		return 0
	}
	return int(day.Sub(due) / (24 * time.Hour))
}

// LastReminder is the highest level inv was reminded at (0 for none).
func (inv *Invoice) LastReminder() int {
	last := 0
	for _, r := range inv.Reminders {
		last = max(last, r.Level)
	}
	return last
}

// ReminderDue returns the level (1 first) inv is due for as of asOf under
// levels, and its days overdue. An invoice that is not due gives an error
// wrapping ErrNoReminder that says why: not an issued invoice (drafts,
// credit notes, quotes), paid or void, corrected by a credit note (the
// amount owed changed: remind by hand, after talking), not overdue long
// enough, or reminded at that level already.
func (inv *Invoice) ReminderDue(levels []ReminderLevel, asOf time.Time) (level, days int, err error) {
	name := inv.Number
	switch {
	case inv.Kind != KindInvoice && inv.Kind != "":
		return 0, 0, fmt.Errorf("%w: %s is a %s", ErrNoReminder, name, strings.ReplaceAll(string(inv.Kind), "_", " "))
	case len(inv.Credits) > 0:
		return 0, 0, fmt.Errorf("%w: %s was corrected by a credit note", ErrNoReminder, name)
	case inv.Status == StatusPaid:
		return 0, 0, fmt.Errorf("%w: %s is paid", ErrNoReminder, name)
	case inv.Status == StatusVoid:
		return 0, 0, fmt.Errorf("%w: %s is void", ErrNoReminder, name)
	case inv.Status != StatusIssued && inv.Status != StatusPartiallyPaid:
		return 0, 0, fmt.Errorf("%w: %s is not issued", ErrNoReminder, cmpName(inv))
	}
	days = inv.DaysOverdue(asOf)
	for i, l := range levels {
		if days >= l.Days {
			level = i + 1
		}
	}
	last := inv.LastReminder()
	switch {
	case level == 0 && days == 0:
		return 0, 0, fmt.Errorf("%w: %s is not overdue (due %s)", ErrNoReminder, name, inv.DueDate)
	case level == 0:
		return 0, days, fmt.Errorf("%w: %s is %s overdue; the first reminder comes after %s", ErrNoReminder, name, Days(days), Days(levels[0].Days))
	case level <= last:
		if last >= len(levels) {
			return 0, days, fmt.Errorf("%w: %s had its last reminder (level %d)", ErrNoReminder, name, last)
		}
		return 0, days, fmt.Errorf("%w: %s had its level %d reminder; level %d comes after %d days", ErrNoReminder, name, last, last+1, levels[last].Days)
	}
	return level, days, nil
}

func cmpName(inv *Invoice) string {
	if inv.Number == "" {
		return "the draft"
	}
	return inv.Number
}

// RecordReminder records the reminder at level as of asOf (YYYY-MM-DD) on
// inv, after ReminderDue says it is due at that level.
func (inv *Invoice) RecordReminder(levels []ReminderLevel, level int, asOf time.Time, now time.Time) (Reminder, error) {
	due, days, err := inv.ReminderDue(levels, asOf)
	if err != nil {
		return Reminder{}, err
	}
	if due != level {
		return Reminder{}, fmt.Errorf("%w: %s is due for level %d, not %d", ErrNoReminder, inv.Number, due, level)
	}
	t, err := inv.Totals()
	if err != nil {
		return Reminder{}, err
	}
	r := Reminder{Level: level, Date: asOf.Format(DateLayout), DaysOverdue: days, Balance: t.Balance.Number()}
	inv.Reminders = append(inv.Reminders, r)
	inv.Updated = now.UTC()
	return r, nil
}

// ReminderText fills a level's text: {number}, {due_date}, {balance}
// (with the currency), {days} (overdue) and {level}.
func ReminderText(text string, inv *Invoice, r Reminder) string {
	return strings.NewReplacer("{number}", inv.Number, "{due_date}", inv.DueDate, "{balance}", r.Balance+" "+inv.Currency,
		"{days}", fmt.Sprint(r.DaysOverdue), "{level}", fmt.Sprint(r.Level)).Replace(text)
}

// Days is a number of days in words: "1 day", "12 days".
func Days(n int) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d day", n)
	}
	return fmt.Sprintf("%d days", n)
}
