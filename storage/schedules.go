package storage

import (
	"errors"
	"fmt"

	"safeinvoice/recurring"
)

// prefixSchedule keys the recurring invoice schedules.
const prefixSchedule = "schedule/"

// PutSchedule creates or replaces a recurring schedule. The app writes it
// in the same transaction as the invoice an occurrence makes, so that the
// count of occurrences made and the invoices never disagree.
func (tx *Tx) PutSchedule(s recurring.Schedule) error {
	id, err := recordID("schedule", s.ID)
	if err != nil {
		return err
	}
	return putJSON(tx, prefixSchedule+id, s)
}

// Schedule returns the schedule with id, or ErrNotFound.
func (tx *Tx) Schedule(id string) (recurring.Schedule, error) {
	s, err := getJSON[recurring.Schedule](tx, prefixSchedule+id)
	if errors.Is(err, ErrNotFound) {
		return s, fmt.Errorf("recurring schedule %s: %w", id, ErrNotFound)
	}
	return s, err
}

// EachSchedule calls fn for every schedule in id order until fn returns an
// error.
func (tx *Tx) EachSchedule(fn func(recurring.Schedule) error) error {
	return eachJSON(tx, prefixSchedule, fn)
}
